#!/bin/sh
# crosscheck-tcpdump.sh PATCHED_TCPDUMP STOCK_TCPDUMP TCPDUMP_TESTS_DIR WRAP
#
# Real traffic through the jmirror printer: for every capture in tcpdump's
# own tests directory (*.pcap, *.pcapng), WRAP (build/jmirror-wrap) wraps
# each IPv4 and IPv6 packet in jmirror and also writes the same IP packets
# bare. The patched tcpdump prints the jmirror capture, the stock tcpdump
# the bare one, and what the patched tcpdump prints after the
# "JMIRROR, ...: " prefix must be what the stock one prints, packet by
# packet, with each verbosity of FLAGS, the patched tcpdump told of jmirror
# both by -T jmirror and by the default port.
#
# Any difference fails the check: a packet cut short in the capture
# included, whose truncation mark (or its absence) must be stock's too.
#
# The wrapper is checked too: the stock tcpdump must print each bare IP
# packet as it prints the packet of the original capture, but for any
# link-layer text before it (except packets clipped to the most one outer
# datagram holds, WRAP's --clip).
#
# Prints "captures C, packets P, comparisons N, identical I, explained E,
# unexplained U" (P IP packets, each compared once per verbosity and way
# of selecting jmirror), the differences by category with examples; exits
# non-zero on any unexplained difference, or when nothing was compared.

usage="usage: $0 PATCHED_TCPDUMP STOCK_TCPDUMP TCPDUMP_TESTS_DIR WRAP"
case $1 in -h|--help) echo "$usage"; exit 0 ;; esac
test $# = 4 || { echo "$usage" >&2; exit 2; }

# verbosity flags compared; "-" stands for none
FLAGS="- -v -vv"
# how the patched tcpdump is told to decode jmirror: "T" for -T jmirror,
# "port" for the default UDP port 30030
SELECTS="T port"

# setup: check the arguments; scratch directory removed on exit
setup() {
	patched=$1
	stock=$2
	testsdir=$3
	wrap=$4
	for prog in "$patched" "$stock" "$wrap"; do
		test -x "$prog" || { echo "$0: $prog: not executable" >&2; exit 2; }
	done
	test -d "$testsdir" || { echo "$0: $testsdir: not a directory" >&2; exit 2; }
	command -v python3 >/dev/null 2>&1 ||
		{ echo "$0: python3 not found" >&2; exit 2; }
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
}

# run OUT PROGRAM ARG...: run a tcpdump, output in OUT, its standard
# error then its exit status in OUT.err
run() {
	out=$1
	shift
	"$@" >"$out" 2>"$out.err"
	echo $? >>"$out.err"
}

# print_capture N CAPTURE: the original, the bare and the jmirror capture
# printed, -# numbering the packet records
print_capture() {
	run "$tmp/$1.original" "$stock" -# -n -t -r "$2"
	for flag in $FLAGS; do
		v=$(test "$flag" = - || echo "$flag")
		run "$tmp/$1.stock$flag" "$stock" -# -n -t ${v:+"$v"} \
			-r "$tmp/$1.bare"
		run "$tmp/$1.patched.T$flag" "$patched" -# -n -t ${v:+"$v"} \
			-T jmirror -r "$tmp/$1.jmirror"
		run "$tmp/$1.patched.port$flag" "$patched" -# -n -t ${v:+"$v"} \
			-r "$tmp/$1.jmirror"
	done
}

# run_all: wrap and print every capture; $tmp/index has one line per
# capture: its number, the wrapper's exit status ("unsupported" when its
# one error line says the link type is not supported), whether the stock
# tcpdump reads the original without error, its name
run_all() {
	n=0
	skipped=0
	: >"$tmp/index"
	for capture in "$testsdir"/*.pcap "$testsdir"/*.pcapng; do
		test -f "$capture" || continue
		# this project's own captures, copied into a patched tree:
		# jmirror inside jmirror, which the stock tcpdump cannot decode
		case ${capture##*/} in jmirror-*) skipped=$((skipped + 1)); continue ;; esac
		n=$((n + 1))
		"$wrap" -q --clip --bare="$tmp/$n.bare" --list="$tmp/$n.list" \
			"$capture" "$tmp/$n.jmirror" 2>"$tmp/$n.wrap.err"
		status=$?
		readable=yes
		if test $status = 1 &&
		    grep -q ': link type [0-9]* (.*) not supported$' "$tmp/$n.wrap.err"; then
			status=unsupported
		elif test $status = 1; then
			"$stock" -n -r "$capture" >/dev/null 2>&1 || readable=no
		fi
		echo "$n $status $readable ${capture##*/}" >>"$tmp/index"
		test -s "$tmp/$n.list" && print_capture $n "$capture"
	done
	test $skipped = 0 || echo "skipped: $skipped captures named jmirror-*"
}

# compare: the per-packet comparison of everything run_all wrote
compare() {
	python3 - "$tmp" "$FLAGS" "$SELECTS" <<'EOF'
import os
import re
import sys

TMP, FLAGS, SELECTS = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
MODES = [(sel, flag) for flag in FLAGS for sel in SELECTS]
INNER_MAX = 65535 - 20 - 8 - 8      # what jmirror-wrap --clip clips to
# what the patched tcpdump prints before the mirrored packet
PREFIX = re.compile(
    r"IP 192\.0\.2\.1\.30030 > 192\.0\.2\.2\.30030: JMIRROR, "
    r"mirror-id 768, session-id 144, length (\d+): ")
PREFIX_V = re.compile(
    r"IP \(tos 0x0, ttl 255, id \d+, offset 0, flags \[none\], "
    r"proto UDP \(17\), length (\d+)\)\n"
    r"    192\.0\.2\.1\.30030 > 192\.0\.2\.2\.30030: "
    r"(?:\[no cksum\] )?JMIRROR, mhv 0, mirror-id 768 \(0x300\), "
    r"session-id 144 \(0x90\), length (\d+): ")


def records(path):
    """The packet records of a tcpdump -# -t output: from a line that
    starts with the next packet number to the next such line."""
    out, number, lines = [], 0, []
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r" *(\d+)  ", line)
            if m and int(m.group(1)) == number + 1:
                if number:
                    out.append("".join(lines).rstrip("\n"))
                number, lines = number + 1, [line[m.end():]]
            elif number:
                lines.append(line)
    if number:
        out.append("".join(lines).rstrip("\n"))
    return out


def exit_status(path):
    with open(path + ".err", errors="replace") as f:
        lines = f.read().splitlines()
    return int(lines[-1]), lines[:-1]


def mode_name(sel, flag):
    name = "-T jmirror" if sel == "T" else "port 30030"
    return name if flag == "-" else name + " " + flag


class Result:
    def __init__(self):
        self.captures = self.wrapped = self.packets = self.identical = 0
        self.unsupported = self.no_ip = self.wrapper_ok = 0
        self.explained = {}      # category: count
        self.unexplained = {}    # category: [examples]

    def explain(self, category):
        self.explained[category] = self.explained.get(category, 0) + 1

    def bad(self, category, example):
        self.unexplained.setdefault(category, []).append(example)

    def ran(self, name, path):
        """Whether a tcpdump run exited 0; a failure if not."""
        status, err = exit_status(path)
        if status != 0:
            self.bad("tcpdump exited non-zero", "%s: %s exited %d: %s" % (
                name, os.path.basename(path), status, " | ".join(err)))
        return status == 0

    def check_packet(self, where, mode, flag, rec_p, rec_s, caplen, length):
        m = (PREFIX if flag == "-" else PREFIX_V).match(rec_p)
        if not m:
            self.bad("no JMIRROR prefix (%s)" % mode,
                     "%s:\n  patched: %s" % (where, rec_p))
            return
        lengths = [int(x) for x in m.groups()]
        if lengths[-1] != length or len(lengths) > 1 and \
                lengths[0] != length + 36:
            self.bad("wrong lengths in the prefix (%s)" % mode,
                     "%s: %s, inner length %d" % (where, lengths, length))
            return
        rest = rec_p[m.end():]
        if rest == rec_s:
            self.identical += 1
        else:
            category = "inner output differs (%s)" % mode
            if caplen < length:
                category = "inner output of a packet cut short differs " \
                    "(%s)" % mode
            self.bad(category, "%s (caplen %d, length %d):\n"
                     "  patched: %s\n  stock:   %s"
                     % (where, caplen, length, rest, rec_s))

    def check_mode(self, base, name, listing, sel, flag):
        mode = mode_name(sel, flag)
        patched = "%s.patched.%s%s" % (base, sel, flag)
        stock = "%s.stock%s" % (base, flag)
        self.ran(name, patched)
        self.ran(name, stock)
        rec_p, rec_s = records(patched), records(stock)
        if not len(rec_p) == len(rec_s) == len(listing):
            self.bad("packet count (%s)" % mode,
                     "%s: patched %d, stock %d, wrapped %d"
                     % (name, len(rec_p), len(rec_s), len(listing)))
            return
        for i, (p, s, (number, caplen, length)) in \
                enumerate(zip(rec_p, rec_s, listing), 1):
            self.packets += 1
            where = "%s packet %d (input packet %d), %s" % (
                name, i, number, mode)
            self.check_packet(where, mode, flag, p, s, caplen, length)

    def check_wrapper(self, base, name, listing, readable):
        """The stock tcpdump prints the bare packets as the originals."""
        if readable:
            self.ran(name, base + ".original")
        original = records(base + ".original")
        bare = records(base + ".stock-")
        for (number, caplen, length), rec_b in zip(listing, bare):
            rec_o = original[number - 1] if number <= len(original) else ""
            # link-layer text may come first (PPPoE, Linux cooked v2, ...)
            if rec_b and rec_o.endswith(rec_b):
                self.wrapper_ok += 1
            elif length == INNER_MAX:
                self.explain("wrapper: IP packet clipped to %d bytes, "
                             "printed unlike the original" % INNER_MAX)
            else:
                self.bad("wrapper: bare IP packet printed unlike the "
                         "original", "%s input packet %d:\n  bare:     %s"
                         "\n  original: %s" % (name, number, rec_b, rec_o))

    def check_capture(self, n, name, readable):
        base = os.path.join(TMP, n)
        with open(base + ".list") as f:
            listing = [tuple(map(int, line.split())) for line in f]
        self.captures += 1
        self.wrapped += len(listing)
        self.check_wrapper(base, name, listing, readable)
        for sel, flag in MODES:
            self.check_mode(base, name, listing, sel, flag)

    def check_all(self):
        with open(os.path.join(TMP, "index")) as f:
            index = [line.rstrip("\n").split(" ", 3) for line in f]
        unreadable = []
        for n, status, readable, name in index:
            if status == "unsupported":
                self.unsupported += 1
                continue
            if status == "1" and readable == "no":
                unreadable.append(name)
            elif status != "0":
                with open(os.path.join(TMP, n + ".wrap.err")) as f:
                    err = f.read().strip()
                self.bad("wrapper failed on a capture stock tcpdump "
                         "reads", "%s: exit %s: %s" % (name, status, err))
            listing = os.path.join(TMP, n + ".list")
            if not os.path.exists(listing) or not os.path.getsize(listing):
                self.no_ip += 1
                continue
            self.check_capture(n, name, readable == "yes")
        return index, unreadable

    def report(self, index, unreadable):
        print("captures: %d; link type not supported: %d; no IP packet: "
              "%d; with IP packets: %d, holding %d IP packets"
              % (len(index), self.unsupported, self.no_ip, self.captures,
                 self.wrapped))
        if unreadable:
            print("captures with a read error, stock tcpdump's too "
                  "(compared up to it): %d (%s)"
                  % (len(unreadable), ", ".join(unreadable)))
        print("wrapper: %d bare IP packets printed as in the original "
              "capture (link-layer text aside)" % self.wrapper_ok)
        print("each IP packet compared %d times: %s"
              % (len(MODES), ", ".join(mode_name(*m) for m in MODES)))
        for key, count in sorted(self.explained.items()):
            print("explained: %s: %d" % (key, count))
        failures = 0
        for key, examples in sorted(self.unexplained.items()):
            failures += len(examples)
            print("UNEXPLAINED: %s: %d" % (key, len(examples)))
            for example in examples[:3]:
                print("  " + example.replace("\n", "\n  "))
        print("captures %d, packets %d, comparisons %d, identical %d, "
              "explained %d, unexplained %d"
              % (self.captures, self.wrapped, self.packets, self.identical,
                 sum(self.explained.values()), failures))
        return 1 if failures or not self.packets else 0


result = Result()
sys.exit(result.report(*result.check_all()))
EOF
}

setup "$@"
start=$(date +%s)
run_all
compare
status=$?
echo "($(($(date +%s) - start)) s)"
exit $status
