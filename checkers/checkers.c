/*
 * The checkers child's events. So far: a configuration arrives (kept, reported). The checks themselves
 * come with the checkers issue and plug into these handlers.
 */
#include <json-c/json.h>

#include "checkers/checkers.h"
#include "lib/log.h"

static int
checkers_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	log_info("configuration %u: %zu checkers on %zu real servers", conf->generation,
		 conf->count[CFG_CHECKER], conf->count[CFG_REAL_SERVER]);
	return 0;
}

static void
checkers_status(struct proc *p, struct json_object *out)
{
	if (p->conf != NULL)
		json_object_object_add(out, "checkers", json_object_new_int64((int64_t)p->conf->count[CFG_CHECKER]));
}

const struct proc_ops checkers_proc = {
	.name = "checkers",
	.kind = CHILD_CHECKERS,
	.apply = checkers_apply,
	.status = checkers_status,
};
