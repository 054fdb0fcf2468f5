#!/bin/sh
# check-expected.sh SRCDIR: the two sets of jmirror expected outputs,
# tests/ (tcpdump >= 4.99.5, whose test runner adds -tttt) and
# tests/tcpdump/before-4.99.5/ (default time stamps), must list the same tests and
# differ only in the date that -tttt puts before each time stamp.
srcdir=${1:?usage: check-expected.sh SRCDIR}
pass=0 fail=0

# strip_date: remove the -tttt date from the packet lines of a TESTrun output
strip_date() {
	sed -E 's/^( +[0-9]+  )[0-9]{4}-[0-9]{2}-[0-9]{2} /\1/' "$1"
}

# compare_one OUT: the -tttt output, date removed, equals the older one
compare_one() {
	name=$(basename "$1")
	old=$srcdir/tests/tcpdump/before-4.99.5/$name
	if test ! -f "$old"; then
		echo "FAIL - $name has no tests/tcpdump/before-4.99.5/ counterpart"
		fail=$((fail + 1))
	elif strip_date "$1" | cmp -s - "$old"; then
		pass=$((pass + 1))
	else
		echo "FAIL - $name and before-4.99.5/$name differ beyond the date"
		fail=$((fail + 1))
	fi
}

for out in "$srcdir"/tests/tcpdump/jmirror-*.out; do
	compare_one "$out"
done
for old in "$srcdir"/tests/tcpdump/before-4.99.5/jmirror-*.out; do
	test -f "$srcdir/tests/tcpdump/$(basename "$old")" && continue
	echo "FAIL - before-4.99.5/$(basename "$old") has no tests/ counterpart"
	fail=$((fail + 1))
done
test $pass -gt 0 || { echo "FAIL - no expected outputs found"; fail=$((fail + 1)); }
echo "check-expected: $pass passed, $fail failed"
test $fail = 0
