/*
 * Injection into the local kernel backup daemon, paced by its socket's receive queue.
 *
 * The kernel's backup thread installs connections at its own speed, and a datagram that arrives while its
 * socket's buffer is full is dropped without a word to the sender: only that socket's drop counter in
 * /proc/net/udp moves. A resync burst (100,000 records at 200,000 a second) lost a tenth of its datagrams
 * that way in the lab. So what is to be injected waits here while the kernel's queue is more than half
 * full; the child looks at the queue in /proc/net/udp every 2 ms while there is something to pace.
 * The queue (pure, unit-tested) keeps whole datagrams in arrival order.
 */
#ifndef VIPD_SYNC_PACE_H
#define VIPD_SYNC_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sync_pace {
	uint8_t *ring;		/* datagrams, each behind its 4-byte length */
	size_t cap, head, used;
	size_t queued;		/* datagrams waiting */
	int64_t room;		/* bytes of the kernel's buffer we may still fill before looking again */
	uint64_t limit;		/* what we let the kernel's queue hold: half its buffer */
	uint64_t waited;	/* datagrams that had to wait */
	uint64_t overflow;	/* datagrams dropped because this queue was full */
};

/* cap: bytes this queue may hold; limit: the kernel socket's receive buffer in bytes. Nothing is allocated
 * until a datagram has to wait. */
void sync_pace_init(struct sync_pace *p, size_t cap, uint64_t limit);
void sync_pace_free(struct sync_pace *p);
/* What a datagram of len bytes takes of the kernel's buffer, about (its queue counts whole buffers). */
uint64_t sync_pace_cost(size_t len);
/* Whether a datagram may go to the kernel now, nothing waiting before it; it then counts against room. */
bool sync_pace_may_send(struct sync_pace *p, size_t len);
/* Keeps a datagram for later; -1 when the queue is full or memory ran out (counted in overflow). */
int sync_pace_push(struct sync_pace *p, const void *buf, size_t len);
/* Copies the oldest waiting datagram into buf if room allows sending it now; sync_pace_pop then removes
 * it and counts it against room. */
bool sync_pace_peek(const struct sync_pace *p, uint8_t *buf, size_t cap, size_t *len);
void sync_pace_pop(struct sync_pace *p);
/* The kernel's queue as just read: room becomes what is left up to limit. */
void sync_pace_look(struct sync_pace *p, uint64_t rx_queue);

/* From the text of /proc/net/udp: the receive queue and drop count of the socket bound to local port
 * port. False if there is none. */
bool sync_pace_parse_udp(const char *text, uint16_t port, uint64_t *rx_queue, uint64_t *drops);

#endif
