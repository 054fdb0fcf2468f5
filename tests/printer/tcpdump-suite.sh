#!/bin/sh
# tcpdump-suite.sh TREE [DROP_USER]: runs tcpdump's regression suite in
# TREE, as "make check" there does. Run as root, a tcpdump built to drop
# to DROP_USER reads what some tests name after the drop (the -E secrets
# files, by absolute path), so those must be readable by DROP_USER; when
# the tree is under a directory DROP_USER cannot enter (a checkout in
# root's home), the suite runs from a copy of TREE/tests that it can read.
# The tests, their inputs and expected outputs are the same either way.
set -eu

usage="usage: $0 TREE [DROP_USER]"
test $# -ge 1 && test $# -le 2 || { echo "$usage" >&2; exit 2; }
tree=$1
user=${2:-}

# readable_by USER FILE: whether USER can read FILE by its absolute path
readable_by() {
	runuser -u "$1" -- test -r "$2" 2>/dev/null
}

# suite_from_copy: TREE's tests copied where the user can read them, and
# the suite run from there (results, as always, in TREE/tests/NEW, DIFF)
suite_from_copy() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp -R "$tree/tests" "$tmp/tests"
	chmod -R a+rX "$tmp"
	if ! readable_by "$user" "$tmp/tests/TESTLIST"; then
		echo "$0: user $user cannot read $tmp/tests either: set TMPDIR to a directory it can enter" >&2
		exit 1
	fi
	echo "tcpdump-suite: user $user cannot read $tree/tests; running the suite from a readable copy, $tmp/tests"
	status=0
	(cd "$tree" && "$tmp/tests/TESTrun") || status=$?
	exit $status
}

tests=$(cd "$tree/tests" && pwd)
if test -n "$user" && test "$(id -u)" = 0 &&
	! readable_by "$user" "$tests/TESTLIST"; then
	suite_from_copy
fi
exec make -C "$tree" check
