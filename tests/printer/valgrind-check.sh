#!/bin/sh
# valgrind-check.sh [--expected DIR] TCPDUMP TESTSDIR [LIST]: run the
# jmirror tests under valgrind (memcheck) and require, for each, no
# valgrind error, exit status 0 and the expected output, as tcpdump's
# tests/TESTrun runs them: TZ=GMT0 TCPDUMP -# -n -r TESTSDIR/PCAP OPTIONS,
# plus -tttt for tcpdump 4.99.5 and later (whose TESTrun adds it unless
# the options say SPECIAL_t), compared with DIR/OUT.
# DIR: the expected outputs; default TESTSDIR/before-4.99.5 for a tcpdump
# older than 4.99.5 when that directory exists, else TESTSDIR.
# LIST is either a file in tests/TESTLIST format (NAME PCAP OUT [OPTIONS]
# per line; every test in it runs) or a patch whose tests/TESTLIST hunk
# adds the tests (its added lines run); default: the netdissect-patch
# next to TESTSDIR.
# TCPDUMP must not be a sanitizer build: valgrind cannot run those.

usage() {
	echo "usage: $0 [--expected DIR] TCPDUMP TESTSDIR [LIST]"
	echo "  TCPDUMP   the patched tcpdump, built without sanitizers"
	echo "  TESTSDIR  the directory with the jmirror captures and .out files"
	echo "  LIST      TESTLIST-format file, or a patch adding to tests/TESTLIST"
	echo "            (default: TESTSDIR/../netdissect-patch)"
	echo "  --expected DIR  the expected outputs (default: see the script)"
}

case "$1" in -h|--help) usage; exit 0 ;; esac
EXPECTED=
if test "$1" = --expected; then
	EXPECTED=$2
	shift 2
fi
if test $# -lt 2 || test $# -gt 3; then
	usage >&2
	exit 2
fi
TCPDUMP=$1
TESTSDIR=$2
LIST=${3:-$TESTSDIR/../../netdissect-patch}

tests=0
vg_errors=0
failures=0

# check_setup: valgrind, a non-sanitizer tcpdump and the list are there
check_setup() {
	if ! command -v valgrind >/dev/null 2>&1; then
		echo "$0: valgrind not found" >&2
		exit 2
	fi
	if test ! -x "$TCPDUMP"; then
		echo "$0: $TCPDUMP: not an executable" >&2
		exit 2
	fi
	if grep -q -a -e __asan_init -e __ubsan_handle "$TCPDUMP"; then
		echo "$0: $TCPDUMP is a sanitizer build; valgrind needs a plain one" >&2
		exit 2
	fi
	if test ! -f "$LIST"; then
		echo "$0: $LIST: not found" >&2
		exit 2
	fi
}

# pick_version: whether the runner adds -tttt (4.99.5+), and the
# expected outputs that go with it
pick_version() {
	version=$("$TCPDUMP" --version 2>&1 | sed -n 's/^tcpdump version \([0-9.]*\).*/\1/p')
	tttt=$(echo "$version" | awk -F. '{ print ($1 * 10000 + $2 * 100 + $3 >= 49905) }')
	if test -z "$EXPECTED"; then
		EXPECTED=$TESTSDIR
		if test "$tttt" = 0 && test -d "$TESTSDIR/before-4.99.5"; then
			EXPECTED=$TESTSDIR/before-4.99.5
		fi
	fi
	echo "tcpdump ${version:-of unknown version}: expected outputs from $EXPECTED$(test "$tttt" = 1 && echo ', with -tttt')"
}

# test_lines: the test lines of LIST, comments and blank lines left out
test_lines() {
	if grep -q '^+++ [^ ]*tests/TESTLIST' "$LIST"; then
		awk '/^\+\+\+ / { in_list = ($2 ~ /tests\/TESTLIST$/); next }
		     /^diff / { in_list = 0 }
		     in_list && /^\+/ { print substr($0, 2) }' "$LIST"
	else
		cat "$LIST"
	fi | grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$'
}

# run_test NAME PCAP OUT [OPTIONS...]: one test under valgrind
run_test() {
	name=$1 pcap=$2 out=$3
	shift 3
	tests=$((tests + 1))
	if test "$tttt" = 1; then
		# TESTrun: SPECIAL_t keeps the test's own -t options
		special=0
		for arg; do
			shift
			if test "$arg" = SPECIAL_t; then special=1; else set -- "$@" "$arg"; fi
		done
		test $special = 1 || set -- "$@" -tttt
	fi
	# --vgdb=no: no gdbserver pipes, which a tcpdump that gave up root
	# cannot remove at exit (valgrind would say so on stderr)
	TZ=GMT0 valgrind --error-exitcode=99 --leak-check=no -q --vgdb=no \
		"$TCPDUMP" -# -n -r "$TESTSDIR/$pcap" "$@" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if test $rc -eq 99 || grep -q '^==[0-9]*==' "$tmp/err"; then
		vg_errors=$((vg_errors + 1))
		echo "FAIL - $name: valgrind error"
		grep '^==[0-9]*==' "$tmp/err" | head -n 20
		failures=$((failures + 1))
	elif test $rc -ne 0; then
		echo "FAIL - $name: tcpdump exited $rc"
		tail -n 5 "$tmp/err"
		failures=$((failures + 1))
	elif ! diff -u "$EXPECTED/$out" "$tmp/out" >"$tmp/diff"; then
		echo "FAIL - $name: output differs from $out"
		head -n 20 "$tmp/diff"
		failures=$((failures + 1))
	else
		echo "ok - $name"
	fi
}

check_setup
pick_version
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
test_lines >"$tmp/list"
while read -r name pcap out options; do
	# OPTIONS word-split as TESTrun's shell does
	eval "run_test \"\$name\" \"\$pcap\" \"\$out\" $options" </dev/null
done <"$tmp/list"
echo "$tests tests, valgrind errors $vg_errors"
echo "$((tests - failures)) passed, $failures failed"
test $tests -gt 0 && test $failures -eq 0
