/* The parent's side of its children: start, feed the config, watch, respawn with backoff, stop. */
#ifndef VIPD_CHILD_H
#define VIPD_CHILD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/config.h"
#include "lib/event.h"
#include "lib/ipc.h"
#include "lib/proc.h"

#define CHILD_BACKOFF_MIN_NS (1 * EV_NSEC_PER_SEC)
#define CHILD_BACKOFF_MAX_NS (60 * EV_NSEC_PER_SEC)
/* A child that ran at least this long before dying is restarted at once. */
#define CHILD_STABLE_NS (60 * EV_NSEC_PER_SEC)
/* How long a child may take to stop after SIGTERM before it is killed. */
#define CHILD_STOP_GRACE_NS (10 * EV_NSEC_PER_SEC)

enum child_state {
	CHILD_IDLE,		/* not wanted by the config (or the process flags) */
	CHILD_RUNNING,
	CHILD_BACKOFF,		/* died; waiting to be restarted */
	CHILD_FAILED,		/* exited with a config error; waits for a reload */
	CHILD_STOPPING,		/* SIGTERM sent */
};

struct parent;

struct child {
	enum child_kind kind;
	const struct proc_ops *ops;
	struct parent *parent;
	enum child_state state;
	pid_t pid;
	uint64_t started_ns;
	uint64_t backoff_ns;
	unsigned restarts;
	bool restarted_at_once;		/* the last quick death was answered without a backoff */
	bool has_exited;
	int last_wstatus;
	struct ipc_peer ipc;
	struct ev_io io;
	struct ev_timer respawn_timer;
	struct ev_timer kill_timer;
	struct json_object *status;	/* the child's last report */
	uint32_t sent_generation;	/* the last configuration sent to this process, whole or unchanged */
	uint32_t applied_generation;
	int applied_result;
	uint64_t configs_sent, configs_unchanged;	/* for status */
	uint64_t last_pong_ns;		/* when it last answered a ping (or started) */
};

/* Remembers argv so children can show "vipd: vrrp" in ps. */
void child_set_argv(int argc, char **argv);
void child_init(struct parent *pa, struct child *c, enum child_kind kind);
int child_start(struct child *c);
/* Sends the configuration in force. prev: the one before, which the child may hold; if nothing the child
 * gets differs between them, it is told so (IPC_CFG_UNCHANGED) instead. NULL: send all of it. */
void child_send_config(struct child *c, const struct config *prev);
/* Tells it the config in force is what it holds as generation base, under its new generation. */
void child_send_unchanged(struct child *c, uint32_t base);
/* Tries to send what is queued, and watches for writability if some remains. */
void child_flush_later(struct child *c);
/* SIGTERM now, SIGKILL after the grace period. */
void child_stop(struct child *c);
bool child_alive(const struct child *c);
/* From the loop's SIGCHLD handler; returns false if pid is none of ours. */
bool child_reaped(struct parent *pa, pid_t pid, int wstatus);
struct json_object *child_status(const struct child *c);
const char *child_state_name(enum child_state s);
void child_cleanup(struct child *c);

#endif
