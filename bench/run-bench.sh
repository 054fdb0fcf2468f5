#!/bin/sh
# run-bench.sh: what the jmirror printer costs tcpdump, and tcpdump against
# tshark, on a generated capture; jmirror-decap's speed against a plain
# tcpdump copy and against tshark, and its memory, also under a flood of
# incomplete fragments; what a fragment costs the reassembler in each
# arrival order; with -s SENDER and as root, its live inputs on the
# loopback interface against tcpdump -i lo.  Prints one table of figures
# and targets and a summary line; exits non-zero if a check or a target
# failed.
# Not part of make check: it takes a few minutes.

usage() {
	cat <<EOF
usage: $0 [-w WORKDIR] [-c CG_PACKETS] [-r RUNS] -a BENCH_REASM [-s SENDER] PATCHED_TCPDUMP STOCK_TCPDUMP DECAP [N]
       $0 -A -a BENCH_REASM [-w WORKDIR] [-r RUNS]

  PATCHED_TCPDUMP  tcpdump built with the jmirror printer
  STOCK_TCPDUMP    tcpdump built from the same source without it
  DECAP            jmirror-decap
  N                packets in the capture (default 200000); the tshark
                   comparison also uses a capture of 10 * N packets.
                   Below 200000 tcpdump's RSS is not flat yet: it keeps
                   a name for each port and address it has printed
  -w WORKDIR       put the captures and outputs there and keep them
                   (default: a temporary directory, removed at the end)
  -c CG_PACKETS    count instructions on the first CG_PACKETS packets
                   only (default 50000, or N if less); callgrind is
                   about 60 times slower than tcpdump
  -r RUNS          timed runs per figure, the median is kept (default 3);
                   tshark filtering the 10 * N capture runs once; the
                   reassembler's runs keep the least
  -a BENCH_REASM   the reassembler's driver (bench/bench-reasm.c, built
                   with -O2)
  -A               only the reassembler's rows: no tcpdump, decap or
                   tshark needed
  -s SENDER        build/jmirror-send: as root, time decap's live inputs
                   (--listen, -i lo) against tcpdump -i lo -w on a stream
                   of LIVE_COUNT datagrams sent to 127.0.0.1, and find
                   the highest rate at which they lose nothing

Needs python3, valgrind, tshark and GNU time as /usr/bin/time.
EOF
}

# the flood of incomplete datagrams; decap's peak RSS targets, kB
FLOOD=1000000
# the reassembler's figures: datagrams, fragments of 8 bytes each (the
# most a datagram has), orders against in-order
REASM_DATAGRAMS=30
REASM_FRAGS=8180
REASM_ORDERS="reversed last-first-then-ascending random interleaved"
DECAP_RSS_KB=16384
FLOOD_RSS_KB=65536
# the live stream, and the rates (datagrams a second, in bursts of 1000;
# 0: as fast as the sender goes) tried for "0 lost", LIVE_STEP each
LIVE_COUNT=1000000
LIVE_RATES="100000 200000 400000 800000 0"
LIVE_STEP=300000

passed=0
failed=0
rows=

# row FIGURE MEASURED TARGET RESULT: add a line to the table
row() {
	rows="$rows$(printf '%-46s %-30s %-15s %s' "$1" "$2" "$3" "$4")
"
	case $4 in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
}

# verdict CONDITION: PASS or FAIL, from an awk condition
verdict() {
	if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi
}

# calc FORMAT EXPRESSIONS: awk printf of the expressions
calc() {
	awk "BEGIN { printf \"$1\", $2 }"
}

say() {
	echo "run-bench: $*" >&2
}

die() {
	say "$*"
	exit 2
}

# abspath FILE: FILE with an absolute directory
abspath() {
	case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac
}

parse_args() {
	workdir=
	cg_packets=
	runs=3
	bench_reasm=
	reasm_only=no
	sender=
	while getopts w:c:r:a:As:h opt; do
		case $opt in
		w) workdir=$OPTARG ;;
		s) sender=$(abspath "$OPTARG") ;;
		c) cg_packets=$OPTARG ;;
		r) runs=$OPTARG ;;
		a) bench_reasm=$(abspath "$OPTARG") ;;
		A) reasm_only=yes ;;
		h) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	test -n "$bench_reasm" || { usage >&2; exit 2; }
	if test $reasm_only = yes; then
		test $# = 0 || { usage >&2; exit 2; }
		return
	fi
	test $# = 3 || test $# = 4 || { usage >&2; exit 2; }
	patched=$(abspath "$1")
	stock=$(abspath "$2")
	decap=$(abspath "$3")
	n=${4:-200000}
	for v in "$n" "${cg_packets:-1}" "$runs"; do
		case $v in ''|*[!0-9]*|0) die "not a positive count: '$v'" ;; esac
	done
	if test -z "$cg_packets"; then
		cg_packets=50000
		test "$n" -lt $cg_packets && cg_packets=$n
	fi
	test "$cg_packets" -le "$n" || die "CG_PACKETS ($cg_packets) is more than N ($n)"
	big=$((n * 10))
}

# setup_work: the work directory, kept with -w
setup_work() {
	if test -n "$workdir"; then
		mkdir -p "$workdir" || exit 2
		work=$(cd "$workdir" && pwd)
	else
		work=$(mktemp -d) || exit 2
		trap 'rm -rf "$work"' EXIT
		trap 'exit 1' HUP INT PIPE TERM
	fi
}

setup() {
	here=$(cd "$(dirname "$0")" && pwd)
	for t in "$patched" "$stock" "$decap" "$bench_reasm"; do
		test -x "$t" || die "not an executable: $t"
	done
	for t in python3 valgrind tshark awk; do
		command -v $t >/dev/null || die "$t not found"
	done
	test -x /usr/bin/time || die "/usr/bin/time not found (Debian package 'time')"
	setup_work
	# the same clock for every run: with TZ unset, glibc looks at
	# /etc/localtime again for each time stamp tcpdump prints
	TZ=UTC0
	export TZ
	# tshark with its default preferences, whatever the user's are
	mkdir -p "$work/wireshark-config"
	WIRESHARK_CONFIG_DIR=$work/wireshark-config
	export WIRESHARK_CONFIG_DIR
	jm=$work/jmirror-$n.pcap
	raw=$work/raw-$n.pcap
	jm_big=$work/jmirror-$big.pcap
	raw_big=$work/raw-$big.pcap
	flood=$work/flood-$FLOOD.pcap
}

gen_corpus() {
	say "writing $n and $big packet captures in $work"
	start=$(date +%s)
	python3 "$here/gen-bench-corpus.py" -n "$n" "$jm" "$raw" || exit 2
	python3 "$here/gen-bench-corpus.py" -n "$big" "$jm_big" "$raw_big" || exit 2
	python3 "$here/gen-frag-flood.py" -n "$FLOOD" "$flood" || exit 2
	gen_seconds=$(($(date +%s) - start))
}

# check_corpus: the captures say what the figures assume they say
check_corpus() {
	say "checking the captures"
	"$patched" -n -r "$jm" >"$work/A.txt" 2>"$work/A.err"
	lines=$(wc -l <"$work/A.txt")
	jmirror=$(grep -c ': JMIRROR, mirror-id [0-9]*, session-id [0-9]*, length [0-9]*: IP' "$work/A.txt")
	bad=$(grep -c -e '|' -e 'invalid' -e 'unknown payload' "$work/A.txt")
	row "patched: jmirror packets decoded" "$jmirror of $lines, $bad bad" "all $n" \
		"$(verdict "$lines == $n && $jmirror == $n && $bad == 0")"

	"$stock" -n -r "$raw" >"$work/C.txt" 2>"$work/C.err"
	sed 's/ IP [^ ]* > [^ ]*: JMIRROR, mirror-id [0-9]*, session-id [0-9]*, length [0-9]*: / /' \
		"$work/A.txt" >"$work/A-inner.txt"
	if cmp -s "$work/A-inner.txt" "$work/C.txt"; then same=yes; else same=no; fi
	row "patched inner lines = stock on bare capture" "$same" "yes" \
		"$(verdict "\"$same\" == \"yes\"")"

	stock_jm=$("$stock" -n -c 1000 -r "$jm" 2>/dev/null | grep -c JMIRROR)
	row "stock: no jmirror decoding (1000 pkts)" "$stock_jm JMIRROR lines" "0" \
		"$(verdict "$stock_jm == 0")"

	count=$("$stock" --count -r "$raw" 2>/dev/null)
	row "stock --count on bare capture" "$count" "$n packets" \
		"$(verdict "\"$count\" == \"$n packets\"")"
}

# callgrind NAME TCPDUMP [VALGRIND OPTIONS --] TCPDUMP OPTIONS: count the
# instructions of one run, reported in $work/NAME.vg (in the background)
callgrind() {
	name=$1 tcpdump=$2
	shift 2
	vg=
	while test $# -gt 0 && test "$1" != --; do vg="$vg $1"; shift; done
	shift
	out=/dev/null
	test "$name" = A && out=$work/callgrind.A.out
	# as root, a tcpdump built to drop root would write the output file as
	# that user: -Z root keeps root (droproot runs all the same)
	test "$(id -u)" != 0 || set -- -Z root "$@"
	# shellcheck disable=SC2086
	valgrind --tool=callgrind --callgrind-out-file="$out" \
		--log-file="$work/$name.vg" $vg "$tcpdump" -c "$cg_packets" "$@" \
		>/dev/null 2>"$work/$name.err" &
}

# collected NAME: the instruction count of that run
collected() {
	c=$(sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$work/$1.vg")
	test -n "$c" || die "no instruction count for $1: see $work/$1.vg"
	echo "$c"
}

count_instructions() {
	say "counting instructions on $cg_packets packets (callgrind, 2 at a time)"
	start=$(date +%s)
	callgrind A "$patched" -- -n -r "$jm"
	callgrind AJ "$patched" --toggle-collect=jmirror_print -- -n -r "$jm"
	wait
	callgrind C "$stock" -- -n -r "$raw"
	callgrind CI "$stock" --toggle-collect=ip_print --toggle-collect=ip6_print -- -n -r "$raw"
	wait
	callgrind B "$stock" -- -n -r "$jm"
	callgrind R "$stock" -- --count -r "$raw"
	wait
	cg_seconds=$(($(date +%s) - start))
	ir_A=$(collected A) || exit 2
	ir_AJ=$(collected AJ) || exit 2
	ir_B=$(collected B) || exit 2
	ir_C=$(collected C) || exit 2
	ir_CI=$(collected CI) || exit 2
	ir_R=$(collected R) || exit 2
}

report_instructions() {
	k=$cg_packets
	row "packets counted with callgrind" "first $k of $n" "" info
	row "A patched, jmirror capture" "$(calc '%.0f' "$ir_A / $k") Ir/pkt" "" info
	row "B stock, jmirror capture" "$(calc '%.0f' "$ir_B / $k") Ir/pkt" "" info
	row "C stock, bare capture" "$(calc '%.0f' "$ir_C / $k") Ir/pkt" "" info
	row "R stock --count, bare capture" "$(calc '%.0f' "$ir_R / $k") Ir/pkt" "" info
	# the jmirror layer's own cost, A - B - C + R (docs/benchmark.md);
	# target 5% of A
	formula=$((ir_A - ir_B - ir_C + ir_R))
	row "jmirror layer: A - B - C + R" \
		"$(calc '%.0f Ir/pkt, %.1f%% of A' "$formula / $k, 100 * $formula / $ir_A")" \
		"<= 5% of A" \
		"$(verdict "$ir_A > 0 && $formula <= 0.05 * $ir_A")"
	# the layer measured directly: jmirror_print() and what it calls,
	# less the printers of the mirrored packets (their cost in C)
	layer=$((ir_AJ - ir_CI))
	row "jmirror_print - inner print (see note 1)" \
		"$(calc '%.0f Ir/pkt, %.1f%% of A' "$layer / $k, 100 * $layer / $ir_A")" \
		"" info
}

# timed NAME COMMAND...: run it $runs times, stdout to /dev/null; the
# wall seconds, CPU seconds and peak RSS (kB) of each run go to
# $work/NAME.time
timed() {
	timed_n "$runs" "$@"
}

# timed_n RUNS NAME COMMAND...: the same, RUNS times
timed_n() {
	count=$1 name=$2
	shift 2
	: >"$work/$name.time"
	i=0
	while test $i -lt "$count"; do
		/usr/bin/time -f '%e %U %S %M' -o "$work/$name.run" "$@" \
			>/dev/null 2>"$work/$name.err" || die "failed: $* (see $work/$name.err)"
		awk '{ print $1, $2 + $3, $4 }' "$work/$name.run" >>"$work/$name.time"
		i=$((i + 1))
	done
}

# wall NAME, cpu NAME, rss NAME: the medians of those runs
wall() {
	median 1 "$work/$1.time"
}
cpu() {
	median 2 "$work/$1.time"
}
rss() {
	median 3 "$work/$1.time"
}

# median FIELD FILE
median() {
	sort -n -k "$1,$1" "$2" | awk -v f="$1" '{ v[NR] = $f }
		END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

time_runs() {
	say "timing tcpdump and tshark, $runs runs each"
	start=$(date +%s)
	timed td_small "$patched" -n -r "$jm"
	timed ts_small tshark -n -r "$jm"
	timed td_big "$patched" -n -r "$jm_big"
	timed ts_big tshark -n -r "$jm_big"
	timed td_notz env -u TZ "$patched" -n -r "$jm"
	time_seconds=$(($(date +%s) - start))
}

# ratio A B: "A / B = A/Bx", B at least 0.01
ratio() {
	calc '%.2f / %.2f = %.1fx' "$1, $2, $1 / ($2 > 0.01 ? $2 : 0.01)"
}

# report_size LABEL TD TS: speed and memory rows for one capture
report_size() {
	tds=$(wall "$2") tdk=$(rss "$2") tss=$(wall "$3") tsk=$(rss "$3")
	row "speed, $1 pkts: tshark s / tcpdump s" \
		"$(ratio "$tss" "$tds")" ">= 3x" "$(verdict "$tss >= 3 * $tds")"
	row "  (CPU time, user + sys; note 3)" "$(ratio "$(cpu "$3")" "$(cpu "$2")")" "" info
	row "memory, $1 pkts: tshark / tcpdump peak RSS" \
		"$(calc '%d / %d MB = %.0fx' "$tsk / 1024, $tdk / 1024, $tsk / $tdk")" \
		">= 20x" "$(verdict "$tsk >= 20 * $tdk")"
}

report_times() {
	report_size "$n" td_small ts_small
	report_size "$big" td_big ts_big
	small=$(rss td_small) large=$(rss td_big)
	row "tcpdump peak RSS, $n -> $big pkts" \
		"$(calc '%d -> %d kB, %+.1f%%' "$small, $large, 100 * ($large - $small) / $small")" \
		"<= +10%" "$(verdict "$large <= 1.10 * $small")"
	row "speed, $n pkts, TZ unset (note 2)" \
		"$(ratio "$(wall ts_small)" "$(wall td_notz)")" "" info
}

# first_mirror_id: the mirror id of the capture's first packet, the
# intercept that the --mirror-id and tshark -Y runs select
first_mirror_id() {
	"$patched" -n -c 1 -r "$jm" 2>/dev/null |
		sed -n 's/.*JMIRROR, mirror-id \([0-9]*\),.*/\1/p'
}

# time_decap: decap, the tcpdump copy and tshark -Y on both captures,
# decap on the flood; each writes $work/NAME.out
time_decap() {
	mid=$(first_mirror_id)
	test -n "$mid" || die "no mirror id in the first packet of $jm"
	say "timing jmirror-decap, tcpdump -w and tshark -Y (mirror id $mid), $runs runs each"
	start=$(date +%s)
	for size in small big; do
		input=$jm
		test $size = big && input=$jm_big
		# -Z root: as root, a tcpdump built to drop root would open the
		# output file as that user
		timed "copy_$size" "$stock" -Z root -r "$input" -w "$work/copy_$size.out"
		timed "decap_$size" "$decap" -r "$input" -w "$work/decap_$size.out"
		timed "mid_$size" "$decap" -r "$input" -w "$work/mid_$size.out" \
			--mirror-id="$mid"
	done
	timed tsmid_small tshark -r "$jm" -Y "jmirror.mid == $mid" \
		-w "$work/tsmid_small.out"
	timed_n 1 tsmid_big tshark -r "$jm_big" -Y "jmirror.mid == $mid" \
		-w "$work/tsmid_big.out"
	timed flood "$decap" -r "$flood" -w "$work/flood.out"
	decap_seconds=$(($(date +%s) - start))
}

# ticks PID: the CPU time PID has used, user + system, in clock ticks
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# live_run NAME COUNT RATE COMMAND...: COMMAND (a live capture) in the
# background until it says it is listening; COUNT datagrams sent to
# $port at RATE (0: full speed); its CPU ticks while they came in
# $work/NAME.ticks, the sender's CPU seconds (the kernel's work as it
# sends included) in NAME.sender, its count and seconds in NAME.sent,
# the capture's standard error in NAME.err
live_run() {
	name=$1 count=$2 rate=$3
	shift 3
	"$@" >/dev/null 2>"$work/$name.err" &
	lpid=$!
	i=0
	until grep -q 'listening on' "$work/$name.err" 2>/dev/null; do
		i=$((i + 1))
		test $i -lt 100 && kill -0 $lpid 2>/dev/null ||
			die "did not start: $* (see $work/$name.err)"
		sleep 0.1
	done
	t0=$(ticks $lpid)
	s0=$(date +%s%N)
	sent=$(/usr/bin/time -f '%U %S' -o "$work/$name.time" \
		"$sender" -r "$rate" -b 1000 -t 60 "$port" "$count")
	awk '{ print $1 + $2 }' "$work/$name.time" >"$work/$name.sender"
	echo "$sent $(calc '%.3f' "($(date +%s%N) - $s0) / 1e9")" >"$work/$name.sent"
	sleep 1		# what is queued is read
	echo $(($(ticks $lpid) - t0)) >"$work/$name.ticks"
	kill -TERM $lpid
	wait $lpid || true
}

# lost NAME: what a live run did not write, from its summary (decap) or
# tcpdump's "packets captured" line
lost() {
	w=$(sed -n -e 's/.*: \([0-9]*\) written.*/\1/p' \
		-e 's/^\([0-9]*\) packets captured$/\1/p' "$work/$1.err" | tail -n 1)
	echo $(($(cut -d' ' -f1 "$work/$1.sent") - ${w:-0}))
}

# time_live: decap --listen, decap -i lo and tcpdump -i lo -w on the
# same stream; then the rates at which --listen and -i lose nothing
time_live() {
	say "timing the live inputs: $LIVE_COUNT datagrams over the loopback interface"
	start=$(date +%s)
	hz=$(getconf CLK_TCK)
	port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	live_run listen $LIVE_COUNT 0 "$decap" -Z root --listen "127.0.0.1:$port" \
		-w "$work/listen.out"
	# a socket on the port for the captures, that reads nothing
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(600)' "$port" &
	sink=$!
	live_run ilo $LIVE_COUNT 0 "$decap" -Z root -i lo --jmirror-port="$port" \
		-w "$work/ilo.out"
	live_run tdlo $LIVE_COUNT 0 "$stock" -Z root -B 32768 -i lo \
		-w "$work/tdlo.out" udp port "$port"
	for r in $LIVE_RATES; do
		live_run "ilo_$r" $LIVE_STEP "$r" "$decap" -Z root -i lo \
			--jmirror-port="$port" -w "$work/rate.out"
	done
	kill $sink
	wait $sink 2>/dev/null || true
	for r in $LIVE_RATES; do
		live_run "listen_$r" $LIVE_STEP "$r" "$decap" -Z root \
			--listen "127.0.0.1:$port" -w "$work/rate.out"
	done
	rm -f "$work"/listen.out "$work"/ilo.out "$work"/tdlo.out "$work"/rate.out
	live_seconds=$(($(date +%s) - start))
}

# us_per NAME [sender]: CPU microseconds per datagram sent, of the
# capture (or of the capture and the sender)
us_per() {
	if test "${2:-}" = sender; then
		calc '%.3f' "($(cat "$work/$1.ticks") / $hz + $(cat "$work/$1.sender")) * 1e6 / $(cut -d' ' -f1 "$work/$1.sent")"
	else
		calc '%.3f' "$(cat "$work/$1.ticks") * 1e6 / $hz / $(cut -d' ' -f1 "$work/$1.sent")"
	fi
}

# best_rate KIND: the sender's rate at the fastest step KIND lost nothing
best_rate() {
	best=none
	for r in $LIVE_RATES; do
		test "$(lost "$1_$r")" = 0 || break
		best=$(calc '%.0f/s' "$(cut -d' ' -f1 "$work/$1_$r.sent") / $(cut -d' ' -f2 "$work/$1_$r.sent")")
		test "$r" = 0 && best="$best (full speed)"
	done
	echo "$best"
}

# report_live: the live rows, or one saying they were not run
report_live() {
	if test -z "$sender" || test "$(id -u)" != 0; then
		row "live inputs (-s SENDER, as root)" "not run" "" info
		return
	fi
	td=$(us_per tdlo)
	for kind in listen ilo; do
		label="decap --listen"
		test $kind = ilo && label="decap -i lo"
		us=$(us_per $kind)
		row "live, $LIVE_COUNT: $label / tcpdump -i lo us" \
			"$us / $td = $(calc '%.1fx' "$us / ($td > 0 ? $td : 0.001)")" \
			"<= 3x" "$(verdict "$us <= 3 * $td")"
		row "  with the sender's (note 5)" \
			"$(us_per $kind sender) / $(us_per tdlo sender) = $(calc '%.1fx' "$(us_per $kind sender) / $(us_per tdlo sender)")" \
			"" info
		row "  lost: decap; tcpdump" "$(lost $kind); $(lost tdlo)" "0" \
			"$(verdict "$(lost $kind) == 0")"
		row "  highest rate with 0 lost (note 4)" "$(best_rate $kind)" "" info
	done
}

# packets FILE: how many packets the capture holds
packets() {
	"$stock" --count -r "$1" 2>/dev/null | sed -n 's/ packets$//p'
}

# report_decap_size LABEL SIZE BARE: decap's rows for one capture
report_decap_size() {
	label=$1 size=$2 bare=$3
	if cmp -s "$work/decap_$size.out" "$bare"; then same=yes; else same=no; fi
	row "decap, $label pkts: output = bare capture" "$same" "yes" \
		"$(verdict "\"$same\" == \"yes\"")"
	dm=$(packets "$work/mid_$size.out") tm=$(packets "$work/tsmid_$size.out")
	row "  --mirror-id=N packets: decap / tshark -Y" "$dm / $tm" "equal, > 0" \
		"$(verdict "\"$dm\" == \"$tm\" && $dm > 0")"
	for what in decap mid; do
		dw=$(wall "${what}_$size") cw=$(wall "copy_$size")
		title="speed, $label pkts: decap s / tcpdump -w s"
		test $what = mid && title="  decap --mirror-id=N s / tcpdump -w s"
		row "$title" "$(ratio "$dw" "$cw")" "<= 2x" "$(verdict "$dw <= 2 * $cw")"
		row "  (CPU time, user + sys; note 3)" \
			"$(ratio "$(cpu "${what}_$size")" "$(cpu "copy_$size")")" "" info
	done
	tw=$(wall "tsmid_$size") dw=$(wall "mid_$size")
	row "  tshark -Y s / decap --mirror-id=N s" "$(ratio "$tw" "$dw")" ">= 15x" \
		"$(verdict "$tw >= 15 * ($dw > 0.01 ? $dw : 0.01)")"
	row "  (CPU time, user + sys; note 3)" \
		"$(ratio "$(cpu "tsmid_$size")" "$(cpu "mid_$size")")" "" info
}

# report_flood: decap's memory and counts under the flood
report_flood() {
	kb=$(rss flood)
	row "decap peak RSS, flood of $FLOOD datagrams" \
		"$(calc '%d kB = %.1f MiB' "$kb, $kb / 1024")" "<= 64 MiB" \
		"$(verdict "$kb <= $FLOOD_RSS_KB")"
	# fragments and datagrams: reassembled, incomplete at the end, timed
	# out, evicted
	# shellcheck disable=SC2046
	set -- $(sed -n 's/.*: fragments: \([0-9]*\) reassembled into \([0-9]*\) datagrams\{0,1\}; \([0-9]*\) in \([0-9]*\) incomplete .*/\1 \2 \3 \4/p' "$work/flood.err") \
		$(sed -n 's/.*: fragments dropped: [0-9]* in [0-9]* overlapping [a-z]*, \([0-9]*\) in \([0-9]*\) timed out, \([0-9]*\) in \([0-9]*\) evicted,.*/\1 \2 \3 \4/p' "$work/flood.err")
	test $# = 8 || die "no fragment counts in decap's summary: see $work/flood.err"
	written=$(sed -n 's/^[^:]*: \([0-9]*\) written.*/\1/p' "$work/flood.err")
	bytes=$(wc -c <"$work/flood.out")
	row "  incomplete + timed out + evicted" \
		"$4 + $6 + $8 = $(($4 + $6 + $8))" "$FLOOD" \
		"$(verdict "$1 + $2 == 0 && $4 + $6 + $8 == $FLOOD && $3 + $5 + $7 == $FLOOD")"
	row "  written (summary; output file bytes)" \
		"${written:-?} ($bytes bytes)" "0 (24 bytes)" \
		"$(verdict "\"$written\" == \"0\" && $bytes == 24")"
	row "  (time: wall s, CPU s)" "$(wall flood), $(cpu flood)" "" info
}

report_decap() {
	report_decap_size "$n" small "$raw"
	report_decap_size "$big" big "$raw_big"
	small=$(rss decap_small) large=$(rss decap_big) mlarge=$(rss mid_big)
	test "$mlarge" -gt "$large" && large=$mlarge
	row "decap peak RSS, $n -> $big pkts" \
		"$(calc '%d -> %d kB = %.1f MiB' "$small, $large, $large / 1024")" \
		"<= 16 MiB" "$(verdict "$large <= $DECAP_RSS_KB")"
	report_flood
	# the copies are large and checked: keep only the small outputs
	rm -f "$work"/copy_*.out "$work"/decap_*.out
}

# time_keyword: the capture-filter keyword (libpcap-patch) against decap
# and tshark -Y, one intercept's DNS over TCP out of the 10 * N capture;
# each writes $work/NAME.out (skipped when the patched tcpdump's libpcap
# has no keyword)
time_keyword() {
	kw_seconds=0
	if ! "$patched" -d -r "$jm" jmirror >/dev/null 2>&1; then
		kw_skip=yes
		return
	fi
	kw_skip=
	say "timing tcpdump 'jmirror $mid and (tcp port 53)', decap and tshark -Y on $big packets"
	start=$(date +%s)
	timed kw_td "$patched" -Z root -r "$jm_big" -w "$work/kw_td.out" \
		"jmirror $mid and (tcp port 53)"
	timed kw_decap "$decap" -r "$jm_big" -w "$work/kw_decap.out" \
		--mirror-id="$mid" 'tcp port 53'
	timed_n 1 kw_ts tshark -r "$jm_big" \
		-Y "jmirror.mid == $mid && tcp.port == 53" -w "$work/kw_ts.out"
	kw_seconds=$(($(date +%s) - start))
}

report_keyword() {
	if test -n "$kw_skip"; then
		row "keyword: $patched has no jmirror filter keyword" "-" "" info
		return
	fi
	tp=$(packets "$work/kw_td.out") dp=$(packets "$work/kw_decap.out")
	sp=$(packets "$work/kw_ts.out")
	row "keyword, $big pkts: tcpdump / decap / tshark pkts" "$tp / $dp / $sp" \
		"equal, > 0" "$(verdict "$tp == $dp && $dp == $sp && $tp > 0")"
	row "  tcpdump 'jmirror N and (tcp port 53)' s" \
		"$(wall kw_td) (CPU $(cpu kw_td))" "" info
	row "  decap --mirror-id=N 'tcp port 53' s / tcpdump s" \
		"$(ratio "$(wall kw_decap)" "$(wall kw_td)")" "" info
	row "  tshark -Y s / tcpdump s" \
		"$(ratio "$(wall kw_ts)" "$(wall kw_td)")" "" info
	rm -f "$work"/kw_*.out
}

# time_reasm: ns per fragment by arrival order, to $work/reasm.txt
time_reasm() {
	say "timing the reassembler by fragment order, $runs runs each"
	start=$(date +%s)
	"$bench_reasm" $REASM_DATAGRAMS $REASM_FRAGS "$runs" >"$work/reasm.txt" \
		2>"$work/reasm.err" || die "failed: $bench_reasm (see $work/reasm.err)"
	reasm_seconds=$(($(date +%s) - start))
}

# reasm_ns ORDER: its ns per fragment
reasm_ns() {
	ns=$(awk -v o="$1" '$1 == o { print $2 }' "$work/reasm.txt")
	test -n "$ns" || die "no figure for $1 in $work/reasm.txt"
	echo "$ns"
}

report_reasm() {
	base=$(reasm_ns in-order) || exit 2
	row "reassembly, in-order: ns/fragment" "$base" "" info
	for order in $REASM_ORDERS; do
		ns=$(reasm_ns "$order") || exit 2
		row "  $order: / in-order" \
			"$(calc '%.1f / %.1f = %.2fx' "$ns, $base, $ns / $base")" \
			"<= 2x" "$(verdict "$ns <= 2 * $base")"
	done
}

# notes_reasm: how the reassembler's figures are taken
notes_reasm() {
	cat <<EOF
reassembly: BENCH_REASM $REASM_DATAGRAMS $REASM_FRAGS $runs: $REASM_DATAGRAMS IPv4 datagrams of
  $REASM_FRAGS fragments of 8 bytes fed to reasm_add() (-O2) from one buffer,
  as a capture holds them; the CPU time of the feeding, the least of $runs
  runs, per fragment; every datagram must come back byte for byte.
  Orders: each datagram's fragments in order, reversed, the last one
  first and then the others ascending, shuffled; interleaved: fragment k
  of every datagram, then fragment k + 1 of every one.
BENCH_REASM: $bench_reasm
EOF
}

print_rows() {
	printf '%-46s %-30s %-15s %s\n' figure measured target result
	printf '%s' "$rows"
}

# reasm_only: the reassembler's rows alone (-A)
reasm_only() {
	test -x "$bench_reasm" || die "not an executable: $bench_reasm"
	setup_work
	time_reasm
	report_reasm
	print_rows
	echo
	notes_reasm
	echo "compiler: $(cc --version 2>/dev/null | head -n 1)"
	echo "machine:  $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "$passed passed, $failed failed"
}

print_table() {
	print_rows
	cat <<EOF

Ir: instructions counted by valgrind's callgrind on the first $cg_packets packets.
A: $patched -n -r JM    B: $stock -n -r JM
C: $stock -n -r RAW    R: $stock --count -r RAW
jmirror layer: A run with --toggle-collect=jmirror_print, less C run
  with --toggle-collect=ip_print --toggle-collect=ip6_print.
Times and peak RSS: /usr/bin/time -f '%e %U %S %M', median of $runs runs of
  tcpdump: $patched -n -r JM >/dev/null
  tshark:  tshark -n -r JM >/dev/null    (WIRESHARK_CONFIG_DIR empty)
  all with TZ=UTC0, except the TZ unset row.
JM, RAW: gen-bench-corpus.py -n N JM RAW (the jmirror capture, and the
  same mirrored packets as raw IP with the same time stamps).
note 1: C - R also counts what every printed packet costs (time stamp,
  line set-up), which A - B has already taken out, and B prints
  'UDP, length N' where A does not: so A - B - C + R understates the
  layer; the direct figure is what jmirror_print itself costs, mostly
  printf formatting the ids and the length.
note 2: with TZ unset, glibc stats /etc/localtime for each time stamp.
note 3: wall times suffer when other jobs share the machine; CPU times
  suffer less.
decap:   DECAP -r JM -w OUT, and with --mirror-id=N; tcpdump -w: STOCK
  -r JM -w OUT; tshark -Y: tshark -r JM -Y 'jmirror.mid == N' -w OUT,
  1 run at $big packets.  N = $mid, the first packet's mirror id.
  output = bare capture: decap's OUT and RAW are the same bytes.
  Peak RSS at $big packets: the larger of the two decap runs.
keyword: $patched -Z root -r JM10 -w OUT 'jmirror N and (tcp port 53)'
  (the capture filter keyword of libpcap-patch), DECAP -r JM10 -w OUT
  --mirror-id=N 'tcp port 53', tshark -r JM10 -Y 'jmirror.mid == N &&
  tcp.port == 53' -w OUT (1 run); JM10: the $big-packet capture.
flood:   DECAP -r FLOOD -w OUT, with its default --reasm-budget and
  --reasm-timeout; FLOOD: gen-frag-flood.py -n $FLOOD (first fragments
  only, each of a datagram of its own, 1 us apart).
$(notes_reasm)
DECAP: $decap    STOCK: $stock
live:    CPU time (user + sys, /proc/PID/stat) while SENDER sends
  $LIVE_COUNT datagrams (44 bytes: jmirror header, IPv4/UDP, 8 bytes) to
  127.0.0.1 as fast as it can, per datagram sent: DECAP -Z root --listen
  127.0.0.1:PORT -w OUT, DECAP -Z root -i lo --jmirror-port=PORT -w OUT,
  STOCK -Z root -B 32768 -i lo -w OUT udp port PORT (on lo it is handed
  each packet twice, sent and received, and libpcap drops the sent copy;
  decap's kernel filter takes only the received one).
note 5: decap --listen's own time includes the kernel's UDP receive
  path (dequeue, copy, time stamp), in its recvmmsg calls; a capture's
  (tcpdump -i, decap -i) kernel work is done as the sender sends and
  counted to the sender: with the sender's time added they compare like
  with like.  For -i a socket bound to PORT that reads nothing takes the
  datagrams, so that the kernel sends no ICMP error for each.
note 4: $LIVE_STEP datagrams at each of $LIVE_RATES a second (0: full
  speed), in bursts of 1000, with the default buffer; the sender's
  achieved rate of the fastest step that lost none.

tcpdump:  patched: $("$patched" --version 2>&1 | head -n 1), $("$patched" --version 2>&1 | sed -n 2p)
          stock:   $("$stock" --version 2>&1 | head -n 1), $("$stock" --version 2>&1 | sed -n 2p)
tshark:   $(tshark --version 2>/dev/null | head -n 1)
decap:    $("$decap" --version 2>&1 | head -n 1)
compiler: $(cc --version 2>/dev/null | head -n 1)
machine:  $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
seconds:  $(($(date +%s) - begin)) in all: captures $gen_seconds, callgrind $cg_seconds, timing $time_seconds, decap $decap_seconds, keyword $kw_seconds, reassembly $reasm_seconds, live ${live_seconds:-0}
EOF
	test -n "$workdir" && echo "profile:  callgrind_annotate $work/callgrind.A.out"
	echo "$passed passed, $failed failed"
}

main() {
	begin=$(date +%s)
	parse_args "$@"
	if test $reasm_only = yes; then
		reasm_only
		test "$failed" -eq 0
		return
	fi
	setup
	gen_corpus
	check_corpus
	count_instructions
	report_instructions
	time_runs
	report_times
	time_decap
	report_decap
	time_keyword
	report_keyword
	time_reasm
	report_reasm
	test -n "$sender" && test "$(id -u)" = 0 && time_live
	report_live
	print_table
	test "$failed" -eq 0
}

main "$@"
