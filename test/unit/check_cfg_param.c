/*
 * Stage 1, the constructs of keepalived 2.2.7's reader beyond plain lines: ${NAME} in words, block
 * parameters, the built-in parameters, ~SEQ / ~LST, includes with braces, and the lexical details real
 * files have (CRLF, no final newline, statements and braces packed on one line). Each expectation was
 * checked against keepalived -t on the same text.
 */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cfg.h"
#include "test/unit/cfg_read_test.h"

static void parse(struct parsed *p, const char *text)
{
	const struct cfg_read_opts opts = { .config_id = "h1" };
	parse_text(p, "t.conf", text, &opts);
}

static void parse_file(struct parsed *p, const char *path)
{
	const struct cfg_read_opts opts = { .config_id = "h1" };
	parse_file_opts(p, path, &opts);
}

#define CLEAN(p)                                                                                              \
	do {                                                                                                  \
		ERRORS(p, NULL);                                                                              \
		RECOVERED(p, NULL);                                                                           \
	} while (0)

/* ---- ${NAME} in words ---- */

START_TEST(braced_in_words)
{
	struct parsed p;
	parse(&p, "$NET=10\n$N=3\n"
		  "virtual_ipaddress {\n 192.168.${NET}.1/24 dev eth${N}\n}\n"
		  "vrrp_instance VI_${N} {\n interface $IF\n}\n"
		  "$IF=eth1\n"
		  "x $IF, $IF) $IF.5 ${IF}.5\n");
	CLEAN(&p);
	STMT(p.src.root->block, 4, false, "192.168.10.1/24", "dev", "eth3");
	STMT(nth(p.src.root, 1), 6, true, "vrrp_instance", "VI_3");
	STMT(nth(p.src.root, 1)->block, 7, false, "interface", "$IF");	/* undefined there: left as written */
	STMT(nth(p.src.root, 2), 10, false, "x", "eth1,", "eth1)", "$IF.5", "eth1.5");
	done(&p);
}
END_TEST

START_TEST(value_read_again_in_place)
{
	/* keepalived reads a replacement again with what follows it: a value ending in `$` joins the next
	 * word; a value holding `@id` or a definition acts as one */
	struct parsed p;
	parse(&p, "$D=$\n$B=b\n${D}B\n$ON_H1=@h1\n$ON_H2=@h2\n$ON_H1 mine\n$ON_H2 theirs\n$DEF=$Z=7\n$DEF\nz $Z\n");
	CLEAN(&p);
	ck_assert_int_eq(count(p.src.root), 3);
	STMT(nth(p.src.root, 0), 3, false, "b");
	STMT(nth(p.src.root, 1), 6, false, "mine");
	STMT(nth(p.src.root, 2), 10, false, "z", "7");
	done(&p);
}
END_TEST

/* ---- block parameters ---- */

START_TEST(block_parameter)
{
	struct parsed p;
	parse(&p, "$RS=real_server 192.0.2.${N} 80 { \\\n"	/* 1 */
		  "    weight ${W} \\\n"				/* 2 */
		  "    TCP_CHECK { \\\n"				/* 3 */
		  "        connect_timeout 3 \\\n"		/* 4 */
		  "    } \\\n"					/* 5 */
		  "}\n"						/* 6 */
		  "virtual_server 192.0.2.100 80 {\n"		/* 7 */
		  "  $N=1\n"					/* 8 */
		  "  $W=2\n"					/* 9 */
		  "  $RS\n"					/* 10 */
		  "  $N=2\n"					/* 11 */
		  "  $RS\n"					/* 12 */
		  "  inline $RS\n"				/* 13: the first line joins the text before */
		  "  $RS tail\n"				/* 14: not at the end: left as written */
		  "}\n");
	CLEAN(&p);
	const struct cfg_stmt *vs = p.src.root;
	STMT(vs, 7, true, "virtual_server", "192.0.2.100", "80");
	ck_assert_int_eq(count(vs->block), 4);
	const struct cfg_stmt *rs = nth(vs->block, 0);
	/* every line of the block reads as the line that used it */
	STMT(rs, 10, true, "real_server", "192.0.2.1", "80");
	STMT(rs->block, 10, false, "weight", "2");
	STMT(rs->block->next, 10, true, "TCP_CHECK");
	STMT(rs->block->next->block, 10, false, "connect_timeout", "3");
	STMT(nth(vs->block, 1), 12, true, "real_server", "192.0.2.2", "80");
	STMT(nth(vs->block, 2), 13, true, "inline", "real_server", "192.0.2.2", "80");
	STMT(nth(vs->block, 3), 14, false, "$RS", "tail");
	done(&p);
}
END_TEST

START_TEST(block_parameter_ends)
{
	/* a blank or comment-only line ends a block parameter; definitions and @id inside it act when its
	 * lines are read */
	struct parsed p;
	parse(&p, "$B= \\\n"
		  "a \\\n"
		  "  @h1 on_h1 \\\n"
		  "  @h2 on_h2 \\\n"
		  "  $V=v \\\n"
		  "  b $V \\\n"
		  "\n"
		  "c\n"
		  "$B\n"
		  "$E= \\\n"
		  "# nothing but a comment\n"
		  "e $E end\n");
	CLEAN(&p);
	ck_assert_int_eq(count(p.src.root), 5);
	STMT(nth(p.src.root, 0), 8, false, "c");
	STMT(nth(p.src.root, 1), 9, false, "a");
	STMT(nth(p.src.root, 2), 9, false, "on_h1");
	STMT(nth(p.src.root, 3), 9, false, "b", "v");
	STMT(nth(p.src.root, 4), 12, false, "e", "end");
	done(&p);
}
END_TEST

START_TEST(block_parameter_loop)
{
	struct parsed p;
	parse(&p, "$B=x \\\n$B\n\n$B\nafter\n");
	ERRORS(&p, "t.conf:4: parameter loop: $B -> $B (keepalived never ends reading it)");
	STMT(p.src.root, 4, false, "x");
	STMT(p.src.root->next, 5, false, "after");
	done(&p);
}
END_TEST

/* ---- built-in parameters ---- */

START_TEST(builtins)
{
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	struct parsed p;
	parse(&p, "a ${_INSTANCE} $_INSTANCE\n"
		  "b ${_PWD}\n"
		  "c ${_RANDOM 7 7} ${_RANDOM 5} ${_RANDOM}\n"
		  "d x${_HASH}y\n"
		  "e \"x${_HASH}y${_BANG}\"\n"
		  "$_INSTANCE=mine\n"
		  "f $_INSTANCE \"${_PWD 1}\"\n");
	CLEAN(&p);
	STMT(nth(p.src.root, 0), 1, false, "a", "h1", "h1");
	STMT(nth(p.src.root, 1), 2, false, "b", cwd);
	const struct cfg_stmt *c = nth(p.src.root, 2);
	ck_assert_str_eq(c->argv[1], "7");
	ck_assert_int_ge(atoi(c->argv[2]), 5);
	ck_assert_int_le(atoi(c->argv[2]), 32767);
	ck_assert_int_le(atoi(c->argv[3]), 32767);
	/* a `#` a value brings in starts a comment, outside quotes */
	STMT(nth(p.src.root, 3), 4, false, "d", "x");
	STMT(nth(p.src.root, 4), 5, false, "e", "x#y!");
	/* a definition hides a built-in one; only _RANDOM takes numbers */
	STMT(nth(p.src.root, 5), 7, false, "f", "mine", "${_PWD 1}");
	/* _RANDOM: the next read differs, so a reload cannot be skipped */
	ck_assert(!p.src.inputs.complete);
	done(&p);
}
END_TEST

START_TEST(pwd_is_the_files_directory)
{
	char dir[PATH_MAX], sub[PATH_MAX], main_conf[PATH_MAX], inc[PATH_MAX], real[PATH_MAX], want[PATH_MAX + 8];
	make_tmpdir(dir, sizeof dir, "check_cfg_param");
	ck_assert_ptr_nonnull(realpath(dir, real));
	ck_assert_int_eq(mkdir(fmt(sub, sizeof sub, "%s/sub", dir), 0755), 0);
	write_file(fmt(main_conf, sizeof main_conf, "%s/main.conf", dir), "m ${_PWD}\ninclude sub/{a,b}.conf\n");
	write_file(fmt(inc, sizeof inc, "%s/sub/a.conf", dir), "a ${_PWD}/x\n");
	write_file(fmt(inc, sizeof inc, "%s/sub/b.conf", dir), "b $_PWD\n");
	struct parsed p;
	parse_file(&p, main_conf);
	CLEAN(&p);
	STMT(nth(p.src.root, 0), 1, false, "m", real);
	STMT(nth(p.src.root, 1), 1, false, "a", fmt(want, sizeof want, "%s/sub/x", real));
	STMT(nth(p.src.root, 2), 1, false, "b", fmt(want, sizeof want, "%s/sub", real));

	/* recorded, so that an unchanged reload is seen as one, and a moved directory is not */
	const struct cfg_read_opts opts = { .config_id = "h1" };
	ck_assert(p.src.inputs.complete);
	ck_assert(cfg_inputs_unchanged(&p.src.inputs, &opts));
	size_t dirs = 0;
	for (size_t i = 0; i < p.src.inputs.n; i++)
		dirs += p.src.inputs.v[i].kind == CFG_INPUT_DIR;
	ck_assert_uint_eq(dirs, 3);	/* one per file read */
	char moved[PATH_MAX + 8];
	ck_assert_int_eq(rename(sub, fmt(moved, sizeof moved, "%s/real", dir)), 0);
	ck_assert_int_eq(symlink("real", sub), 0);
	ck_assert(!cfg_inputs_unchanged(&p.src.inputs, &opts));
	done(&p);

	unlink(sub);
	unlink(fmt(inc, sizeof inc, "%s/real/a.conf", dir));
	unlink(fmt(inc, sizeof inc, "%s/real/b.conf", dir));
	rmdir(moved);
	unlink(main_conf);
	rmdir(dir);
}
END_TEST

/* ---- generators ---- */

START_TEST(seq_forms)
{
	struct parsed p;
	parse(&p, "$S=2\n$E=4\n"
		  "~SEQ(i, $S, ${E}) a$i\n"			/* 3: bounds from parameters */
		  "~SEQ(j, 3, -1, 1) b$j\n"			/* 4: counting down */
		  "~SEQ(k, -2) c$k\n"				/* 5: start -1, step -1 */
		  "~SEQ(m, 0) d$m\n"				/* 6: 1, 0 */
		  "~SEQx(h, 0x9, 11) e$h\n"			/* 7 */
		  "~SEQ(r, 1, 2) ~SEQ(s, 1, 2) f${r}_$s\n"	/* 8: nested */
		  "~SEQ(o, 010) \n"				/* 9: octal, generating nothing */
		  "~SEQ(q, 5, 5) g$q { x }\n"			/* 10: always read once, and any text */
		  "after $i\n");				/* 11: the variable keeps its last value */
	CLEAN(&p);
	const char *want[] = { "a2", "a3", "a4", "b3", "b2", "b1", "c-1", "c-2", "d1", "d0", "e9", "ea", "eb",
			       "f1_1", "f1_2", "f2_1", "f2_2", "g5", NULL };
	const struct cfg_stmt *st = p.src.root;
	for (int i = 0; want[i]; i++, st = st->next) {
		ck_assert_ptr_nonnull(st);
		ck_assert_str_eq(st->argv[0], want[i]);
	}
	ck_assert_uint_eq(nth(p.src.root, 17)->pos.line, 10);
	ck_assert(nth(p.src.root, 17)->has_block);
	STMT(st, 11, false, "after", "4");
	done(&p);
}
END_TEST

START_TEST(seq_of_block_parameter)
{
	/* the manual's pattern: a generator over a block parameter reads the whole block each time */
	struct parsed p;
	parse(&p, "$VI=vrrp_instance VI_${ID} { \\\n  virtual_router_id ${ID} \\\n}\n~SEQ(ID, 1, 3) $VI\n");
	CLEAN(&p);
	ck_assert_int_eq(count(p.src.root), 3);
	for (int i = 0; i < 3; i++) {
		char name[8], id[4];
		const struct cfg_stmt *vi = nth(p.src.root, i);
		STMT(vi, 4, true, "vrrp_instance", fmt(name, sizeof name, "VI_%d", i + 1));
		STMT(vi->block, 4, false, "virtual_router_id", fmt(id, sizeof id, "%d", i + 1));
	}
	done(&p);

	/* a parameter holding a generator is read as one */
	parse(&p, "$G=~SEQ(n, 2)\n$G x$n\n");
	CLEAN(&p);
	ck_assert_int_eq(count(p.src.root), 2);
	STMT(p.src.root, 2, false, "x1");
	STMT(p.src.root->next, 2, false, "x2");
	done(&p);
}
END_TEST

START_TEST(lst_forms)
{
	struct parsed p;
	parse(&p, "$F=f\n"
		  "~LST(c, a-b, 1.2, , $F) A$c\n"		/* 2: an empty value; $F kept, replaced at use */
		  "~LST({x, y}, {1,2}, {3,4}) B${x}_$y\n"	/* 3 */
		  "~LST(e, a, b) ~SEQ(n, 1, 2) C${e}$n\n"	/* 4 */
		  "~LST(d, a b) no\n"				/* 5: a blank in a value */
		  "~LST(d) no\n"				/* 6: no value */
		  "~LSTX(d, 1) no\n");				/* 7 */
	const char *want[] = { "Aa-b", "A1.2", "A", "Af", "B1_2", "B3_4", "Ca1", "Ca2", "Cb1", "Cb2", NULL };
	const struct cfg_stmt *st = p.src.root;
	for (int i = 0; want[i]; i++, st = st->next) {
		ck_assert_ptr_nonnull(st);
		ck_assert_str_eq(st->argv[0], want[i]);
	}
	ck_assert_ptr_null(st);
	ERRORS(&p, NULL);
	const char *bad = "~LST: expected ~LST(VAR, VALUE, ...) or ~LST({VAR, ...}, {VALUE, ...}, ...) with no blanks "
			  "in values; the line is ignored, as keepalived does";
	char m[3][256];
	RECOVERED(&p, fmt(m[0], sizeof m[0], "t.conf:5: %s", bad), fmt(m[1], sizeof m[1], "t.conf:6: %s", bad),
		  fmt(m[2], sizeof m[2], "t.conf:7: %s", bad));
	done(&p);
}
END_TEST

/* ---- includes ---- */

START_TEST(include_braces_and_checks)
{
	char dir[PATH_MAX], path[PATH_MAX], main_conf[PATH_MAX], text[4 * PATH_MAX], want[2 * PATH_MAX];
	make_tmpdir(dir, sizeof dir, "check_cfg_param");
	write_file(fmt(path, sizeof path, "%s/a.conf", dir), "from_a\n");
	write_file(fmt(path, sizeof path, "%s/b.conf", dir), "from_b\n");
	write_file(fmt(path, sizeof path, "%s/x.conf", dir), "never\n");
	ck_assert_int_eq(chmod(path, 0755), 0);
	write_file(fmt(main_conf, sizeof main_conf, "%s/main.conf", dir),
		   "include {a,b}.conf\n"	/* 1: both, in order */
		   "include {b,zz}.conf\n"	/* 2: one missing: a warning */
		   "include x.conf\n"		/* 3: executable: skipped, as keepalived does */
		   "include none*.conf\n"	/* 4 */
		   "includeb {a,zz}.conf\n"	/* 5: with the brace check: an error */
		   "includew none*.conf\n"	/* 6 */
		   "v { include a.conf }\n");	/* 7: the `}` is part of the pattern */
	struct parsed p;
	parse_file(&p, main_conf);
	ck_assert_int_eq(count(p.src.root), 5);
	STMT(nth(p.src.root, 0), 1, false, "from_a");
	STMT(nth(p.src.root, 1), 1, false, "from_b");
	STMT(nth(p.src.root, 2), 1, false, "from_b");
	STMT(nth(p.src.root, 3), 1, false, "from_a");
	STMT(nth(p.src.root, 4), 7, true, "v");
	ERRORS(&p, fmt(text, sizeof text, "%s:5: includeb: %s/zz.conf matches no file", main_conf, dir),
	       fmt(want, sizeof want, "%s:6: includew: no file matches %s/none*.conf", main_conf, dir));
	char w[4][2 * PATH_MAX];
	WARNINGS(&p, fmt(w[0], sizeof w[0], "%s:2: include: some of %s/{b,zz}.conf match no file; the others are read, as keepalived does", main_conf, dir),
		 fmt(w[1], sizeof w[1], "%s:3: include: %s/x.conf is not a regular non-executable file; skipped, as keepalived does", main_conf, dir),
		 fmt(w[2], sizeof w[2], "%s:4: include: no file matches %s/none*.conf; nothing read, as keepalived does", main_conf, dir),
		 fmt(w[3], sizeof w[3], "%s:7: include: no file matches %s/a.conf }; nothing read, as keepalived does", main_conf, dir));
	RECOVERED(&p, fmt(text, sizeof text, "%s:7: '{' not closed before the end of the file; closed there, as keepalived does", main_conf));
	/* the brace pattern is recorded as an input: unchanged until a file it matches appears */
	const struct cfg_read_opts opts = { .config_id = "h1" };
	ck_assert(cfg_inputs_unchanged(&p.src.inputs, &opts));
	write_file(fmt(path, sizeof path, "%s/zz.conf", dir), "now\n");
	ck_assert(!cfg_inputs_unchanged(&p.src.inputs, &opts));
	done(&p);
	const char *files[] = { "a.conf", "b.conf", "x.conf", "zz.conf", "main.conf" };
	for (size_t i = 0; i < 5; i++)
		unlink(fmt(path, sizeof path, "%s/%s", dir, files[i]));
	rmdir(dir);
}
END_TEST

/* ---- lexical details ---- */

START_TEST(lexical_details)
{
	struct parsed p;
	parse(&p, "a 1\r\n"					/* 1: CRLF */
		  "b {c 2} d { e } }\r\n"			/* 2: statements and braces packed */
		  "\tf\t\"g h\"  # tab, quotes, a comment\n"	/* 3 */
		  "x { y } $X=set\n"				/* 4: what follows a brace is a line */
		  "z $X\n"					/* 5 */
		  "w \\# \"!\" q\\!\n"				/* 6 */
		  "last");					/* 7: no final newline */
	ERRORS(&p, NULL);
	RECOVERED(&p, "t.conf:2: '}' without a matching '{'; ignored, as keepalived does");
	const struct cfg_stmt *r = p.src.root;
	STMT(nth(r, 0), 1, false, "a", "1");
	STMT(nth(r, 1), 2, true, "b");
	STMT(nth(r, 1)->block, 2, false, "c", "2");
	STMT(nth(r, 2), 2, true, "d");
	STMT(nth(r, 2)->block, 2, false, "e");
	STMT(nth(r, 3), 3, false, "f", "g h");
	STMT(nth(r, 4), 4, true, "x");
	STMT(nth(r, 5), 5, false, "z", "set");
	STMT(nth(r, 6), 6, false, "w", "#", "!", "q!");
	STMT(nth(r, 7), 7, false, "last");
	ck_assert_int_eq(count(r), 8);
	done(&p);
}
END_TEST

START_TEST(included_file_closing_too_much)
{
	char dir[PATH_MAX], path[PATH_MAX], main_conf[PATH_MAX];
	make_tmpdir(dir, sizeof dir, "check_cfg_param");
	write_file(fmt(path, sizeof path, "%s/inc.conf", dir), "inner\n}\nignored\n");
	write_file(fmt(main_conf, sizeof main_conf, "%s/main.conf", dir), "blk {\ninclude inc.conf\nsecond\n}\nafter\n");
	struct parsed p;
	parse_file(&p, main_conf);
	ERRORS(&p, NULL);
	char want[2 * PATH_MAX];
	RECOVERED(&p, fmt(want, sizeof want, "%s/inc.conf:2: '}' would close a block opened before this file; the rest "
			  "of the file is ignored, as keepalived does", dir));
	ck_assert_int_eq(count(p.src.root), 2);
	ck_assert_int_eq(count(p.src.root->block), 2);
	STMT(p.src.root->block, 1, false, "inner");
	STMT(p.src.root->block->next, 3, false, "second");
	STMT(p.src.root->next, 5, false, "after");
	done(&p);
	unlink(path);
	unlink(main_conf);
	rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cfg_param");
	TCase *tc = tcase_create("params");
	tcase_add_test(tc, braced_in_words);
	tcase_add_test(tc, value_read_again_in_place);
	tcase_add_test(tc, block_parameter);
	tcase_add_test(tc, block_parameter_ends);
	tcase_add_test(tc, block_parameter_loop);
	tcase_add_test(tc, builtins);
	tcase_add_test(tc, pwd_is_the_files_directory);
	suite_add_tcase(s, tc);
	tc = tcase_create("generators");
	tcase_add_test(tc, seq_forms);
	tcase_add_test(tc, seq_of_block_parameter);
	tcase_add_test(tc, lst_forms);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, include_braces_and_checks);
	tcase_add_test(tc, included_file_closing_too_much);
	tcase_add_test(tc, lexical_details);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
