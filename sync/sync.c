/*
 * The sync child's events.
 *
 * Mode relay: the kernel's own sync daemons stay the ones that read and install connections, on the
 * kernel end of a private veth pair; this child stands between that pair and the network.
 *   - the VRRP state of the configured instance (or a fixed role) arrives: become master or backup;
 *   - master: a datagram from the kernel master -> check it -> to the peers (plain v1, or a DATA frame);
 *   - backup: a datagram or DATA frame from a peer -> check it -> into the local kernel backup;
 *   - frames between vipds: HELLO (epochs and challenges), NACK (retransmit), RESYNC (send the table);
 *   - a tick: NACKs for gaps, giving up on gaps (then a resync request), sending the table a budget at a
 *     time, repeating an unanswered resync request;
 *   - a status timer: counters to the parent when they changed.
 * Mode kernel (keepalived's lvs_sync_daemon) is sync_kernel.c: this file hands it the configuration, the
 * VRRP states and the status requests.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>

#include "lib/log.h"
#include "sync/sync.h"
#include "sync/sync_cache.h"
#include "sync/sync_pace.h"
#include "sync/sync_codec.h"
#include "sync/sync_kernel.h"
#include "sync/sync_relay.h"
#include "sync/sync_resync.h"
#include "sync/sync_secure.h"

#define TICK_NS (10 * EV_NSEC_PER_MSEC)
#define NACK_INTERVAL_NS (20 * EV_NSEC_PER_MSEC)
#define NACK_ROUNDS 5
#define CHALLENGE_INTERVAL_NS (200 * EV_NSEC_PER_MSEC)
#define RESYNC_RETRY_NS (1000 * EV_NSEC_PER_MSEC)
#define RESYNC_TRIES 5
#define REOPEN_NS (1000 * EV_NSEC_PER_MSEC)
#define RING_SLOTS 4096
#define RING_SLOT_SIZE 2048
#define MAX_PEERS 16
#define MAX_INSTANCES 32
#define DEFAULT_MAXLEN 1472
#define DEFAULT_RESYNC_RATE 200000
#define RECV_BUF 65536
#define CACHE_MAX (4u << 20)		/* connections remembered; ~500 MB at most */
#define LOAD_SLICE_NS (5 * EV_NSEC_PER_MSEC)	/* reading /proc per tick, at most */
#define EXPIRE_BUDGET 4096		/* cache entries looked at per tick */
#define PACE_QUEUE (32u << 20)		/* bytes waiting for the kernel backup, at most */
#define PACE_LOOK_NS (2 * EV_NSEC_PER_MSEC)	/* how often the kernel's queue is read while datagrams wait */
#define RECV_BATCH 64			/* datagrams read per wakeup, so pacing and NACKs run during a burst */
/* The table goes out a slice every DUMP_TICK_NS, of what the rate allows since the last one, but never more
 * than DUMP_BURST_NS of it at once (about 110 datagrams at the default rate): a late timer must not turn
 * into a burst near net.core.netdev_max_backlog (1000 packets), where a virtual link drops silently. */
#define DUMP_TICK_NS (2 * EV_NSEC_PER_MSEC)
#define DUMP_BURST_NS (20 * EV_NSEC_PER_MSEC)

/* Why something received was not passed on. */
enum drop {
	DROP_CODEC = 0,				/* + enum sync_err: a malformed v1 datagram */
	DROP_FRAME = DROP_CODEC + SYNC_ERR_MAX,	/* + enum sync_frame_err: a malformed or forged frame */
	DROP_TRUNCATED = DROP_FRAME + SYNC_F_ERR_MAX,
	DROP_SYNCID,
	DROP_UNAUTHENTICATED,	/* plain v1 from the network in secure framing */
	DROP_UNEXPECTED,	/* a DATA frame in compat framing */
	DROP_UNVERIFIED,	/* DATA from a peer whose epoch is not trusted yet */
	DROP_REPLAY,
	DROP_OLD_EPOCH,
	DROP_NOT_MASTER,	/* from the kernel master while backup */
	DROP_NOT_BACKUP,	/* from a peer while master */
	DROP_NACK_EPOCH,	/* a NACK about another epoch */
	DROP_PEERS_FULL,
	DROP_MAX
};

static const char *
drop_name(unsigned d)
{
	static const char *const names[] = {
		[DROP_TRUNCATED] = "truncated", [DROP_SYNCID] = "syncid", [DROP_UNAUTHENTICATED] = "unauthenticated",
		[DROP_UNEXPECTED] = "unexpected_frame", [DROP_UNVERIFIED] = "unverified", [DROP_REPLAY] = "replay",
		[DROP_OLD_EPOCH] = "old_epoch", [DROP_NOT_MASTER] = "not_master", [DROP_NOT_BACKUP] = "not_backup",
		[DROP_NACK_EPOCH] = "nack_epoch", [DROP_PEERS_FULL] = "peers_full",
	};

	if (d < DROP_FRAME)
		return sync_err_name((enum sync_err)(d - DROP_CODEC));
	if (d < DROP_TRUNCATED)
		return sync_frame_err_name((enum sync_frame_err)(d - DROP_FRAME));
	return names[d];
}

struct sync_stats {
	uint64_t kernel_in, net_in, net_out, injected, records_in, records_out, records_skipped;
	uint64_t retransmits, nack_expired, nacks_sent, nacks_received, lost;
	uint64_t resync_requests_sent, resync_requests_received, resyncs_sent, resync_records;
	uint64_t hellos_sent, hellos_received, send_errors, role_changes;
	uint64_t table_loaded;		/* connections read from /proc at the start */
	uint64_t kernel_drops;		/* datagrams the kernel backup's socket dropped since the relay opened */
	uint64_t drops[DROP_MAX];
};

struct sync_peer {
	struct sockaddr_in addr;
	struct sync_rx rx;
	uint64_t last_seen, last_challenge;
};

struct sync_state {
	struct proc *p;
	struct cfg_conn_sync cs;	/* a copy: configurations are freed on reload */
	bool relay;			/* mode relay configured */
	bool open;			/* its sockets are open */
	char error[128];		/* why they are not */
	int role;			/* SYNC_ROLE_MASTER or SYNC_ROLE_BACKUP (SYNC_ROLE_VRRP: not known yet) */
	struct {
		char instance[CFG_NAME_MAX];
		int32_t state;
	} vrrp[MAX_INSTANCES];		/* the last state of each instance seen, whatever the configuration */
	size_t nvrrp;
	bool secure;
	struct sync_mac *mac;		/* the auth_key, prepared (secure framing; NULL in compat) */
	struct sync_relay r;
	struct ev_io kio, nio;
	struct ev_timer tick, status, reopen, pace_timer, dump_timer;
	struct sync_tx tx;
	uint64_t hello_nonce;		/* the challenge multicast with our HELLO */
	struct sync_peer peers[MAX_PEERS];
	size_t npeers;
	/* the connection table as heard (relay mode), filled once from /proc at the start */
	struct sync_cache cache;
	struct sync_proc_reader loader;
	bool loading, loaded;
	uint64_t load_started;
	/* the table being sent */
	struct sync_cache_walk walk;
	bool dumping, dump_again, dump_waiting;
	uint64_t dump_started;
	uint64_t dump_sent_until;	/* the rate's credit is spent up to this time */
	/* what goes to the kernel backup, at the pace it takes it */
	struct sync_pace pace;
	bool pace_dirty;		/* sent since the kernel's queue was last read */
	uint64_t waited_mark;		/* pace.waited when its queue was last empty */
	uint64_t heard_at;		/* now, for the records of the datagram being read */
	bool kdrops_known;
	uint64_t kdrops_base;
	/* a resync we asked for */
	bool awaiting;
	unsigned resync_tries;
	uint64_t resync_asked, last_resync_request;
	struct sync_stats st;
	uint64_t reported;		/* a sum of the counters when status was last sent */
	struct sync_kernel kern;	/* mode kernel */
	uint8_t in[RECV_BUF];
	uint8_t out[RECV_BUF + SYNC_FRAME_OVERHEAD];
};

static uint64_t
random64(void)
{
	uint64_t v = 0;

	while (v == 0)
		if (getrandom(&v, sizeof(v), 0) != sizeof(v))
			v = ev_now() ^ (uint64_t)rand();
	return v;
}

static uint64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * EV_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static size_t
maxlen(const struct sync_state *s)
{
	size_t m = s->cs.maxlen ? s->cs.maxlen : DEFAULT_MAXLEN;

	/* the frame around a datagram must still fit */
	return s->secure ? m - SYNC_FRAME_OVERHEAD : m;
}

static void
count_send(struct sync_state *s, int failed)
{
	if (failed)
		s->st.send_errors += (uint64_t)failed;
	else
		s->st.net_out++;
}

/* A control frame (never DATA) to one peer, or to all when to is NULL. */
static void
send_control(struct sync_state *s, const struct sockaddr_in *to, uint8_t type, const void *payload, size_t plen)
{
	uint8_t frame[SYNC_FRAME_OVERHEAD + 8 + 8 * SYNC_NACK_MAX];
	size_t len = sync_frame_build_mac(frame, sizeof(frame), type, s->tx.epoch, 0, payload, plen, s->mac);

	if (len == 0)
		return;
	count_send(s, to ? sync_relay_send_to(&s->r, to, frame, len) == -1 : sync_relay_send_peers(&s->r, frame, len));
}

static void
send_hello(struct sync_state *s, const struct sockaddr_in *to, uint64_t nonce, uint64_t echo)
{
	uint8_t p[SYNC_HELLO_LEN];
	struct sync_hello h = { .nonce = nonce, .echo = echo, .next_seq = s->tx.next_seq };

	sync_hello_put(p, &h);
	send_control(s, to, SYNC_FT_HELLO, p, sizeof(p));
	s->st.hellos_sent++;
}

static void
request_resync(struct sync_state *s)
{
	uint64_t now = ev_now();

	if (now - s->last_resync_request < RESYNC_RETRY_NS / 2)
		return;
	s->last_resync_request = now;
	send_control(s, NULL, SYNC_FT_RESYNC, NULL, 0);
	s->st.resync_requests_sent++;
	s->awaiting = true;
	s->resync_asked = now;
}

/* One v1 datagram to the peers: as it is (compat), or as the next DATA frame, kept for retransmission. */
static void
send_datagram(struct sync_state *s, const uint8_t *dgram, size_t len)
{
	struct sync_tx_slot *slot;
	size_t flen;

	if (!s->secure) {
		count_send(s, sync_relay_send_peers(&s->r, dgram, len));
		return;
	}
	if (s->tx.nslots == 0 && sync_tx_init(&s->tx, s->tx.epoch, RING_SLOTS, RING_SLOT_SIZE) == -1) {
		log_warnx("out of memory for the retransmit ring; datagram not sent");
		s->st.send_errors++;
		s->tx = (struct sync_tx){ .epoch = s->tx.epoch, .next_seq = 1 };
		return;
	}
	slot = sync_tx_next(&s->tx);
	flen = sync_frame_build_mac(slot->frame, s->tx.slot_size, SYNC_FT_DATA, s->tx.epoch, slot->seq, dgram, len,
				    s->mac);
	if (flen == 0) {
		/* larger than a ring slot: sent, but it cannot be retransmitted */
		flen = sync_frame_build_mac(s->out, sizeof(s->out), SYNC_FT_DATA, s->tx.epoch, slot->seq, dgram,
					    len, s->mac);
		if (flen > 0)
			count_send(s, sync_relay_send_peers(&s->r, s->out, flen));
		return;
	}
	slot->len = flen;
	count_send(s, sync_relay_send_peers(&s->r, slot->frame, flen));
}

static void table_heard(struct sync_state *s, const uint8_t *dgram, size_t len);
static void table_load_superseded(struct sync_state *s);

static void
to_kernel(struct sync_state *s, const uint8_t *dgram, size_t len)
{
	s->pace_dirty = true;
	if (sync_relay_inject(&s->r, dgram, len) == -1)
		s->st.send_errors++;
	else
		s->st.injected++;
}

/* The kernel backup's socket as it is now: room for more, and whether it dropped anything. */
static void
pace_look(struct sync_state *s)
{
	uint64_t rxq, drops;
	size_t len;
	char *udp = sync_read_file("/proc/net/udp", &len);

	s->pace_dirty = false;
	if (udp == NULL || !sync_pace_parse_udp(udp, ntohs(s->r.kernel_backup.sin_port), &rxq, &drops)) {
		/* no kernel backup daemon listening: what is sent now is lost anyway, do not hold it */
		free(udp);
		sync_pace_look(&s->pace, 0);
		return;
	}
	free(udp);
	sync_pace_look(&s->pace, rxq);
	if (!s->kdrops_known) {
		s->kdrops_known = true;
		s->kdrops_base = drops;
	} else if (drops - s->kdrops_base > s->st.kernel_drops) {
		log_warnx("the kernel backup's socket dropped %" PRIu64 " datagrams: asking for the table again",
			  drops - s->kdrops_base - s->st.kernel_drops);
		s->st.kernel_drops = drops - s->kdrops_base;
		if (s->role == SYNC_ROLE_BACKUP)
			request_resync(s);
	}
}

/* Sends what waited, as far as the kernel's queue allows. */
static void
pace_drain(struct sync_state *s)
{
	size_t len;

	if (s->pace.queued == 0 && !s->pace_dirty)
		return;
	pace_look(s);
	while (sync_pace_peek(&s->pace, s->in, sizeof(s->in), &len)) {
		sync_pace_pop(&s->pace);
		to_kernel(s, s->in, len);
	}
	if (s->pace.queued == 0 && s->pace.waited - s->waited_mark >= 100)
		log_info("injection: the kernel backup took the last of %" PRIu64 " datagrams that waited",
			 s->pace.waited - s->waited_mark);
	if (s->pace.queued == 0)
		s->waited_mark = s->pace.waited;
	else if (!ev_timer_pending(&s->pace_timer))
		ev_timer_after(s->p->loop, &s->pace_timer, PACE_LOOK_NS);
}

static void
pace_timer(struct ev_timer *t)
{
	pace_drain(t->data);
}

static void
drop(struct sync_state *s, unsigned reason)
{
	s->st.drops[reason]++;
}

/* A v1 datagram from a peer, authenticated or not by now: check it, hand it to the kernel backup. */
static void
inject(struct sync_state *s, const uint8_t *dgram, size_t len)
{
	struct sync_hdr h;
	struct sync_decode_stats ds;
	enum sync_err e = sync_decode(dgram, len, &h, NULL, NULL, &ds);

	if (e != SYNC_OK) {
		drop(s, DROP_CODEC + e);
		return;
	}
	if (s->cs.syncid != 0 && h.syncid != s->cs.syncid) {
		drop(s, DROP_SYNCID);
		return;
	}
	for (unsigned i = SYNC_FIRST_SKIP; i < SYNC_ERR_MAX; i++)
		s->st.records_skipped += ds.skipped[i];
	s->st.records_in += ds.accepted;
	if (s->awaiting) {
		log_info("resync: records arriving %" PRIu64 " ms after asking",
			 (uint64_t)((ev_now() - s->resync_asked) / EV_NSEC_PER_MSEC));
		table_load_superseded(s);
	}
	s->awaiting = false;
	table_heard(s, dgram, len);
	/* what does not fit the kernel's queue now waits (a full wait queue is counted in sync_pace_push) */
	if (sync_pace_may_send(&s->pace, len))
		to_kernel(s, dgram, len);
	else if (sync_pace_push(&s->pace, dgram, len) == 0 && !ev_timer_pending(&s->pace_timer))
		ev_timer_after(s->p->loop, &s->pace_timer, PACE_LOOK_NS);
}

/* ---- the table ---- */

static void
cache_record(const struct sync_conn *c, void *arg)
{
	struct sync_state *s = arg;

	if (sync_cache_put(&s->cache, c, s->heard_at, true) == -1)
		log_warn("cannot remember a connection");
}

static void
cache_loaded(const struct sync_conn *c, void *arg)
{
	struct sync_state *s = arg;

	/* what was heard since the start is newer than what /proc showed */
	if (sync_cache_put(&s->cache, c, ev_now(), false) == -1)
		log_warn("cannot remember a connection");
	s->st.table_loaded++;
}

/* A checked v1 datagram that passed through: its records are the newest news of their connections. */
static void
table_heard(struct sync_state *s, const uint8_t *dgram, size_t len)
{
	struct sync_hdr h;
	struct sync_decode_stats ds;

	s->heard_at = ev_now();
	sync_decode(dgram, len, &h, cache_record, s, &ds);
}

static void
table_forget(struct sync_state *s)
{
	if (s->loading)
		sync_proc_reader_close(&s->loader);
	s->loading = s->loaded = false;
	sync_cache_free(&s->cache);
}

/* The connections the kernel held before this child heard of them: read once, a slice per tick. */
static void
table_load_start(struct sync_state *s)
{
	if (s->loading || s->loaded)
		return;
	if (sync_proc_reader_open(&s->loader, "/proc/net/ip_vs_conn", "/proc/net/ip_vs") == -1) {
		/* no IPVS in the kernel yet: then it holds no connection either */
		log_warn("cannot read /proc/net/ip_vs_conn; the table starts empty");
		s->loaded = true;
		return;
	}
	s->loading = true;
	s->load_started = ev_now();
}

static void dump_start(struct sync_state *s);

/*
 * A backup whose master answers its resync: the master's table holds every connection this kernel got from
 * sync, so reading /proc further only costs. And it costs much: each read walks the kernel's connection hash
 * from its start (every namespace's entries), and the table grows with what the resync injects, so a read
 * that is still going on then turns quadratic in the size of the table (seconds of CPU for 100,000).
 */
static void
table_load_superseded(struct sync_state *s)
{
	if (!s->loading || s->role != SYNC_ROLE_BACKUP)
		return;
	log_info("table: the master's table replaces /proc/net/ip_vs_conn (%" PRIu64 " connections read from it)",
		 s->loader.records);
	sync_proc_reader_close(&s->loader);
	s->loading = false;
	s->loaded = true;
}

static void
table_load_some(struct sync_state *s)
{
	struct timespec t0, t;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if ((r = sync_proc_reader_step(&s->loader, 1, cache_loaded, s)) != 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((uint64_t)(t.tv_sec - t0.tv_sec) * EV_NSEC_PER_SEC + (uint64_t)t.tv_nsec - (uint64_t)t0.tv_nsec <
		 LOAD_SLICE_NS);
	if (r == 0)
		return;
	if (r == -1)
		log_warn("reading /proc/net/ip_vs_conn; the table holds what was read and what is heard");
	log_info("table: %" PRIu64 " connections read from /proc in %" PRIu64 " ms (%" PRIu64 " not syncable), "
		 "%zu known", s->loader.records, (uint64_t)((ev_now() - s->load_started) / EV_NSEC_PER_MSEC),
		 s->loader.skipped + s->loader.bad, sync_cache_count(&s->cache));
	sync_proc_reader_close(&s->loader);
	s->loading = false;
	s->loaded = true;
	if (s->dump_waiting) {
		s->dump_waiting = false;
		dump_start(s);
	}
}

static void
dump_start(struct sync_state *s)
{
	if (!s->loaded) {
		/* the table is not whole yet: it goes out once it is */
		s->dump_waiting = true;
		return;
	}
	if (s->dumping) {
		s->dump_again = true;
		return;
	}
	sync_cache_walk_start(&s->cache, &s->walk);
	log_info("sending the table: %zu connections", sync_cache_count(&s->cache));
	s->dumping = true;
	s->dump_again = false;
	s->dump_started = ev_now();
	s->dump_sent_until = s->dump_started - DUMP_TICK_NS;
	ev_timer_after(s->p->loop, &s->dump_timer, 0);
}

static void
dump_stop(struct sync_state *s)
{
	if (s->dumping)
		sync_cache_walk_end(&s->cache, &s->walk);
	s->dumping = s->dump_again = s->dump_waiting = false;
	ev_timer_stop(s->p->loop, &s->dump_timer);
}

/* Sends up to budget records of the table. */
static void
dump_some(struct sync_state *s, unsigned budget)
{
	/* s->in is free outside the receive handlers; s->out may hold a frame built around it */
	uint8_t *buf = s->in;

	while (budget > 0 && !sync_cache_walk_done(&s->cache, &s->walk)) {
		struct sync_enc e;
		bool full;
		unsigned n;
		size_t len;

		sync_enc_init(&e, buf, maxlen(s), (uint8_t)s->cs.syncid);
		n = sync_cache_walk_fill(&s->cache, &s->walk, ev_now(), &e, budget, &full);
		budget -= n;
		if ((len = sync_enc_finish(&e)) > 0) {
			send_datagram(s, buf, len);
			s->st.records_out += n;
			s->st.resync_records += n;
		}
		if (n == 0 && !full)
			break;
	}
	if (sync_cache_walk_done(&s->cache, &s->walk)) {
		log_info("sent the table: %" PRIu64 " records in %" PRIu64 " ms", s->walk.records,
			 (uint64_t)((ev_now() - s->dump_started) / EV_NSEC_PER_MSEC));
		s->st.resyncs_sent++;
		sync_cache_walk_end(&s->cache, &s->walk);
		s->dumping = false;
		if (s->dump_again)
			dump_start(s);
	}
}

/* The rate's credit since the last slice: timers come late under load, and a fixed budget per slice would
 * then cut the rate. */
static void
dump_timer(struct ev_timer *t)
{
	struct sync_state *s = t->data;
	uint64_t rate = s->cs.resync_rate ? s->cs.resync_rate : DEFAULT_RESYNC_RATE;
	uint64_t now = ev_now(), since = now - s->dump_sent_until;

	if (!s->dumping)
		return;
	if (since > DUMP_BURST_NS)
		since = DUMP_BURST_NS;
	s->dump_sent_until = now;
	dump_some(s, (unsigned)(rate * since / EV_NSEC_PER_SEC) + 1);
	if (s->dumping && !ev_timer_pending(&s->dump_timer))
		ev_timer_after(s->p->loop, &s->dump_timer, DUMP_TICK_NS);
}

/* ---- roles ---- */

static const char *
role_name(int role)
{
	return role == SYNC_ROLE_MASTER ? "master" : role == SYNC_ROLE_BACKUP ? "backup" : "unknown";
}

static void
set_role(struct sync_state *s, int role)
{
	if (role == s->role)
		return;
	log_info("role %s -> %s", role_name(s->role), role_name(role));
	s->role = role;
	s->st.role_changes++;
	if (!s->open)
		return;
	if (role == SYNC_ROLE_MASTER) {
		/* peers that held this node's old epoch reset; then they get everything it holds */
		s->awaiting = false;
		if (s->secure)
			send_hello(s, NULL, s->hello_nonce, 0);
		dump_start(s);
	} else {
		dump_stop(s);
		if (s->secure)
			send_hello(s, NULL, s->hello_nonce, 0);
		s->resync_tries = 0;
		s->last_resync_request = 0;
		request_resync(s);
	}
	proc_send_status(s->p);
}

/* The last state seen for an instance, -1 if none. */
static int
vrrp_state_of(const struct sync_state *s, const char *instance)
{
	for (size_t i = 0; i < s->nvrrp; i++)
		if (strcmp(s->vrrp[i].instance, instance) == 0)
			return s->vrrp[i].state;
	return -1;
}

static void
sync_dispatch(struct proc *p, const struct ipc_msg *msg)
{
	struct sync_state *s = p->state;
	const struct ipc_vrrp_state *vs = msg->data;
	char name[CFG_NAME_MAX];
	size_t i;

	if (msg->type != IPC_VRRP_STATE || msg->len != sizeof(*vs)) {
		log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
		return;
	}
	snprintf(name, sizeof(name), "%.*s", CFG_NAME_MAX - 1, vs->instance);
	/* kept even before a configuration names the instance: the parent may replay states first */
	for (i = 0; i < s->nvrrp; i++)
		if (strcmp(s->vrrp[i].instance, name) == 0)
			break;
	if (i == s->nvrrp && s->nvrrp < MAX_INSTANCES)
		s->nvrrp++;
	if (i < s->nvrrp) {
		memcpy(s->vrrp[i].instance, name, sizeof(name));
		s->vrrp[i].state = vs->state;
	}
	sync_kernel_vrrp(&s->kern, name, vs->state);
	if (!s->relay || s->cs.role != SYNC_ROLE_VRRP || strcmp(name, s->cs.instance) != 0)
		return;
	set_role(s, vs->state == VRRP_STATE_MASTER ? SYNC_ROLE_MASTER : SYNC_ROLE_BACKUP);
}

/* ---- the private side: the kernel master's datagrams ---- */

static void
kernel_readable(struct ev_io *io, uint32_t revents)
{
	struct sync_state *s = io->data;
	struct sockaddr_in from;
	int trunc;
	ssize_t n;

	(void)revents;
	for (unsigned batch = 0;
	     batch < RECV_BATCH && (n = sync_relay_recv(s->r.kfd, s->in, sizeof(s->in), &from, &trunc)) > 0; batch++) {
		struct sync_hdr h;
		struct sync_decode_stats ds;
		enum sync_err e;

		s->st.kernel_in++;
		if (trunc) {
			drop(s, DROP_TRUNCATED);
			continue;
		}
		if (s->role != SYNC_ROLE_MASTER) {
			drop(s, DROP_NOT_MASTER);
			continue;
		}
		if ((e = sync_decode(s->in, (size_t)n, &h, NULL, NULL, &ds)) != SYNC_OK) {
			drop(s, DROP_CODEC + e);
			continue;
		}
		s->st.records_out += ds.accepted;
		table_heard(s, s->in, (size_t)n);
		send_datagram(s, s->in, (size_t)n);
	}
}

/* ---- the network side ---- */

static struct sync_peer *
peer_get(struct sync_state *s, const struct sockaddr_in *from)
{
	struct sync_peer *oldest = NULL;

	for (size_t i = 0; i < s->npeers; i++) {
		struct sync_peer *pe = &s->peers[i];

		if (pe->addr.sin_addr.s_addr == from->sin_addr.s_addr && pe->addr.sin_port == from->sin_port)
			return pe;
		if (oldest == NULL || pe->last_seen < oldest->last_seen)
			oldest = pe;
	}
	if (s->npeers < MAX_PEERS)
		oldest = &s->peers[s->npeers++];
	else if (ev_now() - oldest->last_seen < 60 * EV_NSEC_PER_SEC)
		return NULL;	/* a flood of forged sources must not push out the real master */
	memset(oldest, 0, sizeof(*oldest));
	oldest->addr = *from;
	oldest->rx.nonce = s->hello_nonce;
	return oldest;
}

/*
 * Our outstanding challenge to a peer. It stays the same until answered: a new nonce for every HELLO
 * would let two peers whose HELLOs cross invalidate each other's answers forever.
 */
static uint64_t
challenge(struct sync_peer *pe)
{
	if (pe->rx.nonce == 0)
		pe->rx.nonce = random64();
	return pe->rx.nonce;
}

static void
on_data(struct sync_state *s, struct sync_peer *pe, const struct sync_frame *f)
{
	uint64_t lost = 0, now = ev_now();

	if (s->role != SYNC_ROLE_BACKUP) {
		drop(s, DROP_NOT_BACKUP);
		return;
	}
	switch (sync_rx_data(&pe->rx, f->epoch, f->seq, now, &lost)) {
	case SYNC_RX_DELIVER:
		inject(s, f->payload, f->len);
		break;
	case SYNC_RX_REPLAY:
		drop(s, DROP_REPLAY);
		break;
	case SYNC_RX_OLD_EPOCH:
		drop(s, DROP_OLD_EPOCH);
		break;
	case SYNC_RX_UNKNOWN:
		drop(s, DROP_UNVERIFIED);
		if (now - pe->last_challenge >= CHALLENGE_INTERVAL_NS) {
			pe->last_challenge = now;
			send_hello(s, &pe->addr, challenge(pe), 0);
		}
		break;
	}
	if (lost > 0) {
		s->st.lost += lost;
		request_resync(s);
	}
}

static void
on_hello(struct sync_state *s, struct sync_peer *pe, const struct sync_frame *f)
{
	struct sync_hello h;
	bool was_known = pe->rx.known;

	sync_hello_get(f->payload, &h);
	s->st.hellos_received++;
	if (s->secure && sync_rx_hello(&pe->rx, f->epoch, &h) && was_known && s->role == SYNC_ROLE_BACKUP) {
		/* a new incarnation of the master: whatever it sent before is gone from its ring */
		request_resync(s);
	}
	/* answer a challenge; a backup challenges back a master it does not trust yet */
	if (h.nonce != 0)
		send_hello(s, &pe->addr, s->secure && s->role == SYNC_ROLE_BACKUP && !pe->rx.known ? challenge(pe) : 0,
			   h.nonce);
}

static void
on_nack(struct sync_state *s, struct sync_peer *pe, const struct sync_frame *f)
{
	uint64_t epoch, seqs[SYNC_NACK_MAX];
	size_t n;

	s->st.nacks_received++;
	if (s->role != SYNC_ROLE_MASTER || sync_nack_get(f->payload, f->len, &epoch, seqs, &n) == -1)
		return;
	if (epoch != s->tx.epoch) {
		drop(s, DROP_NACK_EPOCH);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sync_tx_slot *slot = sync_tx_find(&s->tx, seqs[i]);

		if (slot == NULL) {
			s->st.nack_expired++;
			continue;
		}
		if (sync_relay_send_to(&s->r, &pe->addr, slot->frame, slot->len) == 0)
			s->st.retransmits++;
		else
			s->st.send_errors++;
	}
}

static void
on_frame(struct sync_state *s, const struct sockaddr_in *from, const uint8_t *buf, size_t len)
{
	struct sync_frame f;
	struct sync_peer *pe;
	enum sync_frame_err e;

	if ((e = sync_frame_parse_mac(buf, len, s->mac, &f)) != SYNC_F_OK) {
		drop(s, DROP_FRAME + e);
		return;
	}
	if (f.type == SYNC_FT_DATA && !s->secure) {
		drop(s, DROP_UNEXPECTED);
		return;
	}
	if ((pe = peer_get(s, from)) == NULL) {
		drop(s, DROP_PEERS_FULL);
		return;
	}
	pe->last_seen = ev_now();
	switch (f.type) {
	case SYNC_FT_DATA:
		on_data(s, pe, &f);
		break;
	case SYNC_FT_HELLO:
		on_hello(s, pe, &f);
		break;
	case SYNC_FT_NACK:
		on_nack(s, pe, &f);
		break;
	case SYNC_FT_RESYNC:
		s->st.resync_requests_received++;
		if (s->role == SYNC_ROLE_MASTER)
			dump_start(s);
		break;
	}
}

static void
net_readable(struct ev_io *io, uint32_t revents)
{
	struct sync_state *s = io->data;
	struct sockaddr_in from;
	int trunc;
	ssize_t n;

	(void)revents;
	for (unsigned batch = 0;
	     batch < RECV_BATCH && (n = sync_relay_recv(s->r.nfd, s->in, sizeof(s->in), &from, &trunc)) > 0; batch++) {
		s->st.net_in++;
		if (trunc)
			drop(s, DROP_TRUNCATED);
		else if (sync_is_frame(s->in, (size_t)n))
			on_frame(s, &from, s->in, (size_t)n);
		else if (s->secure)
			drop(s, DROP_UNAUTHENTICATED);
		else if (s->role != SYNC_ROLE_BACKUP)
			drop(s, DROP_NOT_BACKUP);
		else
			inject(s, s->in, (size_t)n);
	}
}

/* ---- timers ---- */

static void
tick(struct ev_timer *t)
{
	struct sync_state *s = t->data;
	uint64_t now = ev_now();

	if (s->role == SYNC_ROLE_BACKUP && s->secure) {
		for (size_t i = 0; i < s->npeers; i++) {
			struct sync_peer *pe = &s->peers[i];
			uint64_t miss[SYNC_NACK_MAX], lost;
			uint8_t payload[8 + 8 * SYNC_NACK_MAX];
			size_t n, plen;

			if (!pe->rx.known)
				continue;
			if (sync_rx_nack_due(&pe->rx, now, NACK_INTERVAL_NS) &&
			    (n = sync_rx_missing(&pe->rx, miss, SYNC_NACK_MAX)) > 0 &&
			    (plen = sync_nack_put(payload, sizeof(payload), pe->rx.epoch, miss, n)) > 0) {
				send_control(s, &pe->addr, SYNC_FT_NACK, payload, plen);
				s->st.nacks_sent++;
			}
			if ((lost = sync_rx_give_up(&pe->rx, NACK_ROUNDS)) > 0) {
				s->st.lost += lost;
				request_resync(s);
			}
		}
	}
	if (s->role == SYNC_ROLE_BACKUP && s->awaiting && now - s->resync_asked >= RESYNC_RETRY_NS) {
		if (++s->resync_tries < RESYNC_TRIES) {
			s->last_resync_request = 0;
			request_resync(s);
		} else {
			s->awaiting = false;
		}
	}
	pace_drain(s);
	if (s->loading)
		table_load_some(s);
	sync_cache_expire(&s->cache, now, EXPIRE_BUDGET);
	ev_timer_after(s->p->loop, &s->tick, TICK_NS);
}

static uint64_t
stats_sum(const struct sync_state *s)
{
	const uint64_t *v = (const uint64_t *)&s->st;
	uint64_t sum = (uint64_t)s->role + sync_kernel_sum(&s->kern);

	for (size_t i = 0; i < sizeof(s->st) / sizeof(uint64_t); i++)
		sum += v[i] * (i + 1);
	return sum;
}

static void
status_tick(struct ev_timer *t)
{
	struct sync_state *s = t->data;
	uint64_t sum = stats_sum(s);

	if (sum != s->reported)
		proc_send_status(s->p);
	ev_timer_after(s->p->loop, &s->status, EV_NSEC_PER_SEC);
}

/* ---- starting and stopping ---- */

static void
relay_close(struct sync_state *s)
{
	if (s->open) {
		ev_io_stop(s->p->loop, &s->kio);
		ev_io_stop(s->p->loop, &s->nio);
		sync_relay_close(&s->r);
		s->open = false;
	}
	ev_timer_stop(s->p->loop, &s->tick);
	ev_timer_stop(s->p->loop, &s->reopen);
	ev_timer_stop(s->p->loop, &s->pace_timer);
	dump_stop(s);
	sync_pace_free(&s->pace);
	s->awaiting = false;
}

static long long
sysctl_value(const char *path)
{
	size_t len;
	char *text = sync_read_file(path, &len);
	long long v = text ? strtoll(text, NULL, 10) : 0;

	free(text);
	return v;
}

/* The kernel backup socket's receive buffer: net.ipv4.vs.sync_sock_size capped by net.core.rmem_max, doubled,
 * as the kernel sets it; without it, the default buffer. */
static uint64_t
kernel_rcvbuf(void)
{
	/* the net.core ones are global and not shown in other namespaces: then assume the kernel's default */
	const long long dflt = 212992;
	long long want = sysctl_value("/proc/sys/net/ipv4/vs/sync_sock_size");
	long long max = sysctl_value("/proc/sys/net/core/rmem_max");
	long long def = sysctl_value("/proc/sys/net/core/rmem_default");

	if (max <= 0)
		max = dflt;
	if (want > 0)
		return (uint64_t)(max < want ? max : want) * 2;
	return (uint64_t)(def > 0 ? def : dflt);
}

static void
relay_open(struct sync_state *s)
{
	int role = s->role;

	if (sync_relay_open(&s->r, &s->cs, s->error, sizeof(s->error)) == -1) {
		log_warnx("relay not started (again in 1 s): %s", s->error);
		ev_timer_after(s->p->loop, &s->reopen, REOPEN_NS);
		return;
	}
	s->error[0] = '\0';
	if (ev_io_start(s->p->loop, &s->kio, s->r.kfd, EPOLLIN, kernel_readable, s) == -1 ||
	    ev_io_start(s->p->loop, &s->nio, s->r.nfd, EPOLLIN, net_readable, s) == -1) {
		log_warn("cannot watch the relay sockets");
		ev_io_stop(s->p->loop, &s->kio);
		sync_relay_close(&s->r);
		ev_timer_after(s->p->loop, &s->reopen, REOPEN_NS);
		return;
	}
	s->open = true;
	sync_pace_init(&s->pace, PACE_QUEUE, kernel_rcvbuf());
	s->kdrops_known = false;
	pace_look(s);
	table_load_start(s);
	ev_timer_after(s->p->loop, &s->tick, TICK_NS);
	log_info("relay on %s (kernel pair %s/%s), %s framing", s->cs.interface, s->cs.kernel_interface,
		 s->cs.relay_interface, s->secure ? "secure" : "compat");
	/* act on the role as if it were new */
	s->role = SYNC_ROLE_VRRP;
	if (role != SYNC_ROLE_VRRP)
		set_role(s, role);
}

static void
reopen(struct ev_timer *t)
{
	relay_open(t->data);
}

static int
sync_init(struct proc *p)
{
	struct sync_state *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->p = p;
	s->r.kfd = s->r.nfd = -1;
	sync_cache_init(&s->cache, CACHE_MAX);
	ev_timer_init(&s->tick, tick, s, "sync tick");
	ev_timer_init(&s->status, status_tick, s, "sync status");
	ev_timer_init(&s->reopen, reopen, s, "sync reopen");
	ev_timer_init(&s->pace_timer, pace_timer, s, "sync pace");
	ev_timer_init(&s->dump_timer, dump_timer, s, "sync dump");
	sync_kernel_init(&s->kern, p);
	p->state = s;
	ev_timer_after(p->loop, &s->status, EV_NSEC_PER_SEC);
	return 0;
}

static int
sync_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	struct sync_state *s = p->state;
	const struct cfg_conn_sync *cs = config_get(conf, CFG_CONN_SYNC, 0);
	struct sync_kernel_conf kc;
	int role;

	(void)old;
	relay_close(s);
	sync_tx_free(&s->tx);
	sync_mac_free(s->mac);
	s->mac = NULL;
	s->relay = false;
	if (!(cs != NULL && cs->mode == SYNC_MODE_RELAY))
		table_forget(s);	/* the connections still go on, but nobody here hears of them */
	if (sync_kernel_conf_get(conf, &kc)) {
		sync_kernel_apply(&s->kern, &kc, kc.instance[0] ? vrrp_state_of(s, kc.instance) : -1);
		return 0;
	}
	/* from mode kernel to relay: the daemons it ran go, the relay's are the administrator's */
	sync_kernel_stop(&s->kern);
	if (cs == NULL || cs->mode != SYNC_MODE_RELAY)
		return 0;
	s->cs = *cs;
	s->relay = true;
	s->secure = cs->framing == SYNC_FRAMING_SECURE;
	if (s->secure && (s->mac = sync_mac_new(cs->auth_key, cs->auth_key_len)) == NULL) {
		/* never fall back to frames without a MAC */
		snprintf(s->error, sizeof(s->error), "cannot prepare the auth_key for HMAC-SHA256 (OpenSSL)");
		log_warnx("relay not started: %s", s->error);
		return 0;
	}
	/* the epoch now, the retransmit ring when this node first sends DATA (backups never do) */
	s->tx = (struct sync_tx){ .epoch = realtime_ns(), .next_seq = 1 };
	s->hello_nonce = random64();
	s->npeers = 0;
	/* a fixed role, or the instance's last state (the parent replays it), or backup until told */
	if (cs->role != SYNC_ROLE_VRRP)
		role = cs->role;
	else
		role = vrrp_state_of(s, cs->instance) == VRRP_STATE_MASTER ? SYNC_ROLE_MASTER : SYNC_ROLE_BACKUP;
	s->role = role;
	log_info("configuration %u: connection_sync relay, role %s", conf->generation, role_name(role));
	relay_open(s);
	return 0;
}

static void
add_u64(struct json_object *o, const char *name, uint64_t v)
{
	json_object_object_add(o, name, json_object_new_int64((int64_t)v));
}

static void
sync_status(struct proc *p, struct json_object *out)
{
	struct sync_state *s = p->state;
	struct json_object *d;
	const struct sync_stats *st;

	if (s == NULL)
		return;
	st = &s->st;
	s->reported = stats_sum(s);
	if (s->kern.active) {
		sync_kernel_status(&s->kern, out);
		return;
	}
	if (!s->relay)
		return;
	json_object_object_add(out, "mode", json_object_new_string("relay"));
	json_object_object_add(out, "interface", json_object_new_string(s->cs.interface));
	json_object_object_add(out, "framing", json_object_new_string(s->secure ? "secure" : "compat"));
	json_object_object_add(out, "role", json_object_new_string(role_name(s->role)));
	json_object_object_add(out, "open", json_object_new_boolean(s->open));
	if (s->error[0])
		json_object_object_add(out, "error", json_object_new_string(s->error));
	add_u64(out, "kernel_datagrams_in", st->kernel_in);
	add_u64(out, "datagrams_in", st->net_in);
	add_u64(out, "datagrams_out", st->net_out);
	add_u64(out, "datagrams_injected", st->injected);
	add_u64(out, "records_in", st->records_in);
	add_u64(out, "records_out", st->records_out);
	add_u64(out, "records_skipped", st->records_skipped);
	add_u64(out, "retransmits", st->retransmits);
	add_u64(out, "retransmit_expired", st->nack_expired);
	add_u64(out, "nacks_sent", st->nacks_sent);
	add_u64(out, "nacks_received", st->nacks_received);
	add_u64(out, "seqs_lost", st->lost);
	add_u64(out, "resync_requests_sent", st->resync_requests_sent);
	add_u64(out, "resync_requests_received", st->resync_requests_received);
	add_u64(out, "resyncs_sent", st->resyncs_sent);
	add_u64(out, "resync_records", st->resync_records);
	add_u64(out, "hellos_sent", st->hellos_sent);
	add_u64(out, "hellos_received", st->hellos_received);
	add_u64(out, "send_errors", st->send_errors);
	add_u64(out, "role_changes", st->role_changes);
	add_u64(out, "table_connections", sync_cache_count(&s->cache));
	add_u64(out, "table_loaded", st->table_loaded);
	add_u64(out, "table_full", s->cache.full);
	add_u64(out, "injects_waited", s->pace.waited);
	add_u64(out, "injects_waiting", s->pace.queued);
	add_u64(out, "injects_overflow", s->pace.overflow);
	add_u64(out, "kernel_backup_drops", st->kernel_drops);
	json_object_object_add(out, "table_loading", json_object_new_boolean(!s->loaded));
	if ((d = json_object_new_object()) == NULL)
		return;
	/* entry-level skips are counted in records_skipped, not as drops */
	for (unsigned i = 0; i < DROP_MAX; i++)
		if (i != DROP_CODEC + SYNC_OK && i != DROP_FRAME + SYNC_F_OK &&
		    !(i >= DROP_CODEC + SYNC_FIRST_SKIP && i < DROP_FRAME))
			add_u64(d, drop_name(i), st->drops[i]);
	json_object_object_add(out, "drops", d);
}

static void
sync_shutdown(struct proc *p)
{
	struct sync_state *s = p->state;

	if (s == NULL)
		return;
	relay_close(s);
	table_forget(s);
	sync_kernel_stop(&s->kern);
	ev_timer_stop(p->loop, &s->status);
	sync_tx_free(&s->tx);
	sync_mac_free(s->mac);
	free(s);
	p->state = NULL;
}

const struct proc_ops sync_proc = {
	.name = "sync",
	.kind = CHILD_SYNC,
	.init = sync_init,
	.apply = sync_apply,
	.status = sync_status,
	.shutdown = sync_shutdown,
	.dispatch = sync_dispatch,
};
