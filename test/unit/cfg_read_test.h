/*
 * For the Check suites of stage 1 (check_cfg_read, check_cfg_param): read text or a file, and assert on the
 * statements and the diagnostics. Each suite sets its config id and its file name through parse_text.
 */
#ifndef VIPD_TEST_CFG_READ_TEST_H
#define VIPD_TEST_CFG_READ_TEST_H

#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cfg.h"

struct parsed {
	struct cfg_source src;
	struct cfg_diag diag;
	int rc;
};

static inline void parse_text(struct parsed *p, const char *name, const char *text, const struct cfg_read_opts *opts)
{
	cfg_diag_init(&p->diag, NULL);
	p->rc = cfg_read_string(name, text, opts, &p->src, &p->diag);
	ck_assert_int_eq(p->rc, (int)p->diag.nerrors);
}

static inline void parse_file_opts(struct parsed *p, const char *path, const struct cfg_read_opts *opts)
{
	cfg_diag_init(&p->diag, NULL);
	p->rc = cfg_read_file(path, opts, &p->src, &p->diag);
	ck_assert_int_eq(p->rc, (int)p->diag.nerrors);
}

static inline void done(struct parsed *p)
{
	cfg_source_free(&p->src);
	cfg_diag_free(&p->diag);
}

__attribute__((format(printf, 3, 4)))
static inline const char *fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	ck_assert(n > 0 && (size_t)n < size);
	return buf;
}

static inline void check_stmt(const struct cfg_stmt *st, unsigned line, bool has_block, const char *const *words)
{
	ck_assert_ptr_nonnull(st);
	int n = 0;
	while (words[n])
		n++;
	ck_assert_int_eq(st->argc, n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(st->argv[i], words[i]);
	ck_assert_ptr_null(st->argv[n]);
	ck_assert_uint_eq(st->pos.line, line);
	ck_assert_int_eq(st->has_block, has_block);
	if (!has_block)
		ck_assert_ptr_null(st->block);
}

/* STMT(statement, line, has_block, words...) */
#define STMT(st, line, blk, ...) check_stmt((st), (line), (blk), (const char *const[]){ __VA_ARGS__, NULL })

static inline void check_msgs(char **got, size_t n, const char *const *want)
{
	size_t k = 0;
	while (want[k])
		k++;
	for (size_t i = 0; i < n && i < k; i++)
		ck_assert_str_eq(got[i], want[i]);
	ck_assert_msg(n == k, "%zu messages, expected %zu (first extra: %s)", n, k, n > k ? got[k] : "none");
}

#define ERRORS(p, ...) check_msgs((p)->diag.errors, (p)->diag.nerrors, (const char *const[]){ __VA_ARGS__, NULL })
#define RECOVERED(p, ...) \
	check_msgs((p)->diag.recovered, (p)->diag.nrecovered, (const char *const[]){ __VA_ARGS__, NULL })
#define WARNINGS(p, ...) check_msgs((p)->diag.warnings, (p)->diag.nwarnings, (const char *const[]){ __VA_ARGS__, NULL })

static inline int count(const struct cfg_stmt *st)
{
	int n = 0;
	for (; st; st = st->next)
		n++;
	return n;
}

static inline const struct cfg_stmt *nth(const struct cfg_stmt *st, int n)
{
	while (st && n-- > 0)
		st = st->next;
	ck_assert_ptr_nonnull(st);
	return st;
}

static inline void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* A scratch directory named after the suite (prefix), under TMPDIR. */
static inline void make_tmpdir(char *buf, size_t size, const char *prefix)
{
	const char *base = getenv("TMPDIR");
	fmt(buf, size, "%s/%s.XXXXXX", base && *base ? base : "/tmp", prefix);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

#endif
