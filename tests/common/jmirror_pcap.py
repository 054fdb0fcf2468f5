"""Packets and pcap files for the test generators and readers.

One place for what every generator writes and every reader parses:
the Internet checksum, IPv4/IPv6/UDP/TCP/ICMP/DNS headers, the 8-byte
jmirror header, PPP framing, Ethernet, and classic pcap (and pcapng)
files.  Python 3 standard library only.

A script imports it by a path relative to its own file (from tests/*/,
"..", "common"; from fuzz/ and bench/, "..", "tests", "common"; from
decap/tests/, "..", "..", "tests", "common"):

    sys.dont_write_bytecode = True      # no __pycache__ in the tree
    sys.path.insert(0, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "..", "common"))
    import jmirror_pcap as jp

and the Python inside the shell checks through check-lib.sh's pycommon.

Addresses are given as text ("192.0.2.1", "2001:db8::1") or as the 4 or
16 bytes of the header; which IP version a packet is follows from them.
Every builder returns bytes; checksums are filled in unless a builder
says otherwise.
"""

import importlib.util
import os
import socket
import struct

JM_PORT = 30030                 # the default jmirror UDP port
SNAPLEN = 262144
LINKTYPE = {"NULL": 0, "EN10MB": 1, "PPP": 9, "RAW": 101, "LOOP": 108,
            "LINUX_SLL": 113, "LINUX_SLL2": 276}
LINKTYPE_ETHERNET, LINKTYPE_RAW = LINKTYPE["EN10MB"], LINKTYPE["RAW"]
ETHERTYPE_IPV4, ETHERTYPE_IPV6 = 0x0800, 0x86DD
IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 = 6, 17, 58
IP_DF, IP_MF = 0x4000, 0x2000
PPP_IP, PPP_IPV6 = 0x0021, 0x0057
# the MAC addresses of the captures: an analyzer (destination) and a
# Juniper router (source)
ANALYZER_MAC = bytes.fromhex("005056000002")
ROUTER_MAC = bytes.fromhex("000585000001")
# first time stamp of the generated captures
EPOCH = 1700000000

# offset of the checksum field in a transport header, by protocol number
L4_CSUM_OFF = {IPPROTO_TCP: 16, IPPROTO_UDP: 6, IPPROTO_ICMPV6: 2}


# --- checksums --------------------------------------------------------------

def csum(data):
    """The Internet checksum of data: 2^16 is 1 modulo 0xffff, so the one's
    complement sum of the 16-bit words is the big number modulo 0xffff
    (0xffff, not 0, for data that is not all zeros)."""
    if len(data) & 1:
        data += b"\0"
    n = int.from_bytes(data, "big")
    s = n % 0xFFFF
    if s == 0 and n:
        s = 0xFFFF
    return ~s & 0xFFFF


def with_csum(data, off, pseudo=b"", zero_is_ffff=False):
    """data with its checksum (over pseudo and data, the field taken as
    0) at off; UDP sends a computed 0 as 0xffff (zero_is_ffff)."""
    value = csum(pseudo + data[:off] + b"\0\0" + data[off + 2:])
    if zero_is_ffff and value == 0:
        value = 0xFFFF
    return data[:off] + struct.pack("!H", value) + data[off + 2:]


def addr(a):
    """The bytes of an address given as text or bytes."""
    if isinstance(a, bytes):
        return a
    return socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a)


def l4_csum(src, dst, proto, seg):
    """A TCP, UDP or ICMPv6 segment with its checksum over the IPv4 or
    IPv6 pseudo-header (by the addresses' length)."""
    s, d = addr(src), addr(dst)
    if len(s) == 4:
        pseudo = s + d + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = s + d + struct.pack("!IxxxB", len(seg), proto)
    return with_csum(seg, L4_CSUM_OFF[proto], pseudo, proto == IPPROTO_UDP)


# --- network layer ----------------------------------------------------------

def ipv4_header(src, dst, proto, length, ttl=64, ident=0, tos=0, frag=0,
                opts=b""):
    """An IPv4 header, its checksum filled in, for length bytes of
    payload; frag is the flags and fragment offset field."""
    assert len(opts) % 4 == 0
    hlen = 20 + len(opts)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hlen // 4, tos, hlen + length,
                      ident, frag, ttl, proto, 0, addr(src), addr(dst))
    return with_csum(hdr + opts, 10)


def ipv4(src, dst, proto, payload, ttl=64, ident=0, tos=0, frag=0, opts=b"",
         l4csum=True):
    """An IPv4 packet; a TCP or UDP payload gets its checksum (l4csum)."""
    if l4csum and proto in (IPPROTO_TCP, IPPROTO_UDP):
        payload = l4_csum(src, dst, proto, payload)
    return ipv4_header(src, dst, proto, len(payload), ttl, ident, tos, frag,
                       opts) + payload


def ipv4_rewrite(ip, total=None, frag=None):
    """An IPv4 packet with its total length and/or its flags and fragment
    offset field replaced, the header checksum redone."""
    hlen = (ip[0] & 0x0F) * 4
    hdr = bytearray(ip[:hlen])
    if total is not None:
        hdr[2:4] = struct.pack("!H", total)
    if frag is not None:
        hdr[6:8] = struct.pack("!H", frag)
    return with_csum(bytes(hdr), 10) + ip[hlen:]


def ipv6(src, dst, nh, payload, hlim=64, tc=0, flow=0, l4csum=True):
    """An IPv6 packet; a TCP, UDP or ICMPv6 payload gets its checksum
    (l4csum)."""
    if l4csum and nh in L4_CSUM_OFF:
        payload = l4_csum(src, dst, nh, payload)
    word0 = 6 << 28 | tc << 20 | flow
    return struct.pack("!IHBB", word0, len(payload), nh, hlim) + \
        addr(src) + addr(dst) + payload


# --- transport and application ---------------------------------------------

def udp(sport, dport, payload):
    """UDP with checksum 0; ipv4()/ipv6() fill it in when wanted."""
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack=0, flags=0x02, win=64240, opts=b"",
        payload=b""):
    """TCP, checksum left to ipv4()/ipv6()."""
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                       win, 0, 0) + opts + payload


def mss(value):
    """The TCP maximum segment size option."""
    return struct.pack("!BBH", 2, 4, value)


def icmp_echo(ident, seq, data=b"", reply=False, v6=False):
    """ICMP echo (checksum filled) or ICMPv6 echo (checksum left to
    ipv6(): it covers the pseudo-header)."""
    typ = (129 if reply else 128) if v6 else (0 if reply else 8)
    msg = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return msg if v6 else with_csum(msg, 2)


def dns(qid, name, answer=None, qtype=1):
    """A DNS query for name, or with answer (an address, text or bytes)
    the response with one record of type qtype (1 A, 28 AAAA)."""
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    question = qname + b"\0" + struct.pack("!HH", qtype, 1)
    if answer is None:
        return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question
    rdata = addr(answer)
    rr = struct.pack("!HHHIH", 0xC00C, qtype, 1, 300, len(rdata)) + rdata
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + rr


# --- jmirror, PPP and the link layer ---------------------------------------

def jmirror(mid, sid, payload=b"", mhv=0):
    """The 8-byte mirror header (MHV, 30-bit mirror id, session id) and
    the mirrored packet."""
    return struct.pack("!II", mhv << 30 | mid, sid) + payload


def ppp(proto, payload, acfc=False, pfc=False):
    """A PPP frame: FF 03 unless address and control field compression
    (acfc), a one-byte protocol with protocol field compression (pfc)."""
    hdr = b"" if acfc else b"\xff\x03"
    return hdr + struct.pack("!B" if pfc else "!H", proto) + payload


def ppp_ctl(code, ident, data):
    """LCP/NCP/PAP/CHAP packet: code, identifier, length, data."""
    return struct.pack("!BBH", code, ident, 4 + len(data)) + data


def ether(payload, etype=None, vlans=(), dst=ANALYZER_MAC, src=ROUTER_MAC):
    """An Ethernet frame, 802.1Q tagged with vlans; the EtherType follows
    the payload's IP version unless given."""
    if etype is None:
        etype = ETHERTYPE_IPV6 if payload[:1] and payload[0] >> 4 == 6 \
            else ETHERTYPE_IPV4
    tags = b"".join(struct.pack("!HH", 0x8100, tag) for tag in vlans) \
        if vlans else b""
    return dst + src + tags + struct.pack("!H", etype) + payload


# --- classic pcap and pcapng files -----------------------------------------

MAGIC_MICRO, MAGIC_NANO = 0xA1B2C3D4, 0xA1B23C4D


def file_header(linktype=LINKTYPE_ETHERNET, nano=False, snaplen=SNAPLEN,
                order="<"):
    """A classic pcap file header, version 2.4."""
    return struct.pack(order + "IHHiIII", MAGIC_NANO if nano else MAGIC_MICRO,
                       2, 4, 0, 0, snaplen, linktype)


def record(sec, frac, data, length=None, order="<"):
    """A pcap record: captured bytes data of length (default all) on the
    wire."""
    return struct.pack(order + "IIII", sec, frac, len(data),
                       len(data) if length is None else length) + data


def stamp(n, nano=False):
    """(seconds, fraction) of frame n: EPOCH s + n ms (+ n ns with nano,
    the fraction in nanoseconds, else in microseconds)."""
    sec, msec = divmod(n, 1000)
    frac = msec * 1000000 + n % 1000 if nano else msec * 1000
    return EPOCH + sec, frac


def write_pcap(path, records, linktype=LINKTYPE_ETHERNET, nano=False,
               snaplen=SNAPLEN):
    """A little-endian pcap file of records (seconds, fraction, captured
    bytes, wire length or None)."""
    out = [file_header(linktype, nano, snaplen)]
    out += [record(*r) for r in records]
    with open(path, "wb") as f:
        f.write(b"".join(out))


def stamped(frames, nano=False):
    """The records of frames, frame n stamped by stamp(n)."""
    return [stamp(n, nano) + (frame, None) for n, frame in enumerate(frames)]


def pcapng_block(btype, body, order):
    """A pcapng block in byte order order ("<" or ">"), its body padded
    to 4 bytes."""
    body += bytes(-len(body) % 4)
    total = len(body) + 12
    return struct.pack(order + "II", btype, total) + body + \
        struct.pack(order + "I", total)


def write_pcapng(path, frames, nano=False, tsresol=None, big=False):
    """Frames stamped as by stamp(), as a pcapng file: a section header,
    one Ethernet interface with if_tsresol tsresol (by default 9 with
    nano, else no option: microseconds), an enhanced packet block per
    frame, each time stamp in the interface's units, rounded down."""
    order = ">" if big else "<"
    if tsresol is None and nano:
        tsresol = 9
    opts = b""
    if tsresol is not None:
        opts = struct.pack(order + "HHB3xHH", 9, 1, tsresol, 0, 0)
    units = 10 ** (tsresol if tsresol is not None else 6)
    if tsresol is not None and tsresol & 0x80:
        units = 2 ** (tsresol & 0x7F)
    out = [pcapng_block(0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D,
                                                1, 0, -1), order),
           pcapng_block(1, struct.pack(order + "HHI", LINKTYPE_ETHERNET, 0,
                                       SNAPLEN) + opts, order)]
    for n, frame in enumerate(frames):
        sec, frac = stamp(n, nano)
        ns = sec * 10 ** 9 + (frac if nano else frac * 1000)
        ts = ns * units // 10 ** 9
        out.append(pcapng_block(6, struct.pack(
            order + "IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame),
            len(frame)) + frame, order))
    with open(path, "wb") as f:
        f.write(b"".join(out))


class Pcap:
    """A classic pcap file read whole: order ("<" or ">"), nano, snaplen,
    linktype (its low 28 bits), the raw file header, and records (sec,
    frac, caplen, length, data)."""

    def __init__(self, data, strict=True):
        """Raises ValueError when data is no pcap file, or (strict) ends
        inside a record; else the records up to the last whole one."""
        if len(data) < 24:
            raise ValueError("shorter than a pcap file header")
        for order in "<>":
            magic = struct.unpack(order + "I", data[:4])[0]
            if magic in (MAGIC_MICRO, MAGIC_NANO):
                break
        else:
            raise ValueError("not a pcap file")
        self.order, self.nano = order, magic == MAGIC_NANO
        self.header = data[:24]
        self.snaplen, linktype = struct.unpack(order + "II", data[16:24])
        self.linktype = linktype & 0x0FFFFFFF
        self.records = []
        rec, off = struct.Struct(order + "IIII"), 24
        while off < len(data):
            if off + 16 > len(data):
                if strict:
                    raise ValueError("cut short in a record header at %d"
                                     % off)
                break
            sec, frac, caplen, length = rec.unpack_from(data, off)
            off += 16
            if off + caplen > len(data):
                if strict:
                    raise ValueError("cut short in a record at %d" % off)
                break
            self.records.append((sec, frac, caplen, length,
                                 data[off:off + caplen]))
            off += caplen


def read_pcap(path, strict=True):
    """The Pcap of a file; ValueError names the file."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return Pcap(data, strict)
    except ValueError as e:
        raise ValueError("%s: %s" % (path, e)) from None


def read_pcapng(data):
    """pcapng: (linktype, [(caplen, length, data)]) of the interfaces of
    the first interface's link type (enhanced and simple packet blocks),
    or None."""
    if data[:4] != b"\x0a\x0d\x0d\x0a" or len(data) < 12:
        return None
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    linktypes, packets, off = [], [], 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack(order + "II", data[off:off + 8])
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 0x0A0D0D0A:             # section header: new interfaces
            order = "<" if body[:4] == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes = []
        elif btype == 1:                    # interface description
            linktypes.append(struct.unpack(order + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:  # enhanced packet
            ifid, _, _, caplen, length = struct.unpack(order + "IIIII",
                                                        body[:20])
            if ifid < len(linktypes) and linktypes[ifid] == linktypes[0]:
                packets.append((caplen, length, body[20:20 + caplen]))
        elif btype == 3 and linktypes:      # simple packet
            length = struct.unpack(order + "I", body[:4])[0]
            pkt = body[4:4 + length]
            packets.append((len(pkt), length, pkt))
        off += blen
    return (linktypes[0], packets) if linktypes else None


def read_packets(path):
    """(linktype, [(caplen, length, data)]) of a classic pcap file (up to
    its last whole record) or a pcapng file, or None for neither."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        cap = Pcap(data, strict=False)
    except ValueError:
        return read_pcapng(data)
    return cap.linktype, [(c, n, d) for _, _, c, n, d in cap.records]


# --- scripts as modules -----------------------------------------------------

def load_script(path):
    """A script whose name is no module name (gen-corpus.py), as a module."""
    name = os.path.basename(path).rsplit(".", 1)[0].replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
