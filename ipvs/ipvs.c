/*
 * The IPVS child's events: a configuration arrives, a real server's health changes, the reconcile timer
 * fires, the kernel was unreachable and the retry timer fires, status, shutdown.
 *
 * The child never flushes: on its first reconcile it dumps the kernel table and adopts it, then applies
 * only the differences with what the configuration wants (a restarted child corrects, it does not rebuild).
 * Afterwards it keeps what it believes the kernel holds and diffs against that, so an unchanged reload
 * costs no kernel write; after a failed write it dumps again. Services no configuration of ours ever named
 * are someone else's and stay, unless lvs_flush.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "ipvs/ipvs.h"
#include "ipvs/ipvs_int.h"
#include "lib/log.h"
#include "lib/script.h"

#define RETRY_NS (5 * EV_NSEC_PER_SEC)
/* health messages come in bursts (a checker round, a replay after restart): one reconcile for a burst */
#define HEALTH_COALESCE_NS (20 * EV_NSEC_PER_MSEC)
/*
 * Real servers listed in the status by name (the down ones first). The status goes to the parent after
 * every reconcile and is kept there: 100,000 entries would be megabytes of JSON each time. The counts
 * cover them all, and the checkers child's status lists every real server.
 */
#define STATUS_HEALTH_MAX 64

struct ipvs_ctx {
	struct proc *p;
	struct ipvs_nl nl;
	bool nl_ok;
	struct ipvs_table have;		/* what the kernel holds, as far as we know (sorted) */
	bool have_valid;
	bool adopted;			/* the first reconcile of this process is done */
	struct ipvs_model model;
	struct ipvs_table ours;		/* services named by this configuration or the one before (sorted) */
	struct ev_timer reconcile, retry;
	struct script_runner *runner;	/* quorum_up / quorum_down */
	/* for status */
	uint64_t reconciles, last_writes, last_failed, last_ms, kernel_dumps, health_msgs, scripts;
	char last_error[256];
};

struct apply_errors {
	struct ipvs_ctx *ctx;
	const struct ipvs_ops *ops;
};

static void
note_error(struct ipvs_ctx *ctx, const char *msg)
{
	snprintf(ctx->last_error, sizeof(ctx->last_error), "%s", msg);
	log_warnx("%s", msg);
}

static bool
is_ours(const struct ipvs_svc *s, void *arg)
{
	struct ipvs_ctx *ctx = arg;
	const struct config *conf = ctx->p->conf;

	if (!ctx->adopted && conf != NULL && conf->global != NULL && conf->global->lvs_flush)
		return true;
	return ipvs_table_bsearch(&ctx->ours, s) != NULL;
}

/* Dumps the kernel: every service, and the destinations of those we want or own. */
static int
dump_kernel(struct ipvs_ctx *ctx, const struct ipvs_table *want)
{
	int r;

	ipvs_table_free(&ctx->have);
	r = ipvs_get_table(&ctx->nl, &ctx->have, false);
	for (size_t i = 0; r == 0 && i < ctx->have.n; i++) {
		const struct ipvs_svc *s = &ctx->have.svcs[i].svc;

		if (ipvs_table_bsearch(want, s) != NULL || is_ours(s, ctx))
			r = ipvs_get_dests(&ctx->nl, &ctx->have.svcs[i]);
	}
	if (r < 0) {
		ipvs_table_free(&ctx->have);
		return r;
	}
	ipvs_table_sort(&ctx->have);
	ctx->have_valid = true;
	ctx->kernel_dumps++;
	return 0;
}

static void
op_failed(const struct ipvs_batch_op *op, int err, void *arg)
{
	struct apply_errors *ae = arg;
	const struct ipvs_op *o = &ae->ops->v[op->tag];
	char msg[256];

	ipvs_op_strerror(o->cmd, err, o->svc, o->dest, msg, sizeof(msg));
	note_error(ae->ctx, msg);
}

/* What the kernel holds after a fully successful apply: the wanted table plus the foreign services. */
static int
believe(struct ipvs_ctx *ctx, struct ipvs_table *want)
{
	size_t n0 = want->n;

	for (size_t i = 0; i < ctx->have.n; i++) {
		const struct ipvs_svc_entry *e = &ctx->have.svcs[i];
		struct ipvs_table sorted_part = { want->svcs, n0, n0 };

		if (ipvs_table_bsearch(&sorted_part, &e->svc) == NULL && !is_ours(&e->svc, ctx) &&
		    ipvs_table_add_svc(want, &e->svc) == NULL)
			return -ENOMEM;
	}
	ipvs_table_sort(want);
	ipvs_table_free(&ctx->have);
	ctx->have = *want;
	memset(want, 0, sizeof(*want));
	return 0;
}

static void
set_timeouts(struct ipvs_ctx *ctx, const struct cfg_global *g)
{
	struct ipvs_timeouts cur, to;
	int r;

	if (g == NULL || (g->lvs_timeout_tcp == 0 && g->lvs_timeout_tcpfin == 0 && g->lvs_timeout_udp == 0))
		return;
	if (ipvs_get_timeouts(&ctx->nl, &cur) < 0)
		memset(&cur, 0, sizeof(cur));
	to.tcp = g->lvs_timeout_tcp && g->lvs_timeout_tcp != cur.tcp ? g->lvs_timeout_tcp : 0;
	to.tcpfin = g->lvs_timeout_tcpfin && g->lvs_timeout_tcpfin != cur.tcpfin ? g->lvs_timeout_tcpfin : 0;
	to.udp = g->lvs_timeout_udp && g->lvs_timeout_udp != cur.udp ? g->lvs_timeout_udp : 0;
	if (to.tcp == 0 && to.tcpfin == 0 && to.udp == 0)
		return;
	if ((r = ipvs_set_timeouts(&ctx->nl, &to)) < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "lvs_timeouts: %s", strerror(-r));
		note_error(ctx, msg);
	}
}

static bool
open_kernel(struct ipvs_ctx *ctx)
{
	char err[200];

	if (ctx->nl_ok)
		return true;
	if (ipvs_nl_open(&ctx->nl, true, err, sizeof(err)) < 0) {
		note_error(ctx, err);
		ev_timer_after(ctx->p->loop, &ctx->retry, RETRY_NS);
		return false;
	}
	ctx->nl_ok = true;
	return true;
}

/* quorum_up / quorum_down of the virtual servers whose quorum changed in the last build */

/* A virtual server as its config names it; the file's name stays with the parent, so not file:line. */
static const char *
vs_describe(const struct cfg_virtual_server *vs, char *buf, size_t len)
{
	char addr[64];

	if (vs->group[0] != '\0')
		snprintf(buf, len, "group %s", vs->group);
	else if (vs->fwmark != 0)
		snprintf(buf, len, "fwmark %u", vs->fwmark);
	else if (cfg_format_addr(&vs->addr, addr, sizeof(addr)) == 0)
		snprintf(buf, len, vs->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, vs->port);
	else
		snprintf(buf, len, "at line %u", vs->hdr.pos.line);
	return buf;
}

/* quorum_up / quorum_down: fire and forget, killed if they hang. */
static pid_t
quorum_script(struct ipvs_ctx *ctx, const struct config *conf, const char *cmd, struct cfg_text user)
{
	const char *own = config_text(conf, user);

	return script_run(ctx->runner, &(struct script){ .cmd = cmd,
							 .user = own[0] != '\0' ? own : conf->global->script_user,
							 .timeout_ns = SCRIPT_NOTIFY_TIMEOUT_NS,
							 .secure = conf->global->enable_script_security });
}

static void
run_quorum_scripts(struct ipvs_ctx *ctx, const struct config *conf)
{
	for (size_t i = 0; i < ctx->model.nchanges; i++) {
		const struct ipvs_quorum_change *c = &ctx->model.changes[i];
		const struct cfg_virtual_server *vs = config_find_id(conf, CFG_VIRTUAL_SERVER, c->vs_id);
		char where[CFG_NAME_MAX + 64];
		const char *cmd;

		if (vs == NULL)
			continue;
		cmd = config_text(conf, c->lost ? vs->quorum_down : vs->quorum_up);
		log_info("virtual server %s: quorum %s", vs_describe(vs, where, sizeof(where)),
			 c->lost ? "lost" : "regained");
		if (cmd[0] == '\0' || ctx->runner == NULL)
			continue;
		if (quorum_script(ctx, conf, cmd, c->lost ? vs->quorum_down_user : vs->quorum_up_user) > 0)
			ctx->scripts++;
	}
}

static uint64_t
ms_between(uint64_t from_ns, uint64_t to_ns)
{
	return (uint64_t)((to_ns - from_ns) / EV_NSEC_PER_MSEC);
}

/* Makes the kernel what the configuration and the health say, with the fewest writes. */
static void
reconcile(struct ipvs_ctx *ctx)
{
	const struct config *conf = ctx->p->conf;
	struct ipvs_table want;
	struct ipvs_ops ops;
	struct ipvs_batch b;
	struct apply_errors ae = { ctx, &ops };
	uint64_t t0 = ev_now(), t_built, t_dumped, t_diffed, writes0;
	int r, failed = 0;

	if (conf == NULL || !open_kernel(ctx))
		return;
	writes0 = ctx->nl.writes;
	if (ipvs_model_build(conf, &ctx->model, &want) < 0) {
		note_error(ctx, "out of memory building the table");
		return;
	}
	t_built = ev_now();
	if (!ctx->have_valid && (r = dump_kernel(ctx, &want)) < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "dumping the IPVS table: %s", strerror(-r));
		note_error(ctx, msg);
		ipvs_table_free(&want);
		ev_timer_after(ctx->p->loop, &ctx->retry, RETRY_NS);
		return;
	}
	t_dumped = ev_now();
	run_quorum_scripts(ctx, conf);
	set_timeouts(ctx, conf->global);
	if (ipvs_model_diff(&ctx->have, &want, is_ours, ctx, &ops) < 0) {
		note_error(ctx, "out of memory comparing the tables");
		ipvs_table_free(&want);
		return;
	}
	t_diffed = ev_now();
	ipvs_batch_init(&b);
	for (size_t i = 0; i < ops.n && failed == 0; i++) {
		const struct ipvs_op *o = &ops.v[i];

		r = o->dest != NULL ? ipvs_batch_dest(&ctx->nl, &b, o->cmd, o->svc, o->dest, i) :
				      ipvs_batch_svc(&ctx->nl, &b, o->cmd, o->svc, i);
		if (r < 0)
			failed = -1;
	}
	if (failed == 0 && b.nops > 0)
		failed = ipvs_batch_run(&ctx->nl, &b, op_failed, &ae);
	ipvs_batch_free(&b);
	if (failed < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "writing the IPVS table: %s", strerror(-failed));
		note_error(ctx, msg);
	}
	if (failed != 0) {
		/* the kernel is not what we thought: read it again and correct, a little later */
		ctx->have_valid = false;
		ipvs_table_free(&want);
		ev_timer_after(ctx->p->loop, &ctx->retry, RETRY_NS);
	} else if (believe(ctx, &want) < 0) {
		ctx->have_valid = false;
		ipvs_table_free(&want);
	}
	ctx->adopted = true;
	ctx->reconciles++;
	ctx->last_writes = ctx->nl.writes - writes0;
	ctx->last_failed = failed > 0 ? (uint64_t)failed : 0;
	ctx->last_ms = (ev_now() - t0) / EV_NSEC_PER_MSEC;
	log_info("reconciled: %zu services, %zu destinations; %zu changes, %" PRIu64 " kernel writes, %d failed, "
		 "%" PRIu64 " ms (build %" PRIu64 ", kernel dump %" PRIu64 ", diff %" PRIu64 ", writes and the rest %"
		 PRIu64 ")", ctx->model.services, ctx->model.dests, ops.n, ctx->last_writes, failed > 0 ? failed : 0,
		 ctx->last_ms, ms_between(t0, t_built), ms_between(t_built, t_dumped), ms_between(t_dumped, t_diffed),
		 ms_between(t_diffed, ev_now()));
	ipvs_ops_free(&ops);
	proc_send_status(ctx->p);
}

static void
reconcile_due(struct ev_timer *t)
{
	reconcile(t->data);
}

static void
retry_due(struct ev_timer *t)
{
	reconcile(t->data);
}

static int
ipvs_init(struct proc *p)
{
	struct ipvs_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return -1;
	ctx->p = p;
	ctx->nl.fd = -1;
	ev_timer_init(&ctx->reconcile, reconcile_due, ctx, "ipvs reconcile");
	ev_timer_init(&ctx->retry, retry_due, ctx, "ipvs retry");
	p->state = ctx;
	if ((ctx->runner = script_runner_new(p->loop)) == NULL)
		log_warnx("no script runner: quorum_up and quorum_down will not run");
	return 0;
}

/*
 * A configuration: remember which services it and the previous one name, and reconcile from a zero-delay
 * timer, so that the health states the parent replays right behind a configuration are in first.
 */
static int
ipvs_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	struct ipvs_ctx *ctx = p->state;
	struct ipvs_table now, before = { 0 };

	log_info("configuration %u: %zu virtual servers, %zu real servers", conf->generation,
		 conf->count[CFG_VIRTUAL_SERVER], conf->count[CFG_REAL_SERVER]);
	if (ipvs_model_services(conf, &now) < 0 || (old != NULL && ipvs_model_services(old, &before) < 0)) {
		ipvs_table_free(&now);
		return -ENOMEM;
	}
	for (size_t i = 0, n0 = now.n; i < before.n; i++) {
		struct ipvs_table sorted_part = { now.svcs, n0, n0 };

		if (ipvs_table_bsearch(&sorted_part, &before.svcs[i].svc) == NULL &&
		    ipvs_table_add_svc(&now, &before.svcs[i].svc) == NULL) {
			ipvs_table_free(&now);
			ipvs_table_free(&before);
			return -ENOMEM;
		}
	}
	ipvs_table_sort(&now);
	ipvs_table_free(&before);
	ipvs_table_free(&ctx->ours);
	ctx->ours = now;
	ev_timer_after(p->loop, &ctx->reconcile, 0);
	return 0;
}

static void
ipvs_dispatch(struct proc *p, const struct ipc_msg *msg)
{
	struct ipvs_ctx *ctx = p->state;

	if (msg->type != IPC_RS_STATE || msg->len != sizeof(struct ipc_rs_state)) {
		log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
		return;
	}
	ctx->health_msgs++;
	if (ipvs_health_set(&ctx->model.health, msg->data) < 0) {
		note_error(ctx, "out of memory keeping real server states");
		return;
	}
	if (!ev_timer_pending(&ctx->reconcile))
		ev_timer_after(p->loop, &ctx->reconcile, HEALTH_COALESCE_NS);
}

static struct json_object *
health_entry(const struct ipvs_health_entry *e)
{
	struct json_object *o = json_object_new_object();
	char vs[CFG_NAME_MAX + 16], rs[INET6_ADDRSTRLEN + 8];

	if (o == NULL)
		return NULL;
	if (e->key.vs_group[0])
		snprintf(vs, sizeof(vs), "group %s", e->key.vs_group);
	else if (e->key.vs_fwmark)
		snprintf(vs, sizeof(vs), "fwmark %u", e->key.vs_fwmark);
	else {
		cfg_format_addr(&e->key.vs_addr, vs, sizeof(vs));
		snprintf(vs + strlen(vs), sizeof(vs) - strlen(vs), " %u", e->key.vs_port);
	}
	cfg_format_addr(&e->key.rs_addr, rs, sizeof(rs));
	snprintf(rs + strlen(rs), sizeof(rs) - strlen(rs), " %u", e->key.rs_port);
	json_object_object_add(o, "virtual_server", json_object_new_string(vs));
	json_object_object_add(o, "real_server", json_object_new_string(rs));
	json_object_object_add(o, "up", json_object_new_boolean(e->up));
	json_object_object_add(o, "weight", json_object_new_int(e->weight));
	json_object_object_add(o, "reason", json_object_new_string(e->reason));
	return o;
}

/* What the checkers last said of each real server: how many, and the first STATUS_HEALTH_MAX by name,
 * those down before those up. */
static void
add_health(struct ipvs_ctx *ctx, struct json_object *out)
{
	struct json_object *list = json_object_new_array();
	struct ipvs_health *h = &ctx->model.health;
	size_t listed = 0, down = 0;

	if (list == NULL)
		return;
	(void)ipvs_health_find(h, &(struct cfg_rs_key){ 0 });	/* sorts and keeps the latest of each */
	for (size_t i = 0; i < h->n; i++)
		down += h->v[i].up == 0;
	for (int up = 0; up <= 1; up++)
		for (size_t i = 0; i < h->n && listed < STATUS_HEALTH_MAX; i++)
			if ((h->v[i].up != 0) == up && json_object_array_add(list, health_entry(&h->v[i])) == 0)
				listed++;
	json_object_object_add(out, "health_reported", json_object_new_int64((int64_t)h->n));
	json_object_object_add(out, "health_reported_down", json_object_new_int64((int64_t)down));
	json_object_object_add(out, "health_truncated", json_object_new_boolean(listed < h->n));
	json_object_object_add(out, "health", list);
}

static void
ipvs_status(struct proc *p, struct json_object *out)
{
	struct ipvs_ctx *ctx = p->state;

	if (p->conf == NULL)
		return;
	json_object_object_add(out, "virtual_servers",
			       json_object_new_int64((int64_t)p->conf->count[CFG_VIRTUAL_SERVER]));
	json_object_object_add(out, "real_servers", json_object_new_int64((int64_t)p->conf->count[CFG_REAL_SERVER]));
	if (ctx == NULL)
		return;
	json_object_object_add(out, "kernel", json_object_new_string(ctx->nl_ok ? "ok" : "unavailable"));
	json_object_object_add(out, "services", json_object_new_int64((int64_t)ctx->model.services));
	json_object_object_add(out, "dests", json_object_new_int64((int64_t)ctx->model.dests));
	json_object_object_add(out, "rs_up", json_object_new_int64((int64_t)ctx->model.rs_up));
	json_object_object_add(out, "rs_down", json_object_new_int64((int64_t)ctx->model.rs_down));
	json_object_object_add(out, "quorum_lost", json_object_new_int64((int64_t)ctx->model.quorum_lost));
	json_object_object_add(out, "reconciles", json_object_new_int64((int64_t)ctx->reconciles));
	json_object_object_add(out, "kernel_dumps", json_object_new_int64((int64_t)ctx->kernel_dumps));
	json_object_object_add(out, "kernel_writes", json_object_new_int64((int64_t)ctx->nl.writes));
	json_object_object_add(out, "kernel_errors", json_object_new_int64((int64_t)ctx->nl.errors));
	json_object_object_add(out, "last_writes", json_object_new_int64((int64_t)ctx->last_writes));
	json_object_object_add(out, "last_failed", json_object_new_int64((int64_t)ctx->last_failed));
	json_object_object_add(out, "last_ms", json_object_new_int64((int64_t)ctx->last_ms));
	json_object_object_add(out, "health_messages", json_object_new_int64((int64_t)ctx->health_msgs));
	json_object_object_add(out, "quorum_scripts", json_object_new_int64((int64_t)ctx->scripts));
	add_health(ctx, out);
	json_object_object_add(out, "last_error", json_object_new_string(ctx->last_error));
}

/*
 * keepalived's omega: the director stopping takes the quorum of its virtual servers down, and each one with
 * omega that holds its quorum runs its quorum_down. The scripts are left to finish after we exit.
 */
static void
run_omega_scripts(struct ipvs_ctx *ctx, const struct config *conf)
{
	const struct cfg_virtual_server *vs;

	CONFIG_FOREACH(conf, CFG_VIRTUAL_SERVER, const struct cfg_virtual_server, vs) {
		const struct ipvs_quorum *q = ipvs_model_quorum(&ctx->model, vs);
		const char *cmd = config_text(conf, vs->quorum_down);
		char where[CFG_NAME_MAX + 64];

		if (!vs->omega || q == NULL || q->lost)
			continue;
		log_info("virtual server %s: quorum down as vipd stops (omega)", vs_describe(vs, where, sizeof(where)));
		if (cmd[0] != '\0' && ctx->runner != NULL && quorum_script(ctx, conf, cmd, vs->quorum_down_user) > 0)
			ctx->scripts++;
	}
}

/* SIGTERM: the table stays (traffic flows while another director takes over), unless lvs_flush_onstop. */
static void
ipvs_shutdown(struct proc *p)
{
	struct ipvs_ctx *ctx = p->state;

	if (ctx == NULL)
		return;
	if (p->conf != NULL && ctx->reconciles > 0)
		run_omega_scripts(ctx, p->conf);
	if (ctx->nl_ok && p->conf != NULL && p->conf->global != NULL && p->conf->global->lvs_flush_onstop) {
		struct ipvs_table mine;
		struct ipvs_batch b;
		int r = 0;

		if (ipvs_model_services(p->conf, &mine) == 0) {
			ipvs_batch_init(&b);
			for (size_t i = 0; r == 0 && i < mine.n; i++)
				r = ipvs_batch_svc(&ctx->nl, &b, IPVS_CMD_DEL_SERVICE, &mine.svcs[i].svc, i);
			if (r == 0)
				r = ipvs_batch_run(&ctx->nl, &b, NULL, NULL);
			ipvs_batch_free(&b);
			log_info("lvs_flush_onstop: removed %zu services (%d not there)", mine.n, r > 0 ? r : 0);
			ipvs_table_free(&mine);
		}
	}
	ev_timer_stop(p->loop, &ctx->reconcile);
	ev_timer_stop(p->loop, &ctx->retry);
	if (ctx->nl_ok)
		ipvs_nl_close(&ctx->nl);
	if (ctx->runner != NULL)
		script_runner_free(ctx->runner);
	ipvs_table_free(&ctx->have);
	ipvs_table_free(&ctx->ours);
	ipvs_model_free(&ctx->model);
	free(ctx);
	p->state = NULL;
}

const struct proc_ops ipvs_proc = {
	.name = "ipvs",
	.kind = CHILD_IPVS,
	.init = ipvs_init,
	.apply = ipvs_apply,
	.status = ipvs_status,
	.shutdown = ipvs_shutdown,
	.dispatch = ipvs_dispatch,
};
