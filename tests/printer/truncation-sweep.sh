#!/bin/sh
# truncation-sweep.sh TCPDUMP TESTSDIR: decode every packet of every
# TESTSDIR/jmirror-*.pcap cut at every captured length, from 0 bytes to
# the whole packet, and require of each decode:
#   - tcpdump exits 0 and writes no sanitizer report to the standard error
#     (meant for a build with -fsanitize=address,undefined
#     -fno-sanitize-recover=undefined; any build works, but then only the
#     exit status and the marks are checked);
#   - a packet cut short (captured length < wire length) prints a
#     truncation mark, "[|...]", at the end of its output, unless the cut
#     is inside a mirrored packet that an inner printer (IPv4, IPv6, PPP)
#     prints: its mark, or its lack of one, is stock tcpdump's for the
#     bare packet (make check-real-traffic compares them);
#   - no packet prints two marks;
#   - a whole packet prints none, unless its capture is listed in
#     MALFORMED below (deliberately malformed packets; none so far).
# (A packet cut at 0 bytes never reaches a printer: tcpdump prints
# "[Invalid header: caplen==0]" for it, which counts as its mark.)
# Each capture is decoded with -n, -n -v and -n -T jmirror; one whose
# packets the default port does not make jmirror (non-default ports) with
# -n -T jmirror, -n -v -T jmirror and -n -e -T jmirror instead.
# Needs python3 (pcap-cut.py, beside this script, cuts the packets).

usage() {
	echo "usage: $0 TCPDUMP TESTSDIR"
	echo "  TCPDUMP   the patched tcpdump (a sanitizer build to catch memory errors)"
	echo "  TESTSDIR  the directory with jmirror-*.pcap"
}

case "$1" in -h|--help) usage; exit 0 ;; esac
if test $# -ne 2; then
	usage >&2
	exit 2
fi
TCPDUMP=$1
TESTSDIR=$2
CUT=$(dirname "$0")/pcap-cut.py
# captures whose whole packets may print a truncation mark
MALFORMED=""

# sanitizer reports: stop at the first, with a stack trace
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export UBSAN_OPTIONS

packets=0
lengths=0
decodes=0
san_reports=0
missing=0
unexpected=0
common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"

# check_setup: the tools and the captures are there
check_setup() {
	if test ! -x "$TCPDUMP"; then
		echo "$0: $TCPDUMP: not an executable" >&2
		exit 2
	fi
	if test ! -f "$CUT"; then
		echo "$0: $CUT: not found" >&2
		exit 2
	fi
	if ! command -v python3 >/dev/null 2>&1; then
		echo "$0: python3 not found" >&2
		exit 2
	fi
	set -- "$TESTSDIR"/jmirror-*.pcap
	if test ! -f "$1"; then
		echo "$0: no jmirror-*.pcap in $TESTSDIR" >&2
		exit 2
	fi
}

# modes_for PCAP: the option sets to decode PCAP with, one per line
modes_for() {
	n_pkts=$("$TCPDUMP" -n -r "$1" 2>/dev/null | wc -l)
	n_jm=$("$TCPDUMP" -n -r "$1" 2>/dev/null | grep -c JMIRROR)
	if test "$n_pkts" -gt 0 && test "$n_pkts" = "$n_jm"; then
		printf '%s\n' "-n" "-n -v" "-n -T jmirror"
	else
		printf '%s\n' "-n -T jmirror" "-n -v -T jmirror" "-n -e -T jmirror"
	fi
}

# check_output INDEX OUTPUT ALLOW: per packet of the cut capture, the
# mark must end the output of a cut packet (but one cut inside a mirrored
# packet an inner printer prints), never appear twice and, unless ALLOW
# is 1, be absent from a whole one; prints "MISSING UNEXPECTED DECODED"
# last, problems before
check_output() {
	awk -v allow="$3" '
	NR == FNR { pkt[$1] = $2; cap[$1] = $3; wire[$1] = $4; n = $1; next }
	function judge(   marked, marks, inner, copy) {
		if (cur == 0)
			return
		decoded++
		marked = (last ~ /\[\|[^]]*\][ \t]*$/)
		if (cap[cur] == 0)
			marked = (last ~ /\[Invalid header: caplen==0\][ \t]*$/)
		copy = text
		marks = gsub(/\[\|[^]]*\]/, "", copy)
		inner = (text ~ /JMIRROR.*, length [0-9]+: / &&
			 last !~ /unknown payload/)
		if (marks > 1) {
			unexpected++
			printf "  two marks: packet %d cut at %d of %d: %s\n", pkt[cur], cap[cur], wire[cur], last
		} else if (cap[cur] < wire[cur] && !marked && !inner) {
			missing++
			printf "  no mark: packet %d cut at %d of %d: %s\n", pkt[cur], cap[cur], wire[cur], last
		} else if (cap[cur] == wire[cur] && !allow && text ~ /\[\|[^]]*\]/) {
			unexpected++
			printf "  mark in a whole packet: packet %d (%d bytes): %s\n", pkt[cur], wire[cur], last
		}
	}
	/^ *[0-9]+  / { judge(); cur = $1; text = ""; last = "" }
	{ text = text "\n" $0; if ($0 ~ /[^ \t]/) last = $0 }
	END {
		judge()
		if (decoded != n)
			printf "  %d of %d packets decoded\n", decoded, n
		printf "%d %d %d\n", missing, unexpected, decoded
	}' "$1" "$2"
}

# malformed NAME: 1 if capture NAME is in MALFORMED, else 0
malformed() {
	case " $MALFORMED " in *" $1 "*) echo 1 ;; *) echo 0 ;; esac
}

# sweep_mode PCAP MODE: decode the cut capture with MODE and check it
sweep_mode() {
	failed_before=$failed
	# shellcheck disable=SC2086 # MODE is a list of options
	"$TCPDUMP" -# -tt $2 -r "$tmp/cut.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	decodes=$((decodes + $(wc -l <"$tmp/index")))
	if test $rc -ne 0; then
		fail "$1 $2: tcpdump exited $rc"
		tail -n 20 "$tmp/err"
	fi
	if grep -q -E 'runtime error|Sanitizer' "$tmp/err"; then
		san_reports=$((san_reports + 1))
		fail "$1 $2: sanitizer report"
		grep -E -m 5 'runtime error|ERROR: |SUMMARY' "$tmp/err"
	fi
	check_output "$tmp/index" "$tmp/out" "$(malformed "$1")" >"$tmp/check"
	# shellcheck disable=SC2046 # the three counts
	set -- "$1" "$2" $(tail -n 1 "$tmp/check")
	missing=$((missing + $3))
	unexpected=$((unexpected + $4))
	if test "$(wc -l <"$tmp/check")" -gt 1; then
		fail "$1 $2: $3 missing marks, $4 unexpected marks, $5 packets decoded"
		sed '$d' "$tmp/check" | head -n 10
	fi
	if test $failed = $failed_before; then
		ok "$1 $2: $5 lengths"
	fi
}

# sweep PCAP: cut every packet of PCAP at every length, decode in each mode
sweep() {
	name=$(basename "$1")
	if ! python3 "$CUT" "$1" "$tmp/cut.pcap" >"$tmp/index"; then
		fail "$name: pcap-cut.py"
		return
	fi
	packets=$((packets + $(awk '$3 == 0' "$tmp/index" | wc -l)))
	lengths=$((lengths + $(wc -l <"$tmp/index")))
	modes_for "$1" >"$tmp/modes"
	while IFS= read -r mode; do
		sweep_mode "$name" "$mode"
	done <"$tmp/modes"
}

check_setup
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for pcap in "$TESTSDIR"/jmirror-*.pcap; do
	sweep "$pcap"
done
echo "packets $packets, lengths swept $lengths, sanitizer reports $san_reports, missing marks $missing, unexpected marks $unexpected ($decodes decodes)"
results truncation-sweep && test $passed -gt 0
