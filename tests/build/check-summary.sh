#!/bin/sh
# check-summary.sh LOG PART...: the closing line of "make check", from
# LOG, the output of its PARTs (make targets). A part that failed left a
# "FAIL - make PART" line; a check that could not run left one line
#   skip - WHAT (install PACKAGE)      or      skip - WHAT (run as root)
# naming what would run it. Prints, for example,
#   make check: all 7 check targets passed (tcpdump's suite: ...); 2 checks skipped: A (install a), B (install b)
# Exits non-zero if a part failed, or a skip line names nothing to do.
set -eu

test $# -ge 2 || { echo "usage: $0 LOG PART..." >&2; exit 2; }
log=$1
shift
parts=$#

# joined: stdin's lines joined by ", "
joined() {
	awk 'NR > 1 { printf ", " } { printf "%s", $0 } END { print "" }'
}

# failed_parts: the parts that left "FAIL - make PART"
failed_parts() {
	sed -n 's/^FAIL - make \(check[-a-z]*\)$/\1/p' "$log" | joined
}

# skips: the skip lines, without their "skip - "
skips() {
	sed -n 's/^skip - //p' "$log"
}

# suite: tcpdump's own summary ("0 tests failed, 623 tests passed") and
# how many of its tests it skips by its build conditions
suite() {
	counts=$(sed -n 's/^ *\([0-9][0-9]* tests [a-z]*\)$/\1/p' "$log" | joined)
	test -n "$counts" || return 0
	by_design=$(grep -c '^ *[^ ]* *: skipped' "$log" || true)
	echo " (tcpdump's suite: $counts, $by_design of its tests skipped by its build conditions)"
}

failed=$(failed_parts)
nskips=$(skips | grep -c . || true)
unnamed=$(skips | grep -v -e ' (install [^()]*)$' -e ' (run as root)$' | joined)
if test -n "$unnamed"; then
	echo "FAIL - skip lines that name no package to install: $unnamed"
fi
if test -n "$failed"; then
	head="$(echo "$failed" | tr ',' '\n' | grep -c .) of $parts check targets failed ($failed)"
else
	head="all $parts check targets passed"
fi
case $nskips in
0) tail="0 checks skipped" ;;
1) tail="1 check skipped: $(skips)" ;;
*) tail="$nskips checks skipped: $(skips | joined)" ;;
esac
echo "make check: $head$(suite); $tail"
test -z "$failed" && test -z "$unnamed"
