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

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
import jmirror_pcap as jp  # noqa: E402


def cut(src, dst):
    try:
        cap = jp.read_pcap(src)
    except ValueError as e:
        sys.exit("pcap-cut: %s" % e)
    with open(dst, "wb") as fout:
        fout.write(cap.header)
        outno = 0
        lines = []
        for pktno, (_, _, _, wirelen, data) in enumerate(cap.records, 1):
            for caplen in range(len(data) + 1):
                outno += 1
                fout.write(jp.record(pktno, caplen, data[:caplen], wirelen,
                                     cap.order))
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
