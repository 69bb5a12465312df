/* Unit tests of sync/sync_secure.c: frames and their MAC, the replay window, NACK timing on a fake clock,
 * the retransmit ring. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_secure.h"

#define MS 1000000ULL

static const uint8_t key[32] = "0123456789abcdef0123456789abcdef";

START_TEST(frame_roundtrip_and_tamper)
{
	uint8_t buf[256], copy[256];
	const uint8_t payload[40] = "a v1 datagram would be here, 40 bytes..";
	struct sync_frame f;
	size_t len = sync_frame_build(buf, sizeof(buf), SYNC_FT_DATA, 0x1122334455667788ULL, 5, payload,
				      sizeof(payload), key, sizeof(key));

	ck_assert_uint_eq(len, SYNC_FRAME_OVERHEAD + sizeof(payload));
	ck_assert(sync_is_frame(buf, len));
	ck_assert_int_eq(sync_frame_parse(buf, len, key, sizeof(key), &f), SYNC_F_OK);
	ck_assert_uint_eq(f.type, SYNC_FT_DATA);
	ck_assert_uint_eq(f.epoch, 0x1122334455667788ULL);
	ck_assert_uint_eq(f.seq, 5);
	ck_assert_uint_eq(f.len, sizeof(payload));
	ck_assert_mem_eq(f.payload, payload, sizeof(payload));
	/* every single-bit change anywhere is refused */
	for (size_t i = 0; i < len; i++)
		for (int b = 0; b < 8; b++) {
			enum sync_frame_err e;

			memcpy(copy, buf, len);
			copy[i] ^= (uint8_t)(1 << b);
			e = sync_frame_parse(copy, len, key, sizeof(key), &f);
			if (i < 4)
				ck_assert_int_eq(e, SYNC_F_MAGIC);
			else if (i == 6 || i == 7)
				ck_assert_int_eq(e, SYNC_F_LEN);
			else
				ck_assert_int_eq(e, SYNC_F_MAC);
		}
	/* the wrong key; no key where one is expected; truncation */
	uint8_t other[32];
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	ck_assert_int_eq(sync_frame_parse(buf, len, other, sizeof(other), &f), SYNC_F_MAC);
	ck_assert_int_eq(sync_frame_parse(buf, len - 1, key, sizeof(key), &f), SYNC_F_LEN);
	ck_assert_int_eq(sync_frame_parse(buf, SYNC_FRAME_OVERHEAD - 1, key, sizeof(key), &f), SYNC_F_SHORT);
	len = sync_frame_build(buf, sizeof(buf), SYNC_FT_DATA, 1, 1, payload, sizeof(payload), NULL, 0);
	ck_assert_uint_eq(len, SYNC_FRAME_HDR + sizeof(payload));
	ck_assert_int_eq(sync_frame_parse(buf, len, key, sizeof(key), &f), SYNC_F_LEN);
	ck_assert_int_eq(sync_frame_parse(buf, len, NULL, 0, &f), SYNC_F_OK);
	/* too small a buffer */
	ck_assert_uint_eq(sync_frame_build(buf, 60, SYNC_FT_DATA, 1, 1, payload, sizeof(payload), key, 32), 0);
	/* a kernel v1 datagram is not a frame */
	memset(copy, 0, 8);
	copy[5] = 1;
	ck_assert(!sync_is_frame(copy, 8));
}
END_TEST

/* The prepared key (the child's hot path) makes the frames the one-shot path makes, frame after frame. */
START_TEST(frame_prepared_key)
{
	static const uint8_t other[16] = "another key 16 b";
	struct sync_mac *m = sync_mac_new(key, sizeof(key)), *wrong = sync_mac_new(other, sizeof(other));
	uint8_t a[256], b[256], payload[100];
	struct sync_frame f;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(wrong);
	ck_assert_ptr_null(sync_mac_new(key, 0));
	for (unsigned i = 0; i < 50; i++) {
		size_t plen = 1 + i % sizeof(payload), la, lb;

		memset(payload, (int)i, plen);
		la = sync_frame_build_mac(a, sizeof(a), SYNC_FT_DATA, 7, i + 1, payload, plen, m);
		lb = sync_frame_build(b, sizeof(b), SYNC_FT_DATA, 7, i + 1, payload, plen, key, sizeof(key));
		ck_assert_uint_eq(la, SYNC_FRAME_OVERHEAD + plen);
		ck_assert_uint_eq(la, lb);
		ck_assert_mem_eq(a, b, la);
		ck_assert_int_eq(sync_frame_parse_mac(b, lb, m, &f), SYNC_F_OK);
		ck_assert_uint_eq(f.seq, i + 1);
		ck_assert_int_eq(sync_frame_parse_mac(a, la, wrong, &f), SYNC_F_MAC);
		a[SYNC_FRAME_HDR + plen / 2] ^= 1;
		ck_assert_int_eq(sync_frame_parse_mac(a, la, m, &f), SYNC_F_MAC);
	}
	/* without a key: no MAC at all, as with keylen 0 */
	ck_assert_uint_eq(sync_frame_build_mac(a, sizeof(a), SYNC_FT_RESYNC, 7, 0, NULL, 0, NULL), SYNC_FRAME_HDR);
	ck_assert_int_eq(sync_frame_parse_mac(a, SYNC_FRAME_HDR, NULL, &f), SYNC_F_OK);
	sync_mac_free(m);
	sync_mac_free(wrong);
	sync_mac_free(NULL);
}
END_TEST

START_TEST(frame_types)
{
	uint8_t buf[1024], p[SYNC_HELLO_LEN + 8] = { 0 };
	struct sync_frame f;
	size_t len;
	uint64_t seqs[SYNC_NACK_MAX + 1];
	struct {
		uint8_t type;
		uint64_t seq;
		size_t plen;
		enum sync_frame_err want;
	} cases[] = {
		{ SYNC_FT_DATA, 1, 8, SYNC_F_OK },	  { SYNC_FT_DATA, 0, 8, SYNC_F_TYPE },
		{ SYNC_FT_DATA, 1, 0, SYNC_F_TYPE },	  { SYNC_FT_HELLO, 0, SYNC_HELLO_LEN, SYNC_F_OK },
		{ SYNC_FT_HELLO, 0, 8, SYNC_F_TYPE },	  { SYNC_FT_RESYNC, 0, 0, SYNC_F_OK },
		{ SYNC_FT_RESYNC, 0, 8, SYNC_F_TYPE },	  { SYNC_FT_NACK, 0, 16, SYNC_F_OK },
		{ SYNC_FT_NACK, 0, 8, SYNC_F_TYPE },	  { SYNC_FT_NACK, 0, 20, SYNC_F_TYPE },
		{ 0, 0, 0, SYNC_F_TYPE },		  { 9, 0, 0, SYNC_F_TYPE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = sync_frame_build(buf, sizeof(buf), cases[i].type, 1, cases[i].seq, p, cases[i].plen, key, 32);
		ck_assert_uint_gt(len, 0);
		ck_assert_msg(sync_frame_parse(buf, len, key, 32, &f) == cases[i].want, "case %zu", i);
	}
	/* NACK payloads: SYNC_NACK_MAX seqs at most */
	for (size_t i = 0; i <= SYNC_NACK_MAX; i++)
		seqs[i] = 100 + i;
	uint8_t np[8 + 8 * (SYNC_NACK_MAX + 1)];
	size_t nlen = sync_nack_put(np, sizeof(np), 77, seqs, SYNC_NACK_MAX + 1);
	ck_assert_uint_eq(nlen, 8 + 8 * SYNC_NACK_MAX);
	uint64_t epoch, got[SYNC_NACK_MAX];
	size_t n;
	ck_assert_int_eq(sync_nack_get(np, nlen, &epoch, got, &n), 0);
	ck_assert_uint_eq(epoch, 77);
	ck_assert_uint_eq(n, SYNC_NACK_MAX);
	ck_assert_uint_eq(got[SYNC_NACK_MAX - 1], 100 + SYNC_NACK_MAX - 1);
	ck_assert_int_eq(sync_nack_get(np, nlen + 8, &epoch, got, &n), -1);
	ck_assert_int_eq(sync_nack_get(np, 8, &epoch, got, &n), -1);
	ck_assert_int_eq(sync_nack_get(np, 15, &epoch, got, &n), -1);
	len = sync_frame_build(buf, sizeof(buf), SYNC_FT_NACK, 1, 0, np, 8 + 8 * (SYNC_NACK_MAX + 1), key, 32);
	ck_assert_int_eq(sync_frame_parse(buf, len, key, 32, &f), SYNC_F_TYPE);
	/* HELLO payload */
	struct sync_hello h = { 1, 2, 3 }, h2;
	sync_hello_put(p, &h);
	sync_hello_get(p, &h2);
	ck_assert_mem_eq(&h, &h2, sizeof(h));
}
END_TEST

/* A peer that has answered our challenge, at epoch 10, next seq 1. */
static void
known_peer(struct sync_rx *rx)
{
	struct sync_hello h = { .nonce = 5, .echo = 0xabc, .next_seq = 1 };

	memset(rx, 0, sizeof(*rx));
	rx->nonce = 0xabc;
	ck_assert(sync_rx_hello(rx, 10, &h));
	ck_assert(rx->known);
	ck_assert_uint_eq(rx->nonce, 0);
}

START_TEST(rx_challenge_and_replay)
{
	struct sync_rx rx;
	struct sync_hello h = { .nonce = 5, .echo = 0, .next_seq = 1 };
	uint64_t lost = 0;

	memset(&rx, 0, sizeof(rx));
	/* nothing is trusted before the challenge is answered; a HELLO that does not echo it is no answer */
	ck_assert_int_eq(sync_rx_data(&rx, 10, 1, 0, &lost), SYNC_RX_UNKNOWN);
	rx.nonce = 0xabc;
	ck_assert(!sync_rx_hello(&rx, 10, &h));
	h.echo = 0xabd;
	ck_assert(!sync_rx_hello(&rx, 10, &h));
	ck_assert(!rx.known);
	known_peer(&rx);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 1, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 2, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 1, 0, &lost), SYNC_RX_REPLAY);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 2, 0, &lost), SYNC_RX_REPLAY);
	ck_assert_int_eq(sync_rx_data(&rx, 9, 3, 0, &lost), SYNC_RX_OLD_EPOCH);
	/* an out-of-order seq is delivered once */
	ck_assert_int_eq(sync_rx_data(&rx, 10, 5, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 5, 0, &lost), SYNC_RX_REPLAY);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 3, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 4, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_uint_eq(rx.base, 6);
	ck_assert_uint_eq(rx.gap_since, 0);
	/* an old HELLO replayed cannot move the epoch back; a newer epoch (the peer restarted) resets */
	h.echo = 0;
	ck_assert(!sync_rx_hello(&rx, 9, &h));
	ck_assert(!sync_rx_hello(&rx, 10, &h));
	ck_assert_int_eq(sync_rx_data(&rx, 11, 1, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_uint_eq(rx.epoch, 11);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 7, 0, &lost), SYNC_RX_OLD_EPOCH);
	h.next_seq = 50;
	ck_assert(sync_rx_hello(&rx, 12, &h));
	ck_assert_int_eq(sync_rx_data(&rx, 12, 49, 0, &lost), SYNC_RX_REPLAY);
	ck_assert_int_eq(sync_rx_data(&rx, 12, 50, 0, &lost), SYNC_RX_DELIVER);
	ck_assert_uint_eq(lost, 0);
}
END_TEST

START_TEST(rx_gaps_nack_give_up)
{
	struct sync_rx rx;
	uint64_t lost = 0, miss[SYNC_NACK_MAX], now = 1000 * MS;

	known_peer(&rx);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 1, now, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 4, now, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 6, now, &lost), SYNC_RX_DELIVER);
	ck_assert_uint_eq(sync_rx_missing(&rx, miss, SYNC_NACK_MAX), 3);
	ck_assert_uint_eq(miss[0], 2);
	ck_assert_uint_eq(miss[1], 3);
	ck_assert_uint_eq(miss[2], 5);
	ck_assert_uint_eq(sync_rx_missing(&rx, miss, 2), 2);
	/* NACKs are paced: not at once (reordering), then once per interval */
	ck_assert(!sync_rx_nack_due(&rx, now + 5 * MS, 20 * MS));
	ck_assert(sync_rx_nack_due(&rx, now + 10 * MS, 20 * MS));
	ck_assert(!sync_rx_nack_due(&rx, now + 20 * MS, 20 * MS));
	ck_assert(sync_rx_nack_due(&rx, now + 30 * MS, 20 * MS));
	/* retransmits fill the gap; it closes when the last hole does */
	ck_assert_int_eq(sync_rx_data(&rx, 10, 2, now, &lost), SYNC_RX_DELIVER);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 3, now, &lost), SYNC_RX_DELIVER);
	ck_assert_uint_ne(rx.gap_since, 0);
	ck_assert_uint_eq(sync_rx_give_up(&rx, 2), 0 + 1);	/* two rounds were sent: seq 5 is abandoned */
	ck_assert_uint_eq(rx.base, 7);
	ck_assert_int_eq(sync_rx_data(&rx, 10, 5, now, &lost), SYNC_RX_REPLAY);
	ck_assert_uint_eq(sync_rx_give_up(&rx, 2), 0);
	/* a jump past the window: what fell out unreceived is counted lost */
	ck_assert_int_eq(sync_rx_data(&rx, 10, 7 + SYNC_WINDOW + 10, now, &lost), SYNC_RX_DELIVER);
	ck_assert_uint_eq(lost, 11);
	ck_assert_uint_eq(rx.base, 18);
	ck_assert_uint_eq(sync_rx_missing(&rx, miss, SYNC_NACK_MAX), SYNC_NACK_MAX);
	ck_assert_uint_eq(miss[0], 18);
}
END_TEST

START_TEST(tx_ring)
{
	struct sync_tx tx;

	ck_assert_int_eq(sync_tx_init(&tx, 99, 8, 64), 0);
	for (int i = 1; i <= 20; i++) {
		struct sync_tx_slot *s = sync_tx_next(&tx);

		ck_assert_uint_eq(s->seq, (uint64_t)i);
		memset(s->frame, i, 64);
		s->len = 10;
	}
	ck_assert_ptr_null(sync_tx_find(&tx, 12));	/* overwritten */
	ck_assert_ptr_null(sync_tx_find(&tx, 0));
	ck_assert_ptr_null(sync_tx_find(&tx, 21));
	for (uint64_t s = 13; s <= 20; s++) {
		const struct sync_tx_slot *slot = sync_tx_find(&tx, s);

		ck_assert_ptr_nonnull(slot);
		ck_assert_uint_eq(slot->frame[0], s);
	}
	sync_tx_free(&tx);
}
END_TEST

static Suite *
secure_suite(void)
{
	Suite *s = suite_create("sync_secure");
	TCase *tc = tcase_create("secure");

	tcase_add_test(tc, frame_roundtrip_and_tamper);
	tcase_add_test(tc, frame_prepared_key);
	tcase_add_test(tc, frame_types);
	tcase_add_test(tc, rx_challenge_and_replay);
	tcase_add_test(tc, rx_gaps_nack_give_up);
	tcase_add_test(tc, tx_ring);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(secure_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
