#!/usr/bin/env python3
"""Differential check of the jmirror capture-filter keyword.

Usage: check-filter-oracle.py TCPDUMP WRAP TESTS_DIR EXPRS

Every IPv4 and IPv6 packet of the captures in TESTS_DIR (tcpdump's own
tests) is taken bare by WRAP (build/jmirror-wrap --bare) into one raw-IP
capture, then wrapped in jmirror in each variant of gen-filter-corpus.py
(ids, ports, MHV, IPv4 and IPv6 outer, IPv4 options, VLAN tags, Linux
cooked v1/v2, loopback, raw IP, PPP inner with and without compression,
packets of other intercepts).  For each expression E of the file EXPRS,
TCPDUMP -r VARIANT 'SELECTOR and (E)', with the optimizer on and off
(-O), must take exactly the packets whose bare packet TCPDUMP -r BARE 'E'
takes (none of another intercept).

Prints one line per expression with a difference, then "captures C,
packets P, expressions E, variants V, runs R, packet decisions D,
differences X"; exits 1 on any difference or failed run, 2 on bad usage.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import jmirror_pcap as jp  # noqa: E402

corpus = jp.load_script(os.path.join(HERE, "gen-filter-corpus.py"))


def stamps(data):
    """The time stamps (seconds) of the records of a pcap file's bytes,
    which name the packets of the corpus."""
    try:
        return {r[0] for r in jp.Pcap(data, strict=False).records}
    except ValueError:
        return set()


class Oracle:
    def __init__(self, tcpdump, tmp):
        self.tcpdump = tcpdump
        self.tmp = tmp
        self.runs = 0
        self.decisions = 0
        self.failures = []

    def select(self, capture, expr, opt=False):
        """The packets of capture that TCPDUMP takes with expr, or None if
        it fails."""
        args = [self.tcpdump, "-r", capture, "-w", "-"] + \
            (["-O"] if opt else []) + [expr]
        self.runs += 1
        run = subprocess.run(args, capture_output=True)
        if run.returncode != 0:
            self.failures.append("%s on %s: %s" % (
                expr, os.path.basename(capture),
                run.stderr.decode(errors="replace").strip()))
            return None
        return stamps(run.stdout)


def make_corpus(wrap, testsdir, tmp):
    """The bare capture and the wrapped variants; the number of captures
    that gave packets."""
    bares = []
    for name in sorted(os.listdir(testsdir)):
        if not name.endswith((".pcap", ".pcapng")):
            continue
        bare = os.path.join(tmp, "bare-%d.pcap" % len(bares))
        # captures of link types it cannot read are left out
        run = subprocess.run([wrap, "-q", "-b", bare,
                              os.path.join(testsdir, name), os.devnull],
                             stderr=subprocess.DEVNULL)
        if run.returncode == 0 and os.path.getsize(bare) > 24:
            bares.append(bare)
    corpus.cmd_merge(os.path.join(tmp, "bare.pcap"), bares)
    for v in corpus.VARIANTS:
        corpus.cmd_wrap(v.name, os.path.join(tmp, "bare.pcap"),
                        os.path.join(tmp, v.name + ".pcap"))
    return len(bares)


def read_exprs(path):
    with open(path) as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith("#")]


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    tcpdump, wrap, testsdir, exprs_path = argv
    exprs = read_exprs(exprs_path)
    with tempfile.TemporaryDirectory() as tmp:
        ncaptures = make_corpus(wrap, testsdir, tmp)
        bare = os.path.join(tmp, "bare.pcap")
        npackets = len(corpus.read_packets(bare)[1])
        oracle = Oracle(tcpdump, tmp)
        differences = 0
        empty = []
        for expr in exprs:
            want_all = oracle.select(bare, expr)
            if want_all is None:
                continue
            if not want_all:
                empty.append(expr)
            for v in corpus.VARIANTS:
                want = {n for n in want_all if not v.foreign(n)}
                for opt in (False, True):
                    got = oracle.select(os.path.join(tmp, v.name + ".pcap"),
                                        "%s and (%s)" % (v.selector, expr),
                                        opt)
                    if got is None:
                        continue
                    oracle.decisions += npackets
                    wrong = sorted(got ^ want)
                    differences += len(wrong)
                    if wrong:
                        print("FAIL - %s%s on %s: %d packets differ, e.g. "
                              "packet %d (taken: %s, bare taken: %s)" % (
                                  expr, " -O" if opt else "", v.name,
                                  len(wrong), wrong[0], wrong[0] in got,
                                  wrong[0] in want))
    for failure in oracle.failures:
        print("FAIL - tcpdump failed: %s" % failure)
    if empty:
        print("note - %d expressions take no bare packet: %s" % (
            len(empty), "; ".join(empty)))
    print("captures %d, packets %d, expressions %d, variants %d, runs %d, "
          "packet decisions %d, differences %d" % (
              ncaptures, npackets, len(exprs), len(corpus.VARIANTS),
              oracle.runs, oracle.decisions, differences))
    ok = differences == 0 and not oracle.failures and npackets > 0
    print("%s - check-filter-oracle" % ("ok" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
