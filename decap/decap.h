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
 * decap.h: the parts of jmirror-decap and what they share.
 *
 *   jmirror-decap.c  options, inputs, the main loop, the summary
 *   decap-packet.c   one outer packet: link layer, IP, reassembly, UDP,
 *                    jmirror header, id selection (decap_packet())
 *   decap-output.c   the mirrored packet: payload kind and conversion,
 *                    the filter, -w / --split outputs
 *
 * decap_packet() needs no main(): the libFuzzer harness calls it, with
 * the settings of decap_settings_init() as main() starts from.
 */

#ifndef DECAP_H
#define DECAP_H

#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "jmirror-pkt.h"
#include "jmirror-reasm.h"

#define DECAP_SNAPLEN		262144
/* the most mirrored packet there is: a UDP datagram's payload, less
   the jmirror header, plus a PPP header decap may add */
#define DECAP_PACKET_MAX	65536
#define DECAP_MAX_RANGES	64
/* --split: how many output files are open at once at the most */
#define DECAP_MAX_OPEN		64
/* --split: hash buckets of the outputs, by path */
#define DECAP_BUCKETS		1024
/* not-representable packets named in the summary (the rest: "other") */
#define DECAP_MAX_REASONS	16
/* UDP ports tallied for datagrams that parse as jmirror (the first met) */
#define DECAP_MAX_LOOKALIKES	16
/* the capture filter of --print-filter (and -i, without the keyword),
   at the most */
#define DECAP_FILTER_MAX	512
/* --split: how many outputs a run may create (--max-outputs) */
#define DECAP_DEFAULT_MAX_OUTPUTS	1024
/* --from: how many address prefixes */
#define DECAP_MAX_SENDERS	64

/* the program's name, in front of every message */
#define DECAP_PROG		"jmirror-decap"

/* exit statuses, tcpdump's: a usage error is an error too */
#define DECAP_EXIT_OK		0
#define DECAP_EXIT_ERROR	1

/* --mirror-id / --session-id: ranges of ids; n == 0 takes all */
struct id_set {
	unsigned n;
	struct { uint32_t lo, hi; } r[DECAP_MAX_RANGES];
};

/* --from: the outer source addresses jmirror is accepted from; n == 0
   takes all */
struct sender_set {
	unsigned n;
	struct {
		int version;		/* 4 or 6 */
		unsigned prefix;	/* bits */
		uint8_t addr[16];
	} a[DECAP_MAX_SENDERS];
};

/* -G, -C and -W: when an output moves on to its next file */
struct rotation {
	unsigned seconds;		/* -G, 0 for none */
	uint64_t bytes;			/* -C in bytes, 0 for none */
	unsigned files;			/* -W, 0 for none */
	unsigned digits;		/* of the file number, from -W */
};

/* --payload */
enum payload_mode { PAYLOAD_AUTO, PAYLOAD_IP, PAYLOAD_PPP };

/*
 * What the options chose, and what the input fixes (its link type and
 * time stamp precision): set up before the first packet, read-only
 * after.  decap_settings_init() gives the defaults.
 */
struct decap_settings {
	int dlt;			/* outer link type; -1: UDP payloads */
	int nano;			/* time stamps in nanoseconds */
	int any_udp;			/* -T */
	struct jp_ports ports;		/* --jmirror-port */
	struct id_set mirror_ids, session_ids;
	struct sender_set senders;	/* --from */
	enum payload_mode payload;
	const char *filter_text;	/* EXPRESSION, or NULL */
	const char *path;		/* -w FILE, or NULL */
	const char *pattern;		/* --split PATTERN, or NULL */
	int flush_each;			/* -U */
	unsigned long max_count;	/* -c, 0 for none */
	unsigned long max_outputs;	/* --max-outputs */
	unsigned max_open;		/* --split: files open at once */
	struct rotation rotate;		/* -G, -C, -W */
	struct reasm_limits limits;	/* --reasm-budget, --reasm-timeout */
	const char *user;		/* the user -Z made decap, or NULL:
					   named when a file cannot be made */
};

struct counts {
	unsigned long read;		/* outer packets */
	unsigned long jmirror;		/* jmirror datagrams found */
	unsigned long written;
	unsigned long not_jmirror;	/* no IP, not UDP, other ports */
	unsigned long outer_bad;	/* outer IP header bad or cut short */
	unsigned long short_header;	/* UDP payload < jmirror header */
	unsigned long not_selected;	/* --mirror-id / --session-id */
	unsigned long filtered;		/* EXPRESSION did not match */
	unsigned long unknown_payload;	/* neither IP nor PPP */
	unsigned long not_representable;
	unsigned long truncated_fragments; /* fragments cut short: lost */
	unsigned long not_accepted;	/* --from did not take the sender */
	unsigned long past_max_outputs;	/* --split past --max-outputs */
};

/* one reason a packet could not be written, and how often */
struct reason {
	char name[64];
	unsigned long count;
};

/* datagrams to a UDP port not taken as jmirror that parse as jmirror */
struct lookalike {
	unsigned port;
	unsigned long count;
};

/* the run: what was found, the reassembler, the compiled filter, and
   room for one packet converted to its output's link type */
struct decap_state {
	struct reasm *reasm;
	struct bpf_program filter_raw, filter_ppp;	/* EXPRESSION, for
							   each link type */
	struct counts counts;
	struct reason reasons[DECAP_MAX_REASONS];
	unsigned nreasons;
	struct lookalike lookalikes[DECAP_MAX_LOOKALIKES];
	unsigned nlookalikes;
	int failed;			/* an error was reported: stop */
	uint8_t scratch[DECAP_PACKET_MAX + 8];
};

struct output;

/* a link in the ring of the outputs with a file open, in the order of
   their last use */
struct open_ring {
	struct open_ring *newer, *older;
};

/* the output files: -w's one, or --split's by name */
struct decap_outputs {
	struct output *first, *last;	/* every output, oldest first */
	struct output *buckets[DECAP_BUCKETS];	/* outputs by path */
	struct open_ring ring;		/* the ring's own link: newer is the
					   least recently used output, the
					   one closed when max_open are
					   open; older the most recently */
	unsigned nopen;
	unsigned count;			/* outputs made: --max-outputs */
	int files_done;			/* -G with -W: the last file is full */
};

/* one run of decap: the settings it reads, what it changes */
struct decap {
	const struct decap_settings *set;
	struct decap_state st;
	struct decap_outputs out;
};

/*
 * Errors: a function that fails writes one line through decap_error()
 * and returns -1 (or NULL); main() alone chooses the exit status.  An
 * error in the middle of the run goes through decap_fail(), which also
 * stops the run (decap_done()); it is reported once.
 */
void decap_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void decap_fail(struct decap *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* decap-packet.c */
void decap_settings_init(struct decap_settings *set);
int decap_init(struct decap *d, const struct decap_settings *set);
void decap_free(struct decap *d);
void decap_packet(struct decap *d, const struct pcap_pkthdr *h,
		  const uint8_t *p);
void decap_udp_payload(struct decap *d, const struct pcap_pkthdr *h,
		       const uint8_t *p, unsigned caplen, unsigned len);
int decap_done(const struct decap *d);
int decap_capture_filter(const struct decap_settings *set,
			 const char *jmirror, char *buf, size_t size);
int decap_sender_accepted(const struct decap_settings *set, int version,
			  const uint8_t *addr);

/* decap-output.c */
int decap_compile_filter(struct decap *d);
void decap_free_filter(struct decap *d);
void decap_mirrored(struct decap *d, const struct pcap_pkthdr *h,
		    const struct jp_jmirror *jm, const uint8_t *p,
		    unsigned caplen, unsigned len);
int decap_open_outputs(struct decap *d);
int decap_reopen_outputs(struct decap *d);
int decap_close_outputs(struct decap *d);
void decap_free_outputs(struct decap *d);
void decap_print_outputs(const struct decap *d, FILE *f);

#endif
