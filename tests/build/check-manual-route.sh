#!/bin/sh
# check-manual-route.sh SRCDIR TCPDUMP_SOURCE [autoconf|cmake]: follow the
# "Adding jmirror to your own tcpdump tree by hand" recipe of
# docs/tcpdump-versions.md exactly as written (its first code block, with
# /path/to/tcpdump-jmirror replaced by SRCDIR) in a fresh copy of
# TCPDUMP_SOURCE (a tree or a tarball), with tcpdump's autoconf build
# (default) or its CMake build.
srcdir=$(cd "${1:?usage: check-manual-route.sh SRCDIR TCPDUMP_SOURCE [autoconf|cmake]}" && pwd)
source=${2:?usage: check-manual-route.sh SRCDIR TCPDUMP_SOURCE [autoconf|cmake]}
build=${3:-autoconf}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# unpack: a pristine tcpdump tree in $work/tcpdump
unpack() {
	mkdir "$work/tcpdump"
	if test -d "$source"; then
		(cd "$source" && tar -cf - --exclude=.git .) | (cd "$work/tcpdump" && tar -xf -)
	else
		tar -xf "$source" -C "$work/tcpdump" --strip-components=1
	fi
	test -f "$work/tcpdump/configure" || (cd "$work/tcpdump" && ./autogen.sh >/dev/null)
}

# recipe: the doc's code block, for this tcpdump version and build
# system (the expected outputs before 4.99.5 are the commented variant)
recipe() {
	awk '/^## Adding jmirror to your own tcpdump tree by hand/ { s = 1 }
	     s && /^    / { print substr($0, 5); b = 1; next }
	     b && !/^    / && NF { exit }' "$srcdir/docs/tcpdump-versions.md" |
		sed "s|/path/to/tcpdump-jmirror|$srcdir|g" >"$work/recipe"
	version=$(cat "$work/tcpdump/VERSION")
	if echo "$version" | awk -F. '{ exit !($1 == 4 && $2 == 99 && $3 < 5) }'; then
		sed -i -e '/^cp .*tests\/jmirror-\*\.out/s/^/# /' \
		       -e 's/^# \(cp .*before-4\.99\.5\)/\1/' "$work/recipe"
	fi
	if test "$build" = cmake; then
		sed -i 's/^\.\/configure && make && make check .*# or: \(.*\)$/\1/' "$work/recipe"
	else
		sed -i 's/ *# or: .*$//' "$work/recipe"
	fi
}

unpack
recipe
echo "check-manual-route: tcpdump $(cat "$work/tcpdump/VERSION"), $build build, running:"
sed 's/^/    /' "$work/recipe"
if (cd "$work/tcpdump" && sh -e "$work/recipe") >"$work/log" 2>&1; then
	tail -n 3 "$work/log"
	echo "check-manual-route: 1 passed, 0 failed"
else
	tail -n 30 "$work/log"
	echo "check-manual-route: 0 passed, 1 failed"
	exit 1
fi
