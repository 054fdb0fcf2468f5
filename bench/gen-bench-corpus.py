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
import random
import struct
import sys

JM_PORT = 30030
SESSIONS = 1024
INTERCEPTS = 64
RELOGIN_ONE_IN = 5000
START = 1700000000 * 1000000          # first time stamp, microseconds

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


# --- checksums and headers ------------------------------------------------

def csum(data):
    """Internet checksum: 2^16 = 1 modulo 0xffff, so fold as a big int."""
    if len(data) & 1:
        data += b"\0"
    n = int.from_bytes(data, "big")
    s = n % 0xFFFF
    if s == 0 and n:
        s = 0xFFFF
    return ~s & 0xFFFF


def put_csum(seg, off, c):
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def ipv4(src, dst, proto, payload, ident):
    if proto in (6, 17):
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(payload))
        off = 16 if proto == 6 else 6
        c = csum(pseudo + payload)
        payload = put_csum(payload, off, 0xFFFF if c == 0 else c)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      0x4000, 64, proto, 0, src, dst)
    return put_csum(hdr, 10, csum(hdr)) + payload


def ipv6(src, dst, nh, payload):
    pseudo = src + dst + struct.pack("!IxxxB", len(payload), nh)
    off = {6: 16, 17: 6, 58: 2}[nh]
    c = csum(pseudo + payload)
    payload = put_csum(payload, off, 0xFFFF if (c == 0 and nh == 17) else c)
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, 64) + \
        src + dst + payload


def ip(v6, src, dst, proto, payload, ident):
    if v6:
        return ipv6(src, dst, 58 if proto == 1 else proto, payload)
    return ipv4(src, dst, proto, payload, ident)


def icmp_echo(v6, reply, ident, seq, data):
    typ = (129 if reply else 128) if v6 else (0 if reply else 8)
    msg = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return msg if v6 else put_csum(msg, 2, csum(msg))


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, payload):
    # PSH|ACK, window 502, no options
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, 0x18,
                       502, 0, 0) + payload


def qname(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns(qid, name, v6, answer=None):
    qtype = 28 if v6 else 1
    question = qname(name) + struct.pack("!HH", qtype, 1)
    if answer is None:
        return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question
    rr = struct.pack("!HHHIH", 0xC00C, qtype, 1, 300, len(answer)) + answer
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + rr


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
    return ((s.addr, s.resolver, 17, udp(port, 53, q)),
            (s.resolver, s.addr, 17, udp(53, port, r)))


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

def pcap_header(linktype):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype)


def record(ts, frame):
    return struct.pack("<IIII", ts // 1000000, ts % 1000000,
                       len(frame), len(frame)) + frame


class Outer:
    """Builds the Ethernet/IPv4/UDP/mirror-header wrapping for each router."""

    def __init__(self):
        self.ident = [0] * len(ROUTERS)

    def wrap(self, s, inner):
        mac, src, sport = ROUTERS[s.router]
        ident = self.ident[s.router] = (self.ident[s.router] + 1) & 0xFFFF
        ulen = 16 + len(inner)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, ident, 0,
                          255, 17, 0, src, ANALYZER_IP)
        return ANALYZER_MAC + mac + b"\x08\x00" + \
            put_csum(hdr, 10, csum(hdr)) + \
            struct.pack("!HHHHII", sport, JM_PORT, ulen, 0,
                        s.mirror_id, s.session_id) + inner


def write(count, seed, jm_path, raw_path):
    outer = Outer()
    with open(jm_path, "wb") as jm, open(raw_path, "wb") as raw:
        jm.write(pcap_header(1))
        raw.write(pcap_header(101))
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
