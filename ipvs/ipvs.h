/* The IPVS child: programs the kernel's virtual servers and keeps them as configured. */
#ifndef VIPD_IPVS_H
#define VIPD_IPVS_H

#include "lib/cfg.h"
#include "lib/proc.h"

extern const struct cfg_object_spec virtual_server_spec, virtual_server_group_spec;
extern const struct cfg_block virtual_server_block, real_server_block;
int ipvs_conf_check(struct cfg_ctx *ctx);
/* keyword handlers of global_defs that concern IPVS */
int ipvs_conf_lvs_timeouts(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);

extern const struct proc_ops ipvs_proc;

#endif
