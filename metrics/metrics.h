/* The metrics child: GET /metrics in Prometheus' text format, from the status the parent holds. */
#ifndef VIPD_METRICS_H
#define VIPD_METRICS_H

#include "lib/cfg.h"
#include "lib/config.h"
#include "lib/proc.h"

/* global_defs' metrics_listen ADDR:PORT | [ADDR6]:PORT (vipd's own keyword). */
int metrics_conf_listen(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj);

extern const struct proc_ops metrics_proc;

#endif
