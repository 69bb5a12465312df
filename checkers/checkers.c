/*
 * The checkers child, as the list of its events:
 *   - a configuration arrives: checks are built from it and matched against the running ones, so an
 *     unchanged check keeps its state and schedule, a changed one keeps its verdict, a new one starts
 *     per alpha (checkers_apply);
 *   - the parent replays what it remembers of each real server after a restart: that state stands
 *     until the real server's first verdict (checkers_dispatch);
 *   - a check's timer fires or its socket is ready (check_sched.c and the kinds);
 *   - a MISC_CHECK script exits (lib/script.c calls check_misc.c);
 *   - SIGTERM (checkers_shutdown).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "checkers/check.h"
#include "checkers/checkers.h"
#include "lib/log.h"
#include "lib/script.h"

#define MSEC EV_NSEC_PER_MSEC
/* After the first configuration, how long the replayed states have to arrive before the states nobody
 * remembered are announced; every replayed message restarts it. */
#define CK_SETTLE_NS (300 * MSEC)

static const struct ck_kind *
checkers_kind(int type)
{
	switch (type) {
	case CHECK_TCP: return &ck_kind_tcp;
	case CHECK_HTTP: return &ck_kind_http;
	case CHECK_SSL: return &ck_kind_http;
	case CHECK_MISC: return &ck_kind_misc;
	case CHECK_DNS: return &ck_kind_dns;
	case CHECK_UDP: return &ck_kind_udp;
	case CHECK_SMTP: return &ck_kind_smtp;
	case CHECK_PING: return &ck_kind_ping;
	case CHECK_FILE: return &ck_kind_file;
	case CHECK_BFD: return &ck_kind_bfd;
	default: return NULL;
	}
}

/* ---- building checks from a configuration ---- */

static void
checkers_sockaddr(const struct cfg_addr *a, uint32_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, a->addr, 16);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, a->addr, 4);
		*len = sizeof(*s4);
	}
}

static uint32_t
checkers_default_port(const struct cfg_checker *cfg, uint32_t rs_port)
{
	if (cfg->connect_port != 0)
		return cfg->connect_port;
	if (rs_port != 0)
		return rs_port;
	switch (cfg->type) {
	case CHECK_HTTP: return 80;
	case CHECK_SSL: return 443;
	case CHECK_SMTP: return 25;
	case CHECK_DNS: return 53;
	default: return 0;
	}
}

static struct ck_check *
checkers_new_check(struct ck_state *ck, struct ck_rs *rs, const struct cfg_checker *cfg)
{
	struct ck_check *c = calloc(1, sizeof(*c));
	const struct cfg_addr *dst = cfg->connect_ip.family ? &cfg->connect_ip : &rs->cfg->addr;
	uint64_t loop_ms = cfg->delay_loop_ms ? cfg->delay_loop_ms : rs->vs && rs->vs->delay_loop_ms ?
			   rs->vs->delay_loop_ms : 60000;

	if (c == NULL)
		return NULL;
	c->ck = ck;
	c->rs = rs;
	c->cfg = cfg;
	c->kind = checkers_kind(cfg->type);
	c->fd = -1;
	c->weight = -1;
	checkers_sockaddr(dst, checkers_default_port(cfg, rs->cfg->port), &c->dst, &c->dstlen);
	/* a link-local address means something only on an interface: bind_if names it */
	if (dst->family == AF_INET6 && dst->addr[0] == 0xfe && (dst->addr[1] & 0xc0) == 0x80 && cfg->bind_if[0])
		((struct sockaddr_in6 *)&c->dst)->sin6_scope_id = if_nametoindex(cfg->bind_if);
	if (cfg->bindto.family != 0 || cfg->bind_port != 0) {
		struct cfg_addr any = { .family = (uint8_t)c->dst.ss_family };

		checkers_sockaddr(cfg->bindto.family ? &cfg->bindto : &any, cfg->bind_port, &c->src, &c->srclen);
	}
	c->loop_ns = loop_ms * MSEC;
	c->retry_delay_ns = cfg->delay_before_retry_ms == UINT64_MAX ? c->loop_ns : cfg->delay_before_retry_ms * MSEC;
	c->timeout_ns = cfg->type == CHECK_MISC ? (cfg->misc_timeout_ms ? cfg->misc_timeout_ms * MSEC : c->loop_ns) :
			cfg->connect_timeout_ms * MSEC;
	c->up = !cfg->alpha;	/* the real server's or virtual server's alpha when it has none of its own */
	ev_timer_init(&c->timer, NULL, c, "check");
	return c;
}

static void
checkers_free_check(struct ck_check *c)
{
	ck_sched_stop(c);
	free(c->urls);
	free(c);
}

static void
checkers_free_rs(struct ck_rs *rs)
{
	free(rs->checks);
	free(rs);
}

static int
checkers_key_cmp(const void *a, const void *b)
{
	const struct ck_rs *x = *(struct ck_rs *const *)a, *y = *(struct ck_rs *const *)b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

static struct ck_rs *
checkers_find_rs(struct ck_rs **sorted, size_t n, const struct cfg_rs_key *key)
{
	struct ck_rs probe = { .key = *key }, *pp = &probe, **found;

	if (n == 0)
		return NULL;
	found = bsearch(&pp, sorted, n, sizeof(*sorted), checkers_key_cmp);
	return found ? *found : NULL;
}

/* Same configuration, same targets and timing: such a check carries on as if nothing happened. a is of the
 * old configuration, b of the new: their texts are compared by content. */
static bool
checkers_same(const struct config *old, const struct ck_check *a, const struct config *conf, const struct ck_check *b)
{
	size_t off = sizeof(struct cfg_obj);

	if (a->cfg->type != b->cfg->type || a->nurls != b->nurls ||
	    !config_obj_same(old, a->cfg, conf, b->cfg, CFG_CHECKER, off) ||
	    a->dstlen != b->dstlen || memcmp(&a->dst, &b->dst, a->dstlen) != 0 || a->srclen != b->srclen ||
	    memcmp(&a->src, &b->src, a->srclen) != 0 || a->loop_ns != b->loop_ns ||
	    a->retry_delay_ns != b->retry_delay_ns || a->timeout_ns != b->timeout_ns)
		return false;
	for (size_t i = 0; i < a->nurls; i++)
		if (!config_obj_same(old, a->urls[i], conf, b->urls[i], CFG_CHECK_URL, off))
			return false;
	/* the virtual server's virtualhost reaches HTTP requests */
	return a->rs->vs == NULL || b->rs->vs == NULL ||
	       strcmp(a->rs->vs->virtualhost, b->rs->vs->virtualhost) == 0;
}

/* A new check takes an old one's place: exactly the same keeps the old object (timer, run and all);
 * of the same type, the verdict carries over and the schedule starts again. Returns the check to keep. */
static struct ck_check *
checkers_inherit(const struct config *old_conf, const struct config *conf, struct ck_rs *old, struct ck_check *c)
{
	struct ck_check *same_type = NULL;

	for (size_t i = 0; old != NULL && i < old->nchecks; i++) {
		struct ck_check *o = old->checks[i];

		if (o->taken || o->cfg->type != c->cfg->type)
			continue;
		if (checkers_same(old_conf, o, conf, c)) {
			o->keep = o->taken = true;
			o->rs = c->rs;
			o->cfg = c->cfg;
			free(o->urls);
			o->urls = c->urls;
			c->urls = NULL;
			checkers_free_check(c);
			return o;
		}
		if (same_type == NULL)
			same_type = o;
	}
	if (same_type != NULL) {
		same_type->taken = true;	/* its verdict goes on in c; the object itself goes */
		c->up = same_type->up;
		c->verdict = same_type->verdict;
		c->weight = same_type->weight;
		c->consecutive_failures = same_type->consecutive_failures;
		memcpy(c->result, same_type->result, sizeof(c->result));
		c->last_ok = same_type->last_ok;
		c->last_run_ms = same_type->last_run_ms;
	}
	ck_sched_first(c);
	return c;
}

/* The urls of every checker, grouped by checker id in one pass. */
static int
checkers_attach_urls(const struct config *conf, struct ck_check **by_id, size_t nchk)
{
	const struct cfg_check_url *u;

	CONFIG_FOREACH(conf, CFG_CHECK_URL, const struct cfg_check_url, u) {
		struct ck_check *c = u->hdr.parent >= 1 && u->hdr.parent <= nchk ? by_id[u->hdr.parent - 1] : NULL;
		const struct cfg_check_url **n;

		if (c == NULL)
			continue;
		if ((n = reallocarray(c->urls, c->nurls + 1, sizeof(*n))) == NULL)
			return -1;
		c->urls = n;
		c->urls[c->nurls++] = u;
	}
	return 0;
}

struct checkers_build {
	struct ck_rs **rs;
	size_t nrs;
	struct ck_check **by_id;	/* checker id - 1 -> check (NULL for kinds not run) */
	size_t nchk;
};

static void
checkers_build_free(struct checkers_build *b)
{
	for (size_t i = 0; i < b->nchk; i++)
		if (b->by_id[i] != NULL)
			checkers_free_check(b->by_id[i]);
	for (size_t i = 0; i < b->nrs; i++)
		checkers_free_rs(b->rs[i]);
	free(b->rs);
	free(b->by_id);
}

/* Everything allocated before anything running is touched, so running out of memory changes nothing. */
static int
checkers_build(struct ck_state *ck, const struct config *conf, struct checkers_build *b)
{
	const struct cfg_real_server *rcfg;
	const struct cfg_checker *ccfg;

	memset(b, 0, sizeof(*b));
	if ((b->rs = calloc(conf->count[CFG_REAL_SERVER] + 1, sizeof(*b->rs))) == NULL ||
	    (b->by_id = calloc(conf->count[CFG_CHECKER] + 1, sizeof(*b->by_id))) == NULL)
		return -1;
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, const struct cfg_real_server, rcfg) {
		struct ck_rs *rs = calloc(1, sizeof(*rs));

		if (rs == NULL)
			return -1;
		b->rs[b->nrs++] = rs;
		rs->ck = ck;
		rs->cfg = rcfg;
		rs->vs = config_find_id(conf, CFG_VIRTUAL_SERVER, rcfg->hdr.parent);
		rs->weight = -1;
		config_rs_key(conf, rcfg, &rs->key);
	}
	b->nchk = conf->count[CFG_CHECKER];
	CONFIG_FOREACH(conf, CFG_CHECKER, const struct cfg_checker, ccfg) {
		struct ck_rs *rs = NULL;
		struct ck_check **n;

		/* real servers are ids 1..n in order, so the parent id indexes b->rs */
		if (ccfg->hdr.parent >= 1 && ccfg->hdr.parent <= b->nrs && b->rs[ccfg->hdr.parent - 1]->cfg->hdr.id ==
		    ccfg->hdr.parent)
			rs = b->rs[ccfg->hdr.parent - 1];
		if (rs == NULL || checkers_kind(ccfg->type) == NULL)
			continue;
		if (ccfg->type == CHECK_MISC) {
			char prog[256], a[64];

			/* as keepalived 2.2.7 does, a script that cannot run drops its checker: the real server
			 * is then judged by its other checkers, and is up if it has none */
			if (!ck_misc_runnable(config_text(conf, ccfg->misc_path), prog, sizeof(prog))) {
				cfg_format_addr(&rs->cfg->addr, a, sizeof(a));
				log_warnx("MISC_CHECK of real server [%s]:%u: '%s' is not an executable file; this "
					  "checker is disabled, as keepalived does", a, rs->cfg->port, prog);
				continue;
			}
		}
		if ((b->by_id[ccfg->hdr.id - 1] = checkers_new_check(ck, rs, ccfg)) == NULL)
			return -1;
		if ((n = reallocarray(rs->checks, rs->nchecks + 1, sizeof(*n))) == NULL)
			return -1;
		rs->checks = n;
		rs->checks[rs->nchecks++] = b->by_id[ccfg->hdr.id - 1];
	}
	return checkers_attach_urls(conf, b->by_id, b->nchk);
}

static void
checkers_settled(struct ev_timer *t)
{
	struct ck_state *ck = t->data;

	ck->settling = false;
	for (size_t i = 0; i < ck->nrs; i++)
		if (!ck->rs[i]->known)
			ck_rs_update(ck->rs[i], true);
}

/* checker_priority: the nice value of this child (and of the scripts it starts), as vrrp_priority is vrrp's. */
static void
checkers_nice(int prio)
{
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) != prio || errno != 0)
		if (setpriority(PRIO_PROCESS, 0, prio) == -1)
			log_warn("checker_priority %d", prio);
}

static int
checkers_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	struct ck_state *ck = p->state;
	struct checkers_build b;
	struct ck_rs **sorted = NULL, **next_sorted = NULL;
	size_t kept = 0;

	if (checkers_build(ck, conf, &b) == -1 || (sorted = calloc(ck->nrs + 1, sizeof(*sorted))) == NULL ||
	    (next_sorted = calloc(b.nrs + 1, sizeof(*next_sorted))) == NULL) {
		log_warnx("out of memory applying configuration %u", conf->generation);
		checkers_build_free(&b);
		free(sorted);
		return -1;
	}
	if (ck->nrs > 0)
		memcpy(sorted, ck->rs, ck->nrs * sizeof(*sorted));
	qsort(sorted, ck->nrs, sizeof(*sorted), checkers_key_cmp);
	/* from here on nothing fails: the running state is rewritten into the new one */
	for (size_t i = 0; i < b.nrs; i++) {
		struct ck_rs *rs = b.rs[i], *o = checkers_find_rs(sorted, ck->nrs, &rs->key);

		for (size_t j = 0; j < rs->nchecks; j++)
			rs->checks[j] = checkers_inherit(old, conf, o, rs->checks[j]);
		if (o != NULL) {
			o->keep = true;
			rs->up = o->up;
			rs->weight = o->weight;
			rs->known = o->known;
			rs->announced = o->announced;
			rs->last_change_ms = o->last_change_ms;
			memcpy(rs->reason, o->reason, sizeof(rs->reason));
		}
	}
	for (size_t i = 0; i < ck->nrs; i++) {
		for (size_t j = 0; j < ck->rs[i]->nchecks; j++) {
			struct ck_check *c = ck->rs[i]->checks[j];

			if (c->keep)
				c->keep = c->taken = false;
			else
				checkers_free_check(c);
		}
		checkers_free_rs(ck->rs[i]);
	}
	free(ck->rs);
	free(ck->sorted);
	free(sorted);
	free(b.by_id);
	ck->rs = b.rs;
	ck->nrs = b.nrs;
	memcpy(next_sorted, ck->rs, ck->nrs * sizeof(*next_sorted));
	qsort(next_sorted, ck->nrs, sizeof(*next_sorted), checkers_key_cmp);
	ck->sorted = next_sorted;

	ck_http_ssl_ctx_free(ck->ssl_ctx);
	ck->ssl_ctx = ck_http_ssl_ctx(conf);
	ck_suspend_apply(ck, conf);
	ck_files_apply(ck, conf);
	memcpy(ck->fifo, conf->global->lvs_notify_fifo, sizeof(ck->fifo));
	memcpy(ck->script_user, conf->global->script_user, sizeof(ck->script_user));
	checkers_nice(conf->global->checker_priority);

	for (size_t i = 0; i < ck->nrs; i++) {
		struct ck_rs *rs = ck->rs[i];
		size_t nchk = rs->nchecks;

		if (rs->known) {
			kept++;
			ck_rs_update(rs, false);	/* checks added or dropped may change it */
			continue;
		}
		/* a new real server starts from its checks' initial states (down if any is alpha) */
		rs->up = true;
		for (size_t j = 0; j < nchk; j++)
			rs->up &= rs->checks[j]->up;
		rs->weight = -1;
		if (!ck->settling && old != NULL)
			ck_rs_update(rs, true);
	}
	if (old == NULL) {
		ck->settling = true;
		ev_timer_init(&ck->settle, checkers_settled, ck, "checkers settle");
		ev_timer_after(p->loop, &ck->settle, CK_SETTLE_NS);
	}
	log_info("configuration %u: %zu checkers on %zu real servers (%zu kept)", conf->generation,
		 conf->count[CFG_CHECKER], ck->nrs, kept);
	return 0;
}

/* ---- messages from the parent ---- */

static void
checkers_replayed(struct ck_state *ck, const struct ipc_rs_state *st)
{
	struct ck_rs *rs = checkers_find_rs(ck->sorted, ck->nrs, &st->key);

	if (ck->settling)
		ev_timer_after(ck->p->loop, &ck->settle, CK_SETTLE_NS);
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->nchecks; i++)
		if (rs->checks[i]->verdict)
			return;	/* a verdict of ours is newer than anything remembered */
	rs->up = st->up != 0;
	rs->weight = st->weight;
	rs->known = true;
	rs->announced = true;
	snprintf(rs->reason, sizeof(rs->reason), "%.*s", (int)sizeof(st->reason) - 1, st->reason);
	/* the checks carry on from the remembered state: a server that was down needs a success to come up,
	 * one that was up gets its retries before it goes down */
	for (size_t i = 0; i < rs->nchecks; i++)
		rs->checks[i]->up = rs->up;
	ck_status_dirty(ck);
}

static void
checkers_dispatch(struct proc *p, const struct ipc_msg *msg)
{
	struct ipc_rs_state st;

	if (msg->type == IPC_BFD_STATE && msg->len == sizeof(struct ipc_bfd_state)) {
		ck_bfd_state(p->state, msg->data);
		return;
	}
	if (msg->type != IPC_RS_STATE || msg->len != sizeof(st)) {
		log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
		return;
	}
	memcpy(&st, msg->data, sizeof(st));
	checkers_replayed(p->state, &st);
}

/* ---- life ---- */

static int
checkers_init(struct proc *p)
{
	struct ck_state *ck = calloc(1, sizeof(*ck));

	if (ck == NULL)
		return -1;
	ck->p = p;
	p->state = ck;
	/* a server that closes while we write must not kill us; scripts get the default back */
	signal(SIGPIPE, SIG_IGN);
	ev_timer_init(&ck->settle, checkers_settled, ck, "checkers settle");
	ev_timer_init(&ck->status_timer, NULL, ck, "checkers status");
	return (ck->scripts = script_runner_new(p->loop)) != NULL ? 0 : -1;
}

static void
checkers_shutdown(struct proc *p)
{
	struct ck_state *ck = p->state;

	if (ck == NULL)
		return;
	for (size_t i = 0; i < ck->nrs; i++)
		ck_rs_omega(ck->rs[i]);
	for (size_t i = 0; i < ck->nrs; i++) {
		for (size_t j = 0; j < ck->rs[i]->nchecks; j++)
			checkers_free_check(ck->rs[i]->checks[j]);
		checkers_free_rs(ck->rs[i]);
	}
	/* the checks are gone and have killed their scripts; notify scripts (omega's above) finish alone */
	script_runner_free(ck->scripts);
	ck_suspend_close(ck);
	ck_files_close(ck);
	ck_bfd_free(ck);
	ev_timer_stop(p->loop, &ck->settle);
	ev_timer_stop(p->loop, &ck->status_timer);
	ck_http_ssl_ctx_free(ck->ssl_ctx);
	free(ck->rs);
	free(ck->sorted);
	free(ck);
	p->state = NULL;
}

/* ---- status ---- */

static struct json_object *
checkers_time(uint64_t ms)
{
	return ms ? json_object_new_int64((int64_t)ms) : NULL;
}

static struct json_object *
checkers_check_status(const struct ck_check *c)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "type", json_object_new_string(check_type_name(c->cfg->type)));
	json_object_object_add(o, "state", json_object_new_string(c->up ? "up" : "down"));
	json_object_object_add(o, "result", c->last_run_ms ? json_object_new_string(c->result) : NULL);
	json_object_object_add(o, "last_ok", c->last_run_ms ? json_object_new_boolean(c->last_ok) : NULL);
	json_object_object_add(o, "consecutive_failures", json_object_new_int64(c->consecutive_failures));
	json_object_object_add(o, "last_run", checkers_time(c->last_run_ms));
	if (c->weight >= 0)
		json_object_object_add(o, "weight", json_object_new_int(c->weight));
	return o;
}

static struct json_object *
checkers_rs_status(const struct ck_rs *rs)
{
	struct json_object *o = json_object_new_object(), *checks = json_object_new_array();
	const struct ck_check *last = NULL;
	uint32_t failures = 0;
	char buf[128];

	if (o == NULL || checks == NULL) {
		json_object_put(o);
		json_object_put(checks);
		return NULL;
	}
	for (size_t i = 0; i < rs->nchecks; i++) {
		const struct ck_check *c = rs->checks[i];

		json_object_array_add(checks, checkers_check_status(c));
		if (c->consecutive_failures > failures)
			failures = c->consecutive_failures;
		if (c->last_run_ms && (last == NULL || c->last_run_ms >= last->last_run_ms))
			last = c;
	}
	ck_net_format(&rs->key.rs_addr, rs->key.rs_port, buf, sizeof(buf));
	json_object_object_add(o, "address", json_object_new_string(buf));
	if (rs->key.vs_group[0])
		snprintf(buf, sizeof(buf), "group %s", rs->key.vs_group);
	else if (rs->key.vs_fwmark)
		snprintf(buf, sizeof(buf), "fwmark %u", rs->key.vs_fwmark);
	else
		ck_net_format(&rs->key.vs_addr, rs->key.vs_port, buf, sizeof(buf));
	json_object_object_add(o, "virtual_server", json_object_new_string(buf));
	/* before anything is known (a replay, a verdict, the first announcement) it is neither */
	json_object_object_add(o, "state", json_object_new_string(!rs->known ? "pending" : rs->up ? "up" : "down"));
	json_object_object_add(o, "suspended", json_object_new_boolean(rs->nchecks > 0 && ck_suspended(rs->checks[0])));
	json_object_object_add(o, "reason", json_object_new_string(rs->reason));
	json_object_object_add(o, "weight", rs->weight >= 0 ? json_object_new_int(rs->weight) : NULL);
	/* the configured one, which is in force while weight is null (the metrics show either) */
	json_object_object_add(o, "configured_weight", rs->cfg != NULL ? json_object_new_int(rs->cfg->weight) : NULL);
	json_object_object_add(o, "last_result", last ? json_object_new_string(last->result) : NULL);
	json_object_object_add(o, "consecutive_failures", json_object_new_int64(failures));
	json_object_object_add(o, "last_change", checkers_time(rs->last_change_ms));
	json_object_object_add(o, "checks", checks);
	return o;
}

static void
checkers_status(struct proc *p, struct json_object *out)
{
	const struct ck_state *ck = p->state;
	struct json_object *list;
	struct rusage ru;
	size_t up = 0;

	if (p->conf != NULL)
		json_object_object_add(out, "checkers", json_object_new_int64((int64_t)p->conf->count[CFG_CHECKER]));
	if (ck == NULL || (list = json_object_new_array()) == NULL)
		return;
	for (size_t i = 0; i < ck->nrs; i++) {
		json_object_array_add(list, checkers_rs_status(ck->rs[i]));
		up += ck->rs[i]->known && ck->rs[i]->up;
	}
	json_object_object_add(out, "real_servers_up", json_object_new_int64((int64_t)up));
	json_object_object_add(out, "runs", json_object_new_int64((int64_t)ck->runs));
	json_object_object_add(out, "overruns", json_object_new_int64((int64_t)ck->overruns));
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		json_object_object_add(out, "cpu_ms", json_object_new_int64((int64_t)ru.ru_utime.tv_sec * 1000 +
			ru.ru_utime.tv_usec / 1000 + (int64_t)ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000));
		json_object_object_add(out, "maxrss_kib", json_object_new_int64(ru.ru_maxrss));
	}
	json_object_object_add(out, "real_servers", list);
}

const struct proc_ops checkers_proc = {
	.name = "checkers",
	.kind = CHILD_CHECKERS,
	.init = checkers_init,
	.apply = checkers_apply,
	.status = checkers_status,
	.shutdown = checkers_shutdown,
	.dispatch = checkers_dispatch,
};
