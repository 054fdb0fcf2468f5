#!/bin/sh
# decap-live-frags.sh DECAP SRCDIR: jmirror-decap -i lo keeps every
# outer fragment it can reassemble.  A corpus (gen-decap-corpus.py) of
# fragmented IPv4 jmirror and of IPv6 fragments behind a destination
# options header, its addresses made 127.0.0.1 and ::1, is sent through
# raw sockets on the loopback interface only; DECAP -i lo -c N, N what
# DECAP -r writes of the corpus, must write those N packets, in order,
# byte for byte.  The capture filter is -i's own (the jmirror keyword's
# where libpcap has it), so a filter that drops fragments fails here.
# Root only (raw sockets, a live capture): skipped with one line
# otherwise.  Every run is bounded by -c and by `timeout`.
# DECAP_WRAPPER (e.g. valgrind ...) is put in front of DECAP.

set -eu

usage="usage: $0 DECAP SRCDIR"
LIMIT=30	# seconds the capture may take
common=$(cd "$(dirname "$0")/../../tests/common" && pwd)
. "$common/check-lib.sh"

# setup: check the arguments; scratch directory removed on exit
setup() {
	test $# = 2 || { echo "$usage" >&2; exit 2; }
	decap=$1
	executables "$decap"
	here=$2/decap/tests
	scratch
	fail_detail=$tmp/live.err
}

# wait_capturing PID: until process PID or one it started has a packet
# socket open (its capture is active), for 10 seconds at the most
wait_capturing() {
	python3 - "$1" <<'EOF'
import os, sys, time

def family(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            with open("/proc/%s/task/%s/children" % (p, p)) as f:
                todo.extend(f.read().split())
        except OSError:
            pass
    return pids

def sockets(pid):
    try:
        return {os.readlink("/proc/%s/fd/%s" % (pid, fd))
                for fd in os.listdir("/proc/%s/fd" % pid)}
    except OSError:
        return set()

deadline = time.time() + 10
while time.time() < deadline:
    if not os.path.exists("/proc/%s" % sys.argv[1]):
        sys.exit(1)
    inodes = set()
    for p in family(sys.argv[1]):
        inodes |= sockets(p)
    with open("/proc/net/packet") as f:
        packet = {"socket:[%s]" % line.split()[-1]
                  for line in f.readlines()[1:]}
    if inodes & packet:
        time.sleep(0.2)
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
EOF
}

# send CAPTURE PORT: every IP packet of CAPTURE (Ethernet) for PORT,
# fragments included, with 127.0.0.1 or ::1 for both addresses, through
# raw sockets; the rest (not jmirror) is not sent
send() {
	pycommon - "$1" "$2" <<'EOF'
import socket, struct, sys
import jmirror_pcap as jp
port = int(sys.argv[2])
s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
v6_loop = socket.inet_pton(socket.AF_INET6, "::1")

for *_, frame in jp.read_pcap(sys.argv[1]).records:
    ip = bytearray(frame[14:])
    if ip[0] >> 4 == 6:
        ip[8:40] = v6_loop + v6_loop
        s6.sendto(bytes(ip), ("::1", 0))
        continue
    hl = (ip[0] & 0x0F) * 4
    whole_udp = ip[9] == 17 and struct.unpack("!H", ip[6:8])[0] & 0x1FFF == 0
    if whole_udp and struct.unpack("!H", ip[hl + 2:hl + 4])[0] != port:
        continue
    ip[12:20] = bytes([127, 0, 0, 1] * 2)
    s4.sendto(jp.ipv4_rewrite(bytes(ip)), ("127.0.0.1", 0))
EOF
}

# check_live: the corpus sent on lo, captured by DECAP -i lo, must give
# what DECAP -r gives of it
check_live() {
	port=$(free_port)
	python3 "$here/gen-decap-corpus.py" --count 150 --seed 11 --port "$port" \
		--dstopts-unfragmentable "$tmp/c.pcap"
	${DECAP_WRAPPER:-} "$decap" -r "$tmp/c.pcap" -w "$tmp/want.pcap" \
		--payload=ip --jmirror-port="$port" 2>"$tmp/err"
	n=$(python3 "$common/pcap-compare.py" --info "$tmp/want.pcap" | cut -d' ' -f3)
	timeout $LIMIT ${DECAP_WRAPPER:-} "$decap" -i lo -Z root -c "$n" --payload=ip \
		--jmirror-port="$port" -w "$tmp/got.pcap" 2>"$tmp/live.err" &
	pid=$!
	if ! wait_capturing "$pid"; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		fail "-i lo: no capture started"
		return
	fi
	send "$tmp/c.pcap" "$port"
	status=0
	wait "$pid" || status=$?
	if test $status = 0 && pycommon - "$tmp/want.pcap" "$tmp/got.pcap" <<'EOF'
import sys
import jmirror_pcap as jp
def packets(path):
    return [r[4] for r in jp.read_pcap(path, strict=False).records]
sys.exit(0 if packets(sys.argv[1]) == packets(sys.argv[2]) else 1)
EOF
	then
		ok "-i lo: fragmented IPv4 and IPv6 fragments behind destination options, all $n mirrored packets as -r writes them"
	else
		fail "-i lo: not the $n mirrored packets -r writes (exit $status)"
	fi
}

setup "$@"
if test "$(id -u)" != 0; then
	skip "-i lo with raw-socket fragments needs root" "run as root"
	exit 0
fi
check_live
results "decap live frags"
