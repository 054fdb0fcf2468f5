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
 * jmirror-wrap: read a capture and write each IPv4 or IPv6 packet in it
 * as a Juniper packet mirror (jmirror) packet, the way a router mirrors
 * it to an analyzer:
 *
 *     Ethernet | IPv4 (TTL 255) | UDP (checksum 0) | mirror header | IP packet
 *
 * and, optionally, the same IP packets bare, as a raw-IP capture (link
 * type 101).  Both have the input's time stamps; a packet cut short in the
 * input stays just as short inside the mirror packet.
 *
 * Build: cc -o jmirror-wrap jmirror-wrap.c jmirror-pkt.c -lpcap
 */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "jmirror-pkt.h"

#define ETHER_HDR_LEN	14
#define IPV4_HDR_LEN	JP_IPV4_HDR_LEN
#define UDP_HDR_LEN	JP_UDP_HDR_LEN
#define OUTER_IP_LEN	(IPV4_HDR_LEN + UDP_HDR_LEN + JMIRROR_HDR_LEN)
#define OUTER_LEN	(ETHER_HDR_LEN + OUTER_IP_LEN)
/* the longest IP packet that fits in one outer IPv4 datagram */
#define INNER_MAX	(65535 - OUTER_IP_LEN)
#define SNAPLEN_OUT	262144

#define MIRROR_ID_MAX	JMIRROR_MIRROR_ID_MASK
#define MHV_MAX		3
/* --fragment: from the IPv4 minimum MTU (RFC 791) to the most there is */
#define MTU_MIN		68
#define MTU_MAX		65535
/* the most fragments one datagram is cut into (8-byte units) */
#define FRAGMENTS_MAX	(65536 / 8)

/* exit statuses, tcpdump's and jmirror-decap's: a usage error is an
   error too */
#define EXIT_OK		0
#define EXIT_ERROR	1

struct wrap {
	uint32_t word0;		/* MHV and mirror id */
	uint32_t session_id;
	uint16_t port;
	uint16_t ip_id;		/* outer IPv4 identification */
	int dlt;
	int nano;		/* the input has nanosecond time stamps */
	int clip;		/* shorten packets that are too long */
	u_int mtu;		/* --fragment: outer IPv4 MTU, 0 for none */
	int shuffle;		/* --shuffle given */
	uint64_t rng;		/* --shuffle's generator state */
	pcap_dumper_t *out;
	pcap_dumper_t *bare;
	FILE *list;
	u_char frame[OUTER_LEN + INNER_MAX];
	u_char fragment[ETHER_HDR_LEN + MTU_MAX];
	uint16_t order[FRAGMENTS_MAX];
};

struct counts {
	unsigned long read;
	unsigned long wrapped;
	unsigned long not_ip;		/* no IPv4 or IPv6 packet found */
	unsigned long bad_version;	/* version field disagrees */
	unsigned long too_long;		/* would not fit in one datagram */
	unsigned long bad_header;	/* captured length > length */
	unsigned long clipped;		/* wrapped with a shorter length */
	unsigned long fragments;	/* outer fragments written */
};

static const char *prog = "jmirror-wrap";

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTION]... INPUT OUTPUT\n"
"Copy every IPv4 and IPv6 packet of the capture INPUT into the capture\n"
"OUTPUT as a Juniper packet mirror (jmirror) packet: Ethernet, IPv4\n"
"192.0.2.1 > 192.0.2.2 (TTL 255), UDP (checksum 0) to and from the port,\n"
"the 8-byte mirror header, then the IP packet.  Time stamps are kept; a\n"
"packet cut short in INPUT is cut short the same way in OUTPUT.  '-'\n"
"stands for standard input or output.\n"
"\n"
"  -m, --mirror-id=N   mirror identifier, 0 to 1073741823 (default 768)\n"
"  -s, --session-id=N  session identifier, 0 to 4294967295 (default 144)\n"
"  -V, --mhv=N         mirror header version, 0 to 3 (default 0)\n"
"  -p, --port=N        UDP source and destination port, 1 to 65535\n"
"                      (default %u)\n"
"  -b, --bare=FILE     also write the same IP packets, with the same time\n"
"                      stamps and lengths, to FILE as a raw-IP capture\n"
"                      (link type 101)\n"
"  -l, --list=FILE     write a line per packet written to FILE: its number\n"
"                      in INPUT (from 1), its captured length and its\n"
"                      length, both of the IP packet alone\n"
"  -f, --fragment=MTU  fragment each outer IPv4 datagram longer than MTU\n"
"                      (68 to 65535) into fragments of at most MTU bytes;\n"
"                      a packet cut short in INPUT is written unfragmented\n"
"  -S, --shuffle=SEED  write the fragments of each datagram in an order\n"
"                      drawn from SEED (0 to 4294967295), always the same\n"
"                      for the same SEED; each has the packet's time stamp\n"
"  -c, --clip          give an IP packet longer than %u bytes (a length\n"
"                      seen in fuzzed captures) that length, and at most\n"
"                      that many captured bytes, in OUTPUT and in the\n"
"                      --bare capture alike, instead of skipping it\n"
"  -q, --quiet         no summary on standard error\n"
"  -h, --help          show this help and exit\n"
"\n"
"Input link types: Ethernet (with VLAN tags, LLC/SNAP, PPPoE), raw IP,\n"
"IPv4, IPv6, Linux cooked v1 and v2, BSD loopback (NULL, LOOP), PPP, PPP\n"
"in HDLC framing, Cisco HDLC, PPPoE, SLIP, frame relay, RFC 1483 LLC.\n"
"Skipped: packets that carry no IP packet, whose IP version field\n"
"disagrees with the link layer, whose captured length exceeds their\n"
"length, or (without --clip) whose IP packet is longer than %u bytes,\n"
"the most one outer IPv4 datagram holds.\n"
"Numbers may be decimal or 0x hexadecimal.  Nanosecond time stamps in\n"
"INPUT stay nanosecond time stamps in OUTPUT.\n"
"\n"
"Exit status: 0 done; 1 on an error (a bad option, an unreadable or\n"
"unsupported input, an output that cannot be written), as tcpdump.\n",
		prog, JMIRROR_PORT, INNER_MAX, INNER_MAX);
}

static int
brief_usage(void)
{
	fprintf(stderr, "Usage: %s [OPTION]... INPUT OUTPUT\n"
		"Try '%s --help' for more information.\n", prog, prog);
	return EXIT_ERROR;
}

/*
 * Report "PATH: WHY" and exit with EXIT_ERROR; libpcap's messages may
 * name the file already.
 */
static void
fail(const char *path, const char *why)
{
	if (strncmp(why, path, strlen(path)) == 0)
		fprintf(stderr, "%s: %s\n", prog, why);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, path, why);
	exit(EXIT_ERROR);
}

/* a number from min to max (jp_parse_number()), or exit naming the option */
static unsigned long
parse_number(const char *option, const char *arg, unsigned long min,
	     unsigned long max)
{
	unsigned long long value;

	if (jp_parse_number(arg, min, max, &value, NULL) != 0) {
		fprintf(stderr, "%s: invalid %s '%s': expected %lu to %lu\n",
			prog, option, arg, min, max);
		exit(EXIT_ERROR);
	}
	return (unsigned long)value;
}

/* The outer headers in front of an IP packet of length len. */
static void
build_outer(struct wrap *w, u_int len)
{
	static const u_char ether[ETHER_HDR_LEN] = {
		0x00, 0x50, 0x56, 0x00, 0x00, 0x02,	/* destination */
		0x00, 0x05, 0x85, 0x00, 0x00, 0x01,	/* source */
		0x08, 0x00
	};
	static const u_char addrs[8] = { 192, 0, 2, 1, 192, 0, 2, 2 };
	u_char *ip = w->frame + ETHER_HDR_LEN;
	u_char *udp = ip + IPV4_HDR_LEN;
	u_char *mirror = udp + UDP_HDR_LEN;

	memcpy(w->frame, ether, sizeof(ether));
	memset(ip, 0, IPV4_HDR_LEN + UDP_HDR_LEN);
	ip[0] = 0x45;
	jp_put_be16(ip + 2, OUTER_IP_LEN + len);
	jp_put_be16(ip + 4, ++w->ip_id);
	ip[8] = 255;		/* TTL */
	ip[9] = JP_IPPROTO_UDP;
	memcpy(ip + 12, addrs, sizeof(addrs));
	jp_put_ipv4_checksum(ip, IPV4_HDR_LEN);
	jp_put_be16(udp, w->port);
	jp_put_be16(udp + 2, w->port);
	jp_put_be16(udp + 4, UDP_HDR_LEN + JMIRROR_HDR_LEN + len);
	jp_put_be32(mirror, w->word0);
	jp_put_be32(mirror + 4, w->session_id);
}

/* --shuffle's generator: splitmix64, a number below n */
static u_int
draw(struct wrap *w, u_int n)
{
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (u_int)(z % n);
}

/* The order of n fragments: as they come, or shuffled (Fisher-Yates). */
static void
order_fragments(struct wrap *w, u_int n)
{
	u_int i, j;
	uint16_t t;

	for (i = 0; i < n; i++)
		w->order[i] = (uint16_t)i;
	if (!w->shuffle)
		return;
	for (i = n - 1; i > 0; i--) {
		j = draw(w, i + 1);
		t = w->order[i];
		w->order[i] = w->order[j];
		w->order[j] = t;
	}
}

/*
 * Fragment number k (of size unit bytes of IP payload) of the datagram
 * in w->frame, whose IP payload is payload bytes long, into w->fragment;
 * its length.
 */
static u_int
build_fragment(struct wrap *w, u_int k, u_int unit, u_int payload)
{
	const u_char *ip = w->frame + ETHER_HDR_LEN;
	u_char *frag = w->fragment + ETHER_HDR_LEN;
	u_int start = k * unit;
	u_int size = payload - start < unit ? payload - start : unit;
	u_int flags = start + size < payload ? JP_IPV4_MF : 0;

	memcpy(w->fragment, w->frame, ETHER_HDR_LEN + IPV4_HDR_LEN);
	memcpy(frag + IPV4_HDR_LEN, ip + IPV4_HDR_LEN + start, size);
	jp_put_be16(frag + 2, IPV4_HDR_LEN + size);
	jp_put_be16(frag + 6, flags | start / 8);
	jp_put_ipv4_checksum(frag, IPV4_HDR_LEN);
	return ETHER_HDR_LEN + IPV4_HDR_LEN + size;
}

/*
 * Write the datagram in w->frame (its captured and whole length, both
 * with the Ethernet header): whole, or cut into fragments of at most
 * --fragment bytes when it is longer and wholly captured.
 */
static void
write_datagram(struct wrap *w, struct counts *c, struct pcap_pkthdr *oh)
{
	u_int payload, unit, n, i;

	if (w->mtu == 0 || oh->len - ETHER_HDR_LEN <= w->mtu ||
	    oh->caplen < oh->len) {
		pcap_dump((u_char *)w->out, oh, w->frame);
		return;
	}
	payload = oh->len - ETHER_HDR_LEN - IPV4_HDR_LEN;
	unit = (w->mtu - IPV4_HDR_LEN) / 8 * 8;
	n = (payload + unit - 1) / unit;
	order_fragments(w, n);
	for (i = 0; i < n; i++) {
		oh->caplen = oh->len = build_fragment(w, w->order[i], unit,
						      payload);
		pcap_dump((u_char *)w->out, oh, w->fragment);
		c->fragments++;
	}
}

static void
wrap_packet(struct wrap *w, struct counts *c, const struct pcap_pkthdr *h,
	    const u_char *p)
{
	struct pcap_pkthdr oh;
	u_int off, caplen, len;
	int carries = jp_find_ip(w->dlt, p, h->caplen, &off);

	if (h->caplen > h->len) {
		c->bad_header++;
		return;
	}
	if (carries == JP_CARRIES_NOT_IP || off >= h->caplen || off >= h->len) {
		c->not_ip++;
		return;
	}
	if (!jp_version_agrees(carries, p + off)) {
		c->bad_version++;
		return;
	}
	caplen = h->caplen - off;
	len = h->len - off;
	if (len > INNER_MAX) {
		if (!w->clip) {
			c->too_long++;
			return;
		}
		len = INNER_MAX;
		if (caplen > len)
			caplen = len;
		c->clipped++;
	}
	oh.ts = h->ts;
	oh.caplen = caplen;
	oh.len = len;
	if (w->bare != NULL)
		pcap_dump((u_char *)w->bare, &oh, p + off);
	if (w->list != NULL)
		fprintf(w->list, "%lu %u %u\n", c->read, caplen, len);
	build_outer(w, len);
	memcpy(w->frame + OUTER_LEN, p + off, caplen);
	oh.caplen = OUTER_LEN + caplen;
	oh.len = OUTER_LEN + len;
	write_datagram(w, c, &oh);
	c->wrapped++;
}

static pcap_dumper_t *
open_output(int dlt, int nano, const char *path)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, SNAPLEN_OUT,
		nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d;

	if (dead == NULL)
		fail(path, "cannot create a capture handle");
	d = pcap_dump_open(dead, path);
	if (d == NULL)
		fail(path, pcap_geterr(dead));
	/* the file header is written: the dumper needs the handle no more */
	pcap_close(dead);
	return d;
}

static int
close_output(pcap_dumper_t *d, const char *path)
{
	int bad = pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d));

	pcap_dump_close(d);
	if (bad)
		fprintf(stderr, "%s: %s: write error\n", prog, path);
	return bad;
}

static void
summary(const char *input, const struct counts *c)
{
	fprintf(stderr,
		"%s: %s: %lu packets read, %lu wrapped (%lu of them clipped), "
		"skipped: %lu without IP, %lu with a bad IP version, "
		"%lu too long, %lu with captured length > length\n",
		prog, input, c->read, c->wrapped, c->clipped, c->not_ip,
		c->bad_version, c->too_long, c->bad_header);
	if (c->fragments != 0)
		fprintf(stderr, "%s: %lu outer fragments written\n", prog,
			c->fragments);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mirror-id", required_argument, NULL, 'm' },
		{ "session-id", required_argument, NULL, 's' },
		{ "mhv", required_argument, NULL, 'V' },
		{ "port", required_argument, NULL, 'p' },
		{ "bare", required_argument, NULL, 'b' },
		{ "list", required_argument, NULL, 'l' },
		{ "fragment", required_argument, NULL, 'f' },
		{ "shuffle", required_argument, NULL, 'S' },
		{ "clip", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct wrap w;
	struct counts c = { 0, 0, 0, 0, 0, 0, 0, 0 };
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *bare_path = NULL, *list_path = NULL;
	unsigned long mirror_id = 768, mhv = 0;
	struct pcap_pkthdr *h;
	const u_char *p;
	pcap_t *in;
	int opt, quiet = 0, status = EXIT_OK, r;

	w.session_id = 144;
	w.port = JMIRROR_PORT;
	while ((opt = getopt_long(argc, argv, "m:s:V:p:b:l:f:S:cqh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'm':
			mirror_id = parse_number("--mirror-id", optarg, 0,
						 MIRROR_ID_MAX);
			break;
		case 's':
			w.session_id = (uint32_t)parse_number("--session-id",
							      optarg, 0,
							      0xffffffffUL);
			break;
		case 'V':
			mhv = parse_number("--mhv", optarg, 0, MHV_MAX);
			break;
		case 'p':
			w.port = (uint16_t)parse_number("--port", optarg, 1,
							65535);
			break;
		case 'b':
			bare_path = optarg;
			break;
		case 'l':
			list_path = optarg;
			break;
		case 'f':
			w.mtu = (u_int)parse_number("--fragment", optarg,
						    MTU_MIN, MTU_MAX);
			break;
		case 'S':
			w.rng = parse_number("--shuffle", optarg, 0,
					     0xffffffffUL);
			w.shuffle = 1;
			break;
		case 'c':
			w.clip = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return brief_usage();
		}
	}
	if (argc - optind != 2)
		return brief_usage();
	w.word0 = (uint32_t)(mhv << 30 | mirror_id);

	in = jp_open_offline(argv[optind], &w.nano, errbuf);
	if (in == NULL)
		fail(argv[optind], errbuf);
	w.dlt = pcap_datalink(in);
	if (!jp_link_supported(w.dlt)) {
		const char *name = pcap_datalink_val_to_name(w.dlt);

		fprintf(stderr, "%s: %s: link type %d (%s) not supported\n",
			prog, argv[optind], w.dlt, name ? name : "unknown");
		pcap_close(in);
		return EXIT_ERROR;
	}
	w.out = open_output(DLT_EN10MB, w.nano, argv[optind + 1]);
	if (bare_path != NULL)
		w.bare = open_output(DLT_RAW, w.nano, bare_path);
	if (list_path != NULL && (w.list = fopen(list_path, "w")) == NULL)
		fail(list_path, strerror(errno));

	while ((r = pcap_next_ex(in, &h, &p)) == 1) {
		c.read++;
		wrap_packet(&w, &c, h, p);
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "%s: %s: read error after %lu packets: %s\n",
			prog, argv[optind], c.read, pcap_geterr(in));
		status = EXIT_ERROR;
	}
	pcap_close(in);
	if (close_output(w.out, argv[optind + 1]))
		status = EXIT_ERROR;
	if (w.bare != NULL && close_output(w.bare, bare_path))
		status = EXIT_ERROR;
	if (w.list != NULL && (ferror(w.list) | fclose(w.list))) {
		fprintf(stderr, "%s: %s: write error\n", prog, list_path);
		status = EXIT_ERROR;
	}
	if (!quiet)
		summary(argv[optind], &c);
	return status;
}
