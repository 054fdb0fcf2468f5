#!/bin/sh
# check-configured-port.sh SRCDIR TCPDUMP_SOURCE [MAKE]: configure a
# scratch build --with-jmirror-port and --with-jmirror-max-ports other
# than the defaults, and check that both values reach all that states
# them: tcpdump's compile flags and man page, jmirror-decap's man page,
# help and behaviour, jmirror-wrap's help and behaviour.  (tcpdump itself
# is not compiled: the flags its tree is configured with are read.)
# Prints "ok - ..." or "FAIL - ..." per check and the counts; exits 1 if
# any failed.

usage="usage: $0 SRCDIR TCPDUMP_SOURCE [MAKE]"
test $# -ge 2 || { echo "$usage" >&2; exit 2; }

common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"

srcdir=$(cd "$1" && pwd) || exit 2
source=$2
make=${3:-make}
compare=$srcdir/tests/common/pcap-compare.py

# values no default has, the port limit below the port list used here
PORT=40404
MAX=3

scratch

# build: configure the scratch build (the system's libpcap: nothing here
# links tcpdump) and make the tools and both man pages
build() {
	(cd "$tmp" && "$srcdir/configure" --with-tcpdump-src="$source" \
		--with-system-libpcap --with-jmirror-port=$PORT \
		--with-jmirror-max-ports=$MAX) >"$tmp/configure.log" 2>&1 &&
	$make -C "$tmp" build/jmirror-decap build/jmirror-wrap \
		build/tcpdump.1 build/jmirror-decap.1 >"$tmp/make.log" 2>&1 ||
	{ tail -n 20 "$tmp/configure.log" "$tmp/make.log"; return 1; }
}

# text FILE: a man page as it reads, one line (without groff, its source
# with the strings its .ds requests define put in their place)
text() {
	if command -v groff >/dev/null 2>&1; then
		groff -man -Tascii -P-cbou "$1" 2>/dev/null
	else
		awk '/^\.ds / { ds[$2] = $3; next }
		     { for (n in ds) gsub("\\\\\\*\\(" n, ds[n]); print }' "$1"
	fi | tr -s ' \n' '  '
}

# says FILE STRING...: FILE holds every STRING, and not the default port
says() {
	file=$1
	shift
	for s in "$@"; do
		grep -qF -- "$s" "$file" || { echo "    no '$s' in $file"; return 1; }
	done
	! grep -q 30030 "$file"
}

# records FILE: how many packets a capture holds
records() {
	python3 "$compare" --info "$1" | cut -d' ' -f3
}

# round_trip: a test capture's mirrored packets, wrapped by jmirror-wrap
# on its default port, come out of jmirror-decap on its default port
# (and not on 30030)
round_trip() {
	decap=$tmp/build/jmirror-decap
	"$decap" -r "$srcdir/tests/tcpdump/jmirror-ipv4.pcap" \
		--jmirror-port=30030 --payload=ip -w "$tmp/inner.pcap" 2>/dev/null &&
	"$tmp/build/jmirror-wrap" -q --bare="$tmp/bare.pcap" "$tmp/inner.pcap" \
		"$tmp/wrapped.pcap" &&
	"$decap" -r "$tmp/wrapped.pcap" --payload=ip -w "$tmp/out.pcap" 2>/dev/null &&
	"$decap" -r "$tmp/wrapped.pcap" --payload=ip -w "$tmp/none.pcap" \
		--jmirror-port=30030 2>/dev/null &&
	echo "$tmp/bare.pcap $tmp/out.pcap" >"$tmp/pair" &&
	python3 "$compare" "$tmp/pair" >"$tmp/cmp" &&
	test "$(records "$tmp/bare.pcap")" -gt 0 &&
	test "$(records "$tmp/none.pcap")" = 0
}

# port_limit: jmirror-decap takes MAX ports, not one more
port_limit() {
	"$tmp/build/jmirror-decap" --print-filter --jmirror-port=1,2,3 >/dev/null &&
	! "$tmp/build/jmirror-decap" --print-filter --jmirror-port=1,2,3,4 \
		>/dev/null 2>&1
}

if ! build; then
	fail "configured --with-jmirror-port=$PORT --with-jmirror-max-ports=$MAX and built"
	results check-configured-port
	exit 1
fi
text "$tmp/build/tcpdump.1" >"$tmp/tcpdump.txt"
check "tcpdump's man page: port $PORT, at most $MAX ports" \
	says "$tmp/tcpdump.txt" "(at most $MAX)" "default, port $PORT."
text "$tmp/build/jmirror-decap.1" >"$tmp/decap.txt"
check "jmirror-decap's man page: port $PORT, at most $MAX ports" \
	says "$tmp/decap.txt" "at most $MAX," "default is $PORT;"
check "tcpdump's tree is configured with -DJMIRROR_PORT=$PORT -DJMIRROR_MAX_PORTS=$MAX" \
	grep -q -- "-DJMIRROR_PORT=$PORT -DJMIRROR_MAX_PORTS=$MAX" \
	"$tmp/build/tcpdump-tree/Makefile"
"$tmp/build/jmirror-decap" --help >"$tmp/decap-help" 2>&1
check "jmirror-decap --help: port $PORT, at most $MAX ports" \
	says "$tmp/decap-help" "at most $MAX" "$PORT"
"$tmp/build/jmirror-wrap" --help >"$tmp/wrap-help" 2>&1
check "jmirror-wrap --help: port $PORT" says "$tmp/wrap-help" "(default $PORT)"
check "jmirror-wrap and jmirror-decap meet on port $PORT by default" round_trip
check "jmirror-decap takes at most $MAX ports" port_limit
results check-configured-port
