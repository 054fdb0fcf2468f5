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
 * decap-packet.c: one outer packet through jmirror-decap, from its link
 * layer to the mirrored packet: the outer IPv4 or IPv6 header, outer
 * fragments through the reassembler, UDP on a jmirror port (or any, -T),
 * the jmirror header and the --mirror-id / --session-id selection.  What
 * is found is handed to decap_mirrored() (decap-output.c); what is not
 * is counted.  Also the run itself: the settings' defaults, the state's
 * start and end, the errors.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decap.h"

/* ---- the run ---- */

static void
verror(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", DECAP_PROG);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
decap_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

/* what follows the first error of a run is its consequence: not
   reported again */
void
decap_fail(struct decap *d, const char *fmt, ...)
{
	va_list ap;

	if (d->st.failed)
		return;
	d->st.failed = 1;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

/* the defaults, before the options */
void
decap_settings_init(struct decap_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->dlt = -1;
	set->ports.n = 1;
	set->ports.port[0] = JMIRROR_PORT;
	set->payload = PAYLOAD_AUTO;
	set->max_outputs = DECAP_DEFAULT_MAX_OUTPUTS;
	set->max_open = DECAP_MAX_OPEN;
	set->limits.max_bytes = REASM_DEFAULT_MAX_BYTES;
	set->limits.timeout_ns = REASM_DEFAULT_TIMEOUT_NS;
}

/* a run with these settings: its filter compiled, its reassembler */
int
decap_init(struct decap *d, const struct decap_settings *set)
{
	memset(d, 0, sizeof(*d));
	d->set = set;
	if (set->max_open == 0 || set->max_open > DECAP_MAX_OPEN) {
		decap_error("%u files open at once: expected 1-%d",
			    set->max_open, DECAP_MAX_OPEN);
		return -1;
	}
	if (decap_compile_filter(d) != 0)
		return -1;
	d->st.reasm = reasm_new(&set->limits);
	if (d->st.reasm == NULL) {
		decap_error("out of memory");
		return -1;
	}
	return 0;
}

void
decap_free(struct decap *d)
{
	decap_free_outputs(d);
	decap_free_filter(d);
	if (d->st.reasm != NULL)
		reasm_free(d->st.reasm);
	d->st.reasm = NULL;
}

/* 1 when decap should stop: an error, -W's last file, or -c reached */
int
decap_done(const struct decap *d)
{
	return d->st.failed || d->out.files_done ||
	       (d->set->max_count != 0 &&
		d->st.counts.written >= d->set->max_count);
}

/* ---- one packet ---- */

/* the capture time of a packet, in nanoseconds */
static uint64_t
ts_ns(const struct decap_settings *set, const struct pcap_pkthdr *h)
{
	uint64_t frac = (uint64_t)h->ts.tv_usec;

	return (uint64_t)h->ts.tv_sec * 1000000000u +
	       (set->nano ? frac : frac * 1000u);
}

/* 1 when --mirror-id or --session-id lets id through */
static int
id_selected(const struct id_set *set, uint32_t id)
{
	unsigned i;

	if (set->n == 0)
		return 1;
	for (i = 0; i < set->n; i++) {
		if (id >= set->r[i].lo && id <= set->r[i].hi)
			return 1;
	}
	return 0;
}

/*
 * A UDP payload of len bytes (caplen of them captured): the jmirror
 * header, then the mirrored packet.  --listen starts here.
 */
void
decap_udp_payload(struct decap *d, const struct pcap_pkthdr *h,
		  const uint8_t *p, unsigned caplen, unsigned len)
{
	struct jp_jmirror jm;

	d->st.counts.jmirror++;
	if (len < JMIRROR_HDR_LEN || caplen < JMIRROR_HDR_LEN) {
		d->st.counts.short_header++;
		return;
	}
	jp_jmirror_header(p, &jm);
	if (!id_selected(&d->set->mirror_ids, jm.mirror_id) ||
	    !id_selected(&d->set->session_ids, jm.session_id)) {
		d->st.counts.not_selected++;
		return;
	}
	decap_mirrored(d, h, &jm, p + JMIRROR_HDR_LEN,
		       caplen - JMIRROR_HDR_LEN, len - JMIRROR_HDR_LEN);
}

/*
 * A UDP datagram to a port not taken as jmirror, its payload at p: when
 * it parses as jmirror, tallied under its destination port (a router
 * sends to the analyzer's port, from a port of its own) for the
 * summary's hint.  Only while no jmirror was found: the hint is for
 * that case alone.
 */
static void
tally_lookalike(struct decap *d, unsigned dport, const uint8_t *p,
		unsigned caplen, unsigned len)
{
	unsigned i;

	if (d->st.counts.jmirror != 0 || !jp_looks_like_jmirror(p, caplen, len))
		return;
	for (i = 0; i < d->st.nlookalikes; i++) {
		if (d->st.lookalikes[i].port == dport) {
			d->st.lookalikes[i].count++;
			return;
		}
	}
	if (d->st.nlookalikes == DECAP_MAX_LOOKALIKES)
		return;
	d->st.lookalikes[i].port = dport;
	d->st.lookalikes[i].count = 1;
	d->st.nlookalikes++;
}

/* A whole (or reassembled) outer UDP datagram in IP: is it jmirror? */
static void
decap_udp(struct decap *d, const struct pcap_pkthdr *h, const uint8_t *ip,
	  unsigned caplen, const struct jp_ip *info)
{
	const uint8_t *udp = ip + info->hdr_len;
	unsigned ulen, avail;
	int jmirror;

	if (caplen < info->hdr_len + JP_UDP_HDR_LEN) {
		d->st.counts.outer_bad++;
		return;
	}
	jmirror = d->set->any_udp ||
		  jp_ports_match(&d->set->ports, jp_get_be16(udp),
				 jp_get_be16(udp + 2));
	ulen = jp_get_be16(udp + 4);
	if (jmirror &&
	    (ulen < JP_UDP_HDR_LEN || ulen > info->length - info->hdr_len)) {
		d->st.counts.outer_bad++;
		return;
	}
	avail = caplen - info->hdr_len;
	if (avail > ulen)
		avail = ulen;
	if (!jmirror) {
		d->st.counts.not_jmirror++;
		if (ulen >= JP_UDP_HDR_LEN && avail >= JP_UDP_HDR_LEN &&
		    ulen <= info->length - info->hdr_len)
			tally_lookalike(d, jp_get_be16(udp + 2),
					udp + JP_UDP_HDR_LEN,
					avail - JP_UDP_HDR_LEN,
					ulen - JP_UDP_HDR_LEN);
		return;
	}
	decap_udp_payload(d, h, udp + JP_UDP_HDR_LEN, avail - JP_UDP_HDR_LEN,
			  ulen - JP_UDP_HDR_LEN);
}

/*
 * An outer fragment: to the reassembler, and on with the datagram when
 * it is complete.  Only UDP fragments are kept (every IPv4 fragment says
 * its protocol; an IPv6 one may name an extension header that comes
 * before UDP), whole ones: a fragment cut short in the capture cannot be
 * reassembled.
 */
static void
decap_fragment(struct decap *d, const struct pcap_pkthdr *h,
	       const uint8_t *ip, unsigned caplen, const struct jp_ip *info)
{
	const uint8_t *whole;
	size_t wlen;
	struct jp_ip winfo;

	if (info->proto != JP_IPPROTO_UDP &&
	    (info->version == 4 || !jp_ipv6_extension(info->proto))) {
		d->st.counts.not_jmirror++;
		return;
	}
	if (caplen < info->length) {
		d->st.counts.truncated_fragments++;
		return;
	}
	switch (reasm_add(d->st.reasm, ip, info->length, info,
			  ts_ns(d->set, h),
			  &whole, &wlen)) {
	case REASM_HELD:
	case REASM_DROPPED:
		return;
	case REASM_NOT_FRAGMENT:
		/* the reassembler disagrees that it is a fragment */
		d->st.counts.outer_bad++;
		return;
	case REASM_COMPLETE:
		break;
	}
	if (jp_ip_walk(whole, (unsigned)wlen, &winfo) != JP_IP_OK ||
	    winfo.fragment || winfo.proto != JP_IPPROTO_UDP ||
	    winfo.length != wlen) {
		d->st.counts.outer_bad++;
		return;
	}
	decap_udp(d, h, whole, (unsigned)wlen, &winfo);
}

/* 1 when the first prefix bits of a and b agree */
static int
prefix_matches(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned whole = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, whole) != 0)
		return 0;
	return rest == 0 ||
	       ((a[whole] ^ b[whole]) & (0xff00u >> rest) & 0xff) == 0;
}

/* 1 when --from takes jmirror from this outer source (IPv4: 4 bytes,
   IPv6: 16) */
int
decap_sender_accepted(const struct decap_settings *set, int version,
		      const uint8_t *addr)
{
	const struct sender_set *senders = &set->senders;
	unsigned i;

	if (senders->n == 0)
		return 1;
	for (i = 0; i < senders->n; i++) {
		if (senders->a[i].version == version &&
		    prefix_matches(senders->a[i].addr, addr,
				   senders->a[i].prefix))
			return 1;
	}
	return 0;
}

/* An outer IPv4 or IPv6 packet; a sender --from does not take is
   counted before its fragments cost reassembly memory. */
static void
decap_ip(struct decap *d, const struct pcap_pkthdr *h, const uint8_t *ip,
	 unsigned caplen)
{
	struct jp_ip info;

	if (jp_ip_walk(ip, caplen, &info) != JP_IP_OK) {
		d->st.counts.outer_bad++;
		return;
	}
	if (!decap_sender_accepted(d->set, info.version,
				   ip + (info.version == 4 ? 12 : 8))) {
		d->st.counts.not_accepted++;
		return;
	}
	if (info.fragment) {
		decap_fragment(d, h, ip, caplen, &info);
		return;
	}
	if (info.proto != JP_IPPROTO_UDP) {
		d->st.counts.not_jmirror++;
		return;
	}
	decap_udp(d, h, ip, caplen, &info);
}

/* One outer packet as captured. */
void
decap_packet(struct decap *d, const struct pcap_pkthdr *h, const uint8_t *p)
{
	unsigned caplen = h->caplen < h->len ? h->caplen : h->len;
	unsigned off;
	int carries;

	d->st.counts.read++;
	carries = jp_find_ip(d->set->dlt, p, caplen, &off);
	if (carries == JP_CARRIES_NOT_IP || off >= caplen ||
	    !jp_version_agrees(carries, p + off)) {
		d->st.counts.not_jmirror++;
		return;
	}
	decap_ip(d, h, p + off, caplen - off);
}

/* buf, n characters long now, with " or " and term added: its length,
   or size when it does not fit */
static size_t
or_term(char *buf, size_t size, size_t n, const char *term)
{
	int w;

	if (n >= size)
		return size;
	w = snprintf(buf + n, size - n, "%s%s", n == 0 ? "" : " or ", term);
	return w < 0 || (size_t)w >= size - n ? size : n + (size_t)w;
}

/*
 * The capture filter that keeps every outer packet decap can use: UDP
 * on the jmirror ports (with -T any UDP), every non-first IPv4 fragment
 * of UDP (only the first has the ports), and every IPv6 packet whose
 * first next header is an extension header: a fragment header, or UDP
 * on a jmirror port, may follow any of them, and a fixed-offset filter
 * cannot walk them (decap does).  With jmirror, a primitive of the
 * jmirror filter keyword that libpcap may know, that in place of the
 * ports, and the first IPv4 fragments too: the keyword cannot look into
 * a mirrored packet cut short in one.  0, or -1 when it is longer than
 * size.
 */
int
decap_capture_filter(const struct decap_settings *set, const char *jmirror,
		     char *buf, size_t size)
{
	char term[32];
	size_t n = 0;
	unsigned i;
	int next;

	buf[0] = '\0';
	if (set->any_udp && jmirror == NULL)
		n = or_term(buf, size, n, "udp");
	for (i = 0; jmirror == NULL && !set->any_udp && i < set->ports.n; i++) {
		snprintf(term, sizeof(term), "udp port %u", set->ports.port[i]);
		n = or_term(buf, size, n, term);
	}
	if (jmirror != NULL)
		n = or_term(buf, size, n,
			    "(ip proto 17 and ip[6:2] & 0x3fff != 0)");
	else if (!set->any_udp)
		n = or_term(buf, size, n,
			    "(ip proto 17 and ip[6:2] & 0x1fff != 0)");
	for (next = 0; next < 256; next++) {
		if (!jp_ipv6_extension(next))
			continue;
		snprintf(term, sizeof(term), "ip6[6] == %d", next);
		n = or_term(buf, size, n, term);
	}
	/* last: the primitives after a jmirror keyword read the mirrored
	   packet */
	if (jmirror != NULL)
		n = or_term(buf, size, n, jmirror);
	return n < size ? 0 : -1;
}
