#!/usr/bin/env python3
"""pcap-compare.py PAIRS: compare pcap files record by record.
   pcap-compare.py --info FILE: "PRECISION LINKTYPE RECORDS" of a pcap
   file, exit 1 when it is not a whole, valid pcap file.

PAIRS is a file of lines "EXPECTED ACTUAL": two pcap files (not pcapng)
that must hold the same records: the same time stamps (seconds and
fraction), captured and original lengths and bytes, in the same order,
and the same link type and time stamp precision.

Prints "pairs P, packets N, identical I, different D" and the first
differences; exits 1 on any difference (a missing, extra or changed
record, or an unreadable file), 0 otherwise.
"""

import sys

sys.dont_write_bytecode = True
import jmirror_pcap as jp  # noqa: E402  (beside this script)

SHOW = 10


def read_pcap(path):
    """(precision, link type, [records]); a record is (sec, frac, caplen,
    len, data). Raises ValueError on anything that is not a whole pcap."""
    cap = jp.read_pcap(path)
    return "nano" if cap.nano else "micro", cap.linktype, cap.records


def describe(record):
    sec, frac, caplen, length, data = record
    return f"{sec}.{frac} caplen {caplen} len {length} {data[:16].hex()}"


def compare(expected_path, actual_path, problems):
    """(packets, identical) of one pair; problems gets what differs."""
    try:
        exp = read_pcap(expected_path)
        act = read_pcap(actual_path)
    except (OSError, ValueError) as e:
        problems.append(str(e))
        return 0, 0
    if exp[:2] != act[:2]:
        problems.append(f"{actual_path}: {act[0]} link type {act[1]}, "
                        f"expected {exp[0]} link type {exp[1]}")
    identical = 0
    for i in range(max(len(exp[2]), len(act[2]))):
        e = exp[2][i] if i < len(exp[2]) else None
        a = act[2][i] if i < len(act[2]) else None
        if e == a:
            identical += 1
        elif e is None:
            problems.append(f"{actual_path}: record {i + 1} extra: "
                            f"{describe(a)}")
        elif a is None:
            problems.append(f"{actual_path}: record {i + 1} missing: "
                            f"expected {describe(e)}")
        else:
            problems.append(f"{actual_path}: record {i + 1}: "
                            f"{describe(a)}, expected {describe(e)}")
    return len(exp[2]), identical


def info(path):
    try:
        precision, linktype, records = read_pcap(path)
    except (OSError, ValueError) as e:
        print(e)
        sys.exit(1)
    print(precision, linktype, len(records))
    sys.exit(0)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--info":
        info(sys.argv[2])
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    pairs = packets = identical = 0
    problems = []
    with open(sys.argv[1]) as f:
        for line in f:
            expected, actual = line.split()
            pairs += 1
            n, same = compare(expected, actual, problems)
            packets += n
            identical += same
    print(f"pairs {pairs}, packets {packets}, identical {identical}, "
          f"different {len(problems)}")
    for p in problems[:SHOW]:
        print("  " + p)
    if len(problems) > SHOW:
        print(f"  ... and {len(problems) - SHOW} more")
    sys.exit(1 if problems or pairs == 0 else 0)


if __name__ == "__main__":
    main()
