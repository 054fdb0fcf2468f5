#!/usr/bin/env python3
"""Write a random but reproducible jmirror capture for checking jmirror-decap.

Usage: python3 gen-decap-corpus.py [--count N] [--seed S] [--nano]
           [--pcapng [--tsresol R] [--big-endian]] [--port P]
           [--dstopts-unfragmentable] OUT

Python 3 standard library only; the same arguments always give the same
file, byte for byte.  The mirrored packets come from gen-corpus.py's
generator (kinds tshark's jmirror dissector decodes: IPv4 starting 0x45,
IPv6, PPP with FF 03 and IPv4, IPv6, LCP or IPCP).  On top of it:

  - a few intercepts (mirror id and session id pairs, MHV 0), each
    either an IP session (IPv4 and IPv6 packets) or a PPP session, their
    packets interleaved;
  - outer IPv4 or IPv6 (IPv6 with a destination options header now and
    then), UDP to port 30030 (--port);
  - outer datagrams longer than a random MTU (576, 1280 or 1500)
    fragmented (IPv4 fragments, or the IPv6 fragment header), the
    fragments of a datagram in a random order, one of them sometimes
    twice; an IPv6 destination options header goes after the fragment
    header, or with --dstopts-unfragmentable in front of it;
  - now and then a UDP datagram that is not jmirror (port 53).

Link type Ethernet, little-endian pcap (pcapng with --pcapng: one
interface, if_tsresol R, by default 9 with --nano, else microseconds);
frame n (from 0) has the time stamp 1700000000 s + n ms (+ n ns with
--nano, which writes nanosecond time stamps).
"""

import argparse
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "common"))
import jmirror_pcap as jp  # noqa: E402

gen_corpus = jp.load_script(os.path.join(HERE, "..", "..", "tests",
                                         "references", "gen-corpus.py"))
JM_PORT = jp.JM_PORT
OUTER4 = (bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
OUTER6 = (bytes.fromhex("20010db8000000000000000000000001"),
          bytes.fromhex("20010db8000000000000000000000002"))


class DecapCorpus(gen_corpus.Corpus):
    """Intercepts of mirrored packets, in fragmented outer datagrams."""

    def __init__(self, seed, port=JM_PORT, dstopts_unfragmentable=False):
        super().__init__(seed)
        self.jm_port = port
        self.dstopts_unfragmentable = dstopts_unfragmentable
        # (mirror id, session id, PPP session): two sessions of 768,
        # the largest mirror id, the largest session id
        self.intercepts = [(768, 100, False), (768, 101, True),
                           (769, 102, False), (770, 103, True),
                           (4660, 104, False),
                           ((1 << 30) - 1, (1 << 32) - 1, False)]
        self.ident = 0

    def mirrored(self, ppp):
        if ppp:
            return self.inner_ppp()
        return self.inner_ipv4() if self.rng.random() < 0.55 \
            else self.inner_ipv6()

    def outer_ipv4(self, payload, port=None):
        port = port or self.jm_port
        self.ident = (self.ident + 1) & 0xFFFF
        return jp.ipv4(*OUTER4, 17, jp.udp(port, port, payload), ttl=255,
                       ident=self.ident)

    def fragments_ipv4(self, dgram, mtu):
        hdr, data = dgram[:20], dgram[20:]
        unit = (mtu - 20) // 8 * 8
        out = []
        for start in range(0, len(data), unit):
            piece = data[start:start + unit]
            more = jp.IP_MF if start + unit < len(data) else 0
            out.append(jp.ipv4_rewrite(hdr + piece, 20 + len(piece),
                                       more | start // 8))
        return out

    def outer_ipv6(self, payload):
        seg = jp.l4_csum(*OUTER6, 17, jp.udp(self.jm_port, self.jm_port,
                                             payload))
        nh = 17
        if self.rng.random() < 0.3:
            # destination options: PadN to 8 bytes
            seg = struct.pack("!BBBB4x", 17, 0, 1, 4) + seg
            nh = 60
        return jp.ipv6(*OUTER6, nh, seg, l4csum=False)

    def fragments_ipv6(self, dgram, mtu):
        hdr, nh, data = dgram[:40], dgram[6], dgram[40:]
        first = 44
        unfrag = b""
        if nh == 60 and self.dstopts_unfragmentable:
            # the destination options header, 8 bytes, before the
            # fragment header: it names the fragment header next
            first, nh = 60, data[0]
            unfrag, data = bytes([44]) + data[1:8], data[8:]
        self.ident += 1
        unit = (mtu - 48 - len(unfrag)) // 8 * 8
        out = []
        for start in range(0, len(data), unit):
            piece = data[start:start + unit]
            more = 1 if start + unit < len(data) else 0
            frag = struct.pack("!BBHI", nh, 0, start | more, self.ident)
            h = hdr[:4] + struct.pack("!HB", len(unfrag) + 8 + len(piece),
                                      first) + hdr[7:]
            out.append(h + unfrag + frag + piece)
        return out

    def frames(self):
        """The frames of one mirrored packet, or of a packet not jmirror."""
        if self.rng.random() < 0.05:
            return [jp.ether(self.outer_ipv4(self.data(), 53))]
        mid, sid, ppp = self.rng.choice(self.intercepts)
        payload = jp.jmirror(mid, sid, self.mirrored(ppp))
        if self.rng.random() < 0.1:
            payload += bytes(self.rng.randrange(600, 3000))
            payload = payload[:8] + self.fix_length(payload[8:])
        v6 = self.rng.random() < 0.35
        dgram = self.outer_ipv6(payload) if v6 else self.outer_ipv4(payload)
        mtu = self.rng.choice([576, 1280, 1500])
        if len(dgram) <= mtu:
            return [jp.ether(dgram)]
        pieces = self.fragments_ipv6(dgram, mtu) if v6 \
            else self.fragments_ipv4(dgram, mtu)
        self.rng.shuffle(pieces)
        if self.rng.random() < 0.2:
            pieces.insert(self.rng.randrange(len(pieces) + 1),
                          self.rng.choice(pieces))
        return [jp.ether(p) for p in pieces]

    def fix_length(self, inner):
        """A mirrored packet with padding added: its own length fields
        grown to match (IPv4 total length and checksum, IPv6 payload
        length, behind a PPP header or not)."""
        off = 4 if inner[0] == 0xFF else 0
        ip = inner[off:]
        if ip[0] >> 4 == 4:
            ip = jp.ipv4_rewrite(ip, total=len(ip))
        elif ip[0] >> 4 == 6:
            ip = ip[:4] + struct.pack("!H", len(ip) - 40) + ip[6:]
        return inner[:off] + ip


def main():
    parser = argparse.ArgumentParser(
        usage="%(prog)s [--count N] [--seed S] [--nano] "
              "[--pcapng [--tsresol R] [--big-endian]] [--port P] "
              "[--dstopts-unfragmentable] OUT",
        description=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=600, metavar="N",
                        help="mirrored packets and others (default 600)")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--nano", action="store_true",
                        help="nanosecond time stamps")
    parser.add_argument("--pcapng", action="store_true",
                        help="write pcapng, not pcap")
    parser.add_argument("--tsresol", type=int, metavar="R",
                        help="pcapng: the if_tsresol byte (10^-R s, or "
                             "2^-(R-128) s from 128 on)")
    parser.add_argument("--big-endian", action="store_true",
                        help="pcapng: big-endian")
    parser.add_argument("--port", type=int, default=JM_PORT, metavar="P",
                        help="the jmirror UDP port (default %d)" % JM_PORT)
    parser.add_argument("--dstopts-unfragmentable", action="store_true",
                        help="IPv6 destination options before the "
                             "fragment header")
    parser.add_argument("out", metavar="OUT")
    args = parser.parse_args()
    corpus = DecapCorpus(args.seed, args.port, args.dstopts_unfragmentable)
    frames = []
    for _ in range(args.count):
        frames.extend(corpus.frames())
    try:
        if args.pcapng:
            jp.write_pcapng(args.out, frames, args.nano, args.tsresol,
                            args.big_endian)
        else:
            jp.write_pcap(args.out, jp.stamped(frames, args.nano),
                          nano=args.nano)
    except OSError as e:
        sys.exit("gen-decap-corpus.py: %s: %s" % (args.out, e.strerror))
    return 0


if __name__ == "__main__":
    sys.exit(main())
