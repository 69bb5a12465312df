/* The bfd child: BFD sessions (RFC 5880, 5881, 5883) whose states the parent passes to vrrp and checkers. */
#ifndef VIPD_BFD_H
#define VIPD_BFD_H

#include "lib/cfg.h"
#include "lib/config.h"
#include "lib/proc.h"

/* Config (parent side): bfd_instance, track_bfd (vrrp_instance, vrrp_sync_group) and BFD_CHECK. */
extern const struct cfg_block bfd_instance_block, bfd_track_block;
extern const struct cfg_object_spec bfd_instance_spec, bfd_check_spec;
/* Resolves what spans the file: duplicates, the sync groups' track_bfd given to their members, each
 * track_bfd's weight, the names track_bfd and BFD_CHECK use. */
int bfd_conf_check(struct cfg_ctx *ctx);
/* The bfd_instance named, if it runs (not disabled by a recovered error); NULL otherwise. */
const struct cfg_bfd_instance *bfd_conf_find(const struct config *conf, const char *name);

extern const struct proc_ops bfd_proc;

#endif
