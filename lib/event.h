/*
 * The event loop of every vipd process: epoll for descriptors, a binary heap of timers on the monotonic
 * clock behind one timerfd (adding or removing a timer is O(log n), so thousands are cheap), signalfd for
 * signals, and SIGCHLD turned into one callback per reaped child.
 *
 * Watchers (struct ev_io, struct ev_timer) are owned by the caller and usually embedded in its objects:
 * the loop never allocates per watcher.
 */
#ifndef VIPD_EVENT_H
#define VIPD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EV_NSEC_PER_SEC 1000000000ULL
#define EV_NSEC_PER_MSEC 1000000ULL

struct ev_loop;
struct ev_io;
struct ev_timer;

typedef void (*ev_io_cb)(struct ev_io *io, uint32_t revents);
typedef void (*ev_timer_cb)(struct ev_timer *timer);
typedef void (*ev_signal_cb)(int signo, void *data);
typedef void (*ev_child_cb)(pid_t pid, int wstatus, void *data);

struct ev_io {
	int fd;
	uint32_t events;	/* EPOLLIN | EPOLLOUT ... */
	ev_io_cb cb;
	void *data;
	bool active;
};

struct ev_timer {
	uint64_t when;		/* absolute, ev_now() nanoseconds */
	size_t heap_index;	/* position in the loop's heap; 0 = not pending */
	uint64_t seq;		/* insertion order: equal deadlines fire first-in first-out */
	ev_timer_cb cb;
	void *data;
	const char *name;	/* for the slow-callback warning; may be NULL */
};

/* Monotonic clock in nanoseconds. */
uint64_t ev_now(void);

struct ev_loop *ev_loop_new(void);
/* Closes the loop's own descriptors (epoll, timerfd, signalfd); never the watchers' fds. */
void ev_loop_free(struct ev_loop *loop);

int ev_io_start(struct ev_loop *loop, struct ev_io *io, int fd, uint32_t events, ev_io_cb cb, void *data);
int ev_io_modify(struct ev_loop *loop, struct ev_io *io, uint32_t events);
void ev_io_stop(struct ev_loop *loop, struct ev_io *io);

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *data, const char *name);
/* (Re)arm at an absolute time or after a delay; re-arming a pending timer moves it. */
void ev_timer_at(struct ev_loop *loop, struct ev_timer *t, uint64_t when);
void ev_timer_after(struct ev_loop *loop, struct ev_timer *t, uint64_t delay_ns);
void ev_timer_stop(struct ev_loop *loop, struct ev_timer *t);
bool ev_timer_pending(const struct ev_timer *t);
size_t ev_timer_count(const struct ev_loop *loop);

/* Blocks signo for the process and delivers it through the loop's signalfd. */
int ev_signal_start(struct ev_loop *loop, int signo, ev_signal_cb cb, void *data);
/* Handles SIGCHLD: reaps every exited child with waitpid(WNOHANG) and calls cb once per child. */
int ev_child_start(struct ev_loop *loop, ev_child_cb cb, void *data);

/* Runs until ev_break(); returns 0, or -1 if epoll failed. */
int ev_run(struct ev_loop *loop);
/* Processes what is ready now, waiting at most timeout_ms (-1: until something happens); for tests. */
int ev_run_once(struct ev_loop *loop, int timeout_ms);
void ev_break(struct ev_loop *loop);

/* Callbacks that run longer than this are logged with their timer name (FRR's cheap insight). */
#define EV_SLOW_CALLBACK_NS (100 * EV_NSEC_PER_MSEC)

#endif
