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

/* recvmmsg() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/resource.h>

#include "decap.h"

#ifndef DECAP_VERSION
#define DECAP_VERSION "unknown"
#endif

#define MAX_TIMEOUT_SECONDS	86400
/* how long a live read waits at the most before it looks at the signals */
#define LIVE_TIMEOUT_MS		100
/* -B: the receive buffer, in KiB; the default keeps a loopback burst of
   a million small datagrams */
#define DEFAULT_BUFFER_KIB	32768
#define MAX_BUFFER_KIB		(INT_MAX / 2048)
/* --listen: datagrams per recvmmsg() */
#define BATCH			32
/*
 * --listen: after a batch that was not full, wait this long before the
 * next, so that the next finds many datagrams: one wake-up and one
 * system call for a batch, not for each datagram, about halves the CPU
 * time at high rates.  Only with a receive buffer of COALESCE_MIN_BYTES
 * or more, which holds far more than arrives meanwhile.
 */
#define COALESCE_NS		200000
#define COALESCE_MIN_BYTES	(4 << 20)
/* -Z: whom a live capture run as root becomes, where that user exists */
#define DEFAULT_USER		"tcpdump"

static const char *const prog = DECAP_PROG;
static volatile sig_atomic_t stop;	/* SIGINT, SIGTERM */
static volatile sig_atomic_t report;	/* SIGUSR1 */
static volatile sig_atomic_t reopen;	/* SIGHUP */
static pcap_t *live;		/* the capture handle a signal breaks */

/* a live input: what the kernel could not keep */
struct live_input {
	pcap_t *pcap;			/* -i, or NULL */
	int sock;			/* --listen, or -1 */
	unsigned long overflow;		/* --listen: SO_RXQ_OVFL, last seen */
	int coalesce;			/* --listen: wait for fuller batches */
};

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-r FILE | -i IFACE | --listen [ADDR:]PORT]\n"
"                     [-w FILE | --split PATTERN] [-U] [-c COUNT]\n"
"                     [-B KIB] [-Z USER] [-G SECONDS] [-C MILLION_BYTES]\n"
"                     [-W COUNT] [--from ADDR[/PREFIX][,...]]\n"
"                     [--max-outputs N]\n"
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
"                      (PORT 1-65535; no ADDR: every IPv4 address)\n"
"  -w FILE             write the mirrored packets to FILE ('-': standard\n"
"                      output, never a terminal)\n"
"      --split PATTERN one file per intercept or session: %%m is the\n"
"                      mirror id, %%s the session id, %%%% a %%;\n"
"                      directories are made\n"
"      --max-outputs N at most N --split names over the run (default %d);\n"
"                      packets past it are counted, not written\n"
"  -U                  flush each packet as it is written\n"
"  -c COUNT            stop after COUNT packets written\n"
"  -B KIB              -i, --listen: the kernel's buffer, in KiB\n"
"                      (default %d)\n"
"  -Z USER             -i, --listen as root: become USER once the capture\n"
"                      is open (default %s where it exists; root: stay)\n"
"  -G SECONDS          a new file every SECONDS; strftime escapes in the\n"
"                      file name (in --split after %%m and %%s)\n"
"  -C MILLION_BYTES    a new file (numbered) when a file is over this\n"
"  -W COUNT            with -C: COUNT files, reused round; with -G alone:\n"
"                      stop after COUNT files\n"
"      --from ADDR[/PREFIX][,...]  jmirror only from these outer sources\n"
"                      (IPv4, IPv6)\n"
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
"SIGUSR1 prints the summary so far; SIGHUP reopens every output.\n"
"Exit status: 0 done, 1 error (a usage error too).\n",
		prog, prog, DECAP_DEFAULT_MAX_OUTPUTS, DEFAULT_BUFFER_KIB,
		DEFAULT_USER, JMIRROR_MAX_PORTS, JMIRROR_PORT,
		REASM_DEFAULT_MAX_BYTES >> 20,
		(unsigned long long)(REASM_DEFAULT_TIMEOUT_NS / 1000000000u));
}

/* ---- option values: each parser reports a bad value and returns -1 ---- */

/* a number up to max (jp_parse_number(): decimal, or hexadecimal after
   0x), in *v; with rest, what follows it there */
static int
parse_number(const char *option, const char *arg, unsigned long long max,
	     unsigned long long *v, char **rest)
{
	if (jp_parse_number(arg, 0, max, v, rest) != 0) {
		decap_error("invalid %s '%s'", option, arg);
		return -1;
	}
	return 0;
}

/* parse_number() for an option that takes 1 or more */
static int
parse_count(const char *option, const char *arg, unsigned long long max,
	    const char *expected, unsigned long long *v)
{
	if (parse_number(option, arg, max, v, NULL) != 0)
		return -1;
	if (*v == 0) {
		decap_error("invalid %s '%s': expected %s", option, arg,
			    expected);
		return -1;
	}
	return 0;
}

/* --mirror-id / --session-id: N or N-M, comma-separated */
static int
parse_ids(const char *option, const char *arg, uint32_t max,
	  struct id_set *set)
{
	const char *p = arg;
	unsigned long long lo, hi;
	char *end;

	set->n = 0;
	for (;;) {
		if (parse_number(option, p, max, &lo, &end) != 0)
			return -1;
		hi = lo;
		if (*end == '-' &&
		    parse_number(option, end + 1, max, &hi, &end) != 0)
			return -1;
		if (hi < lo || set->n == DECAP_MAX_RANGES ||
		    (*end != ',' && *end != '\0')) {
			decap_error("invalid %s '%s': expected N or N-M, "
				    "comma-separated", option, arg);
			return -1;
		}
		set->r[set->n].lo = (uint32_t)lo;
		set->r[set->n].hi = (uint32_t)hi;
		set->n++;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

/* --reasm-budget: bytes, with a k, M or G suffix */
static int
parse_bytes(const char *arg, size_t *bytes)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (parse_number("--reasm-budget", arg, ULLONG_MAX >> 30, &v,
			 &end) != 0)
		return -1;
	if (end[0] == 'k' || end[0] == 'K')
		shift = 10;
	else if (end[0] == 'M')
		shift = 20;
	else if (end[0] == 'G')
		shift = 30;
	v <<= shift;
	if ((end[0] != '\0' && (shift == 0 || end[1] != '\0')) || v == 0 ||
	    v > SIZE_MAX) {
		decap_error("invalid --reasm-budget '%s'", arg);
		return -1;
	}
	*bytes = (size_t)v;
	return 0;
}

static int
parse_payload(const char *arg, enum payload_mode *mode)
{
	if (strcmp(arg, "auto") == 0)
		*mode = PAYLOAD_AUTO;
	else if (strcmp(arg, "ip") == 0)
		*mode = PAYLOAD_IP;
	else if (strcmp(arg, "ppp") == 0)
		*mode = PAYLOAD_PPP;
	else {
		decap_error("invalid --payload '%s': expected auto, ip or ppp",
			    arg);
		return -1;
	}
	return 0;
}

/* --split PATTERN: %m, %s and %%, and with -G strftime's escapes */
static int
check_pattern(const char *pattern, int with_time)
{
	const char *p, *why = NULL;

	if (pattern[0] == '\0' || strcmp(pattern, "-") == 0)
		why = "a file name pattern";
	for (p = strchr(pattern, '%'); why == NULL && p != NULL;
	     p = strchr(p + 2, '%')) {
		if (p[1] == '\0')
			why = "a % at the end";
		else if (p[1] != 'm' && p[1] != 's' && p[1] != '%' &&
			 !with_time)
			why = "only %m, %s and %% may follow % (strftime's "
			      "escapes need -G)";
	}
	if (why == NULL)
		return 0;
	decap_error("invalid --split '%s': %s", pattern, why);
	return -1;
}

/* one --from entry: ADDR or ADDR/PREFIX, IPv4 or IPv6 */
static int
parse_sender(const char *arg, const char *entry, size_t len,
	     struct sender_set *set)
{
	char text[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long long prefix;
	unsigned max;

	if (len >= sizeof(text) || set->n == DECAP_MAX_SENDERS) {
		decap_error("invalid --from '%s'", arg);
		return -1;
	}
	memcpy(text, entry, len);
	text[len] = '\0';
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, text, set->a[set->n].addr) == 1)
		set->a[set->n].version = 4, max = 32;
	else if (inet_pton(AF_INET6, text, set->a[set->n].addr) == 1)
		set->a[set->n].version = 6, max = 128;
	else {
		decap_error("invalid --from '%s': '%s' is not an IPv4 or IPv6 "
			    "address", arg, text);
		return -1;
	}
	prefix = max;
	if (slash != NULL &&
	    parse_number("--from prefix", slash + 1, max, &prefix, NULL) != 0)
		return -1;
	set->a[set->n].prefix = (unsigned)prefix;
	set->n++;
	return 0;
}

/* --from ADDR[/PREFIX][,...] */
static int
parse_senders(const char *arg, struct sender_set *set)
{
	const char *p = arg, *comma;

	set->n = 0;
	for (;;) {
		comma = strchr(p, ',');
		if (parse_sender(arg, p, comma != NULL ? (size_t)(comma - p) :
							 strlen(p), set) != 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* the remaining arguments, joined by spaces, as tcpdump does, in
   *joined (NULL when there are none) */
static int
join_args(char **argv, char **joined)
{
	size_t n = 1;
	char **a, *s;

	*joined = NULL;
	if (*argv == NULL)
		return 0;
	for (a = argv; *a != NULL; a++)
		n += strlen(*a) + 1;
	s = malloc(n);
	if (s == NULL) {
		decap_error("out of memory");
		return -1;
	}
	s[0] = '\0';
	for (a = argv; *a != NULL; a++) {
		if (a != argv)
			strcat(s, " ");
		strcat(s, *a);
	}
	*joined = s;
	return 0;
}

/* ---- inputs ---- */

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else if (sig == SIGHUP)
		reopen = 1;
	else
		stop = 1;
	if (live != NULL)
		pcap_breakloop(live);
}

/*
 * SIGINT and SIGTERM interrupt a blocking read (no SA_RESTART): the run
 * ends at once.  SIGUSR1 and SIGHUP let it go on (SA_RESTART), so that
 * a capture read from a pipe is not cut.
 */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* -r: the capture, and the precision of its time stamps */
static pcap_t *
open_file(struct decap_settings *set, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = jp_open_offline(path, &set->nano, errbuf);

	if (p == NULL)
		decap_error("%s: %s", strcmp(path, "-") == 0 ?
				"standard input" : path, errbuf);
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
jmirror_live_filter(const struct decap_settings *set, char *buf, size_t size)
{
	const char *expr = set->filter_text;
	char mid[32], sid[32], primitive[2 * DECAP_FILTER_MAX];
	int n;

	if (set->any_udp || set->ports.n != 1 ||
	    id_selector(&set->mirror_ids, "", mid, sizeof(mid)) != 0 ||
	    id_selector(&set->session_ids, "session ", sid, sizeof(sid)) != 0 ||
	    (expr != NULL && !expression_is_inner(expr)))
		return 0;
	n = snprintf(primitive, sizeof(primitive),
		     "(jmirror port %u%s%s%s%s%s)", set->ports.port[0], mid,
		     sid, expr != NULL ? " and (" : "",
		     expr != NULL ? expr : "", expr != NULL ? ")" : "");
	return n > 0 && (size_t)n < sizeof(primitive) &&
	       decap_capture_filter(set, primitive, buf, size) == 0;
}

/*
 * Set the capture filter of -i: the jmirror keyword's when libpcap has
 * it and it compiles, else the one --print-filter prints; its text in
 * filter
 */
static int
set_live_filter(const struct decap_settings *set, pcap_t *p,
		const char *iface, char *filter, size_t size)
{
	struct bpf_program code;
	int r;

	if (!pcap_knows_jmirror(p) ||
	    !jmirror_live_filter(set, filter, size) ||
	    pcap_compile(p, &code, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		decap_capture_filter(set, NULL, filter, size);
		if (pcap_compile(p, &code, filter, 1,
				 PCAP_NETMASK_UNKNOWN) != 0) {
			decap_error("%s: cannot set the capture filter: %s",
				    iface, pcap_geterr(p));
			return -1;
		}
	}
	r = pcap_setfilter(p, &code);
	if (r != 0)
		decap_error("%s: cannot set the capture filter: %s", iface,
			    pcap_geterr(p));
	pcap_freecode(&code);
	return r != 0 ? -1 : 0;
}

/* 1 when iface is a loopback interface */
static int
is_loopback(const char *iface)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *i;
	int loop = 0;

	if (pcap_findalldevs(&all, errbuf) != 0)
		return 0;
	for (i = all; i != NULL; i = i->next) {
		if (strcmp(i->name, iface) == 0)
			loop = (i->flags & PCAP_IF_LOOPBACK) != 0;
	}
	pcap_freealldevs(all);
	return loop;
}

/*
 * On a loopback interface Linux hands each packet to a capture twice,
 * sent and received; libpcap throws the sent copy away, but only after
 * it took room in the buffer and, when that was full, a place in the
 * drop count: the count would be of copies.  So there the kernel's
 * filter keeps only the received copy.  libpcap's own filter (set
 * first) stays for the packets already in the buffer, which libpcap
 * filters itself and where "inbound" cannot be told.
 */
static int
keep_received_copies(pcap_t *p, const char *iface, const char *filter)
{
	char inbound[2 * DECAP_FILTER_MAX + 32];
	struct bpf_program code;
	struct sock_fprog fprog;
	int r;

	snprintf(inbound, sizeof(inbound), "inbound and (%s)", filter);
	if (pcap_compile(p, &code, inbound, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		decap_error("%s: cannot compile the capture filter: %s", iface,
			    pcap_geterr(p));
		return -1;
	}
	/* a struct bpf_insn is a struct sock_filter */
	fprog.len = (unsigned short)code.bf_len;
	fprog.filter = (struct sock_filter *)code.bf_insns;
	r = setsockopt(pcap_fileno(p), SOL_SOCKET, SO_ATTACH_FILTER, &fprog,
		       sizeof(fprog));
	if (r != 0)
		decap_error("%s: cannot set the capture filter: %s", iface,
			    strerror(errno));
	pcap_freecode(&code);
	return r != 0 ? -1 : 0;
}

/* -i: the capture, activated, with its buffer and filter */
static pcap_t *
activate_live(struct decap_settings *set, const char *iface, int buffer_kib)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(iface, errbuf);
	int r;

	if (p == NULL) {
		decap_error("%s: %s", iface, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, DECAP_SNAPLEN);
	pcap_set_timeout(p, LIVE_TIMEOUT_MS);
	pcap_set_buffer_size(p, buffer_kib * 1024);
	if (set->flush_each)
		pcap_set_immediate_mode(p, 1);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	r = pcap_activate(p);
	if (r < 0) {
		decap_error("%s: %s", iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (r > 0)
		fprintf(stderr, "%s: %s: %s\n", prog, iface, pcap_geterr(p));
	set->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	return p;
}

/* -i: the capture, its buffer and filter */
static pcap_t *
open_live(struct decap_settings *set, const char *iface, int buffer_kib)
{
	char filter[2 * DECAP_FILTER_MAX];
	pcap_t *p = activate_live(set, iface, buffer_kib);

	if (p == NULL)
		return NULL;
	if (set_live_filter(set, p, iface, filter, sizeof(filter)) != 0 ||
	    (is_loopback(iface) &&
	     keep_received_copies(p, iface, filter) != 0)) {
		pcap_close(p);
		return NULL;
	}
	fprintf(stderr, "%s: listening on %s, link-type %s, buffer %d KiB, "
		"capture filter '%s'\n", prog, iface,
		pcap_datalink_val_to_name(pcap_datalink(p)) ?
			pcap_datalink_val_to_name(pcap_datalink(p)) : "unknown",
		buffer_kib, filter);
	return p;
}

static int
check_link_type(int dlt, const char *name)
{
	const char *lt = pcap_datalink_val_to_name(dlt);

	if (jp_link_supported(dlt))
		return 0;
	decap_error("%s: link type %d (%s) not supported", name, dlt,
		    lt ? lt : "unknown");
	return -1;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	struct decap *d = (struct decap *)user;

	decap_packet(d, h, p);
	if (decap_done(d) || stop)
		pcap_breakloop(live);
}

static void summary(const struct decap *d, const struct live_input *in);

/* SIGUSR1: the summary so far; SIGHUP: every output reopened */
static void
handle_signals(struct decap *d, const struct live_input *in)
{
	if (report) {
		report = 0;
		summary(d, in);
	}
	if (reopen) {
		reopen = 0;
		decap_reopen_outputs(d);
	}
}

/* -r or -i: every packet, until the end, -c, an error or a signal */
static int
run_pcap(struct decap *d, const struct live_input *in, pcap_t *p,
	 const char *name)
{
	int r;

	live = p;
	for (;;) {
		r = pcap_dispatch(p, -1, on_packet, (u_char *)d);
		handle_signals(d, in);
		/* a signal may interrupt a read: that is a stop, not an
		   error */
		if (stop || decap_done(d))
			return 0;
		if (r == PCAP_ERROR_BREAK)
			continue;
		if (r < 0 || (r == 0 && pcap_file(p) != NULL))
			break;
	}
	if (r == PCAP_ERROR) {
		decap_error("%s: read error after %lu packets: %s", name,
			    d->st.counts.read, pcap_geterr(p));
		return -1;
	}
	return 0;
}

/*
 * -B for --listen: SO_RCVBUFFORCE goes past net.core.rmem_max where it
 * is permitted (CAP_NET_ADMIN), else SO_RCVBUF gets at most that; one
 * line says so when the kernel grants less than asked.  The bytes
 * granted.
 */
static int
set_receive_buffer(int s, int kib)
{
	int want = kib * 1024, got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &want,
		       sizeof(want)) != 0)
		(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &want,
				 sizeof(want));
	/* the kernel reports twice what it grants (its bookkeeping) */
	if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0 &&
	    got / 2 < want)
		fprintf(stderr, "%s: receive buffer: %d KiB granted of %d KiB "
			"asked; 'sysctl -w net.core.rmem_max=%d' raises the "
			"limit\n", prog, got / 2048, kib, want);
	return got / 2;
}

/* "ADDR:PORT" or "[ADDR]:PORT" of a bound socket */
static void
socket_name(int s, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN], port[8];

	if (getsockname(s, (struct sockaddr *)&ss, &len) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port,
			sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, size, "?");
		return;
	}
	snprintf(buf, size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, port);
}

/* --listen [ADDR:]PORT, [IPv6]:PORT: the address (empty for none) into
   host, the port, 1-65535, in *port */
static int
parse_listen(const char *arg, char *host, size_t size, const char **port)
{
	const char *colon = strrchr(arg, ':');
	unsigned long long n;

	host[0] = '\0';
	*port = arg;
	if (colon != NULL) {
		size_t len = (size_t)(colon - arg);

		if (len >= size) {
			decap_error("invalid --listen '%s'", arg);
			return -1;
		}
		memcpy(host, arg, len);
		host[len] = '\0';
		*port = colon + 1;
		if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
			memmove(host, host + 1, len - 2);
			host[len - 2] = '\0';
		}
	}
	if (parse_number("--listen port", *port, 65535, &n, NULL) != 0)
		return -1;
	if (n == 0) {
		decap_error("invalid --listen '%s': port 0 would be a port the "
			    "kernel picks; give 1-65535", arg);
		return -1;
	}
	return 0;
}

/*
 * A UDP socket bound to ai, with nanosecond time stamps and the kernel's
 * drop counter on each datagram; a read waits LIVE_TIMEOUT_MS at the
 * most, so that a signal is seen in time.  -1 (errno) on a failure.
 */
static int
bound_socket(const struct addrinfo *ai, int buffer_kib, struct live_input *in)
{
	struct timeval wait = { 0, LIVE_TIMEOUT_MS * 1000 };
	int s = socket(ai->ai_family, SOCK_DGRAM, 0), on = 1, saved;

	if (s < 0)
		return -1;
	if (setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0 &&
	    setsockopt(s, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) == 0 &&
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) == 0) {
		in->coalesce = set_receive_buffer(s, buffer_kib) >=
			       COALESCE_MIN_BYTES;
		if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0)
			return s;
	}
	saved = errno;
	close(s);
	errno = saved;
	return -1;
}

/* --listen [ADDR:]PORT: its socket, in in->sock */
static int
open_socket(const char *arg, int buffer_kib, struct live_input *in)
{
	struct addrinfo hints, *ai;
	char host[256], name[INET6_ADDRSTRLEN + 16];
	const char *port;
	int s, r;

	if (parse_listen(arg, host, sizeof(host), &port) != 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	/* no address: every IPv4 address */
	hints.ai_family = host[0] != '\0' ? AF_UNSPEC : AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (r != 0) {
		decap_error("--listen %s: %s", arg, gai_strerror(r));
		return -1;
	}
	s = bound_socket(ai, buffer_kib, in);
	if (s < 0)
		decap_error("--listen %s: %s", arg, strerror(errno));
	freeaddrinfo(ai);
	if (s < 0)
		return -1;
	socket_name(s, name, sizeof(name));
	fprintf(stderr, "%s: listening on %s (UDP), buffer %d KiB\n", prog,
		name, buffer_kib);
	in->sock = s;
	return 0;
}

/* --listen: up to BATCH datagrams, each with its sender and control
   data */
struct batch {
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct timespec)) +
			 CMSG_SPACE(sizeof(uint32_t))];
	} control[BATCH];
	uint8_t data[BATCH][65536];
};

/* the datagrams waiting, at least one (or a time-out); how many, or -1 */
static int
receive(int s, struct batch *b)
{
	unsigned i;

	for (i = 0; i < BATCH; i++) {
		struct msghdr *m = &b->msg[i].msg_hdr;

		b->iov[i].iov_base = b->data[i];
		b->iov[i].iov_len = sizeof(b->data[i]);
		memset(m, 0, sizeof(*m));
		m->msg_name = &b->from[i];
		m->msg_namelen = sizeof(b->from[i]);
		m->msg_iov = &b->iov[i];
		m->msg_iovlen = 1;
		m->msg_control = b->control[i].buf;
		m->msg_controllen = sizeof(b->control[i].buf);
	}
	return recvmmsg(s, b->msg, BATCH, MSG_WAITFORONE, NULL);
}

/* a datagram's pcap header from its kernel time stamp; the kernel's
   drop count for the socket, when it came with it */
static void
datagram_header(struct mmsghdr *mm, struct pcap_pkthdr *h,
		struct live_input *in)
{
	struct cmsghdr *c;

	memset(h, 0, sizeof(*h));
	for (c = CMSG_FIRSTHDR(&mm->msg_hdr); c != NULL;
	     c = CMSG_NXTHDR(&mm->msg_hdr, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			h->ts.tv_sec = ts.tv_sec;
			h->ts.tv_usec = (suseconds_t)ts.tv_nsec;
		} else if (c->cmsg_type == SO_RXQ_OVFL) {
			uint32_t drops;

			memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			if (drops > in->overflow)
				in->overflow = drops;
		}
	}
	h->caplen = h->len = mm->msg_len;
}

/* --from for a datagram's sender (an IPv4-mapped IPv6 one as IPv4) */
static int
sender_accepted(const struct decap_settings *set,
		const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return decap_sender_accepted(set, 4,
			(const uint8_t *)&v4->sin_addr);
	if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))
		return decap_sender_accepted(set, 4,
					     v6->sin6_addr.s6_addr + 12);
	return decap_sender_accepted(set, 6, v6->sin6_addr.s6_addr);
}

/* --listen: datagrams until -c, an error or a signal; every datagram
   received is handled, a batch is never cut */
static int
run_socket(struct decap *d, struct live_input *in, const char *name)
{
	static struct batch b;
	const struct timespec wait = { 0, COALESCE_NS };
	struct pcap_pkthdr h;
	int n, i;

	while (!stop && !decap_done(d)) {
		handle_signals(d, in);
		n = receive(in->sock, &b);
		if (n < 0 && (errno == EINTR || errno == EAGAIN ||
			      errno == EWOULDBLOCK))
			continue;
		if (n < 0) {
			decap_error("--listen %s: %s", name, strerror(errno));
			return -1;
		}
		for (i = 0; i < n && !decap_done(d); i++) {
			d->st.counts.read++;
			datagram_header(&b.msg[i], &h, in);
			if (!sender_accepted(d->set, &b.from[i])) {
				d->st.counts.not_accepted++;
				continue;
			}
			decap_udp_payload(d, &h, b.data[i], h.caplen, h.len);
		}
		if (in->coalesce && n < BATCH)
			nanosleep(&wait, NULL);
	}
	return 0;
}

/* ---- the summary ---- */

/*
 * What the kernel dropped because decap's buffer was full: -i, libpcap's
 * count; --listen, the socket's own (SO_MEMINFO, which also counts what
 * was dropped after the last datagram SO_RXQ_OVFL came with).
 */
static int
kernel_drops(const struct live_input *in, unsigned long *drops)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);
	struct pcap_stat ps;

	if (in->pcap != NULL) {
		if (pcap_stats(in->pcap, &ps) != 0)
			return -1;
		*drops = ps.ps_drop;
		return 0;
	}
	*drops = in->overflow;
	if (getsockopt(in->sock, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
	    len > SK_MEMINFO_DROPS * sizeof(mem[0]) &&
	    mem[SK_MEMINFO_DROPS] > *drops)
		*drops = mem[SK_MEMINFO_DROPS];
	return 0;
}

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
	const struct reasm_stats *rs = reasm_stats(d->st.reasm);

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
		rs->after_overlap, d->st.counts.truncated_fragments);
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
	unsigned i, j, n = d->st.nlookalikes;

	if (d->st.counts.jmirror != 0 || n == 0)
		return;
	memcpy(top, d->st.lookalikes, n * sizeof(top[0]));
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
	print_ports(&d->set->ports);
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
summary(const struct decap *d, const struct live_input *in)
{
	const struct decap_state *st = &d->st;
	const struct counts *c = &st->counts;
	unsigned long drops;
	unsigned i;

	fprintf(stderr, "%s: %lu packets read, %lu jmirror datagrams\n",
		prog, c->read, c->jmirror);
	port_hint(d);
	if (in != NULL && kernel_drops(in, &drops) == 0)
		fprintf(stderr, "%s: %lu dropped by the kernel (receive buffer "
			"full)\n", prog, drops);
	else if (in != NULL)
		fprintf(stderr, "%s: dropped by the kernel: unknown (%s)\n",
			prog, pcap_geterr(in->pcap));
	decap_print_outputs(d, stderr);
	summary_fragments(d);
	fprintf(stderr, "%s: skipped: %lu not jmirror, %lu bad outer IP/UDP, "
		"%lu short header, %lu not selected, %lu filtered, "
		"%lu unknown payload, %lu not representable",
		prog, c->not_jmirror, c->outer_bad, c->short_header,
		c->not_selected, c->filtered, c->unknown_payload,
		c->not_representable);
	for (i = 0; i < st->nreasons; i++)
		fprintf(stderr, "%s%s %lu", i == 0 ? " (" : ", ",
			st->reasons[i].name, st->reasons[i].count);
	fprintf(stderr, "%s\n", st->nreasons != 0 ? ")" : "");
	if (d->set->senders.n != 0 || d->set->pattern != NULL)
		fprintf(stderr, "%s: refused: %lu not from an accepted sender, "
			"%lu past --max-outputs (%lu)\n", prog, c->not_accepted,
			c->past_max_outputs, d->set->max_outputs);
}

/* ---- least privilege ---- */

/*
 * As root, a live capture becomes USER (-Z, default DEFAULT_USER) once
 * its socket is open: every packet is read, every file made as USER.
 * -Z root stays root; no such default user: stay, and say so.  The user
 * become goes in set->user, for the messages of files it cannot make.
 */
static int
drop_privileges(struct decap_settings *set, const char *user, int given)
{
	const struct passwd *pw;

	if (geteuid() != 0 || strcmp(user, "root") == 0)
		return 0;
	pw = getpwnam(user);
	if (pw == NULL && !given) {
		fprintf(stderr, "%s: no user '%s': running as root (-Z USER "
			"names another)\n", prog, user);
		return 0;
	}
	if (pw == NULL) {
		decap_error("-Z %s: no such user", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		decap_error("cannot become user '%s': %s", user,
			    strerror(errno));
		return -1;
	}
	set->user = user;
	return 0;
}

/* ---- options ---- */

enum {
	OPT_LISTEN = 256, OPT_SPLIT, OPT_PORT, OPT_MIRROR_ID, OPT_SESSION_ID,
	OPT_PAYLOAD, OPT_BUDGET, OPT_TIMEOUT, OPT_VERSION, OPT_FROM,
	OPT_MAX_OUTPUTS, OPT_PRINT_FILTER
};

/* what parse_option() found: go on, an error, or --help / --version
   done */
enum { OPTIONS_RUN, OPTIONS_BAD, OPTIONS_DONE };

/* the options main() acts on itself, beside decap's settings */
struct command {
	const char *file, *iface, *listen;
	char *expression;
	int buffer_kib;			/* -B, 0 when not given */
	const char *user;		/* -Z, NULL when not given */
	int outputs;			/* -w and --split given */
	int print_filter;		/* --print-filter */
};

/* -G, -C and -W */
static int
parse_rotation(int opt, const char *arg, struct rotation *r)
{
	unsigned long long v;
	unsigned n;

	switch (opt) {
	case 'G':
		if (parse_count("-G", arg, INT_MAX, "1 or more seconds",
				&v) != 0)
			return -1;
		r->seconds = (unsigned)v;
		break;
	case 'C':
		if (parse_count("-C", arg, UINT64_MAX / 1000000u,
				"1 or more million bytes", &v) != 0)
			return -1;
		r->bytes = v * 1000000u;
		break;
	case 'W':
		if (parse_count("-W", arg, INT_MAX, "1 or more files",
				&v) != 0)
			return -1;
		r->files = (unsigned)v;
		/* the digits of the highest file number, W - 1 */
		for (r->digits = 0, n = r->files - 1; n > 0; n /= 10)
			r->digits++;
		break;
	}
	return 0;
}

/* -B KIB */
static int
parse_buffer(const char *arg, int *kib)
{
	char expected[32];
	unsigned long long v;

	snprintf(expected, sizeof(expected), "1-%d KiB", MAX_BUFFER_KIB);
	if (parse_count("-B", arg, MAX_BUFFER_KIB, expected, &v) != 0)
		return -1;
	*kib = (int)v;
	return 0;
}

/* --reasm-budget and --reasm-timeout */
static int
parse_limit(int opt, const char *arg, struct reasm_limits *limits)
{
	unsigned long long v;

	if (opt == OPT_BUDGET)
		return parse_bytes(arg, &limits->max_bytes);
	if (parse_count("--reasm-timeout", arg, MAX_TIMEOUT_SECONDS, NULL,
			&v) != 0)
		return -1;
	limits->timeout_ns = v * 1000000000u;
	return 0;
}

/* an option of a number of 1 or more into *v: -c or --max-outputs */
static int
parse_limit_count(const char *option, const char *arg, unsigned long *v)
{
	unsigned long long n;

	if (parse_count(option, arg, ULONG_MAX, "1 or more", &n) != 0)
		return -1;
	*v = (unsigned long)n;
	return 0;
}

/* the options of the output: -w, --split */
static int
parse_output(int opt, const char *arg, struct decap_settings *set,
	     struct command *cmd)
{
	if (opt == 'w' && set->path != NULL) {
		decap_error("-w given twice: one output file");
		return -1;
	}
	if (opt == 'w')
		set->path = arg;
	else
		set->pattern = arg;
	cmd->outputs++;
	return 0;
}

/* the options that choose which datagrams are jmirror and which of
   them are taken */
static int
parse_selection(int opt, const char *arg, struct decap_settings *set)
{
	switch (opt) {
	case OPT_PORT:
		if (jp_parse_ports(arg, &set->ports) == 0)
			return 0;
		decap_error("invalid --jmirror-port '%s': expected "
			    "PORT[,PORT...], each 1-65535 (at most 8), or 0 "
			    "for none", arg);
		return -1;
	case OPT_MIRROR_ID:
		return parse_ids("--mirror-id", arg, JMIRROR_MIRROR_ID_MASK,
				 &set->mirror_ids);
	case OPT_SESSION_ID:
		return parse_ids("--session-id", arg, UINT32_MAX,
				 &set->session_ids);
	case OPT_FROM:
		return parse_senders(arg, &set->senders);
	case 'T':
		set->any_udp = 1;
		return 0;
	}
	return -1;
}

/* one option: OPTIONS_RUN, OPTIONS_BAD or OPTIONS_DONE */
static int
parse_option(int opt, const char *arg, struct decap_settings *set,
	     struct command *cmd)
{
	int r = 0;

	switch (opt) {
	case 'r': cmd->file = arg; break;
	case 'i': cmd->iface = arg; break;
	case OPT_LISTEN: cmd->listen = arg; break;
	case 'w': case OPT_SPLIT: r = parse_output(opt, arg, set, cmd); break;
	case 'B': r = parse_buffer(arg, &cmd->buffer_kib); break;
	case 'Z': cmd->user = arg; break;
	case 'G': case 'C': case 'W':
		r = parse_rotation(opt, arg, &set->rotate);
		break;
	case OPT_MAX_OUTPUTS:
		r = parse_limit_count("--max-outputs", arg, &set->max_outputs);
		break;
	case 'c': r = parse_limit_count("-c", arg, &set->max_count); break;
	case 'U': set->flush_each = 1; break;
	case OPT_PORT: case OPT_MIRROR_ID: case OPT_SESSION_ID: case OPT_FROM:
	case 'T':
		r = parse_selection(opt, arg, set);
		break;
	case OPT_PAYLOAD: r = parse_payload(arg, &set->payload); break;
	case OPT_PRINT_FILTER: cmd->print_filter = 1; break;
	case OPT_BUDGET: case OPT_TIMEOUT:
		r = parse_limit(opt, arg, &set->limits);
		break;
	case 'h':
		usage(stdout);
		return OPTIONS_DONE;
	case OPT_VERSION:
		printf("%s (tcpdump-jmirror) %s\n%s\n", prog, DECAP_VERSION,
		       pcap_lib_version());
		return OPTIONS_DONE;
	default:
		fprintf(stderr, "Try '%s --help' for more information.\n",
			prog);
		return OPTIONS_BAD;
	}
	return r == 0 ? OPTIONS_RUN : OPTIONS_BAD;
}

/* the command line into set and cmd: OPTIONS_RUN, OPTIONS_BAD or
   OPTIONS_DONE */
static int
parse_options(int argc, char **argv, struct decap_settings *set,
	      struct command *cmd)
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
		{ "from", required_argument, NULL, OPT_FROM },
		{ "max-outputs", required_argument, NULL, OPT_MAX_OUTPUTS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "print-filter", no_argument, NULL, OPT_PRINT_FILTER },
		{ NULL, 0, NULL, 0 }
	};
	int opt, r;

	while ((opt = getopt_long(argc, argv, "+r:i:w:Uc:ThB:Z:G:C:W:",
				  longopts, NULL)) != -1) {
		r = parse_option(opt, optarg, set, cmd);
		if (r != OPTIONS_RUN)
			return r;
	}
	if (join_args(argv + optind, &cmd->expression) != 0)
		return OPTIONS_BAD;
	set->filter_text = cmd->expression;
	return OPTIONS_RUN;
}

/* --print-filter: the capture filter of -i, for tcpdump and the like */
static int
print_filter(const struct decap_settings *set)
{
	char filter[DECAP_FILTER_MAX];

	decap_capture_filter(set, NULL, filter, sizeof(filter));
	if (printf("%s\n", filter) < 0 || fflush(stdout) != 0) {
		decap_error("standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* exactly one input and one output, and a terminal is no output */
static int
check_options(const struct decap_settings *set, const struct command *cmd)
{
	const struct rotation *r = &set->rotate;
	int to_stdout = set->path != NULL && strcmp(set->path, "-") == 0;
	const char *why = NULL;

	if ((cmd->file != NULL) + (cmd->iface != NULL) +
	    (cmd->listen != NULL) != 1)
		why = "give one input: -r FILE, -i IFACE or --listen "
		      "[ADDR:]PORT";
	else if (cmd->outputs != 1)
		why = "give one output: -w FILE or --split PATTERN";
	else if (to_stdout && isatty(1))
		why = "-w -: standard output is a terminal; redirect it or "
		      "pipe it";
	else if (set->pattern != NULL &&
		 check_pattern(set->pattern, r->seconds != 0) != 0)
		return -1;
	else if (cmd->listen != NULL && set->any_udp)
		why = "-T goes with -r or -i, not --listen";
	else if ((r->seconds != 0 || r->bytes != 0 || r->files != 0) &&
		 to_stdout)
		why = "-G, -C and -W need files to move on to: -w FILE or "
		      "--split PATTERN, not standard output";
	else if (r->files != 0 && r->seconds == 0 && r->bytes == 0)
		why = "-W goes with -C or -G";
	else if (cmd->file != NULL &&
		 (cmd->buffer_kib != 0 || cmd->user != NULL))
		why = "-B and -Z go with -i or --listen";
	if (why == NULL)
		return 0;
	decap_error("%s", why);
	return -1;
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

/* ---- main ---- */

/*
 * The input: -r's capture, -i's, or --listen's socket (in in), and the
 * link type and time stamp precision it fixes; a capture opened is in
 * *pp, also on an error.
 */
static int
open_input(struct decap_settings *set, const struct command *cmd,
	   struct live_input *in, pcap_t **pp)
{
	const char *name = cmd->file != NULL ? cmd->file : cmd->iface;

	if (cmd->listen != NULL) {
		set->dlt = -1;
		set->nano = 1;
		return open_socket(cmd->listen, cmd->buffer_kib, in);
	}
	if (cmd->file != NULL)
		*pp = open_file(set, cmd->file);
	else
		*pp = in->pcap = open_live(set, cmd->iface, cmd->buffer_kib);
	if (*pp == NULL)
		return -1;
	set->dlt = pcap_datalink(*pp);
	return check_link_type(set->dlt, name);
}

/*
 * The run, from the checks of the options to the summary: 0, or -1
 * after an error (reported).  With a live input, decap becomes its
 * user (-Z) once the input is open and before the outputs are.
 */
static int
run(struct decap_settings *set, struct command *cmd)
{
	static struct decap d;
	struct live_input in = { NULL, -1, 0, 0 };
	const struct live_input *live_in = cmd->file == NULL ? &in : NULL;
	pcap_t *p = NULL;
	int status = -1;

	if (check_options(set, cmd) != 0 || decap_init(&d, set) != 0)
		goto done;
	if (cmd->buffer_kib == 0)
		cmd->buffer_kib = DEFAULT_BUFFER_KIB;
	/* before the start line: a signal from then on is a stop */
	catch_signals();
	if (open_input(set, cmd, &in, &p) != 0 ||
	    (live_in != NULL &&
	     drop_privileges(set, cmd->user != NULL ? cmd->user :
						      DEFAULT_USER,
			     cmd->user != NULL) != 0) ||
	    decap_open_outputs(&d) != 0)
		goto done;
	status = 0;
	if (p != NULL && run_pcap(&d, live_in, p, cmd->file != NULL ?
							cmd->file : cmd->iface))
		status = -1;
	if (in.sock >= 0 && run_socket(&d, &in, cmd->listen))
		status = -1;
	reasm_flush(d.st.reasm);
	if (decap_close_outputs(&d) != 0)
		status = -1;
	summary(&d, live_in);
done:
	if (p != NULL)
		pcap_close(p);
	if (in.sock >= 0)
		close(in.sock);
	decap_free(&d);
	return status;
}

int
main(int argc, char **argv)
{
	static struct decap_settings set;
	struct command cmd;
	int r;

	decap_settings_init(&set);
	set.max_open = max_open_files();
	memset(&cmd, 0, sizeof(cmd));
	r = parse_options(argc, argv, &set, &cmd);
	if (r == OPTIONS_RUN && cmd.print_filter)
		r = print_filter(&set) == 0 ? OPTIONS_DONE : OPTIONS_BAD;
	else if (r == OPTIONS_RUN)
		r = run(&set, &cmd) == 0 ? OPTIONS_DONE : OPTIONS_BAD;
	free(cmd.expression);
	return r == OPTIONS_DONE ? DECAP_EXIT_OK : DECAP_EXIT_ERROR;
}
