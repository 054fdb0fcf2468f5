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
 * libFuzzer harness for jmirror-decap's packet path: each input is a
 * short capture of outer packets that go through decap_packet() (link
 * layer, outer IP, reassembly with a small budget, UDP, jmirror header,
 * payload conversion, filter) and are written by libpcap's dumper to
 * /dev/null, or through decap_udp_payload() as --listen hands them over.
 *
 * Input layout:
 *   byte 0    outer link type: an index into link_types[] (or, past its
 *             end, --listen: every record is a UDP payload)
 *   byte 1    flags: 0x01 -T, 0x06 --payload (0 auto, 1 ip, 2 ppp),
 *             0x08 a filter ("ip6 or icmp"), 0x10 --mirror-id=0-1000,
 *             0x20 -U
 *   then records: 2 bytes big-endian length, the packet (cut to what is
 *   left); each record 10 ms after the one before.
 *
 * Seeds: fuzz/make-decap-seeds.py turns captures into this layout.
 */

#include <stdint.h>
#include <string.h>

#include "decap.h"

#define FLAG_ANY_UDP	0x01
#define FLAG_PAYLOAD	0x06
#define FLAG_FILTER	0x08
#define FLAG_IDS	0x10
#define FLAG_FLUSH	0x20
#define STEP_US		10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int link_types[] = {
	DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, DLT_NULL, DLT_LOOP, DLT_PPP,
	DLT_PPP_SERIAL, DLT_C_HDLC, DLT_PPP_ETHER, DLT_FRELAY,
	DLT_ATM_RFC1483, DLT_SLIP
};
#define NLINK_TYPES (sizeof(link_types) / sizeof(link_types[0]))

static struct decap_settings set;
static struct decap d;

/* main()'s defaults, then what the input's first two bytes choose; a
   small reassembly budget and time-out, so that eviction and expiry
   run */
static void
configure(unsigned link, unsigned flags)
{
	decap_settings_init(&set);
	set.dlt = link < NLINK_TYPES ? link_types[link] : -1;
	set.any_udp = flags & FLAG_ANY_UDP;
	switch ((flags & FLAG_PAYLOAD) >> 1) {
	case 1:
		set.payload = PAYLOAD_IP;
		break;
	case 2:
		set.payload = PAYLOAD_PPP;
		break;
	default:
		set.payload = PAYLOAD_AUTO;
	}
	set.filter_text = flags & FLAG_FILTER ? "ip6 or icmp" : NULL;
	if (flags & FLAG_IDS) {
		set.mirror_ids.n = 1;
		set.mirror_ids.r[0].lo = 0;
		set.mirror_ids.r[0].hi = 1000;
	}
	set.flush_each = (flags & FLAG_FLUSH) != 0;
	set.path = "/dev/null";
	set.max_open = 4;
	set.limits.max_bytes = 64 * 1024;
	set.limits.timeout_ns = 200000000ull;
}

static void
feed(const uint8_t *data, size_t size)
{
	struct pcap_pkthdr h;
	unsigned n = 0;
	size_t len;

	memset(&h, 0, sizeof(h));
	while (size >= 2 && !decap_done(&d)) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		n++;
		h.ts.tv_sec = n / 100;
		h.ts.tv_usec = (n % 100) * STEP_US;
		h.caplen = h.len = (bpf_u_int32)len;
		if (set.dlt < 0)
			decap_udp_payload(&d, &h, data, (unsigned)len,
					  (unsigned)len);
		else
			decap_packet(&d, &h, data);
		data += len;
		size -= len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	configure(data[0], data[1]);
	if (decap_init(&d, &set) != 0 || decap_open_outputs(&d) != 0)
		__builtin_trap();
	feed(data + 2, size - 2);
	reasm_flush(d.st.reasm);
	decap_close_outputs(&d);
	decap_free(&d);
	return 0;
}
