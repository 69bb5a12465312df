/*
 * The sync child's events. So far: a configuration arrives (kept, reported). Kernel and relay modes come
 * with the sync issue and plug into these handlers.
 */
#include <json-c/json.h>

#include "lib/log.h"
#include "sync/sync.h"

static int
sync_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	const struct cfg_lvs_sync_daemon *sd = &conf->global->lvs_sync_daemon;

	log_info("configuration %u: %s", conf->generation,
		 sd->enabled ? "lvs_sync_daemon" : conf->count[CFG_CONN_SYNC] ? "connection_sync" : "nothing to sync");
	return 0;
}

static void
sync_status(struct proc *p, struct json_object *out)
{
	const struct cfg_lvs_sync_daemon *sd;

	if (p->conf == NULL)
		return;
	sd = &p->conf->global->lvs_sync_daemon;
	json_object_object_add(out, "mode", json_object_new_string(sd->enabled ? "kernel" : "connection_sync"));
	json_object_object_add(out, "interface", json_object_new_string(sd->interface));
}

const struct proc_ops sync_proc = {
	.name = "sync",
	.kind = CHILD_SYNC,
	.apply = sync_apply,
	.status = sync_status,
};
