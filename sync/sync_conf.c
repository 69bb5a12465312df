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

	/* keepalived ignores the option and keeps its default */
	if (i + 1 >= st->argc || cfg_parse_int(st->argv[i + 1], min, max, &v) == -1) {
		cfg_stmt_recovered(ctx, st, "%s needs a number from %lld to %lld; ignored", st->argv[i],
				   (long long)min, (long long)max);
		return 0;
	}
	*out = (uint32_t)v;
	return 0;
}

/*
 * No `id`: keepalived takes the followed instance's virtual_router_id (0 without an instance). The
 * instance may be declared after global_defs, so the number is settled in sync_conf_check.
 */
#define SYNCID_FROM_VRID UINT32_MAX

static bool
is_option_word(const char *w)
{
	return strcmp(w, "id") == 0 || strcmp(w, "maxlen") == 0 || strcmp(w, "port") == 0 || strcmp(w, "ttl") == 0 ||
	       strcmp(w, "group") == 0 || strcmp(w, "inst") == 0;
}

static bool
is_multicast(const struct cfg_addr *a)
{
	return (a->family == AF_INET && (a->addr[0] & 0xf0) == 0xe0) || (a->family == AF_INET6 && a->addr[0] == 0xff);
}

static int
option_group(struct cfg_ctx *ctx, const struct cfg_stmt *st, int i, struct cfg_addr *out)
{
	struct cfg_addr a;

	if (i + 1 >= st->argc || cfg_parse_addr(st->argv[i + 1], false, &a) == -1 || !is_multicast(&a)) {
		cfg_stmt_recovered(ctx, st, "group needs a multicast address (IPv4 or IPv6); ignored");
		return 0;
	}
	*out = a;
	return 0;
}

/*
 * keepalived's forms: `IFACE VRRP_INSTANCE [SYNCID]` (old), `IFACE [VRRP_INSTANCE] [id N] ...` and, from
 * keepalived 2.2, `IFACE [inst VRRP_INSTANCE] [id N] ...`.
 */
int
sync_conf_lvs_sync_daemon(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw,
			  void *obj)
{
	struct cfg_lvs_sync_daemon *sd = &((struct cfg_global *)obj)->lvs_sync_daemon;
	int64_t v;
	int i = 2;

	/* keepalived reads global_defs first, wherever it is: it wins over an instance's older form */
	if (sd->enabled && sd->from_instance) {
		cfg_stmt_recovered(ctx, st, "replaces vrrp_instance %s's lvs_sync_daemon_interface %s, as keepalived "
				   "does", sd->instance, sd->interface);
		memset(sd, 0, sizeof(*sd));
	}
	if (sd->enabled)
		return cfg_stmt_error(ctx, st, "given twice (the kernel runs one pair of sync daemons)");
	/* keepalived logs it and runs without connection sync */
	if (st->argc < 2)
		return cfg_stmt_recovered(ctx, st, "needs an interface; ignored (no connection sync)");
	if (cfg_nargs(ctx, st, 1, 14) == -1 || copy_word(ctx, st, sd->interface, sizeof(sd->interface),
							st->argv[1]) == -1)
		return -1;
	sd->syncid = SYNCID_FROM_VRID;
	/* not given: the kernel sizes datagrams from the interface's MTU, as it does for keepalived */
	sd->maxlen = 0;
	if (i < st->argc && !is_option_word(st->argv[i])) {
		if (copy_word(ctx, st, sd->instance, sizeof(sd->instance), st->argv[i]) == -1)
			return -1;
		i++;
		if (i < st->argc && cfg_parse_int(st->argv[i], 0, 255, &v) == 0) {
			/* keepalived 2.2.7 logs it as an error, and uses the number */
			cfg_stmt_recovered(ctx, st, "the sync id without 'id' is keepalived 1's form; using %s (write "
					   "'id %s')", st->argv[i], st->argv[i]);
			sd->syncid = (uint32_t)v;
			i++;
		}
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
			r = option_group(ctx, st, i, &sd->group);
		else if (strcmp(opt, "inst") == 0 && sd->instance[0] == '\0')
			r = i + 1 < st->argc ? copy_word(ctx, st, sd->instance, sizeof(sd->instance), st->argv[i + 1]) :
			    cfg_stmt_error(ctx, st, "inst needs a vrrp_instance name");
		else if (strcmp(opt, "inst") == 0)
			r = cfg_stmt_error(ctx, st, "the vrrp_instance is given twice");
		else
			r = cfg_stmt_recovered(ctx, st, "unknown option '%s'; ignored with its value", opt) + 1;
		if (r == -1)
			return -1;
	}
	sd->enabled = true;
	return 0;
}

/*
 * `lvs_sync_daemon_interface IFACE` inside a vrrp_instance, keepalived's old form: the sync daemons on
 * IFACE follow this instance, with its virtual_router_id (settled in sync_conf_check) as the sync id.
 */
int
sync_conf_lvs_sync_daemon_interface(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw,
				    void *obj)
{
	const struct cfg_vrrp_instance *vi = obj;
	struct cfg_lvs_sync_daemon *sd = &ctx->conf->global->lvs_sync_daemon;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	/* the kernel runs one pair of sync daemons: keepalived keeps the first it read */
	if (sd->enabled)
		return cfg_stmt_recovered(ctx, st, "the sync daemon is given already (on %s); ignored, as keepalived "
					  "does", sd->interface);
	if (copy_word(ctx, st, sd->interface, sizeof(sd->interface), st->argv[1]) == -1 ||
	    copy_word(ctx, st, sd->instance, sizeof(sd->instance), vi->name) == -1)
		return -1;
	/* keepalived 2.2.7 logs it as an error and still uses it */
	cfg_stmt_recovered(ctx, st, "keepalived 1's form; used as 'lvs_sync_daemon %s %s' in global_defs (write "
			   "that)", st->argv[1], vi->name);
	sd->syncid = SYNCID_FROM_VRID;
	sd->maxlen = 0;
	sd->enabled = true;
	sd->from_instance = true;
	return 0;
}

static const struct cfg_enum sync_modes[] = {
	{ "kernel", SYNC_MODE_KERNEL }, { "relay", SYNC_MODE_RELAY }, { NULL, 0 },
};
static const struct cfg_enum sync_roles[] = {
	{ "master", SYNC_ROLE_MASTER }, { "backup", SYNC_ROLE_BACKUP }, { NULL, 0 },
};
static const struct cfg_enum sync_framings[] = {
	{ "compat", SYNC_FRAMING_COMPAT }, { "secure", SYNC_FRAMING_SECURE }, { NULL, 0 },
};

/* `peer IP`: one unicast peer per line (IPv4), instead of the multicast group. */
static int
conn_sync_peer(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_conn_sync *cs = obj;
	struct cfg_addr a;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &a) == -1 || a.family != AF_INET)
		return cfg_stmt_error(ctx, st, "'%s' is not an IPv4 address", st->argv[1]);
	if (cs->npeers == CFG_SYNC_PEERS_MAX)
		return cfg_stmt_error(ctx, st, "at most %d peers", CFG_SYNC_PEERS_MAX);
	cs->peers[cs->npeers++] = a;
	return 0;
}

static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* `auth_key HEX`: 16 to 64 bytes written as 32 to 128 hex digits. */
static int
conn_sync_auth_key(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_conn_sync *cs = obj;
	const char *h;
	size_t n;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	h = st->argv[1];
	n = strlen(h);
	if (n % 2 != 0 || n < 32 || n > 2 * CFG_SYNC_KEY_MAX)
		return cfg_stmt_error(ctx, st, "needs 32 to %d hex digits (16 to %d bytes)", 2 * CFG_SYNC_KEY_MAX,
				      CFG_SYNC_KEY_MAX);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(h[i]), lo = hex_digit(h[i + 1]);

		if (hi < 0 || lo < 0)
			return cfg_stmt_error(ctx, st, "not a hex digit at position %zu", i + (hi < 0 ? 1 : 2));
		cs->auth_key[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	cs->auth_key_len = (uint32_t)(n / 2);
	return 0;
}

#define S(field) CFG_FIELD(struct cfg_conn_sync, field)
static const struct cfg_keyword conn_sync_keywords[] = {
	{ "mode", cfg_kw_enum, S(mode), 0, 0, sync_modes, 0 },
	{ "interface", cfg_kw_string, S(interface), 0, 0, NULL, 0 },
	{ "vrrp_instance", cfg_kw_string, S(instance), 0, 0, NULL, 0 },
	{ "syncid", cfg_kw_uint, S(syncid), 0, 255, NULL, 0 },
	{ "role", cfg_kw_enum, S(role), 0, 0, sync_roles, 0 },
	{ "framing", cfg_kw_enum, S(framing), 0, 0, sync_framings, 0 },
	{ "group", cfg_kw_addr, S(group), 0, 0, NULL, 0 },
	{ "port", cfg_kw_uint, S(port), 1, 65535, NULL, 0 },
	{ "ttl", cfg_kw_uint, S(ttl), 1, 255, NULL, 0 },
	{ "maxlen", cfg_kw_uint, S(maxlen), 100, 65507, NULL, 0 },
	{ "peer", conn_sync_peer, 0, 0, 0, 0, NULL, 0 },
	{ "kernel_interface", cfg_kw_string, S(kernel_interface), 0, 0, NULL, 0 },
	{ "relay_interface", cfg_kw_string, S(relay_interface), 0, 0, NULL, 0 },
	{ "kernel_master_port", cfg_kw_uint, S(kernel_master_port), 1, 65535, NULL, 0 },
	{ "kernel_backup_port", cfg_kw_uint, S(kernel_backup_port), 1, 65535, NULL, 0 },
	{ "auth_key", conn_sync_auth_key, 0, 0, 0, 0, NULL, 0 },
	{ "resync_rate", cfg_kw_uint, S(resync_rate), 100, 10000000, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef S

const struct cfg_block conn_sync_block = { "connection_sync", conn_sync_keywords, NULL };

/* Mode kernel drives the kernel's daemons, which have no use for the relay's keywords. */
static int
kernel_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_conn_sync *cs)
{
	const char *relay_only = cs->npeers > 0 ? "peer" : cs->framing != SYNC_FRAMING_COMPAT ? "framing" :
				 cs->auth_key_len > 0 ? "auth_key" : cs->kernel_interface[0] ? "kernel_interface" :
				 cs->relay_interface[0] ? "relay_interface" :
				 cs->kernel_master_port ? "kernel_master_port" :
				 cs->kernel_backup_port ? "kernel_backup_port" : NULL;

	if (relay_only != NULL)
		return cfg_stmt_error(ctx, st, "%s is for mode relay (mode kernel drives the kernel's daemons)",
				      relay_only);
	if (cs->group.family != 0 && !is_multicast(&cs->group))
		return cfg_stmt_error(ctx, st, "group must be a multicast address");
	return 0;
}

static int
conn_sync_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_conn_sync *cs = obj;

	if (cs->interface[0] == '\0')
		return cfg_stmt_error(ctx, st, "needs an interface");
	if (cs->instance[0] != '\0' && cs->role != SYNC_ROLE_VRRP)
		return cfg_stmt_error(ctx, st, "vrrp_instance and role exclude each other");
	if (cs->mode != SYNC_MODE_RELAY)
		return kernel_finish(ctx, st, cs);
	if (cs->kernel_interface[0] == '\0' || cs->relay_interface[0] == '\0')
		return cfg_stmt_error(ctx, st, "mode relay needs kernel_interface and relay_interface (a veth pair)");
	if (cs->instance[0] == '\0' && cs->role == SYNC_ROLE_VRRP)
		return cfg_stmt_error(ctx, st, "mode relay needs a vrrp_instance to follow, or a role");
	if (cs->framing == SYNC_FRAMING_SECURE && cs->auth_key_len == 0)
		return cfg_stmt_error(ctx, st, "framing secure needs an auth_key");
	if (cs->group.family != 0 && (cs->group.family != AF_INET || (cs->group.addr[0] & 0xf0) != 0xe0))
		return cfg_stmt_error(ctx, st, "group must be an IPv4 multicast address");
	if (cs->group.family != 0 && cs->npeers > 0)
		return cfg_stmt_error(ctx, st, "group and peer exclude each other");
	return 0;
}

const struct cfg_object_spec conn_sync_spec = {
	CFG_CONN_SYNC, &conn_sync_block, 0, 1, NULL, conn_sync_finish,
};

static const struct cfg_vrrp_instance *
instance_find(const struct config *conf, const char *name)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		if (strcmp(vi->name, name) == 0)
			return vi;
	return NULL;
}

/*
 * The VRRP instance a sync daemon follows must exist; lvs_sync_daemon without `id` takes its
 * virtual_router_id. Both kinds of sync at once would fight over the same kernel daemons.
 */
int
sync_conf_check(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	struct cfg_lvs_sync_daemon *sd = &conf->global->lvs_sync_daemon;
	const struct cfg_vrrp_instance *vi = NULL;
	struct cfg_conn_sync *cs;
	size_t before = ctx->diag->nerrors;

	if (sd->enabled && sd->instance[0] && (vi = instance_find(conf, sd->instance)) == NULL)
		cfg_error(ctx->diag, conf->global->hdr.pos, "lvs_sync_daemon: unknown vrrp_instance '%s'",
			  sd->instance);
	if (sd->enabled && sd->syncid == SYNCID_FROM_VRID)
		sd->syncid = vi != NULL ? vi->vrid & 0xff : 0;
	CONFIG_FOREACH(conf, CFG_CONN_SYNC, struct cfg_conn_sync, cs)
		if (cs->instance[0] && instance_find(conf, cs->instance) == NULL)
			cfg_error(ctx->diag, cs->hdr.pos, "connection_sync: unknown vrrp_instance '%s'", cs->instance);
	if (conf->count[CFG_CONN_SYNC] > 1) {
		cs = config_get(conf, CFG_CONN_SYNC, 1);
		cfg_error(ctx->diag, cs->hdr.pos, "connection_sync: only one block is allowed");
	}
	if (sd->enabled && conf->count[CFG_CONN_SYNC] > 0) {
		cs = config_get(conf, CFG_CONN_SYNC, 0);
		cfg_error(ctx->diag, cs->hdr.pos, "connection_sync: lvs_sync_daemon is given too; use one of them");
	}
	return (int)(ctx->diag->nerrors - before);
}
