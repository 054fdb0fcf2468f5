#!/usr/bin/env python3
"""Write the fuzzing seed corpus from the jmirror test captures
(Python 3 standard library only).

Usage: python3 make-seeds.py [TESTSDIR [OUTDIR]]
       (defaults: ../tests/tcpdump and ./corpus, next to this script)

One seed per UDP packet of TESTSDIR/jmirror-*.pcap, named after the
capture and the packet number (jmirror-ipv4-1, ...), in the input layout
of fuzz-jmirror.c: a flags byte, then the UDP payload as captured.
  - UDP ports other than 30030: flag 0x01 (-T jmirror) and the
    destination port;
  - outer IPv6: flag 0x80;
  - a packet captured short of its wire length: flag 0x40 and the IP
    and UDP length fields of the packet, so that the seed is cut short
    the same way.
Classic pcap, Ethernet link type only.  Output is deterministic, and
the jmirror-* files already in OUTDIR are replaced, so OUTDIR ends up
with exactly the seeds of the current captures.
"""

import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "common"))
import jmirror_pcap as jp  # noqa: E402

FLAG_PACKETTYPE = 0x01
FLAG_LENGTHS = 0x40
FLAG_IPV6 = 0x80


def pcap_packets(path):
    """(captured bytes, wire length) of each packet of a pcap file."""
    try:
        cap = jp.read_pcap(path)
    except ValueError:
        sys.exit("make-seeds: %s: not a classic pcap file" % path)
    if cap.linktype != jp.LINKTYPE_ETHERNET:
        sys.exit("make-seeds: %s: link type is not Ethernet" % path)
    return [(data, wirelen) for _, _, _, wirelen, data in cap.records]


def seed(frame, wirelen):
    """The seed of one Ethernet frame, or None if it is not IP/UDP."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    flags = 0
    if ethertype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
        ihl = (ip[0] & 0x0F) * 4
        ip_len = struct.unpack("!H", ip[2:4])[0]
        udp = ip[ihl:]
    elif ethertype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
        flags |= FLAG_IPV6
        ip_len = struct.unpack("!H", ip[4:6])[0]
        udp = ip[40:]
    else:
        return None
    if len(udp) < 8:
        return None
    sport, dport, udp_len = struct.unpack("!HHH", udp[:6])
    extra = b""
    if jp.JM_PORT not in (sport, dport):
        flags |= FLAG_PACKETTYPE
        extra += struct.pack("!H", dport)
    if len(frame) < wirelen:
        flags |= FLAG_LENGTHS
        extra += struct.pack("!HH", ip_len, udp_len)
    return bytes([flags]) + extra + udp[8:]


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return
    if len(sys.argv) > 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    here = os.path.dirname(os.path.abspath(__file__))
    testsdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "tcpdump")
    outdir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "corpus")
    os.makedirs(outdir, exist_ok=True)
    names = sorted(n for n in os.listdir(testsdir)
                   if n.startswith("jmirror-") and n.endswith(".pcap"))
    if not names:
        sys.exit("make-seeds: no jmirror-*.pcap in %s" % testsdir)
    for old in os.listdir(outdir):
        if old.startswith("jmirror-"):
            os.remove(os.path.join(outdir, old))
    count = 0
    for name in names:
        for n, (frame, wirelen) in enumerate(pcap_packets(os.path.join(testsdir, name)), 1):
            data = seed(frame, wirelen)
            if data is None:
                continue
            with open(os.path.join(outdir, "%s-%d" % (name[:-5], n)), "wb") as f:
                f.write(data)
            count += 1
    print("%d seeds from %d captures in %s" % (count, len(names), outdir))


if __name__ == "__main__":
    main()
