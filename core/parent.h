/* The supervising parent: owns the configuration, the children, the control socket. */
#ifndef VIPD_PARENT_H
#define VIPD_PARENT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/child.h"
#include "core/route.h"
#include "core/service.h"
#include "lib/config.h"
#include "lib/event.h"

struct control;

struct parent_opts {
	const char *config_path;	/* absolute */
	const char *config_id;
	const char *pidfile;
	const char *socket_path;
	unsigned child_filter;		/* CHILD_BIT mask of the children allowed to run */
	int log_flags;
};

struct reload_result {
	bool done;
	bool ok;
	bool parsed;		/* false: the files were unchanged, the config in force was kept */
	time_t when;
	uint32_t generation;
	uint64_t count, failures;	/* reloads asked for, and those whose file had errors */
	uint64_t started_ns, duration_ns;	/* the last one: reading and checking the files */
	struct json_object *errors;	/* array of "FILE:LINE: ..." strings */
	struct json_object *warnings;
};

struct parent {
	struct parent_opts opts;
	struct ev_loop *loop;
	struct config *conf;
	uint32_t generation;
	uint64_t started_ns;
	time_t started_wall;
	struct child children[CHILD_MAX];
	struct control *control;
	struct reload_result last_reload;
	struct route_memory memory;	/* last states, for children that restart */
	struct service service;		/* systemd's notify socket and watchdog */
	bool stopping;
};

/* Runs the parent with a loaded config until SIGTERM; returns the exit code. */
int parent_run(const struct parent_opts *opts, struct config *conf);
/* Re-reads the config; on errors keeps the one in force. Returns true if the new one was adopted. */
bool parent_reload(struct parent *pa);
/* The status object of `vipctl status --json`. */
struct json_object *parent_status(struct parent *pa);

#endif
