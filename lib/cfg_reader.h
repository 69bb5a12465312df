/*
 * What the files of stage 1 (cfg_read.c, cfg_param.c, cfg_seq.c, cfg_include.c) share: the reader's state
 * and the steps each calls in the others. Nothing outside the reader includes this.
 *
 * The reading model is keepalived's: a physical line is cleaned (comments, a trailing `\`), then handled
 * as "text" by cfg_run_text, which applies, in a loop, `@id` selection, `$NAME=` definitions, `~SEQ` and
 * `~LST` generators and parameter expansion; then an `include` line is acted on; otherwise the text is cut
 * at its first brace outside quotes: what comes before is one statement, the brace is a token, and the
 * rest is handled as text again (so `} $X=1` defines X, and `} include f` includes f).
 */
#ifndef VIPD_CFG_READER_H
#define VIPD_CFG_READER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/cfg.h"

enum {
	/* keepalived reads lines into 1,024 bytes: a longer line is cut into several, and an expansion
	 * that would make a line longer stops there */
	CFG_LINE_MAX = 1023,
	CFG_MAX_BLOCK_DEPTH = 64,	/* stage 2 walks the tree recursively */
	CFG_DEFAULT_INCLUDE_DEPTH = 16,
	CFG_MAX_TEXT_NESTING = 64,	/* ~SEQ in ~SEQ, a block parameter's lines using another... */
	CFG_MAX_GENERATED_LINES = 1000 * 1000,	/* per physical line, whatever the nesting */
};

/* ---- growable strings ---- */

struct strbuf {
	char *s;
	size_t len, cap;
};

int sb_reserve(struct strbuf *sb, size_t extra);
int sb_put(struct strbuf *sb, const char *p, size_t n);
int sb_puts(struct strbuf *sb, const char *s);
int sb_putc(struct strbuf *sb, char c);
int sb_set(struct strbuf *sb, const char *p, size_t n);
void sb_free(struct strbuf *sb);

/* ---- parameters (cfg_param.c) ---- */

enum cfg_builtin { BUILTIN_NONE, BUILTIN_PWD, BUILTIN_INSTANCE, BUILTIN_RANDOM, BUILTIN_HASH, BUILTIN_BANG };

struct param {
	char *name;
	char *value;		/* unexpanded; a block parameter's lines are separated by '\n' */
	size_t value_len;
	bool multiline;		/* defined with `\` continuations: usable only at the end of a line */
	enum cfg_builtin builtin;	/* computed at each use, until redefined */
};

/* Lines of a block parameter still to be read after the line that used it. */
struct pending_lines {
	char *text;		/* a copy: the parameter may be redefined while its lines are read */
	size_t param;		/* which parameter, to find one that uses itself */
};

/* Block parameters used on one line: the last one's lines are read first, as in keepalived. */
struct pending {
	struct pending_lines *v;
	size_t n, cap;
};

/* ---- the reader ---- */

/* A file being read; the chain to the main file finds include loops and measures include depth. */
struct active_file {
	const struct active_file *parent;
	const char *name;
	bool has_id;		/* text from memory has no dev/ino */
	dev_t dev;
	ino_t ino;
	unsigned depth;		/* the main file is 0 */
	char *pwd;		/* ${_PWD} here, once computed */
	bool stop;		/* a `}` closed more than the file opened: keepalived reads no further */
};

/* An open block: where its next statement is linked, where its `{` was, for "not closed" messages, and the
 * statement it belongs to, which learns where its `}` is. */
struct level {
	struct cfg_stmt **tail;
	struct cfg_pos open;
	struct cfg_stmt *owner;
};

/* Where the builder stood when the current file began: the file may close only the blocks it opened. */
struct floor {
	unsigned depth;
	unsigned discard;
	struct cfg_pos discard_pos;
};

struct arena_mark {
	uint64_t serial;
	size_t used;
};

/* Blocks past CFG_MAX_BLOCK_DEPTH are only counted (discard) so that their braces still balance. */
struct builder {
	struct level levels[CFG_MAX_BLOCK_DEPTH + 1];	/* levels[0] is the top level */
	unsigned depth;
	unsigned discard;
	struct floor floor;
	struct cfg_stmt *pending;	/* ended without a block: a `{` read next opens one for it */
	struct arena_mark top_mark;	/* the arena when the top-level statement being read began */
	struct cfg_stmt **top_link;	/* the link that points to it */
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
	size_t defining;	/* the block parameter whose `\` lines are being read, or SIZE_MAX */
	struct active_file *file;
	struct builder b;
	size_t block_params[CFG_MAX_TEXT_NESTING + 2];	/* block parameters whose lines are being read */
	unsigned nblock_params;
	uint64_t rng;		/* for ${_RANDOM} */
	unsigned long substitutions;	/* parameters replaced for the current physical line */
	unsigned long generated;	/* lines made by ~SEQ / ~LST from the current physical line */
	struct cfg_pos quote_reported;	/* an unterminated quote already reported on this line */
	bool failed;		/* out of memory: stop everything */
	bool unrepeatable;	/* read something cfg_inputs_unchanged could not read again */
};

int cfg_oom(struct reader *r);
bool cfg_is_blank(char c);
const char *cfg_skip_blanks(const char *s);

/* Handles one line of text (comments already removed) at pos; nesting counts the generators and block
 * parameters it is inside. */
void cfg_run_text(struct reader *r, const char *text, size_t len, struct cfg_pos pos, unsigned nesting);

/* cfg_param.c */
void cfg_params_init(struct reader *r);
void cfg_params_free(struct reader *r);
/* `$NAME=value` at the start of text: defines it and returns true (a value ending in `\` begins a block
 * parameter, continued by cfg_param_continue with the next lines). */
bool cfg_param_define(struct reader *r, const char *text);
/* A line read while r->defining is set: adds it to the value, or ends the definition. */
void cfg_param_continue(struct reader *r, const char *line);
int cfg_param_set(struct reader *r, const char *name, size_t len, const char *value, size_t vlen);
/*
 * Replaces the parameters in buf as keepalived does: `${NAME}` anywhere, `$NAME` when followed by a blank,
 * `,`, `)` or the end; each value is read again in place. A block parameter at the end of buf gives its
 * first line, and the others in *rest. Returns EXPAND_CHANGED when something was replaced, with
 * EXPAND_STOPPED when the line grew too long (warned; keepalived then stops expanding), or -1 on an error
 * (reported: a parameter that uses itself).
 */
enum { EXPAND_CHANGED = 1, EXPAND_STOPPED = 2 };
int cfg_param_expand(struct reader *r, struct strbuf *buf, struct cfg_pos pos, struct pending *rest);
void cfg_pending_free(struct pending *p);

/* cfg_seq.c: `~SEQ(...)` / `~SEQx(...)` and `~LST(...)`; true when text was one (then fully handled). */
bool cfg_generator(struct reader *r, const char *text, struct cfg_pos pos, unsigned nesting);

/* cfg_include.c */
/* `include PATTERN` (and keepalived's includer/m/w/b/a): true when text was one (then fully handled). */
bool cfg_include(struct reader *r, const char *text, struct cfg_pos pos);
/* ${_PWD}: the directory of the file being read, recorded among the inputs; NULL when out of memory. */
const char *cfg_pwd(struct reader *r);
/* Reads a file opened by cfg_open_config; from is the statement that included it (NULL: the main file). */
void cfg_read_opened(struct reader *r, FILE *fp, const struct stat *st, uint32_t file, const struct cfg_pos *from);
FILE *cfg_open_config(const char *path, struct stat *st);
int cfg_add_file(struct reader *r, const char *name, uint32_t *index);

#endif
