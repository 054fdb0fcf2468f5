#!/bin/sh
# decap-frag-counts.sh DECAP WRAP
#
# jmirror-decap's summary counts every fragment once, by what became of
# its datagram.  Five IPv4 packets of 3,000 bytes are wrapped in jmirror by
# WRAP (jmirror-wrap) and fragmented at 1,500 bytes, 3 fragments each; one
# fragment of the second datagram is removed and one of the third is sent
# twice.  The summary must say: 12 fragments reassembled into 4
# datagrams, 2 in 1 incomplete datagram at the end, 1 duplicate.
# Prints a line per check; exits non-zero when any failed.
# DECAP_WRAPPER (e.g. valgrind ...) is put in front of DECAP.

set -eu

decap=${1:?usage: $0 DECAP WRAP}
wrap=${2:?usage: $0 DECAP WRAP}
failed=0

# make_input FILE: a raw-IP capture of five IPv4/UDP packets of 3,000
# bytes, a second apart
make_input() {
	python3 - "$1" <<'EOF'
import struct
import sys

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
    for n in range(5):
        udp = struct.pack("!HHHH", 5000, 5001, 2980, 0) + bytes([n]) * 2972
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n + 1, 0,
                         64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        s = sum(struct.unpack("!10H", ip))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        ip = ip[:10] + struct.pack("!H", ~s & 0xFFFF) + ip[12:]
        f.write(struct.pack("<IIII", 1700000000 + n, 0, len(ip) + len(udp),
                            len(ip) + len(udp)))
        f.write(ip + udp)
EOF
}

# edit_records IN OUT DROP TWICE: copy the capture without record DROP and
# with record TWICE written twice (records counted from 1)
edit_records() {
	python3 - "$@" <<'EOF'
import struct
import sys

src, dst, drop, twice = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(src, "rb") as f:
    data = f.read()
out, at, n = [data[:24]], 24, 0
while at < len(data):
    caplen = struct.unpack("<I", data[at + 8:at + 12])[0]
    rec = data[at:at + 16 + caplen]
    at += 16 + caplen
    n += 1
    if n != drop:
        out.append(rec)
    if n == twice:
        out.append(rec)
if n != 15:
    sys.exit("edit_records: %d records, not 15" % n)
with open(dst, "wb") as f:
    f.write(b"".join(out))
EOF
}

# expect WHAT LINE: LINE of decap's summary (from "fragments") is WHAT
expect() {
	got=$(sed -n "s/^[^:]*: \\($2\\)/\\1/p" "$tmp/err")
	if test "$got" = "$1"; then
		echo "ok - summary: $1"
	else
		echo "FAIL - summary: expected '$1'"
		echo "    got '$got'"
		failed=1
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
make_input "$tmp/in.pcap"
"$wrap" -q --fragment=1500 "$tmp/in.pcap" "$tmp/whole.pcap"
edit_records "$tmp/whole.pcap" "$tmp/cut.pcap" 5 8
if ! ${DECAP_WRAPPER:-} "$decap" -r "$tmp/cut.pcap" -w "$tmp/out.pcap" 2>"$tmp/err"; then
	echo "FAIL - $decap -r $tmp/cut.pcap:"
	cat "$tmp/err"
	exit 1
fi
expect "fragments: 12 reassembled into 4 datagrams; 2 in 1 incomplete datagram at the end" \
	"fragments: .*"
expect "fragments dropped: 0 in 0 overlapping datagrams, 0 in 0 timed out, 0 in 0 evicted, 0 invalid, 1 duplicate, 0 after an overlap, 0 cut short in the capture" \
	"fragments dropped: .*"
exit $failed
