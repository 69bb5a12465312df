/*
 * Value handlers for the keywords of virtual_server, real_server and the checkers that keepalived 2.2.7
 * reads leniently: a value it cannot use is logged and ignored (the setting keeps its default, or the
 * value an earlier line gave), and the file still runs. These report that as a recovery (cfg_stmt_recovered)
 * where the generic handlers of lib/cfg.h refuse. Bounds and offsets as for the generic handlers.
 */
#ifndef VIPD_IPVS_CONF_H
#define VIPD_IPVS_CONF_H

#include "lib/cfg.h"

int ipvs_kw_uint(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int ipvs_kw_duration(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int ipvs_kw_addr(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int ipvs_kw_enum(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int ipvs_kw_bool(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
/* keepalived's alpha, omega and inhibit_on_failure of a virtual_server: set by the keyword, whatever words
 * follow it ("alpha off" sets it too); a warning says so when a word follows. */
int ipvs_kw_flag_any(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);

/* config_remove_marked on virtual servers, real servers, checkers and urls (lib/config.h's marks). */
int ipvs_conf_drop_marked(struct config *conf, unsigned mask);

#endif
