/* Unit tests of sync/sync_pace.c: the queue in front of the kernel backup, and /proc/net/udp. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_pace.h"

/* As a 6.1 kernel prints it: the kernel backup daemon's socket on the sync group, port 8849 (0x2291). */
static const char udp[] =
	"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
	"pointer drops             \n"
	"  118: 00000000:2290 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2816 2 "
	"000000008a0b7a12 0         \n"
	"  119: 510000E0:2291 00000000:0000 07 00000000:0004A400 00:00000000 00000000     0        0 0 2 "
	"00000000c4d2e6b1 260       \n";

START_TEST(parse_udp)
{
	uint64_t rxq = 0, drops = 0;

	ck_assert(sync_pace_parse_udp(udp, 8849, &rxq, &drops));
	ck_assert_uint_eq(rxq, 0x4a400);
	ck_assert_uint_eq(drops, 260);
	ck_assert(sync_pace_parse_udp(udp, 8848, &rxq, &drops));
	ck_assert_uint_eq(rxq, 0);
	ck_assert_uint_eq(drops, 0);
	ck_assert(!sync_pace_parse_udp(udp, 53, &rxq, &drops));
	ck_assert(!sync_pace_parse_udp("", 8849, &rxq, &drops));
}
END_TEST

START_TEST(room_then_queue)
{
	struct sync_pace p;
	uint8_t d[1300], out[2000];
	size_t len;
	unsigned sent = 0;

	memset(d, 7, sizeof(d));
	sync_pace_init(&p, 1 << 20, 100000);	/* half of it, 50,000 bytes, may be in the kernel's queue */
	while (sync_pace_may_send(&p, sizeof(d)))
		sent++;
	ck_assert_uint_eq(sent, 50000 / sync_pace_cost(sizeof(d)));
	/* the rest waits, in order, until the kernel's queue drains */
	for (unsigned i = 0; i < 100; i++) {
		d[0] = (uint8_t)i;
		ck_assert_int_eq(sync_pace_push(&p, d, sizeof(d) - i), 0);
	}
	ck_assert(!sync_pace_peek(&p, out, sizeof(out), &len));
	/* anything that comes now queues behind them, even with room */
	sync_pace_look(&p, 0);
	ck_assert(!sync_pace_may_send(&p, 10));
	for (unsigned i = 0; i < 100;) {
		if (!sync_pace_peek(&p, out, sizeof(out), &len)) {
			sync_pace_look(&p, 10000);	/* the kernel took some */
			continue;
		}
		ck_assert_uint_eq(len, sizeof(d) - i);
		ck_assert_uint_eq(out[0], i);
		ck_assert_uint_eq(out[1], 7);
		sync_pace_pop(&p);
		i++;
	}
	ck_assert_uint_eq(p.queued, 0);
	ck_assert_uint_eq(p.waited, 100);
	ck_assert_ptr_null(p.ring);
	/* a full kernel queue: no room at all */
	sync_pace_look(&p, 60000);
	ck_assert(!sync_pace_may_send(&p, 10));
	sync_pace_free(&p);
}
END_TEST

/* The ring wraps around; a datagram that does not fit is refused and counted. */
START_TEST(wrap_and_overflow)
{
	struct sync_pace p;
	uint8_t d[300], out[400];
	size_t len;
	unsigned next = 0, pushed = 0;

	sync_pace_init(&p, 1000, 0);	/* no room: everything queues */
	for (unsigned round = 0; round < 50; round++) {
		while (p.used + 4 + sizeof(d) <= p.cap) {
			memset(d, (int)(pushed & 0xff), sizeof(d));
			ck_assert_int_eq(sync_pace_push(&p, d, sizeof(d)), 0);
			pushed++;
		}
		ck_assert_int_eq(sync_pace_push(&p, d, sizeof(d)), -1);
		sync_pace_look(&p, 0);
		p.room = (int64_t)sync_pace_cost(sizeof(d));	/* room for one */
		ck_assert(sync_pace_peek(&p, out, sizeof(out), &len));
		ck_assert_uint_eq(len, sizeof(d));
		for (size_t i = 0; i < len; i++)
			ck_assert_uint_eq(out[i], next & 0xff);
		sync_pace_pop(&p);
		next++;
		ck_assert(!sync_pace_peek(&p, out, sizeof(out), &len));
	}
	ck_assert_uint_eq(p.overflow, 50);
	sync_pace_free(&p);
}
END_TEST

static Suite *
pace_suite(void)
{
	Suite *s = suite_create("sync_pace");
	TCase *tc = tcase_create("pace");

	tcase_add_test(tc, parse_udp);
	tcase_add_test(tc, room_then_queue);
	tcase_add_test(tc, wrap_and_overflow);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
