#!/bin/sh
# check-distro-build.sh TCPDUMP USER [MAKE_CHECK_LOG]: checks that TCPDUMP
# is built as Debian builds its tcpdump: it names OpenSSL, it and the
# jmirror-decap beside it have every protection hardening-check finds in
# Debian's own tcpdump package (tests/build/check-hardening.sh), and,
# started as root on the loopback interface, runs as USER once capturing
# (USER root: a build without a privilege drop) and still decodes jmirror;
# -Z root keeps root. With MAKE_CHECK_LOG, the log of "make check": the
# ESP decryption tests ran and passed. Needs root, apt-get, dpkg-deb,
# hardening-check (devscripts) and python3. Prints "ok - ..." or
# "FAIL - ..." per check; exits non-zero if any failed.
set -eu

usage="usage: $0 TCPDUMP USER [MAKE_CHECK_LOG]"
test $# -ge 2 && test $# -le 3 || { echo "$usage" >&2; exit 2; }
case $1 in /*) tcpdump=$1 ;; *) tcpdump=$(pwd)/$1 ;; esac
user=$2
log=${3:-}
port=30030
common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"
scratch

# check_openssl: --version names the libcrypto it links
check_openssl() {
	if "$tcpdump" --version 2>&1 | grep -q '^OpenSSL '; then
		ok "--version names $("$tcpdump" --version 2>&1 | grep '^OpenSSL ')"
	else
		fail "--version names OpenSSL: $("$tcpdump" --version 2>&1 | tr '\n' ' ')"
	fi
}

# check_esp_tests: every libcrypto test of tcpdump's suite passed in LOG
check_esp_tests() {
	for t in esp1 esp2 esp3 esp4 esp5 espudp1 ikev2pI2 isakmp4 \
		bgp-as-path-oobr-ssl bgp-aigp-oobr-ssl; do
		if grep -E -q "^ +$t +: passed" "$log"; then
			ok "make check: $t passed"
		else
			fail "make check: $t passed (log: $(grep -E "^ +$t +:" "$log" || echo 'not run'))"
		fi
	done
}

# check_hardening: TCPDUMP and the jmirror-decap built beside it have
# every protection of Debian's /usr/bin/tcpdump
check_hardening() {
	counted sh "$(dirname "$0")/check-hardening.sh" "$tcpdump" \
		"$(dirname "$tcpdump")/jmirror-decap"
}

# send_jmirror: jmirror datagrams (mirror id 768, session id 144, an
# ICMP echo request inside) to 127.0.0.1, until tcpdump has exited
send_jmirror() {
	pycommon - "$port" "$1" <<'EOF'
import os, socket, sys, time
import jmirror_pcap as jp
port, pid = int(sys.argv[1]), int(sys.argv[2])
msg = jp.jmirror(768, 144, jp.ipv4("198.51.100.7", "203.0.113.9", 1,
                                   jp.icmp_echo(7, 9, bytes(8)), ident=1))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(100):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    sock.sendto(msg, ("127.0.0.1", port))
    time.sleep(0.1)
EOF
}

# capture NAME EXPECTED-USER [OPTION...]: a bounded live capture on lo as
# root; once it listens, its real, effective, saved and file-system uids
# are EXPECTED-USER's, and it decodes the jmirror datagrams sent
capture() {
	name=$1 want=$2
	shift 2
	uid=$(id -u "$want")
	: >"$tmp/$name.err"
	timeout 20 "$tcpdump" "$@" -i lo -c 3 -n -l "udp port $port" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	i=0
	while ! grep -q '^listening on' "$tmp/$name.err" && test $i -lt 100; do
		sleep 0.1
		i=$((i + 1))
	done
	child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | tr -d ' ')
	uids=$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$child/status" 2>/dev/null | tr -s '[:space:]' ' ')
	send_jmirror "$pid"
	status=0
	wait "$pid" || status=$?
	if test "$uids" = "$uid $uid $uid $uid "; then
		ok "$name: capturing as $want (Uid: $uids)"
	else
		fail "$name: capturing as $want, uid $uid (Uid: ${uids:-none}; stderr: $(tr '\n' ' ' <"$tmp/$name.err"))"
	fi
	if test $status = 0 &&
		test "$(grep -c 'JMIRROR, mirror-id 768, session-id 144, length 36: IP 198.51.100.7 > 203.0.113.9: ICMP echo request, id 7, seq 9, length 16' "$tmp/$name.out")" = 3; then
		ok "$name: 3 jmirror packets decoded"
	else
		fail "$name: 3 jmirror packets decoded (exit $status; stdout: $(tr '\n' ' ' <"$tmp/$name.out"); stderr: $(tr '\n' ' ' <"$tmp/$name.err"))"
	fi
}

test "$(id -u)" = 0 || { echo "$0: run as root (live capture)" >&2; exit 2; }
check_openssl
check_hardening
test -z "$log" || check_esp_tests
capture "live capture" "$user"
capture "live capture, -Z root" root -Z root
results check-distro-build
