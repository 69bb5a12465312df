/*
 * Events the parent passes between children, and remembers: the last verdict on each real server (from
 * checkers, for ipvs) and the last state of each VRRP instance (from vrrp, for sync). A child that
 * restarts gets what was remembered right after its configuration, so a crash alone changes nothing:
 * a restarted vrrp resumes as master, a restarted ipvs does not bring back a dead real server.
 */
#ifndef VIPD_ROUTE_H
#define VIPD_ROUTE_H

#include <json-c/json.h>
#include <stddef.h>

#include "lib/ipc.h"

struct parent;
struct child;

struct route_memory {
	struct ipc_rs_state *rs;
	size_t nrs, caprs;
	/* rs by key: open addressing, an index + 1, 0 free; the checkers announce 100,000 servers at once */
	uint32_t *rs_slots;
	size_t nslots;
	struct ipc_vrrp_state *vrrp;
	size_t nvrrp, capvrrp;
	struct ipc_bfd_state *bfd;
	size_t nbfd, capbfd;
};

void route_free(struct route_memory *m);
/* A message from a child that is not its own business with the parent: stored and forwarded.
 * Returns false if this child may not send this type. */
bool route_from_child(struct parent *pa, struct child *from, const struct ipc_msg *msg);
/* Sends a child what it should know on (re)start, after its configuration. */
void route_replay(struct parent *pa, struct child *to);
/* After a reload: forget real servers and instances the new configuration no longer has. */
void route_prune(struct parent *pa);
/* Whether some VRRP instance was last known as master. */
bool route_has_master(const struct route_memory *m);
/* Whether some BFD session was last known as Up. */
bool route_has_bfd_up(const struct route_memory *m);
/* How much is remembered, for status. */
void route_status(const struct route_memory *m, struct json_object *out);

#endif
