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
 * decap-output.c: where jmirror-decap writes a mirrored packet.  The
 * output (-w FILE, or the --split file its ids name), the output's link
 * type (LINKTYPE_RAW for IP, LINKTYPE_PPP for PPP frames: --payload, or
 * the kind of its first packet), the packet converted to that link type
 * when it can be (else counted by name, never written wrongly), the
 * filter EXPRESSION on the packet as it would be written, then libpcap's
 * dumper.  --split keeps at most max_open files open: the least recently
 * used is closed and later reopened to append.  -G, -C and -W move an
 * output on to its next file, between two packets, as tcpdump does.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "decap.h"

#define PPP_HDR_LEN	4	/* FF 03 and a two-byte protocol */

struct output {
	struct output *next;		/* in d->first's list */
	struct output *hash_next;	/* in its bucket */
	struct output *lru_prev, *lru_next;
	pcap_dumper_t *dumper;		/* NULL while closed */
	FILE *unstarted;		/* -w: open, its header not written */
	int linktype;			/* 0 until the header is written */
	int created;			/* the file exists: reopen appends */
	unsigned long written;
	uint64_t size;			/* bytes in the current file */
	time_t since;			/* -G: when the current file began */
	unsigned files_begun;		/* -G: files begun after the first */
	unsigned number;		/* -C: the current file's number */
	char *file;			/* the current file: path, or with -G
					   and -C its rotation's name */
	char path[];			/* -w FILE, or --split's name */
};

/* a mirrored packet, as it would be written */
struct record {
	const uint8_t *p;
	unsigned caplen, len;
};

/* ---- errors and counts ---- */

static void
out_of_memory(struct decap *d)
{
	if (d->error)
		return;
	d->error = 1;
	snprintf(d->errmsg, sizeof(d->errmsg), "out of memory");
}

static void
output_failed(struct decap *d, const struct output *o, const char *why)
{
	if (d->error)
		return;
	d->error = 1;
	/* libpcap's messages may name the file already */
	if (strncmp(why, o->file, strlen(o->file)) == 0)
		snprintf(d->errmsg, sizeof(d->errmsg), "%s", why);
	else
		snprintf(d->errmsg, sizeof(d->errmsg), "%s: %s",
			 strcmp(o->file, "-") == 0 ? "standard output" :
						     o->file, why);
}

/* count a packet not written, under its reason */
static void
not_representable(struct decap *d, const char *why)
{
	unsigned i;

	d->counts.not_representable++;
	for (i = 0; i < d->nreasons; i++) {
		if (strcmp(d->reasons[i].name, why) == 0) {
			d->reasons[i].count++;
			return;
		}
	}
	if (d->nreasons == DECAP_MAX_REASONS)
		i = DECAP_MAX_REASONS - 1, why = "other";
	else
		d->nreasons++;
	snprintf(d->reasons[i].name, sizeof(d->reasons[i].name), "%s", why);
	d->reasons[i].count++;
}

/* ---- the filter ---- */

static int
compile_one(struct decap *d, int linktype, struct bpf_program *prog)
{
	pcap_t *dead = pcap_open_dead(linktype, DECAP_SNAPLEN);
	int bad;

	if (dead == NULL)
		return -1;
	bad = pcap_compile(dead, prog, d->filter_text, 1,
			   PCAP_NETMASK_UNKNOWN) != 0;
	if (bad)
		snprintf(d->errmsg, sizeof(d->errmsg),
			 "bad filter expression '%s': %s", d->filter_text,
			 pcap_geterr(dead));
	pcap_close(dead);
	return bad ? -1 : 0;
}

/* EXPRESSION, compiled for both output link types */
int
decap_compile_filter(struct decap *d)
{
	if (d->filter_text == NULL)
		return 0;
	if (compile_one(d, DLT_RAW, &d->filter_raw) != 0)
		return -1;
	return compile_one(d, DLT_PPP, &d->filter_ppp);
}

static int
filter_passes(const struct decap *d, int linktype,
	      const struct pcap_pkthdr *h)
{
	const struct bpf_program *prog;

	if (d->filter_text == NULL)
		return 1;
	prog = linktype == DLT_PPP ? &d->filter_ppp : &d->filter_raw;
	return pcap_offline_filter(prog, h, d->buf_ptr) != 0;
}

/* ---- the payload in the output's link type ---- */

/* a PPP frame as bare IP: the IPv4 or IPv6 it carries, or why not */
static const char *
ppp_to_ip(struct record *r, char *why, size_t size)
{
	unsigned proto, n = jp_ppp_header(r->p, r->caplen, &proto);
	const char *name;
	unsigned want;

	if (n == 0)
		return "PPP header cut short";
	if (proto == JP_PPP_IPV4)
		want = 4;
	else if (proto == JP_PPP_IPV6)
		want = 6;
	else {
		name = jp_ppp_protocol_name(proto);
		if (name != NULL)
			snprintf(why, size, "%s in a raw-IP output", name);
		else
			snprintf(why, size, "PPP protocol 0x%04x in a raw-IP "
				 "output", proto);
		return why;
	}
	if (r->caplen == n || r->p[n] >> 4 != want)
		return "PPP IP frame without its IP header";
	r->p += n;
	r->caplen -= n;
	r->len -= n;
	return NULL;
}

/* a PPP frame with an FF 03 header and a two-byte protocol, into buf */
static const char *
ppp_expand(struct record *r, uint8_t *buf)
{
	unsigned proto, n = jp_ppp_header(r->p, r->caplen, &proto);

	if (n == 0)
		return "PPP header cut short";
	if (n == PPP_HDR_LEN)
		return NULL;
	buf[0] = JP_HDLC_ADDRESS;
	buf[1] = JP_HDLC_CONTROL;
	jp_put_be16(buf + 2, proto);
	memcpy(buf + PPP_HDR_LEN, r->p + n, r->caplen - n);
	r->caplen += PPP_HDR_LEN - n;
	r->len += PPP_HDR_LEN - n;
	r->p = buf;
	return NULL;
}

/* an IP packet as a PPP frame, into buf */
static void
ip_to_ppp(struct record *r, enum jp_payload kind, uint8_t *buf)
{
	buf[0] = JP_HDLC_ADDRESS;
	buf[1] = JP_HDLC_CONTROL;
	jp_put_be16(buf + 2, kind == JP_PAYLOAD_IPV4 ? JP_PPP_IPV4 :
						      JP_PPP_IPV6);
	memcpy(buf + PPP_HDR_LEN, r->p, r->caplen);
	r->caplen += PPP_HDR_LEN;
	r->len += PPP_HDR_LEN;
	r->p = buf;
}

/* r converted to linktype; NULL, or why it cannot be */
static const char *
convert(struct decap *d, struct record *r, enum jp_payload kind,
	int linktype, char *why, size_t size)
{
	if (linktype == DLT_RAW)
		return kind == JP_PAYLOAD_PPP ? ppp_to_ip(r, why, size) : NULL;
	if (kind == JP_PAYLOAD_PPP)
		return ppp_expand(r, d->buf);
	ip_to_ppp(r, kind, d->buf);
	return NULL;
}

/* the link type a packet of this kind goes out in, for output o */
static int
linktype_for(const struct decap *d, const struct output *o,
	     enum jp_payload kind)
{
	if (o->written != 0)
		return o->linktype;
	switch (d->payload) {
	case PAYLOAD_IP:
		return DLT_RAW;
	case PAYLOAD_PPP:
		return DLT_PPP;
	case PAYLOAD_AUTO:
		break;
	}
	return kind == JP_PAYLOAD_PPP ? DLT_PPP : DLT_RAW;
}

/* ---- outputs ---- */

static unsigned
hash_path(const char *s)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h % DECAP_BUCKETS;
}

/*
 * --split PATTERN for these ids, into path; -1 when too long.  With -G
 * every other escape, %% included, is left for strftime.
 */
static int
expand_pattern(const char *pattern, const struct jp_jmirror *jm,
	       int keep_time, char *path, size_t size)
{
	size_t n = 0;
	int w;

	for (; *pattern != '\0'; pattern++) {
		if (*pattern != '%') {
			w = snprintf(path + n, size - n, "%c", *pattern);
		} else if (pattern[1] != 'm' && pattern[1] != 's' &&
			   keep_time) {
			w = snprintf(path + n, size - n, "%%%c", *++pattern);
		} else if (*++pattern == 'm') {
			w = snprintf(path + n, size - n, "%u",
				     (unsigned)jm->mirror_id);
		} else if (*pattern == 's') {
			w = snprintf(path + n, size - n, "%u",
				     (unsigned)jm->session_id);
		} else {
			w = snprintf(path + n, size - n, "%%");
		}
		if (w < 0 || (size_t)w >= size - n)
			return -1;
		n += (size_t)w;
	}
	return 0;
}

/* the output of this name; a new one, or NULL at --max-outputs or
   without memory (then d->error) */
static struct output *
find_output(struct decap *d, const char *path)
{
	unsigned b = hash_path(path);
	struct output *o;

	for (o = d->buckets[b]; o != NULL; o = o->hash_next) {
		if (strcmp(o->path, path) == 0)
			return o;
	}
	if (d->pattern != NULL && d->noutputs >= d->max_outputs)
		return NULL;
	o = calloc(1, sizeof(*o) + strlen(path) + 1);
	if (o == NULL) {
		out_of_memory(d);
		return NULL;
	}
	strcpy(o->path, path);
	o->file = o->path;
	o->since = time(NULL);
	o->hash_next = d->buckets[b];
	d->buckets[b] = o;
	if (d->last != NULL)
		d->last->next = o;
	else
		d->first = o;
	d->last = o;
	d->noutputs++;
	return o;
}

static void
lru_unlink(struct decap *d, struct output *o)
{
	if (o->lru_prev != NULL)
		o->lru_prev->lru_next = o->lru_next;
	else
		d->lru_head = o->lru_next;
	if (o->lru_next != NULL)
		o->lru_next->lru_prev = o->lru_prev;
	else
		d->lru_tail = o->lru_prev;
	o->lru_prev = o->lru_next = NULL;
}

static void
lru_push(struct decap *d, struct output *o)
{
	o->lru_next = d->lru_head;
	if (d->lru_head != NULL)
		d->lru_head->lru_prev = o;
	d->lru_head = o;
	if (d->lru_tail == NULL)
		d->lru_tail = o;
}

/* flush and close o's file; 0, or -1 on a write error */
static int
close_output(struct decap *d, struct output *o)
{
	int bad;

	if (o->dumper == NULL)
		return 0;
	bad = pcap_dump_flush(o->dumper) != 0 ||
	      ferror(pcap_dump_file(o->dumper));
	pcap_dump_close(o->dumper);
	o->dumper = NULL;
	lru_unlink(d, o);
	d->nopen--;
	if (bad)
		output_failed(d, o, "write error");
	return bad ? -1 : 0;
}

/* the directories in front of path's last component, made */
static int
make_parents(char *path)
{
	char *slash;

	for (slash = strchr(path + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

/*
 * Open o's file for packets of linktype, writing its file header: -w's
 * file was opened at the start, a --split file is created (truncated)
 * the first time, appended to after that.  Closes the least recently
 * used output first when max_open are open.
 */
static int
open_output(struct decap *d, struct output *o, int linktype)
{
	pcap_t *dead;

	if (d->nopen >= d->max_open && close_output(d, d->lru_tail) != 0)
		return -1;
	if (!o->created && d->pattern != NULL && make_parents(o->file) != 0) {
		output_failed(d, o, strerror(errno));
		return -1;
	}
	dead = pcap_open_dead_with_tstamp_precision(linktype, DECAP_SNAPLEN,
		d->nano ? PCAP_TSTAMP_PRECISION_NANO :
			  PCAP_TSTAMP_PRECISION_MICRO);
	if (dead == NULL) {
		output_failed(d, o, "cannot create a capture handle");
		return -1;
	}
	if (o->unstarted != NULL)
		o->dumper = pcap_dump_fopen(dead, o->unstarted);
	else if (o->created)
		o->dumper = pcap_dump_open_append(dead, o->file);
	else
		o->dumper = pcap_dump_open(dead, o->file);
	if (o->dumper == NULL)
		output_failed(d, o, pcap_geterr(dead));
	pcap_close(dead);
	if (o->dumper == NULL)
		return -1;
	o->unstarted = NULL;
	o->size = (uint64_t)pcap_dump_ftell64(o->dumper);
	o->created = 1;
	o->linktype = linktype;
	lru_push(d, o);
	d->nopen++;
	return 0;
}

/*
 * The name of o's current file: with -G, strftime on the pattern at the
 * time the file began; with -C, its number appended (from the second
 * file on, or on every file with -W), as tcpdump names them.
 */
static int
name_file(struct decap *d, struct output *o)
{
	char base[4096], name[4096 + 16];
	struct tm tm;

	if (d->rotate.seconds == 0)
		snprintf(base, sizeof(base), "%s", o->path);
	else if (localtime_r(&o->since, &tm) == NULL ||
		 strftime(base, sizeof(base), o->path, &tm) == 0) {
		output_failed(d, o, "the file name is empty or too long");
		return -1;
	}
	if (d->rotate.bytes != 0 && (o->number != 0 || d->rotate.digits != 0))
		snprintf(name, sizeof(name), "%s%0*u", base,
			 (int)d->rotate.digits, o->number);
	else
		snprintf(name, sizeof(name), "%s", base);
	if (o->file != o->path)
		free(o->file);
	o->file = strdup(name);
	if (o->file == NULL) {
		o->file = o->path;
		out_of_memory(d);
		return -1;
	}
	return 0;
}

/*
 * -G and -C: o's next file when its time is up or its file is over the
 * size, checked before a packet is written, never inside one.  -W with
 * -C numbers the files round; with -G alone it ends the run (as tcpdump
 * ends) instead of beginning file W+1: 1 then, else 0, or -1 on an error.
 */
static int
rotate_if_due(struct decap *d, struct output *o)
{
	const struct rotation *r = &d->rotate;
	int due = 0;

	if (!o->created || (r->seconds == 0 && r->bytes == 0))
		return 0;
	if (r->seconds != 0 && time(NULL) - o->since >= (time_t)r->seconds) {
		if (r->bytes == 0 && r->files != 0 &&
		    o->files_begun + 1 >= r->files) {
			d->files_done = 1;
			return 1;
		}
		o->since = time(NULL);
		o->files_begun++;
		o->number = 0;
		due = 1;
	}
	if (!due && r->bytes != 0 && o->size > r->bytes) {
		o->number++;
		if (r->files != 0 && o->number >= r->files)
			o->number = 0;
		due = 1;
	}
	if (!due)
		return 0;
	if (close_output(d, o) != 0)
		return -1;
	o->created = 0;
	return name_file(d, o) != 0 ? -1 : 0;
}

/* o ready for a packet of linktype, most recently used */
static int
ready_output(struct decap *d, struct output *o, int linktype)
{
	if (o->dumper == NULL)
		return open_output(d, o, linktype);
	lru_unlink(d, o);
	lru_push(d, o);
	return 0;
}

static struct output *
output_for(struct decap *d, const struct jp_jmirror *jm)
{
	char path[4096];
	struct output *o;

	if (d->pattern == NULL)
		return d->first;
	if (expand_pattern(d->pattern, jm, d->rotate.seconds != 0, path,
			   sizeof(path)) != 0) {
		d->error = 1;
		snprintf(d->errmsg, sizeof(d->errmsg),
			 "--split: file name too long");
		return NULL;
	}
	o = find_output(d, path);
	if (o != NULL && o->written == 0 && o->file == o->path &&
	    (d->rotate.seconds != 0 || d->rotate.digits != 0) &&
	    name_file(d, o) != 0)
		return NULL;
	return o;
}

static void
write_record(struct decap *d, struct output *o, const struct pcap_pkthdr *h)
{
	pcap_dump((u_char *)o->dumper, h, d->buf_ptr);
	o->size += 16 + h->caplen;	/* a record header and the packet */
	o->written++;
	d->counts.written++;
	if (d->flush_each && pcap_dump_flush(o->dumper) != 0)
		output_failed(d, o, "write error");
}

/*
 * The mirrored packet of a jmirror datagram (len bytes, caplen of them
 * captured), with the time stamp of h: converted, filtered and written.
 */
void
decap_mirrored(struct decap *d, const struct pcap_pkthdr *h,
	       const struct jp_jmirror *jm, const uint8_t *p,
	       unsigned caplen, unsigned len)
{
	enum jp_payload kind = jp_payload_kind(p, caplen);
	struct record r = { p, caplen, len };
	struct pcap_pkthdr oh;
	struct output *o;
	char why[64];
	const char *no;
	int linktype;

	if (kind == JP_PAYLOAD_UNKNOWN) {
		d->counts.unknown_payload++;
		return;
	}
	o = output_for(d, jm);
	if (o == NULL) {
		if (!d->error)
			d->counts.past_max_outputs++;
		return;
	}
	linktype = linktype_for(d, o, kind);
	no = convert(d, &r, kind, linktype, why, sizeof(why));
	if (no != NULL) {
		not_representable(d, no);
		return;
	}
	oh.ts = h->ts;
	oh.caplen = r.caplen;
	oh.len = r.len;
	d->buf_ptr = r.p;
	if (!filter_passes(d, linktype, &oh)) {
		d->counts.filtered++;
		return;
	}
	switch (rotate_if_due(d, o)) {
	case 0:
		break;
	case 1:
		not_representable(d, "after -W's last file");
		return;
	default:
		return;
	}
	if (ready_output(d, o, linktype) != 0)
		return;
	write_record(d, o, &oh);
}

/* ---- start and end ---- */

/*
 * -w FILE: the file, opened now so that a bad path fails at once.  Its
 * file header waits for the first packet written, whose link type it
 * gives: a pipe or a FIFO cannot take a header back.
 */
int
decap_open_single(struct decap *d)
{
	struct output *o = find_output(d, d->path);

	if (o == NULL || name_file(d, o) != 0)
		return -1;
	o->unstarted = strcmp(o->file, "-") == 0 ? stdout :
						   fopen(o->file, "wb");
	if (o->unstarted == NULL) {
		output_failed(d, o, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Flush and close every output; -w's output gets its file header even
 * when nothing was written (the link type of --payload, raw IP for
 * auto).  0, or -1 when a write failed.
 */
int
decap_close_outputs(struct decap *d)
{
	struct output *o;
	int bad = 0;

	o = d->first;
	if (d->pattern == NULL && o != NULL && o->unstarted != NULL)
		open_output(d, o, d->payload == PAYLOAD_PPP ? DLT_PPP :
							      DLT_RAW);
	for (o = d->first; o != NULL; o = o->next)
		bad |= close_output(d, o) != 0;
	return bad || d->error ? -1 : 0;
}

/* SIGHUP: every open output closed, to be reopened (appended to, or
   created again where it was moved away) by its next packet */
int
decap_reopen_outputs(struct decap *d)
{
	struct output *o;
	int bad = 0;

	for (o = d->first; o != NULL; o = o->next) {
		if (strcmp(o->path, "-") != 0)
			bad |= close_output(d, o) != 0;
	}
	return bad ? -1 : 0;
}

void
decap_free(struct decap *d)
{
	struct output *o, *next;

	for (o = d->first; o != NULL; o = next) {
		next = o->next;
		if (o->unstarted != NULL)
			fclose(o->unstarted);
		if (o->file != o->path)
			free(o->file);
		free(o);
	}
	d->first = d->last = NULL;
	memset(d->buckets, 0, sizeof(d->buckets));
	if (d->filter_text != NULL) {
		pcap_freecode(&d->filter_raw);
		pcap_freecode(&d->filter_ppp);
	}
	if (d->reasm != NULL)
		reasm_free(d->reasm);
	d->reasm = NULL;
}

/* "N written: PATH N, PATH N, ... and K more outputs" */
void
decap_print_outputs(const struct decap *d, FILE *f, const char *prog)
{
	const unsigned most = 10;
	const struct output *o;
	unsigned n = 0;

	fprintf(f, "%s: %lu written", prog, d->counts.written);
	for (o = d->first; o != NULL && n < most; o = o->next, n++)
		fprintf(f, "%s %s %lu", n == 0 ? ":" : ",",
			strcmp(o->path, "-") == 0 ? "standard output" : o->file,
			o->written);
	if (d->noutputs > most)
		fprintf(f, " and %u more outputs", d->noutputs - most);
	fputc('\n', f);
}
