/* Unit tests of bfd/bfd_fsm.c: every transition of RFC 5880 6.8.6 (and 6.8.4's expiry, 6.8.16's
 * administrative control), the timers of 6.8.2, 6.8.4 and 6.8.7, and the Poll Sequence of 6.8.3. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdlib.h>

#include "bfd/bfd_fsm.h"

#define MS 1000000ull		/* ns */
#define T0 (1000 * MS)

static const struct bfd_fsm_params params = {
	.min_tx_us = 50000, .idle_tx_us = 1000000, .min_rx_us = 50000, .detect_mult = 3, .passive = false,
};

static struct bfd_pkt
pkt(enum bfd_state st, uint8_t flags, uint32_t your)
{
	struct bfd_pkt p = { .version = 1, .state = (uint8_t)st, .flags = flags, .detect_mult = 3, .length = 24,
			     .my_disc = 0xabcd, .your_disc = your, .desired_min_tx = 100000,
			     .required_min_rx = 20000 };
	return p;
}

static void
start(struct bfd_fsm *f, enum bfd_state want)
{
	struct bfd_pkt p;

	bfd_fsm_init(f, &params, 77, T0);
	ck_assert_int_eq(f->state, BFD_DOWN);
	if (want == BFD_DOWN)
		return;
	if (want == BFD_ADMIN_DOWN) {
		ck_assert_uint_eq(bfd_fsm_admin(f, true, T0), BFD_ACT_STATE);
		return;
	}
	p = pkt(BFD_DOWN, 0, 0);
	ck_assert_uint_eq(bfd_fsm_rx(f, &p, T0, 0) & BFD_ACT_STATE, BFD_ACT_STATE);
	ck_assert_int_eq(f->state, BFD_INIT);
	if (want == BFD_INIT)
		return;
	p = pkt(BFD_UP, 0, 77);
	ck_assert_uint_eq(bfd_fsm_rx(f, &p, T0, 0) & BFD_ACT_STATE, BFD_ACT_STATE);
	ck_assert_int_eq(f->state, BFD_UP);
}

/* One received state in one local state: the resulting state, diag, and whether it was reported. */
static void
rx_case(enum bfd_state local, enum bfd_state remote, enum bfd_state expect, uint8_t diag)
{
	struct bfd_fsm f;
	struct bfd_pkt p = pkt(remote, 0, remote == BFD_DOWN || remote == BFD_ADMIN_DOWN ? 0 : 77);
	unsigned act;

	start(&f, local);
	act = bfd_fsm_rx(&f, &p, T0 + MS, 0);
	ck_assert_msg(f.state == expect, "%s + rx %s: %s, expected %s", bfd_state_name(local),
		      bfd_state_name(remote), bfd_state_name(f.state), bfd_state_name(expect));
	ck_assert_int_eq(!!(act & BFD_ACT_STATE), local != expect);
	if (local != expect)
		ck_assert_int_eq(f.local_diag, diag);
	/* the peer's values are taken in every case, AdminDown included */
	ck_assert_uint_eq(f.remote_disc, 0xabcd);
	ck_assert_int_eq(f.remote_state, remote);
	ck_assert_uint_eq(f.remote_min_rx, 20000);
}

START_TEST(test_rx_down)
{
	rx_case(BFD_DOWN, BFD_ADMIN_DOWN, BFD_DOWN, 0);
	rx_case(BFD_DOWN, BFD_DOWN, BFD_INIT, BFD_DIAG_NONE);
	rx_case(BFD_DOWN, BFD_INIT, BFD_UP, BFD_DIAG_NONE);
	rx_case(BFD_DOWN, BFD_UP, BFD_DOWN, 0);
}
END_TEST

START_TEST(test_rx_init)
{
	rx_case(BFD_INIT, BFD_ADMIN_DOWN, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
	rx_case(BFD_INIT, BFD_DOWN, BFD_INIT, 0);
	rx_case(BFD_INIT, BFD_INIT, BFD_UP, BFD_DIAG_NONE);
	rx_case(BFD_INIT, BFD_UP, BFD_UP, BFD_DIAG_NONE);
}
END_TEST

START_TEST(test_rx_up)
{
	rx_case(BFD_UP, BFD_ADMIN_DOWN, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
	rx_case(BFD_UP, BFD_DOWN, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
	rx_case(BFD_UP, BFD_INIT, BFD_UP, 0);
	rx_case(BFD_UP, BFD_UP, BFD_UP, 0);
}
END_TEST

START_TEST(test_rx_admin_down_discards)
{
	for (int r = BFD_ADMIN_DOWN; r <= BFD_UP; r++) {
		struct bfd_fsm f;
		struct bfd_pkt p = pkt((enum bfd_state)r, BFD_FLAG_P, r <= BFD_DOWN ? 0 : 77);

		start(&f, BFD_ADMIN_DOWN);
		ck_assert_uint_eq(bfd_fsm_rx(&f, &p, T0 + MS, 0), BFD_ACT_DISCARDED);
		ck_assert_int_eq(f.state, BFD_ADMIN_DOWN);
		ck_assert_int_eq(f.local_diag, BFD_DIAG_ADMIN_DOWN);
		/* a discarded packet does not keep a detection timer going */
		ck_assert_uint_eq(f.detect_at, 0);
	}
}
END_TEST

START_TEST(test_admin)
{
	struct bfd_fsm f;
	struct bfd_pkt out;

	for (int st = BFD_DOWN; st <= BFD_UP; st++) {
		start(&f, (enum bfd_state)st);
		ck_assert_uint_eq(bfd_fsm_admin(&f, true, T0 + MS), BFD_ACT_STATE);
		ck_assert_int_eq(f.state, BFD_ADMIN_DOWN);
		ck_assert_int_eq(f.local_diag, BFD_DIAG_ADMIN_DOWN);
		/* and it says so at once */
		ck_assert_uint_eq(f.tx_at, T0 + MS);
		ck_assert(bfd_fsm_tx(&f, T0 + MS, 0, &out));
		ck_assert_int_eq(out.state, BFD_ADMIN_DOWN);
		ck_assert_int_eq(out.diag, BFD_DIAG_ADMIN_DOWN);
		/* again: nothing */
		ck_assert_uint_eq(bfd_fsm_admin(&f, true, T0 + MS), 0);
		ck_assert_uint_eq(bfd_fsm_admin(&f, false, T0 + 2 * MS), BFD_ACT_STATE);
		ck_assert_int_eq(f.state, BFD_DOWN);
		ck_assert_uint_eq(bfd_fsm_admin(&f, false, T0 + 2 * MS), 0);
	}
}
END_TEST

START_TEST(test_expiry)
{
	struct bfd_fsm f;

	/* Init and Up go Down with diag 1; Down stays Down; the peer is forgotten in every case */
	for (int st = BFD_DOWN; st <= BFD_UP; st++) {
		struct bfd_pkt p = pkt(BFD_UP, 0, 77);
		unsigned act;

		start(&f, (enum bfd_state)st);
		if (st == BFD_DOWN) {
			p = pkt(BFD_UP, 0, 77);	/* heard, but stays Down */
			bfd_fsm_rx(&f, &p, T0, 0);
		}
		ck_assert_uint_ne(f.detect_at, 0);
		ck_assert_uint_eq(bfd_fsm_expired(&f, f.detect_at - 1), 0);
		ck_assert_int_eq(f.state, st);
		act = bfd_fsm_expired(&f, f.detect_at);
		ck_assert_int_eq(f.state, BFD_DOWN);
		ck_assert_uint_eq(act, st == BFD_DOWN ? 0 : BFD_ACT_STATE);
		if (st != BFD_DOWN)
			ck_assert_int_eq(f.local_diag, BFD_DIAG_TIME_EXPIRED);
		ck_assert_uint_eq(f.remote_disc, 0);
		ck_assert_uint_eq(f.detect_at, 0);
		/* not heard since: no more expiries */
		ck_assert_uint_eq(bfd_fsm_expired(&f, T0 + 100000 * MS), 0);
	}
}
END_TEST

/* 6.8.4: the remote's multiplier times the greater of our RequiredMinRx and its DesiredMinTx. */
START_TEST(test_detect_time)
{
	struct bfd_fsm f;
	struct bfd_pkt p;

	start(&f, BFD_DOWN);
	ck_assert_uint_eq(bfd_fsm_detect_time(&f), 0);
	p = pkt(BFD_DOWN, 0, 0);
	p.detect_mult = 4;
	p.desired_min_tx = 10000;	/* below our 50 ms min_rx */
	bfd_fsm_rx(&f, &p, T0, 0);
	ck_assert_uint_eq(bfd_fsm_detect_time(&f), 4 * 50000);
	ck_assert_uint_eq(f.detect_at, T0 + 200 * MS);
	p.desired_min_tx = 300000;
	bfd_fsm_rx(&f, &p, T0 + MS, 0);
	ck_assert_uint_eq(bfd_fsm_detect_time(&f), 4 * 300000);
	ck_assert_uint_eq(f.detect_at, T0 + MS + 1200 * MS);
}
END_TEST

/* 6.8.7: reduced by 0-25 %, or 10-25 % with a multiplier of 1. */
START_TEST(test_jitter)
{
	ck_assert_uint_eq(bfd_fsm_jitter(100000, 3, 0), 100 * MS);
	ck_assert_uint_ge(bfd_fsm_jitter(100000, 3, UINT32_MAX), 75 * MS);
	ck_assert_uint_lt(bfd_fsm_jitter(100000, 3, UINT32_MAX), 75 * MS + 1000);
	ck_assert_uint_eq(bfd_fsm_jitter(100000, 1, 0), 90 * MS);
	ck_assert_uint_ge(bfd_fsm_jitter(100000, 1, UINT32_MAX), 75 * MS);
	for (uint32_t r = 0; r < 4000000000u; r += 7654321u) {
		uint64_t j = bfd_fsm_jitter(50000, 3, r), k = bfd_fsm_jitter(50000, 1, r);

		ck_assert(j >= 37500000 && j <= 50000000);
		ck_assert(k >= 37500000 && k <= 45000000);
	}
}
END_TEST

/* 6.8.2 / 6.8.7: the greater of our DesiredMinTx and the peer's RequiredMinRx; 1 s at least while not Up. */
START_TEST(test_tx_interval)
{
	struct bfd_fsm f;
	struct bfd_pkt p, out;

	start(&f, BFD_DOWN);
	ck_assert_uint_eq(f.desired_min_tx, 1000000);
	ck_assert_uint_eq(bfd_fsm_tx_interval(&f), 1000000);
	/* the first packet goes at once */
	ck_assert_uint_eq(f.tx_at, T0);
	ck_assert(bfd_fsm_tx(&f, T0, 0, &out));
	ck_assert_uint_eq(f.tx_at, T0 + 1000 * MS);
	ck_assert(!bfd_fsm_tx(&f, T0 + 999 * MS, 0, &out));
	start(&f, BFD_UP);
	ck_assert_uint_eq(f.desired_min_tx, 50000);
	ck_assert_uint_eq(bfd_fsm_tx_interval(&f), 50000);	/* peer's 20 ms is lower */
	p = pkt(BFD_UP, 0, 77);
	p.required_min_rx = 200000;
	bfd_fsm_rx(&f, &p, T0 + MS, 0);
	ck_assert_uint_eq(bfd_fsm_tx_interval(&f), 200000);
	/* the peer asks for nothing: nothing is sent */
	p.required_min_rx = 0;
	bfd_fsm_rx(&f, &p, T0 + 2 * MS, 0);
	ck_assert_uint_eq(bfd_fsm_tx_interval(&f), 0);
	ck_assert(!bfd_fsm_tx(&f, T0 + 1000 * MS, 0, &out));
	ck_assert_uint_eq(f.tx_at, 0);
	/* and asks again: sent at once */
	p.required_min_rx = 20000;
	bfd_fsm_rx(&f, &p, T0 + 3 * MS, 0);
	ck_assert_uint_eq(f.tx_at, T0 + 3 * MS);
	/* a lower RequiredMinRx from the peer brings the next packet forward */
	ck_assert(bfd_fsm_tx(&f, T0 + 3 * MS, 0, &out));
	ck_assert_uint_eq(f.tx_at, T0 + 53 * MS);
}
END_TEST

START_TEST(test_packet_fields)
{
	struct bfd_fsm f;
	struct bfd_pkt out;

	start(&f, BFD_UP);
	bfd_fsm_packet(&f, false, &out);
	ck_assert_int_eq(out.state, BFD_UP);
	ck_assert_uint_eq(out.my_disc, 77);
	ck_assert_uint_eq(out.your_disc, 0xabcd);
	ck_assert_int_eq(out.detect_mult, 3);
	ck_assert_uint_eq(out.desired_min_tx, 50000);
	ck_assert_uint_eq(out.required_min_rx, 50000);
	ck_assert_uint_eq(out.required_min_echo_rx, 0);
	/* going Up lowered the interval: a Poll runs */
	ck_assert_int_eq(out.flags, BFD_FLAG_P);
	bfd_fsm_packet(&f, true, &out);
	ck_assert_int_eq(out.flags, BFD_FLAG_F);
}
END_TEST

START_TEST(test_answer_poll)
{
	struct bfd_fsm f;
	struct bfd_pkt p = pkt(BFD_UP, BFD_FLAG_P, 77);

	start(&f, BFD_UP);
	ck_assert_uint_eq(bfd_fsm_rx(&f, &p, T0 + MS, 0), BFD_ACT_SEND_FINAL);
	ck_assert_uint_eq(f.finals_sent, 1);
	p.flags = 0;
	ck_assert_uint_eq(bfd_fsm_rx(&f, &p, T0 + 2 * MS, 0), 0);
}
END_TEST

/* 6.8.3: a Poll on every change; an increase of tx (or a decrease of rx) while Up waits for the Final. */
START_TEST(test_poll_sequence)
{
	struct bfd_fsm f;
	struct bfd_pkt p = pkt(BFD_UP, BFD_FLAG_F, 77), out;
	struct bfd_fsm_params np = params;

	start(&f, BFD_UP);
	ck_assert(f.polling);
	bfd_fsm_rx(&f, &p, T0 + MS, 0);
	ck_assert(!f.polling);
	ck_assert_uint_eq(f.polls_done, 1);
	/* a Final without a Poll is nothing */
	bfd_fsm_rx(&f, &p, T0 + 2 * MS, 0);
	ck_assert_uint_eq(f.polls_done, 1);

	np.min_tx_us = 300000;
	np.min_rx_us = 10000;
	bfd_fsm_set_params(&f, &np, T0 + 3 * MS);
	ck_assert(f.polling);
	ck_assert_uint_eq(f.desired_min_tx, 300000);	/* advertised */
	ck_assert_uint_eq(f.tx_in_use, 50000);		/* not used yet */
	ck_assert_uint_eq(f.required_min_rx, 10000);
	ck_assert_uint_eq(f.rx_in_use, 50000);
	ck_assert_uint_eq(f.tx_at, T0 + 3 * MS);	/* the Poll goes now */
	ck_assert(bfd_fsm_tx(&f, T0 + 3 * MS, 0, &out));
	ck_assert_int_eq(out.flags, BFD_FLAG_P);
	ck_assert_uint_eq(out.desired_min_tx, 300000);
	ck_assert_uint_eq(out.required_min_rx, 10000);
	ck_assert_uint_eq(f.tx_at, T0 + 53 * MS);	/* still the old interval */
	/* a change during the Poll: another one after it */
	np.min_tx_us = 400000;
	bfd_fsm_set_params(&f, &np, T0 + 4 * MS);
	ck_assert(f.poll_again);
	p.flags = BFD_FLAG_F;
	bfd_fsm_rx(&f, &p, T0 + 5 * MS, 0);
	ck_assert_uint_eq(f.tx_in_use, 300000);		/* acknowledged */
	ck_assert_uint_eq(f.rx_in_use, 10000);
	ck_assert(f.polling);				/* the second Poll, for 400 ms */
	ck_assert_uint_eq(f.poll_tx, 400000);
	bfd_fsm_rx(&f, &p, T0 + 6 * MS, 0);
	ck_assert(!f.polling);
	ck_assert_uint_eq(f.tx_in_use, 400000);
	ck_assert_uint_eq(f.polls_started, 3);

	/* a decrease of tx, or increase of rx, applies at once */
	np.min_tx_us = 20000;
	np.min_rx_us = 90000;
	bfd_fsm_set_params(&f, &np, T0 + 7 * MS);
	ck_assert_uint_eq(f.tx_in_use, 20000);
	ck_assert_uint_eq(f.rx_in_use, 90000);
	ck_assert(f.polling);
	/* nothing changed: no Poll */
	bfd_fsm_rx(&f, &p, T0 + 8 * MS, 0);
	bfd_fsm_set_params(&f, &np, T0 + 9 * MS);
	ck_assert(!f.polling);
}
END_TEST

/* Not Up: changes apply at once (and are still polled). */
START_TEST(test_poll_not_up)
{
	struct bfd_fsm f;
	struct bfd_fsm_params np = params;

	start(&f, BFD_INIT);
	np.min_rx_us = 10000;
	bfd_fsm_set_params(&f, &np, T0 + MS);
	ck_assert_uint_eq(f.rx_in_use, 10000);
	ck_assert(f.polling);
	/* Up -> Down: back to idle_tx at once */
	start(&f, BFD_UP);
	ck_assert_uint_eq(f.tx_in_use, 50000);
	{
		struct bfd_pkt p = pkt(BFD_DOWN, 0, 0);

		bfd_fsm_rx(&f, &p, T0 + MS, 0);
	}
	ck_assert_int_eq(f.state, BFD_DOWN);
	ck_assert_uint_eq(f.desired_min_tx, 1000000);
	ck_assert_uint_eq(f.tx_in_use, 1000000);
	/* an idle_tx under 1 s is raised to it */
	np = params;
	np.idle_tx_us = 200000;
	bfd_fsm_init(&f, &np, 1, T0);
	ck_assert_uint_eq(f.desired_min_tx, 1000000);
}
END_TEST

START_TEST(test_passive)
{
	struct bfd_fsm f;
	struct bfd_fsm_params pp = params;
	struct bfd_pkt p = pkt(BFD_DOWN, 0, 0), out;

	pp.passive = true;
	bfd_fsm_init(&f, &pp, 5, T0);
	ck_assert_uint_eq(f.tx_at, 0);
	ck_assert(!bfd_fsm_tx(&f, T0 + 5000 * MS, 0, &out));
	/* heard: it answers at once */
	bfd_fsm_rx(&f, &p, T0 + MS, 0);
	ck_assert_int_eq(f.state, BFD_INIT);
	ck_assert_uint_eq(f.tx_at, T0 + MS);
	ck_assert(bfd_fsm_tx(&f, T0 + MS, 0, &out));
	ck_assert_int_eq(out.state, BFD_INIT);
	ck_assert_uint_eq(out.your_disc, 0xabcd);
	/* the peer goes silent: forgotten, and silent again */
	ck_assert_uint_eq(bfd_fsm_expired(&f, f.detect_at), BFD_ACT_STATE);
	ck_assert_uint_eq(f.tx_at, 0);
	ck_assert(!bfd_fsm_tx(&f, T0 + 100000 * MS, 0, &out));
}
END_TEST

/* A whole session between two state machines, with a lossless wire: up in three packets, down when one
 * falls silent, up again. */
START_TEST(test_two_ends)
{
	struct bfd_fsm a, b;
	struct bfd_pkt pa, pb;
	uint64_t now = T0;
	int i;

	bfd_fsm_init(&a, &params, 1, now);
	bfd_fsm_init(&b, &params, 2, now);
	for (i = 0; i < 20 && (a.state != BFD_UP || b.state != BFD_UP); i++) {
		if (bfd_fsm_tx(&a, now, 0, &pa))
			bfd_fsm_rx(&b, &pa, now, 0);
		if (bfd_fsm_tx(&b, now, 0, &pb))
			bfd_fsm_rx(&a, &pb, now, 0);
		now += MS;
	}
	ck_assert_int_eq(a.state, BFD_UP);
	ck_assert_int_eq(b.state, BFD_UP);
	ck_assert_int_lt(i, 5);
	/* b stops: a is Down within 3 x 50 ms of b's last packet */
	for (uint64_t until = now + 1000 * MS; now < until && a.state == BFD_UP; now += MS) {
		if (bfd_fsm_tx(&a, now, 0, &pa))
			bfd_fsm_rx(&b, &pa, now, 0);
		bfd_fsm_expired(&a, now);
	}
	ck_assert_int_eq(a.state, BFD_DOWN);
	ck_assert_uint_le(now - b.tx_at, 3 * 50 * MS + 50 * MS + 2 * MS);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bfd_fsm");
	TCase *tc = tcase_create("fsm");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_rx_down);
	tcase_add_test(tc, test_rx_init);
	tcase_add_test(tc, test_rx_up);
	tcase_add_test(tc, test_rx_admin_down_discards);
	tcase_add_test(tc, test_admin);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_detect_time);
	tcase_add_test(tc, test_jitter);
	tcase_add_test(tc, test_tx_interval);
	tcase_add_test(tc, test_packet_fields);
	tcase_add_test(tc, test_answer_poll);
	tcase_add_test(tc, test_poll_sequence);
	tcase_add_test(tc, test_poll_not_up);
	tcase_add_test(tc, test_passive);
	tcase_add_test(tc, test_two_ends);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
