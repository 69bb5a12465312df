/* The connection table as heard in sync records (see sync_cache.h). */
#include "sync/sync_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_SEC 1000000000ull
/* A record without a timeout (the kernel always sends one; /proc may show 0 for an expiring entry). */
#define DEFAULT_TIMEOUT_S 900
#define MIN_SLOTS 1024

/* Persistence-engine data: rare, so kept out of line. */
struct sync_cache_extra {
	bool has_pe_data;
	uint8_t pe_data_len;
	uint8_t pe_data[SYNC_PE_DATA_MAX];
	char pe_name[SYNC_PE_NAME_MAX + 1];
};

struct sync_cache_entry {
	uint64_t expires;		/* ns, the caller's clock */
	uint32_t hash;
	uint8_t af, protocol;
	uint16_t state;
	uint32_t flags;
	uint16_t cport, vport, dport;
	uint32_t fwmark;
	uint8_t caddr[16], vaddr[16], daddr[16];
	bool has_seq;
	struct sync_seq in_seq, out_seq;
	struct sync_cache_extra *extra;
};

/* What makes two records the same connection: the kernel's own lookup key, plus template-ness. */
static uint32_t
identity_hash(const struct sync_conn *c)
{
	uint8_t k[2 + 1 + 16 + 2 + 16 + 2 + 4];
	size_t alen = c->af == 6 ? 16 : 4, n = 0;
	uint32_t h = 2166136261u;

	k[n++] = c->af;
	k[n++] = c->protocol;
	k[n++] = (c->flags & SYNC_CF_TEMPLATE) != 0;
	memcpy(k + n, c->caddr, alen), n += alen;
	memcpy(k + n, &c->cport, 2), n += 2;
	memcpy(k + n, c->vaddr, alen), n += alen;
	memcpy(k + n, &c->vport, 2), n += 2;
	memcpy(k + n, &c->fwmark, 4), n += 4;
	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static bool
same_connection(const struct sync_cache_entry *e, const struct sync_conn *c)
{
	size_t alen = c->af == 6 ? 16 : 4;

	return e->af == c->af && e->protocol == c->protocol &&
	       (e->flags & SYNC_CF_TEMPLATE) == (c->flags & SYNC_CF_TEMPLATE) && e->cport == c->cport &&
	       e->vport == c->vport && e->fwmark == c->fwmark && memcmp(e->caddr, c->caddr, alen) == 0 &&
	       memcmp(e->vaddr, c->vaddr, alen) == 0;
}

void
sync_cache_init(struct sync_cache *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	c->max = max;
}

void
sync_cache_free(struct sync_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].extra);
	free(c->e);
	free(c->slot);
	sync_cache_init(c, c->max);
}

size_t
sync_cache_count(const struct sync_cache *c)
{
	return c->n;
}

/* The slot holding entry index i (which must be in the index). */
static size_t
slot_of(const struct sync_cache *c, size_t i)
{
	size_t mask = c->nslots - 1, j = c->e[i].hash & mask;

	while (c->slot[j] != i + 1)
		j = (j + 1) & mask;
	return j;
}

/* The slot of conn's entry, or of the empty slot where it would go. */
static size_t
find_slot(const struct sync_cache *c, const struct sync_conn *conn, uint32_t hash)
{
	size_t mask = c->nslots - 1, j = hash & mask;

	while (c->slot[j] != 0) {
		const struct sync_cache_entry *e = &c->e[c->slot[j] - 1];

		if (e->hash == hash && same_connection(e, conn))
			return j;
		j = (j + 1) & mask;
	}
	return j;
}

static int
rehash(struct sync_cache *c, size_t nslots)
{
	uint32_t *slot = calloc(nslots, sizeof(*slot));

	if (slot == NULL)
		return -1;
	free(c->slot);
	c->slot = slot;
	c->nslots = nslots;
	for (size_t i = 0; i < c->n; i++) {
		size_t j = c->e[i].hash & (nslots - 1);

		while (slot[j] != 0)
			j = (j + 1) & (nslots - 1);
		slot[j] = (uint32_t)(i + 1);
	}
	return 0;
}

/* Room for one more entry. */
static int
grow(struct sync_cache *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : MIN_SLOTS / 2;
		struct sync_cache_entry *e = reallocarray(c->e, cap, sizeof(*e));

		if (e == NULL)
			return -1;
		c->e = e;
		c->cap = cap;
	}
	if ((c->n + 1) * 2 > c->nslots)
		return rehash(c, c->nslots ? c->nslots * 2 : MIN_SLOTS);
	return 0;
}

static int
store(struct sync_cache_entry *e, const struct sync_conn *conn, uint32_t hash, uint64_t now)
{
	uint32_t timeout = conn->timeout ? conn->timeout : DEFAULT_TIMEOUT_S;
	struct sync_cache_extra *x = e->extra;

	if (conn->has_pe_data || conn->pe_name[0] != '\0') {
		if (x == NULL && (x = calloc(1, sizeof(*x))) == NULL)
			return -1;
		x->has_pe_data = conn->has_pe_data;
		x->pe_data_len = conn->pe_data_len;
		memcpy(x->pe_data, conn->pe_data, conn->pe_data_len);
		memcpy(x->pe_name, conn->pe_name, sizeof(x->pe_name));
	} else {
		free(x);
		x = NULL;
	}
	e->extra = x;
	e->expires = now + (uint64_t)timeout * NS_PER_SEC;
	e->hash = hash;
	e->af = conn->af;
	e->protocol = conn->protocol;
	e->state = conn->state;
	e->flags = conn->flags;
	e->cport = conn->cport;
	e->vport = conn->vport;
	e->dport = conn->dport;
	e->fwmark = conn->fwmark;
	memcpy(e->caddr, conn->caddr, sizeof(e->caddr));
	memcpy(e->vaddr, conn->vaddr, sizeof(e->vaddr));
	memcpy(e->daddr, conn->daddr, sizeof(e->daddr));
	e->has_seq = conn->has_seq;
	e->in_seq = conn->in_seq;
	e->out_seq = conn->out_seq;
	return 0;
}

static void
load(const struct sync_cache_entry *e, uint64_t now, struct sync_conn *out)
{
	uint64_t left = e->expires > now ? e->expires - now : 0;

	memset(out, 0, sizeof(*out));
	out->af = e->af;
	out->protocol = e->protocol;
	out->state = e->state;
	out->flags = e->flags;
	out->cport = e->cport;
	out->vport = e->vport;
	out->dport = e->dport;
	out->fwmark = e->fwmark;
	/* what is left, rounded up: a connection with 0.3 s left must not become one without a timeout */
	out->timeout = (uint32_t)((left + NS_PER_SEC - 1) / NS_PER_SEC);
	memcpy(out->caddr, e->caddr, sizeof(out->caddr));
	memcpy(out->vaddr, e->vaddr, sizeof(out->vaddr));
	memcpy(out->daddr, e->daddr, sizeof(out->daddr));
	out->has_seq = e->has_seq;
	out->in_seq = e->in_seq;
	out->out_seq = e->out_seq;
	if (e->extra != NULL) {
		out->has_pe_data = e->extra->has_pe_data;
		out->pe_data_len = e->extra->pe_data_len;
		memcpy(out->pe_data, e->extra->pe_data, e->extra->pe_data_len);
		memcpy(out->pe_name, e->extra->pe_name, sizeof(out->pe_name));
	}
}

int
sync_cache_put(struct sync_cache *c, const struct sync_conn *conn, uint64_t now, bool replace)
{
	uint32_t hash = identity_hash(conn);
	size_t j;

	if (conn->af != 4 && conn->af != 6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (c->nslots > 0) {
		j = find_slot(c, conn, hash);
		if (c->slot[j] != 0)
			return replace ? store(&c->e[c->slot[j] - 1], conn, hash, now) : 0;
	}
	if (c->n >= c->max || c->n >= UINT32_MAX - 1) {
		c->full++;
		return 1;
	}
	if (grow(c) == -1)
		return -1;
	c->e[c->n].extra = NULL;
	if (store(&c->e[c->n], conn, hash, now) == -1)
		return -1;
	j = find_slot(c, conn, hash);
	c->slot[j] = (uint32_t)(c->n + 1);
	c->n++;
	return 0;
}

bool
sync_cache_get(const struct sync_cache *c, const struct sync_conn *key, uint64_t now, struct sync_conn *out)
{
	size_t j;

	if (c->nslots == 0)
		return false;
	j = find_slot(c, key, identity_hash(key));
	if (c->slot[j] == 0 || c->e[c->slot[j] - 1].expires <= now)
		return false;
	load(&c->e[c->slot[j] - 1], now, out);
	return true;
}

/* Empties slot j, shifting back the entries after it that probed past it (no tombstones). */
static void
slot_delete(struct sync_cache *c, size_t j)
{
	size_t mask = c->nslots - 1, k = j;

	c->slot[j] = 0;
	for (;;) {
		size_t home;

		k = (k + 1) & mask;
		if (c->slot[k] == 0)
			return;
		home = c->e[c->slot[k] - 1].hash & mask;
		/* an entry may fill the hole if its home is not cyclically within (j, k] */
		if (j <= k ? (home <= j || home > k) : (home <= j && home > k)) {
			c->slot[j] = c->slot[k];
			c->slot[k] = 0;
			j = k;
		}
	}
}

static void
remove_at(struct sync_cache *c, size_t i)
{
	size_t last = c->n - 1;

	slot_delete(c, slot_of(c, i));
	free(c->e[i].extra);
	if (i != last) {
		c->slot[slot_of(c, last)] = (uint32_t)(i + 1);
		c->e[i] = c->e[last];
	}
	c->n--;
}

size_t
sync_cache_expire(struct sync_cache *c, uint64_t now, size_t budget)
{
	size_t removed = 0;

	if (c->walks > 0)
		return 0;
	while (budget-- > 0 && c->n > 0) {
		if (c->expire_pos >= c->n)
			c->expire_pos = 0;
		if (c->e[c->expire_pos].expires <= now) {
			remove_at(c, c->expire_pos);	/* the last entry moved here: look at it next */
			removed++;
		} else {
			c->expire_pos++;
		}
	}
	return removed;
}

void
sync_cache_walk_start(struct sync_cache *c, struct sync_cache_walk *w)
{
	w->pos = 0;
	w->records = 0;
	c->walks++;
}

unsigned
sync_cache_walk_fill(struct sync_cache *c, struct sync_cache_walk *w, uint64_t now, struct sync_enc *enc,
		     unsigned max, bool *full)
{
	unsigned added = 0;
	struct sync_conn conn;

	*full = false;
	while (added < max && w->pos < c->n) {
		const struct sync_cache_entry *e = &c->e[w->pos];
		int r;

		if (e->expires <= now) {
			w->pos++;
			continue;
		}
		load(e, now, &conn);
		if ((r = sync_enc_add(enc, &conn)) == 1) {
			*full = true;
			break;
		}
		w->pos++;
		if (r == 0) {
			added++;
			w->records++;
		}
	}
	return added;
}

bool
sync_cache_walk_done(const struct sync_cache *c, const struct sync_cache_walk *w)
{
	return w->pos >= c->n;
}

void
sync_cache_walk_end(struct sync_cache *c, struct sync_cache_walk *w)
{
	(void)w;
	if (c->walks > 0)
		c->walks--;
}
