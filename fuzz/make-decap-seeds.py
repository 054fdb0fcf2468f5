#!/usr/bin/env python3
"""make-decap-seeds.py OUTDIR CAPTURE...: seeds for fuzz-decap.

Each capture (classic pcap, Ethernet or raw IP) becomes one input in
fuzz-decap.c's layout: its link type's index, flags 0, then up to 64 of
its packets, each as a 2-byte big-endian length and the bytes.  Python 3
standard library only.
"""

import os
import struct
import sys

# fuzz-decap.c's link_types[]: Ethernet is 0, raw IP 1
LINK_INDEX = {1: 0, 101: 1}
MOST = 64


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") \
        else ">"
    linktype = struct.unpack(order + "I", data[20:24])[0]
    off, out = 24, []
    while off + 16 <= len(data) and len(out) < MOST:
        caplen = struct.unpack(order + "I", data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return linktype, out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for path in sys.argv[2:]:
        linktype, pkts = packets(path)
        if linktype not in LINK_INDEX:
            continue
        seed = bytes([LINK_INDEX[linktype], 0]) + b"".join(
            struct.pack("!H", len(p)) + p for p in pkts)
        name = os.path.basename(path).rsplit(".", 1)[0] + ".seed"
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(seed)


if __name__ == "__main__":
    main()
