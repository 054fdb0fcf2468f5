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
 * libFuzzer harness for the jmirror printer.  Each input becomes one
 * raw-IP packet (DLT_RAW), an IPv4 or IPv6 header, a UDP header and the
 * rest of the input as the UDP payload, printed by pretty_print_packet()
 * exactly as tcpdump prints a packet it read, output going to /dev/null.
 *
 * Input layout:
 *   byte 0    flags:
 *               0x01  -T jmirror, both UDP ports from the next 2 bytes
 *                     (else both ports are JMIRROR_PORT, 30030)
 *               0x06  -v count (0 to 3)
 *               0x08  -e
 *               0x30  0: no hex, 1: -x, 2: -xx, 3: -X
 *               0x40  IP and UDP length fields from the next 4 bytes
 *                     (else they agree with the payload size)
 *               0x80  outer IPv6 (else IPv4)
 *   [2 bytes] UDP port, if 0x01
 *   [4 bytes] IP length field, UDP length field, if 0x40
 *   the rest  UDP payload
 *
 * With FUZZ_JMIRROR_PRINT set in the environment, the output goes to the
 * standard output instead: `FUZZ_JMIRROR_PRINT=1 ./fuzz-jmirror FILE`
 * shows how an input (a crash, a seed) is printed.
 */

#include <config.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdissect-stdinc.h"
#include "netdissect.h"
#include "print.h"
#include "udp.h"

#include "jmirror-ip.h"

#define FLAG_PACKETTYPE	0x01
#define FLAG_VFLAG_SHIFT	1
#define FLAG_VFLAG_MASK	0x03
#define FLAG_EFLAG	0x08
#define FLAG_HEX_SHIFT	4
#define FLAG_HEX_MASK	0x03
#define FLAG_LENGTHS	0x40
#define FLAG_IPV6	0x80

#define IPV4_HDR_LEN	20
#define IPV6_HDR_LEN	40
#define UDP_HDR_LEN	8
#define MAX_PAYLOAD	(65535 - IPV6_HDR_LEN - UDP_HDR_LEN)

static netdissect_options fuzz_ndo;
static FILE *fuzz_out;

static int
fuzz_printf(netdissect_options *ndo _U_, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfprintf(fuzz_out, fmt, ap);
	va_end(ap);
	return ret;
}

static void
put_be16(u_char *p, u_int v)
{
	p[0] = (u_char)(v >> 8);
	p[1] = (u_char)v;
}

static void
ipv4_header(u_char *p, u_int total_len)
{
	static const u_char addrs[8] = { 192, 0, 2, 1, 192, 0, 2, 2 };

	memset(p, 0, IPV4_HDR_LEN);
	p[0] = 0x45;
	put_be16(p + 2, total_len);
	put_be16(p + 4, 1);		/* id */
	p[8] = 255;			/* TTL */
	p[9] = 17;			/* UDP */
	memcpy(p + 12, addrs, sizeof(addrs));
	jp_put_ipv4_checksum(p, IPV4_HDR_LEN);
}

static void
ipv6_header(u_char *p, u_int payload_len)
{
	memset(p, 0, IPV6_HDR_LEN);
	p[0] = 0x60;
	put_be16(p + 4, payload_len);
	p[6] = 17;			/* UDP */
	p[7] = 255;			/* hop limit */
	p[8] = 0x20; p[9] = 0x01; p[10] = 0x0d; p[11] = 0xb8;
	p[12] = 0xff; p[13] = 0xff;
	memcpy(p + 24, p + 8, 6);
	p[23] = 1;			/* 2001:db8:ffff::1 */
	p[39] = 2;			/* 2001:db8:ffff::2 */
}

static void
udp_header(u_char *p, u_int port, u_int len)
{
	put_be16(p, port);
	put_be16(p + 2, port);
	put_be16(p + 4, len);
	put_be16(p + 6, 0);		/* no checksum */
}

const char *__ubsan_default_options(void);
int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * UBSan is built recoverable so that run-fuzz.sh can suppress known
 * reports from stock printers (ubsan-stock.supp); any other report must
 * stop the fuzzer.
 */
const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

int
LLVMFuzzerInitialize(int *argc _U_, char ***argv _U_)
{
	netdissect_options *ndo = &fuzz_ndo;
	char ebuf[PCAP_ERRBUF_SIZE];

	if (nd_init(ebuf, sizeof(ebuf)) == -1) {
		fprintf(stderr, "nd_init: %s\n", ebuf);
		exit(1);
	}
	if (getenv("FUZZ_JMIRROR_PRINT") != NULL) {
		/* a line per packet, even when a crash follows */
		setvbuf(stdout, NULL, _IOLBF, 0);
		fuzz_out = stdout;
	} else
		fuzz_out = fopen("/dev/null", "w");
	if (fuzz_out == NULL) {
		perror("/dev/null");
		exit(1);
	}
	/* as tcpdump -n -t -r: set up once, options set per input */
	memset(ndo, 0, sizeof(*ndo));
	ndo_set_function_pointers(ndo);
	ndo->ndo_printf = fuzz_printf;
	ndo->program_name = "fuzz-jmirror";
	ndo->ndo_nflag = 1;
	ndo->ndo_tflag = 1;
	ndo->ndo_snaplen = MAXIMUM_SNAPLEN;
	init_print(ndo, 0, 0);
	ndo->ndo_if_printer = get_if_printer(DLT_RAW);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	netdissect_options *ndo = &fuzz_ndo;
	struct pcap_pkthdr h;
	u_int flags, port = JMIRROR_PORT, hex, ip_hdr_len, payload_len;
	u_int ip_len, udp_len, caplen;
	u_char *pkt;

	if (size < 1)
		return 0;
	flags = *data++;
	size--;
	if (flags & FLAG_PACKETTYPE) {
		if (size < 2)
			return 0;
		port = (u_int)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
	}
	ndo->ndo_packettype = (flags & FLAG_PACKETTYPE) ? PT_JMIRROR : 0;
	ndo->ndo_vflag = (flags >> FLAG_VFLAG_SHIFT) & FLAG_VFLAG_MASK;
	ndo->ndo_eflag = (flags & FLAG_EFLAG) != 0;
	hex = (flags >> FLAG_HEX_SHIFT) & FLAG_HEX_MASK;
	ndo->ndo_xflag = hex == 1 ? 1 : hex == 2 ? 2 : 0;
	ndo->ndo_Xflag = hex == 3;

	ip_hdr_len = (flags & FLAG_IPV6) ? IPV6_HDR_LEN : IPV4_HDR_LEN;
	if (flags & FLAG_LENGTHS) {
		if (size < 4)
			return 0;
		ip_len = (u_int)data[0] << 8 | data[1];
		udp_len = (u_int)data[2] << 8 | data[3];
		data += 4;
		size -= 4;
	}
	if (size > MAX_PAYLOAD)
		return 0;
	payload_len = (u_int)size;
	if (!(flags & FLAG_LENGTHS)) {
		udp_len = UDP_HDR_LEN + payload_len;
		ip_len = (flags & FLAG_IPV6) ? udp_len : ip_hdr_len + udp_len;
	}

	caplen = ip_hdr_len + UDP_HDR_LEN + payload_len;
	/* exactly the captured bytes, so that ASan sees any over-read */
	pkt = malloc(caplen);
	if (pkt == NULL)
		return 0;
	if (flags & FLAG_IPV6)
		ipv6_header(pkt, ip_len);
	else
		ipv4_header(pkt, ip_len);
	udp_header(pkt + ip_hdr_len, port, udp_len);
	memcpy(pkt + ip_hdr_len + UDP_HDR_LEN, data, payload_len);

	memset(&h, 0, sizeof(h));
	h.caplen = caplen;
	/* a length field larger than the packet: as if cut by the snaplen */
	h.len = caplen;
	if ((flags & FLAG_IPV6) && IPV6_HDR_LEN + ip_len > h.len)
		h.len = IPV6_HDR_LEN + ip_len;
	else if (!(flags & FLAG_IPV6) && ip_len > h.len)
		h.len = ip_len;

	pretty_print_packet(ndo, &h, pkt, 1);
	free(pkt);
	return 0;
}
