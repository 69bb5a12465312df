/*
 * Lenient value handlers (ipvs/ipvs_conf.h) and the removal of objects keepalived drops. keepalived 2.2.7
 * logs a value it cannot parse in these blocks and goes on with the setting unchanged; so do these, as a
 * recovery, which `--strict` and config_strict turn into an error.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipvs/ipvs_conf.h"
#include "lib/config.h"

static void *
field(void *obj, const struct cfg_keyword *kw)
{
	return (char *)obj + kw->off;
}

static void
store(void *obj, const struct cfg_keyword *kw, int64_t v)
{
	void *p = field(obj, kw);

	switch (kw->size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = (uint64_t)v; break;
	}
}

/* keepalived refuses a file where a keyword that needs a value has none; it reads the first word only */
static int
one_arg(struct cfg_ctx *ctx, const struct cfg_stmt *st)
{
	if (st->argc < 2)
		return cfg_stmt_error(ctx, st, "missing argument");
	if (st->argc > 2)
		cfg_stmt_warning(ctx, st, "only the first word is read");
	return 0;
}

int
ipvs_kw_uint(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	int64_t v;

	if (one_arg(ctx, st) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], kw->min, kw->max, &v) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not a number from %" PRId64 " to %" PRId64 "; ignored",
					  st->argv[1], kw->min, kw->max);
	store(obj, kw, v);
	return 0;
}

int
ipvs_kw_duration(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	uint64_t ms;

	if (one_arg(ctx, st) == -1)
		return -1;
	if (cfg_parse_duration_ms(st->argv[1], &ms) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not a duration in seconds (like 1 or 0.25); ignored",
					  st->argv[1]);
	if ((int64_t)ms < kw->min || (int64_t)ms > kw->max)
		return cfg_stmt_recovered(ctx, st, "%s s is out of range (%" PRId64 ".%03" PRId64 " to %" PRId64
					  ".%03" PRId64 " s); ignored", st->argv[1], kw->min / 1000, kw->min % 1000,
					  kw->max / 1000, kw->max % 1000);
	store(obj, kw, (int64_t)ms);
	return 0;
}

int
ipvs_kw_addr(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_addr a;

	if (one_arg(ctx, st) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &a) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not an IPv4 or IPv6 address; ignored", st->argv[1]);
	memcpy(field(obj, kw), &a, sizeof(a));
	return 0;
}

int
ipvs_kw_enum(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_enum *e;
	char choices[256] = "";
	size_t used = 0;

	if (one_arg(ctx, st) == -1)
		return -1;
	for (e = kw->data; e->name != NULL; e++) {
		if (strcasecmp(e->name, st->argv[1]) == 0) {
			store(obj, kw, e->value);
			return 0;
		}
		if (used < sizeof(choices))
			used += (size_t)snprintf(choices + used, sizeof(choices) - used, "%s%s", used ? ", " : "",
						 e->name);
	}
	return cfg_stmt_recovered(ctx, st, "'%s' is not one of %s; ignored", st->argv[1], choices);
}

static const struct cfg_enum bools[] = {
	{ "on", 1 }, { "off", 0 }, { "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 }, { NULL, 0 },
};

/* `KEYWORD [on|off|yes|no|true|false]`, no word meaning on */
int
ipvs_kw_bool(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	for (const struct cfg_enum *e = bools; st->argc > 1 && e->name != NULL; e++) {
		if (strcasecmp(e->name, st->argv[1]) == 0) {
			store(obj, kw, e->value);
			return 0;
		}
	}
	if (st->argc > 1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not one of on, off, yes, no, true, false; ignored",
					  st->argv[1]);
	store(obj, kw, 1);
	return 0;
}

int
ipvs_kw_flag_any(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (st->argc > 1)
		cfg_stmt_warning(ctx, st, "takes no value: '%s' is ignored and %s is set, as keepalived does",
				 st->argv[1], st->argv[0]);
	store(obj, kw, 1);
	return 0;
}

/* ---- dropping objects ---- */

/*
 * Compacts one kind: objects marked, or whose parent (of kind `parent_kind`, already compacted, its old ids
 * mapped by parent_map) went, are removed. map[old id] = new id (0 = removed). The slabs keep the memory.
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

static bool
any_marked(const struct config *conf, unsigned kind, unsigned mask)
{
	for (size_t i = 0; i < conf->count[kind]; i++)
		if (((const struct cfg_obj *)conf->objs[kind][i])->reserved & mask)
			return true;
	return false;
}

int
ipvs_conf_drop_marked(struct config *conf, unsigned mask)
{
	static const unsigned chain[] = { CFG_VIRTUAL_SERVER, CFG_REAL_SERVER, CFG_CHECKER, CFG_CHECK_URL };
	uint32_t *maps[4] = { NULL, NULL, NULL, NULL };
	size_t old[4];
	bool any = false;
	int r = 0;

	for (size_t k = 0; k < 4; k++) {
		any |= any_marked(conf, chain[k], mask);
		old[k] = conf->count[chain[k]];
	}
	if (!any)
		return 0;
	for (size_t k = 0; k < 4 && r == 0; k++)
		r = drop_kind(conf, chain[k], mask, k ? maps[k - 1] : NULL, k ? old[k - 1] : 0, &maps[k]);
	for (size_t k = 0; k < 4; k++)
		free(maps[k]);
	return r;
}
