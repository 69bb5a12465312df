/*
 * Typed messages over SOCK_SEQPACKET: the kernel keeps datagram boundaries, so each datagram is one
 * header and its payload, and only messages larger than a datagram need reassembly.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lib/ipc.h"
#include "lib/log.h"

#define IPC_MIB ((size_t)1024 * 1024)
/* Enough for a few dozen datagrams in flight; the kernel caps it at net.core.[wr]mem_max. */
#define IPC_SOCKBUF ((int)IPC_MIB)
/* The first allocation of the reassembly buffer; it doubles from there. */
#define IPC_RBUF_MIN 4096

/* A queued datagram. The queue is circular and peer->outq points at its tail, so that both appending
 * and taking the head are O(1) with a single pointer in struct ipc_peer. */
struct ipc_outq {
	struct ipc_outq *next;
	size_t len;
	unsigned char buf[];
};

/* A payload given in two parts (ipc_send2), read as one. */
struct ipc_parts {
	const unsigned char *p[2];
	size_t l[2];
};

static const struct ipc_type_info ipc_types[IPC_TYPE_MAX] = {
	[IPC_CFG_BEGIN] = { "CFG_BEGIN", sizeof(struct ipc_cfg_mark), sizeof(struct ipc_cfg_mark) },
	[IPC_CFG_STRINGS] = { "CFG_STRINGS", 1, STRTAB_MAX },
	[IPC_CFG_OBJECT] = { "CFG_OBJECT", sizeof(struct ipc_cfg_object),
	    sizeof(struct ipc_cfg_object) + IPC_MIB },
	[IPC_CFG_END] = { "CFG_END", sizeof(struct ipc_cfg_mark), sizeof(struct ipc_cfg_mark) },
	[IPC_CFG_UNCHANGED] = { "CFG_UNCHANGED", sizeof(struct ipc_cfg_unchanged), sizeof(struct ipc_cfg_unchanged) },
	[IPC_CFG_APPLIED] = { "CFG_APPLIED", sizeof(struct ipc_cfg_applied), sizeof(struct ipc_cfg_applied) },
	[IPC_STATUS] = { "STATUS", 2, 16 * IPC_MIB },
	[IPC_RS_STATE] = { "RS_STATE", sizeof(struct ipc_rs_state), sizeof(struct ipc_rs_state) },
	[IPC_VRRP_STATE] = { "VRRP_STATE", sizeof(struct ipc_vrrp_state), sizeof(struct ipc_vrrp_state) },
	[IPC_BFD_STATE] = { "BFD_STATE", sizeof(struct ipc_bfd_state), sizeof(struct ipc_bfd_state) },
	[IPC_PING] = { "PING", sizeof(struct ipc_ping), sizeof(struct ipc_ping) },
	[IPC_PONG] = { "PONG", sizeof(struct ipc_ping), sizeof(struct ipc_ping) },
	[IPC_STATUS_ASK] = { "STATUS_ASK", sizeof(struct ipc_status_ask), sizeof(struct ipc_status_ask) },
	/* every child's status at once: several of them can be megabytes (the checkers' real servers) */
	[IPC_STATUS_ALL] = { "STATUS_ALL", sizeof(struct ipc_status_ask) + 2, 64 * IPC_MIB },
};

const struct ipc_type_info *
ipc_type_info(uint16_t type)
{
	if (type == IPC_NONE || type >= IPC_TYPE_MAX)
		return NULL;
	return &ipc_types[type];
}

const char *
ipc_type_name(uint16_t type)
{
	const struct ipc_type_info *info = ipc_type_info(type);

	return info != NULL ? info->name : "UNKNOWN";
}

static const char *
ipc_peer_name(const struct ipc_peer *peer)
{
	return peer->name != NULL ? peer->name : "peer";
}

/* ---- channel ---- */

static void
ipc_sockbuf(int fd)
{
	int size = IPC_SOCKBUF;

	/* Only a wish: the defaults also work, just with more EAGAIN on large messages. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) == -1)
		log_debug("ipc: SO_SNDBUF: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) == -1)
		log_debug("ipc: SO_RCVBUF: %s", strerror(errno));
}

int
ipc_socketpair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == -1) {
		log_warn("socketpair");
		return -1;
	}
	ipc_sockbuf(fds[0]);
	ipc_sockbuf(fds[1]);
	return 0;
}

void
ipc_peer_init(struct ipc_peer *peer, int fd, const char *name)
{
	memset(peer, 0, sizeof(*peer));
	peer->fd = fd;
	peer->name = name;
	peer->rtype = IPC_NONE;
}

/* ---- output queue ---- */

static struct ipc_outq *
ipc_outq_push(struct ipc_outq *tail, struct ipc_outq *d)
{
	if (tail == NULL) {
		d->next = d;
	} else {
		d->next = tail->next;
		tail->next = d;
	}
	return d;
}

/* Joins two circular queues, b after a, and returns the new tail. */
static struct ipc_outq *
ipc_outq_splice(struct ipc_outq *a, struct ipc_outq *b)
{
	struct ipc_outq *head_a;

	if (a == NULL)
		return b;
	head_a = a->next;
	a->next = b->next;
	b->next = head_a;
	return b;
}

static void
ipc_outq_free(struct ipc_outq *tail)
{
	struct ipc_outq *d, *next;

	if (tail == NULL)
		return;
	d = tail->next;
	tail->next = NULL;
	for (; d != NULL; d = next) {
		next = d->next;
		free(d);
	}
}

void
ipc_peer_close(struct ipc_peer *peer)
{
	ipc_outq_free(peer->outq);
	peer->outq = NULL;
	peer->outq_bytes = 0;
	free(peer->rbuf);
	peer->rbuf = NULL;
	peer->rlen = peer->rcap = 0;
	peer->rtype = IPC_NONE;
	peer->rdiscard = false;
	if (peer->fd >= 0)
		close(peer->fd);
	peer->fd = -1;
}

bool
ipc_pending(const struct ipc_peer *peer)
{
	return peer->outq != NULL;
}

/* ---- sending ---- */

static void
ipc_parts_copy(unsigned char *dst, const struct ipc_parts *src, size_t off, size_t len)
{
	for (int i = 0; i < 2 && len > 0; i++) {
		size_t n;

		if (off >= src->l[i]) {
			off -= src->l[i];
			continue;
		}
		n = src->l[i] - off < len ? src->l[i] - off : len;
		memcpy(dst, src->p[i] + off, n);
		dst += n;
		len -= n;
		off = 0;
	}
}

static struct ipc_outq *
ipc_dgram_new(uint16_t type, bool more, const struct ipc_parts *src, size_t off, size_t len)
{
	struct ipc_hdr hdr = { .type = type, .flags = more ? IPC_F_MORE : 0, .len = (uint32_t)len };
	struct ipc_outq *d = malloc(sizeof(*d) + sizeof(hdr) + len);

	if (d == NULL)
		return NULL;
	d->next = NULL;
	d->len = sizeof(hdr) + len;
	memcpy(d->buf, &hdr, sizeof(hdr));
	ipc_parts_copy(d->buf + sizeof(hdr), src, off, len);
	return d;
}

/* All the datagrams of one message, as a circular queue (its tail), or NULL if memory ran out. */
static struct ipc_outq *
ipc_fragment(uint16_t type, const struct ipc_parts *src, size_t len, size_t *bytes)
{
	struct ipc_outq *tail = NULL, *d;
	size_t off = 0, chunk;

	*bytes = 0;
	do {
		chunk = len - off < IPC_MAX_PAYLOAD ? len - off : IPC_MAX_PAYLOAD;
		d = ipc_dgram_new(type, off + chunk < len, src, off, chunk);
		if (d == NULL) {
			ipc_outq_free(tail);
			return NULL;
		}
		tail = ipc_outq_push(tail, d);
		*bytes += d->len;
		off += chunk;
	} while (off < len);
	return tail;
}

static bool
ipc_send_valid(const struct ipc_peer *peer, uint16_t type, const struct ipc_parts *src)
{
	const struct ipc_type_info *info = ipc_type_info(type);
	size_t len = src->l[0] + src->l[1];

	if (info == NULL) {
		log_warnx("ipc %s: refusing to send a message of unknown type %u", ipc_peer_name(peer), type);
		return false;
	}
	if (src->l[1] > SIZE_MAX - src->l[0] || len < info->min_len || len > info->max_len) {
		log_warnx("ipc %s: refusing to send %s of %zu+%zu bytes (allowed %zu..%zu)", ipc_peer_name(peer),
		    info->name, src->l[0], src->l[1], info->min_len, info->max_len);
		return false;
	}
	if ((src->l[0] > 0 && src->p[0] == NULL) || (src->l[1] > 0 && src->p[1] == NULL)) {
		log_warnx("ipc %s: refusing to send %s without its payload", ipc_peer_name(peer), info->name);
		return false;
	}
	return true;
}

int
ipc_send2(struct ipc_peer *peer, uint16_t type, const void *p1, size_t l1, const void *p2, size_t l2)
{
	struct ipc_parts src = { .p = { p1, p2 }, .l = { l1, l2 } };
	struct ipc_outq *msg;
	size_t bytes;

	if (!ipc_send_valid(peer, type, &src)) {
		errno = EINVAL;
		return -1;
	}
	/* Built whole before queueing, so running out of memory never leaves half a message queued. */
	msg = ipc_fragment(type, &src, l1 + l2, &bytes);
	if (msg == NULL) {
		log_warn("ipc %s: %s of %zu bytes", ipc_peer_name(peer), ipc_type_name(type), l1 + l2);
		return -1;
	}
	peer->outq = ipc_outq_splice(peer->outq, msg);
	peer->outq_bytes += bytes;
	(void)ipc_flush(peer);
	return 0;
}

int
ipc_send(struct ipc_peer *peer, uint16_t type, const void *payload, size_t len)
{
	return ipc_send2(peer, type, payload, len, NULL, 0);
}

static void
ipc_outq_pop(struct ipc_peer *peer)
{
	struct ipc_outq *tail = peer->outq, *head = tail->next;
	struct ipc_hdr hdr;

	memcpy(&hdr, head->buf, sizeof(hdr));
	if (!(hdr.flags & IPC_F_MORE))
		peer->msgs_out++;
	if (head == tail)
		peer->outq = NULL;
	else
		tail->next = head->next;
	peer->outq_bytes -= head->len;
	free(head);
}

int
ipc_flush(struct ipc_peer *peer)
{
	while (peer->outq != NULL) {
		struct ipc_outq *head = peer->outq->next;
		ssize_t n = send(peer->fd, head->buf, head->len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n == -1)
			return -1;
		if ((size_t)n != head->len) {
			/* cannot happen on SOCK_SEQPACKET; the receiver would reject the piece anyway */
			errno = EMSGSIZE;
			return -1;
		}
		ipc_outq_pop(peer);
	}
	return 0;
}

/* ---- a configuration ---- */

/* The objects of one kind, as many to a datagram as fit (one alone if it is bigger: it is fragmented). */
static int
ipc_send_kind(struct ipc_peer *peer, const struct config *conf, unsigned kind, unsigned char *stage)
{
	const struct cfg_kind_info *ki = cfg_kind_info(kind);
	struct ipc_cfg_object hdr = { .kind = (uint16_t)kind, .size = (uint32_t)ki->size };
	size_t per = (IPC_MAX_PAYLOAD - sizeof(hdr)) / ki->size;

	if (per == 0)
		per = 1;
	for (size_t i = 0; i < conf->count[kind]; i += per) {
		size_t n = conf->count[kind] - i < per ? conf->count[kind] - i : per;
		const void *body = conf->objs[kind][i];

		if (n > 1) {
			for (size_t j = 0; j < n; j++)
				memcpy(stage + j * ki->size, conf->objs[kind][i + j], ki->size);
			body = stage;
		}
		if (ipc_send2(peer, IPC_CFG_OBJECT, &hdr, sizeof(hdr), body, n * ki->size) == -1)
			return -1;
	}
	return 0;
}

int
ipc_send_config(struct ipc_peer *peer, const struct config *conf, enum child_kind child)
{
	struct ipc_cfg_mark mark = { .generation = conf->generation };
	unsigned char *stage = malloc(IPC_MAX_PAYLOAD);
	size_t slen;
	const void *strings = strtab_data(&conf->strings, &slen);
	int r;

	if (stage == NULL)
		return -1;
	r = ipc_send(peer, IPC_CFG_BEGIN, &mark, sizeof(mark));
	if (r == 0)
		r = ipc_send(peer, IPC_CFG_STRINGS, strings, slen);
	for (unsigned k = 0; k < CFG_KIND_MAX && r == 0; k++)
		if (cfg_kind_info(k)->children & CHILD_BIT(child))
			r = ipc_send_kind(peer, conf, k, stage);
	if (r == 0)
		r = ipc_send(peer, IPC_CFG_END, &mark, sizeof(mark));
	free(stage);
	return r;
}

int
ipc_config_take(struct config *conf, const struct ipc_msg *msg, enum child_kind child)
{
	struct ipc_cfg_object hdr;
	const struct cfg_kind_info *ki;
	size_t body;

	if (msg->type == IPC_CFG_STRINGS)
		return config_load_strings(conf, msg->data, msg->len);
	if (msg->type != IPC_CFG_OBJECT || msg->len < sizeof(hdr))
		return -1;
	memcpy(&hdr, msg->data, sizeof(hdr));
	body = msg->len - sizeof(hdr);
	ki = cfg_kind_info(hdr.kind);
	if (ki == NULL || !(ki->children & CHILD_BIT(child)) || hdr.size != ki->size || body == 0 ||
	    body % hdr.size != 0)
		return -1;
	return config_add_copies(conf, hdr.kind, (const char *)msg->data + sizeof(hdr), hdr.size, body / hdr.size);
}

/* ---- receiving ---- */

const char *
ipc_check_datagram(const void *buf, size_t n, bool truncated)
{
	struct ipc_hdr hdr;

	if (truncated || n > IPC_CHUNK)
		return "datagram larger than IPC_CHUNK";
	if (n < sizeof(hdr))
		return "datagram shorter than a header";
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.len != n - sizeof(hdr))
		return "header length does not match the datagram";
	if (ipc_type_info(hdr.type) == NULL)
		return "unknown type";
	if (hdr.flags & ~IPC_F_MORE)
		return "unknown flags";
	return NULL;
}

/* A malformed datagram: whatever message was being reassembled may have lost a piece to it. */
static enum ipc_result
ipc_reject_datagram(struct ipc_peer *peer, const uint8_t *buf, size_t n, const char *reason)
{
	struct ipc_hdr hdr;

	if (n >= sizeof(hdr)) {
		memcpy(&hdr, buf, sizeof(hdr));
		log_warnx("ipc %s: rejected a datagram of %zu bytes (type %u, flags %#x, length %" PRIu32 "): %s",
		    ipc_peer_name(peer), n, hdr.type, hdr.flags, hdr.len, reason);
	} else {
		log_warnx("ipc %s: rejected a datagram of %zu bytes: %s", ipc_peer_name(peer), n, reason);
	}
	peer->rejected++;
	if (peer->rtype != IPC_NONE)
		peer->rdiscard = true;
	peer->rlen = 0;
	return IPC_REJECTED;
}

/* Drops the message this datagram belongs to; with more to come, its remaining fragments too. */
static enum ipc_result
ipc_drop(struct ipc_peer *peer, uint16_t type, bool more)
{
	peer->rejected++;
	peer->rlen = 0;
	peer->rdiscard = more;
	peer->rtype = more ? type : IPC_NONE;
	return IPC_REJECTED;
}

static enum ipc_result
ipc_reject_msg(struct ipc_peer *peer, uint16_t type, bool more, const char *reason)
{
	log_warnx("ipc %s: rejected a %s message: %s", ipc_peer_name(peer), ipc_type_name(type), reason);
	return ipc_drop(peer, type, more);
}

/*
 * Fragments of two messages interleaved: the sender never does that, so neither is trusted. The partial one
 * is dropped, and so is the intruder, with the rest of it if it is fragmented too.
 */
static enum ipc_result
ipc_reject_switch(struct ipc_peer *peer, uint16_t type, bool more)
{
	log_warnx("ipc %s: rejected a partial %s message and the %s that interrupted it", ipc_peer_name(peer),
	    ipc_type_name(peer->rtype), ipc_type_name(type));
	return ipc_drop(peer, type, more);
}

static int
ipc_reserve(struct ipc_peer *peer, size_t need, size_t limit)
{
	size_t cap = peer->rcap > 0 ? peer->rcap : IPC_RBUF_MIN;
	uint8_t *p;

	if (need <= peer->rcap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > limit)
		cap = limit;
	p = realloc(peer->rbuf, cap);
	if (p == NULL)
		return -1;
	peer->rbuf = p;
	peer->rcap = cap;
	return 0;
}

static enum ipc_result
ipc_deliver(struct ipc_peer *peer, const struct ipc_type_info *info, uint16_t type, struct ipc_msg *msg)
{
	peer->rtype = IPC_NONE;
	if (peer->rlen < info->min_len)
		return ipc_reject_msg(peer, type, false, "shorter than the type's minimum");
	peer->msgs_in++;
	msg->type = type;
	msg->data = peer->rbuf;
	msg->len = peer->rlen;
	return IPC_OK;
}

static enum ipc_result
ipc_assemble(struct ipc_peer *peer, const struct ipc_hdr *hdr, const uint8_t *payload, struct ipc_msg *msg)
{
	const struct ipc_type_info *info = ipc_type_info(hdr->type);
	bool more = hdr->flags & IPC_F_MORE;

	if (peer->rdiscard && hdr->type == peer->rtype) {
		if (!more) {
			peer->rdiscard = false;
			peer->rtype = IPC_NONE;
		}
		return IPC_AGAIN;
	}
	if (peer->rdiscard) {
		/* another type: the discarded message ended without its last fragment; this one is new */
		peer->rdiscard = false;
		peer->rtype = IPC_NONE;
	}
	if (peer->rtype == IPC_NONE)
		peer->rlen = 0;		/* the last message delivered is no longer needed */
	else if (hdr->type != peer->rtype)
		return ipc_reject_switch(peer, hdr->type, more);
	if (hdr->len > info->max_len - peer->rlen)
		return ipc_reject_msg(peer, hdr->type, more, "larger than the type's maximum");
	if (ipc_reserve(peer, peer->rlen + hdr->len, info->max_len) == -1)
		return ipc_reject_msg(peer, hdr->type, more, "out of memory");
	if (hdr->len > 0)
		memcpy(peer->rbuf + peer->rlen, payload, hdr->len);
	peer->rlen += hdr->len;
	peer->rtype = hdr->type;
	if (more)
		return IPC_AGAIN;
	return ipc_deliver(peer, info, hdr->type, msg);
}

/* One datagram into buf; *truncated if it did not fit. Returns its length, 0 at EOF, -1 on error. */
static ssize_t
ipc_recv(int fd, void *buf, size_t size, bool *truncated)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	do {
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
	} while (n == -1 && errno == EINTR);
	*truncated = n >= 0 && (mh.msg_flags & MSG_TRUNC);
	return n;
}

enum ipc_result
ipc_read(struct ipc_peer *peer, struct ipc_msg *msg)
{
	/* one byte more than any valid datagram, so that an oversized one shows even without MSG_TRUNC */
	uint8_t dg[IPC_CHUNK + 1];
	struct ipc_hdr hdr;
	const char *reason;
	bool truncated;
	ssize_t n = ipc_recv(peer->fd, dg, sizeof(dg), &truncated);

	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return IPC_AGAIN;
	if (n == 0 || (n == -1 && errno == ECONNRESET))
		return IPC_CLOSED;
	if (n == -1)
		return IPC_ERROR;
	reason = ipc_check_datagram(dg, (size_t)n, truncated);
	if (reason != NULL)
		return ipc_reject_datagram(peer, dg, (size_t)n, reason);
	memcpy(&hdr, dg, sizeof(hdr));
	return ipc_assemble(peer, &hdr, dg + sizeof(hdr), msg);
}
