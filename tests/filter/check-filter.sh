#!/bin/sh
# check-filter.sh TCPDUMP DECAP WRAP TCPDUMP_TESTS_DIR [--system-libpcap]:
# the jmirror capture-filter keyword of the libpcap TCPDUMP and DECAP link
# (libpcap-patch):
#   golden   the `tcpdump -d` listings of tests/filter/golden/*.bpf (read and
#            explained in tests/filter/golden/README.md), trailing blanks aside
#   reject   out-of-range ids, ports and session ids, a link type jmirror
#            does not handle, keywords that cannot follow it: a clear
#            error and a non-zero exit
#   oracle   tests/filter/check-filter-oracle.py over every IP packet of
#            TCPDUMP_TESTS_DIR, wrapped by WRAP, optimizer on and off
#   live     as root, on lo only: `TCPDUMP -i lo 'jmirror port P 768 and
#            icmp'` captures exactly the ICMP packets of intercept 768 out
#            of a mixed stream sent to 127.0.0.1:P; `DECAP -i lo
#            --jmirror-port=P --mirror-id=768 icmp` reads only those (its
#            ids and expression are in the kernel filter) and writes their
#            IP packets (skipped, with a line saying so, when not root)
# With --system-libpcap (a build configured so), TCPDUMP must lack the
# keyword, and that is all; without it, a TCPDUMP lacking the keyword
# fails. Prints "ok - ..." or "FAIL - ..." lines;
# exits 1 if any failed.

usage="usage: $0 TCPDUMP DECAP WRAP TCPDUMP_TESTS_DIR [--system-libpcap]"
LIMIT=20	# seconds the live capture may take
common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"

# setup: check the arguments; scratch directory removed on exit
setup() {
	case $#:${5-} in
	4: | 5:--system-libpcap) ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
	tcpdump=$1
	decap=$2
	wrap=$3
	testsdir=$4
	system_libpcap=${5:+yes}
	executables "$tcpdump" "$decap" "$wrap"
	here=$(cd "$(dirname "$0")" && pwd)
	gen="python3 $here/gen-filter-corpus.py"
	scratch
}

# capture LINKTYPE: an empty capture of that link type, for tcpdump -d
capture() {
	test -f "$tmp/$1.pcap" || $gen empty "$1" "$tmp/$1.pcap"
	echo "$tmp/$1.pcap"
}

# has_keyword: whether TCPDUMP's libpcap knows jmirror
has_keyword() {
	"$tcpdump" -d -r "$(capture EN10MB)" jmirror >/dev/null 2>&1
}

# golden: each tests/filter/golden/NAME.bpf is what `tcpdump -d` prints for the
# expression and link type of its line in tests/filter/golden/golden.list
golden() {
	while IFS='	' read -r name linktype expr; do
		case $name in '#'*|'') continue ;; esac
		if ! "$tcpdump" -d -r "$(capture "$linktype")" "$expr" \
			>"$tmp/$name.bpf" 2>"$tmp/err"; then
			fail "golden $name: '$expr' does not compile: $(cat "$tmp/err")"
		elif sed 's/[ 	]*$//' "$tmp/$name.bpf" |
			cmp -s - "$here/golden/$name.bpf"; then
			ok "golden $name: '$expr' on $linktype"
		else
			fail "golden $name: '$expr' on $linktype differs from tests/filter/golden/$name.bpf"
			sed 's/[ 	]*$//' "$tmp/$name.bpf" | diff "$here/golden/$name.bpf" - | head -n 10
		fi
	done <"$here/golden/golden.list"
}

# reject LINKTYPE PATTERN EXPR: tcpdump -d EXPR fails with one message
# matching PATTERN (an extended regular expression)
reject() {
	"$tcpdump" -d -r "$(capture "$1")" "$3" >/dev/null 2>"$tmp/err"
	status=$?
	msg=$(grep -v '^reading from file' "$tmp/err")
	if test $status = 0; then
		fail "reject '$3' on $1: accepted"
	elif test $status -gt 125; then
		fail "reject '$3' on $1: exit status $status (a crash?)"
	elif echo "$msg" | grep -Eq "$2"; then
		ok "reject '$3' on $1: $msg"
	else
		fail "reject '$3' on $1: message '$msg' does not match '$2'"
	fi
}

rejections() {
	reject EN10MB 'jmirror ID 1073741824 greater than maximum 1073741823' \
		'jmirror 1073741824'
	reject EN10MB 'jmirror port 65536 greater than maximum 65535' \
		'jmirror port 65536 768'
	# libpcap 1.10.5 leaves the number out of this message
	reject EN10MB 'number .*overflows 32 bits' \
		'jmirror 768 session 4294967296'
	reject EN10MB 'syntax error' 'jmirror session'
	reject EN10MB 'syntax error' 'jmirror port'
	reject PPP "'jmirror' not supported on" 'jmirror 768'
	reject EN10MB '[Vv][Ll][Aa][Nn].*(Raw IP|RAW)' 'jmirror and vlan'
	reject LINUX_SLL 'protochain.*variable length' 'jmirror and ip protochain 6'
}

oracle() {
	counted python3 "$here/check-filter-oracle.py" "$tcpdump" "$wrap" \
		"$testsdir" "$here/filter-oracle.exprs"
}

# stop PID: end the bounded capture PID (SIGTERM: it writes what it has)
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# live_tcpdump: capture on lo while the mixed stream goes to a free port
live_tcpdump() {
	port=$(free_port)
	# -Z root: the capture file is written after the privilege drop
	timeout "$LIMIT" "$tcpdump" -i lo -n -U --immediate-mode -Z root \
		-w "$tmp/live.pcap" \
		"jmirror port $port 768 and icmp" 2>"$tmp/live.err" &
	pid=$!
	n=0
	until grep -q 'listening on' "$tmp/live.err" 2>/dev/null; do
		n=$((n + 1))
		if test $n -gt 50 || ! kill -0 "$pid" 2>/dev/null; then
			fail "live: tcpdump -i lo did not start: $(cat "$tmp/live.err")"
			stop "$pid"
			return
		fi
		sleep 0.1
	done
	$gen send "$port"
	sleep 1
	stop "$pid"
	counted $gen check-live "$tmp/live.pcap"
}

# live_decap: jmirror-decap -i lo on the same stream: its kernel filter
# lets through only the datagrams it writes (-Z root: as root decap
# would write as user tcpdump, who cannot write in $tmp)
live_decap() {
	port=$(free_port)
	timeout "$LIMIT" "$decap" -Z root -i lo -U --jmirror-port="$port" \
		--mirror-id=768 -w "$tmp/decap.pcap" icmp 2>"$tmp/decap.err" &
	pid=$!
	sleep 1
	$gen send "$port"
	sleep 1
	stop "$pid"
	counted $gen check-live-decap "$tmp/decap.pcap"
	read=$(sed -n 's/.*: \([0-9]*\) packets read.*/\1/p' "$tmp/decap.err")
	written=$(sed -n 's/.*: \([0-9]*\) written.*/\1/p' "$tmp/decap.err")
	if test -n "$read" && test "$read" = "$written"; then
		ok "live decap: $read packets read, all written: the ids and the expression are in the kernel filter"
	else
		fail "live decap: $read packets read, $written written: the kernel filter let others through"
	fi
}

live() {
	if test "$(id -u)" != 0; then
		skip "live captures on lo by tcpdump and jmirror-decap" "run as root"
		return
	fi
	live_tcpdump
	live_decap
}

setup "$@"
if test -n "$system_libpcap"; then
	if has_keyword; then
		echo "FAIL - check-filter: built --with-system-libpcap, yet $tcpdump knows jmirror"
		exit 1
	fi
	echo "ok - check-filter: built --with-system-libpcap, $tcpdump has no jmirror keyword; nothing else to check"
	exit 0
fi
if ! has_keyword; then
	echo "FAIL - check-filter: $tcpdump does not know 'jmirror': it does not link the libpcap built with libpcap-patch"
	exit 1
fi
golden
rejections
oracle
live
results check-filter
