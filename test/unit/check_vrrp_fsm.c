/* Unit tests of vrrp/vrrp_fsm.c with a clock of the test's own: every deadline is exact. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdlib.h>

#include "vrrp/vrrp_fsm.h"

#define MS 1000000ULL
#define S (1000 * MS)

/* Advances the fake clock to the FSM's next deadline and fires it. */
static unsigned
fire(struct vrrp_fsm *f, uint64_t *now)
{
	uint64_t next = vrrp_fsm_next(f);

	ck_assert_uint_ne(next, 0);
	ck_assert_uint_ge(next, *now);
	*now = next;
	return vrrp_fsm_timer(f, *now);
}

START_TEST(test_timers_v3)
{
	struct vrrp_fsm f;

	vrrp_fsm_init(&f, 3, 100, 100 * MS, true, 0);
	/* Skew_Time = (256 - 100) * 100 ms / 256 = 60.9375 ms */
	ck_assert_uint_eq(vrrp_fsm_skew(&f), 156 * 100 * MS / 256);
	ck_assert_uint_eq(vrrp_fsm_down_interval(&f), 300 * MS + 156 * 100 * MS / 256);
	f.master_adv_ns = 1 * S;
	ck_assert_uint_eq(vrrp_fsm_down_interval(&f), 3 * S + 156 * S / 256);
	/* v2: skew is in seconds whatever the interval */
	vrrp_fsm_init(&f, 2, 200, 3 * S, true, 0);
	ck_assert_uint_eq(vrrp_fsm_skew(&f), 56 * S / 256);
	ck_assert_uint_eq(vrrp_fsm_down_interval(&f), 9 * S + 56 * S / 256);
}
END_TEST

START_TEST(test_backup_to_master)
{
	struct vrrp_fsm f;
	uint64_t now = 1000 * S;
	unsigned a;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	ck_assert_int_eq(f.state, VRRP_STATE_INIT);
	a = vrrp_fsm_start(&f, now, false, false);
	ck_assert_uint_eq(a, VRRP_ACT_STATE);
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + vrrp_fsm_down_interval(&f));
	/* nothing before the deadline */
	ck_assert_uint_eq(vrrp_fsm_timer(&f, vrrp_fsm_next(&f) - 1), 0);
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	a = fire(&f, &now);
	ck_assert_uint_eq(a, VRRP_ACT_STATE | VRRP_ACT_SEND_ADVERT | VRRP_ACT_BECOME_MASTER);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	ck_assert_uint_eq(f.became_master, 1);
	/* then an advert every interval */
	for (int i = 1; i <= 5; i++) {
		a = fire(&f, &now);
		ck_assert_uint_eq(a, VRRP_ACT_SEND_ADVERT);
		ck_assert_uint_eq(now, 1000 * S + vrrp_fsm_down_interval(&f) + (uint64_t)i * S);
	}
	ck_assert_uint_eq(f.transitions, 2);
}
END_TEST

START_TEST(test_adverts_hold_backup)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	for (int i = 0; i < 100; i++) {
		now += 1 * S;
		ck_assert_uint_eq(vrrp_fsm_advert(&f, now, 150, 100, true), 0);
		ck_assert_uint_eq(vrrp_fsm_timer(&f, now), 0);
	}
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	ck_assert_uint_eq(f.master_priority, 150);
	/* the master dies: 3 intervals + skew after its last advert */
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + 3 * S + 156 * S / 256);
}
END_TEST

START_TEST(test_v3_adopts_interval)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	now += 10 * MS;
	vrrp_fsm_advert(&f, now, 200, 10, true);	/* 10 cs */
	ck_assert_uint_eq(f.master_adv_ns, 100 * MS);
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + 300 * MS + 156 * 100 * MS / 256);
	/* v2 does not (mismatches are dropped before the FSM) */
	vrrp_fsm_init(&f, 2, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	vrrp_fsm_advert(&f, now, 200, 300, true);
	ck_assert_uint_eq(f.master_adv_ns, 1 * S);
	/* when we become master we advertise at our own interval */
	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	vrrp_fsm_advert(&f, now, 200, 10, true);
	fire(&f, &now);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + 1 * S);
}
END_TEST

START_TEST(test_priority0_skew_only)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 100, 100 * MS, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	now += 50 * MS;
	vrrp_fsm_advert(&f, now, 200, 10, true);
	now += 50 * MS;
	ck_assert_uint_eq(vrrp_fsm_advert(&f, now, 0, 10, true), 0);
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + 156 * 100 * MS / 256);
	ck_assert_uint_eq(fire(&f, &now) & VRRP_ACT_BECOME_MASTER, VRRP_ACT_BECOME_MASTER);
}
END_TEST

START_TEST(test_preempt)
{
	struct vrrp_fsm f;
	uint64_t now = 0, last;

	/* a higher backup ignores a lower master's adverts and takes over after Master_Down_Interval */
	vrrp_fsm_init(&f, 3, 200, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	last = now;
	for (int i = 0; i < 10 && f.state == VRRP_STATE_BACKUP; i++) {
		now += 1 * S;
		vrrp_fsm_advert(&f, now, 100, 100, false);
		vrrp_fsm_timer(&f, now);
	}
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	ck_assert_uint_le(now - last, 4 * S);
	/* equal priority does not preempt */
	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	for (int i = 0; i < 10; i++) {
		now += 1 * S;
		vrrp_fsm_advert(&f, now, 100, 100, false);
		vrrp_fsm_timer(&f, now);
	}
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
}
END_TEST

START_TEST(test_nopreempt)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 200, 1 * S, false, 0);
	vrrp_fsm_start(&f, now, false, false);
	for (int i = 0; i < 20; i++) {
		now += 1 * S;
		vrrp_fsm_advert(&f, now, 100, 100, false);
		ck_assert_uint_eq(vrrp_fsm_timer(&f, now), 0);
	}
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
}
END_TEST

START_TEST(test_preempt_delay)
{
	struct vrrp_fsm f;
	uint64_t now = 0, start = 0;

	vrrp_fsm_init(&f, 3, 200, 1 * S, true, 10 * S);
	vrrp_fsm_start(&f, now, false, false);
	while (f.state == VRRP_STATE_BACKUP && now < 60 * S) {
		now += 1 * S;
		vrrp_fsm_advert(&f, now, 100, 100, false);
		vrrp_fsm_timer(&f, now);
	}
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	/* held back 10 s, then Master_Down_Interval after the last accepted advert */
	ck_assert_uint_ge(now - start, 10 * S);
	ck_assert_uint_le(now - start, 14 * S);
}
END_TEST

START_TEST(test_master_yields_and_answers)
{
	struct vrrp_fsm f;
	uint64_t now = 0;
	unsigned a;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, true);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	/* a lower master: answer at once (and announce the addresses again, see RX_LOWER) */
	now += 300 * MS;
	a = vrrp_fsm_advert(&f, now, 50, 100, true);
	ck_assert_uint_eq(a, VRRP_ACT_SEND_ADVERT | VRRP_ACT_RX_LOWER);
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + 1 * S);
	/* a resigning one: answer at once too */
	a = vrrp_fsm_advert(&f, now, 0, 100, true);
	ck_assert_uint_eq(a, VRRP_ACT_SEND_ADVERT);
	/* equal priority, lower address: we win */
	a = vrrp_fsm_advert(&f, now, 100, 100, false);
	ck_assert_uint_eq(a, VRRP_ACT_SEND_ADVERT | VRRP_ACT_RX_LOWER);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	/* equal priority, higher address: we yield */
	a = vrrp_fsm_advert(&f, now, 100, 50, true);
	ck_assert_uint_eq(a, VRRP_ACT_STATE | VRRP_ACT_LEAVE_MASTER);
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	ck_assert_uint_eq(f.master_adv_ns, 500 * MS);
	/* a higher priority: yield */
	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, true);
	a = vrrp_fsm_advert(&f, now, 101, 100, false);
	ck_assert_uint_eq(a, VRRP_ACT_STATE | VRRP_ACT_LEAVE_MASTER);
}
END_TEST

START_TEST(test_owner)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 255, 1 * S, true, 0);
	ck_assert_uint_eq(vrrp_fsm_start(&f, now, false, false) & VRRP_ACT_BECOME_MASTER, VRRP_ACT_BECOME_MASTER);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	/* a fault and its repair bring the owner straight back */
	vrrp_fsm_set_fault(&f, now, true);
	ck_assert_int_eq(f.state, VRRP_STATE_FAULT);
	vrrp_fsm_set_fault(&f, now, false);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
}
END_TEST

START_TEST(test_fault)
{
	struct vrrp_fsm f;
	uint64_t now = 0;
	unsigned a;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	a = vrrp_fsm_start(&f, now, true, false);
	ck_assert_int_eq(f.state, VRRP_STATE_FAULT);
	ck_assert_uint_eq(a, VRRP_ACT_STATE);
	ck_assert_uint_eq(vrrp_fsm_next(&f), 0);
	ck_assert_uint_eq(vrrp_fsm_advert(&f, now, 200, 100, true), 0);
	a = vrrp_fsm_set_fault(&f, now, false);
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	fire(&f, &now);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
	/* a master that fails resigns */
	a = vrrp_fsm_set_fault(&f, now, true);
	ck_assert_uint_eq(a, VRRP_ACT_STATE | VRRP_ACT_SEND_PRIO0 | VRRP_ACT_LEAVE_MASTER);
	ck_assert_uint_eq(vrrp_fsm_set_fault(&f, now, true), 0);
}
END_TEST

START_TEST(test_stop)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, true);
	ck_assert_uint_eq(vrrp_fsm_stop(&f, now), VRRP_ACT_STATE | VRRP_ACT_SEND_PRIO0 | VRRP_ACT_LEAVE_MASTER);
	ck_assert_int_eq(f.state, VRRP_STATE_STOP);
	ck_assert_uint_eq(vrrp_fsm_next(&f), 0);
	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	ck_assert_uint_eq(vrrp_fsm_stop(&f, now), VRRP_ACT_STATE);
}
END_TEST

START_TEST(test_priority_change)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	/* a master whose priority drops tells its backups at once */
	vrrp_fsm_init(&f, 3, 150, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, true);
	ck_assert_uint_eq(vrrp_fsm_set_priority(&f, now, 90), VRRP_ACT_SEND_ADVERT);
	ck_assert_uint_eq(f.priority, 90);
	ck_assert_uint_eq(vrrp_fsm_set_priority(&f, now, 90), 0);
	/* a backup that now beats its master takes over after Skew_Time */
	vrrp_fsm_init(&f, 3, 90, 1 * S, true, 0);
	vrrp_fsm_start(&f, now, false, false);
	vrrp_fsm_advert(&f, now, 100, 100, true);
	vrrp_fsm_set_priority(&f, now, 150);
	ck_assert_uint_eq(vrrp_fsm_next(&f), now + vrrp_fsm_skew(&f));
	fire(&f, &now);
	ck_assert_int_eq(f.state, VRRP_STATE_MASTER);
}
END_TEST

START_TEST(test_sync_force)
{
	struct vrrp_fsm f;
	uint64_t now = 0;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	ck_assert_uint_eq(vrrp_fsm_force(&f, now, VRRP_STATE_MASTER), 0);	/* not started */
	vrrp_fsm_start(&f, now, false, false);
	ck_assert_uint_eq(vrrp_fsm_force(&f, now, VRRP_STATE_MASTER) & VRRP_ACT_BECOME_MASTER,
			  VRRP_ACT_BECOME_MASTER);
	ck_assert_uint_eq(vrrp_fsm_force(&f, now, VRRP_STATE_MASTER), 0);
	ck_assert_uint_eq(vrrp_fsm_force(&f, now, VRRP_STATE_BACKUP), VRRP_ACT_STATE | VRRP_ACT_LEAVE_MASTER);
	ck_assert_uint_eq(vrrp_fsm_force(&f, now, VRRP_STATE_FAULT), VRRP_ACT_STATE);
	ck_assert_uint_eq(vrrp_fsm_force(&f, now, VRRP_STATE_BACKUP), VRRP_ACT_STATE);
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	ck_assert_str_eq(vrrp_state_name(f.state), "BACKUP");
}
END_TEST

/* Two machines on a perfect wire, with the fake clock: exactly one master at every step. */
START_TEST(test_two_routers)
{
	struct vrrp_fsm r[2];
	uint64_t now = 0, end = 120 * S;
	int masters_seen = 0;

	vrrp_fsm_init(&r[0], 3, 100, 100 * MS, true, 0);
	vrrp_fsm_init(&r[1], 3, 100, 100 * MS, true, 0);
	vrrp_fsm_start(&r[0], now, false, false);
	vrrp_fsm_start(&r[1], now + 3 * MS, false, false);
	while (now < end) {
		uint64_t n0 = vrrp_fsm_next(&r[0]), n1 = vrrp_fsm_next(&r[1]);
		int who = n1 < n0 ? 1 : 0;
		unsigned a;

		now = who ? n1 : n0;
		a = vrrp_fsm_timer(&r[who], now);
		if (a & VRRP_ACT_SEND_ADVERT) {
			/* router 1 has the higher address */
			unsigned b = vrrp_fsm_advert(&r[!who], now, r[who].priority, 10, who == 1);

			if (b & VRRP_ACT_SEND_ADVERT)
				vrrp_fsm_advert(&r[who], now, r[!who].priority, 10, who == 0);
		}
		if (now > 2 * S) {
			ck_assert_int_eq((r[0].state == VRRP_STATE_MASTER) + (r[1].state == VRRP_STATE_MASTER), 1);
			masters_seen++;
		}
	}
	ck_assert_int_gt(masters_seen, 0);
	/* equal priorities: the first to time out stays master, a backup does not preempt an equal */
	ck_assert_int_eq(r[0].state, VRRP_STATE_MASTER);
}
END_TEST

/* Both time out at once: two masters, and the tie-break on the address leaves the higher one. */
START_TEST(test_tie_break)
{
	struct vrrp_fsm r[2];
	uint64_t now = 0;
	unsigned a0, a1;

	for (int i = 0; i < 2; i++) {
		vrrp_fsm_init(&r[i], 3, 100, 100 * MS, true, 0);
		vrrp_fsm_start(&r[i], now, false, false);
	}
	now = vrrp_fsm_next(&r[0]);
	vrrp_fsm_timer(&r[0], now);
	vrrp_fsm_timer(&r[1], now);
	ck_assert_int_eq(r[0].state, VRRP_STATE_MASTER);
	ck_assert_int_eq(r[1].state, VRRP_STATE_MASTER);
	/* each hears the other's advert; router 1 has the higher address */
	a0 = vrrp_fsm_advert(&r[0], now, 100, 10, true);
	a1 = vrrp_fsm_advert(&r[1], now, 100, 10, false);
	ck_assert_uint_eq(a0, VRRP_ACT_STATE | VRRP_ACT_LEAVE_MASTER);
	ck_assert_uint_eq(a1, VRRP_ACT_SEND_ADVERT | VRRP_ACT_RX_LOWER);
	ck_assert_int_eq(r[0].state, VRRP_STATE_BACKUP);
	ck_assert_int_eq(r[1].state, VRRP_STATE_MASTER);
}
END_TEST

/* keepalived's lower_prio_no_advert and higher_prio_send_advert, and down_timer_adverts */
START_TEST(test_keepalived_options)
{
	struct vrrp_fsm f;
	uint64_t now = 0;
	unsigned a;

	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	f.lower_prio_no_advert = true;
	vrrp_fsm_start(&f, now, false, true);
	now += 300 * MS;
	/* silent to a lower master, but it still says one is there */
	a = vrrp_fsm_advert(&f, now, 50, 100, true);
	ck_assert_uint_eq(a, VRRP_ACT_RX_LOWER);
	ck_assert_uint_eq(vrrp_fsm_next(&f), 1 * S);
	/* a resigning one is always answered */
	ck_assert_uint_eq(vrrp_fsm_advert(&f, now, 0, 100, true), VRRP_ACT_SEND_ADVERT);
	/* yielding to a higher one: one last advert with it */
	f.higher_prio_send_advert = true;
	a = vrrp_fsm_advert(&f, now, 150, 100, true);
	ck_assert_uint_eq(a, VRRP_ACT_SEND_ADVERT | VRRP_ACT_LEAVE_MASTER | VRRP_ACT_STATE);
	ck_assert_int_eq(f.state, VRRP_STATE_BACKUP);
	/* without it, no advert */
	vrrp_fsm_init(&f, 3, 100, 1 * S, true, 0);
	vrrp_fsm_start(&f, 0, false, true);
	a = vrrp_fsm_advert(&f, now, 150, 100, true);
	ck_assert_uint_eq(a, VRRP_ACT_LEAVE_MASTER | VRRP_ACT_STATE);
	/* down_timer_adverts: Master_Down_Interval is that many intervals plus Skew_Time */
	vrrp_fsm_init(&f, 3, 128, 1 * S, true, 0);
	ck_assert_uint_eq(vrrp_fsm_down_interval(&f), 3 * S + 500 * MS);
	f.down_adverts = 5;
	ck_assert_uint_eq(vrrp_fsm_down_interval(&f), 5 * S + 500 * MS);
	vrrp_fsm_start(&f, 0, false, false);
	ck_assert_uint_eq(vrrp_fsm_next(&f), 5 * S + 500 * MS);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vrrp_fsm");
	TCase *tc = tcase_create("fsm");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_timers_v3);
	tcase_add_test(tc, test_backup_to_master);
	tcase_add_test(tc, test_adverts_hold_backup);
	tcase_add_test(tc, test_v3_adopts_interval);
	tcase_add_test(tc, test_priority0_skew_only);
	tcase_add_test(tc, test_preempt);
	tcase_add_test(tc, test_nopreempt);
	tcase_add_test(tc, test_preempt_delay);
	tcase_add_test(tc, test_master_yields_and_answers);
	tcase_add_test(tc, test_owner);
	tcase_add_test(tc, test_fault);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_priority_change);
	tcase_add_test(tc, test_sync_force);
	tcase_add_test(tc, test_two_routers);
	tcase_add_test(tc, test_tie_break);
	tcase_add_test(tc, test_keepalived_options);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
