/* A child's life: wait for a configuration, hand it to the module, report, stop on SIGTERM. */
#include "lib/proc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

void
proc_exit(struct proc *p, int code)
{
	p->exit_code = code;
	ev_break(p->loop);
}

static void
proc_flush(struct proc *p)
{
	int r = ipc_flush(&p->parent);

	if (r == -1) {
		log_warnx("lost the parent");
		proc_exit(p, 1);
		return;
	}
	ev_io_modify(p->loop, &p->parent_io, EPOLLIN | (r == 1 ? EPOLLOUT : 0));
}

void
proc_send_status(struct proc *p)
{
	struct json_object *st = json_object_new_object();
	const char *text;

	if (st == NULL)
		return;
	json_object_object_add(st, "config_generation",
			       json_object_new_int64(p->conf ? p->conf->generation : 0));
	json_object_object_add(st, "ipc_rejected", json_object_new_int64((int64_t)p->parent.rejected));
	if (p->ops->status != NULL)
		p->ops->status(p, st);
	text = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);
	if (text == NULL || ipc_send(&p->parent, IPC_STATUS, text, strlen(text)) == -1)
		log_warnx("cannot send status");
	json_object_put(st);
	proc_flush(p);
}

static void
send_applied(struct proc *p, uint32_t generation, int result)
{
	struct ipc_cfg_applied a = { .generation = generation, .result = result };

	ipc_send(&p->parent, IPC_CFG_APPLIED, &a, sizeof(a));
	proc_flush(p);
}

static void
cfg_begin(struct proc *p, const struct ipc_cfg_mark *mark)
{
	config_free(p->incoming);
	/* config_new gives a default global object; the parent's copy overwrites it */
	if ((p->incoming = config_new()) == NULL)
		fatalx("out of memory");
	p->incoming_generation = mark->generation;
	p->incoming->generation = mark->generation;
}

/* The string table and the objects of a configuration being received. */
static void
cfg_part(struct proc *p, const struct ipc_msg *msg)
{
	if (p->incoming == NULL) {
		log_warnx("%s outside BEGIN/END, dropped", ipc_type_name(msg->type));
		return;
	}
	if (ipc_config_take(p->incoming, msg, p->ops->kind) == -1) {
		log_warnx("bad %s message of %zu bytes: dropping configuration %u", ipc_type_name(msg->type),
			  msg->len, p->incoming_generation);
		config_free(p->incoming);
		p->incoming = NULL;
	}
}

static void
cfg_end(struct proc *p, const struct ipc_cfg_mark *mark)
{
	struct config *old = p->conf;
	int r;

	if (p->incoming == NULL || mark->generation != p->incoming_generation) {
		log_warnx("configuration %u incomplete, keeping the one in force", mark->generation);
		send_applied(p, mark->generation, -1);
		return;
	}
	/* while it is applied the new configuration is the one in force, so that the texts of its objects are
	 * read from its own string table */
	p->conf = p->incoming;
	/* the parent's umask (core/parent.c), for the scripts this child starts and the files they make */
	if (p->incoming->global->umask_set)
		umask((mode_t)p->incoming->global->umask);
	r = p->ops->apply ? p->ops->apply(p, p->incoming, old) : 0;
	if (r == 0) {
		config_free(old);
	} else {
		p->conf = old;
		config_free(p->incoming);
	}
	p->incoming = NULL;
	send_applied(p, mark->generation, r);
	if (r == PROC_EXIT_CONFIG) {
		log_warnx("this configuration cannot run here; exiting");
		proc_exit(p, PROC_EXIT_CONFIG);
		return;
	}
	proc_send_status(p);
}

/* Nothing of ours changed: the configuration in force takes the new generation, without being applied. */
static void
cfg_unchanged(struct proc *p, const struct ipc_cfg_unchanged *u)
{
	if (p->incoming != NULL || p->conf == NULL || p->conf->generation != u->base) {
		log_info("configuration %u: unchanged from %u, but %u is in force here: asking for all of it",
			 u->generation, u->base, p->conf != NULL ? p->conf->generation : 0);
		config_free(p->incoming);
		p->incoming = NULL;
		send_applied(p, u->generation, -ESTALE);
		return;
	}
	log_info("configuration %u: unchanged from %u", u->generation, u->base);
	p->conf->generation = u->generation;
	send_applied(p, u->generation, 0);
	proc_send_status(p);
}

static void
dispatch_parent(struct proc *p, const struct ipc_msg *msg)
{
	switch (msg->type) {
	case IPC_CFG_BEGIN:
		cfg_begin(p, msg->data);
		break;
	case IPC_CFG_STRINGS:
	case IPC_CFG_OBJECT:
		cfg_part(p, msg);
		break;
	case IPC_CFG_END:
		cfg_end(p, msg->data);
		break;
	case IPC_CFG_UNCHANGED:
		cfg_unchanged(p, msg->data);
		break;
	case IPC_PING:
		/* answered from the loop itself: a pong says this process still runs its events */
		ipc_send(&p->parent, IPC_PONG, msg->data, sizeof(struct ipc_ping));
		proc_flush(p);
		break;
	default:
		if (p->ops->dispatch != NULL)
			p->ops->dispatch(p, msg);
		else
			log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
	}
}

static void
parent_readable(struct ev_io *io, uint32_t revents)
{
	struct proc *p = io->data;
	struct ipc_msg msg;

	if (revents & EPOLLOUT)
		proc_flush(p);
	if (!(revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (;;) {
		switch (ipc_read(&p->parent, &msg)) {
		case IPC_OK:
			dispatch_parent(p, &msg);
			break;
		case IPC_REJECTED:
			break;
		case IPC_AGAIN:
			return;
		case IPC_CLOSED:
		case IPC_ERROR:
			log_warnx("the parent is gone; exiting");
			proc_exit(p, 0);
			return;
		}
		if (p->exit_code != 0 || !p->parent_io.active)
			return;
	}
}

static void
on_sigterm(int signo, void *data)
{
	struct proc *p = data;

	log_debug("signal %d: stopping", signo);
	proc_exit(p, 0);
}

int
proc_run(const struct proc_ops *ops, int parent_fd)
{
	struct proc p = { .ops = ops };

	if ((p.loop = ev_loop_new()) == NULL)
		fatal("event loop");
	ipc_peer_init(&p.parent, parent_fd, "parent");
	if (ev_io_start(p.loop, &p.parent_io, parent_fd, EPOLLIN, parent_readable, &p) == -1 ||
	    ev_signal_start(p.loop, SIGTERM, on_sigterm, &p) == -1 ||
	    ev_signal_start(p.loop, SIGINT, on_sigterm, &p) == -1)
		fatal("child setup");
	signal(SIGHUP, SIG_IGN);
	if (ops->init != NULL && ops->init(&p) != 0)
		fatalx("%s: initialisation failed", ops->name);
	log_debug("started");
	ev_run(p.loop);
	if (ops->shutdown != NULL)
		ops->shutdown(&p);
	ev_io_stop(p.loop, &p.parent_io);
	ipc_peer_close(&p.parent);
	config_free(p.conf);
	config_free(p.incoming);
	ev_loop_free(p.loop);
	log_debug("exiting with %d", p.exit_code);
	return p.exit_code;
}
