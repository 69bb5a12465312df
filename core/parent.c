/*
 * The parent's events: SIGHUP (reload), SIGTERM/SIGINT (stop), SIGCHLD (a child died), control requests.
 * Everything else it does happens in response to one of these.
 */
#include "core/parent.h"

#include "autoconfig.h"

#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/child.h"
#include "core/conf.h"
#include "core/control.h"
#include "lib/log.h"
#include "lib/script.h"

/* Stopping: VRRP first so the peer takes the VIPs at once, the IPVS table last so traffic still flows. */
static const enum child_kind stop_order[CHILD_MAX] = { CHILD_VRRP, CHILD_SYNC, CHILD_CHECKERS, CHILD_BFD,
							    CHILD_IPVS, CHILD_METRICS };

/* The umask vipd was started with, for a reload that drops the `umask` keyword. Set once, in parent_run. */
static mode_t started_umask;

/*
 * umask: the configured one, for the parent and so for the children it starts, their scripts and what
 * they create. Not configured: the one vipd was started with. Written into the configuration either way,
 * so that running children take it when it reaches them (lib/proc.c) and drop one a reload removed.
 */
static void
apply_umask(struct config *conf)
{
	struct cfg_global *g = conf->global;

	if (!g->umask_set) {
		g->umask = started_umask;
		g->umask_set = true;
	}
	if (umask((mode_t)g->umask) != (mode_t)g->umask)
		log_info("umask %04o", (unsigned)g->umask);
}

/* startup_script / shutdown_script: run as script_user and waited for, the children not running. */
static void
run_script_waiting(const struct cfg_global *g, const char *what, const char *cmd, uint64_t timeout_ms)
{
	bool timed_out;
	int ws;

	if (cmd[0] == '\0')
		return;
	log_info("running %s %s", what, cmd);
	if (script_run_wait(&(struct script){ .cmd = cmd, .user = g->script_user,
					      .timeout_ns = timeout_ms * EV_NSEC_PER_MSEC,
					      .secure = g->enable_script_security }, &ws, &timed_out) == -1)
		return;
	if (timed_out)
		log_warnx("%s %s killed after %" PRIu64 " ms", what, cmd, timeout_ms);
	else if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		log_warnx("%s %s failed (%s %d)", what, cmd, WIFEXITED(ws) ? "exit status" : "signal",
			  WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
}

static bool
child_wanted(const struct parent *pa, enum child_kind kind)
{
	return (config_children_needed(pa->conf) & pa->opts.child_filter & CHILD_BIT(kind)) != 0;
}

/* Brings the children in line with the config in force: start, feed or stop each. prev: the config that
 * was in force, for children to which nothing changed (NULL at start); same_since: instead of prev, the
 * generation the config in force had before it was kept at a reload whose files were unchanged. */
static void
apply_children(struct parent *pa, const struct config *prev, uint32_t same_since)
{
	for (int k = 0; k < CHILD_MAX; k++) {
		struct child *c = &pa->children[k];
		bool wanted = child_wanted(pa, (enum child_kind)k);

		switch (c->state) {
		case CHILD_RUNNING:
			if (wanted && same_since != 0)
				child_send_unchanged(c, same_since);
			else if (wanted)
				child_send_config(c, prev);
			else
				child_stop(c);
			break;
		case CHILD_IDLE:
		case CHILD_FAILED:
			if (wanted) {
				c->backoff_ns = CHILD_BACKOFF_MIN_NS;
				child_start(c);
			}
			break;
		case CHILD_BACKOFF:
			/* it gets the new config when it starts */
			if (!wanted)
				child_stop(c);
			break;
		case CHILD_STOPPING:
			break;
		}
	}
}

static void
record_reload(struct parent *pa, bool ok, bool parsed, const struct cfg_diag *diag)
{
	struct reload_result *r = &pa->last_reload;

	json_object_put(r->errors);
	json_object_put(r->warnings);
	r->errors = json_object_new_array();
	r->warnings = json_object_new_array();
	for (size_t i = 0; i < diag->nerrors; i++)
		json_object_array_add(r->errors, json_object_new_string(diag->errors[i]));
	for (size_t i = 0; i < diag->nwarnings; i++)
		json_object_array_add(r->warnings, json_object_new_string(diag->warnings[i]));
	for (size_t i = 0; i < diag->nrecovered; i++)
		json_object_array_add(r->warnings, json_object_new_string(diag->recovered[i]));
	r->done = true;
	r->count++;
	r->failures += !ok;
	r->duration_ns = ev_now() - r->started_ns;
	r->ok = ok;
	r->parsed = parsed;
	r->when = time(NULL);
	r->generation = pa->generation;
}

/* The files hold what they held: the config in force stays, under a new generation, without parsing. */
static void
keep_unchanged(struct parent *pa)
{
	struct cfg_diag same = { .warnings = pa->conf->warnings, .nwarnings = pa->conf->nwarnings };
	uint32_t base = pa->conf->generation;

	for (size_t i = 0; i < same.nwarnings; i++)
		log_warnx("%s", same.warnings[i]);
	pa->conf->generation = ++pa->generation;
	record_reload(pa, true, false, &same);
	log_info("configuration %u in force: the files are as configuration %u was read from", pa->generation, base);
	apply_children(pa, NULL, base);
}

bool
parent_reload(struct parent *pa)
{
	struct cfg_diag diag;
	struct config *conf, *prev;

	log_info("reloading %s", pa->opts.config_path);
	pa->last_reload.started_ns = ev_now();
	service_reloading(&pa->service);
	if (conf_unchanged(pa->conf, pa->opts.config_id)) {
		keep_unchanged(pa);
		service_check_ready(&pa->service, pa);
		return true;
	}
	conf = conf_load(pa->opts.config_path, pa->opts.config_id, &diag);
	for (size_t i = 0; i < diag.nwarnings; i++)
		log_warnx("%s", diag.warnings[i]);
	for (size_t i = 0; i < diag.nrecovered; i++)
		log_warnx("recovered: %s", diag.recovered[i]);
	for (size_t i = 0; i < diag.nerrors; i++)
		log_warnx("%s", diag.errors[i]);
	if (conf == NULL) {
		log_warnx("%s has errors; keeping configuration %u", pa->opts.config_path, pa->generation);
		record_reload(pa, false, true, &diag);
		cfg_diag_free(&diag);
		service_check_ready(&pa->service, pa);	/* the children hold the configuration kept */
		return false;
	}
	conf->generation = ++pa->generation;
	prev = pa->conf;
	pa->conf = conf;
	record_reload(pa, true, true, &diag);
	cfg_diag_free(&diag);
	log_info("configuration %u in force", pa->generation);
	apply_umask(pa->conf);
	route_prune(pa);
	apply_children(pa, prev, 0);
	config_free(prev);
	service_check_ready(&pa->service, pa);
	return true;
}

static void
stop_next_child(struct parent *pa)
{
	for (int i = 0; i < CHILD_MAX; i++) {
		struct child *c = &pa->children[stop_order[i]];

		if (!child_alive(c))
			continue;
		if (c->state != CHILD_STOPPING)
			child_stop(c);
		return;		/* one at a time: the next when this one is reaped */
	}
	ev_break(pa->loop);
}

static void
parent_stop(struct parent *pa)
{
	if (pa->stopping)
		return;
	log_info("stopping");
	service_stopping(&pa->service);
	pa->stopping = true;
	for (int k = 0; k < CHILD_MAX; k++)
		ev_timer_stop(pa->loop, &pa->children[k].respawn_timer);
	stop_next_child(pa);
}

static void
on_signal(int signo, void *data)
{
	struct parent *pa = data;

	if (signo == SIGHUP && !pa->stopping)
		parent_reload(pa);
	else if (signo == SIGTERM || signo == SIGINT)
		parent_stop(pa);
}

static void
on_child_exit(pid_t pid, int wstatus, void *data)
{
	struct parent *pa = data;

	if (!child_reaped(pa, pid, wstatus))
		log_debug("reaped unknown process %d", (int)pid);
	if (pa->stopping)
		stop_next_child(pa);
}

struct json_object *
parent_status(struct parent *pa)
{
	struct json_object *root = json_object_new_object();
	struct json_object *me = json_object_new_object();
	struct json_object *reload = json_object_new_object();
	struct json_object *children = json_object_new_array();
	struct reload_result *r = &pa->last_reload;

	if (root == NULL || me == NULL || reload == NULL || children == NULL) {
		json_object_put(root);
		json_object_put(me);
		json_object_put(reload);
		json_object_put(children);
		return NULL;
	}
	json_object_object_add(me, "pid", json_object_new_int(getpid()));
	json_object_object_add(me, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(me, "started", json_object_new_int64(pa->started_wall));
	json_object_object_add(me, "uptime",
			       json_object_new_double((double)(ev_now() - pa->started_ns) / EV_NSEC_PER_SEC));
	json_object_object_add(me, "config_file", json_object_new_string(pa->opts.config_path));
	json_object_object_add(me, "config_generation", json_object_new_int64(pa->generation));
	json_object_object_add(me, "router_id", json_object_new_string(pa->conf->global->router_id));
	json_object_object_add(reload, "result", json_object_new_string(!r->done ? "none" : r->ok ? "ok" : "failed"));
	json_object_object_add(reload, "time", r->done ? json_object_new_int64(r->when) : NULL);
	json_object_object_add(reload, "parsed", json_object_new_boolean(!r->done || r->parsed));
	json_object_object_add(reload, "count", json_object_new_int64((int64_t)r->count));
	json_object_object_add(reload, "failures", json_object_new_int64((int64_t)r->failures));
	json_object_object_add(reload, "duration", r->done ?
			       json_object_new_double((double)r->duration_ns / EV_NSEC_PER_SEC) : NULL);
	json_object_object_add(reload, "errors", r->errors ? json_object_get(r->errors) : json_object_new_array());
	json_object_object_add(reload, "warnings",
			       r->warnings ? json_object_get(r->warnings) : json_object_new_array());
	json_object_object_add(me, "last_reload", reload);
	route_status(&pa->memory, me);
	json_object_object_add(root, "parent", me);
	for (int k = 0; k < CHILD_MAX; k++) {
		struct json_object *c = child_status(&pa->children[k]);

		if (c != NULL) {
			json_object_object_add(c, "wanted", json_object_new_boolean(child_wanted(pa, (enum child_kind)k)));
			json_object_array_add(children, c);
		}
	}
	json_object_object_add(root, "children", children);
	return root;
}

static struct json_object *
reload_reply(struct parent *pa)
{
	struct json_object *o = json_object_new_object();
	bool ok = parent_reload(pa);

	json_object_object_add(o, "result", json_object_new_string(ok ? "ok" : "failed"));
	json_object_object_add(o, "config_generation", json_object_new_int64(pa->generation));
	json_object_object_add(o, "errors", json_object_get(pa->last_reload.errors));
	json_object_object_add(o, "warnings", json_object_get(pa->last_reload.warnings));
	return o;
}

static struct json_object *
on_control(const char *command, struct json_object *request, void *data)
{
	struct parent *pa = data;
	struct json_object *o;

	if (strcmp(command, "status") == 0)
		return parent_status(pa);
	if (strcmp(command, "reload") == 0 && !pa->stopping)
		return reload_reply(pa);
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(pa->stopping ? "vipd is stopping" :
								  "unknown command"));
	return o;
}

int
parent_run(const struct parent_opts *opts, struct config *conf)
{
	static const int signals[] = { SIGHUP, SIGTERM, SIGINT };
	struct parent pa = { .opts = *opts, .conf = conf };

	signal(SIGPIPE, SIG_IGN);
	if ((pa.loop = ev_loop_new()) == NULL)
		fatal("event loop");
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (ev_signal_start(pa.loop, signals[i], on_signal, &pa) == -1)
			fatal("signal %d", signals[i]);
	if (ev_child_start(pa.loop, on_child_exit, &pa) == -1)
		fatal("SIGCHLD");
	pa.control = control_open(pa.loop, opts->socket_path, on_control, &pa);
	if (pa.control == NULL)
		fatalx("cannot open the control socket %s", opts->socket_path);
	started_umask = umask(0);
	umask(started_umask);
	apply_umask(conf);
	pa.started_ns = ev_now();
	pa.started_wall = time(NULL);
	pa.generation = conf->generation = 1;
	for (int k = 0; k < CHILD_MAX; k++)
		child_init(&pa, &pa.children[k], (enum child_kind)k);
	log_info("vipd %s started with %s", PACKAGE_VERSION, opts->config_path);
	run_script_waiting(conf->global, "startup_script", conf->global->startup_script,
			   conf->global->startup_script_timeout_ms);
	service_open(&pa.service, &pa);
	apply_children(&pa, NULL, 0);
	service_check_ready(&pa.service, &pa);
	if (ev_run(pa.loop) == -1)
		log_warn("event loop");
	/* every child has stopped (stop_next_child breaks the loop after the last) */
	run_script_waiting(pa.conf->global, "shutdown_script", pa.conf->global->shutdown_script,
			   pa.conf->global->shutdown_script_timeout_ms);
	control_close(pa.control);
	service_close(&pa.service, pa.loop);
	for (int k = 0; k < CHILD_MAX; k++)
		child_cleanup(&pa.children[k]);
	json_object_put(pa.last_reload.errors);
	json_object_put(pa.last_reload.warnings);
	config_free(pa.conf);
	route_free(&pa.memory);
	ev_loop_free(pa.loop);
	log_info("stopped");
	return 0;
}
