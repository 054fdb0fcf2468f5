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

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "common"))
import jmirror_pcap as jp  # noqa: E402

# fuzz-decap.c's link_types[]: Ethernet is 0, raw IP 1
LINK_INDEX = {jp.LINKTYPE_ETHERNET: 0, jp.LINKTYPE_RAW: 1}
MOST = 64


def packets(path):
    """The link type and the first MOST packets of a pcap file."""
    cap = jp.read_pcap(path, strict=False)
    return cap.linktype, [data for *_, data in cap.records[:MOST]]


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
