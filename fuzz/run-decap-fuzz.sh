#!/bin/sh
# run-decap-fuzz.sh WORK_DIR N: fuzz jmirror-decap's packet path
# (fuzz-decap.c: link layer, outer IP, reassembly, UDP, jmirror header,
# payload conversion, filter, output) with libFuzzer, N executions.
# WORK_DIR gets the fuzzer, its corpus (seeded from this project's test
# captures and a generated decap corpus with fragments) and, on a crash,
# the input in WORK_DIR/artifacts/.  Fails on a crash, a leak, a
# sanitizer report or a timeout.
# Environment: CLANG (default clang), FUZZ_FLAGS (more libFuzzer flags),
# CPPFLAGS (the configured -DJMIRROR_PORT=N -DJMIRROR_MAX_PORTS=M; the
# sources are compiled here, with the fuzzer's instrumentation).

set -eu

usage="usage: $0 WORK_DIR N"
case "${1:-}" in -h|--help) echo "$usage"; exit 0 ;; esac
test $# = 2 || { echo "$usage" >&2; exit 2; }
WORK=$1
N=$2
case "$N" in ''|*[!0-9]*) echo "$usage" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$HERE")
CLANG=${CLANG:-clang}
FUZZER=$WORK/fuzz-decap

# build: the harness with decap's packet path and the reassembler
build() {
	mkdir -p "$WORK"
	# shellcheck disable=SC2086 # CPPFLAGS is a word list
	"$CLANG" -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		${CPPFLAGS:-} -I"$SRC/lib" -I"$SRC/decap" -o "$FUZZER" "$HERE/fuzz-decap.c" \
		"$SRC/decap/decap-packet.c" "$SRC/decap/decap-output.c" \
		"$SRC/lib/jmirror-ip.c" "$SRC/lib/jmirror-pkt.c" \
		"$SRC/lib/jmirror-reasm.c" -lpcap
}

# seeds: the test captures and a generated corpus, in the harness's layout
seeds() {
	python3 "$SRC/decap/tests/gen-decap-corpus.py" --count 40 --seed 9 "$WORK/gen.pcap"
	python3 "$HERE/make-decap-seeds.py" "$WORK/seeds" "$SRC"/tests/tcpdump/jmirror-*.pcap \
		"$WORK/gen.pcap"
}

# fuzz: N executions; the outcome and the numbers
fuzz() {
	mkdir -p "$WORK/corpus" "$WORK/artifacts"
	rc=0
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
	"$FUZZER" -runs="$N" -print_final_stats=1 -timeout=10 -max_len=16384 \
		-artifact_prefix="$WORK/artifacts/" ${FUZZ_FLAGS:-} \
		"$WORK/corpus" "$WORK/seeds" >"$WORK/fuzz.log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/fuzz.log" | tail -n 1)
	if test $rc != 0; then
		grep -E -m 10 'ERROR|runtime error|SUMMARY|Test unit written|deadly signal' "$WORK/fuzz.log" || true
		echo "FAIL - fuzz-decap exited $rc; see $WORK/fuzz.log"
		exit 1
	fi
	echo "ok - fuzz-decap: ${execs:-?} executions, corpus $(find "$WORK/corpus" -type f | wc -l) inputs"
}

build
seeds
fuzz
