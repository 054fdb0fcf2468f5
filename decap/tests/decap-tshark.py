#!/usr/bin/env python3
"""decap-tshark.py DECAP: jmirror-decap against tshark, packet by packet.

A corpus from gen-decap-corpus.py (several intercepts, IPv4 and IPv6
inside and outside, PPP sessions, outer fragments in any order with
duplicates, traffic that is not jmirror) is read by tshark, whose own
jmirror dissector and IP reassembly (on by default) give, for every
jmirror datagram, its mirror and session ids and the mirrored packet:
its first layers (ip, ipv6, ppp and what PPP carries), addresses and
length field.  DECAP --split '%m-%s.pcap' writes one file per intercept;
tshark reads each file back, and the packets there must be the ones
tshark saw for those ids, in the same order, with the same layers,
addresses and lengths.  The mirror id is the low 30 bits of tshark's
jmirror.mid (the corpus has MHV 0 throughout).

DECAP_WRAPPER (e.g. valgrind ...) in the environment is put in front of
DECAP.

Prints "intercepts N, packets P, identical I" and the first differences;
exits 1 on any difference; skips (exit 0, one line) without tshark.
"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["jmirror.mid", "jmirror.sid", "frame.protocols", "ip.src",
          "ip.dst", "ip.len", "ipv6.src", "ipv6.dst", "ipv6.plen"]
COUNT, SEED = 1500, 3
SHOW = 10


def tshark(path):
    """One dict of field lists per packet of path."""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines():
        values = line.split("\t")
        rows.append({f: (v.split(",") if v else [])
                     for f, v in zip(FIELDS, values)})
    return rows


def inner(row, layers, before):
    """What the mirrored packet is, from its layers on: the first network
    layer (ip, ipv6, ppp and the layer PPP carries) and, for IP, the
    addresses and length field of that IP header, which is the one after
    the `before` layers of the same name."""
    while layers and layers[0] not in ("ip", "ipv6", "ppp"):
        layers = layers[1:]
    if not layers:
        return ("nothing",)
    kind = tuple(layers[:2]) if layers[0] == "ppp" else (layers[0],)
    net = layers[1] if layers[0] == "ppp" and len(layers) > 1 else layers[0]
    if net not in ("ip", "ipv6"):
        return kind
    n = before.count(net)
    length = "ip.len" if net == "ip" else "ipv6.plen"
    try:
        return kind + (row[net + ".src"][n], row[net + ".dst"][n],
                       row[length][n])
    except IndexError:
        return kind + ("?",)


def expected(corpus):
    """{(mirror id, session id): [inner, ...]} as tshark decodes them."""
    by_ids = {}
    for row in tshark(corpus):
        if not row["jmirror.mid"]:
            continue
        layers = row["frame.protocols"][0].split(":")
        at = layers.index("jmirror")
        ids = (int(row["jmirror.mid"][0], 16) & 0x3FFFFFFF,
               int(row["jmirror.sid"][0], 16))
        by_ids.setdefault(ids, []).append(
            inner(row, layers[at + 1:], layers[:at]))
    return by_ids


def written(outdir):
    """{(mirror id, session id): [inner, ...]} of decap's files."""
    by_ids = {}
    for name in sorted(os.listdir(outdir)):
        mid, sid = name[:-len(".pcap")].split("-")
        by_ids[(int(mid), int(sid))] = [
            inner(row, row["frame.protocols"][0].split(":"), [])
            for row in tshark(os.path.join(outdir, name))]
    return by_ids


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    decap = sys.argv[1]
    if shutil.which("tshark") is None:
        print("skip - tshark not found (install tshark)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.pcap")
        outdir = os.path.join(tmp, "out")
        subprocess.run([sys.executable,
                        os.path.join(HERE, "gen-decap-corpus.py"),
                        "--count", str(COUNT), "--seed", str(SEED), corpus],
                       check=True)
        wrapper = os.environ.get("DECAP_WRAPPER", "").split()
        run = subprocess.run(wrapper + [decap, "-r", corpus, "--split",
                                        os.path.join(outdir, "%m-%s.pcap")],
                             capture_output=True, text=True)
        print(run.stderr, end="")
        if run.returncode != 0:
            print(f"FAIL - {decap} exited {run.returncode}")
            return 1
        want, got = expected(corpus), written(outdir)
    problems, packets, identical = [], 0, 0
    for ids in sorted(set(want) | set(got)):
        w, g = want.get(ids, []), got.get(ids, [])
        packets += len(w)
        for i in range(max(len(w), len(g))):
            a = w[i] if i < len(w) else None
            b = g[i] if i < len(g) else None
            if a == b:
                identical += 1
            else:
                problems.append(f"ids {ids} packet {i + 1}: tshark {a}, "
                                f"decap {b}")
    fragmented = "reassembled into 0 " not in run.stderr
    print(f"intercepts {len(want)}, packets {packets}, identical "
          f"{identical}, different {len(problems)}")
    for p in problems[:SHOW]:
        print("  " + p)
    if problems or packets == 0 or len(want) < 2 or not fragmented:
        print("FAIL - jmirror-decap against tshark")
        return 1
    print("ok - jmirror-decap against tshark")
    return 0


if __name__ == "__main__":
    sys.exit(main())
