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
 * bench-reasm: what one fragment costs lib/jmirror-reasm.c, by the order
 * the fragments arrive in.  DATAGRAMS IPv4 datagrams of FRAGS fragments
 * of 8 bytes each (the most fragments a datagram can have) are fed to
 * reasm_add() in each order; every datagram must come back whole, byte for
 * byte.  The CPU time of the feeding, the least of RUNS runs, is divided
 * by the number of fragments.  Prints one line an order:
 *
 *     ORDER NS-PER-FRAGMENT
 *
 * and exits 1 if a datagram did not come back.  bench/run-bench.sh makes
 * table rows of them.
 *
 * Usage: bench-reasm [DATAGRAMS [FRAGS [RUNS]]]  (default 30 8180 5)
 */

#define _POSIX_C_SOURCE 200809L	/* clock_gettime() */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jmirror-be.h"
#include "jmirror-reasm.h"

#define IPV4_HDR_LEN	20
#define IPV4_MF		0x2000
#define FRAG_DATA	8
#define FRAGS_MAX	((65535 - IPV4_HDR_LEN) / FRAG_DATA)
#define FRAG_LEN	(IPV4_HDR_LEN + FRAG_DATA)
/* room for every datagram of the interleaved order at once */
#define BUDGET		(64ul * 1024 * 1024)

enum order { IN_ORDER, REVERSED, LAST_FIRST, RANDOM, INTERLEAVED, ORDERS };

static const char *const order_names[ORDERS] = {
	"in-order", "reversed", "last-first-then-ascending", "random",
	"interleaved"
};

struct bench {
	size_t datagrams;
	size_t frags;
	uint8_t *whole;		/* the datagrams, one after the other */
	uint8_t *packets;	/* their fragments, FRAG_LEN bytes each */
	uint8_t *feed;		/* copies of them in the order measured, one
				   after the other as a capture has them */
};

static void
out_of_memory(void)
{
	fprintf(stderr, "bench-reasm: out of memory\n");
	exit(2);
}

/* A random number from 0 to n - 1 (rand() seeded with a constant: the
 * same orders every run). */
static size_t
random_below(size_t n)
{
	return (size_t)(((double)rand() / ((double)RAND_MAX + 1)) * (double)n);
}

static size_t
whole_len(const struct bench *b)
{
	return IPV4_HDR_LEN + b->frags * FRAG_DATA;
}

/* Datagram d, whole, with a random payload (the reassembler checks no
 * checksum, and came_back() leaves the header out). */
static void
build_whole(struct bench *b, size_t d)
{
	uint8_t *ip = b->whole + d * whole_len(b);
	size_t i;

	memset(ip, 0, IPV4_HDR_LEN);
	ip[0] = 0x45;
	jp_put_be16(ip + 2, (unsigned)whole_len(b));
	jp_put_be16(ip + 4, (unsigned)d);
	ip[8] = 64;
	ip[9] = 17;
	jp_put_be32(ip + 12, 0xc0000201);
	jp_put_be32(ip + 16, 0xc0000264);
	for (i = IPV4_HDR_LEN; i < whole_len(b); i++)
		ip[i] = (uint8_t)rand();
}

/* Fragment k of datagram d. */
static uint8_t *
fragment(const struct bench *b, size_t d, size_t k)
{
	return b->packets + (d * b->frags + k) * FRAG_LEN;
}

static void
build_fragments(struct bench *b, size_t d)
{
	const uint8_t *ip = b->whole + d * whole_len(b);
	size_t k;
	uint8_t *f;

	for (k = 0; k < b->frags; k++) {
		f = fragment(b, d, k);
		memcpy(f, ip, IPV4_HDR_LEN);
		jp_put_be16(f + 2, FRAG_LEN);
		jp_put_be16(f + 6, (unsigned)k |
		    (k + 1 < b->frags ? IPV4_MF : 0));
		memcpy(f + IPV4_HDR_LEN, ip + IPV4_HDR_LEN + k * FRAG_DATA,
		    FRAG_DATA);
	}
}

/* Fragment i (of frags) of one datagram, in order o. */
static size_t
nth(enum order o, size_t i, size_t frags)
{
	switch (o) {
	case REVERSED:
		return frags - 1 - i;
	case LAST_FIRST:
		return i == 0 ? frags - 1 : i - 1;
	default:
		return i;
	}
}

static void
shuffle(size_t *idx, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = random_below(i);
		t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

/* b->feed: the fragments of every datagram in order o.  All but
 * INTERLEAVED send one datagram after the other; INTERLEAVED sends
 * fragment 0 of each, then fragment 1 of each, and so on. */
static void
arrange(struct bench *b, enum order o)
{
	size_t *idx = malloc(b->frags * sizeof(*idx));
	uint8_t *at = b->feed;
	size_t d, i;

	if (idx == NULL)
		out_of_memory();

	if (o == INTERLEAVED) {
		for (i = 0; i < b->frags; i++)
			for (d = 0; d < b->datagrams; d++, at += FRAG_LEN)
				memcpy(at, fragment(b, d, i), FRAG_LEN);
		free(idx);
		return;
	}
	for (d = 0; d < b->datagrams; d++) {
		for (i = 0; i < b->frags; i++)
			idx[i] = nth(o, i, b->frags);
		if (o == RANDOM)
			shuffle(idx, b->frags);
		for (i = 0; i < b->frags; i++, at += FRAG_LEN)
			memcpy(at, fragment(b, d, idx[i]), FRAG_LEN);
	}
	free(idx);
}

/* Is out the payload of the datagram its identification names?  (The
 * header's checksum is the reassembler's: the payload is what counts.) */
static int
came_back(const struct bench *b, const uint8_t *out, size_t outlen)
{
	size_t d = jp_get_be16(out + 4);

	return outlen == whole_len(b) && d < b->datagrams &&
	    memcmp(out + IPV4_HDR_LEN, b->whole + d * outlen + IPV4_HDR_LEN,
	    outlen - IPV4_HDR_LEN) == 0;
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Feed b->feed once; the CPU seconds it took, or -1 if a datagram did
 * not come back whole. */
static double
run(const struct bench *b)
{
	struct reasm_limits lim = { BUDGET, 0 };
	struct reasm *r = reasm_new(&lim);
	size_t i, n = b->datagrams * b->frags, good = 0;
	struct jp_ip walk;
	const uint8_t *out;
	size_t outlen;
	double start;

	if (r == NULL) {
		fprintf(stderr, "bench-reasm: reasm_new failed\n");
		exit(2);
	}
	start = cpu_seconds();
	for (i = 0; i < n; i++) {
		const uint8_t *frag = b->feed + i * FRAG_LEN;

		/* decap walks every packet's header before the reassembler */
		(void)jp_ip_walk(frag, FRAG_LEN, &walk);
		if (reasm_add(r, frag, FRAG_LEN, &walk, 0, &out, &outlen) ==
		    REASM_COMPLETE && came_back(b, out, outlen))
			good++;
	}
	start = cpu_seconds() - start;
	reasm_free(r);
	return good == b->datagrams ? start : -1;
}

static size_t
count_arg(int argc, char **argv, int i, size_t dflt, size_t max)
{
	char *end;
	unsigned long v;

	if (argc <= i)
		return dflt;
	v = strtoul(argv[i], &end, 10);
	if (*argv[i] == '\0' || *end != '\0' || v == 0 || v > max) {
		fprintf(stderr, "bench-reasm: not a count from 1 to %zu: '%s'\n",
		    max, argv[i]);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct bench b;
	size_t d, runs, i;
	double best, t;
	int o, failed = 0;

	if (argc > 4) {
		fprintf(stderr, "usage: bench-reasm [DATAGRAMS [FRAGS [RUNS]]]\n");
		return 2;
	}
	b.datagrams = count_arg(argc, argv, 1, 30, 65535);
	b.frags = count_arg(argc, argv, 2, 8180, FRAGS_MAX);
	runs = count_arg(argc, argv, 3, 5, 1000);
	if (b.frags < 2) {
		fprintf(stderr, "bench-reasm: a datagram needs 2 fragments\n");
		return 2;
	}
	b.whole = malloc(b.datagrams * whole_len(&b));
	b.packets = malloc(b.datagrams * b.frags * FRAG_LEN);
	b.feed = malloc(b.datagrams * b.frags * FRAG_LEN);
	if (b.whole == NULL || b.packets == NULL || b.feed == NULL)
		out_of_memory();
	srand(1);
	for (d = 0; d < b.datagrams; d++) {
		build_whole(&b, d);
		build_fragments(&b, d);
	}
	for (o = 0; o < ORDERS; o++) {
		arrange(&b, (enum order)o);
		best = -1;
		for (i = 0; i < runs; i++) {
			if ((t = run(&b)) < 0) {
				fprintf(stderr, "bench-reasm: %s: a datagram "
				    "did not come back whole\n", order_names[o]);
				failed = 1;
				break;
			}
			if (best < 0 || t < best)
				best = t;
		}
		printf("%s %.1f\n", order_names[o],
		    best * 1e9 / (double)(b.datagrams * b.frags));
		fflush(stdout);
	}
	free(b.feed);
	free(b.packets);
	free(b.whole);
	return failed;
}
