/*
 * The event loop: epoll for descriptors, one timerfd for a min-heap of timers, one signalfd for signals.
 *
 * The loop's own descriptors (timerfd, signalfd) are dispatched like any watcher through watchers embedded
 * in struct ev_loop, so there is a single dispatch path.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "lib/event.h"
#include "lib/log.h"

/* Events fetched per epoll_wait; more simply wait for the next round (level-triggered). */
#define EV_MAX_EVENTS 64
/* Signals read per read() on the signalfd. */
#define EV_MAX_SIGINFO 16

struct ev_sig {
	ev_signal_cb cb;
	void *data;
};

struct ev_loop {
	int epfd;
	int tfd;
	int sfd;
	struct ev_io tio;		/* the timerfd */
	struct ev_io sio;		/* the signalfd */

	/* heap[1..nheap]; 1-based so a child of i is 2i and heap_index 0 can mean "not pending" */
	struct ev_timer **heap;
	size_t nheap, capheap;
	uint64_t seq;
	uint64_t armed;			/* deadline set on the timerfd; 0 = disarmed or already expired */

	sigset_t sigmask;
	struct ev_sig sigs[_NSIG];
	ev_child_cb child_cb;
	void *child_data;
	bool reap_pending;

	/*
	 * The epoll batch being dispatched. A callback may stop (and free) a watcher whose event is still
	 * further down this batch; ev_io_stop clears such entries so nothing reaches a stopped watcher.
	 */
	struct epoll_event events[EV_MAX_EVENTS];
	int nbatch, ibatch;
	bool dispatching;
	bool brk;
};

uint64_t
ev_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * EV_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- slow callbacks ---- */

static uint64_t
ev_ms(uint64_t ns)
{
	return ns / EV_NSEC_PER_MSEC;
}

static void
ev_slow_timer(const char *name, const struct ev_timer *t, uint64_t took)
{
	if (took <= EV_SLOW_CALLBACK_NS)
		return;
	if (name != NULL)
		log_warnx("slow callback: timer %s took %" PRIu64 " ms", name, ev_ms(took));
	else
		log_warnx("slow callback: timer %p took %" PRIu64 " ms", (const void *)t, ev_ms(took));
}

static void
ev_slow_fd(const char *what, int num, uint64_t took)
{
	if (took > EV_SLOW_CALLBACK_NS)
		log_warnx("slow callback: %s %d took %" PRIu64 " ms", what, num, ev_ms(took));
}

/* ---- descriptors ---- */

int
ev_io_start(struct ev_loop *loop, struct ev_io *io, int fd, uint32_t events, ev_io_cb cb, void *data)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (io->active)
		ev_io_stop(loop, io);
	io->fd = fd;
	io->events = events;
	io->cb = cb;
	io->data = data;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("epoll_ctl add fd %d", fd);
		return -1;
	}
	io->active = true;
	return 0;
}

int
ev_io_modify(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (!io->active) {
		errno = EINVAL;
		return -1;
	}
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) == -1) {
		log_warn("epoll_ctl mod fd %d", io->fd);
		return -1;
	}
	io->events = events;
	return 0;
}

static void
ev_batch_forget(struct ev_loop *loop, const struct ev_io *io)
{
	if (!loop->dispatching)
		return;
	for (int i = loop->ibatch + 1; i < loop->nbatch; i++)
		if (loop->events[i].data.ptr == io)
			loop->events[i].data.ptr = NULL;
}

void
ev_io_stop(struct ev_loop *loop, struct ev_io *io)
{
	if (!io->active)
		return;
	io->active = false;
	ev_batch_forget(loop, io);
	/* The fd may already be closed, which removed it from the epoll set: nothing left to do then. */
	if (epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL) == -1 && errno != EBADF && errno != ENOENT)
		log_warn("epoll_ctl del fd %d", io->fd);
}

static void
ev_io_call(struct ev_loop *loop, struct ev_io *io, uint32_t revents)
{
	int fd = io->fd;	/* the callback may free io */
	uint64_t start;

	if (io == &loop->tio || io == &loop->sio) {
		io->cb(io, revents);
		return;
	}
	start = ev_now();
	io->cb(io, revents);
	ev_slow_fd("fd", fd, ev_now() - start);
}

/* ---- timer heap ---- */

static bool
ev_timer_before(const struct ev_timer *a, const struct ev_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
ev_heap_set(struct ev_loop *loop, size_t i, struct ev_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void
ev_heap_up(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	while (i > 1 && ev_timer_before(t, loop->heap[i / 2])) {
		ev_heap_set(loop, i, loop->heap[i / 2]);
		i /= 2;
	}
	ev_heap_set(loop, i, t);
}

static void
ev_heap_down(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];
	size_t c;

	while ((c = 2 * i) <= loop->nheap) {
		if (c < loop->nheap && ev_timer_before(loop->heap[c + 1], loop->heap[c]))
			c++;
		if (!ev_timer_before(loop->heap[c], t))
			break;
		ev_heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	ev_heap_set(loop, i, t);
}

/* A timer whose key changed may have to go either way; at most one of the two moves it. */
static void
ev_heap_fix(struct ev_loop *loop, struct ev_timer *t)
{
	ev_heap_up(loop, t->heap_index);
	ev_heap_down(loop, t->heap_index);
}

static void
ev_heap_grow(struct ev_loop *loop)
{
	size_t cap = loop->capheap ? loop->capheap * 2 : 64;
	struct ev_timer **heap;

	/* ev_timer_at() cannot fail by contract, so running out of memory here is fatal. */
	heap = reallocarray(loop->heap, cap + 1, sizeof(*heap));
	if (heap == NULL)
		fatal("timer heap of %zu", cap);
	loop->heap = heap;
	loop->capheap = cap;
}

static bool
ev_heap_owns(const struct ev_loop *loop, const struct ev_timer *t)
{
	size_t i = t->heap_index;

	return i >= 1 && i <= loop->nheap && loop->heap[i] == t;
}

static void
ev_heap_remove(struct ev_loop *loop, struct ev_timer *t)
{
	size_t i = t->heap_index;
	struct ev_timer *last = loop->heap[loop->nheap];

	loop->heap[loop->nheap--] = NULL;
	t->heap_index = 0;
	if (last == t)
		return;
	ev_heap_set(loop, i, last);
	ev_heap_fix(loop, last);
}

/* ---- timers ---- */

void
ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *data, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->data = data;
	t->name = name;
}

void
ev_timer_at(struct ev_loop *loop, struct ev_timer *t, uint64_t when)
{
	t->when = when;
	t->seq = ++loop->seq;
	if (ev_heap_owns(loop, t)) {
		ev_heap_fix(loop, t);
		return;
	}
	if (loop->nheap == loop->capheap)
		ev_heap_grow(loop);
	loop->nheap++;
	ev_heap_set(loop, loop->nheap, t);
	ev_heap_up(loop, loop->nheap);
}

void
ev_timer_after(struct ev_loop *loop, struct ev_timer *t, uint64_t delay_ns)
{
	uint64_t now = ev_now();

	ev_timer_at(loop, t, delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns);
}

void
ev_timer_stop(struct ev_loop *loop, struct ev_timer *t)
{
	if (ev_heap_owns(loop, t))
		ev_heap_remove(loop, t);
}

bool
ev_timer_pending(const struct ev_timer *t)
{
	return t->heap_index != 0;
}

size_t
ev_timer_count(const struct ev_loop *loop)
{
	return loop->nheap;
}

/* Points the timerfd at the earliest deadline, touching it only when that changed. */
static void
ev_timer_sync(struct ev_loop *loop)
{
	/* it_value 0 would disarm the timerfd: a deadline of 0 is "long past", i.e. 1 ns */
	uint64_t want = loop->nheap == 0 ? 0 : loop->heap[1]->when ? loop->heap[1]->when : 1;
	struct itimerspec its = {
		.it_value.tv_sec = (time_t)(want / EV_NSEC_PER_SEC),
		.it_value.tv_nsec = (long)(want % EV_NSEC_PER_SEC),
	};

	if (want == loop->armed)
		return;
	if (timerfd_settime(loop->tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1) {
		log_warn("timerfd_settime");
		return;
	}
	loop->armed = want;
}

static void
ev_timerfd_cb(struct ev_io *io, uint32_t revents)
{
	struct ev_loop *loop = io->data;
	uint64_t expirations;

	/* Read or not (EAGAIN after a re-arm), the timerfd needs arming again for what is left. */
	if (read(loop->tfd, &expirations, sizeof(expirations)) == -1 && errno != EAGAIN)
		log_warn("timerfd read");
	loop->armed = 0;
}

static void
ev_timer_call(struct ev_timer *t)
{
	const char *name = t->name;	/* the callback may free t; name is expected to outlive it */
	uint64_t start = ev_now();

	t->cb(t);
	ev_slow_timer(name, t, ev_now() - start);
}

/*
 * Fires the due timers in (deadline, seq) order. Timers armed by these callbacks have a newer seq and
 * wait for the next round even if already due, so a timer re-arming itself at "now" cannot spin here.
 */
static void
ev_timers_run(struct ev_loop *loop)
{
	uint64_t now = ev_now();
	uint64_t last_seq = loop->seq;

	while (loop->nheap > 0) {
		struct ev_timer *t = loop->heap[1];

		if (t->when > now || t->seq > last_seq)
			break;
		ev_heap_remove(loop, t);
		ev_timer_call(t);
	}
}

/* ---- signals and children ---- */

static void
ev_signal_dispatch(struct ev_loop *loop, int signo)
{
	struct ev_sig *s;
	uint64_t start;

	if (signo <= 0 || signo >= _NSIG || loop->sigs[signo].cb == NULL)
		return;
	s = &loop->sigs[signo];
	start = ev_now();
	s->cb(signo, s->data);
	ev_slow_fd("signal", signo, ev_now() - start);
}

static void
ev_signalfd_cb(struct ev_io *io, uint32_t revents)
{
	struct ev_loop *loop = io->data;
	struct signalfd_siginfo si[EV_MAX_SIGINFO];
	ssize_t n;

	for (;;) {
		n = read(loop->sfd, si, sizeof(si));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++)
			ev_signal_dispatch(loop, (int)si[i].ssi_signo);
	}
	if (n == -1 && errno != EAGAIN)
		log_warn("signalfd read");
}

int
ev_signal_start(struct ev_loop *loop, int signo, ev_signal_cb cb, void *data)
{
	sigset_t one;

	if (signo <= 0 || signo >= _NSIG || signo == SIGKILL || signo == SIGSTOP) {
		log_warnx("cannot handle signal %d", signo);
		errno = EINVAL;
		return -1;
	}
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, NULL) == -1) {
		log_warn("sigprocmask");
		return -1;
	}
	sigaddset(&loop->sigmask, signo);
	if (signalfd(loop->sfd, &loop->sigmask, 0) == -1) {
		log_warn("signalfd");
		sigdelset(&loop->sigmask, signo);
		return -1;
	}
	loop->sigs[signo].cb = cb;
	loop->sigs[signo].data = data;
	return 0;
}

/* One SIGCHLD stands for any number of exits: reap until nothing is left. */
static void
ev_reap(struct ev_loop *loop)
{
	pid_t pid;
	int status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		loop->child_cb(pid, status, loop->child_data);
	}
	if (pid == -1 && errno != ECHILD)
		log_warn("waitpid");
}

static void
ev_sigchld_cb(int signo, void *data)
{
	ev_reap(data);
}

int
ev_child_start(struct ev_loop *loop, ev_child_cb cb, void *data)
{
	loop->child_cb = cb;
	loop->child_data = data;
	if (ev_signal_start(loop, SIGCHLD, ev_sigchld_cb, loop) == -1)
		return -1;
	/* A child that exited before SIGCHLD was blocked sent a signal nobody will see: reap next round. */
	loop->reap_pending = true;
	return 0;
}

/* ---- the loop ---- */

static int
ev_loop_fds(struct ev_loop *loop)
{
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd == -1) {
		log_warn("epoll_create1");
		return -1;
	}
	loop->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->tfd == -1) {
		log_warn("timerfd_create");
		return -1;
	}
	loop->sfd = signalfd(-1, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sfd == -1) {
		log_warn("signalfd");
		return -1;
	}
	if (ev_io_start(loop, &loop->tio, loop->tfd, EPOLLIN, ev_timerfd_cb, loop) == -1 ||
	    ev_io_start(loop, &loop->sio, loop->sfd, EPOLLIN, ev_signalfd_cb, loop) == -1)
		return -1;
	return 0;
}

struct ev_loop *
ev_loop_new(void)
{
	struct ev_loop *loop = calloc(1, sizeof(*loop));

	if (loop == NULL) {
		log_warn("event loop");
		return NULL;
	}
	loop->epfd = loop->tfd = loop->sfd = -1;
	sigemptyset(&loop->sigmask);
	if (ev_loop_fds(loop) == -1) {
		ev_loop_free(loop);
		return NULL;
	}
	return loop;
}

/*
 * Only closes: after fork the epoll set is shared with the parent, so removing anything from it here would
 * remove it for the parent too. The signal mask is left as it is, so a child that builds its own loop loses
 * no signal in between.
 */
void
ev_loop_free(struct ev_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sfd != -1)
		close(loop->sfd);
	if (loop->tfd != -1)
		close(loop->tfd);
	if (loop->epfd != -1)
		close(loop->epfd);
	free(loop->heap);
	free(loop);
}

static void
ev_dispatch(struct ev_loop *loop, int n)
{
	loop->nbatch = n;
	loop->dispatching = true;
	for (loop->ibatch = 0; loop->ibatch < loop->nbatch; loop->ibatch++) {
		struct epoll_event *e = &loop->events[loop->ibatch];
		struct ev_io *io = e->data.ptr;

		if (io != NULL && io->active)
			ev_io_call(loop, io, e->events);
	}
	loop->dispatching = false;
	loop->nbatch = 0;
}

int
ev_run_once(struct ev_loop *loop, int timeout_ms)
{
	int n;

	if (loop->dispatching) {
		/* the batch array is in use: a nested round would clobber it */
		errno = EBUSY;
		return -1;
	}
	if (loop->reap_pending) {
		loop->reap_pending = false;
		ev_reap(loop);
	}
	ev_timer_sync(loop);
	n = epoll_wait(loop->epfd, loop->events, EV_MAX_EVENTS, timeout_ms);
	if (n == -1) {
		if (errno != EINTR) {
			log_warn("epoll_wait");
			return -1;
		}
		n = 0;
	}
	ev_dispatch(loop, n);
	ev_timers_run(loop);
	return 0;
}

int
ev_run(struct ev_loop *loop)
{
	int rc = 0;

	while (!loop->brk) {
		if ((rc = ev_run_once(loop, -1)) == -1)
			break;
	}
	loop->brk = false;
	return rc;
}

void
ev_break(struct ev_loop *loop)
{
	loop->brk = true;
}
