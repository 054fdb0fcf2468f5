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

/* \summary: Juniper packet mirror encapsulation (jmirror) printer */

/*
 * specification: none public beyond the vendor's manuals:
 *   Juniper Networks, JUNOSe Policy Management Configuration Guide,
 *   "Packet Mirroring" (RADIUS VSAs 26-59 and 26-61, analyzer UDP port);
 *   Juniper Networks, Junos OS Subscriber Management, "Subscriber Secure
 *   Policy" (DTCP X-MD-Intercept-Id, X-JTap-Cdest-Dest-Port).
 *
 * E Series and MX Series routers copy a subscriber's packets to an
 * analyzer.  Each copy goes inside a new IPv4/UDP datagram, to a UDP port
 * that the operator chooses (none is registered), behind this header:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |MHV|        mirror identifier (Junos: intercept ID)            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                          session ID                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  mirrored packet: IPv4, IPv6, or a PPP frame (L2TP sessions) ...
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * MHV, the mirror header version, is sent as 0.  Nothing in the header
 * says what the mirrored packet is: IP mirroring carries the IP packet
 * as it was, L2TP mirroring carries the PPP frame, normally with its
 * FF 03 address and control fields, unless the peers negotiated their
 * compression.
 */

#include <config.h>

#include "netdissect-stdinc.h"

#define ND_LONGJMP_FROM_TCHECK
#include "netdissect.h"
#include "netdissect-ctype.h"
#include "extract.h"
#include "ppp.h"
#include "udp.h"

#define JMIRROR_HDR_LEN		8
#define JMIRROR_MHV_SHIFT	30
#define JMIRROR_MIRROR_ID_MASK	0x3fffffffU

/*
 * A mirrored packet can itself be jmirror traffic (an analyzer port that
 * is being mirrored); beyond this depth the packet is not decoded further.
 */
#define JMIRROR_MAX_NESTING	8

enum jmirror_payload {
	JMIRROR_PAYLOAD_IPV4,
	JMIRROR_PAYLOAD_IPV6,
	JMIRROR_PAYLOAD_PPP,
	JMIRROR_PAYLOAD_UNKNOWN
};

static const struct tok jmirror_payload_names[] = {
	{ JMIRROR_PAYLOAD_IPV4,    "IPv4" },
	{ JMIRROR_PAYLOAD_IPV6,    "IPv6" },
	{ JMIRROR_PAYLOAD_PPP,     "PPP" },
	{ JMIRROR_PAYLOAD_UNKNOWN, "unknown" },
	{ 0, NULL }
};

/*
 * Every PPP protocol that tcpdump's PPP printer names; a mirrored frame
 * without the FF 03 address and control fields is taken for PPP only
 * when it starts with one of these.
 */
static const uint16_t jmirror_ppp_protocols[] = {
	PPP_IP, PPP_OSI, PPP_NS, PPP_DECNET, PPP_APPLE, PPP_IPX, PPP_VJC,
	PPP_VJNC, PPP_BRPDU, PPP_STII, PPP_VINES, PPP_ML, PPP_IPV6, PPP_COMP,
	PPP_HELLO, PPP_LUXCOM, PPP_SNS, PPP_MPLS_UCAST, PPP_MPLS_MCAST,
	PPP_IPCP, PPP_OSICP, PPP_NSCP, PPP_DECNETCP, PPP_APPLECP, PPP_IPXCP,
	PPP_STIICP, PPP_VINESCP, PPP_IPV6CP, PPP_CCP, PPP_MPLSCP,
	PPP_LCP, PPP_PAP, PPP_LQM, PPP_SPAP, PPP_CHAP, PPP_BACP, PPP_BAP,
	PPP_MPCP, PPP_SPAP_OLD, PPP_EAP
};

static int
jmirror_ppp_protocol_known(u_int proto)
{
	const size_t n = sizeof(jmirror_ppp_protocols) /
			 sizeof(jmirror_ppp_protocols[0]);
	size_t i;

	for (i = 0; i < n; i++) {
		if (jmirror_ppp_protocols[i] == proto)
			return 1;
	}
	return 0;
}

/*
 * A PPP frame whose address and control fields are compressed starts
 * with the protocol field: one odd byte when it is compressed too,
 * otherwise an even byte then an odd one (RFC 1661, section 2).
 */
static int
jmirror_is_compressed_ppp(netdissect_options *ndo, const u_char *bp,
			  u_int length)
{
	u_int first = GET_U_1(bp);

	if (first & 1)
		return jmirror_ppp_protocol_known(first);
	if (length < 2)
		return 0;
	return jmirror_ppp_protocol_known(GET_BE_U_2(bp));
}

static enum jmirror_payload
jmirror_payload_type(netdissect_options *ndo, const u_char *bp, u_int length)
{
	switch (GET_U_1(bp) >> 4) {
	case 4:
		return JMIRROR_PAYLOAD_IPV4;
	case 6:
		return JMIRROR_PAYLOAD_IPV6;
	}
	if (length >= 2 &&
	    GET_BE_U_2(bp) == (PPP_ADDRESS << 8 | PPP_CONTROL))
		return JMIRROR_PAYLOAD_PPP;
	if (jmirror_is_compressed_ppp(ndo, bp, length))
		return JMIRROR_PAYLOAD_PPP;
	return JMIRROR_PAYLOAD_UNKNOWN;
}

static void
jmirror_print_ids(netdissect_options *ndo, uint32_t word0, uint32_t session_id)
{
	u_int mhv = word0 >> JMIRROR_MHV_SHIFT;
	uint32_t mirror_id = word0 & JMIRROR_MIRROR_ID_MASK;

	if (ndo->ndo_vflag) {
		ND_PRINT(", mhv %u, mirror-id %u (0x%x), session-id %u (0x%x)",
			 mhv, mirror_id, mirror_id, session_id, session_id);
		return;
	}
	if (mhv != 0)
		ND_PRINT(", mhv %u", mhv);
	ND_PRINT(", mirror-id %u, session-id %u", mirror_id, session_id);
}

static void
jmirror_print_mirrored(netdissect_options *ndo, const u_char *bp,
		       u_int length)
{
	enum jmirror_payload payload = jmirror_payload_type(ndo, bp, length);

	if (ndo->ndo_eflag)
		ND_PRINT(", payload %s",
			 tok2str(jmirror_payload_names, "?", payload));
	ND_PRINT(", length %u: ", length);

	ndo->ndo_jmirror_nesting++;
	switch (payload) {
	case JMIRROR_PAYLOAD_IPV4:
		ip_print(ndo, bp, length);
		break;
	case JMIRROR_PAYLOAD_IPV6:
		ip6_print(ndo, bp, length);
		break;
	case JMIRROR_PAYLOAD_PPP:
		ppp_print(ndo, bp, length);
		break;
	case JMIRROR_PAYLOAD_UNKNOWN:
		ND_PRINT("unknown payload");
		/* nobody else looks at it: say whether the capture has it all */
		ND_TCHECK_LEN(bp, length);
		break;
	}
	ndo->ndo_jmirror_nesting--;
	/*
	 * The mirrored packet is printed exactly as tcpdump prints it bare,
	 * truncation marks included (or their absence: not every printer
	 * reads to the end of its packet); adding one here would double the
	 * mark of the printers that print theirs and return.
	 */
}

void
jmirror_print(netdissect_options *ndo, const u_char *bp, u_int length)
{
	uint32_t word0, session_id;

	ndo->ndo_protocol = "jmirror";
	ND_PRINT("JMIRROR");
	if (length < JMIRROR_HDR_LEN) {
		ND_PRINT(", length %u < %u", length, JMIRROR_HDR_LEN);
		goto invalid;
	}
	word0 = GET_BE_U_4(bp);
	session_id = GET_BE_U_4(bp + 4);
	jmirror_print_ids(ndo, word0, session_id);
	bp += JMIRROR_HDR_LEN;
	length -= JMIRROR_HDR_LEN;

	if (length == 0) {
		ND_PRINT(", length 0");
		return;
	}
	if (ndo->ndo_jmirror_nesting >= JMIRROR_MAX_NESTING) {
		ND_PRINT(", length %u: nested more than %u deep",
			 length, JMIRROR_MAX_NESTING);
		goto invalid;
	}
	jmirror_print_mirrored(ndo, bp, length);
	return;
invalid:
	nd_print_invalid(ndo);
	/* and say whether the capture has all of it */
	ND_TCHECK_LEN(bp, length);
}

static int
jmirror_port_in_list(netdissect_options *ndo, u_int sport, u_int dport)
{
	u_int i;

	for (i = 0; i < ndo->ndo_jmirror_nports; i++) {
		if (ndo->ndo_jmirror_ports[i] == sport ||
		    ndo->ndo_jmirror_ports[i] == dport)
			return 1;
	}
	return 0;
}

/*
 * Whether the user asked for this UDP payload to be decoded as jmirror:
 * -T jmirror, at the outermost UDP layer (the UDP packets that jmirror
 * carries are decoded as usual), or a port named with --jmirror-port,
 * unless -q turns port decoding off.  udp_print() asks this before its
 * NFS heuristic and every port of its own: the user's word wins.
 */
int
jmirror_by_user(netdissect_options *ndo, u_int sport, u_int dport)
{
	if (ndo->ndo_packettype == PT_JMIRROR && ndo->ndo_jmirror_nesting == 0)
		return 1;
	return !ndo->ndo_qflag && ndo->ndo_jmirror_ports_set &&
	       jmirror_port_in_list(ndo, sport, dport);
}

/*
 * Whether either port is the built-in default, JMIRROR_PORT, when the
 * user did not name the ports.  udp_print() asks this after every port
 * of its own: no stock decoder loses a packet to the default.
 */
int
jmirror_default_port(netdissect_options *ndo, u_int sport, u_int dport)
{
	return !ndo->ndo_jmirror_ports_set &&
	       (sport == JMIRROR_PORT || dport == JMIRROR_PORT);
}

/*
 * Parse the argument of --jmirror-port: PORT[,PORT...], each from 1 to
 * 65535, at most JMIRROR_MAX_PORTS of them, or a single 0 to decode no
 * port as jmirror.  Return 0, or -1 for a malformed list.
 */
int
jmirror_set_ports(netdissect_options *ndo, const char *list)
{
	const char *p = list;
	u_int nports = 0;

	for (;;) {
		const char *digits = p;
		u_int port = 0;

		while (ND_ASCII_ISDIGIT(*p)) {
			port = port * 10 + (u_int)(*p - '0');
			if (port > 65535)
				return -1;
			p++;
		}
		if (p == digits || nports == JMIRROR_MAX_PORTS)
			return -1;
		ndo->ndo_jmirror_ports[nports++] = (uint16_t)port;
		if (*p == '\0')
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	if (nports == 1 && ndo->ndo_jmirror_ports[0] == 0)
		nports = 0;
	else {
		u_int i;

		for (i = 0; i < nports; i++) {
			if (ndo->ndo_jmirror_ports[i] == 0)
				return -1;
		}
	}
	ndo->ndo_jmirror_nports = nports;
	ndo->ndo_jmirror_ports_set = 1;
	return 0;
}
