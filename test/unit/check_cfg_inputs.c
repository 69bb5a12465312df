/* What a read depended on: the digest, and telling unchanged files from any edit without parsing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/cfg.h"
#include "lib/cfg_inputs.h"

static struct cfg_sum sum_of(const void *p, size_t n)
{
	struct cfg_digest d;
	struct cfg_sum s;
	cfg_digest_init(&d);
	cfg_digest_add(&d, p, n);
	cfg_digest_end(&d, &s);
	return s;
}

static bool same_sum(struct cfg_sum x, struct cfg_sum y)
{
	return x.lo == y.lo && x.hi == y.hi && x.len == y.len;
}

START_TEST(digest_pieces_equal_whole)
{
	char text[1000];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (char)(i * 7 + 3);
	struct cfg_sum whole = sum_of(text, sizeof text);
	/* every split into three pieces, as getline hands lines of any length */
	for (size_t a = 0; a < 20; a++)
		for (size_t b = a; b < a + 20; b++) {
			struct cfg_digest d;
			struct cfg_sum s;
			cfg_digest_init(&d);
			cfg_digest_add(&d, text, a);
			cfg_digest_add(&d, text + a, b - a);
			cfg_digest_add(&d, text + b, sizeof text - b);
			cfg_digest_end(&d, &s);
			ck_assert(same_sum(s, whole));
		}
}
END_TEST

START_TEST(digest_tells_edits)
{
	char text[257];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (char)('a' + i % 26);
	struct cfg_sum base = sum_of(text, sizeof text);
	/* one bit flipped anywhere, including the unaligned tail */
	for (size_t i = 0; i < sizeof text; i++)
		for (int bit = 0; bit < 8; bit++) {
			text[i] ^= (char)(1 << bit);
			ck_assert(!same_sum(sum_of(text, sizeof text), base));
			text[i] ^= (char)(1 << bit);
		}
	ck_assert(same_sum(sum_of(text, sizeof text), base));
	/* a trailing NUL changes the length, and the sum */
	char z[9] = "abcdefgh";
	ck_assert(!same_sum(sum_of(z, 8), sum_of(z, 9)));
	ck_assert(!same_sum(sum_of("", 0), sum_of(z + 8, 1)));
	/* two swapped words */
	ck_assert(!same_sum(sum_of("aaaaaaaabbbbbbbb", 16), sum_of("bbbbbbbbaaaaaaaa", 16)));
}
END_TEST

/* ---- files ---- */

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void drop(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_cfg_inputs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char sub[128];
	snprintf(sub, sizeof sub, "%s/conf.d", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	put("main.conf", "global_defs {\n\trouter_id a\n}\ninclude conf.d/*.conf\n@other x 1\n");
	put("conf.d/a.conf", "virtual_server 192.0.2.1 80 {\n\treal_server 192.0.2.2 80 {\n\t\tweight 1\n\t}\n}\n");
	put("conf.d/b.conf", "virtual_server 192.0.2.1 81 {\n}");	/* no newline at the end */
}

static void teardown(void)
{
	char sub[128];
	drop("conf.d/a.conf");
	drop("conf.d/b.conf");
	drop("conf.d/c.conf");
	drop("main.conf");
	snprintf(sub, sizeof sub, "%s/conf.d", dir);
	rmdir(sub);
	rmdir(dir);
}

struct read {
	struct cfg_source src;
	struct cfg_diag diag;
};

static const struct cfg_read_opts host_a = { .config_id = "a" };

static void read_main(struct read *r)
{
	char path[128];
	snprintf(path, sizeof path, "%s/main.conf", dir);
	cfg_diag_init(&r->diag, NULL);
	ck_assert_int_eq(cfg_read_file(path, &host_a, &r->src, &r->diag), 0);
}

static void read_free(struct read *r)
{
	cfg_source_free(&r->src);
	cfg_diag_free(&r->diag);
}

START_TEST(records_files_and_patterns_in_order)
{
	struct read r;
	read_main(&r);
	const struct cfg_inputs *in = &r.src.inputs;
	ck_assert(in->complete);
	ck_assert_str_eq(in->config_id, "a");
	ck_assert_uint_eq(in->n, 4);
	ck_assert_int_eq(in->v[0].kind, CFG_INPUT_FILE);
	ck_assert_int_eq(in->v[1].kind, CFG_INPUT_GLOB);
	ck_assert(strstr(in->v[1].what, "/conf.d/*.conf") != NULL);
	ck_assert(strstr(in->v[2].what, "/conf.d/a.conf") != NULL);
	ck_assert(strstr(in->v[3].what, "/conf.d/b.conf") != NULL);
	ck_assert_uint_eq(in->v[3].sum.len, strlen("virtual_server 192.0.2.1 81 {\n}"));
	ck_assert(cfg_inputs_unchanged(in, &host_a));
	read_free(&r);
}
END_TEST

START_TEST(unchanged_despite_new_times)
{
	struct read r;
	read_main(&r);
	put("conf.d/a.conf", "virtual_server 192.0.2.1 80 {\n\treal_server 192.0.2.2 80 {\n\t\tweight 1\n\t}\n}\n");
	char path[128];
	snprintf(path, sizeof path, "%s/main.conf", dir);
	struct timeval later[2] = { { .tv_sec = 2000000000 }, { .tv_sec = 2000000000 } };
	ck_assert_int_eq(utimes(path, later), 0);
	ck_assert(cfg_inputs_unchanged(&r.src.inputs, &host_a));
	read_free(&r);
}
END_TEST

START_TEST(any_edit_is_a_change)
{
	struct read r;
	read_main(&r);
	/* the same length: only the digest can tell */
	put("conf.d/a.conf", "virtual_server 192.0.2.1 80 {\n\treal_server 192.0.2.2 80 {\n\t\tweight 2\n\t}\n}\n");
	ck_assert(!cfg_inputs_unchanged(&r.src.inputs, &host_a));
	put("conf.d/a.conf", "virtual_server 192.0.2.1 80 {\n\treal_server 192.0.2.2 80 {\n\t\tweight 1\n\t}\n}\n");
	ck_assert(cfg_inputs_unchanged(&r.src.inputs, &host_a));
	/* a newline added at the end of the last file */
	put("conf.d/b.conf", "virtual_server 192.0.2.1 81 {\n}\n");
	ck_assert(!cfg_inputs_unchanged(&r.src.inputs, &host_a));
	put("conf.d/b.conf", "virtual_server 192.0.2.1 81 {\n}");
	ck_assert(cfg_inputs_unchanged(&r.src.inputs, &host_a));
	read_free(&r);
}
END_TEST

START_TEST(pattern_matches_are_inputs)
{
	struct read r;
	read_main(&r);
	put("conf.d/c.conf", "");	/* even empty, it is a new match */
	ck_assert(!cfg_inputs_unchanged(&r.src.inputs, &host_a));
	drop("conf.d/c.conf");
	ck_assert(cfg_inputs_unchanged(&r.src.inputs, &host_a));
	drop("conf.d/b.conf");
	ck_assert(!cfg_inputs_unchanged(&r.src.inputs, &host_a));
	read_free(&r);
}
END_TEST

START_TEST(missing_main_file_is_a_change)
{
	struct read r;
	read_main(&r);
	drop("main.conf");
	ck_assert(!cfg_inputs_unchanged(&r.src.inputs, &host_a));
	read_free(&r);
}
END_TEST

START_TEST(config_id_is_an_input)
{
	struct read r;
	read_main(&r);
	const struct cfg_read_opts other = { .config_id = "other" };
	ck_assert(!cfg_inputs_unchanged(&r.src.inputs, &other));
	read_free(&r);
}
END_TEST

START_TEST(text_from_memory_is_never_unchanged)
{
	struct cfg_source src;
	struct cfg_diag diag;
	cfg_diag_init(&diag, NULL);
	ck_assert_int_eq(cfg_read_string("mem.conf", "global_defs {\n}\n", &host_a, &src, &diag), 0);
	ck_assert(!src.inputs.complete);
	ck_assert(!cfg_inputs_unchanged(&src.inputs, &host_a));
	cfg_source_free(&src);
	cfg_diag_free(&diag);
}
END_TEST

static Suite *cfg_inputs_suite(void)
{
	Suite *s = suite_create("cfg_inputs");
	TCase *tc = tcase_create("digest");
	tcase_add_test(tc, digest_pieces_equal_whole);
	tcase_add_test(tc, digest_tells_edits);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, records_files_and_patterns_in_order);
	tcase_add_test(tc, unchanged_despite_new_times);
	tcase_add_test(tc, any_edit_is_a_change);
	tcase_add_test(tc, pattern_matches_are_inputs);
	tcase_add_test(tc, missing_main_file_is_a_change);
	tcase_add_test(tc, config_id_is_an_input);
	tcase_add_test(tc, text_from_memory_is_never_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cfg_inputs_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
