#!/bin/sh
# check-tool-flags.sh TCPDUMP TOOL...: each TOOL is built with the
# protections TCPDUMP is built with, as readelf sees them: PIE, RELRO,
# immediate binding, the stack protector and _FORTIFY_SOURCE's checked
# functions. (hardening-check, in check-distro-build, compares with
# Debian's own tcpdump; this needs only binutils.) Prints "ok - ..." or
# "FAIL - ..." per TOOL.
set -eu

test $# -ge 2 || { echo "usage: $0 TCPDUMP TOOL..." >&2; exit 2; }
tcpdump=$1
shift
common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"

# protections FILE: one line per protection found in FILE
protections() {
	readelf -h "$1" | grep -q 'Type: *DYN' && echo PIE
	readelf -l "$1" | grep -q 'GNU_RELRO' && echo RELRO
	readelf -d "$1" | grep -q 'BIND_NOW\|FLAGS_1.*NOW' && echo BIND_NOW
	readelf --dyn-syms -W "$1" | grep -q ' __stack_chk_fail' && echo stack-protector
	readelf --dyn-syms -W "$1" | grep -v ' __stack_chk_fail' | grep -q ' __[a-z0-9_]*_chk\(@\| \|$\)' &&
		echo fortify
	return 0
}

want=$(protections "$tcpdump")
for tool in "$@"; do
	have=$(protections "$tool")
	missing=$(echo "$want" | grep -v -x -F "$have" | paste -s -d, - || true)
	if test -n "$missing"; then
		fail "$tool lacks $missing, which $tcpdump has: built without tcpdump's flags"
	else
		ok "$tool has $tcpdump's protections ($(echo "$want" | paste -s -d, -))"
	fi
done
results check-tool-flags
