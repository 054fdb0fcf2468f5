#!/bin/sh
# compare-suites.sh PATCHED_TREE STOCK_TREE: run tcpdump's regression suite
# in the patched tree and in a tree built unpatched from the same source,
# and pass when the patch adds no failure and every jmirror test passes.
# For a tcpdump whose own suite does not pass on this machine (tcpdump
# 4.99.5 and later fail their post-2038 time stamp tests with libpcap
# before 1.10.5, as Debian 12 has), "no regression" is the honest check.
# DROP_USER in the environment: the user both trees drop to as root.
patched=${1:?usage: compare-suites.sh PATCHED_TREE STOCK_TREE}
stock=${2:?usage: compare-suites.sh PATCHED_TREE STOCK_TREE}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# run_suite TREE LOG: tcpdump's "make check", whatever its exit status
# (tcpdump-suite.sh: as root, from tests that DROP_USER can read)
run_suite() {
	sh "$(dirname "$0")/tcpdump-suite.sh" "$1" ${DROP_USER:-} >"$2" 2>&1 || true
}

# failed_tests LOG: the names of the tests TESTrun reports as not passed
# (4.99 prints "name : passed" for each test, master only the failures)
failed_tests() {
	sed -nE 's/^    ([^ ]+) +: (.*)$/\1 \2/p' "$1" |
		awk '$2 !~ /^(passed|skipped)/ { print $1 }' | sort -u
}

# summary LOG: TESTrun's closing "N tests failed / M tests passed"
summary() {
	grep -E '^ *[0-9]+ tests (failed|passed)' "$1" | tr -s ' \n' ' '
}

run_suite "$stock" "$work/stock.log"
run_suite "$patched" "$work/patched.log"
failed_tests "$work/stock.log" >"$work/stock.failed"
failed_tests "$work/patched.log" >"$work/patched.failed"
comm -13 "$work/stock.failed" "$work/patched.failed" >"$work/regressions"
grep '^jmirror' "$work/patched.failed" >"$work/jmirror.failed" || true
registered=$(grep -c '^jmirror' "$patched/tests/TESTLIST")

echo "stock tcpdump:   $(summary "$work/stock.log")"
echo "patched tcpdump: $(summary "$work/patched.log")"
if test -s "$work/stock.failed"; then
	echo "failing without the patch too: $(tr '\n' ' ' <"$work/stock.failed")"
fi
fail=0
if test -s "$work/regressions"; then
	echo "FAIL - failing only with the patch: $(tr '\n' ' ' <"$work/regressions")"
	fail=1
fi
if test "$registered" -eq 0 || test -s "$work/jmirror.failed"; then
	echo "FAIL - jmirror tests: $registered registered, failed: $(tr '\n' ' ' <"$work/jmirror.failed")"
	fail=1
fi
grep -q 'tests passed' "$work/patched.log" || { echo "FAIL - the patched suite did not run"; fail=1; }
regressions=$(wc -l <"$work/regressions")
echo "compare-suites: $registered jmirror tests registered, $(wc -l <"$work/jmirror.failed") failed; regressions $regressions"
test $fail = 0
