/*
 * The object store behind struct config: per kind, an array of pointers to objects that live in slabs,
 * and the string table their texts point into.
 */
#include "lib/config.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

/* A slab holds many objects; one bigger than a quarter of it gets a slab of its own. */
#define SLAB_BYTES ((size_t)256 * 1024)
#define OBJ_ALIGN alignof(max_align_t)

struct cfg_slab {
	struct cfg_slab *next;
	size_t used, size;
	alignas(max_align_t) unsigned char mem[];
};

/* Zeroed memory for an object, aligned for any field. */
static void *
config_alloc(struct config *conf, size_t size)
{
	size_t need = (size + OBJ_ALIGN - 1) & ~(OBJ_ALIGN - 1);
	struct cfg_slab *s = conf->slabs;
	void *p;

	if (s == NULL || s->size - s->used < need) {
		size_t bytes = need > SLAB_BYTES / 4 ? need : SLAB_BYTES;

		if ((s = calloc(1, sizeof(*s) + bytes)) == NULL)
			return NULL;
		s->size = bytes;
		if (bytes == need && conf->slabs != NULL) {
			/* behind the current slab, which keeps filling */
			s->next = conf->slabs->next;
			conf->slabs->next = s;
		} else {
			s->next = conf->slabs;
			conf->slabs = s;
		}
	}
	p = s->mem + s->used;
	s->used += need;
	return p;
}

static int
config_append(struct config *conf, unsigned kind, void *obj)
{
	if (conf->count[kind] == conf->cap[kind]) {
		size_t ncap = conf->cap[kind] ? conf->cap[kind] * 2 : 8;
		void **nv = reallocarray(conf->objs[kind], ncap, sizeof(*nv));

		if (nv == NULL)
			return -1;
		conf->objs[kind] = nv;
		conf->cap[kind] = ncap;
	}
	conf->objs[kind][conf->count[kind]++] = obj;
	return 0;
}

/* A zeroed object at the end of its kind's list; NULL if memory ran out (then nothing changed). */
static struct cfg_obj *
config_push(struct config *conf, unsigned kind, size_t size)
{
	struct cfg_obj *obj;

	if (config_append(conf, kind, NULL) == -1)
		return NULL;
	if ((obj = config_alloc(conf, size)) == NULL) {
		conf->count[kind]--;
		return NULL;
	}
	conf->objs[kind][conf->count[kind] - 1] = obj;
	return obj;
}

void *
config_add(struct config *conf, unsigned kind)
{
	const struct cfg_kind_info *ki = cfg_kind_info(kind);
	struct cfg_obj *obj;

	if (ki == NULL || (obj = config_push(conf, kind, ki->size)) == NULL)
		return NULL;
	obj->kind = (uint16_t)kind;
	obj->id = (uint32_t)conf->count[kind];
	return obj;
}

static void
global_defaults(struct cfg_global *g)
{
	g->vrrp_version = 2;
	g->vrrp_garp_master_delay_ms = 5000;
	g->vrrp_garp_master_repeat = 5;
	g->lvs_sync_daemon.syncid = 0;
	g->lvs_sync_daemon.maxlen = 0;	/* the kernel sizes it from the MTU */
	g->lvs_sync_daemon.port = 8848;
	g->lvs_sync_daemon.ttl = 1;
}

struct config *
config_new(void)
{
	struct config *conf = calloc(1, sizeof(*conf));

	if (conf == NULL)
		return NULL;
	strtab_init(&conf->strings, 0);
	conf->global = config_add(conf, CFG_GLOBAL);
	if (conf->global == NULL) {
		config_free(conf);
		return NULL;
	}
	global_defaults(conf->global);
	return conf;
}

void
config_free(struct config *conf)
{
	if (conf == NULL)
		return;
	for (unsigned k = 0; k < CFG_KIND_MAX; k++)
		free(conf->objs[k]);
	while (conf->slabs != NULL) {
		struct cfg_slab *next = conf->slabs->next;

		free(conf->slabs);
		conf->slabs = next;
	}
	strtab_free(&conf->strings);
	cfg_source_free(&conf->source);
	for (size_t i = 0; i < conf->nwarnings; i++)
		free(conf->warnings[i]);
	free(conf->warnings);
	free(conf->path);
	free(conf);
}

int
config_keep_warnings(struct config *conf, const struct cfg_diag *diag)
{
	if (diag->nwarnings == 0)
		return 0;
	if ((conf->warnings = calloc(diag->nwarnings, sizeof(char *))) == NULL)
		return -1;
	for (; conf->nwarnings < diag->nwarnings; conf->nwarnings++)
		if ((conf->warnings[conf->nwarnings] = strdup(diag->warnings[conf->nwarnings])) == NULL)
			return -1;
	return 0;
}

void *
config_get(const struct config *conf, unsigned kind, size_t i)
{
	if (kind >= CFG_KIND_MAX || i >= conf->count[kind])
		return NULL;
	return conf->objs[kind][i];
}

void
config_remove(struct config *conf, unsigned kind, size_t i)
{
	if (kind >= CFG_KIND_MAX || i >= conf->count[kind])
		return;
	memmove(&conf->objs[kind][i], &conf->objs[kind][i + 1], (conf->count[kind] - i - 1) * sizeof(void *));
	conf->count[kind]--;
	for (; i < conf->count[kind]; i++)
		((struct cfg_obj *)conf->objs[kind][i])->id = (uint32_t)i + 1;
}

/*
 * Compacts one kind: objects marked, or whose parent (already compacted, its old ids mapped by parent_map)
 * went, are removed. map[old id] = new id (0 = removed).
 */
static int
drop_kind(struct config *conf, unsigned kind, unsigned mask, const uint32_t *parent_map, size_t parent_n,
	  uint32_t **map_out)
{
	size_t n = conf->count[kind], kept = 0;
	uint32_t *map = calloc(n + 1, sizeof(*map));

	if (map == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct cfg_obj *o = conf->objs[kind][i];
		bool drop = (o->reserved & mask) != 0;

		if (parent_map != NULL && !drop)
			drop = o->parent == 0 || o->parent > parent_n || parent_map[o->parent] == 0;
		if (drop)
			continue;
		if (parent_map != NULL)
			o->parent = parent_map[o->parent];
		map[o->id <= n ? o->id : 0] = (uint32_t)(kept + 1);
		o->id = (uint32_t)(kept + 1);
		conf->objs[kind][kept++] = o;
	}
	map[0] = 0;
	conf->count[kind] = kept;
	*map_out = map;
	return 0;
}

int
config_remove_marked(struct config *conf, const unsigned *kinds, size_t n, unsigned mask)
{
	uint32_t *prev = NULL, *map = NULL;
	size_t prev_n = 0;
	bool any = false;
	int r = 0;

	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < conf->count[kinds[k]] && !any; i++)
			any = (((const struct cfg_obj *)conf->objs[kinds[k]][i])->reserved & mask) != 0;
	if (!any)
		return 0;
	for (size_t k = 0; k < n && r == 0; k++) {
		size_t before = conf->count[kinds[k]];

		r = drop_kind(conf, kinds[k], mask, prev, prev_n, &map);
		free(prev);
		prev = r == 0 ? map : NULL;
		prev_n = before;
	}
	free(prev);
	return r;
}

void *
config_find_id(const struct config *conf, unsigned kind, uint32_t id)
{
	/* ids are assigned in order from 1, so the id is the index; check in case a copy came out of order */
	struct cfg_obj *o = config_get(conf, kind, id - 1);

	if (o != NULL && o->id == id)
		return o;
	for (size_t i = 0; (o = config_get(conf, kind, i)) != NULL; i++)
		if (o->id == id)
			return o;
	return NULL;
}

/* Strings cross the process boundary in fixed arrays: make sure each one ends inside its array. */
static void
terminate_strings(const struct cfg_block *block, void *obj)
{
	if (block == NULL)
		return;
	for (const struct cfg_keyword *kw = block->keywords; kw != NULL && kw->name != NULL; kw++) {
		/* a char array whatever its handler: kw->size of one is its own size */
		if (kw->handler == cfg_kw_string || kw->handler == cfg_kw_command || (kw->flags & CFG_KW_CHARS)) {
			((char *)obj)[kw->off + kw->size - 1] = '\0';
		} else if (kw->handler == cfg_kw_script_chars) {
			((char *)obj)[kw->off + kw->size - 1] = '\0';
			((char *)obj)[kw->min + kw->max - 1] = '\0';	/* its "USER [GROUP]" */
		} else if (kw->handler == cfg_kw_subblock) {
			terminate_strings(kw->data, obj);
		}
	}
}

int
config_add_copies(struct config *conf, unsigned kind, const void *objs, size_t size, size_t count)
{
	const struct cfg_kind_info *ki = cfg_kind_info(kind);

	if (ki == NULL || size != ki->size || (kind == CFG_GLOBAL && count != 1))
		return -1;
	for (size_t i = 0; i < count; i++) {
		const void *obj = (const char *)objs + i * size;
		struct cfg_obj *copy;

		/* the one global object replaces the defaults of config_new */
		if (kind == CFG_GLOBAL)
			copy = &conf->global->hdr;
		else if ((copy = config_push(conf, kind, size)) == NULL)
			return -1;
		memcpy(copy, obj, size);
		copy->kind = (uint16_t)kind;
		terminate_strings(ki->block, copy);
		if (ki->name_size > 0)
			((char *)copy)[ki->name_off + ki->name_size - 1] = '\0';
	}
	return 0;
}

int
config_add_copy(struct config *conf, unsigned kind, const void *obj, size_t size)
{
	return config_add_copies(conf, kind, obj, size, 1);
}

unsigned
config_children_needed(const struct config *conf)
{
	unsigned need = 0;

	/* static_ipaddress, _routes and _rules are set up by the vrrp child, instances or not */
	if (conf->count[CFG_VRRP_INSTANCE] > 0 || conf->count[CFG_VRRP_STATIC] > 0)
		need |= CHILD_BIT(CHILD_VRRP);
	if (conf->count[CFG_VIRTUAL_SERVER] > 0)
		need |= CHILD_BIT(CHILD_IPVS) | CHILD_BIT(CHILD_CHECKERS);
	if (conf->global->lvs_sync_daemon.enabled || conf->count[CFG_CONN_SYNC] > 0)
		need |= CHILD_BIT(CHILD_SYNC);
	if (conf->count[CFG_BFD_INSTANCE] > 0)
		need |= CHILD_BIT(CHILD_BFD);
	if (conf->global->metrics_listen.port != 0)
		need |= CHILD_BIT(CHILD_METRICS);
	return need;
}

void
config_rs_key(const struct config *conf, const struct cfg_real_server *rs, struct cfg_rs_key *key)
{
	const struct cfg_virtual_server *vs = config_find_id(conf, CFG_VIRTUAL_SERVER, rs->hdr.parent);

	memset(key, 0, sizeof(*key));
	if (vs != NULL) {
		key->vs_addr = vs->addr;
		key->vs_port = vs->port;
		key->vs_fwmark = vs->fwmark;
		key->vs_protocol = vs->protocol;
		memcpy(key->vs_group, vs->group, sizeof(key->vs_group));
	}
	key->rs_addr = rs->addr;
	key->rs_port = rs->port;
}

struct cfg_real_server *
config_find_rs(const struct config *conf, const struct cfg_rs_key *key)
{
	struct cfg_real_server *rs;
	struct cfg_rs_key k;

	CONFIG_FOREACH(conf, CFG_REAL_SERVER, struct cfg_real_server, rs) {
		config_rs_key(conf, rs, &k);
		if (memcmp(&k, key, sizeof(k)) == 0)
			return rs;
	}
	return NULL;
}

/* ---- texts ---- */

const char *
config_text(const struct config *conf, struct cfg_text t)
{
	return conf != NULL ? strtab_get(&conf->strings, t.off) : "";
}

int
config_set_text(struct config *conf, struct cfg_text *t, const char *s, size_t len)
{
	return strtab_intern(&conf->strings, s, len, &t->off);
}

int
config_load_strings(struct config *conf, const void *buf, size_t len)
{
	return strtab_load(&conf->strings, buf, len);
}

/* ---- comparing ---- */

#define TEXTS_MAX 16

static size_t
add_text_offset(size_t *offs, size_t n, size_t off)
{
	size_t i;

	for (i = 0; i < n && offs[i] < off; i++)
		;
	if (i < n && offs[i] == off)
		return n;
	if (n == TEXTS_MAX)
		fatalx("a config kind has more than %d text fields", TEXTS_MAX);
	memmove(offs + i + 1, offs + i, (n - i) * sizeof(*offs));
	offs[i] = off;
	return n + 1;
}

/* The offsets of a kind's text fields, from its keyword table, ascending and each once. */
static size_t
collect_texts(const struct cfg_block *block, size_t *offs, size_t n)
{
	if (block == NULL)
		return n;
	for (const struct cfg_keyword *kw = block->keywords; kw != NULL && kw->name != NULL; kw++) {
		if (kw->handler == cfg_kw_subblock)
			n = collect_texts(kw->data, offs, n);
		else if (kw->handler == cfg_kw_text || kw->handler == cfg_kw_text_command)
			n = add_text_offset(offs, n, kw->off);
		else if (kw->handler == cfg_kw_script)
			n = add_text_offset(offs, add_text_offset(offs, n, kw->off), (size_t)kw->min);
	}
	return n;
}

static bool
same_bytes_and_texts(const struct config *ca, const void *a, const struct config *cb, const void *b, size_t size,
		     const size_t *texts, size_t ntexts, size_t from)
{
	const char *x = a, *y = b;

	for (size_t i = 0; i < ntexts; i++) {
		struct cfg_text ta, tb;

		if (texts[i] < from)
			continue;
		if (memcmp(x + from, y + from, texts[i] - from) != 0)
			return false;
		memcpy(&ta, x + texts[i], sizeof(ta));
		memcpy(&tb, y + texts[i], sizeof(tb));
		if (strcmp(config_text(ca, ta), config_text(cb, tb)) != 0)
			return false;
		from = texts[i] + sizeof(struct cfg_text);
	}
	return memcmp(x + from, y + from, size - from) == 0;
}

bool
config_obj_same(const struct config *ca, const void *a, const struct config *cb, const void *b, unsigned kind,
		size_t from)
{
	const struct cfg_kind_info *ki = cfg_kind_info(kind);
	size_t texts[TEXTS_MAX];
	size_t n;

	if (ki == NULL || from > ki->size)
		return false;
	n = collect_texts(ki->block, texts, 0);
	return same_bytes_and_texts(ca, a, cb, b, ki->size, texts, n, from);
}

bool
config_same_for(const struct config *a, const struct config *b, enum child_kind child)
{
	for (unsigned k = 0; k < CFG_KIND_MAX; k++) {
		const struct cfg_kind_info *ki = cfg_kind_info(k);
		size_t texts[TEXTS_MAX];
		size_t n;

		if (!(ki->children & CHILD_BIT(child)))
			continue;
		if (a->count[k] != b->count[k])
			return false;
		n = collect_texts(ki->block, texts, 0);
		for (size_t i = 0; i < a->count[k]; i++)
			if (!same_bytes_and_texts(a, a->objs[k][i], b, b->objs[k][i], ki->size, texts, n, 0))
				return false;
	}
	return true;
}
