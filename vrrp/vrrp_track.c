/*
 * Tracking: links (rtnetlink link events) and vrrp_script checks (through the script runner), turned
 * into each instance's effective priority and Fault.
 */
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "lib/script.h"
#include "vrrp/vrrp_int.h"
#include "vrrp/vrrp_sock.h"

#define NS_PER_MS 1000000ULL

/* ---- links ---- */

static void
link_readable(struct ev_io *io, uint32_t revents)
{
	struct vrrp_ctx *ctx = io->data;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	bool any = false;

	/* the content does not matter: any link or address event re-reads the few interfaces we track */
	while (mnl_socket_recvfrom(ctx->link_nl, buf, sizeof(buf)) > 0)
		any = true;
	if (!any)
		return;
	for (size_t i = 0; i < ctx->ninst; i++) {
		/* the primary address may have changed: found again at the next advert */
		ctx->inst[i]->have_src = false;
		if (ctx->inst[i]->started)
			vrrp_inst_attach(ctx->inst[i]);
	}
	vrrp_static_retry(ctx);
	vrrp_track_eval(ctx);
}

int
vrrp_track_init(struct vrrp_ctx *ctx)
{
	int fd;

	if ((ctx->link_nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK)) == NULL ||
	    mnl_socket_bind(ctx->link_nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) == -1) {
		log_warn("rtnetlink link events");
		if (ctx->link_nl != NULL)
			mnl_socket_close(ctx->link_nl);
		ctx->link_nl = NULL;
		return -1;
	}
	fd = mnl_socket_get_fd(ctx->link_nl);
	if (ev_io_start(ctx->p->loop, &ctx->link_io, fd, EPOLLIN, link_readable, ctx) == -1) {
		mnl_socket_close(ctx->link_nl);
		ctx->link_nl = NULL;
		return -1;
	}
	return 0;
}

static void
check_free(struct vrrp_ctx *ctx, struct vrrp_check *c)
{
	ev_timer_stop(ctx->p->loop, &c->timer);
	script_kill(ctx->runner, c);	/* a run under way answers to nobody now */
	free(c);
}

void
vrrp_track_free(struct vrrp_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nchecks; i++)
		check_free(ctx, ctx->checks[i]);
	free(ctx->checks);
	ctx->checks = NULL;
	ctx->nchecks = 0;
	if (ctx->link_nl != NULL) {
		ev_io_stop(ctx->p->loop, &ctx->link_io);
		mnl_socket_close(ctx->link_nl);
		ctx->link_nl = NULL;
	}
}

/* ---- scripts ---- */

static void check_run(struct ev_timer *t);

static void
check_done(void *data, int wstatus, bool timed_out)
{
	struct vrrp_check *c = data;
	bool success = !timed_out && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
	bool was = c->ok;

	c->running = false;
	if (timed_out)
		c->timeouts++;
	if (success) {
		c->fall_count = 0;
		if (!c->ok && ++c->rise_count >= c->cfg.rise)
			c->ok = true;
	} else {
		c->failures++;
		c->rise_count = 0;
		if (c->ok && ++c->fall_count >= c->cfg.fall)
			c->ok = false;
	}
	if (c->ok != was) {
		log_info("vrrp_script %s: %s", c->cfg.name, c->ok ? "succeeded" : "failed");
		vrrp_track_eval(c->ctx);
	}
}

static void
check_run(struct ev_timer *t)
{
	struct vrrp_check *c = t->data;
	struct vrrp_ctx *ctx = c->ctx;
	uint64_t timeout = c->cfg.timeout_ms ? c->cfg.timeout_ms : c->cfg.interval_ms;
	const char *user = c->cfg.user[0] ? c->cfg.user : ctx->global.script_user;

	ev_timer_after(ctx->p->loop, &c->timer, c->cfg.interval_ms * NS_PER_MS);
	if (c->running)
		return;		/* the last run is still going: its timeout will end it */
	if (script_run(ctx->runner, &(struct script){ .cmd = c->cfg.script, .user = user,
						     .timeout_ns = timeout * NS_PER_MS, .cb = check_done,
						     .data = c, .secure = ctx->global.enable_script_security }) == -1) {
		check_done(c, 0x100, false);	/* could not start: a failure (exit status 1) */
		return;
	}
	c->running = true;
	c->runs++;
}

static bool
script_used(const struct config *conf, const char *name)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		for (uint32_t i = 0; i < vi->ntrack_script && i < CFG_VRRP_TRACK_MAX; i++)
			if (strncmp(vi->track_script[i].name, name, CFG_NAME_MAX) == 0)
				return true;
	return false;
}

static bool
check_same(const struct vrrp_check *c, const struct cfg_vrrp_script *sc)
{
	return memcmp((const char *)&c->cfg + sizeof(c->cfg.hdr), (const char *)sc + sizeof(sc->hdr),
		      sizeof(*sc) - sizeof(sc->hdr)) == 0;
}

int
vrrp_track_apply(struct vrrp_ctx *ctx, const struct config *conf)
{
	size_t count = conf->count[CFG_VRRP_SCRIPT], n = 0;
	struct vrrp_check **next = calloc(count + 1, sizeof(*next));
	bool *kept = calloc(ctx->nchecks + 1, sizeof(*kept));
	struct cfg_vrrp_script *sc;

	if (next == NULL || kept == NULL)
		goto oom;
	/* first everything that can fail, so that running out of memory leaves the old table as it was */
	CONFIG_FOREACH(conf, CFG_VRRP_SCRIPT, struct cfg_vrrp_script, sc) {
		struct vrrp_check *c = NULL;

		for (size_t i = 0; i < ctx->nchecks && c == NULL; i++)
			if (!kept[i] && check_same(ctx->checks[i], sc))
				kept[i] = true, c = ctx->checks[i];	/* unchanged: keeps its verdict and schedule */
		if (c == NULL) {
			if ((c = calloc(1, sizeof(*c))) == NULL)
				goto oom;
			c->cfg = *sc;
			c->ctx = ctx;
			c->ok = !sc->init_fail;
			if (c->cfg.interval_ms == 0)
				c->cfg.interval_ms = 1000;
			if (c->cfg.rise == 0)
				c->cfg.rise = 1;
			if (c->cfg.fall == 0)
				c->cfg.fall = 1;
			ev_timer_init(&c->timer, check_run, c, "vrrp_script");
		}
		next[n++] = c;
	}
	for (size_t i = 0; i < ctx->nchecks; i++)
		if (!kept[i])
			check_free(ctx, ctx->checks[i]);
	for (size_t i = 0; i < n; i++) {
		struct vrrp_check *c = next[i];

		c->cfg.hdr = ((struct cfg_vrrp_script *)config_get(conf, CFG_VRRP_SCRIPT, i))->hdr;
		c->used = script_used(conf, c->cfg.name);
		if (c->used && !ev_timer_pending(&c->timer) && !c->running)
			ev_timer_after(ctx->p->loop, &c->timer, 0);
		else if (!c->used)
			ev_timer_stop(ctx->p->loop, &c->timer);
	}
	free(ctx->checks);
	free(kept);
	ctx->checks = next;
	ctx->nchecks = n;
	return 0;
oom:
	for (size_t i = 0; i < n; i++) {
		bool old = false;

		for (size_t k = 0; k < ctx->nchecks; k++)
			old |= ctx->checks[k] == next[i];
		if (!old)
			free(next[i]);
	}
	free(next);
	free(kept);
	return -1;
}

static struct vrrp_check *
check_find(struct vrrp_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nchecks; i++)
		if (strcmp(ctx->checks[i]->cfg.name, name) == 0)
			return ctx->checks[i];
	return NULL;
}

/* ---- evaluation ---- */

/* keepalived's weights: 0, a failure means Fault; above 0, added while up; below 0, added while down;
 * reverse swaps up and down. */
static void
weigh(int w, bool ok, bool reverse, int *p, bool *fault)
{
	bool up = ok != reverse;

	if (w == 0 && !up)
		*fault = true;
	else if ((w > 0 && up) || (w < 0 && !up))
		*p += w;
}

/* A track_file's value times its weight (0: non-zero is a failure; below -253, a failure too). */
static void
weigh_file(const struct cfg_vrrp_track *t, const struct vrrp_tfile *tf, int *p, bool *fault)
{
	int64_t w = t->weight_set ? t->weight : tf->cfg.weight;
	bool reverse = t->weight_set ? t->reverse : tf->cfg.reverse;
	int64_t v = tf->value;

	if (w == 0) {
		if ((v != 0) != reverse)
			*fault = true;
		return;
	}
	if (v > INT32_MAX || v < -INT32_MAX)
		v = v > 0 ? INT32_MAX : -INT32_MAX;
	v *= reverse ? -w : w;
	if (v < -253)
		*fault = true;
	else
		*p += (int)(v > 253 ? 253 : v);
}

static void
eval_one(struct vrrp_ctx *ctx, struct vrrp_inst *in, int *prio, bool *fault)
{
	int p = (int)in->cfg.priority;
	bool f = false;

	if (!in->cfg.dont_track_primary && !vrrp_if_running(in->cfg.interface))
		f = true;
	if (in->sock == NULL)
		f = true;
	/* unicast_fault_no_peer: an instance meant for unicast does not fall back to multicast */
	if (in->cfg.unicast_fault_no_peer && in->cfg.npeers == 0)
		f = true;
	for (uint32_t i = 0; i < in->cfg.ntrack_if; i++) {
		const struct cfg_vrrp_track *t = &in->cfg.track_if[i];

		weigh(t->weight, vrrp_if_running(t->name), t->reverse, &p, &f);
	}
	for (uint32_t i = 0; i < in->cfg.ntrack_script; i++) {
		const struct cfg_vrrp_track *t = &in->cfg.track_script[i];
		struct vrrp_check *c = check_find(ctx, t->name);

		if (c != NULL)
			weigh(t->weight_set ? t->weight : c->cfg.weight, c->ok,
			      t->weight_set ? t->reverse : c->cfg.reverse, &p, &f);
	}
	for (uint32_t i = 0; i < in->cfg.ntrack_process; i++) {
		const struct cfg_vrrp_track *t = &in->cfg.track_process[i];
		const struct vrrp_tproc *tp = vrrp_tproc_find(ctx, t->name);

		if (tp != NULL)
			weigh(t->weight_set ? t->weight : tp->cfg.weight, tp->ok,
			      t->weight_set ? t->reverse : tp->cfg.reverse, &p, &f);
	}
	for (uint32_t i = 0; i < in->cfg.ntrack_bfd; i++) {
		const struct cfg_vrrp_track *t = &in->cfg.track_bfd[i];

		weigh(t->weight, vrrp_bfd_up(ctx, t->name), t->reverse, &p, &f);
	}
	for (uint32_t i = 0; i < in->cfg.ntrack_file; i++) {
		const struct vrrp_tfile *tf = vrrp_tfile_find(ctx, in->cfg.track_file[i].name);

		if (tf != NULL)
			weigh_file(&in->cfg.track_file[i], tf, &p, &f);
	}
	/* the owner keeps 255: its addresses are its own */
	if (in->cfg.priority == 255)
		p = 255;
	else if (p < 1)
		p = 1;
	else if (p > 254)
		p = 254;
	*prio = p;
	*fault = f;
}

void
vrrp_track_eval(struct vrrp_ctx *ctx)
{
	uint64_t now = ev_now();

	for (size_t i = 0; i < ctx->ninst; i++) {
		struct vrrp_inst *in = ctx->inst[i];
		int prio;

		eval_one(ctx, in, &prio, &in->own_fault);
		if (in->started)
			vrrp_inst_act(in, vrrp_fsm_set_priority(&in->fsm, now, (uint8_t)prio));
		else
			in->fsm.priority = (uint8_t)prio;
	}
	/* a sync group is faulty when any member is */
	for (size_t i = 0; i < ctx->ninst; i++) {
		struct vrrp_inst *in = ctx->inst[i];
		bool f = in->own_fault;

		for (size_t k = 0; k < ctx->ninst && !f && in->group_idx >= 0; k++)
			f = ctx->inst[k]->group_idx == in->group_idx && ctx->inst[k]->own_fault;
		in->faulty = f;
	}
	for (size_t i = 0; i < ctx->ninst; i++) {
		struct vrrp_inst *in = ctx->inst[i];

		if (in->started)
			vrrp_inst_act(in, vrrp_fsm_set_fault(&in->fsm, now, in->faulty));
	}
}
