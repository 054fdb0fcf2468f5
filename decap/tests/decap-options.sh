#!/bin/sh
# decap-options.sh DECAP SRCDIR TCPDUMP WRAP
#
# jmirror-decap's options, outputs and errors, on the captures of
# SRCDIR (this source tree: the captures of tests/tcpdump/, the generator
# decap/tests/gen-decap-corpus.py); TCPDUMP (a tcpdump, the patched one will do: it
# prints and filters raw IP and PPP as stock does) is the reference for
# EXPRESSION and for what the written packets are, and applies
# --print-filter's capture filter; WRAP (build/jmirror-wrap) wraps
# captures on another port and fragments them, and shares decap's exit
# statuses.
#   --split with %m and %s and directories; --mirror-id / --session-id
#   lists and ranges; EXPRESSION; --payload=auto|ip|ppp (LCP in an IP
#   output counted and named, compressed PPP headers expanded); -c;
#   standard input and output; -U; one file header of the right link
#   type on a pipe, a FIFO and /dev/stdout; the input's time stamp
#   precision (pcap, pcapng at if_tsresol 6 and 9, files and pipes);
#   --print-filter keeps the fragments decap reassembles; the port hint
#   when no jmirror is found; errors (one line, exit 1, what was written
#   before is a valid pcap); a capture corrupt half way; both tools' exit
#   statuses (0, or 1 on any error, a usage error included).
# Prints a line per check; exits non-zero when any failed.
# DECAP_WRAPPER (e.g. valgrind ...) is put in front of DECAP.

set -eu

usage="usage: $0 DECAP SRCDIR TCPDUMP WRAP"
LIMIT=30	# seconds a FIFO's reader may wait
common=$(cd "$(dirname "$0")/../../tests/common" && pwd)
. "$common/check-lib.sh"

# setup: check the arguments, make the corpora; scratch removed on exit
setup() {
	test $# = 4 || { echo "$usage" >&2; exit 2; }
	decap=$1
	srcdir=$2
	tcpdump=$3
	wrap=$4
	executables "$decap" "$wrap"
	src=$srcdir/tests/tcpdump
	here=$srcdir/decap/tests
	scratch
	fail_detail=$tmp/err fail_detail_lines=5
	python3 "$here/gen-decap-corpus.py" --count 400 --seed 5 "$tmp/c.pcap"
	python3 "$here/gen-decap-corpus.py" --count 100 --seed 6 --nano "$tmp/n.pcap"
	python3 "$here/gen-decap-corpus.py" --count 100 --seed 6 --nano --pcapng "$tmp/n.pcapng"
	python3 "$here/gen-decap-corpus.py" --count 400 --seed 5 --pcapng "$tmp/c.pcapng"
	python3 "$here/gen-decap-corpus.py" --count 300 --seed 7 --dstopts-unfragmentable "$tmp/x.pcap"
}

# d ARG...: jmirror-decap, its standard error in $tmp/err
d() {
	${DECAP_WRAPPER:-} "$decap" "$@" 2>"$tmp/err"
}

# not COMMAND...: COMMAND fails
not() {
	! "$@"
}

# records FILE: the number of records of a valid pcap file (else fails)
records() {
	python3 "$common/pcap-compare.py" --info "$1" | cut -d' ' -f3
}

# info FILE: "PRECISION LINKTYPE RECORDS"
info() {
	python3 "$common/pcap-compare.py" --info "$1"
}

# same FILE FILE: the same records (pcap-compare.py)
same() {
	echo "$1 $2" >"$tmp/pair"
	python3 "$common/pcap-compare.py" "$tmp/pair" >"$tmp/cmp" || {
		cat "$tmp/cmp"; return 1; }
}

# sum_records FILE...: records in all of them
sum_records() {
	n=0
	for f in "$@"; do n=$((n + $(records "$f"))); done
	echo $n
}

# from: --from takes jmirror of a capture by its outer source address
# (IPv4 and IPv6), the rest counted
test_from() {
	for capture in jmirror-ipv4.pcap jmirror-ipv6-outer.pcap; do
		d -r "$src/$capture" -w "$tmp/from-all.pcap" || true
		n=$(records "$tmp/from-all.pcap")
		for from in 192.0.2.1 192.0.2.0/24 2001:db8:ffff::1 2001:db8:ffff::/48 10.0.0.0/8,2001:db8:1::/48; do
			d -r "$src/$capture" --from "$from" -w "$tmp/from.pcap" || true
			got=$(records "$tmp/from.pcap")
			refused=$(sed -n 's/.*refused: \([0-9]*\) not from an accepted sender.*/\1/p' "$tmp/err")
			case $capture:$from in
			jmirror-ipv4.pcap:192.0.2.*|jmirror-ipv6-outer.pcap:2001:db8:ffff::*) want=$n ;;
			*) want=0 ;;
			esac
			check "$capture --from $from: $got of $n written, $refused refused" \
				test "$got" = "$want" -a -n "$refused" -a "$((got + refused))" -ge "$n"
		done
	done
}

# rotation names: -G's strftime after --split's own escapes, -C's numbers
test_rotation_names() {
	d -r "$tmp/c.pcap" -G 3600 --split "$tmp/rot/%m/%s-%Y%%.pcap" || true
	year=$(date +%Y)
	check "-G with --split: %m and %s the ids, %Y the year, %% a %" \
		test -f "$tmp/rot/768/101-$year%.pcap"
	d -r "$tmp/c.pcap" -C 1 -W 12 -w "$tmp/rotc.pcap" || true
	check "-C 1 -W 12: the first file numbered with two digits" \
		test -f "$tmp/rotc.pcap00" -a ! -e "$tmp/rotc.pcap"
}

# split: one file per intercept, in directories; the sum is -w's total
test_split() {
	d -r "$tmp/c.pcap" -w "$tmp/all.pcap" --payload=ip || true
	cp "$tmp/err" "$tmp/all.err"
	d -r "$tmp/c.pcap" --split "$tmp/split/%m/%s.pcap" || { fail "--split ran"; return; }
	nfiles=$(find "$tmp/split" -name '*.pcap' | wc -l)
	check "--split %m/%s.pcap makes one file per intercept ($nfiles)" \
		test "$nfiles" = 6
	# shellcheck disable=SC2046 # the file list
	total=$(sum_records $(find "$tmp/split" -name '*.pcap'))
	written=$(sed -n 's/.*: \([0-9]*\) written.*/\1/p' "$tmp/err")
	check "--split wrote $total packets, as its summary says ($written)" \
		test "$total" = "$written"
	d -r "$tmp/c.pcap" --split "$tmp/flat-%m-%s-%%.pcap" || true
	check "--split with %% and ids in the name" \
		same "$tmp/split/768/101.pcap" "$tmp/flat-768-101-%.pcap"
}

# lru: with few file descriptors, --split closes and reopens files
# (appending) and loses nothing
test_lru() {
	(ulimit -n 20 && d -r "$tmp/c.pcap" --split "$tmp/lru/%m/%s.pcap") ||
		{ fail "--split with 20 file descriptors ran"; return; }
	diffs=0
	for f in "$tmp"/split/*/*.pcap; do
		rel=${f#"$tmp/split/"}
		same "$f" "$tmp/lru/$rel" || diffs=$((diffs + 1))
	done
	check "--split with 4 files open at once (ulimit -n 20) writes the same files" \
		test $diffs = 0
}

# ports: --jmirror-port and -T choose the jmirror datagrams
test_ports() {
	p=$src/jmirror-port.pcap
	for args in "0" "1 --jmirror-port=40001" "2 --jmirror-port=40000,40001" \
	    "2 -T" "2 -T --jmirror-port=0" "0 --jmirror-port=0"; do
		n=${args%% *}
		opts=$(echo "$args" | cut -s -d' ' -f2-)
		# shellcheck disable=SC2086 # opts is a list of options
		d -r "$p" -w "$tmp/p.pcap" $opts || true
		check "jmirror-port.pcap ${opts:-(defaults)}: $n written" \
			test "$(records "$tmp/p.pcap")" = "$n"
	done
}

# ids: lists and ranges select what --split put apart
test_ids() {
	d -r "$tmp/c.pcap" -w "$tmp/one.pcap" --mirror-id=768 --session-id=101
	check "--mirror-id=768 --session-id=101 is that --split file" \
		same "$tmp/split/768/101.pcap" "$tmp/one.pcap"
	d -r "$tmp/c.pcap" -w "$tmp/r.pcap" --payload=ip --mirror-id=1-768,769-770
	want=$(sum_records "$tmp"/split/768/*.pcap "$tmp"/split/769/*.pcap "$tmp"/split/770/*.pcap)
	got=$(records "$tmp/r.pcap")
	sel=$(sed -n 's/.* \([0-9]*\) not representable.*/\1/p' "$tmp/err")
	check "--mirror-id=1-768,769-770: $got written + $sel not representable = $want" \
		test $((got + sel)) = "$want"
	d -r "$tmp/c.pcap" -w "$tmp/s.pcap" --session-id=100,102-104,4294967295 --payload=ppp
	want=$(sum_records "$tmp"/split/*/100.pcap "$tmp"/split/*/102.pcap \
		"$tmp"/split/*/103.pcap "$tmp"/split/*/104.pcap "$tmp"/split/*/4294967295.pcap)
	check "--session-id=100,102-104,4294967295 takes those sessions ($want)" \
		test "$(records "$tmp/s.pcap")" = "$want"
}

# filter: EXPRESSION is what tcpdump's filter keeps of the whole output
test_filter() {
	for expr in 'icmp or icmp6' 'ip6 and tcp' 'udp and not ip6'; do
		d -r "$tmp/c.pcap" -w "$tmp/f.pcap" --payload=ip $expr || true
		"$tcpdump" -r "$tmp/all.pcap" -w - $expr >"$tmp/ref.pcap" 2>/dev/null
		n=$(records "$tmp/f.pcap")
		check "EXPRESSION '$expr' ($n packets) agrees with $tcpdump" \
			same "$tmp/ref.pcap" "$tmp/f.pcap"
	done
	d -r "$tmp/c.pcap" -w "$tmp/fp.pcap" --payload=ppp 'ip6'
	"$tcpdump" -r "$tmp/fp.pcap" -n 2>/dev/null | grep -v IP6 >"$tmp/notv6" || true
	check "EXPRESSION 'ip6' in a PPP output keeps only IPv6 ($(records "$tmp/fp.pcap"))" \
		test ! -s "$tmp/notv6" -a "$(records "$tmp/fp.pcap")" -gt 0
	if d -r "$tmp/c.pcap" -w "$tmp/x.pcap" 'tcp port' || ! grep -q 'filter' "$tmp/err"; then
		fail "a bad EXPRESSION is an error naming the filter"
	else
		ok "a bad EXPRESSION is an error naming the filter"
	fi
}

# payload: conversions between raw IP and PPP, and what cannot be
test_payload() {
	d -r "$src/jmirror-ppp.pcap" -w "$tmp/ip.pcap" --payload=ip
	check "--payload=ip: PPP's IPv4 and IPv6 written, raw IP" \
		test "$(info "$tmp/ip.pcap")" = "micro 101 2"
	check "--payload=ip: LCP counted and named" \
		grep -q 'LCP in a raw-IP output 1' "$tmp/err"
	"$tcpdump" -n -r "$tmp/ip.pcap" 2>/dev/null | cut -d' ' -f2- >"$tmp/a"
	d -r "$src/jmirror-ppp.pcap" -w "$tmp/ppp.pcap"
	"$tcpdump" -n -r "$tmp/ppp.pcap" 2>/dev/null | grep -E '^[0-9:.]+ IP6? ' | cut -d' ' -f2- >"$tmp/b"
	check "--payload=auto: PPP output (first packet LCP), its IP the same as --payload=ip" \
		cmp -s "$tmp/a" "$tmp/b"
	check "--payload=auto: every PPP frame written" \
		test "$(info "$tmp/ppp.pcap")" = "micro 9 8"
	d -r "$src/jmirror-ipv4.pcap" -w "$tmp/v4ppp.pcap" --payload=ppp
	"$tcpdump" -n -r "$tmp/v4ppp.pcap" 2>/dev/null | cut -d' ' -f2- >"$tmp/a"
	d -r "$src/jmirror-ipv4.pcap" -w "$tmp/v4.pcap"
	"$tcpdump" -n -r "$tmp/v4.pcap" 2>/dev/null | cut -d' ' -f2- >"$tmp/b"
	check "--payload=ppp: IPv4 in PPP prints as the raw IP" \
		cmp -s "$tmp/a" "$tmp/b"
	d -r "$src/jmirror-ppp-compressed.pcap" -w "$tmp/comp.pcap" --payload=ppp
	"$tcpdump" -n -e -r "$tmp/comp.pcap" 2>/dev/null >"$tmp/a"
	check "--payload=ppp: compressed PPP headers expanded (tcpdump reads 4 frames)" \
		test "$(grep -c -E '^[0-9:.]+ (IP|LCP|IP6) \(0x' "$tmp/a")" = 4
	d -r "$src/jmirror-unknown.pcap" -w "$tmp/u.pcap" || true
	check "unknown payload counted, nothing written" \
		test "$(records "$tmp/u.pcap")" = 0 -a -n "$(grep '[1-9][0-9]* unknown payload' "$tmp/err")"
}

# io: -c, pipes, -U, nanoseconds
test_io() {
	if command -v editcap >/dev/null 2>&1; then
		editcap -F pcapng "$tmp/c.pcap" "$tmp/c-ed.pcapng"
		d -r "$tmp/c-ed.pcapng" -w "$tmp/ng.pcap" --payload=ip
		check "-r a pcapng capture writes what the pcap gives" \
			same "$tmp/all.pcap" "$tmp/ng.pcap"
		editcap -F pcapng "$tmp/n.pcap" "$tmp/n-ed.pcapng"
		d -r "$tmp/n.pcap" -w "$tmp/n-ed-ref.pcap" --payload=ip
		d -r "$tmp/n-ed.pcapng" -w "$tmp/n-ed.pcap" --payload=ip
		check "-r editcap's pcapng of a nanosecond pcap: its nanoseconds" \
			same "$tmp/n-ed-ref.pcap" "$tmp/n-ed.pcap"
	else
		skip "editcap not found: no pcapng input" "install wireshark-common"
	fi
	d -r "$tmp/c.pcap" -w "$tmp/c5.pcap" -c 5 --payload=ip
	check "-c 5 writes 5" test "$(records "$tmp/c5.pcap")" = 5
	cat "$tmp/c.pcap" | ${DECAP_WRAPPER:-} "$decap" -r - -w - --payload=ip 2>/dev/null >"$tmp/pipe.pcap"
	check "-r - -w - (a pipe both ways) writes what -r FILE -w FILE does" \
		same "$tmp/all.pcap" "$tmp/pipe.pcap"
	check "-U flushes each packet while the input is still open" \
		python3 - "$decap" "$tmp/c.pcap" "$tmp/u.pcap" <<'EOF'
import os, subprocess, sys, time
decap, corpus, out = sys.argv[1:]
data = open(corpus, "rb").read()
wrapper = os.environ.get("DECAP_WRAPPER", "").split()
p = subprocess.Popen(wrapper + [decap, "-r", "-", "-U", "-w", out],
                     stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdin.write(data[:4000])   # the header and a few packets, then wait
p.stdin.flush()
deadline = time.time() + 30
while time.time() < deadline:
    if os.path.exists(out) and os.path.getsize(out) > 24:
        break
    time.sleep(0.1)
size = os.path.getsize(out) if os.path.exists(out) else 0
p.stdin.close()
p.wait()
sys.exit(0 if size > 24 else 1)
EOF
	d -r "$tmp/n.pcap" -w "$tmp/n.out" --payload=ip
	check "nanosecond input gives nanosecond output" \
		test "$(info "$tmp/n.out" | cut -d' ' -f1)" = nano
	check "the nanosecond time stamps are the input's" pycommon - "$tmp/n.pcap" "$tmp/n.out" <<'EOF'
import sys
import jmirror_pcap as jp
def stamps(path):
    return [r[:2] for r in jp.read_pcap(path).records]
inp, outp = set(stamps(sys.argv[1])), stamps(sys.argv[2])
sys.exit(0 if outp and all(t in inp for t in outp) and
         any(f % 1000 for _, f in outp) else 1)
EOF
}

# one_pcap FILE TEXT LINKTYPE RECORDS NAME: FILE is one whole pcap file
# of that link type and that many records (pcap-compare.py), and
# tcpdump reads it from a pipe, every record, as link type NAME
one_pcap() {
	got=$(info "$1" 2>&1 || true)
	if test "$got" != "micro $3 $4"; then
		fail "$2: '$got', not 'micro $3 $4'"
		return
	fi
	"$tcpdump" -n -r - <"$1" >"$tmp/read" 2>"$tmp/err" || true
	if test "$(wc -l <"$tmp/read")" = "$4" &&
	    grep -q "link-type $5 " "$tmp/err"; then
		ok "$2: one header, link type $3, $4 records, tcpdump -r - reads them"
	else
		fail "$2: tcpdump -r - read $(wc -l <"$tmp/read") records"
	fi
}

# headers: with --payload=auto an output that cannot seek (a pipe, a
# FIFO, /dev/stdout) gets one file header, of its first packet's link
# type; so does every --split file
test_headers() {
	ppp=$src/jmirror-ppp.pcap
	d -r "$ppp" -w - | cat >"$tmp/h-pipe.pcap"
	one_pcap "$tmp/h-pipe.pcap" "-w - to a pipe (PPP first)" 9 8 PPP
	d -r "$ppp" -w /dev/stdout | cat >"$tmp/h-dev.pcap"
	one_pcap "$tmp/h-dev.pcap" "-w /dev/stdout to a pipe" 9 8 PPP
	mkfifo "$tmp/fifo"
	timeout $LIMIT cat "$tmp/fifo" >"$tmp/h-fifo.pcap" &
	reader=$!
	d -r "$ppp" -w "$tmp/fifo" || true
	wait $reader || true
	one_pcap "$tmp/h-fifo.pcap" "-w FIFO" 9 8 PPP
	d -r "$src/jmirror-unknown.pcap" -w - | cat >"$tmp/h-none.pcap"
	one_pcap "$tmp/h-none.pcap" "-w - with nothing written" 101 0 RAW
	wrong=0
	for f in "$tmp"/split/*/*.pcap; do
		case $f in
		*/768/101.pcap|*/770/103.pcap) want=9 ;;	# the PPP sessions
		*) want=101 ;;
		esac
		test "$(info "$f" | cut -d' ' -f2)" = $want || wrong=$((wrong + 1))
	done
	check "--split: every file one pcap of its first packet's link type" \
		test $wrong = 0
}

# bigendian IN OUT: the pcap file IN in big-endian byte order
bigendian() {
	pycommon - "$1" "$2" <<'EOF'
import sys
import jmirror_pcap as jp
cap = jp.read_pcap(sys.argv[1])
out = [jp.file_header(cap.linktype, cap.nano, cap.snaplen, ">")]
out += [jp.record(s, f, data, n, ">") for s, f, _, n, data in cap.records]
open(sys.argv[2], "wb").write(b"".join(out))
EOF
}

# kept TEXT IN EXPECTED: decap -r IN, a file and then a pipe, writes
# EXPECTED's records, time stamps and their precision alike
kept() {
	d -r "$2" -w "$tmp/k-file.pcap" --payload=ip
	check "$1" same "$3" "$tmp/k-file.pcap"
	cat "$2" | d -r - -w - --payload=ip >"$tmp/k-pipe.pcap"
	check "$1, through pipes" same "$3" "$tmp/k-pipe.pcap"
}

# precision: every input's time stamps kept as they are, in its own
# precision: pcapng at if_tsresol 9, 10 or 2^-20 s in nanoseconds, at 6
# (the default) or 3 in microseconds, either byte order; big-endian pcap
test_precision() {
	d -r "$tmp/n.pcap" -w "$tmp/n-ref.pcap" --payload=ip
	kept "pcapng, if_tsresol 9: nanosecond pcap, the time stamps exact" \
		"$tmp/n.pcapng" "$tmp/n-ref.pcap"
	kept "pcapng, microseconds: microsecond pcap, the time stamps exact" \
		"$tmp/c.pcapng" "$tmp/all.pcap"
	bigendian "$tmp/c.pcap" "$tmp/c-be.pcap"
	kept "big-endian microsecond pcap: microseconds" \
		"$tmp/c-be.pcap" "$tmp/all.pcap"
	gen="python3 $here/gen-decap-corpus.py --pcapng"
	$gen --count 100 --seed 6 --nano --tsresol 10 --big-endian "$tmp/ps.pcapng"
	kept "big-endian pcapng, if_tsresol 10: nanoseconds, exact" \
		"$tmp/ps.pcapng" "$tmp/n-ref.pcap"
	$gen --count 400 --seed 5 --tsresol 3 "$tmp/ms.pcapng"
	kept "pcapng, if_tsresol 3: microseconds, exact" \
		"$tmp/ms.pcapng" "$tmp/all.pcap"
	$gen --count 100 --seed 6 --nano --tsresol 148 "$tmp/bin.pcapng"
	d -r "$tmp/bin.pcapng" -w "$tmp/bin.pcap"
	check "pcapng, if_tsresol 2^-20 s: nanoseconds" \
		test "$(info "$tmp/bin.pcap" | cut -d' ' -f1)" = nano
}

# through FILTER IN OUT ARG...: IN filtered by TCPDUMP with FILTER, on
# a pipe into decap -r - (with ARG...), written to OUT
through() {
	filter=$1
	in=$2
	out=$3
	shift 3
	"$tcpdump" -r "$in" -w - "$filter" 2>/dev/null |
		d -r - -w "$out" --payload=ip "$@"
}

# capture filter: --print-filter's filter keeps what decap reassembles:
# fragmented IPv4 (jmirror-wrap --fragment) and IPv6 fragments behind a
# destination options header, which the simpler filters ("udp port
# 30030", or one that takes only a fragment header after IPv6) lose
test_capture_filter() {
	if ! printed=$(d --print-filter) || test -z "$printed"; then
		fail "--print-filter prints a filter and exits 0"
		return
	fi
	ok "--print-filter: $printed"
	"$wrap" -q --fragment=576 --bare="$tmp/bare.pcap" "$tmp/all.pcap" "$tmp/frag.pcap"
	through "$printed" "$tmp/frag.pcap" "$tmp/frag-kept.pcap"
	check "fragmented IPv4 jmirror through that filter: all $(records "$tmp/bare.pcap") mirrored packets" \
		same "$tmp/bare.pcap" "$tmp/frag-kept.pcap"
	through "udp port 30030" "$tmp/frag.pcap" "$tmp/frag-simple.pcap"
	check "... where 'udp port 30030' kept $(records "$tmp/frag-simple.pcap")" \
		test "$(records "$tmp/frag-simple.pcap")" -lt "$(records "$tmp/bare.pcap")"
	d -r "$tmp/x.pcap" -w "$tmp/x-all.pcap" --payload=ip
	through "$printed" "$tmp/x.pcap" "$tmp/x-kept.pcap"
	check "IPv6 fragments behind destination options through the filter: all $(records "$tmp/x-all.pcap")" \
		same "$tmp/x-all.pcap" "$tmp/x-kept.pcap"
	through "udp port 30030 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44)" \
		"$tmp/x.pcap" "$tmp/x-simple.pcap"
	check "... where a filter taking ip6[6] == 44 kept $(records "$tmp/x-simple.pcap")" \
		test "$(records "$tmp/x-simple.pcap")" -lt "$(records "$tmp/x-all.pcap")"
	d -r "$tmp/x.pcap" -w "$tmp/t-all.pcap" --payload=ip -T
	through "$(d --print-filter -T)" "$tmp/x.pcap" "$tmp/t-kept.pcap" -T
	check "-T: its filter keeps all $(records "$tmp/t-all.pcap")" \
		same "$tmp/t-all.pcap" "$tmp/t-kept.pcap"
	d --print-filter --jmirror-port=6502,5000 >"$tmp/f"
	check "--jmirror-port=6502,5000: the filter takes those ports" \
		grep -q '^udp port 6502 or udp port 5000 or ' "$tmp/f"
}

# port hint: no jmirror on the ports in use: the summary names the UDP
# ports whose datagrams parse as jmirror and the option, writing nothing
test_port_hint() {
	"$wrap" -q --port=6502 "$tmp/all.pcap" "$tmp/p6502.pcap"
	n=$(records "$tmp/all.pcap")
	d -r "$tmp/p6502.pcap" -w "$tmp/p.pcap" || true
	check "jmirror on port 6502: $(sed -n 2p "$tmp/err")" grep -qx \
		"jmirror-decap: no jmirror on port 30030; port 6502 carries $n datagrams that parse as jmirror: try --jmirror-port=6502" \
		"$tmp/err"
	check "... and nothing written" test "$(records "$tmp/p.pcap")" = 0
	d -r "$tmp/p6502.pcap" -w "$tmp/p.pcap" --jmirror-port=6502
	check "... --jmirror-port=6502 writes all $n" \
		test "$(records "$tmp/p.pcap")" = "$n"
	check "... and names no other port" not grep -q 'no jmirror' "$tmp/err"
	jm=$(sed -n 's/.* \([0-9]*\) jmirror datagrams$/\1/p' "$tmp/all.err")
	d -r "$tmp/c.pcap" -w "$tmp/p.pcap" --jmirror-port=5000,5001 || true
	check "the corpus on other ports: 30030 named ($jm datagrams), its DNS on 53 not" grep -qx \
		"jmirror-decap: no jmirror on ports 5000,5001; port 30030 carries $jm datagrams that parse as jmirror: try --jmirror-port=30030" \
		"$tmp/err"
}

# expect_error TEXT ARG...: decap fails with exit 1 and one line
expect_error() {
	text=$1
	shift
	if d "$@" >/dev/null; then
		fail "$text: succeeded"
		return
	else
		rc=$?
	fi
	if test $rc = 1 && test "$(wc -l <"$tmp/err")" = 1 &&
	    grep -q '^jmirror-decap: ' "$tmp/err"; then
		ok "$text: $(cat "$tmp/err")"
	else
		fail "$text: exit $rc"
	fi
}

# errors: bad options, inputs and outputs
test_errors() {
	c=$tmp/c.pcap
	expect_error "no input" -w "$tmp/x.pcap"
	expect_error "two outputs" -r "$c" -w "$tmp/x.pcap" --split 'a-%m'
	expect_error "missing file" -r "$tmp/none.pcap" -w "$tmp/x.pcap"
	expect_error "not a capture" -r "$srcdir/tests/references/gen-corpus.py" -w "$tmp/x.pcap"
	expect_error "bad --mirror-id" -r "$c" -w "$tmp/x.pcap" --mirror-id=5-3
	expect_error "bad --session-id" -r "$c" -w "$tmp/x.pcap" --session-id=4294967296
	expect_error "bad --jmirror-port" -r "$c" -w "$tmp/x.pcap" --jmirror-port=0,1
	expect_error "bad --payload" -r "$c" -w "$tmp/x.pcap" --payload=eth
	expect_error "bad --split" -r "$c" --split 'a-%q.pcap'
	expect_error "bad -c" -r "$c" -w "$tmp/x.pcap" -c 0
	expect_error "bad --reasm-budget" -r "$c" -w "$tmp/x.pcap" --reasm-budget=12X
	expect_error "bad --reasm-timeout" -r "$c" -w "$tmp/x.pcap" --reasm-timeout=0
	expect_error "unwritable output" -r "$c" -w "$tmp/no/such/dir/x.pcap"
	expect_error "--listen 0 (a random port)" --listen 0 -w "$tmp/x.pcap"
	expect_error "--listen 127.0.0.1:0" --listen 127.0.0.1:0 -w "$tmp/x.pcap"
	expect_error "-w twice" -r "$c" -w "$tmp/x.pcap" -w "$tmp/y.pcap"
	expect_error "-B 0" --listen 127.0.0.1:9 -B 0 -w "$tmp/x.pcap"
	expect_error "-B with -r" -r "$c" -B 64 -w "$tmp/x.pcap"
	expect_error "-G to standard output" -r "$c" -G 1 -w -
	expect_error "-C to standard output" -r "$c" -C 1 -w -
	expect_error "-W without -C or -G" -r "$c" -W 3 -w "$tmp/x.pcap"
	expect_error "-G 0" -r "$c" -G 0 -w "$tmp/x.pcap"
	expect_error "--split with strftime's %Y, no -G" -r "$c" --split 'a-%Y.pcap'
	expect_error "bad --from" -r "$c" --from 192.0.2.300 -w "$tmp/x.pcap"
	expect_error "bad --from prefix" -r "$c" --from 192.0.2.0/33 -w "$tmp/x.pcap"
	expect_error "--max-outputs 0" -r "$c" --max-outputs 0 --split 'a-%m'
	if python3 - "$decap" "$c" <<'EOF'
import os, pty, subprocess, sys
master, slave = pty.openpty()
run = subprocess.run(os.environ.get("DECAP_WRAPPER", "").split() +
                     [sys.argv[1], "-r", sys.argv[2], "-w", "-"],
                     stdout=slave, stderr=subprocess.PIPE, text=True)
sys.exit(0 if run.returncode == 1 and "terminal" in run.stderr else 1)
EOF
	then
		ok "-w - refuses a terminal"
	else
		fail "-w - refuses a terminal"
	fi
	printf 'x' >"$tmp/file"
	if d -r "$c" --split "$tmp/file/%m.pcap"; then
		fail "--split under a file: succeeded"
	elif test $? = 1 && head -n 1 "$tmp/err" | grep -q 'Not a directory'; then
		ok "--split under a file: $(head -n 1 "$tmp/err")"
	else
		fail "--split under a file"
	fi
	pycommon - "$tmp/lt.pcap" <<'EOF'
import sys
import jmirror_pcap as jp
jp.write_pcap(sys.argv[1], [], linktype=147, snaplen=65535)
EOF
	expect_error "unsupported link type" -r "$tmp/lt.pcap" -w "$tmp/x.pcap"
}

# corrupt: a capture cut inside a record: error, and what was written
# before is a valid pcap with those packets
test_corrupt() {
	size=$(wc -c <"$tmp/c.pcap")
	head -c $((size / 2)) "$tmp/c.pcap" >"$tmp/half.pcap"
	status_is 1 "a capture cut half way is an error" \
		d -r "$tmp/half.pcap" -w "$tmp/half.out" --payload=ip
	n=$(records "$tmp/half.out" || echo invalid)
	check "... and the $n packets before it are a valid pcap" \
		test "$n" != invalid -a "$n" != 0
	head -c $((size / 2)) "$tmp/c.pcap" | d -r - -w - --payload=ip >"$tmp/half2.out" || true
	check "... through pipes too" same "$tmp/half.out" "$tmp/half2.out"
}

# status_is STATUS TEXT COMMAND...: COMMAND exits with STATUS, its
# standard error in $tmp/err (its first line shown)
status_is() {
	want=$1
	text=$2
	shift 2
	rc=0
	"$@" >/dev/null 2>"$tmp/err" || rc=$?
	if test $rc = "$want"; then
		ok "$text: exit $rc $(head -n 1 "$tmp/err")"
	else
		fail "$text: exit $rc, not $want"
	fi
}

# exit statuses: both tools exit as tcpdump does, 0 when all went well
# (--help and --version too), 1 on any error, a usage error included
test_exit_statuses() {
	status_is 0 "jmirror-decap --help" d --help
	status_is 0 "jmirror-decap --version" d --version
	status_is 1 "jmirror-decap with an unknown option" d --no-such-option
	status_is 1 "jmirror-decap with an option's value missing" d -r
	status_is 0 "jmirror-wrap --help" "$wrap" --help
	status_is 0 "jmirror-wrap on a capture" "$wrap" -q "$tmp/all.pcap" "$tmp/w.pcap"
	status_is 1 "jmirror-wrap without INPUT and OUTPUT" "$wrap"
	status_is 1 "jmirror-wrap with an unknown option" "$wrap" --no-such-option "$tmp/all.pcap" "$tmp/w.pcap"
	status_is 1 "jmirror-wrap with a bad number" "$wrap" --port=0 "$tmp/all.pcap" "$tmp/w.pcap"
	status_is 1 "jmirror-wrap with a missing INPUT" "$wrap" "$tmp/none.pcap" "$tmp/w.pcap"
	status_is 1 "jmirror-wrap on an unsupported link type" "$wrap" "$tmp/lt.pcap" "$tmp/w.pcap"
	status_is 1 "jmirror-wrap with an unwritable OUTPUT" "$wrap" "$tmp/all.pcap" "$tmp/no/such/dir/w.pcap"
}

setup "$@"
test_split
test_from
test_rotation_names
test_lru
test_ports
test_ids
test_filter
test_payload
test_io
test_headers
test_precision
test_capture_filter
test_port_hint
test_errors
test_corrupt
test_exit_statuses
results "decap options"
