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
 * jmirror-send: the live checks' traffic.  Sends COUNT jmirror datagrams
 * to a loopback address (and nowhere else), at RATE a second in bursts
 * of BURST (sendmmsg), or as fast as it can; datagram N carries the
 * mirrored packet N: an IPv4/UDP packet whose id and payload hold N.
 * --check reads the captures decap wrote, in order, and says whether
 * every record is a packet sent, byte for byte, in the order sent.
 *
 *   jmirror-send [-d ADDR] [-s ADDR] [-r RATE] [-b BURST] [-k SESSIONS]
 *                [-t SECONDS] PORT COUNT
 *   jmirror-send --check [-n COUNT] FILE...
 *
 * -d and -s: the destination (default 127.0.0.1) and source addresses;
 * -k: session ids 144 + N mod SESSIONS (default 1); -t: stop sending
 * after SECONDS (default 60) whatever is left.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* sendmmsg() */
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "jmirror-be.h"
#include "jmirror-ip.h"

#define JMIRROR_HDR	8
#define INNER_LEN	36	/* IPv4 20, UDP 8, the sequence number 8 */
#define MIRROR_ID	768
#define SESSION_ID	144
#define MAX_BURST	1024

struct options {
	const char *dest, *source;
	unsigned long rate, burst, sessions, seconds;
	unsigned long count;
	int port;
};

static void
fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "jmirror-send: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

/* the mirrored packet number seq (from 1): IPv4, UDP, seq as 8 bytes */
static void
inner_packet(uint64_t seq, uint8_t *p)
{
	memset(p, 0, INNER_LEN);
	p[0] = 0x45;
	jp_put_be16(p + 2, INNER_LEN);
	jp_put_be16(p + 4, (unsigned)(seq & 0xffff));
	p[8] = 64;
	p[9] = 17;
	jp_put_be32(p + 12, 0xc6336407);	/* 198.51.100.7 */
	jp_put_be32(p + 16, 0xcb007109);	/* 203.0.113.9 */
	jp_put_ipv4_checksum(p, JP_IPV4_HDR_LEN);
	jp_put_be16(p + 20, 40000);
	jp_put_be16(p + 22, 9);
	jp_put_be16(p + 24, 16);
	jp_put_be32(p + 28, (uint32_t)(seq >> 32));
	jp_put_be32(p + 32, (uint32_t)seq);
}

/* the jmirror datagram number seq */
static void
datagram(uint64_t seq, unsigned long sessions, uint8_t *p)
{
	jp_put_be32(p, MIRROR_ID);
	jp_put_be32(p + 4, SESSION_ID + (uint32_t)(seq % sessions));
	inner_packet(seq, p + JMIRROR_HDR);
}

/* only a loopback destination: 127.0.0.0/8 or ::1 */
static socklen_t
loopback_address(const char *text, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
		if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127)
			fail("%s: not a loopback address", text);
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return sizeof(*v4);
	}
	if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr))
			fail("%s: not a loopback address", text);
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return sizeof(*v6);
	}
	fail("%s: not an address", text);
	return 0;
}

static void
add_ns(struct timespec *t, uint64_t ns)
{
	ns += (uint64_t)t->tv_nsec;
	t->tv_sec += (time_t)(ns / 1000000000u);
	t->tv_nsec = (long)(ns % 1000000000u);
}

/* one burst of n datagrams from seq on; how many were sent */
static unsigned
send_burst(int s, struct sockaddr_storage *to, socklen_t tolen,
	   uint64_t seq, unsigned n, unsigned long sessions)
{
	static uint8_t buf[MAX_BURST][JMIRROR_HDR + INNER_LEN];
	static struct iovec iov[MAX_BURST];
	static struct mmsghdr msg[MAX_BURST];
	unsigned i, done = 0;
	int r;

	for (i = 0; i < n; i++) {
		datagram(seq + i, sessions, buf[i]);
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_name = to;
		msg[i].msg_hdr.msg_namelen = tolen;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		r = sendmmsg(s, msg + done, n - done, 0);
		if (r < 0 && (errno == EINTR || errno == ENOBUFS ||
			      errno == EAGAIN))
			continue;
		if (r < 0)
			fail("sendmmsg: %s", strerror(errno));
		done += (unsigned)r;
	}
	return done;
}

/* COUNT datagrams in bursts, paced to RATE, for SECONDS at the most;
   prints how many were sent */
static int
send_all(const struct options *o)
{
	struct sockaddr_storage to, from;
	socklen_t tolen = loopback_address(o->dest, o->port, &to), fromlen;
	struct timespec next, now, end;
	uint64_t seq = 1, gap_ns = 0;
	int s = socket(to.ss_family, SOCK_DGRAM, 0);

	if (s < 0)
		fail("socket: %s", strerror(errno));
	if (o->source != NULL) {
		fromlen = loopback_address(o->source, 0, &from);
		if (from.ss_family != to.ss_family ||
		    bind(s, (struct sockaddr *)&from, fromlen) != 0)
			fail("cannot send from %s", o->source);
	}
	if (o->rate != 0)
		gap_ns = (uint64_t)o->burst * 1000000000u / o->rate;
	clock_gettime(CLOCK_MONOTONIC, &next);
	end = next;
	add_ns(&end, (uint64_t)o->seconds * 1000000000u);
	while (seq <= o->count) {
		unsigned n = o->count - seq + 1 < o->burst ?
			     (unsigned)(o->count - seq + 1) : (unsigned)o->burst;

		seq += send_burst(s, &to, tolen, seq, n, o->sessions);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		if (gap_ns != 0) {
			add_ns(&next, gap_ns);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
					NULL);
		}
	}
	printf("%llu\n", (unsigned long long)(seq - 1));
	close(s);
	return 0;
}

/* the sequence number of a record, or 0 when it is no packet sent */
static uint64_t
record_seq(const struct pcap_pkthdr *h, const uint8_t *p)
{
	uint8_t want[INNER_LEN];
	uint64_t seq;

	if (h->caplen != INNER_LEN || h->len != INNER_LEN)
		return 0;
	seq = (uint64_t)p[28] << 56 | (uint64_t)p[29] << 48 |
	      (uint64_t)p[30] << 40 | (uint64_t)p[31] << 32 |
	      (uint64_t)p[32] << 24 | (uint64_t)p[33] << 16 |
	      (uint64_t)p[34] << 8 | p[35];
	inner_packet(seq, want);
	return seq != 0 && memcmp(p, want, INNER_LEN) == 0 ? seq : 0;
}

/* --check FILE...: every record a packet sent, in order; with -n COUNT
   exactly the packets 1 to COUNT */
static int
check_files(char **files, int nfiles, unsigned long count)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *p;
	uint64_t last = 0, seq, records = 0;
	int i, r;

	for (i = 0; i < nfiles; i++) {
		pcap_t *pc = pcap_open_offline(files[i], errbuf);

		if (pc == NULL)
			fail("%s", errbuf);
		while ((r = pcap_next_ex(pc, &h, &p)) == 1) {
			seq = record_seq(h, p);
			if (seq == 0 || seq <= last) {
				printf("record %llu of %s: %s\n",
				       (unsigned long long)records + 1,
				       files[i], seq == 0 ? "not a packet sent"
							  : "out of order");
				return 1;
			}
			last = seq;
			records++;
		}
		if (r != PCAP_ERROR_BREAK)
			fail("%s: a damaged capture", files[i]);
		pcap_close(pc);
	}
	printf("%llu records in order, byte-identical, last %llu\n",
	       (unsigned long long)records, (unsigned long long)last);
	return count != 0 && (records != count || last != count);
}

static unsigned long
number(const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0)
		fail("invalid number '%s'", arg);
	return v;
}

int
main(int argc, char **argv)
{
	struct options o = { "127.0.0.1", NULL, 0, MAX_BURST, 1, 60, 0, 0 };
	int check = 0, opt;

	if (argc > 1 && strcmp(argv[1], "--check") == 0) {
		check = 1;
		argv++, argc--;
	}
	while ((opt = getopt(argc, argv, "d:s:r:b:k:t:n:")) != -1) {
		switch (opt) {
		case 'd': o.dest = optarg; break;
		case 's': o.source = optarg; break;
		case 'r': o.rate = number(optarg); break;
		case 'b': o.burst = number(optarg); break;
		case 'k': o.sessions = number(optarg); break;
		case 't': o.seconds = number(optarg); break;
		case 'n': o.count = number(optarg); break;
		default: fail("%s", "bad option");
		}
	}
	if (o.burst == 0 || o.burst > MAX_BURST || o.sessions == 0)
		fail("%s", "-b 1-1024, -k 1 or more");
	if (check)
		return check_files(argv + optind, argc - optind, o.count);
	if (argc - optind != 2)
		fail("%s", "usage: jmirror-send [options] PORT COUNT | "
		     "--check [-n COUNT] FILE...");
	o.port = (int)number(argv[optind]);
	o.count = number(argv[optind + 1]);
	return send_all(&o);
}
