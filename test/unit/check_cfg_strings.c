/*
 * Unit tests of the configuration's string table (lib/strtab.c), the texts of config objects, comparing
 * two configurations for a child (what decides that a reload leaves it alone) and the object store.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "lib/config.h"
#include "lib/strtab.h"
#include "test/unit/conf_text.h"

/* ---- the string table ---- */

START_TEST(intern_stores_each_string_once)
{
	struct strtab t;
	uint32_t a, b, c, e;

	strtab_init(&t, 0);
	ck_assert_str_eq(strtab_get(&t, 0), "");
	ck_assert_int_eq(strtab_intern(&t, "", 0, &e), 0);
	ck_assert_uint_eq(e, 0);
	ck_assert_int_eq(strtab_intern(&t, "/bin/notify up", 14, &a), 0);
	ck_assert_int_eq(strtab_intern(&t, "/bin/notify down", 16, &b), 0);
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_ne(a, b);
	/* the same bytes, even as a prefix of a longer buffer, give the same offset */
	ck_assert_int_eq(strtab_intern(&t, "/bin/notify up and more", 14, &c), 0);
	ck_assert_uint_eq(c, a);
	ck_assert_int_eq(strtab_intern(&t, "/bin/notify", 11, &c), 0);
	ck_assert_uint_ne(c, a);
	ck_assert_str_eq(strtab_get(&t, a), "/bin/notify up");
	ck_assert_str_eq(strtab_get(&t, b), "/bin/notify down");
	ck_assert_str_eq(strtab_get(&t, c), "/bin/notify");
	ck_assert_uint_eq(t.nstrings, 3);
	/* an offset from elsewhere never reads outside the table */
	ck_assert_str_eq(strtab_get(&t, (uint32_t)t.len), "");
	ck_assert_str_eq(strtab_get(&t, UINT32_MAX), "");
	/* a NUL inside is not a string */
	ck_assert_int_eq(strtab_intern(&t, "a\0b", 3, &c), -1);
	strtab_free(&t);
	ck_assert_str_eq(strtab_get(&t, a), "");
}
END_TEST

START_TEST(intern_many_keeps_every_offset)
{
	struct strtab t;
	uint32_t *offs = calloc(20000, sizeof(*offs));
	char s[32];

	ck_assert_ptr_nonnull(offs);
	strtab_init(&t, 0);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(s, sizeof(s), "/usr/bin/check %d", i);

		ck_assert_int_eq(strtab_intern(&t, s, (size_t)n, &offs[i]), 0);
	}
	/* the buffer and the index grew many times; every offset still names its string, and interning
	 * again finds it */
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(s, sizeof(s), "/usr/bin/check %d", i);
		uint32_t again;

		ck_assert_str_eq(strtab_get(&t, offs[i]), s);
		ck_assert_int_eq(strtab_intern(&t, s, (size_t)n, &again), 0);
		ck_assert_uint_eq(again, offs[i]);
	}
	ck_assert_uint_eq(t.nstrings, 20000);
	strtab_free(&t);
	free(offs);
}
END_TEST

START_TEST(intern_stops_at_the_maximum)
{
	struct strtab t;
	uint32_t off;

	strtab_init(&t, 65);
	ck_assert_int_eq(strtab_intern(&t, "0123456789012345678901234567890", 31, &off), 0);
	ck_assert_int_eq(strtab_intern(&t, "0123456789012345678901234567891", 31, &off), 0);
	/* 1 + 32 + 32 = 65 bytes: full, one more would pass the maximum */
	ck_assert_uint_eq(t.len, 65);
	ck_assert_uint_le(t.cap, 65);
	ck_assert_int_eq(strtab_intern(&t, "x", 1, &off), -1);
	ck_assert_int_eq(strtab_intern(&t, "0123456789012345678901234567890", 31, &off), 0);
	strtab_free(&t);
}
END_TEST

START_TEST(load_takes_another_table)
{
	struct strtab a, b;
	uint32_t x, y, z;
	const void *data;
	size_t len;

	strtab_init(&a, 0);
	strtab_init(&b, 0);
	data = strtab_data(&a, &len);
	ck_assert_uint_eq(len, 1);	/* an empty table still sends its empty string */
	ck_assert_int_eq(strtab_load(&b, data, len), 0);
	ck_assert_int_eq(strtab_intern(&a, "one", 3, &x), 0);
	ck_assert_int_eq(strtab_intern(&a, "two", 3, &y), 0);
	data = strtab_data(&a, &len);
	ck_assert_int_eq(strtab_load(&b, data, len), 0);
	ck_assert_str_eq(strtab_get(&b, x), "one");
	ck_assert_str_eq(strtab_get(&b, y), "two");
	/* a loaded table can be interned into: its index is rebuilt first */
	ck_assert_int_eq(strtab_intern(&b, "two", 3, &z), 0);
	ck_assert_uint_eq(z, y);
	ck_assert_int_eq(strtab_intern(&b, "three", 5, &z), 0);
	ck_assert_str_eq(strtab_get(&b, z), "three");
	/* malformed: empty, not starting or not ending with NUL; the content stays */
	ck_assert_int_eq(strtab_load(&b, "", 0), -1);
	ck_assert_int_eq(strtab_load(&b, "x\0", 2), -1);
	ck_assert_int_eq(strtab_load(&b, "\0x", 2), -1);
	ck_assert_str_eq(strtab_get(&b, x), "one");
	strtab_free(&a);
	strtab_free(&b);
}
END_TEST

/* ---- texts of config objects, and comparing configurations ---- */

static struct config *
load(const char *text)
{
	struct cfg_diag diag;
	struct config *conf = conf_load_text(text, "lb1", &diag);

	for (size_t i = 0; i < diag.nerrors; i++)
		fprintf(stderr, "%s\n", diag.errors[i]);
	cfg_diag_free(&diag);
	return conf;
}

#define VS_HEAD "virtual_server 192.0.2.10 80 {\n  lb_algo rr\n"
#define RS_A "  real_server 198.51.100.21 80 {\n    weight 3\n    notify_up \"/bin/up a\"\n    notify_down \"/bin/down a\"\n  }\n"
#define RS_B "  real_server 198.51.100.22 80 {\n    notify_up \"/bin/up a\"\n    MISC_CHECK {\n      misc_path /bin/chk\n    }\n  }\n"

START_TEST(texts_of_objects)
{
	struct config *conf = load(VS_HEAD "  quorum_up \"/bin/q up\"\n" RS_A RS_B "}\n");
	const struct cfg_real_server *a, *b;
	const struct cfg_virtual_server *vs;

	ck_assert_ptr_nonnull(conf);
	vs = config_get(conf, CFG_VIRTUAL_SERVER, 0);
	a = config_get(conf, CFG_REAL_SERVER, 0);
	b = config_get(conf, CFG_REAL_SERVER, 1);
	ck_assert_str_eq(config_text(conf, vs->quorum_up), "/bin/q up");
	ck_assert_str_eq(config_text(conf, vs->quorum_down), "");
	ck_assert_str_eq(config_text(conf, a->notify_up), "/bin/up a");
	ck_assert_str_eq(config_text(conf, a->notify_down), "/bin/down a");
	/* one copy of a string used twice */
	ck_assert_uint_eq(a->notify_up.off, b->notify_up.off);
	ck_assert_str_eq(config_text(conf, ((const struct cfg_checker *)config_get(conf, CFG_CHECKER, 0))->misc_path),
			 "/bin/chk");
	ck_assert_str_eq(config_text(NULL, a->notify_up), "");
	/* what replaced 1 KiB arrays */
	ck_assert_uint_lt(sizeof(struct cfg_real_server), 128);
	config_free(conf);
}
END_TEST

START_TEST(text_limits)
{
	char text[2048 + 256];
	char long_cmd[1100];
	struct config *conf;

	memset(long_cmd, 'x', sizeof(long_cmd) - 1);
	long_cmd[sizeof(long_cmd) - 1] = '\0';
	/* keepalived (and vipd's reader) cut lines at 1,023 bytes: the command keeps what fits, and the rest,
	 * read as a line of its own, is an unknown keyword, skipped (a recovered error) */
	for (int longer = 0; longer < 2; longer++) {
		struct cfg_diag diag;

		long_cmd[longer ? sizeof(long_cmd) - 1 : 1023 - strlen("  quorum_up ")] = '\0';
		snprintf(text, sizeof(text), VS_HEAD "  quorum_up %s\n}\n", long_cmd);
		conf = conf_load_text(text, "lb1", &diag);
		ck_assert_ptr_nonnull(conf);
		ck_assert_uint_eq(diag.nrecovered, (size_t)longer);
		ck_assert_uint_eq(strlen(config_text(conf, ((struct cfg_virtual_server *)
							     config_get(conf, CFG_VIRTUAL_SERVER, 0))->quorum_up)), 1011);
		config_free(conf);
		cfg_diag_free(&diag);
		memset(long_cmd, 'x', sizeof(long_cmd) - 1);
	}
}
END_TEST

START_TEST(objects_compare_by_text_content)
{
	/* the second config interns another string first: the same texts sit at other offsets */
	struct config *x = load(VS_HEAD RS_A RS_B "}\n");
	struct config *y = load("virtual_server 192.0.2.99 80 {\n  quorum_down /bin/first\n}\n" VS_HEAD RS_A RS_B "}\n");
	const void *ax = config_get(x, CFG_REAL_SERVER, 0), *ay = config_get(y, CFG_REAL_SERVER, 0);

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_uint_ne(((const struct cfg_real_server *)ax)->notify_up.off,
			  ((const struct cfg_real_server *)ay)->notify_up.off);
	/* same content from the header on (the positions differ: another line) */
	ck_assert(config_obj_same(x, ax, y, ay, CFG_REAL_SERVER, sizeof(struct cfg_obj)));
	ck_assert(!config_obj_same(x, ax, y, ay, CFG_REAL_SERVER, 0));
	ck_assert(config_obj_same(x, config_get(x, CFG_CHECKER, 0), y, config_get(y, CFG_CHECKER, 0), CFG_CHECKER,
				  sizeof(struct cfg_obj)));
	/* and two different real servers are different */
	ck_assert(!config_obj_same(x, ax, x, config_get(x, CFG_REAL_SERVER, 1), CFG_REAL_SERVER,
				   sizeof(struct cfg_obj)));
	config_free(x);
	config_free(y);
}
END_TEST

START_TEST(same_for_a_child)
{
	const char *base = "global_defs {\n  router_id lb1\n}\n"
			   "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n}\n"
			   VS_HEAD RS_A RS_B "}\n";
	struct config *a = load(base), *b = load(base), *c;
	char changed[2048];

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (int k = 0; k < CHILD_MAX; k++)
		ck_assert(config_same_for(a, b, (enum child_kind)k));
	/* one weight: the ipvs and checkers children get it, vrrp does not */
	snprintf(changed, sizeof(changed), "%s", base);
	memcpy(strstr(changed, "weight 3"), "weight 4", 8);
	c = load(changed);
	ck_assert_ptr_nonnull(c);
	ck_assert(!config_same_for(a, c, CHILD_IPVS));
	ck_assert(!config_same_for(a, c, CHILD_CHECKERS));
	ck_assert(config_same_for(a, c, CHILD_VRRP));
	config_free(c);
	/* a changed notify script, same length: only its text differs */
	snprintf(changed, sizeof(changed), "%s", base);
	memcpy(strstr(changed, "/bin/down a"), "/bin/down b", 11);
	c = load(changed);
	ck_assert(!config_same_for(a, c, CHILD_CHECKERS));
	ck_assert(config_same_for(a, c, CHILD_VRRP));
	config_free(c);
	/* a line added above everything moves every position: each child gets it all again */
	snprintf(changed, sizeof(changed), "# a comment\n%s", base);
	c = load(changed);
	for (int k = 0; k < CHILD_MAX; k++)
		ck_assert(!config_same_for(a, c, (enum child_kind)k));
	config_free(c);
	config_free(a);
	config_free(b);
}
END_TEST

START_TEST(objects_never_move)
{
	struct config *conf = config_new();
	struct cfg_real_server *first;
	void *big;

	ck_assert_ptr_nonnull(conf);
	first = config_add(conf, CFG_REAL_SERVER);
	ck_assert_ptr_nonnull(first);
	first->weight = 42;
	/* an object bigger than a slab's share gets its own; the rest keep filling slabs */
	big = config_add(conf, CFG_VRRP_INSTANCE);
	ck_assert_ptr_nonnull(big);
	for (int i = 0; i < 50000; i++) {
		struct cfg_real_server *rs = config_add(conf, CFG_REAL_SERVER);

		ck_assert_ptr_nonnull(rs);
		ck_assert_uint_eq(rs->hdr.id, (uint32_t)i + 2);
		ck_assert_int_eq(rs->weight, 0);	/* zeroed */
		ck_assert_uint_eq((uintptr_t)rs % sizeof(uint64_t), 0);
		rs->weight = i;
	}
	ck_assert_ptr_eq(config_get(conf, CFG_REAL_SERVER, 0), first);
	ck_assert_int_eq(first->weight, 42);
	ck_assert_int_eq(((struct cfg_real_server *)config_find_id(conf, CFG_REAL_SERVER, 50001))->weight, 49999);
	ck_assert_ptr_eq(config_get(conf, CFG_VRRP_INSTANCE, 0), big);
	config_free(conf);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cfg_strings");
	TCase *tc = tcase_create("strtab");

	tcase_add_test(tc, intern_stores_each_string_once);
	tcase_add_test(tc, intern_many_keeps_every_offset);
	tcase_add_test(tc, intern_stops_at_the_maximum);
	tcase_add_test(tc, load_takes_another_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("config");
	tcase_add_test(tc, texts_of_objects);
	tcase_add_test(tc, text_limits);
	tcase_add_test(tc, objects_compare_by_text_content);
	tcase_add_test(tc, same_for_a_child);
	tcase_add_test(tc, objects_never_move);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
