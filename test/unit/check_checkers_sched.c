/* Unit tests of the checkers' scheduler: what results mean (retry, verdicts, alpha, weights) and what
 * reaches the parent, with a fake kind of check and a real IPC channel. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "checkers/check.h"
#include "lib/ipc.h"

static void fake_start(struct ck_check *c) { (void)c; }
static void fake_stop(struct ck_check *c) { (void)c; }
static const struct ck_kind fake_kind = { "FAKE", fake_start, fake_stop, NULL };

struct world {
	struct proc p;
	struct ipc_peer parent_side;
	struct ck_state ck;
	struct cfg_real_server rcfg;
	struct cfg_checker cfg[2];
	struct ck_rs rs;
	struct ck_check c[2];
	struct ck_check *checks[2];
};

static struct world *
world_new(int nchecks, uint32_t retry)
{
	struct world *w = calloc(1, sizeof(*w));
	int fds[2];

	ck_assert_ptr_nonnull(w);
	w->p.loop = ev_loop_new();
	ck_assert_int_eq(ipc_socketpair(fds), 0);
	ipc_peer_init(&w->parent_side, fds[0], "parent side");
	ipc_peer_init(&w->p.parent, fds[1], "parent");
	ck_assert_int_eq(ev_io_start(w->p.loop, &w->p.parent_io, fds[1], EPOLLIN, NULL, NULL), 0);
	w->ck.p = &w->p;
	w->rs.ck = &w->ck;
	w->rs.cfg = &w->rcfg;
	w->rs.weight = -1;
	w->rs.up = true;
	w->rs.known = true;
	w->rs.key.rs_port = 80;
	w->rs.checks = w->checks;
	w->rs.nchecks = (size_t)nchecks;
	for (int i = 0; i < nchecks; i++) {
		w->cfg[i].retry = retry;
		w->cfg[i].hdr.id = (uint32_t)i + 1;
		w->c[i] = (struct ck_check){ .ck = &w->ck, .rs = &w->rs, .cfg = &w->cfg[i], .kind = &fake_kind,
					     .fd = -1, .up = true, .weight = -1, .loop_ns = EV_NSEC_PER_SEC,
					     .retry_delay_ns = 100 * EV_NSEC_PER_MSEC };
		ev_timer_init(&w->c[i].timer, NULL, &w->c[i], "check");
		w->checks[i] = &w->c[i];
	}
	return w;
}

static void
world_free(struct world *w)
{
	for (size_t i = 0; i < w->rs.nchecks; i++)
		ev_timer_stop(w->p.loop, &w->c[i].timer);
	ev_timer_stop(w->p.loop, &w->ck.status_timer);
	ev_io_stop(w->p.loop, &w->p.parent_io);
	ipc_peer_close(&w->p.parent);
	ipc_peer_close(&w->parent_side);
	ev_loop_free(w->p.loop);
	free(w);
}

/* A run that ends with this result. */
static void
run(struct world *w, int i, bool ok, int32_t weight)
{
	w->c[i].running = true;
	w->c[i].due_ns = ev_now();
	ck_result(&w->c[i], ok, weight, ok ? "fine" : "broken %d", i);
}

/* The next state the parent got, or -1 if none. */
static int
next_state(struct world *w, struct ipc_rs_state *st)
{
	struct ipc_msg msg;

	if (ipc_read(&w->parent_side, &msg) != IPC_OK)
		return -1;
	ck_assert_int_eq(msg.type, IPC_RS_STATE);
	ck_assert_uint_eq(msg.len, sizeof(*st));
	memcpy(st, msg.data, sizeof(*st));
	return st->up;
}

START_TEST(retries_before_down)
{
	struct world *w = world_new(1, 2);
	struct ipc_rs_state st;
	uint64_t before = ev_now();

	run(w, 0, false, -1);
	ck_assert(w->c[0].up);
	ck_assert_int_eq(next_state(w, &st), -1);
	/* a retry comes after delay_before_retry, not the delay loop */
	ck_assert_uint_ge(w->c[0].timer.when, before + 100 * EV_NSEC_PER_MSEC);
	ck_assert_uint_lt(w->c[0].timer.when, before + 500 * EV_NSEC_PER_MSEC);
	run(w, 0, false, -1);
	ck_assert(w->c[0].up);
	run(w, 0, false, -1);
	ck_assert(!w->c[0].up);
	ck_assert(!w->rs.up);
	ck_assert_uint_eq(w->c[0].consecutive_failures, 3);
	ck_assert_int_eq(next_state(w, &st), 0);
	ck_assert_str_eq(st.reason, "broken 0");
	ck_assert_int_eq(st.weight, -1);
	ck_assert_uint_eq(st.key.rs_port, 80);
	ck_assert_uint_ne(w->rs.last_change_ms, 0);
	/* down: the next run is a delay loop after this one started */
	ck_assert_uint_ge(w->c[0].timer.when, before + EV_NSEC_PER_SEC);
	/* down stays down without another message */
	run(w, 0, false, -1);
	ck_assert_int_eq(next_state(w, &st), -1);
	/* one good run brings it back */
	run(w, 0, true, -1);
	ck_assert(w->rs.up);
	ck_assert_uint_eq(w->c[0].consecutive_failures, 0);
	ck_assert_int_eq(next_state(w, &st), 1);
	ck_assert_str_eq(st.reason, "fine");
	world_free(w);
}
END_TEST

START_TEST(a_good_run_resets_the_retries)
{
	struct world *w = world_new(1, 1);
	struct ipc_rs_state st;

	run(w, 0, false, -1);
	run(w, 0, true, -1);
	run(w, 0, false, -1);
	ck_assert(w->c[0].up);
	ck_assert_int_eq(next_state(w, &st), -1);
	run(w, 0, false, -1);
	ck_assert(!w->c[0].up);
	ck_assert_int_eq(next_state(w, &st), 0);
	world_free(w);
}
END_TEST

START_TEST(every_check_must_pass)
{
	struct world *w = world_new(2, 0);
	struct ipc_rs_state st;

	run(w, 1, false, -1);
	ck_assert(!w->rs.up);
	ck_assert_int_eq(next_state(w, &st), 0);
	ck_assert_str_eq(st.reason, "broken 1");
	run(w, 0, true, -1);
	ck_assert(!w->rs.up);
	ck_assert_int_eq(next_state(w, &st), -1);
	run(w, 1, true, -1);
	ck_assert(w->rs.up);
	ck_assert_int_eq(next_state(w, &st), 1);
	world_free(w);
}
END_TEST

START_TEST(alpha_starts_down_and_needs_one_success)
{
	struct world *w = world_new(1, 3);
	struct ipc_rs_state st;

	w->c[0].up = false;
	w->rs.up = false;
	run(w, 0, false, -1);	/* down already: no retries, no message */
	ck_assert_int_eq(next_state(w, &st), -1);
	ck_assert_uint_eq(w->c[0].round_failures, 0);
	run(w, 0, true, -1);
	ck_assert_int_eq(next_state(w, &st), 1);
	world_free(w);
}
END_TEST

START_TEST(dynamic_weights)
{
	struct world *w = world_new(2, 0);
	struct ipc_rs_state st;

	run(w, 0, true, 10);
	ck_assert_int_eq(next_state(w, &st), 1);
	ck_assert_int_eq(st.weight, 10);
	run(w, 1, true, 4);	/* the lowest of them */
	ck_assert_int_eq(next_state(w, &st), 1);
	ck_assert_int_eq(st.weight, 4);
	run(w, 1, true, 4);	/* no change, no message */
	ck_assert_int_eq(next_state(w, &st), -1);
	run(w, 1, true, -1);
	ck_assert_int_eq(next_state(w, &st), 1);
	ck_assert_int_eq(st.weight, 10);
	world_free(w);
}
END_TEST

/* Runs keep their due times: late starts do not drift, and a stall skips the missed runs in phase. */
START_TEST(cadence_survives_lateness_and_stalls)
{
	struct world *w = world_new(1, 0);
	uint64_t now = ev_now(), due = now - 300 * EV_NSEC_PER_MSEC;

	w->c[0].running = true;
	w->c[0].due_ns = due;	/* started 300 ms late */
	ck_result(&w->c[0], true, -1, "ok");
	ck_assert_uint_eq(w->c[0].timer.when, due + EV_NSEC_PER_SEC);

	due = now - 5500 * EV_NSEC_PER_MSEC;	/* a 5.5 s stall */
	w->c[0].running = true;
	w->c[0].due_ns = due;
	ck_result(&w->c[0], true, -1, "ok");
	ck_assert_uint_gt(w->c[0].timer.when, now);
	ck_assert_uint_le(w->c[0].timer.when, ev_now() + EV_NSEC_PER_SEC);
	ck_assert_uint_eq((w->c[0].timer.when - due) % EV_NSEC_PER_SEC, 0);
	world_free(w);
}
END_TEST

START_TEST(a_result_after_a_stop_is_ignored)
{
	struct world *w = world_new(1, 0);
	struct ipc_rs_state st;

	ck_result(&w->c[0], false, -1, "late");
	ck_assert(w->c[0].up);
	ck_assert_uint_eq(w->c[0].consecutive_failures, 0);
	ck_assert_int_eq(next_state(w, &st), -1);
	world_free(w);
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite *s = suite_create("checkers_sched");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, retries_before_down);
	tcase_add_test(tc, a_good_run_resets_the_retries);
	tcase_add_test(tc, every_check_must_pass);
	tcase_add_test(tc, alpha_starts_down_and_needs_one_success);
	tcase_add_test(tc, dynamic_weights);
	tcase_add_test(tc, cadence_survives_lateness_and_stalls);
	tcase_add_test(tc, a_result_after_a_stop_is_ignored);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sched_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
