#!/bin/sh
# decap-live.sh DECAP: jmirror-decap's live inputs, on the loopback
# interface only.
#   --listen 127.0.0.1:PORT: a test sender (python3) sends jmirror
#   datagrams to 127.0.0.1:PORT until DECAP -c 5 has written 5; the
#   output holds exactly the mirrored packets sent, with nanosecond time
#   stamps.  Then SIGTERM ends a --listen run: exit 0, the summary, and a
#   valid, flushed output.
#   -i lo (root only; skipped with one line otherwise): the same, the
#   datagrams captured with the automatic filter on a --jmirror-port.
# Everything is bounded by -c and by `timeout`.
# DECAP_WRAPPER (e.g. valgrind ...) is put in front of DECAP.

set -eu

usage="usage: $0 DECAP"
LIMIT=30	# seconds any one run may take

# setup: check the argument; scratch directory removed on exit
setup() {
	test $# = 1 || { echo "$usage" >&2; exit 2; }
	decap=$1
	test -x "$decap" || { echo "$0: $decap: not executable" >&2; exit 2; }
	here=$(cd "$(dirname "$0")" && pwd)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
	failed=0
}

# free_port: a UDP port nobody uses on 127.0.0.1 now
free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# send PORT SECONDS PIDFILE: send jmirror datagrams (mirror id 768,
# session id 144, an ICMP echo request with its sequence number) to
# 127.0.0.1:PORT every 50 ms, until SECONDS pass or the process in
# PIDFILE ends; the packets sent go to $tmp/sent, one hex line each
send() {
	python3 - "$1" "$2" "$3" "$tmp/sent" <<'EOF'
import os, socket, struct, sys, time
port, seconds, pidfile, sent = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
def alive():
    try:
        os.kill(int(open(pidfile).read()), 0)
        return True
    except (OSError, ValueError):
        return False
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + seconds
seq = 0
with open(sent, "w") as log:
    while time.time() < end and (seq < 20 or alive()):
        seq += 1
        icmp = struct.pack("!BBHHH", 8, 0, 0, 7, seq) + bytes(16)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0,
                         64, 1, 0, bytes([198, 51, 100, 7]),
                         bytes([203, 0, 113, 9])) + icmp
        s.sendto(struct.pack("!II", 768, 144) + ip, ("127.0.0.1", port))
        log.write(ip.hex() + "\n")
        log.flush()
        time.sleep(0.05)
EOF
}

# check_output FILE N TEXT: FILE holds N records, nanosecond time
# stamps, each a packet that was sent
check_output() {
	if python3 - "$1" "$2" "$tmp/sent" <<'EOF'
import struct, sys
path, n, sent = sys.argv[1], int(sys.argv[2]), set(open(sys.argv[3]).read().split())
d = open(path, "rb").read()
assert struct.unpack("<I", d[:4])[0] == 0xA1B23C4D, "not nanosecond pcap"
assert struct.unpack("<I", d[20:24])[0] == 101, "not raw IP"
off, records = 24, []
while off < len(d):
    s, f, c, l = struct.unpack("<IIII", d[off:off + 16])
    records.append(d[off + 16:off + 16 + c].hex())
    off += 16 + c
assert len(records) == n, "%d records" % len(records)
assert all(r in sent for r in records), "a record that was not sent"
EOF
	then
		echo "ok - $3"
	else
		echo "FAIL - $3"
		sed 's/^/    /' "$tmp/err"
		failed=$((failed + 1))
	fi
}

# run_bounded PIDFILE ARG...: DECAP in the background under timeout
run_bounded() {
	pidfile=$1
	shift
	timeout $LIMIT ${DECAP_WRAPPER:-} "$decap" "$@" 2>"$tmp/err" &
	echo $! >"$pidfile"
}

# test_listen: --listen 127.0.0.1:PORT -c 5
test_listen() {
	port=$(free_port)
	run_bounded "$tmp/pid" --listen "127.0.0.1:$port" -c 5 -w "$tmp/l.pcap"
	send "$port" $LIMIT "$tmp/pid"
	wait "$(cat "$tmp/pid")" || true
	check_output "$tmp/l.pcap" 5 "--listen 127.0.0.1:$port -c 5: 5 datagrams sent there, nanosecond time stamps"
}

# wait_records FILE: until FILE holds a record (at most LIMIT seconds)
wait_records() {
	n=0
	while test $n -lt $((LIMIT * 10)); do
		test -f "$1" && test "$(wc -c <"$1")" -gt 24 && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# test_sigterm: SIGTERM ends --listen (-U, so that the first records
# show it is running) with the summary, exit 0, the output whole
test_sigterm() {
	port=$(free_port)
	run_bounded "$tmp/pid" --listen "127.0.0.1:$port" -U -w "$tmp/t.pcap"
	send "$port" $LIMIT "$tmp/pid" &
	sender=$!
	wait_records "$tmp/t.pcap" || true
	kill -TERM "$(cat "$tmp/pid")"
	wait $sender || true
	rc=0
	wait "$(cat "$tmp/pid")" || rc=$?
	n=$(sed -n 's/.*: \([0-9]*\) written.*/\1/p' "$tmp/err")
	if test $rc = 0 && test -n "$n" && test "$n" -gt 0; then
		check_output "$tmp/t.pcap" "$n" "SIGTERM ends --listen: exit 0, summary ($n written), output flushed"
	else
		echo "FAIL - SIGTERM ends --listen (exit $rc)"
		failed=$((failed + 1))
	fi
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
	if test $rc = 0 && python3 "$here/pcap-compare.py" "$tmp/pair" >/dev/null; then
		echo "ok - SIGINT ends -r - on an open pipe: exit 0, all that came written"
	else
		echo "FAIL - SIGINT ends -r - on an open pipe (exit $rc)"
		sed 's/^/    /' "$tmp/err"
		failed=$((failed + 1))
	fi
}

# test_interface: -i lo with the automatic filter, root only
test_interface() {
	if test "$(id -u)" != 0; then
		echo "skip - -i lo needs root (run as root)"
		return
	fi
	port=$(free_port)
	run_bounded "$tmp/pid" -i lo --jmirror-port="$port" -c 5 -w "$tmp/i.pcap" --payload=ip
	sleep 1		# the capture is open before the first datagram
	send "$port" $LIMIT "$tmp/pid"
	wait "$(cat "$tmp/pid")" || true
	check_output "$tmp/i.pcap" 5 "-i lo --jmirror-port=$port -c 5: 5 datagrams captured"
}

setup "$@"
test_listen
test_sigterm
test_sigint_pipe
test_interface
test $failed = 0
