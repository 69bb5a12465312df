/* Stage 1 of the configuration parser: the tree and the diagnostics for each lexical rule. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cfg.h"
#include "test/unit/cfg_read_test.h"

/* ---- helpers ---- */

static void parse_opts(struct parsed *p, const char *text, const struct cfg_read_opts *opts)
{
	parse_text(p, "test.conf", text, opts);
}

static void parse(struct parsed *p, const char *text)
{
	const struct cfg_read_opts opts = { .config_id = "testhost" };
	parse_opts(p, text, &opts);
}

static void parse_file(struct parsed *p, const char *path)
{
	const struct cfg_read_opts opts = { .config_id = "testhost" };
	parse_file_opts(p, path, &opts);
}

/* Path of a fixture: make check sets top_srcdir; a run by hand from the source tree works too. */
static const char *data_path(char *buf, size_t size, const char *rel)
{
	const char *top = getenv("top_srcdir");
	int n = snprintf(buf, size, "%s/test/unit/data/cfg_read%s%s", top && *top ? top : ".", *rel ? "/" : "", rel);
	ck_assert(n > 0 && (size_t)n < size);
	return buf;
}

#define NO_ERRORS(p) \
	ck_assert_msg((p)->diag.nerrors == 0, "unexpected error: %s", (p)->diag.nerrors ? (p)->diag.errors[0] : "")

/* A scratch directory (make_tmpdir) is removed with its files by remove_tmpdir. */
static void remove_tmpdir(const char *dir, const char *const *files)
{
	char path[PATH_MAX];
	for (; *files; files++)
		unlink(fmt(path, sizeof path, "%s/%s", dir, *files));
	rmdir(dir);
}

/* ---- empty input and plain statements ---- */

START_TEST(empty_input)
{
	struct parsed p;
	parse(&p, "");
	NO_ERRORS(&p);
	ck_assert_ptr_null(p.src.root);
	ck_assert_uint_eq(p.src.files.count, 1);
	ck_assert_str_eq(p.src.files.names[0], "test.conf");
	done(&p);

	parse(&p, "\n\n   \n\t\n# only\n! comments\n");
	NO_ERRORS(&p);
	ck_assert_ptr_null(p.src.root);
	done(&p);
}
END_TEST

START_TEST(empty_file)
{
	char path[PATH_MAX];
	struct parsed p;
	parse_file(&p, data_path(path, sizeof path, "empty.conf"));
	NO_ERRORS(&p);
	ck_assert_ptr_null(p.src.root);
	ck_assert_uint_eq(p.src.files.count, 1);
	ck_assert_str_eq(p.src.files.names[0], path);
	done(&p);
}
END_TEST

START_TEST(words_and_lines)
{
	struct parsed p;
	parse(&p, "keyword a b\tc\n\n   indented   x   \nlast-without-newline");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 3);
	STMT(nth(p.src.root, 0), 1, false, "keyword", "a", "b", "c");
	STMT(nth(p.src.root, 1), 3, false, "indented", "x");
	STMT(nth(p.src.root, 2), 4, false, "last-without-newline");
	ck_assert_uint_eq(p.src.root->pos.file, 0);
	done(&p);

	parse(&p, "crlf line\r\nnext\r\n");
	NO_ERRORS(&p);
	STMT(nth(p.src.root, 0), 1, false, "crlf", "line");
	STMT(nth(p.src.root, 1), 2, false, "next");
	done(&p);
}
END_TEST

/* ---- comments and quotes ---- */

START_TEST(comments)
{
	struct parsed p;
	parse(&p, "# hash\n"
		  "! bang\n"
		  "kw a # trailing { not a block\n"
		  "kw2 b ! bang }\n"
		  "notify \"/bin/x #1\" \"!2\"\n"
		  "k a#b c!d\n"
		  "blk {# comment right after a brace\n"
		  "}! and after\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 5);
	STMT(nth(p.src.root, 0), 3, false, "kw", "a");
	STMT(nth(p.src.root, 1), 4, false, "kw2", "b");
	STMT(nth(p.src.root, 2), 5, false, "notify", "/bin/x #1", "!2");
	/* as in keepalived, a comment may start inside a word */
	STMT(nth(p.src.root, 3), 6, false, "k", "a");
	STMT(nth(p.src.root, 4), 7, true, "blk");
	ck_assert_ptr_null(nth(p.src.root, 4)->block);
	done(&p);
}
END_TEST

START_TEST(quotes)
{
	struct parsed p;
	parse(&p, "script \"/bin/check --name a  b\"\n"
		  "msg \"say \\\"hi\\\" \\\\ ok\"\n"
		  "x \"\" y\n"
		  "mix a\"b c\"d\n"
		  "q \"{ not a block }\" after\n"
		  "raw \"a\\nb\"\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 6);
	STMT(nth(p.src.root, 0), 1, false, "script", "/bin/check --name a  b");
	/* keepalived's words: no escapes in quotes; a quote ends an unquoted word and begins a quoted one */
	STMT(nth(p.src.root, 1), 2, false, "msg", "say \\", "hi\\", " \\\\ ok");
	STMT(nth(p.src.root, 2), 3, false, "x", "", "y");
	STMT(nth(p.src.root, 3), 4, false, "mix", "a", "b c", "d");
	STMT(nth(p.src.root, 4), 5, false, "q", "{ not a block }", "after");
	STMT(nth(p.src.root, 5), 6, false, "raw", "a\\nb");
	done(&p);
}
END_TEST

START_TEST(unterminated_quote)
{
	struct parsed p;
	parse(&p, "ok\nbad \"open { # no end\nnext\n");
	NO_ERRORS(&p);
	RECOVERED(&p, "test.conf:2: unterminated quoted string; the line is read up to the quote, as keepalived does");
	ck_assert_int_eq(count(p.src.root), 3);
	STMT(nth(p.src.root, 1), 2, false, "bad");
	STMT(nth(p.src.root, 2), 3, false, "next");
	done(&p);
}
END_TEST

/* ---- blocks ---- */

START_TEST(glued_braces)
{
	struct parsed p;
	parse(&p, "a{\nb{c}\n}d\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 2);
	const struct cfg_stmt *a = p.src.root;
	STMT(a, 1, true, "a");
	ck_assert_int_eq(count(a->block), 1);
	STMT(a->block, 2, true, "b");
	STMT(a->block->block, 2, false, "c");
	ck_assert_ptr_null(a->block->block->next);
	STMT(a->next, 3, false, "d");
	done(&p);
}
END_TEST

START_TEST(brace_on_next_line)
{
	struct parsed p;
	parse(&p, "vrrp_instance VI_1\n"
		  "{\n"
		  "    state MASTER\n"
		  "}\n"
		  "vrrp_script chk\n"
		  "# a comment and a blank line in between\n"
		  "\n"
		  "{ interval 2\n"
		  "}\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 2);
	STMT(p.src.root, 1, true, "vrrp_instance", "VI_1");
	STMT(p.src.root->block, 3, false, "state", "MASTER");
	STMT(p.src.root->next, 5, true, "vrrp_script", "chk");
	STMT(p.src.root->next->block, 8, false, "interval", "2");
	done(&p);
}
END_TEST

START_TEST(brace_without_statement)
{
	struct parsed p;
	/* a statement that already has a block, or none at all, cannot take a `{`: keepalived ignores it and
	 * reads on at the same level, so its `}` closes the enclosing block or is a stray one */
	parse(&p, "a { }\n{\n read\n}\nb {\n{\n inner\n}\nafter_b\n");
	NO_ERRORS(&p);
	RECOVERED(&p, "test.conf:2: '{' without a statement before it; ignored, as keepalived does",
		  "test.conf:4: '}' without a matching '{'; ignored, as keepalived does",
		  "test.conf:6: '{' without a statement before it; ignored, as keepalived does");
	ck_assert_int_eq(count(p.src.root), 4);
	STMT(p.src.root, 1, true, "a");
	ck_assert_ptr_null(p.src.root->block);
	STMT(nth(p.src.root, 1), 3, false, "read");
	STMT(nth(p.src.root, 2), 5, true, "b");
	STMT(nth(p.src.root, 2)->block, 7, false, "inner");
	STMT(nth(p.src.root, 3), 9, false, "after_b");
	done(&p);
}
END_TEST

START_TEST(one_line_blocks)
{
	struct parsed p;
	parse(&p, "unicast_peer { 192.0.2.2 192.0.2.3 }\n"
		  "virtual_ipaddress { 192.0.2.10/24 }\n"
		  "empty {}\n"
		  "a { b } c d\n"
		  "x { y { z } }\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 6);
	const struct cfg_stmt *st = p.src.root;
	STMT(st, 1, true, "unicast_peer");
	ck_assert_int_eq(count(st->block), 1);
	STMT(st->block, 1, false, "192.0.2.2", "192.0.2.3");
	st = st->next;
	STMT(st, 2, true, "virtual_ipaddress");
	ck_assert_int_eq(count(st->block), 1);
	STMT(st->block, 2, false, "192.0.2.10/24");
	st = st->next;
	STMT(st, 3, true, "empty");
	ck_assert_ptr_null(st->block);
	st = st->next;
	STMT(st, 4, true, "a");
	STMT(st->block, 4, false, "b");
	st = st->next;
	STMT(st, 4, false, "c", "d");
	st = st->next;
	STMT(st, 5, true, "x");
	STMT(st->block, 5, true, "y");
	STMT(st->block->block, 5, false, "z");
	done(&p);
}
END_TEST

START_TEST(nested_blocks)
{
	struct parsed p;
	parse(&p, "virtual_server 192.0.2.1 80 {\n"
		  "    delay_loop 6\n"
		  "    real_server 10.0.0.1 80 {\n"
		  "        weight 1\n"
		  "        HTTP_GET {\n"
		  "            url {\n"
		  "                path /\n"
		  "            }\n"
		  "        }\n"
		  "    }\n"
		  "    real_server 10.0.0.2 80 {\n"
		  "    }\n"
		  "}\n"
		  "top\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 2);
	const struct cfg_stmt *vs = p.src.root;
	STMT(vs, 1, true, "virtual_server", "192.0.2.1", "80");
	ck_assert_int_eq(count(vs->block), 3);
	STMT(nth(vs->block, 0), 2, false, "delay_loop", "6");
	const struct cfg_stmt *rs = nth(vs->block, 1);
	STMT(rs, 3, true, "real_server", "10.0.0.1", "80");
	ck_assert_int_eq(count(rs->block), 2);
	STMT(rs->block, 4, false, "weight", "1");
	STMT(rs->block->next, 5, true, "HTTP_GET");
	STMT(rs->block->next->block, 6, true, "url");
	STMT(rs->block->next->block->block, 7, false, "path", "/");
	STMT(nth(vs->block, 2), 11, true, "real_server", "10.0.0.2", "80");
	STMT(vs->next, 14, false, "top");
	done(&p);
}
END_TEST

START_TEST(unbalanced_close)
{
	struct parsed p;
	parse(&p, "a\n}\nb {\n}\n} c\n");
	NO_ERRORS(&p);
	RECOVERED(&p, "test.conf:2: '}' without a matching '{'; ignored, as keepalived does",
		  "test.conf:5: '}' without a matching '{'; ignored, as keepalived does");
	ck_assert_int_eq(count(p.src.root), 3);
	STMT(nth(p.src.root, 0), 1, false, "a");
	STMT(nth(p.src.root, 1), 3, true, "b");
	STMT(nth(p.src.root, 2), 5, false, "c");
	done(&p);
}
END_TEST

START_TEST(unbalanced_open)
{
	struct parsed p;
	parse(&p, "a {\n b\n c {\n  d\n}\n");
	NO_ERRORS(&p);
	RECOVERED(&p, "test.conf:1: '{' not closed before the end of the file; closed there, as keepalived does");
	STMT(p.src.root, 1, true, "a");
	ck_assert_int_eq(count(p.src.root->block), 2);
	STMT(p.src.root->block->next->block, 4, false, "d");
	done(&p);

	parse(&p, "x {\ny {\n\n");
	RECOVERED(&p, "test.conf:1: '{' not closed before the end of the file; closed there, as keepalived does",
		  "test.conf:2: '{' not closed before the end of the file; closed there, as keepalived does");
	done(&p);
}
END_TEST

START_TEST(depth_limit)
{
	enum { DEPTH = 100 };
	char text[DEPTH * 8 + 1];
	char *t = text;
	for (int i = 0; i < DEPTH; i++)
		t += sprintf(t, "a {\n");
	for (int i = 0; i < DEPTH; i++)
		t += sprintf(t, "}\n");
	t += sprintf(t, "after\n");

	struct parsed p;
	parse(&p, text);
	ERRORS(&p, "test.conf:65: blocks nested too deeply (limit 64)");
	int depth = 0;
	const struct cfg_stmt *st = p.src.root;
	for (; st->block; st = st->block)
		depth++;
	ck_assert_int_eq(depth, 64);
	ck_assert_int_eq(st->has_block, true);
	STMT(p.src.root->next, 2 * DEPTH + 1, false, "after");
	done(&p);
}
END_TEST

START_TEST(hostile_braces)
{
	enum { N = 1000 * 1000 };
	char *text = malloc(N + 8);
	ck_assert_ptr_nonnull(text);
	strcpy(text, "a ");
	memset(text + 2, '{', N);
	text[N + 2] = '\0';
	struct parsed p;
	parse(&p, text);
	NO_ERRORS(&p);
	ck_assert_uint_eq(p.diag.nrecovered, 101);
	ck_assert_str_eq(p.diag.recovered[0], "test.conf:1: '{' without a statement before it; ignored, as keepalived does");
	ck_assert_str_eq(p.diag.recovered[100], "too many recovered errors");
	STMT(p.src.root, 1, true, "a");
	ck_assert_ptr_null(p.src.root->block);
	done(&p);

	memset(text, '}', N);
	text[N] = '\0';
	parse(&p, text);
	ck_assert_uint_eq(p.diag.nrecovered, 101);
	ck_assert_str_eq(p.diag.recovered[100], "too many recovered errors");
	done(&p);
	free(text);
}
END_TEST

START_TEST(long_line)
{
	/* keepalived reads 1,023 bytes of a line at a time: the rest is read as a line of its own */
	enum { WORDS = 300 * 1000 };
	char dir[PATH_MAX], path[PATH_MAX];
	make_tmpdir(dir, sizeof dir, "check_cfg_read");
	fmt(path, sizeof path, "%s/long.conf", dir);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("k ", fp);
	for (int i = 0; i < 1100; i++)
		fputc('a', fp);
	fputs(" tail\nlong", fp);
	for (int i = 0; i < WORDS; i++)
		fputs(" word", fp);
	fputs("\nshort\n", fp);
	ck_assert_int_eq(fclose(fp), 0);

	struct parsed p;
	parse_file(&p, path);
	NO_ERRORS(&p);
	ck_assert_uint_eq(p.diag.nwarnings, 2);
	ck_assert_str_eq(strchr(p.diag.warnings[0], ':') + 1,
			 ":1: line longer than 1023 bytes: keepalived reads it as 2 lines, and so does vipd" + 1);
	const struct cfg_stmt *st = p.src.root;
	ck_assert_int_eq(st->argc, 2);
	ck_assert_str_eq(st->argv[0], "k");
	ck_assert_uint_eq(strlen(st->argv[1]), 1021);
	st = st->next;
	ck_assert_int_eq(st->argc, 2);
	ck_assert_uint_eq(strlen(st->argv[0]), 79);
	ck_assert_str_eq(st->argv[1], "tail");
	ck_assert_uint_eq(st->pos.line, 1);
	/* 1,500,004 bytes in pieces of 1,023, each cut wherever it falls */
	int pieces = 0;
	for (st = st->next; st && st->pos.line == 2; st = st->next)
		pieces++;
	ck_assert_int_eq(pieces, (4 + 5 * WORDS + 1022) / 1023);
	STMT(st, 3, false, "short");
	done(&p);
	remove_tmpdir(dir, (const char *const[]){ "long.conf", NULL });
}
END_TEST

/* ---- parameters ---- */

START_TEST(param_simple)
{
	struct parsed p;
	parse(&p, "$VIP=192.0.2.1\n"
		  "  $PORT=80   # leading blanks and a comment\n"
		  "vip $VIP ${PORT} ${PORT}0 x${VIP}y\n"
		  "$EMPTY=\n"
		  "e $EMPTY end\n"
		  "quoted \"at $VIP:$PORT\" \"${VIP}:${PORT}\"\n"
		  "longest $VIPX $VIP_\n"
		  "follow $VIP.1 $VIP/24 $VIP,x ($VIP) w$VIP\n"
		  "$SP =1\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 6);
	STMT(nth(p.src.root, 0), 3, false, "vip", "192.0.2.1", "80", "800", "x192.0.2.1y");
	STMT(nth(p.src.root, 1), 5, false, "e", "end");
	/* $NAME only before a blank, `,`, `)` or the end, as keepalived replaces it */
	STMT(nth(p.src.root, 2), 6, false, "quoted", "at $VIP:$PORT", "192.0.2.1:80");
	STMT(nth(p.src.root, 3), 7, false, "longest", "$VIPX", "$VIP_");
	STMT(nth(p.src.root, 4), 8, false, "follow", "$VIP.1", "$VIP/24", "192.0.2.1,x", "(192.0.2.1)", "w192.0.2.1");
	/* no blank before the `=` of a definition */
	STMT(nth(p.src.root, 5), 9, false, "$SP", "=1");
	done(&p);
}
END_TEST

START_TEST(param_redefinition_and_use_time)
{
	struct parsed p;
	parse(&p, "$X=1\n"
		  "a $X\n"
		  "$X=2\n"
		  "b $X\n"
		  "$A=$B\n"
		  "$B=x\n"
		  "c $A\n"
		  "$B=y\n"
		  "d $A\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 4);
	STMT(nth(p.src.root, 0), 2, false, "a", "1");
	STMT(nth(p.src.root, 1), 4, false, "b", "2");
	STMT(nth(p.src.root, 2), 7, false, "c", "x");
	STMT(nth(p.src.root, 3), 9, false, "d", "y");
	done(&p);
}
END_TEST

START_TEST(param_words_and_blocks)
{
	struct parsed p;
	parse(&p, "$W=a b  \"c d\"\n"
		  "k $W\n"
		  "$OPEN=blk $W {\n"
		  "$OPEN\n"
		  "  inner\n"
		  "}\n"
		  "$PEERS=unicast_peer { 192.0.2.2 }\n"
		  "$PEERS\n"
		  "$STMT=whole statement\n"
		  "$STMT\n");
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 4);
	STMT(nth(p.src.root, 0), 2, false, "k", "a", "b", "c d");
	const struct cfg_stmt *blk = nth(p.src.root, 1);
	STMT(blk, 4, true, "blk", "a", "b", "c d");
	STMT(blk->block, 5, false, "inner");
	const struct cfg_stmt *peers = nth(p.src.root, 2);
	STMT(peers, 8, true, "unicast_peer");
	STMT(peers->block, 8, false, "192.0.2.2");
	STMT(nth(p.src.root, 3), 10, false, "whole", "statement");
	done(&p);
}
END_TEST

START_TEST(param_undefined_left_literal)
{
	struct parsed p;
	parse(&p, "notify \"/bin/x $1 ${2} ${UNDEF} ${ ${1x} ${A\" $UNDEF $ $$ $1\n");
	NO_ERRORS(&p);
	STMT(p.src.root, 1, false, "notify", "/bin/x $1 ${2} ${UNDEF} ${ ${1x} ${A", "$UNDEF", "$", "$$", "$1");
	done(&p);
}
END_TEST

START_TEST(param_not_expanded_in_comments)
{
	struct parsed p;
	parse(&p, "$L=$L\n"
		  "k a # $L\n"
		  "$C=value # $L comment\n"
		  "c $C\n");
	NO_ERRORS(&p);
	STMT(p.src.root, 2, false, "k", "a");
	STMT(p.src.root->next, 4, false, "c", "value");
	done(&p);
}
END_TEST

START_TEST(param_self_loop)
{
	struct parsed p;
	parse(&p, "$IF=$IF\n"
		  "vrrp_instance X {\n"
		  "  interface $IF\n"
		  "  state MASTER\n"
		  "}\n");
	ck_assert_int_eq(p.rc, 1);
	ERRORS(&p, "test.conf:3: parameter loop: $IF -> $IF (keepalived never ends reading it)");
	STMT(p.src.root, 2, true, "vrrp_instance", "X");
	ck_assert_int_eq(count(p.src.root->block), 1);
	STMT(p.src.root->block, 4, false, "state", "MASTER");
	done(&p);

	parse(&p, "$IF=eth0 ${IF}\nx $IF\n");
	ERRORS(&p, "test.conf:2: parameter loop: $IF -> $IF (keepalived never ends reading it)");
	done(&p);
}
END_TEST

START_TEST(param_mutual_loop)
{
	struct parsed p;
	parse(&p, "$A=$B\n$B=$A\nx $A\n$X=$A\ny $X\n");
	ERRORS(&p, "test.conf:3: parameter loop: $A -> $B -> $A (keepalived never ends reading it)",
	       "test.conf:5: parameter loop: $A -> $B -> $A (keepalived never ends reading it)");
	ck_assert_ptr_null(p.src.root);
	done(&p);
}
END_TEST

START_TEST(param_blowup)
{
	/* each level doubles: 2^40 copies of the leaf; keepalived stops replacing at 1,023 bytes */
	char text[4096];
	char leaf[101];
	memset(leaf, 'x', 100);
	leaf[100] = '\0';
	char *t = text;
	for (int i = 0; i < 40; i++)
		t += sprintf(t, "$P%d=${P%d}${P%d}\n", i, i + 1, i + 1);
	t += sprintf(t, "$P40=%s\nuse $P0\nafter\n", leaf);
	struct parsed p;
	parse(&p, text);
	/* the line stops growing at 1,023 bytes, but what follows each brace is expanded again */
	ck_assert_uint_ge(p.diag.nwarnings, 1);
	ck_assert_msg(strncmp(p.diag.warnings[0], "test.conf:42: expanding $P", 26) == 0, "%s", p.diag.warnings[0]);
	ck_assert_ptr_nonnull(strstr(p.diag.warnings[0], "longer than 1023 bytes"));
	ERRORS(&p, "test.conf:42: parameter expansion too long");
	const struct cfg_stmt *use = p.src.root;
	ck_assert_str_eq(use->argv[0], "use");
	while (use->next)
		use = use->next;
	STMT(use, 43, false, "after");
	done(&p);

	/* the same with an empty value: nothing grows, the number of substitutions is what is bounded */
	t = text;
	for (int i = 0; i < 40; i++)
		t += sprintf(t, "$P%d=${P%d}${P%d}\n", i, i + 1, i + 1);
	t += sprintf(t, "$P40=\nuse $P0\n");
	parse(&p, text);
	ERRORS(&p, "test.conf:42: parameters nested too deeply, or too many of them on one line");
	done(&p);
}
END_TEST

START_TEST(param_nesting_limit)
{
	char text[8192];
	char *t = text;
	for (int i = 0; i < 80; i++)
		t += sprintf(t, "$P%d=$P%d\n", i, i + 1);
	t += sprintf(t, "$P80=end\nok $P20\nbad $P0\n");
	struct parsed p;
	parse(&p, text);
	ERRORS(&p, "test.conf:83: parameters nested too deeply, or too many of them on one line");
	STMT(p.src.root, 82, false, "ok", "end");
	ck_assert_ptr_null(p.src.root->next);
	done(&p);
}
END_TEST

/* ---- conditional lines ---- */

START_TEST(conditional_lines)
{
	const struct cfg_read_opts opts = { .config_id = "h1" };
	struct parsed p;
	parse_opts(&p, "@h1 a\n"
		       "@h2 b\n"
		       "@^h1 c\n"
		       "  @^h2   d e\n"
		       "@h1x f\n"
		       "@h1 $X=one\n"
		       "@^h1 $X=two\n"
		       "v $X\n"
		       "@h1 blk {\n"
		       "@h1 }\n"
		       "@h1\n",
		   &opts);
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 4);
	STMT(nth(p.src.root, 0), 1, false, "a");
	STMT(nth(p.src.root, 1), 4, false, "d", "e");
	STMT(nth(p.src.root, 2), 8, false, "v", "one");
	STMT(nth(p.src.root, 3), 9, true, "blk");
	done(&p);

	/* an empty id is no host's; an id with nothing after it drops the line, as in keepalived */
	parse_opts(&p, "@ x\n@^ y\n@^h2\n", &opts);
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 1);
	STMT(p.src.root, 2, false, "y");
	done(&p);
}
END_TEST

START_TEST(conditional_hostname)
{
	/* keepalived's default config id: the host name up to its first dot */
	char host[256] = "";
	ck_assert_int_eq(gethostname(host, sizeof host - 1), 0);
	host[strcspn(host, ".")] = '\0';
	char text[1024];
	fmt(text, sizeof text, "@%s mine\n@^%s theirs\n", host, host);
	struct parsed p;
	parse_opts(&p, text, NULL);
	NO_ERRORS(&p);
	ck_assert_int_eq(count(p.src.root), 1);
	STMT(p.src.root, 1, false, "mine");
	done(&p);
}
END_TEST

/* ---- ~SEQ generators ---- */

START_TEST(seq_lines)
{
	struct parsed p;
	parse(&p, "~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n"
		  "~SEQx(S, 0x90, 0x10, 0xc0) ip fe80::20:${S}:1\n"
		  "~SEQ(N,3) n $N\n"
		  "~SEQ(M, -2) m $M\n"
		  "~SEQ(E, 5, 1, 1) never\n"
		  "vip {\n"
		  "    ~SEQ(A,1,2) ~SEQ(B, 3, 1) ${A}.${B}\n"
		  "}\n"
		  "last $N\n");
	NO_ERRORS(&p);
	const struct cfg_stmt *st = p.src.root;
	for (int i = 0; i <= 3; i++, st = st->next) {
		char want[32];
		STMT(st, 1, false, "ip_address", fmt(want, sizeof want, "10.0.%d.1", i));
	}
	STMT(st, 2, false, "ip", "fe80::20:90:1");
	st = st->next->next->next;
	STMT(st, 2, false, "ip", "fe80::20:c0:1");
	st = st->next;
	for (int i = 1; i <= 3; i++, st = st->next) {
		char want[8];
		STMT(st, 3, false, "n", fmt(want, sizeof want, "%d", i));
	}
	STMT(st, 4, false, "m", "-1");
	st = st->next;
	STMT(st, 4, false, "m", "-2");
	st = st->next;
	STMT(st, 6, true, "vip");
	const char *const order[] = { "1.3", "1.2", "1.1", "2.3", "2.2", "2.1" };
	const struct cfg_stmt *in = st->block;
	for (int i = 0; i < 6; i++, in = in->next)
		STMT(in, 7, false, order[i]);
	ck_assert_ptr_null(in);
	STMT(st->next, 9, false, "last", "3");
	ck_assert_ptr_null(st->next->next);
	done(&p);
}
END_TEST

START_TEST(seq_errors)
{
	struct parsed p;
	char text[4096], *t = text;
	t += sprintf(t, "~SEQ(N, x) b\n"
			"~SEQ(N, 1, 0, 5) c\n"
			"~SEQ(N, 1 d\n"
			"~SEQ(N) f\n"
			"~SEQ(N, 1, 2, 3, 4) g\n"
			"~SEQ(N, 5, 1, 1) h\n"
			"~SEQx(N, -1, 2) i\n"
			"~SEQ[N, 1] j\n"
			"~SEQ(N, 1, 2000000) # generates nothing, but too many times\n");
	for (int i = 0; i < 70; i++)
		t += sprintf(t, "~SEQ(A,1)");
	sprintf(t, " k\n");
	parse(&p, text);
	RECOVERED(&p, "test.conf:1: ~SEQ: expected 1 to 3 numbers; the line is ignored, as keepalived does",
		  "test.conf:2: ~SEQ: the step is 0 or goes away from the end; the line is ignored, as keepalived does",
		  "test.conf:3: ~SEQ: missing ')'; the line is ignored, as keepalived does",
		  "test.conf:4: ~SEQ: expected a variable and 1 to 3 numbers; the line is ignored, as keepalived does",
		  "test.conf:5: ~SEQ: expected 1 to 3 numbers; the line is ignored, as keepalived does",
		  "test.conf:6: ~SEQ: the step is 0 or goes away from the end; the line is ignored, as keepalived does",
		  "test.conf:7: ~SEQ: ~SEQx takes no negative numbers; the line is ignored, as keepalived does",
		  "test.conf:8: ~SEQ: expected '(' after ~SEQ; the line is ignored, as keepalived does");
	ERRORS(&p, "test.conf:9: ~SEQ / ~LST generate too many lines (limit 1000000)",
	       "test.conf:10: ~SEQ, ~LST and block parameters nested too deeply (limit 64)");
	ck_assert_ptr_null(p.src.root);
	done(&p);
}
END_TEST

/* ---- includes ---- */

START_TEST(include_glob)
{
	char path[PATH_MAX], dir[PATH_MAX], want[PATH_MAX * 2];
	data_path(dir, sizeof dir, "");
	struct parsed p;
	parse_file(&p, data_path(path, sizeof path, "main.conf"));
	NO_ERRORS(&p);
	WARNINGS(&p, fmt(want, sizeof want, "%s/main.conf:6: include: no file matches %s/missing/*.conf; nothing read, "
			 "as keepalived does", dir, dir));

	const struct cfg_files *f = &p.src.files;
	ck_assert_uint_eq(f->count, 6);
	ck_assert_str_eq(f->names[0], path);
	ck_assert_str_eq(f->names[1], fmt(want, sizeof want, "%s/sub/05-zero.conf", dir));
	ck_assert_str_eq(f->names[2], fmt(want, sizeof want, "%s/sub/10-first.conf", dir));
	ck_assert_str_eq(f->names[3], fmt(want, sizeof want, "%s/sub/nested/leaf.conf", dir));
	ck_assert_str_eq(f->names[4], fmt(want, sizeof want, "%s/sub/15-middle.conf", dir));
	ck_assert_str_eq(f->names[5], fmt(want, sizeof want, "%s/sub/20-second.conf", dir));

	ck_assert_int_eq(count(p.src.root), 2);
	const struct cfg_stmt *g = p.src.root;
	STMT(g, 2, true, "global_defs");
	ck_assert_uint_eq(g->pos.file, 0);
	ck_assert_int_eq(count(g->block), 7);
	const struct { unsigned file, line; } where[] = { { 0, 3 }, { 1, 1 }, { 2, 1 }, { 3, 1 },
							  { 4, 1 }, { 5, 2 }, { 5, 3 } };
	STMT(nth(g->block, 0), 3, false, "router_id", "main");
	STMT(nth(g->block, 1), 1, false, "zero");
	STMT(nth(g->block, 2), 1, false, "first");
	STMT(nth(g->block, 3), 1, false, "leaf", "x");
	STMT(nth(g->block, 4), 1, false, "middle");
	STMT(nth(g->block, 5), 2, false, "second_a");
	STMT(nth(g->block, 6), 3, true, "second_b");
	for (int i = 0; i < 7; i++) {
		ck_assert_uint_eq(nth(g->block, i)->pos.file, where[i].file);
		ck_assert_uint_eq(nth(g->block, i)->pos.line, where[i].line);
	}
	STMT(nth(g->block, 6)->block, 4, false, "inner");
	ck_assert_uint_eq(nth(g->block, 6)->block->pos.file, 5);
	ck_assert_str_eq(cfg_file_name(f, nth(g->block, 3)->pos), f->names[3]);
	STMT(g->next, 7, false, "after_include");
	done(&p);
}
END_TEST

START_TEST(include_from_string)
{
	char dir[PATH_MAX], text[PATH_MAX * 2], want[PATH_MAX * 2];
	data_path(dir, sizeof dir, "");
	struct parsed p;
	/* absolute pattern, and one made of a parameter */
	parse(&p, fmt(text, sizeof text, "$D=%s\ninclude %s/sub/nested/*.conf\ninclude ${D}/params/defs.conf\nk $FROM_INC\n",
		      dir, dir));
	NO_ERRORS(&p);
	ck_assert_uint_eq(p.src.files.count, 3);
	ck_assert_str_eq(p.src.files.names[1], fmt(want, sizeof want, "%s/sub/nested/leaf.conf", dir));
	STMT(p.src.root, 1, false, "leaf", "x");
	ck_assert_uint_eq(p.src.root->pos.file, 1);
	STMT(p.src.root->next, 4, false, "k", "included", "value");
	ck_assert_uint_eq(p.src.root->next->pos.file, 0);
	done(&p);

	/* relative: to the working directory */
	char abs[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(dir, abs));
	int cwd = open(".", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(cwd, 0);
	ck_assert_int_eq(chdir(abs), 0);
	parse(&p, "include sub/nested/leaf.conf\n");
	ck_assert_int_eq(fchdir(cwd), 0);
	close(cwd);
	NO_ERRORS(&p);
	ck_assert_str_eq(p.src.files.names[1], "sub/nested/leaf.conf");
	STMT(p.src.root, 1, false, "leaf", "x");
	done(&p);
}
END_TEST

START_TEST(include_missing)
{
	struct parsed p;
	parse(&p, "a\ninclude /nonexistent-vipd-dir/*.conf\ninclude /nonexistent-vipd-file.conf\nb\n");
	NO_ERRORS(&p);
	WARNINGS(&p, "test.conf:2: include: no file matches /nonexistent-vipd-dir/*.conf; nothing read, as keepalived does",
		 "test.conf:3: include: no file matches /nonexistent-vipd-file.conf; nothing read, as keepalived does");
	ck_assert_int_eq(count(p.src.root), 2);
	ck_assert_uint_eq(p.src.files.count, 1);
	done(&p);
}
END_TEST

START_TEST(include_bad_statement)
{
	struct parsed p;
	/* keepalived takes the whole rest of the line as the pattern, quotes and braces included; `include`
	 * alone is an ordinary statement (an unknown keyword) */
	parse(&p, "include\ninclude a b\ninclude x {\n read\n}\nkept\n");
	NO_ERRORS(&p);
	WARNINGS(&p, "test.conf:2: include: no file matches a b; nothing read, as keepalived does",
		 "test.conf:3: include: no file matches x {; nothing read, as keepalived does");
	RECOVERED(&p, "test.conf:5: '}' without a matching '{'; ignored, as keepalived does");
	ck_assert_int_eq(count(p.src.root), 3);
	STMT(p.src.root, 1, false, "include");
	STMT(p.src.root->next, 4, false, "read");
	STMT(p.src.root->next->next, 6, false, "kept");
	done(&p);
}
END_TEST

START_TEST(include_directory)
{
	char dir[PATH_MAX], text[PATH_MAX * 2], want[PATH_MAX * 2];
	data_path(dir, sizeof dir, "");
	struct parsed p;
	parse(&p, fmt(text, sizeof text, "include %s/sub/nest*\n", dir));
	NO_ERRORS(&p);
	WARNINGS(&p, fmt(want, sizeof want, "test.conf:1: include: %s/sub/nested/ is a directory; skipped, as keepalived "
			 "does", dir));
	ck_assert_uint_eq(p.src.files.count, 1);
	done(&p);
}
END_TEST

START_TEST(include_self_cycle)
{
	char path[PATH_MAX], want[PATH_MAX * 3];
	data_path(path, sizeof path, "cycle/self.conf");
	struct parsed p;
	parse_file(&p, path);
	ERRORS(&p, fmt(want, sizeof want, "%s:2: include loop: %s -> %s", path, path, path));
	ck_assert_int_eq(count(p.src.root), 2);
	STMT(p.src.root, 1, false, "before");
	STMT(p.src.root->next, 3, false, "after");
	done(&p);
}
END_TEST

START_TEST(include_mutual_cycle)
{
	char a[PATH_MAX], b[PATH_MAX], want[PATH_MAX * 4];
	data_path(a, sizeof a, "cycle/a.conf");
	data_path(b, sizeof b, "cycle/b.conf");
	struct parsed p;
	parse_file(&p, a);
	ERRORS(&p, fmt(want, sizeof want, "%s:2: include loop: %s -> %s -> %s", b, a, b, a));
	ck_assert_uint_eq(p.src.files.count, 2);
	ck_assert_int_eq(count(p.src.root), 2);
	STMT(p.src.root, 1, false, "a1");
	STMT(p.src.root->next, 1, false, "b1");
	ck_assert_uint_eq(p.src.root->next->pos.file, 1);
	done(&p);
}
END_TEST

START_TEST(include_depth)
{
	char d1[PATH_MAX], d3[PATH_MAX], d4[PATH_MAX], want[PATH_MAX * 3];
	data_path(d1, sizeof d1, "depth/d1.conf");
	data_path(d3, sizeof d3, "depth/d3.conf");
	data_path(d4, sizeof d4, "depth/d4.conf");
	const struct cfg_read_opts opts = { .config_id = "h", .max_include_depth = 2 };
	struct parsed p;
	parse_file_opts(&p, d1, &opts);
	ERRORS(&p, fmt(want, sizeof want, "%s:1: include nested too deeply (limit 2): %s", d3, d4));
	ck_assert_ptr_null(p.src.root);
	done(&p);

	const struct cfg_read_opts three = { .config_id = "h", .max_include_depth = 3 };
	parse_file_opts(&p, d1, &three);
	NO_ERRORS(&p);
	STMT(p.src.root, 1, false, "deep");
	ck_assert_uint_eq(p.src.root->pos.file, 3);
	done(&p);
}
END_TEST

START_TEST(include_default_depth)
{
	enum { FILES = 19 };
	char dir[PATH_MAX], path[PATH_MAX], text[64], want[PATH_MAX * 3];
	char names[FILES][16];
	const char *list[FILES + 1];
	make_tmpdir(dir, sizeof dir, "check_cfg_read");
	for (int i = 0; i < FILES; i++) {
		snprintf(names[i], sizeof names[i], "f%02d.conf", i);
		list[i] = names[i];
		if (i + 1 < FILES)
			snprintf(text, sizeof text, "level%d\ninclude f%02d.conf\n", i, i + 1);
		else
			snprintf(text, sizeof text, "bottom\n");
		write_file(fmt(path, sizeof path, "%s/%s", dir, names[i]), text);
	}
	list[FILES] = NULL;

	struct parsed p;
	parse_file_opts(&p, fmt(path, sizeof path, "%s/f00.conf", dir), NULL);
	/* f00 is depth 0, f16 depth 16, the limit */
	char f16[PATH_MAX], f17[PATH_MAX];
	fmt(f16, sizeof f16, "%s/f16.conf", dir);
	fmt(f17, sizeof f17, "%s/f17.conf", dir);
	ERRORS(&p, fmt(want, sizeof want, "%s:2: include nested too deeply (limit 16): %s", f16, f17));
	ck_assert_int_eq(count(p.src.root), 17);
	STMT(nth(p.src.root, 16), 1, false, "level16");
	ck_assert_uint_eq(p.src.files.count, 17);
	done(&p);
	remove_tmpdir(dir, list);
}
END_TEST

START_TEST(include_unbalanced)
{
	char dir[PATH_MAX], text[PATH_MAX * 2], want[PATH_MAX * 2];
	data_path(dir, sizeof dir, "");
	struct parsed p;
	parse(&p, fmt(text, sizeof text, "include %s/unbalanced/open.conf\nafter\n", dir));
	RECOVERED(&p, fmt(want, sizeof want, "%s/unbalanced/open.conf:1: '{' not closed before the end of the file; "
			  "closed there, as keepalived does", dir));
	ck_assert_int_eq(count(p.src.root), 2);
	STMT(p.src.root, 1, true, "opened");
	STMT(p.src.root->block, 2, false, "inner");
	STMT(p.src.root->next, 2, false, "after");
	done(&p);

	parse(&p, fmt(text, sizeof text, "blk {\ninclude %s/unbalanced/close.conf\nsecond\n}\nafter\n", dir));
	RECOVERED(&p, fmt(want, sizeof want, "%s/unbalanced/close.conf:2: '}' would close a block opened before this "
			  "file; the rest of the file is ignored, as keepalived does", dir));
	ck_assert_int_eq(count(p.src.root), 2);
	STMT(p.src.root, 1, true, "blk");
	ck_assert_int_eq(count(p.src.root->block), 2);
	STMT(p.src.root->block, 1, false, "inner");
	STMT(p.src.root->block->next, 3, false, "second");
	STMT(p.src.root->next, 5, false, "after");
	done(&p);

	/* a `{` alone after an include opens nothing: the included file's statements are not its owner */
	parse(&p, fmt(text, sizeof text, "include %s/sub/nested/leaf.conf\n{\n}\n", dir));
	RECOVERED(&p, "test.conf:2: '{' without a statement before it; ignored, as keepalived does",
		  "test.conf:3: '}' without a matching '{'; ignored, as keepalived does");
	ck_assert_int_eq(p.src.root->has_block, false);
	done(&p);
}
END_TEST

/* ---- the main file ---- */

START_TEST(main_file_missing)
{
	char path[PATH_MAX], want[PATH_MAX * 2];
	data_path(path, sizeof path, "nonexistent.conf");
	struct parsed p;
	parse_file(&p, path);
	ck_assert_int_eq(p.rc, 1);
	ERRORS(&p, fmt(want, sizeof want, "cannot open %s: No such file or directory", path));
	ck_assert_ptr_null(p.src.root);
	ck_assert_uint_eq(p.src.files.count, 1);
	ck_assert_str_eq(p.src.files.names[0], path);
	done(&p);

	data_path(path, sizeof path, "empty.conf/x.conf");
	parse_file(&p, path);
	ERRORS(&p, fmt(want, sizeof want, "cannot open %s: Not a directory", path));
	done(&p);
}
END_TEST

START_TEST(main_file_directory)
{
	char path[PATH_MAX], want[PATH_MAX * 2];
	data_path(path, sizeof path, "sub");
	struct parsed p;
	parse_file(&p, path);
	ERRORS(&p, fmt(want, sizeof want, "cannot open %s: Is a directory", path));
	ck_assert_ptr_null(p.src.root);
	done(&p);
}
END_TEST

START_TEST(main_file_unreadable)
{
	char dir[PATH_MAX], path[PATH_MAX], want[PATH_MAX * 2];
	make_tmpdir(dir, sizeof dir, "check_cfg_read");
	write_file(fmt(path, sizeof path, "%s/secret.conf", dir), "a\n");
	ck_assert_int_eq(chmod(path, 0), 0);
	/* root reads anything: then there is nothing to test */
	if (access(path, R_OK) != 0) {
		struct parsed p;
		parse_file(&p, path);
		ERRORS(&p, fmt(want, sizeof want, "cannot open %s: Permission denied", path));
		done(&p);
	}
	remove_tmpdir(dir, (const char *const[]){ "secret.conf", NULL });
}
END_TEST

/* ---- diagnostics ---- */

START_TEST(diag_format)
{
	char *names[] = { "main.conf", "inc.conf" };
	const struct cfg_files files = { .names = names, .count = 2 };
	struct cfg_diag d;
	cfg_diag_init(&d, &files);
	cfg_error(&d, (struct cfg_pos){ 1, 7 }, "bad %s %d", "thing", 3);
	cfg_error(&d, (struct cfg_pos){ 0, 0 }, "whole file");
	cfg_error(&d, (struct cfg_pos){ 9, 2 }, "unknown file");
	cfg_error_nopos(&d, "as is: %d%%", 100);
	cfg_warning(&d, (struct cfg_pos){ 0, 12 }, "careful");
	ck_assert_uint_eq(d.nerrors, 4);
	ck_assert_str_eq(d.errors[0], "inc.conf:7: bad thing 3");
	ck_assert_str_eq(d.errors[1], "main.conf: whole file");
	ck_assert_str_eq(d.errors[2], "?:2: unknown file");
	ck_assert_str_eq(d.errors[3], "as is: 100%");
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_str_eq(d.warnings[0], "main.conf:12: careful");
	ck_assert_str_eq(cfg_file_name(&files, (struct cfg_pos){ 1, 1 }), "inc.conf");
	ck_assert_str_eq(cfg_file_name(NULL, (struct cfg_pos){ 0, 1 }), "?");
	cfg_diag_free(&d);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_ptr_null(d.errors);
	cfg_diag_free(&d);
}
END_TEST

START_TEST(diag_limit)
{
	struct cfg_diag d;
	cfg_diag_init(&d, NULL);
	d.max_errors = 3;
	for (int i = 0; i < 10; i++) {
		cfg_error_nopos(&d, "e%d", i);
		cfg_warning(&d, (struct cfg_pos){ 0, 1 }, "w%d", i);
	}
	ck_assert_uint_eq(d.nerrors, 4);
	ck_assert_str_eq(d.errors[2], "e2");
	ck_assert_str_eq(d.errors[3], "too many errors");
	ck_assert_uint_eq(d.nwarnings, 4);
	ck_assert_str_eq(d.warnings[3], "too many warnings");
	cfg_diag_free(&d);

	/* through the reader: the count returned stops with what was stored */
	struct parsed p;
	cfg_diag_init(&p.diag, NULL);
	p.diag.max_errors = 2;
	p.rc = cfg_read_string("t", "$A=$A\n$A\n$A\n$A\n", NULL, &p.src, &p.diag);
	ck_assert_int_eq(p.rc, 3);
	ck_assert_str_eq(p.diag.errors[1], "t:3: parameter loop: $A -> $A (keepalived never ends reading it)");
	ck_assert_str_eq(p.diag.errors[2], "too many errors");
	ck_assert_ptr_eq(p.diag.files, &p.src.files);
	done(&p);
}
END_TEST

/* ---- typing as reading goes: top-level blocks handed over as they close ---- */

struct handed {
	char summary[16][64];
	int n;
};

/* Copies what it needs: the statement is freed when this returns. */
static void hand(void *arg, const struct cfg_stmt *st)
{
	struct handed *h = arg;
	ck_assert_ptr_null(st->next);
	ck_assert(st->has_block);
	if (h->n >= 16)
		return;
	char *out = h->summary[h->n++];
	int len = snprintf(out, 64, "%s@%u:", st->argv[0], st->pos.line);
	for (const struct cfg_stmt *in = st->block; in && len < 60; in = in->next)
		len += snprintf(out + len, (size_t)(64 - len), " %s%s", in->argv[in->argc - 1], in->has_block ? "{}" : "");
}

START_TEST(top_blocks_handed_over)
{
	char dir[PATH_MAX], inner[PATH_MAX], text[2 * PATH_MAX];
	make_tmpdir(dir, sizeof dir, "check_cfg_read");
	write_file(fmt(inner, sizeof inner, "%s/inner.conf", dir), "from_file 4\n");
	fmt(text, sizeof text,
	    "a 1 {\n  b 2\n  c { d }\n}\n"	/* 1-4 */
	    "x\n"				/* 5 */
	    "y 3\n{\n  z\n}\n"			/* 6-9: the brace on the next line */
	    "inc {\ninclude %s\n}\n"		/* 10-12 */
	    "w {\n", inner);			/* 13: never closed */
	struct handed h = { .n = 0 };
	const struct cfg_read_opts opts = { .config_id = "testhost", .top_block = hand, .top_block_arg = &h };
	struct parsed p;
	parse_opts(&p, text, &opts);
	NO_ERRORS(&p);
	RECOVERED(&p, "test.conf:13: '{' not closed before the end of the file; closed there, as keepalived does");
	/* the block left open is closed at the end, and handed over as keepalived reads it */
	ck_assert_int_eq(h.n, 4);
	ck_assert_str_eq(h.summary[0], "a@1: 2 c{}");
	ck_assert_str_eq(h.summary[1], "y@6: z");
	ck_assert_str_eq(h.summary[2], "inc@10: 4");
	ck_assert_str_eq(h.summary[3], "w@13:");
	/* what was not handed over stays, in order */
	ck_assert_int_eq(count(p.src.root), 1);
	STMT(nth(p.src.root, 0), 5, false, "x");
	done(&p);
	remove_tmpdir(dir, (const char *const[]){ "inner.conf", NULL });
}
END_TEST

START_TEST(top_blocks_reuse_memory)
{
	struct strbuf_like { char *s; size_t len; } big = { malloc(1 << 20), 0 };
	ck_assert_ptr_nonnull(big.s);
	for (int i = 0; i < 5000; i++)
		big.len += (size_t)sprintf(big.s + big.len, "vs %d {\n  rs 1 { weight 1 }\n  rs 2 { weight 2 }\n}\n", i);
	struct handed h = { .n = 0 };
	const struct cfg_read_opts opts = { .config_id = "testhost", .top_block = hand, .top_block_arg = &h };
	struct parsed p;
	parse_opts(&p, big.s, &opts);
	NO_ERRORS(&p);
	ck_assert_ptr_null(p.src.root);
	ck_assert_str_eq(h.summary[15], "vs@61: 1{} 2{}");
	/* 5000 blocks of ~400 bytes each in the arena's first chunk, again and again */
	ck_assert_uint_le(p.src.arena_chunks, 1);
	done(&p);
	free(big.s);
}
END_TEST

START_TEST(source_free_twice)
{
	struct parsed p;
	parse(&p, "a { b { c } }\n");
	cfg_source_free(&p.src);
	ck_assert_ptr_null(p.src.root);
	ck_assert_uint_eq(p.src.files.count, 0);
	done(&p);
}
END_TEST

static Suite *cfg_read_suite(void)
{
	Suite *s = suite_create("cfg_read");
	TCase *tc;

	tc = tcase_create("lines");
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, words_and_lines);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, unterminated_quote);
	tcase_add_test(tc, long_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("blocks");
	tcase_add_test(tc, glued_braces);
	tcase_add_test(tc, brace_on_next_line);
	tcase_add_test(tc, brace_without_statement);
	tcase_add_test(tc, one_line_blocks);
	tcase_add_test(tc, nested_blocks);
	tcase_add_test(tc, unbalanced_close);
	tcase_add_test(tc, unbalanced_open);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, hostile_braces);
	suite_add_tcase(s, tc);

	tc = tcase_create("params");
	tcase_add_test(tc, param_simple);
	tcase_add_test(tc, param_redefinition_and_use_time);
	tcase_add_test(tc, param_words_and_blocks);
	tcase_add_test(tc, param_undefined_left_literal);
	tcase_add_test(tc, param_not_expanded_in_comments);
	tcase_add_test(tc, param_self_loop);
	tcase_add_test(tc, param_mutual_loop);
	tcase_add_test(tc, param_blowup);
	tcase_add_test(tc, param_nesting_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("conditional");
	tcase_add_test(tc, conditional_lines);
	tcase_add_test(tc, conditional_hostname);
	suite_add_tcase(s, tc);

	tc = tcase_create("seq");
	tcase_add_test(tc, seq_lines);
	tcase_add_test(tc, seq_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("include");
	tcase_add_test(tc, include_glob);
	tcase_add_test(tc, include_from_string);
	tcase_add_test(tc, include_missing);
	tcase_add_test(tc, include_bad_statement);
	tcase_add_test(tc, include_directory);
	tcase_add_test(tc, include_self_cycle);
	tcase_add_test(tc, include_mutual_cycle);
	tcase_add_test(tc, include_depth);
	tcase_add_test(tc, include_default_depth);
	tcase_add_test(tc, include_unbalanced);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, main_file_missing);
	tcase_add_test(tc, main_file_directory);
	tcase_add_test(tc, main_file_unreadable);
	suite_add_tcase(s, tc);

	tc = tcase_create("diag");
	tcase_add_test(tc, diag_format);
	tcase_add_test(tc, diag_limit);
	tcase_add_test(tc, source_free_twice);
	tcase_add_test(tc, top_blocks_handed_over);
	tcase_add_test(tc, top_blocks_reuse_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cfg_read_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
