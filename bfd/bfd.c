/*
 * The bfd child's events:
 *   - a configuration: sessions kept (same neighbor, port kind and source: timers changed with a Poll),
 *     started, or stopped (with a last AdminDown packet, so the peer does not count a failure);
 *   - a datagram on 3784 or 4784: checked (bfd_packet.c), matched to a session by Your Discriminator or
 *     by its source, its TTL checked, then into the session's state machine (bfd_fsm.c);
 *   - a session's transmit timer and detection timer;
 *   - a state from the parent (what this child said before it restarted): the session takes over where it
 *     was, with the same discriminators, so the peer sees nothing happen;
 *   - a status timer: counters and sessions to the parent when they changed.
 * Each state change goes to the parent as IPC_BFD_STATE, for vrrp's track_bfd and the checkers' BFD_CHECK.
 */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bfd/bfd.h"
#include "bfd/bfd_int.h"
#include "lib/log.h"

#define STATUS_NS (1 * EV_NSEC_PER_SEC)

static uint32_t
rnd32(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)random();
	return r;
}

static uint64_t
realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
status_dirty(struct bfd_ctx *ctx)
{
	ctx->status_dirty = true;
}

static void
report(struct bfd_sess *s)
{
	struct ipc_bfd_state st;

	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "%s", s->cfg.name);
	st.state = s->fsm.state;
	st.diag = s->fsm.local_diag;
	st.since = s->since_ms;
	st.local_disc = s->fsm.local_disc;
	st.remote_disc = s->fsm.remote_disc;
	st.remote_min_rx = s->fsm.remote_min_rx;
	st.remote_desired_tx = s->fsm.remote_desired_tx;
	st.remote_mult = s->fsm.remote_mult;
	if (ipc_send(&s->ctx->p->parent, IPC_BFD_STATE, &st, sizeof(st)) == -1)
		log_warnx("%s: cannot report the state to the parent", s->cfg.name);
}

static void
send_pkt(struct bfd_sess *s, const struct bfd_pkt *pkt)
{
	if (bfd_sock_send(s, pkt) == 0)
		s->tx++;
	/* the counters go to the parent at the next status tick (once a second at most) */
	status_dirty(s->ctx);
}

/* After any input: the timers follow the state machine, and what it asked for is done. */
static void
sess_act(struct bfd_sess *s, unsigned act)
{
	struct ev_loop *loop = s->ctx->p->loop;

	if (act & BFD_ACT_SEND_FINAL) {
		struct bfd_pkt pkt;

		bfd_fsm_packet(&s->fsm, true, &pkt);
		send_pkt(s, &pkt);
		s->finals_sent++;
	}
	if (act & BFD_ACT_STATE) {
		s->since_ms = realtime_ms();
		if (s->fsm.state == BFD_UP)
			s->ups++;
		else if (s->fsm.state == BFD_DOWN)
			s->downs++;
		log_info("%s: %s (%s)", s->cfg.name, bfd_state_name(s->fsm.state), bfd_diag_name(s->fsm.local_diag));
		report(s);
		/* a state change is in the status at once (vipctl, tests); counters wait for the next tick */
		s->ctx->status_dirty = false;
		proc_send_status(s->ctx->p);
	}
	if (s->fsm.tx_at != 0)
		ev_timer_at(loop, &s->tx_timer, s->fsm.tx_at);
	else
		ev_timer_stop(loop, &s->tx_timer);
	if (s->fsm.detect_at != 0)
		ev_timer_at(loop, &s->detect_timer, s->fsm.detect_at);
	else
		ev_timer_stop(loop, &s->detect_timer);
}

static void
tx_due(struct ev_timer *t)
{
	struct bfd_sess *s = t->data;
	struct bfd_pkt pkt;

	if (bfd_fsm_tx(&s->fsm, ev_now(), rnd32(), &pkt))
		send_pkt(s, &pkt);
	sess_act(s, 0);
}

static void
detect_due(struct ev_timer *t)
{
	struct bfd_sess *s = t->data;

	sess_act(s, bfd_fsm_expired(&s->fsm, ev_now()));
}

static bool
same_addr(const struct cfg_addr *a, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return a->family == AF_INET && memcmp(a->addr, &((const struct sockaddr_in *)ss)->sin_addr, 4) == 0;
	if (ss->ss_family == AF_INET6)
		return a->family == AF_INET6 && memcmp(a->addr, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16) == 0;
	return false;
}

static struct bfd_sess *
find_by_peer(struct bfd_ctx *ctx, const struct bfd_rx *rx, const struct sockaddr_storage *src)
{
	for (size_t i = 0; i < ctx->nsess; i++) {
		struct bfd_sess *s = ctx->sess[i];

		if (s->cfg.multihop == (rx->port == BFD_PORT_MULTI) && same_addr(&s->cfg.neighbor, src))
			return s;
	}
	return NULL;
}

static struct bfd_sess *
find_by_disc(struct bfd_ctx *ctx, uint32_t disc)
{
	for (size_t i = 0; i < ctx->nsess; i++)
		if (ctx->sess[i]->fsm.local_disc == disc)
			return ctx->sess[i];
	return NULL;
}

static void
drop(struct bfd_ctx *ctx, struct bfd_sess *s, enum bfd_drop why)
{
	if (s != NULL)
		s->drops[why]++;
	else
		ctx->drops[why]++;
	status_dirty(ctx);
}

void
bfd_packet_in(struct bfd_ctx *ctx, struct bfd_rx *rx, const uint8_t *buf, size_t len,
	      const struct sockaddr_storage *src, int ttl)
{
	struct bfd_sess *s = find_by_peer(ctx, rx, src);
	struct bfd_pkt pkt;
	enum bfd_drop why;

	ctx->rx_total++;
	/* a malformed packet is blamed on the session of its source, if any, for status */
	if ((why = bfd_pkt_decode(buf, len, &pkt)) != BFD_OK)
		return drop(ctx, s, why);
	/* 6.8.6: Your Discriminator selects the session; zero, the source does (RFC 5881 3) */
	if (pkt.your_disc != 0) {
		struct bfd_sess *by = find_by_disc(ctx, pkt.your_disc);

		if (by == NULL)
			return drop(ctx, s, BFD_DROP_NO_SESSION);
		/* the discriminator of one session in packets from another peer: forged, or lost */
		if (by != s)
			return drop(ctx, by, BFD_DROP_UNKNOWN_PEER);
	} else if (s == NULL) {
		return drop(ctx, NULL, BFD_DROP_UNKNOWN_PEER);
	}
	if (!bfd_ttl_ok(ttl, s->cfg.ttl, s->cfg.max_hops))
		return drop(ctx, s, BFD_DROP_TTL);
	s->rx++;
	s->last_rx_ms = realtime_ms();
	status_dirty(ctx);
	sess_act(s, bfd_fsm_rx(&s->fsm, &pkt, ev_now(), rnd32()));
}

/* ---- sessions ---- */

static struct bfd_fsm_params
params_of(const struct cfg_bfd_instance *c)
{
	struct bfd_fsm_params p = { .min_tx_us = c->min_tx_us, .idle_tx_us = c->idle_tx_us, .min_rx_us = c->min_rx_us,
				    .detect_mult = (uint8_t)c->multiplier, .passive = c->passive };

	return p;
}

/* A discriminator no other session has, never 0. */
static uint32_t
new_disc(struct bfd_ctx *ctx)
{
	uint32_t d;

	do
		d = rnd32();
	while (d == 0 || find_by_disc(ctx, d) != NULL);
	return d;
}

static struct bfd_sess *
sess_new(struct bfd_ctx *ctx, const struct cfg_bfd_instance *c)
{
	struct bfd_sess *s = calloc(1, sizeof(*s));
	struct bfd_fsm_params p = params_of(c);

	if (s == NULL)
		return NULL;
	s->ctx = ctx;
	s->cfg = *c;
	s->tx_fd = -1;
	s->since_ms = realtime_ms();
	ev_timer_init(&s->tx_timer, tx_due, s, "bfd tx");
	ev_timer_init(&s->detect_timer, detect_due, s, "bfd detect");
	bfd_fsm_init(&s->fsm, &p, new_disc(ctx), ev_now());
	if (bfd_sock_tx_open(s) == -1)
		log_warnx("%s: %s; trying again at each packet", c->name, s->error);
	return s;
}

static void
sess_free(struct bfd_sess *s)
{
	ev_timer_stop(s->ctx->p->loop, &s->tx_timer);
	ev_timer_stop(s->ctx->p->loop, &s->detect_timer);
	bfd_sock_tx_close(s);
	free(s);
}

/* The peer is told the session goes away on purpose (6.8.16), then it is gone. */
static void
sess_remove(struct bfd_sess *s)
{
	struct bfd_pkt pkt;

	if (s->fsm.state != BFD_ADMIN_DOWN && s->fsm.remote_disc != 0) {
		bfd_fsm_admin(&s->fsm, true, ev_now());
		bfd_fsm_packet(&s->fsm, false, &pkt);
		send_pkt(s, &pkt);
	}
	sess_free(s);
}

/* Whether a running session can take the new configuration without starting again. */
static bool
sess_same_path(const struct bfd_sess *s, const struct cfg_bfd_instance *c)
{
	return memcmp(&s->cfg.neighbor, &c->neighbor, sizeof(c->neighbor)) == 0 &&
	    memcmp(&s->cfg.source, &c->source, sizeof(c->source)) == 0 && s->cfg.multihop == c->multihop &&
	    s->cfg.ttl == c->ttl;
}

static int
bfd_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	struct bfd_ctx *ctx = p->state;
	const struct cfg_bfd_instance *c;
	struct bfd_sess **next;
	size_t n = 0, cap = conf->count[CFG_BFD_INSTANCE];

	(void)old;
	if ((next = calloc(cap ? cap : 1, sizeof(*next))) == NULL)
		return -1;
	for (size_t i = 0; i < ctx->nsess; i++)
		ctx->sess[i]->keep = false;
	CONFIG_FOREACH(conf, CFG_BFD_INSTANCE, const struct cfg_bfd_instance, c) {
		struct bfd_sess *s = NULL;
		bool replaces = false;

		if (c->disabled)
			continue;
		for (size_t i = 0; i < ctx->nsess; i++) {
			if (strcmp(ctx->sess[i]->cfg.name, c->name) != 0)
				continue;
			replaces = true;
			if (s == NULL && !ctx->sess[i]->keep && sess_same_path(ctx->sess[i], c))
				s = ctx->sess[i];
		}
		if (s != NULL) {
			struct bfd_fsm_params np = params_of(c);

			s->keep = true;
			s->cfg = *c;
			bfd_fsm_set_params(&s->fsm, &np, ev_now());
		} else if ((s = sess_new(ctx, c)) == NULL) {
			for (size_t i = 0; i < n; i++)
				if (!next[i]->keep)
					sess_free(next[i]);
			free(next);
			return -1;
		} else if (replaces) {
			/* a new path for a name already reported: what was said of the old one no longer holds */
			report(s);
		}
		/* otherwise a new session is not reported while Down: who tracks it takes an unknown session as
		 * down, and a restarted child must not say Down before the parent has told it the session was Up */
		next[n++] = s;
	}
	for (size_t i = 0; i < ctx->nsess; i++)
		if (!ctx->sess[i]->keep)
			sess_remove(ctx->sess[i]);
	free(ctx->sess);
	ctx->sess = next;
	ctx->nsess = n;
	for (size_t i = 0; i < n; i++) {
		next[i]->keep = false;
		sess_act(next[i], 0);
	}
	bfd_sock_rx_update(ctx);
	status_dirty(ctx);
	return 0;
}

/*
 * What this child reported before it restarted. A session still Down since it started here takes over the
 * old one: the old discriminators, the peer's timers, the old state. If the peer is still there it carries
 * on without a change; if not, the detection time runs out as it would have.
 */
static void
bfd_resume(struct bfd_ctx *ctx, const struct ipc_bfd_state *st)
{
	struct bfd_sess *s = NULL;
	uint64_t now = ev_now();

	for (size_t i = 0; i < ctx->nsess && s == NULL; i++)
		if (strncmp(ctx->sess[i]->cfg.name, st->name, sizeof(st->name)) == 0)
			s = ctx->sess[i];
	if (s == NULL || st->state != BFD_UP)
		return;
	if (s->rx != 0 || s->fsm.state != BFD_DOWN || st->remote_disc == 0 || st->local_disc == 0 ||
	    find_by_disc(ctx, st->local_disc) != NULL || st->remote_mult == 0 || st->remote_mult > 255) {
		/* it cannot carry on: what was remembered as Up is not */
		if (s->fsm.state != BFD_UP)
			report(s);
		return;
	}
	s->fsm.local_disc = st->local_disc;
	s->fsm.remote_disc = st->remote_disc;
	s->fsm.remote_min_rx = st->remote_min_rx;
	s->fsm.remote_desired_tx = st->remote_desired_tx;
	s->fsm.remote_mult = (uint8_t)st->remote_mult;
	s->fsm.remote_state = BFD_UP;
	s->fsm.state = BFD_UP;
	s->fsm.local_diag = (uint8_t)st->diag;
	s->fsm.desired_min_tx = s->fsm.tx_in_use = s->fsm.cfg.min_tx_us;
	s->fsm.required_min_rx = s->fsm.rx_in_use = s->fsm.cfg.min_rx_us;
	s->fsm.detect_at = now + bfd_fsm_detect_time(&s->fsm) * 1000;
	s->fsm.tx_at = now;
	s->since_ms = st->since;
	log_info("%s: resuming Up (remembered by the parent)", s->cfg.name);
	sess_act(s, 0);
	report(s);
	status_dirty(ctx);
}

static void
bfd_dispatch(struct proc *p, const struct ipc_msg *msg)
{
	struct ipc_bfd_state st;

	if (msg->type != IPC_BFD_STATE || msg->len != sizeof(st)) {
		log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
		return;
	}
	memcpy(&st, msg->data, sizeof(st));
	st.name[sizeof(st.name) - 1] = '\0';
	bfd_resume(p->state, &st);
}

/* ---- status ---- */

static struct json_object *
drops_json(const uint64_t *drops)
{
	struct json_object *o = json_object_new_object();

	for (int d = 1; o != NULL && d < BFD_DROP_MAX; d++)
		if (drops[d] != 0)
			json_object_object_add(o, bfd_drop_name((enum bfd_drop)d), json_object_new_int64((int64_t)drops[d]));
	return o;
}

static struct json_object *
sess_json(const struct bfd_sess *s)
{
	const struct bfd_fsm *f = &s->fsm;
	struct json_object *o = json_object_new_object();
	char addr[64];

	if (o == NULL)
		return NULL;
	cfg_format_addr(&s->cfg.neighbor, addr, sizeof(addr));
	json_object_object_add(o, "name", json_object_new_string(s->cfg.name));
	json_object_object_add(o, "neighbor", json_object_new_string(addr));
	json_object_object_add(o, "multihop", json_object_new_boolean(s->cfg.multihop));
	json_object_object_add(o, "source_port", json_object_new_int(s->src_port));
	json_object_object_add(o, "state", json_object_new_string(bfd_state_name(f->state)));
	json_object_object_add(o, "diag", json_object_new_string(bfd_diag_name(f->local_diag)));
	json_object_object_add(o, "remote_state", json_object_new_string(bfd_state_name(f->remote_state)));
	json_object_object_add(o, "remote_diag", json_object_new_string(bfd_diag_name(f->remote_diag)));
	json_object_object_add(o, "local_discriminator", json_object_new_int64(f->local_disc));
	json_object_object_add(o, "remote_discriminator", json_object_new_int64(f->remote_disc));
	json_object_object_add(o, "tx_interval_us", json_object_new_int64(bfd_fsm_tx_interval(f)));
	json_object_object_add(o, "detect_time_us", json_object_new_int64((int64_t)bfd_fsm_detect_time(f)));
	json_object_object_add(o, "desired_min_tx_us", json_object_new_int64(f->desired_min_tx));
	json_object_object_add(o, "required_min_rx_us", json_object_new_int64(f->required_min_rx));
	json_object_object_add(o, "remote_min_rx_us", json_object_new_int64(f->remote_min_rx));
	json_object_object_add(o, "remote_desired_tx_us", json_object_new_int64(f->remote_desired_tx));
	json_object_object_add(o, "remote_multiplier", json_object_new_int(f->remote_mult));
	json_object_object_add(o, "polling", json_object_new_boolean(f->polling));
	json_object_object_add(o, "polls", json_object_new_int64((int64_t)f->polls_done));
	json_object_object_add(o, "since", json_object_new_int64((int64_t)s->since_ms));
	json_object_object_add(o, "last_rx", s->last_rx_ms ? json_object_new_int64((int64_t)s->last_rx_ms) : NULL);
	json_object_object_add(o, "rx", json_object_new_int64((int64_t)s->rx));
	json_object_object_add(o, "tx", json_object_new_int64((int64_t)s->tx));
	json_object_object_add(o, "tx_errors", json_object_new_int64((int64_t)s->tx_errors));
	json_object_object_add(o, "finals_sent", json_object_new_int64((int64_t)s->finals_sent));
	json_object_object_add(o, "ups", json_object_new_int64((int64_t)s->ups));
	json_object_object_add(o, "downs", json_object_new_int64((int64_t)s->downs));
	json_object_object_add(o, "drops", drops_json(s->drops));
	json_object_object_add(o, "error", s->error[0] ? json_object_new_string(s->error) : NULL);
	return o;
}

static void
bfd_status(struct proc *p, struct json_object *out)
{
	struct bfd_ctx *ctx = p->state;
	struct json_object *arr;

	if (ctx == NULL)
		return;
	arr = json_object_new_array();
	for (size_t i = 0; arr != NULL && i < ctx->nsess; i++)
		json_object_array_add(arr, sess_json(ctx->sess[i]));
	json_object_object_add(out, "sessions", arr);
	json_object_object_add(out, "rx", json_object_new_int64((int64_t)ctx->rx_total));
	json_object_object_add(out, "drops", drops_json(ctx->drops));
}

static void
status_tick(struct ev_timer *t)
{
	struct bfd_ctx *ctx = t->data;

	if (ctx->status_dirty) {
		ctx->status_dirty = false;
		proc_send_status(ctx->p);
	}
	ev_timer_after(ctx->p->loop, &ctx->status_timer, STATUS_NS);
}

/* ---- life ---- */

static int
bfd_init(struct proc *p)
{
	struct bfd_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return -1;
	ctx->p = p;
	for (int i = 0; i < 4; i++)
		ctx->rx[i].fd = -1;
	p->state = ctx;
	ev_timer_init(&ctx->status_timer, status_tick, ctx, "bfd status");
	ev_timer_after(p->loop, &ctx->status_timer, STATUS_NS);
	return 0;
}

/* Stopping: a stop of vipd is on purpose, so the peers are told (AdminDown, RFC 5880 6.8.16) rather than
 * left to count a failure when their detection time runs out. */
static void
bfd_shutdown(struct proc *p)
{
	struct bfd_ctx *ctx = p->state;

	if (ctx == NULL)
		return;
	for (size_t i = 0; i < ctx->nsess; i++)
		sess_remove(ctx->sess[i]);
	free(ctx->sess);
	ctx->sess = NULL;
	ctx->nsess = 0;
	bfd_sock_rx_close(ctx);
	ev_timer_stop(p->loop, &ctx->status_timer);
	free(ctx);
	p->state = NULL;
}

const struct proc_ops bfd_proc = {
	.name = "bfd",
	.kind = CHILD_BFD,
	.init = bfd_init,
	.apply = bfd_apply,
	.status = bfd_status,
	.shutdown = bfd_shutdown,
	.dispatch = bfd_dispatch,
};
