/* Interned strings in one buffer, found again through an open-addressing hash of their offsets. */
#include "lib/strtab.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS_MIN 64

void
strtab_init(struct strtab *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

void
strtab_free(struct strtab *t)
{
	size_t max = t->max;

	free(t->buf);
	free(t->slots);
	strtab_init(t, max);
}

static size_t
strtab_limit(const struct strtab *t)
{
	return t->max != 0 && t->max < STRTAB_MAX ? t->max : STRTAB_MAX;
}

/* FNV-1a: strings here are short, and a byte loop keeps the hash independent of alignment. */
static uint64_t
strtab_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static size_t
strtab_probe_start(const struct strtab *t, uint64_t h)
{
	return (size_t)(h ^ (h >> 32)) & (t->nslots - 1);
}

static void
strtab_place(uint32_t *slots, size_t nslots, size_t start, uint32_t off)
{
	size_t i = start;

	while (slots[i] != 0)
		i = (i + 1) & (nslots - 1);
	slots[i] = off;
}

/* Builds the index anew at a size that keeps it at most half full: on growth, and for a loaded table. */
static int
strtab_reindex(struct strtab *t, size_t want)
{
	size_t n = SLOTS_MIN, have = 0;
	uint32_t *slots;

	for (size_t off = 1; off < t->len; off += strlen(t->buf + off) + 1)
		have++;
	if (want < have + 1)
		want = have + 1;
	while (n < want * 2)
		n *= 2;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	t->nstrings = 0;
	for (size_t off = 1; off < t->len; off += strlen(t->buf + off) + 1) {
		const char *s = t->buf + off;

		strtab_place(slots, n, strtab_probe_start(t, strtab_hash(s, strlen(s))), (uint32_t)off);
		t->nstrings++;
	}
	return 0;
}

static int
strtab_reserve(struct strtab *t, size_t extra)
{
	size_t need = t->len + extra, cap = t->cap ? t->cap : 4096;
	char *buf;

	if (need > strtab_limit(t))
		return -1;
	if (need <= t->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > strtab_limit(t))
		cap = strtab_limit(t);
	if ((buf = realloc(t->buf, cap)) == NULL)
		return -1;
	t->buf = buf;
	t->cap = cap;
	return 0;
}

int
strtab_intern(struct strtab *t, const char *s, size_t n, uint32_t *off)
{
	uint64_t h;
	size_t i;

	*off = 0;
	if (n == 0)
		return 0;
	if (memchr(s, '\0', n) != NULL)
		return -1;
	if (t->len == 0) {
		if (strtab_reserve(t, 1) == -1)
			return -1;
		t->buf[t->len++] = '\0';
	}
	if ((t->slots == NULL || (t->nstrings + 1) * 2 > t->nslots) && strtab_reindex(t, t->nstrings + 1) == -1)
		return -1;
	h = strtab_hash(s, n);
	for (i = strtab_probe_start(t, h); t->slots[i] != 0; i = (i + 1) & (t->nslots - 1)) {
		const char *have = t->buf + t->slots[i];

		if (strncmp(have, s, n) == 0 && have[n] == '\0') {
			*off = t->slots[i];
			return 0;
		}
	}
	if (strtab_reserve(t, n + 1) == -1)
		return -1;
	memcpy(t->buf + t->len, s, n);
	t->buf[t->len + n] = '\0';
	t->slots[i] = (uint32_t)t->len;
	t->nstrings++;
	*off = (uint32_t)t->len;
	t->len += n + 1;
	return 0;
}

const char *
strtab_get(const struct strtab *t, uint32_t off)
{
	return off < t->len ? t->buf + off : "";
}

int
strtab_load(struct strtab *t, const void *buf, size_t len)
{
	const char *s = buf;
	char *copy;

	if (len == 0 || len > strtab_limit(t) || s[0] != '\0' || s[len - 1] != '\0')
		return -1;
	if ((copy = malloc(len)) == NULL)
		return -1;
	memcpy(copy, buf, len);
	free(t->buf);
	free(t->slots);
	t->buf = copy;
	t->len = t->cap = len;
	t->slots = NULL;
	t->nslots = t->nstrings = 0;
	return 0;
}

const void *
strtab_data(const struct strtab *t, size_t *len)
{
	if (t->len == 0) {
		*len = 1;
		return "";
	}
	*len = t->len;
	return t->buf;
}
