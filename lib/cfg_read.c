/*
 * Stage 1 of the configuration parser: keepalived.conf text to a tree of statements.
 *
 * Every physical line goes through the same steps, in this order:
 *   1. `@id` / `@^id` selection: the marker is stripped, or the line dropped;
 *   2. `~SEQ(var, start, step, end) rest`: rest goes through these steps once per value of $var;
 *   3. `$NAME=value` definitions, stored unexpanded so that a use sees the values current at use time;
 *   4. parameter expansion of the text before any comment (so a value may hold several words or braces);
 *   5. lexing into words and braces, fed to the tree builder.
 * `include` is a statement like any other, so it is acted on when the builder completes one; the included
 * lines run through the same steps with the same builder, which splices them in place.
 *
 * Hostile input is bounded everywhere: block nesting, include depth and loops, parameter nesting, loops
 * and expansion size. Out of memory is reported once and unwinds: reading stops, the tree built so far
 * stays consistent and is freed by cfg_source_free.
 */
#include "lib/cfg.h"
#include "lib/cfg_inputs.h"

#include <errno.h>
#include <glob.h>
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

enum {
	MAX_BLOCK_DEPTH = 64,			/* stage 2 walks the tree recursively */
	DEFAULT_INCLUDE_DEPTH = 16,
	MAX_PARAM_NESTING = 64,			/* expansion recurses once per level */
	MAX_EXPANSION_GROWTH = 64 * 1024,	/* beyond the raw line's own length */
	MAX_SUBSTITUTIONS = 10000,		/* empty values blow up without growing the line */
	MAX_SEQ_NESTING = 8,			/* ~SEQ on ~SEQ recurses once per level */
	MAX_GENERATED_LINES = 1000 * 1000,	/* per physical line, whatever the ~SEQ nesting */
};

/* ---- growable strings ---- */

struct strbuf {
	char *s;
	size_t len, cap;
};

/* Makes room for extra more bytes and keeps the text NUL-terminated, so s is a string after any call. */
static int sb_reserve(struct strbuf *sb, size_t extra)
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

static int sb_put(struct strbuf *sb, const char *p, size_t n)
{
	if (sb_reserve(sb, n) < 0)
		return -1;
	memcpy(sb->s + sb->len, p, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
	return 0;
}

static int sb_puts(struct strbuf *sb, const char *s)
{
	return sb_put(sb, s, strlen(s));
}

static int sb_putc(struct strbuf *sb, char c)
{
	return sb_put(sb, &c, 1);
}

static void sb_free(struct strbuf *sb)
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

/* A point in the arena's history; rewinding to it frees everything allocated since. */
struct arena_mark {
	uint64_t serial;
	size_t used;
};

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

/* ---- reader state ---- */

struct param {
	char *name;
	char *value;	/* unexpanded */
};

/* A file being read; the chain to the main file finds include loops and measures include depth. */
struct active_file {
	const struct active_file *parent;
	const char *name;
	bool has_id;		/* text from memory has no dev/ino */
	dev_t dev;
	ino_t ino;
	unsigned depth;		/* the main file is 0 */
};

/* An open block: where its next statement is linked, and where its `{` was, for "not closed" errors. */
struct level {
	struct cfg_stmt **tail;
	struct cfg_pos open;
};

/*
 * Where the builder stood when the current file began: the file may close only the blocks it opened,
 * and the blocks it leaves open are reported when it ends.
 */
struct floor {
	unsigned depth;
	unsigned discard;
	struct cfg_pos discard_pos;	/* the `{` that began discarding within this file */
};

/*
 * Blocks past MAX_BLOCK_DEPTH, and blocks after a statement that cannot own one, are only counted
 * (discard) so that their braces still balance; statements inside them are dropped.
 */
struct builder {
	struct level levels[MAX_BLOCK_DEPTH + 1];	/* levels[0] is the top level */
	unsigned depth;
	unsigned discard;
	struct floor floor;
	struct cfg_stmt *pending;	/* ended its line without a block: a `{` alone may still open one */
	/* the top-level statement being read: where the arena stood at its first word, and the link that
	 * pointed to it, so that it can be handed to top_block and forgotten */
	struct arena_mark top_mark;
	struct cfg_stmt **top_link;
};

struct reader {
	struct cfg_source *out;
	struct cfg_diag *diag;
	const char *config_id;
	char hostname[HOST_NAME_MAX + 1];
	void (*top_block)(void *arg, const struct cfg_stmt *st);
	void *top_block_arg;
	unsigned max_include_depth;
	struct param *params;
	size_t nparams, params_cap;
	const struct active_file *file;
	struct builder b;
	struct strbuf word;	/* the lexer's scratch space */
	unsigned long generated;	/* lines made by ~SEQ from the current physical line */
	bool failed;		/* out of memory: stop everything */
	bool unrepeatable;	/* read something cfg_inputs_unchanged could not read again */
};

static int oom(struct reader *r)
{
	if (!r->failed)
		cfg_error_nopos(r->diag, "out of memory");
	r->failed = true;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static const char *skip_blanks(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static size_t name_span(const char *s, size_t len)
{
	if (len == 0 || !is_name_start(s[0]))
		return 0;
	size_t n = 1;
	while (n < len && is_name_char(s[n]))
		n++;
	return n;
}

/*
 * Where a comment begins: `#` or `!` where a word could start, outside quotes. This mirrors the lexer,
 * and is needed before expansion so that parameters in comments are neither expanded nor checked.
 */
static const char *comment_start(const char *s)
{
	bool quoted = false, word_start = true;
	for (; *s; s++) {
		if (quoted) {
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			else if (*s == '"')
				quoted = false;
			continue;
		}
		if (*s == '"')
			quoted = true;
		else if (word_start && (*s == '#' || *s == '!'))
			return s;
		word_start = is_blank(*s) || *s == '{' || *s == '}';
	}
	return s;
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

static int add_file(struct reader *r, const char *name, uint32_t *index)
{
	struct cfg_files *f = &r->out->files;
	if (f->count >= UINT32_MAX)
		return oom(r);
	char *copy = strdup(name);
	char **names = copy ? realloc(f->names, (f->count + 1) * sizeof *names) : NULL;
	if (!names) {
		free(copy);
		return oom(r);
	}
	f->names = names;
	*index = (uint32_t)f->count;
	f->names[f->count++] = copy;
	return 0;
}

/* ---- the builder ---- */

static void include(struct reader *r, const struct words *cur, struct cfg_pos pos);

static struct cfg_stmt *new_stmt(struct reader *r, struct words *cur, struct cfg_pos pos)
{
	if (cur->n > INT_MAX) {
		cfg_error(r->diag, pos, "too many words in a statement");
		return NULL;
	}
	struct cfg_stmt *st = arena_alloc(r->out, sizeof *st, alignof(struct cfg_stmt));
	char **argv = arena_alloc(r->out, (cur->n + 1) * sizeof *argv, alignof(char *));
	if (!st || !argv) {
		oom(r);
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

/* Completes the statement in cur; returns it, or NULL when it is not kept (include, discarded, error). */
static struct cfg_stmt *finish_stmt(struct reader *r, struct words *cur, struct cfg_pos pos, bool opens_block)
{
	struct cfg_stmt *st = NULL;
	if (cur->v[0][0] == 'i' && strcmp(cur->v[0], "include") == 0) {
		if (opens_block)
			cfg_error(r->diag, pos, "include: cannot have a block");
		else
			include(r, cur, pos);
	} else if (r->b.discard == 0) {
		st = new_stmt(r, cur, pos);
		if (st)
			link_stmt(&r->b, st);
	}
	words_clear(cur);
	return st;
}

static void push_level(struct reader *r, struct cfg_stmt *owner, struct cfg_pos pos)
{
	struct builder *b = &r->b;
	if (owner && b->depth == MAX_BLOCK_DEPTH) {
		cfg_error(r->diag, pos, "blocks nested too deeply (limit %d)", MAX_BLOCK_DEPTH);
		owner = NULL;
	}
	if (!owner || b->discard > 0) {
		if (b->discard == b->floor.discard)
			b->floor.discard_pos = pos;
		b->discard++;
		return;
	}
	b->depth++;
	b->levels[b->depth] = (struct level){ .tail = &owner->block, .open = pos };
}

static void open_block(struct reader *r, struct words *cur, struct cfg_pos pos)
{
	struct builder *b = &r->b;
	struct cfg_stmt *owner = b->pending;
	b->pending = NULL;
	if (cur->n > 0)
		owner = finish_stmt(r, cur, pos, true);
	else if (!owner && b->discard == 0)
		cfg_error(r->diag, pos, "'{' without a statement before it");
	if (owner)
		owner->has_block = true;
	push_level(r, owner, pos);
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

static void close_block(struct reader *r, struct words *cur, struct cfg_pos pos)
{
	struct builder *b = &r->b;
	if (cur->n > 0)
		finish_stmt(r, cur, pos, false);
	b->pending = NULL;
	if (b->discard > b->floor.discard) {
		b->discard--;
	} else if (b->depth > b->floor.depth) {
		if (--b->depth == 0 && r->top_block && !r->failed)
			hand_over_top(r);
	} else {
		cfg_error(r->diag, pos, "'}' without a matching '{'");
	}
}

static void add_word(struct reader *r, struct words *cur)
{
	r->b.pending = NULL;
	if (cur->n == 0 && r->b.depth == 0)
		r->b.top_mark = arena_mark(r->out);
	char *w = arena_alloc(r->out, r->word.len + 1, 1);
	if (!w || words_push(cur, w) < 0) {
		oom(r);
		return;
	}
	memcpy(w, r->word.s, r->word.len + 1);
}

static void begin_file(struct reader *r, struct floor *saved)
{
	struct builder *b = &r->b;
	*saved = b->floor;
	b->floor = (struct floor){ .depth = b->depth, .discard = b->discard };
	b->pending = NULL;
}

/* Blocks a file leaves open are reported at their `{` and closed, so the including file is unaffected. */
static void end_file(struct reader *r, const struct floor *saved)
{
	struct builder *b = &r->b;
	if (!r->failed) {
		for (unsigned d = b->floor.depth + 1; d <= b->depth; d++)
			cfg_error(r->diag, b->levels[d].open, "'{' not closed before the end of the file");
		if (b->discard > b->floor.discard)
			cfg_error(r->diag, b->floor.discard_pos, "'{' not closed before the end of the file");
	}
	b->depth = b->floor.depth;
	b->discard = b->floor.discard;
	b->pending = NULL;
	b->floor = *saved;
}

/* ---- the lexer: one line of expanded text to words and braces ---- */

enum token { TOK_END, TOK_WORD, TOK_OPEN, TOK_CLOSE };

struct lexer {
	struct reader *r;
	const char *p;
	struct cfg_pos pos;
};

/* Quotes group words and protect braces and comment marks; only \" and \\ are escapes. */
static int lex_quoted(struct lexer *lx, struct strbuf *w)
{
	const char *p = lx->p + 1;
	for (;;) {
		if (*p == '\0') {
			cfg_error(lx->r->diag, lx->pos, "unterminated quoted string");
			break;
		}
		if (*p == '"') {
			p++;
			break;
		}
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		if (sb_putc(w, *p++) < 0)
			return -1;
	}
	lx->p = p;
	return 0;
}

/* A word runs to a blank or a brace; quoted parts may appear anywhere in it. */
static enum token lex_word(struct lexer *lx)
{
	struct strbuf *w = &lx->r->word;
	w->len = 0;
	if (sb_reserve(w, 0) < 0) {
		oom(lx->r);
		return TOK_END;
	}
	while (*lx->p && !is_blank(*lx->p) && *lx->p != '{' && *lx->p != '}') {
		int rc;
		if (*lx->p == '"') {
			rc = lex_quoted(lx, w);
		} else {
			/* a run of plain characters at once */
			const char *end = lx->p;
			while (*end && !is_blank(*end) && *end != '{' && *end != '}' && *end != '"')
				end++;
			rc = sb_put(w, lx->p, (size_t)(end - lx->p));
			lx->p = end;
		}
		if (rc < 0) {
			oom(lx->r);
			return TOK_END;
		}
	}
	return TOK_WORD;
}

static enum token next_token(struct lexer *lx)
{
	lx->p = skip_blanks(lx->p);
	switch (*lx->p) {
	case '\0':
		return TOK_END;
	case '#':
	case '!':
		return TOK_END;	/* a comment, since a word could start here */
	case '{':
		lx->p++;
		return TOK_OPEN;
	case '}':
		lx->p++;
		return TOK_CLOSE;
	default:
		return lex_word(lx);
	}
}

/* A line's words form one statement, cut by the braces on it; what ends with the line may take a `{`. */
static void lex_line(struct reader *r, const char *text, struct cfg_pos pos)
{
	struct lexer lx = { .r = r, .p = text, .pos = pos };
	struct words cur;
	enum token t;
	words_init(&cur);
	while (!r->failed && (t = next_token(&lx)) != TOK_END) {
		if (t == TOK_WORD)
			add_word(r, &cur);
		else if (t == TOK_OPEN)
			open_block(r, &cur, pos);
		else
			close_block(r, &cur, pos);
	}
	if (!r->failed && cur.n > 0)
		r->b.pending = finish_stmt(r, &cur, pos, false);
	words_free(&cur);
}

/* ---- parameters ---- */

static struct param *find_param(struct reader *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strncmp(r->params[i].name, name, len) == 0 && r->params[i].name[len] == '\0')
			return &r->params[i];
	return NULL;
}

static int set_param(struct reader *r, const char *name, size_t len, const char *value, size_t vlen)
{
	char *v = strndup(value, vlen);
	if (!v)
		return oom(r);
	struct param *p = find_param(r, name, len);
	if (p) {
		free(p->value);
		p->value = v;
		return 0;
	}
	if (r->nparams == r->params_cap) {
		size_t cap = r->params_cap ? r->params_cap * 2 : 16;
		struct param *ps = realloc(r->params, cap * sizeof *ps);
		if (!ps) {
			free(v);
			return oom(r);
		}
		r->params = ps;
		r->params_cap = cap;
	}
	char *n = strndup(name, len);
	if (!n) {
		free(v);
		return oom(r);
	}
	r->params[r->nparams++] = (struct param){ .name = n, .value = v };
	return 0;
}

/* `$NAME=value`: true when the line is a definition (then fully handled here). */
static bool define_param(struct reader *r, const char *text)
{
	if (text[0] != '$')
		return false;
	const char *name = text + 1;
	size_t len = name_span(name, strlen(name));
	if (len == 0)
		return false;
	const char *eq = skip_blanks(name + len);
	if (*eq != '=')
		return false;
	const char *value = skip_blanks(eq + 1);
	const char *end = comment_start(value);
	while (end > value && is_blank(end[-1]))
		end--;
	set_param(r, name, len, value, (size_t)(end - value));
	return true;
}

struct expansion {
	struct reader *r;
	struct cfg_pos pos;
	struct strbuf *out;
	size_t limit;
	unsigned substitutions;
	const struct param *chain[MAX_PARAM_NESTING];	/* the parameters being expanded, outermost first */
	unsigned depth;
};

static int emit(struct expansion *x, const char *s, size_t n)
{
	if (n > x->limit - x->out->len) {
		cfg_error(x->r->diag, x->pos, "parameter expansion too long");
		return -1;
	}
	return sb_put(x->out, s, n) < 0 ? oom(x->r) : 0;
}

static int loop_error(struct expansion *x, unsigned from, const struct param *p)
{
	struct strbuf msg = { 0 };
	int rc = 0;
	for (unsigned i = from; i < x->depth && rc == 0; i++)
		rc = sb_puts(&msg, "$") | sb_puts(&msg, x->chain[i]->name) | sb_puts(&msg, " -> ");
	if (rc == 0)
		rc = sb_puts(&msg, "$") | sb_puts(&msg, p->name);
	if (rc == 0)
		cfg_error(x->r->diag, x->pos, "parameter loop: %s", msg.s);
	else
		oom(x->r);
	sb_free(&msg);
	return -1;
}

/* After a `$`: `NAME` (longest) or `{NAME}`. Returns the bytes it spans, 0 when it is neither. */
static size_t param_ref(const char *s, size_t len, const char **name, size_t *name_len)
{
	size_t braced = len > 0 && s[0] == '{';
	size_t n = name_span(s + braced, len - braced);
	if (n == 0)
		return 0;
	*name = s + braced;
	*name_len = n;
	if (!braced)
		return n;
	return braced + n < len && s[braced + n] == '}' ? n + 2 : 0;
}

static int expand(struct expansion *x, const char *s, size_t len);

/*
 * s follows a `$`. A defined parameter is replaced by its value, itself expanded; anything else stays as
 * written, because scripts use `$1` and shell variables that are not ours.
 */
static int substitute(struct expansion *x, const char *s, size_t len, size_t *used)
{
	const char *name = NULL;
	size_t n = 0;
	size_t span = param_ref(s, len, &name, &n);
	const struct param *p = span ? find_param(x->r, name, n) : NULL;
	*used = 0;
	if (!p)
		return emit(x, "$", 1);
	for (unsigned i = 0; i < x->depth; i++)
		if (x->chain[i] == p)
			return loop_error(x, i, p);
	if (x->depth == MAX_PARAM_NESTING) {
		cfg_error(x->r->diag, x->pos, "parameters nested too deeply (limit %d)", MAX_PARAM_NESTING);
		return -1;
	}
	if (++x->substitutions > MAX_SUBSTITUTIONS) {
		cfg_error(x->r->diag, x->pos, "parameter expansion too long");
		return -1;
	}
	*used = span;
	x->chain[x->depth++] = p;
	int rc = expand(x, p->value, strlen(p->value));
	x->depth--;
	return rc;
}

static int expand(struct expansion *x, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *dollar = memchr(s + i, '$', len - i);
		size_t lit = dollar ? (size_t)(dollar - (s + i)) : len - i;
		if (emit(x, s + i, lit) < 0)
			return -1;
		i += lit;
		if (!dollar)
			break;
		size_t used;
		if (substitute(x, s + i + 1, len - i - 1, &used) < 0)
			return -1;
		i += 1 + used;
	}
	return 0;
}

static int expand_line(struct reader *r, const char *text, struct cfg_pos pos, struct strbuf *out)
{
	size_t len = (size_t)(comment_start(text) - text);
	struct expansion x = { .r = r, .pos = pos, .out = out, .limit = len + MAX_EXPANSION_GROWTH };
	if (sb_reserve(out, len) < 0)
		return oom(r);
	return expand(&x, text, len);
}

/* ---- ~SEQ generators ---- */

struct seq {
	const char *var;
	size_t var_len;
	long long start, step, end;
	bool hex;
	const char *rest;	/* the line to repeat */
};

static bool parse_number(const char *s, size_t len, long long *v)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	*v = strtoll(buf, &end, 0);
	return errno == 0 && *end == '\0';
}

/* Splits "a, b, c" (up to close) into at most 4 trimmed arguments; returns how many, -1 if more. */
static int split_args(const char *p, const char *close, const char *arg[4], size_t len[4])
{
	int n = 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(close - p));
		const char *end = comma ? comma : close;
		if (n == 4)
			return -1;
		p = skip_blanks(p);
		arg[n] = p;
		len[n] = p < end ? (size_t)(end - p) : 0;
		while (len[n] > 0 && is_blank(p[len[n] - 1]))
			len[n]--;
		n++;
		if (!comma)
			return n;
		p = comma + 1;
	}
}

/* The defaults are keepalived's: step 1 or -1 toward end; start 1, or -1 for a negative end. */
static bool seq_numbers(const char *arg[4], size_t len[4], int n, struct seq *s)
{
	long long v[3];
	for (int i = 1; i < n; i++)
		if (!parse_number(arg[i], len[i], &v[i - 1]))
			return false;
	s->end = v[n - 2];
	s->start = n >= 3 ? v[0] : s->end < 0 ? -1 : 1;
	s->step = n == 4 ? v[1] : s->end >= s->start ? 1 : -1;
	return true;
}

/* `~SEQ(var, [start, [step,]] end) rest`; ~SEQx writes the values in hexadecimal. */
static int parse_seq(struct reader *r, const char *text, struct cfg_pos pos, struct seq *s)
{
	s->hex = text[4] == 'x';
	const char *open = text + 4 + s->hex;
	const char *close = strchr(open, ')');
	const char *arg[4];
	size_t len[4];
	int n = close ? split_args(open + 1, close, arg, len) : 0;
	if (!close)
		cfg_error(r->diag, pos, "~SEQ: missing ')'");
	else if (n < 2)
		cfg_error(r->diag, pos, "~SEQ: expected a variable and 1 to 3 numbers");
	else if (name_span(arg[0], len[0]) != len[0])
		cfg_error(r->diag, pos, "~SEQ: '%.*s' is not a parameter name", (int)len[0], arg[0]);
	else if (!seq_numbers(arg, len, n, s))
		cfg_error(r->diag, pos, "~SEQ: expected a variable and 1 to 3 numbers");
	else if (s->step == 0)
		cfg_error(r->diag, pos, "~SEQ: the step cannot be 0");
	else {
		s->var = arg[0];
		s->var_len = len[0];
		s->rest = skip_blanks(close + 1);
		return 0;
	}
	return -1;
}

static bool is_seq(const char *text)
{
	return text[0] == '~' && (strncmp(text, "~SEQ(", 5) == 0 || strncmp(text, "~SEQx(", 6) == 0);
}

static void format_number(char *buf, size_t size, long long v, bool hex)
{
	unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	if (hex)
		snprintf(buf, size, "%s%llx", v < 0 ? "-" : "", mag);
	else
		snprintf(buf, size, "%lld", v);
}

static void process_text(struct reader *r, const char *text, struct cfg_pos pos, unsigned seq_depth);

static void run_seq(struct reader *r, const char *text, struct cfg_pos pos, unsigned seq_depth)
{
	struct seq s;
	if (seq_depth == MAX_SEQ_NESTING) {
		cfg_error(r->diag, pos, "~SEQ nested too deeply (limit %d)", MAX_SEQ_NESTING);
		return;
	}
	if (parse_seq(r, text, pos, &s) < 0)
		return;
	long long v = s.start;
	while (!r->failed && (s.step > 0 ? v <= s.end : v >= s.end)) {
		if (r->generated++ == MAX_GENERATED_LINES)
			cfg_error(r->diag, pos, "~SEQ generates too many lines (limit %d)", MAX_GENERATED_LINES);
		if (r->generated > MAX_GENERATED_LINES)
			return;
		char num[32];
		format_number(num, sizeof num, v, s.hex);
		if (set_param(r, s.var, s.var_len, num, strlen(num)) < 0)
			return;
		process_text(r, s.rest, pos, seq_depth + 1);
		if (__builtin_add_overflow(v, s.step, &v))
			break;
	}
}

/* ---- lines ---- */

/*
 * `@ID rest` keeps rest only on the host with that config id, `@^ID rest` everywhere else. The id is
 * compared as keepalived does: the host name up to its first dot unless given.
 */
static const char *select_line(struct reader *r, const char *text, struct cfg_pos pos)
{
	bool negate = text[1] == '^';
	const char *id = text + 1 + negate;
	size_t n = 0;
	while (id[n] && !is_blank(id[n]))
		n++;
	if (n == 0) {
		cfg_error(r->diag, pos, "'@' without a config id");
		return NULL;
	}
	bool match = strlen(r->config_id) == n && memcmp(r->config_id, id, n) == 0;
	return match != negate ? skip_blanks(id + n) : NULL;
}

static void process_text(struct reader *r, const char *text, struct cfg_pos pos, unsigned seq_depth)
{
	text = skip_blanks(text);
	if (*text == '@')
		text = select_line(r, text, pos);
	if (!text)
		return;
	if (is_seq(text)) {
		run_seq(r, text, pos, seq_depth);
		return;
	}
	if (define_param(r, text))
		return;
	if (!strchr(text, '$')) {
		lex_line(r, text, pos);
		return;
	}
	struct strbuf ex = { 0 };
	if (expand_line(r, text, pos, &ex) == 0)
		lex_line(r, ex.s, pos);
	sb_free(&ex);
}

static void process_line(struct reader *r, char *line, struct cfg_pos pos)
{
	size_t len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	r->generated = 0;
	process_text(r, line, pos, 0);
}

/* Lines come from a file or from text in memory. */
struct line_src {
	FILE *fp;
	struct cfg_digest *digest;	/* of what was read from fp */
	const char *text;
	size_t off;
};

/* 1: a line in *buf, 0: the end, -1: an error in errno. */
static int next_line(struct line_src *src, char **buf, size_t *cap)
{
	if (src->fp) {
		errno = 0;
		ssize_t n = getline(buf, cap, src->fp);
		if (n >= 0) {
			if (src->digest)
				cfg_digest_add(src->digest, *buf, (size_t)n);
			return 1;
		}
		return ferror(src->fp) || errno == ENOMEM ? -1 : 0;
	}
	const char *start = src->text + src->off;
	if (*start == '\0')
		return 0;
	const char *nl = strchr(start, '\n');
	size_t n = nl ? (size_t)(nl - start) : strlen(start);
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
	src->off += n + (nl != NULL);
	return 1;
}

/* Reads every line of one file; from is the include statement that brought it in (NULL: the main file). */
static void read_lines(struct reader *r, struct line_src *src, uint32_t file, const struct cfg_pos *from)
{
	struct floor saved;
	begin_file(r, &saved);
	char *line = NULL;
	size_t cap = 0;
	uint32_t lineno = 0;
	int rc = 0;
	while (!r->failed && (rc = next_line(src, &line, &cap)) > 0 && lineno < UINT32_MAX)
		process_line(r, line, (struct cfg_pos){ .file = file, .line = ++lineno });
	if (rc > 0)
		r->unrepeatable = true;	/* stopped before the end */
	if (rc < 0 && errno == ENOMEM)
		oom(r);
	else if (rc < 0 && from)
		cfg_error(r->diag, *from, "include: cannot read %s: %s", r->file->name, strerror(errno));
	else if (rc < 0)
		cfg_error_nopos(r->diag, "cannot read %s: %s", r->file->name, strerror(errno));
	free(line);
	end_file(r, &saved);
}

/* Opens a configuration file for reading; a directory fails here, with errno EISDIR. */
static FILE *open_config(const char *path, struct stat *st)
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

/* Reads an opened file, recording its text's digest among the inputs. */
static void read_file(struct reader *r, FILE *fp, const struct stat *st, uint32_t file, const struct cfg_pos *from)
{
	struct cfg_inputs *in = &r->out->inputs;
	size_t at;
	if (cfg_inputs_add(in, CFG_INPUT_FILE, r->file->name, &at) < 0) {
		oom(r);
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

/* ---- include ---- */

/* The including file's directory, with glob's special characters escaped, then the pattern. */
static int include_pattern(const struct active_file *f, const char *pattern, struct strbuf *out)
{
	const char *slash = f->has_id && pattern[0] != '/' ? strrchr(f->name, '/') : NULL;
	for (const char *p = f->name; slash && p <= slash; p++) {
		if (strchr("*?[\\", *p) && sb_putc(out, '\\') < 0)
			return -1;
		if (sb_putc(out, *p) < 0)
			return -1;
	}
	return sb_puts(out, pattern);
}

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
		oom(r);
	sb_free(&msg);
}

static const struct active_file *find_active(const struct active_file *f, const struct stat *st)
{
	for (; f; f = f->parent)
		if (f->has_id && f->dev == st->st_dev && f->ino == st->st_ino)
			return f;
	return NULL;
}

static void include_file(struct reader *r, const char *path, struct cfg_pos pos)
{
	struct stat st;
	FILE *fp = open_config(path, &st);
	if (!fp) {
		cfg_error(r->diag, pos, "include: cannot open %s: %s", path, strerror(errno));
		return;
	}
	const struct active_file *loop = find_active(r->file, &st);
	uint32_t index;
	if (loop) {
		loop_error_files(r, loop, path, pos);
	} else if (r->file->depth >= r->max_include_depth) {
		cfg_error(r->diag, pos, "include nested too deeply (limit %u): %s", r->max_include_depth, path);
	} else if (add_file(r, path, &index) == 0) {
		struct active_file af = { .parent = r->file, .name = r->out->files.names[index], .has_id = true,
					  .dev = st.st_dev, .ino = st.st_ino, .depth = r->file->depth + 1 };
		r->file = &af;
		read_file(r, fp, &st, index, &pos);
		r->file = af.parent;
	}
	fclose(fp);
}

/* `include PATTERN`: every match, in glob's sorted order; no match is only a warning, as in keepalived. */
static void include(struct reader *r, const struct words *cur, struct cfg_pos pos)
{
	if (cur->n != 2) {
		cfg_error(r->diag, pos, "include: expected one file pattern, got %zu words", cur->n - 1);
		return;
	}
	struct strbuf pattern = { 0 };
	if (include_pattern(r->file, cur->v[1], &pattern) < 0) {
		sb_free(&pattern);
		oom(r);
		return;
	}
	glob_t g;
	memset(&g, 0, sizeof g);
	int rc = glob(pattern.s, 0, NULL, &g);
	size_t at;
	if (cfg_inputs_add(&r->out->inputs, CFG_INPUT_GLOB, pattern.s, &at) == 0)
		cfg_glob_sum(rc, &g, &r->out->inputs.v[at].sum);
	else
		oom(r);
	if (rc == GLOB_NOMATCH)
		cfg_warning(r->diag, pos, "include: no file matches %s", pattern.s);
	else if (rc == GLOB_NOSPACE)
		oom(r);
	else if (rc != 0)
		cfg_error(r->diag, pos, "include: cannot search for %s", pattern.s);
	for (size_t i = 0; rc == 0 && i < g.gl_pathc && !r->failed; i++)
		include_file(r, g.gl_pathv[i], pos);
	globfree(&g);
	sb_free(&pattern);
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
	r->max_include_depth = opts && opts->max_include_depth ? opts->max_include_depth : DEFAULT_INCLUDE_DEPTH;
	r->config_id = cfg_effective_id(opts, r->hostname, sizeof r->hostname);
	r->top_block = opts ? opts->top_block : NULL;
	r->top_block_arg = opts ? opts->top_block_arg : NULL;
	if (!(out->inputs.config_id = strdup(r->config_id)))
		oom(r);
	r->b.levels[0].tail = &out->root;
}

static void reader_free(struct reader *r)
{
	for (size_t i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
	}
	free(r->params);
	sb_free(&r->word);
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
	if (add_file(&r, path, &index) == 0) {
		struct stat st;
		FILE *fp = open_config(path, &st);
		if (!fp) {
			cfg_error_nopos(diag, "cannot open %s: %s", path, strerror(errno));
		} else {
			struct active_file af = { .name = out->files.names[index], .has_id = true,
						  .dev = st.st_dev, .ino = st.st_ino };
			r.file = &af;
			read_file(&r, fp, &st, index, NULL);
			fclose(fp);
			out->inputs.complete = !r.unrepeatable && !r.failed;
		}
	}
	reader_free(&r);
	return errors_since(diag, before);
}

int cfg_read_string(const char *name, const char *text, const struct cfg_read_opts *opts, struct cfg_source *out,
		    struct cfg_diag *diag)
{
	size_t before = diag->nerrors;
	struct reader r;
	reader_init(&r, opts, out, diag);
	uint32_t index;
	if (add_file(&r, name, &index) == 0) {
		struct active_file af = { .name = out->files.names[index] };
		struct line_src src = { .text = text };
		r.file = &af;
		read_lines(&r, &src, index, NULL);
	}
	reader_free(&r);
	return errors_since(diag, before);
}
