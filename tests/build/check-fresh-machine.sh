#!/bin/sh
# check-fresh-machine.sh [--keep] [REV]: the README's two commands on a
# fresh Debian 12. A minimal Debian 12 (debootstrap --variant=minbase
# bookworm, from the Debian mirror this machine's apt uses) gets a clean
# "git archive REV" (default HEAD) of this tree in /root/tcpdump-jmirror,
# then, as root inside it, exactly "./quickstart.sh" and "make check".
# Checked: both exit 0, the example decodes as the README shows, make
# check's closing summary line says nothing failed, and ./tcpdump and
# ./jmirror-decap have every protection of Debian's tcpdump
# (tests/build/check-hardening.sh). On any exit, what still runs in the chroot
# is ended and everything mounted there unmounted; the chroot is removed
# unless --keep, the logs are kept. Run as root from a git checkout; needs
# debootstrap, git, hardening-check (devscripts), apt-get and dpkg-deb.
# Prints "ok - ..." or "FAIL - ..." per check and the wall time
# of each step; exits non-zero if any check failed.
set -eu

suite=bookworm
keep=no
case ${1:-} in --keep) keep=yes; shift ;; esac
rev=${1:-HEAD}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
work=
root=
common=$srcdir/tests/common
. "$common/check-lib.sh"

# timed NAME COMMAND...: run COMMAND, then say how long it took
timed() {
	name=$1
	shift
	start=$(date +%s)
	status=0
	"$@" || status=$?
	echo "fresh-machine: $name took $(($(date +%s) - start)) s (exit $status)"
	return $status
}

# logged LOG COMMAND...: run COMMAND with its output in $work/LOG
logged() {
	log=$work/$1
	shift
	"$@" >"$log" 2>&1
}

# mounts_under DIR: the mount points at or below DIR, deepest first
mounts_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts |
		sort -r
}

# chroot_processes: the processes running inside the chroot (all started
# by this script)
chroot_processes() {
	for p in /proc/[0-9]*; do
		test "$(readlink "$p/root" 2>/dev/null)" = "$root" && echo "${p#/proc/}"
	done
	return 0
}

# end_chroot_processes: TERM, then KILL, what still runs inside
end_chroot_processes() {
	pids=$(chroot_processes)
	test -n "$pids" || return 0
	echo "fresh-machine: ending what still runs in the chroot: $(echo "$pids" | tr "\n" " ")"
	# shellcheck disable=SC2086 # one word per pid
	kill -TERM $pids 2>/dev/null || true
	sleep 2
	pids=$(chroot_processes)
	# shellcheck disable=SC2086 # one word per pid
	test -z "$pids" || kill -KILL $pids 2>/dev/null || true
}

# cleanup: end what runs in the chroot, unmount whatever is mounted
# there, then remove it (never while something is still mounted there);
# the logs stay
cleanup() {
	test -n "$root" || return 0
	end_chroot_processes
	for m in $(mounts_under "$root"); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	if test -n "$(mounts_under "$root")"; then
		echo "fresh-machine: still mounted under $root, not removed: $(mounts_under "$root" | tr '\n' ' ')" >&2
	elif test $keep = yes; then
		echo "fresh-machine: chroot kept in $root"
	else
		rm -rf "$root"
		echo "fresh-machine: logs in $work"
	fi
}

# debian_mirror: the URI of this machine's first apt entry of type deb
# for Debian's main archive (a suite of letters only, not -security or
# -updates), from deb822 .sources files or one-line .list files
debian_mirror() {
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			test -f "$f" || continue
			awk 'function flush() {
				if (types ~ /(^| )deb( |$)/ && uris ~ /debian/ &&
				    (" " suites " ") ~ / [a-z]+ / && enabled !~ /no/) {
					split(uris, u, " "); print u[1]
				}
				types = uris = suites = enabled = ""
			}
			/^#/ { next }
			/^[ \t]*$/ { flush(); next }
			{ v = $0; sub(/^[^:]*:[ \t]*/, "", v) }
			tolower($1) == "types:" { types = v }
			tolower($1) == "uris:" { uris = v }
			tolower($1) == "suites:" { suites = v }
			tolower($1) == "enabled:" { enabled = v }
			END { flush() }' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			test -f "$f" || continue
			awk '$1 == "deb" {
				i = 2
				if ($2 ~ /^\[/) while (i <= NF && $(i++) !~ /\]$/) ;
				if ($i ~ /debian/ && $(i + 1) ~ /^[a-z]+$/) print $i
			}' "$f"
		done
	} | head -n 1
}

# make_chroot: a minbase Debian 12 in $root
make_chroot() {
	mirror=$(debian_mirror)
	test -n "$mirror" || { fail "no Debian mirror in this machine's apt sources"; return 1; }
	echo "fresh-machine: debootstrap --variant=minbase $suite from $mirror"
	debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; return 1; }
}

# copy_tree: a clean export of REV, as a fresh clone would have it
copy_tree() {
	mkdir -p "$root/root/tcpdump-jmirror"
	git -C "$srcdir" archive "$rev" | tar -xf - -C "$root/root/tcpdump-jmirror"
}

# mount_system: what builds and tests use: /proc, /sys, /dev/pts
mount_system() {
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mkdir -p "$root/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
}

# inside COMMAND: run the shell COMMAND as root in the tree, with the
# environment a fresh login would have; waited for in the background, so
# that a signal stops this script (and cleanup ends COMMAND) at once
inside() {
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/sh -c "cd /root/tcpdump-jmirror && $1" &
	wait $!
}

# readme_commands: the README's two commands, their logs kept
readme_commands() {
	if timed "./quickstart.sh" logged quickstart.log inside ./quickstart.sh; then
		ok "./quickstart.sh"
	else
		tail -n 20 "$work/quickstart.log"
		fail "./quickstart.sh (log: $work/quickstart.log)"
		return 0
	fi
	if timed "make check" logged check.log inside "make check"; then
		ok "make check"
	else
		tail -n 20 "$work/check.log"
		fail "make check (log: $work/check.log)"
	fi
}

# check_example: quickstart's decoded example is the README's (its
# standard error lines left out)
check_example() {
	awk '/^    \$ build\/tcpdump -n -r tests\/tcpdump\/jmirror-ipv4.pcap$/ { s = 1; next }
	     s && /^    / { print substr($0, 5); next }
	     s { exit }' "$srcdir/README.md" >"$work/example.want"
	sed -n '/^quickstart: build\/tcpdump -n -r tests\/tcpdump\/jmirror-ipv4.pcap$/,$p' \
		"$work/quickstart.log" | sed -n '2,$p' |
		grep -v -e '^reading from file' -e '^dropped privs to' >"$work/example.got" || true
	if test -s "$work/example.want" && cmp -s "$work/example.want" "$work/example.got"; then
		ok "quickstart decodes the example as the README shows ($(wc -l <"$work/example.got") lines)"
	else
		fail "quickstart's example differs from the README's: $(diff "$work/example.want" "$work/example.got" | tr '\n' ' ')"
	fi
}

# check_summary: make check ends with its summary line: nothing failed,
# and as many checks skipped as the log has skip lines
check_summary() {
	summary=$(tail -n 1 "$work/check.log")
	skips=$(grep -c '^skip - ' "$work/check.log" || true)
	case $summary in
	"make check: all "*" check targets passed"*"; $skips check"*" skipped"*) ok "summary: $summary" ;;
	*) fail "make check's last line is no summary of success with $skips skipped checks: $summary" ;;
	esac
}

# check_hardening: the two programs against Debian's tcpdump
check_hardening() {
	tree=$root/root/tcpdump-jmirror
	counted sh "$srcdir/tests/build/check-hardening.sh" "$tree/build/tcpdump" \
		"$tree/build/jmirror-decap"
}

test "$(id -u)" = 0 || { echo "$0: run as root (debootstrap, chroot, mount)" >&2; exit 2; }
for tool in debootstrap git hardening-check apt-get dpkg-deb; do
	command -v $tool >/dev/null 2>&1 || { echo "$0: $tool not found" >&2; exit 2; }
done
git -C "$srcdir" rev-parse --verify -q "$rev^{commit}" >/dev/null ||
	{ echo "$0: $rev is no commit of the git checkout $srcdir" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/fresh-machine.XXXXXX")
root=$work/root
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
echo "fresh-machine: $(git -C "$srcdir" rev-parse --short "$rev") in $root"
timed debootstrap make_chroot || exit 1
copy_tree
mount_system
readme_commands
test -s "$work/quickstart.log" && check_example
test -s "$work/check.log" && check_summary
check_hardening
results fresh-machine
