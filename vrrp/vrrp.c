/*
 * The VRRP child's events. So far: a configuration arrives (kept, reported). The protocol (RFC 9568),
 * VIP handling and tracking come with the VRRP issue and plug into these handlers.
 */
#include <json-c/json.h>

#include "lib/log.h"
#include "vrrp/vrrp.h"

static int
vrrp_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	log_info("configuration %u: %zu instances, %zu scripts, %zu sync groups", conf->generation,
		 conf->count[CFG_VRRP_INSTANCE], conf->count[CFG_VRRP_SCRIPT], conf->count[CFG_VRRP_SYNC_GROUP]);
	return 0;
}

static void
vrrp_status(struct proc *p, struct json_object *out)
{
	struct json_object *list = json_object_new_array();
	struct cfg_vrrp_instance *vi;

	if (list == NULL || p->conf == NULL) {
		json_object_put(list);
		return;
	}
	CONFIG_FOREACH(p->conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(vi->name));
		json_object_object_add(o, "interface", json_object_new_string(vi->interface));
		json_object_object_add(o, "virtual_router_id", json_object_new_int64(vi->vrid));
		json_object_object_add(o, "priority", json_object_new_int64(vi->priority));
		json_object_array_add(list, o);
	}
	json_object_object_add(out, "instances", list);
}

const struct proc_ops vrrp_proc = {
	.name = "vrrp",
	.kind = CHILD_VRRP,
	.apply = vrrp_apply,
	.status = vrrp_status,
};
