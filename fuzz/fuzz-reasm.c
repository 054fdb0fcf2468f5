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
 * libFuzzer harness for lib/jmirror-reasm.c, the fragment reassembler
 * of jmirror-decap.  An input is a stream of pseudo-packets fed to one
 * reassembler with a small budget and time-out; after every call the
 * harness checks that the bytes held stay within the budget, that placing
 * the fragment took at most REASM_STEPS_MAX steps and that a completed
 * datagram is a consistent IP datagram, and at the end that a flush
 * gives back every byte and that
 * the statistics account for every fragment fed exactly once.  A broken
 * invariant aborts.
 *
 * Input layout:
 *   byte 0    budget: 4 KiB << (byte & 7)
 *   byte 1    time-out: (byte + 1) * 100 ms
 *   then records, each
 *     byte    kind: low 2 bits 0 raw packet, 1 IPv4 fragment, 2 IPv6
 *             fragment, 3 a whole datagram; the other 6 bits advance the
 *             capture time by that many times 50 ms (all six set: and
 *             call reasm_expire first)
 *     2 bytes length of what follows (big-endian, cut to what is left)
 *     bytes   raw: the whole packet; IPv4 / IPv6: a fragment built from
 *             byte 0 (identification), bytes 1-2 (the flags and offset
 *             field as on the wire: IPv4 MF 0x2000 and 8-byte units,
 *             IPv6 bytes and M 0x0001), byte 3 bit 0 (IPv4: 4 bytes of
 *             options; IPv6: a hop-by-hop header) and the rest as
 *             fragment data; a whole datagram: byte 0 bit 0 IPv6, bit 1
 *             options / hop-by-hop header, bit 2 leave one fragment out,
 *             bit 3 send one twice; byte 1 identification; byte 2
 *             fragment size in 8-byte units; byte 3 a seed for the
 *             order of the fragments; the rest the payload
 *
 * Seeds: fuzz/reasm-corpus/, whole datagrams of about a hundred 8-byte
 * fragments in a shuffled order (the index of a large datagram).
 *
 * Build (from the top of the source tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=undefined -Ilib -o fuzz-reasm \
 *       fuzz/fuzz-reasm.c lib/jmirror-reasm.c lib/jmirror-ip.c
 * (make check-fuzz-reasm does; the sources are compiled with the
 * fuzzer's instrumentation, not taken from build/libjmirror.a)
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmirror-be.h"
#include "jmirror-ip.h"
#include "jmirror-reasm.h"

#define MS		1000000ull
#define KIND_RAW	0
#define KIND_IPV4	1
#define KIND_IPV6	2
#define KIND_DATAGRAM	3
#define TIME_EXPIRE	63
#define DG_IPV6		0x01
#define DG_HEADERS	0x02
#define DG_LEAVE_OUT	0x04
#define DG_TWICE	0x08
#define FRAGS_MAX	(65536 / 8)
#define FIELDS_LEN	4
#define PKT_MAX		(65535 + 40)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* packets fed that reasm_add() took for fragments, in this input */
static unsigned long fragments_fed;

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* An IPv4 fragment from the fields f and data d (n bytes) into pkt. */
static size_t
build_ipv4(uint8_t *pkt, const uint8_t *f, const uint8_t *d, size_t n)
{
	size_t hlen = f[3] & 1 ? 24 : 20;

	if (hlen + n > 65535)
		n = 65535 - hlen;
	memset(pkt, 0, hlen);
	pkt[0] = (uint8_t)(0x40 | hlen / 4);
	jp_put_be16(pkt + 2, hlen + n);
	pkt[5] = f[0];
	jp_put_be16(pkt + 6, jp_get_be16(f + 1) & 0x3fff);
	pkt[8] = 64;
	pkt[9] = 17;
	pkt[12] = 10;
	pkt[16] = 10;
	pkt[19] = 1;
	if (hlen == 24)
		pkt[20] = 1;	/* no-operation options */
	memcpy(pkt + hlen, d, n);
	return hlen + n;
}

/* An IPv6 fragment from the fields f and data d (n bytes) into pkt. */
static size_t
build_ipv6(uint8_t *pkt, const uint8_t *f, const uint8_t *d, size_t n)
{
	size_t at = 40;

	if (n > 65535 - 16)
		n = 65535 - 16;
	memset(pkt, 0, 40 + 16);
	pkt[0] = 0x60;
	pkt[6] = 44;
	pkt[7] = 64;
	pkt[8] = 0x20;
	pkt[24] = 0x20;
	if (f[3] & 1) {
		pkt[6] = 0;
		pkt[at] = 44;
		at += 8;
	}
	pkt[at] = 17;
	memcpy(pkt + at + 2, f + 1, 2);
	pkt[at + 7] = f[0];
	memcpy(pkt + at + 8, d, n);
	jp_put_be16(pkt + 4, at - 40 + 8 + n);
	return at + 8 + n;
}

/* A reassembled datagram: its own length fields say outlen, no fragment
 * fields left, and (IPv4) a valid header checksum. */
static void
check_datagram(const uint8_t *out, size_t outlen)
{
	check(outlen >= 20 && outlen <= 65535 + 40);
	if (out[0] >> 4 == 4) {
		check(jp_get_be16(out + 2) == outlen);
		check((jp_get_be16(out + 6) & 0x3fff) == 0);
		check((size_t)(out[0] & 0x0f) * 4 <= outlen);
		check(jp_ipv4_sum(out, (out[0] & 0x0fu) * 4) == 0xffff);
	} else {
		check(out[0] >> 4 == 6 && outlen >= 40);
		check(40 + jp_get_be16(out + 4) == outlen);
	}
}

/* After a flush, every fragment fed is in exactly one count. */
static int
every_fragment_counted(const struct reasm_stats *s)
{
	return s->frags_reassembled + s->frags_incomplete +
	    s->frags_overlapping + s->frags_timed_out + s->frags_evicted +
	    s->invalid + s->duplicates + s->after_overlap == fragments_fed;
}

/* Feed a copy of exactly len bytes, so that ASan sees any read beyond,
 * and check the result and the budget. */
static void
feed_exact(struct reasm *r, size_t budget, const uint8_t *pkt, size_t len,
    uint64_t ts)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct jp_ip walk;
	const uint8_t *out = NULL;
	size_t outlen = 0;
	unsigned long steps = reasm_steps(r);

	if (copy == NULL)
		abort();
	memcpy(copy, pkt, len);
	(void)jp_ip_walk(copy, (unsigned)len, &walk);
	switch (reasm_add(r, copy, len, &walk, ts, &out, &outlen)) {
	case REASM_COMPLETE:
		check_datagram(out, outlen);
		fragments_fed++;
		break;
	case REASM_NOT_FRAGMENT:
		break;
	default:
		fragments_fed++;
		break;
	}
	check(reasm_bytes_held(r) <= budget);
	check(reasm_steps(r) - steps <= REASM_STEPS_MAX);
	free(copy);
}

/* Fragment i of a datagram (payload d, n bytes, chunk bytes a fragment)
 * built from the fields of a whole-datagram record into pkt. */
static size_t
build_nth(uint8_t *pkt, const uint8_t *g, const uint8_t *d, size_t n,
    size_t chunk, size_t i)
{
	size_t off = i * chunk, c = n - off < chunk ? n - off : chunk;
	int more = off + c < n;
	uint8_t f[FIELDS_LEN];

	f[0] = g[1];
	f[3] = off == 0 && (g[0] & DG_HEADERS) ? 1 : 0;
	if (g[0] & DG_IPV6) {
		jp_put_be16(f + 1, off | (more ? 1 : 0));
		return build_ipv6(pkt, f, d + off, c);
	}
	jp_put_be16(f + 1, off / 8 | (more ? 0x2000 : 0));
	return build_ipv4(pkt, f, d + off, c);
}

/* A whole-datagram record: its fragments, shuffled by the seed in g[3],
 * maybe one left out, maybe one twice. */
static void
feed_datagram(struct reasm *r, size_t budget, const uint8_t *g,
    const uint8_t *d, size_t n, uint64_t ts, uint8_t *pkt)
{
	static uint16_t order[FRAGS_MAX];
	size_t chunk = (size_t)(g[2] ? g[2] : 1) * 8, count, i, j, len;
	uint32_t s = g[3] * 2654435761u + 1;
	uint16_t t;

	if (n > 65535 - 48)
		n = 65535 - 48;
	count = n == 0 ? 0 : (n + chunk - 1) / chunk;
	for (i = 0; i < count; i++)
		order[i] = (uint16_t)i;
	for (i = count; i > 1; i--) {
		s = s * 1103515245u + 12345;
		j = (s >> 8) % i;
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	for (i = 0; i < count; i++) {
		if (i == 0 && (g[0] & DG_LEAVE_OUT))
			continue;
		len = build_nth(pkt, g, d, n, chunk, order[i]);
		feed_exact(r, budget, pkt, len, ts);
		if (i == 1 && (g[0] & DG_TWICE))
			feed_exact(r, budget, pkt, len, ts);
	}
}

/* One record: build the packet(s) it stands for and feed them. */
static void
feed(struct reasm *r, size_t budget, int kind, const uint8_t *d, size_t n,
    uint64_t ts, uint8_t *pkt)
{
	size_t len;

	if (kind != KIND_RAW && n < FIELDS_LEN)
		return;
	if (kind == KIND_DATAGRAM) {
		feed_datagram(r, budget, d, d + FIELDS_LEN, n - FIELDS_LEN, ts,
		    pkt);
		return;
	}
	if (kind == KIND_RAW) {
		memcpy(pkt, d, n);
		len = n;
	} else if (kind == KIND_IPV4) {
		len = build_ipv4(pkt, d, d + FIELDS_LEN, n - FIELDS_LEN);
	} else {
		len = build_ipv6(pkt, d, d + FIELDS_LEN, n - FIELDS_LEN);
	}
	feed_exact(r, budget, pkt, len, ts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[PKT_MAX];
	struct reasm_limits lim;
	struct reasm *r;
	size_t empty, n;
	uint64_t ts = 0;
	int kind;

	if (size < 2)
		return 0;
	lim.max_bytes = (size_t)4096 << (data[0] & 7);
	lim.timeout_ns = ((uint64_t)data[1] + 1) * 100 * MS;
	if ((r = reasm_new(&lim)) == NULL)
		return 0;
	empty = reasm_bytes_held(r);
	fragments_fed = 0;
	for (data += 2, size -= 2; size >= 3; data += 3 + n, size -= 3 + n) {
		kind = data[0] & 3;
		ts += (uint64_t)(data[0] >> 2) * 50 * MS;
		if (data[0] >> 2 == TIME_EXPIRE)
			reasm_expire(r, ts);
		n = jp_get_be16(data + 1);
		if (n > size - 3)
			n = size - 3;
		feed(r, lim.max_bytes, kind, data + 3, n, ts, pkt);
	}
	reasm_flush(r);
	check(reasm_bytes_held(r) == empty);
	check(every_fragment_counted(reasm_stats(r)));
	reasm_free(r);
	return 0;
}
