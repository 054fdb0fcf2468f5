# check-lib.sh: what the check scripts share, sourced by them as
#	common=DIR; . "$common/check-lib.sh"
# with DIR this file's directory (tests/common).
#
# Every check prints one result line that tests/build/check-summary.sh
# and CI read:
#   ok - TEXT
#   FAIL - TEXT
#   skip - WHAT (install PACKAGE)      or      skip - WHAT (run as root)
# and the script ends with its counts: "NAME: P passed, F failed" (and
# ", S skipped" when any was), its exit status non-zero when any failed.

passed=0
failed=0
skipped=0

# ok TEXT: a check passed
ok() {
	echo "ok - $*"
	passed=$((passed + 1))
}

# fail TEXT: a check failed; the file $fail_detail, when set and there,
# follows indented (its first $fail_detail_lines lines, when set)
fail() {
	echo "FAIL - $*"
	failed=$((failed + 1))
	if test -n "${fail_detail:-}" && test -f "$fail_detail"; then
		sed 's/^/    /' "$fail_detail" | head -n "${fail_detail_lines:-1000000}"
	fi
}

# skip WHAT HOW: a check that could not run; HOW says what would run it
# ("install PACKAGE" or "run as root")
skip() {
	echo "skip - $1 ($2)"
	skipped=$((skipped + 1))
}

# check TEXT COMMAND...: ok TEXT when COMMAND succeeds, else fail TEXT
check() {
	check_text=$1
	shift
	if "$@"; then ok "$check_text"; else fail "$check_text"; fi
}

# counted COMMAND...: COMMAND prints its own result line; its exit
# status counts it as passed or failed
counted() {
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# results NAME: the closing counts; fails when any check failed
results() {
	if test $skipped = 0; then
		echo "$1: $passed passed, $failed failed"
	else
		echo "$1: $passed passed, $failed failed, $skipped skipped"
	fi
	test $failed = 0
}

# executables PROG...: each is an executable, else a usage error (exit 2)
executables() {
	for prog in "$@"; do
		test -x "$prog" || { echo "$0: $prog: not executable" >&2; exit 2; }
	done
}

# scratch: a scratch directory in $tmp, removed on exit; a signal ends
# the script with status 1
scratch() {
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
}

# pycommon ARG...: python3 with the packet and pcap module of
# tests/common (jmirror_pcap) importable, no byte code written there
pycommon() {
	PYTHONPATH=$common${PYTHONPATH:+:$PYTHONPATH} PYTHONDONTWRITEBYTECODE=1 \
		python3 "$@"
}

# free_port: a UDP port nobody uses on 127.0.0.1 now, for the live checks
free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
