/* The VRRP child: failover of virtual IPs. */
#ifndef VIPD_VRRP_H
#define VIPD_VRRP_H

#include "lib/cfg.h"
#include "lib/proc.h"

struct cfg_global;
struct cfg_vrrp_vip;
struct cfg_vrrp_route;
struct cfg_vrrp_rule;

/* Config (parent side): the blocks this module owns and the checks across them. */
extern const struct cfg_block vrrp_instance_block, vrrp_script_block, vrrp_sync_group_block, vrrp_track_file_block,
	vrrp_track_process_block;
extern const struct cfg_object_spec vrrp_instance_spec, vrrp_script_spec, vrrp_sync_group_spec,
	vrrp_track_file_spec, vrrp_track_process_spec;
int vrrp_conf_check(struct cfg_ctx *ctx);
/* global_defs' VRRP values that are not zero before the file says anything. */
void vrrp_conf_global_defaults(struct cfg_global *g);
/* Handlers global_defs uses: vrrp_min_garp; seconds to microseconds (vrrp_garp_interval); keywords whose
 * behaviour vipd always has (accepted silently); static_ipaddress|routes|rules (kw->min: the type). */
int vrrp_conf_min_garp(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int vrrp_conf_usec(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int vrrp_conf_whole_seconds(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int vrrp_conf_builtin(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int vrrp_conf_static(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);

/* vrrp_conf_ip.c: one line of addresses, routes or rules, as `ip address|route|rule add` words. */
int vrrp_conf_vip(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_vip *v, bool excluded);
int vrrp_conf_route(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_route *r);
int vrrp_conf_rule(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_rule *r);
int vrrp_conf_scope(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *s, int32_t *scope);
int vrrp_conf_name(struct cfg_ctx *ctx, const struct cfg_stmt *st, char *dst, size_t size, const char *src);

extern const struct proc_ops vrrp_proc;

#endif
