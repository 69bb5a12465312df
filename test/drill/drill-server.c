/*
 * drill-server ADDR PORT NAME: the real server of the failover drill.
 *
 * Answers every line a client sends with "NAME line", so the client can tell which real server holds
 * each of its connections. One epoll loop, any number of connections; a health check that connects and
 * closes is just a connection without lines. SIGTERM or SIGINT stops it; it then prints what it saw on
 * stderr (connections accepted, and how many ended with an error rather than a close: a reset here is
 * the server's view of a broken stream).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_LEN 256
#define OUT_MAX (4 * LINE_MAX_LEN)

struct conn {
	struct conn *prev, *next;	/* every open connection, to free them at exit */
	int fd;
	size_t inlen, outlen;
	char in[LINE_MAX_LEN];
	char out[OUT_MAX];
};

static const char *name;
static int epfd;
static struct conn *conns;
static unsigned long accepted, closed, errored, lines;

static void
die(const char *what)
{
	fprintf(stderr, "drill-server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
conn_close(struct conn *c, int err)
{
	if (err != 0) {
		errored++;
		fprintf(stderr, "drill-server %s: connection ended with %s\n", name, strerrorname_np(err));
	} else {
		closed++;
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	close(c->fd);
	free(c);
}

static int
conn_watch(struct conn *c, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | (c->outlen > 0 ? EPOLLOUT : 0), .data.ptr = c };

	return epoll_ctl(epfd, op, c->fd, &ev);
}

/* Sends what is queued; the output only waits when the client stops reading. */
static int
conn_flush(struct conn *c)
{
	while (c->outlen > 0) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);

		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : errno;
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	return 0;
}

/* Each complete line is answered; a line too long for the buffer is a protocol error. */
static int
conn_answer(struct conn *c)
{
	char *nl;

	while ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
		size_t len = (size_t)(nl - c->in) + 1;
		int n = snprintf(c->out + c->outlen, OUT_MAX - c->outlen, "%s %.*s", name, (int)len, c->in);

		if (n < 0 || (size_t)n >= OUT_MAX - c->outlen)
			return EMSGSIZE;
		c->outlen += (size_t)n;
		lines++;
		memmove(c->in, c->in + len, c->inlen - len);
		c->inlen -= len;
	}
	return c->inlen == sizeof(c->in) ? EMSGSIZE : 0;
}

static void
conn_event(struct conn *c, uint32_t events)
{
	int err = 0;
	socklen_t elen = sizeof(err);

	if (events & EPOLLERR) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 || err == 0)
			err = EIO;
		conn_close(c, err);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP)) {
		ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

		if (n == 0) {
			conn_close(c, 0);
			return;
		}
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				conn_close(c, errno);
			return;
		}
		c->inlen += (size_t)n;
		if ((err = conn_answer(c)) != 0) {
			conn_close(c, err);
			return;
		}
	}
	if ((err = conn_flush(c)) != 0 || conn_watch(c, EPOLL_CTL_MOD) == -1) {
		conn_close(c, err ? err : errno);
		return;
	}
}

static void
accept_all(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd == -1) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				fprintf(stderr, "drill-server %s: accept: %s\n", name, strerror(errno));
			return;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			fprintf(stderr, "drill-server %s: out of memory, connection refused\n", name);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->next = conns;
		if (conns != NULL)
			conns->prev = c;
		conns = c;
		accepted++;
		if (conn_watch(c, EPOLL_CTL_ADD) == -1)
			conn_close(c, errno);
	}
}

static unsigned long
open_count(void)
{
	unsigned long n = 0;

	for (const struct conn *c = conns; c != NULL; c = c->next)
		n++;
	return n;
}

static int
listen_on(const char *addr, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int fd, one = 1, r;

	if ((r = getaddrinfo(addr, port, &hints, &ai)) != 0) {
		fprintf(stderr, "drill-server: %s port %s: %s\n", addr, port, gai_strerror(r));
		exit(2);
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		die("SO_REUSEADDR");
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		die("bind");
	if (listen(fd, 4096) == -1)
		die("listen");
	freeaddrinfo(ai);
	return fd;
}

int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[64];
	sigset_t stop;
	int lfd, sfd;
	bool running = true;

	if (argc != 4) {
		fprintf(stderr, "usage: drill-server ADDR PORT NAME\n");
		return 2;
	}
	name = argv[3];
	if (strlen(name) > 32) {
		fprintf(stderr, "drill-server: NAME is at most 32 characters\n");
		return 2;
	}
	lfd = listen_on(argv[1], argv[2]);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) == -1 || (sfd = signalfd(-1, &stop, SFD_CLOEXEC)) == -1)
		die("signalfd");
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = &lfd };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) == -1)
		die("epoll_ctl");
	ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = &sfd };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev) == -1)
		die("epoll_ctl");
	while (running) {
		int n = epoll_wait(epfd, evs, 64, -1);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &lfd)
				accept_all(lfd);
			else if (evs[i].data.ptr == &sfd)
				running = false;
			else
				conn_event(evs[i].data.ptr, evs[i].events);
		}
	}
	fprintf(stderr, "drill-server %s: %lu connections accepted, %lu closed, %lu ended with an error, "
		"%lu lines answered, %lu still open\n", name, accepted, closed, errored, lines, open_count());
	while (conns != NULL)
		conn_close(conns, 0);
	close(epfd);
	close(sfd);
	close(lfd);
	return 0;
}
