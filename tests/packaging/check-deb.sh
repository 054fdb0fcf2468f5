#!/usr/bin/env bash
# check-deb.sh WORKDIR SRCDIR: checks what "make deb" made in WORKDIR:
# the build log shows tcpdump's test suite with every jmirror test passed
# and none failed; lintian finds no error; the packaged tcpdump decodes
# jmirror, its man page has --jmirror-port, Debian's AppArmor profile and
# hardening are there; the jmirror-tools package's jmirror-decap takes the
# mirror off tests/tcpdump/jmirror-ipv4.pcap, with its man page and hardening;
# and, with Debian's tcpdump installed, dpkg and apt would take the
# package as an upgrade (nothing is installed).
set -euo pipefail

workdir=$1
srcdir=$2
common=$srcdir/tests/common
. "$common/check-lib.sh"

# find_package: the one tcpdump_*jmirror*.deb and its .changes
find_package() {
	local debs
	debs=$(ls "$workdir"/tcpdump_*jmirror*_*.deb 2>/dev/null || true)
	if test "$(echo "$debs" | grep -c .)" != 1; then
		echo "FAIL - want one tcpdump_*jmirror*_*.deb in $workdir, found: ${debs:-none}"
		exit 1
	fi
	deb=$debs
	changes=${deb%.deb}.changes
	version=$(dpkg-deb -f "$deb" Version)
	ok "$(basename "$deb"), $(stat -c %s "$deb") bytes"
}

# build_log: tcpdump's suite ran in the package build, every jmirror test
# that netdissect-patch registers passed, none failed
build_log() {
	local log=$workdir/build.log name missing=0 n=0
	for name in $(sed -n 's/^+\(jmirror-[^ 	]*\).*/\1/p' "$srcdir/netdissect-patch"); do
		n=$((n + 1))
		grep -Eq "^ +$name +: passed\$" "$log" || { echo "  not passed: $name"; missing=1; }
	done
	if test $n = 0; then
		fail "netdissect-patch registers no jmirror test"
	elif test $missing = 0; then
		ok "build log: the $n jmirror tests passed"
	else
		fail "build log: some jmirror tests did not pass"
	fi
	if grep -Eq '^ +0 tests failed$' "$log"; then
		ok "build log: $(grep -E '^ +[0-9]+ tests (failed|passed)$' "$log" | sed 's/^ *//' | paste -sd, | sed 's/,/, /')"
	else
		fail "build log: no '0 tests failed' line from tcpdump's test suite"
	fi
}

# lintian_clean: 0 errors on the .deb and the .changes (and so the
# source package and its changelog entry); warnings shown
lintian_clean() {
	local out errors warnings
	out=$(lintian "$deb" "$changes" 2>&1 || true)
	echo "$out" | sed 's/^/  lintian: /'
	errors=$(grep -c '^E:' <<<"$out" || true)
	warnings=$(grep -c '^W:' <<<"$out" || true)
	if test "$errors" = 0; then
		ok "lintian: 0 errors, $warnings warnings"
	else
		fail "lintian: $errors errors, $warnings warnings"
	fi
}

# packaged_tcpdump: the binary, man page, AppArmor profile and hardening
# of the package, unpacked in a temporary directory
packaged_tcpdump() {
	local tmp out man
	tmp=$(mktemp -d)
	dpkg-deb -x "$deb" "$tmp"
	out=$(TZ=GMT0 "$tmp/usr/bin/tcpdump" -n -r "$srcdir/tests/tcpdump/jmirror-ipv4.pcap" 2>&1 || true)
	if test "$(echo "$out" | grep -c 'JMIRROR, mirror-id 768, session-id 144, length')" = 3; then
		ok "usr/bin/tcpdump decodes tests/tcpdump/jmirror-ipv4.pcap as jmirror"
	else
		fail "usr/bin/tcpdump on tests/tcpdump/jmirror-ipv4.pcap printed: $out"
	fi
	man=$(find "$tmp/usr/share/man" -name 'tcpdump.*.gz' | head -n 1)
	if test -n "$man" && zcat "$man" | sed 's/\\//g' | grep -c -- '--jmirror-port' >/dev/null; then
		ok "man page ${man#"$tmp"/} mentions --jmirror-port"
	else
		fail "no man page mentioning --jmirror-port in the package"
	fi
	if test -f "$tmp/etc/apparmor.d/usr.bin.tcpdump"; then
		ok "Debian's AppArmor profile etc/apparmor.d/usr.bin.tcpdump is packaged"
	else
		fail "no etc/apparmor.d/usr.bin.tcpdump in the package"
	fi
	if readelf -h "$tmp/usr/bin/tcpdump" | grep -c 'DYN' >/dev/null &&
		readelf -d "$tmp/usr/bin/tcpdump" | grep -c 'BIND_NOW' >/dev/null; then
		ok "usr/bin/tcpdump is PIE with BIND_NOW (Debian's hardening=+all)"
	else
		fail "usr/bin/tcpdump lacks PIE or BIND_NOW"
	fi
	rm -rf "$tmp"
}

# packaged_decap: jmirror-tools, unpacked in a temporary directory: its
# jmirror-decap writes the 3 packets of tests/tcpdump/jmirror-ipv4.pcap as raw IP;
# the systemd unit and its options file are there
packaged_decap() {
	local tools tmp got
	tools=$(ls "$workdir"/jmirror-tools_"${version#*:}"_*.deb 2>/dev/null || true)
	if test -z "$tools"; then
		fail "no jmirror-tools_${version#*:}_*.deb in $workdir"
		return
	fi
	ok "$(basename "$tools"), $(stat -c %s "$tools") bytes"
	tmp=$(mktemp -d)
	dpkg-deb -x "$tools" "$tmp"
	"$tmp/usr/bin/jmirror-decap" -r "$srcdir/tests/tcpdump/jmirror-ipv4.pcap" \
		-w "$tmp/out.pcap" 2>/dev/null || true
	got=$(python3 "$common/pcap-compare.py" --info "$tmp/out.pcap" 2>/dev/null || true)
	if test "$(echo "$got" | cut -d' ' -f2-)" = "101 3"; then
		ok "usr/bin/jmirror-decap writes the 3 packets of tests/tcpdump/jmirror-ipv4.pcap as raw IP"
	else
		fail "usr/bin/jmirror-decap on tests/tcpdump/jmirror-ipv4.pcap wrote: ${got:-nothing}"
	fi
	if test -f "$tmp/usr/share/man/man1/jmirror-decap.1.gz"; then
		ok "man page usr/share/man/man1/jmirror-decap.1.gz is packaged"
	else
		fail "no jmirror-decap man page in jmirror-tools"
	fi
	if readelf -d "$tmp/usr/bin/jmirror-decap" | grep -q 'BIND_NOW'; then
		ok "usr/bin/jmirror-decap is built with Debian's hardening (BIND_NOW)"
	else
		fail "usr/bin/jmirror-decap lacks BIND_NOW"
	fi
	if cmp -s "$tmp/lib/systemd/system/jmirror-decap@.service" "$srcdir/packaging/systemd/jmirror-decap@.service" &&
	   cmp -s "$tmp/etc/default/jmirror-decap" "$srcdir/packaging/systemd/default/jmirror-decap"; then
		ok "the unit lib/systemd/system/jmirror-decap@.service and etc/default/jmirror-decap are packaged"
	else
		fail "jmirror-tools lacks the unit jmirror-decap@.service or etc/default/jmirror-decap"
	fi
	rm -rf "$tmp"
}

# versions: the package sorts above the Debian revision it is built from
# and below Debian's next update of it (a stable update, +debNNu1, or a
# binNMU, +b1), and a rebuild of that update sorts above both
versions() {
	local base=${version%jmirror*} update
	update=$base+deb$(. /etc/os-release && echo "${VERSION_ID:-12}")u1
	if dpkg --compare-versions "$base" lt "$version" &&
		dpkg --compare-versions "$version" lt "$update" &&
		dpkg --compare-versions "$version" lt "$base+b1" &&
		dpkg --compare-versions "${update}jmirror1" gt "$version" &&
		dpkg --compare-versions "${update}jmirror1" gt "$update"; then
		ok "versions: $base < $version < $base+b1, $update; $version, $update < ${update}jmirror1"
	else
		fail "$version does not sort between $base and Debian's next update $update"
	fi
}

# upgrade: dpkg and apt, without installing, take the package as an
# upgrade of the installed Debian tcpdump, which stays as it is
upgrade() {
	local before out
	before=$(dpkg-query -W -f '${Version}' tcpdump 2>/dev/null || true)
	if test -z "$before"; then
		fail "Debian's tcpdump is not installed: nothing to upgrade (apt-get install tcpdump first)"
		return
	fi
	if dpkg --compare-versions "$version" gt "$before"; then
		ok "$version is newer than the installed $before"
	else
		fail "$version is not newer than the installed $before"
	fi
	out=$(dpkg --no-act -i "$deb" 2>&1) || { echo "$out"; fail "dpkg --no-act -i refuses the package"; }
	echo "$out" | sed 's/^/  dpkg --no-act: /'
	if grep -q '^Preparing to unpack' <<<"$out" &&
		! grep -q 'Selecting previously unselected\|downgrading' <<<"$out"; then
		ok "dpkg --no-act -i: would unpack over the installed tcpdump"
	else
		fail "dpkg --no-act -i does not take it as a replacement of the installed tcpdump"
	fi
	out=$(apt-get install --simulate "$(realpath "$deb")" 2>&1) || true
	echo "$out" | grep -E '^(Inst|Conf) |upgraded' | sed 's/^/  apt-get --simulate: /'
	if grep -Fq "Inst tcpdump [$before] ($version " <<<"$out" &&
		grep -q '^1 upgraded, 0 newly installed, 0 to remove' <<<"$out"; then
		ok "apt-get install --simulate: upgrades tcpdump $before to $version, nothing else"
	else
		fail "apt-get install --simulate does not upgrade tcpdump $before to $version alone"
	fi
	if test "$(dpkg-query -W -f '${Version}' tcpdump)" = "$before"; then
		ok "the system's tcpdump is still $before"
	else
		fail "the system's tcpdump changed"
	fi
}

find_package
build_log
lintian_clean
packaged_tcpdump
packaged_decap
versions
upgrade
results check-deb
