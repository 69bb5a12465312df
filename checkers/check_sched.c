/*
 * The scheduler: when each check runs, what a result means (retry, delay_before_retry, the verdict),
 * and what a real server's checks add up to (all must pass), told to the parent, the fifo and the
 * notify scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "checkers/check.h"
#include "checkers/checkers.h"
#include "lib/log.h"
#include "lib/script.h"

#define MSEC EV_NSEC_PER_MSEC

uint64_t
ck_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Where in its warmup a check first runs. A hash of what names it rather than a random number: the
 * same spread every time, no generator state, and thousands of checks land evenly over the interval.
 */
static uint64_t
ck_spread(const struct ck_check *c, uint64_t range)
{
	const uint8_t *b = (const uint8_t *)&c->rs->key;
	uint64_t h = 1469598103934665603ULL;

	if (range == 0)
		return 0;
	for (size_t i = 0; i < sizeof(c->rs->key); i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	h = (h ^ c->cfg->hdr.id) * 1099511628211ULL;
	h ^= h >> 29;
	return h % range;
}

static void ck_timer_cb(struct ev_timer *t);

void
ck_sched_first(struct ck_check *c)
{
	uint64_t warmup = c->cfg->warmup_ms == UINT64_MAX ? c->loop_ns : c->cfg->warmup_ms * MSEC;

	ev_timer_init(&c->timer, ck_timer_cb, c, "check");
	c->due_ns = ev_now() + ck_spread(c, warmup);
	ev_timer_at(c->ck->p->loop, &c->timer, c->due_ns);
}

void
ck_sched_stop(struct ck_check *c)
{
	if (c->running) {
		c->kind->stop(c);
		c->running = false;
	}
	ev_timer_stop(c->ck->p->loop, &c->timer);
}

void
ck_sched_now(struct ck_check *c)
{
	/* a check that was never scheduled (settling, suspended by the scheduler's own rules) waits its turn */
	if (c->running || c->timer.cb == NULL)
		return;
	c->due_ns = ev_now();
	ev_timer_at(c->ck->p->loop, &c->timer, c->due_ns);
}

static void
ck_run(struct ck_check *c)
{
	uint64_t deadline = c->timeout_ns;

	c->running = true;
	c->phase = "connect";
	c->ck->runs++;
	/* the deadline first: start may finish at once and arm the next run on the same timer */
	ev_timer_after(c->ck->p->loop, &c->timer, deadline);
	c->kind->start(c);
}

static void
ck_timer_cb(struct ev_timer *t)
{
	struct ck_check *c = t->data;

	if (!c->running && ck_suspended(c)) {
		/* ha_suspend: not this director's VIP; the next round keeps the cadence */
		c->due_ns += c->loop_ns;
		ev_timer_at(c->ck->p->loop, &c->timer, c->due_ns);
		return;
	}
	if (!c->running) {
		ck_run(c);
		return;
	}
	if (c->kind->timeout != NULL) {
		c->kind->timeout(c);
		return;
	}
	ck_result(c, false, -1, "%s timeout", c->phase);
}

void
ck_result(struct ck_check *c, bool ok, int32_t weight, const char *fmt, ...)
{
	struct ck_state *ck = c->ck;
	bool was_up = c->up;
	int32_t was_weight = c->weight;
	uint64_t next = c->loop_ns, now;
	bool retrying = false;
	va_list ap;

	if (!c->running)
		return;
	c->kind->stop(c);
	c->running = false;
	va_start(ap, fmt);
	vsnprintf(c->result, sizeof(c->result), fmt, ap);
	va_end(ap);
	c->last_ok = ok;
	c->last_run_ms = ck_realtime_ms();
	if (ok) {
		c->consecutive_failures = 0;
		c->round_failures = 0;
		c->up = true;
		c->weight = weight;
		c->verdict = true;
	} else {
		c->consecutive_failures++;
		if (c->up && ++c->round_failures <= c->cfg->retry) {
			/* not a verdict yet: a server that was up gets its retries first */
			next = c->retry_delay_ns;
			retrying = true;
		} else {
			c->up = false;
			c->round_failures = 0;
			c->verdict = true;
		}
	}
	if (!ok || was_up != c->up) {
		char a[64];

		cfg_format_addr(&c->rs->key.rs_addr, a, sizeof(a));
		log_debug("%s of [%s]:%u: %s%s", c->kind->name, a, c->rs->key.rs_port, c->result,
			  !ok && c->up ? " (will retry)" : "");
	}
	/*
	 * A retry waits delay_before_retry from now. Otherwise runs keep their cadence, due time to due time:
	 * a slow answer or a late wake-up neither slows the rate nor lets checks drift into bursts, and after
	 * a stall the missed runs are skipped, keeping each check's place in the interval.
	 */
	now = ev_now();
	if (retrying) {
		c->due_ns = now + next;
	} else {
		c->due_ns += next;
		if (c->due_ns <= now) {
			ck->overruns++;
			c->due_ns += ((now - c->due_ns) / next + 1) * next;
		}
	}
	ev_timer_at(ck->p->loop, &c->timer, c->due_ns);
	if (was_up != c->up || was_weight != c->weight)
		ck_rs_update(c->rs, false);
	ck_status_dirty(ck);
}

/* ---- real servers ---- */

static void
ck_vs_text(const struct ck_rs *rs, char *buf, size_t len)
{
	const struct cfg_rs_key *k = &rs->key;
	const char *proto = k->vs_protocol == PROTO_UDP ? "udp" : k->vs_protocol == PROTO_SCTP ? "sctp" : "tcp";
	char a[64];

	if (k->vs_group[0] != '\0') {
		snprintf(buf, len, "group:%s", k->vs_group);
	} else if (k->vs_fwmark != 0) {
		snprintf(buf, len, "FWM:%u", k->vs_fwmark);
	} else {
		cfg_format_addr(&k->vs_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%s:%u", a, proto, k->vs_port);
	}
}

/* keepalived's lvs_notify_fifo line: RS [1.2.3.4]:tcp:80 [192.0.2.15]:tcp:80 UP */
static void
ck_fifo_write(struct ck_rs *rs)
{
	const struct cfg_rs_key *k = &rs->key;
	const char *proto = k->vs_protocol == PROTO_UDP ? "udp" : k->vs_protocol == PROTO_SCTP ? "sctp" : "tcp";
	char line[256], vs[128], a[64];
	int fd, n;

	if (rs->ck->fifo[0] == '\0')
		return;
	/* non-blocking: with no reader the open fails (ENXIO) and a full fifo does not stall the checks */
	if ((fd = open(rs->ck->fifo, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_debug("lvs_notify_fifo %s: %s", rs->ck->fifo, strerror(errno));
		return;
	}
	ck_vs_text(rs, vs, sizeof(vs));
	cfg_format_addr(&k->rs_addr, a, sizeof(a));
	n = snprintf(line, sizeof(line), "RS [%s]:%s:%u %s %s\n", a, proto, k->rs_port, vs, rs->up ? "UP" : "DOWN");
	if (n > 0 && write(fd, line, (size_t)n) != n)
		log_warn("lvs_notify_fifo %s", rs->ck->fifo);
	close(fd);
}

static void
ck_notify_script(struct ck_rs *rs)
{
	const struct config *conf = rs->ck->p->conf;
	const char *cmd = config_text(conf, rs->up ? rs->cfg->notify_up : rs->cfg->notify_down);
	const char *own = config_text(conf, rs->up ? rs->cfg->notify_up_user : rs->cfg->notify_down_user);

	/* fire and forget, killed if it hangs; the runner logs why one did not start */
	if (cmd[0] != '\0')
		script_run(rs->ck->scripts, &(struct script){ .cmd = cmd,
							      .user = own[0] != '\0' ? own : rs->ck->script_user,
							      .timeout_ns = SCRIPT_NOTIFY_TIMEOUT_NS,
							      .secure = rs->ck->p->conf->global->enable_script_security });
}

void
ck_rs_announce(struct ck_rs *rs)
{
	struct proc *p = rs->ck->p;
	struct ipc_rs_state st;

	memset(&st, 0, sizeof(st));
	st.key = rs->key;
	st.up = rs->up;
	st.weight = rs->weight;
	snprintf(st.reason, sizeof(st.reason), "%s", rs->reason);
	if (ipc_send(&p->parent, IPC_RS_STATE, &st, sizeof(st)) == -1)
		log_warnx("cannot queue a real server state");
	/* what did not fit in the socket goes out when it is writable (proc.c's handler flushes) */
	if (ipc_pending(&p->parent))
		ev_io_modify(p->loop, &p->parent_io, EPOLLIN | EPOLLOUT);
	rs->announced = true;
	rs->known = true;
}

void
ck_rs_omega(struct ck_rs *rs)
{
	if (rs->vs == NULL || !rs->vs->omega || !rs->known || !rs->up)
		return;
	rs->up = false;
	ck_fifo_write(rs);
	ck_notify_script(rs);
}

void
ck_rs_update(struct ck_rs *rs, bool force)
{
	const struct ck_check *decider = NULL;
	bool up = true;
	int32_t weight = -1;
	bool changed;

	for (size_t i = 0; i < rs->nchecks; i++) {
		const struct ck_check *c = rs->checks[i];

		if (!c->up && up) {
			up = false;
			decider = c;
		}
		if (c->weight >= 0 && (weight < 0 || c->weight < weight))
			weight = c->weight;
	}
	if (decider == NULL && rs->nchecks > 0) {
		decider = rs->checks[0];
		for (size_t i = 1; i < rs->nchecks; i++)
			if (rs->checks[i]->last_run_ms > decider->last_run_ms)
				decider = rs->checks[i];
	}
	changed = up != rs->up;
	if (!changed && weight == rs->weight && !force)
		return;
	rs->up = up;
	rs->weight = weight;
	if (decider != NULL && decider->result[0] != '\0')
		snprintf(rs->reason, sizeof(rs->reason), "%s", decider->result);
	else
		snprintf(rs->reason, sizeof(rs->reason), "%s", !up ? "not checked yet (alpha)" : rs->nchecks ?
			 "not checked yet" : "no checkers");
	if (changed) {
		char vs[128], a[64];

		rs->last_change_ms = ck_realtime_ms();
		rs->ck->verdict_changes++;
		ck_vs_text(rs, vs, sizeof(vs));
		cfg_format_addr(&rs->key.rs_addr, a, sizeof(a));
		log_info("real server [%s]:%u of %s is %s: %s", a, rs->key.rs_port, vs, up ? "up" : "down", rs->reason);
		ck_fifo_write(rs);
		ck_notify_script(rs);
	}
	/* before the first announcement settles, states that were replayed must not be overwritten */
	if (!rs->ck->settling || changed)
		ck_rs_announce(rs);
	ck_status_dirty(rs->ck);
}

static void
ck_status_due(struct ev_timer *t)
{
	struct ck_state *ck = t->data;

	ck->status_dirty = false;
	proc_send_status(ck->p);
	/* the JSON of thousands of servers was megabytes of small blocks: give them back to the system */
	if (ck->nrs >= 1000)
		malloc_trim(0);
}

void
ck_status_dirty(struct ck_state *ck)
{
	uint64_t delay;

	if (ck->status_dirty)
		return;
	ck->status_dirty = true;
	/* a status of thousands of servers is megabytes of JSON: send it less often as it grows (1 s, plus
	 * 1 ms per real server) */
	delay = (1000 + ck->nrs) * MSEC;
	ev_timer_init(&ck->status_timer, ck_status_due, ck, "checkers status");
	ev_timer_after(ck->p->loop, &ck->status_timer, delay);
}
