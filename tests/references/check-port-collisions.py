#!/usr/bin/env python3
"""check-port-collisions.py PATCHED STOCK TESTSDIR [PORT]

The default jmirror port must never take a packet from a stock decoder.
For every UDP packet of every capture in TESTSDIR (tcpdump's own test
captures), this check sets the source port, and in a second pass the
destination port, to PORT (default 30030, the default jmirror port),
keeping the other port and keeping the UDP checksum right (or wrong) by
updating it (RFC 1624). Each rewritten capture is printed by the patched
and the stock tcpdump with -n -t -#, at default, -v and -vv verbosity.

Wherever stock tcpdump decodes the packet (it does not print the UDP
header with that port as a plain "UDP, length N"), the patched output
must be byte-identical. Where stock prints the plain "UDP, length N",
the patched tcpdump is expected to decode jmirror: its output must be
stock's or say JMIRROR.

Prints the counts and every difference (at most 10 shown); exits 1 on
any difference, 2 on a usage or setup error.
"""

import os
import re
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
import jmirror_pcap as jp  # noqa: E402

FLAGS = ([], ["-v"], ["-vv"])
SNAPLEN = jp.SNAPLEN

# link types whose IP header this check can find
LINKTYPE_NULL, LINKTYPE_EN10MB, LINKTYPE_RAW, LINKTYPE_LOOP = 0, 1, 101, 108
LINKTYPE_PPP, LINKTYPE_DLT_RAW, LINKTYPE_PPP_HDLC, LINKTYPE_C_HDLC = 9, 12, 50, 104
LINKTYPE_SLL, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_SLL2 = 113, 228, 229, 276
ETHERTYPE_IPV4, ETHERTYPE_IPV6 = 0x0800, 0x86DD
PPP_IPV4, PPP_IPV6 = 0x0021, 0x0057
VLAN_TPIDS = (0x8100, 0x88A8, 0x9100)
IPV6_EXT_HEADERS = (0, 43, 60)         # hop-by-hop, routing, destination
IPPROTO_UDP, IPPROTO_FRAGMENT = 17, 44

RECORD_START = re.compile(r"^ *(\d+)  \S")


# --- writing captures -------------------------------------------------------

def write_pcap(path, linktype, packets):
    """packets (caplen, length, bytes), packet n stamped EPOCH + n s."""
    jp.write_pcap(path, [(jp.EPOCH + n, 0, body, length)
                         for n, (_, length, body) in enumerate(packets)],
                  linktype)


# --- finding the UDP header --------------------------------------------------

def ip_offset(linktype, pkt):
    """Offset of the IP header in a frame, or None."""
    if linktype in (LINKTYPE_RAW, LINKTYPE_DLT_RAW, LINKTYPE_IPV4,
                    LINKTYPE_IPV6):
        return 0
    if linktype in (LINKTYPE_PPP, LINKTYPE_PPP_HDLC):
        off = 2 if pkt[:2] == b"\xff\x03" else 0
        proto = struct.unpack("!H", pkt[off:off + 2])[0] \
            if len(pkt) >= off + 2 else None
        return off + 2 if proto in (PPP_IPV4, PPP_IPV6) else None
    if linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
        return 4
    if linktype == LINKTYPE_SLL:
        off, etype_at = 16, 14
    elif linktype == LINKTYPE_C_HDLC:
        off, etype_at = 4, 2
    elif linktype == LINKTYPE_SLL2:
        off, etype_at = 20, 0
    elif linktype == LINKTYPE_EN10MB:
        off, etype_at = 14, 12
        while len(pkt) >= off + 4 and \
                struct.unpack("!H", pkt[etype_at:etype_at + 2])[0] in VLAN_TPIDS:
            off, etype_at = off + 4, etype_at + 4
    else:
        return None
    if len(pkt) < off:
        return None
    etype = struct.unpack("!H", pkt[etype_at:etype_at + 2])[0]
    return off if etype in (ETHERTYPE_IPV4, ETHERTYPE_IPV6) else None


def udp_offset_ipv4(pkt, ip):
    if len(pkt) < ip + 20:
        return None
    ihl = (pkt[ip] & 0x0F) * 4
    frag = struct.unpack("!H", pkt[ip + 6:ip + 8])[0] & 0x1FFF
    if pkt[ip + 9] != IPPROTO_UDP or frag != 0 or ihl < 20:
        return None
    return ip + ihl


def udp_offset_ipv6(pkt, ip):
    nxt, off = pkt[ip + 6] if len(pkt) > ip + 6 else None, ip + 40
    while nxt in IPV6_EXT_HEADERS or nxt == IPPROTO_FRAGMENT:
        if len(pkt) < off + 8:
            return None
        if nxt == IPPROTO_FRAGMENT:
            if struct.unpack("!H", pkt[off + 2:off + 4])[0] & 0xFFF8:
                return None                 # not the first fragment
            nxt, off = pkt[off], off + 8
        else:
            nxt, off = pkt[off], off + 8 + pkt[off + 1] * 8
    return off if nxt == IPPROTO_UDP else None


def udp_offset(linktype, pkt):
    ip = ip_offset(linktype, pkt)
    if ip is None or len(pkt) <= ip:
        return None
    version = pkt[ip] >> 4
    if version == 4:
        udp = udp_offset_ipv4(pkt, ip)
    elif version == 6:
        udp = udp_offset_ipv6(pkt, ip)
    else:
        return None
    return udp if udp is not None and len(pkt) >= udp + 8 else None


# --- rewriting a port --------------------------------------------------------

def updated_checksum(csum, old, new):
    """RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'); 0 (none) stays 0."""
    if csum == 0:
        return 0
    s = (~csum & 0xFFFF) + (~old & 0xFFFF) + new
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s & 0xFFFF) or 0xFFFF


def with_port(pkt, udp, which, port):
    """The frame with the source (which=0) or destination (1) port set."""
    at = udp + 2 * which
    old = struct.unpack("!H", pkt[at:at + 2])[0]
    csum = struct.unpack("!H", pkt[udp + 6:udp + 8])[0]
    csum = updated_checksum(csum, old, port)
    return pkt[:at] + struct.pack("!H", port) + pkt[at + 2:udp + 6] + \
        struct.pack("!H", csum) + pkt[udp + 8:]


# --- printing and comparing --------------------------------------------------

def records(output):
    """Split -# output into {packet number: its lines}."""
    recs, current = {}, None
    for line in output.splitlines():
        m = RECORD_START.match(line)
        if m and int(m.group(1)) == (current or 0) + 1:
            current = int(m.group(1))
            recs[current] = []
        if current is not None:
            recs[current].append(line)
    return recs


def run(tcpdump, pcap, flags):
    p = subprocess.run([tcpdump, "-#", "-n", "-t", "-r", pcap] + flags,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, TZ="GMT0"))
    return p.returncode, p.stdout.decode("utf-8", "replace")


class Tally:
    def __init__(self):
        self.n = dict(captures=0, packets=0, rewritten=0, decodes=0,
                      compared=0,
                      identical=0, differing=0, plain=0, jmirror=0)
        self.examples = []

    def differ(self, what):
        self.n["differing"] += 1
        if len(self.examples) < 10:
            self.examples.append(what)


def plain_udp_on(port):
    """A line of stock's where the rewritten UDP header went undecoded."""
    return re.compile(r"(\b%d > \S+|[ .]%d): (\[[^]]*\] )*"
                      r"UDP, (bad )?length \d+( > \d+)?\s*$" % (port, port))


def compare(tally, name, patched, stock, pcap, count, plain):
    for flags in FLAGS:
        prc, pout = run(patched, pcap, flags)
        src, sout = run(stock, pcap, flags)
        if prc != src:
            tally.differ("%s %s: exit %d, stock %d" % (name, flags, prc, src))
        precs, srecs = records(pout), records(sout)
        for n in range(1, count + 1):
            tally.n["decodes"] += 1
            p, s = precs.get(n, []), srecs.get(n, [])
            if any(plain.search(line) for line in s):
                tally.n["plain"] += 1
                if any("JMIRROR" in line for line in p):
                    tally.n["jmirror"] += 1
                elif p != s:
                    tally.differ("%s %s packet %d: not JMIRROR: %s"
                                 % (name, flags, n, " / ".join(p)))
                continue
            tally.n["compared"] += 1
            if p == s:
                tally.n["identical"] += 1
            else:
                tally.differ("%s %s packet %d:\n  patched: %s\n  stock:   %s"
                             % (name, flags, n, "\n           ".join(p),
                                "\n           ".join(s)))


def check_capture(tally, path, patched, stock, port, tmp):
    capture = jp.read_packets(path)
    if capture is None:
        return
    linktype, packets = capture
    found = [(pkt, udp_offset(linktype, pkt[2])) for pkt in packets]
    found = [(pkt, udp) for pkt, udp in found
             if udp is not None and pkt[0] <= SNAPLEN]
    if not found:
        return
    tally.n["captures"] += 1
    tally.n["packets"] += len(found)
    for which, side in ((0, "sport"), (1, "dport")):
        rewritten = [(caplen, length, with_port(body, udp, which, port))
                     for (caplen, length, body), udp in found]
        pcap = os.path.join(tmp, "%s.pcap" % side)
        write_pcap(pcap, linktype, rewritten)
        tally.n["rewritten"] += len(rewritten)
        compare(tally, "%s (%s %d)" % (os.path.basename(path), side, port),
                patched, stock, pcap, len(rewritten), plain_udp_on(port))


def main(argv):
    if len(argv) not in (4, 5) or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    patched, stock, testsdir = argv[1:4]
    port = int(argv[4]) if len(argv) == 5 else 30030
    for prog in (patched, stock):
        if not os.access(prog, os.X_OK):
            print("%s: %s: not executable" % (argv[0], prog), file=sys.stderr)
            return 2
    names = sorted(f for f in os.listdir(testsdir)
                   if f.endswith((".pcap", ".pcapng"))
                   and not f.startswith("jmirror-"))
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            check_capture(tally, os.path.join(testsdir, name), patched,
                          stock, port, tmp)
    n = tally.n
    print("port-collisions: captures %(captures)d, UDP packets %(packets)d, "
          "rewritten %(rewritten)d (source, then destination port), "
          "decodes %(decodes)d (default, -v, -vv); stock decodes compared %(compared)d, "
          "identical %(identical)d; stock plain UDP %(plain)d, of which "
          "patched JMIRROR %(jmirror)d; differing %(differing)d" % n)
    for example in tally.examples:
        print("DIFF - " + example)
    if n["compared"] == 0:
        print("FAIL - nothing compared")
        return 1
    return 1 if n["differing"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
