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
	struct open_ring ring;		/* first: the ring's link is the output */
	struct output *next;		/* in d->out.first's list */
	struct output *hash_next;	/* in its bucket */
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

/* o failed: "FILE: WHY" */
static void
output_failed(struct decap *d, const struct output *o, const char *why)
{
	/* libpcap's messages may name the file already */
	if (strncmp(why, o->file, strlen(o->file)) == 0)
		decap_fail(d, "%s", why);
	else
		decap_fail(d, "%s: %s", strcmp(o->file, "-") == 0 ?
			   "standard output" : o->file, why);
}

/* o's file could not be made or opened: when decap became another user
   (-Z) for the run, that user too, who may lack the right to */
static void
open_failed(struct decap *d, const struct output *o, const char *why)
{
	char text[PCAP_ERRBUF_SIZE + 128];

	if (d->set->user != NULL) {
		snprintf(text, sizeof(text), "%s (as user %s; -Z root stays "
			 "root)", why, d->set->user);
		why = text;
	}
	output_failed(d, o, why);
}

/* count a packet not written, under its reason */
static void
not_representable(struct decap *d, const char *why)
{
	unsigned i;

	struct decap_state *st = &d->st;

	st->counts.not_representable++;
	for (i = 0; i < st->nreasons; i++) {
		if (strcmp(st->reasons[i].name, why) == 0) {
			st->reasons[i].count++;
			return;
		}
	}
	if (st->nreasons == DECAP_MAX_REASONS)
		i = DECAP_MAX_REASONS - 1, why = "other";
	else
		st->nreasons++;
	snprintf(st->reasons[i].name, sizeof(st->reasons[i].name), "%s", why);
	st->reasons[i].count++;
}

/* ---- the filter ---- */

static int
compile_one(const char *text, int linktype, struct bpf_program *prog)
{
	pcap_t *dead = pcap_open_dead(linktype, DECAP_SNAPLEN);
	int bad;

	if (dead == NULL) {
		decap_error("cannot create a capture handle");
		return -1;
	}
	bad = pcap_compile(dead, prog, text, 1, PCAP_NETMASK_UNKNOWN) != 0;
	if (bad)
		decap_error("bad filter expression '%s': %s", text,
			    pcap_geterr(dead));
	pcap_close(dead);
	return bad ? -1 : 0;
}

/* EXPRESSION, compiled for both output link types */
int
decap_compile_filter(struct decap *d)
{
	const char *text = d->set->filter_text;

	if (text == NULL)
		return 0;
	if (compile_one(text, DLT_RAW, &d->st.filter_raw) != 0)
		return -1;
	return compile_one(text, DLT_PPP, &d->st.filter_ppp);
}

/* pcap_freecode() takes a program never compiled, too */
void
decap_free_filter(struct decap *d)
{
	pcap_freecode(&d->st.filter_raw);
	pcap_freecode(&d->st.filter_ppp);
}

static int
filter_passes(const struct decap *d, int linktype,
	      const struct pcap_pkthdr *h, const uint8_t *p)
{
	const struct bpf_program *prog;

	if (d->set->filter_text == NULL)
		return 1;
	prog = linktype == DLT_PPP ? &d->st.filter_ppp : &d->st.filter_raw;
	return pcap_offline_filter(prog, h, p) != 0;
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
		return ppp_expand(r, d->st.scratch);
	ip_to_ppp(r, kind, d->st.scratch);
	return NULL;
}

/* the link type a packet of this kind goes out in, for output o */
static int
linktype_for(const struct decap *d, const struct output *o,
	     enum jp_payload kind)
{
	if (o->written != 0)
		return o->linktype;
	switch (d->set->payload) {
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
   without memory (then decap_fail()) */
static struct output *
find_output(struct decap *d, const char *path)
{
	struct decap_outputs *out = &d->out;
	unsigned b = hash_path(path);
	struct output *o;

	for (o = out->buckets[b]; o != NULL; o = o->hash_next) {
		if (strcmp(o->path, path) == 0)
			return o;
	}
	if (d->set->pattern != NULL && out->count >= d->set->max_outputs)
		return NULL;
	o = calloc(1, sizeof(*o) + strlen(path) + 1);
	if (o == NULL) {
		decap_fail(d, "out of memory");
		return NULL;
	}
	strcpy(o->path, path);
	o->file = o->path;
	o->since = time(NULL);
	o->hash_next = out->buckets[b];
	out->buckets[b] = o;
	if (out->last != NULL)
		out->last->next = o;
	else
		out->first = o;
	out->last = o;
	out->count++;
	return o;
}

/*
 * The ring of open outputs, from the least recently used to the most
 * following newer, then out->ring, then round again; an output's link
 * is its first member.  A run with more --split files than may be open
 * reorders it for most packets: a few stores each, no search.
 */
static void
ring_take_out(struct open_ring *link)
{
	link->older->newer = link->newer;
	link->newer->older = link->older;
}

static void
ring_put_newest(struct decap_outputs *out, struct open_ring *link)
{
	if (out->ring.newer == NULL)	/* empty, never linked */
		out->ring.newer = out->ring.older = &out->ring;
	link->older = out->ring.older;
	link->newer = &out->ring;
	out->ring.older->newer = link;
	out->ring.older = link;
}

/* the open output used least recently: the one to close for another */
static struct output *
least_recent(const struct decap_outputs *out)
{
	return (struct output *)out->ring.newer;
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

/* o's file created (truncated), its header not written: the link type
   its header gives may wait for the first packet */
static int
create_file(struct decap *d, struct output *o)
{
	if (d->set->pattern != NULL && make_parents(o->file) != 0) {
		open_failed(d, o, strerror(errno));
		return -1;
	}
	o->unstarted = strcmp(o->file, "-") == 0 ? stdout :
						   fopen(o->file, "wb");
	if (o->unstarted == NULL) {
		open_failed(d, o, strerror(errno));
		return -1;
	}
	return 0;
}

static int close_output(struct decap *d, struct output *o);

/*
 * Open o for packets of linktype: its file is created the first time
 * (with linktype 0 nothing more: -w at the start, so that a bad path
 * fails at once, and its header waits for the first packet, whose link
 * type it gives, since a pipe or a FIFO cannot take a header back), then
 * given its file header; a file that has one is appended to.  The least
 * recently used output is closed first when max_open are open.
 */
static int
open_output(struct decap *d, struct output *o, int linktype)
{
	struct decap_outputs *out = &d->out;
	pcap_t *dead;

	if (linktype != 0 && out->nopen >= d->set->max_open &&
	    close_output(d, least_recent(out)) != 0)
		return -1;
	if (o->unstarted == NULL && !o->created && create_file(d, o) != 0)
		return -1;
	if (linktype == 0)
		return 0;
	dead = pcap_open_dead_with_tstamp_precision(linktype, DECAP_SNAPLEN,
		d->set->nano ? PCAP_TSTAMP_PRECISION_NANO :
			       PCAP_TSTAMP_PRECISION_MICRO);
	if (dead == NULL) {
		output_failed(d, o, "cannot create a capture handle");
		return -1;
	}
	if (o->unstarted != NULL)
		o->dumper = pcap_dump_fopen(dead, o->unstarted);
	else
		o->dumper = pcap_dump_open_append(dead, o->file);
	if (o->dumper == NULL)
		open_failed(d, o, pcap_geterr(dead));
	pcap_close(dead);
	if (o->dumper == NULL)
		return -1;
	o->unstarted = NULL;
	o->size = (uint64_t)pcap_dump_ftell64(o->dumper);
	o->created = 1;
	o->linktype = linktype;
	ring_put_newest(out, &o->ring);
	out->nopen++;
	return 0;
}

/* flush and close o's file; 0, or -1 on a write error */
static int
close_output(struct decap *d, struct output *o)
{
	struct decap_outputs *out = &d->out;
	int bad;

	if (o->unstarted != NULL) {
		bad = fclose(o->unstarted) != 0;
		o->unstarted = NULL;
	} else if (o->dumper != NULL) {
		bad = pcap_dump_flush(o->dumper) != 0 ||
		      ferror(pcap_dump_file(o->dumper));
		pcap_dump_close(o->dumper);
		o->dumper = NULL;
		ring_take_out(&o->ring);
		out->nopen--;
	} else {
		return 0;
	}
	if (bad)
		output_failed(d, o, "write error");
	return bad ? -1 : 0;
}

/*
 * The name of o's current file: with -G, strftime on the pattern at the
 * time the file began; with -C, its number appended (from the second
 * file on, or on every file with -W), as tcpdump names them.
 */
static int
name_file(struct decap *d, struct output *o)
{
	const struct rotation *r = &d->set->rotate;
	char base[4096], name[4096 + 16];
	struct tm tm;

	if (r->seconds == 0)
		snprintf(base, sizeof(base), "%s", o->path);
	else if (localtime_r(&o->since, &tm) == NULL ||
		 strftime(base, sizeof(base), o->path, &tm) == 0) {
		output_failed(d, o, "the file name is empty or too long");
		return -1;
	}
	if (r->bytes != 0 && (o->number != 0 || r->digits != 0))
		snprintf(name, sizeof(name), "%s%0*u", base, (int)r->digits,
			 o->number);
	else
		snprintf(name, sizeof(name), "%s", base);
	if (o->file != o->path)
		free(o->file);
	o->file = strdup(name);
	if (o->file == NULL) {
		o->file = o->path;
		decap_fail(d, "out of memory");
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
	const struct rotation *r = &d->set->rotate;
	int due = 0;

	if (!o->created || (r->seconds == 0 && r->bytes == 0))
		return 0;
	if (r->seconds != 0 && time(NULL) - o->since >= (time_t)r->seconds) {
		if (r->bytes == 0 && r->files != 0 &&
		    o->files_begun + 1 >= r->files) {
			d->out.files_done = 1;
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

/* the output of these ids: -w's, or --split's; NULL past --max-outputs
   or on an error */
static struct output *
output_for(struct decap *d, const struct jp_jmirror *jm)
{
	const struct decap_settings *set = d->set;
	char path[4096];
	struct output *o;

	if (set->pattern == NULL)
		return d->out.first;
	if (expand_pattern(set->pattern, jm, set->rotate.seconds != 0, path,
			   sizeof(path)) != 0) {
		decap_fail(d, "--split: file name too long");
		return NULL;
	}
	o = find_output(d, path);
	if (o != NULL && o->written == 0 && o->file == o->path &&
	    (set->rotate.seconds != 0 || set->rotate.digits != 0) &&
	    name_file(d, o) != 0)
		return NULL;
	return o;
}

/* the packet p, with its header h, into o */
static void
write_record(struct decap *d, struct output *o, const struct pcap_pkthdr *h,
	     const uint8_t *p)
{
	pcap_dump((u_char *)o->dumper, h, p);
	o->size += 16 + h->caplen;	/* a record header and the packet */
	o->written++;
	if (d->out.ring.older != &o->ring) {
		ring_take_out(&o->ring);
		ring_put_newest(&d->out, &o->ring);
	}
	d->st.counts.written++;
	if (d->set->flush_each && pcap_dump_flush(o->dumper) != 0)
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
		d->st.counts.unknown_payload++;
		return;
	}
	o = output_for(d, jm);
	if (o == NULL) {
		if (!d->st.failed)
			d->st.counts.past_max_outputs++;
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
	if (!filter_passes(d, linktype, &oh, r.p)) {
		d->st.counts.filtered++;
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
	if (o->dumper == NULL && open_output(d, o, linktype) != 0)
		return;
	write_record(d, o, &oh, r.p);
}

/* ---- start and end ---- */

/* -w FILE: its file, opened at the start, under its first name */
int
decap_open_outputs(struct decap *d)
{
	struct output *o;

	if (d->set->path == NULL)
		return 0;
	o = find_output(d, d->set->path);
	if (o == NULL || name_file(d, o) != 0)
		return -1;
	return open_output(d, o, 0);
}

/* SIGHUP: every output with a file header closed, to be reopened
   (appended to, or created again where it was moved away) by its next
   packet */
int
decap_reopen_outputs(struct decap *d)
{
	struct output *o;
	int bad = 0;

	for (o = d->out.first; o != NULL; o = o->next) {
		if (o->dumper != NULL && strcmp(o->path, "-") != 0)
			bad |= close_output(d, o) != 0;
	}
	return bad ? -1 : 0;
}

/*
 * Flush and close every output; -w's output gets its file header even
 * when nothing was written (the link type of --payload, raw IP for
 * auto).  0, or -1 when this or an earlier step of the run failed.
 */
int
decap_close_outputs(struct decap *d)
{
	struct output *o = d->out.first;

	if (d->set->pattern == NULL && o != NULL && o->unstarted != NULL)
		open_output(d, o, d->set->payload == PAYLOAD_PPP ? DLT_PPP :
								   DLT_RAW);
	for (o = d->out.first; o != NULL; o = o->next)
		close_output(d, o);
	return d->st.failed ? -1 : 0;
}

void
decap_free_outputs(struct decap *d)
{
	struct output *o, *next;

	for (o = d->out.first; o != NULL; o = next) {
		next = o->next;
		if (o->unstarted != NULL)
			fclose(o->unstarted);
		if (o->dumper != NULL)
			pcap_dump_close(o->dumper);
		if (o->file != o->path)
			free(o->file);
		free(o);
	}
	memset(&d->out, 0, sizeof(d->out));
}

/* "N written: PATH N, PATH N, ... and K more outputs" */
void
decap_print_outputs(const struct decap *d, FILE *f)
{
	const unsigned most = 10;
	const struct output *o;
	unsigned n = 0;

	fprintf(f, "%s: %lu written", DECAP_PROG, d->st.counts.written);
	for (o = d->out.first; o != NULL && n < most; o = o->next, n++)
		fprintf(f, "%s %s %lu", n == 0 ? ":" : ",",
			strcmp(o->path, "-") == 0 ? "standard output" : o->file,
			o->written);
	if (d->out.count > most)
		fprintf(f, " and %u more outputs", d->out.count - most);
	fputc('\n', f);
}
