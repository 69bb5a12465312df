/* Injection into the kernel backup daemon, paced by its socket's queue (see sync_pace.h). */
#include "sync/sync_pace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEN_BYTES 4

void
sync_pace_init(struct sync_pace *p, size_t cap, uint64_t limit)
{
	memset(p, 0, sizeof(*p));
	p->cap = cap;
	p->limit = limit / 2;
	p->room = (int64_t)p->limit;
}

void
sync_pace_free(struct sync_pace *p)
{
	free(p->ring);
	sync_pace_init(p, p->cap, p->limit * 2);
}

uint64_t
sync_pace_cost(size_t len)
{
	/* an skb's truesize: the data rounded up to its allocation, plus the skb and its shared info */
	return (uint64_t)len * 2 + 512;
}

bool
sync_pace_may_send(struct sync_pace *p, size_t len)
{
	if (p->queued > 0 || p->room < (int64_t)sync_pace_cost(len))
		return false;
	p->room -= (int64_t)sync_pace_cost(len);
	return true;
}

static void
ring_copy_in(struct sync_pace *p, size_t at, const void *src, size_t n)
{
	size_t first = n < p->cap - at ? n : p->cap - at;

	memcpy(p->ring + at, src, first);
	memcpy(p->ring, (const uint8_t *)src + first, n - first);
}

static void
ring_copy_out(const struct sync_pace *p, size_t at, void *dst, size_t n)
{
	size_t first = n < p->cap - at ? n : p->cap - at;

	memcpy(dst, p->ring + at, first);
	memcpy((uint8_t *)dst + first, p->ring, n - first);
}

int
sync_pace_push(struct sync_pace *p, const void *buf, size_t len)
{
	uint32_t l = (uint32_t)len;

	if (p->ring == NULL && (p->ring = malloc(p->cap)) == NULL) {
		p->overflow++;
		return -1;
	}
	if (len > UINT32_MAX || p->cap - p->used < LEN_BYTES + len) {
		p->overflow++;
		return -1;
	}
	ring_copy_in(p, (p->head + p->used) % p->cap, &l, LEN_BYTES);
	ring_copy_in(p, (p->head + p->used + LEN_BYTES) % p->cap, buf, len);
	p->used += LEN_BYTES + len;
	p->queued++;
	p->waited++;
	return 0;
}

bool
sync_pace_peek(const struct sync_pace *p, uint8_t *buf, size_t cap, size_t *len)
{
	uint32_t l;

	if (p->queued == 0)
		return false;
	ring_copy_out(p, p->head, &l, LEN_BYTES);
	if (p->room < (int64_t)sync_pace_cost(l) || l > cap)
		return false;
	ring_copy_out(p, (p->head + LEN_BYTES) % p->cap, buf, l);
	*len = l;
	return true;
}

void
sync_pace_pop(struct sync_pace *p)
{
	uint32_t l;

	if (p->queued == 0)
		return;
	ring_copy_out(p, p->head, &l, LEN_BYTES);
	p->room -= (int64_t)sync_pace_cost(l);
	p->head = (p->head + LEN_BYTES + l) % p->cap;
	p->used -= LEN_BYTES + l;
	p->queued--;
	if (p->queued == 0) {
		/* nothing waits: give the memory back until the next burst */
		free(p->ring);
		p->ring = NULL;
		p->head = p->used = 0;
	}
}

void
sync_pace_look(struct sync_pace *p, uint64_t rx_queue)
{
	p->room = rx_queue >= p->limit ? 0 : (int64_t)(p->limit - rx_queue);
}

bool
sync_pace_parse_udp(const char *text, uint16_t port, uint64_t *rx_queue, uint64_t *drops)
{
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');
		unsigned sl, lport, rport, st;
		unsigned long long laddr, raddr, txq, rxq, dr;
		char tail[256];
		int n;

		/* "  12: 0100FE0A:2291 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 INODE 2 PTR DROPS" */
		n = sscanf(line, " %u: %llx:%x %llx:%x %x %llx:%llx", &sl, &laddr, &lport, &raddr, &rport, &st, &txq, &rxq);
		if (n == 8 && lport == port) {
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			const char *last;

			if (len >= sizeof(tail))
				len = sizeof(tail) - 1;
			memcpy(tail, line, len);
			tail[len] = '\0';
			while (len > 0 && tail[len - 1] == ' ')
				tail[--len] = '\0';
			last = strrchr(tail, ' ');
			if (last == NULL || sscanf(last + 1, "%llu", &dr) != 1)
				return false;
			*rx_queue = rxq;
			*drops = dr;
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}
