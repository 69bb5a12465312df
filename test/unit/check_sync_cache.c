/* Unit tests of sync/sync_cache.c: newest record per connection, expiry, walks that decode back. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_cache.h"

#define SEC 1000000000ull

static struct sync_conn
conn4(uint32_t client, uint16_t cport, uint16_t state, uint32_t timeout)
{
	struct sync_conn c;

	memset(&c, 0, sizeof(c));
	c.af = 4;
	c.protocol = 6;
	c.state = state;
	c.flags = SYNC_CF_MASQ;
	c.cport = cport;
	c.vport = 80;
	c.dport = 8080;
	c.timeout = timeout;
	c.caddr[0] = 10, c.caddr[1] = (uint8_t)(client >> 16), c.caddr[2] = (uint8_t)(client >> 8),
	c.caddr[3] = (uint8_t)client;
	c.vaddr[0] = 192, c.vaddr[1] = 0, c.vaddr[2] = 2, c.vaddr[3] = 10;
	c.daddr[0] = 198, c.daddr[1] = 51, c.daddr[2] = 100, c.daddr[3] = 21;
	return c;
}

START_TEST(newest_record_wins)
{
	struct sync_cache c;
	struct sync_conn a = conn4(1, 1000, 3, 60), b = conn4(1, 1000, 1, 900), out;

	sync_cache_init(&c, 100);
	ck_assert_int_eq(sync_cache_put(&c, &a, 10 * SEC, true), 0);
	ck_assert_int_eq(sync_cache_put(&c, &b, 11 * SEC, true), 0);
	ck_assert_uint_eq(sync_cache_count(&c), 1);
	ck_assert(sync_cache_get(&c, &a, 11 * SEC, &out));
	ck_assert_uint_eq(out.state, 1);
	ck_assert_uint_eq(out.timeout, 900);
	/* what /proc shows does not overwrite what was heard */
	ck_assert_int_eq(sync_cache_put(&c, &a, 12 * SEC, false), 0);
	ck_assert(sync_cache_get(&c, &a, 12 * SEC, &out));
	ck_assert_uint_eq(out.state, 1);
	ck_assert_uint_eq(out.timeout, 899);
	/* another destination is the same connection (rescheduled); a template is not */
	b.daddr[3] = 22;
	ck_assert_int_eq(sync_cache_put(&c, &b, 12 * SEC, true), 0);
	ck_assert_uint_eq(sync_cache_count(&c), 1);
	b.flags |= SYNC_CF_TEMPLATE;
	ck_assert_int_eq(sync_cache_put(&c, &b, 12 * SEC, true), 0);
	ck_assert_uint_eq(sync_cache_count(&c), 2);
	sync_cache_free(&c);
}
END_TEST

START_TEST(timeouts_run_out)
{
	struct sync_cache c;
	struct sync_conn a = conn4(1, 1000, 1, 5), b = conn4(2, 1000, 1, 100), out;

	sync_cache_init(&c, 100);
	sync_cache_put(&c, &a, 0, true);
	sync_cache_put(&c, &b, 0, true);
	/* 0.2 s left rounds up to 1 s */
	ck_assert(sync_cache_get(&c, &a, 4 * SEC + SEC / 5 * 4, &out));
	ck_assert_uint_eq(out.timeout, 1);
	ck_assert(!sync_cache_get(&c, &a, 5 * SEC, &out));
	ck_assert_uint_eq(sync_cache_expire(&c, 5 * SEC, 10), 1);
	ck_assert_uint_eq(sync_cache_count(&c), 1);
	ck_assert(sync_cache_get(&c, &b, 5 * SEC, &out));
	sync_cache_free(&c);
}
END_TEST

START_TEST(full_is_counted)
{
	struct sync_cache c;

	sync_cache_init(&c, 3);
	for (uint32_t i = 0; i < 5; i++) {
		struct sync_conn a = conn4(i, 1000, 1, 60);

		ck_assert_int_eq(sync_cache_put(&c, &a, 0, true), i < 3 ? 0 : 1);
	}
	ck_assert_uint_eq(sync_cache_count(&c), 3);
	ck_assert_uint_eq(c.full, 2);
	sync_cache_free(&c);
}
END_TEST

/* Many entries, half of them expiring: the index must still find every survivor (deletions shift
 * probe chains back) and none of the dead. */
START_TEST(expiry_keeps_index_whole)
{
	struct sync_cache c;
	const uint32_t n = 50000;
	struct sync_conn out;

	sync_cache_init(&c, n);
	for (uint32_t i = 0; i < n; i++) {
		struct sync_conn a = conn4(i / 7, (uint16_t)(1024 + i % 7), 1, i % 2 ? 10 : 100);

		ck_assert_int_eq(sync_cache_put(&c, &a, 0, true), 0);
	}
	ck_assert_uint_eq(sync_cache_count(&c), n);
	/* a budget at a time, as the child does */
	while (sync_cache_expire(&c, 50 * SEC, 1000) > 0)
		;
	ck_assert_uint_eq(sync_cache_count(&c), n / 2);
	for (uint32_t i = 0; i < n; i++) {
		struct sync_conn a = conn4(i / 7, (uint16_t)(1024 + i % 7), 1, 0);

		ck_assert_msg(sync_cache_get(&c, &a, 50 * SEC, &out) == (i % 2 == 0), "connection %u", i);
	}
	sync_cache_free(&c);
}
END_TEST

struct collected {
	struct sync_conn *v;
	size_t n;
};

static void
collect(const struct sync_conn *c, void *arg)
{
	struct collected *col = arg;

	col->v[col->n++] = *c;
}

/* A walk sends every live entry once, over as many datagrams as it takes, each decoding back. */
START_TEST(walk_sends_each_once)
{
	struct sync_cache c;
	struct sync_cache_walk w;
	const uint32_t n = 3000;
	uint8_t buf[1472];
	struct collected col = { calloc(n, sizeof(struct sync_conn)), 0 };
	unsigned datagrams = 0;
	uint8_t *seen = calloc(n, 1);

	ck_assert_ptr_nonnull(col.v);
	ck_assert_ptr_nonnull(seen);
	sync_cache_init(&c, n);
	for (uint32_t i = 0; i < n; i++) {
		struct sync_conn a = conn4(i, 2000, 1, i % 3 == 0 ? 1 : 600);

		if (i == 5) {
			a.has_pe_data = true;
			a.pe_data_len = 4;
			memcpy(a.pe_data, "abcd", 4);
			strcpy(a.pe_name, "sip");
		}
		sync_cache_put(&c, &a, 0, true);
	}
	sync_cache_walk_start(&c, &w);
	/* a walk holds expiry off */
	ck_assert_uint_eq(sync_cache_expire(&c, 2 * SEC, 100000), 0);
	while (!sync_cache_walk_done(&c, &w)) {
		struct sync_enc e;
		struct sync_hdr h;
		struct sync_decode_stats st;
		bool full;
		size_t len;

		sync_enc_init(&e, buf, sizeof(buf), 7);
		sync_cache_walk_fill(&c, &w, 2 * SEC, &e, 100, &full);
		if ((len = sync_enc_finish(&e)) == 0)
			continue;
		datagrams++;
		ck_assert_int_eq(sync_decode(buf, len, &h, collect, &col, &st), SYNC_OK);
		ck_assert_uint_eq(h.syncid, 7);
	}
	sync_cache_walk_end(&c, &w);
	ck_assert_uint_eq(col.n, n - n / 3);
	ck_assert_uint_eq(w.records, col.n);
	ck_assert_uint_ge(datagrams, col.n / 40);
	for (size_t i = 0; i < col.n; i++) {
		uint32_t id = (uint32_t)col.v[i].caddr[1] << 16 | (uint32_t)col.v[i].caddr[2] << 8 | col.v[i].caddr[3];

		ck_assert_uint_lt(id, n);
		ck_assert_msg(!seen[id], "connection %u sent twice", id);
		seen[id] = 1;
		ck_assert_uint_ne(id % 3, 0);
		ck_assert_uint_eq(col.v[i].timeout, 598);
		ck_assert_uint_eq(col.v[i].dport, 8080);
		if (id == 5) {
			ck_assert(col.v[i].has_pe_data);
			ck_assert_mem_eq(col.v[i].pe_data, "abcd", 4);
			ck_assert_str_eq(col.v[i].pe_name, "sip");
		}
	}
	/* the walk is over: expiry goes on */
	ck_assert_uint_eq(sync_cache_expire(&c, 2 * SEC, 100000), n / 3);
	sync_cache_free(&c);
	free(col.v);
	free(seen);
}
END_TEST

static Suite *
cache_suite(void)
{
	Suite *s = suite_create("sync_cache");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, newest_record_wins);
	tcase_add_test(tc, timeouts_run_out);
	tcase_add_test(tc, full_is_counted);
	tcase_add_test(tc, expiry_keeps_index_whole);
	tcase_add_test(tc, walk_sends_each_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cache_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
