/*
 * Stage 1 of the configuration parser: keepalived.conf text to a tree of statements, read as keepalived
 * 2.2.7 reads it (lib/cfg_reader.h gives the model).
 *
 * A physical line longer than 1,023 bytes is read as several, as keepalived's buffer cuts it. Each line is
 * cleaned first: leading blanks go, a `#` or `!` outside double quotes starts a comment wherever it is
 * (`\#` and `\!` stand for the characters), trailing blanks go, and a final `\` is kept, as it continues
 * a `$NAME=` definition. While a definition is continued, lines are only added to it. Otherwise the line
 * is text for cfg_run_text. Words are keepalived's too: split at blanks; a `"` starts a quoted word that
 * runs to the next `"` (no escapes), and ends an unquoted one.
 *
 * Where keepalived logs an error and reads on (a stray brace, a block left open, an unterminated quote,
 * a malformed ~SEQ), vipd does the same and reports a recovery. Hostile input is bounded everywhere: block
 * nesting, include depth and loops, parameter loops, generated lines. Out of memory is reported once and
 * unwinds: reading stops, the tree built so far stays consistent and is freed by cfg_source_free.
 */
#include "lib/cfg.h"
#include "lib/cfg_inputs.h"
#include "lib/cfg_reader.h"

#include <errno.h>
#include <limits.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- growable strings ---- */

/* Makes room for extra more bytes and keeps the text NUL-terminated, so s is a string after any call. */
int sb_reserve(struct strbuf *sb, size_t extra)
{
	if (extra >= SIZE_MAX / 2 - sb->len)
		return -1;
	size_t need = sb->len + extra + 1;
	if (need > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		while (cap < need)
			cap *= 2;
		char *s = realloc(sb->s, cap);
		if (!s)
			return -1;
		sb->s = s;
		sb->cap = cap;
	}
	sb->s[sb->len] = '\0';
	return 0;
}

int sb_put(struct strbuf *sb, const char *p, size_t n)
{
	if (sb_reserve(sb, n) < 0)
		return -1;
	memcpy(sb->s + sb->len, p, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
	return 0;
}

int sb_puts(struct strbuf *sb, const char *s)
{
	return sb_put(sb, s, strlen(s));
}

int sb_putc(struct strbuf *sb, char c)
{
	return sb_put(sb, &c, 1);
}

int sb_set(struct strbuf *sb, const char *p, size_t n)
{
	sb->len = 0;
	if (sb_reserve(sb, n) < 0)
		return -1;
	memmove(sb->s, p, n);
	sb->len = n;
	sb->s[n] = '\0';
	return 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	*sb = (struct strbuf){ 0 };
}

/* ---- the arena: a large file's hundreds of thousands of statements and words cost a few allocations ---- */

enum { ARENA_CHUNK = 64 * 1024 };

struct cfg_arena {
	struct cfg_arena *next;
	uint64_t serial;	/* a later chunk has a higher one, wherever it is in the list */
	size_t used, size;
	alignas(max_align_t) char mem[];
};

/* A point in the arena's history (struct arena_mark); rewinding to it frees everything allocated since. */

static void *arena_alloc(struct cfg_source *src, size_t n, size_t align)
{
	struct cfg_arena *a = src->arena;
	size_t at = a ? (a->used + align - 1) & ~(align - 1) : 0;
	if (!a || at > a->size || a->size - at < n) {
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		struct cfg_arena *c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->serial = ++src->arena_chunks;
		at = 0;
		if (a && size == n) {
			/* an outsized piece gets a chunk of its own, behind the one still filling */
			c->next = a->next;
			a->next = c;
			c->used = n;
			return c->mem;
		}
		c->next = a;
		src->arena = a = c;
	}
	a->used = at + n;
	return a->mem + at;
}

static struct arena_mark arena_mark(const struct cfg_source *src)
{
	const struct cfg_arena *a = src->arena;
	return a ? (struct arena_mark){ .serial = a->serial, .used = a->used } : (struct arena_mark){ 0 };
}

static void arena_rewind(struct cfg_source *src, struct arena_mark m)
{
	struct cfg_arena *spare = NULL;
	for (struct cfg_arena **pp = &src->arena; *pp;) {
		struct cfg_arena *c = *pp;
		if (c->serial <= m.serial) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		/* rewound to empty: one chunk stays for what comes next, rather than a malloc each time */
		if (m.serial == 0 && !spare)
			spare = c;
		else
			free(c);
	}
	if (spare) {
		*spare = (struct cfg_arena){ .serial = spare->serial, .size = spare->size };
		src->arena = spare;
	} else if (src->arena && src->arena->serial == m.serial) {
		/* the chunk that was filling at the mark is at the head again */
		src->arena->used = m.used;
	}
}

static void arena_free(struct cfg_arena *a)
{
	while (a) {
		struct cfg_arena *next = a->next;
		free(a);
		a = next;
	}
}

/* ---- the words of a statement being built: argv, kept NULL-terminated; the words are in the arena ---- */

enum { WORDS_INLINE = 16 };

struct words {
	char **v;		/* inline, or on the heap once a statement has more words */
	size_t n, cap;
	char *inline_v[WORDS_INLINE];
};

static void words_init(struct words *w)
{
	w->v = w->inline_v;
	w->n = 0;
	w->cap = WORDS_INLINE;
	w->v[0] = NULL;
}

static int words_push(struct words *w, char *word)
{
	if (w->n + 2 > w->cap) {
		size_t cap = w->cap * 2;
		char **v = w->v == w->inline_v ? malloc(cap * sizeof *v) : realloc(w->v, cap * sizeof *v);
		if (!v)
			return -1;
		if (w->v == w->inline_v)
			memcpy(v, w->inline_v, sizeof w->inline_v);
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = word;
	w->v[w->n] = NULL;
	return 0;
}

static void words_clear(struct words *w)
{
	w->n = 0;
	w->v[0] = NULL;
}

static void words_free(struct words *w)
{
	if (w->v != w->inline_v)
		free(w->v);
	words_init(w);
}

/* ---- shared helpers ---- */

int cfg_oom(struct reader *r)
{
	if (!r->failed)
		cfg_error_nopos(r->diag, "out of memory");
	r->failed = true;
	return -1;
}

bool cfg_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

const char *cfg_skip_blanks(const char *s)
{
	while (cfg_is_blank(*s))
		s++;
	return s;
}

/* What separates words: keepalived's set, wider than the blanks that end names and values. */
static bool is_white(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == '\v';
}

/* ---- the tree ---- */

void cfg_source_drop_tree(struct cfg_source *src)
{
	arena_free(src->arena);
	src->arena = NULL;
	src->root = NULL;
}

void cfg_source_free(struct cfg_source *src)
{
	arena_free(src->arena);
	cfg_inputs_free(&src->inputs);
	for (size_t i = 0; i < src->files.count; i++)
		free(src->files.names[i]);
	free(src->files.names);
	*src = (struct cfg_source){ 0 };
}

int cfg_add_file(struct reader *r, const char *name, uint32_t *index)
{
	struct cfg_files *f = &r->out->files;
	if (f->count >= UINT32_MAX)
		return cfg_oom(r);
	char *copy = strdup(name);
	char **names = copy ? realloc(f->names, (f->count + 1) * sizeof *names) : NULL;
	if (!names) {
		free(copy);
		return cfg_oom(r);
	}
	f->names = names;
	*index = (uint32_t)f->count;
	f->names[f->count++] = copy;
	return 0;
}

/* ---- the builder ---- */

/* ---- the builder ---- */

static struct cfg_stmt *new_stmt(struct reader *r, struct words *cur, struct cfg_pos pos)
{
	if (cur->n > INT_MAX) {
		cfg_error(r->diag, pos, "too many words in a statement");
		return NULL;
	}
	struct cfg_stmt *st = arena_alloc(r->out, sizeof *st, alignof(struct cfg_stmt));
	char **argv = arena_alloc(r->out, (cur->n + 1) * sizeof *argv, alignof(char *));
	if (!st || !argv) {
		cfg_oom(r);
		return NULL;
	}
	memcpy(argv, cur->v, (cur->n + 1) * sizeof *argv);
	*st = (struct cfg_stmt){ .argv = argv, .argc = (int)cur->n, .pos = pos };
	return st;
}

static void link_stmt(struct builder *b, struct cfg_stmt *st)
{
	struct level *l = &b->levels[b->depth];
	if (b->depth == 0)
		b->top_link = l->tail;
	*l->tail = st;
	l->tail = &st->next;
}

/* A statement ends at a brace or at the end of its text; a `{` read next opens its block. */
static void finish_stmt(struct reader *r, struct words *cur, struct cfg_pos pos)
{
	struct cfg_stmt *st = NULL;
	if (r->b.discard == 0) {
		st = new_stmt(r, cur, pos);
		if (st)
			link_stmt(&r->b, st);
	}
	r->b.pending = st;
	words_clear(cur);
}

static void open_block(struct reader *r, struct cfg_pos pos)
{
	struct builder *b = &r->b;
	struct cfg_stmt *owner = b->pending;
	b->pending = NULL;
	if (!owner && b->discard == 0) {
		/* keepalived reads on at the same level, so the matching `}` closes the block around it */
		cfg_recovered(r->diag, pos, "'{' without a statement before it; ignored, as keepalived does");
		return;
	}
	if (owner)
		owner->has_block = true;
	if (owner && b->depth == CFG_MAX_BLOCK_DEPTH) {
		cfg_error(r->diag, pos, "blocks nested too deeply (limit %d)", CFG_MAX_BLOCK_DEPTH);
		owner = NULL;
	}
	if (!owner) {
		if (b->discard == b->floor.discard)
			b->floor.discard_pos = pos;
		b->discard++;
		return;
	}
	b->depth++;
	b->levels[b->depth] = (struct level){ .tail = &owner->block, .open = pos, .owner = owner };
}

/* The top-level statement whose block just closed goes to top_block, then its memory is reused. */
static void hand_over_top(struct reader *r)
{
	struct builder *b = &r->b;
	struct cfg_stmt **link = b->top_link;
	r->top_block(r->top_block_arg, *link);
	*link = NULL;
	b->levels[0].tail = link;
	arena_rewind(r->out, b->top_mark);
}

static void close_block(struct reader *r, struct cfg_pos pos)
{
	struct builder *b = &r->b;
	b->pending = NULL;
	if (b->discard > b->floor.discard) {
		b->discard--;
	} else if (b->depth > b->floor.depth) {
		b->levels[b->depth].owner->end = pos;
		if (--b->depth == 0 && r->top_block && !r->failed)
			hand_over_top(r);
	} else if (b->depth > 0) {
		/* keepalived ends the included file's reading there; the including file's own `}` then
		 * closes its block */
		cfg_recovered(r->diag, pos, "'}' would close a block opened before this file; the rest of the "
			      "file is ignored, as keepalived does");
		r->file->stop = true;
	} else {
		cfg_recovered(r->diag, pos, "'}' without a matching '{'; ignored, as keepalived does");
	}
}

static void add_word(struct reader *r, struct words *cur, const char *s, size_t len)
{
	r->b.pending = NULL;
	if (cur->n == 0 && r->b.depth == 0)
		r->b.top_mark = arena_mark(r->out);
	char *w = arena_alloc(r->out, len + 1, 1);
	if (!w || words_push(cur, w) < 0) {
		cfg_oom(r);
		return;
	}
	memcpy(w, s, len);
	w[len] = '\0';
}

static void begin_file(struct reader *r, struct floor *saved)
{
	struct builder *b = &r->b;
	*saved = b->floor;
	b->floor = (struct floor){ .depth = b->depth, .discard = b->discard };
	b->pending = NULL;
}

/* Blocks a file leaves open are closed where it ends, as keepalived's reading of them ends there. */
static void end_file(struct reader *r, const struct floor *saved)
{
	struct builder *b = &r->b;
	bool top_open = b->floor.depth == 0 && b->depth > 0;
	if (!r->failed) {
		for (unsigned d = b->floor.depth + 1; d <= b->depth; d++)
			cfg_recovered(r->diag, b->levels[d].open, "'{' not closed before the end of the file; closed "
				      "there, as keepalived does");
		if (b->discard > b->floor.discard)
			cfg_recovered(r->diag, b->floor.discard_pos, "'{' not closed before the end of the file; "
				      "closed there, as keepalived does");
	}
	b->depth = b->floor.depth;
	b->discard = b->floor.discard;
	b->pending = NULL;
	b->floor = *saved;
	if (top_open && r->top_block && !r->failed)
		hand_over_top(r);
}

/* ---- words ---- */

static void unterminated_quote(struct reader *r, struct cfg_pos pos)
{
	if (r->quote_reported.file == pos.file && r->quote_reported.line == pos.line)
		return;
	r->quote_reported = pos;
	cfg_recovered(r->diag, pos, "unterminated quoted string; the line is read up to the quote, as keepalived "
		      "does");
}

/* A piece of text without braces to one statement. */
static void lex_segment(struct reader *r, const char *s, size_t len, struct cfg_pos pos)
{
	struct words cur;
	words_init(&cur);
	const char *p = s, *end = s + len;
	while (!r->failed) {
		while (p < end && is_white(*p))
			p++;
		if (p >= end)
			break;
		const char *w = p;
		if (*p == '"') {
			const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (!q) {
				unterminated_quote(r, pos);
				break;
			}
			w = p + 1;
			p = q + 1;
			add_word(r, &cur, w, (size_t)(q - w));
			continue;
		}
		while (p < end && !is_white(*p) && *p != '"')
			p++;
		add_word(r, &cur, w, (size_t)(p - w));
	}
	if (!r->failed && cur.n > 0)
		finish_stmt(r, &cur, pos);
	words_free(&cur);
}

/* The first `{` or `}` outside double quotes, or NULL. */
static const char *find_brace(const char *s)
{
	for (; *s; s++) {
		if (*s == '"') {
			const char *q = strchr(s + 1, '"');
			if (!q)
				return NULL;
			s = q;
		} else if (*s == '{' || *s == '}') {
			return s;
		}
	}
	return NULL;
}

/* ---- text ---- */

/* `@ID rest` keeps rest only on the host whose config id is ID, `@^ID rest` everywhere else; an id with
 * nothing after it drops the line. */
static bool select_line(struct reader *r, struct strbuf *buf)
{
	bool negate = buf->s[1] == '^';
	const char *id = buf->s + 1 + negate;
	const char *blank = strpbrk(id, " \t");
	if (!blank)
		return false;
	size_t n = (size_t)(blank - id);
	bool match = strlen(r->config_id) == n && memcmp(r->config_id, id, n) == 0;
	if (match == negate)
		return false;
	const char *rest = cfg_skip_blanks(blank);
	return sb_set(buf, rest, strlen(rest)) == 0 || cfg_oom(r) == 0;
}

/* A value can bring a `#` or `!` in (${_HASH}...): after a replacement it starts a comment too. */
static void cut_comment(struct strbuf *buf)
{
	bool quoted = false;
	for (size_t i = 0; i < buf->len; i++) {
		char c = buf->s[i];
		if (c == '\\' && i + 1 < buf->len) {
			i++;
		} else if (c == '"') {
			quoted = !quoted;
		} else if (!quoted && (c == '#' || c == '!')) {
			buf->len = i;
			break;
		}
	}
	while (buf->len > 0 && cfg_is_blank(buf->s[buf->len - 1]))
		buf->len--;
	buf->s[buf->len] = '\0';
}

enum step { TEXT_DONE, TEXT_KEEP };

/* keepalived's loop over a line: selection, definition, generators and expansion, again after a
 * replacement that left a `@` first or a `$` in it. */
static enum step apply(struct reader *r, struct strbuf *buf, struct cfg_pos pos, unsigned nesting,
		       struct pending *rest)
{
	for (;;) {
		if (buf->s[0] == '@' && !select_line(r, buf))
			return TEXT_DONE;
		if (buf->s[0] == '$' && cfg_param_define(r, buf->s))
			return TEXT_DONE;
		if (cfg_generator(r, buf->s, pos, nesting))
			return TEXT_DONE;
		if (buf->s[0] == '~' || !memchr(buf->s, '$', buf->len))
			return TEXT_KEEP;
		int rc = cfg_param_expand(r, buf, pos, rest);
		if (rc < 0)
			return TEXT_DONE;
		if (!(rc & EXPAND_CHANGED))
			return TEXT_KEEP;
		cut_comment(buf);
		if ((rc & EXPAND_STOPPED) || (buf->s[0] != '@' && !memchr(buf->s, '$', buf->len)))
			return TEXT_KEEP;
	}
}

/* The lines of a block parameter, after its first, each read as text where it was used. */
static void run_block_lines(struct reader *r, const struct pending_lines *g, struct cfg_pos pos, unsigned nesting)
{
	r->block_params[r->nblock_params++] = g->param;
	for (const char *line = g->text; !r->failed && !r->file->stop;) {
		size_t len = strcspn(line, "\n");
		cfg_run_text(r, line, len, pos, nesting + 1);
		if (!line[len])
			break;
		line += len + 1;
	}
	r->nblock_params--;
}

void cfg_run_text(struct reader *r, const char *text, size_t len, struct cfg_pos pos, unsigned nesting)
{
	if (nesting > CFG_MAX_TEXT_NESTING) {
		cfg_error(r->diag, pos, "~SEQ, ~LST and block parameters nested too deeply (limit %d)",
			  CFG_MAX_TEXT_NESTING);
		return;
	}
	struct strbuf buf = { 0 };
	struct pending rest = { 0 };
	if (sb_set(&buf, text, len) < 0) {
		cfg_oom(r);
		return;
	}
	while (!r->failed && !r->file->stop) {
		if (apply(r, &buf, pos, nesting, &rest) == TEXT_DONE || cfg_include(r, buf.s, pos))
			break;
		const char *brace = find_brace(buf.s);
		if (!brace) {
			lex_segment(r, buf.s, buf.len, pos);
			break;
		}
		const char *residue = brace;
		if (brace == buf.s) {
			if (*brace == '{')
				open_block(r, pos);
			else
				close_block(r, pos);
			residue = cfg_skip_blanks(brace + 1);
		} else {
			lex_segment(r, buf.s, (size_t)(brace - buf.s), pos);
		}
		if (!*residue)
			break;
		/* what follows a brace is read as a line of its own */
		if (sb_set(&buf, residue, strlen(residue)) < 0) {
			cfg_oom(r);
			break;
		}
	}
	/* block parameters used here: the last one's lines first, as keepalived stacks them */
	while (rest.n > 0 && !r->failed && !r->file->stop) {
		run_block_lines(r, &rest.v[rest.n - 1], pos, nesting);
		free(rest.v[--rest.n].text);
	}
	cfg_pending_free(&rest);
	sb_free(&buf);
}

/* ---- physical lines ---- */

/*
 * keepalived's cleaning of a line read from a file, in place: leading blanks, comments (a `#` or `!`
 * outside quotes, wherever it is; `\#` and `\!` outside quotes stand for the character), trailing blanks.
 * A final `\` is kept, after the trailing blanks go. Returns the new length.
 */
static size_t clean_line(struct reader *r, char *s, struct cfg_pos pos)
{
	size_t lead = strspn(s, " \t");
	size_t i = lead, o = 0, cut = SIZE_MAX;
	bool quoted = false, more = false;
	while (s[i]) {
		char c = s[i];
		if (c == '\\') {
			if (!s[i + 1]) {
				more = true;
				break;
			}
			if (!quoted && (s[i + 1] == '#' || s[i + 1] == '!'))
				i++;
			else
				s[o++] = s[i++];
			s[o++] = s[i++];
			continue;
		}
		if (c == '"' && cut == SIZE_MAX)
			quoted = !quoted;
		else if (!quoted && cut == SIZE_MAX && (c == '#' || c == '!'))
			cut = o;
		s[o++] = s[i++];
	}
	if (quoted)
		unterminated_quote(r, pos);
	size_t len = cut < o ? cut : o;
	while (len > 0 && cfg_is_blank(s[len - 1]))
		len--;
	if (more)
		s[len++] = '\\';
	s[len] = '\0';
	return len;
}

static void process_line(struct reader *r, char *line, size_t len, struct cfg_pos pos)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len == 0 && r->defining == SIZE_MAX)
		return;
	len = clean_line(r, line, pos);
	if (r->defining != SIZE_MAX) {
		cfg_param_continue(r, line);
		return;
	}
	if (len == 0)
		return;
	r->generated = 0;
	r->substitutions = 0;
	cfg_run_text(r, line, len, pos, 0);
}

/* keepalived reads a line into 1,024 bytes at most: a longer one is read as pieces of 1,023. */
static void process_physical_line(struct reader *r, char *line, size_t len, struct cfg_pos pos)
{
	if (len <= CFG_LINE_MAX) {
		process_line(r, line, len, pos);
		return;
	}
	cfg_warning(r->diag, pos, "line longer than %d bytes: keepalived reads it as %zu lines, and so does vipd",
		    CFG_LINE_MAX, (len + CFG_LINE_MAX - 1) / CFG_LINE_MAX);
	char piece[CFG_LINE_MAX + 1];
	for (size_t off = 0; off < len && !r->failed && !r->file->stop; off += CFG_LINE_MAX) {
		size_t n = len - off < CFG_LINE_MAX ? len - off : CFG_LINE_MAX;
		memcpy(piece, line + off, n);
		piece[n] = '\0';
		process_line(r, piece, n, pos);
	}
}

/* Lines come from a file or from text in memory. */
struct line_src {
	FILE *fp;
	struct cfg_digest *digest;	/* of what was read from fp */
	const char *text;
	size_t off;
};

/* 1: a line in *buf (its length in *len, with its '\n'), 0: the end, -1: an error in errno. */
static int next_line(struct line_src *src, char **buf, size_t *cap, size_t *len)
{
	if (src->fp) {
		errno = 0;
		ssize_t n = getline(buf, cap, src->fp);
		if (n >= 0) {
			if (src->digest)
				cfg_digest_add(src->digest, *buf, (size_t)n);
			*len = (size_t)n;
			return 1;
		}
		return ferror(src->fp) || errno == ENOMEM ? -1 : 0;
	}
	const char *start = src->text + src->off;
	if (*start == '\0')
		return 0;
	const char *nl = strchr(start, '\n');
	size_t n = nl ? (size_t)(nl - start) + 1 : strlen(start);
	if (n + 1 > *cap) {
		char *b = realloc(*buf, n + 1);
		if (!b) {
			errno = ENOMEM;
			return -1;
		}
		*buf = b;
		*cap = n + 1;
	}
	memcpy(*buf, start, n);
	(*buf)[n] = '\0';
	src->off += n;
	*len = n;
	return 1;
}

/* Reads every line of one file; from is the include statement that brought it in (NULL: the main file). */
static void read_lines(struct reader *r, struct line_src *src, uint32_t file, const struct cfg_pos *from)
{
	struct floor saved;
	begin_file(r, &saved);
	char *line = NULL;
	size_t cap = 0, len = 0;
	uint32_t lineno = 0;
	int rc = 0;
	while (!r->failed && !r->file->stop && (rc = next_line(src, &line, &cap, &len)) > 0 && lineno < UINT32_MAX)
		process_physical_line(r, line, len, (struct cfg_pos){ .file = file, .line = ++lineno });
	/* a block parameter does not go on into the including file */
	if (r->defining != SIZE_MAX)
		cfg_param_continue(r, "");
	if (rc > 0)
		r->unrepeatable = true;	/* stopped before the end */
	if (rc < 0 && errno == ENOMEM)
		cfg_oom(r);
	else if (rc < 0 && from)
		cfg_warning(r->diag, *from, "include: cannot read %s: %s", r->file->name, strerror(errno));
	else if (rc < 0)
		cfg_error_nopos(r->diag, "cannot read %s: %s", r->file->name, strerror(errno));
	free(line);
	end_file(r, &saved);
}

/* Reads an opened file, recording its text's digest among the inputs. */
void cfg_read_opened(struct reader *r, FILE *fp, const struct stat *st, uint32_t file, const struct cfg_pos *from)
{
	struct cfg_inputs *in = &r->out->inputs;
	size_t at;
	if (cfg_inputs_add(in, CFG_INPUT_FILE, r->file->name, &at) < 0) {
		cfg_oom(r);
		return;
	}
	if (!S_ISREG(st->st_mode))
		r->unrepeatable = true;
	struct cfg_digest digest;
	cfg_digest_init(&digest);
	struct line_src src = { .fp = fp, .digest = &digest };
	read_lines(r, &src, file, from);
	cfg_digest_end(&digest, &in->v[at].sum);
}

/* ---- entry points ---- */

static void reader_init(struct reader *r, const struct cfg_read_opts *opts, struct cfg_source *out,
			struct cfg_diag *diag)
{
	*out = (struct cfg_source){ 0 };
	diag->files = &out->files;
	memset(r, 0, sizeof *r);
	r->out = out;
	r->diag = diag;
	r->max_include_depth = opts && opts->max_include_depth ? opts->max_include_depth : CFG_DEFAULT_INCLUDE_DEPTH;
	r->config_id = cfg_effective_id(opts, r->hostname, sizeof r->hostname);
	r->top_block = opts ? opts->top_block : NULL;
	r->top_block_arg = opts ? opts->top_block_arg : NULL;
	r->quote_reported = (struct cfg_pos){ .file = UINT32_MAX };
	if (!(out->inputs.config_id = strdup(r->config_id)))
		cfg_oom(r);
	r->b.levels[0].tail = &out->root;
	cfg_params_init(r);
}

static int errors_since(const struct cfg_diag *diag, size_t before)
{
	size_t n = diag->nerrors - before;
	return n > INT_MAX ? INT_MAX : (int)n;
}

int cfg_read_file(const char *path, const struct cfg_read_opts *opts, struct cfg_source *out, struct cfg_diag *diag)
{
	size_t before = diag->nerrors;
	struct reader r;
	reader_init(&r, opts, out, diag);
	uint32_t index;
	if (!r.failed && cfg_add_file(&r, path, &index) == 0) {
		struct stat st;
		FILE *fp = cfg_open_config(path, &st);
		if (!fp) {
			cfg_error_nopos(diag, "cannot open %s: %s", path, strerror(errno));
		} else {
			struct active_file af = { .name = out->files.names[index], .has_id = true,
						  .dev = st.st_dev, .ino = st.st_ino };
			r.file = &af;
			cfg_read_opened(&r, fp, &st, index, NULL);
			fclose(fp);
			free(af.pwd);
			out->inputs.complete = !r.unrepeatable && !r.failed;
		}
	}
	cfg_params_free(&r);
	return errors_since(diag, before);
}

int cfg_read_string(const char *name, const char *text, const struct cfg_read_opts *opts, struct cfg_source *out,
		    struct cfg_diag *diag)
{
	size_t before = diag->nerrors;
	struct reader r;
	reader_init(&r, opts, out, diag);
	uint32_t index;
	if (!r.failed && cfg_add_file(&r, name, &index) == 0) {
		struct active_file af = { .name = out->files.names[index] };
		struct line_src src = { .text = text };
		r.file = &af;
		read_lines(&r, &src, index, NULL);
		free(af.pwd);
	}
	cfg_params_free(&r);
	return errors_since(diag, before);
}
