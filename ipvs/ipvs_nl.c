/*
 * The IPVS generic netlink transport. libnl opens the socket and resolves the family; requests and replies
 * then go through our own sendmsg/recvmmsg so that every step is explicit: sequence and port id checked on
 * each reply, EINTR retried, and batches of many requests per sendmsg whose ACKs are matched by sequence
 * number and read many per system call (100k objects cost a few hundred system calls, not 100k round
 * trips).
 *
 * Replies are read one page at a time, never more: the kernel sizes each dump's buffers to the largest
 * read the socket has seen (up to 32 KiB), and with init_on_alloc (Debian's default) it clears every one
 * of them. A table's re-adoption is one GET_DEST dump per service, two buffers each: with 64 KiB reads
 * that was over a GB cleared for 10,000 services.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "ipvs/ipvs_int.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define RX_VLEN 64			/* datagrams read by one recvmmsg */
/* What the kernel's dump buffers grow to at most (32 KiB less its overhead), for the service dump */
#define BIG_READ (32 * 1024)
#define BIG_VLEN 8
#define RCVBUF_WANT (8 * 1024 * 1024)
#define SEND_CHUNK (64 * 1024)
#define ACK_TRUESIZE 1024		/* what one queued ACK costs in the receive buffer, roughly */

/* A socket and the buffers it is read with: many datagrams per recvmmsg, each of dgram_len at most. */
struct ipvs_rx {
	int fd;
	uint32_t portid;
	size_t dgram_len;
	unsigned vlen;			/* datagrams per read, at most RX_VLEN */
	unsigned count;			/* datagrams in the last read */
	uint8_t *buf;			/* vlen datagrams of dgram_len */
	struct mmsghdr mm[RX_VLEN];
	struct iovec iov[RX_VLEN];
	struct sockaddr_nl from[RX_VLEN];
};

static void
rx_close(struct ipvs_rx *rx)
{
	if (rx == NULL)
		return;
	if (rx->fd >= 0)
		close(rx->fd);
	free(rx->buf);
	free(rx);
}

/* A generic netlink socket of ours; NULL with errno set. */
static struct ipvs_rx *
rx_open(size_t dgram_len, unsigned vlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	struct ipvs_rx *rx = calloc(1, sizeof(*rx));

	if (rx == NULL)
		return NULL;
	rx->dgram_len = dgram_len;
	rx->vlen = vlen;
	if ((rx->buf = malloc(vlen * dgram_len)) == NULL ||
	    (rx->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC)) < 0 ||
	    bind(rx->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || getsockname(rx->fd, (struct sockaddr *)&sa, &len) < 0) {
		int err = errno;

		if (rx->buf == NULL)
			rx->fd = -1;
		rx_close(rx);
		errno = err;
		return NULL;
	}
	rx->portid = sa.nl_pid;
	return rx;
}

const char *
ipvs_cmd_name(uint8_t cmd)
{
	static const char *const names[] = {
		[IPVS_CMD_NEW_SERVICE] = "NEW_SERVICE", [IPVS_CMD_SET_SERVICE] = "SET_SERVICE",
		[IPVS_CMD_DEL_SERVICE] = "DEL_SERVICE", [IPVS_CMD_GET_SERVICE] = "GET_SERVICE",
		[IPVS_CMD_NEW_DEST] = "NEW_DEST", [IPVS_CMD_SET_DEST] = "SET_DEST", [IPVS_CMD_DEL_DEST] = "DEL_DEST",
		[IPVS_CMD_GET_DEST] = "GET_DEST", [IPVS_CMD_NEW_DAEMON] = "NEW_DAEMON",
		[IPVS_CMD_DEL_DAEMON] = "DEL_DAEMON", [IPVS_CMD_GET_DAEMON] = "GET_DAEMON",
		[IPVS_CMD_SET_CONFIG] = "SET_CONFIG", [IPVS_CMD_GET_CONFIG] = "GET_CONFIG",
		[IPVS_CMD_SET_INFO] = "SET_INFO", [IPVS_CMD_GET_INFO] = "GET_INFO", [IPVS_CMD_ZERO] = "ZERO",
		[IPVS_CMD_FLUSH] = "FLUSH",
	};

	return cmd < sizeof(names) / sizeof(names[0]) && names[cmd] ? names[cmd] : "?";
}

static int
run_modprobe(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/sbin/modprobe", "modprobe", "-q", "--", "ip_vs", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The kernel's smallest dump buffer is a page (at most 8 KiB) less its overhead: a read of that always fits. */
static size_t
small_read(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 && page < 8192 ? (size_t)page : 8192;
}

int
ipvs_nl_open(struct ipvs_nl *nl, bool modprobe, char *err, size_t errlen)
{
	int one = 1, size = RCVBUF_WANT;
	int r;

	memset(nl, 0, sizeof(*nl));
	nl->fd = -1;
	nl->sk = nl_socket_alloc();
	if (nl->sk == NULL) {
		snprintf(err, errlen, "out of memory");
		ipvs_nl_close(nl);
		return -ENOMEM;
	}
	r = genl_connect(nl->sk);
	if (r < 0) {
		snprintf(err, errlen, "generic netlink socket: %s", nl_geterror(r));
		ipvs_nl_close(nl);
		return -EIO;
	}
	nl->family = genl_ctrl_resolve(nl->sk, IPVS_GENL_NAME);
	if (nl->family < 0 && modprobe && run_modprobe() == 0)
		nl->family = genl_ctrl_resolve(nl->sk, IPVS_GENL_NAME);
	if (nl->family < 0) {
		snprintf(err, errlen, "the kernel has no IPVS (generic netlink family %s not found)", IPVS_GENL_NAME);
		ipvs_nl_close(nl);
		return -ENOENT;
	}
	/* libnl read the family with its own, larger buffers: the requests get a socket no read has
	 * enlarged the kernel's dump buffers of (see the top of this file) */
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	if ((nl->rx = rx_open(small_read(), RX_VLEN)) == NULL) {
		r = -errno;
		snprintf(err, errlen, "generic netlink socket: %s", strerror(errno));
		ipvs_nl_close(nl);
		return r;
	}
	nl->fd = nl->rx->fd;
	nl->portid = nl->rx->portid;
	/* root may exceed rmem_max: big batches queue one ACK per request before we read them */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	/* errors without the request echoed back: ACKs stay small */
	(void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void
ipvs_nl_close(struct ipvs_nl *nl)
{
	if (nl->sk != NULL)
		nl_socket_free(nl->sk);
	rx_close(nl->rx);
	rx_close(nl->dump_rx);
	memset(nl, 0, sizeof(*nl));
	nl->fd = -1;
}

static int
rcvbuf_ops(const struct ipvs_nl *nl)
{
	int size = 0;
	socklen_t len = sizeof(size);

	if (getsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, &len) < 0 || size < 64 * ACK_TRUESIZE)
		return 64;
	return size / ACK_TRUESIZE / 2;
}

static int
send_all(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EMSGSIZE;
	return 0;
}

/*
 * Waits for a datagram and reads it with whatever else is queued, up to RX_VLEN: a dump's next buffer is
 * made as the previous one is read, so one call takes a whole small dump, its end included. Returns the
 * number of datagrams, or a negative errno.
 */
static int
rx_read(struct ipvs_rx *rx)
{
	int n;

	for (unsigned i = 0; i < rx->vlen; i++) {
		rx->iov[i] = (struct iovec){ rx->buf + i * rx->dgram_len, rx->dgram_len };
		rx->mm[i].msg_hdr = (struct msghdr){ .msg_name = &rx->from[i], .msg_namelen = sizeof(rx->from[i]),
						     .msg_iov = &rx->iov[i], .msg_iovlen = 1 };
	}
	do
		n = recvmmsg(rx->fd, rx->mm, rx->vlen, MSG_WAITFORONE, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	rx->count = (unsigned)n;
	for (unsigned i = 0; i < rx->count; i++)
		if (rx->mm[i].msg_hdr.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
	return n;
}

/* Datagram i of the last read, or NULL if it did not come from the kernel (only the kernel speaks here). */
static struct nlmsghdr *
rx_datagram(const struct ipvs_rx *rx, unsigned i, int *len)
{
	if (rx->mm[i].msg_hdr.msg_namelen != sizeof(rx->from[i]) || rx->from[i].nl_pid != 0)
		return NULL;
	*len = (int)rx->mm[i].msg_len;
	return (struct nlmsghdr *)(rx->buf + i * rx->dgram_len);
}

static void
stamp(struct ipvs_nl *nl, uint32_t portid, struct nlmsghdr *h, bool dump)
{
	h->nlmsg_seq = ++nl->seq;
	h->nlmsg_pid = portid;
	h->nlmsg_flags |= NLM_F_REQUEST;
	if (!dump)
		h->nlmsg_flags |= NLM_F_ACK;
}

/* What a request waits for: the end of its reply, each message of which goes to cb. */
struct reply {
	uint32_t seq, portid;
	bool dump;
	uint8_t cmd;
	ipvs_nl_msg_cb cb;
	void *arg;
	int result;
	bool done;
};

static void
reply_messages(struct ipvs_nl *nl, struct reply *rp, struct nlmsghdr *rh, int left)
{
	for (; !rp->done && nlmsg_ok(rh, left); rh = nlmsg_next(rh, &left)) {
		if (rh->nlmsg_seq != rp->seq || rh->nlmsg_pid != rp->portid)
			continue;	/* a stale reply of an earlier, abandoned request */
		if (rh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = nlmsg_data(rh);

			rp->done = true;
			if (rh->nlmsg_len < (uint32_t)nlmsg_size(sizeof(*e))) {
				rp->result = -EBADMSG;
				return;
			}
			if (e->error == 0 && !rp->dump && rp->cmd != IPVS_CMD_GET_SERVICE && rp->cmd != IPVS_CMD_GET_INFO &&
			    rp->cmd != IPVS_CMD_GET_CONFIG && rp->cmd != IPVS_CMD_GET_DAEMON)
				nl->writes++;
			if (e->error) {
				nl->errors++;
				rp->result = e->error;
			}
		} else if (rh->nlmsg_type == NLMSG_DONE) {
			rp->done = true;
		} else if (rh->nlmsg_type == nl->family && rp->cb != NULL && rp->result == 0) {
			rp->result = rp->cb(rh, rp->arg);
		}
	}
}

int
ipvs_nl_request(struct ipvs_nl *nl, struct nl_msg *m, ipvs_nl_msg_cb cb, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct reply rp = { .dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP,
			    .cmd = ((struct genlmsghdr *)nlmsg_data(h))->cmd, .cb = cb, .arg = arg };
	struct ipvs_rx *rx = nl->rx;
	int r;

	/* the kernel dumps services starting over from the first one for each buffer it fills: small
	 * buffers would make a table of 10,000 services hundreds of passes; big ones have their socket */
	if (rp.dump && rp.cmd == IPVS_CMD_GET_SERVICE) {
		if (nl->dump_rx == NULL && (nl->dump_rx = rx_open(BIG_READ, BIG_VLEN)) == NULL)
			return -errno;
		rx = nl->dump_rx;
	}
	stamp(nl, rx->portid, h, rp.dump);
	rp.seq = h->nlmsg_seq;
	rp.portid = rx->portid;
	if ((r = send_all(rx->fd, h, h->nlmsg_len)) < 0)
		return r;
	while (!rp.done) {
		int n = rx_read(rx);

		if (n < 0)
			return n;
		for (unsigned d = 0; d < (unsigned)n && !rp.done; d++) {
			int len;
			struct nlmsghdr *rh = rx_datagram(rx, d, &len);

			if (rh != NULL)
				reply_messages(nl, &rp, rh, len);
		}
	}
	return rp.result;
}

void
ipvs_batch_init(struct ipvs_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void
ipvs_batch_free(struct ipvs_batch *b)
{
	free(b->buf);
	free(b->ops);
	memset(b, 0, sizeof(*b));
}

int
ipvs_batch_add(struct ipvs_nl *nl, struct ipvs_batch *b, struct nl_msg *m, size_t tag)
{
	struct nlmsghdr *src = nlmsg_hdr(m);
	size_t len = NLMSG_ALIGN(src->nlmsg_len);
	struct nlmsghdr *h;

	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64 * 1024;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->buf, cap);
		if (p == NULL)
			return -ENOMEM;
		b->buf = p;
		b->cap = cap;
	}
	if (b->nops == b->opcap) {
		size_t cap = b->opcap ? b->opcap * 2 : 256;
		struct ipvs_batch_op *p = realloc(b->ops, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		b->ops = p;
		b->opcap = cap;
	}
	h = (struct nlmsghdr *)(b->buf + b->len);
	memcpy(h, src, src->nlmsg_len);
	memset((uint8_t *)h + src->nlmsg_len, 0, len - src->nlmsg_len);
	stamp(nl, nl->portid, h, false);
	b->ops[b->nops].seq = h->nlmsg_seq;
	b->ops[b->nops].cmd = ((struct genlmsghdr *)nlmsg_data(h))->cmd;
	b->ops[b->nops].tag = tag;
	b->nops++;
	b->len += len;
	return 0;
}

/* Reads ACKs until ops [from, to) are all answered. Returns failures or a negative errno. */
static int
batch_collect(struct ipvs_nl *nl, struct ipvs_batch *b, size_t from, size_t to, ipvs_batch_err_cb cb, void *arg)
{
	size_t answered = 0;
	uint32_t first = b->ops[from].seq;
	int failed = 0;

	while (answered < to - from) {
		int n = rx_read(nl->rx);

		if (n < 0)
			return n;
		for (unsigned d = 0; d < (unsigned)n; d++) {
			struct nlmsghdr *rh;
			int left;

			if ((rh = rx_datagram(nl->rx, d, &left)) == NULL)
				continue;
			for (; nlmsg_ok(rh, left); rh = nlmsg_next(rh, &left)) {
				struct nlmsgerr *e = nlmsg_data(rh);
				size_t i = from + (rh->nlmsg_seq - first);

				if (rh->nlmsg_type != NLMSG_ERROR || rh->nlmsg_pid != nl->portid || i < from || i >= to ||
				    rh->nlmsg_len < (uint32_t)nlmsg_size(sizeof(*e)))
					continue;
				answered++;
				if (e->error == 0) {
					nl->writes++;
					continue;
				}
				nl->errors++;
				failed++;
				if (cb != NULL)
					cb(&b->ops[i], e->error, arg);
			}
		}
	}
	return failed;
}

int
ipvs_batch_run(struct ipvs_nl *nl, struct ipvs_batch *b, ipvs_batch_err_cb cb, void *arg)
{
	size_t max_ops = (size_t)rcvbuf_ops(nl);
	size_t off = 0, i = 0;
	int failed = 0, r = 0;

	while (i < b->nops) {
		size_t start = i, start_off = off;

		/* a chunk: up to SEND_CHUNK bytes and as many requests as ACKs fit in the receive buffer */
		while (i < b->nops && i - start < max_ops) {
			size_t len = NLMSG_ALIGN(((struct nlmsghdr *)(b->buf + off))->nlmsg_len);

			if (off + len - start_off > SEND_CHUNK && i > start)
				break;
			off += len;
			i++;
		}
		r = send_all(nl->fd, b->buf + start_off, off - start_off);
		if (r < 0)
			break;
		r = batch_collect(nl, b, start, i, cb, arg);
		if (r < 0)
			break;
		failed += r;
		r = 0;
	}
	b->len = 0;
	b->nops = 0;
	return r < 0 ? r : failed;
}

/* ---- the table ---- */

void
ipvs_table_free(struct ipvs_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	memset(t, 0, sizeof(*t));
}

struct ipvs_svc_entry *
ipvs_table_add_svc(struct ipvs_table *t, const struct ipvs_svc *s)
{
	struct ipvs_svc_entry *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct ipvs_svc_entry *p = realloc(t->svcs, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		t->svcs = p;
		t->cap = cap;
	}
	e = &t->svcs[t->n++];
	memset(e, 0, sizeof(*e));
	e->svc = *s;
	return e;
}

struct ipvs_dest *
ipvs_entry_add_dest(struct ipvs_svc_entry *e, const struct ipvs_dest *d)
{
	if (e->ndests == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 4;
		struct ipvs_dest *p = realloc(e->dests, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		e->dests = p;
		e->cap = cap;
	}
	e->dests[e->ndests] = *d;
	return &e->dests[e->ndests++];
}

struct ipvs_svc_entry *
ipvs_table_find(const struct ipvs_table *t, const struct ipvs_svc *s)
{
	for (size_t i = 0; i < t->n; i++)
		if (ipvs_svc_same(&t->svcs[i].svc, s))
			return &t->svcs[i];
	return NULL;
}

struct ipvs_dest *
ipvs_entry_find_dest(const struct ipvs_svc_entry *e, const struct ipvs_dest *d)
{
	for (size_t i = 0; i < e->ndests; i++)
		if (ipvs_dest_same(&e->dests[i], d))
			return &e->dests[i];
	return NULL;
}

static int
svc_entry_cmp(const void *a, const void *b)
{
	return ipvs_svc_cmp(&((const struct ipvs_svc_entry *)a)->svc, &((const struct ipvs_svc_entry *)b)->svc);
}

static int
dest_cmp(const void *a, const void *b)
{
	return ipvs_dest_cmp(a, b);
}

void
ipvs_table_sort(struct ipvs_table *t)
{
	if (t->n > 1)
		qsort(t->svcs, t->n, sizeof(t->svcs[0]), svc_entry_cmp);
	for (size_t i = 0; i < t->n; i++)
		if (t->svcs[i].ndests > 1)
			qsort(t->svcs[i].dests, t->svcs[i].ndests, sizeof(struct ipvs_dest), dest_cmp);
}

/* ---- commands ---- */

static int
svc_dump_cb(const void *nlh, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct ipvs_svc s;

	if (ipvs_msg_attrs(nlh, tb, IPVS_CMD_ATTR_MAX) < 0 || tb[IPVS_CMD_ATTR_SERVICE] == NULL ||
	    ipvs_msg_parse_svc(tb[IPVS_CMD_ATTR_SERVICE], &s) < 0)
		return -EBADMSG;
	return ipvs_table_add_svc(arg, &s) != NULL ? 0 : -ENOMEM;
}

static int
dest_dump_cb(const void *nlh, void *arg)
{
	struct ipvs_svc_entry *e = arg;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct ipvs_dest d;

	if (ipvs_msg_attrs(nlh, tb, IPVS_CMD_ATTR_MAX) < 0 || tb[IPVS_CMD_ATTR_DEST] == NULL ||
	    ipvs_msg_parse_dest(tb[IPVS_CMD_ATTR_DEST], e->svc.af, &d) < 0)
		return -EBADMSG;
	return ipvs_entry_add_dest(e, &d) != NULL ? 0 : -ENOMEM;
}

static int
request(struct ipvs_nl *nl, struct nl_msg *m, ipvs_nl_msg_cb cb, void *arg)
{
	int r = ipvs_nl_request(nl, m, cb, arg);

	nlmsg_free(m);
	return r;
}

int
ipvs_get_dests(struct ipvs_nl *nl, struct ipvs_svc_entry *e)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_GET_DEST, NLM_F_DUMP);

	e->ndests = 0;
	if (m == NULL || ipvs_msg_put_svc(m, &e->svc, false) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return request(nl, m, dest_dump_cb, e);
}

int
ipvs_get_table(struct ipvs_nl *nl, struct ipvs_table *t, bool with_dests)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	int r;

	memset(t, 0, sizeof(*t));
	if (m == NULL)
		return -ENOMEM;
	r = request(nl, m, svc_dump_cb, t);
	for (size_t i = 0; r == 0 && with_dests && i < t->n; i++)
		r = ipvs_get_dests(nl, &t->svcs[i]);
	if (r < 0)
		ipvs_table_free(t);
	return r;
}

static int
svc_one_cb(const void *nlh, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	if (ipvs_msg_attrs(nlh, tb, IPVS_CMD_ATTR_MAX) < 0 || tb[IPVS_CMD_ATTR_SERVICE] == NULL ||
	    ipvs_msg_parse_svc(tb[IPVS_CMD_ATTR_SERVICE], arg) < 0)
		return -EBADMSG;
	return 0;
}

int
ipvs_get_service(struct ipvs_nl *nl, const struct ipvs_svc *key, struct ipvs_svc_entry *out)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_GET_SERVICE, 0);
	int r;

	memset(out, 0, sizeof(*out));
	if (m == NULL || ipvs_msg_put_svc(m, key, false) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	r = request(nl, m, svc_one_cb, &out->svc);
	if (r == 0 && out->svc.af == 0)
		r = -ESRCH;
	if (r == 0)
		r = ipvs_get_dests(nl, out);
	return r;
}

static int
info_cb(const void *nlh, void *arg)
{
	struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];
	struct ipvs_info *info = arg;

	if (ipvs_msg_attrs(nlh, tb, IPVS_INFO_ATTR_MAX) < 0 || tb[IPVS_INFO_ATTR_VERSION] == NULL ||
	    tb[IPVS_INFO_ATTR_CONN_TAB_SIZE] == NULL)
		return -EBADMSG;
	info->version = nla_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
	info->conn_tab_size = nla_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
	return 0;
}

int
ipvs_get_info(struct ipvs_nl *nl, struct ipvs_info *info)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_GET_INFO, 0);

	memset(info, 0, sizeof(*info));
	return m == NULL ? -ENOMEM : request(nl, m, info_cb, info);
}

static int
timeouts_cb(const void *nlh, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct ipvs_timeouts *t = arg;

	if (ipvs_msg_attrs(nlh, tb, IPVS_CMD_ATTR_MAX) < 0)
		return -EBADMSG;
	if (tb[IPVS_CMD_ATTR_TIMEOUT_TCP])
		t->tcp = nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP]);
	if (tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN])
		t->tcpfin = nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
	if (tb[IPVS_CMD_ATTR_TIMEOUT_UDP])
		t->udp = nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_UDP]);
	return 0;
}

int
ipvs_get_timeouts(struct ipvs_nl *nl, struct ipvs_timeouts *t)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_GET_CONFIG, 0);

	memset(t, 0, sizeof(*t));
	return m == NULL ? -ENOMEM : request(nl, m, timeouts_cb, t);
}

int
ipvs_set_timeouts(struct ipvs_nl *nl, const struct ipvs_timeouts *t)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_SET_CONFIG, 0);

	if (m == NULL || ipvs_msg_put_timeouts(m, t) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return request(nl, m, NULL, NULL);
}

struct daemons {
	struct ipvs_daemon *d;
	int n, max;
};

static int
daemon_cb(const void *nlh, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct daemons *ds = arg;

	if (ipvs_msg_attrs(nlh, tb, IPVS_CMD_ATTR_MAX) < 0 || tb[IPVS_CMD_ATTR_DAEMON] == NULL)
		return -EBADMSG;
	if (ds->n < ds->max && ipvs_msg_parse_daemon(tb[IPVS_CMD_ATTR_DAEMON], &ds->d[ds->n]) == 0)
		ds->n++;
	return 0;
}

int
ipvs_get_daemons(struct ipvs_nl *nl, struct ipvs_daemon *d, int max)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, IPVS_CMD_GET_DAEMON, NLM_F_DUMP);
	struct daemons ds = { d, 0, max };
	int r;

	if (m == NULL)
		return -ENOMEM;
	r = request(nl, m, daemon_cb, &ds);
	return r < 0 ? r : ds.n;
}

static struct nl_msg *
svc_msg(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_svc *s)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, cmd, 0);
	bool full = cmd == IPVS_CMD_NEW_SERVICE || cmd == IPVS_CMD_SET_SERVICE;

	if (m != NULL && s != NULL && ipvs_msg_put_svc(m, s, full) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static struct nl_msg *
dest_msg(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_svc *s, const struct ipvs_dest *d)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, cmd, 0);

	if (m != NULL && (ipvs_msg_put_svc(m, s, false) < 0 || ipvs_msg_put_dest(m, d, cmd != IPVS_CMD_DEL_DEST) < 0)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

int
ipvs_svc_cmd(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_svc *s)
{
	struct nl_msg *m = svc_msg(nl, cmd, s);

	return m == NULL ? -ENOMEM : request(nl, m, NULL, NULL);
}

int
ipvs_dest_cmd(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_svc *s, const struct ipvs_dest *d)
{
	struct nl_msg *m = dest_msg(nl, cmd, s, d);

	return m == NULL ? -ENOMEM : request(nl, m, NULL, NULL);
}

int
ipvs_daemon_cmd(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_daemon *d)
{
	struct nl_msg *m = ipvs_msg_new(nl->family, cmd, 0);

	if (m == NULL || ipvs_msg_put_daemon(m, d, cmd == IPVS_CMD_NEW_DAEMON) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return request(nl, m, NULL, NULL);
}

int
ipvs_flush(struct ipvs_nl *nl)
{
	return ipvs_svc_cmd(nl, IPVS_CMD_FLUSH, NULL);
}

int
ipvs_batch_svc(struct ipvs_nl *nl, struct ipvs_batch *b, uint8_t cmd, const struct ipvs_svc *s, size_t tag)
{
	struct nl_msg *m = svc_msg(nl, cmd, s);
	int r;

	if (m == NULL)
		return -ENOMEM;
	r = ipvs_batch_add(nl, b, m, tag);
	nlmsg_free(m);
	return r;
}

int
ipvs_batch_dest(struct ipvs_nl *nl, struct ipvs_batch *b, uint8_t cmd, const struct ipvs_svc *s,
		const struct ipvs_dest *d, size_t tag)
{
	struct nl_msg *m = dest_msg(nl, cmd, s, d);
	int r;

	if (m == NULL)
		return -ENOMEM;
	r = ipvs_batch_add(nl, b, m, tag);
	nlmsg_free(m);
	return r;
}

void
ipvs_op_strerror(uint8_t cmd, int err, const struct ipvs_svc *s, const struct ipvs_dest *d, char *buf, size_t len)
{
	char sname[96] = "", dname[64] = "";
	const char *what = NULL;

	err = err < 0 ? -err : err;
	if (s != NULL)
		ipvs_svc_name(s, sname, sizeof(sname));
	if (d != NULL)
		ipvs_addrport(d->af, d->addr, d->port, dname, sizeof(dname));
	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE:
	case IPVS_CMD_SET_SERVICE:
		if (err == ENOENT && s != NULL) {
			if (s->pe[0])
				snprintf(buf, len, "service %s: no such scheduler '%s' or persistence engine '%s'",
					 sname, s->sched, s->pe);
			else
				snprintf(buf, len, "service %s: no such scheduler '%s'", sname, s->sched);
			return;
		}
		what = err == EEXIST ? "already exists" : err == ESRCH ? "no such service" : NULL;
		break;
	case IPVS_CMD_DEL_SERVICE:
	case IPVS_CMD_ZERO:
		what = err == ESRCH ? "no such service" : NULL;
		break;
	case IPVS_CMD_NEW_DEST:
	case IPVS_CMD_SET_DEST:
	case IPVS_CMD_DEL_DEST:
		what = err == ESRCH ? "no such service" : err == EEXIST ? "destination already exists" :
		       err == ENOENT ? "no such destination" :
		       err == ERANGE ? "weight below 0 or lower threshold above upper threshold" : NULL;
		if (d != NULL) {
			snprintf(buf, len, "service %s: destination %s: %s", sname, dname,
				 what != NULL ? what : strerror(err));
			return;
		}
		break;
	default:
		break;
	}
	if (s != NULL)
		snprintf(buf, len, "service %s: %s: %s", sname, ipvs_cmd_name(cmd), what != NULL ? what : strerror(err));
	else
		snprintf(buf, len, "%s: %s", ipvs_cmd_name(cmd), what != NULL ? what : strerror(err));
}
