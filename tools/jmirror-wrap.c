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
 * Build: cc -o jmirror-wrap jmirror-wrap.c -lpcap
 */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define ETHER_HDR_LEN	14
#define IPV4_HDR_LEN	20
#define UDP_HDR_LEN	8
#define JMIRROR_HDR_LEN	8
#define OUTER_LEN	(ETHER_HDR_LEN + IPV4_HDR_LEN + UDP_HDR_LEN + JMIRROR_HDR_LEN)
/* the longest IP packet that fits in one outer IPv4 datagram */
#define INNER_MAX	(65535 - IPV4_HDR_LEN - UDP_HDR_LEN - JMIRROR_HDR_LEN)
#define SNAPLEN_OUT	262144

#define JMIRROR_PORT	30030
#define MIRROR_ID_MAX	0x3fffffffUL
#define MHV_MAX		3

/* exit statuses */
#define EXIT_ERROR	1	/* unreadable input, unwritable output */
#define EXIT_USAGE	2
#define EXIT_LINKTYPE	3	/* link type not supported */

/* what a link-layer header says follows it */
#define CARRIES_NOT_IP	0
#define CARRIES_IPV4	4
#define CARRIES_IPV6	6
#define CARRIES_IP	1	/* either; the version field tells */

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_PPPOE_SESSION	0x8864
#define ETHER_MAX_LENGTH_FIELD	1500
#define VLAN_TAG_LEN		4
#define PPPOE_HDR_LEN		6
#define LLC_SNAP_LEN		8
#define PPP_PROTO_IPV4		0x0021
#define PPP_PROTO_IPV6		0x0057
#define HDLC_ADDRESS		0xff
#define HDLC_CONTROL		0x03
#define CHDLC_UNICAST		0x0f
#define CHDLC_MULTICAST		0x8f
#define CHDLC_HDR_LEN		4
#define SLL_HDR_LEN		16
#define SLL2_HDR_LEN		20
#define NULL_HDR_LEN		4
#define SLIP_HDR_LEN		16
#define NLPID_IPV4		0xcc
#define NLPID_IPV6		0x8e

struct wrap {
	uint32_t word0;		/* MHV and mirror id */
	uint32_t session_id;
	uint16_t port;
	uint16_t ip_id;		/* outer IPv4 identification */
	int dlt;
	int clip;		/* shorten packets that are too long */
	pcap_dumper_t *out;
	pcap_dumper_t *bare;
	FILE *list;
	u_char frame[OUTER_LEN + INNER_MAX];
};

struct counts {
	unsigned long read;
	unsigned long wrapped;
	unsigned long not_ip;		/* no IPv4 or IPv6 packet found */
	unsigned long bad_version;	/* version field disagrees */
	unsigned long too_long;		/* would not fit in one datagram */
	unsigned long bad_header;	/* captured length > length */
	unsigned long clipped;		/* wrapped with a shorter length */
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
"                      (default 30030)\n"
"  -b, --bare=FILE     also write the same IP packets, with the same time\n"
"                      stamps and lengths, to FILE as a raw-IP capture\n"
"                      (link type 101)\n"
"  -l, --list=FILE     write a line per packet written to FILE: its number\n"
"                      in INPUT (from 1), its captured length and its\n"
"                      length, both of the IP packet alone\n"
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
"Numbers may be decimal, 0x hexadecimal or 0 octal.\n"
"\n"
"Exit status: 0 done, 1 input or output error, 2 usage error,\n"
"3 link type not supported.\n",
		prog, INNER_MAX, INNER_MAX);
}

static int
brief_usage(void)
{
	fprintf(stderr, "Usage: %s [OPTION]... INPUT OUTPUT\n"
		"Try '%s --help' for more information.\n", prog, prog);
	return EXIT_USAGE;
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

static unsigned long
parse_number(const char *option, const char *arg, unsigned long min,
	     unsigned long max)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(arg, &end, 0);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0 ||
	    value < min || value > max) {
		fprintf(stderr, "%s: invalid %s '%s': expected %lu to %lu\n",
			prog, option, arg, min, max);
		exit(EXIT_USAGE);
	}
	return value;
}

static u_int
get_be16(const u_char *p)
{
	return (u_int)p[0] << 8 | p[1];
}

static uint32_t
get_le32(const u_char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static void
put_be16(u_char *p, u_int v)
{
	p[0] = (u_char)(v >> 8);
	p[1] = (u_char)v;
}

static void
put_be32(u_char *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

static int
carries_ethertype(u_int type)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return CARRIES_IPV4;
	case ETHERTYPE_IPV6:
		return CARRIES_IPV6;
	}
	return CARRIES_NOT_IP;
}

static int
carries_ppp_protocol(u_int proto)
{
	switch (proto) {
	case PPP_PROTO_IPV4:
		return CARRIES_IPV4;
	case PPP_PROTO_IPV6:
		return CARRIES_IPV6;
	}
	return CARRIES_NOT_IP;
}

/*
 * A PPP frame at *off, with or without the HDLC address and control
 * fields, its protocol field one byte long when the low bit of its first
 * byte is set.
 */
static int
in_ppp(const u_char *p, u_int caplen, u_int *off)
{
	u_int proto;

	if (caplen >= *off + 2 && p[*off] == HDLC_ADDRESS &&
	    p[*off + 1] == HDLC_CONTROL)
		*off += 2;
	if (caplen < *off + 1)
		return CARRIES_NOT_IP;
	if (p[*off] & 1) {
		proto = p[*off];
		*off += 1;
	} else {
		if (caplen < *off + 2)
			return CARRIES_NOT_IP;
		proto = get_be16(p + *off);
		*off += 2;
	}
	return carries_ppp_protocol(proto);
}

/* A PPPoE session header at *off, then a PPP protocol field. */
static int
in_pppoe(const u_char *p, u_int caplen, u_int *off)
{
	if (caplen < *off + PPPOE_HDR_LEN + 2 || p[*off + 1] != 0)
		return CARRIES_NOT_IP;
	*off += PPPOE_HDR_LEN + 2;
	return carries_ppp_protocol(get_be16(p + *off - 2));
}

/* An LLC/SNAP header with a zero OUI at *off, then an Ethernet type. */
static int
in_llc_snap(const u_char *p, u_int caplen, u_int *off)
{
	static const u_char snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

	if (caplen < *off + LLC_SNAP_LEN || memcmp(p + *off, snap, 6) != 0)
		return CARRIES_NOT_IP;
	*off += LLC_SNAP_LEN;
	return carries_ethertype(get_be16(p + *off - 2));
}

static int
in_ethernet(const u_char *p, u_int caplen, u_int *off)
{
	u_int type;

	*off = ETHER_HDR_LEN - 2;
	for (;;) {
		if (caplen < *off + 2)
			return CARRIES_NOT_IP;
		type = get_be16(p + *off);
		if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ &&
		    type != ETHERTYPE_QINQ_OLD)
			break;
		*off += VLAN_TAG_LEN;
	}
	*off += 2;
	if (type <= ETHER_MAX_LENGTH_FIELD)
		return in_llc_snap(p, caplen, off);
	if (type == ETHERTYPE_PPPOE_SESSION)
		return in_pppoe(p, caplen, off);
	return carries_ethertype(type);
}

static int
in_chdlc(const u_char *p, u_int caplen, u_int *off)
{
	*off = CHDLC_HDR_LEN;
	if (caplen < CHDLC_HDR_LEN ||
	    (p[0] != CHDLC_UNICAST && p[0] != CHDLC_MULTICAST))
		return CARRIES_NOT_IP;
	return carries_ethertype(get_be16(p + 2));
}

/* PPP in HDLC framing, or Cisco HDLC: PPP_SERIAL may hold either. */
static int
in_ppp_serial(const u_char *p, u_int caplen, u_int *off)
{
	if (caplen >= 1 && (p[0] == CHDLC_UNICAST || p[0] == CHDLC_MULTICAST))
		return in_chdlc(p, caplen, off);
	return in_ppp(p, caplen, off);
}

/* BSD loopback: the address family, in either byte order. */
static int
in_null(const u_char *p, u_int caplen, u_int *off)
{
	uint32_t family;

	*off = NULL_HDR_LEN;
	if (caplen < NULL_HDR_LEN)
		return CARRIES_NOT_IP;
	family = get_le32(p);
	if (family & 0xffff0000)
		family = (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
	switch (family) {
	case 2:		/* AF_INET everywhere */
		return CARRIES_IPV4;
	case 10:	/* AF_INET6: Linux */
	case 24:	/* NetBSD, OpenBSD, BSD/OS */
	case 28:	/* FreeBSD, DragonFly BSD */
	case 30:	/* Darwin */
		return CARRIES_IPV6;
	}
	return CARRIES_NOT_IP;
}

/*
 * Frame relay: a Q.922 address, then either the UI control field, an
 * optional pad byte and an NLPID, or (Cisco's encapsulation) an Ethernet
 * type.
 */
static int
in_frelay(const u_char *p, u_int caplen, u_int *off)
{
	u_int n;

	/* the address field ends with the byte whose low bit is set */
	for (n = 0; n < 4 && n < caplen && !(p[n] & 1); n++)
		continue;
	if (n == 0 || n == 4 || caplen < n + 3)
		return CARRIES_NOT_IP;
	*off = n + 1;
	if (p[*off] != HDLC_CONTROL) {
		*off += 2;
		return carries_ethertype(get_be16(p + *off - 2));
	}
	*off += 1;
	if (p[*off] == 0)
		*off += 1;
	if (caplen <= *off)
		return CARRIES_NOT_IP;
	*off += 1;
	switch (p[*off - 1]) {
	case NLPID_IPV4:
		return CARRIES_IPV4;
	case NLPID_IPV6:
		return CARRIES_IPV6;
	}
	return CARRIES_NOT_IP;
}

static int
link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
	case DLT_LINUX_SLL:
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
#endif
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
	case DLT_PPP_ETHER:
	case DLT_SLIP:
	case DLT_FRELAY:
	case DLT_ATM_RFC1483:
		return 1;
	}
	return 0;
}

/*
 * What the link-layer header of a packet says comes after it, and where
 * (*off).
 */
static int
find_ip(int dlt, const u_char *p, u_int caplen, u_int *off)
{
	*off = 0;
	switch (dlt) {
	case DLT_EN10MB:
		return in_ethernet(p, caplen, off);
	case DLT_RAW:
		return CARRIES_IP;
#ifdef DLT_IPV4
	case DLT_IPV4:
		return CARRIES_IPV4;
	case DLT_IPV6:
		return CARRIES_IPV6;
#endif
	case DLT_LINUX_SLL:
		*off = SLL_HDR_LEN;
		if (caplen < SLL_HDR_LEN)
			return CARRIES_NOT_IP;
		return carries_ethertype(get_be16(p + SLL_HDR_LEN - 2));
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		*off = SLL2_HDR_LEN;
		if (caplen < SLL2_HDR_LEN)
			return CARRIES_NOT_IP;
		return carries_ethertype(get_be16(p));
#endif
	case DLT_NULL:
	case DLT_LOOP:
		return in_null(p, caplen, off);
	case DLT_PPP:
		return in_ppp(p, caplen, off);
	case DLT_PPP_SERIAL:
		return in_ppp_serial(p, caplen, off);
	case DLT_C_HDLC:
		return in_chdlc(p, caplen, off);
	case DLT_PPP_ETHER:
		return in_pppoe(p, caplen, off);
	case DLT_SLIP:
		*off = SLIP_HDR_LEN;
		return CARRIES_IP;
	case DLT_FRELAY:
		return in_frelay(p, caplen, off);
	case DLT_ATM_RFC1483:
		return in_llc_snap(p, caplen, off);
	}
	return CARRIES_NOT_IP;
}

static void
put_ipv4_checksum(u_char *ip)
{
	uint32_t sum = 0;
	u_int i;

	for (i = 0; i < IPV4_HDR_LEN; i += 2)
		sum += get_be16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(ip + 10, ~sum & 0xffff);
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
	put_be16(ip + 2, IPV4_HDR_LEN + UDP_HDR_LEN + JMIRROR_HDR_LEN + len);
	put_be16(ip + 4, ++w->ip_id);
	ip[8] = 255;		/* TTL */
	ip[9] = 17;		/* UDP */
	memcpy(ip + 12, addrs, sizeof(addrs));
	put_ipv4_checksum(ip);
	put_be16(udp, w->port);
	put_be16(udp + 2, w->port);
	put_be16(udp + 4, UDP_HDR_LEN + JMIRROR_HDR_LEN + len);
	put_be32(mirror, w->word0);
	put_be32(mirror + 4, w->session_id);
}

static void
wrap_packet(struct wrap *w, struct counts *c, const struct pcap_pkthdr *h,
	    const u_char *p)
{
	struct pcap_pkthdr oh;
	u_int off, caplen, len;
	int carries = find_ip(w->dlt, p, h->caplen, &off);

	if (h->caplen > h->len) {
		c->bad_header++;
		return;
	}
	if (carries == CARRIES_NOT_IP || off >= h->caplen || off >= h->len) {
		c->not_ip++;
		return;
	}
	if ((carries == CARRIES_IP && p[off] >> 4 != 4 && p[off] >> 4 != 6) ||
	    (carries != CARRIES_IP && p[off] >> 4 != (u_int)carries)) {
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
	pcap_dump((u_char *)w->out, &oh, w->frame);
	c->wrapped++;
}

static pcap_dumper_t *
open_output(int dlt, const char *path)
{
	pcap_t *dead = pcap_open_dead(dlt, SNAPLEN_OUT);
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
		{ "clip", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct wrap w;
	struct counts c = { 0, 0, 0, 0, 0, 0, 0 };
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *bare_path = NULL, *list_path = NULL;
	unsigned long mirror_id = 768, mhv = 0;
	struct pcap_pkthdr *h;
	const u_char *p;
	pcap_t *in;
	int opt, quiet = 0, status = 0, r;

	w.session_id = 144;
	w.port = JMIRROR_PORT;
	while ((opt = getopt_long(argc, argv, "m:s:V:p:b:l:cqh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'm':
			mirror_id = parse_number("mirror id", optarg, 0,
						 MIRROR_ID_MAX);
			break;
		case 's':
			w.session_id = (uint32_t)parse_number("session id",
							      optarg, 0,
							      0xffffffffUL);
			break;
		case 'V':
			mhv = parse_number("MHV", optarg, 0, MHV_MAX);
			break;
		case 'p':
			w.port = (uint16_t)parse_number("port", optarg, 1,
							65535);
			break;
		case 'b':
			bare_path = optarg;
			break;
		case 'l':
			list_path = optarg;
			break;
		case 'c':
			w.clip = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return brief_usage();
		}
	}
	if (argc - optind != 2)
		return brief_usage();
	w.word0 = (uint32_t)(mhv << 30 | mirror_id);

	in = pcap_open_offline(argv[optind], errbuf);
	if (in == NULL)
		fail(argv[optind], errbuf);
	w.dlt = pcap_datalink(in);
	if (!link_supported(w.dlt)) {
		const char *name = pcap_datalink_val_to_name(w.dlt);

		fprintf(stderr, "%s: %s: link type %d (%s) not supported\n",
			prog, argv[optind], w.dlt, name ? name : "unknown");
		pcap_close(in);
		return EXIT_LINKTYPE;
	}
	w.out = open_output(DLT_EN10MB, argv[optind + 1]);
	if (bare_path != NULL)
		w.bare = open_output(DLT_RAW, bare_path);
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
