#!/bin/sh
# decap-roundtrip.sh DECAP WRAP TESTS_DIR
#
# Round trip through jmirror: every IPv4 and IPv6 packet of the captures
# in TESTS_DIR (tcpdump's own test captures, *.pcap) is wrapped in
# jmirror by WRAP (build/jmirror-wrap), which also writes the same IP
# packets bare (--bare); DECAP (jmirror-decap) takes the jmirror off
# again, and what it writes must be the bare capture byte for byte,
# record by record, time stamps included (tests/common/pcap-compare.py).
# Three ways of wrapping: whole datagrams; outer datagrams fragmented at
# 576 bytes; fragmented at 1500 bytes with the fragments shuffled.
#
# Prints per way "captures C, packets P, identical I" and the first
# differences; exits non-zero on any difference or when nothing was
# compared.  DECAP_WRAPPER (e.g. valgrind ...) is put in front of DECAP;
# DECAP_SAMPLE=N takes every Nth capture only (for a slow wrapper).

set -eu

usage="usage: $0 DECAP WRAP TESTS_DIR"
common=$(cd "$(dirname "$0")/../../tests/common" && pwd)
. "$common/check-lib.sh"
# the ways of wrapping: a name, then jmirror-wrap's options
WAYS="whole:
frag576:--fragment=576
frag1500-shuffled:--fragment=1500 --shuffle=7"

# setup: check the arguments; scratch directory removed on exit
setup() {
	test $# = 3 || { echo "$usage" >&2; exit 2; }
	decap=$1
	wrap=$2
	testsdir=$3
	executables "$decap" "$wrap"
	test -d "$testsdir" || { echo "$0: $testsdir: not a directory" >&2; exit 2; }
	here=$(cd "$(dirname "$0")" && pwd)
	scratch
}

# round_trip NAME OPTIONS: wrap with OPTIONS and decapsulate every
# capture; the pairs to compare go to $tmp/NAME.pairs
round_trip() {
	name=$1
	options=$2
	: >"$tmp/$name.pairs"
	n=0
	for capture in "$testsdir"/*.pcap; do
		n=$((n + 1))
		test $((n % ${DECAP_SAMPLE:-1})) = 0 || continue
		base=$tmp/$name.$n
		# shellcheck disable=SC2086 # options is a list of options
		"$wrap" -q $options -b "$base.bare" "$capture" "$base.jm" \
			2>/dev/null || continue
		if ! ${DECAP_WRAPPER:-} "$decap" -r "$base.jm" -w "$base.out" \
			--payload=ip 2>"$base.err"; then
			fail_detail=$base.err
			fail "$name: $decap on $capture:"
			continue
		fi
		echo "$base.bare $base.out" >>"$tmp/$name.pairs"
	done
}

# compare NAME: the decapsulated captures against the bare ones, and
# how many datagrams decap reassembled (none would mean no fragments)
compare() {
	reassembled=$(cat "$tmp/$1".*.err | sed -n \
		's/.*fragments: [0-9]* reassembled into \([0-9]*\) .*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')
	printf '%s (%s datagrams reassembled): ' "$1" "$reassembled"
	counted python3 "$common/pcap-compare.py" "$tmp/$1.pairs"
	case $1 in
	frag*)	test "$reassembled" != 0 ||
			fail "$1: no fragments were reassembled" ;;
	esac
}

setup "$@"
while IFS=: read -r name options; do
	round_trip "$name" "$options"
	compare "$name"
	test $failed = 0 || break
done <<EOF
$WAYS
EOF
check "round trip through jmirror-wrap and jmirror-decap" test $failed = 0
results "decap roundtrip"
