#!/usr/bin/env python3
"""Write a random but reproducible jmirror capture for cross-checking.

Usage: python3 gen-corpus.py [--count N] [--seed S] OUT.pcap

Python 3 standard library only.  The same N and S always give the same
file, byte for byte.

Every packet is Ethernet / IPv4 (TTL 255) / UDP to port 30030 (from port
30030 or a random higher port, checksum 0) / mirror header / mirrored
packet.  The mirror header has a random MHV (0 to 3, 0 half of the time),
a random 30-bit mirror id and a random 32-bit session id, with the edge
values 0 and all-ones now and then.

The mirrored packets are of the kinds Wireshark's jmirror dissector
decodes, so that tshark can serve as an independent reference:
  - IPv4 without options (first byte exactly 0x45): ICMP echo request or
    reply, ICMP destination unreachable quoting an IPv4 header, UDP, TCP
  - IPv6: ICMPv6 echo request or reply, UDP, TCP
  - PPP with the FF 03 address and control fields: IPv4 (0x0021), IPv6
    (0x0057), LCP (0xc021) Configure-Request or Echo-Request, IPCP (0x8021)
    Configure-Request
Inner addresses are random (IPv6 ones with random zero groups), inner
ports are random but never 30030, and all inner checksums are correct.

File format: classic pcap, little-endian, version 2.4, microsecond
timestamps, snaplen 262144, link type 1 (Ethernet); packet n (from 0)
has the timestamp 1700000000 s + n ms.
"""

import argparse
import os
import random
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
import jmirror_pcap as jp  # noqa: E402

JM_PORT = jp.JM_PORT


class Corpus:
    """Random inner and outer packets from one seeded generator."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.outer_id = 0

    # --- random values --------------------------------------------------

    def bits(self, n):
        return self.rng.getrandbits(n)

    def data(self, longest=120):
        n = self.rng.randrange(longest + 1)
        if self.rng.random() < 0.03:
            n = self.rng.randrange(500, 1400)
        return self.bits(8 * n).to_bytes(n, "big") if n else b""

    def port(self):
        while True:
            port = self.rng.randrange(1, 65536)
            if port != JM_PORT:
                return port

    def edgy(self, nbits):
        """A random nbits value, sometimes 0 or all-ones."""
        roll = self.rng.random()
        if roll < 0.05:
            return 0
        if roll < 0.10:
            return (1 << nbits) - 1
        if roll < 0.30:
            return self.rng.randrange(1, 4096)
        return self.bits(nbits)

    def addr4(self):
        return self.bits(32).to_bytes(4, "big")

    def addr6(self):
        groups = [0x2001, 0x0db8] if self.rng.random() < 0.5 else \
            [self.rng.choice([0x2001, 0x2a00, 0xfe80, 0xff02, 0xfd00]),
             self.bits(16)]
        zero = self.rng.choice([0.0, 0.3, 0.6])
        for _ in range(6):
            groups.append(0 if self.rng.random() < zero else self.bits(16))
        return struct.pack("!8H", *groups)

    # --- transport and network layers -----------------------------------

    def udp(self, payload):
        return jp.udp(self.port(), self.port(), payload)

    def tcp(self):
        flags = self.rng.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14])
        opts = jp.mss(self.rng.randrange(536, 9000)) if flags & 0x02 else b""
        sport, dport, seq = self.port(), self.port(), self.bits(32)
        ack = self.bits(32) if flags & 0x10 else 0
        win = self.bits(16)
        return jp.tcp(sport, dport, seq, ack, flags, win, opts,
                      self.data() if flags & 0x08 else b"")

    def icmp_echo(self, v6):
        reply = self.rng.choice([False, True])
        ident, seq = self.bits(16), self.bits(16)
        return jp.icmp_echo(ident, seq, self.data(64), reply, v6)

    def icmp_unreach(self):
        quoted = self.ipv4_packet(17, self.udp(b""))
        msg = struct.pack("!BBHI", 3, self.rng.choice([0, 1, 3, 13]), 0, 0)
        return jp.with_csum(msg + quoted[:28], 2)

    def ipv4_packet(self, proto, seg):
        src, dst = self.addr4(), self.addr4()
        frag = jp.IP_DF if self.rng.random() < 0.5 else 0
        tos = self.rng.choice([0, 0, 0x10, 0xb8, 0x03])
        ident, ttl = self.bits(16), self.rng.randrange(1, 256)
        return jp.ipv4(src, dst, proto, seg, ttl, ident, tos, frag)

    def ipv6_packet(self, nh, seg):
        src, dst = self.addr6(), self.addr6()
        tc, flow, hlim = self.bits(8), self.bits(20), self.rng.randrange(1, 256)
        return jp.ipv6(src, dst, nh, seg, hlim, tc, flow)

    # --- mirrored packets -------------------------------------------------

    def inner_ipv4(self):
        kind = self.rng.choice(["icmp", "unreach", "udp", "tcp"])
        if kind == "icmp":
            return self.ipv4_packet(1, self.icmp_echo(False))
        if kind == "unreach":
            return self.ipv4_packet(1, self.icmp_unreach())
        if kind == "udp":
            return self.ipv4_packet(17, self.udp(self.data()))
        return self.ipv4_packet(6, self.tcp())

    def inner_ipv6(self):
        kind = self.rng.choice(["icmp", "udp", "tcp"])
        if kind == "icmp":
            return self.ipv6_packet(58, self.icmp_echo(True))
        if kind == "udp":
            return self.ipv6_packet(17, self.udp(self.data()))
        return self.ipv6_packet(6, self.tcp())

    def ppp_control(self, proto):
        ident = self.bits(8)
        if proto == 0x8021:
            code, opts = 1, struct.pack("!BB4s", 3, 6, self.addr4())
        elif self.rng.random() < 0.5:
            code = 1
            opts = struct.pack("!BBH", 1, 4, self.rng.randrange(576, 1500))
            opts += struct.pack("!BBI", 5, 6, self.bits(32))
        else:
            code, opts = 9, struct.pack("!I", self.bits(32)) + self.data(16)
        return jp.ppp_ctl(code, ident, opts)

    def inner_ppp(self):
        proto = self.rng.choice([0x0021, 0x0057, 0xc021, 0x8021])
        if proto == 0x0021:
            body = self.inner_ipv4()
        elif proto == 0x0057:
            body = self.inner_ipv6()
        else:
            body = self.ppp_control(proto)
        return jp.ppp(proto, body)

    def inner(self):
        roll = self.rng.random()
        if roll < 0.4:
            return self.inner_ipv4()
        if roll < 0.7:
            return self.inner_ipv6()
        return self.inner_ppp()

    # --- the outer packet -----------------------------------------------

    def frame(self):
        mhv = 0 if self.rng.random() < 0.5 else self.rng.randrange(4)
        mid, sid = self.edgy(30), self.edgy(32)
        payload = jp.jmirror(mid, sid, self.inner(), mhv)
        sport = JM_PORT if self.rng.random() < 0.7 else \
            self.rng.randrange(JM_PORT + 1, 65536)
        self.outer_id = (self.outer_id + 1) & 0xFFFF
        src = bytes([192, 0, 2, self.rng.randrange(1, 255)])
        dst = bytes([192, 0, 2, self.rng.randrange(1, 255)])
        return jp.ether(jp.ipv4(src, dst, 17, jp.udp(sport, JM_PORT, payload),
                                ttl=255, ident=self.outer_id, l4csum=False))


def main():
    parser = argparse.ArgumentParser(
        usage="%(prog)s [--count N] [--seed S] OUT.pcap",
        description=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1200, metavar="N",
                        help="number of packets (default 1200)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="random seed (default 1)")
    parser.add_argument("out", metavar="OUT.pcap", help="file to write")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")
    corpus = Corpus(args.seed)
    frames = [corpus.frame() for _ in range(args.count)]
    try:
        jp.write_pcap(args.out, jp.stamped(frames))
    except OSError as e:
        sys.exit("gen-corpus.py: %s: %s" % (args.out, e.strerror))
    return 0


if __name__ == "__main__":
    sys.exit(main())
