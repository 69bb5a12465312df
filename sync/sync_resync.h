/*
 * Full-table resync: the kernel has no call that lists connections, so the master reads the text of
 * /proc/net/ip_vs_conn (or ip_vs_conn_sync) and turns each line back into a v1 sync record. The parsing is
 * pure (unit tested on text captured from a real kernel); the reader goes through the file a few pages at
 * a time (sync_cache.h explains why that file is only read once).
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

/*
 * Reads a connection table from /proc a few read()s at a time, so the event loop keeps running: each read
 * returns one page and costs the kernel a walk of its hash up to that point.
 */
struct sync_proc_reader {
	int fd;
	char buf[64 * 1024];
	size_t len;
	struct sync_proc_fmt fmt;
	struct sync_fwd_map fwd;
	uint64_t records, bad, skipped;
};
/* Opens conns (e.g. /proc/net/ip_vs_conn), and reads services (/proc/net/ip_vs, NULL: none) for the
 * forwarding methods. -1 with errno if conns cannot be opened. */
int sync_proc_reader_open(struct sync_proc_reader *r, const char *conns, const char *services);
/* Up to `reads` read()s; cb gets each connection. Returns 1 at the end of the file, 0 if there is more, -1
 * with errno on a read error. */
int sync_proc_reader_step(struct sync_proc_reader *r, unsigned reads, sync_conn_cb cb, void *arg);
void sync_proc_reader_close(struct sync_proc_reader *r);

/* Reads a whole (proc) file into a malloc'd NUL-terminated buffer; NULL with errno on failure. */
char *sync_read_file(const char *path, size_t *len);

#endif
