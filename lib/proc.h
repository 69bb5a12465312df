/*
 * The runtime every child process shares: its event loop, its channel to the parent, receiving a
 * configuration (BEGIN, STRINGS, OBJECT..., END, or UNCHANGED) and handing it to the module, status
 * reports, and SIGTERM.
 * A module provides a struct proc_ops and is otherwise only a list of its own events.
 */
#ifndef VIPD_PROC_H
#define VIPD_PROC_H

#include <json-c/json.h>
#include <stdint.h>

#include "lib/config.h"
#include "lib/event.h"
#include "lib/ipc.h"

/* Exit status of a child whose configuration cannot work: the parent does not respawn it in a loop. */
#define PROC_EXIT_CONFIG 78

struct proc;

struct proc_ops {
	const char *name;		/* "vrrp": log prefix and process title */
	enum child_kind kind;
	/* After the loop exists, before any configuration. May be NULL. */
	int (*init)(struct proc *p);
	/* A complete configuration arrived (old is NULL the first time). p->conf is already conf while this
	 * runs (texts of its objects are read from its string table), and goes back to old if it fails.
	 * 0: adopted; PROC_EXIT_CONFIG: this configuration cannot run, the child exits with it; other non-zero:
	 * kept the old one. A reload that changes nothing of this child's does not call it: the configuration
	 * in force only takes the new generation. */
	int (*apply)(struct proc *p, const struct config *conf, const struct config *old);
	/* Adds the module's fields to the status object sent to the parent. May be NULL. */
	void (*status)(struct proc *p, struct json_object *out);
	/* SIGTERM: undo what must not outlive the process. May be NULL. */
	void (*shutdown)(struct proc *p);
	/* Messages the runtime does not handle itself. NULL: they are rejected. */
	void (*dispatch)(struct proc *p, const struct ipc_msg *msg);
};

struct proc {
	const struct proc_ops *ops;
	struct ev_loop *loop;
	struct ipc_peer parent;
	struct ev_io parent_io;
	struct config *conf;		/* the configuration in force, NULL before the first one */
	struct config *incoming;	/* being received */
	uint32_t incoming_generation;
	void *state;			/* the module's */
	int exit_code;
};

/* Runs a child until SIGTERM or the parent goes away; returns the process exit code. */
int proc_run(const struct proc_ops *ops, int parent_fd);
/* Sends the parent a fresh status (the runtime's fields plus ops->status). */
void proc_send_status(struct proc *p);
/* Ends the child's loop with this exit code. */
void proc_exit(struct proc *p, int code);

#endif
