/* The VRRP child: failover of virtual IPs. */
#ifndef VIPD_VRRP_H
#define VIPD_VRRP_H

#include "lib/cfg.h"
#include "lib/proc.h"

/* Config (parent side): the blocks this module owns and the checks across them. */
extern const struct cfg_block vrrp_instance_block, vrrp_script_block, vrrp_sync_group_block;
extern const struct cfg_object_spec vrrp_instance_spec, vrrp_script_spec, vrrp_sync_group_spec;
int vrrp_conf_check(struct cfg_ctx *ctx);

extern const struct proc_ops vrrp_proc;

#endif
