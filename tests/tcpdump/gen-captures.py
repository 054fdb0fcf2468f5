#!/usr/bin/env python3
"""Generate the jmirror test captures (Python 3 standard library only).

Usage: python3 gen-captures.py [OUTDIR]   (default OUTDIR: this script's directory)

The output is deterministic: running the script twice gives byte-identical
files, so a Makefile can regenerate into a temporary directory and cmp the
result against the committed captures.

File format: classic pcap, little-endian, version 2.4, microsecond
timestamps, snaplen 262144, linktype 1 (Ethernet).  Packet n (from 0) of
every file has the timestamp 1700000000.000000 + n ms.

Every packet, unless noted, is laid out as
    Ethernet 00:05:85:00:00:01 > 00:50:56:00:00:02
    IPv4 192.0.2.1 > 192.0.2.2, TTL 255, DF clear, id 1, 2, ... per file
    UDP 30030 > 30030, checksum 0
    mirror header: word0 = MHV << 30 | mirror id, word1 = session id
    mirrored packet (IPv4, IPv6 or PPP frame)
Inner packets use 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32, and
all inner IPv4/ICMP/ICMPv6/TCP/UDP checksums are correct.  Mirror id 768
(0x300) and session id 144 (0x90) are used unless noted.

Captures:
  jmirror-ipv4.pcap          ICMP echo request + reply, TCP SYN with MSS
                             (the README example)
  jmirror-ipv4-options.pcap  inner IPv4 with options: Router Alert (IHL 6)
                             + ICMP echo; NOP, Record Route, EOL (IHL 8)
                             + UDP DNS query
  jmirror-ipv6.pcap          inner IPv6 (traffic class 0xb8, flow label
                             0x12345): ICMPv6 echo request, TCP SYN
  jmirror-ppp.pcap           PPP frames with FF 03: LCP, IPCP, IPV6CP
                             Configure-Requests, PAP Authenticate-Request,
                             CHAP Challenge, IPv4, IPv6, MPLS over IPv4;
                             mirror id 0x1234, session id 0xabcdef01
  jmirror-ppp-control.pcap   the PPP control frames of jmirror-ppp alone
                             (no IPv6: its -v layout differs between
                             tcpdump versions)
  jmirror-ppp-compressed.pcap PPP with address/control and/or protocol
                             field compression (same ids as jmirror-ppp)
  jmirror-mhv.pcap           MHV 1, 2 and 3; mirror id 0x3fffffff and
                             session id 0xffffffff
  jmirror-unknown.pcap       payloads that are neither IP nor PPP
                             (mirror id 1, session id 2)
  jmirror-short.pcap         UDP payloads of 0, 1, 4, 7 bytes (shorter than
                             the mirror header)
  jmirror-empty.pcap         mirror header with nothing after it
  jmirror-trunc-hdr.pcap     captured length ends 3 and 6 bytes into the
                             mirror header; a 7-byte UDP payload (too
                             short for the header) captured to 2 bytes
  jmirror-trunc-inner.pcap   captured length ends inside the mirrored
                             packet: IPv4 header, ICMP header, ICMP data,
                             ICMPv6 header, PPP protocol field
  jmirror-port.pcap          UDP 41000 > 40000 and 41000 > 40001
                             (non-default ports)
  jmirror-inner-udp.pcap     UDP 41000 > 40000; inner DNS query and response
  jmirror-nested.pcap        jmirror inside jmirror (inner ids 9 / 10)
  jmirror-deep.pcap          40 nested levels, ids = level number (1..40)
  jmirror-ipv6-outer.pcap    outer IPv6 2001:db8:ffff::1 > ::2, hop limit
                             255, UDP checksum computed; inner IPv4, IPv6
  jmirror-collide.pcap       not jmirror: DNS query and reply, NTP, syslog
                             and VXLAN with 30030 as the client's port
                             (UDP checksums computed)
  jmirror-nfs-port.pcap      jmirror from port 2049 with session id 1 (an
                             RPC reply to the NFS heuristic), to port 2049
                             with session id 0 (an RPC call), and from
                             DNS's port 53 to 30030
  jmirror-ppp-named.pcap     PPP without address and control fields whose
                             protocol tcpdump names but did not decode
                             before: EAP, VJ compressed (protocol field
                             compressed too), CCP, multilink; the FF 03
                             form of the EAP frame; a frame starting 02 02,
                             which is no PPP protocol
"""

import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
import jmirror_pcap as jp  # noqa: E402
from jmirror_pcap import (JM_PORT, dns, ether, icmp_echo, ipv4,  # noqa: E402
                          ipv6, jmirror, ppp, ppp_ctl, udp)


def tcp(sport, dport, seq, mss=1460):
    """A TCP SYN with the MSS option."""
    return jp.tcp(sport, dport, seq, opts=jp.mss(mss))


def jm_ip(mid, sid, payload, ident=0, sport=JM_PORT, dport=JM_PORT, mhv=0):
    """IPv4 192.0.2.1 > 192.0.2.2 / UDP (checksum 0) / mirror header."""
    return ipv4("192.0.2.1", "192.0.2.2", 17,
                udp(sport, dport, jmirror(mid, sid, payload, mhv)),
                ttl=255, ident=ident, l4csum=False)


# --- pcap writer ------------------------------------------------------------

class Pcap:
    def __init__(self):
        self.pkts = []      # (frame, captured length)
        self.ident = 0      # outer IPv4 id

    def add(self, frame, caplen=None):
        self.pkts.append((frame, len(frame) if caplen is None else caplen))

    def mirror(self, inner, mid=768, sid=144, mhv=0, sport=JM_PORT,
               dport=JM_PORT, caplen=None):
        """Add Ethernet/IPv4/UDP/mirror header/inner; return frame length."""
        self.ident += 1
        frame = ether(jm_ip(mid, sid, inner, self.ident, sport, dport, mhv))
        self.add(frame, caplen)
        return len(frame)

    def write(self, path):
        """Packet n stamped EPOCH s + n ms."""
        jp.write_pcap(path, [jp.stamp(n) + (frame[:caplen], len(frame))
                             for n, (frame, caplen) in enumerate(self.pkts)])


# --- inner packets ----------------------------------------------------------

A, B = "198.51.100.7", "203.0.113.9"
A6, B6 = "2001:db8::7", "2001:db8::9"
DATA = bytes(range(0x10, 0x10 + 36))    # 36 bytes: inner IPv4 length 64


def ping4(seq=1, reply=False, data=DATA, ident=0x1001):
    src, dst = (B, A) if reply else (A, B)
    return ipv4(src, dst, 1, icmp_echo(7, seq, data, reply), ident=ident)


def ping6(seq=1, **kw):
    return ipv6(A6, B6, 58, icmp_echo(7, seq, DATA[:32], v6=True), **kw)


# header length of Ethernet + outer IPv4 + UDP + mirror header
OUTER = 14 + 20 + 8 + 8


# --- captures ---------------------------------------------------------------

def cap_ipv4(p):
    p.mirror(ping4(9))
    p.mirror(ping4(9, reply=True))
    p.mirror(ipv4(A, B, 6, tcp(40000, 80, 0x11223344), ident=0x1002))


def cap_ipv4_options(p):
    router_alert = bytes.fromhex("94040000")
    p.mirror(ipv4(A, B, 1, icmp_echo(7, 1, DATA), opts=router_alert,
                  ident=0x1003))
    # NOP, Record Route (length 7, pointer 8: one slot, already filled), EOL
    rr = b"\x01" + bytes.fromhex("070708") + socket.inet_aton("198.51.100.1")
    rr += b"\0" * (12 - len(rr))
    p.mirror(ipv4(A, B, 17, udp(33333, 53, dns(0x4242, "example.com")),
                  opts=rr, ident=0x1004))


def cap_ipv6(p):
    p.mirror(ping6(tc=0xB8, flow=0x12345))
    p.mirror(ipv6(A6, B6, 6, tcp(40001, 443, 0x55667788, mss=1440),
                  tc=0xB8, flow=0x12345))


PPP_IDS = dict(mid=0x1234, sid=0xABCDEF01)


def ppp_control_frames():
    """LCP, IPCP and IPV6CP Configure-Requests, PAP and CHAP."""
    lcp = struct.pack("!BBH", 1, 4, 1492) + struct.pack("!BBI", 5, 6,
                                                         0x01020304)
    ipcp = struct.pack("!BB4s", 3, 6, socket.inet_aton("0.0.0.0"))
    ipv6cp = struct.pack("!BBQ", 1, 10, 0x0011223344556677)
    pap = b"\x04user" + b"\x06secret"
    chap = b"\x10" + bytes(range(0xA0, 0xB0)) + b"bras"
    return [ppp(0xC021, ppp_ctl(1, 1, lcp)),
            ppp(0x8021, ppp_ctl(1, 1, ipcp)),
            ppp(0x8057, ppp_ctl(1, 1, ipv6cp)),
            ppp(0xC023, ppp_ctl(1, 1, pap)),
            ppp(0xC223, ppp_ctl(1, 1, chap))]


def cap_ppp(p):
    for frame in ppp_control_frames():
        p.mirror(frame, **PPP_IDS)
    p.mirror(ppp(0x0021, ping4(1)), **PPP_IDS)
    p.mirror(ppp(0x0057, ping6(1)), **PPP_IDS)
    label = 100 << 12 | 1 << 8 | 64      # label 100, TC 0, S=1, TTL 64
    p.mirror(ppp(0x0281, struct.pack("!I", label) + ping4(2)), **PPP_IDS)


def cap_ppp_control(p):
    for frame in ppp_control_frames():
        p.mirror(frame, **PPP_IDS)


def cap_ppp_compressed(p):
    p.mirror(ppp(0x0021, ping4(1), acfc=True), **PPP_IDS)
    p.mirror(ppp(0x21, ping4(2), acfc=True, pfc=True), **PPP_IDS)
    echo = struct.pack("!I", 0)             # magic number 0
    p.mirror(ppp(0xC021, ppp_ctl(9, 1, echo), acfc=True), **PPP_IDS)
    p.mirror(ppp(0x57, ping6(3), acfc=True, pfc=True), **PPP_IDS)


def cap_mhv(p):
    small = b"\xaa" * 8
    p.mirror(ping4(1, data=small), mhv=1, mid=768, sid=144)
    p.mirror(ping4(2, data=small), mhv=2, mid=5, sid=0)
    p.mirror(ping4(3, data=small), mhv=3, mid=0x3FFFFFFF, sid=0xFFFFFFFF)


def cap_unknown(p):
    for payload in (bytes(12),
                    bytes.fromhex("1234") + bytes(range(1, 15)),
                    bytes.fromhex("5002") + bytes(range(1, 9)),
                    bytes.fromhex("fefe") + bytes(range(1, 19))):
        p.mirror(payload, mid=1, sid=2)


def short_frame(p, n):
    """A UDP payload of the first n bytes of a mirror header (n < 8)."""
    p.ident += 1
    return ether(ipv4("192.0.2.1", "192.0.2.2", 17,
                      udp(JM_PORT, JM_PORT, jmirror(768, 144, b"")[:n]),
                      ttl=255, ident=p.ident, l4csum=False))


def cap_short(p):
    for n in (0, 1, 4, 7):
        p.add(short_frame(p, n))


def cap_empty(p):
    p.mirror(b"")


def cap_trunc_hdr(p):
    for n in (3, 6):
        p.mirror(ping4(n), caplen=OUTER - 8 + n)
    # too short for a header, and cut short too: 2 of its 7 bytes
    p.add(short_frame(p, 7), caplen=OUTER - 8 + 2)


def cap_trunc_inner(p):
    p.mirror(ping4(1), caplen=OUTER + 10)          # inside IPv4 header
    p.mirror(ping4(2), caplen=OUTER + 20 + 4)      # ICMP type/code/cksum
    p.mirror(ping4(3), caplen=OUTER + 20 + 8)      # echo up to seq, no data
    p.mirror(ping6(4), caplen=OUTER + 40 + 4)      # ICMPv6 type/code/cksum
    lcp = ppp_ctl(9, 1, struct.pack("!I", 0))
    p.mirror(ppp(0xC021, lcp), caplen=OUTER + 3)   # FF 03 C0


def cap_port(p):
    p.mirror(ping4(1), sport=41000, dport=40000)
    p.mirror(ping4(2), sport=41000, dport=40001)


def cap_inner_udp(p):
    q = dns(0x1234, "example.com")
    r = dns(0x1234, "example.com", answer="192.0.2.80")
    p.mirror(ipv4(A, "203.0.113.53", 17, udp(33333, 53, q), ident=0x1005),
             sport=41000, dport=40000)
    p.mirror(ipv4("203.0.113.53", A, 17, udp(53, 33333, r), ident=0x2001),
             sport=41000, dport=40000)


def cap_nested(p):
    p.mirror(jm_ip(9, 10, ping4(1), ident=1))


def cap_deep(p, levels=40):
    pkt = ping4(1, data=b"deep")
    for level in range(levels, 1, -1):
        pkt = jm_ip(level, level, pkt, ident=level)
    p.mirror(pkt, mid=1, sid=1)


def cap_ipv6_outer(p):
    for inner in (ping4(1), ping6(2)):
        seg = udp(JM_PORT, JM_PORT, jmirror(768, 144, inner))
        p.add(ether(ipv6("2001:db8:ffff::1", "2001:db8:ffff::2", 17, seg,
                         hlim=255), etype=0x86DD))


def plain_udp(src, dst, sport, dport, payload, ident):
    """Ethernet / IPv4 / UDP with its checksum: traffic that is not jmirror."""
    return ether(ipv4(src, dst, 17, udp(sport, dport, payload), ident=ident))


def cap_collide(p):
    client, server = "192.0.2.10", "192.0.2.53"
    query = dns(0x3039, "www.tcpdump.org")
    reply = dns(0x3039, "www.tcpdump.org", answer="192.0.2.80")
    p.add(plain_udp(client, server, JM_PORT, 53, query, 1))
    p.add(plain_udp(server, client, 53, JM_PORT, reply, 2))
    # NTPv4 client request: LI 0, VN 4, mode 3, poll 6, precision -20,
    # transmit time stamp 2023-11-14 22:13:20
    ntp = struct.pack("!BBbb", 0x23, 0, 6, -20) + bytes(36) + \
        struct.pack("!II", 1700000000 + 2208988800, 0)
    p.add(plain_udp(client, "192.0.2.123", JM_PORT, 123, ntp, 3))
    syslog = b"<13>Nov 14 22:13:20 host app: port 30030 is mine"
    p.add(plain_udp(client, "192.0.2.14", JM_PORT, 514, syslog, 4))
    vxlan = struct.pack("!II", 0x08000000, 4242 << 8) + ether(ping4(1))
    p.add(plain_udp(client, "192.0.2.47", JM_PORT, 4789, vxlan, 5))


def cap_nfs_port(p):
    p.mirror(ping4(1), sid=1, sport=2049, dport=JM_PORT)
    p.mirror(ping4(2), sid=0, sport=JM_PORT, dport=2049)
    p.mirror(ping4(3), sport=53, dport=JM_PORT)


def cap_ppp_named(p):
    eap_identity = ppp_ctl(1, 1, b"\x01")      # EAP Request, Identity
    p.mirror(ppp(0xC227, eap_identity, acfc=True), **PPP_IDS)
    # VJ compressed TCP/IP: change mask (I, S), connection 5, checksum,
    # sequence delta 12, then data
    vjc = bytes.fromhex("4905beef0c") + b"data"
    p.mirror(ppp(0x2D, vjc, acfc=True, pfc=True), **PPP_IDS)
    p.mirror(ppp(0x80FD, ppp_ctl(1, 1, b""), acfc=True), **PPP_IDS)
    # multilink, long sequence number header: B and E set, sequence 1
    p.mirror(ppp(0x3D, bytes.fromhex("c0000001") + ppp(0x21, ping4(4),
                                                         acfc=True,
                                                         pfc=True),
                 acfc=True, pfc=True), **PPP_IDS)
    p.mirror(ppp(0xC227, eap_identity), **PPP_IDS)
    p.mirror(bytes.fromhex("0202") + bytes(10), **PPP_IDS)


CAPTURES = {
    "jmirror-ipv4.pcap": cap_ipv4,
    "jmirror-ipv4-options.pcap": cap_ipv4_options,
    "jmirror-ipv6.pcap": cap_ipv6,
    "jmirror-ppp.pcap": cap_ppp,
    "jmirror-ppp-control.pcap": cap_ppp_control,
    "jmirror-ppp-compressed.pcap": cap_ppp_compressed,
    "jmirror-mhv.pcap": cap_mhv,
    "jmirror-unknown.pcap": cap_unknown,
    "jmirror-short.pcap": cap_short,
    "jmirror-empty.pcap": cap_empty,
    "jmirror-trunc-hdr.pcap": cap_trunc_hdr,
    "jmirror-trunc-inner.pcap": cap_trunc_inner,
    "jmirror-port.pcap": cap_port,
    "jmirror-inner-udp.pcap": cap_inner_udp,
    "jmirror-nested.pcap": cap_nested,
    "jmirror-deep.pcap": cap_deep,
    "jmirror-ipv6-outer.pcap": cap_ipv6_outer,
    "jmirror-collide.pcap": cap_collide,
    "jmirror-nfs-port.pcap": cap_nfs_port,
    "jmirror-ppp-named.pcap": cap_ppp_named,
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    os.makedirs(outdir, exist_ok=True)
    for name, build in CAPTURES.items():
        p = Pcap()
        build(p)
        p.write(os.path.join(outdir, name))


if __name__ == "__main__":
    main()
