/*
 * Copyright (c) 2026 The tcpdump-jmirror contributors
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that: (1) source code
 * distributions retain the above copyright notice and this paragraph
 * in its entirety, and (2) distributions including binary code include
 * the above copyright notice and this paragraph in its entirety in
 * the documentation or other materials provided with the distribution.
 * THIS SOFTWARE IS PROVIDED ``AS IS'' AND
 * WITHOUT ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, WITHOUT
 * LIMITATION, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
 * FOR A PARTICULAR PURPOSE.
 */

/*
 * jmirror-decap: take the Juniper packet mirror (jmirror) encapsulation
 * off and write the mirrored packets as a plain pcap (raw IP or PPP),
 * one file or one per intercept / session.  This file: the options, the
 * three inputs (-r a capture, -i an interface, --listen a UDP socket),
 * the main loop and the summary.  decap-packet.c takes each packet
 * apart, decap-output.c writes it.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/resource.h>

#include "decap.h"

#ifndef DECAP_VERSION
#define DECAP_VERSION "unknown"
#endif

#define MAX_TIMEOUT_SECONDS	86400
#define LIVE_TIMEOUT_MS		100

static const char *prog = "jmirror-decap";
static volatile sig_atomic_t stop;
static pcap_t *live;		/* the capture handle a signal breaks */

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-r FILE | -i IFACE | --listen [ADDR:]PORT]\n"
"                     [-w FILE | --split PATTERN] [-U] [-c COUNT]\n"
"                     [--jmirror-port=P[,P...] | -T]\n"
"                     [--mirror-id=LIST] [--session-id=LIST]\n"
"                     [--payload=auto|ip|ppp] [EXPRESSION]\n"
"       %s --print-filter [--jmirror-port=P[,P...] | -T]\n"
"Take the Juniper packet mirror (jmirror) encapsulation off: write the\n"
"mirrored packets as a pcap, raw IP (link type 101) or PPP (9).\n"
"\n"
"  -r FILE             read a pcap or pcapng capture ('-': standard input)\n"
"  -i IFACE            capture on IFACE (the jmirror ports and fragments,\n"
"                      or the jmirror filter keyword when libpcap has it)\n"
"      --listen [ADDR:]PORT  receive jmirror datagrams on a UDP socket\n"
"  -w FILE             write the mirrored packets to FILE ('-': standard\n"
"                      output, never a terminal)\n"
"      --split PATTERN one file per intercept or session: %%m is the\n"
"                      mirror id, %%s the session id, %%%% a %%;\n"
"                      directories are made\n"
"  -U                  flush each packet as it is written\n"
"  -c COUNT            stop after COUNT packets written\n"
"      --jmirror-port=P[,P...]  the jmirror UDP ports, at most %d, or 0\n"
"                      for none (default %d)\n"
"  -T                  every UDP datagram at the outermost layer is jmirror\n"
"      --print-filter  print the capture filter that keeps every packet\n"
"                      decap can use (what -i captures) and exit\n"
"      --mirror-id=LIST, --session-id=LIST  only these ids: N and N-M,\n"
"                      comma-separated (768,770-775)\n"
"      --payload=auto|ip|ppp  output link type: of the first packet of\n"
"                      each output (auto, default), raw IP, or PPP\n"
"      --reasm-budget=BYTES  memory for outer fragments (k, M, G suffixes;\n"
"                      default %uM)\n"
"      --reasm-timeout=SECONDS  drop an incomplete datagram after this\n"
"                      capture time (default %llu)\n"
"  -h, --help          show this help and exit\n"
"      --version       show the version and exit\n"
"\n"
"EXPRESSION is a pcap filter for the mirrored packet, as written.\n"
"Exit status: 0 done, 1 error.\n",
		prog, prog, JMIRROR_MAX_PORTS, JMIRROR_DEFAULT_PORT,
		REASM_DEFAULT_MAX_BYTES >> 20,
		(unsigned long long)(REASM_DEFAULT_TIMEOUT_NS / 1000000000u));
}

/* a one-line error, and exit 1 */
static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(DECAP_EXIT_ERROR);
}

/* ---- option values ---- */

/* a decimal number from min to max, or die naming the option */
static unsigned long long
parse_number(const char *option, const char *arg, unsigned long long max,
	     char **rest)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || errno != 0 || v > max ||
	    (rest == NULL && *end != '\0'))
		die("invalid %s '%s'", option, arg);
	if (rest != NULL)
		*rest = end;
	return v;
}

/* --mirror-id / --session-id: N or N-M, comma-separated */
static void
parse_ids(const char *option, const char *arg, uint32_t max,
	  struct id_set *set)
{
	const char *p = arg;
	char *end;

	set->n = 0;
	for (;;) {
		uint32_t lo = (uint32_t)parse_number(option, p, max, &end);
		uint32_t hi = lo;

		if (*end == '-')
			hi = (uint32_t)parse_number(option, end + 1, max, &end);
		if (hi < lo || set->n == DECAP_MAX_RANGES ||
		    (*end != ',' && *end != '\0'))
			die("invalid %s '%s': expected N or N-M, comma-separated",
			    option, arg);
		set->r[set->n].lo = lo;
		set->r[set->n].hi = hi;
		set->n++;
		if (*end == '\0')
			return;
		p = end + 1;
	}
}

/* --reasm-budget: bytes, with a k, M or G suffix */
static size_t
parse_bytes(const char *arg)
{
	char *end;
	unsigned long long v = parse_number("--reasm-budget", arg,
					    ULLONG_MAX >> 30, &end);

	if (end[0] != '\0' && end[1] != '\0')
		die("invalid --reasm-budget '%s'", arg);
	switch (end[0]) {
	case 'k': case 'K':
		v <<= 10;
		break;
	case 'M':
		v <<= 20;
		break;
	case 'G':
		v <<= 30;
		break;
	case '\0':
		break;
	default:
		die("invalid --reasm-budget '%s'", arg);
	}
	if (v == 0 || v > SIZE_MAX)
		die("invalid --reasm-budget '%s'", arg);
	return (size_t)v;
}

static void
parse_payload(const char *arg, enum payload_mode *mode)
{
	if (strcmp(arg, "auto") == 0)
		*mode = PAYLOAD_AUTO;
	else if (strcmp(arg, "ip") == 0)
		*mode = PAYLOAD_IP;
	else if (strcmp(arg, "ppp") == 0)
		*mode = PAYLOAD_PPP;
	else
		die("invalid --payload '%s': expected auto, ip or ppp", arg);
}

/* --split PATTERN: only %m, %s and %% */
static void
check_pattern(const char *pattern)
{
	const char *p;

	if (pattern[0] == '\0' || strcmp(pattern, "-") == 0)
		die("invalid --split '%s': a file name pattern", pattern);
	for (p = strchr(pattern, '%'); p != NULL; p = strchr(p + 2, '%')) {
		if (p[1] != 'm' && p[1] != 's' && p[1] != '%')
			die("invalid --split '%s': only %%m, %%s and %%%% may "
			    "follow %%", pattern);
	}
}

/* the remaining arguments, joined by spaces, as tcpdump does */
static char *
join_args(char **argv)
{
	size_t n = 1;
	char **a, *s;

	if (*argv == NULL)
		return NULL;
	for (a = argv; *a != NULL; a++)
		n += strlen(*a) + 1;
	s = malloc(n);
	if (s == NULL)
		die("out of memory");
	s[0] = '\0';
	for (a = argv; *a != NULL; a++) {
		if (a != argv)
			strcat(s, " ");
		strcat(s, *a);
	}
	return s;
}

/* ---- inputs ---- */

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
	if (live != NULL)
		pcap_breakloop(live);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static pcap_t *
open_file(struct decap *d, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = jp_open_offline(path, &d->nano, errbuf);

	if (p == NULL)
		die("%s: %s", strcmp(path, "-") == 0 ? "standard input" : path,
		    errbuf);
	return p;
}

/* whether the capture filters of this libpcap know the jmirror keyword */
static int
pcap_knows_jmirror(pcap_t *p)
{
	struct bpf_program code;

	if (pcap_compile(p, &code, "jmirror", 1, PCAP_NETMASK_UNKNOWN) != 0)
		return 0;
	pcap_freecode(&code);
	return 1;
}

/*
 * The id selector of a --mirror-id or --session-id set for the jmirror
 * keyword: "" for any id, " KW N" for one; -1 for ranges or several ids,
 * which one jmirror primitive cannot express.
 */
static int
id_selector(const struct id_set *ids, const char *kw, char *buf, size_t size)
{
	buf[0] = '\0';
	if (ids->n == 0)
		return 0;
	if (ids->n > 1 || ids->r[0].lo != ids->r[0].hi)
		return -1;
	snprintf(buf, size, " %s%u", kw, ids->r[0].lo);
	return 0;
}

/*
 * Whether EXPRESSION means the same on the mirrored packet in a kernel
 * filter as decap's own filter: after "jmirror", the packet length and
 * link-layer keywords would still read the outer packet.
 */
static int
expression_is_inner(const char *expr)
{
	static const char *const outer[] = {
		"len", "less", "greater", "link", "ether", "ppp", "inbound",
		"outbound", "ifindex", "vlan", "mpls", "pppoed", "pppoes",
		"geneve", "vxlan", "jmirror", "protochain"
	};
	const char *w = expr;
	size_t n, i;

	while (*w != '\0') {
		n = strspn(w, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
		for (i = 0; n != 0 && i < sizeof(outer) / sizeof(outer[0]); i++)
			if (strlen(outer[i]) == n &&
			    strncmp(w, outer[i], n) == 0)
				return 0;
		w += n != 0 ? n : 1;
	}
	return 1;
}

/*
 * The capture filter of -i with a libpcap that knows jmirror: a jmirror
 * datagram on the one port with the one mirror id and session id asked
 * for whose mirrored packet matches EXPRESSION, in place of the ports of
 * decap_capture_filter(); 0 if the settings need the plain filter.
 */
static int
jmirror_live_filter(const struct decap *d, char *buf, size_t size)
{
	char mid[32], sid[32], primitive[2 * DECAP_FILTER_MAX];
	int n;

	if (d->any_udp || d->ports.n != 1 ||
	    id_selector(&d->mirror_ids, "", mid, sizeof(mid)) != 0 ||
	    id_selector(&d->session_ids, "session ", sid, sizeof(sid)) != 0 ||
	    (d->filter_text != NULL && !expression_is_inner(d->filter_text)))
		return 0;
	n = snprintf(primitive, sizeof(primitive),
		     "(jmirror port %u%s%s%s%s%s)", d->ports.port[0], mid, sid,
		     d->filter_text != NULL ? " and (" : "",
		     d->filter_text != NULL ? d->filter_text : "",
		     d->filter_text != NULL ? ")" : "");
	return n > 0 && (size_t)n < sizeof(primitive) &&
	       decap_capture_filter(d, primitive, buf, size) == 0;
}

/*
 * Set the capture filter of -i: the jmirror keyword's when libpcap has
 * it and it compiles, else the one --print-filter prints
 */
static void
set_live_filter(struct decap *d, pcap_t *p, const char *iface)
{
	char filter[2 * DECAP_FILTER_MAX];
	struct bpf_program code;

	if (!pcap_knows_jmirror(p) ||
	    !jmirror_live_filter(d, filter, sizeof(filter)) ||
	    pcap_compile(p, &code, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		decap_capture_filter(d, NULL, filter, sizeof(filter));
		if (pcap_compile(p, &code, filter, 1,
				 PCAP_NETMASK_UNKNOWN) != 0)
			die("%s: cannot set the capture filter: %s", iface,
			    pcap_geterr(p));
	}
	if (pcap_setfilter(p, &code) != 0)
		die("%s: cannot set the capture filter: %s", iface,
		    pcap_geterr(p));
	pcap_freecode(&code);
}

static pcap_t *
open_live(struct decap *d, const char *iface)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(iface, errbuf);
	int r;

	if (p == NULL)
		die("%s: %s", iface, errbuf);
	pcap_set_snaplen(p, DECAP_SNAPLEN);
	pcap_set_timeout(p, LIVE_TIMEOUT_MS);
	if (d->flush_each)
		pcap_set_immediate_mode(p, 1);
	d->nano = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0;
	r = pcap_activate(p);
	if (r < 0)
		die("%s: %s", iface, pcap_geterr(p));
	if (r > 0)
		fprintf(stderr, "%s: %s: %s\n", prog, iface, pcap_geterr(p));
	d->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	set_live_filter(d, p, iface);
	return p;
}

static void
check_link_type(const struct decap *d, const char *name)
{
	const char *lt = pcap_datalink_val_to_name(d->dlt);
	char what[64];

	if (jp_link_supported(d->dlt))
		return;
	snprintf(what, sizeof(what), "%d (%s)", d->dlt, lt ? lt : "unknown");
	die("%s: link type %s not supported", name, what);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	struct decap *d = (struct decap *)user;

	decap_packet(d, h, p);
	if (decap_done(d) || stop)
		pcap_breakloop(live);
}

/* -r or -i: every packet, until the end, -c, an error or a signal */
static int
run_pcap(struct decap *d, pcap_t *p, const char *name)
{
	int r;

	live = p;
	do {
		r = pcap_dispatch(p, -1, on_packet, (u_char *)d);
	} while (r >= 0 && !stop && !decap_done(d) &&
		 (r > 0 || pcap_file(p) == NULL));
	/* a signal may interrupt a read: that is a stop, not an error */
	if (r == PCAP_ERROR && !stop) {
		fprintf(stderr, "%s: %s: read error after %lu packets: %s\n",
			prog, name, d->counts.read, pcap_geterr(p));
		return -1;
	}
	return 0;
}

/* --listen [ADDR:]PORT: a bound UDP socket with nanosecond time stamps */
static int
open_socket(const char *arg)
{
	struct addrinfo hints, *ai;
	char host[256];
	const char *colon = strrchr(arg, ':'), *port = arg;
	int s, on = 1, r;

	host[0] = '\0';
	if (colon != NULL) {
		size_t n = (size_t)(colon - arg);

		if (n >= sizeof(host))
			die("invalid --listen '%s'", arg);
		memcpy(host, arg, n);
		host[n] = '\0';
		port = colon + 1;
		/* [IPv6]:PORT */
		if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
			memmove(host, host + 1, n - 2);
			host[n - 2] = '\0';
		}
	}
	parse_number("--listen port", port, 65535, NULL);
	memset(&hints, 0, sizeof(hints));
	/* no address: every IPv4 address */
	hints.ai_family = host[0] != '\0' ? AF_UNSPEC : AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (r != 0)
		die("--listen %s: %s", arg, gai_strerror(r));
	s = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on,
				sizeof(on)) != 0 ||
	    bind(s, ai->ai_addr, ai->ai_addrlen) != 0)
		die("--listen %s: %s", arg, strerror(errno));
	freeaddrinfo(ai);
	return s;
}

/* one datagram and its receive time; its length, or -1 */
static ssize_t
receive(int s, uint8_t *buf, size_t size, struct pcap_pkthdr *h)
{
	char control[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { buf, size };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	n = recvmsg(s, &msg, 0);
	if (n < 0)
		return -1;
	memset(h, 0, sizeof(*h));
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			h->ts.tv_sec = ts.tv_sec;
			h->ts.tv_usec = (suseconds_t)ts.tv_nsec;
		}
	}
	h->caplen = h->len = (bpf_u_int32)n;
	return n;
}

/* --listen: datagrams until -c, an error or a signal */
static int
run_socket(struct decap *d, int s, const char *name)
{
	static uint8_t buf[65536];
	struct pcap_pkthdr h;
	ssize_t n;

	while (!stop && !decap_done(d)) {
		n = receive(s, buf, sizeof(buf), &h);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: --listen %s: %s\n", prog, name,
				strerror(errno));
			return -1;
		}
		d->counts.read++;
		decap_udp_payload(d, &h, buf, (unsigned)n, (unsigned)n);
	}
	close(s);
	return 0;
}

/* ---- the summary ---- */

static const char *
datagrams(unsigned long n)
{
	return n == 1 ? "datagram" : "datagrams";
}

/* Every fragment once: in a datagram written, left in one incomplete at
 * the end, or dropped with its datagram or alone. */
static void
summary_fragments(const struct decap *d)
{
	const struct reasm_stats *rs = reasm_stats(d->reasm);

	fprintf(stderr, "%s: fragments: %lu reassembled into %lu %s; "
		"%lu in %lu incomplete %s at the end\n",
		prog, rs->frags_reassembled, rs->reassembled,
		datagrams(rs->reassembled), rs->frags_incomplete,
		rs->incomplete_at_end, datagrams(rs->incomplete_at_end));
	fprintf(stderr, "%s: fragments dropped: %lu in %lu overlapping %s, "
		"%lu in %lu timed out, %lu in %lu evicted, %lu invalid, "
		"%lu duplicate, %lu after an overlap, "
		"%lu cut short in the capture\n",
		prog, rs->frags_overlapping, rs->overlapping,
		datagrams(rs->overlapping), rs->frags_timed_out, rs->timed_out,
		rs->frags_evicted, rs->evicted, rs->invalid, rs->duplicates,
		rs->after_overlap, d->counts.truncated_fragments);
}

/* the ports in use, as the summary names them */
static void
print_ports(const struct jp_ports *ports)
{
	unsigned i;

	if (ports->n == 0)
		fprintf(stderr, "any port (--jmirror-port=0)");
	else
		fprintf(stderr, "port%s ", ports->n > 1 ? "s" : "");
	for (i = 0; i < ports->n; i++)
		fprintf(stderr, "%s%u", i == 0 ? "" : ",", ports->port[i]);
}

/*
 * No jmirror found: the UDP ports whose datagrams parse as jmirror, the
 * most datagrams first, as many as --jmirror-port takes.
 */
static void
port_hint(const struct decap *d)
{
	struct lookalike top[DECAP_MAX_LOOKALIKES], t;
	unsigned i, j, n = d->nlookalikes;

	if (d->counts.jmirror != 0 || n == 0)
		return;
	memcpy(top, d->lookalikes, n * sizeof(top[0]));
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && top[j].count > top[j - 1].count; j--) {
			t = top[j];
			top[j] = top[j - 1];
			top[j - 1] = t;
		}
	}
	if (n > JMIRROR_MAX_PORTS)
		n = JMIRROR_MAX_PORTS;
	fprintf(stderr, "%s: no jmirror on ", prog);
	print_ports(&d->ports);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s port %u carries %lu %s",
			i == 0 ? ";" : ",", top[i].port, top[i].count,
			datagrams(top[i].count));
	fprintf(stderr, " that parse%s as jmirror: try --jmirror-port=",
		top[n - 1].count == 1 ? "s" : "");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%u", i == 0 ? "" : ",", top[i].port);
	fputc('\n', stderr);
}

static void
summary(const struct decap *d)
{
	const struct counts *c = &d->counts;
	unsigned i;

	fprintf(stderr, "%s: %lu packets read, %lu jmirror datagrams\n",
		prog, c->read, c->jmirror);
	port_hint(d);
	decap_print_outputs(d, stderr, prog);
	summary_fragments(d);
	fprintf(stderr, "%s: skipped: %lu not jmirror, %lu bad outer IP/UDP, "
		"%lu short header, %lu not selected, %lu filtered, "
		"%lu unknown payload, %lu not representable",
		prog, c->not_jmirror, c->outer_bad, c->short_header,
		c->not_selected, c->filtered, c->unknown_payload,
		c->not_representable);
	for (i = 0; i < d->nreasons; i++)
		fprintf(stderr, "%s%s %lu", i == 0 ? " (" : ", ",
			d->reasons[i].name, d->reasons[i].count);
	fprintf(stderr, "%s\n", d->nreasons != 0 ? ")" : "");
}

/* ---- main ---- */

enum {
	OPT_LISTEN = 256, OPT_SPLIT, OPT_PORT, OPT_MIRROR_ID, OPT_SESSION_ID,
	OPT_PAYLOAD, OPT_BUDGET, OPT_TIMEOUT, OPT_VERSION, OPT_PRINT_FILTER
};

struct settings {
	const char *file, *iface, *listen;
	char *expression;
	struct reasm_limits limits;
	int print_filter;
};

static void
parse_options(int argc, char **argv, struct decap *d, struct settings *s)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "split", required_argument, NULL, OPT_SPLIT },
		{ "jmirror-port", required_argument, NULL, OPT_PORT },
		{ "mirror-id", required_argument, NULL, OPT_MIRROR_ID },
		{ "session-id", required_argument, NULL, OPT_SESSION_ID },
		{ "payload", required_argument, NULL, OPT_PAYLOAD },
		{ "reasm-budget", required_argument, NULL, OPT_BUDGET },
		{ "reasm-timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "print-filter", no_argument, NULL, OPT_PRINT_FILTER },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+r:i:w:Uc:Th", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'r': s->file = optarg; break;
		case 'i': s->iface = optarg; break;
		case OPT_LISTEN: s->listen = optarg; break;
		case 'w': d->path = optarg; break;
		case OPT_SPLIT: d->pattern = optarg; break;
		case 'U': d->flush_each = 1; break;
		case 'T': d->any_udp = 1; break;
		case 'c':
			d->max_count = parse_number("-c", optarg, ULONG_MAX,
						    NULL);
			if (d->max_count == 0)
				die("invalid -c '%s': expected 1 or more",
				    optarg);
			break;
		case OPT_PORT:
			if (jp_parse_ports(optarg, &d->ports) != 0)
				die("invalid --jmirror-port '%s': expected "
				    "PORT[,PORT...], each 1-65535 (at most 8), "
				    "or 0 for none", optarg);
			break;
		case OPT_MIRROR_ID:
			parse_ids("--mirror-id", optarg, JMIRROR_MIRROR_ID_MASK,
				  &d->mirror_ids);
			break;
		case OPT_SESSION_ID:
			parse_ids("--session-id", optarg, UINT32_MAX,
				  &d->session_ids);
			break;
		case OPT_PAYLOAD: parse_payload(optarg, &d->payload); break;
		case OPT_PRINT_FILTER: s->print_filter = 1; break;
		case OPT_BUDGET:
			s->limits.max_bytes = parse_bytes(optarg);
			break;
		case OPT_TIMEOUT:
			s->limits.timeout_ns = parse_number("--reasm-timeout",
				optarg, MAX_TIMEOUT_SECONDS, NULL) * 1000000000u;
			if (s->limits.timeout_ns == 0)
				die("invalid --reasm-timeout '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(DECAP_EXIT_OK);
		case OPT_VERSION:
			printf("%s (tcpdump-jmirror) %s\n%s\n", prog,
			       DECAP_VERSION, pcap_lib_version());
			exit(DECAP_EXIT_OK);
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n",
				prog);
			exit(DECAP_EXIT_ERROR);
		}
	}
	s->expression = join_args(argv + optind);
	d->filter_text = s->expression;
}

/* --print-filter: the capture filter of -i, for tcpdump and the like */
static void
print_filter(const struct decap *d)
{
	char filter[DECAP_FILTER_MAX];

	decap_capture_filter(d, NULL, filter, sizeof(filter));
	if (printf("%s\n", filter) < 0 || fflush(stdout) != 0)
		die("standard output: %s", strerror(errno));
}

/* exactly one input and one output, and a terminal is no output */
static void
check_options(const struct decap *d, const struct settings *s)
{
	if ((s->file != NULL) + (s->iface != NULL) + (s->listen != NULL) != 1)
		die("give one input: -r FILE, -i IFACE or --listen [ADDR:]PORT");
	if ((d->path != NULL) == (d->pattern != NULL))
		die("give one output: -w FILE or --split PATTERN");
	if (d->path != NULL && strcmp(d->path, "-") == 0 && isatty(1))
		die("-w -: standard output is a terminal; redirect it or "
		    "pipe it");
	if (d->pattern != NULL)
		check_pattern(d->pattern);
	if (s->listen != NULL && d->any_udp)
		die("-T goes with -r or -i, not --listen");
}

/* how many --split files may be open at once, from RLIMIT_NOFILE */
static unsigned
max_open_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < DECAP_MAX_OPEN + 16)
		return rl.rlim_cur > 17 ? (unsigned)rl.rlim_cur - 16 : 1;
	return DECAP_MAX_OPEN;
}

int
main(int argc, char **argv)
{
	static struct decap d;
	struct settings s = { NULL, NULL, NULL, NULL,
			      { REASM_DEFAULT_MAX_BYTES,
				REASM_DEFAULT_TIMEOUT_NS }, 0 };
	pcap_t *p = NULL;
	int status = DECAP_EXIT_OK, sock = -1;

	d.ports.n = 1;
	d.ports.port[0] = JMIRROR_DEFAULT_PORT;
	d.max_open = max_open_files();
	parse_options(argc, argv, &d, &s);
	if (s.print_filter) {
		print_filter(&d);
		return DECAP_EXIT_OK;
	}
	check_options(&d, &s);
	if (decap_compile_filter(&d) != 0)
		die("%s", d.errmsg);
	if (decap_init(&d, &s.limits) != 0)
		die("out of memory");
	if (s.file != NULL)
		p = open_file(&d, s.file);
	else if (s.iface != NULL)
		p = open_live(&d, s.iface);
	else
		sock = open_socket(s.listen);
	if (p != NULL) {
		d.dlt = pcap_datalink(p);
		check_link_type(&d, s.file != NULL ? s.file : s.iface);
	} else {
		d.dlt = -1;
		d.nano = 1;
	}
	if (d.path != NULL && decap_open_single(&d) != 0)
		die("%s", d.errmsg);
	catch_signals();

	if (p != NULL && run_pcap(&d, p, s.file != NULL ? s.file : s.iface))
		status = DECAP_EXIT_ERROR;
	if (sock >= 0 && run_socket(&d, sock, s.listen))
		status = DECAP_EXIT_ERROR;
	reasm_flush(d.reasm);
	if (decap_close_outputs(&d) != 0) {
		fprintf(stderr, "%s: %s\n", prog, d.errmsg);
		status = DECAP_EXIT_ERROR;
	}
	summary(&d);
	if (p != NULL)
		pcap_close(p);
	decap_free(&d);
	free(s.expression);
	return status;
}
