/*
 * The IPVS generic netlink transport. libnl opens the socket and resolves the family; requests and replies
 * then go through our own sendmsg/recvmsg so that every step is explicit: sequence and port id checked on
 * each reply, EINTR retried, large receive buffers, and batches of many requests per sendmsg whose ACKs are
 * matched by sequence number (100k objects cost a few hundred system calls, not 100k round trips).
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

#define RBUF_SIZE (64 * 1024)		/* the kernel's dump datagrams stay under 32 KiB */
#define RCVBUF_WANT (8 * 1024 * 1024)
#define SEND_CHUNK (64 * 1024)
#define ACK_TRUESIZE 1024		/* what one queued ACK costs in the receive buffer, roughly */

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

int
ipvs_nl_open(struct ipvs_nl *nl, bool modprobe, char *err, size_t errlen)
{
	int one = 1, size = RCVBUF_WANT;
	int r;

	memset(nl, 0, sizeof(*nl));
	nl->fd = -1;
	nl->sk = nl_socket_alloc();
	nl->rbuf = malloc(RBUF_SIZE);
	if (nl->sk == NULL || nl->rbuf == NULL) {
		snprintf(err, errlen, "out of memory");
		ipvs_nl_close(nl);
		return -ENOMEM;
	}
	nl->rbuf_size = RBUF_SIZE;
	r = genl_connect(nl->sk);
	if (r < 0) {
		snprintf(err, errlen, "generic netlink socket: %s", nl_geterror(r));
		ipvs_nl_close(nl);
		return -EIO;
	}
	nl->fd = nl_socket_get_fd(nl->sk);
	nl->family = genl_ctrl_resolve(nl->sk, IPVS_GENL_NAME);
	if (nl->family < 0 && modprobe && run_modprobe() == 0)
		nl->family = genl_ctrl_resolve(nl->sk, IPVS_GENL_NAME);
	if (nl->family < 0) {
		snprintf(err, errlen, "the kernel has no IPVS (generic netlink family %s not found)", IPVS_GENL_NAME);
		ipvs_nl_close(nl);
		return -ENOENT;
	}
	/* root may exceed rmem_max: big batches queue one ACK per request before we read them */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	/* errors without the request echoed back: ACKs stay small */
	(void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = nl_socket_get_local_port(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void
ipvs_nl_close(struct ipvs_nl *nl)
{
	if (nl->sk != NULL)
		nl_socket_free(nl->sk);
	free(nl->rbuf);
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
send_all(struct ipvs_nl *nl, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(nl->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EMSGSIZE;
	return 0;
}

/* One datagram from the kernel; its length, or a negative errno. */
static ssize_t
recv_one(struct ipvs_nl *nl)
{
	struct sockaddr_nl sa;
	struct iovec iov = { nl->rbuf, nl->rbuf_size };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		n = recvmsg(nl->fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* only the kernel speaks on this socket; anything else is ignored */
		if (mh.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
			continue;
		return n;
	}
}

static void
stamp(struct ipvs_nl *nl, struct nlmsghdr *h, bool dump)
{
	h->nlmsg_seq = ++nl->seq;
	h->nlmsg_pid = nl->portid;
	h->nlmsg_flags |= NLM_F_REQUEST;
	if (!dump)
		h->nlmsg_flags |= NLM_F_ACK;
}

int
ipvs_nl_request(struct ipvs_nl *nl, struct nl_msg *m, ipvs_nl_msg_cb cb, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	uint8_t cmd = ((struct genlmsghdr *)nlmsg_data(h))->cmd;
	uint32_t seq;
	int r, result = 0;

	stamp(nl, h, dump);
	seq = h->nlmsg_seq;
	r = send_all(nl, h, h->nlmsg_len);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n = recv_one(nl);
		struct nlmsghdr *rh;
		int left;

		if (n < 0)
			return (int)n;
		left = (int)n;
		for (rh = (struct nlmsghdr *)nl->rbuf; nlmsg_ok(rh, left); rh = nlmsg_next(rh, &left)) {
			if (rh->nlmsg_seq != seq || rh->nlmsg_pid != nl->portid)
				continue;	/* a stale reply of an earlier, abandoned request */
			if (rh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(rh);

				if (rh->nlmsg_len < (uint32_t)nlmsg_size(sizeof(*e)))
					return -EBADMSG;
				if (e->error == 0 && !dump && cmd != IPVS_CMD_GET_SERVICE &&
				    cmd != IPVS_CMD_GET_INFO && cmd != IPVS_CMD_GET_CONFIG && cmd != IPVS_CMD_GET_DAEMON)
					nl->writes++;
				if (e->error)
					nl->errors++;
				return e->error ? e->error : result;
			}
			if (rh->nlmsg_type == NLMSG_DONE)
				return result;
			if (rh->nlmsg_type == nl->family && cb != NULL && result == 0)
				result = cb(rh, arg);
		}
	}
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
	stamp(nl, h, false);
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
		ssize_t n = recv_one(nl);
		struct nlmsghdr *rh;
		int left;

		if (n < 0)
			return (int)n;
		left = (int)n;
		for (rh = (struct nlmsghdr *)nl->rbuf; nlmsg_ok(rh, left); rh = nlmsg_next(rh, &left)) {
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
		r = send_all(nl, b->buf + start_off, off - start_off);
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
