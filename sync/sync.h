/* The sync child: IPVS connection state shared between directors. */
#ifndef VIPD_SYNC_H
#define VIPD_SYNC_H

#include "lib/cfg.h"
#include "lib/proc.h"

extern const struct cfg_object_spec conn_sync_spec;
extern const struct cfg_block conn_sync_block;
int sync_conf_check(struct cfg_ctx *ctx);
/* `lvs_sync_daemon IFACE [INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group IP]` in global_defs */
int sync_conf_lvs_sync_daemon(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
/* `lvs_sync_daemon_interface IFACE` in a vrrp_instance (keepalived's old form; obj: the instance) */
int sync_conf_lvs_sync_daemon_interface(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *,
					void *);

extern const struct proc_ops sync_proc;

#endif
