/* Loading a configuration in the parent: read, type, check. */
#ifndef VIPD_CORE_CONF_H
#define VIPD_CORE_CONF_H

#include "lib/config.h"

/*
 * Reads and checks the file. Returns the config, or NULL when it has errors, all of which are in diag
 * (initialised here; the caller frees it). Warnings are in diag either way.
 */
struct config *conf_load(const char *path, const char *config_id, struct cfg_diag *diag);
/* The same; strict: every error keepalived would recover from is an error (vipd -t --strict). */
struct config *conf_load_strict(const char *path, const char *config_id, bool strict, struct cfg_diag *diag);
/* True when loading again would read exactly what conf was read from (see cfg_inputs_unchanged). */
bool conf_unchanged(const struct config *conf, const char *config_id);

/*
 * Script security as keepalived applies it (core/conf_scripts.c). conf_scripts_users, before the checks:
 * removes the vrrp_scripts whose user does not exist. conf_scripts_check, after them: removes or disables
 * the scripts keepalived would not run, and sets ctx->diag->security when keepalived -t would exit 6.
 */
void conf_scripts_users(struct cfg_ctx *ctx);
void conf_scripts_check(struct cfg_ctx *ctx);

#endif
