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
 * jmirror-pkt: the packet knowledge jmirror-wrap and jmirror-decap share
 * (see jmirror-pkt.h): link-layer walk, jmirror header, port list,
 * numbers in options, mirrored packet kind, opening a capture.
 */

/* fopencookie() */
#define _GNU_SOURCE

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "jmirror-pkt.h"

#define ETHER_HDR_LEN		14
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
#define CHDLC_UNICAST		0x0f
#define CHDLC_MULTICAST		0x8f
#define CHDLC_HDR_LEN		4
#define SLL_HDR_LEN		16
#define SLL2_HDR_LEN		20
#define NULL_HDR_LEN		4
#define SLIP_HDR_LEN		16
#define NLPID_IPV4		0xcc
#define NLPID_IPV6		0x8e

/* a pcap file with nanosecond time stamps */
#define PCAP_MAGIC_NANO		0xa1b23c4dUL
/* pcapng: blocks, and what tells a capture's time stamp resolution */
#define PCAPNG_SHB		0x0a0d0d0aUL	/* section header */
#define PCAPNG_BYTE_ORDER_MAGIC	0x1a2b3c4dUL
#define PCAPNG_IDB		1	/* interface description */
#define PCAPNG_PB		2	/* packet (obsolete) */
#define PCAPNG_SPB		3	/* simple packet */
#define PCAPNG_EPB		6	/* enhanced packet */
#define PCAPNG_BLOCK_HDR_LEN	8	/* type, total length */
#define PCAPNG_BLOCK_MIN_LEN	12	/* and the total length again */
#define PCAPNG_IDB_FIXED_LEN	8	/* link type, reserved, snap length */
#define PCAPNG_OPT_END		0
#define PCAPNG_IF_TSRESOL	9
#define PCAPNG_TSRESOL_BINARY	0x80	/* 2^-n s, else 10^-n s */

/* ---- the link layer ---- */

static int
carries_ethertype(unsigned type)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return JP_CARRIES_IPV4;
	case ETHERTYPE_IPV6:
		return JP_CARRIES_IPV6;
	}
	return JP_CARRIES_NOT_IP;
}

static int
carries_ppp_protocol(unsigned proto)
{
	switch (proto) {
	case JP_PPP_IPV4:
		return JP_CARRIES_IPV4;
	case JP_PPP_IPV6:
		return JP_CARRIES_IPV6;
	}
	return JP_CARRIES_NOT_IP;
}

unsigned
jp_ppp_header(const uint8_t *p, unsigned caplen, unsigned *proto)
{
	unsigned off = 0;

	if (caplen >= 2 && p[0] == JP_HDLC_ADDRESS && p[1] == JP_HDLC_CONTROL)
		off = 2;
	if (caplen < off + 1)
		return 0;
	if (p[off] & 1) {
		*proto = p[off];
		return off + 1;
	}
	if (caplen < off + 2)
		return 0;
	*proto = jp_get_be16(p + off);
	return off + 2;
}

/*
 * A PPP frame at *off, with or without the HDLC address and control
 * fields, its protocol field one byte long when the low bit of its first
 * byte is set.
 */
static int
in_ppp(const uint8_t *p, unsigned caplen, unsigned *off)
{
	unsigned proto, n;

	if (caplen < *off)
		return JP_CARRIES_NOT_IP;
	n = jp_ppp_header(p + *off, caplen - *off, &proto);
	if (n == 0)
		return JP_CARRIES_NOT_IP;
	*off += n;
	return carries_ppp_protocol(proto);
}

/* A PPPoE session header at *off, then a PPP protocol field. */
static int
in_pppoe(const uint8_t *p, unsigned caplen, unsigned *off)
{
	if (caplen < *off + PPPOE_HDR_LEN + 2 || p[*off + 1] != 0)
		return JP_CARRIES_NOT_IP;
	*off += PPPOE_HDR_LEN + 2;
	return carries_ppp_protocol(jp_get_be16(p + *off - 2));
}

/* An LLC/SNAP header with a zero OUI at *off, then an Ethernet type. */
static int
in_llc_snap(const uint8_t *p, unsigned caplen, unsigned *off)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

	if (caplen < *off + LLC_SNAP_LEN || memcmp(p + *off, snap, 6) != 0)
		return JP_CARRIES_NOT_IP;
	*off += LLC_SNAP_LEN;
	return carries_ethertype(jp_get_be16(p + *off - 2));
}

static int
in_ethernet(const uint8_t *p, unsigned caplen, unsigned *off)
{
	unsigned type;

	*off = ETHER_HDR_LEN - 2;
	for (;;) {
		if (caplen < *off + 2)
			return JP_CARRIES_NOT_IP;
		type = jp_get_be16(p + *off);
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
in_chdlc(const uint8_t *p, unsigned caplen, unsigned *off)
{
	*off = CHDLC_HDR_LEN;
	if (caplen < CHDLC_HDR_LEN ||
	    (p[0] != CHDLC_UNICAST && p[0] != CHDLC_MULTICAST))
		return JP_CARRIES_NOT_IP;
	return carries_ethertype(jp_get_be16(p + 2));
}

/* PPP in HDLC framing, or Cisco HDLC: PPP_SERIAL may hold either. */
static int
in_ppp_serial(const uint8_t *p, unsigned caplen, unsigned *off)
{
	if (caplen >= 1 && (p[0] == CHDLC_UNICAST || p[0] == CHDLC_MULTICAST))
		return in_chdlc(p, caplen, off);
	return in_ppp(p, caplen, off);
}

/* BSD loopback: the address family, in either byte order. */
static int
in_null(const uint8_t *p, unsigned caplen, unsigned *off)
{
	uint32_t family;

	*off = NULL_HDR_LEN;
	if (caplen < NULL_HDR_LEN)
		return JP_CARRIES_NOT_IP;
	family = jp_get_le32(p);
	if (family & 0xffff0000)
		family = jp_get_be32(p);
	switch (family) {
	case 2:		/* AF_INET everywhere */
		return JP_CARRIES_IPV4;
	case 10:	/* AF_INET6: Linux */
	case 24:	/* NetBSD, OpenBSD, BSD/OS */
	case 28:	/* FreeBSD, DragonFly BSD */
	case 30:	/* Darwin */
		return JP_CARRIES_IPV6;
	}
	return JP_CARRIES_NOT_IP;
}

/*
 * Frame relay: a Q.922 address, then either the UI control field, an
 * optional pad byte and an NLPID, or (Cisco's encapsulation) an Ethernet
 * type.
 */
static int
in_frelay(const uint8_t *p, unsigned caplen, unsigned *off)
{
	unsigned n;

	/* the address field ends with the byte whose low bit is set */
	for (n = 0; n < 4 && n < caplen && !(p[n] & 1); n++)
		continue;
	if (n == 0 || n == 4 || caplen < n + 3)
		return JP_CARRIES_NOT_IP;
	*off = n + 1;
	if (p[*off] != JP_HDLC_CONTROL) {
		*off += 2;
		return carries_ethertype(jp_get_be16(p + *off - 2));
	}
	*off += 1;
	if (p[*off] == 0)
		*off += 1;
	if (caplen <= *off)
		return JP_CARRIES_NOT_IP;
	*off += 1;
	switch (p[*off - 1]) {
	case NLPID_IPV4:
		return JP_CARRIES_IPV4;
	case NLPID_IPV6:
		return JP_CARRIES_IPV6;
	}
	return JP_CARRIES_NOT_IP;
}

int
jp_link_supported(int dlt)
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

int
jp_find_ip(int dlt, const uint8_t *p, unsigned caplen, unsigned *off)
{
	*off = 0;
	switch (dlt) {
	case DLT_EN10MB:
		return in_ethernet(p, caplen, off);
	case DLT_RAW:
		return JP_CARRIES_IP;
#ifdef DLT_IPV4
	case DLT_IPV4:
		return JP_CARRIES_IPV4;
	case DLT_IPV6:
		return JP_CARRIES_IPV6;
#endif
	case DLT_LINUX_SLL:
		*off = SLL_HDR_LEN;
		if (caplen < SLL_HDR_LEN)
			return JP_CARRIES_NOT_IP;
		return carries_ethertype(jp_get_be16(p + SLL_HDR_LEN - 2));
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		*off = SLL2_HDR_LEN;
		if (caplen < SLL2_HDR_LEN)
			return JP_CARRIES_NOT_IP;
		return carries_ethertype(jp_get_be16(p));
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
		return JP_CARRIES_IP;
	case DLT_FRELAY:
		return in_frelay(p, caplen, off);
	case DLT_ATM_RFC1483:
		return in_llc_snap(p, caplen, off);
	}
	return JP_CARRIES_NOT_IP;
}

int
jp_version_agrees(int carries, const uint8_t *p)
{
	unsigned version = p[0] >> 4;

	if (carries == JP_CARRIES_IP)
		return version == 4 || version == 6;
	return carries != JP_CARRIES_NOT_IP && version == (unsigned)carries;
}

/* ---- jmirror ---- */

void
jp_jmirror_header(const uint8_t *p, struct jp_jmirror *out)
{
	uint32_t word0 = jp_get_be32(p);

	out->mhv = word0 >> JMIRROR_MHV_SHIFT;
	out->mirror_id = word0 & JMIRROR_MIRROR_ID_MASK;
	out->session_id = jp_get_be32(p + 4);
}

int
jp_parse_ports(const char *list, struct jp_ports *ports)
{
	struct jp_ports new = { 0, { 0 } };
	const char *p = list;
	unsigned i;

	for (;;) {
		const char *digits = p;
		unsigned long port = 0;

		while (*p >= '0' && *p <= '9') {
			port = port * 10 + (unsigned)(*p - '0');
			if (port > 65535)
				return -1;
			p++;
		}
		if (p == digits || new.n == JMIRROR_MAX_PORTS)
			return -1;
		new.port[new.n++] = (uint16_t)port;
		if (*p == '\0')
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	if (new.n == 1 && new.port[0] == 0)
		new.n = 0;
	for (i = 0; i < new.n; i++) {
		if (new.port[i] == 0)
			return -1;
	}
	*ports = new;
	return 0;
}

int
jp_ports_match(const struct jp_ports *ports, unsigned sport, unsigned dport)
{
	unsigned i;

	for (i = 0; i < ports->n; i++) {
		if (ports->port[i] == sport || ports->port[i] == dport)
			return 1;
	}
	return 0;
}

int
jp_parse_number(const char *s, unsigned long long min,
		unsigned long long max, unsigned long long *v, char **end)
{
	const char *digits = s;
	int base = 10;
	char *stop;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	if (!isxdigit((unsigned char)digits[0]) ||
	    (base == 10 && !isdigit((unsigned char)digits[0])))
		return -1;
	errno = 0;
	*v = strtoull(s, &stop, base);
	if (errno != 0 || *v < min || *v > max ||
	    (end == NULL && *stop != '\0'))
		return -1;
	if (end != NULL)
		*end = stop;
	return 0;
}

/* PPP protocols tcpdump's PPP printer names (its ppp.h), with names */
static const struct {
	uint16_t proto;
	const char *name;
} ppp_protocols[] = {
	/* network layer protocols (RFC 1661: 0x0*** to 0x3***) */
	{ 0x0021, "IPv4" }, { 0x0023, "OSI" }, { 0x0025, "NS" },
	{ 0x0027, "DECnet" }, { 0x0029, "AppleTalk" }, { 0x002b, "IPX" },
	{ 0x002d, "VJC" }, { 0x002f, "VJNC" }, { 0x0031, "BPDU" },
	{ 0x0033, "ST-II" }, { 0x0035, "VINES" }, { 0x003d, "ML" },
	{ 0x0057, "IPv6" }, { 0x00fd, "COMP" },
	/* those of the 0x02** block */
	{ 0x0201, "HELLO" }, { 0x0231, "LUXCOM" }, { 0x0233, "SNS" },
	{ 0x0281, "MPLS" }, { 0x0283, "MPLS multicast" },
	/* their network control protocols (0x8*** to 0xb***) */
	{ 0x8021, "IPCP" }, { 0x8023, "OSICP" }, { 0x8025, "NSCP" },
	{ 0x8027, "DECNETCP" }, { 0x8029, "APPLECP" }, { 0x802b, "IPXCP" },
	{ 0x8033, "STIICP" }, { 0x8035, "VINESCP" }, { 0x8057, "IPV6CP" },
	{ 0x80fd, "CCP" }, { 0x8281, "MPLSCP" },
	/* link layer control protocols (0xc*** to 0xf***) */
	{ 0xc021, "LCP" }, { 0xc023, "PAP" }, { 0xc025, "LQM" },
	{ 0xc027, "SPAP" }, { 0xc02b, "BACP" }, { 0xc02d, "BAP" },
	{ 0xc03d, "MPCP" }, { 0xc123, "SPAP (old)" }, { 0xc223, "CHAP" },
	{ 0xc227, "EAP" }
};

const char *
jp_ppp_protocol_name(unsigned proto)
{
	size_t i;

	for (i = 0; i < sizeof(ppp_protocols) / sizeof(ppp_protocols[0]); i++) {
		if (ppp_protocols[i].proto == proto)
			return ppp_protocols[i].name;
	}
	return NULL;
}

/* 1 when the IP packet at p, of the version want, says it is len long */
static int
ip_length_is(const uint8_t *p, unsigned caplen, unsigned len, unsigned want)
{
	if (caplen < 6 || p[0] >> 4 != want)
		return 0;
	if (want == 4)
		return (p[0] & 0x0f) * 4u >= JP_IPV4_HDR_LEN &&
		       jp_get_be16(p + 2) == len;
	return JP_IPV6_HDR_LEN + jp_get_be16(p + 4) == len;
}

int
jp_looks_like_jmirror(const uint8_t *p, unsigned caplen, unsigned len)
{
	unsigned n, proto;

	if (caplen < JMIRROR_HDR_LEN || len < JMIRROR_HDR_LEN)
		return 0;
	p += JMIRROR_HDR_LEN;
	caplen -= JMIRROR_HDR_LEN;
	len -= JMIRROR_HDR_LEN;
	if (ip_length_is(p, caplen, len, 4) || ip_length_is(p, caplen, len, 6))
		return 1;
	n = jp_ppp_header(p, caplen, &proto);
	if (n == 0 || n > len)
		return 0;
	if (proto == JP_PPP_IPV4 || proto == JP_PPP_IPV6)
		return ip_length_is(p + n, caplen - n, len - n,
				    proto == JP_PPP_IPV4 ? 4 : 6);
	/* any other protocol only behind the whole HDLC-like header: a
	   compressed one is too easily met by chance */
	return n == 4 && p[0] == JP_HDLC_ADDRESS &&
	       jp_ppp_protocol_name(proto) != NULL;
}

enum jp_payload
jp_payload_kind(const uint8_t *p, unsigned caplen)
{
	unsigned proto;

	if (caplen < 1)
		return JP_PAYLOAD_UNKNOWN;
	switch (p[0] >> 4) {
	case 4:
		return JP_PAYLOAD_IPV4;
	case 6:
		return JP_PAYLOAD_IPV6;
	}
	if (caplen >= 2 && p[0] == JP_HDLC_ADDRESS && p[1] == JP_HDLC_CONTROL)
		return JP_PAYLOAD_PPP;
	/* compressed address and control fields: a known protocol first */
	if (jp_ppp_header(p, caplen, &proto) != 0 &&
	    jp_ppp_protocol_name(proto) != NULL)
		return JP_PAYLOAD_PPP;
	return JP_PAYLOAD_UNKNOWN;
}

/* ---- opening a capture ---- */

/*
 * A capture's time stamp precision is learnt from its first bytes: the
 * magic number of a pcap file, or the if_tsresol option of the
 * interfaces a pcapng file describes before its first packet.  Those
 * bytes are read ahead (the prefix) and given to libpcap again: a
 * seekable file is rewound, a pipe is replayed through a stream that
 * gives the prefix, then the rest of the pipe.
 */

/* the most of a pcapng capture read ahead for its interfaces */
#define PREFIX_MAX		(1u << 20)

struct prefix {
	FILE *f;
	int seekable;
	uint8_t *buf;
	size_t len, cap;
};

/* the prefix made at least upto bytes long; -1 at the end or the limit */
static int
prefix_fill(struct prefix *pre, size_t upto)
{
	if (upto > PREFIX_MAX)
		return -1;
	if (upto > pre->cap) {
		size_t cap = pre->cap * 2 > upto ? pre->cap * 2 : upto;
		uint8_t *buf = realloc(pre->buf, cap);

		if (buf == NULL)
			return -1;
		pre->buf = buf;
		pre->cap = cap;
	}
	while (pre->len < upto) {
		ssize_t n;

		/* a pipe is read without stdio's buffer, which the replay
		   could not give back */
		if (pre->seekable)
			n = (ssize_t)fread(pre->buf + pre->len, 1,
					   upto - pre->len, pre->f);
		else
			n = read(fileno(pre->f), pre->buf + pre->len,
				 upto - pre->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		pre->len += (size_t)n;
	}
	return 0;
}

static unsigned
get16(const uint8_t *p, int big)
{
	return big ? jp_get_be16(p) : jp_get_le16(p);
}

static uint32_t
get32(const uint8_t *p, int big)
{
	return big ? jp_get_be32(p) : jp_get_le32(p);
}

/* 1 when an if_tsresol value is finer than a microsecond */
static int
finer_than_micro(unsigned tsresol)
{
	if (tsresol & PCAPNG_TSRESOL_BINARY)
		return (tsresol & ~PCAPNG_TSRESOL_BINARY) >= 20; /* 2^-20 s */
	return tsresol > 6;					 /* 10^-6 s */
}

/* 1 when an interface description block's body says if_tsresol finer
   than a microsecond (without the option: microseconds) */
static int
idb_is_nano(const uint8_t *body, size_t len, int big)
{
	size_t off = PCAPNG_IDB_FIXED_LEN;

	while (off + 4 <= len) {
		unsigned code = get16(body + off, big);
		unsigned olen = get16(body + off + 2, big);

		if (code == PCAPNG_OPT_END || olen > len - off - 4)
			break;
		if (code == PCAPNG_IF_TSRESOL && olen >= 1)
			return finer_than_micro(body[off + 4]);
		off += 4 + ((olen + 3u) & ~3u);
	}
	return 0;
}

/*
 * A pcapng capture, its first 4 bytes read: 1 when an interface
 * described before the first packet has time stamps finer than a
 * microsecond.
 */
static int
pcapng_is_nano(struct prefix *pre)
{
	size_t start = 0;
	int big = 0;

	for (;;) {
		uint32_t type, total;

		if (prefix_fill(pre, start + PCAPNG_BLOCK_HDR_LEN) != 0)
			return 0;
		/* the section header's type reads the same in both orders */
		type = get32(pre->buf + start, big);
		if (type == PCAPNG_EPB || type == PCAPNG_SPB ||
		    type == PCAPNG_PB)
			return 0;
		if (type == PCAPNG_SHB) {
			if (prefix_fill(pre, start + PCAPNG_BLOCK_HDR_LEN + 4))
				return 0;
			big = jp_get_be32(pre->buf + start +
					  PCAPNG_BLOCK_HDR_LEN) ==
			      PCAPNG_BYTE_ORDER_MAGIC;
		}
		total = get32(pre->buf + start + 4, big);
		if (total < PCAPNG_BLOCK_MIN_LEN || total % 4 != 0 ||
		    prefix_fill(pre, start + total) != 0)
			return 0;
		if (type == PCAPNG_IDB &&
		    idb_is_nano(pre->buf + start + PCAPNG_BLOCK_HDR_LEN,
				total - PCAPNG_BLOCK_MIN_LEN, big))
			return 1;
		start += total;
	}
}

/* whether the capture has time stamps finer than a microsecond */
static int
capture_is_nano(struct prefix *pre)
{
	if (prefix_fill(pre, 4) != 0)
		return 0;
	if (jp_get_be32(pre->buf) == PCAPNG_SHB)
		return pcapng_is_nano(pre);
	return jp_get_be32(pre->buf) == PCAP_MAGIC_NANO ||
	       jp_get_le32(pre->buf) == PCAP_MAGIC_NANO;
}

/* a pipe's prefix, given again before the rest of the pipe */
struct replay {
	FILE *in;
	uint8_t *buf;
	size_t len, pos;
};

static ssize_t
replay_read(void *cookie, char *out, size_t size)
{
	struct replay *r = cookie;
	ssize_t n;

	if (r->pos < r->len) {
		size_t left = r->len - r->pos;

		if (size > left)
			size = left;
		memcpy(out, r->buf + r->pos, size);
		r->pos += size;
		return (ssize_t)size;
	}
	/* what has come so far, so that a live pipe is not held up */
	do
		n = read(fileno(r->in), out, size);
	while (n < 0 && errno == EINTR);
	return n;
}

static int
replay_close(void *cookie)
{
	struct replay *r = cookie;
	int status = fclose(r->in);

	free(r->buf);
	free(r);
	return status;
}

/* a stream of pre's bytes, then the rest of pre->f; it takes both */
static FILE *
replay_stream(struct prefix *pre)
{
	cookie_io_functions_t io = { replay_read, NULL, NULL, replay_close };
	struct replay *r = malloc(sizeof(*r));
	FILE *f;

	if (r == NULL)
		return NULL;
	r->in = pre->f;
	r->buf = pre->buf;
	r->len = pre->len;
	r->pos = 0;
	f = fopencookie(r, "rb", io);
	if (f == NULL) {
		free(r);
		return NULL;
	}
	pre->buf = NULL;
	return f;
}

pcap_t *
jp_open_offline(const char *path, int *nano, char *errbuf)
{
	struct prefix pre = { NULL, 0, NULL, 0, 0 };
	off_t start;
	FILE *f;
	pcap_t *p;

	pre.f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (pre.f == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		return NULL;
	}
	start = ftello(pre.f);
	pre.seekable = start >= 0 && fseeko(pre.f, start, SEEK_SET) == 0;
	*nano = capture_is_nano(&pre);
	if (pre.seekable)
		f = fseeko(pre.f, start, SEEK_SET) == 0 ? pre.f : NULL;
	else
		f = replay_stream(&pre);
	free(pre.buf);
	if (f == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		if (pre.f != stdin)
			fclose(pre.f);
		return NULL;
	}
	p = pcap_fopen_offline_with_tstamp_precision(f,
		*nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO,
		errbuf);
	if (p == NULL && f != stdin)
		fclose(f);
	return p;
}
