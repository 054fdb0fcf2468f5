#!/bin/sh
# check-unit.sh SRCDIR DECAP: packaging/systemd/jmirror-decap@.service as
# `systemd-analyze verify` sees an instance of it (jmirror-decap@30030),
# with DECAP in place of /usr/bin/jmirror-decap: no word to say; and a
# copy with an unknown key, as a control, draws one.  The man page the
# unit names is found in SRCDIR (MANPATH), as the package installs it.  Skipped (one line)
# without systemd-analyze.

set -eu

test $# = 2 || { echo "usage: $0 SRCDIR DECAP" >&2; exit 2; }
srcdir=$1
decap=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
common=$srcdir/tests/common
. "$common/check-lib.sh"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "systemd-analyze not found: the unit is not verified" "install systemd"
	exit 0
fi
scratch

# verify NAME: systemd-analyze verify's words on the instance NAME, in
# $tmp/out; fails when it says anything
verify() {
	(cd "$tmp" && MANPATH=$tmp/man systemd-analyze verify "./$1") >"$tmp/out" 2>&1 || true
	test ! -s "$tmp/out"
}

mkdir -p "$tmp/man/man1"
cp "$srcdir/decap/jmirror-decap.1" "$tmp/man/man1/"
sed "s|/usr/bin/jmirror-decap|$decap|" "$srcdir/packaging/systemd/jmirror-decap@.service" \
	>"$tmp/jmirror-decap@30030.service"
fail_detail=$tmp/out
check "systemd-analyze verify jmirror-decap@30030.service: nothing to say" \
	verify jmirror-decap@30030.service
{ cat "$tmp/jmirror-decap@30030.service"; echo "[Service]"; echo "NoSuchKey=1"; } \
	>"$tmp/control@30030.service"
fail_detail=
if verify control@30030.service; then
	fail "a unit with an unknown key passes systemd-analyze verify unremarked"
else
	ok "the control, an unknown key, draws: $(head -n 1 "$tmp/out")"
fi
results check-unit
