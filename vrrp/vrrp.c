/*
 * The VRRP child's events: a configuration applied, the parent's remembered states, the start of the
 * instances, status, shutdown. Packets and FSM timers are in vrrp_inst.c, links and scripts in
 * vrrp_track.c; the protocol itself is the pure vrrp_packet.c and vrrp_fsm.c.
 */
#include <errno.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/log.h"
#include "lib/script.h"
#include "vrrp/vrrp.h"
#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_int.h"

/* Status goes to the parent on every transition and this often besides, for the counters. */
#define STATUS_EVERY_NS (500ULL * 1000000ULL)

static void
status_due(struct ev_timer *t)
{
	struct vrrp_ctx *ctx = t->data;

	proc_send_status(ctx->p);
	ev_timer_after(ctx->p->loop, &ctx->status_timer, STATUS_EVERY_NS);
}

/*
 * Instances start from a zero-delay timer rather than in apply: the parent queues the remembered states
 * right behind the configuration, and the loop reads them all before it runs timers, so a restarted child
 * knows which instances were master before it decides anything.
 */
static void
start_due(struct ev_timer *t)
{
	struct vrrp_ctx *ctx = t->data;
	bool resuming = false;

	for (size_t i = 0; i < ctx->ninst; i++)
		resuming |= ctx->inst[i]->resume_master;
	/* vrrp_startup_delay (the network may need time after boot), but never for a restarted child that
	 * holds masters: they must advertise before the peers notice */
	if (!ctx->startup_done && ctx->global.vrrp_startup_delay_ms > 0 && !resuming) {
		ctx->startup_done = true;
		log_info("starting VRRP in %llu ms (vrrp_startup_delay)",
			 (unsigned long long)ctx->global.vrrp_startup_delay_ms);
		ev_timer_after(ctx->p->loop, &ctx->start_timer, ctx->global.vrrp_startup_delay_ms * 1000000ULL);
		return;
	}
	ctx->startup_done = true;
	for (size_t i = 0; i < ctx->ninst; i++)
		if (!ctx->inst[i]->started)
			vrrp_inst_attach(ctx->inst[i]);
	vrrp_track_eval(ctx);
	for (size_t i = 0; i < ctx->ninst; i++)
		vrrp_inst_start(ctx->inst[i]);
	proc_send_status(ctx->p);
}

/* vrrp_priority, vrrp_rt_priority, vrrp_cpu_affinity: a busy host must not delay the adverts. */
static void
vrrp_schedule(const struct cfg_global *g)
{
	struct sched_param sp = { .sched_priority = (int)g->vrrp_rt_priority };

	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) != g->vrrp_priority || errno != 0)
		if (setpriority(PRIO_PROCESS, 0, g->vrrp_priority) == -1)
			log_warn("vrrp_priority %d", g->vrrp_priority);
	/* back to normal only if we made it real-time: a policy set by whoever started vipd stays */
	if ((g->vrrp_rt_priority || sched_getscheduler(0) == SCHED_RR) &&
	    sched_setscheduler(0, g->vrrp_rt_priority ? SCHED_RR : SCHED_OTHER, &sp) == -1)
		log_warn("vrrp_rt_priority %u", g->vrrp_rt_priority);
	if (g->vrrp_cpu_affinity != 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		for (int cpu = 0; cpu < 64; cpu++)
			if (g->vrrp_cpu_affinity & (UINT64_C(1) << cpu))
				CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) == -1)
			log_warn("vrrp_cpu_affinity");
	}
}

static int
vrrp_init(struct proc *p)
{
	struct vrrp_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return -1;
	ctx->p = p;
	p->state = ctx;
	if ((ctx->runner = script_runner_new(p->loop)) == NULL)
		return -1;
	/* without rtnetlink (no CAP_NET_ADMIN) instances still run; address changes are logged as failing */
	if ((ctx->nl = vrrp_nl_open()) == NULL)
		log_warnx("no rtnetlink: virtual addresses cannot be managed");
	vrrp_track_init(ctx);
	vrrp_tfile_init(ctx);
	if ((ctx->garp = vrrp_garp_new(ctx)) == NULL)
		return -1;
	ev_timer_init(&ctx->start_timer, start_due, ctx, "vrrp start");
	ev_timer_init(&ctx->status_timer, status_due, ctx, "vrrp status");
	ev_timer_after(p->loop, &ctx->status_timer, STATUS_EVERY_NS);
	return 0;
}

static void
groups_apply(struct vrrp_ctx *ctx, const struct config *conf, struct vrrp_group *groups)
{
	struct cfg_vrrp_sync_group *g;
	size_t n = 0;

	CONFIG_FOREACH(conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, g) {
		groups[n].cfg = *g;
		groups[n].state = VRRP_STATE_INIT;
		if (groups[n].cfg.nmembers > CFG_SYNC_GROUP_MAX)
			groups[n].cfg.nmembers = CFG_SYNC_GROUP_MAX;
		for (size_t k = 0; k < ctx->ngroups; k++)
			if (strcmp(ctx->groups[k].cfg.name, g->name) == 0)
				groups[n].state = ctx->groups[k].state;
		n++;
	}
	free(ctx->groups);
	ctx->groups = groups;
	ctx->ngroups = n;
	for (size_t i = 0; i < ctx->ninst; i++) {
		struct vrrp_inst *in = ctx->inst[i];

		in->group_idx = -1;
		for (size_t k = 0; k < n; k++)
			for (uint32_t m = 0; m < groups[k].cfg.nmembers; m++)
				if (strncmp(groups[k].cfg.members[m], in->cfg.name, CFG_NAME_MAX) == 0)
					in->group_idx = (int)k;
	}
}

/*
 * A configuration: instances are matched by name. Unchanged ones keep everything; changed ones that are
 * still the same router (interface, VRID, family, peers) adapt in place; the others stop (resigning if
 * master) and start again as new.
 */
static int
vrrp_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	struct vrrp_ctx *ctx = p->state;
	size_t n = conf->count[CFG_VRRP_INSTANCE];
	struct vrrp_inst **next = calloc(n + 1, sizeof(*next));
	bool *taken = calloc(ctx->ninst + 1, sizeof(*taken));
	struct vrrp_group *groups = calloc(conf->count[CFG_VRRP_SYNC_GROUP] + 1, sizeof(*groups));
	/* an instance's configuration with its rules numbered (vrrp_rules_number) */
	struct cfg_vrrp_instance *work = malloc(sizeof(*work));
	struct cfg_vrrp_instance *vi;
	size_t k = 0;

	if (next == NULL || taken == NULL || groups == NULL || work == NULL)
		goto oom;
	ctx->global = *conf->global;
	/* strings parsed by handlers of their own, so not terminated on receipt by the generic code */
	ctx->global.notify_fifo[sizeof(ctx->global.notify_fifo) - 1] = '\0';
	ctx->global.vrrp_notify_fifo[sizeof(ctx->global.vrrp_notify_fifo) - 1] = '\0';
	vrrp_schedule(&ctx->global);
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		struct vrrp_inst *in = NULL;

		for (size_t i = 0; i < ctx->ninst && in == NULL; i++)
			if (!taken[i] && strcmp(ctx->inst[i]->cfg.name, vi->name) == 0 &&
			    vrrp_inst_same_router(ctx->inst[i], vi))
				taken[i] = true, in = ctx->inst[i];
		*work = *vi;
		vrrp_rules_number(conf, &vi->hdr.pos, work->rules, work->nrules);
		if (in == NULL && (in = vrrp_inst_new(ctx, work)) == NULL)
			goto oom;
		next[k++] = in;
	}
	for (size_t i = 0; i < ctx->ninst; i++) {
		bool named = false;

		if (taken[i])
			continue;
		CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
			named |= strcmp(vi->name, ctx->inst[i]->cfg.name) == 0;
		log_info("%s: %s by the new configuration", ctx->inst[i]->cfg.name, named ? "replaced" : "removed");
		ctx->inst[i]->deleted = !named;
		vrrp_inst_stop(ctx->inst[i]);
		vrrp_inst_free(ctx->inst[i]);
	}
	free(ctx->inst);
	ctx->inst = next;
	ctx->ninst = k;
	free(taken);
	/* the kept ones take their new settings now that the table is final */
	k = 0;
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		*work = *vi;
		vrrp_rules_number(conf, &vi->hdr.pos, work->rules, work->nrules);
		vrrp_inst_update(ctx->inst[k++], work);
	}
	free(work);
	groups_apply(ctx, conf, groups);
	if (vrrp_track_apply(ctx, conf) == -1)
		log_warnx("out of memory setting up vrrp_script checks");
	if (vrrp_tfile_apply(ctx, conf) == -1)
		log_warnx("out of memory setting up track_file");
	if (vrrp_tproc_apply(ctx, conf) == -1)
		log_warnx("out of memory setting up vrrp_track_process");
	vrrp_static_apply(ctx, conf);
	if (old != NULL)
		vrrp_track_eval(ctx);
	ev_timer_after(p->loop, &ctx->start_timer, 0);
	log_info("configuration %u: %zu instances, %zu scripts, %zu sync groups", conf->generation,
		 conf->count[CFG_VRRP_INSTANCE], conf->count[CFG_VRRP_SCRIPT], conf->count[CFG_VRRP_SYNC_GROUP]);
	return 0;
oom:
	for (size_t i = 0; i < k; i++) {
		bool existing = false;

		for (size_t j = 0; j < ctx->ninst; j++)
			existing |= ctx->inst[j] == next[i];
		if (!existing)
			vrrp_inst_free(next[i]);
	}
	free(next);
	free(taken);
	free(groups);
	free(work);
	log_warnx("out of memory applying configuration %u", conf->generation);
	return -1;
}

/* The parent replays what it remembers of each instance to a restarted child. */
static void
vrrp_dispatch(struct proc *p, const struct ipc_msg *msg)
{
	struct vrrp_ctx *ctx = p->state;
	struct ipc_vrrp_state st;
	struct vrrp_inst *in;

	if (msg->type == IPC_BFD_STATE && msg->len == sizeof(struct ipc_bfd_state)) {
		struct ipc_bfd_state bs;

		memcpy(&bs, msg->data, sizeof(bs));
		bs.name[sizeof(bs.name) - 1] = '\0';
		vrrp_bfd_state(ctx, &bs);
		return;
	}
	if (msg->type != IPC_VRRP_STATE || msg->len != sizeof(st)) {
		log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
		return;
	}
	memcpy(&st, msg->data, sizeof(st));
	st.instance[sizeof(st.instance) - 1] = '\0';
	if ((in = vrrp_inst_find(ctx, st.instance)) == NULL || st.state != VRRP_STATE_MASTER)
		return;
	if (!in->started) {
		in->resume_master = true;
	} else if (in->fsm.state == VRRP_STATE_BACKUP && !in->faulty) {
		/* the memory came late: take the role back before a peer notices we were gone */
		log_info("%s: resuming as master (remembered by the parent)", in->cfg.name);
		in->quiet = true;
		vrrp_inst_act(in, vrrp_fsm_force(&in->fsm, ev_now(), VRRP_STATE_MASTER));
	}
}

static void
vrrp_status(struct proc *p, struct json_object *out)
{
	struct vrrp_ctx *ctx = p->state;

	if (ctx != NULL)
		vrrp_status_json(ctx, out);
}

/* SIGTERM: masters resign with priority 0 (backups take over after Skew_Time) and drop the addresses. */
static void
vrrp_shutdown(struct proc *p)
{
	struct vrrp_ctx *ctx = p->state;

	if (ctx == NULL)
		return;
	for (size_t i = 0; i < ctx->ninst; i++)
		vrrp_inst_stop(ctx->inst[i]);
	ipc_flush(&p->parent);
	for (size_t i = 0; i < ctx->ninst; i++)
		vrrp_inst_free(ctx->inst[i]);
	free(ctx->inst);
	free(ctx->groups);
	vrrp_static_clear(ctx);
	vrrp_track_free(ctx);
	vrrp_tfile_free(ctx);
	vrrp_tproc_free(ctx);
	vrrp_bfd_free(ctx);
	vrrp_garp_free(ctx->garp);
	ev_timer_stop(p->loop, &ctx->start_timer);
	ev_timer_stop(p->loop, &ctx->status_timer);
	script_runner_free(ctx->runner);
	vrrp_nl_close(ctx->nl);
	free(ctx->socks);
	free(ctx);
	p->state = NULL;
}

const struct proc_ops vrrp_proc = {
	.name = "vrrp",
	.kind = CHILD_VRRP,
	.init = vrrp_init,
	.apply = vrrp_apply,
	.status = vrrp_status,
	.shutdown = vrrp_shutdown,
	.dispatch = vrrp_dispatch,
};
