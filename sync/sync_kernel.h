/*
 * Mode kernel: the kernel's own sync daemons carry the connections, and the sync child only decides which
 * of them run, over IPVS generic netlink. The VRRP instance's MASTER state wants the master daemon (and
 * the backup daemon stopped); any other state wants the backup daemon. Without an instance both run, as
 * keepalived does then. What runs is adopted, not restarted: the child lists the kernel's daemons and
 * issues only the commands that close the difference.
 *
 * The decision is pure (sync_kernel_want, sync_kernel_plan) and unit-tested; sync_kernel_* below it is
 * the runtime that talks to the kernel.
 */
#ifndef VIPD_SYNC_KERNEL_H
#define VIPD_SYNC_KERNEL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipvs/ipvs_int.h"
#include "lib/config.h"
#include "lib/event.h"
#include "sync/sync_codec.h"
#include "sync/sync_resync.h"

/* Daemon slots, also the order of want[] and on[]. */
enum { SK_MASTER = 0, SK_BACKUP = 1, SK_NDAEMONS = 2 };

/* Which daemons a role wants. */
enum sk_role {
	SK_ROLE_UNKNOWN = 0,	/* following an instance whose state has not arrived: touch nothing */
	SK_ROLE_MASTER,
	SK_ROLE_BACKUP,
	SK_ROLE_BOTH,		/* no instance and no fixed role */
};

/* What the configuration asks for: from `lvs_sync_daemon` or `connection_sync { mode kernel }`. */
struct sync_kernel_conf {
	char ifname[CFG_IFNAME_MAX];
	char instance[CFG_NAME_MAX];	/* "" = none */
	int32_t role;			/* enum cfg_sync_role: SYNC_ROLE_VRRP follows the instance (or both) */
	uint32_t syncid;
	uint32_t maxlen;		/* 0 = the kernel's default (the interface's MTU less the headers) */
	uint32_t port;			/* 0 = 8848 */
	uint32_t ttl;			/* 0 = 1 */
	struct cfg_addr group;		/* family 0 = 224.0.0.81 */
	uint32_t resync_rate;		/* records per second of the table sent on promotion; 0 = default */
};

/* The kernel-mode configuration of conf; false if conf has none (no sync, or mode relay). */
bool sync_kernel_conf_get(const struct config *conf, struct sync_kernel_conf *out);
/* The role for a VRRP state (enum vrrp_state, -1 = none seen) under this configuration. */
enum sk_role sync_kernel_role(const struct sync_kernel_conf *c, int vrrp_state);
const char *sync_kernel_role_name(enum sk_role role);

/* The daemons the role wants: want[SK_MASTER] and want[SK_BACKUP], on[] whether each should run. */
void sync_kernel_want(const struct sync_kernel_conf *c, enum sk_role role, struct ipvs_daemon want[SK_NDAEMONS],
		      bool on[SK_NDAEMONS]);
/* Whether a daemon the kernel reports is what was wanted, with the kernel's defaults and clamping applied. */
bool sync_kernel_matches(const struct ipvs_daemon *want, const struct ipvs_daemon *have);

struct sync_kernel_op {
	uint8_t cmd;			/* IPVS_CMD_NEW_DAEMON or IPVS_CMD_DEL_DAEMON */
	int slot;			/* SK_MASTER or SK_BACKUP */
	struct ipvs_daemon d;
};
#define SK_MAX_OPS 4

/*
 * The commands that turn the kernel's daemons (have, as listed) into the wanted ones: stops first (an
 * unwanted daemon, or one whose parameters differ), then starts. settled[slot], if not NULL, is what the
 * kernel reported right after this child started that slot with these same wants: accepted as it is, so
 * a kernel that normalises a parameter differently cannot make the child restart a daemon forever.
 * Returns the number of ops written to ops (at most SK_MAX_OPS).
 */
size_t sync_kernel_plan(const struct ipvs_daemon want[SK_NDAEMONS], const bool on[SK_NDAEMONS],
			const struct ipvs_daemon *have, size_t nhave,
			const struct ipvs_daemon *const settled[SK_NDAEMONS], struct sync_kernel_op *ops);

/* ---- the runtime (sync_kernel.c) ---- */

struct proc;

#define SK_LOGGED_MAX 4

struct sync_kernel_stats {
	uint64_t starts, stops, errors, writes, checks, role_changes;
	uint64_t resyncs_sent, resync_records, datagrams_out, send_errors;
};

struct sync_kernel {
	struct proc *p;
	bool active;			/* mode kernel is configured */
	struct sync_kernel_conf conf;
	enum sk_role role;
	struct ipvs_nl nl;
	bool nl_open;
	bool modprobed;			/* tried to load ip_vs already */
	/* the kernel's daemons as last listed */
	struct ipvs_daemon have[SK_NDAEMONS];
	size_t nhave;
	bool listed;
	/* what the kernel showed after our own start of a slot, for the wants of that time */
	struct ipvs_daemon settled[SK_NDAEMONS], settled_for[SK_NDAEMONS];
	bool has_settled[SK_NDAEMONS];
	bool failing;			/* the last pass had an error: retry soon */
	bool stopping;			/* in sync_kernel_stop: no retry follows */
	char error[192];		/* the last error; kept after recovery as the last one seen */
	char logged[SK_LOGGED_MAX][192];	/* errors logged since the last pass that succeeded */
	size_t nlogged;
	struct ev_timer check, grace, tick;
	/* the table sent after a promotion */
	int sfd;
	struct sync_proc_reader reader;
	struct sync_enc enc;		/* the datagram being filled */
	bool dumping;
	uint64_t dump_started, dump_sent;
	struct sync_kernel_stats st;
	uint8_t buf[65536];
};

void sync_kernel_init(struct sync_kernel *k, struct proc *p);
/* A configuration in mode kernel (vrrp_state: the followed instance's last state, -1 if none yet). */
void sync_kernel_apply(struct sync_kernel *k, const struct sync_kernel_conf *c, int vrrp_state);
/* The followed instance changed state. */
void sync_kernel_vrrp(struct sync_kernel *k, const char *instance, int state);
/* Leaving mode kernel (reload to relay or shutdown): stops the daemons and closes everything. */
void sync_kernel_stop(struct sync_kernel *k);
void sync_kernel_status(struct sync_kernel *k, struct json_object *out);
/* Changes whenever something status shows changed. */
uint64_t sync_kernel_sum(const struct sync_kernel *k);

#endif
