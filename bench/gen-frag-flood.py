#!/usr/bin/env python3
"""Write a flood of incomplete fragmented jmirror datagrams as a pcap.

Usage: gen-frag-flood.py [-n DATAGRAMS] PCAP

Each packet is the first fragment (offset 0, more fragments) of its own
outer IPv4/UDP jmirror datagram, from a source address and IP id of its
own, so no two belong together and none is ever complete.  The fragment
holds the UDP header, the jmirror header and the first 48 bytes of the
mirrored packet; its UDP length claims 1,000 bytes more.  Time stamps are
one microsecond apart, so every datagram is within a reassembler's
time-out of the last: only its memory budget can bound it.
Ethernet, classic little-endian pcap; the same arguments give the same
bytes.  Python 3 standard library only.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "common"))
import jmirror_pcap as jp  # noqa: E402

START = jp.EPOCH * 1000000            # first time stamp, microseconds
INNER_CLAIMED = 1000                  # mirrored bytes the UDP length claims
ROUTER_IP = (10 << 24) + 1            # the first datagram's source address
ANALYZER_MAC = bytes.fromhex("005056000064")
ANALYZER_IP = bytes([192, 0, 2, 100])


def payload():
    """UDP header, jmirror header, the start of a mirrored IPv4 packet."""
    inner = jp.ipv4_header(bytes([10, 0, 0, 1]), bytes([198, 51, 100, 53]),
                           17, INNER_CLAIMED - 20, ident=1)
    mirror = jp.jmirror(768, 1, inner + bytes(range(28)))
    udp = jp.udp(jp.JM_PORT, jp.JM_PORT, mirror)
    claimed = 8 + 8 + INNER_CLAIMED
    return udp[:4] + claimed.to_bytes(2, "big") + udp[6:]


def fragment(i, data):
    """Frame i: the first fragment of datagram i."""
    src = (ROUTER_IP + i).to_bytes(4, "big")
    return jp.ether(jp.ipv4(src, ANALYZER_IP, 17, data, ident=i & 0xFFFF,
                            frag=jp.IP_MF, l4csum=False), dst=ANALYZER_MAC)


def write(count, path):
    data = payload()
    assert len(data) % 8 == 0, "a non-last fragment holds 8-byte units"
    with open(path, "wb", buffering=1 << 20) as f:
        f.write(jp.file_header())
        for i in range(count):
            ts = START + i
            frame = fragment(i, data)
            f.write(jp.record(ts // 1000000, ts % 1000000, frame))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--datagrams", type=int, default=1000000,
                    help="number of datagrams (default 1000000)")
    ap.add_argument("pcap", help="capture to write")
    args = ap.parse_args()
    if not 1 <= args.datagrams < 1 << 24:
        ap.error("--datagrams must be from 1 to 16777215")
    write(args.datagrams, args.pcap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
