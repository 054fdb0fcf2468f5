#!/bin/sh
# check-skips.sh MAKE LOG: run in a build directory, "make check" of
# check-decap-tshark and check-decap-unit alone on a PATH without tshark
# and systemd-analyze must end with a summary line that counts every skip
# line of its log and names the package for each of those two.
# Prints "ok - ..." or "FAIL - ...".
set -eu

make=${1:?usage: check-skips.sh MAKE LOG}
log=${2:?usage: check-skips.sh MAKE LOG}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# path_without NAME...: a directory of links to every command on PATH
# but NAMEs (the first of each name, as the shell would find it)
path_without() {
	mkdir "$tmp/bin"
	old_ifs=$IFS
	IFS=:
	for dir in $PATH; do
		test -d "$dir" || continue
		for cmd in "$dir"/*; do
			name=${cmd##*/}
			if test -x "$cmd" && test ! -e "$tmp/bin/$name"; then
				ln -s "$cmd" "$tmp/bin/$name"
			fi
		done
	done
	IFS=$old_ifs
	for name in "$@"; do
		rm -f "$tmp/bin/$name"
	done
}

path_without tshark systemd-analyze
status=0
PATH=$tmp/bin "$make" --no-print-directory check \
	CHECKS='check-decap-tshark check-decap-unit' CHECK_LOG="$log" \
	>"$tmp/out" 2>&1 || status=$?
summary=$(tail -n 1 "$tmp/out")
skips=$(grep -c '^skip - ' "$log" 2>/dev/null || true)
skips=${skips:-0}
echo "check-skips: $summary"
fail=0
case $summary in
"make check: all 2 check targets passed; $skips checks skipped: "*) ;;
*) fail=1 ;;
esac
for want in 'tshark not found (install tshark)' \
	'systemd-analyze not found: the unit is not verified (install systemd)'; do
	case $summary in *"$want"*) ;; *) fail=1 ;; esac
done
if test $status = 0 && test $fail = 0; then
	echo "ok - without tshark and systemd-analyze, the summary counts the $skips skipped checks and names their packages"
else
	echo "FAIL - without tshark and systemd-analyze (exit $status), the summary is not 'make check: all 2 check targets passed; $skips checks skipped: ...' naming tshark's and systemd-analyze's packages"
	exit 1
fi
