/* The object store behind struct config: per kind, an array of separately allocated objects. */
#include "lib/config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

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

void *
config_add(struct config *conf, unsigned kind)
{
	const struct cfg_kind_info *ki = cfg_kind_info(kind);
	struct cfg_obj *obj;

	if (ki == NULL || (obj = calloc(1, ki->size)) == NULL)
		return NULL;
	if (config_append(conf, kind, obj) == -1) {
		free(obj);
		return NULL;
	}
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
	g->lvs_sync_daemon.maxlen = 1472;
	g->lvs_sync_daemon.port = 8848;
	g->lvs_sync_daemon.ttl = 1;
}

struct config *
config_new(void)
{
	struct config *conf = calloc(1, sizeof(*conf));

	if (conf == NULL)
		return NULL;
	conf->global = config_add(conf, CFG_GLOBAL);
	if (conf->global == NULL) {
		free(conf);
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
	for (unsigned k = 0; k < CFG_KIND_MAX; k++) {
		for (size_t i = 0; i < conf->count[k]; i++)
			free(conf->objs[k][i]);
		free(conf->objs[k]);
	}
	cfg_source_free(&conf->source);
	free(conf->path);
	free(conf);
}

void *
config_get(const struct config *conf, unsigned kind, size_t i)
{
	if (kind >= CFG_KIND_MAX || i >= conf->count[kind])
		return NULL;
	return conf->objs[kind][i];
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
		if (kw->handler == cfg_kw_string || kw->handler == cfg_kw_command)
			((char *)obj)[kw->off + kw->size - 1] = '\0';
		else if (kw->handler == cfg_kw_subblock)
			terminate_strings(kw->data, obj);
	}
}

int
config_add_copy(struct config *conf, unsigned kind, const void *obj, size_t size)
{
	const struct cfg_kind_info *ki = cfg_kind_info(kind);
	struct cfg_obj *copy;

	if (ki == NULL || size != ki->size)
		return -1;
	if (kind == CFG_GLOBAL) {
		memcpy(conf->global, obj, size);
		copy = &conf->global->hdr;
	} else {
		if ((copy = malloc(size)) == NULL)
			return -1;
		memcpy(copy, obj, size);
		if (config_append(conf, kind, copy) == -1) {
			free(copy);
			return -1;
		}
	}
	copy->kind = (uint16_t)kind;
	terminate_strings(ki->block, copy);
	if (ki->name_size > 0)
		((char *)copy)[ki->name_off + ki->name_size - 1] = '\0';
	return 0;
}

unsigned
config_children_needed(const struct config *conf)
{
	unsigned need = 0;

	if (conf->count[CFG_VRRP_INSTANCE] > 0)
		need |= CHILD_BIT(CHILD_VRRP);
	if (conf->count[CFG_VIRTUAL_SERVER] > 0)
		need |= CHILD_BIT(CHILD_IPVS) | CHILD_BIT(CHILD_CHECKERS);
	if (conf->global->lvs_sync_daemon.enabled || conf->count[CFG_CONN_SYNC] > 0)
		need |= CHILD_BIT(CHILD_SYNC);
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
