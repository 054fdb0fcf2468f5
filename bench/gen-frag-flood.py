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
import struct
import sys

JM_PORT = 30030
START = 1700000000 * 1000000          # first time stamp, microseconds
INNER_CLAIMED = 1000                  # mirrored bytes the UDP length claims
ETHER = b"\x00\x50\x56\x00\x00\x64" b"\x00\x05\x85\x00\x00\x01" b"\x08\x00"
ANALYZER_IP = bytes([192, 0, 2, 100])


def with_checksum(hdr):
    """An option-less IPv4 header with its checksum filled in."""
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:]


def payload():
    """UDP header, jmirror header, the start of a mirrored IPv4 packet."""
    inner = struct.pack("!BBHHHBBH4s4s", 0x45, 0, INNER_CLAIMED, 1, 0, 64,
                        17, 0, bytes([10, 0, 0, 1]), bytes([198, 51, 100, 53]))
    inner = with_checksum(inner) + bytes(range(28))
    jm = struct.pack("!II", 768, 1)
    return struct.pack("!HHHH", JM_PORT, JM_PORT,
                       8 + len(jm) + INNER_CLAIMED, 0) + jm + inner


def fragment(i, data):
    """Frame i: the first fragment of datagram i."""
    src = struct.pack("!I", (10 << 24) + i + 1)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), i & 0xFFFF,
                      0x2000, 64, 17, 0, src, ANALYZER_IP)
    return ETHER + with_checksum(hdr) + data


def write(count, path):
    data = payload()
    assert len(data) % 8 == 0, "a non-last fragment holds 8-byte units"
    with open(path, "wb", buffering=1 << 20) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i in range(count):
            ts = START + i
            frame = fragment(i, data)
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000,
                                len(frame), len(frame)) + frame)


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
