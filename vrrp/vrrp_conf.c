/* Keywords of vrrp_instance, vrrp_script and vrrp_sync_group, and the checks between them. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/config.h"
#include "vrrp/vrrp.h"

#define MS(s) ((int64_t)(s) * 1000)

static const struct cfg_enum vrrp_states[] = {
	{ "MASTER", VRRP_WANT_MASTER }, { "BACKUP", VRRP_WANT_BACKUP }, { NULL, 0 },
};

static const struct cfg_enum vrrp_auth_types[] = {
	{ "PASS", VRRP_AUTH_PASS }, { "AH", VRRP_AUTH_AH }, { NULL, 0 },
};

static const struct cfg_enum vrrp_scopes[] = {
	{ "global", 0 }, { "site", 200 }, { "link", 253 }, { "host", 254 }, { "nowhere", 255 }, { NULL, 0 },
};

static int
parse_scope(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *s, int32_t *scope)
{
	int64_t v;

	for (const struct cfg_enum *e = vrrp_scopes; e->name != NULL; e++) {
		if (strcmp(e->name, s) == 0) {
			*scope = e->value;
			return 0;
		}
	}
	if (cfg_parse_int(s, 0, 255, &v) == 0) {
		*scope = (int32_t)v;
		return 0;
	}
	return cfg_stmt_error(ctx, st, "'%s' is not a scope (global, site, link, host, nowhere or 0-255)", s);
}

static int
copy_name(struct cfg_ctx *ctx, const struct cfg_stmt *st, char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return cfg_stmt_error(ctx, st, "'%s' is too long", src);
	strcpy(dst, src);
	return 0;
}

/* ADDR[/LEN] [dev D] [label L] [scope S] [brd B]; excluded tells which block it is in. */
static int
vip_line(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_instance *vi, bool excluded)
{
	struct cfg_vrrp_vip *v;

	if (vi->nvips == CFG_VRRP_VIP_MAX)
		return cfg_stmt_error(ctx, st, "more than %d virtual addresses", CFG_VRRP_VIP_MAX);
	v = &vi->vips[vi->nvips];
	memset(v, 0, sizeof(*v));
	v->excluded = excluded;
	if (cfg_parse_addr(st->argv[0], true, &v->addr) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not an address", st->argv[0]);
	for (int i = 1; i < st->argc; i += 2) {
		const char *k = st->argv[i], *val = i + 1 < st->argc ? st->argv[i + 1] : NULL;

		if (val == NULL)
			return cfg_stmt_error(ctx, st, "'%s' needs a value", k);
		if (strcmp(k, "dev") == 0) {
			if (copy_name(ctx, st, v->dev, sizeof(v->dev), val) == -1)
				return -1;
		} else if (strcmp(k, "label") == 0) {
			if (copy_name(ctx, st, v->label, sizeof(v->label), val) == -1)
				return -1;
		} else if (strcmp(k, "scope") == 0) {
			if (parse_scope(ctx, st, val, &v->scope) == -1)
				return -1;
		} else if (strcmp(k, "brd") == 0 || strcmp(k, "broadcast") == 0) {
			if (cfg_parse_addr(val, false, &v->brd) == -1 || v->brd.family != v->addr.family)
				return cfg_stmt_error(ctx, st, "'%s' is not a broadcast address of the same family", val);
		} else {
			return cfg_stmt_error(ctx, st, "unknown option '%s' of a virtual address", k);
		}
	}
	vi->nvips++;
	return 0;
}

static int
vip_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return vip_line(ctx, st, obj, false);
}

static int
vip_excluded_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return vip_line(ctx, st, obj, true);
}

/* DST[/LEN] [via|gw GW] [src A] [dev D] [metric N] [table N] [scope S], or blackhole DST[/LEN]. */
static int
route_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;
	struct cfg_vrrp_route *r;
	int i = 0;
	int64_t n;
	bool is_default = false;

	if (vi->nroutes == CFG_VRRP_ROUTE_MAX)
		return cfg_stmt_error(ctx, st, "more than %d virtual routes", CFG_VRRP_ROUTE_MAX);
	r = &vi->routes[vi->nroutes];
	memset(r, 0, sizeof(*r));
	r->scope = -1;
	if (strcmp(st->argv[0], "blackhole") == 0) {
		r->blackhole = true;
		if (++i >= st->argc)
			return cfg_stmt_error(ctx, st, "blackhole needs a destination");
	}
	if (strcmp(st->argv[i], "src") == 0 && i + 2 < st->argc) {
		/* keepalived's `src A DST ...` spelling */
		if (cfg_parse_addr(st->argv[i + 1], false, &r->src) == -1)
			return cfg_stmt_error(ctx, st, "'%s' is not an address", st->argv[i + 1]);
		i += 2;
	}
	if (strcmp(st->argv[i], "default") == 0)
		is_default = true;	/* its family is the gateway's */
	else if (cfg_parse_addr(st->argv[i], true, &r->dst) == -1) {
		return cfg_stmt_error(ctx, st, "'%s' is not a destination", st->argv[i]);
	}
	for (i++; i < st->argc; i += 2) {
		const char *k = st->argv[i], *val = i + 1 < st->argc ? st->argv[i + 1] : NULL;

		if (val == NULL)
			return cfg_stmt_error(ctx, st, "'%s' needs a value", k);
		if (strcmp(k, "via") == 0 || strcmp(k, "gw") == 0) {
			if (cfg_parse_addr(val, false, &r->via) == -1)
				return cfg_stmt_error(ctx, st, "'%s' is not a gateway address", val);
		} else if (strcmp(k, "src") == 0) {
			if (cfg_parse_addr(val, false, &r->src) == -1)
				return cfg_stmt_error(ctx, st, "'%s' is not a source address", val);
		} else if (strcmp(k, "dev") == 0) {
			if (copy_name(ctx, st, r->dev, sizeof(r->dev), val) == -1)
				return -1;
		} else if (strcmp(k, "metric") == 0 || strcmp(k, "preference") == 0) {
			if (cfg_parse_int(val, 0, UINT32_MAX, &n) == -1)
				return cfg_stmt_error(ctx, st, "'%s' is not a metric", val);
			r->metric = (uint32_t)n;
		} else if (strcmp(k, "table") == 0) {
			if (cfg_parse_int(val, 1, UINT32_MAX, &n) == -1)
				return cfg_stmt_error(ctx, st, "'%s' is not a table number", val);
			r->table = (uint32_t)n;
		} else if (strcmp(k, "scope") == 0) {
			if (parse_scope(ctx, st, val, &r->scope) == -1)
				return -1;
		} else {
			return cfg_stmt_error(ctx, st, "unknown option '%s' of a virtual route", k);
		}
	}
	if (is_default) {
		if (r->via.family == 0)
			return cfg_stmt_error(ctx, st, "a default route needs a gateway (via)");
		r->dst.family = r->via.family;
		r->dst.prefix = 0;
	}
	if ((r->via.family && r->via.family != r->dst.family) || (r->src.family && r->src.family != r->dst.family))
		return cfg_stmt_error(ctx, st, "addresses of different families in one route");
	vi->nroutes++;
	return 0;
}

static int
peer_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (vi->npeers == CFG_VRRP_PEER_MAX)
		return cfg_stmt_error(ctx, st, "more than %d unicast peers", CFG_VRRP_PEER_MAX);
	if (st->argc > 1 && strcmp(st->argv[1], "min_ttl") != 0 && strcmp(st->argv[1], "max_ttl") != 0)
		return cfg_stmt_error(ctx, st, "a unicast peer is one address");
	if (cfg_parse_addr(st->argv[0], false, &vi->peers[vi->npeers]) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not an address", st->argv[0]);
	vi->npeers++;
	return 0;
}

/* NAME [weight N]: in track_interface and track_script. */
static int
track_line(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_track *list, uint32_t *n)
{
	struct cfg_vrrp_track *t;
	int64_t w = 0;

	if (*n == CFG_VRRP_TRACK_MAX)
		return cfg_stmt_error(ctx, st, "more than %d tracked objects", CFG_VRRP_TRACK_MAX);
	t = &list[*n];
	memset(t, 0, sizeof(*t));
	if (copy_name(ctx, st, t->name, sizeof(t->name), st->argv[0]) == -1)
		return -1;
	if (st->argc == 3 && strcmp(st->argv[1], "weight") == 0) {
		if (cfg_parse_int(st->argv[2], -254, 254, &w) == -1)
			return cfg_stmt_error(ctx, st, "weight '%s' is not in -254..254", st->argv[2]);
	} else if (st->argc != 1) {
		return cfg_stmt_error(ctx, st, "expected NAME [weight N]");
	}
	t->weight = (int32_t)w;
	(*n)++;
	return 0;
}

static int
track_if_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	return track_line(ctx, st, vi->track_if, &vi->ntrack_if);
}

static int
track_script_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	return track_line(ctx, st, vi->track_script, &vi->ntrack_script);
}

static const struct cfg_block vip_block = { "virtual_ipaddress", NULL, vip_item };
static const struct cfg_block vip_excluded_block = { "virtual_ipaddress_excluded", NULL, vip_excluded_item };
static const struct cfg_block route_block = { "virtual_routes", NULL, route_item };
static const struct cfg_block peer_block = { "unicast_peer", NULL, peer_item };
static const struct cfg_block track_if_block = { "track_interface", NULL, track_if_item };
static const struct cfg_block track_script_block = { "track_script", NULL, track_script_item };

#define A(field) CFG_FIELD(struct cfg_vrrp_instance, field)
static const struct cfg_keyword auth_keywords[] = {
	{ "auth_type", cfg_kw_enum, A(auth_type), 0, 0, vrrp_auth_types, 0 },
	{ "auth_pass", cfg_kw_string, A(auth_pass), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef A
static const struct cfg_block auth_block = { "authentication", auth_keywords, NULL };

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
	{ "authentication", cfg_kw_subblock, 0, 0, 0, 0, &auth_block, CFG_KW_BLOCK },
	{ "v3_checksum_as_v2", cfg_kw_flag, I(v3_checksum_as_v2), 0, 0, NULL, 0 },
	{ "old_unicast_checksum", cfg_kw_flag, I(v3_checksum_as_v2), 0, 0, NULL, CFG_KW_MAYBE_BLOCK },
	{ "virtual_ipaddress", cfg_kw_subblock, 0, 0, 0, 0, &vip_block, CFG_KW_BLOCK },
	{ "virtual_ipaddress_excluded", cfg_kw_subblock, 0, 0, 0, 0, &vip_excluded_block, CFG_KW_BLOCK },
	{ "virtual_routes", cfg_kw_subblock, 0, 0, 0, 0, &route_block, CFG_KW_BLOCK },
	{ "unicast_peer", cfg_kw_subblock, 0, 0, 0, 0, &peer_block, CFG_KW_BLOCK },
	{ "track_interface", cfg_kw_subblock, 0, 0, 0, 0, &track_if_block, CFG_KW_BLOCK },
	{ "track_script", cfg_kw_subblock, 0, 0, 0, 0, &track_script_block, CFG_KW_BLOCK },
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

/* no instance-level garp_master_delay / _refresh was given */
#define GARP_UNSET UINT64_MAX

static int
instance_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	snprintf(vi->name, sizeof(vi->name), "%s", st->argv[1]);
	if (strlen(st->argv[1]) >= sizeof(vi->name))
		return cfg_stmt_error(ctx, st, "name too long");
	vi->priority = 100;
	vi->advert_int_ms = 1000;
	/* unset until vrrp_conf_check gives them global_defs' values, wherever global_defs is in the file */
	vi->garp_master_repeat = 0;
	vi->garp_master_delay_ms = GARP_UNSET;
	vi->garp_master_refresh_ms = GARP_UNSET;
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
	if (version == 3 && vi->advert_int_ms % 10 != 0)
		cfg_stmt_error(ctx, st, "%s: advert_int is in centiseconds with VRRP version 3", vi->name);
	if (vi->auth_type == VRRP_AUTH_AH)
		cfg_stmt_error(ctx, st, "%s: auth_type AH is not supported (RFC 3768 removed it)", vi->name);
	if (vi->auth_type == VRRP_AUTH_PASS && vi->auth_pass[0] == '\0')
		cfg_stmt_error(ctx, st, "%s: auth_type PASS needs an auth_pass", vi->name);
	if (vi->auth_type != VRRP_AUTH_NONE && version == 3)
		cfg_stmt_warning(ctx, st, "%s: VRRP version 3 has no authentication; ignored", vi->name);
	/* the advert carries one family: the first non-excluded address's; the others must be excluded */
	{
		int family = 0;

		for (uint32_t i = 0; i < vi->nvips; i++) {
			if (vi->vips[i].excluded)
				continue;
			if (family == 0)
				family = vi->vips[i].addr.family;
			else if (vi->vips[i].addr.family != family)
				cfg_stmt_error(ctx, st, "%s: IPv4 and IPv6 virtual addresses mixed; put one family "
					       "in virtual_ipaddress_excluded", vi->name);
		}
		if (family == AF_INET6 && version == 2)
			cfg_stmt_error(ctx, st, "%s: IPv6 needs VRRP version 3", vi->name);
		for (uint32_t i = 0; i < vi->npeers; i++)
			if (family != 0 && vi->peers[i].family != family)
				cfg_stmt_error(ctx, st, "%s: unicast_peer of another family than the addresses",
					       vi->name);
	}
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
		if (vi->garp_master_repeat == 0)
			vi->garp_master_repeat = conf->global->vrrp_garp_master_repeat;
		if (vi->garp_master_delay_ms == GARP_UNSET)
			vi->garp_master_delay_ms = conf->global->vrrp_garp_master_delay_ms;
		if (vi->garp_master_refresh_ms == GARP_UNSET)
			vi->garp_master_refresh_ms = conf->global->vrrp_garp_master_refresh_ms;
	}
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
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		for (uint32_t t = 0; t < vi->ntrack_script; t++) {
			struct cfg_vrrp_script *sc;
			bool found = false;

			CONFIG_FOREACH(conf, CFG_VRRP_SCRIPT, struct cfg_vrrp_script, sc)
				found |= strcmp(sc->name, vi->track_script[t].name) == 0;
			if (!found)
				cfg_error(ctx->diag, vi->hdr.pos, "vrrp_instance %s: track_script: unknown vrrp_script '%s'",
					  vi->name, vi->track_script[t].name);
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
