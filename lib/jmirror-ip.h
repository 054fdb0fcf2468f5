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
 * jmirror-ip: the IPv4 and IPv6 header walk and the IPv4 header checksum,
 * what the packet code of both tools and the reassembler share.  The
 * walk is done once per packet; the reassembler takes what it found.
 */

#ifndef JMIRROR_IP_H
#define JMIRROR_IP_H

#include <stdint.h>

#define JP_IPV4_HDR_LEN		20
#define JP_IPV6_HDR_LEN		40
#define JP_IPV6_FRAG_HDR_LEN	8
#define JP_UDP_HDR_LEN		8
#define JP_IPPROTO_UDP		17
#define JP_IPV4_MF		0x2000
#define JP_IPV4_OFFSET		0x1fff
#define JP_IPV6_FRAGMENT	44
#define JP_IPV6_OFFSET		0xfff8
#define JP_IPV6_M		0x0001

/*
 * An IPv4 or IPv6 header, walked to the transport header, or (IPv6) to
 * the end of the fragment header of a fragment.
 */
struct jp_ip {
	int version;		/* 4 or 6 */
	unsigned length;	/* the whole packet, by its header */
	unsigned hdr_len;	/* IPv4 header with options, or IPv6 header
				   and the extension headers walked */
	int proto;		/* transport protocol (IPv6: last next header) */
	int fragment;		/* offset != 0 or more fragments */
	/* the fragment fields: IPv4's, or those of the IPv6 fragment
	   header the walk met (an atomic one too: frag_at != 0) */
	uint32_t frag_id;
	unsigned frag_offset;	/* in bytes */
	int frag_more;		/* IPv4 MF, IPv6 M */
	unsigned frag_at;	/* IPv6: where the fragment header starts */
	unsigned frag_nh_at;	/* IPv6: the next-header byte naming it */
};

/* what jp_ip_walk() found */
#define JP_IP_OK	0
#define JP_IP_SHORT	1	/* the captured bytes end inside the headers */
#define JP_IP_BAD	2	/* not a valid IPv4 or IPv6 header */

/*
 * Walk the IP header at ip, caplen bytes of it captured.  Whatever it
 * returns, the fields read before it stopped are filled in (the rest
 * are 0), so that a fragment with a broken header is still known as
 * one.
 */
int jp_ip_walk(const uint8_t *ip, unsigned caplen, struct jp_ip *out);

/* 1 for the IPv6 extension headers the walk steps over */
int jp_ipv6_extension(int next);

/* the checksum of an IPv4 header of hdr_len bytes, put in its field */
void jp_put_ipv4_checksum(uint8_t *ip, unsigned hdr_len);

/* the ones' complement sum of an IPv4 header of hdr_len bytes: 0xffff
   when its checksum is right */
unsigned jp_ipv4_sum(const uint8_t *ip, unsigned hdr_len);

#endif /* JMIRROR_IP_H */
