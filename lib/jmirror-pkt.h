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
 * jmirror-pkt: what jmirror-wrap and jmirror-decap both need to know of
 * packets: big-endian fields, the link-layer headers in front of an IP
 * packet, the jmirror header, the --jmirror-port list, numbers in
 * options, the kind of a mirrored packet, and opening a capture with its
 * own time stamp precision.  The IP header walk is jmirror-ip.h's.
 */

#ifndef JMIRROR_PKT_H
#define JMIRROR_PKT_H

#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "jmirror-be.h"
#include "jmirror-ip.h"


/* what a link-layer header says follows it */
#define JP_CARRIES_NOT_IP	0
#define JP_CARRIES_IP		1	/* IPv4 or IPv6: the version tells */
#define JP_CARRIES_IPV4		4
#define JP_CARRIES_IPV6		6

/* 1 when jp_find_ip() knows the link type dlt */
int jp_link_supported(int dlt);

/*
 * What the link-layer header of a packet of link type dlt says comes
 * after it (JP_CARRIES_...), and where (*off).
 */
int jp_find_ip(int dlt, const uint8_t *p, unsigned caplen, unsigned *off);

/* 1 when the IP version field at p agrees with what the link layer said */
int jp_version_agrees(int carries, const uint8_t *p);

/* the jmirror header: MHV (2 bits), mirror id (30 bits), session id */
#define JMIRROR_HDR_LEN		8
#define JMIRROR_MHV_SHIFT	30
#define JMIRROR_MIRROR_ID_MASK	0x3fffffffUL

struct jp_jmirror {
	unsigned mhv;
	uint32_t mirror_id;
	uint32_t session_id;
};

void jp_jmirror_header(const uint8_t *p, struct jp_jmirror *out);

/*
 * The default jmirror port and the most ports --jmirror-port takes, as
 * configure set them for tcpdump and the tools alike (--with-jmirror-port,
 * --with-jmirror-max-ports); the Makefile passes them.
 */
#if !defined(JMIRROR_PORT) || !defined(JMIRROR_MAX_PORTS)
#error "JMIRROR_PORT and JMIRROR_MAX_PORTS come from configure: build with make"
#endif

/* the UDP ports jmirror is recognised on; none when n is 0 */
struct jp_ports {
	unsigned n;
	uint16_t port[JMIRROR_MAX_PORTS];
};

/*
 * tcpdump's --jmirror-port syntax: PORT[,PORT...], each 1 to 65535, at
 * most JMIRROR_MAX_PORTS, or a single 0 for none.  0 on success, -1 on a
 * bad list (*ports unchanged).
 */
int jp_parse_ports(const char *list, struct jp_ports *ports);
int jp_ports_match(const struct jp_ports *ports, unsigned sport,
		   unsigned dport);

/*
 * The number at s, from min to max, into *v: decimal, or hexadecimal
 * after "0x" (mirror and session ids are 30- and 32-bit fields that
 * routers and Wireshark show in hex as well); never octal, so that
 * "010" is ten, as a port, a count or a size reads.  No sign, no
 * leading space.  With end NULL the whole of s is the number, else *end
 * is where its digits stop (a range's "-", a size's suffix).  0, or -1
 * when s starts with no number or it is out of range (*v then
 * undefined).
 */
int jp_parse_number(const char *s, unsigned long long min,
		    unsigned long long max, unsigned long long *v, char **end);

/* the kind of a mirrored packet, by the rules of print-jmirror.c */
enum jp_payload {
	JP_PAYLOAD_UNKNOWN,
	JP_PAYLOAD_IPV4,
	JP_PAYLOAD_IPV6,
	JP_PAYLOAD_PPP
};

#define JP_PPP_IPV4	0x0021
#define JP_PPP_IPV6	0x0057
#define JP_HDLC_ADDRESS	0xff
#define JP_HDLC_CONTROL	0x03

enum jp_payload jp_payload_kind(const uint8_t *p, unsigned caplen);

/*
 * A PPP frame at p: its protocol and the length of its header (address,
 * control and protocol fields, any of them compressed).  0 when the
 * captured bytes end inside the header.
 */
unsigned jp_ppp_header(const uint8_t *p, unsigned caplen, unsigned *proto);

/* a PPP protocol's short name ("LCP"), or NULL */
const char *jp_ppp_protocol_name(unsigned proto);

/*
 * 1 when a UDP payload of len bytes (caplen of them captured) parses as
 * jmirror: a jmirror header, then an IPv4 or IPv6 packet (bare, or in a
 * PPP frame) whose length field says exactly the rest, or a PPP frame
 * with FF 03 and a known protocol.  For spotting jmirror on a port not
 * taken as jmirror: a random datagram seldom passes.
 */
int jp_looks_like_jmirror(const uint8_t *p, unsigned caplen, unsigned len);

/*
 * Open a capture file ("-": standard input; a pipe will do) for reading
 * in its own time stamp precision: *nano is 1 when the file holds time
 * stamps finer than a microsecond (a pcap file with the nanosecond
 * magic, a pcapng file with an interface whose if_tsresol is finer,
 * described before its first packet), and then they are read in
 * nanoseconds, else in microseconds; what is written from it keeps
 * them.  NULL and errbuf on failure.
 */
pcap_t *jp_open_offline(const char *path, int *nano, char *errbuf);

#endif
