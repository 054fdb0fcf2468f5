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
 * jmirror-ip: the IPv4 and IPv6 header walk, and the IPv4 header
 * checksum (see jmirror-ip.h).
 */

#include <string.h>

#include "jmirror-be.h"
#include "jmirror-ip.h"

#define NH_AH		51	/* its length counts 4-byte words */

static int
ipv4_walk(const uint8_t *ip, unsigned caplen, struct jp_ip *out)
{
	unsigned frag;

	if (caplen < JP_IPV4_HDR_LEN)
		return JP_IP_SHORT;
	out->hdr_len = (ip[0] & 0x0f) * 4u;
	out->length = jp_get_be16(ip + 2);
	out->proto = ip[9];
	frag = jp_get_be16(ip + 6);
	out->fragment = (frag & (JP_IPV4_MF | JP_IPV4_OFFSET)) != 0;
	out->frag_id = jp_get_be16(ip + 4);
	out->frag_offset = (frag & JP_IPV4_OFFSET) * 8u;
	out->frag_more = (frag & JP_IPV4_MF) != 0;
	if (out->hdr_len < JP_IPV4_HDR_LEN || out->length < out->hdr_len)
		return JP_IP_BAD;
	if (caplen < out->hdr_len)
		return JP_IP_SHORT;
	return JP_IP_OK;
}

/*
 * The extension headers of IANA's "IPv6 Extension Header Types" (RFC
 * 8200 section 4 and later ones): all but ESP, whose contents are
 * encrypted, so that the walk ends there.  All but the fragment header
 * and AH use RFC 8200's format, their length in 8-byte units past the
 * first 8 bytes (RFC 8200 section 4.8).
 */
int
jp_ipv6_extension(int next)
{
	switch (next) {
	case 0:		/* hop-by-hop options */
	case 43:	/* routing */
	case JP_IPV6_FRAGMENT:
	case NH_AH:	/* authentication header */
	case 60:	/* destination options */
	case 135:	/* mobility (RFC 6275) */
	case 139:	/* host identity protocol (RFC 7401) */
	case 140:	/* shim6 (RFC 5533) */
	case 253:	/* experimentation and testing (RFC 3692, 4727) */
	case 254:
		return 1;
	}
	return 0;
}

/* the length of the extension header next, at p (8 bytes of it read) */
static unsigned
extension_len(int next, const uint8_t *p)
{
	if (next == JP_IPV6_FRAGMENT)
		return JP_IPV6_FRAG_HDR_LEN;
	if (next == NH_AH)
		return (p[1] + 2u) * 4;
	return (p[1] + 1u) * 8;
}

/* the fragment header at at, named by the next-header byte at nh_at */
static void
note_fragment_header(const uint8_t *ip, unsigned at, unsigned nh_at,
		     struct jp_ip *out)
{
	unsigned fo = jp_get_be16(ip + at + 2);

	out->frag_at = at;
	out->frag_nh_at = nh_at;
	out->frag_id = jp_get_be32(ip + at + 4);
	out->frag_offset = fo & JP_IPV6_OFFSET;
	out->frag_more = (fo & JP_IPV6_M) != 0;
	/* offset 0 and M clear: an atomic fragment (RFC 6946), whole */
	out->fragment = (fo & (JP_IPV6_OFFSET | JP_IPV6_M)) != 0;
}

static int
ipv6_walk(const uint8_t *ip, unsigned caplen, struct jp_ip *out)
{
	unsigned off = JP_IPV6_HDR_LEN, nh_at = 6;
	int next;

	if (caplen < JP_IPV6_HDR_LEN)
		return JP_IP_SHORT;
	out->length = JP_IPV6_HDR_LEN + jp_get_be16(ip + 4);
	next = ip[nh_at];
	while (jp_ipv6_extension(next)) {
		if (caplen < off + 8)
			return JP_IP_SHORT;
		if (next == JP_IPV6_FRAGMENT)
			note_fragment_header(ip, off, nh_at, out);
		if (off + 8 > out->length)
			return JP_IP_BAD;
		nh_at = off;
		off += extension_len(next, ip + off);
		next = ip[nh_at];
		/* what follows a fragment's header is in the fragments */
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
	jp_put_be16(ip + 10, 0);
	jp_put_be16(ip + 10, ~jp_ipv4_sum(ip, hdr_len) & 0xffff);
}

unsigned
jp_ipv4_sum(const uint8_t *ip, unsigned hdr_len)
{
	uint32_t sum = 0;
	unsigned i;

	for (i = 0; i + 1 < hdr_len; i += 2)
		sum += jp_get_be16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}
