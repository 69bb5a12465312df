/*
 * The connection table as this director last heard of it: every sync record that passes through the
 * child (the kernel master's as master, the peers' as backup), the newest one per connection, until its
 * timeout runs out. A resync is answered from here.
 *
 * Why not straight from /proc/net/ip_vs_conn: the kernel prints that file one page per read() and finds
 * where to resume by walking the connection hash from its start, so a full read is quadratic — about 20 s
 * for 100,000 connections under emulation, seconds on hardware, all of it with the table locked a page at a
 * time. The cache answers in one pass. /proc is still read once, in small steps, when the child starts
 * (sync_resync.h), for what the kernel held before this child was there to hear it.
 *
 * A walk hands out every live entry once, a budget at a time; expiry waits while a walk is in progress, so
 * entries cannot move under it.
 */
#ifndef VIPD_SYNC_CACHE_H
#define VIPD_SYNC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/sync_codec.h"

struct sync_cache_entry;

struct sync_cache {
	struct sync_cache_entry *e;	/* dense: [0, n) */
	size_t n, cap, max;
	uint32_t *slot;			/* open addressing: entry index + 1, 0 = empty */
	size_t nslots;			/* a power of two, at least twice n */
	unsigned walks;			/* walks in progress */
	size_t expire_pos;		/* where the expiry sweep goes on */
	uint64_t full;			/* records not kept: max reached */
};

void sync_cache_init(struct sync_cache *c, size_t max);
void sync_cache_free(struct sync_cache *c);

/*
 * Keeps conn as the connection's newest record, as of now (ns). With replace false an entry that exists
 * already is left as it is (records heard on the wire are newer than what /proc showed).
 * Returns 0, 1 when the cache is full (not kept, counted), or -1 when memory ran out.
 */
int sync_cache_put(struct sync_cache *c, const struct sync_conn *conn, uint64_t now, bool replace);
size_t sync_cache_count(const struct sync_cache *c);
/* Looks a connection up by its identity (protocol, addresses, ports, template, fwmark); for tests. */
bool sync_cache_get(const struct sync_cache *c, const struct sync_conn *key, uint64_t now, struct sync_conn *out);
/* Removes up to budget entries whose time ran out (nothing while a walk is in progress). Returns how many. */
size_t sync_cache_expire(struct sync_cache *c, uint64_t now, size_t budget);

struct sync_cache_walk {
	size_t pos;
	uint64_t records;
};
void sync_cache_walk_start(struct sync_cache *c, struct sync_cache_walk *w);
/* Adds up to max live records to enc, each with the time it has left; stops early when enc is full
 * (*full set). Returns how many were added. */
unsigned sync_cache_walk_fill(struct sync_cache *c, struct sync_cache_walk *w, uint64_t now, struct sync_enc *enc,
			      unsigned max, bool *full);
bool sync_cache_walk_done(const struct sync_cache *c, const struct sync_cache_walk *w);
void sync_cache_walk_end(struct sync_cache *c, struct sync_cache_walk *w);

#endif
