#!/usr/bin/env bash
# check-deb-libpcap.sh LIBPCAP_WORKDIR TCPDUMP_WORKDIR SRCDIR: checks the
# libpcap packages "make deb" made in LIBPCAP_WORKDIR, unpacked with
# dpkg-deb -x and never installed: lintian finds no error; the version
# sorts between Debian's revision and its next update; the tcpdump
# package of TCPDUMP_WORKDIR, run with the unpacked libpcap0.8 through
# LD_LIBRARY_PATH, takes 'jmirror 768 and tcp' packets; and, as root with
# dumpcap installed, `dumpcap -i lo -f 'jmirror port P 768 and icmp'`
# through LD_LIBRARY_PATH captures exactly the ICMP packets of intercept
# 768 out of a mixed stream sent to 127.0.0.1 (skipped with a line
# otherwise).
set -euo pipefail

libpcap_workdir=$1
tcpdump_workdir=$2
srcdir=$(cd "$3" && pwd)
gen="python3 $srcdir/tests/filter/gen-filter-corpus.py"
LIMIT=20	# seconds the live capture may take
common=$srcdir/tests/common
. "$common/check-lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# unpack: libpcap0.8 and the tcpdump package, side by side in $tmp/root
unpack() {
	lib=$(ls "$libpcap_workdir"/libpcap0.8_*jmirror*_*.deb)
	changes=$(ls "$libpcap_workdir"/libpcap_*jmirror*_*.changes)
	version=$(dpkg-deb -f "$lib" Version)
	dpkg-deb -x "$lib" "$tmp/root"
	dpkg-deb -x "$(ls "$tcpdump_workdir"/tcpdump_*jmirror*_*.deb)" "$tmp/root"
	libdir=$(dirname "$(find "$tmp/root" -name 'libpcap.so.0.8' | head -n 1)")
	ok "$(basename "$lib") unpacked"
}

# lintian_clean: no error on the packages and the .changes
lintian_clean() {
	local out
	out=$(lintian "$changes" 2>&1 || true)
	echo "$out" | sed 's/^/  lintian: /'
	if echo "$out" | grep -q '^E:'; then
		fail "lintian reports errors on the libpcap packages"
	else
		ok "lintian: no errors on the libpcap packages"
	fi
}

# version_order: above Debian's revision, below its next stable update
# (the rule of make-deb, checked in full for tcpdump by check-deb.sh)
version_order() {
	local debian=${version%jmirror*} next
	next=$debian+deb$(. /etc/os-release && echo "${VERSION_ID:-12}")u1
	if dpkg --compare-versions "$debian" lt "$version" &&
		dpkg --compare-versions "$version" lt "$next"; then
		ok "version $version: above $debian, below $next"
	else
		fail "version $version does not sort between $debian and $next"
	fi
}

# packaged_tcpdump: the packaged tcpdump with the unpacked libpcap0.8
packaged_tcpdump() {
	local n
	$gen small "$tmp/small.pcap"
	n=$(LD_LIBRARY_PATH=$libdir "$tmp/root/usr/bin/tcpdump" -n \
		-r "$tmp/small.pcap" 'jmirror 768 and tcp' 2>/dev/null | wc -l)
	if test "$n" = 3; then
		ok "packaged tcpdump with libpcap0.8 $version: 'jmirror 768 and tcp' takes the 3 packets"
	else
		fail "packaged tcpdump with libpcap0.8 $version: 'jmirror 768 and tcp' takes $n packets, want 3"
	fi
}

# live_dumpcap: dumpcap on lo with the unpacked libpcap0.8
live_dumpcap() {
	local port pid
	if test "$(id -u)" != 0; then
		skip "dumpcap -f live capture on lo" "run as root"
		return
	fi
	if ! command -v dumpcap >/dev/null 2>&1; then
		skip "dumpcap -f live capture on lo" "install wireshark-common"
		return
	fi
	port=$(free_port)
	LD_LIBRARY_PATH=$libdir timeout "$LIMIT" dumpcap -q -i lo -P \
		-f "jmirror port $port 768 and icmp" -w "$tmp/dumpcap.pcap" \
		2>"$tmp/dumpcap.err" &
	pid=$!
	sleep 2
	$gen send "$port"
	sleep 1
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" || true
	if test -s "$tmp/dumpcap.pcap"; then
		$gen check-live "$tmp/dumpcap.pcap" | sed 's/^\(ok\|FAIL\) - live:/\1 - dumpcap -f with libpcap0.8 '"$version"':/' |
			tee "$tmp/dumpcap.result"
		counted grep -q '^ok' "$tmp/dumpcap.result"
	else
		fail "dumpcap -f wrote nothing: $(cat "$tmp/dumpcap.err")"
	fi
}

unpack
lintian_clean
version_order
packaged_tcpdump
live_dumpcap
results check-deb-libpcap
