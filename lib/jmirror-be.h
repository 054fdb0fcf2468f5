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
 * jmirror-be.h: network (big-endian) and little-endian fields, for
 * jmirror-wrap, jmirror-decap and the reassembler alike.
 */

#ifndef JMIRROR_BE_H
#define JMIRROR_BE_H

#include <stdint.h>

static inline unsigned
jp_get_be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static inline uint32_t
jp_get_be32(const uint8_t *p)
{
	return (uint32_t)jp_get_be16(p) << 16 | jp_get_be16(p + 2);
}

static inline unsigned
jp_get_le16(const uint8_t *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

static inline uint32_t
jp_get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static inline void
jp_put_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
jp_put_be32(uint8_t *p, uint32_t v)
{
	jp_put_be16(p, v >> 16);
	jp_put_be16(p + 2, v & 0xffff);
}

#endif /* JMIRROR_BE_H */
