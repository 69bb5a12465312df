/*
 * The metrics child: an HTTP/1.1 listener that answers GET /metrics with every child's status as
 * Prometheus metrics. It holds no state of its own: each scrape asks the parent for what `vipctl status
 * --json` shows (IPC_STATUS_ASK), and renders the answer (metrics_render.c). Scrapes that arrive while an
 * answer is awaited share it, and an answer younger than MX_FRESH_NS is served again, so however many
 * clients scrape, the parent builds a status at most four times a second.
 *
 * It parses what the network sends, so it runs as nobody with no capability but binding a low port, and
 * everything is bounded: MX_CONN_MAX connections, a request head of MX_REQ_MAX bytes, MX_TIMEOUT_NS to
 * send a request or take an answer, no request bodies.
 */
#include "metrics/metrics.h"

#include <errno.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/log.h"
#include "metrics/metrics_http.h"
#include "metrics/metrics_json.h"
#include "metrics/metrics_render.h"

#define MX_CONN_MAX 16
#define MX_TIMEOUT_NS (10 * EV_NSEC_PER_SEC)
#define MX_ASK_TIMEOUT_NS (5 * EV_NSEC_PER_SEC)
#define MX_FRESH_NS (250 * EV_NSEC_PER_MSEC)
#define MX_RETRY_NS (5 * EV_NSEC_PER_SEC)	/* binding the listener again after it failed */
#define MX_STATUS_NS (5 * EV_NSEC_PER_SEC)	/* our own counters to the parent, when they changed */
#define MX_LINGER_NS (2 * EV_NSEC_PER_SEC)	/* reading what a client still sends after a last answer */
#define MX_NOBODY 65534

/* An answer's body, shared by the connections that write it. */
struct mx_body {
	unsigned refs;
	size_t len;
	char data[];
};

enum mx_code { MX_200, MX_400, MX_404, MX_405, MX_431, MX_503, MX_505, MX_NCODES };
static const struct { int code; const char *reason; } mx_codes[MX_NCODES] = {
	[MX_200] = { 200, "OK" }, [MX_400] = { 400, "Bad Request" }, [MX_404] = { 404, "Not Found" },
	[MX_405] = { 405, "Method Not Allowed" }, [MX_431] = { 431, "Request Header Fields Too Large" },
	[MX_503] = { 503, "Service Unavailable" }, [MX_505] = { 505, "HTTP Version Not Supported" },
};

struct mx_ctx;

struct mx_conn {
	struct mx_ctx *ctx;
	int fd;
	struct ev_io io;
	struct ev_timer timer;
	char in[MX_REQ_MAX];
	size_t inlen;
	bool waiting;		/* for the parent's status */
	bool head_only;		/* HEAD: the answer without its body */
	bool keep_alive;
	bool lingering;		/* the last answer is written: what still comes is read and dropped */
	/* the answer being written */
	char head[256];
	size_t headlen, off;	/* off: bytes of head and body written */
	struct mx_body *body;
};

struct mx_ctx {
	struct proc *p;
	int lfd;
	struct ev_io lio;
	struct ev_timer retry;
	struct ev_timer ask_timer;
	struct ev_timer status_timer;
	char listen_text[80];
	char error[160];
	struct mx_conn *conns[MX_CONN_MAX];
	size_t nconns;
	bool asking;
	uint64_t seq, asked_ns;
	struct mx_body *last;	/* the last metrics text, and when the status it renders arrived */
	uint64_t last_ns;
	bool dirty;
	/* counters, for the metrics about the metrics */
	uint64_t requests[MX_NCODES], rejected, timeouts, asks, ask_timeouts;
	uint64_t last_status_ns, last_render_ns, last_bytes;
};

static void conn_process(struct mx_conn *c);

/* ---- privileges ---- */

/*
 * nobody, with CAP_NET_BIND_SERVICE alone (metrics_listen may name a port below 1024, and a reload may
 * move it). The parent-death signal is cleared by a change of credentials, so it is set again.
 */
static int
drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	struct passwd *pw;
	uid_t uid = MX_NOBODY;
	gid_t gid = MX_NOBODY;
	pid_t parent = getppid();

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam("nobody")) != NULL) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	for (int cap = 0; cap <= 63; cap++)
		if (cap != CAP_NET_BIND_SERVICE && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 && errno != EINVAL)
			return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 || setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		return -1;
	data[CAP_TO_INDEX(CAP_NET_BIND_SERVICE)].permitted = CAP_TO_MASK(CAP_NET_BIND_SERVICE);
	data[CAP_TO_INDEX(CAP_NET_BIND_SERVICE)].effective = CAP_TO_MASK(CAP_NET_BIND_SERVICE);
	if (syscall(SYS_capset, &hdr, data) == -1 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);
	log_debug("running as uid %u gid %u", (unsigned)uid, (unsigned)gid);
	return 0;
}

/* ---- bodies ---- */

static struct mx_body *
body_new(const char *text, size_t len)
{
	struct mx_body *b = malloc(sizeof(*b) + len);

	if (b == NULL)
		return NULL;
	b->refs = 1;
	b->len = len;
	memcpy(b->data, text, len);
	return b;
}

static void
body_put(struct mx_body *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

/* ---- connections ---- */

static void
conn_close(struct mx_conn *c)
{
	struct mx_ctx *ctx = c->ctx;

	ev_io_stop(ctx->p->loop, &c->io);
	ev_timer_stop(ctx->p->loop, &c->timer);
	close(c->fd);
	body_put(c->body);
	for (size_t i = 0; i < ctx->nconns; i++)
		if (ctx->conns[i] == c) {
			ctx->conns[i] = ctx->conns[--ctx->nconns];
			break;
		}
	free(c);
	ctx->dirty = true;
}

static void
conn_timeout(struct ev_timer *t)
{
	struct mx_conn *c = t->data;

	c->ctx->timeouts += !c->lingering;
	conn_close(c);
}

/* Writes what remains of the answer; true when it is all written. */
static bool
conn_write(struct mx_conn *c)
{
	size_t blen = c->head_only || c->body == NULL ? 0 : c->body->len;

	while (c->off < c->headlen + blen) {
		struct iovec iov[2];
		int n = 0;
		ssize_t w;

		if (c->off < c->headlen)
			iov[n++] = (struct iovec){ c->head + c->off, c->headlen - c->off };
		if (blen > 0) {
			size_t bo = c->off > c->headlen ? c->off - c->headlen : 0;

			iov[n++] = (struct iovec){ c->body->data + bo, blen - bo };
		}
		w = writev(c->fd, iov, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (w == -1) {
			c->keep_alive = false;
			return true;
		}
		c->off += (size_t)w;
	}
	return true;
}

/* The answer is written: the next request (maybe already read), or the end. Closing with unread bytes
 * would make the kernel send a reset, which can destroy the answer before the client reads it (a 431 to a
 * request still being sent): so the sending side is shut, and what comes is read and dropped until the
 * client closes, for MX_LINGER_NS at most. */
static void
conn_done(struct mx_conn *c)
{
	if (!c->keep_alive) {
		c->lingering = true;
		shutdown(c->fd, SHUT_WR);
		ev_timer_after(c->ctx->p->loop, &c->timer, MX_LINGER_NS);
		ev_io_modify(c->ctx->p->loop, &c->io, EPOLLIN);
		return;
	}
	body_put(c->body);
	c->body = NULL;
	c->headlen = c->off = 0;
	ev_timer_after(c->ctx->p->loop, &c->timer, MX_TIMEOUT_NS);
	ev_io_modify(c->ctx->p->loop, &c->io, EPOLLIN);
	conn_process(c);
}

static void
conn_flush(struct mx_conn *c)
{
	if (conn_write(c))
		conn_done(c);
	else
		ev_io_modify(c->ctx->p->loop, &c->io, EPOLLOUT);
}

/* Starts an answer; body is taken (one reference). */
static void
conn_answer(struct mx_conn *c, enum mx_code code, const char *type, struct mx_body *body)
{
	int n;

	c->ctx->requests[code]++;
	c->ctx->dirty = true;
	c->waiting = false;
	if (body == NULL) {
		/* out of memory: close rather than send a truncated answer */
		conn_close(c);
		return;
	}
	if (code != MX_200)
		c->keep_alive = false;
	c->body = body;
	n = snprintf(c->head, sizeof(c->head),
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: %s\r\n\r\n",
		     mx_codes[code].code, mx_codes[code].reason, type, body->len,
		     code == MX_405 ? "Allow: GET, HEAD\r\n" : "", c->keep_alive ? "keep-alive" : "close");
	c->headlen = n > 0 && (size_t)n < sizeof(c->head) ? (size_t)n : 0;
	c->off = 0;
	ev_timer_after(c->ctx->p->loop, &c->timer, MX_TIMEOUT_NS);
	conn_flush(c);
}

static void
conn_answer_text(struct mx_conn *c, enum mx_code code, const char *text)
{
	conn_answer(c, code, "text/plain; charset=utf-8", body_new(text, strlen(text)));
}

#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

static void ask_parent(struct mx_ctx *ctx);

static void
want_metrics(struct mx_conn *c)
{
	struct mx_ctx *ctx = c->ctx;

	if (ctx->last != NULL && ev_now() - ctx->last_ns < MX_FRESH_NS) {
		ctx->last->refs++;
		conn_answer(c, MX_200, METRICS_TYPE, ctx->last);
		return;
	}
	c->waiting = true;
	/* the request is whole: its time to wait for the answer starts now (the parent's has its own timeout) */
	ev_timer_after(ctx->p->loop, &c->timer, MX_TIMEOUT_NS);
	ev_io_modify(ctx->p->loop, &c->io, 0);
	if (!ctx->asking)
		ask_parent(ctx);
}

/* A request head, if a whole one is in the buffer; nothing while an answer is pending or written. */
static void
conn_process(struct mx_conn *c)
{
	struct mx_request req;
	enum mx_parse r;

	if (c->waiting || c->headlen > 0 || c->inlen == 0)
		return;
	r = mx_http_parse(c->in, c->inlen, &req);
	if (r == MX_PARSE_MORE)
		return;
	if (r != MX_PARSE_OK) {
		c->keep_alive = false;
		c->inlen = 0;
		conn_answer_text(c, r == MX_PARSE_TOO_LARGE ? MX_431 : r == MX_PARSE_VERSION ? MX_505 : MX_400,
				 "bad request\n");
		return;
	}
	memmove(c->in, c->in + req.consumed, c->inlen - req.consumed);
	c->inlen -= req.consumed;
	c->keep_alive = req.keep_alive;
	c->head_only = req.method == MX_HEAD;
	if (req.method == MX_OTHER)
		conn_answer_text(c, MX_405, "only GET and HEAD\n");
	else if (req.target == MX_T_ROOT)
		conn_answer_text(c, MX_200, "vipd: metrics at /metrics\n");
	else if (req.target != MX_T_METRICS)
		conn_answer_text(c, MX_404, "not found; metrics at /metrics\n");
	else
		want_metrics(c);
}

static void
conn_io(struct ev_io *io, uint32_t revents)
{
	struct mx_conn *c = io->data;

	if (revents & EPOLLOUT) {
		conn_flush(c);
		return;
	}
	if ((revents & EPOLLIN) && c->lingering) {
		char drop[4096];
		ssize_t n;

		while ((n = read(c->fd, drop, sizeof(drop))) > 0)
			;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			conn_close(c);
		return;
	}
	if (revents & EPOLLIN) {
		ssize_t n;

		do {
			n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
		} while (n == -1 && errno == EINTR);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->inlen += (size_t)n;
		conn_process(c);
		return;
	}
	if (revents & (EPOLLHUP | EPOLLERR))
		conn_close(c);
}

static void
accept_ready(struct ev_io *io, uint32_t revents)
{
	struct mx_ctx *ctx = io->data;

	(void)revents;
	for (;;) {
		int fd = accept4(ctx->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mx_conn *c;

		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;	/* EAGAIN; or out of descriptors: the next readiness tries again */
		}
		/* over the cap: closed at once rather than left in the backlog to time out there */
		if (ctx->nconns == MX_CONN_MAX || (c = calloc(1, sizeof(*c))) == NULL) {
			ctx->rejected++;
			ctx->dirty = true;
			close(fd);
			continue;
		}
		c->ctx = ctx;
		c->fd = fd;
		ev_timer_init(&c->timer, conn_timeout, c, "metrics connection");
		if (ev_io_start(ctx->p->loop, &c->io, fd, EPOLLIN, conn_io, c) == -1) {
			close(fd);
			free(c);
			continue;
		}
		ev_timer_after(ctx->p->loop, &c->timer, MX_TIMEOUT_NS);
		ctx->conns[ctx->nconns++] = c;
		ctx->dirty = true;
	}
}

/* ---- the parent's status ---- */

static void
answer_waiting(struct mx_ctx *ctx, struct mx_body *body)
{
	/* conn_answer may close a connection, which reorders the array: collect first */
	struct mx_conn *w[MX_CONN_MAX];
	size_t n = 0;

	for (size_t i = 0; i < ctx->nconns; i++)
		if (ctx->conns[i]->waiting)
			w[n++] = ctx->conns[i];
	for (size_t i = 0; i < n; i++) {
		if (body != NULL) {
			body->refs++;
			conn_answer(w[i], MX_200, METRICS_TYPE, body);
		} else {
			conn_answer_text(w[i], MX_503, "the status of vipd is not available\n");
		}
	}
}

static void
ask_parent(struct mx_ctx *ctx)
{
	struct ipc_status_ask ask = { .seq = ++ctx->seq };

	if (ipc_send(&ctx->p->parent, IPC_STATUS_ASK, &ask, sizeof(ask)) == -1 || ipc_flush(&ctx->p->parent) == -1) {
		answer_waiting(ctx, NULL);
		return;
	}
	ctx->asking = true;
	ctx->asks++;
	ctx->asked_ns = ev_now();
	ev_timer_after(ctx->p->loop, &ctx->ask_timer, MX_ASK_TIMEOUT_NS);
}

static void
ask_timeout(struct ev_timer *t)
{
	struct mx_ctx *ctx = t->data;

	log_warnx("the parent did not answer a status request in %llu s",
		  (unsigned long long)(MX_ASK_TIMEOUT_NS / EV_NSEC_PER_SEC));
	ctx->asking = false;
	ctx->ask_timeouts++;
	answer_waiting(ctx, NULL);
}

static struct json_object *self_json(const struct mx_ctx *ctx);

static struct mx_body *
render(struct mx_ctx *ctx, const char *text, size_t len)
{
	struct json_object *self = self_json(ctx);
	const char *stext = self != NULL ? json_object_to_json_string_ext(self, JSON_C_TO_STRING_PLAIN) : NULL;
	struct mj_doc *st, *sd = stext != NULL ? mj_parse(stext, strlen(stext)) : NULL;
	struct mx_buf out = { 0 };
	struct mx_body *b = NULL;
	uint64_t t0 = ev_now();

	json_object_put(self);
	if ((st = mj_parse(text, len)) == NULL) {
		log_warnx("the parent's status is not JSON");
		mj_free(sd);
		return NULL;
	}
	if (mx_render(mj_root(st), sd != NULL ? mj_root(sd) : NULL, &out) == 0)
		b = body_new(out.p, out.len);
	mj_free(st);
	mj_free(sd);
	mx_buf_free(&out);
	ctx->last_render_ns = ev_now() - t0;
	ctx->last_bytes = b != NULL ? b->len : 0;
	return b;
}

static void
metrics_dispatch(struct proc *p, const struct ipc_msg *msg)
{
	struct mx_ctx *ctx = p->state;
	struct ipc_status_ask ask;
	struct mx_body *b;

	if (msg->type != IPC_STATUS_ALL || msg->len < sizeof(ask)) {
		log_warnx("unexpected message %s from the parent, dropped", ipc_type_name(msg->type));
		return;
	}
	memcpy(&ask, msg->data, sizeof(ask));
	if (!ctx->asking || ask.seq != ctx->seq)
		return;		/* the answer to a request that timed out */
	ctx->asking = false;
	ev_timer_stop(p->loop, &ctx->ask_timer);
	ctx->last_status_ns = ev_now() - ctx->asked_ns;
	b = render(ctx, (const char *)msg->data + sizeof(ask), msg->len - sizeof(ask));
	if (b != NULL) {
		body_put(ctx->last);
		ctx->last = b;
		ctx->last_ns = ev_now();
	}
	answer_waiting(ctx, b);
}

/* ---- the listener ---- */

static void
listener_close(struct mx_ctx *ctx)
{
	if (ctx->lfd < 0)
		return;
	ev_io_stop(ctx->p->loop, &ctx->lio);
	close(ctx->lfd);
	ctx->lfd = -1;
}

static int
listener_open(struct mx_ctx *ctx)
{
	const struct cfg_global *g = ctx->p->conf->global;
	struct sockaddr_storage ss = { 0 };
	socklen_t slen;
	int fd, on = 1;

	ev_timer_stop(ctx->p->loop, &ctx->retry);
	if (g->metrics_listen.addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)g->metrics_listen.port);
		memcpy(&s6->sin6_addr, g->metrics_listen.addr.addr, 16);
		slen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)g->metrics_listen.port);
		memcpy(&s4->sin_addr, g->metrics_listen.addr.addr, 4);
		slen = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, slen) == -1 || listen(fd, MX_CONN_MAX) == -1 ||
	    ev_io_start(ctx->p->loop, &ctx->lio, fd, EPOLLIN, accept_ready, ctx) == -1) {
		snprintf(ctx->error, sizeof(ctx->error), "cannot listen on %s: %s", ctx->listen_text, strerror(errno));
		log_warnx("%s; trying again in %llu s", ctx->error, (unsigned long long)(MX_RETRY_NS / EV_NSEC_PER_SEC));
		if (fd != -1)
			close(fd);
		ev_timer_after(ctx->p->loop, &ctx->retry, MX_RETRY_NS);
		return -1;
	}
	ctx->lfd = fd;
	ctx->error[0] = '\0';
	log_info("serving metrics on http://%s/metrics", ctx->listen_text);
	return 0;
}

static void
retry_due(struct ev_timer *t)
{
	struct mx_ctx *ctx = t->data;

	if (ctx->p->conf != NULL && ctx->lfd < 0)
		listener_open(ctx);
	proc_send_status(ctx->p);
}

static int
metrics_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	struct mx_ctx *ctx = p->state;
	const struct cfg_global *g = conf->global;
	char a[64];

	if (old != NULL && ctx->lfd >= 0 &&
	    memcmp(&old->global->metrics_listen, &g->metrics_listen, sizeof(g->metrics_listen)) == 0)
		return 0;
	listener_close(ctx);
	cfg_format_addr(&g->metrics_listen.addr, a, sizeof(a));
	snprintf(ctx->listen_text, sizeof(ctx->listen_text), g->metrics_listen.addr.family == AF_INET6 ?
		 "[%s]:%u" : "%s:%u", a, g->metrics_listen.port);
	listener_open(ctx);
	return 0;
}

/* ---- status ---- */

static struct json_object *
self_json(const struct mx_ctx *ctx)
{
	struct json_object *o = json_object_new_object(), *req = json_object_new_object();

	if (o == NULL || req == NULL) {
		json_object_put(o);
		json_object_put(req);
		return NULL;
	}
	for (int k = 0; k < MX_NCODES; k++) {
		char code[8];

		snprintf(code, sizeof(code), "%d", mx_codes[k].code);
		json_object_object_add(req, code, json_object_new_int64((int64_t)ctx->requests[k]));
	}
	json_object_object_add(o, "listen", json_object_new_string(ctx->listen_text));
	json_object_object_add(o, "listening", json_object_new_boolean(ctx->lfd >= 0));
	json_object_object_add(o, "error", ctx->error[0] ? json_object_new_string(ctx->error) : NULL);
	json_object_object_add(o, "connections", json_object_new_int64((int64_t)ctx->nconns));
	json_object_object_add(o, "connections_rejected", json_object_new_int64((int64_t)ctx->rejected));
	json_object_object_add(o, "timeouts", json_object_new_int64((int64_t)ctx->timeouts));
	json_object_object_add(o, "status_asks", json_object_new_int64((int64_t)ctx->asks));
	json_object_object_add(o, "status_timeouts", json_object_new_int64((int64_t)ctx->ask_timeouts));
	json_object_object_add(o, "last_status_us", json_object_new_int64((int64_t)(ctx->last_status_ns / 1000)));
	json_object_object_add(o, "last_render_us", json_object_new_int64((int64_t)(ctx->last_render_ns / 1000)));
	json_object_object_add(o, "last_bytes", json_object_new_int64((int64_t)ctx->last_bytes));
	json_object_object_add(o, "requests", req);
	return o;
}

static void
metrics_status(struct proc *p, struct json_object *out)
{
	struct mx_ctx *ctx = p->state;
	struct json_object *self;

	if (ctx == NULL || (self = self_json(ctx)) == NULL)
		return;
	json_object_object_foreach(self, k, v)
		json_object_object_add(out, k, json_object_get(v));
	json_object_put(self);
}

static void
status_due(struct ev_timer *t)
{
	struct mx_ctx *ctx = t->data;

	if (ctx->dirty) {
		ctx->dirty = false;
		proc_send_status(ctx->p);
	}
	ev_timer_after(ctx->p->loop, &ctx->status_timer, MX_STATUS_NS);
}

/* ---- life ---- */

static int
metrics_init(struct proc *p)
{
	struct mx_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return -1;
	if (drop_privileges() == -1) {
		log_warn("dropping privileges");
		free(ctx);
		return -1;
	}
	ctx->p = p;
	ctx->lfd = -1;
	p->state = ctx;
	ev_timer_init(&ctx->retry, retry_due, ctx, "metrics listen");
	ev_timer_init(&ctx->ask_timer, ask_timeout, ctx, "metrics status");
	ev_timer_init(&ctx->status_timer, status_due, ctx, "metrics own status");
	ev_timer_after(p->loop, &ctx->status_timer, MX_STATUS_NS);
	return 0;
}

static void
metrics_shutdown(struct proc *p)
{
	struct mx_ctx *ctx = p->state;

	if (ctx == NULL)
		return;
	while (ctx->nconns > 0)
		conn_close(ctx->conns[0]);
	listener_close(ctx);
	ev_timer_stop(p->loop, &ctx->retry);
	ev_timer_stop(p->loop, &ctx->ask_timer);
	ev_timer_stop(p->loop, &ctx->status_timer);
	body_put(ctx->last);
	free(ctx);
	p->state = NULL;
}

const struct proc_ops metrics_proc = {
	.name = "metrics",
	.kind = CHILD_METRICS,
	.init = metrics_init,
	.apply = metrics_apply,
	.status = metrics_status,
	.shutdown = metrics_shutdown,
	.dispatch = metrics_dispatch,
};
