#!/bin/sh
# run-fuzz.sh [--time] TREE_DIR N: fuzz the jmirror printer with libFuzzer,
# N executions (-runs=N), or with --time, N seconds (-max_total_time=N).
# TREE_DIR is a patched tcpdump tree set aside for fuzzing; build.sh
# (re)builds TREE_DIR/fuzz-jmirror in it first.  The corpus grows in
# TREE_DIR/fuzz-corpus (seeded from fuzz/corpus, which is not written
# to); crashing inputs go to TREE_DIR/fuzz-artifacts/.
# Fails when the fuzzer finds a crash, a leak, a timeout or an exit.
# Environment: FUZZ_FLAGS, more libFuzzer flags (e.g. -fork=2 to use two
# cores: about 1.5 times the executions per second here).

usage() {
	echo "usage: $0 [--time] TREE_DIR N"
	echo "  TREE_DIR  a patched tcpdump source tree used only for fuzzing"
	echo "  N         executions to run, or with --time, seconds to run"
}

case "$1" in -h|--help) usage; exit 0 ;; esac
limit=-runs
if test "$1" = --time; then
	limit=-max_total_time
	shift
fi
if test $# -ne 2; then
	usage >&2
	exit 2
fi
TREE=$1
N=$2
case "$N" in ''|*[!0-9]*) usage >&2; exit 2 ;; esac
if test ! -d "$TREE"; then
	echo "$0: $TREE: not a directory" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
FUZZER=$TREE/fuzz-jmirror
LOG=$TREE/fuzz.log

# count DIR: the files in DIR
count() {
	find "$1" -type f | wc -l
}

# build: the fuzzer, its tree and libnetdissect.a, where out of date
build() {
	"$HERE/build.sh" "$TREE" "$FUZZER" >"$TREE/fuzz-build.log" 2>&1 || {
		tail -n 30 "$TREE/fuzz-build.log"
		echo "FAIL - fuzz/build.sh $TREE"
		exit 1
	}
}

# fuzz: run libFuzzer on the working corpus and the seeds, with the
# known UBSan reports of stock printers suppressed
fuzz() {
	UBSAN_OPTIONS="suppressions=$HERE/ubsan-stock.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	export UBSAN_OPTIONS
	mkdir -p "$TREE/fuzz-corpus" "$TREE/fuzz-artifacts"
	old_artifacts=$(count "$TREE/fuzz-artifacts")
	start=$(date +%s)
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
	"$FUZZER" "$limit=$N" -print_final_stats=1 -timeout=10 \
		-artifact_prefix="$TREE/fuzz-artifacts/" $FUZZ_FLAGS \
		"$TREE/fuzz-corpus" "$HERE/corpus" >"$LOG" 2>&1
	rc=$?
	seconds=$(($(date +%s) - start))
}

# report: executions, time and the outcome
report() {
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG" | tail -n 1)
	# -fork=N prints no stat:: lines: its own total, else its last status
	test -n "$execs" ||
		execs=$(sed -n 's/^INFO: fuzzed for \([0-9]*\) iterations.*/\1/p' "$LOG" | tail -n 1)
	test -n "$execs" ||
		execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$LOG" | tail -n 1)
	corpus=$(count "$TREE/fuzz-corpus")
	crashes=$(($(count "$TREE/fuzz-artifacts") - old_artifacts))
	if test $rc -ne 0; then
		grep -E -m 10 'ERROR|runtime error|SUMMARY|Test unit written|deadly signal' "$LOG"
		echo "FAIL - fuzz-jmirror exited $rc; see $LOG"
		echo "to see how an input prints: FUZZ_JMIRROR_PRINT=1 $FUZZER INPUT"
	fi
	echo "executions ${execs:-?} in ${seconds}s, corpus $corpus inputs, new crashes $crashes"
}

build
fuzz
report
test $rc -eq 0
