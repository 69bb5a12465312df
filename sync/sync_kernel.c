/*
 * Mode kernel: which of the kernel's sync daemons run, decided from the VRRP state and applied over IPVS
 * netlink by closing the difference with what the kernel lists.
 *   - a configuration, a VRRP state, a check timer (every 5 s; every 1 s while something fails): list the
 *     daemons, plan, issue the commands;
 *   - after this child starts a master daemon: the connection table, read from /proc, goes to the sync
 *     group as plain v1 datagrams, so backups get every connection at once instead of as traffic flows;
 *   - leaving mode kernel (reload or vipd's stop): the daemons are stopped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/ip_vs.h>

#include "lib/log.h"
#include "lib/proc.h"
#include "sync/sync_codec.h"
#include "sync/sync_kernel.h"

#define CHECK_EVERY_NS (5 * EV_NSEC_PER_SEC)
#define RETRY_NS (1 * EV_NSEC_PER_SEC)
/* how long a (re)started child waits for the followed instance's state before it assumes backup */
#define GRACE_NS (3 * EV_NSEC_PER_SEC)
#define TICK_NS (10 * EV_NSEC_PER_MSEC)
#define READ_SLICE_NS (20 * EV_NSEC_PER_MSEC)
#define DEFAULT_RESYNC_RATE 200000
#define DEFAULT_PORT 8848
#define DEFAULT_GROUP 0xe0000051u	/* 224.0.0.81 */
#define DEFAULT_MAXLEN 1472
#define SEND_BUF (4 << 20)

/* ---- the decision (pure) ---- */

bool
sync_kernel_conf_get(const struct config *conf, struct sync_kernel_conf *out)
{
	const struct cfg_conn_sync *cs = config_get(conf, CFG_CONN_SYNC, 0);
	const struct cfg_lvs_sync_daemon *sd = &conf->global->lvs_sync_daemon;

	memset(out, 0, sizeof(*out));
	if (cs != NULL) {
		if (cs->mode != SYNC_MODE_KERNEL)
			return false;
		snprintf(out->ifname, sizeof(out->ifname), "%s", cs->interface);
		snprintf(out->instance, sizeof(out->instance), "%s", cs->instance);
		out->role = cs->role;
		out->syncid = cs->syncid;
		out->maxlen = cs->maxlen;
		out->port = cs->port;
		out->ttl = cs->ttl;
		out->group = cs->group;
		out->resync_rate = cs->resync_rate;
		return true;
	}
	if (!sd->enabled)
		return false;
	snprintf(out->ifname, sizeof(out->ifname), "%s", sd->interface);
	snprintf(out->instance, sizeof(out->instance), "%s", sd->instance);
	out->role = SYNC_ROLE_VRRP;
	out->syncid = sd->syncid;
	out->maxlen = sd->maxlen;
	out->port = sd->port;
	out->ttl = sd->ttl;
	out->group = sd->group;
	return true;
}

enum sk_role
sync_kernel_role(const struct sync_kernel_conf *c, int vrrp_state)
{
	if (c->role == SYNC_ROLE_MASTER)
		return SK_ROLE_MASTER;
	if (c->role == SYNC_ROLE_BACKUP)
		return SK_ROLE_BACKUP;
	if (c->instance[0] == '\0')
		return SK_ROLE_BOTH;
	if (vrrp_state < 0)
		return SK_ROLE_UNKNOWN;
	return vrrp_state == VRRP_STATE_MASTER ? SK_ROLE_MASTER : SK_ROLE_BACKUP;
}

const char *
sync_kernel_role_name(enum sk_role role)
{
	switch (role) {
	case SK_ROLE_MASTER:
		return "master";
	case SK_ROLE_BACKUP:
		return "backup";
	case SK_ROLE_BOTH:
		return "both";
	default:
		return "unknown";
	}
}

void
sync_kernel_want(const struct sync_kernel_conf *c, enum sk_role role, struct ipvs_daemon want[SK_NDAEMONS],
		 bool on[SK_NDAEMONS])
{
	for (int slot = 0; slot < SK_NDAEMONS; slot++) {
		struct ipvs_daemon *d = &want[slot];

		memset(d, 0, sizeof(*d));
		d->state = slot == SK_MASTER ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP;
		snprintf(d->ifname, sizeof(d->ifname), "%s", c->ifname);
		d->syncid = c->syncid;
		d->maxlen = (uint16_t)c->maxlen;
		d->port = (uint16_t)c->port;
		d->ttl = (uint8_t)c->ttl;
		if (c->group.family == AF_INET || c->group.family == AF_INET6) {
			d->group_af = c->group.family;
			memcpy(d->group, c->group.addr, c->group.family == AF_INET ? 4 : 16);
		}
	}
	on[SK_MASTER] = role == SK_ROLE_MASTER || role == SK_ROLE_BOTH;
	on[SK_BACKUP] = role == SK_ROLE_BACKUP || role == SK_ROLE_BOTH;
}

/* The kernel clamps an explicit maxlen: a backup's buffer holds at least 1024 bytes, and the datagram
 * fits in an IP packet with its headers. */
static uint16_t
expected_maxlen(const struct ipvs_daemon *want)
{
	unsigned hlen = want->group_af == AF_INET6 ? 40 + 8 : 20 + 8;
	unsigned min = want->state == IP_VS_STATE_BACKUP ? 1024 : 1;
	unsigned v = want->maxlen;

	if (v < min)
		v = min;
	if (v > 65535 - hlen)
		v = 65535 - hlen;
	return (uint16_t)v;
}

/* A field the kernel does not report (an older kernel: 0) matches anything; what was not asked for must
 * be the kernel's default. */
bool
sync_kernel_matches(const struct ipvs_daemon *want, const struct ipvs_daemon *have)
{
	uint16_t port = want->port ? want->port : DEFAULT_PORT;
	uint8_t ttl = want->ttl ? want->ttl : 1;
	uint8_t group[16] = { 0 };
	uint16_t group_af = want->group_af ? want->group_af : AF_INET;

	if (have->state != want->state || strncmp(have->ifname, want->ifname, sizeof(have->ifname)) != 0 ||
	    have->syncid != want->syncid)
		return false;
	if ((have->port && have->port != port) || (have->ttl && have->ttl != ttl))
		return false;
	if (want->group_af) {
		memcpy(group, want->group, sizeof(group));
	} else {
		uint32_t g = htonl(DEFAULT_GROUP);

		memcpy(group, &g, 4);
	}
	if (have->group_af && (have->group_af != group_af ||
			       memcmp(have->group, group, group_af == AF_INET6 ? 16 : 4) != 0))
		return false;
	return !(want->maxlen && have->maxlen && have->maxlen != expected_maxlen(want));
}

static bool
daemon_equal(const struct ipvs_daemon *a, const struct ipvs_daemon *b)
{
	return a->state == b->state && strncmp(a->ifname, b->ifname, sizeof(a->ifname)) == 0 &&
	       a->syncid == b->syncid && a->maxlen == b->maxlen && a->group_af == b->group_af &&
	       memcmp(a->group, b->group, sizeof(a->group)) == 0 && a->port == b->port && a->ttl == b->ttl;
}

static int
slot_of(const struct ipvs_daemon *d)
{
	return d->state == IP_VS_STATE_MASTER ? SK_MASTER : d->state == IP_VS_STATE_BACKUP ? SK_BACKUP : -1;
}

size_t
sync_kernel_plan(const struct ipvs_daemon want[SK_NDAEMONS], const bool on[SK_NDAEMONS],
		 const struct ipvs_daemon *have, size_t nhave, const struct ipvs_daemon *const settled[SK_NDAEMONS],
		 struct sync_kernel_op *ops)
{
	const struct ipvs_daemon *cur[SK_NDAEMONS] = { NULL, NULL };
	bool keep[SK_NDAEMONS];
	size_t n = 0;

	for (size_t i = 0; i < nhave; i++) {
		int slot = slot_of(&have[i]);

		if (slot >= 0 && cur[slot] == NULL)
			cur[slot] = &have[i];
	}
	for (int slot = 0; slot < SK_NDAEMONS; slot++)
		keep[slot] = cur[slot] != NULL && on[slot] &&
			     (sync_kernel_matches(&want[slot], cur[slot]) ||
			      (settled != NULL && settled[slot] != NULL && daemon_equal(settled[slot], cur[slot])));
	for (int slot = 0; slot < SK_NDAEMONS; slot++)
		if (cur[slot] != NULL && !keep[slot])
			ops[n++] = (struct sync_kernel_op){ IPVS_CMD_DEL_DAEMON, slot, *cur[slot] };
	for (int slot = 0; slot < SK_NDAEMONS; slot++)
		if (on[slot] && !keep[slot])
			ops[n++] = (struct sync_kernel_op){ IPVS_CMD_NEW_DAEMON, slot, want[slot] };
	return n;
}

/* ---- the runtime ---- */

static const char *
slot_name(int slot)
{
	return slot == SK_MASTER ? "master" : "backup";
}

static void reconcile(struct sync_kernel *k);

/* Records an error. Each message is logged once until a pass succeeds, so retrying every second does
 * not flood the log. */
static void __attribute__((format(printf, 2, 3)))
error(struct sync_kernel *k, const char *fmt, ...)
{
	char msg[sizeof(k->error)];
	size_t i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->st.errors++;
	memcpy(k->error, msg, sizeof(msg));
	for (i = 0; i < k->nlogged; i++)
		if (strcmp(k->logged[i], msg) == 0)
			return;
	log_warnx("%s%s", msg, k->stopping ? "" : " (retrying every second)");
	if (k->nlogged < SK_LOGGED_MAX)
		memcpy(k->logged[k->nlogged++], msg, sizeof(msg));
}

/* The kernel's refusals in words. */
static const char *
why(int err)
{
	switch (-err) {
	case ENODEV:
		return "no such interface";
	case EEXIST:
		return "a daemon of this kind is running already";
	case ESRCH:
		return "it is not running";
	case EADDRNOTAVAIL:
		return "the interface has no address to send from";
	default:
		return strerror(-err);
	}
}

static bool
nl_ready(struct sync_kernel *k)
{
	char err[160];
	int r;

	if (k->nl_open)
		return true;
	/* modprobe once: a retry every second must not fork it every second */
	r = ipvs_nl_open(&k->nl, !k->modprobed, err, sizeof(err));
	k->modprobed = true;
	if (r < 0) {
		error(k, "IPVS netlink: %s", err);
		return false;
	}
	k->nl_open = true;
	return true;
}

static void
nl_close(struct sync_kernel *k)
{
	if (k->nl_open)
		ipvs_nl_close(&k->nl);
	k->nl_open = false;
}

static bool
list_daemons(struct sync_kernel *k)
{
	struct ipvs_daemon d[SK_NDAEMONS];
	int r;

	memset(d, 0, sizeof(d));
	if ((r = ipvs_get_daemons(&k->nl, d, SK_NDAEMONS)) < 0) {
		error(k, "listing the kernel's sync daemons: %s", strerror(-r));
		nl_close(k);
		return false;
	}
	memcpy(k->have, d, sizeof(d));
	k->nhave = (size_t)r;
	k->listed = true;
	return true;
}

static const struct ipvs_daemon *
have_slot(const struct sync_kernel *k, int slot)
{
	for (size_t i = 0; i < k->nhave; i++)
		if (slot_of(&k->have[i]) == slot)
			return &k->have[i];
	return NULL;
}

static int
run_op(struct sync_kernel *k, const struct sync_kernel_op *op)
{
	bool start = op->cmd == IPVS_CMD_NEW_DAEMON;
	int r;

	k->st.writes++;
	r = ipvs_daemon_cmd(&k->nl, op->cmd, &op->d);
	if (!start && r == -ESRCH)
		r = 0;		/* gone already: what was wanted */
	if (r < 0) {
		error(k, "%s the %s sync daemon on %s: %s", start ? "starting" : "stopping", slot_name(op->slot),
		      op->d.ifname, why(r));
		return -1;
	}
	if (start) {
		k->st.starts++;
		log_info("started the %s sync daemon on %s (syncid %u)", slot_name(op->slot), op->d.ifname,
			 op->d.syncid);
	} else {
		k->st.stops++;
		log_info("stopped the %s sync daemon on %s", slot_name(op->slot), op->d.ifname);
	}
	return 0;
}

/* ---- the table sent after the master daemon starts ---- */

static void
dump_stop(struct sync_kernel *k)
{
	if (k->dumping)
		sync_proc_reader_close(&k->reader);
	k->dumping = false;
	ev_timer_stop(k->p->loop, &k->tick);
}

static void
sender_close(struct sync_kernel *k)
{
	dump_stop(k);
	if (k->sfd != -1)
		close(k->sfd);
	k->sfd = -1;
}

static void
group_of(const struct sync_kernel_conf *c, struct sockaddr_storage *ss, socklen_t *len)
{
	uint16_t port = htons((uint16_t)(c->port ? c->port : DEFAULT_PORT));

	memset(ss, 0, sizeof(*ss));
	if (c->group.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		memcpy(&s6->sin6_addr, c->group.addr, 16);
		s6->sin6_scope_id = if_nametoindex(c->ifname);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = port;
		if (c->group.family == AF_INET)
			memcpy(&s4->sin_addr, c->group.addr, 4);
		else
			s4->sin_addr.s_addr = htonl(DEFAULT_GROUP);
		*len = sizeof(*s4);
	}
}

/* A socket that multicasts on the sync interface only, never to itself. */
static int
sender_open(struct sync_kernel *k)
{
	const struct sync_kernel_conf *c = &k->conf;
	bool v6 = c->group.family == AF_INET6;
	int fd, ttl = c->ttl ? (int)c->ttl : 1, off = 0, size = SEND_BUF;
	unsigned ifindex = if_nametoindex(c->ifname);
	int r;

	if (ifindex == 0) {
		log_warn("the table is not sent: interface %s", c->ifname);
		return -1;
	}
	if ((fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("the table is not sent: socket");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	r = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->ifname, (socklen_t)strlen(c->ifname));
	if (v6) {
		int idx = (int)ifindex;

		r = r ?: setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
		r = r ?: setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
		r = r ?: setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
	} else {
		struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };

		r = r ?: setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		r = r ?: setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		r = r ?: setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off));
	}
	if (r != 0) {
		log_warn("the table is not sent: options of the socket on %s", c->ifname);
		close(fd);
		return -1;
	}
	return fd;
}

/* The datagram size of the running master daemon, so the backups' buffers (sized alike) hold it. */
static size_t
dump_maxlen(const struct sync_kernel *k)
{
	const struct ipvs_daemon *m = have_slot(k, SK_MASTER);

	if (m != NULL && m->maxlen)
		return m->maxlen;
	return k->conf.maxlen ? k->conf.maxlen : DEFAULT_MAXLEN;
}

static void
dump_flush(struct sync_kernel *k)
{
	struct sockaddr_storage to;
	socklen_t tolen;
	unsigned n = k->enc.nr;
	size_t len = sync_enc_finish(&k->enc);

	if (len > 0) {
		group_of(&k->conf, &to, &tolen);
		if (sendto(k->sfd, k->buf, len, 0, (struct sockaddr *)&to, tolen) == (ssize_t)len) {
			k->st.datagrams_out++;
			k->st.resync_records += n;
			k->dump_sent += n;
		} else {
			k->st.send_errors++;
		}
	}
	sync_enc_init(&k->enc, k->buf, dump_maxlen(k), (uint8_t)k->conf.syncid);
}

static void
dump_conn(const struct sync_conn *c, void *arg)
{
	struct sync_kernel *k = arg;

	if (sync_enc_add(&k->enc, c) == 1) {
		dump_flush(k);
		(void)sync_enc_add(&k->enc, c);
	}
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * EV_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * Reads and sends about budget connections, a page at a time, for at most READ_SLICE_NS: each page of a
 * big table costs the kernel a walk of its hash, and the loop has other things to do.
 */
static void
dump_some(struct sync_kernel *k, uint64_t budget)
{
	uint64_t goal = k->dump_sent + budget, until = mono_ns() + READ_SLICE_NS;
	int r = 0;

	while (k->dump_sent + k->enc.nr < goal && mono_ns() < until &&
	       (r = sync_proc_reader_step(&k->reader, 1, dump_conn, k)) == 0)
		;
	if (r == 0)
		return;
	dump_flush(k);
	if (r == -1)
		log_warn("the table was cut short: reading /proc/net/ip_vs_conn");
	else
		log_info("sent the table to the backups: %" PRIu64 " records (%" PRIu64 " skipped) in %" PRIu64 " ms",
			 k->dump_sent, k->reader.skipped, (uint64_t)((ev_now() - k->dump_started) / EV_NSEC_PER_MSEC));
	k->st.resyncs_sent += r == 1;
	dump_stop(k);
	proc_send_status(k->p);
}

static void
tick_due(struct ev_timer *t)
{
	struct sync_kernel *k = t->data;
	uint64_t rate = k->conf.resync_rate ? k->conf.resync_rate : DEFAULT_RESYNC_RATE;

	if (!k->dumping)
		return;
	dump_some(k, rate * TICK_NS / EV_NSEC_PER_SEC + 1);
	if (k->dumping)
		ev_timer_after(k->p->loop, &k->tick, TICK_NS);
}

/*
 * A master daemon was just started: the kernel sends a connection only when packets of it pass, so an
 * idle connection would reach a backup that started later (or lost datagrams) only when it next moves.
 * Sending what the table holds closes that gap at once.
 */
static void
dump_start(struct sync_kernel *k)
{
	dump_stop(k);
	if (k->sfd == -1 && (k->sfd = sender_open(k)) == -1)
		return;
	if (sync_proc_reader_open(&k->reader, "/proc/net/ip_vs_conn", "/proc/net/ip_vs") == -1) {
		log_warn("the table is not sent: /proc/net/ip_vs_conn");
		return;
	}
	sync_enc_init(&k->enc, k->buf, dump_maxlen(k), (uint8_t)k->conf.syncid);
	k->dumping = true;
	k->dump_sent = 0;
	k->dump_started = ev_now();
	tick_due(&k->tick);
}

/* ---- reconciling ---- */

static void
set_role(struct sync_kernel *k, enum sk_role role)
{
	if (role == k->role)
		return;
	log_info("role %s -> %s", sync_kernel_role_name(k->role), sync_kernel_role_name(role));
	if (k->role != SK_ROLE_UNKNOWN)
		k->st.role_changes++;
	k->role = role;
	if (role != SK_ROLE_MASTER && role != SK_ROLE_BOTH)
		dump_stop(k);
}

/* After this child started a daemon: if the kernel shows it otherwise than asked, that is what the
 * kernel makes of the request, and it is accepted as it is rather than restarted again and again. */
static void
settle(struct sync_kernel *k, const struct sync_kernel_op *op)
{
	const struct ipvs_daemon *h = have_slot(k, op->slot);

	if (h == NULL || sync_kernel_matches(&op->d, h))
		return;
	log_warnx("the kernel runs the %s sync daemon with other parameters than asked (maxlen %u, port %u, ttl %u);"
		  " kept as it is", slot_name(op->slot), h->maxlen, h->port, h->ttl);
	k->settled[op->slot] = *h;
	k->settled_for[op->slot] = op->d;
	k->has_settled[op->slot] = true;
}

static void
reconcile(struct sync_kernel *k)
{
	struct ipvs_daemon want[SK_NDAEMONS];
	const struct ipvs_daemon *settled[SK_NDAEMONS];
	struct sync_kernel_op ops[SK_MAX_OPS];
	bool on[SK_NDAEMONS], started[SK_MAX_OPS] = { false }, stop_failed[SK_NDAEMONS] = { false, false };
	bool failed = false, master_started = false;
	uint64_t writes = k->st.writes;
	size_t n;

	ev_timer_stop(k->p->loop, &k->check);
	k->st.checks++;
	if (!nl_ready(k) || !list_daemons(k)) {
		failed = true;
		goto out;
	}
	if (k->role == SK_ROLE_UNKNOWN)
		goto out;
	sync_kernel_want(&k->conf, k->role, want, on);
	for (int slot = 0; slot < SK_NDAEMONS; slot++)
		settled[slot] = k->has_settled[slot] && daemon_equal(&k->settled_for[slot], &want[slot]) ?
				&k->settled[slot] : NULL;
	n = sync_kernel_plan(want, on, k->have, k->nhave, settled, ops);
	for (size_t i = 0; i < n; i++) {
		/* a daemon that did not stop cannot be started again with other parameters */
		if (ops[i].cmd == IPVS_CMD_NEW_DAEMON && stop_failed[ops[i].slot])
			continue;
		if (run_op(k, &ops[i]) == -1) {
			failed = true;
			if (ops[i].cmd == IPVS_CMD_DEL_DAEMON)
				stop_failed[ops[i].slot] = true;
			continue;
		}
		started[i] = ops[i].cmd == IPVS_CMD_NEW_DAEMON;
		master_started |= started[i] && ops[i].slot == SK_MASTER;
	}
	if (n > 0 && !list_daemons(k))
		failed = true;
	else
		for (size_t i = 0; i < n; i++)
			if (started[i])
				settle(k, &ops[i]);
	if (master_started)
		dump_start(k);
out:
	k->failing = failed;
	if (!failed)
		k->nlogged = 0;
	ev_timer_after(k->p->loop, &k->check, failed ? RETRY_NS : CHECK_EVERY_NS);
	if (failed || k->st.writes != writes)
		proc_send_status(k->p);
}

static void
check_due(struct ev_timer *t)
{
	reconcile(t->data);
}

static void
grace_due(struct ev_timer *t)
{
	struct sync_kernel *k = t->data;

	if (k->role != SK_ROLE_UNKNOWN)
		return;
	log_info("no state of %s yet: backup until it comes", k->conf.instance);
	set_role(k, SK_ROLE_BACKUP);
	reconcile(k);
}

void
sync_kernel_init(struct sync_kernel *k, struct proc *p)
{
	memset(k, 0, sizeof(*k));
	k->p = p;
	k->nl.fd = -1;
	k->sfd = -1;
	k->reader.fd = -1;
	ev_timer_init(&k->check, check_due, k, "sync kernel check");
	ev_timer_init(&k->grace, grace_due, k, "sync vrrp wait");
	ev_timer_init(&k->tick, tick_due, k, "sync kernel table");
}

void
sync_kernel_apply(struct sync_kernel *k, const struct sync_kernel_conf *c, int vrrp_state)
{
	enum sk_role role = sync_kernel_role(c, vrrp_state);

	if (k->active && memcmp(&k->conf, c, sizeof(*c)) != 0) {
		/* new parameters: the table's socket and what the kernel made of the old ones go */
		sender_close(k);
		memset(k->has_settled, 0, sizeof(k->has_settled));
	}
	k->conf = *c;
	k->active = true;
	set_role(k, role);
	if (role != SK_ROLE_UNKNOWN)
		ev_timer_stop(k->p->loop, &k->grace);
	else if (!ev_timer_pending(&k->grace))
		/* until then nothing is touched: the parent replays the last state right after the configuration */
		ev_timer_after(k->p->loop, &k->grace, GRACE_NS);
	log_info("mode kernel on %s, %s%s, role %s", c->ifname, c->instance[0] ? "following " : "no vrrp_instance",
		 c->instance, sync_kernel_role_name(k->role));
	reconcile(k);
}

void
sync_kernel_vrrp(struct sync_kernel *k, const char *instance, int state)
{
	enum sk_role role;

	if (!k->active || k->conf.role != SYNC_ROLE_VRRP || k->conf.instance[0] == '\0' ||
	    strncmp(instance, k->conf.instance, CFG_NAME_MAX) != 0)
		return;
	role = sync_kernel_role(&k->conf, state);
	ev_timer_stop(k->p->loop, &k->grace);
	if (role == k->role)
		return;
	set_role(k, role);
	reconcile(k);
	proc_send_status(k->p);
}

void
sync_kernel_stop(struct sync_kernel *k)
{
	if (!k->active)
		return;
	k->stopping = true;
	ev_timer_stop(k->p->loop, &k->check);
	ev_timer_stop(k->p->loop, &k->grace);
	sender_close(k);
	/* every daemon listed is this child's: mode kernel adopted or started each of them */
	if (nl_ready(k) && list_daemons(k)) {
		struct ipvs_daemon have[SK_NDAEMONS];
		size_t n = k->nhave;

		memcpy(have, k->have, sizeof(have));
		for (size_t i = 0; i < n; i++) {
			struct sync_kernel_op op = { IPVS_CMD_DEL_DAEMON, slot_of(&have[i]), have[i] };

			if (op.slot >= 0)
				(void)run_op(k, &op);
		}
	}
	nl_close(k);
	k->stopping = false;
	k->active = false;
	k->listed = false;
	k->nhave = 0;
	k->role = SK_ROLE_UNKNOWN;
	memset(k->has_settled, 0, sizeof(k->has_settled));
}

/* ---- status ---- */

static void
add_u64(struct json_object *o, const char *name, uint64_t v)
{
	json_object_object_add(o, name, json_object_new_int64((int64_t)v));
}

static struct json_object *
daemon_json(const struct ipvs_daemon *d)
{
	struct json_object *o = json_object_new_object();
	char group[INET6_ADDRSTRLEN] = "";

	if (o == NULL)
		return NULL;
	if (d->group_af)
		inet_ntop(d->group_af, d->group, group, sizeof(group));
	json_object_object_add(o, "state", json_object_new_string(slot_of(d) == SK_MASTER ? "master" :
								  slot_of(d) == SK_BACKUP ? "backup" : "?"));
	json_object_object_add(o, "interface", json_object_new_string(d->ifname));
	add_u64(o, "syncid", d->syncid);
	add_u64(o, "maxlen", d->maxlen);
	add_u64(o, "port", d->port);
	add_u64(o, "ttl", d->ttl);
	json_object_object_add(o, "group", json_object_new_string(group));
	return o;
}

/* The kernel's daemons are what the role wants (as of the last listing). */
static bool
in_place(const struct sync_kernel *k)
{
	struct ipvs_daemon want[SK_NDAEMONS];
	const struct ipvs_daemon *settled[SK_NDAEMONS];
	struct sync_kernel_op ops[SK_MAX_OPS];
	bool on[SK_NDAEMONS];

	if (!k->listed || k->role == SK_ROLE_UNKNOWN)
		return false;
	sync_kernel_want(&k->conf, k->role, want, on);
	for (int slot = 0; slot < SK_NDAEMONS; slot++)
		settled[slot] = k->has_settled[slot] && daemon_equal(&k->settled_for[slot], &want[slot]) ?
				&k->settled[slot] : NULL;
	return sync_kernel_plan(want, on, k->have, k->nhave, settled, ops) == 0;
}

void
sync_kernel_status(struct sync_kernel *k, struct json_object *out)
{
	const struct sync_kernel_stats *st = &k->st;
	struct json_object *list = json_object_new_array();

	json_object_object_add(out, "mode", json_object_new_string("kernel"));
	json_object_object_add(out, "interface", json_object_new_string(k->conf.ifname));
	if (k->conf.instance[0])
		json_object_object_add(out, "vrrp_instance", json_object_new_string(k->conf.instance));
	json_object_object_add(out, "role", json_object_new_string(sync_kernel_role_name(k->role)));
	json_object_object_add(out, "in_place", json_object_new_boolean(in_place(k)));
	if (list != NULL) {
		for (size_t i = 0; i < k->nhave; i++)
			json_object_array_add(list, daemon_json(&k->have[i]));
		json_object_object_add(out, "daemons", list);
	}
	if (k->failing)
		json_object_object_add(out, "error", json_object_new_string(k->error));
	if (k->error[0])
		json_object_object_add(out, "last_error", json_object_new_string(k->error));
	add_u64(out, "starts", st->starts);
	add_u64(out, "stops", st->stops);
	add_u64(out, "errors", st->errors);
	add_u64(out, "netlink_writes", st->writes);
	add_u64(out, "checks", st->checks);
	add_u64(out, "role_changes", st->role_changes);
	add_u64(out, "resyncs_sent", st->resyncs_sent);
	add_u64(out, "resync_records", st->resync_records);
	add_u64(out, "datagrams_out", st->datagrams_out);
	add_u64(out, "send_errors", st->send_errors);
}

uint64_t
sync_kernel_sum(const struct sync_kernel *k)
{
	const struct sync_kernel_stats *st = &k->st;
	/* the periodic check alone is no news */
	uint64_t sum = st->starts + 3 * st->stops + 5 * st->errors + 7 * st->writes + 11 * st->role_changes +
		       13 * st->resyncs_sent + 17 * st->resync_records + 19 * st->datagrams_out + 23 * st->send_errors;
	const uint8_t *b = (const uint8_t *)k->have;

	sum += (uint64_t)k->role * 29 + (uint64_t)k->failing * 31 + k->nhave * 37;
	for (size_t i = 0; i < sizeof(k->have); i++)
		sum = sum * 131 + b[i];
	return sum;
}
