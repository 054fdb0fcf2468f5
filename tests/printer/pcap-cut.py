#!/usr/bin/env python3
"""Cut every packet of a capture at every length (Python 3 standard library only).

Usage: python3 pcap-cut.py IN.pcap OUT.pcap

For packet n (from 1) of IN.pcap, with c bytes captured, OUT.pcap gets
c + 1 packets: the first 0, 1, ..., c bytes of it, each keeping the
packet's wire length.  Their timestamps say where they come from:
seconds = n, fraction = the captured length in microseconds (in
nanoseconds for a nanosecond file).  One line per output packet goes to
the standard output:

    OUTNO PACKETNO CAPLEN WIRELEN

IN.pcap must be a classic pcap file (either byte order, microsecond or
nanosecond timestamps); OUT.pcap has IN.pcap's byte order, magic,
snapshot length and link type.
"""

import struct
import sys

MAGICS = (0xA1B2C3D4, 0xA1B23C4D)   # microsecond, nanosecond timestamps


def read_header(f):
    """Return (byte order, raw file header) of a classic pcap file."""
    hdr = f.read(24)
    if len(hdr) != 24:
        sys.exit("pcap-cut: file header truncated")
    for order in ("<", ">"):
        if struct.unpack(order + "I", hdr[:4])[0] in MAGICS:
            return order, hdr
    sys.exit("pcap-cut: not a classic pcap file (pcapng is not supported)")


def packets(f, order):
    """Yield (captured bytes, wire length) of each packet record."""
    rec = struct.Struct(order + "IIII")
    while True:
        raw = f.read(rec.size)
        if not raw:
            return
        if len(raw) != rec.size:
            sys.exit("pcap-cut: packet header truncated")
        _, _, caplen, wirelen = rec.unpack(raw)
        data = f.read(caplen)
        if len(data) != caplen:
            sys.exit("pcap-cut: packet data truncated")
        yield data, wirelen


def cut(src, dst):
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        order, hdr = read_header(fin)
        fout.write(hdr)
        rec = struct.Struct(order + "IIII")
        outno = 0
        lines = []
        for pktno, (data, wirelen) in enumerate(packets(fin, order), 1):
            for caplen in range(len(data) + 1):
                outno += 1
                fout.write(rec.pack(pktno, caplen, caplen, wirelen))
                fout.write(data[:caplen])
                lines.append("%d %d %d %d\n" % (outno, pktno, caplen, wirelen))
        sys.stdout.write("".join(lines))


def main():
    if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        sys.exit(0)
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    cut(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
