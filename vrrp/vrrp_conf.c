/* Keywords of vrrp_instance, vrrp_script and vrrp_sync_group, and the checks between them. */
#include <stdio.h>
#include <string.h>

#include "lib/config.h"
#include "vrrp/vrrp.h"

#define MS(s) ((int64_t)(s) * 1000)

static const struct cfg_enum vrrp_states[] = {
	{ "MASTER", VRRP_WANT_MASTER }, { "BACKUP", VRRP_WANT_BACKUP }, { NULL, 0 },
};

#define I(field) CFG_FIELD(struct cfg_vrrp_instance, field)
static const struct cfg_keyword vrrp_instance_keywords[] = {
	{ "state", cfg_kw_enum, I(state), 0, 0, vrrp_states, 0 },
	{ "interface", cfg_kw_string, I(interface), 0, 0, NULL, 0 },
	{ "virtual_router_id", cfg_kw_uint, I(vrid), 1, 255, NULL, 0 },
	{ "priority", cfg_kw_uint, I(priority), 1, 255, NULL, 0 },
	/* v2 carries whole seconds (checked once the version is known); v3 centiseconds up to 40.95 s */
	{ "advert_int", cfg_kw_duration, I(advert_int_ms), 10, MS(255), NULL, 0 },
	{ "version", cfg_kw_uint, I(version), 2, 3, NULL, 0 },
	{ "nopreempt", cfg_kw_flag, I(nopreempt), 0, 0, NULL, 0 },
	{ "preempt", cfg_kw_unflag, I(nopreempt), 0, 0, NULL, 0 },
	{ "preempt_delay", cfg_kw_duration, I(preempt_delay_ms), 0, MS(1000), NULL, 0 },
	{ "accept", cfg_kw_flag, I(accept), 0, 0, NULL, 0 },
	{ "no_accept", cfg_kw_unflag, I(accept), 0, 0, NULL, 0 },
	{ "mcast_src_ip", cfg_kw_addr, I(mcast_src_ip), 0, 0, NULL, 0 },
	{ "unicast_src_ip", cfg_kw_addr, I(unicast_src_ip), 0, 0, NULL, 0 },
	{ "garp_master_delay", cfg_kw_duration, I(garp_master_delay_ms), 0, MS(3600), NULL, 0 },
	{ "garp_master_repeat", cfg_kw_uint, I(garp_master_repeat), 1, 255, NULL, 0 },
	{ "garp_master_refresh", cfg_kw_duration, I(garp_master_refresh_ms), 0, MS(86400), NULL, 0 },
	{ "dont_track_primary", cfg_kw_flag, I(dont_track_primary), 0, 0, NULL, 0 },
	{ "notify_master", cfg_kw_command, I(notify_master), 0, 0, NULL, 0 },
	{ "notify_backup", cfg_kw_command, I(notify_backup), 0, 0, NULL, 0 },
	{ "notify_fault", cfg_kw_command, I(notify_fault), 0, 0, NULL, 0 },
	{ "notify_stop", cfg_kw_command, I(notify_stop), 0, 0, NULL, 0 },
	{ "notify", cfg_kw_command, I(notify), 0, 0, NULL, 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use notify scripts", CFG_KW_MAYBE_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef I

const struct cfg_block vrrp_instance_block = { "vrrp_instance", vrrp_instance_keywords, NULL };

#define S(field) CFG_FIELD(struct cfg_vrrp_script, field)
static const struct cfg_keyword vrrp_script_keywords[] = {
	{ "script", cfg_kw_command, S(script), 0, 0, NULL, 0 },
	{ "interval", cfg_kw_duration, S(interval_ms), 10, MS(86400), NULL, 0 },
	{ "timeout", cfg_kw_duration, S(timeout_ms), 10, MS(86400), NULL, 0 },
	{ "weight", cfg_kw_int, S(weight), -253, 253, NULL, 0 },
	{ "rise", cfg_kw_uint, S(rise), 1, 1000000, NULL, 0 },
	{ "fall", cfg_kw_uint, S(fall), 1, 1000000, NULL, 0 },
	{ "user", cfg_kw_command, S(user), 0, 0, NULL, 0 },
	{ "init_fail", cfg_kw_flag, S(init_fail), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef S

const struct cfg_block vrrp_script_block = { "vrrp_script", vrrp_script_keywords, NULL };

#define G(field) CFG_FIELD(struct cfg_vrrp_sync_group, field)
/* `group { VI_1 VI_2 }`: every word of every line in the block is an instance name. */
static int
sync_group_member(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_sync_group *g = obj;

	for (int i = 0; i < st->argc; i++) {
		if (g->nmembers == CFG_SYNC_GROUP_MAX)
			return cfg_stmt_error(ctx, st, "more than %d instances in one sync group", CFG_SYNC_GROUP_MAX);
		if (strlen(st->argv[i]) >= CFG_NAME_MAX)
			return cfg_stmt_error(ctx, st, "instance name '%s' too long", st->argv[i]);
		strcpy(g->members[g->nmembers++], st->argv[i]);
	}
	return 0;
}

static const struct cfg_block sync_group_members = { "group", NULL, sync_group_member };

static const struct cfg_keyword vrrp_sync_group_keywords[] = {
	{ "group", cfg_kw_subblock, 0, 0, 0, 0, &sync_group_members, CFG_KW_BLOCK },
	{ "notify_master", cfg_kw_command, G(notify_master), 0, 0, NULL, 0 },
	{ "notify_backup", cfg_kw_command, G(notify_backup), 0, 0, NULL, 0 },
	{ "notify_fault", cfg_kw_command, G(notify_fault), 0, 0, NULL, 0 },
	{ "notify", cfg_kw_command, G(notify), 0, 0, NULL, 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use notify scripts", CFG_KW_MAYBE_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef G

const struct cfg_block vrrp_sync_group_block = { "vrrp_sync_group", vrrp_sync_group_keywords, NULL };

static int
instance_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	snprintf(vi->name, sizeof(vi->name), "%s", st->argv[1]);
	if (strlen(st->argv[1]) >= sizeof(vi->name))
		return cfg_stmt_error(ctx, st, "name too long");
	vi->priority = 100;
	vi->advert_int_ms = 1000;
	vi->garp_master_repeat = 5;
	vi->garp_master_delay_ms = 5000;
	return 0;
}

static int
instance_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;
	uint32_t version = vi->version ? vi->version : ctx->conf->global->vrrp_version;

	if (vi->interface[0] == '\0')
		cfg_stmt_error(ctx, st, "%s: needs an interface", vi->name);
	if (vi->vrid == 0)
		cfg_stmt_error(ctx, st, "%s: needs a virtual_router_id", vi->name);
	if (version == 2 && vi->advert_int_ms % 1000 != 0)
		cfg_stmt_error(ctx, st, "%s: advert_int must be whole seconds with VRRP version 2", vi->name);
	if (version == 3 && vi->advert_int_ms > 40950)
		cfg_stmt_error(ctx, st, "%s: advert_int is at most 40.95 s with VRRP version 3", vi->name);
	return 0;
}

static int
script_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_script *vs = obj;

	if (strlen(st->argv[1]) >= sizeof(vs->name))
		return cfg_stmt_error(ctx, st, "name too long");
	strcpy(vs->name, st->argv[1]);
	vs->interval_ms = 1000;
	vs->rise = 1;
	vs->fall = 1;
	return 0;
}

static int
script_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_vrrp_script *vs = obj;

	if (vs->script[0] == '\0')
		cfg_stmt_error(ctx, st, "%s: needs a script", vs->name);
	return 0;
}

const struct cfg_object_spec vrrp_instance_spec = {
	CFG_VRRP_INSTANCE, &vrrp_instance_block, 1, 1, instance_defaults, instance_finish,
};
const struct cfg_object_spec vrrp_script_spec = {
	CFG_VRRP_SCRIPT, &vrrp_script_block, 1, 1, script_defaults, script_finish,
};
const struct cfg_object_spec vrrp_sync_group_spec = {
	CFG_VRRP_SYNC_GROUP, &vrrp_sync_group_block, 1, 1, NULL, NULL,
};

static void
obj_error(struct cfg_ctx *ctx, const struct cfg_obj *o, const char *what, const char *name, const char *msg)
{
	cfg_error(ctx->diag, o->pos, "%s %s: %s", what, name, msg);
}

/* Names must be unique; a sync group's members must exist and belong to one group only. */
int
vrrp_conf_check(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	struct cfg_vrrp_instance *vi, *other;
	struct cfg_vrrp_sync_group *g, *h;
	size_t before = ctx->diag->nerrors;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, other) {
			if (other == vi)
				break;
			if (strcmp(other->name, vi->name) == 0)
				obj_error(ctx, &vi->hdr, "vrrp_instance", vi->name, "defined twice");
			else if (other->vrid == vi->vrid && strcmp(other->interface, vi->interface) == 0 &&
				 (other->version ? other->version : conf->global->vrrp_version) ==
				 (vi->version ? vi->version : conf->global->vrrp_version))
				obj_error(ctx, &vi->hdr, "vrrp_instance", vi->name,
					  "same virtual_router_id and interface as another instance");
		}
	}
	CONFIG_FOREACH(conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, g) {
		for (uint32_t m = 0; m < g->nmembers; m++) {
			bool found = false;

			CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
				found |= strcmp(vi->name, g->members[m]) == 0;
			if (!found)
				cfg_error(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: unknown vrrp_instance '%s'",
					  g->name, g->members[m]);
			CONFIG_FOREACH(conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, h) {
				if (h == g)
					break;
				for (uint32_t k = 0; k < h->nmembers; k++)
					if (strcmp(h->members[k], g->members[m]) == 0)
						obj_error(ctx, &g->hdr, "vrrp_sync_group", g->name,
							  "shares an instance with another sync group");
			}
		}
	}
	return (int)(ctx->diag->nerrors - before);
}
