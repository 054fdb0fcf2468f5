#!/bin/sh
# check-options.sh BUILD_TCPDUMP SRCDIR: checks tcpdump's --jmirror-port
# option and configure's errors. Prints "ok - ..." or "FAIL - ..." per check
# and a summary line; exits non-zero if any check failed.

usage="usage: $0 BUILD_TCPDUMP SRCDIR"
test $# = 2 || { echo "$usage" >&2; exit 2; }

common=$(cd "$(dirname "$0")/../common" && pwd)
. "$common/check-lib.sh"

# setup: absolute paths and a scratch directory removed on exit
setup() {
	case $1 in /*) tcpdump=$1 ;; *) tcpdump=$(pwd)/$1 ;; esac
	srcdir=$(cd "$2" && pwd) || exit 2
	pcap=$srcdir/tests/tcpdump/jmirror-ipv4.pcap
	configure=$srcdir/configure
	scratch
}

# run_tcpdump: run the built tcpdump with one --jmirror-port value on the
# example capture; status in $status, output in $tmp/out and $tmp/err
run_tcpdump() {
	"$tcpdump" "--jmirror-port=$1" -n -r "$pcap" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# bad_port: the value is refused, named on stderr, nothing on stdout
bad_port() {
	run_tcpdump "$1"
	if test $status -eq 0; then
		fail "--jmirror-port='$1' is refused (it exited 0)"
	elif grep -q 'unrecognized option' "$tmp/err"; then
		fail "--jmirror-port is an option of this tcpdump (stderr: $(head -n 1 "$tmp/err"))"
	elif ! grep -q 'jmirror-port' "$tmp/err"; then
		fail "--jmirror-port='$1' error names jmirror-port (stderr: $(head -n 1 "$tmp/err"))"
	elif test -s "$tmp/out"; then
		fail "--jmirror-port='$1' prints nothing on stdout"
	else
		ok "--jmirror-port='$1' is refused"
	fi
}

# good_port: the value is accepted
good_port() {
	run_tcpdump "$1"
	if test $status -eq 0; then
		ok "--jmirror-port='$1' is accepted"
	else
		fail "--jmirror-port='$1' is accepted (exit $status: $(head -n 1 "$tmp/err"))"
	fi
}

# check_port_option: part (a), the --jmirror-port values
check_port_option() {
	if test ! -x "$tcpdump" || test ! -f "$pcap"; then
		fail "--jmirror-port checks need $tcpdump and $pcap"
		return
	fi
	for v in abc 65536 -1 '' 1,,2 1,abc ',' 99999999999999999999; do
		bad_port "$v"
	done
	for v in 30030 0 40000,40001; do
		good_port "$v"
	done
}

# configure_error NAME PATTERN COMMAND...: run COMMAND (a configure call) in
# a fresh directory; it must fail with one "configure: error:" line on
# stderr that contains PATTERN
configure_error() {
	name=$1 pattern=$2
	shift 2
	dir=$tmp/conf.$passed.$failed
	mkdir "$dir"
	(cd "$dir" && "$@" >out 2>err)
	status=$?
	msg=$(sed -n 's/^configure: error: //p' "$dir/err")
	if test $status -eq 0; then
		fail "configure $name: fails (it exited 0)"
	elif test "$(wc -l <"$dir/err")" -ne 1 || test -z "$msg"; then
		fail "configure $name: one error line (stderr: $(tr '\n' ' ' <"$dir/err"))"
	elif ! echo "$msg" | grep -q -e "$pattern"; then
		fail "configure $name: error mentions '$pattern' (error: $msg)"
	else
		ok "configure $name: $msg"
	fi
}

# make_tarball NAME DIR: pack DIR (under $tmp) as $tmp/NAME
make_tarball() {
	tar -czf "$tmp/$1" -C "$tmp" "$2"
}

# check_configure: part (b), configure's clear errors
check_configure() {
	if test ! -x "$configure"; then
		fail "configure checks need $configure (run autoconf in $srcdir)"
		return
	fi

	configure_error "without a source" '--with-tcpdump-src' \
		"$configure" --with-tcpdump-src=/nonexistent/x.tar.gz

	mkdir -p "$tmp/bogus-1.0"
	echo 'not tcpdump' >"$tmp/bogus-1.0/README"
	make_tarball bogus.tar.gz bogus-1.0
	configure_error "with a tarball that is not tcpdump" '--with-tcpdump-src' \
		"$configure" --with-tcpdump-src="$tmp/bogus.tar.gz"

	mkdir -p "$tmp/tcpdump-4.9.3"
	echo 4.9.3 >"$tmp/tcpdump-4.9.3/VERSION"
	echo '/* old */' >"$tmp/tcpdump-4.9.3/tcpdump.c"
	make_tarball tcpdump-4.9.3.tar.gz tcpdump-4.9.3
	configure_error "with tcpdump 4.9.3" '4\.99\.0' \
		"$configure" --with-tcpdump-src="$tmp/tcpdump-4.9.3.tar.gz"

	mkdir -p "$tmp/release"
	echo 'tampered' >"$tmp/release/tcpdump-4.99.6.tar.xz"
	configure_error "with a release tarball of the wrong sha256" 'sha256' \
		env GET_TCPDUMP_NO_DEBIAN=1 GET_TCPDUMP_FALLBACK_VERSION=4.99.6 \
		GET_TCPDUMP_RELEASE_URL="file://$tmp/release" "$configure"

	configure_error "with --with-jmirror-port=65536" 'jmirror-port' \
		"$configure" --with-jmirror-port=65536

	configure_error "with --with-user naming no user" 'without-user' \
		"$configure" --with-user=jmirror-no-such-user

	configure_error "with a --with-libpcap-src that is not libpcap" \
		'gencode' "$configure" --with-libpcap-src="$tmp/bogus.tar.gz"
	configure_error "with two libpcap sources" 'both' \
		"$configure" --with-debian-libpcap=trixie \
		--with-libpcap-src="$tmp/bogus.tar.gz"
	configure_error "with --with-system-libpcap and a libpcap source" \
		'system' "$configure" --with-system-libpcap \
		--with-debian-libpcap=trixie
}

setup "$@"
check_port_option
check_configure
results check-options
