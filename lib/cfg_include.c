/*
 * `include PATTERN`, as keepalived 2.2.7 reads it: a line that starts with the word include (after
 * `@id`, parameters and generators were applied), the pattern being the rest of the line as written
 * (quotes included). The pattern goes through glob(3) with brace expansion (`{a,b}.conf`), relative to the
 * directory of the file that includes; matches are read in glob's order. keepalived only logs what goes
 * wrong and reads on: nothing matching, a directory, a file that cannot be opened, or one that is not a
 * regular non-executable file (which it skips); vipd warns and does the same. The variants includer,
 * includem, includew, includeb and includea make those an error (keepalived -t then fails): r a match that
 * cannot be read, m no match for a pattern without wildcards, w no match at all, b a brace alternative
 * that matches nothing, a all of them. An include loop, which keepalived follows until it fails, is an
 * error here, as is nesting deeper than the include depth limit.
 */
#include "lib/cfg_reader.h"
#include "lib/cfg_inputs.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

enum {
	CHECK_READABLE = 1 << 0,
	CHECK_MATCH = 1 << 1,
	CHECK_WILDCARD = 1 << 2,
	CHECK_BRACE = 1 << 3,
	MAX_BRACE_ALTERNATIVES = 256,
};

FILE *cfg_open_config(const char *path, struct stat *st)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	int err = 0;
	if (fstat(fileno(fp), st) < 0)
		err = errno;
	else if (S_ISDIR(st->st_mode))
		err = EISDIR;
	if (err) {
		fclose(fp);
		errno = err;
		return NULL;
	}
	return fp;
}

/* ---- ${_PWD} ---- */

/* The directory keepalived would be in while reading the current file: it changes to a file's directory
 * when its name has one. The input recorded lets a reload see that the directory now resolves elsewhere. */
const char *cfg_pwd(struct reader *r)
{
	struct active_file *f = r->file;
	if (f->pwd)
		return f->pwd;
	const char *slash = f->has_id ? strrchr(f->name, '/') : NULL;
	char *dir = slash ? strndup(f->name, slash == f->name ? 1 : (size_t)(slash - f->name)) : strdup(".");
	if (!dir) {
		cfg_oom(r);
		return NULL;
	}
	char *abs = realpath(dir, NULL);
	if (!abs) {
		/* keepalived's getcwd would have failed too; the name is the best there is */
		r->unrepeatable = true;
		abs = strdup(dir);
	}
	size_t at;
	if (abs && cfg_inputs_add(&r->out->inputs, CFG_INPUT_DIR, dir, &at) == 0)
		cfg_dir_sum(abs, &r->out->inputs.v[at].sum);
	else
		cfg_oom(r);
	free(dir);
	f->pwd = abs;
	return abs;
}

/* ---- patterns ---- */

/* The including file's directory, with glob's special characters escaped, then the pattern. */
static int include_pattern(const struct active_file *f, const char *pattern, bool escape, struct strbuf *out)
{
	const char *slash = f->has_id && pattern[0] != '/' ? strrchr(f->name, '/') : NULL;
	for (const char *p = f->name; slash && p <= slash; p++) {
		if (escape && strchr("*?[\\{}", *p) && sb_putc(out, '\\') < 0)
			return -1;
		if (sb_putc(out, *p) < 0)
			return -1;
	}
	return sb_puts(out, pattern);
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The `}` that closes the `{` at p, or NULL. */
static const char *closing_brace(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

/* Calls each alternative of csh-style braces in s, as GLOB_BRACE expands them; false when there are more
 * than MAX_BRACE_ALTERNATIVES. */
static bool brace_alternatives(const char *s, void (*each)(void *arg, const char *alt), void *arg, unsigned *n)
{
	const char *open = NULL, *close = NULL;
	for (const char *p = s; *p && !open; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{' && (close = closing_brace(p)))
			open = p;
	}
	if (!open) {
		if (++*n > MAX_BRACE_ALTERNATIVES)
			return false;
		each(arg, s);
		return true;
	}
	size_t pre = (size_t)(open - s);
	const char *start = open + 1;
	for (const char *p = start;; p++) {
		int depth = 0;
		const char *q = p;
		for (; q < close; q++) {
			if (*q == '\\' && q + 1 < close)
				q++;
			else if (*q == '{')
				depth++;
			else if (*q == '}')
				depth--;
			else if (*q == ',' && depth == 0)
				break;
		}
		size_t len = pre + (size_t)(q - p) + strlen(close + 1);
		char *alt = malloc(len + 1);
		if (!alt)
			return false;
		memcpy(alt, s, pre);
		memcpy(alt + pre, p, (size_t)(q - p));
		strcpy(alt + pre + (size_t)(q - p), close + 1);
		bool ok = brace_alternatives(alt, each, arg, n);
		free(alt);
		if (!ok)
			return false;
		if (q >= close)
			return true;
		p = q;
	}
}

struct brace_check {
	struct reader *r;
	const struct active_file *f;
	struct cfg_pos pos;
	bool error;
	bool missing;
};

static void check_alternative(void *arg, const char *alt)
{
	struct brace_check *c = arg;
	if (has_wildcard(alt))
		return;
	struct strbuf path = { 0 };
	struct stat st;
	if (include_pattern(c->f, alt, false, &path) < 0) {
		cfg_oom(c->r);
	} else if (stat(path.s, &st) < 0) {
		if (c->error)
			cfg_error(c->r->diag, c->pos, "includeb: %s matches no file", path.s);
		c->missing = true;
	}
	sb_free(&path);
}

/* ---- reading what matched ---- */

static void loop_error_files(struct reader *r, const struct active_file *first, const char *path,
			     struct cfg_pos pos)
{
	unsigned n = 0;
	for (const struct active_file *f = r->file; f != first; f = f->parent)
		n++;
	struct strbuf msg = { 0 };
	int rc = 0;
	/* the chain is linked innermost first; print outermost first */
	for (unsigned i = n + 1; i-- > 0 && rc == 0;) {
		const struct active_file *f = r->file;
		for (unsigned k = 0; k < i; k++)
			f = f->parent;
		rc = sb_puts(&msg, f->name) | sb_puts(&msg, " -> ");
	}
	if (rc == 0 && sb_puts(&msg, path) == 0)
		cfg_error(r->diag, pos, "include loop: %s", msg.s);
	else
		cfg_oom(r);
	sb_free(&msg);
}

static const struct active_file *find_active(const struct active_file *f, const struct stat *st)
{
	for (; f; f = f->parent)
		if (f->has_id && f->dev == st->st_dev && f->ino == st->st_ino)
			return f;
	return NULL;
}

/* What keepalived skips with a message: an error with the readable check, else a warning. */
static void skipped(struct reader *r, struct cfg_pos pos, unsigned checks, const char *word, const char *path,
		    const char *why)
{
	if (checks & CHECK_READABLE)
		cfg_error(r->diag, pos, "%s: %s %s", word, path, why);
	else
		cfg_warning(r->diag, pos, "%s: %s %s; skipped, as keepalived does", word, path, why);
}

static void include_file(struct reader *r, const char *path, struct cfg_pos pos, unsigned checks, const char *word)
{
	size_t len = strlen(path);
	if (len > 0 && path[len - 1] == '/') {
		skipped(r, pos, checks, word, path, "is a directory");
		return;
	}
	struct stat st;
	FILE *fp = cfg_open_config(path, &st);
	if (!fp) {
		char why[160];
		snprintf(why, sizeof why, "cannot be opened: %s", strerror(errno));
		skipped(r, pos, checks, word, path, why);
		return;
	}
	const struct active_file *loop = find_active(r->file, &st);
	uint32_t index;
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
		skipped(r, pos, checks, word, path, "is not a regular non-executable file");
	} else if (loop) {
		loop_error_files(r, loop, path, pos);
	} else if (r->file->depth >= r->max_include_depth) {
		cfg_error(r->diag, pos, "include nested too deeply (limit %u): %s", r->max_include_depth, path);
	} else if (cfg_add_file(r, path, &index) == 0) {
		struct active_file af = { .parent = r->file, .name = r->out->files.names[index], .has_id = true,
					  .dev = st.st_dev, .ino = st.st_ino, .depth = r->file->depth + 1 };
		r->file = &af;
		cfg_read_opened(r, fp, &st, index, &pos);
		r->file = (struct active_file *)af.parent;
		free(af.pwd);
	}
	fclose(fp);
}

/* The include word's checks; -1 when text does not start with one followed by a blank. */
static int include_word(const char *text, size_t *len)
{
	static const char variants[] = "rmwba";
	static const unsigned checks[] = {
		CHECK_READABLE, CHECK_READABLE | CHECK_MATCH, CHECK_READABLE | CHECK_WILDCARD,
		CHECK_READABLE | CHECK_BRACE, CHECK_READABLE | CHECK_MATCH | CHECK_WILDCARD | CHECK_BRACE,
	};
	if (strncmp(text, "include", 7) != 0)
		return -1;
	if (cfg_is_blank(text[7])) {
		*len = 7;
		return 0;
	}
	const char *v = text[7] ? strchr(variants, text[7]) : NULL;
	if (!v || !cfg_is_blank(text[8]))
		return -1;
	*len = 8;
	return (int)checks[v - variants];
}

bool cfg_include(struct reader *r, const char *text, struct cfg_pos pos)
{
	text = cfg_skip_blanks(text);
	size_t wlen;
	int c = include_word(text, &wlen);
	const char *pat = cfg_skip_blanks(text + (c < 0 ? 0 : wlen));
	if (c < 0 || !*pat)
		return false;	/* `include` alone is a statement: an unknown keyword, as in keepalived */
	unsigned checks = (unsigned)c;
	char word[16];
	snprintf(word, sizeof word, "%.*s", (int)wlen, text);
	struct strbuf pattern = { 0 };
	if (include_pattern(r->file, pat, true, &pattern) < 0) {
		sb_free(&pattern);
		cfg_oom(r);
		return true;
	}
	glob_t g;
	memset(&g, 0, sizeof g);
	int rc = glob(pattern.s, CFG_GLOB_FLAGS, NULL, &g);
	size_t at;
	if (cfg_inputs_add(&r->out->inputs, CFG_INPUT_GLOB, pattern.s, &at) == 0)
		cfg_glob_sum(rc, &g, &r->out->inputs.v[at].sum);
	else
		cfg_oom(r);
	bool wild = has_wildcard(pat);
	if (rc == GLOB_NOSPACE) {
		cfg_oom(r);
	} else if (rc == GLOB_NOMATCH) {
		if ((checks & CHECK_WILDCARD) || (!wild && (checks & CHECK_MATCH)))
			cfg_error(r->diag, pos, "%s: no file matches %s", word, pattern.s);
		else
			cfg_warning(r->diag, pos, "%s: no file matches %s; nothing read, as keepalived does", word,
				    pattern.s);
	} else if (rc != 0) {
		cfg_warning(r->diag, pos, "%s: cannot search for %s; nothing read, as keepalived does", word, pattern.s);
	}
	if (strchr(pat, '{') && rc != GLOB_NOSPACE && !r->failed) {
		struct brace_check bc = { .r = r, .f = r->file, .pos = pos, .error = checks & CHECK_BRACE };
		unsigned n = 0;
		if (brace_alternatives(pat, check_alternative, &bc, &n) && bc.missing && !bc.error && rc == 0)
			cfg_warning(r->diag, pos, "%s: some of %s match no file; the others are read, as keepalived "
				    "does", word, pattern.s);
	}
	for (size_t i = 0; rc == 0 && i < g.gl_pathc && !r->failed; i++)
		include_file(r, g.gl_pathv[i], pos, checks, word);
	globfree(&g);
	sb_free(&pattern);
	return true;
}
