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
 * jmirror-reasm.c: reassembly of outer IPv4 and IPv6 fragments for
 * jmirror-decap, bounded in memory and in (capture) time.
 *
 * A jmirror datagram that carries a full-size subscriber packet does not
 * fit a 1500-byte path, so the router's mirror datagrams arrive as IP
 * fragments; decap must put them together again, as the receiving host
 * would (RFC 791 for IPv4, RFC 8200 section 4.5 for IPv6), but against
 * input that may be hostile or broken.
 *
 * The design:
 *
 * - A datagram being reassembled is found by its key: IPv4 source,
 *   destination, protocol and identification (RFC 791); IPv6 source,
 *   destination and the fragment header's identification (RFC 8200).  The
 *   key is a byte string that starts with the IP version, so the two
 *   families never mix.  Keys live in a hash table with chaining, its
 *   bucket count fixed at creation from the byte budget (so it never
 *   grows) and its hash seeded per table.
 *
 * - Every datagram is also on one doubly linked list in arrival order of
 *   its first fragment.  The head is the oldest: time-out (in capture
 *   time, from the first fragment) and eviction for the budget both take
 *   from the head, in O(1).
 *
 * - A datagram's fragments are kept in a list sorted by offset.  Because
 *   overlaps are refused (below), the bytes held never count twice, and
 *   the datagram is complete when its first and last fragments are in and
 *   the bytes held equal the payload length given by the last fragment.
 *   This replaces RFC 815's hole list with one counter.  A fragment that
 *   continues the list (the usual, in-order case) is appended in O(1), one
 *   that goes first (reversed order) is prepended in O(1).
 *
 * - Anywhere else, finding a fragment's place must not walk the list: the
 *   sender chooses the order, and a datagram may have 8,192 fragments.
 *   Up to INDEX_AFTER fragments (more than a datagram of 65535 bytes cut
 *   for a 1280-byte path has) the walk is short.  Past that the datagram
 *   gets an index: the payload's offsets cut into regions of 64 bytes,
 *   each with the last fragment starting in it, and a bitmap of the
 *   regions that have one.  A fragment's predecessor is then the last one
 *   of its region, or found from the last one of the nearest region
 *   before it, walking at most the 8 fragments a region can hold: O(1)
 *   in any order.  The index (8 KiB) counts against the budget like the
 *   fragments.
 *
 * - Overlaps: RFC 5722 says a datagram with overlapping fragments is
 *   dropped whole, and later fragments of it too; the same rule is used
 *   for IPv4.  An exact duplicate (same offset, same length, same bytes,
 *   same last-fragment flag) is not an overlap: it is counted and ignored.
 *   A dropped datagram stays in the table as a small "dead" entry until
 *   it times out or is evicted, so that its late fragments are dropped
 *   rather than start a new datagram.
 *
 * - Checks on every fragment: a non-last fragment carries a multiple of
 *   8 bytes (RFC 8200; RFC 791's offsets are in 8-byte units too), no
 *   fragment is empty, the reassembled datagram stays within 65535 bytes
 *   (IPv4 total length; IPv6 payload length), and every fragment agrees
 *   with the last one about where the datagram ends.  A fragment that
 *   fails is dropped and counted as invalid; its datagram is kept.
 *
 * - The header of the result comes from the offset-0 fragment: for IPv4
 *   its whole header, options included (RFC 791 copies only some options
 *   into later fragments); for IPv6 its unfragmentable part, the fixed
 *   header and the extension headers before the fragment header (RFC 8200
 *   section 4.5), with the next-header byte that named the fragment header
 *   set to the fragment header's next header.  Lengths are set and the
 *   IPv4 header checksum is recomputed.  An IPv6 "atomic" fragment
 *   (offset 0, M clear) is complete on its own (RFC 6946).
 *
 * - Memory: every allocation is counted against the budget at what malloc
 *   takes for it (a word of bookkeeping, rounded up to 16 bytes), the
 *   table itself and the last output included.  Before a fragment is
 *   stored, the oldest datagrams are dropped until it fits; one that does
 *   not fit even alone is dropped.  So a flood of incomplete datagrams
 *   only ever replaces the oldest ones.
 *
 * No global state, no output: the caller reads the counters.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jmirror-be.h"
#include "jmirror-ip.h"
#include "jmirror-reasm.h"

#define IP_MAXPACKET		65535
#define FRAG_UNIT		8
/* a datagram with more fragments than this gets an index */
#define INDEX_AFTER		64
/* regions of the index: 64 bytes of payload, 8 fragments at most */
#define REGION_SHIFT		6
#define REGIONS			((IP_MAXPACKET + 1) >> REGION_SHIFT)
#define WORD_BITS		64

/* REASM_STEPS_MAX holds: one step, then a walk along the list of a
 * datagram without an index, or the index's words and a region's
 * fragments */
typedef char steps_max_holds[1 + INDEX_AFTER <= REASM_STEPS_MAX &&
    1 + REGIONS / WORD_BITS + (1 << REGION_SHIFT) / FRAG_UNIT <=
    REASM_STEPS_MAX ? 1 : -1];

/* key: version, IPv4 protocol, identification (4), source, destination */
#define KEY_LEN			(1 + 1 + 4 + 16 + 16)
#define MIN_BUCKETS		16
#define MAX_BUCKETS		(1ul << 24)

/* What one packet says about its datagram. */
struct piece {
	uint8_t key[KEY_LEN];
	int version;
	const uint8_t *hdr;	/* IPv4 header / IPv6 unfragmentable part */
	size_t hdrlen;
	size_t nh_at;		/* IPv6: the next-header byte naming the
				   fragment header */
	uint8_t nh;		/* IPv6: the fragment header's next header */
	uint32_t off;		/* payload offset, in bytes */
	const uint8_t *data;
	uint32_t len;
	int more;		/* IPv4 MF, IPv6 M */
};

struct frag {
	struct frag *next;	/* by offset */
	uint32_t off;
	uint32_t len;
	uint8_t data[];
};

/* Where the fragments of a large datagram start (see the top comment). */
struct frag_index {
	uint64_t used[REGIONS / WORD_BITS];	/* regions with a fragment */
	struct frag *last[REGIONS];	/* the last fragment starting there */
};

struct dgram {
	struct dgram *hnext;	/* hash chain */
	struct dgram *older;	/* arrival list */
	struct dgram *newer;
	uint8_t key[KEY_LEN];
	uint16_t nfrags;	/* at most 65536 / 8 */
	int dead;		/* dropped for an overlap; kept to drop its
				   later fragments */
	int have_last;
	uint64_t first_ns;
	struct frag *frags;
	struct frag *tail;
	struct frag_index *index;	/* NULL up to INDEX_AFTER fragments */
	uint8_t *hdr;		/* from the offset-0 fragment */
	size_t hdrlen;
	size_t nh_at;
	uint8_t nh;
	uint32_t end;		/* payload length, once the last is in */
	uint32_t max_end;	/* the furthest any fragment reaches */
	uint32_t received;	/* payload bytes held */
	size_t cost;		/* counted against the budget */
};

struct reasm {
	struct reasm_limits lim;
	struct reasm_stats stats;
	struct dgram **buckets;
	size_t nbuckets;	/* a power of two */
	uint64_t seed;
	struct dgram *oldest;
	struct dgram *newest;
	size_t held;		/* everything counted against the budget */
	uint8_t *out;		/* the last completed datagram */
	size_t out_cost;
	unsigned long steps;	/* fragments and index words looked at to
				   place fragments */
};

enum parse_result { PARSE_NOT_FRAGMENT, PARSE_BAD, PARSE_FRAGMENT };
enum fit { FIT_NEW, FIT_DUPLICATE, FIT_OVERLAP, FIT_INCONSISTENT };

/* What malloc takes for n bytes: a word of bookkeeping, 16-byte rounding. */
static size_t
alloc_cost(size_t n)
{
	size_t c = (n + sizeof(size_t) + 15) & ~(size_t)15;

	return c < 32 ? 32 : c;
}

/* ---- parsing one packet ---- */

static void
make_key(uint8_t *key, int version, uint8_t proto, uint32_t id,
    const uint8_t *src, const uint8_t *dst, size_t addrlen)
{
	memset(key, 0, KEY_LEN);
	key[0] = (uint8_t)version;
	key[1] = proto;
	key[2] = (uint8_t)(id >> 24);
	key[3] = (uint8_t)(id >> 16);
	key[4] = (uint8_t)(id >> 8);
	key[5] = (uint8_t)id;
	memcpy(key + 6, src, addrlen);
	memcpy(key + 6 + 16, dst, addrlen);
}

/* An IPv4 fragment, as the walk found it, checked against len. */
static enum parse_result
parse_ipv4(const uint8_t *ip, size_t len, const struct jp_ip *w,
    struct piece *p)
{
	if (!w->fragment)
		return PARSE_NOT_FRAGMENT;
	if (w->hdr_len < JP_IPV4_HDR_LEN || w->hdr_len > w->length ||
	    w->length > len)
		return PARSE_BAD;
	make_key(p->key, 4, (uint8_t)w->proto, w->frag_id, ip + 12, ip + 16,
	    4);
	p->version = 4;
	p->hdr = ip;
	p->hdrlen = w->hdr_len;
	p->off = w->frag_offset;
	p->more = w->frag_more;
	p->data = ip + w->hdr_len;
	p->len = w->length - w->hdr_len;
	return PARSE_FRAGMENT;
}

/* An IPv6 packet with a fragment header (an atomic one too), as the walk
 * found it, checked against len: the unfragmentable part is everything
 * before the fragment header. */
static enum parse_result
parse_ipv6(const uint8_t *ip, size_t len, const struct jp_ip *w,
    struct piece *p)
{
	if (w->frag_at == 0)
		return PARSE_NOT_FRAGMENT;
	if (w->frag_at + JP_IPV6_FRAG_HDR_LEN > w->length || w->length > len)
		return PARSE_BAD;
	make_key(p->key, 6, 0, w->frag_id, ip + 8, ip + 24, 16);
	p->version = 6;
	p->hdr = ip;
	p->hdrlen = w->frag_at;
	p->nh_at = w->frag_nh_at;
	p->nh = ip[w->frag_at];
	p->off = w->frag_offset;
	p->more = w->frag_more;
	p->data = ip + w->frag_at + JP_IPV6_FRAG_HDR_LEN;
	p->len = w->length - w->frag_at - JP_IPV6_FRAG_HDR_LEN;
	return PARSE_FRAGMENT;
}

static enum parse_result
parse_piece(const uint8_t *ip, size_t len, const struct jp_ip *w,
    struct piece *p)
{
	switch (w->version) {
	case 4:
		return parse_ipv4(ip, len, w, p);
	case 6:
		return parse_ipv6(ip, len, w, p);
	default:
		return PARSE_NOT_FRAGMENT;
	}
}

/* The header bytes that count toward the 65535 limit: IPv4's total length
 * includes its header, IPv6's payload length excludes the fixed header. */
static size_t
limited_hdrlen(int version, size_t hdrlen)
{
	return version == 4 ? hdrlen : hdrlen - JP_IPV6_HDR_LEN;
}

/* The checks a fragment must pass on its own. */
static int
piece_valid(const struct piece *p)
{
	if (p->len == 0)
		return 0;
	if (p->more && p->len % FRAG_UNIT != 0)
		return 0;
	return limited_hdrlen(p->version, p->hdrlen) + p->off + p->len <=
	    IP_MAXPACKET;
}

/* ---- the table ---- */

static size_t
bucket_of(const struct reasm *r, const uint8_t *key)
{
	uint64_t h = 14695981039346656037ull ^ r->seed;	/* FNV-1a */
	size_t i;

	for (i = 0; i < KEY_LEN; i++) {
		h ^= key[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	return (size_t)(h & (r->nbuckets - 1));
}

static struct dgram *
lookup(const struct reasm *r, const uint8_t *key)
{
	struct dgram *d;

	for (d = r->buckets[bucket_of(r, key)]; d != NULL; d = d->hnext)
		if (memcmp(d->key, key, KEY_LEN) == 0)
			return d;
	return NULL;
}

static void
link_dgram(struct reasm *r, struct dgram *d)
{
	struct dgram **b = &r->buckets[bucket_of(r, d->key)];

	d->hnext = *b;
	*b = d;
	d->older = r->newest;
	d->newer = NULL;
	if (r->newest != NULL)
		r->newest->newer = d;
	else
		r->oldest = d;
	r->newest = d;
}

static void
unlink_dgram(struct reasm *r, struct dgram *d)
{
	struct dgram **pp = &r->buckets[bucket_of(r, d->key)];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	/* the arrival list: the neighbour's link, or the end's */
	*(d->older != NULL ? &d->older->newer : &r->oldest) = d->newer;
	*(d->newer != NULL ? &d->newer->older : &r->newest) = d->older;
}

/* Free a datagram's fragments and header; the entry itself stays. */
static void
free_contents(struct reasm *r, struct dgram *d)
{
	struct frag *f, *next;

	for (f = d->frags; f != NULL; f = next) {
		next = f->next;
		free(f);
	}
	d->frags = d->tail = NULL;
	d->nfrags = 0;
	free(d->index);
	d->index = NULL;
	free(d->hdr);
	d->hdr = NULL;
	r->held -= d->cost - alloc_cost(sizeof(*d));
	d->cost = alloc_cost(sizeof(*d));
}

static void
drop_dgram(struct reasm *r, struct dgram *d)
{
	free_contents(r, d);
	unlink_dgram(r, d);
	r->held -= d->cost;
	free(d);
}

/* Overlap: drop the data, keep a dead entry for the later fragments. */
static void
kill_dgram(struct reasm *r, struct dgram *d)
{
	r->stats.frags_overlapping += d->nfrags;
	free_contents(r, d);
	d->dead = 1;
	r->stats.overlapping++;
}

/* (A dead datagram holds no fragment: kill_dgram() counted them.) */
static void
evict_dgram(struct reasm *r, struct dgram *d)
{
	if (!d->dead)
		r->stats.evicted++;
	r->stats.frags_evicted += d->nfrags;
	drop_dgram(r, d);
}

/* Drop the oldest datagrams, but not keep, until need more bytes fit. */
static int
make_room(struct reasm *r, size_t need, const struct dgram *keep)
{
	struct dgram *victim;

	while (r->held + need > r->lim.max_bytes) {
		victim = r->oldest;
		if (victim == keep && victim != NULL)
			victim = victim->newer;
		if (victim == NULL)
			return 0;
		evict_dgram(r, victim);
	}
	return 1;
}

static void
release_output(struct reasm *r)
{
	free(r->out);
	r->out = NULL;
	r->held -= r->out_cost;
	r->out_cost = 0;
}

/* ---- fitting a fragment into its datagram ---- */

static void
count_step(struct reasm *r)
{
	r->steps++;
}

static size_t
region_of(uint32_t off)
{
	return off >> REGION_SHIFT;
}

/* The highest set bit of a non-zero word. */
static unsigned
top_bit(uint64_t w)
{
	return WORD_BITS - 1 - (unsigned)__builtin_clzll(w);
}

/* The last fragment of the nearest region before region i that has one
 * (NULL: none). */
static struct frag *
last_before(struct reasm *r, const struct frag_index *ix, size_t i)
{
	size_t w = i / WORD_BITS;
	uint64_t bits = ix->used[w] & ((UINT64_C(1) << (i % WORD_BITS)) - 1);

	count_step(r);
	while (bits == 0 && w > 0) {
		count_step(r);
		bits = ix->used[--w];
	}
	return bits == 0 ? NULL : ix->last[w * WORD_BITS + top_bit(bits)];
}

/* The fragment of d that p would follow (NULL: p goes first). */
static struct frag *
predecessor(struct reasm *r, const struct dgram *d, const struct piece *p)
{
	struct frag *f, *prev = NULL;

	count_step(r);
	if (d->tail != NULL && d->tail->off <= p->off)
		return d->tail;
	if (d->frags == NULL || p->off < d->frags->off)
		return NULL;
	if (d->index != NULL) {
		prev = d->index->last[region_of(p->off)];
		if (prev != NULL && prev->off <= p->off)
			return prev;
		prev = last_before(r, d->index, region_of(p->off));
	}
	for (f = prev != NULL ? prev->next : d->frags;
	    f != NULL && f->off <= p->off; f = f->next) {
		count_step(r);
		prev = f;
	}
	return prev;
}

/* Would p, a duplicate of a fragment held, say the same about the end? */
static int
same_last_flag(const struct dgram *d, const struct piece *p)
{
	int held_is_last = d->have_last && p->off + p->len == d->end;

	return held_is_last == !p->more;
}

/* Does p agree with d about where the datagram ends and its size? */
static int
end_consistent(const struct dgram *d, const struct piece *p)
{
	uint32_t end = p->off + p->len;
	uint32_t reach = end > d->max_end ? end : d->max_end;
	size_t hdrlen = 0;

	if (d->have_last && (end > d->end || (!p->more && end != d->end)))
		return 0;
	if (!p->more && end < d->max_end)
		return 0;
	if (p->off == 0)
		hdrlen = limited_hdrlen(p->version, p->hdrlen);
	else if (d->hdr != NULL)
		hdrlen = limited_hdrlen(p->version, d->hdrlen);
	return hdrlen + reach <= IP_MAXPACKET;
}

static enum fit
fit_piece(struct reasm *r, const struct dgram *d, const struct piece *p,
    struct frag **prevp)
{
	struct frag *prev = predecessor(r, d, p);
	struct frag *next = prev != NULL ? prev->next : d->frags;

	*prevp = prev;
	if (prev != NULL && prev->off == p->off && prev->len == p->len &&
	    memcmp(prev->data, p->data, p->len) == 0)
		return same_last_flag(d, p) ? FIT_DUPLICATE : FIT_INCONSISTENT;
	if ((prev != NULL && prev->off + prev->len > p->off) ||
	    (next != NULL && next->off < p->off + p->len))
		return FIT_OVERLAP;
	if (!end_consistent(d, p))
		return FIT_INCONSISTENT;
	return FIT_NEW;
}

/* Note f, just linked into d's list, in the index. */
static void
index_frag(struct frag_index *ix, struct frag *f)
{
	size_t i = region_of(f->off);

	if (ix->last[i] == NULL || ix->last[i]->off < f->off)
		ix->last[i] = f;
	ix->used[i / WORD_BITS] |= UINT64_C(1) << (i % WORD_BITS);
}

/* Index every fragment of d into ix, a zeroed index, and keep it. */
static void
build_index(struct dgram *d, struct frag_index *ix)
{
	struct frag *f;

	for (f = d->frags; f != NULL; f = f->next)
		index_frag(ix, f);
	d->index = ix;
}

/* Put f into d after prev and take in what p says. */
static void
insert_frag(struct dgram *d, struct frag *prev, struct frag *f,
    const struct piece *p, uint8_t *hdr)
{
	uint32_t end = p->off + p->len;

	f->next = prev != NULL ? prev->next : d->frags;
	if (prev != NULL)
		prev->next = f;
	else
		d->frags = f;
	if (f->next == NULL)
		d->tail = f;
	d->nfrags++;
	if (d->index != NULL)
		index_frag(d->index, f);
	d->received += p->len;
	if (end > d->max_end)
		d->max_end = end;
	if (!p->more) {
		d->have_last = 1;
		d->end = end;
	}
	if (hdr != NULL) {
		d->hdr = hdr;
		d->hdrlen = p->hdrlen;
		d->nh_at = p->nh_at;
		d->nh = p->nh;
	}
}

static struct dgram *
new_dgram(struct reasm *r, const struct piece *p, uint64_t ts_ns)
{
	struct dgram *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	memcpy(d->key, p->key, KEY_LEN);
	d->first_ns = ts_ns;
	d->cost = alloc_cost(sizeof(*d));
	r->held += d->cost;
	link_dgram(r, d);
	return d;
}

static int
is_complete(const struct dgram *d)
{
	return d->hdr != NULL && d->have_last && d->received == d->end;
}

/* ---- the result ---- */

/* Clear the fragment fields of a header copied from the first fragment. */
static void
fix_header(uint8_t *out, size_t total, int version, size_t hdrlen,
    size_t nh_at, uint8_t nh)
{
	if (version == 4) {
		jp_put_be16(out + 2, (uint32_t)total);
		jp_put_be16(out + 6, jp_get_be16(out + 6) &
		    ~(uint32_t)(JP_IPV4_MF | JP_IPV4_OFFSET));
		jp_put_ipv4_checksum(out, (unsigned)hdrlen);
	} else {
		out[nh_at] = nh;
		jp_put_be16(out + 4, (uint32_t)(total - JP_IPV6_HDR_LEN));
	}
}

/* Keep buf (size bytes, reassembled from nfrags fragments) as the output
 * until the next call. */
static void
set_output(struct reasm *r, uint8_t *buf, size_t size, unsigned nfrags,
    const uint8_t **out, size_t *outlen)
{
	r->out = buf;
	r->out_cost = alloc_cost(size);
	r->held += r->out_cost;
	r->stats.reassembled++;
	r->stats.frags_reassembled += nfrags;
	*out = buf;
	*outlen = size;
}

/* Build d's datagram as the output and drop d.  The output never costs
 * more than d did, so the budget holds. */
static enum reasm_result
finish_dgram(struct reasm *r, struct dgram *d, const uint8_t **out,
    size_t *outlen)
{
	size_t total = d->hdrlen + d->end;
	uint8_t *buf = malloc(total);
	unsigned nfrags = d->nfrags;
	struct frag *f;

	if (buf == NULL) {
		evict_dgram(r, d);
		return REASM_DROPPED;
	}
	memcpy(buf, d->hdr, d->hdrlen);
	for (f = d->frags; f != NULL; f = f->next)
		memcpy(buf + d->hdrlen + f->off, f->data, f->len);
	fix_header(buf, total, d->key[0], d->hdrlen, d->nh_at, d->nh);
	drop_dgram(r, d);
	set_output(r, buf, total, nfrags, out, outlen);
	return REASM_COMPLETE;
}

/* An IPv6 atomic fragment (RFC 6946): the packet without its fragment
 * header, never mixed with a datagram held. */
static enum reasm_result
finish_atomic(struct reasm *r, const struct piece *p, const uint8_t **out,
    size_t *outlen)
{
	size_t total = p->hdrlen + p->len;
	uint8_t *buf;

	if (!make_room(r, alloc_cost(total), NULL) ||
	    (buf = malloc(total)) == NULL) {
		r->stats.evicted++;
		r->stats.frags_evicted++;
		return REASM_DROPPED;
	}
	memcpy(buf, p->hdr, p->hdrlen);
	memcpy(buf + p->hdrlen, p->data, p->len);
	fix_header(buf, total, 6, p->hdrlen, p->nh_at, p->nh);
	r->stats.fragments++;
	set_output(r, buf, total, 1, out, outlen);
	return REASM_COMPLETE;
}

/* ---- storing a fragment ---- */

/* Allocate what p needs: the fragment and, for offset 0, the header. */
static int
alloc_piece(const struct piece *p, struct frag **fp, uint8_t **hdrp)
{
	*fp = malloc(sizeof(struct frag) + p->len);
	*hdrp = p->off == 0 ? malloc(p->hdrlen) : NULL;
	if (*fp == NULL || (p->off == 0 && *hdrp == NULL)) {
		free(*fp);
		free(*hdrp);
		return 0;
	}
	(*fp)->off = p->off;
	(*fp)->len = p->len;
	memcpy((*fp)->data, p->data, p->len);
	if (*hdrp != NULL)
		memcpy(*hdrp, p->hdr, p->hdrlen);
	return 1;
}

/* Give up on p for lack of room: its datagram goes too. */
static enum reasm_result
no_room(struct reasm *r, struct dgram *d)
{
	r->stats.frags_evicted++;
	if (d != NULL)
		evict_dgram(r, d);
	else
		r->stats.evicted++;
	return REASM_DROPPED;
}

/* Does d need an index before it takes one more fragment? */
static int
needs_index(const struct dgram *d)
{
	return d != NULL && d->index == NULL && d->nfrags >= INDEX_AFTER;
}

/* Store p, which fits after prev in d (NULL: a new datagram). */
static enum reasm_result
store_piece(struct reasm *r, struct dgram *d, struct frag *prev,
    const struct piece *p, uint64_t ts_ns, const uint8_t **out,
    size_t *outlen)
{
	size_t cost = alloc_cost(sizeof(struct frag) + p->len);
	int want_index = needs_index(d);
	struct frag_index *ix = NULL;
	struct frag *f;
	uint8_t *hdr;

	if (p->off == 0)
		cost += alloc_cost(p->hdrlen);
	if (want_index)
		cost += alloc_cost(sizeof(*ix));
	if (!make_room(r, cost + (d == NULL ? alloc_cost(sizeof(*d)) : 0), d))
		return no_room(r, d);
	if (want_index && (ix = calloc(1, sizeof(*ix))) == NULL)
		return no_room(r, d);
	if (!alloc_piece(p, &f, &hdr)) {
		free(ix);
		return no_room(r, d);
	}
	if (ix != NULL)
		build_index(d, ix);
	if (d == NULL && (d = new_dgram(r, p, ts_ns)) == NULL) {
		free(f);
		free(hdr);
		return no_room(r, NULL);
	}
	insert_frag(d, prev, f, p, hdr);
	d->cost += cost;
	r->held += cost;
	r->stats.fragments++;
	if (is_complete(d))
		return finish_dgram(r, d, out, outlen);
	return REASM_HELD;
}

/* p against the datagram of its key, if one is held. */
static enum reasm_result
add_piece(struct reasm *r, const struct piece *p, uint64_t ts_ns,
    const uint8_t **out, size_t *outlen)
{
	struct dgram *d = lookup(r, p->key);
	struct frag *prev = NULL;

	if (d != NULL && d->dead) {
		r->stats.after_overlap++;
		return REASM_DROPPED;
	}
	if (d == NULL)
		return store_piece(r, NULL, NULL, p, ts_ns, out, outlen);
	switch (fit_piece(r, d, p, &prev)) {
	case FIT_DUPLICATE:
		r->stats.duplicates++;
		return REASM_DROPPED;
	case FIT_OVERLAP:
		r->stats.frags_overlapping++;
		kill_dgram(r, d);
		return REASM_DROPPED;
	case FIT_INCONSISTENT:
		r->stats.invalid++;
		return REASM_DROPPED;
	case FIT_NEW:
		break;
	}
	return store_piece(r, d, prev, p, ts_ns, out, outlen);
}

/* ---- the interface ---- */

static size_t
bucket_count(size_t max_bytes)
{
	size_t per_entry = alloc_cost(sizeof(struct dgram)) +
	    sizeof(struct dgram *);
	size_t n = MIN_BUCKETS;

	while (n < MAX_BUCKETS && n * 2 <= max_bytes / per_entry)
		n *= 2;
	return n;
}

struct reasm *
reasm_new(const struct reasm_limits *limits)
{
	struct reasm *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (limits != NULL)
		r->lim = *limits;
	if (r->lim.max_bytes == 0)
		r->lim.max_bytes = REASM_DEFAULT_MAX_BYTES;
	if (r->lim.timeout_ns == 0)
		r->lim.timeout_ns = REASM_DEFAULT_TIMEOUT_NS;
	r->nbuckets = bucket_count(r->lim.max_bytes);
	r->buckets = calloc(r->nbuckets, sizeof(*r->buckets));
	if (r->buckets == NULL) {
		free(r);
		return NULL;
	}
	r->held = alloc_cost(sizeof(*r)) +
	    alloc_cost(r->nbuckets * sizeof(*r->buckets));
	r->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^
	    (uint64_t)(uintptr_t)r ^ (uint64_t)clock();
	return r;
}

void
reasm_free(struct reasm *r)
{
	if (r == NULL)
		return;
	while (r->oldest != NULL)
		drop_dgram(r, r->oldest);
	release_output(r);
	free(r->buckets);
	free(r);
}

enum reasm_result
reasm_add(struct reasm *r, const uint8_t *ip, size_t len,
    const struct jp_ip *walk, uint64_t ts_ns, const uint8_t **out,
    size_t *outlen)
{
	struct piece p;

	reasm_expire(r, ts_ns);
	switch (parse_piece(ip, len, walk, &p)) {
	case PARSE_NOT_FRAGMENT:
		return REASM_NOT_FRAGMENT;
	case PARSE_BAD:
		r->stats.invalid++;
		return REASM_DROPPED;
	case PARSE_FRAGMENT:
		break;
	}
	if (!piece_valid(&p)) {
		r->stats.invalid++;
		return REASM_DROPPED;
	}
	if (p.version == 6 && p.off == 0 && !p.more)
		return finish_atomic(r, &p, out, outlen);
	return add_piece(r, &p, ts_ns, out, outlen);
}

void
reasm_expire(struct reasm *r, uint64_t now_ns)
{
	struct dgram *d;

	release_output(r);
	while ((d = r->oldest) != NULL && now_ns > d->first_ns &&
	    now_ns - d->first_ns > r->lim.timeout_ns) {
		if (!d->dead)
			r->stats.timed_out++;
		r->stats.frags_timed_out += d->nfrags;
		drop_dgram(r, d);
	}
}

void
reasm_flush(struct reasm *r)
{
	struct dgram *d;

	release_output(r);
	while ((d = r->oldest) != NULL) {
		if (!d->dead)
			r->stats.incomplete_at_end++;
		r->stats.frags_incomplete += d->nfrags;
		drop_dgram(r, d);
	}
}

const struct reasm_stats *
reasm_stats(const struct reasm *r)
{
	return &r->stats;
}

size_t
reasm_bytes_held(const struct reasm *r)
{
	return r->held;
}

unsigned long
reasm_steps(const struct reasm *r)
{
	return r->steps;
}
