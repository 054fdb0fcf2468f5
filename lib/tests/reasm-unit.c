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
 * reasm-unit: unit tests of lib/jmirror-reasm.c, the fragment
 * reassembler of jmirror-decap.  Each test builds an IPv4 or IPv6
 * datagram, fragments it here, feeds the fragments to reasm_add() in some
 * order and compares what comes back with the original, byte for byte;
 * the others check what is dropped and counted.  Prints one TAP-like line
 * a check ("ok N - name" / "not ok N - name") and exits 1 if any failed.
 *
 * Usage: reasm-unit [WORD]   runs only the tests whose name holds WORD
 * (e.g. `reasm-unit flood` for the memory figures).
 *
 * The reassembler counts the steps it takes placing fragments, and the
 * placement tests bound them: a time that hostile input cannot stretch,
 * checked without timing anything.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmirror-be.h"
#include "jmirror-reasm.h"

#define SEC		1000000000ull
#define IPV4_MF		0x2000
#define IPV6_M		0x0001
#define NH_UDP		17
#define NH_HOPOPTS	0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define FLOOD_COUNT	1000000ul

/* IPv4 header options / IPv6 extension headers before the fragment one */
enum variant { PLAIN, OPTIONS, HOPOPTS, HOPOPTS_ROUTING };

struct pkt {
	uint8_t *b;
	size_t len;
};

/* A datagram and its fragments. */
struct dg {
	int version;
	uint8_t *b;
	size_t len;
	struct pkt *frags;
	size_t n;
};

static int tests_run;
static int tests_failed;
static const char *only;

static void
report(int ok, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int
selected(const char *name)
{
	return only == NULL || strstr(name, only) != NULL;
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "reasm-unit: out of memory\n");
		exit(2);
	}
	return p;
}

/* What decap does with an outer packet: walk its header, then give both
 * to the reassembler. */
static enum reasm_result
walk_and_add(struct reasm *r, const uint8_t *b, size_t len, uint64_t ts,
    const uint8_t **out, size_t *outlen)
{
	struct jp_ip walk;

	(void)jp_ip_walk(b, (unsigned)len, &walk);
	return reasm_add(r, b, len, &walk, ts, out, outlen);
}

static struct reasm *
new_reasm(size_t max_bytes, uint64_t timeout_ns)
{
	struct reasm_limits lim = { max_bytes, timeout_ns };
	struct reasm *r = reasm_new(&lim);

	if (r == NULL) {
		fprintf(stderr, "reasm-unit: reasm_new failed\n");
		exit(2);
	}
	return r;
}

/* ---- building datagrams ---- */

static uint64_t
next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static void
fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)next_random(&s);
}

/* IPv4, protocol UDP, with a Record Route option (not copied into later
 * fragments, RFC 791) when v is OPTIONS. */
static size_t
build_ipv4(uint8_t *b, size_t payload, enum variant v, uint32_t id,
    uint32_t src)
{
	size_t hlen = v == OPTIONS ? 32 : 20;

	memset(b, 0, hlen);
	b[0] = (uint8_t)(0x40 | hlen / 4);
	jp_put_be16(b + 2, hlen + payload);
	jp_put_be16(b + 4, id & 0xffff);
	b[8] = 64;
	b[9] = NH_UDP;
	jp_put_be32(b + 12, src);
	jp_put_be32(b + 16, 0xc0000201);
	if (v == OPTIONS) {
		b[20] = 7;		/* record route, 11 bytes, 2 slots */
		b[21] = 11;
		b[22] = 4;
		jp_put_be32(b + 23, 0x0a000001);
	}
	fill_random(b + hlen, payload, id ^ src);
	jp_put_ipv4_checksum(b, (unsigned)hlen);
	return hlen + payload;
}

/* IPv6, UDP, with the extension headers of v; *unfrag gets the length of
 * the unfragmentable part, *nh_at the next-header byte that names what
 * follows it. */
static size_t
build_ipv6(uint8_t *b, size_t payload, enum variant v, uint32_t id,
    size_t *unfrag, size_t *nh_at)
{
	size_t at = 40;

	memset(b, 0, 40 + 8 + 24);
	b[0] = 0x60;
	b[6] = NH_UDP;
	*nh_at = 6;
	b[7] = 64;
	b[8] = 0x20;
	b[9] = 0x01;
	jp_put_be32(b + 20, id);
	b[24] = 0x20;
	b[25] = 0x01;
	b[39] = 2;
	if (v == HOPOPTS || v == HOPOPTS_ROUTING) {
		b[6] = NH_HOPOPTS;
		b[at] = NH_UDP;		/* 8 bytes: one PadN option */
		b[at + 2] = 1;
		b[at + 3] = 4;
		*nh_at = at;
		at += 8;
	}
	if (v == HOPOPTS_ROUTING) {
		b[*nh_at] = NH_ROUTING;
		b[at] = NH_UDP;		/* 24 bytes, type 4, no segment left */
		b[at + 1] = 2;
		b[at + 2] = 4;
		b[at + 23] = 9;
		*nh_at = at;
		at += 24;
	}
	*unfrag = at;
	fill_random(b + at, payload, id);
	jp_put_be16(b + 4, at - 40 + payload);
	return at + payload;
}

/* Fragments of an IPv4 datagram, chunk payload bytes each; the later
 * ones have a plain 20-byte header and another TTL, so that the result
 * shows which header was used. */
static size_t
fragment_ipv4(const uint8_t *dg, size_t len, size_t chunk, struct pkt *out)
{
	size_t hlen = (size_t)(dg[0] & 0x0f) * 4, plen = len - hlen;
	size_t off, c, h, n = 0;
	uint8_t *b;

	for (off = 0; off < plen; off += c) {
		c = plen - off < chunk ? plen - off : chunk;
		h = off == 0 ? hlen : 20;
		b = xmalloc(h + c);
		memcpy(b, dg, h);
		b[0] = (uint8_t)(0x40 | h / 4);
		if (off != 0)
			b[8] = 7;
		jp_put_be16(b + 2, h + c);
		jp_put_be16(b + 6, off / 8 | (off + c < plen ? IPV4_MF : 0));
		jp_put_ipv4_checksum(b, (unsigned)h);
		memcpy(b + h, dg + hlen + off, c);
		out[n].b = b;
		out[n++].len = h + c;
	}
	return n;
}

/* Fragments of an IPv6 datagram (RFC 8200 section 4.5); the later ones
 * have another hop limit. */
static size_t
fragment_ipv6(const uint8_t *dg, size_t len, size_t unfrag, size_t nh_at,
    uint32_t id, size_t chunk, struct pkt *out)
{
	size_t plen = len - unfrag, off, c, n = 0;
	uint8_t *b;

	for (off = 0; off < plen; off += c) {
		c = plen - off < chunk ? plen - off : chunk;
		b = xmalloc(unfrag + 8 + c);
		memcpy(b, dg, unfrag);
		if (off != 0)
			b[7] = 7;
		b[nh_at] = NH_FRAGMENT;
		jp_put_be16(b + 4, unfrag - 40 + 8 + c);
		b[unfrag] = dg[nh_at];
		b[unfrag + 1] = 0;
		jp_put_be16(b + unfrag + 2, off | (off + c < plen ? IPV6_M : 0));
		jp_put_be32(b + unfrag + 4, id);
		memcpy(b + unfrag + 8, dg + unfrag + off, c);
		out[n].b = b;
		out[n++].len = unfrag + 8 + c;
	}
	return n;
}

/* A datagram of version with payload bytes after its headers, cut into
 * fragments of chunk payload bytes. */
static struct dg
make_dg(int version, size_t payload, enum variant v, uint32_t id,
    size_t chunk)
{
	struct dg d;
	size_t unfrag, nh_at;

	d.version = version;
	d.b = xmalloc(payload + 100);
	d.frags = xmalloc(sizeof(*d.frags) * (payload / chunk + 2));
	if (version == 4) {
		d.len = build_ipv4(d.b, payload, v, id, 0xc0000202);
		d.n = fragment_ipv4(d.b, d.len, chunk, d.frags);
	} else {
		d.len = build_ipv6(d.b, payload, v, id, &unfrag, &nh_at);
		d.n = fragment_ipv6(d.b, d.len, unfrag, nh_at, id, chunk,
		    d.frags);
	}
	return d;
}

static void
free_dg(struct dg *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->frags[i].b);
	free(d->frags);
	free(d->b);
}

/* ---- feeding and checking ---- */

/* What feeding a list of fragments gave. */
struct outcome {
	size_t complete;	/* REASM_COMPLETE results */
	size_t held;
	size_t dropped;
	size_t not_fragment;
	size_t complete_at;	/* index of the last REASM_COMPLETE */
	int matched;		/* that output equals the original */
	int over_budget;	/* bytes held ever exceeded max */
	unsigned long steps;	/* placing the fragments */
	unsigned long max_steps;/* placing one of them */
};

static void
feed_one(struct reasm *r, const struct dg *d, const struct pkt *p,
    size_t idx, uint64_t ts, size_t max, struct outcome *o)
{
	const uint8_t *out = NULL;
	size_t outlen = 0;
	unsigned long before = reasm_steps(r), step;

	switch (walk_and_add(r, p->b, p->len, ts, &out, &outlen)) {
	case REASM_COMPLETE:
		o->complete++;
		o->complete_at = idx;
		o->matched = outlen == d->len &&
		    memcmp(out, d->b, d->len) == 0;
		break;
	case REASM_HELD:
		o->held++;
		break;
	case REASM_DROPPED:
		o->dropped++;
		break;
	case REASM_NOT_FRAGMENT:
		o->not_fragment++;
		break;
	}
	if (reasm_bytes_held(r) > max)
		o->over_budget = 1;
	step = reasm_steps(r) - before;
	o->steps += step;
	if (step > o->max_steps)
		o->max_steps = step;
}

/* Feed d's fragments in the order of idx (count entries), one a second. */
static struct outcome
feed(struct reasm *r, const struct dg *d, const size_t *idx, size_t count,
    uint64_t ts)
{
	struct outcome o;
	size_t i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < count; i++)
		feed_one(r, d, &d->frags[idx[i]], i, ts + i * SEC / 1000,
		    REASM_DEFAULT_MAX_BYTES, &o);
	return o;
}

/* A whole datagram came back, at the last fragment, byte for byte. */
static int
completed_once(const struct outcome *o, size_t count)
{
	return o->complete == 1 && o->complete_at == count - 1 &&
	    o->matched && !o->over_budget;
}

static void
shuffle(size_t *idx, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 7;
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = (size_t)(next_random(&s) % i);
		t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

static size_t *
identity(size_t n)
{
	size_t *idx = xmalloc(sizeof(*idx) * (n + 1) * 2);
	size_t i;

	for (i = 0; i < n; i++)
		idx[i] = i;
	return idx;
}

static const char *
family(int version)
{
	return version == 4 ? "IPv4" : "IPv6";
}

/* ---- the orders a whole datagram may come in ---- */

enum order { IN_ORDER, REVERSED, SHUFFLED, LAST_FIRST };

static const char *
order_name(enum order o)
{
	switch (o) {
	case IN_ORDER:
		return "in order";
	case REVERSED:
		return "reversed";
	case SHUFFLED:
		return "shuffled";
	default:
		return "last first, then ascending";
	}
}

/* The indexes of n fragments in order ord. */
static size_t *
arrange(enum order ord, size_t n, uint64_t seed)
{
	size_t *idx = identity(n), i;

	for (i = 0; i < n; i++) {
		if (ord == REVERSED)
			idx[i] = n - 1 - i;
		if (ord == LAST_FIRST)
			idx[i] = i == 0 ? n - 1 : i - 1;
	}
	if (ord == SHUFFLED)
		shuffle(idx, n, seed);
	return idx;
}

static const char *
variant_name(enum variant v)
{
	switch (v) {
	case OPTIONS:
		return " with options in the first fragment";
	case HOPOPTS:
		return " with hop-by-hop options";
	case HOPOPTS_ROUTING:
		return " with hop-by-hop and routing headers";
	default:
		return "";
	}
}

static void
test_order(int version, enum variant v, enum order ord, uint64_t seed,
    size_t payload, size_t chunk)
{
	struct dg d = make_dg(version, payload, v, 0x1234 + (uint32_t)seed,
	    chunk);
	size_t *idx = arrange(ord, d.n, seed);
	struct reasm *r = new_reasm(0, 0);
	struct outcome o;
	size_t base = reasm_bytes_held(r);

	o = feed(r, &d, idx, d.n, 0);
	reasm_flush(r);
	report(completed_once(&o, d.n) && o.held == d.n - 1 &&
	    reasm_stats(r)->fragments == d.n &&
	    reasm_stats(r)->frags_reassembled == d.n &&
	    reasm_stats(r)->reassembled == 1 && reasm_bytes_held(r) == base,
	    "%s%s %s, %zu fragments, seed %llu: reassembled byte for byte",
	    family(version), variant_name(v), order_name(ord), d.n,
	    (unsigned long long)seed);
	reasm_free(r);
	free(idx);
	free_dg(&d);
}

static void
test_orders(int version)
{
	uint64_t seed;

	test_order(version, PLAIN, IN_ORDER, 0, 4001, 1480);
	test_order(version, PLAIN, REVERSED, 0, 4001, 1480);
	for (seed = 1; seed <= 6; seed++)
		test_order(version, PLAIN, SHUFFLED, seed, 9003, 1232);
	test_order(version, PLAIN, SHUFFLED, 7, 3000, 8);
	test_order(version, PLAIN, REVERSED, 0, 65535 - 60 - 8, 8);
}

/* Every fragment but the one fed last comes twice, shuffled. */
static void
duplicated(int version, size_t chunk)
{
	struct dg d = make_dg(version, 6000, PLAIN, 77, chunk);
	size_t *idx = identity(d.n), count = 0, i;
	struct reasm *r = new_reasm(0, 0);
	struct outcome o;

	for (i = 0; i + 1 < d.n; i++) {
		idx[count++] = i;
		idx[count++] = i;
	}
	shuffle(idx, count, 3);
	idx[count++] = d.n - 1;
	o = feed(r, &d, idx, count, 0);
	report(completed_once(&o, count) &&
	    reasm_stats(r)->duplicates == d.n - 1 && o.dropped == d.n - 1 &&
	    reasm_stats(r)->overlapping == 0 &&
	    reasm_stats(r)->frags_reassembled == d.n,
	    "%s duplicated fragments (%zu of them): counted, ignored, "
	    "reassembled", family(version), d.n);
	reasm_free(r);
	free(idx);
	free_dg(&d);
}

/* A few fragments, and enough of them to need the index (8-byte ones). */
static void
test_duplicated(int version)
{
	duplicated(version, 1000);
	duplicated(version, 8);
}

/* Feed fragment 0, then bad (a changed copy of a fragment), then the
 * rest: the datagram must be dropped and its later fragments too. */
static int
overlap_drops(struct dg *d, const struct pkt *bad, struct reasm *r)
{
	size_t *idx = identity(d->n);
	struct outcome o, o2;
	const uint8_t *out;
	size_t outlen;
	enum reasm_result res;

	o = feed(r, d, idx, 1, 0);
	res = walk_and_add(r, bad->b, bad->len, 0, &out, &outlen);
	o2 = feed(r, d, idx + 1, d->n - 1, 0);
	free(idx);
	return o.held == 1 && res == REASM_DROPPED && o2.complete == 0 &&
	    o2.dropped == d->n - 1 && reasm_stats(r)->overlapping == 1 &&
	    reasm_stats(r)->frags_overlapping == 2 &&
	    reasm_stats(r)->after_overlap == d->n - 1;
}

/* Same offset and length as fragment 0, one byte changed. */
static void
test_duplicate_vs_overlap(int version)
{
	struct dg d = make_dg(version, 3000, PLAIN, 78, 1000);
	struct pkt bad;
	struct reasm *r = new_reasm(0, 0);

	bad.len = d.frags[0].len;
	bad.b = xmalloc(bad.len);
	memcpy(bad.b, d.frags[0].b, bad.len);
	bad.b[bad.len - 1] ^= 0xff;
	report(overlap_drops(&d, &bad, r),
	    "%s same offset and length, other bytes: an overlap, datagram "
	    "and later fragments dropped", family(version));
	reasm_free(r);
	free(bad.b);
	free_dg(&d);
}

/* A fragment of 16 bytes of the original data, 8 bytes into fragment 0:
 * the same bytes, but an overlap all the same (RFC 5722); once the dead
 * entry has timed out the datagram can come again. */
static void
test_overlap(int version)
{
	struct dg d = make_dg(version, 3000, PLAIN, 79, 1000);
	struct dg part = make_dg(version, 3000, PLAIN, 79, 16);
	struct reasm *r = new_reasm(0, 5 * SEC);
	size_t *idx = identity(d.n);
	struct outcome o;
	int dropped = overlap_drops(&d, &part.frags[1], r);

	o = feed(r, &d, idx, d.n, 6 * SEC);
	report(dropped && completed_once(&o, d.n) &&
	    reasm_stats(r)->timed_out == 0,
	    "%s overlapping fragment: datagram dropped, later fragments "
	    "dropped, fine again after the time-out", family(version));
	reasm_free(r);
	free(idx);
	free_dg(&part);
	free_dg(&d);
}

/* All but one fragment: nothing comes out, flush counts it. */
static void
missing(int version, int missing_last)
{
	struct dg d = make_dg(version, 5000, PLAIN, 80, 1480);
	size_t *idx = identity(d.n);
	struct reasm *r = new_reasm(0, 0);
	size_t base = reasm_bytes_held(r);
	struct outcome o;

	o = feed(r, &d, missing_last ? idx : idx + 1, d.n - 1, 0);
	reasm_flush(r);
	report(o.complete == 0 && o.held == d.n - 1 &&
	    reasm_stats(r)->incomplete_at_end == 1 &&
	    reasm_stats(r)->frags_incomplete == d.n - 1 &&
	    reasm_stats(r)->frags_reassembled == 0 &&
	    reasm_bytes_held(r) == base,
	    "%s missing %s fragment: held, never completed, counted at the end",
	    family(version), missing_last ? "last" : "first");
	reasm_free(r);
	free(idx);
	free_dg(&d);
}

static void
test_missing_last(int version)
{
	missing(version, 1);
}

static void
test_missing_first(int version)
{
	missing(version, 0);
}

/* The time-out runs in capture time from the first fragment: exactly at
 * the time-out the datagram still completes, a nanosecond later not. */
static void
test_timeout(int version)
{
	struct dg d = make_dg(version, 3000, PLAIN, 81, 1480);
	struct reasm *r = new_reasm(0, 10 * SEC);
	const uint8_t *out;
	size_t outlen, i;
	enum reasm_result res;
	int ok = 1;

	for (i = 0; i + 1 < d.n; i++)
		ok &= walk_and_add(r, d.frags[i].b, d.frags[i].len, 100 * SEC,
		    &out, &outlen) == REASM_HELD;
	res = walk_and_add(r, d.frags[i].b, d.frags[i].len, 110 * SEC + 1,
	    &out, &outlen);
	ok &= res == REASM_HELD && reasm_stats(r)->timed_out == 1;
	for (i = 0; i + 1 < d.n; i++) {
		res = walk_and_add(r, d.frags[i].b, d.frags[i].len,
		    120 * SEC + 1, &out, &outlen);
		ok &= res == (i + 2 == d.n ? REASM_COMPLETE : REASM_HELD);
	}
	ok &= outlen == d.len && memcmp(out, d.b, d.len) == 0;
	reasm_expire(r, 1000 * SEC);
	report(ok && reasm_stats(r)->timed_out == 1 &&
	    reasm_stats(r)->frags_timed_out == d.n - 1 &&
	    reasm_stats(r)->reassembled == 1 &&
	    reasm_stats(r)->frags_reassembled == d.n,
	    "%s time-out in capture time: dropped after it, complete at it",
	    family(version));
	reasm_free(r);
	free_dg(&d);
}

/* A small budget: the first fragments of ever more datagrams push out the
 * oldest first: the oldest one left still completes, the one just before
 * it does not. */
static void
test_eviction(int version)
{
	enum { N = 40, BUDGET = 20000 };
	struct dg d[N];
	struct reasm *r = new_reasm(BUDGET, 0);
	struct outcome firsts, kept, lost;
	size_t i, gone;

	memset(&firsts, 0, sizeof(firsts));
	memset(&kept, 0, sizeof(kept));
	memset(&lost, 0, sizeof(lost));
	for (i = 0; i < N; i++) {
		d[i] = make_dg(version, 2000, PLAIN, 100 + (uint32_t)i, 1480);
		feed_one(r, &d[i], &d[i].frags[0], i, 0, BUDGET, &firsts);
	}
	gone = reasm_stats(r)->evicted;
	if (gone > 0 && gone < N) {
		feed_one(r, &d[gone], &d[gone].frags[1], 0, 0, BUDGET, &kept);
		feed_one(r, &d[gone - 1], &d[gone - 1].frags[1], 0, 0, BUDGET,
		    &lost);
	}
	report(gone > 0 && gone < N - 1 && firsts.held == N &&
	    reasm_stats(r)->frags_evicted == reasm_stats(r)->evicted &&
	    kept.complete == 1 && kept.matched && lost.held == 1 &&
	    !firsts.over_budget && !kept.over_budget && !lost.over_budget,
	    "%s budget eviction: %zu oldest of %d went first, the rest "
	    "complete, bytes held <= budget", family(version), gone, N);
	reasm_free(r);
	for (i = 0; i < N; i++)
		free_dg(&d[i]);
}

/* Patch a fragment's offset and more-fragments flag (IPv6: a PLAIN one,
 * its fragment header right after the fixed header). */
static void
set_fragment_field(int version, struct pkt *p, size_t off, int more)
{
	if (version == 4) {
		jp_put_be16(p->b + 6, off / 8 | (more ? IPV4_MF : 0));
		jp_put_ipv4_checksum(p->b, (p->b[0] & 0x0fu) * 4);
	} else {
		jp_put_be16(p->b + 40 + 2, off | (more ? IPV6_M : 0));
	}
}

/* Cut a fragment's data short by cut bytes, length fields included. */
static void
shorten(int version, struct pkt *p, size_t cut)
{
	p->len -= cut;
	jp_put_be16(p->b + (version == 4 ? 2 : 4),
	    version == 4 ? p->len : p->len - 40);
	if (version == 4)
		jp_put_ipv4_checksum(p->b, (p->b[0] & 0x0fu) * 4);
}

static enum reasm_result
add_pkt(struct reasm *r, const struct pkt *p)
{
	const uint8_t *out;
	size_t outlen;

	return walk_and_add(r, p->b, p->len, 0, &out, &outlen);
}

/* 200 of a datagram's 375 fragments of 8 bytes, shuffled, then one of 16
 * bytes across two of them: an overlap found through the index; the
 * datagram and the other 175 are dropped. */
static void
test_overlap_indexed(int version)
{
	struct dg d = make_dg(version, 3000, PLAIN, 82, 8);
	struct dg wide = make_dg(version, 3000, PLAIN, 82, 16);
	size_t *idx = arrange(SHUFFLED, d.n, 12), i, across;
	struct reasm *r = new_reasm(0, 0);
	const struct reasm_stats *s = reasm_stats(r);
	struct outcome o, rest;
	enum reasm_result res;

	o = feed(r, &d, idx, 200, 0);
	for (i = 0; i < 200 && idx[i] % 2 != 0; i++)
		;
	across = idx[i] / 2;	/* a 16-byte fragment over a held one */
	res = add_pkt(r, &wide.frags[across]);
	rest = feed(r, &d, idx + 200, d.n - 200, 0);
	report(o.held == 200 && res == REASM_DROPPED && rest.dropped ==
	    d.n - 200 && s->overlapping == 1 && s->frags_overlapping == 201 &&
	    s->after_overlap == d.n - 200 && s->reassembled == 0,
	    "%s overlap among %zu fragments (indexed): datagram and later "
	    "fragments dropped", family(version), d.n);
	reasm_free(r);
	free(idx);
	free_dg(&wide);
	free_dg(&d);
}

/* A datagram larger than the whole budget is dropped (counted as
 * evicted), never completed; a small one still completes after it. */
static void
test_too_big(int version)
{
	enum { BUDGET = 20000 };
	struct dg big = make_dg(version, 30000, PLAIN, 96, 1480);
	struct dg small = make_dg(version, 3000, PLAIN, 97, 1480);
	size_t *idx = identity(big.n), i;
	struct reasm *r = new_reasm(BUDGET, 0);
	struct outcome o, after;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < big.n; i++)
		feed_one(r, &big, &big.frags[i], i, 0, BUDGET, &o);
	after = feed(r, &small, idx, small.n, 0);
	report(o.complete == 0 && o.dropped > 0 && !o.over_budget &&
	    reasm_stats(r)->evicted > 0 && completed_once(&after, small.n),
	    "%s datagram larger than the budget: dropped, counted evicted",
	    family(version));
	reasm_free(r);
	free(idx);
	free_dg(&small);
	free_dg(&big);
}

/* The largest datagram reassembles; a fragment reaching beyond 65535
 * bytes (IPv4 total length, IPv6 payload length) is invalid. */
static void
test_beyond_65535(int version)
{
	size_t payload = version == 4 ? 65535 - 20 : 65535;
	struct dg d = make_dg(version, payload, PLAIN, 90, 1480);
	size_t *idx = identity(d.n);
	struct reasm *r = new_reasm(0, 0);
	struct outcome o;
	enum reasm_result res;

	shuffle(idx, d.n, 11);
	o = feed(r, &d, idx, d.n, 0);
	set_fragment_field(version, &d.frags[1], 65528, 1);
	res = add_pkt(r, &d.frags[1]);
	report(completed_once(&o, d.n) && res == REASM_DROPPED &&
	    reasm_stats(r)->invalid == 1 && reasm_stats(r)->fragments == d.n,
	    "%s 65535 bytes reassemble, a fragment beyond is invalid",
	    family(version));
	reasm_free(r);
	free(idx);
	free_dg(&d);
}

/* A non-last fragment whose length is not a multiple of 8 is invalid;
 * the datagram is not harmed. */
static void
test_not_multiple_of_8(int version)
{
	struct dg d = make_dg(version, 3000, PLAIN, 91, 1480);
	struct pkt odd;
	size_t *idx = identity(d.n);
	struct reasm *r = new_reasm(0, 0);
	struct outcome o;
	enum reasm_result res;

	odd.len = d.frags[0].len;
	odd.b = xmalloc(odd.len);
	memcpy(odd.b, d.frags[0].b, odd.len);
	shorten(version, &odd, 3);
	res = add_pkt(r, &odd);
	o = feed(r, &d, idx, d.n, 0);
	report(res == REASM_DROPPED && reasm_stats(r)->invalid == 1 &&
	    completed_once(&o, d.n),
	    "%s non-last fragment 3 bytes short of a multiple of 8 is "
	    "invalid", family(version));
	reasm_free(r);
	free(odd.b);
	free(idx);
	free_dg(&d);
}

/* Fragments must agree on the end: a second "last" fragment ending
 * elsewhere, and a fragment beyond the end, are invalid, and the
 * datagram still completes from the right ones. */
static void
test_inconsistent_last(int version)
{
	struct dg d = make_dg(version, 4000, PLAIN, 92, 1480);
	struct dg early = make_dg(version, 4000, PLAIN, 92, 1480);
	size_t *idx = identity(d.n);
	struct reasm *r = new_reasm(0, 0);
	struct outcome o;
	enum reasm_result a, b, c;

	a = add_pkt(r, &d.frags[d.n - 1]);
	set_fragment_field(version, &early.frags[1], 1480, 0);
	b = add_pkt(r, &early.frags[1]);	/* a last one ending at 2960 */
	set_fragment_field(version, &early.frags[0], 4000 + 8 * 20, 1);
	c = add_pkt(r, &early.frags[0]);	/* beyond the end */
	o = feed(r, &d, idx, d.n - 1, 0);
	report(a == REASM_HELD && b == REASM_DROPPED && c == REASM_DROPPED &&
	    reasm_stats(r)->invalid == 2 && completed_once(&o, d.n - 1),
	    "%s fragments disagreeing about the end are invalid",
	    family(version));
	reasm_free(r);
	free(idx);
	free_dg(&early);
	free_dg(&d);
}

/* A packet that is no fragment is left alone and not counted. */
static void
test_not_fragment(int version)
{
	struct dg d = make_dg(version, 1000, version == 4 ? OPTIONS : HOPOPTS,
	    93, 1480);
	struct reasm *r = new_reasm(0, 0);
	struct pkt whole;
	const struct reasm_stats *s = reasm_stats(r);

	whole.b = d.b;
	whole.len = d.len;
	report(add_pkt(r, &whole) == REASM_NOT_FRAGMENT &&
	    s->fragments + s->invalid + s->reassembled == 0,
	    "%s non-fragment passes through", family(version));
	reasm_free(r);
	free_dg(&d);
}

/* Broken headers of a fragment: counted invalid, dropped. */
static void
test_bad_header(int version)
{
	struct dg d = make_dg(version, 3000, PLAIN, 94, 1480);
	struct reasm *r = new_reasm(0, 0);
	struct pkt *p = &d.frags[0];
	enum reasm_result a, b;

	if (version == 4) {
		p->b[0] = 0x44;			/* header shorter than 20 */
		a = add_pkt(r, p);
		p->b[0] = 0x45;
		jp_put_be16(p->b + 2, p->len + 1);	/* longer than captured */
		b = add_pkt(r, p);
	} else {
		jp_put_be16(p->b + 4, 4);		/* ends inside the fragment header */
		a = add_pkt(r, p);
		jp_put_be16(p->b + 4, p->len - 40 + 1);
		b = add_pkt(r, p);
	}
	report(a == REASM_DROPPED && b == REASM_DROPPED &&
	    reasm_stats(r)->invalid == 2 && reasm_stats(r)->fragments == 0,
	    "%s fragment with a broken header is invalid", family(version));
	reasm_free(r);
	free_dg(&d);
}

/* IPv4 options (in the first fragment only) and IPv6 extension headers
 * before the fragment header come back as the first fragment had them. */
static void
test_headers(int version)
{
	if (version == 4) {
		test_order(4, OPTIONS, SHUFFLED, 21, 5000, 1480);
		test_order(4, OPTIONS, REVERSED, 0, 5000, 1480);
	} else {
		test_order(6, HOPOPTS, SHUFFLED, 22, 5000, 1480);
		test_order(6, HOPOPTS_ROUTING, SHUFFLED, 23, 5000, 1480);
		test_order(6, HOPOPTS_ROUTING, REVERSED, 0, 5000, 1480);
	}
}

/* IPv6 atomic fragment (RFC 6946): complete on its own; IPv4 has none. */
static void
test_atomic(int version)
{
	struct dg d;
	struct reasm *r;
	const uint8_t *out = NULL;
	size_t outlen = 0;
	enum reasm_result res;

	if (version == 4)
		return;
	d = make_dg(version, 1000, HOPOPTS, 95, 1480);
	r = new_reasm(0, 0);
	res = walk_and_add(r, d.frags[0].b, d.frags[0].len, 0, &out, &outlen);
	report(res == REASM_COMPLETE && outlen == d.len &&
	    memcmp(out, d.b, d.len) == 0,
	    "IPv6 atomic fragment comes out whole at once");
	reasm_free(r);
	free_dg(&d);
}

/* The IPv4 header checksum everything uses, on a header whose checksum
 * is known (0xb861). */
static void
test_checksum(int version)
{
	uint8_t h[20] = { 0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0,
	    192, 168, 0, 1, 192, 168, 0, 199 };

	if (version == 6)
		return;
	jp_put_ipv4_checksum(h, sizeof(h));
	report(jp_get_be16(h + 10) == 0xb861 && jp_ipv4_sum(h, sizeof(h)) ==
	    0xffff, "IPv4 header checksum of a known header: 0xb861");
}

/* d's fragment p with an 8-byte extension header of type nh before its
 * fragment header (a PLAIN one, right after the fixed header). */
static struct pkt
behind(const struct pkt *p, uint8_t nh)
{
	struct pkt q;

	q.len = p->len + 8;
	q.b = xmalloc(q.len);
	memcpy(q.b, p->b, 40);
	memset(q.b + 40, 0, 8);
	memcpy(q.b + 48, p->b + 40, p->len - 40);
	q.b[6] = nh;
	q.b[40] = NH_FRAGMENT;
	jp_put_be16(q.b + 4, q.len - 40);
	return q;
}

/* Fragments behind each extension header of IANA's list reassemble, with
 * that header in the result; behind ESP the walk ends: no fragment. */
static void
test_extensions(int version)
{
	static const uint8_t types[] = { 60, 135, 139, 140, 253, 254 };
	struct dg d;
	struct reasm *r;
	struct pkt q;
	const uint8_t *out = NULL;
	size_t outlen = 0, i, t;
	int ok = 1, res = REASM_HELD;

	if (version == 4)
		return;
	d = make_dg(6, 3000, PLAIN, 98, 1480);
	r = new_reasm(0, 0);
	for (t = 0; t < sizeof(types); t++) {
		for (i = 0; i < d.n; i++) {
			q = behind(&d.frags[i], types[t]);
			res = walk_and_add(r, q.b, q.len, 0, &out, &outlen);
			free(q.b);
		}
		ok &= res == REASM_COMPLETE && outlen == d.len + 8 &&
		    out[6] == types[t] && out[40] == NH_UDP &&
		    memcmp(out + 48, d.b + 40, d.len - 40) == 0;
	}
	q = behind(&d.frags[0], 50);
	ok &= walk_and_add(r, q.b, q.len, 0, &out, &outlen) ==
	    REASM_NOT_FRAGMENT;
	free(q.b);
	report(ok && reasm_stats(r)->reassembled == sizeof(types),
	    "IPv6 fragments behind destination options, mobility, HIP, "
	    "shim6, 253, 254 reassemble; behind ESP they are no fragments");
	reasm_free(r);
	free_dg(&d);
}

/* Give the template fragment key number i (distinct for i < 2^32). */
static void
set_key(int version, struct pkt *p, uint32_t i)
{
	if (version == 4) {
		jp_put_be16(p->b + 4, i & 0xffff);
		jp_put_be32(p->b + 12, 0x0a000000 | i >> 16);
	} else {
		jp_put_be32(p->b + 40 + 4, i);
	}
}

/* FLOOD_COUNT first fragments of distinct datagrams, chunk bytes each:
 * every one is held, the budget holds at every step, the oldest go, and a
 * datagram still reassembles after. */
static void
flood(int version, size_t chunk)
{
	struct dg tmpl = make_dg(version, 2 * chunk, PLAIN, 0, chunk);
	struct dg after = make_dg(version, 9000, PLAIN, 0x7fffffff, 1480);
	size_t *idx = identity(after.n), peak = 0;
	struct reasm *r = new_reasm(0, 0);
	const struct reasm_stats *s = reasm_stats(r);
	struct outcome o;
	unsigned long i, not_held = 0;

	for (i = 0; i < FLOOD_COUNT; i++) {
		set_key(version, &tmpl.frags[0], (uint32_t)i);
		if (add_pkt(r, &tmpl.frags[0]) != REASM_HELD)
			not_held++;
		if (reasm_bytes_held(r) > peak)
			peak = reasm_bytes_held(r);
	}
	shuffle(idx, after.n, 5);
	o = feed(r, &after, idx, after.n, 0);
	reasm_flush(r);
	report(not_held == 0 && peak <= REASM_DEFAULT_MAX_BYTES &&
	    completed_once(&o, after.n) && s->evicted > FLOOD_COUNT / 2 &&
	    s->evicted + s->incomplete_at_end == FLOOD_COUNT,
	    "%s flood of %lu incomplete datagrams (%zu bytes each): peak "
	    "bytes held %zu <= %u, %lu evicted oldest first, still works",
	    family(version), FLOOD_COUNT, chunk, peak,
	    REASM_DEFAULT_MAX_BYTES, s->evicted);
	free(idx);
	free_dg(&after);
	free_dg(&tmpl);
	reasm_free(r);
}

static void
test_flood(int version)
{
	flood(version, 8);
	flood(version, 1480);
}

/* ---- the cost of placing a fragment, in steps ---- */

static unsigned
ceil_log2(size_t n)
{
	unsigned b = 0;

	while (((size_t)1 << b) < n)
		b++;
	return b;
}

/* Placing each of n fragments took at most 8 log2 n steps, and 2 log2 n
 * on average: O(log n), whatever the order.  A walk along a list of the
 * fragments takes n / 2 on average in the hostile orders. */
static void
report_steps(int version, const char *order, const struct outcome *o,
    size_t n, int complete)
{
	unsigned lg = ceil_log2(n);

	report(complete && o->max_steps <= 8 * lg && o->steps <= 2 * lg * n,
	    "%s %s, %zu fragments: placing one took at most %lu steps "
	    "(bound %u), %.1f on average (bound %u)", family(version),
	    order, n, o->max_steps, 8 * lg, (double)o->steps / (double)n,
	    2 * lg);
}

/* The largest datagram in 8-byte fragments, in a hostile order. */
static void
steps_order(int version, enum order ord)
{
	size_t payload = version == 4 ? 65535 - 20 : 65535 - 8;
	struct dg d = make_dg(version, payload, PLAIN, 0x55, 8);
	size_t *idx = arrange(ord, d.n, 9);
	struct reasm *r = new_reasm(0, 0);
	struct outcome o = feed(r, &d, idx, d.n, 0);

	report_steps(version, order_name(ord), &o, d.n,
	    completed_once(&o, d.n));
	reasm_free(r);
	free(idx);
	free_dg(&d);
}

/* Two such datagrams, each shuffled, their fragments taking turns. */
static void
steps_interleaved(int version)
{
	size_t payload = version == 4 ? 65535 - 20 : 65535 - 8;
	struct dg a = make_dg(version, payload, PLAIN, 0x56, 8);
	struct dg b = make_dg(version, payload, PLAIN, 0x57, 8);
	size_t *ia = arrange(SHUFFLED, a.n, 10), *ib = arrange(SHUFFLED, b.n, 11);
	struct reasm *r = new_reasm(0, 0);
	struct outcome oa, ob;
	size_t i;

	memset(&oa, 0, sizeof(oa));
	memset(&ob, 0, sizeof(ob));
	for (i = 0; i < a.n; i++) {
		feed_one(r, &a, &a.frags[ia[i]], i, 0, REASM_DEFAULT_MAX_BYTES,
		    &oa);
		feed_one(r, &b, &b.frags[ib[i]], i, 0, REASM_DEFAULT_MAX_BYTES,
		    &ob);
	}
	oa.steps += ob.steps;
	if (ob.max_steps > oa.max_steps)
		oa.max_steps = ob.max_steps;
	report_steps(version, "two datagrams shuffled and interleaved", &oa,
	    2 * a.n, completed_once(&oa, a.n) && completed_once(&ob, b.n));
	reasm_free(r);
	free(ia);
	free(ib);
	free_dg(&b);
	free_dg(&a);
}

static void
test_placement(int version)
{
	steps_order(version, REVERSED);
	steps_order(version, LAST_FIRST);
	steps_order(version, SHUFFLED);
	steps_interleaved(version);
}

struct test {
	const char *name;
	void (*run)(int version);
};

static const struct test tests[] = {
	{ "orders", test_orders },
	{ "duplicated", test_duplicated },
	{ "duplicate-vs-overlap", test_duplicate_vs_overlap },
	{ "overlap", test_overlap },
	{ "overlap-indexed", test_overlap_indexed },
	{ "missing-last", test_missing_last },
	{ "missing-first", test_missing_first },
	{ "timeout", test_timeout },
	{ "eviction", test_eviction },
	{ "too-big", test_too_big },
	{ "beyond-65535", test_beyond_65535 },
	{ "not-multiple-of-8", test_not_multiple_of_8 },
	{ "inconsistent-last", test_inconsistent_last },
	{ "not-fragment", test_not_fragment },
	{ "bad-header", test_bad_header },
	{ "headers", test_headers },
	{ "atomic", test_atomic },
	{ "checksum", test_checksum },
	{ "extensions", test_extensions },
	{ "flood", test_flood },
	{ "placement", test_placement },
};

int
main(int argc, char **argv)
{
	size_t i;
	int version;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [WORD]\n", argv[0]);
		return 2;
	}
	only = argc == 2 ? argv[1] : NULL;
	for (version = 4; version <= 6; version += 2)
		for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			if (selected(tests[i].name))
				tests[i].run(version);
	printf("1..%d\n", tests_run);
	if (tests_run == 0)
		fprintf(stderr, "%s: no test matches\n", argv[0]);
	return tests_failed != 0 || tests_run == 0;
}
