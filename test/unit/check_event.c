/* Unit tests of lib/event.c: timer order and heap, io watchers, signals, children. */
#define _GNU_SOURCE 1

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "lib/event.h"
#include "test/unit/loop_until.h"

#define MSEC EV_NSEC_PER_MSEC

/* A deterministic generator, so that a failure can be replayed. */
static uint64_t
xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* ---- timers ---- */

struct firing {
	int order[64];
	int n;
};

struct tmark {
	struct ev_timer t;
	int id;
	struct firing *log;
};

static void
record_cb(struct ev_timer *t)
{
	struct tmark *m = t->data;

	ck_assert_int_lt(m->log->n, 64);
	m->log->order[m->log->n++] = m->id;
}

static void
tmark_init(struct tmark *m, int id, struct firing *log)
{
	m->id = id;
	m->log = log;
	ev_timer_init(&m->t, record_cb, m, "test");
}

START_TEST(test_timer_deadline_order)
{
	struct ev_loop *loop = ev_loop_new();
	static const int delay_ms[] = { 50, 10, 30, 20, 40, 0 };
	static const int expect[] = { 5, 1, 3, 2, 4, 0 };
	struct tmark m[6];
	struct firing log = { .n = 0 };
	uint64_t now = ev_now();

	ck_assert_ptr_nonnull(loop);
	for (int i = 0; i < 6; i++) {
		tmark_init(&m[i], i, &log);
		ev_timer_at(loop, &m[i].t, now + (uint64_t)delay_ms[i] * MSEC);
		ck_assert(ev_timer_pending(&m[i].t));
	}
	ck_assert_uint_eq(ev_timer_count(loop), 6);
	run_until(loop, &log.n, 6);
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(log.order[i], expect[i]);
		ck_assert(!ev_timer_pending(&m[i].t));
	}
	ck_assert_uint_eq(ev_timer_count(loop), 0);
	ev_loop_free(loop);
}
END_TEST

START_TEST(test_timer_equal_fifo)
{
	struct ev_loop *loop = ev_loop_new();
	struct tmark m[8];
	struct firing log = { .n = 0 };
	uint64_t when = ev_now() + 5 * MSEC;

	for (int i = 0; i < 8; i++) {
		tmark_init(&m[i], i, &log);
		ev_timer_at(loop, &m[i].t, when);
	}
	/* re-arming at the same time makes it the latest of equals */
	ev_timer_at(loop, &m[2].t, when);
	run_until(loop, &log.n, 8);
	static const int expect[] = { 0, 1, 3, 4, 5, 6, 7, 2 };
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(log.order[i], expect[i]);
	ev_loop_free(loop);
}
END_TEST

struct juggler {
	struct ev_loop *loop;
	struct ev_timer self, victim, spawned;
	int self_runs, victim_runs, spawned_runs;
};

static void
juggler_victim_cb(struct ev_timer *t)
{
	struct juggler *j = t->data;

	j->victim_runs++;
}

static void
juggler_spawned_cb(struct ev_timer *t)
{
	struct juggler *j = t->data;

	j->spawned_runs++;
	/* stopping a timer that is not pending is harmless */
	ev_timer_stop(j->loop, t);
}

static void
juggler_self_cb(struct ev_timer *t)
{
	struct juggler *j = t->data;

	j->self_runs++;
	ck_assert(!ev_timer_pending(t));
	if (j->self_runs == 1) {
		ev_timer_stop(j->loop, &j->victim);
		ev_timer_after(j->loop, &j->spawned, 2 * MSEC);
	}
	if (j->self_runs < 3) {
		ev_timer_after(j->loop, t, 1 * MSEC);
		/* moving a pending timer from its own callback */
		ev_timer_after(j->loop, t, 3 * MSEC);
		ck_assert(ev_timer_pending(t));
	}
}

START_TEST(test_timer_rearm_from_callback)
{
	struct juggler j = { .loop = ev_loop_new() };

	ev_timer_init(&j.self, juggler_self_cb, &j, "self");
	ev_timer_init(&j.victim, juggler_victim_cb, &j, "victim");
	ev_timer_init(&j.spawned, juggler_spawned_cb, &j, "spawned");
	ev_timer_after(j.loop, &j.self, 1 * MSEC);
	ev_timer_after(j.loop, &j.victim, 20 * MSEC);
	run_until(j.loop, &j.self_runs, 3);
	ck_assert_int_eq(j.spawned_runs, 1);
	ck_assert_uint_eq(ev_timer_count(j.loop), 0);
	/* the victim would have fired by now */
	for (int i = 0; i < 3; i++)
		ev_run_once(j.loop, 10);
	ck_assert_int_eq(j.victim_runs, 0);
	ck_assert_int_eq(j.self_runs, 3);
	ev_loop_free(j.loop);
}
END_TEST

struct spinner {
	struct ev_loop *loop;
	struct ev_timer t;
	int runs;
};

static void
spinner_cb(struct ev_timer *t)
{
	struct spinner *s = t->data;

	s->runs++;
	ev_timer_at(s->loop, t, 0);
}

START_TEST(test_timer_past_fires_next_round)
{
	struct spinner s = { .loop = ev_loop_new() };

	ev_timer_init(&s.t, spinner_cb, &s, NULL);
	ev_timer_at(s.loop, &s.t, ev_now() - 1);
	ck_assert_int_eq(ev_run_once(s.loop, 0), 0);
	ck_assert_int_eq(s.runs, 1);
	/* re-armed in the past from its callback: once per round, never a spin within one */
	ck_assert_int_eq(ev_run_once(s.loop, 1000), 0);
	ck_assert_int_eq(s.runs, 2);
	ck_assert_int_eq(ev_run_once(s.loop, 1000), 0);
	ck_assert_int_eq(s.runs, 3);
	ev_timer_stop(s.loop, &s.t);
	ck_assert_int_eq(ev_run_once(s.loop, 20), 0);
	ck_assert_int_eq(s.runs, 3);
	ev_loop_free(s.loop);
}
END_TEST

#define MANY 10000

struct many {
	struct ev_timer t[MANY];
	int fired[MANY];
	bool stopped[MANY];
	uint64_t last_when, last_seq;
	int total, out_of_order;
};

static void
many_cb(struct ev_timer *t)
{
	struct many *m = t->data;
	size_t i = (size_t)(t - m->t);

	if (t->when < m->last_when || (t->when == m->last_when && t->seq < m->last_seq))
		m->out_of_order++;
	m->last_when = t->when;
	m->last_seq = t->seq;
	m->fired[i]++;
	m->total++;
}

START_TEST(test_timer_many_random)
{
	struct ev_loop *loop = ev_loop_new();
	struct many *m = calloc(1, sizeof(*m));
	uint64_t rng = 0x9e3779b97f4a7c15ULL, now = ev_now();
	int order[MANY];

	ck_assert_ptr_nonnull(m);
	for (int i = 0; i < MANY; i++) {
		ev_timer_init(&m->t[i], many_cb, m, "many");
		/* coarse deadlines so that many are equal and FIFO order is exercised too */
		ev_timer_at(loop, &m->t[i], now + 10 * MSEC + (xorshift(&rng) % 200) * 100000);
		order[i] = i;
	}
	ck_assert_uint_eq(ev_timer_count(loop), MANY);
	for (int i = MANY - 1; i > 0; i--) {
		int k = (int)(xorshift(&rng) % (uint64_t)(i + 1)), tmp = order[i];

		order[i] = order[k];
		order[k] = tmp;
	}
	for (int i = 0; i < MANY / 2; i++) {
		ev_timer_stop(loop, &m->t[order[i]]);
		m->stopped[order[i]] = true;
		ck_assert(!ev_timer_pending(&m->t[order[i]]));
	}
	ck_assert_uint_eq(ev_timer_count(loop), MANY / 2);
	/* moving a thousand pending ones shuffles the heap further */
	for (int i = MANY / 2; i < MANY / 2 + 1000; i++)
		ev_timer_at(loop, &m->t[order[i]], now + 10 * MSEC + (xorshift(&rng) % 200) * 100000);
	ck_assert_uint_eq(ev_timer_count(loop), MANY / 2);
	run_until(loop, &m->total, MANY / 2);
	ck_assert_int_eq(m->out_of_order, 0);
	for (int i = 0; i < MANY; i++)
		ck_assert_int_eq(m->fired[i], m->stopped[i] ? 0 : 1);
	ck_assert_uint_eq(ev_timer_count(loop), 0);
	free(m);
	ev_loop_free(loop);
}
END_TEST

static void
free_self_cb(struct ev_timer *t)
{
	int *runs = t->data;

	(*runs)++;
	free(t);
}

START_TEST(test_timer_frees_itself)
{
	struct ev_loop *loop = ev_loop_new();
	struct ev_timer *t = malloc(sizeof(*t));
	int runs = 0;

	ck_assert_ptr_nonnull(t);
	ev_timer_init(t, free_self_cb, &runs, "frees itself");
	ev_timer_after(loop, t, 0);
	run_until(loop, &runs, 1);
	ev_loop_free(loop);
}
END_TEST

static void
break_cb(struct ev_timer *t)
{
	ev_break(t->data);
}

START_TEST(test_run_break)
{
	struct ev_loop *loop = ev_loop_new();
	struct ev_timer t;

	ev_timer_init(&t, break_cb, loop, "break");
	ev_timer_after(loop, &t, 2 * MSEC);
	ck_assert_int_eq(ev_run(loop), 0);
	/* a second run is not broken by the first break */
	ev_timer_after(loop, &t, 1 * MSEC);
	ck_assert_int_eq(ev_run(loop), 0);
	ck_assert_uint_eq(ev_timer_count(loop), 0);
	ev_loop_free(loop);
}
END_TEST

/* ---- descriptors ---- */

struct pipe_watch {
	struct ev_io io;
	int fds[2];
	int calls;
	uint32_t revents;
};

static void
pipe_open(int fds[2])
{
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
}

static void
pipe_cb(struct ev_io *io, uint32_t revents)
{
	struct pipe_watch *w = io->data;
	char c;

	w->calls++;
	w->revents = revents;
	ck_assert_int_eq(read(io->fd, &c, 1), 1);
}

START_TEST(test_io_pipe)
{
	struct ev_loop *loop = ev_loop_new();
	struct pipe_watch w = { .calls = 0 };

	pipe_open(w.fds);
	ck_assert_int_eq(ev_io_start(loop, &w.io, w.fds[0], EPOLLIN, pipe_cb, &w), 0);
	ck_assert(w.io.active);
	ck_assert_int_eq(ev_run_once(loop, 0), 0);
	ck_assert_int_eq(w.calls, 0);
	ck_assert_int_eq(write(w.fds[1], "x", 1), 1);
	run_until(loop, &w.calls, 1);
	ck_assert(w.revents & EPOLLIN);
	ck_assert_int_eq(ev_run_once(loop, 0), 0);
	ck_assert_int_eq(w.calls, 1);
	/* EPOLLOUT on the read end never comes; modifying back to EPOLLIN works */
	ck_assert_int_eq(ev_io_modify(loop, &w.io, EPOLLOUT), 0);
	ck_assert_int_eq(write(w.fds[1], "y", 1), 1);
	ck_assert_int_eq(ev_run_once(loop, 20), 0);
	ck_assert_int_eq(w.calls, 1);
	ck_assert_int_eq(ev_io_modify(loop, &w.io, EPOLLIN), 0);
	run_until(loop, &w.calls, 2);
	ev_io_stop(loop, &w.io);
	ck_assert(!w.io.active);
	ck_assert_int_eq(write(w.fds[1], "z", 1), 1);
	ck_assert_int_eq(ev_run_once(loop, 20), 0);
	ck_assert_int_eq(w.calls, 2);
	/* starting the same fd twice is refused */
	ck_assert_int_eq(ev_io_start(loop, &w.io, w.fds[0], EPOLLIN, pipe_cb, &w), 0);
	struct ev_io dup = { .active = false };
	ck_assert_int_eq(ev_io_start(loop, &dup, w.fds[0], EPOLLIN, pipe_cb, &w), -1);
	ck_assert(!dup.active);
	ev_io_stop(loop, &w.io);
	close(w.fds[0]);
	close(w.fds[1]);
	ev_loop_free(loop);
}
END_TEST

/* Two watchers, each of which stops and frees the other: only one may ever be called. */
struct rival;

struct rivals {
	struct ev_loop *loop;
	struct rival *w[2];
	int calls;
};

struct rival {
	struct pipe_watch pw;
	struct rivals *r;
	int me;
};

static void
rival_cb(struct ev_io *io, uint32_t revents)
{
	struct rival *self = io->data;
	struct rivals *r = self->r;
	struct rival *other = r->w[!self->me];
	char c;

	r->calls++;
	ck_assert_int_eq(read(io->fd, &c, 1), 1);
	if (other != NULL) {
		ev_io_stop(r->loop, &other->pw.io);
		close(other->pw.fds[0]);
		close(other->pw.fds[1]);
		free(other);
		r->w[!self->me] = NULL;
	}
}

START_TEST(test_io_stop_other_in_batch)
{
	struct rivals r = { .loop = ev_loop_new() };

	for (int i = 0; i < 2; i++) {
		struct rival *x = calloc(1, sizeof(*x));

		ck_assert_ptr_nonnull(x);
		x->r = &r;
		x->me = i;
		pipe_open(x->pw.fds);
		ck_assert_int_eq(write(x->pw.fds[1], "x", 1), 1);
		ck_assert_int_eq(ev_io_start(r.loop, &x->pw.io, x->pw.fds[0], EPOLLIN, rival_cb, x), 0);
		r.w[i] = x;
	}
	/* both are readable before the round, so both are in its batch */
	ck_assert_int_eq(ev_run_once(r.loop, 1000), 0);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(ev_run_once(r.loop, 20), 0);
	ck_assert_int_eq(r.calls, 1);
	for (int i = 0; i < 2; i++) {
		struct rival *x = r.w[i];

		if (x == NULL)
			continue;
		ev_io_stop(r.loop, &x->pw.io);
		close(x->pw.fds[0]);
		close(x->pw.fds[1]);
		free(x);
	}
	ev_loop_free(r.loop);
}
END_TEST

/* Each watcher moves the other to an idle pipe: the stale event must not reach the moved watcher. */
struct movers {
	struct ev_loop *loop;
	struct pipe_watch w[2];
	int idle[2];
	bool moved;
};

static void
mover_cb(struct ev_io *io, uint32_t revents)
{
	struct movers *m = io->data;
	struct pipe_watch *self = io == &m->w[0].io ? &m->w[0] : &m->w[1];
	struct pipe_watch *other = self == &m->w[0] ? &m->w[1] : &m->w[0];
	char c;

	self->calls++;
	if (read(io->fd, &c, 1) != 1)
		ck_abort_msg("called for fd %d without data", io->fd);
	if (!m->moved) {
		m->moved = true;
		ev_io_stop(m->loop, &other->io);
		ck_assert_int_eq(ev_io_start(m->loop, &other->io, m->idle[0], EPOLLIN, mover_cb, m), 0);
	}
}

START_TEST(test_io_restart_other_in_batch)
{
	struct movers m = { .loop = ev_loop_new() };

	pipe_open(m.idle);
	for (int i = 0; i < 2; i++) {
		pipe_open(m.w[i].fds);
		ck_assert_int_eq(write(m.w[i].fds[1], "x", 1), 1);
		ck_assert_int_eq(ev_io_start(m.loop, &m.w[i].io, m.w[i].fds[0], EPOLLIN, mover_cb, &m), 0);
	}
	ck_assert_int_eq(ev_run_once(m.loop, 1000), 0);
	ck_assert_int_eq(m.w[0].calls + m.w[1].calls, 1);
	/* the moved one now follows the idle pipe */
	ck_assert_int_eq(write(m.idle[1], "y", 1), 1);
	ck_assert_int_eq(ev_run_once(m.loop, 1000), 0);
	ck_assert_int_eq(m.w[0].calls, 1);
	ck_assert_int_eq(m.w[1].calls, 1);
	for (int i = 0; i < 2; i++) {
		ev_io_stop(m.loop, &m.w[i].io);
		close(m.w[i].fds[0]);
		close(m.w[i].fds[1]);
	}
	close(m.idle[0]);
	close(m.idle[1]);
	ev_loop_free(m.loop);
}
END_TEST

/* ---- signals and children ---- */

struct sigseen {
	int usr1, usr2, total;
};

static void
sig_cb(int signo, void *data)
{
	struct sigseen *s = data;

	if (signo == SIGUSR1)
		s->usr1++;
	else if (signo == SIGUSR2)
		s->usr2++;
	s->total++;
}

START_TEST(test_signal)
{
	struct ev_loop *loop = ev_loop_new();
	struct sigseen s = { 0, 0, 0 };
	sigset_t blocked;

	ck_assert_int_eq(ev_signal_start(loop, SIGUSR1, sig_cb, &s), 0);
	ck_assert_int_eq(ev_signal_start(loop, SIGUSR2, sig_cb, &s), 0);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &blocked), 0);
	ck_assert(sigismember(&blocked, SIGUSR1));
	ck_assert(sigismember(&blocked, SIGUSR2));
	ck_assert_int_eq(raise(SIGUSR1), 0);
	run_until(loop, &s.total, 1);
	ck_assert_int_eq(s.usr1, 1);
	ck_assert_int_eq(raise(SIGUSR2), 0);
	ck_assert_int_eq(raise(SIGUSR1), 0);
	run_until(loop, &s.total, 3);
	ck_assert_int_eq(s.usr1, 2);
	ck_assert_int_eq(s.usr2, 1);
	ck_assert_int_eq(ev_signal_start(loop, SIGKILL, sig_cb, &s), -1);
	ck_assert_int_eq(ev_signal_start(loop, 0, sig_cb, &s), -1);
	ev_loop_free(loop);
}
END_TEST

struct reaped {
	pid_t pid[3];
	int status[3];
	int seen[3];
	int total, strangers;
};

static void
child_cb(pid_t pid, int wstatus, void *data)
{
	struct reaped *r = data;

	r->total++;
	for (int i = 0; i < 3; i++) {
		if (r->pid[i] == pid) {
			r->seen[i]++;
			r->status[i] = wstatus;
			return;
		}
	}
	r->strangers++;
}

START_TEST(test_child_reaped)
{
	struct ev_loop *loop = ev_loop_new();
	struct reaped r = { .total = 0 };

	ck_assert_int_eq(ev_child_start(loop, child_cb, &r), 0);
	for (int i = 0; i < 3; i++) {
		r.pid[i] = fork();
		ck_assert_int_ne(r.pid[i], -1);
		if (r.pid[i] == 0)
			_exit(i + 1);
	}
	run_until(loop, &r.total, 3);
	/* nothing more arrives later */
	ck_assert_int_eq(ev_run_once(loop, 50), 0);
	ck_assert_int_eq(r.total, 3);
	ck_assert_int_eq(r.strangers, 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(r.seen[i], 1);
		ck_assert(WIFEXITED(r.status[i]));
		ck_assert_int_eq(WEXITSTATUS(r.status[i]), i + 1);
	}
	ev_loop_free(loop);
}
END_TEST

START_TEST(test_child_exited_before_start)
{
	struct ev_loop *loop = ev_loop_new();
	struct reaped r = { .total = 0 };
	siginfo_t si;

	r.pid[0] = fork();
	ck_assert_int_ne(r.pid[0], -1);
	if (r.pid[0] == 0)
		_exit(7);
	/* wait for the exit without reaping it, so its SIGCHLD is gone before anyone watches */
	ck_assert_int_eq(waitid(P_PID, (id_t)r.pid[0], &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(ev_child_start(loop, child_cb, &r), 0);
	run_until(loop, &r.total, 1);
	ck_assert_int_eq(r.seen[0], 1);
	ck_assert_int_eq(WEXITSTATUS(r.status[0]), 7);
	ev_loop_free(loop);
}
END_TEST

static void
count_cb(struct ev_timer *t)
{
	(*(int *)t->data)++;
}

START_TEST(test_free_after_fork)
{
	struct ev_loop *loop = ev_loop_new();
	struct pipe_watch w = { .calls = 0 };
	struct ev_timer t;
	int fired = 0, status;
	pid_t pid;

	pipe_open(w.fds);
	ck_assert_int_eq(ev_io_start(loop, &w.io, w.fds[0], EPOLLIN, pipe_cb, &w), 0);
	ev_timer_init(&t, count_cb, &fired, "after fork");
	ev_timer_after(loop, &t, 5 * MSEC);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		ev_loop_free(loop);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	/* the child's free took nothing from the parent's loop */
	run_until(loop, &fired, 1);
	ck_assert_int_eq(write(w.fds[1], "x", 1), 1);
	run_until(loop, &w.calls, 1);
	ev_io_stop(loop, &w.io);
	close(w.fds[0]);
	close(w.fds[1]);
	ev_loop_free(loop);
}
END_TEST

static Suite *
event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_timer_deadline_order);
	tcase_add_test(tc, test_timer_equal_fifo);
	tcase_add_test(tc, test_timer_rearm_from_callback);
	tcase_add_test(tc, test_timer_past_fires_next_round);
	tcase_add_test(tc, test_timer_many_random);
	tcase_add_test(tc, test_timer_frees_itself);
	tcase_add_test(tc, test_run_break);
	tcase_add_test(tc, test_io_pipe);
	tcase_add_test(tc, test_io_stop_other_in_batch);
	tcase_add_test(tc, test_io_restart_other_in_batch);
	tcase_add_test(tc, test_signal);
	tcase_add_test(tc, test_child_reaped);
	tcase_add_test(tc, test_child_exited_before_start);
	tcase_add_test(tc, test_free_after_fork);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(event_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
