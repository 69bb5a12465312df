/*
 * drill-client: the client of the failover drill, what a user of the virtual service sees.
 *
 *   drill-client [-n STREAMS] [-r RATE] [-i INTERVAL_MS] [-b BUCKET_MS] [-t TIMEOUT_MS] [-d SECONDS]
 *                [-o TIMELINE] [-e EVENTS] [-w READY] ADDR PORT
 *
 * It opens STREAMS long-lived TCP connections to ADDR:PORT; each sends a line every INTERVAL_MS and
 * waits for its answer before the next (drill-server answers "NAME line"). Once every stream has had
 * its first answer it writes READY (one line per stream: index, local port, real server), then also
 * opens RATE new connections a second, each one request and one answer within TIMEOUT_MS, then closed.
 * It runs until SIGTERM or SIGINT, or for SECONDS.
 *
 * TIMELINE gets one CSV line per BUCKET_MS, written as each bucket ends:
 *   time,alive,answers,new_ok,new_failed,broken,max_wait_ms
 * time: the bucket's start (Unix time, ms precision); alive: streams open at its end; answers: answers
 * received on streams; new_ok, new_failed: new connections answered / failed (timeout or error) in it;
 * broken: streams that ended in it (reset, closed, or a wrong answer); max_wait_ms: how long the most
 * delayed stream had been waiting for its answer at the bucket's end.
 *
 * EVENTS gets one line per failure, then a summary, each starting with the Unix time:
 *   T stream K broken ERRNO after N answers port P server S
 *   T new ID failed ERRNO|timeout started T0
 *   T summary streams N alive N broken N answers N new_ok N new_failed N longest_wait_ms N
 *   T stream K port P server S answers N longest_wait_ms N (ended T1) last_answer T2 state STATE
 *   T servers NAME N NAME N ...      (new connections answered, per real server)
 *
 * Exit status: 0 if no stream broke, 1 if one did, 2 on bad usage, 3 if the streams could not be set up.
 * Everything is non-blocking on one epoll loop: qemu TCG may stall it, so no timing is exact, but every
 * count is.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_S UINT64_C(1000000000)
#define LINE_LEN 128
#define SETUP_LIMIT_NS (30 * NS_PER_S)
#define MAX_SERVERS 16

enum kind { K_STREAM, K_NEW, K_SIGNAL };

enum stream_state { S_CONNECTING, S_IDLE, S_WAITING, S_BROKEN };

static const char *const state_names[] = { "connecting", "idle", "waiting", "broken" };

struct stream {
	enum kind kind;
	int fd;
	unsigned index;
	enum stream_state state;
	unsigned port;
	uint64_t seq;
	uint64_t next_send, sent_at, last_answer;
	uint64_t longest_wait, longest_wait_end;
	unsigned long answers;
	char server[40];
	size_t inlen;
	char in[LINE_LEN];
};

struct newconn {
	enum kind kind;
	int fd;
	uint64_t id, started;
	bool sent;
	struct newconn *prev, *next;
	size_t inlen;
	char in[LINE_LEN];
};

struct bucket {
	uint64_t answers, new_ok, new_failed, broken;
};

static struct {
	struct addrinfo *ai;
	int epfd;
	unsigned nstreams;
	struct stream *streams;
	struct newconn *pending;	/* new connections in flight */
	uint64_t rate, interval, bucket_ns, timeout, duration;
	uint64_t mono0, real0;		/* to print monotonic times as Unix times */
	uint64_t next_new, new_ids;
	uint64_t bucket_start;
	struct bucket b;
	FILE *timeline, *events;
	bool ready;
	/* totals */
	uint64_t answers, new_ok, new_failed, broken;
	struct {
		char name[40];
		uint64_t n;
	} servers[MAX_SERVERS];
	unsigned nservers;
} D;

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Unix time in ms of a monotonic instant, as "S.mmm" */
static const char *
stamp(uint64_t mono, char buf[32])
{
	uint64_t ms = (D.real0 + (mono - D.mono0)) / NS_PER_MS;

	snprintf(buf, 32, "%" PRIu64 ".%03" PRIu64, ms / 1000, ms % 1000);
	return buf;
}

static void __attribute__((format(printf, 2, 3)))
event(uint64_t when, const char *fmt, ...)
{
	char ts[32];
	va_list ap;

	fprintf(D.events, "%s ", stamp(when, ts));
	va_start(ap, fmt);
	vfprintf(D.events, fmt, ap);
	va_end(ap);
	fputc('\n', D.events);
	fflush(D.events);
}

static void
fatal_errno(const char *what)
{
	fprintf(stderr, "drill-client: %s: %s\n", what, strerror(errno));
	exit(3);
}

static int
watch(int fd, int op, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	return epoll_ctl(D.epfd, op, fd, &ev);
}

static int
connect_nonblock(void)
{
	int fd = socket(D.ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	if (connect(fd, D.ai->ai_addr, D.ai->ai_addrlen) == -1 && errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
socket_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return errno;
	return err;
}

static const char *
errname(int err)
{
	const char *n = err > 0 ? strerrorname_np(err) : NULL;

	return n != NULL ? n : "EIO";
}

/*
 * Reads what arrived; returns 1 with the first complete line in line (without "\n", the rest kept), 0
 * if no line is complete yet, -1 with errno set on EOF (0 then), error or an over-long line.
 */
static int
read_line(int fd, char *in, size_t *inlen, char *line, size_t size)
{
	char *nl;

	if ((nl = memchr(in, '\n', *inlen)) == NULL) {
		ssize_t n = recv(fd, in + *inlen, LINE_LEN - *inlen, 0);

		if (n == 0) {
			errno = 0;
			return -1;
		}
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		*inlen += (size_t)n;
		if ((nl = memchr(in, '\n', *inlen)) == NULL) {
			if (*inlen == LINE_LEN) {
				errno = EMSGSIZE;
				return -1;
			}
			return 0;
		}
	}
	size_t len = (size_t)(nl - in);

	snprintf(line, size, "%.*s", (int)len, in);
	memmove(in, nl + 1, *inlen - len - 1);
	*inlen -= len + 1;
	return 1;
}

/* ---- streams ---- */

static unsigned
streams_alive(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < D.nstreams; i++)
		n += D.streams[i].state != S_BROKEN;
	return n;
}

static void
stream_break(struct stream *s, int err, uint64_t now)
{
	if (s->state == S_BROKEN)
		return;
	event(now, "stream %u broken %s after %lu answers port %u server %s", s->index,
	      err == 0 ? "EOF" : errname(err), s->answers, s->port, s->server[0] ? s->server : "-");
	s->state = S_BROKEN;
	close(s->fd);
	s->fd = -1;
	if (D.ready) {
		D.b.broken++;
		D.broken++;
	}
}

static void
stream_send(struct stream *s, uint64_t now)
{
	char line[LINE_LEN];
	int len = snprintf(line, sizeof(line), "S%u:%" PRIu64 "\n", s->index, ++s->seq);
	ssize_t n = send(s->fd, line, (size_t)len, MSG_NOSIGNAL);

	if (n != len) {
		/* one short line with nothing else in flight: anything but a full write is a failure */
		stream_break(s, n == -1 ? errno : EAGAIN, now);
		return;
	}
	s->state = S_WAITING;
	s->sent_at = now;
	s->next_send = now + D.interval;
}

static void
stream_answer(struct stream *s, const char *line, uint64_t now)
{
	char want[LINE_LEN], server[40];
	int off = 0;

	snprintf(want, sizeof(want), "S%u:%" PRIu64, s->index, s->seq);
	if (s->state != S_WAITING || sscanf(line, "%39s %n", server, &off) != 1 || off == 0 ||
	    strcmp(line + off, want) != 0 || (s->server[0] != '\0' && strcmp(server, s->server) != 0)) {
		event(now, "stream %u: unexpected answer '%s' (waiting for '%s' from %s)", s->index, line, want,
		      s->server[0] ? s->server : "any server");
		stream_break(s, EPROTO, now);
		return;
	}
	if (s->server[0] == '\0')
		snprintf(s->server, sizeof(s->server), "%s", server);
	if (now - s->sent_at > s->longest_wait) {
		s->longest_wait = now - s->sent_at;
		s->longest_wait_end = now;
	}
	s->answers++;
	s->last_answer = now;
	s->state = S_IDLE;
	if (D.ready) {
		D.b.answers++;
		D.answers++;
	}
	/* the next request goes INTERVAL after the last one, or at once after a long wait */
	if (s->next_send < now)
		s->next_send = now;
}

static void
stream_event(struct stream *s, uint32_t events, uint64_t now)
{
	char line[LINE_LEN];
	int r;

	if (s->state == S_BROKEN)
		return;
	if (s->state == S_CONNECTING) {
		int err = socket_error(s->fd);
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		if (err == 0 && !(events & EPOLLOUT))
			return;
		if (err != 0 || getsockname(s->fd, (struct sockaddr *)&ss, &len) == -1) {
			stream_break(s, err ? err : errno, now);
			return;
		}
		s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
							   ((struct sockaddr_in *)&ss)->sin_port);
		if (watch(s->fd, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP, s) == -1) {
			stream_break(s, errno, now);
			return;
		}
		s->state = S_IDLE;
		/* spread the streams' requests over the interval rather than all at once */
		s->next_send = now + D.interval * s->index / D.nstreams;
		return;
	}
	if (events & EPOLLERR) {
		int err = socket_error(s->fd);

		stream_break(s, err ? err : EIO, now);
		return;
	}
	while (s->state != S_BROKEN && (r = read_line(s->fd, s->in, &s->inlen, line, sizeof(line))) != 0) {
		if (r == -1) {
			stream_break(s, errno, now);
			return;
		}
		stream_answer(s, line, now);
	}
}

/* ---- new connections ---- */

static void
server_count(const char *name)
{
	for (unsigned i = 0; i < D.nservers; i++) {
		if (strcmp(D.servers[i].name, name) == 0) {
			D.servers[i].n++;
			return;
		}
	}
	if (D.nservers < MAX_SERVERS) {
		snprintf(D.servers[D.nservers].name, sizeof(D.servers[0].name), "%s", name);
		D.servers[D.nservers++].n = 1;
	}
}

static void
newconn_end(struct newconn *c, const char *failure, uint64_t now)
{
	char ts[32];

	if (failure != NULL) {
		event(now, "new %" PRIu64 " failed %s started %s", c->id, failure, stamp(c->started, ts));
		D.b.new_failed++;
		D.new_failed++;
	} else {
		D.b.new_ok++;
		D.new_ok++;
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		D.pending = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->fd != -1)
		close(c->fd);
	free(c);
}

static void
newconn_start(uint64_t now)
{
	struct newconn *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		fprintf(stderr, "drill-client: out of memory\n");
		exit(3);
	}
	c->kind = K_NEW;
	c->id = ++D.new_ids;
	c->started = now;
	c->next = D.pending;
	if (D.pending != NULL)
		D.pending->prev = c;
	D.pending = c;
	if ((c->fd = connect_nonblock()) == -1 || watch(c->fd, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN | EPOLLRDHUP, c) == -1)
		newconn_end(c, errname(errno), now);
}

static void
newconn_event(struct newconn *c, uint32_t events, uint64_t now)
{
	char line[LINE_LEN], want[LINE_LEN], server[40];
	int r, off = 0, err;

	if ((err = socket_error(c->fd)) != 0 || (events & EPOLLERR)) {
		newconn_end(c, errname(err ? err : EIO), now);
		return;
	}
	if (!c->sent && (events & EPOLLOUT)) {
		int len = snprintf(line, sizeof(line), "N%" PRIu64 "\n", c->id);

		if (send(c->fd, line, (size_t)len, MSG_NOSIGNAL) != len) {
			newconn_end(c, errname(errno), now);
			return;
		}
		c->sent = true;
		if (watch(c->fd, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP, c) == -1) {
			newconn_end(c, errname(errno), now);
			return;
		}
	}
	if (!c->sent)
		return;
	if ((r = read_line(c->fd, c->in, &c->inlen, line, sizeof(line))) == 0)
		return;
	if (r == -1) {
		newconn_end(c, errno == 0 ? "EOF" : errname(errno), now);
		return;
	}
	snprintf(want, sizeof(want), "N%" PRIu64, c->id);
	if (sscanf(line, "%39s %n", server, &off) != 1 || off == 0 || strcmp(line + off, want) != 0) {
		newconn_end(c, "wrong-answer", now);
		return;
	}
	server_count(server);
	newconn_end(c, NULL, now);
}

/* ---- the timeline ---- */

static uint64_t
max_wait(uint64_t at)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < D.nstreams; i++) {
		const struct stream *s = &D.streams[i];

		if (s->state == S_WAITING && at > s->sent_at && at - s->sent_at > m)
			m = at - s->sent_at;
	}
	return m;
}

/* Writes every bucket that ended before now. */
static void
buckets_flush(uint64_t now)
{
	char ts[32];

	while (D.ready && now >= D.bucket_start + D.bucket_ns) {
		uint64_t end = D.bucket_start + D.bucket_ns;

		fprintf(D.timeline, "%s,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
			stamp(D.bucket_start, ts), streams_alive(), D.b.answers, D.b.new_ok, D.b.new_failed,
			D.b.broken, max_wait(end) / NS_PER_MS);
		memset(&D.b, 0, sizeof(D.b));
		D.bucket_start = end;
	}
	fflush(D.timeline);
}

/* ---- set-up and the loop ---- */

static void
streams_open(void)
{
	if ((D.streams = calloc(D.nstreams, sizeof(*D.streams))) == NULL) {
		fprintf(stderr, "drill-client: out of memory\n");
		exit(3);
	}
	for (unsigned i = 0; i < D.nstreams; i++) {
		struct stream *s = &D.streams[i];

		s->kind = K_STREAM;
		s->index = i;
		if ((s->fd = connect_nonblock()) == -1)
			fatal_errno("connect");
		if (watch(s->fd, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN | EPOLLRDHUP, s) == -1)
			fatal_errno("epoll_ctl");
	}
}

/* Once every stream had its first answer: READY, then the timeline and new connections start. */
static void
check_ready(const char *ready_path, uint64_t now)
{
	FILE *f;

	for (unsigned i = 0; i < D.nstreams; i++) {
		if (D.streams[i].state == S_BROKEN) {
			fprintf(stderr, "drill-client: stream %u failed while being set up\n", i);
			exit(3);
		}
		if (D.streams[i].answers == 0)
			return;
	}
	if (ready_path != NULL) {
		if ((f = fopen(ready_path, "w")) == NULL)
			fatal_errno(ready_path);
		for (unsigned i = 0; i < D.nstreams; i++)
			fprintf(f, "%u %u %s\n", i, D.streams[i].port, D.streams[i].server);
		if (fclose(f) == EOF)
			fatal_errno(ready_path);
	}
	fprintf(D.timeline, "time,alive,answers,new_ok,new_failed,broken,max_wait_ms\n");
	D.ready = true;
	D.bucket_start = now;
	D.next_new = now;
}

static uint64_t
next_due(uint64_t now)
{
	uint64_t due = now + NS_PER_S;

	if (D.ready) {
		if (D.bucket_start + D.bucket_ns < due)
			due = D.bucket_start + D.bucket_ns;
		if (D.rate > 0 && D.next_new < due)
			due = D.next_new;
	}
	for (unsigned i = 0; i < D.nstreams; i++)
		if (D.streams[i].state == S_IDLE && D.streams[i].next_send < due)
			due = D.streams[i].next_send;
	for (const struct newconn *c = D.pending; c != NULL; c = c->next)
		if (c->started + D.timeout < due)
			due = c->started + D.timeout;
	return due;
}

static void
timers_run(uint64_t now)
{
	struct newconn *c, *next;

	for (unsigned i = 0; i < D.nstreams; i++)
		if (D.streams[i].state == S_IDLE && D.streams[i].next_send <= now)
			stream_send(&D.streams[i], now);
	for (c = D.pending; c != NULL; c = next) {
		next = c->next;
		if (now - c->started >= D.timeout)
			newconn_end(c, "timeout", now);
	}
	if (D.ready && D.rate > 0) {
		/* after a stall of the whole guest, catch up at most one second's worth, not a burst */
		if (now > D.next_new + NS_PER_S)
			D.next_new = now - NS_PER_S;
		while (D.next_new <= now) {
			newconn_start(now);
			D.next_new += NS_PER_S / D.rate;
		}
	}
}

static void
summary(uint64_t now)
{
	char t1[32], t2[32];

	uint64_t longest = 0;

	for (unsigned i = 0; i < D.nstreams; i++)
		if (D.streams[i].longest_wait > longest)
			longest = D.streams[i].longest_wait;
	event(now, "summary streams %u alive %u broken %" PRIu64 " answers %" PRIu64 " new_ok %" PRIu64
	      " new_failed %" PRIu64 " longest_wait_ms %" PRIu64, D.nstreams, streams_alive(), D.broken, D.answers,
	      D.new_ok, D.new_failed, longest / NS_PER_MS);
	for (unsigned i = 0; i < D.nstreams; i++) {
		const struct stream *s = &D.streams[i];

		event(now, "stream %u port %u server %s answers %lu longest_wait_ms %" PRIu64 " (ended %s) "
		      "last_answer %s state %s", i, s->port, s->server[0] ? s->server : "-", s->answers,
		      s->longest_wait / NS_PER_MS, s->longest_wait_end ? stamp(s->longest_wait_end, t1) : "-",
		      s->last_answer ? stamp(s->last_answer, t2) : "-", state_names[s->state]);
	}
	fprintf(D.events, "%s servers", stamp(now, t1));
	for (unsigned i = 0; i < D.nservers; i++)
		fprintf(D.events, " %s %" PRIu64, D.servers[i].name, D.servers[i].n);
	fputc('\n', D.events);
	fflush(D.events);
}

static uint64_t
number(const char *s, uint64_t min, uint64_t max, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "drill-client: %s must be a number from %" PRIu64 " to %" PRIu64 "\n", what, min, max);
		exit(2);
	}
	return v;
}

static FILE *
open_out(const char *path)
{
	FILE *f;

	if (path == NULL)
		return stdout;
	if ((f = fopen(path, "w")) == NULL)
		fatal_errno(path);
	return f;
}

static void
usage(void)
{
	fprintf(stderr, "usage: drill-client [-n STREAMS] [-r RATE] [-i INTERVAL_MS] [-b BUCKET_MS] "
		"[-t TIMEOUT_MS] [-d SECONDS] [-o TIMELINE] [-e EVENTS] [-w READY] ADDR PORT\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	const char *timeline = NULL, *events = NULL, *ready = NULL;
	struct epoll_event evs[64];
	struct timespec ts;
	sigset_t stop;
	int opt, sfd, r;
	enum kind sig_kind = K_SIGNAL;
	bool running = true;
	uint64_t now, setup_end, end = 0;

	D.nstreams = 20;
	D.rate = 20;
	D.interval = 100 * NS_PER_MS;
	D.bucket_ns = 100 * NS_PER_MS;
	D.timeout = 3000 * NS_PER_MS;
	while ((opt = getopt(argc, argv, "n:r:i:b:t:d:o:e:w:")) != -1) {
		switch (opt) {
		case 'n': D.nstreams = (unsigned)number(optarg, 0, 10000, "STREAMS"); break;
		case 'r': D.rate = number(optarg, 0, 10000, "RATE"); break;
		case 'i': D.interval = number(optarg, 1, 3600000, "INTERVAL_MS") * NS_PER_MS; break;
		case 'b': D.bucket_ns = number(optarg, 10, 3600000, "BUCKET_MS") * NS_PER_MS; break;
		case 't': D.timeout = number(optarg, 1, 3600000, "TIMEOUT_MS") * NS_PER_MS; break;
		case 'd': D.duration = number(optarg, 1, 86400, "SECONDS") * NS_PER_S; break;
		case 'o': timeline = optarg; break;
		case 'e': events = optarg; break;
		case 'w': ready = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if ((r = getaddrinfo(argv[optind], argv[optind + 1], &hints, &D.ai)) != 0) {
		fprintf(stderr, "drill-client: %s port %s: %s\n", argv[optind], argv[optind + 1], gai_strerror(r));
		return 2;
	}
	D.timeline = open_out(timeline);
	D.events = open_out(events);

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) == -1 || (sfd = signalfd(-1, &stop, SFD_CLOEXEC)) == -1)
		fatal_errno("signalfd");
	if ((D.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal_errno("epoll_create1");
	if (watch(sfd, EPOLL_CTL_ADD, EPOLLIN, &sig_kind) == -1)
		fatal_errno("epoll_ctl");
	clock_gettime(CLOCK_REALTIME, &ts);
	D.mono0 = mono_ns();
	D.real0 = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
	setup_end = D.mono0 + SETUP_LIMIT_NS;
	streams_open();

	while (running) {
		uint64_t due;
		int n;

		now = mono_ns();
		if (!D.ready) {
			check_ready(ready, now);
			if (!D.ready && now >= setup_end) {
				fprintf(stderr, "drill-client: the streams did not all answer within %" PRIu64 " s\n",
					SETUP_LIMIT_NS / NS_PER_S);
				return 3;
			}
			if (D.ready && D.duration > 0)
				end = now + D.duration;
		}
		buckets_flush(now);
		if (end != 0 && now >= end)
			break;
		due = next_due(now);
		if (end != 0 && end < due)
			due = end;
		n = epoll_wait(D.epfd, evs, 64, due > now ? (int)((due - now + NS_PER_MS - 1) / NS_PER_MS) : 0);
		if (n == -1 && errno != EINTR)
			fatal_errno("epoll_wait");
		now = mono_ns();
		buckets_flush(now);
		for (int i = 0; i < n; i++) {
			enum kind *k = evs[i].data.ptr;

			if (*k == K_SIGNAL)
				running = false;
			else if (*k == K_STREAM)
				stream_event((struct stream *)k, evs[i].events, now);
			else
				newconn_event((struct newconn *)k, evs[i].events, now);
		}
		timers_run(now);
	}

	now = mono_ns();
	buckets_flush(now);
	summary(now);
	while (D.pending != NULL) {
		struct newconn *c = D.pending;

		D.pending = c->next;
		if (c->fd != -1)
			close(c->fd);
		free(c);
	}
	for (unsigned i = 0; i < D.nstreams; i++)
		if (D.streams[i].fd != -1)
			close(D.streams[i].fd);
	r = D.broken > 0 || streams_alive() < D.nstreams ? 1 : 0;
	free(D.streams);
	freeaddrinfo(D.ai);
	close(D.epfd);
	close(sfd);
	if (D.timeline != stdout)
		fclose(D.timeline);
	if (D.events != stdout)
		fclose(D.events);
	return r;
}
