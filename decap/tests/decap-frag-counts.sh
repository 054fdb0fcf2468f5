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
common=$(cd "$(dirname "$0")/../../tests/common" && pwd)
. "$common/check-lib.sh"

# make_input FILE: a raw-IP capture of five IPv4/UDP packets of 3,000
# bytes, a second apart
make_input() {
	pycommon - "$1" <<'EOF'
import sys
import jmirror_pcap as jp

jp.write_pcap(sys.argv[1], [
    (jp.EPOCH + n, 0, jp.ipv4("10.0.0.1", "10.0.0.2", 17,
                              jp.udp(5000, 5001, bytes([n]) * 2972),
                              ident=n + 1, l4csum=False), None)
    for n in range(5)], jp.LINKTYPE_RAW, snaplen=65535)
EOF
}

# edit_records IN OUT DROP TWICE: copy the capture without record DROP and
# with record TWICE written twice (records counted from 1)
edit_records() {
	pycommon - "$@" <<'EOF'
import sys
import jmirror_pcap as jp

src, dst, drop, twice = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cap = jp.read_pcap(src)
out, n = [cap.header], 0
for s, f, _, length, data in cap.records:
    rec = jp.record(s, f, data, length, cap.order)
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
		ok "summary: $1"
	else
		fail "summary: expected '$1'"
		echo "    got '$got'"
	fi
}

scratch
make_input "$tmp/in.pcap"
"$wrap" -q --fragment=1500 "$tmp/in.pcap" "$tmp/whole.pcap"
edit_records "$tmp/whole.pcap" "$tmp/cut.pcap" 5 8
if ! ${DECAP_WRAPPER:-} "$decap" -r "$tmp/cut.pcap" -w "$tmp/out.pcap" 2>"$tmp/err"; then
	fail_detail=$tmp/err
	fail "$decap -r $tmp/cut.pcap:"
	exit 1
fi
expect "fragments: 12 reassembled into 4 datagrams; 2 in 1 incomplete datagram at the end" \
	"fragments: .*"
expect "fragments dropped: 0 in 0 overlapping datagrams, 0 in 0 timed out, 0 in 0 evicted, 0 invalid, 1 duplicate, 0 after an overlap, 0 cut short in the capture" \
	"fragments dropped: .*"
results "decap frag counts"
