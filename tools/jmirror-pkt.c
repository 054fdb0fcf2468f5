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
 * (see jmirror-pkt.h): link-layer walk, IPv4/IPv6 header walk, jmirror
 * header, port list, mirrored packet kind, opening a capture.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/* a pcap file with nanosecond time stamps, and its first byte */
#define PCAP_MAGIC_NANO			0xa1b23c4dUL
#define PCAP_MAGIC_NANO_BE_BYTE0	0xa1
#define PCAP_MAGIC_NANO_LE_BYTE0	0x4d

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

/* ---- IPv4 and IPv6 headers ---- */

static int
ipv4_walk(const uint8_t *ip, unsigned caplen, struct jp_ip *out)
{
	unsigned frag;

	if (caplen < JP_IPV4_HDR_LEN)
		return JP_IP_SHORT;
	out->hdr_len = (ip[0] & 0x0f) * 4u;
	out->length = jp_get_be16(ip + 2);
	if (out->hdr_len < JP_IPV4_HDR_LEN || out->length < out->hdr_len)
		return JP_IP_BAD;
	if (caplen < out->hdr_len)
		return JP_IP_SHORT;
	out->proto = ip[9];
	frag = jp_get_be16(ip + 6);
	out->fragment = (frag & (JP_IPV4_MF | JP_IPV4_OFFSET)) != 0;
	return JP_IP_OK;
}

int
jp_ipv6_extension(int next)
{
	switch (next) {
	case 0:		/* hop-by-hop options */
	case 43:	/* routing */
	case JP_IPV6_FRAGMENT:
	case 51:	/* authentication header */
	case 60:	/* destination options */
		return 1;
	}
	return 0;
}

static int
ipv6_walk(const uint8_t *ip, unsigned caplen, struct jp_ip *out)
{
	unsigned off = JP_IPV6_HDR_LEN, len;
	int next;

	if (caplen < JP_IPV6_HDR_LEN)
		return JP_IP_SHORT;
	out->length = JP_IPV6_HDR_LEN + jp_get_be16(ip + 4);
	next = ip[6];
	while (jp_ipv6_extension(next)) {
		if (off + 8 > out->length)
			return JP_IP_BAD;
		if (caplen < off + 8)
			return JP_IP_SHORT;
		if (next == JP_IPV6_FRAGMENT) {
			len = 8;
			/* offset != 0 or M: a fragment; else atomic */
			if (jp_get_be16(ip + off + 2) & 0xfff9)
				out->fragment = 1;
		} else if (next == 51)
			len = (ip[off + 1] + 2u) * 4;
		else
			len = (ip[off + 1] + 1u) * 8;
		next = ip[off];
		off += len;
		if (out->fragment)
			break;
	}
	if (off > out->length)
		return JP_IP_BAD;
	out->hdr_len = off;
	out->proto = next;
	return JP_IP_OK;
}

int
jp_ip_walk(const uint8_t *ip, unsigned caplen, struct jp_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (caplen < 1)
		return JP_IP_SHORT;
	out->version = ip[0] >> 4;
	if (out->version == 4)
		return ipv4_walk(ip, caplen, out);
	if (out->version == 6)
		return ipv6_walk(ip, caplen, out);
	return JP_IP_BAD;
}

void
jp_put_ipv4_checksum(uint8_t *ip, unsigned hdr_len)
{
	uint32_t sum = 0;
	unsigned i;

	jp_put_be16(ip + 10, 0);
	for (i = 0; i + 1 < hdr_len; i += 2)
		sum += jp_get_be16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	jp_put_be16(ip + 10, ~sum & 0xffff);
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

/* PPP protocols tcpdump's PPP printer names (its ppp.h), with names */
static const struct {
	uint16_t proto;
	const char *name;
} ppp_protocols[] = {
	{ 0x0021, "IPv4" }, { 0x0023, "OSI" }, { 0x0025, "NS" },
	{ 0x0027, "DECnet" }, { 0x0029, "AppleTalk" }, { 0x002b, "IPX" },
	{ 0x002d, "VJC" }, { 0x002f, "VJNC" }, { 0x0031, "BPDU" },
	{ 0x0033, "ST-II" }, { 0x0035, "VINES" }, { 0x003d, "ML" },
	{ 0x0057, "IPv6" }, { 0x00fd, "COMP" }, { 0x0201, "HELLO" },
	{ 0x0231, "LUXCOM" }, { 0x0233, "SNS" }, { 0x0281, "MPLS" },
	{ 0x0283, "MPLS multicast" }, { 0x8021, "IPCP" }, { 0x8023, "OSICP" },
	{ 0x8025, "NSCP" }, { 0x8027, "DECNETCP" }, { 0x8029, "APPLECP" },
	{ 0x802b, "IPXCP" }, { 0x8033, "STIICP" }, { 0x8035, "VINESCP" },
	{ 0x8057, "IPV6CP" }, { 0x80fd, "CCP" }, { 0x8281, "MPLSCP" },
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
 * Whether the capture f is a pcap file with nanosecond time stamps, by
 * its magic number.  A pipe cannot be rewound, so there only the first
 * byte is read and pushed back: the little-endian magics differ there;
 * a big-endian file on a pipe is read in nanoseconds (nothing is lost).
 * pcapng keeps libpcap's default, microseconds.
 */
static int
is_nano(FILE *f)
{
	uint8_t magic[4];
	int c;

	if (fseek(f, 0, SEEK_CUR) == 0) {
		size_t n = fread(magic, 1, 4, f);

		if (fseek(f, 0, SEEK_SET) != 0 || n != 4)
			return 0;
		return jp_get_be32(magic) == PCAP_MAGIC_NANO ||
		       jp_get_le32(magic) == PCAP_MAGIC_NANO;
	}
	c = getc(f);
	if (c == EOF)
		return 0;
	ungetc(c, f);
	return c == PCAP_MAGIC_NANO_BE_BYTE0 || c == PCAP_MAGIC_NANO_LE_BYTE0;
}

pcap_t *
jp_open_offline(const char *path, int *nano, char *errbuf)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	pcap_t *p;

	if (f == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		return NULL;
	}
	*nano = is_nano(f);
	p = pcap_fopen_offline_with_tstamp_precision(f,
		*nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO,
		errbuf);
	if (p == NULL && f != stdin)
		fclose(f);
	return p;
}
