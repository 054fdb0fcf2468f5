#!/usr/bin/env python3
"""Write the jmirror benchmark captures (Python 3 standard library only).

Usage: gen-bench-corpus.py [-n PACKETS] [--seed SEED] JMIRROR_PCAP RAW_PCAP

JMIRROR_PCAP gets PACKETS jmirror packets (Ethernet, outer IPv4/UDP to
port 30030, mirror header, mirrored packet); RAW_PCAP gets the same
mirrored packets alone (LINKTYPE_RAW, 101), with the same time stamps.
Both are classic little-endian pcap files, microsecond time stamps.
The same arguments always give byte-identical files.

Traffic model: two routers mirror the traffic of SESSIONS subscribers
(one in four on IPv6) for INTERCEPTS mirror ids to one analyzer.  The
first router sends from port 30030, as JUNOSe does, the second from a
port of its own, as Junos MX does (50000; not 49152, which tcpdump
decodes as BCM-LI).  Subscribers use ports 32768-60999, so no mirrored
packet is itself on port 30030.  Each exchange is a request and its
response: an ICMP or ICMPv6 echo (40%), a DNS query over UDP (40%), or
a DNS query over TCP (20%: one segment each way on the subscriber's
long-lived connection to its resolver, each DNS message behind its
two-byte length).  Now and then a subscriber logs in again and gets a
new session id and a new TCP connection, so the number of TCP
connections, which tcpdump tracks for relative sequence numbers, stays
close to SESSIONS.  Inner IP, ICMP, UDP and TCP checksums are correct;
the outer UDP checksum is 0, as the routers send it.
"""

import argparse
import os
import random
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "common"))
import jmirror_pcap as jp  # noqa: E402

JM_PORT = jp.JM_PORT
SESSIONS = 1024
INTERCEPTS = 64
RELOGIN_ONE_IN = 5000
START = jp.EPOCH * 1000000          # first time stamp, microseconds

ROUTERS = (
    # Ethernet source, outer IPv4 source, UDP source port
    (b"\x00\x05\x85\x00\x00\x01", bytes([192, 0, 2, 1]), JM_PORT),
    (b"\x00\x05\x85\x00\x00\x02", bytes([192, 0, 2, 2]), 50000),
)
ANALYZER_MAC = b"\x00\x50\x56\x00\x00\x64"
ANALYZER_IP = bytes([192, 0, 2, 100])

RESOLVER4 = bytes([198, 51, 100, 53])
RESOLVER6 = bytes.fromhex("20010db8000000000000000000000053")
PING4 = [bytes([203, 0, 113, i]) for i in (1, 7, 9, 200)]
PING6 = [bytes.fromhex("20010db8ffff000000000000000000%02x" % i)
         for i in (1, 7, 9)]
NAMES = ["www.example.com", "mail.example.net", "example.org",
         "cdn-%d.static.example.com", "api.v%d.example.net",
         "host%d.corp.example", "_sip._udp.example.com",
         "a.very.long.label.chain.for.testing.example.org"]


# --- headers --------------------------------------------------------------

def ip(v6, src, dst, proto, payload, ident):
    """IPv6, or IPv4 with DF set; ICMP is ICMPv6 in IPv6."""
    if v6:
        return jp.ipv6(src, dst, 58 if proto == 1 else proto, payload)
    return jp.ipv4(src, dst, proto, payload, ident=ident, frag=jp.IP_DF)


def icmp_echo(v6, reply, ident, seq, data):
    return jp.icmp_echo(ident, seq, data, reply, v6)


def tcp(sport, dport, seq, ack, payload):
    """PSH|ACK, window 502, no options."""
    return jp.tcp(sport, dport, seq, ack, 0x18, 502, payload=payload)


def dns(qid, name, v6, answer=None):
    return jp.dns(qid, name, answer, 28 if v6 else 1)


# --- traffic --------------------------------------------------------------

class Session:
    """One subscriber: inner address, ids, and its TCP connection state."""

    def __init__(self, rng, slot):
        self.v6 = slot % 4 == 3
        self.router = slot % len(ROUTERS)
        self.mirror_id = INTERCEPTS_IDS[slot % INTERCEPTS]
        self.login(rng, slot)

    def login(self, rng, slot):
        self.session_id = rng.getrandbits(32)
        if self.v6:
            self.addr = bytes.fromhex("20010db8%04x" % slot) + \
                rng.getrandbits(80).to_bytes(10, "big")
        else:
            self.addr = bytes([10, slot >> 8, slot & 0xFF,
                               rng.randrange(1, 255)])
        self.resolver = RESOLVER6 if self.v6 else RESOLVER4
        self.tcp_port = rng.randrange(32768, 61000)
        self.cseq = rng.getrandbits(32)
        self.sseq = rng.getrandbits(32)
        self.ident = rng.getrandbits(16)


INTERCEPTS_IDS = []


def dns_name(rng):
    name = rng.choice(NAMES)
    return name % rng.randrange(100) if "%" in name else name


def answer(rng, v6):
    return rng.getrandbits(128 if v6 else 32).to_bytes(16 if v6 else 4, "big")


def ex_ping(rng, s):
    dst = rng.choice(PING6 if s.v6 else PING4)
    seq = rng.getrandbits(16)
    data = bytes(range(rng.choice((8, 56))))
    ident = s.ident
    req = icmp_echo(s.v6, False, ident, seq, data)
    rep = icmp_echo(s.v6, True, ident, seq, data)
    return ((s.addr, dst, 1, req), (dst, s.addr, 1, rep))


def ex_dns_udp(rng, s):
    qid, name = rng.getrandbits(16), dns_name(rng)
    port = rng.randrange(32768, 61000)
    q = dns(qid, name, s.v6)
    r = dns(qid, name, s.v6, answer(rng, s.v6))
    return ((s.addr, s.resolver, 17, jp.udp(port, 53, q)),
            (s.resolver, s.addr, 17, jp.udp(53, port, r)))


def ex_dns_tcp(rng, s):
    qid, name = rng.getrandbits(16), dns_name(rng)
    q = dns(qid, name, s.v6)
    r = dns(qid, name, s.v6, answer(rng, s.v6))
    q = struct.pack("!H", len(q)) + q
    r = struct.pack("!H", len(r)) + r
    seg_q = tcp(s.tcp_port, 53, s.cseq, s.sseq, q)
    s.cseq = (s.cseq + len(q)) & 0xFFFFFFFF
    seg_r = tcp(53, s.tcp_port, s.sseq, s.cseq, r)
    s.sseq = (s.sseq + len(r)) & 0xFFFFFFFF
    return ((s.addr, s.resolver, 6, seg_q), (s.resolver, s.addr, 6, seg_r))


EXCHANGES = (ex_ping,) * 2 + (ex_dns_udp,) * 2 + (ex_dns_tcp,)


def packets(count, seed):
    """Yield (time stamp in us, session, inner packet), count of them."""
    rng = random.Random(seed)
    INTERCEPTS_IDS[:] = [rng.getrandbits(30) for _ in range(INTERCEPTS)]
    sessions = [Session(rng, slot) for slot in range(SESSIONS)]
    ts = START
    n = 0
    while n < count:
        slot = rng.randrange(SESSIONS)
        s = sessions[slot]
        if rng.randrange(RELOGIN_ONE_IN) == 0:
            s.login(rng, slot)
        for src, dst, proto, payload in rng.choice(EXCHANGES)(rng, s):
            if n == count:
                return
            ts += rng.randrange(1, 100)
            s.ident = (s.ident + 1) & 0xFFFF
            yield ts, s, ip(s.v6, src, dst, proto, payload, s.ident)
            n += 1


# --- pcap files -----------------------------------------------------------

def record(ts, frame):
    """A pcap record stamped ts microseconds."""
    return jp.record(ts // 1000000, ts % 1000000, frame)


class Outer:
    """Builds the Ethernet/IPv4/UDP/mirror-header wrapping for each router."""

    def __init__(self):
        self.ident = [0] * len(ROUTERS)

    def wrap(self, s, inner):
        mac, src, sport = ROUTERS[s.router]
        ident = self.ident[s.router] = (self.ident[s.router] + 1) & 0xFFFF
        mirror = jp.jmirror(s.mirror_id, s.session_id, inner)
        return jp.ether(jp.ipv4(src, ANALYZER_IP, 17,
                                jp.udp(sport, JM_PORT, mirror), ttl=255,
                                ident=ident, l4csum=False),
                        dst=ANALYZER_MAC, src=mac)


def write(count, seed, jm_path, raw_path):
    outer = Outer()
    with open(jm_path, "wb") as jm, open(raw_path, "wb") as raw:
        jm.write(jp.file_header(jp.LINKTYPE_ETHERNET))
        raw.write(jp.file_header(jp.LINKTYPE_RAW))
        jm_buf, raw_buf = [], []
        for ts, s, inner in packets(count, seed):
            jm_buf.append(record(ts, outer.wrap(s, inner)))
            raw_buf.append(record(ts, inner))
            if len(jm_buf) == 8192:
                jm.write(b"".join(jm_buf))
                raw.write(b"".join(raw_buf))
                jm_buf, raw_buf = [], []
        jm.write(b"".join(jm_buf))
        raw.write(b"".join(raw_buf))


def main():
    ap = argparse.ArgumentParser(
        description="Write a jmirror benchmark capture and the same "
                    "mirrored packets as a raw-IP capture.")
    ap.add_argument("-n", "--packets", type=int, default=200000,
                    help="number of packets (default 200000)")
    ap.add_argument("--seed", type=int, default=30030,
                    help="random seed (default 30030)")
    ap.add_argument("jmirror_pcap", help="jmirror capture to write")
    ap.add_argument("raw_pcap", help="raw-IP capture to write")
    args = ap.parse_args()
    if args.packets < 1:
        ap.error("--packets must be at least 1")
    write(args.packets, args.seed, args.jmirror_pcap, args.raw_pcap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
