/* Routing and remembering child events in the parent. */
#include "core/route.h"

#include <stdlib.h>
#include <string.h>

#include "bfd/bfd.h"
#include "bfd/bfd_packet.h"
#include "core/child.h"
#include "core/parent.h"
#include "lib/log.h"

/* Who receives what a child sends; the sender must be the one that owns the event. */
struct route_rule {
	uint16_t type;
	enum child_kind from;
	unsigned to;		/* CHILD_BIT mask */
};

static const struct route_rule rules[] = {
	{ IPC_RS_STATE, CHILD_CHECKERS, CHILD_BIT(CHILD_IPVS) },
	{ IPC_VRRP_STATE, CHILD_VRRP, CHILD_BIT(CHILD_SYNC) },
	/* narrowed to one of them by the bfd_instance's `vrrp` or `checker` (bfd_targets) */
	{ IPC_BFD_STATE, CHILD_BFD, CHILD_BIT(CHILD_VRRP) | CHILD_BIT(CHILD_CHECKERS) },
};

/* On (re)start, what each child gets replayed. */
static const unsigned replay_rs = CHILD_BIT(CHILD_IPVS) | CHILD_BIT(CHILD_CHECKERS);
static const unsigned replay_vrrp = CHILD_BIT(CHILD_VRRP) | CHILD_BIT(CHILD_SYNC);
/* the bfd child gets its own back: a restarted one takes its sessions over without the peers noticing */
static const unsigned replay_bfd = CHILD_BIT(CHILD_VRRP) | CHILD_BIT(CHILD_CHECKERS) | CHILD_BIT(CHILD_BFD);

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 64;
	if ((nv = reallocarray(v, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return nv;
}

static size_t
key_hash(const struct cfg_rs_key *key)
{
	const unsigned char *b = (const unsigned char *)key;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(*key); i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 31));
}

/* The slot of key: where it is, or the free one where it would go. */
static uint32_t *
rs_slot(const struct route_memory *m, const struct cfg_rs_key *key)
{
	size_t i = key_hash(key) & (m->nslots - 1);

	while (m->rs_slots[i] != 0 && memcmp(&m->rs[m->rs_slots[i] - 1].key, key, sizeof(*key)) != 0)
		i = (i + 1) & (m->nslots - 1);
	return &m->rs_slots[i];
}

/* (Re)builds the index for at least want states, at most half full. */
static bool
rs_reindex(struct route_memory *m, size_t want)
{
	size_t n = 64;
	uint32_t *slots;

	while (n < want * 2)
		n *= 2;
	if (want > UINT32_MAX - 1 || (slots = calloc(n, sizeof(*slots))) == NULL)
		return false;
	free(m->rs_slots);
	m->rs_slots = slots;
	m->nslots = n;
	for (size_t i = 0; i < m->nrs; i++)
		*rs_slot(m, &m->rs[i].key) = (uint32_t)i + 1;
	return true;
}

static bool
remember_rs(struct route_memory *m, const struct ipc_rs_state *st)
{
	struct ipc_rs_state *v;
	uint32_t *slot;

	if ((m->nrs + 1) * 2 > m->nslots && !rs_reindex(m, m->nrs + 1))
		return false;
	slot = rs_slot(m, &st->key);
	if (*slot != 0) {
		m->rs[*slot - 1] = *st;
		return true;
	}
	if ((v = grow(m->rs, &m->caprs, m->nrs, sizeof(*v))) == NULL)
		return false;
	m->rs = v;
	m->rs[m->nrs++] = *st;
	*slot = (uint32_t)m->nrs;
	return true;
}

static bool
remember_vrrp(struct route_memory *m, const struct ipc_vrrp_state *st)
{
	struct ipc_vrrp_state *v;

	for (size_t i = 0; i < m->nvrrp; i++) {
		if (strncmp(m->vrrp[i].instance, st->instance, sizeof(st->instance)) == 0) {
			m->vrrp[i] = *st;
			return true;
		}
	}
	if ((v = grow(m->vrrp, &m->capvrrp, m->nvrrp, sizeof(*v))) == NULL)
		return false;
	m->vrrp = v;
	m->vrrp[m->nvrrp++] = *st;
	return true;
}

static bool
remember_bfd(struct route_memory *m, const struct ipc_bfd_state *st)
{
	struct ipc_bfd_state *v;

	for (size_t i = 0; i < m->nbfd; i++) {
		if (strncmp(m->bfd[i].name, st->name, sizeof(st->name)) == 0) {
			m->bfd[i] = *st;
			return true;
		}
	}
	if ((v = grow(m->bfd, &m->capbfd, m->nbfd, sizeof(*v))) == NULL)
		return false;
	m->bfd = v;
	m->bfd[m->nbfd++] = *st;
	return true;
}

/* Who hears of a BFD session: vrrp and checkers, or the one its bfd_instance names. */
static unsigned
bfd_targets(const struct parent *pa, const char *name, unsigned to)
{
	const struct cfg_bfd_instance *b = pa->conf != NULL ? bfd_conf_find(pa->conf, name) : NULL;

	if (b == NULL)
		return to;
	return to & ((b->to_vrrp ? CHILD_BIT(CHILD_VRRP) : 0) | (b->to_checker ? CHILD_BIT(CHILD_CHECKERS) : 0) |
		     CHILD_BIT(CHILD_BFD));
}

static void
forward(struct parent *pa, unsigned to, uint16_t type, const void *data, size_t len)
{
	for (int k = 0; k < CHILD_MAX; k++) {
		struct child *c = &pa->children[k];

		if ((to & CHILD_BIT(k)) && c->state == CHILD_RUNNING && ipc_send(&c->ipc, type, data, len) == 0)
			child_flush_later(c);
	}
}

bool
route_from_child(struct parent *pa, struct child *from, const struct ipc_msg *msg)
{
	const struct route_rule *rule = NULL;
	bool stored;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].type == msg->type && rules[i].from == from->kind)
			rule = &rules[i];
	if (rule == NULL)
		return false;
	if (msg->type == IPC_BFD_STATE) {
		struct ipc_bfd_state st;

		memcpy(&st, msg->data, sizeof(st));
		st.name[sizeof(st.name) - 1] = '\0';
		if (!remember_bfd(&pa->memory, &st))
			log_warnx("out of memory remembering a %s", ipc_type_name(msg->type));
		forward(pa, bfd_targets(pa, st.name, rule->to), msg->type, &st, sizeof(st));
		return true;
	}
	if (msg->type == IPC_RS_STATE) {
		struct ipc_rs_state st;

		memcpy(&st, msg->data, sizeof(st));
		st.reason[sizeof(st.reason) - 1] = '\0';
		stored = remember_rs(&pa->memory, &st);
	} else {
		struct ipc_vrrp_state st;

		memcpy(&st, msg->data, sizeof(st));
		st.instance[sizeof(st.instance) - 1] = '\0';
		stored = remember_vrrp(&pa->memory, &st);
	}
	if (!stored)
		log_warnx("out of memory remembering a %s", ipc_type_name(msg->type));
	forward(pa, rule->to, msg->type, msg->data, msg->len);
	return true;
}

void
route_replay(struct parent *pa, struct child *to)
{
	const struct route_memory *m = &pa->memory;
	int r = 0;

	if (replay_rs & CHILD_BIT(to->kind))
		for (size_t i = 0; i < m->nrs && r == 0; i++)
			r = ipc_send(&to->ipc, IPC_RS_STATE, &m->rs[i], sizeof(m->rs[i]));
	if (replay_vrrp & CHILD_BIT(to->kind))
		for (size_t i = 0; i < m->nvrrp && r == 0; i++)
			r = ipc_send(&to->ipc, IPC_VRRP_STATE, &m->vrrp[i], sizeof(m->vrrp[i]));
	if (replay_bfd & CHILD_BIT(to->kind))
		for (size_t i = 0; i < m->nbfd && r == 0; i++)
			if (bfd_targets(pa, m->bfd[i].name, CHILD_BIT(to->kind)) != 0)
				r = ipc_send(&to->ipc, IPC_BFD_STATE, &m->bfd[i], sizeof(m->bfd[i]));
	if (r != 0)
		log_warnx("%s: cannot queue the remembered states", to->ops->name);
	child_flush_later(to);
}

/* Remembered states ordered by key (their order does not matter otherwise). */
static int
state_key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct ipc_rs_state *)a)->key, &((const struct ipc_rs_state *)b)->key,
		      sizeof(struct cfg_rs_key));
}

static int
key_state_cmp(const void *key, const void *st)
{
	return memcmp(key, &((const struct ipc_rs_state *)st)->key, sizeof(struct cfg_rs_key));
}

/* The real servers the configuration still has keep their remembered state: the remembered ones sorted,
 * each real server of the configuration looked up among them (n log n, and nothing when none is
 * remembered, as with no checkers). */
static void
prune_rs(struct route_memory *m, const struct config *conf)
{
	const struct cfg_real_server *rs;
	bool *still;
	size_t kept = 0;

	if (m->nrs == 0)
		return;
	if ((still = calloc(m->nrs, sizeof(*still))) == NULL) {
		log_warnx("out of memory pruning remembered real servers");
		return;
	}
	qsort(m->rs, m->nrs, sizeof(*m->rs), state_key_cmp);
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, const struct cfg_real_server, rs) {
		struct cfg_rs_key key;
		const struct ipc_rs_state *found;

		config_rs_key(conf, rs, &key);
		if ((found = bsearch(&key, m->rs, m->nrs, sizeof(*m->rs), key_state_cmp)) != NULL)
			still[found - m->rs] = true;
	}
	for (size_t i = 0; i < m->nrs; i++)
		if (still[i])
			m->rs[kept++] = m->rs[i];
	m->nrs = kept;
	free(still);
	if (!rs_reindex(m, m->nrs)) {
		/* without an index nothing can be found: forget rather than keep duplicates later */
		log_warnx("out of memory indexing remembered real servers: forgetting them");
		m->nrs = 0;
		if (m->rs_slots != NULL)
			memset(m->rs_slots, 0, m->nslots * sizeof(*m->rs_slots));
	}
}

void
route_prune(struct parent *pa)
{
	struct route_memory *m = &pa->memory;
	const struct config *conf = pa->conf;
	size_t kept = 0;

	prune_rs(m, conf);

	kept = 0;
	for (size_t i = 0; i < m->nvrrp; i++) {
		struct cfg_vrrp_instance *vi;
		bool found = false;

		CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
			found |= strcmp(vi->name, m->vrrp[i].instance) == 0;
		if (found)
			m->vrrp[kept++] = m->vrrp[i];
	}
	m->nvrrp = kept;

	kept = 0;
	for (size_t i = 0; i < m->nbfd; i++)
		if (bfd_conf_find(conf, m->bfd[i].name) != NULL)
			m->bfd[kept++] = m->bfd[i];
	m->nbfd = kept;
}

bool
route_has_master(const struct route_memory *m)
{
	for (size_t i = 0; i < m->nvrrp; i++)
		if (m->vrrp[i].state == VRRP_STATE_MASTER)
			return true;
	return false;
}

bool
route_has_bfd_up(const struct route_memory *m)
{
	for (size_t i = 0; i < m->nbfd; i++)
		if (m->bfd[i].state == BFD_UP)
			return true;
	return false;
}

void
route_status(const struct route_memory *m, struct json_object *out)
{
	json_object_object_add(out, "remembered_real_servers", json_object_new_int64((int64_t)m->nrs));
	json_object_object_add(out, "remembered_vrrp_instances", json_object_new_int64((int64_t)m->nvrrp));
	json_object_object_add(out, "remembered_bfd_sessions", json_object_new_int64((int64_t)m->nbfd));
}

void
route_free(struct route_memory *m)
{
	free(m->rs);
	free(m->rs_slots);
	free(m->vrrp);
	free(m->bfd);
	memset(m, 0, sizeof(*m));
}
