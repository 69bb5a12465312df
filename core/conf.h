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

#endif
