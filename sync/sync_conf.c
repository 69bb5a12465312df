/* Keywords of connection sync: keepalived's lvs_sync_daemon line and vipd's connection_sync block. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/config.h"
#include "sync/sync.h"

static int
copy_word(struct cfg_ctx *ctx, const struct cfg_stmt *st, char *dst, size_t size, const char *word)
{
	if (strlen(word) >= size)
		return cfg_stmt_error(ctx, st, "'%s' is too long", word);
	strcpy(dst, word);
	return 0;
}

static int
option_number(struct cfg_ctx *ctx, const struct cfg_stmt *st, int i, int64_t min, int64_t max, uint32_t *out)
{
	int64_t v;

	if (i + 1 >= st->argc || cfg_parse_int(st->argv[i + 1], min, max, &v) == -1)
		return cfg_stmt_error(ctx, st, "%s needs a number from %lld to %lld", st->argv[i], (long long)min,
				      (long long)max);
	*out = (uint32_t)v;
	return 0;
}

int
sync_conf_lvs_sync_daemon(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw,
			  void *obj)
{
	struct cfg_lvs_sync_daemon *sd = &((struct cfg_global *)obj)->lvs_sync_daemon;
	int i = 2;

	if (cfg_nargs(ctx, st, 1, 12) == -1 || copy_word(ctx, st, sd->interface, sizeof(sd->interface),
							st->argv[1]) == -1)
		return -1;
	/* the optional instance name comes first and is not one of the option words */
	if (i < st->argc && strcmp(st->argv[i], "id") && strcmp(st->argv[i], "maxlen") &&
	    strcmp(st->argv[i], "port") && strcmp(st->argv[i], "ttl") && strcmp(st->argv[i], "group")) {
		if (copy_word(ctx, st, sd->instance, sizeof(sd->instance), st->argv[i]) == -1)
			return -1;
		i++;
	}
	for (; i < st->argc; i += 2) {
		const char *opt = st->argv[i];
		int r;

		if (strcmp(opt, "id") == 0)
			r = option_number(ctx, st, i, 0, 255, &sd->syncid);
		else if (strcmp(opt, "maxlen") == 0)
			r = option_number(ctx, st, i, 1, 65507, &sd->maxlen);
		else if (strcmp(opt, "port") == 0)
			r = option_number(ctx, st, i, 1, 65535, &sd->port);
		else if (strcmp(opt, "ttl") == 0)
			r = option_number(ctx, st, i, 1, 255, &sd->ttl);
		else if (strcmp(opt, "group") == 0)
			r = (i + 1 < st->argc && cfg_parse_addr(st->argv[i + 1], false, &sd->group) == 0) ? 0 :
			    cfg_stmt_error(ctx, st, "group needs a multicast address");
		else
			r = cfg_stmt_error(ctx, st, "unknown option '%s'", opt);
		if (r == -1)
			return -1;
	}
	sd->enabled = true;
	return 0;
}

static const struct cfg_enum sync_modes[] = {
	{ "kernel", SYNC_MODE_KERNEL }, { "relay", SYNC_MODE_RELAY }, { NULL, 0 },
};

#define S(field) CFG_FIELD(struct cfg_conn_sync, field)
static const struct cfg_keyword conn_sync_keywords[] = {
	{ "mode", cfg_kw_enum, S(mode), 0, 0, sync_modes, 0 },
	{ "interface", cfg_kw_string, S(interface), 0, 0, NULL, 0 },
	{ "vrrp_instance", cfg_kw_string, S(instance), 0, 0, NULL, 0 },
	{ "syncid", cfg_kw_uint, S(syncid), 0, 255, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef S

const struct cfg_block conn_sync_block = { "connection_sync", conn_sync_keywords, NULL };

static int
conn_sync_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_conn_sync *cs = obj;

	return cs->interface[0] == '\0' ? cfg_stmt_error(ctx, st, "needs an interface") : 0;
}

const struct cfg_object_spec conn_sync_spec = {
	CFG_CONN_SYNC, &conn_sync_block, 0, 1, NULL, conn_sync_finish,
};

static bool
instance_exists(const struct config *conf, const char *name)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		if (strcmp(vi->name, name) == 0)
			return true;
	return false;
}

/* The VRRP instance whose state a sync daemon follows must exist. */
int
sync_conf_check(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	const struct cfg_lvs_sync_daemon *sd = &conf->global->lvs_sync_daemon;
	struct cfg_conn_sync *cs;
	size_t before = ctx->diag->nerrors;

	if (sd->enabled && sd->instance[0] && !instance_exists(conf, sd->instance))
		cfg_error(ctx->diag, conf->global->hdr.pos, "lvs_sync_daemon: unknown vrrp_instance '%s'",
			  sd->instance);
	CONFIG_FOREACH(conf, CFG_CONN_SYNC, struct cfg_conn_sync, cs)
		if (cs->instance[0] && !instance_exists(conf, cs->instance))
			cfg_error(ctx->diag, cs->hdr.pos, "connection_sync: unknown vrrp_instance '%s'", cs->instance);
	if (conf->count[CFG_CONN_SYNC] > 1) {
		cs = config_get(conf, CFG_CONN_SYNC, 1);
		cfg_error(ctx->diag, cs->hdr.pos, "connection_sync: only one block is allowed");
	}
	return (int)(ctx->diag->nerrors - before);
}
