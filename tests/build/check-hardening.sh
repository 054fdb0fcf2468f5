#!/bin/sh
# check-hardening.sh BINARY...: every protection that hardening-check
# (devscripts) finds in Debian's /usr/bin/tcpdump is in each BINARY too.
# Debian's tcpdump package is fetched with apt-get download and unpacked
# in a temporary directory, never installed. Prints "ok - ..." or
# "FAIL - ..." per binary; exits non-zero if any failed.
set -eu

test $# -ge 1 || { echo "usage: $0 BINARY..." >&2; exit 2; }
common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"
scratch

# protections FILE: the protections hardening-check finds in FILE
protections() {
	hardening-check "$1" | sed -n 's/^ \(.*\): yes.*/\1/p' | sort
}

# debian_protections: those of Debian's tcpdump, into $tmp/debian.prot
debian_protections() {
	(cd "$tmp" && apt-get download tcpdump >/dev/null 2>&1) || {
		fail "apt-get download tcpdump (Debian's package, to compare)"
		exit 1
	}
	dpkg-deb -x "$tmp"/tcpdump_*.deb "$tmp/debian"
	protections "$tmp/debian/usr/bin/tcpdump" >"$tmp/debian.prot"
	if test ! -s "$tmp/debian.prot"; then
		fail "hardening-check finds no protection in Debian's tcpdump"
		exit 1
	fi
}

# compare BINARY: BINARY has each of Debian's tcpdump's protections
compare() {
	protections "$1" >"$tmp/ours.prot"
	missing=$(comm -23 "$tmp/debian.prot" "$tmp/ours.prot" | paste -s -d, -)
	if test -n "$missing"; then
		fail "hardening-check $1: missing $missing (Debian's tcpdump has them)"
	else
		ok "hardening-check $1: all of Debian's tcpdump's protections ($(paste -s -d, "$tmp/debian.prot"))"
	fi
}

debian_protections
for binary in "$@"; do
	compare "$binary"
done
results check-hardening
