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
 * jmirror-reasm.h: an outer IPv4 / IPv6 fragment reassembler for
 * jmirror-decap, bounded in memory (a byte budget) and in time (a time-out
 * in capture time).  jmirror-reasm.c explains the design.
 */

#ifndef JMIRROR_REASM_H
#define JMIRROR_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "jmirror-ip.h"

struct reasm;				/* opaque */

struct reasm_limits {
	size_t   max_bytes;		/* budget for everything the reassembler
					   allocates: buffered fragment data,
					   per-datagram overhead, the hash table;
					   default REASM_DEFAULT_MAX_BYTES */
	uint64_t timeout_ns;		/* an incomplete datagram older than this
					   (in capture time, from its first
					   fragment) is dropped; default
					   REASM_DEFAULT_TIMEOUT_NS (30 s; RFC
					   8200's 60 s is the upper bound) */
};
#define REASM_DEFAULT_MAX_BYTES  (8u * 1024 * 1024)
#define REASM_DEFAULT_TIMEOUT_NS (30ull * 1000000000)

struct reasm_stats {
	unsigned long fragments;	/* fragments accepted into the table */
	unsigned long reassembled;	/* datagrams completed */
	unsigned long duplicates;	/* fragments identical to data held */
	unsigned long overlapping;	/* datagrams dropped: overlap (RFC 5722) */
	unsigned long timed_out;	/* datagrams dropped: time-out */
	unsigned long evicted;		/* datagrams dropped: budget */
	unsigned long invalid;		/* fragments dropped: bad header,
					   length not a multiple of 8, beyond
					   65535, inconsistent last fragment */
	unsigned long incomplete_at_end;/* set by reasm_flush() */
	unsigned long after_overlap;	/* fragments dropped: their datagram
					   was dropped for an overlap before */
	/* Where every fragment went, by the fate of its datagram: each one
	 * given to reasm_add() is counted once, here or in invalid,
	 * duplicates or after_overlap, or is still held. */
	unsigned long frags_reassembled;/* in the datagrams completed */
	unsigned long frags_incomplete;	/* in those incomplete at the end */
	unsigned long frags_overlapping;/* in those dropped for an overlap,
					   the overlapping one included */
	unsigned long frags_timed_out;	/* in those timed out */
	unsigned long frags_evicted;	/* in those evicted, and those that
					   found no room */
};

enum reasm_result {
	REASM_NOT_FRAGMENT,	/* not a fragment: use the packet as it is */
	REASM_HELD,		/* kept; the datagram is not complete yet */
	REASM_COMPLETE,		/* *out / *outlen: the whole datagram */
	REASM_DROPPED		/* this fragment (or its datagram) was dropped,
				   or ignored as a duplicate; the stats say
				   why */
};

/* NULL limits = defaults; a zero field = its default.  Returns NULL only
 * when out of memory. */
struct reasm *reasm_new(const struct reasm_limits *limits);
void reasm_free(struct reasm *r);

/*
 * ip, len: one whole captured IPv4 or IPv6 packet (from its IP header; the
 * caller has checked caplen == the IP total length); walk: what
 * jp_ip_walk() found walking it, whatever it returned (a fragment whose
 * header it found broken is counted invalid).  ts_ns: capture time.
 * Expires what timed out (relative to ts_ns) before handling the packet.
 * On REASM_COMPLETE, *out is a contiguous reassembled IP datagram: the
 * first fragment's header with the fragment fields cleared (IPv4: MF and
 * offset 0, total length and header checksum recomputed; IPv6: the
 * fragment extension header removed, the previous header's next-header and
 * the payload length fixed), followed by the whole payload.  *out stays
 * valid until the next call on r.  An IPv6 atomic fragment (offset 0, M
 * clear; RFC 6946) completes at once, on its own.
 */
enum reasm_result reasm_add(struct reasm *r, const uint8_t *ip, size_t len,
			    const struct jp_ip *walk, uint64_t ts_ns,
			    const uint8_t **out, size_t *outlen);

/* Drop (and count as timed_out) what is older than now_ns - timeout. */
void reasm_expire(struct reasm *r, uint64_t now_ns);

/* At end of input: drop every incomplete datagram, counted in
 * incomplete_at_end. */
void reasm_flush(struct reasm *r);

const struct reasm_stats *reasm_stats(const struct reasm *r);

/* Everything r holds now, as counted against max_bytes (the table, the
 * datagrams, the last output); never more than max_bytes unless max_bytes
 * is smaller than the empty table (a few hundred bytes). */
size_t reasm_bytes_held(const struct reasm *r);

/* For the unit tests and the fuzz harness: the steps taken so far placing
 * fragments (a fragment of the list or a word of the index looked at),
 * which must stay O(1) a fragment in any arrival order; never more than
 * REASM_STEPS_MAX for one fragment.  (Counting costs an increment a
 * step; it is always on, so that the tested code is the shipped code.) */
unsigned long reasm_steps(const struct reasm *r);
#define REASM_STEPS_MAX 65

#endif /* JMIRROR_REASM_H */
