#!/usr/bin/env python3
"""Captures for the `jmirror` capture-filter keyword's tests.

Usage:
  gen-filter-corpus.py merge OUT.pcap BARE.pcap...
      Every packet of the raw-IP captures BARE (jmirror-wrap --bare), in
      one raw-IP capture; packet n (from 0) gets the time stamp n seconds,
      which names it in the checks.
  gen-filter-corpus.py wrap VARIANT BARE.pcap OUT.pcap
      Every packet of BARE wrapped in jmirror as VARIANT says (see
      VARIANTS), time stamps and captured bytes kept.
  gen-filter-corpus.py variants
      The names of the variants, one a line, with their selector.
  gen-filter-corpus.py small OUT.pcap
      The small capture of libpcap's own filter tests (SMALL_FRAMES).
  gen-filter-corpus.py empty LINKTYPE OUT.pcap
      A capture of that link type (a LINKTYPE key, or PPP) and no packet.
  gen-filter-corpus.py send PORT
      Send the live test's mixed stream (LIVE_STREAM) to 127.0.0.1:PORT.
  gen-filter-corpus.py check-live CAPTURE
      Whether CAPTURE (Ethernet, from lo) holds exactly the datagrams of
      LIVE_STREAM that "jmirror port P 768 and icmp" takes, in order.
  gen-filter-corpus.py check-live-decap CAPTURE
      Whether CAPTURE (raw IP, from jmirror-decap) holds exactly the IP
      packets of those datagrams, in order.

Python 3 standard library only; the same input always gives the same
output, byte for byte.
"""

import dataclasses
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
import jmirror_pcap as jp  # noqa: E402

LINKTYPE = jp.LINKTYPE
ID_MASK = 0x3FFFFFFF
PPP_IP, PPP_IPV6 = jp.PPP_IP, jp.PPP_IPV6
# PPP forms: (address and control fields there, protocol field compressed)
PPP_FORMS = {"ff03-2": (False, False), "ff03-1": (False, True),
             "2": (True, False), "1": (True, True)}


def ppp(ip, form):
    """ip in a PPP frame of the given form (a PPP_FORMS key)."""
    acfc, pfc = PPP_FORMS[form]
    return jp.ppp(PPP_IP if ip[0] >> 4 == 4 else PPP_IPV6, ip, acfc, pfc)


def outer(version, payload, options=0, ident=0, frag=0):
    """payload in an outer IPv4 (with `options` words of NOP options, the
    fragment field `frag`) or IPv6 header, as a router sends it."""
    if version == "6":
        return jp.ipv6("2001:db8::1", "2001:db8::2", 17, payload, hlim=255)
    return jp.ipv4("192.0.2.1", "192.0.2.2", 17, payload, ttl=255,
                   ident=ident, frag=frag, opts=b"\x01" * (4 * options),
                   l4csum=False)


def link(kind, ip, vlans=()):
    """ip with a link-layer header of kind (a LINKTYPE key)."""
    etype = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
    if kind == "EN10MB":
        return jp.ether(ip, etype, vlans)
    if kind == "LINUX_SLL":
        return struct.pack("!HHH8sH", 0, 1, 6, bytes(range(1, 9)), etype) + ip
    if kind == "LINUX_SLL2":
        return struct.pack("!HHIHBB8s", etype, 0, 1, 1, 0, 6,
                           bytes(range(1, 9))) + ip
    # BSD loopback: the address family, 24 the BSD AF_INET6 libpcap knows;
    # NULL in the capture's byte order, LOOP in network byte order
    family = 2 if etype == 0x0800 else 24
    if kind == "NULL":
        return struct.pack("<I", family) + ip
    if kind == "LOOP":
        return struct.pack("!I", family) + ip
    if kind == "RAW":
        return ip
    raise ValueError(kind)


@dataclasses.dataclass
class Variant:
    """How one corpus is wrapped, and the selector that must pick it:
    link type, outer IP version, outer IPv4 option words, VLAN tags, the
    mirrored packet's form ("raw" or a PPP_FORMS key, or a tuple of them
    used in turn), header fields, and every how-many-th packet goes to
    another intercept."""
    name: str
    linktype: str
    selector: str
    outer: str = "4"
    options: int = 0
    vlans: tuple = ()
    inner: object = "raw"
    mhv: int = 0
    mirror_id: int = 768
    session_id: int = 144
    port: int = 30030
    foreign_every: int = 0

    def foreign(self, n):
        """Whether packet n goes to another intercept (never selected)."""
        return self.foreign_every and n % self.foreign_every == 1

    def frame(self, n, ip):
        """Packet n: ip wrapped; inner forms and outer headers rotate
        through the variant's choices with n."""
        inner = self.inner[n % len(self.inner)] if isinstance(
            self.inner, tuple) else self.inner
        body = ip if inner == "raw" else ppp(ip, inner)
        mirror_id = self.mirror_id
        if self.foreign(n):
            mirror_id = (mirror_id + 1 + (n % 3) * 0x10000000) & ID_MASK
        payload = jp.udp(self.port, self.port, jp.jmirror(
            mirror_id, self.session_id, body, self.mhv))
        packet = outer(self.outer, payload, self.options, n & 0xFFFF)
        return link(self.linktype, packet, self.vlans)


# the variants of the differential check; each wraps the whole corpus
VARIANTS = [
    Variant("eth4-raw", "EN10MB", "jmirror 768"),
    Variant("eth4-mhv3", "EN10MB", "jmirror port 6502 1073741823",
            mhv=3, mirror_id=ID_MASK, port=6502),
    Variant("eth-vlan6-raw", "EN10MB", "vlan and jmirror port 54301",
            outer="6", vlans=(100,), mirror_id=5, port=54301),
    Variant("eth-qinq4-ppp", "EN10MB",
            "vlan and vlan and jmirror 768 session 144",
            vlans=(10, 20), inner=("ff03-2", "ff03-1")),
    Variant("sll4opt-ppp", "LINUX_SLL", "jmirror port 5000 768",
            options=3, port=5000, inner=("ff03-2", "2", "1")),
    Variant("sll2-6-pppc", "LINUX_SLL2", "jmirror session 4294967295",
            outer="6", session_id=0xFFFFFFFF, inner=("1", "2")),
    Variant("null4opt-mixed", "NULL", "jmirror 0", options=10, mirror_id=0,
            mhv=1, inner=("raw", "ff03-2", "2", "1")),
    Variant("loop6-ppp", "LOOP", "jmirror 768", outer="6",
            inner=("2", "ff03-2")),
    Variant("raw4-foreign", "RAW", "jmirror port 6502 768 session 144",
            port=6502, foreign_every=3),
    Variant("eth4-foreign-ppp", "EN10MB", "jmirror 768", foreign_every=2,
            inner=("raw", "1")),
]


def read_packets(path):
    """(linktype, [(caplen, length, bytes)]) of a classic pcap file."""
    try:
        cap = jp.read_pcap(path, strict=False)
    except ValueError as e:
        raise SystemExit(str(e))
    return cap.linktype, [(c, n, d) for _, _, c, n, d in cap.records]


def write_pcap(path, linktype, records):
    """A pcap of records (length, bytes) of a LINKTYPE; record n gets the
    time stamp n seconds."""
    jp.write_pcap(path, [(n, 0, data, length)
                         for n, (length, data) in enumerate(records)],
                  LINKTYPE[linktype])


def cmd_merge(out, bares):
    records = []
    for path in bares:
        linktype, packets = read_packets(path)
        if linktype != LINKTYPE["RAW"]:
            raise SystemExit("%s: not a raw-IP capture" % path)
        records += [(length, data) for _, length, data in packets]
    write_pcap(out, "RAW", records)


def cmd_wrap(name, bare, out):
    variant = [v for v in VARIANTS if v.name == name]
    if not variant:
        raise SystemExit("no variant %s (see 'variants')" % name)
    variant = variant[0]
    records = []
    for n, (caplen, length, data) in enumerate(read_packets(bare)[1]):
        full = variant.frame(n, data)
        # the inner packet keeps its missing bytes missing
        records.append((len(full) + length - caplen, full))
    write_pcap(out, variant.linktype, records)


def cmd_variants():
    for v in VARIANTS:
        print("%s %s" % (v.name, v.selector))


# Inner packets of the small and live captures: ICMP echo, TCP SYN and
# UDP over IPv4 (10.1.2.3 > 10.9.8.7), ICMPv6 echo over IPv6.
def inner_ipv4(proto, seg):
    return jp.ipv4("10.1.2.3", "10.9.8.7", proto, seg)


def icmp_echo(seq=1):
    return inner_ipv4(1, jp.icmp_echo(1, seq, b"ping"))


def tcp_syn(dport):
    return inner_ipv4(6, jp.tcp(40000, dport, 1, opts=jp.mss(1460)))


def udp_dns():
    return inner_ipv4(17, jp.udp(40001, 53, b"\x00\x01"))


def icmp6_echo():
    return jp.ipv6("2001:db8:1::3", "2001:db8:9::7", 58,
                   jp.icmp_echo(1, 1, b"ping", v6=True))


LCP = b"\xff\x03\xc0\x21\x01\x01\x00\x04"

# The small capture (Ethernet), one line per frame: what it is, and the
# filters that take it in libpcap's tests (testprogs/TESTrun):
#  0 IPv4 outer, port 30030, id 768, session 144, inner IPv4 TCP SYN to 443
#  1 the same with MHV 1 (version bits ignored)
#  2 id 769, inner IPv4 UDP to 53
#  3 port 6502, id 768, inner IPv4 ICMP echo
#  4 IPv6 outer, id 768, session 145, inner IPv6 ICMPv6 echo
#  5 IPv4 outer with options, id 768, PPP FF 03 00 21 IPv4 ICMP echo
#  6 id 768, PPP 21 (compressed) IPv4 TCP SYN to 443
#  7 id 768, PPP 00 57 IPv6 ICMPv6 echo
#  8 id 768, PPP LCP (never ip or ip6)
#  9 a non-first fragment of a jmirror datagram (never matches)
# 10 plain UDP to port 30030 that is 12 bytes long (not jmirror: no room
#    for a mirrored packet; a load past its end rejects it)
SMALL_FRAMES = [
    lambda: VARIANTS[0].frame(0, tcp_syn(443)),
    lambda: Variant("", "EN10MB", "", mhv=1).frame(0, tcp_syn(443)),
    lambda: Variant("", "EN10MB", "", mirror_id=769).frame(0, udp_dns()),
    lambda: Variant("", "EN10MB", "", port=6502).frame(0, icmp_echo()),
    lambda: Variant("", "EN10MB", "", outer="6",
                    session_id=145).frame(0, icmp6_echo()),
    lambda: Variant("", "EN10MB", "", options=2,
                    inner="ff03-2").frame(0, icmp_echo()),
    lambda: Variant("", "EN10MB", "", inner="1").frame(0, tcp_syn(443)),
    lambda: Variant("", "EN10MB", "", inner="2").frame(0, icmp6_echo()),
    lambda: link("EN10MB", outer("4", jp.udp(30030, 30030,
                                             jp.jmirror(768, 144, LCP)))),
    lambda: link("EN10MB", outer("4", b"\0" * 24, frag=3)),
    lambda: link("EN10MB", outer("4", jp.udp(30030, 30030, b"\0" * 4))),
]


def cmd_small(out):
    frames = [make() for make in SMALL_FRAMES]
    write_pcap(out, "EN10MB", [(len(f), f) for f in frames])


# The live stream: (mirror id, inner packet), sent in this order; the
# ICMP packets of intercept 768 are those "jmirror port P 768 and icmp"
# must capture (PPP-framed ones included).
LIVE_STREAM = [
    (768, icmp_echo()), (768, tcp_syn(443)), (769, icmp_echo()),
    (768, udp_dns()), (768, ppp(icmp_echo(), "ff03-2")),
    (770, tcp_syn(80)), (768, icmp6_echo()), (768, ppp(icmp_echo(), "1")),
    (769, ppp(icmp_echo(), "2")), (768, LCP), (768, icmp_echo(2)),
    (0x40000000 | 768, icmp_echo(3)),
]


def unframe(body):
    """The IP packet a mirrored packet carries (raw, or in one of the PPP
    forms ppp() writes), or None."""
    if body[0] >> 4 in (4, 6):
        return body
    if body[:2] == b"\xff\x03":
        body = body[2:]
    if body[0] in (PPP_IP, PPP_IPV6):
        return body[1:]
    if body[0] == 0 and body[1] in (PPP_IP, PPP_IPV6):
        return body[2:]
    return None


def live_expected():
    """Indexes into LIVE_STREAM of the packets "jmirror port P 768 and
    icmp" takes: intercept 768, IPv4 protocol 1 inside."""
    taken = []
    for n, (mid, body) in enumerate(LIVE_STREAM):
        ip = unframe(body)
        if mid & ID_MASK == 768 and ip and ip[0] >> 4 == 4 and ip[9] == 1:
            taken.append(n)
    return taken


def udp_payloads(path):
    """The UDP payloads of the IPv4 packets of an Ethernet capture."""
    payloads = []
    for _, _, frame in read_packets(path)[1]:
        ip = frame[14:]
        if frame[12:14] == b"\x08\x00" and ip[9] == 17:
            payloads.append(ip[(ip[0] & 0xF) * 4 + 8:])
    return payloads


def cmd_check_live(path):
    sent = [jp.jmirror(mid, 144, body) for mid, body in LIVE_STREAM]
    want = live_expected()
    got = [sent.index(p) if p in sent else "?" for p in udp_payloads(path)]
    if got == want:
        print("ok - live: the %d ICMP datagrams of intercept 768 out of %d "
              "sent, nothing else" % (len(want), len(sent)))
        return 0
    print("FAIL - live: captured stream packets %s, want %s" % (got, want))
    return 1


def cmd_check_live_decap(path):
    want = [unframe(LIVE_STREAM[n][1]) for n in live_expected()]
    got = [data for _, _, data in read_packets(path)[1]]
    if got == want:
        print("ok - live decap: the %d IP packets of those datagrams, "
              "nothing else" % len(want))
        return 0
    print("FAIL - live decap: %d packets, %d of them wanted, want %d" % (
        len(got), len([p for p in got if p in want]), len(want)))
    return 1


def cmd_send(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for mid, inner in LIVE_STREAM:
        sock.sendto(jp.jmirror(mid, 144, inner), ("127.0.0.1", port))
        time.sleep(0.01)
    sock.close()


def main(argv):
    if len(argv) >= 3 and argv[0] == "merge":
        cmd_merge(argv[1], argv[2:])
    elif len(argv) == 4 and argv[0] == "wrap":
        cmd_wrap(argv[1], argv[2], argv[3])
    elif argv == ["variants"]:
        cmd_variants()
    elif len(argv) == 2 and argv[0] == "small":
        cmd_small(argv[1])
    elif len(argv) == 3 and argv[0] == "empty":
        write_pcap(argv[2], argv[1], [])
    elif len(argv) == 2 and argv[0] == "send":
        cmd_send(int(argv[1]))
    elif len(argv) == 2 and argv[0] == "check-live":
        return cmd_check_live(argv[1])
    elif len(argv) == 2 and argv[0] == "check-live-decap":
        return cmd_check_live_decap(argv[1])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
