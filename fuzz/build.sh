#!/bin/sh
# build.sh TREE_DIR [OUT]: build the libFuzzer harness fuzz-jmirror.c
# against the libnetdissect.a of TREE_DIR, a tcpdump source tree patched
# with netdissect-patch, set aside for fuzzing: this script copies
# print-jmirror.c into it and (re)configures it with clang and the
# fuzzing flags (a `make distclean` first when it was configured
# otherwise).  OUT defaults to TREE_DIR/fuzz-jmirror.
# Environment: CLANG (default clang), JOBS (default 2), CPPFLAGS (passed
# to the tree's configure and to the harness, e.g. -DJMIRROR_PORT=N).

usage() {
	echo "usage: $0 TREE_DIR [OUT]"
	echo "  TREE_DIR  a patched tcpdump source tree used only for fuzzing"
	echo "  OUT       the fuzzer binary to write (default TREE_DIR/fuzz-jmirror)"
}

case "$1" in -h|--help) usage; exit 0 ;; esac
if test $# -lt 1 || test $# -gt 2; then
	usage >&2
	exit 2
fi
TREE=$1
OUT=${2:-$TREE/fuzz-jmirror}
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(dirname "$HERE")
CLANG=${CLANG:-clang}
JOBS=${JOBS:-2}
# UBSan stays recoverable so that ubsan-stock.supp can silence known
# reports from stock printers; fuzz-jmirror.c sets halt_on_error=1, so
# any other report stops the fuzzer.
SAN='-fsanitize=address,undefined'
TREE_CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $SAN"
FLAGS_ID="CC=$CLANG CFLAGS=$TREE_CFLAGS CPPFLAGS=$CPPFLAGS"

# check_tree: TREE is a tcpdump tree with the jmirror hooks
check_tree() {
	if ! grep -q jmirror_print "$TREE/print-udp.c" 2>/dev/null; then
		echo "$0: $TREE is not a tcpdump tree patched with netdissect-patch" >&2
		exit 2
	fi
	if ! command -v "$CLANG" >/dev/null 2>&1; then
		echo "$0: $CLANG not found (libFuzzer needs clang)" >&2
		exit 2
	fi
}

# copy_printer: the current print-jmirror.c into the tree
copy_printer() {
	cmp -s "$SRCDIR/print-jmirror.c" "$TREE/print-jmirror.c" ||
		cp "$SRCDIR/print-jmirror.c" "$TREE/print-jmirror.c"
}

# configure_tree: configure for fuzzing unless already done with these flags
configure_tree() {
	if test -f "$TREE/.fuzz-flags" &&
	    test "$(cat "$TREE/.fuzz-flags")" = "$FLAGS_ID"; then
		return 0
	fi
	if test -f "$TREE/Makefile"; then
		make -C "$TREE" distclean >/dev/null || return 1
	fi
	(cd "$TREE" && ./configure -q CC="$CLANG" CFLAGS="$TREE_CFLAGS" \
		CPPFLAGS="$CPPFLAGS" LDFLAGS="$SAN") || return 1
	echo "$FLAGS_ID" >"$TREE/.fuzz-flags"
}

# build_lib: libnetdissect.a only (tcpdump itself is not needed)
build_lib() {
	make -C "$TREE" -s -j"$JOBS" libnetdissect.a
}

# link_fuzzer: the harness, libnetdissect.a and the libraries tcpdump uses
link_fuzzer() {
	libs=$(sed -n 's/^LIBS *= *//p' "$TREE/Makefile")
	out=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
	# in the tree: LIBS may name ../libpcap/libpcap.a, the patched libpcap
	# beside it that tcpdump's configure prefers
	# shellcheck disable=SC2086 # TREE_CFLAGS and libs are word lists
	(cd "$TREE" && "$CLANG" $CPPFLAGS -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer $SAN -I. -I"$SRCDIR/lib" -o "$out" \
		"$HERE/fuzz-jmirror.c" "$SRCDIR/lib/jmirror-ip.c" \
		libnetdissect.a $libs)
}

check_tree
copy_printer
configure_tree || { echo "$0: configure failed in $TREE" >&2; exit 1; }
build_lib || { echo "$0: make libnetdissect.a failed in $TREE" >&2; exit 1; }
link_fuzzer || { echo "$0: linking $OUT failed" >&2; exit 1; }
echo "built $OUT"
