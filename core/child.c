/* Children as the parent sees them: fork, config, reports, death, respawn with backoff. */
#include "core/child.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bfd/bfd.h"
#include "checkers/checkers.h"
#include "core/parent.h"
#include "core/route.h"
#include "ipvs/ipvs.h"
#include "lib/log.h"
#include "metrics/metrics.h"
#include "sync/sync.h"
#include "vrrp/vrrp.h"

static const struct proc_ops *const child_ops[CHILD_MAX] = {
	[CHILD_VRRP] = &vrrp_proc,
	[CHILD_IPVS] = &ipvs_proc,
	[CHILD_CHECKERS] = &checkers_proc,
	[CHILD_SYNC] = &sync_proc,
	[CHILD_BFD] = &bfd_proc,
	[CHILD_METRICS] = &metrics_proc,
};

/* The argv area, overwritten in each child so ps shows "vipd: vrrp". Private to each process. */
static char *title_area;
static size_t title_len;

void
child_set_argv(int argc, char **argv)
{
	if (argc < 1)
		return;
	title_area = argv[0];
	title_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
}

static void
set_title(const char *name)
{
	char title[32];

	snprintf(title, sizeof(title), "vipd: %s", name);
	prctl(PR_SET_NAME, title, 0, 0, 0);
	if (title_area != NULL && title_len > 0) {
		memset(title_area, 0, title_len);
		snprintf(title_area, title_len + 1, "%s", title);
	}
}

const char *
child_state_name(enum child_state s)
{
	static const char *const names[] = {
		[CHILD_IDLE] = "idle", [CHILD_RUNNING] = "running", [CHILD_BACKOFF] = "backoff",
		[CHILD_FAILED] = "failed", [CHILD_STOPPING] = "stopping",
	};
	return s <= CHILD_STOPPING ? names[s] : "unknown";
}

void
child_init(struct parent *pa, struct child *c, enum child_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->ops = child_ops[kind];
	c->parent = pa;
	c->backoff_ns = CHILD_BACKOFF_MIN_NS;
	c->ipc.fd = -1;
}

bool
child_alive(const struct child *c)
{
	return c->pid > 0;
}

/* In the new process: nothing of the parent's but the channel survives. */
static noreturn void
child_main(struct child *c, pid_t parent_pid, int fd)
{
	const char *name = c->ops->name;

	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent_pid)
		_exit(0);
	if (fd != 3) {
		if (dup2(fd, 3) == -1)
			_exit(1);
		close(fd);
	}
	close_range(4, ~0U, 0);
	log_init(name, log_flags());
	set_title(name);
	exit(proc_run(c->ops, 3));
}

void
child_flush_later(struct child *c)
{
	int r = ipc_flush(&c->ipc);

	if (r == -1 || !c->io.active)
		return;	/* a broken channel shows up as the child's exit */
	ev_io_modify(c->parent->loop, &c->io, EPOLLIN | (r == 1 ? EPOLLOUT : 0));
}

/* A child's status is written out as the text it came in (the same JSON): serialising a parsed copy of
 * the checkers' megabytes again for every `vipctl status` and every scrape was most of their cost. */
static int
raw_status_text(struct json_object *obj, struct printbuf *pb, int level, int flags)
{
	const char *raw = json_object_get_userdata(obj);

	(void)level;
	(void)flags;
	return printbuf_memappend(pb, raw, (int)strlen(raw));
}

static void
raw_status_free(struct json_object *obj, void *raw)
{
	(void)obj;
	free(raw);
}

static void
child_got_status(struct child *c, const struct ipc_msg *msg)
{
	char *raw;

	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj = NULL;

	if (tok != NULL) {
		obj = json_tokener_parse_ex(tok, msg->data, (int)msg->len);
		if (json_tokener_get_error(tok) != json_tokener_success || tok->char_offset != (int)msg->len) {
			json_object_put(obj);
			obj = NULL;
		}
		json_tokener_free(tok);
	}
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		log_warnx("%s: status that is not a JSON object, dropped", c->ops->name);
		json_object_put(obj);
		c->ipc.rejected++;
		return;
	}
	/* without the copy (memory ran out) it is serialised again, as any object */
	if (memchr(msg->data, '\0', msg->len) == NULL && (raw = strndup(msg->data, msg->len)) != NULL)
		json_object_set_serializer(obj, raw_status_text, raw, raw_status_free);
	json_object_put(c->status);
	c->status = obj;
}

static void
child_applied(struct child *c, const struct ipc_cfg_applied *ap)
{
	c->applied_generation = ap->generation;
	c->applied_result = ap->result;
	if (ap->result == -ESTALE && ap->generation == c->parent->conf->generation) {
		/* it did not hold what it was told was unchanged (a configuration it failed to apply) */
		log_info("%s: sending all of configuration %u", c->ops->name, ap->generation);
		child_send_config(c, NULL);
		return;
	}
	if (ap->result != 0)
		log_warnx("%s: configuration %u not applied (%d)", c->ops->name, ap->generation, ap->result);
	service_check_ready(&c->parent->service, c->parent);
}

/* The metrics child asks for what `vipctl status --json` shows. One answer at a time is queued: a child
 * that asks without reading cannot make the parent hoard copies (it times out and asks again). */
static void
child_answer_status(struct child *c, const struct ipc_msg *msg)
{
	struct json_object *st;
	const char *text;

	if (c->kind != CHILD_METRICS) {
		log_warnx("%s: unexpected message %s, dropped", c->ops->name, ipc_type_name(msg->type));
		c->ipc.rejected++;
		return;
	}
	if (ipc_pending(&c->ipc) || (st = parent_status(c->parent)) == NULL)
		return;
	text = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);
	if (text == NULL || ipc_send2(&c->ipc, IPC_STATUS_ALL, msg->data, sizeof(struct ipc_status_ask), text,
				      strlen(text)) == -1)
		log_warnx("%s: cannot send the status", c->ops->name);
	json_object_put(st);
	child_flush_later(c);
}

static void
child_dispatch(struct child *c, const struct ipc_msg *msg)
{
	switch (msg->type) {
	case IPC_CFG_APPLIED:
		child_applied(c, msg->data);
		break;
	case IPC_STATUS:
		child_got_status(c, msg);
		break;
	case IPC_PONG:
		c->last_pong_ns = ev_now();
		break;
	case IPC_STATUS_ASK:
		child_answer_status(c, msg);
		break;
	default:
		if (!route_from_child(c->parent, c, msg)) {
			log_warnx("%s: unexpected message %s, dropped", c->ops->name, ipc_type_name(msg->type));
			c->ipc.rejected++;
		}
	}
}

static void
child_io(struct ev_io *io, uint32_t revents)
{
	struct child *c = io->data;
	struct ipc_msg msg;

	if (revents & EPOLLOUT)
		child_flush_later(c);
	for (;;) {
		switch (ipc_read(&c->ipc, &msg)) {
		case IPC_OK:
			child_dispatch(c, &msg);
			continue;
		case IPC_REJECTED:
			continue;
		case IPC_AGAIN:
			return;
		case IPC_CLOSED:
		case IPC_ERROR:
			/* its exit is handled when it is reaped; stop listening to a closed channel */
			ev_io_stop(c->parent->loop, &c->io);
			return;
		}
	}
}

static void
child_close_channel(struct child *c)
{
	if (c->io.active)
		ev_io_stop(c->parent->loop, &c->io);
	if (c->ipc.fd >= 0)
		ipc_peer_close(&c->ipc);
	c->ipc.fd = -1;
}

/* The child holds generation base (or is being sent it, and says -ESTALE if that failed). */
static bool
child_holds(const struct child *c, uint32_t base)
{
	return c->sent_generation == base && !(c->applied_generation == base && c->applied_result != 0);
}

static void
child_send(struct child *c, bool whole, uint32_t base)
{
	const struct config *conf = c->parent->conf;
	int r;

	if (!whole) {
		struct ipc_cfg_unchanged u = { .generation = conf->generation, .base = base };

		r = ipc_send(&c->ipc, IPC_CFG_UNCHANGED, &u, sizeof(u));
		c->configs_unchanged++;
	} else {
		r = ipc_send_config(&c->ipc, conf, c->kind);
		c->configs_sent++;
	}
	if (r == -1)
		log_warnx("%s: cannot queue configuration %u", c->ops->name, conf->generation);
	c->sent_generation = conf->generation;
	child_flush_later(c);
}

void
child_send_config(struct child *c, const struct config *prev)
{
	bool same = prev != NULL && child_holds(c, prev->generation) &&
	    config_same_for(prev, c->parent->conf, c->kind);

	child_send(c, !same, prev != NULL ? prev->generation : 0);
}

void
child_send_unchanged(struct child *c, uint32_t base)
{
	child_send(c, !child_holds(c, base), base);
}

int
child_start(struct child *c)
{
	pid_t parent_pid = getpid();
	int fds[2];
	pid_t pid;

	if (ipc_socketpair(fds) == -1) {
		log_warn("%s: socketpair", c->ops->name);
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_warn("%s: fork", c->ops->name);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(c, parent_pid, fds[1]);
	}
	close(fds[1]);
	ipc_peer_init(&c->ipc, fds[0], c->ops->name);
	if (ev_io_start(c->parent->loop, &c->io, fds[0], EPOLLIN, child_io, c) == -1)
		log_warn("%s: watching its channel", c->ops->name);
	c->pid = pid;
	c->started_ns = ev_now();
	c->last_pong_ns = c->started_ns;
	c->state = CHILD_RUNNING;
	/* a new process holds nothing yet */
	c->applied_generation = 0;
	c->applied_result = 0;
	json_object_put(c->status);
	c->status = NULL;
	log_info("started %s (pid %d)", c->ops->name, (int)pid);
	child_send_config(c, NULL);
	route_replay(c->parent, c);
	return 0;
}

static void
respawn_due(struct ev_timer *t)
{
	struct child *c = t->data;

	if (c->state == CHILD_BACKOFF && child_start(c) == -1) {
		/* fork failed: try again later rather than give up */
		ev_timer_after(c->parent->loop, &c->respawn_timer, c->backoff_ns);
	}
}

static void
kill_due(struct ev_timer *t)
{
	struct child *c = t->data;

	if (child_alive(c)) {
		log_warnx("%s (pid %d) did not stop in time; killing it", c->ops->name, (int)c->pid);
		kill(c->pid, SIGKILL);
	}
}

void
child_stop(struct child *c)
{
	ev_timer_stop(c->parent->loop, &c->respawn_timer);
	if (!child_alive(c)) {
		c->state = CHILD_IDLE;
		return;
	}
	c->state = CHILD_STOPPING;
	kill(c->pid, SIGTERM);
	ev_timer_init(&c->kill_timer, kill_due, c, "child kill");
	ev_timer_after(c->parent->loop, &c->kill_timer, CHILD_STOP_GRACE_NS);
}

static void
describe_exit(int wstatus, char *buf, size_t len)
{
	if (WIFEXITED(wstatus))
		snprintf(buf, len, "exit %d", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(buf, len, "signal %d", WTERMSIG(wstatus));
	else
		snprintf(buf, len, "status 0x%x", wstatus);
}

/*
 * A vrrp child that was master must be back before its peer's Master_Down timer runs out (0.3 s at
 * advert_int 0.1), or its crash alone would move the VIPs. So its first quick death is answered at once;
 * if it dies again before a stable run, the backoff applies as for any child.
 */
static bool
restart_at_once(struct child *c, uint64_t ran_ns)
{
	if (ran_ns >= CHILD_STABLE_NS) {
		c->backoff_ns = CHILD_BACKOFF_MIN_NS;
		c->restarted_at_once = false;
		return true;
	}
	/* the same for a bfd child with a session Up: the peer's detection time is a few hundred ms */
	if (!c->restarted_at_once && ((c->kind == CHILD_VRRP && route_has_master(&c->parent->memory)) ||
				      (c->kind == CHILD_BFD && route_has_bfd_up(&c->parent->memory)))) {
		c->restarted_at_once = true;
		return true;
	}
	return false;
}

static void
schedule_respawn(struct child *c, uint64_t ran_ns)
{
	struct ev_loop *loop = c->parent->loop;

	c->restarts++;
	c->state = CHILD_BACKOFF;
	ev_timer_init(&c->respawn_timer, respawn_due, c, "child respawn");
	if (restart_at_once(c, ran_ns)) {
		log_info("restarting %s now", c->ops->name);
		ev_timer_after(loop, &c->respawn_timer, 0);
		return;
	}
	log_info("restarting %s in %llu s", c->ops->name, (unsigned long long)(c->backoff_ns / EV_NSEC_PER_SEC));
	ev_timer_after(loop, &c->respawn_timer, c->backoff_ns);
	c->backoff_ns = c->backoff_ns * 2 > CHILD_BACKOFF_MAX_NS ? CHILD_BACKOFF_MAX_NS : c->backoff_ns * 2;
}

bool
child_reaped(struct parent *pa, pid_t pid, int wstatus)
{
	struct child *c = NULL;
	uint64_t ran;
	char how[32];

	for (int k = 0; k < CHILD_MAX; k++)
		if (pa->children[k].pid == pid)
			c = &pa->children[k];
	if (c == NULL)
		return false;
	ran = ev_now() - c->started_ns;
	describe_exit(wstatus, how, sizeof(how));
	c->pid = 0;
	c->has_exited = true;
	c->last_wstatus = wstatus;
	child_close_channel(c);
	ev_timer_stop(pa->loop, &c->kill_timer);
	if (c->state == CHILD_STOPPING || pa->stopping) {
		log_info("%s stopped (%s)", c->ops->name, how);
		c->state = CHILD_IDLE;
	} else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == PROC_EXIT_CONFIG) {
		log_warnx("%s exited: its configuration cannot run; not restarting it before a reload",
			  c->ops->name);
		c->state = CHILD_FAILED;
	} else {
		log_warnx("%s (pid %d) died (%s) after %.1f s", c->ops->name, (int)pid, how,
			  (double)ran / EV_NSEC_PER_SEC);
		schedule_respawn(c, ran);
	}
	return true;
}

struct json_object *
child_status(const struct child *c)
{
	struct json_object *o = json_object_new_object();
	char how[32];

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(c->ops->name));
	json_object_object_add(o, "state", json_object_new_string(child_state_name(c->state)));
	json_object_object_add(o, "pid", child_alive(c) ? json_object_new_int(c->pid) : NULL);
	json_object_object_add(o, "uptime", child_alive(c) ?
			       json_object_new_double((double)(ev_now() - c->started_ns) / EV_NSEC_PER_SEC) : NULL);
	json_object_object_add(o, "restarts", json_object_new_int64(c->restarts));
	if (c->has_exited)
		describe_exit(c->last_wstatus, how, sizeof(how));
	json_object_object_add(o, "last_exit", c->has_exited ? json_object_new_string(how) : NULL);
	json_object_object_add(o, "config_generation", json_object_new_int64(c->applied_generation));
	json_object_object_add(o, "configs_sent", json_object_new_int64((int64_t)c->configs_sent));
	json_object_object_add(o, "configs_unchanged", json_object_new_int64((int64_t)c->configs_unchanged));
	json_object_object_add(o, "ipc_rejected", json_object_new_int64((int64_t)c->ipc.rejected));
	json_object_object_add(o, "status", c->status ? json_object_get(c->status) : NULL);
	return o;
}

void
child_cleanup(struct child *c)
{
	child_close_channel(c);
	json_object_put(c->status);
	c->status = NULL;
}
