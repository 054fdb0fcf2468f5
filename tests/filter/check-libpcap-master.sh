#!/bin/sh
# check-libpcap-master.sh TARBALL PATCH DIR: libpcap master (TARBALL, a git
# export with a SHA256SUMS beside it) unpacked into DIR, PATCH
# (libpcap-patch-master) applied with git apply, built with its testprogs,
# and its own perl testprogs/TESTrun run: every test passes. A missing
# TARBALL is skipped with one line saying so.

set -eu

usage="usage: $0 TARBALL PATCH DIR"
test $# = 3 || { echo "$usage" >&2; exit 2; }
tarball=$1
patch=$2
dir=$3

if test ! -f "$tarball"; then
	echo "skip - libpcap master: $tarball is not on this machine"
	exit 0
fi

# verify: the tarball's line of its SHA256SUMS
verify() {
	(cd "$(dirname "$tarball")" &&
		grep " $(basename "$tarball")\$" SHA256SUMS | sha256sum -c -)
}

# unpack_and_patch: a fresh tree in DIR with the patch applied
unpack_and_patch() {
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1
	# a repository of its own: inside another one (this tree), git apply
	# would take paths from that one's top and skip every file
	(cd "$dir" && git init -q && git apply --verbose) <"$patch"
	{ grep -q jmirror "$dir/gencode.c" && grep -q jmirror "$dir/testprogs/TESTrun"; } || {
		echo "FAIL - libpcap master: $patch did not apply"
		exit 1
	}
}

# build: libpcap and its test programs, static, few optional parts
build() {
	(cd "$dir" && ./autogen.sh >/dev/null &&
		./configure --disable-shared --without-libnl --disable-dbus \
			--disable-rdma --disable-bluetooth >/dev/null &&
		make -j2 >/dev/null && make testprogs >/dev/null)
}

# testrun: TESTrun's summary; fails on any failed test
testrun() {
	(cd "$dir" && perl testprogs/TESTrun >TESTrun.log 2>&1) || {
		tail -n 20 "$dir/TESTrun.log"
		echo "FAIL - libpcap master TESTrun (see $dir/TESTrun.log)"
		exit 1
	}
	(cd "$dir" && testprogs/filtertest EN10MB 'jmirror port 6502 768 session 144 and ip6' >/dev/null) || {
		echo "FAIL - libpcap master: filtertest does not know the jmirror keyword"
		exit 1
	}
	summary=$(grep -E 'tests (failed|passed|skipped)' "$dir/TESTrun.log" | tr -s ' \n' ' ')
	echo "ok - libpcap master with libpcap-patch-master, TESTrun:$summary"
}

verify
unpack_and_patch
build
testrun
