/*
 * Full-table resync: the kernel has no call that lists connections, so the master reads the text of
 * /proc/net/ip_vs_conn (or ip_vs_conn_sync) and turns each line back into a v1 sync record. The parsing is
 * pure (unit tested on text captured from a real kernel); the cursor hands out records a budget at a time
 * so the sender can rate-limit itself.
 *
 * What the text does not show is recovered or defaulted: the forwarding method comes from /proc/net/ip_vs
 * (the real server's line; masquerading if it is not found), the timeout is the seconds left. Not shown
 * and not sent: fwmarks, sequence adjustments (only used by FTP helpers) and persistence-engine data.
 */
#ifndef VIPD_SYNC_RESYNC_H
#define VIPD_SYNC_RESYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/sync_codec.h"

/* The forwarding method of each real server, from /proc/net/ip_vs. */
struct sync_fwd_entry {
	uint8_t af;
	uint8_t fwd;		/* SYNC_CF_* forwarding bits */
	uint16_t port;
	uint8_t addr[16];
};
struct sync_fwd_map {
	struct sync_fwd_entry *e;
	size_t n, cap;
};
/* Fills the map from the text of /proc/net/ip_vs. Returns 0, or -1 if memory ran out. */
int sync_fwd_map_parse(struct sync_fwd_map *m, const char *text);
/* The forwarding bits for a real server, masquerading if unknown. */
uint32_t sync_fwd_lookup(const struct sync_fwd_map *m, uint8_t af, const uint8_t *addr, uint16_t port);
void sync_fwd_map_free(struct sync_fwd_map *m);

enum sync_line {
	SYNC_LINE_CONN,		/* *c holds a connection */
	SYNC_LINE_HEADER,	/* a header line; it set the format */
	SYNC_LINE_SKIP,		/* a valid line that v1 cannot carry (mixed address families, unknown state) */
	SYNC_LINE_BAD,		/* not a connection line */
};

/* The column layout, learnt from the header line. */
struct sync_proc_fmt {
	bool known;
	bool origin;		/* ip_vs_conn_sync: an Origin column before Expires */
};

/* One line, without its newline. */
enum sync_line sync_proc_parse_line(const char *line, struct sync_proc_fmt *fmt, const struct sync_fwd_map *fwd,
				    struct sync_conn *c);

/* A snapshot of the table being sent, consumed a budget at a time. */
struct sync_resync {
	char *text;		/* owned */
	size_t len, pos;
	struct sync_proc_fmt fmt;
	struct sync_fwd_map fwd;
	uint64_t records, bad, skipped;
};
/* Takes ownership of text (malloc'd, NUL-terminated) and of fwd. */
void sync_resync_start(struct sync_resync *rs, char *text, size_t len, struct sync_fwd_map *fwd);
/* Adds up to max records to enc; returns how many were added. Stops early when enc is full (*full set). */
unsigned sync_resync_fill(struct sync_resync *rs, struct sync_enc *enc, unsigned max, bool *full);
bool sync_resync_done(const struct sync_resync *rs);
void sync_resync_free(struct sync_resync *rs);

/* Reads a whole (proc) file into a malloc'd NUL-terminated buffer; NULL with errno on failure. */
char *sync_read_file(const char *path, size_t *len);

#endif
