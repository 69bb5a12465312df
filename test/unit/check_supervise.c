/* The parent's respawn policy, driven through child_reaped without forking anything. */
#include <check.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "core/child.h"
#include "core/parent.h"
#include "core/route.h"
#include "lib/proc.h"

#define SEC EV_NSEC_PER_SEC

static struct parent pa;

static void
setup(void)
{
	memset(&pa, 0, sizeof(pa));
	pa.loop = ev_loop_new();
	ck_assert_ptr_nonnull(pa.loop);
	for (int k = 0; k < CHILD_MAX; k++)
		child_init(&pa, &pa.children[k], (enum child_kind)k);
}

static void
teardown(void)
{
	for (int k = 0; k < CHILD_MAX; k++)
		ev_timer_stop(pa.loop, &pa.children[k].respawn_timer);
	ev_loop_free(pa.loop);
}

/* Pretends the vrrp child (pid 4242) ran for `ran` and then died with `wstatus`. */
static struct child *
die(uint64_t ran, int wstatus)
{
	struct child *c = &pa.children[CHILD_VRRP];

	c->pid = 4242;
	c->state = CHILD_RUNNING;
	c->started_ns = ev_now() - ran;
	ck_assert(child_reaped(&pa, 4242, wstatus));
	ck_assert_int_eq(c->pid, 0);
	return c;
}

static int64_t
respawn_in(const struct child *c)
{
	return (int64_t)c->respawn_timer.when - (int64_t)ev_now();
}

START_TEST(unknown_pid_is_not_ours)
{
	ck_assert(!child_reaped(&pa, 99999, 0));
}
END_TEST

START_TEST(config_error_exit_is_not_respawned)
{
	struct child *c = die(1 * SEC, W_EXITCODE(PROC_EXIT_CONFIG, 0));

	ck_assert_int_eq(c->state, CHILD_FAILED);
	ck_assert(!ev_timer_pending(&c->respawn_timer));
	ck_assert_uint_eq(c->restarts, 0);
}
END_TEST

START_TEST(backoff_starts_at_1s_and_doubles_to_60s)
{
	const int64_t expect[] = { 1, 2, 4, 8, 16, 32, 60, 60 };

	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		struct child *c = die(SEC / 2, W_EXITCODE(0, SIGKILL));

		ck_assert_int_eq(c->state, CHILD_BACKOFF);
		ck_assert(ev_timer_pending(&c->respawn_timer));
		/* armed just now for expect[i] seconds: within 100 ms of it */
		ck_assert_int_le(respawn_in(c), expect[i] * (int64_t)SEC);
		ck_assert_int_gt(respawn_in(c), expect[i] * (int64_t)SEC - (int64_t)SEC / 10);
		ck_assert_uint_eq(c->restarts, i + 1);
	}
}
END_TEST

START_TEST(a_child_that_ran_a_minute_restarts_at_once_and_resets_the_backoff)
{
	struct child *c;

	die(SEC / 2, W_EXITCODE(1, 0));
	die(SEC / 2, W_EXITCODE(1, 0));
	c = die(61 * SEC, W_EXITCODE(1, 0));
	ck_assert_int_eq(c->state, CHILD_BACKOFF);
	ck_assert_int_le(respawn_in(c), 0);
	/* and the next quick death waits the first backoff again */
	c = die(SEC / 2, W_EXITCODE(1, 0));
	ck_assert_int_gt(respawn_in(c), (int64_t)SEC - (int64_t)SEC / 10);
	ck_assert_int_le(respawn_in(c), (int64_t)SEC);
}
END_TEST

START_TEST(a_master_vrrp_child_is_restarted_at_once_the_first_time)
{
	struct ipc_vrrp_state st = { .instance = "VI_1", .state = VRRP_STATE_MASTER };
	struct ipc_msg msg = { .type = IPC_VRRP_STATE, .data = &st, .len = sizeof(st) };
	struct child *c;

	ck_assert(route_from_child(&pa, &pa.children[CHILD_VRRP], &msg));
	ck_assert(route_has_master(&pa.memory));
	c = die(SEC / 2, W_EXITCODE(0, SIGSEGV));
	ck_assert_int_le(respawn_in(c), 0);
	/* a second quick death backs off as usual, from 1 s */
	c = die(SEC / 2, W_EXITCODE(0, SIGSEGV));
	ck_assert_int_gt(respawn_in(c), (int64_t)SEC - (int64_t)SEC / 10);
	/* other children never skip the backoff */
	pa.children[CHILD_IPVS].pid = 5000;
	pa.children[CHILD_IPVS].state = CHILD_RUNNING;
	pa.children[CHILD_IPVS].started_ns = ev_now();
	ck_assert(child_reaped(&pa, 5000, W_EXITCODE(1, 0)));
	ck_assert_int_gt(respawn_in(&pa.children[CHILD_IPVS]), (int64_t)SEC - (int64_t)SEC / 10);
	ev_timer_stop(pa.loop, &pa.children[CHILD_IPVS].respawn_timer);
	route_free(&pa.memory);
}
END_TEST

START_TEST(a_backup_vrrp_child_backs_off)
{
	struct ipc_vrrp_state st = { .instance = "VI_1", .state = VRRP_STATE_BACKUP };
	struct ipc_msg msg = { .type = IPC_VRRP_STATE, .data = &st, .len = sizeof(st) };
	struct child *c;

	ck_assert(route_from_child(&pa, &pa.children[CHILD_VRRP], &msg));
	c = die(SEC / 2, W_EXITCODE(0, SIGSEGV));
	ck_assert_int_gt(respawn_in(c), (int64_t)SEC - (int64_t)SEC / 10);
	route_free(&pa.memory);
}
END_TEST

/* The bfd child's sessions must be back within the peers' detection time: the first quick death while a
 * session is Up is answered at once; with none Up, the usual backoff. */
START_TEST(a_bfd_child_with_a_session_up_is_restarted_at_once_the_first_time)
{
	struct ipc_bfd_state st = { .name = "up1", .state = 3 /* Up */, .local_disc = 7, .remote_disc = 9 };
	struct ipc_msg msg = { .type = IPC_BFD_STATE, .data = &st, .len = sizeof(st) };
	struct child *c = &pa.children[CHILD_BFD];

	/* only the bfd child may say it */
	ck_assert(!route_from_child(&pa, &pa.children[CHILD_VRRP], &msg));
	ck_assert(!route_has_bfd_up(&pa.memory));
	st.state = 1;	/* Down */
	ck_assert(route_from_child(&pa, c, &msg));
	ck_assert(!route_has_bfd_up(&pa.memory));
	for (int i = 0; i < 2; i++) {
		if (i == 1) {
			st.state = 3;
			ck_assert(route_from_child(&pa, c, &msg));
			ck_assert(route_has_bfd_up(&pa.memory));
		}
		c->pid = 4343;
		c->state = CHILD_RUNNING;
		c->started_ns = ev_now() - SEC / 2;
		ck_assert(child_reaped(&pa, 4343, W_EXITCODE(0, SIGKILL)));
		if (i == 0)
			ck_assert_int_gt(respawn_in(c), (int64_t)SEC - (int64_t)SEC / 10);
		else
			ck_assert_int_le(respawn_in(c), 0);
	}
	/* one state remembered per session, the last */
	ck_assert_uint_eq(pa.memory.nbfd, 1);
	ck_assert_int_eq(pa.memory.bfd[0].state, 3);
	route_free(&pa.memory);
}
END_TEST

START_TEST(a_child_stopped_on_purpose_stays_down)
{
	struct child *c = &pa.children[CHILD_IPVS];

	c->pid = 777;
	c->state = CHILD_STOPPING;
	c->started_ns = ev_now();
	ck_assert(child_reaped(&pa, 777, W_EXITCODE(0, 0)));
	ck_assert_int_eq(c->state, CHILD_IDLE);
	ck_assert(!ev_timer_pending(&c->respawn_timer));
	ck_assert_uint_eq(c->restarts, 0);
}
END_TEST

START_TEST(nothing_respawns_while_the_parent_stops)
{
	struct child *c;

	pa.stopping = true;
	c = die(SEC, W_EXITCODE(0, SIGSEGV));
	ck_assert_int_eq(c->state, CHILD_IDLE);
	ck_assert(!ev_timer_pending(&c->respawn_timer));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("supervise");
	TCase *tc = tcase_create("respawn");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unknown_pid_is_not_ours);
	tcase_add_test(tc, config_error_exit_is_not_respawned);
	tcase_add_test(tc, backoff_starts_at_1s_and_doubles_to_60s);
	tcase_add_test(tc, a_child_that_ran_a_minute_restarts_at_once_and_resets_the_backoff);
	tcase_add_test(tc, a_master_vrrp_child_is_restarted_at_once_the_first_time);
	tcase_add_test(tc, a_backup_vrrp_child_backs_off);
	tcase_add_test(tc, a_bfd_child_with_a_session_up_is_restarted_at_once_the_first_time);
	tcase_add_test(tc, a_child_stopped_on_purpose_stays_down);
	tcase_add_test(tc, nothing_respawns_while_the_parent_stops);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
