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
import random
import struct
import sys

JM_PORT = 30030
SNAPLEN = 262144


def csum(data):
    """16-bit one's complement of the one's complement sum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def put_csum(seg, off, pseudo=b"", zero_is_ffff=False):
    """Return seg with its checksum (pseudo-header included) at off."""
    value = csum(pseudo + seg[:off] + b"\0\0" + seg[off + 2:])
    if zero_is_ffff and value == 0:
        value = 0xFFFF
    return seg[:off] + struct.pack("!H", value) + seg[off + 2:]


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
        return struct.pack("!HHHH", self.port(), self.port(),
                           8 + len(payload), 0) + payload

    def tcp(self):
        flags = self.rng.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14])
        opts = struct.pack("!BBH", 2, 4, self.rng.randrange(536, 9000)) \
            if flags & 0x02 else b""
        hdr = struct.pack("!HHIIBBHHH", self.port(), self.port(),
                          self.bits(32), self.bits(32) if flags & 0x10 else 0,
                          (20 + len(opts)) // 4 << 4, flags,
                          self.bits(16), 0, 0)
        return hdr + opts + (self.data() if flags & 0x08 else b"")

    def icmp_echo(self, v6):
        if v6:
            typ = self.rng.choice([128, 129])
        else:
            typ = self.rng.choice([8, 0])
        msg = struct.pack("!BBHHH", typ, 0, 0, self.bits(16), self.bits(16))
        msg += self.data(64)
        return msg if v6 else put_csum(msg, 2)

    def icmp_unreach(self):
        quoted = self.ipv4_packet(17, self.udp(b""))
        msg = struct.pack("!BBHI", 3, self.rng.choice([0, 1, 3, 13]), 0, 0)
        return put_csum(msg + quoted[:28], 2)

    def ipv4_packet(self, proto, seg):
        src, dst = self.addr4(), self.addr4()
        if proto in (6, 17):
            pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
            seg = put_csum(seg, 16 if proto == 6 else 6, pseudo, proto == 17)
        frag = 0x4000 if self.rng.random() < 0.5 else 0
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45,
                          self.rng.choice([0, 0, 0x10, 0xb8, 0x03]),
                          20 + len(seg), self.bits(16), frag,
                          self.rng.randrange(1, 256), proto, 0, src, dst)
        return put_csum(hdr, 10) + seg

    def ipv6_packet(self, nh, seg):
        src, dst = self.addr6(), self.addr6()
        if nh in (6, 17, 58):
            pseudo = src + dst + struct.pack("!IxxxB", len(seg), nh)
            seg = put_csum(seg, {6: 16, 17: 6, 58: 2}[nh], pseudo, nh == 17)
        word0 = 6 << 28 | self.bits(8) << 20 | self.bits(20)
        return struct.pack("!IHBB", word0, len(seg), nh,
                           self.rng.randrange(1, 256)) + src + dst + seg

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
        return struct.pack("!BBH", code, ident, 4 + len(opts)) + opts

    def inner_ppp(self):
        proto = self.rng.choice([0x0021, 0x0057, 0xc021, 0x8021])
        if proto == 0x0021:
            body = self.inner_ipv4()
        elif proto == 0x0057:
            body = self.inner_ipv6()
        else:
            body = self.ppp_control(proto)
        return struct.pack("!BBH", 0xFF, 0x03, proto) + body

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
        mirror = struct.pack("!II", mhv << 30 | self.edgy(30), self.edgy(32))
        payload = mirror + self.inner()
        sport = JM_PORT if self.rng.random() < 0.7 else \
            self.rng.randrange(JM_PORT + 1, 65536)
        udp = struct.pack("!HHHH", sport, JM_PORT, 8 + len(payload), 0)
        self.outer_id = (self.outer_id + 1) & 0xFFFF
        src = bytes([192, 0, 2, self.rng.randrange(1, 255)])
        dst = bytes([192, 0, 2, self.rng.randrange(1, 255)])
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload),
                          self.outer_id, 0, 255, 17, 0, src, dst)
        ip = put_csum(hdr, 10) + udp + payload
        return bytes.fromhex("0050560000020005850000010800") + ip


def stamp(n, nano=False):
    """(seconds, fraction) of frame n: 1700000000 s + n ms (+ n ns with
    nano, the fraction in nanoseconds, else in microseconds)."""
    sec, msec = divmod(n, 1000)
    frac = msec * 1000000 + n % 1000 if nano else msec * 1000
    return 1700000000 + sec, frac


def write_pcap(path, frames, nano=False):
    """Frame n stamped by stamp() (nano writes a nanosecond pcap file)."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, SNAPLEN, 1)]
    for n, frame in enumerate(frames):
        sec, frac = stamp(n, nano)
        out.append(struct.pack("<IIII", sec, frac,
                               len(frame), len(frame)))
        out.append(frame)
    with open(path, "wb") as f:
        f.write(b"".join(out))


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
        write_pcap(args.out, frames)
    except OSError as e:
        sys.exit("gen-corpus.py: %s: %s" % (args.out, e.strerror))
    return 0


if __name__ == "__main__":
    sys.exit(main())
