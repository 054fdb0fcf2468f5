#!/bin/sh
# crosscheck-tshark.sh PATCHED_TCPDUMP CORPUS.pcap: decode a jmirror
# capture (from gen-corpus.py) with the patched tcpdump and with tshark's
# own jmirror dissector, and compare, packet by packet, what both found:
# MHV and mirror id (tshark shows them as one 32-bit word), session id,
# payload kind (IPv4, IPv6, PPP), PPP protocol, inner source and
# destination address. Prints "N/N packets agree" and the first
# mismatches; exits non-zero on any mismatch. A negative control then
# alters the tcpdump side on purpose and checks that the comparison
# catches it.

usage="usage: $0 PATCHED_TCPDUMP CORPUS.pcap
Exit status: 0 all agree, 1 a mismatch, 2 usage or tool error,
77 skipped (no tshark)."
case $1 in -h|--help) echo "$usage"; exit 0 ;; esac
test $# = 2 || { echo "$usage" >&2; exit 2; }

# setup: check the arguments and tools; scratch directory removed on exit
setup() {
	tcpdump=$1
	corpus=$2
	test -x "$tcpdump" || { echo "$0: $tcpdump: not executable" >&2; exit 2; }
	test -r "$corpus" || { echo "$0: $corpus: not readable" >&2; exit 2; }
	command -v tshark >/dev/null 2>&1 ||
		{ echo "SKIP: tshark not found (Debian package tshark)"; exit 77; }
	command -v python3 >/dev/null 2>&1 ||
		{ echo "$0: python3 not found" >&2; exit 2; }
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
	# keep the user's Wireshark preferences and "decode as" rules out
	WIRESHARK_CONFIG_DIR=$tmp
	export WIRESHARK_CONFIG_DIR
}

# run_tshark: one tab-separated line of fields per packet
run_tshark() {
	tshark -n -r "$corpus" -T fields -E separator=/t -E occurrence=a \
		-e frame.number -e jmirror.mid -e jmirror.sid \
		-e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
		-e ppp.protocol -e frame.protocols \
		>"$tmp/tshark" 2>"$tmp/tshark.err" ||
		{ echo "$0: tshark failed:" >&2; cat "$tmp/tshark.err" >&2; exit 2; }
}

# run_tcpdump: one line per packet; -e adds "payload KIND" after the ids
# and ppp_print's "PROTO (0xNNNN)"
run_tcpdump() {
	"$tcpdump" -n -t -e -r "$corpus" >"$tmp/tcpdump" 2>"$tmp/tcpdump.err" ||
		{ echo "FAIL: tcpdump exited $?:"; cat "$tmp/tcpdump.err"; exit 1; }
}

# compare TSHARK_FILE TCPDUMP_FILE: the per-packet comparison; prints the
# figures and the first mismatches, exits 1 on any mismatch
compare() {
	python3 - "$1" "$2" <<'EOF'
import ipaddress
import re
import sys

JMIRROR = re.compile(r"JMIRROR, (?:mhv (\d+), )?mirror-id (\d+), "
                     r"session-id (\d+), payload (\w+), length \d+: (.*)")
PPP = re.compile(r"\S+ \(0x([0-9a-f]{4})\), length \d+: (.*)")
ADDRS = re.compile(r"(\S+) > (\S+): ")
# tshark's protocol name for what follows jmirror, and after PPP
KINDS = {"ip": "IPv4", "ipv6": "IPv6", "pw_hdlc_nocw_hdlc_ppp": "PPP"}
PPP_NEXT = {"ip": "IPv4", "ipv6": "IPv6"}
PPP_IP = {"0x0021": "IPv4", "0x0057": "IPv6"}


def addr(text, family):
    """Canonical form of tcpdump's address, without its .port if any."""
    if family == "IPv4":
        text = ".".join(text.split(".")[:4])
    elif "." in text:
        text = text.rsplit(".", 1)[0]
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return "unparsable " + text


def nth(field, n):
    """n-th of tshark's comma-separated occurrences, canonical."""
    values = field.split(",") if field else []
    if n >= len(values):
        return None
    return ipaddress.ip_address(values[n]).compressed


def from_tshark(line):
    f = line.rstrip("\n").split("\t")
    protos = f[8].split(":")
    rec = {"mid": int(f[1].split(",")[0], 16) if f[1] else None,
           "sid": int(f[2].split(",")[0], 16) if f[2] else None,
           "kind": None, "ppp": None, "src": None, "dst": None}
    if "jmirror" not in protos:
        return rec
    after = protos[protos.index("jmirror") + 1:] + [""]
    rec["kind"] = KINDS.get(after[0], after[0])
    family = rec["kind"]
    if family == "PPP":
        rec["ppp"] = f[7]
        family = PPP_NEXT.get(after[2]) if after[1] == "ppp" else None
    # ip.src lists the outer header first; there is no outer IPv6
    if family == "IPv4":
        rec["src"], rec["dst"] = nth(f[3], 1), nth(f[4], 1)
    elif family == "IPv6":
        rec["src"], rec["dst"] = nth(f[5], 0), nth(f[6], 0)
    return rec


def from_tcpdump(line):
    rec = {"mid": None, "sid": None, "kind": None, "ppp": None,
           "src": None, "dst": None}
    m = JMIRROR.search(line)
    if not m:
        return rec
    mhv, mid, sid, kind, rest = m.groups()
    # out of range, the split could not be told from tshark's whole word
    if int(mhv or 0) > 3 or int(mid) > 0x3FFFFFFF:
        rec["split"] = "mhv %s, mirror-id %s" % (mhv, mid)
    rec["mid"] = int(mhv or 0) << 30 | int(mid)
    rec["sid"] = int(sid)
    rec["kind"] = family = kind
    if kind == "PPP":
        m = PPP.match(rest)
        if not m:
            return rec
        rec["ppp"] = "0x" + m.group(1)
        family, rest = PPP_IP.get(rec["ppp"]), m.group(2)
    if family in ("IPv4", "IPv6"):
        m = ADDRS.match(rest)
        if m:
            rec["src"] = addr(m.group(1), family)
            rec["dst"] = addr(m.group(2), family)
    return rec


def show(key, value):
    if value is None:
        return "(none)"
    return "0x%08x" % value if key in ("mid", "sid") else value


def main():
    with open(sys.argv[1]) as f:
        tshark = [from_tshark(line) for line in f]
    with open(sys.argv[2]) as f:
        tcpdump = [from_tcpdump(line) for line in f]
    mismatches = []
    if len(tshark) != len(tcpdump):
        mismatches.append("packet count: tshark %d, tcpdump %d"
                          % (len(tshark), len(tcpdump)))
    agree = 0
    kinds = {}
    for n, (ts, td) in enumerate(zip(tshark, tcpdump), 1):
        bad = ["%s: tshark %s, tcpdump %s" % (k, show(k, ts[k]), show(k, td[k]))
               for k in ts if ts[k] != td.get(k)]
        # a check that must not pass vacuously: every packet has ids
        if ts["mid"] is None or ts["kind"] is None:
            bad.append("not decoded as jmirror by tshark")
        if td["mid"] is None:
            bad.append("not decoded as jmirror by tcpdump")
        if "split" in td:
            bad.append("MHV and mirror id out of range: " + td["split"])
        if ts["kind"] in ("IPv4", "IPv6") and ts["src"] is None:
            bad.append("no inner addresses")
        if bad:
            mismatches.append("packet %d: %s" % (n, "; ".join(bad)))
        else:
            agree += 1
            key = ts["kind"] + (" " + ts["ppp"] if ts["ppp"] else "")
            kinds[key] = kinds.get(key, 0) + 1
    total = max(len(tshark), len(tcpdump))
    print("compared: mirror id with MHV, session id, payload kind, "
          "PPP protocol, inner source and destination")
    print("agreeing packets by payload: " +
          ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    for line in mismatches[:10]:
        print("MISMATCH " + line)
    if len(mismatches) > 10:
        print("... and %d more mismatches" % (len(mismatches) - 10))
    print("%d/%d packets agree" % (agree, total))
    return 0 if agree == total and total > 0 and not mismatches else 1


sys.exit(main())
EOF
}

# control NAME MARK FROM TO: in the first tcpdump line that contains the
# string MARK, replace the first match of the regular expression FROM at or
# after MARK with TO; check that the comparison then fails on that packet
# alone
control() {
	awk -v mark="$2" -v from="$3" -v to="$4" '
		!done && (i = index($0, mark)) {
			tail = substr($0, i)
			done = sub(from, to, tail)
			$0 = substr($0, 1, i - 1) tail
		}
		{ print }' "$tmp/tcpdump" >"$tmp/tcpdump.altered"
	if cmp -s "$tmp/tcpdump" "$tmp/tcpdump.altered"; then
		echo "negative control, $1: FAILED to alter the output"
		controls_failed=$((controls_failed + 1))
	elif compare "$tmp/tshark" "$tmp/tcpdump.altered" >"$tmp/control.out"; then
		echo "negative control, $1: NOT caught"
		controls_failed=$((controls_failed + 1))
	elif test "$(grep -c '^MISMATCH ' "$tmp/control.out")" = 1; then
		echo "negative control, $1: caught: $(sed -n 's/^MISMATCH //p' "$tmp/control.out")"
	else
		echo "negative control, $1: caught, but not as one mismatch:"
		cat "$tmp/control.out"
		controls_failed=$((controls_failed + 1))
	fi
}

# negative_controls: a check that cannot fail proves nothing
negative_controls() {
	controls_failed=0
	control "mirror id" "mirror-id " "mirror-id " "mirror-id 9"
	control "session id" "session-id " "session-id " "session-id 9"
	control "MHV" "JMIRROR, mirror-id" "JMIRROR, " "JMIRROR, mhv 1, "
	control "inner IPv4 destination" "payload IPv4" \
		"> [0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+" "> 127.0.0.255"
	control "inner IPv6 source" "payload IPv6" ": [0-9a-f]+:" ": 3fff:"
	control "PPP protocol" "LCP (0xc021)" "0xc021" "0xc023"
	echo "$((6 - controls_failed))/6 negative controls caught"
}

setup "$@"
run_tshark
run_tcpdump
compare "$tmp/tshark" "$tmp/tcpdump"
status=$?
if test $status = 0; then
	negative_controls
	test "$controls_failed" = 0 || status=1
else
	echo "negative controls skipped: the comparison failed already"
fi
exit $status
