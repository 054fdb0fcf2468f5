#!/bin/sh
# quickstart.sh [CONFIGURE-OPTION]...: on a fresh Debian 12/13 machine,
# install what is missing, create the user tcpdump drops root for (as
# Debian's tcpdump package does), configure, build the patched tcpdump and
# decode the example capture. Options are passed to ./configure.
set -e

cd "$(dirname "$0")"

missing=

# need PACKAGE: remember a Debian package to install
need() {
	case " $missing " in *" $1 "*) ;; *) missing="${missing:+$missing }$1" ;; esac
}

# have COMMAND: whether COMMAND is on the PATH
have() {
	command -v "$1" >/dev/null 2>&1
}

# check_tools: the tools and libraries the build and its tests use
check_tools() {
	have cc || have gcc || need gcc
	have make || need make
	have autoconf || need autoconf
	have patch || need patch
	# perl with the modules tcpdump's tests/TESTrun uses
	perl -MPOSIX -MCwd -MFile::Path -MFile::Spec -MData::Dumper -e 1 \
		>/dev/null 2>&1 || need perl
	have python3 || need python3
	# dpkg-buildflags: Debian's hardening flags, as its tcpdump is built
	if distro_flags_wanted "$@"; then
		have dpkg-buildflags || need dpkg-dev
	fi
	have xz || need xz-utils
	# libpcap's header (and pcap-config, which tcpdump's configure uses)
	{ test -f /usr/include/pcap.h && have pcap-config; } || need libpcap-dev
	# flex and bison, to build the patched libpcap (the jmirror filter
	# keyword) unless configured --with-system-libpcap
	case " $* " in
	*" --with-system-libpcap "*) ;;
	*) have flex || need flex; have bison || need bison ;;
	esac
	# libcrypto, for ESP decryption (-E), as Debian's tcpdump has it
	test -f /usr/include/openssl/crypto.h || need libssl-dev
	# adduser, to create the user tcpdump drops to (make_drop_user)
	if want_drop_user "$@" && test "$(id -u)" = 0; then
		have adduser || need adduser
	fi
	# apt-get source: apt and the archive keyring of the deb-src entries
	have apt-get || need apt
	test -f /usr/share/keyrings/debian-archive-keyring.gpg ||
		need debian-archive-keyring
}

# distro_flags_wanted CONFIGURE-OPTION...: whether configure is to use
# the distribution's flags (not told --disable-distro-flags)
distro_flags_wanted() {
	case " $* " in *" --disable-distro-flags "*) return 1 ;; esac
}

# install_missing: install what is missing as root, else say how and stop
install_missing() {
	test -n "$missing" || return 0
	if test "$(id -u)" = 0; then
		echo "quickstart: installing $missing"
		apt-get update
		# shellcheck disable=SC2086 # one word per package
		apt-get install -y --no-install-recommends $missing
	else
		echo "quickstart: missing packages; install them, then run $0 again:" >&2
		echo "sudo apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
}

# want_drop_user CONFIGURE-OPTION...: whether the user tcpdump is missing
# and configure is not told which user to drop to
want_drop_user() {
	case " $* " in *" --with-user"* | *" --without-user "*) return 1 ;; esac
	! getent passwd tcpdump >/dev/null 2>&1
}

# make_drop_user: the user tcpdump gives up root for, created as root
# exactly as Debian's tcpdump package creates it; otherwise the command
drop_user_command="addgroup --system --quiet tcpdump && adduser --system --quiet --ingroup tcpdump --no-create-home --home /nonexistent tcpdump"
make_drop_user() {
	want_drop_user "$@" || return 0
	if test "$(id -u)" = 0; then
		echo "quickstart: creating system user tcpdump, as Debian's tcpdump package does: $drop_user_command"
		getent group tcpdump >/dev/null 2>&1 || addgroup --system --quiet tcpdump
		adduser --system --quiet --ingroup tcpdump --no-create-home \
			--home /nonexistent tcpdump
	else
		echo "quickstart: no user tcpdump, so tcpdump run as root keeps root; to have it drop root as Debian's does, run this, then $0 again:" >&2
		echo "sudo sh -c '$drop_user_command'" >&2
	fi
}

# make_configure: run autoconf when configure is missing or older
make_configure() {
	if test ! -f configure || test configure.ac -nt configure; then
		echo "quickstart: autoconf"
		autoconf
	fi
}

# build: configure with the given options and make
build() {
	./configure "$@"
	make -j"$(nproc 2>/dev/null || echo 1)"
}

# demo: decode the example capture
demo() {
	echo "quickstart: build/tcpdump -n -r tests/tcpdump/jmirror-ipv4.pcap"
	build/tcpdump -n -r tests/tcpdump/jmirror-ipv4.pcap
}

check_tools "$@"
install_missing
make_drop_user "$@"
make_configure
build "$@"
demo
