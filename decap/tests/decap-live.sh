#!/bin/sh
# decap-live.sh DECAP SENDER: jmirror-decap's live inputs, on the
# loopback interface only.  SENDER (build/jmirror-send) sends numbered
# jmirror datagrams to 127.0.0.1 or ::1 and checks what decap wrote:
# every record a packet sent, byte for byte, in the order sent.
#   --listen: 0 lost at the default buffer (a paced, bursty stream and
#   one at full speed); with -B 64 the kernel's drops, counted by decap
#   exactly as the kernel counts them for the socket; SIGTERM, SIGUSR1,
#   SIGHUP; -G, -C and -W rotation; --from; --max-outputs; the drop of
#   root (-Z).
#   -i lo (root only; skipped with one line otherwise): the two streams,
#   written + dropped = sent; --from.
# Every run is bounded by its count and by `timeout`, every process is
# ended by its own pid.  DECAP_WRAPPER (e.g. valgrind ...) is put in
# front of DECAP; the counts are then smaller (said on the first line).

set -eu

usage="usage: $0 DECAP SENDER"
common=$(cd "$(dirname "$0")/../../tests/common" && pwd)
. "$common/check-lib.sh"
LIMIT=60	# seconds any one run may take

# setup: the arguments, the counts, a scratch directory the user decap
# becomes may write in, removed on exit
setup() {
	test $# = 2 || { echo "$usage" >&2; exit 2; }
	decap=$1
	sender=$2
	executables "$decap" "$sender"
	here=$(cd "$(dirname "$0")" && pwd)
	if test -n "${DECAP_WRAPPER:-}"; then
		paced=20000 rate=10000 full=30000 settle=3 stop_ms=5000
		rotating=50000
		echo "# under ${DECAP_WRAPPER%% *}: $paced paced and $full full-speed datagrams, stop within $stop_ms ms"
	else
		paced=300000 rate=100000 full=1000000 settle=1 stop_ms=1000
		rotating=100000
	fi
	scratch
	chmod 777 "$tmp"
	fail_detail=$tmp/err
	root=$(test "$(id -u)" = 0 && echo yes || echo no)
}

# skip_each WHY CHECK...: one skip line for each CHECK that needs root
skip_each() {
	why=$1
	shift
	for what in "$@"; do
		skip "$what: $why" "run as root"
	done
}

# roomy CHECK...: true when decap gets its default 32 MiB buffer (root,
# or net.core.rmem_max as large); else the CHECKs, which need it to lose
# nothing, are skipped
roomy() {
	max=$(cat /proc/sys/net/core/rmem_max)
	test $root = yes || test "$max" -ge 33554432 && return 0
	skip_each "its buffer would be net.core.rmem_max, $max bytes" "$@"
	return 1
}

# start ARG...: DECAP in the background under timeout; $pid is decap's
# own process (timeout's child), once it says it is listening
start() {
	rm -f "$tmp/err"
	cmd="$*"
	timeout -s KILL $LIMIT ${DECAP_WRAPPER:-} "$decap" "$@" 2>"$tmp/err" &
	tpid=$!
	pid=
	n=0
	while test $n -lt 200; do
		test -z "$pid" && pid=$(cat /proc/$tpid/task/$tpid/children 2>/dev/null | tr -d ' ') || true
		test -n "$pid" && grep -q 'listening on' "$tmp/err" 2>/dev/null && return 0
		kill -0 $tpid 2>/dev/null || break
		sleep 0.1
		n=$((n + 1))
	done
	echo "# decap did not start: $*"
	sed 's/^/    /' "$tmp/err"
	return 1
}

# finish: SIGTERM to decap, its exit status in $rc; any but 0 (an
# error, valgrind's 99, timeout's kill) is a failure of its own
finish() {
	kill -TERM "$pid" 2>/dev/null || true
	rc=0
	wait $tpid || rc=$?
	test $rc = 0 || fail "decap $cmd: exit $rc"
}

# drained PORT: until the socket bound to PORT has nothing queued
drained() {
	hex=$(printf '%04X' "$1")
	n=0
	while test $n -lt $((LIMIT * 10)); do
		q=$(awk -v p=":$hex" '$2 ~ p"$" { split($5, q, ":"); print q[2] }' /proc/net/udp /proc/net/udp6)
		case $q in *[1-9A-F]*) ;; *) sleep 0.2; return 0 ;; esac
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# kernel_drops PORT: the kernel's drop count of the socket on PORT
kernel_drops() {
	awk -v p=":$(printf '%04X' "$1")" '$2 ~ p"$" { print $NF }' /proc/net/udp /proc/net/udp6
}

# summary WHAT: a number from decap's last summary (written, dropped)
summary() {
	case $1 in
	written) sed -n 's/.*: \([0-9]*\) written.*/\1/p' "$tmp/err" | tail -1 ;;
	dropped) sed -n 's/.*: \([0-9]*\) dropped by the kernel (receive buffer full)$/\1/p' "$tmp/err" | tail -1 ;;
	refused) sed -n 's/.*refused: \([0-9]*\) not from an accepted sender, \([0-9]*\) past.*/\1 \2/p' "$tmp/err" | tail -1 ;;
	esac
}

# send ARG...: SENDER's count of datagrams sent, in $sent
send() {
	sent=$("$sender" "$@")
}

# records FILE...: SENDER's check; ok when every record is a packet
# sent, in order (with -n COUNT: exactly 1 to COUNT)
records() {
	"$sender" --check "$@" >"$tmp/check" 2>&1
}

# test_listen_stream NAME COUNT SENDER-OPTION...: the default buffer
# loses nothing; every datagram written, byte-identical, in order
test_listen_stream() {
	name=$1
	count=$2
	shift 2
	roomy "--listen, $name" || return 0
	port=$(free_port)
	start --listen "127.0.0.1:$port" -w "$tmp/l.pcap" || { fail "$name"; return; }
	send "$@" "$port" "$count"
	drained "$port" || true
	finish
	w=$(summary written)
	d=$(summary dropped)
	if test $rc = 0 && test "$d" = 0 && test "$w" = "$sent" &&
	   records -n "$sent" "$tmp/l.pcap"; then
		ok "--listen, $name: $sent sent, $w written, $d dropped; $(cat "$tmp/check")"
	else
		fail "--listen, $name: exit $rc, $sent sent, ${w:-?} written, ${d:-?} dropped; $(cat "$tmp/check" 2>/dev/null)"
	fi
}

# test_listen_small_buffer: -B 64 on a burst: drops, and decap's count
# of them equals sent - written and the kernel's own for the socket
test_listen_small_buffer() {
	port=$(free_port)
	start --listen "127.0.0.1:$port" -B 64 -w "$tmp/b.pcap" || { fail "-B 64"; return; }
	send -r $rate -b 1000 "$port" $paced
	drained "$port" || true
	k=$(kernel_drops "$port")
	finish
	w=$(summary written)
	d=$(summary dropped)
	if test $rc = 0 && test "$d" -gt 0 && test $((sent - w)) = "$d" &&
	   test "$k" = "$d" && records "$tmp/b.pcap"; then
		ok "--listen -B 64: $sent sent, $w written, $d dropped = sent - written = the kernel's count ($k)"
	else
		fail "--listen -B 64: exit $rc, $sent sent, ${w:-?} written, ${d:-?} dropped, kernel ${k:-?}"
	fi
}

# test_interface_stream NAME COUNT SENDER-OPTION... [-- DECAP-OPTION...]:
# -i lo, written + dropped = sent (root only)
test_interface_stream() {
	name=$1
	count=$2
	shift 2
	sender_opts=
	while test $# -gt 0 && test "$1" != --; do
		sender_opts="$sender_opts $1"
		shift
	done
	test $# -gt 0 && shift
	port=$(free_port)
	start -i lo --jmirror-port="$port" "$@" -w "$tmp/i.pcap" || { fail "-i lo, $name"; return; }
	set -- $sender_opts
	send "$@" "$port" "$count"
	sleep $settle
	finish
	w=$(summary written)
	d=$(summary dropped)
	if test $rc = 0 && test -n "$d" && test $((w + d)) = "$sent" &&
	   records "$tmp/i.pcap" && { test "$name" = "${name%-B 64*}" || test "$d" -gt 0; }; then
		ok "-i lo, $name: $sent sent = $w written + $d dropped (pcap_stats); in order, byte-identical"
	else
		fail "-i lo, $name: exit $rc, $sent sent, ${w:-?} written, ${d:-?} dropped"
	fi
}

# millis: the time, in milliseconds
millis() {
	echo $(($(date +%s%N) / 1000000))
}

# test_sigterm_idle: SIGTERM with no traffic: exit 0 at once, the
# summary, a valid (empty) capture
test_sigterm_idle() {
	port=$(free_port)
	start --listen "127.0.0.1:$port" -w "$tmp/t.pcap" || { fail "SIGTERM"; return; }
	sleep 0.5
	t0=$(millis)
	finish
	took=$(($(millis) - t0))
	if test $rc = 0 && test $took -le $stop_ms && records -n 0 "$tmp/t.pcap" &&
	   test "$(summary written)" = 0; then
		ok "SIGTERM with no traffic: exit 0 in $took ms, a valid empty capture"
	else
		fail "SIGTERM with no traffic: exit $rc after $took ms"
	fi
}

# mid_stream FILE ACTION...: decap --listen writing FILE, a stream of
# $rate datagrams over 4 s, ACTION after its first second; then decap
# finished, the count sent in $sent
mid_stream() {
	file=$1
	shift
	port=$(free_port)
	start --listen "127.0.0.1:$port" -w "$file" || return 1
	"$sender" -r $((rate / 4)) -b 1000 "$port" $rate >"$tmp/sent" &
	spid=$!
	sleep 1
	"$@"
	wait $spid
	sent=$(cat "$tmp/sent")
	drained "$port" || true
	finish
}

# usr1: SIGUSR1 to decap; whether it still runs after it in $alive
usr1() {
	kill -USR1 "$pid"
	sleep 0.5
	alive=no
	kill -0 "$pid" 2>/dev/null && alive=yes
}

# test_sigusr1: SIGUSR1 mid-stream prints a summary and goes on;
# nothing lost
test_sigusr1() {
	roomy "SIGUSR1 mid-stream" || return 0
	mid_stream "$tmp/u.pcap" usr1 || { fail "SIGUSR1"; return; }
	n=$(grep -c 'packets read' "$tmp/err" || true)
	if test $alive = yes && test "$n" = 2 && test $rc = 0 &&
	   test "$(summary written)" = "$sent" && records -n "$sent" "$tmp/u.pcap"; then
		ok "SIGUSR1 mid-stream: a summary, still running, $sent of $sent written"
	else
		fail "SIGUSR1 mid-stream: running after it: $alive, $n summaries, exit $rc"
	fi
}

# rotated NAME PATTERN-GLOB DECAP-ARG...: a 5-second stream with
# rotation; the files, in the order made, hold every packet sent, in
# order (what one -w file holds: the same records)
rotated() {
	name=$1
	glob=$2
	shift 2
	port=$(free_port)
	start --listen "127.0.0.1:$port" "$@" || { fail "$name"; return; }
	send -r $((rotating / 5)) -b 1000 -t 10 "$port" $rotating
	drained "$port" || true
	finish
	# shellcheck disable=SC2086
	files=$(ls -1 $glob 2>/dev/null | awk '{ print length($0), $0 }' | sort -n -k1,1 -k2,2 | cut -d' ' -f2-)
	nfiles=$(echo "$files" | grep -c . || true)
	# shellcheck disable=SC2086
	if test $rc = 0 && test "$nfiles" -ge 3 && records -n "$sent" $files; then
		ok "$name: $nfiles files, together the $sent packets sent, in order"
	else
		fail "$name: exit $rc, $nfiles files; $(cat "$tmp/check" 2>/dev/null)"
	fi
}

# test_rotation: -G 1 (strftime in -w), -C 1, and -C 1 -W 3 numbering
test_rotation() {
	roomy "-G 1" "-C 1" "-C 1 -W 3" || return 0
	mkdir -m 777 "$tmp/g" "$tmp/c"
	rotated "-G 1 over 5 s" "$tmp/g/*.pcap" -G 1 -w "$tmp/g/%s.pcap"
	rotated "-C 1 over 5 s" "$tmp/c/c.pcap*" -C 1 -w "$tmp/c/c.pcap"
	port=$(free_port)
	mkdir -m 777 "$tmp/w"
	start --listen "127.0.0.1:$port" -C 1 -W 3 -w "$tmp/w/r.pcap" || { fail "-W 3"; return; }
	send -r $((rotating / 5)) -b 1000 -t 10 "$port" $rotating
	drained "$port" || true
	finish
	check "-C 1 -W 3: the files r.pcap0, r.pcap1, r.pcap2 reused round" \
		test "$(cd "$tmp/w" && echo *)" = "r.pcap0 r.pcap1 r.pcap2"
}

# logrotate: decap's file moved away, then SIGHUP
logrotate() {
	mv "$tmp/h.pcap" "$tmp/h.pcap.1"
	kill -HUP "$pid"
}

# test_sighup: logrotate's way: the file moved away, SIGHUP, a new file;
# the two hold every packet sent
test_sighup() {
	roomy "SIGHUP mid-stream" || return 0
	mid_stream "$tmp/h.pcap" logrotate || { fail "SIGHUP"; return; }
	if test $rc = 0 && records -n "$sent" "$tmp/h.pcap.1" "$tmp/h.pcap" &&
	   test "$(summary dropped)" = 0; then
		ok "SIGHUP mid-stream (file moved away): the two files hold all $sent, in order; $(cat "$tmp/check")"
	else
		fail "SIGHUP mid-stream: exit $rc; $(cat "$tmp/check" 2>/dev/null)"
	fi
}

# uid_of PID: the real, effective, saved and fs uids of PID
uid_of() {
	sed -n 's/^Uid:[[:space:]]*//p' "/proc/$1/status" | tr -s '\t ' ' '
}

# test_privileges: as root, decap receives as the -Z user (default
# tcpdump where it exists), -Z root stays root; its file is that user's
test_privileges() {
	if test $root = no; then
		skip_each "not root" "-Z tcpdump" "-Z root"
		return
	fi
	user=tcpdump
	id $user >/dev/null 2>&1 || user=nobody
	uid=$(id -u $user)
	for z in "-Z $user" "-Z root"; do
		port=$(free_port)
		# shellcheck disable=SC2086
		start --listen "127.0.0.1:$port" $z -w "$tmp/z.pcap" || { fail "$z"; continue; }
		send -r 1000 -b 100 "$port" 1000
		ids=$(uid_of "$pid")
		drained "$port" || true
		finish
		want=$uid
		test "$z" = "-Z root" && want=0
		owner=$(stat -c %u "$tmp/z.pcap")
		check "$z: uids $ids while receiving, the file made as uid $owner" \
			test "$ids" = "$want $want $want $want" -a "$owner" = "$want"
		rm -f "$tmp/z.pcap"
	done
}

# test_from: --from takes only its senders; the rest counted, nothing
# written (IPv4 with --listen and -i, IPv6 with --listen)
test_from() {
	roomy "--listen --from" "--listen --from (IPv6)" "-i lo --from" || return 0
	port=$(free_port)
	start --listen "127.0.0.1:$port" --from 127.0.0.1/32,::1 -w "$tmp/f.pcap" || { fail "--from"; return; }
	send -s 127.0.0.2 "$port" 500
	send -s 127.0.0.1 "$port" 300
	drained "$port" || true
	finish
	check "--listen --from 127.0.0.1/32,::1: 300 from 127.0.0.1 written, 500 from 127.0.0.2 refused" \
		test "$(summary written) $(summary refused)" = "300 500 0"
	port=$(free_port)
	start --listen "[::1]:$port" --from 2001:db8::/32 -w "$tmp/f6.pcap" || { fail "--from IPv6"; return; }
	send -d ::1 "$port" 200
	drained "$port" || true
	finish
	check "--listen [::1] --from 2001:db8::/32: 200 from ::1 refused, nothing written" \
		test "$(summary written) $(summary refused)" = "0 200 0" -a "$(wc -c <"$tmp/f6.pcap")" = 24
	if test $root = no; then
		skip_each "a capture" "-i lo --from"
		return
	fi
	port=$(free_port)
	start -i lo --jmirror-port="$port" --from 127.0.0.2 -w "$tmp/fi.pcap" || { fail "-i --from"; return; }
	send -s 127.0.0.2 "$port" 100
	send -s 127.0.0.1 "$port" 400
	sleep $settle
	finish
	check "-i lo --from 127.0.0.2: 100 written, 400 from 127.0.0.1 refused" \
		test "$(summary written) $(summary refused)" = "100 400 0"
}

# test_max_outputs: --split with 10 sessions and --max-outputs 3: 3
# files, the rest counted, no file anywhere else
test_max_outputs() {
	roomy "--split --max-outputs" || return 0
	port=$(free_port)
	mkdir -m 777 "$tmp/m"
	start --listen "127.0.0.1:$port" --max-outputs 3 --split "$tmp/m/%s.pcap" || { fail "--max-outputs"; return; }
	send -k 10 "$port" 1000
	drained "$port" || true
	finish
	check "--split --max-outputs 3, 10 sessions: 3 files, 300 written, 700 counted past the cap" \
		test "$(cd "$tmp/m" && echo *) $(summary written) $(summary refused)" = \
		     "145.pcap 146.pcap 147.pcap 300 0 700"
}

# test_sigint_pipe: SIGINT ends -r - reading a pipe still open: exit 0,
# every packet that came through written, output valid
test_sigint_pipe() {
	python3 "$here/gen-decap-corpus.py" --count 200 "$tmp/c.pcap"
	"$decap" -r "$tmp/c.pcap" -w "$tmp/all.pcap" 2>/dev/null
	mkfifo "$tmp/fifo"
	timeout $LIMIT ${DECAP_WRAPPER:-} "$decap" -r - -w "$tmp/s.pcap" \
		<"$tmp/fifo" 2>"$tmp/err" &
	pid=$!
	(cat "$tmp/c.pcap"; sleep 8) >"$tmp/fifo" &
	writer=$!
	sleep 4
	kill -INT $pid
	rc=0
	wait $pid || rc=$?
	kill $writer 2>/dev/null || true
	echo "$tmp/all.pcap $tmp/s.pcap" >"$tmp/pair"
	check "SIGINT ends -r - on an open pipe: exit 0, all that came written" \
		test $rc = 0 -a -n "$(python3 "$common/pcap-compare.py" "$tmp/pair" 2>/dev/null && echo same)"
}

setup "$@"
test_listen_stream "$paced at $rate/s in bursts of 1000" $paced -r $rate -b 1000
test_listen_stream "$full at full speed" $full
test_listen_small_buffer
test_sigterm_idle
test_sigusr1
test_sighup
test_rotation
test_privileges
test_from
test_max_outputs
test_sigint_pipe
if test $root = yes; then
	test_interface_stream "$paced at $rate/s in bursts of 1000" $paced -r $rate -b 1000
	test_interface_stream "$full at full speed" $full
	test_interface_stream "$full at full speed, -B 64: drops" $full -- -B 64
else
	skip_each "a capture" "-i lo, $paced paced" "-i lo, $full at full speed" "-i lo, -B 64"
fi
results "decap live"
