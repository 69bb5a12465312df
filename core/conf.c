/* The schema's top: the kinds of objects, global_defs, the top-level keywords, and loading a file. */
#include "core/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/checkers.h"
#include "ipvs/ipvs.h"
#include "sync/sync.h"
#include "vrrp/vrrp.h"

#define MS(s) ((int64_t)(s) * 1000)
#define G(field) CFG_FIELD(struct cfg_global, field)

static const struct cfg_keyword global_keywords[] = {
	{ "router_id", cfg_kw_string, G(router_id), 0, 0, NULL, 0 },
	{ "script_user", cfg_kw_command, G(script_user), 0, 0, NULL, 0 },
	{ "enable_script_security", cfg_kw_flag, G(enable_script_security), 0, 0, NULL, 0 },
	{ "vrrp_version", cfg_kw_uint, G(vrrp_version), 2, 3, NULL, 0 },
	{ "vrrp_strict", cfg_kw_ignore, 0, 0, 0, 0,
	  "vipd has no strict mode (its adverts follow RFC 9568; unicast and v2 authentication stay allowed)", 0 },
	{ "vrrp_mcast_group4", cfg_kw_addr, G(vrrp_mcast_group4), 0, 0, NULL, 0 },
	{ "vrrp_mcast_group6", cfg_kw_addr, G(vrrp_mcast_group6), 0, 0, NULL, 0 },
	{ "vrrp_startup_delay", cfg_kw_duration, G(vrrp_startup_delay_ms), 0, MS(3600), NULL, 0 },
	{ "vrrp_garp_master_delay", cfg_kw_duration, G(vrrp_garp_master_delay_ms), 0, MS(3600), NULL, 0 },
	{ "vrrp_garp_master_repeat", cfg_kw_uint, G(vrrp_garp_master_repeat), 1, 255, NULL, 0 },
	{ "vrrp_garp_master_refresh", cfg_kw_duration, G(vrrp_garp_master_refresh_ms), 0, MS(86400), NULL, 0 },
	{ "notify_fifo", cfg_kw_string, G(notify_fifo), 0, 0, NULL, 0 },
	{ "vrrp_notify_fifo", cfg_kw_string, G(vrrp_notify_fifo), 0, 0, NULL, 0 },
	{ "lvs_notify_fifo", cfg_kw_string, G(lvs_notify_fifo), 0, 0, NULL, 0 },
	{ "lvs_sync_daemon", sync_conf_lvs_sync_daemon, 0, 0, 0, 0, NULL, 0 },
	{ "lvs_timeouts", ipvs_conf_lvs_timeouts, 0, 0, 0, 0, NULL, 0 },
	{ "lvs_flush", cfg_kw_flag, G(lvs_flush), 0, 0, NULL, 0 },
	{ "lvs_flush_onstop", cfg_kw_flag, G(lvs_flush_onstop), 0, 0, NULL, 0 },
	{ "notification_email", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail", CFG_KW_MAYBE_BLOCK },
	{ "notification_email_from", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail", 0 },
	{ "smtp_server", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail", 0 },
	{ "smtp_connect_timeout", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail", 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef G

static const struct cfg_block global_block = { "global_defs", global_keywords, NULL };

static int
kw_global_defs(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs(ctx, st, 0, 0) == -1)
		return -1;
	ctx->conf->global->hdr.pos = st->pos;
	return cfg_walk(ctx, &global_block, st->block, ctx->conf->global) == 0 ? 0 : -1;
}

static const struct cfg_keyword top_keywords[] = {
	{ "global_defs", kw_global_defs, 0, 0, 0, 0, NULL, CFG_KW_BLOCK },
	{ "vrrp_script", cfg_kw_object, 0, 0, 0, 0, &vrrp_script_spec, CFG_KW_BLOCK },
	{ "vrrp_instance", cfg_kw_object, 0, 0, 0, 0, &vrrp_instance_spec, CFG_KW_BLOCK },
	{ "vrrp_sync_group", cfg_kw_object, 0, 0, 0, 0, &vrrp_sync_group_spec, CFG_KW_BLOCK },
	{ "virtual_server_group", cfg_kw_object, 0, 0, 0, 0, &virtual_server_group_spec, CFG_KW_BLOCK },
	{ "virtual_server", cfg_kw_object, 0, 0, 0, 0, &virtual_server_spec, CFG_KW_BLOCK },
	{ "connection_sync", cfg_kw_object, 0, 0, 0, 0, &conn_sync_spec, CFG_KW_BLOCK },
	{ "SSL", cfg_kw_object, 0, 0, 0, 0, &check_ssl_conf_spec, CFG_KW_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};

static const struct cfg_block top_block = { "the top level", top_keywords, NULL };

#define NAMED(type) offsetof(type, name), sizeof(((type *)0)->name)
#define VRRP CHILD_BIT(CHILD_VRRP)
#define IPVS CHILD_BIT(CHILD_IPVS)
#define CHECK CHILD_BIT(CHILD_CHECKERS)
#define SYNC CHILD_BIT(CHILD_SYNC)

static const struct cfg_kind_info kinds[CFG_KIND_MAX] = {
	[CFG_GLOBAL] = { "global_defs", sizeof(struct cfg_global), CHILD_ALL, &global_block, 0, 0 },
	[CFG_VRRP_SCRIPT] = { "vrrp_script", sizeof(struct cfg_vrrp_script), VRRP, &vrrp_script_block,
			      NAMED(struct cfg_vrrp_script) },
	[CFG_VRRP_INSTANCE] = { "vrrp_instance", sizeof(struct cfg_vrrp_instance), VRRP | SYNC,
				&vrrp_instance_block, NAMED(struct cfg_vrrp_instance) },
	[CFG_VRRP_SYNC_GROUP] = { "vrrp_sync_group", sizeof(struct cfg_vrrp_sync_group), VRRP,
				  &vrrp_sync_group_block, NAMED(struct cfg_vrrp_sync_group) },
	[CFG_VS_GROUP] = { "virtual_server_group", sizeof(struct cfg_vs_group), IPVS | CHECK, NULL,
			   NAMED(struct cfg_vs_group) },
	[CFG_VS_GROUP_ENTRY] = { "virtual_server_group entry", sizeof(struct cfg_vs_group_entry), IPVS | CHECK,
				 NULL, 0, 0 },
	[CFG_VIRTUAL_SERVER] = { "virtual_server", sizeof(struct cfg_virtual_server), IPVS | CHECK,
				 &virtual_server_block, offsetof(struct cfg_virtual_server, group), CFG_NAME_MAX },
	[CFG_REAL_SERVER] = { "real_server", sizeof(struct cfg_real_server), IPVS | CHECK, &real_server_block,
			      0, 0 },
	/* the ipvs child needs them too: a real server with an alpha checker starts down */
	[CFG_CHECKER] = { "checker", sizeof(struct cfg_checker), IPVS | CHECK, &check_conf_block, 0, 0 },
	[CFG_CONN_SYNC] = { "connection_sync", sizeof(struct cfg_conn_sync), SYNC, &conn_sync_block,
			    NAMED(struct cfg_conn_sync) },
	[CFG_CHECK_URL] = { "url", sizeof(struct cfg_check_url), CHECK, &check_url_block, 0, 0 },
	[CFG_SSL] = { "SSL", sizeof(struct cfg_ssl), CHECK, &check_ssl_block, 0, 0 },
};

const struct cfg_kind_info *
cfg_kind_info(unsigned kind)
{
	return kind < CFG_KIND_MAX ? &kinds[kind] : NULL;
}

/* Typing while reading: each top-level block as soon as it is closed. */
struct typing {
	struct cfg_ctx ctx;
	size_t errors;		/* of typing; the rest of diag's are the reader's */
};

static void
type_top_block(void *arg, const struct cfg_stmt *st)
{
	struct typing *t = arg;
	size_t before = t->ctx.diag->nerrors;

	t->ctx.partial = before > t->errors;
	cfg_walk(&t->ctx, &top_block, st, NULL);
	t->errors += t->ctx.diag->nerrors - before;
}

struct config *
conf_load(const char *path, const char *config_id, struct cfg_diag *diag)
{
	struct config *conf = config_new();
	struct typing typing = { .errors = 0 };
	struct cfg_read_opts opts = { .config_id = config_id, .top_block = type_top_block, .top_block_arg = &typing };
	struct cfg_ctx ctx;

	cfg_diag_init(diag, NULL);
	if (conf == NULL || (conf->path = strdup(path)) == NULL) {
		cfg_error_nopos(diag, "out of memory");
		config_free(conf);
		return NULL;
	}
	/* the statements read despite errors are still typed, so one run reports every error there is */
	ctx = (struct cfg_ctx){ .conf = conf, .diag = diag, .files = &conf->source.files };
	typing.ctx = ctx;
	ctx.partial = cfg_read_file(path, &opts, &conf->source, diag) > (int)typing.errors;
	/* what is left: statements without a block, and blocks an error left open */
	cfg_walk(&ctx, &top_block, conf->source.root, NULL);
	if (diag->nerrors == 0) {
		check_conf_inherit(&ctx);
		vrrp_conf_check(&ctx);
		ipvs_conf_check(&ctx);
		sync_conf_check(&ctx);
	}
	/* the objects are all there is to keep: a large file's statements are tens of MB */
	cfg_source_drop_tree(&conf->source);
	if (diag->nerrors == 0 && config_keep_warnings(conf, diag) == -1)
		cfg_error_nopos(diag, "out of memory");
	if (diag->nerrors > 0) {
		diag->files = NULL;	/* the messages are formatted; the names go with the config */
		config_free(conf);
		return NULL;
	}
	return conf;
}

bool
conf_unchanged(const struct config *conf, const char *config_id)
{
	struct cfg_read_opts opts = { .config_id = config_id };

	return cfg_inputs_unchanged(&conf->source.inputs, &opts);
}
