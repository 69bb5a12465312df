/*
 * The IPVS child's events. So far: a configuration arrives (kept, reported). Programming the kernel over
 * generic netlink and reconciling come with the IPVS issue and plug into these handlers.
 */
#include <json-c/json.h>

#include "ipvs/ipvs.h"
#include "lib/log.h"

static int
ipvs_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	log_info("configuration %u: %zu virtual servers, %zu real servers", conf->generation,
		 conf->count[CFG_VIRTUAL_SERVER], conf->count[CFG_REAL_SERVER]);
	return 0;
}

static void
ipvs_status(struct proc *p, struct json_object *out)
{
	if (p->conf == NULL)
		return;
	json_object_object_add(out, "virtual_servers",
			       json_object_new_int64((int64_t)p->conf->count[CFG_VIRTUAL_SERVER]));
	json_object_object_add(out, "real_servers", json_object_new_int64((int64_t)p->conf->count[CFG_REAL_SERVER]));
}

const struct proc_ops ipvs_proc = {
	.name = "ipvs",
	.kind = CHILD_IPVS,
	.apply = ipvs_apply,
	.status = ipvs_status,
};
