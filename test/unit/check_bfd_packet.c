/* Unit tests of bfd/bfd_packet.c: encoding against vectors built independently (Python's struct.pack on
 * the RFC 5880 4.1 layout), and every reception check of 6.8.6 that the packet alone decides. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd_packet.h"

static void
unhex(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* struct.pack('!BBBBIIIII', (1<<5)|3, (3<<6)|0x20, 3, 24, 0x11223344, 0x55667788, 50000, 300000, 0) */
static const char vec_up_poll[] = "23e0031811223344556677880000c350000493e000000000";
/* struct.pack('!BBBBIIIII', (1<<5)|1, (1<<6)|0x10, 5, 24, 1, 0, 1000000, 10000, 0) */
static const char vec_down_final[] = "215005180000000100000000000f42400000271000000000";

START_TEST(test_encode_vectors)
{
	struct bfd_pkt p = { .diag = BFD_DIAG_NEIGHBOR_DOWN, .state = BFD_UP, .flags = BFD_FLAG_P, .detect_mult = 3,
			     .my_disc = 0x11223344, .your_disc = 0x55667788, .desired_min_tx = 50000,
			     .required_min_rx = 300000 };
	uint8_t buf[64], want[24];

	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, sizeof(buf)), 24);
	unhex(vec_up_poll, want, 24);
	ck_assert_mem_eq(buf, want, 24);

	p = (struct bfd_pkt){ .diag = BFD_DIAG_TIME_EXPIRED, .state = BFD_DOWN, .flags = BFD_FLAG_F, .detect_mult = 5,
			      .my_disc = 1, .desired_min_tx = 1000000, .required_min_rx = 10000 };
	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, sizeof(buf)), 24);
	unhex(vec_down_final, want, 24);
	ck_assert_mem_eq(buf, want, 24);
	/* too small a buffer writes nothing */
	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, 23), 0);
}
END_TEST

START_TEST(test_encode_never_sets_a_or_m)
{
	struct bfd_pkt p = { .state = BFD_DOWN, .flags = 0x3f, .detect_mult = 1, .my_disc = 7 };
	struct bfd_pkt q;
	uint8_t buf[24];

	ck_assert_uint_eq(bfd_pkt_encode(&p, buf, sizeof(buf)), 24);
	ck_assert_int_eq(buf[1] & (BFD_FLAG_A | BFD_FLAG_M), 0);
	ck_assert_int_eq(bfd_pkt_decode(buf, 24, &q), BFD_OK);
	ck_assert_int_eq(q.flags, BFD_FLAG_P | BFD_FLAG_F | BFD_FLAG_C | BFD_FLAG_D);
}
END_TEST

START_TEST(test_decode_vectors)
{
	uint8_t buf[24];
	struct bfd_pkt p;

	unhex(vec_up_poll, buf, 24);
	ck_assert_int_eq(bfd_pkt_decode(buf, 24, &p), BFD_OK);
	ck_assert_int_eq(p.version, 1);
	ck_assert_int_eq(p.diag, BFD_DIAG_NEIGHBOR_DOWN);
	ck_assert_int_eq(p.state, BFD_UP);
	ck_assert_int_eq(p.flags, BFD_FLAG_P);
	ck_assert_int_eq(p.detect_mult, 3);
	ck_assert_int_eq(p.length, 24);
	ck_assert_uint_eq(p.my_disc, 0x11223344);
	ck_assert_uint_eq(p.your_disc, 0x55667788);
	ck_assert_uint_eq(p.desired_min_tx, 50000);
	ck_assert_uint_eq(p.required_min_rx, 300000);
	ck_assert_uint_eq(p.required_min_echo_rx, 0);

	unhex(vec_down_final, buf, 24);
	ck_assert_int_eq(bfd_pkt_decode(buf, 24, &p), BFD_OK);
	ck_assert_int_eq(p.state, BFD_DOWN);
	ck_assert_int_eq(p.flags, BFD_FLAG_F);
	ck_assert_uint_eq(p.your_disc, 0);
}
END_TEST

static void
base(uint8_t *buf)
{
	unhex(vec_up_poll, buf, 24);
}

static enum bfd_drop
decode(const uint8_t *buf, size_t len)
{
	struct bfd_pkt p;

	return bfd_pkt_decode(buf, len, &p);
}

START_TEST(test_short)
{
	uint8_t buf[64];

	base(buf);
	for (size_t n = 0; n < 24; n++)
		ck_assert_int_eq(decode(buf, n), BFD_DROP_SHORT);
}
END_TEST

START_TEST(test_version)
{
	uint8_t buf[24];

	for (unsigned v = 0; v < 8; v++) {
		base(buf);
		buf[0] = (uint8_t)(v << 5 | (buf[0] & 0x1f));
		ck_assert_int_eq(decode(buf, 24), v == 1 ? BFD_OK : BFD_DROP_VERSION);
	}
}
END_TEST

START_TEST(test_length)
{
	uint8_t buf[64] = { 0 };

	base(buf);
	/* under 24 */
	for (unsigned l = 0; l < 24; l++) {
		buf[3] = (uint8_t)l;
		ck_assert_int_eq(decode(buf, 64), BFD_DROP_LENGTH);
	}
	/* over what arrived */
	buf[3] = 25;
	ck_assert_int_eq(decode(buf, 24), BFD_DROP_LENGTH);
	buf[3] = 255;
	ck_assert_int_eq(decode(buf, 64), BFD_DROP_LENGTH);
	/* shorter than the datagram: the rest is ignored */
	buf[3] = 24;
	ck_assert_int_eq(decode(buf, 64), BFD_OK);
	/* with A: under 26 */
	buf[1] |= BFD_FLAG_A;
	buf[3] = 24;
	ck_assert_int_eq(decode(buf, 64), BFD_DROP_LENGTH);
	buf[3] = 25;
	ck_assert_int_eq(decode(buf, 64), BFD_DROP_LENGTH);
	/* an auth section longer than the packet, or under its own 2 bytes */
	buf[3] = 28;
	buf[24] = 1;
	buf[25] = 5;
	ck_assert_int_eq(decode(buf, 64), BFD_DROP_LENGTH);
	buf[25] = 1;
	ck_assert_int_eq(decode(buf, 64), BFD_DROP_LENGTH);
	/* a well-formed simple password section: refused, since no session has authentication */
	buf[25] = 4;
	ck_assert_int_eq(decode(buf, 64), BFD_DROP_AUTH);
}
END_TEST

START_TEST(test_mult_multipoint_disc)
{
	uint8_t buf[24];

	base(buf);
	buf[2] = 0;
	ck_assert_int_eq(decode(buf, 24), BFD_DROP_MULT);
	base(buf);
	buf[1] |= BFD_FLAG_M;
	ck_assert_int_eq(decode(buf, 24), BFD_DROP_MULTIPOINT);
	base(buf);
	memset(buf + 4, 0, 4);
	ck_assert_int_eq(decode(buf, 24), BFD_DROP_MY_DISC);
}
END_TEST

START_TEST(test_your_disc_zero)
{
	uint8_t buf[24];

	/* zero is allowed only from a sender in Down or AdminDown */
	for (unsigned st = 0; st < 4; st++) {
		base(buf);
		memset(buf + 8, 0, 4);
		buf[1] = (uint8_t)(st << 6);
		ck_assert_int_eq(decode(buf, 24), st == BFD_DOWN || st == BFD_ADMIN_DOWN ? BFD_OK : BFD_DROP_YOUR_DISC);
	}
}
END_TEST

START_TEST(test_ttl)
{
	/* single hop, keepalived's default max_hops 0: only what was sent */
	ck_assert(bfd_ttl_ok(255, 255, 0));
	ck_assert(!bfd_ttl_ok(254, 255, 0));
	ck_assert(!bfd_ttl_ok(1, 255, 0));
	ck_assert(!bfd_ttl_ok(-1, 255, 0));
	/* IPv6's default hop limit 64 */
	ck_assert(bfd_ttl_ok(64, 64, 0));
	ck_assert(bfd_ttl_ok(255, 64, 0));
	ck_assert(!bfd_ttl_ok(63, 64, 0));
	/* multihop: up to max_hops routers */
	ck_assert(bfd_ttl_ok(252, 255, 3));
	ck_assert(!bfd_ttl_ok(251, 255, 3));
	/* -1: no check at all */
	ck_assert(bfd_ttl_ok(1, 255, -1));
	ck_assert(bfd_ttl_ok(-1, 255, -1));
	ck_assert(!bfd_ttl_ok(256, 255, 0));
}
END_TEST

START_TEST(test_names)
{
	for (int d = 0; d < BFD_DROP_MAX; d++)
		ck_assert_ptr_nonnull(bfd_drop_name((enum bfd_drop)d));
	ck_assert_str_eq(bfd_drop_name(BFD_DROP_MAX), "?");
	ck_assert_str_eq(bfd_state_name(BFD_UP), "Up");
	ck_assert_str_eq(bfd_diag_name(BFD_DIAG_TIME_EXPIRED), "control detection time expired");
	ck_assert_str_eq(bfd_diag_name(31), "reserved");
}
END_TEST

/* Every byte string of every length decodes without reading past it (ASan watches), and what decodes
 * encodes back to the same mandatory section. */
START_TEST(test_random)
{
	uint8_t *buf;
	uint32_t seed = 12345;

	for (int i = 0; i < 200000; i++) {
		size_t n = (size_t)(i % 40);
		struct bfd_pkt p;
		uint8_t again[24];

		buf = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(buf);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = (uint8_t)(seed >> 16);
		}
		/* bias towards packets that get far: version 1, length 24 */
		if (n >= 4 && (i & 1)) {
			buf[0] = (uint8_t)(0x20 | (buf[0] & 0x1f));
			buf[3] = 24;
			buf[1] &= (uint8_t)~(BFD_FLAG_A | BFD_FLAG_M);
		}
		if (bfd_pkt_decode(buf, n, &p) == BFD_OK) {
			ck_assert_uint_eq(bfd_pkt_encode(&p, again, sizeof(again)), 24);
			if (buf[3] == 24)
				ck_assert_mem_eq(again, buf, 24);
		}
		free(buf);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bfd_packet");
	TCase *tc = tcase_create("codec");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_encode_vectors);
	tcase_add_test(tc, test_encode_never_sets_a_or_m);
	tcase_add_test(tc, test_decode_vectors);
	tcase_add_test(tc, test_short);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_length);
	tcase_add_test(tc, test_mult_multipoint_disc);
	tcase_add_test(tc, test_your_disc_zero);
	tcase_add_test(tc, test_ttl);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
