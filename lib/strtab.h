/*
 * A table of interned strings. Each distinct string is stored once and named by its offset in one buffer,
 * so that a pointer-free struct carries a string of any length in four bytes, a hundred thousand real
 * servers with the same notify script hold one copy of it, and the whole table crosses a process boundary
 * as one message. Offset 0 is always the empty string.
 */
#ifndef VIPD_STRTAB_H
#define VIPD_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct strtab {
	char *buf;		/* "" at 0, then each string with its NUL */
	size_t len, cap;
	size_t max;		/* bytes the buffer may grow to (0: STRTAB_MAX) */
	uint32_t *slots;	/* open addressing by hash: an offset, 0 free; NULL in a loaded table */
	size_t nslots, nstrings;
};

/* No offset reaches this far: it fits in 32 bits with room for the hash table's sentinel. */
#define STRTAB_MAX ((size_t)64 * 1024 * 1024)

/* An empty table (zeroed memory is one too). */
void strtab_init(struct strtab *t, size_t max);
void strtab_free(struct strtab *t);
/* The offset of s (n bytes, no NUL among them), stored if new. 0, or -1 when memory or the table's
 * maximum ran out. */
int strtab_intern(struct strtab *t, const char *s, size_t n, uint32_t *off);
/* The string at off; "" for an offset outside the table, so a corrupt offset never reads past it. */
const char *strtab_get(const struct strtab *t, uint32_t off);
/* Replaces the content with a buffer received whole (another process's table). It must begin and end
 * with NUL, so that every offset in it reads a terminated string. 0, or -1 (content unchanged). */
int strtab_load(struct strtab *t, const void *buf, size_t len);
/* The bytes to send: at least the leading NUL. */
const void *strtab_data(const struct strtab *t, size_t *len);

#endif
