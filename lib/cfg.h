/*
 * The configuration parser, in two stages.
 *
 * 1. Reading (cfg_read.c, with cfg_param.c, cfg_seq.c and cfg_include.c): files in the keepalived.conf
 *    grammar become a tree of statements, read as keepalived 2.2.7 reads them (lib/cfg_reader.h): `#` and
 *    `!` comments, quoted strings, braces, `include GLOB` with braces (relative to the including file),
 *    `$NAME=value` parameters (block parameters, built-in ones; a recursive definition is an error, never
 *    a hang), `~SEQ` / `~LST` generators and `@id` / `@^id` conditional lines.
 * 2. Typing (cfg_keyword.c): each block's statements are looked up in a keyword table and handled into
 *    pointer-free structs (lib/config.h). Every statement and object keeps the file:line it came from, and
 *    every error names it: "FILE:LINE: KEYWORD: what is wrong".
 */
#ifndef VIPD_CFG_H
#define VIPD_CFG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where something came from: an index into cfg_files and a 1-based line. */
struct cfg_pos {
	uint32_t file;
	uint32_t line;
};

struct cfg_files {
	char **names;
	size_t count;
};

/*
 * Collected diagnostics of a parse, each formatted "FILE:LINE: message", in three kinds:
 * - errors: the configuration cannot run (keepalived's fatal errors, and what would be unsafe to run);
 * - recovered: what keepalived logs as an error and runs past (an unknown keyword skipped, a bad priority
 *   replaced by the default...): vipd does the same, and the message says what it did instead;
 * - warnings: accepted as written, with something worth knowing (a keyword vipd does not act on...).
 * With strict set (vipd -t --strict, global_defs config_strict), a recovery is an error.
 */
struct cfg_diag {
	char **errors;
	size_t nerrors;
	char **warnings;
	size_t nwarnings;
	char **recovered;
	size_t nrecovered;
	bool strict;
	/* scripts run without enable_script_security: keepalived -t exits 6 (core/conf_scripts.c) */
	bool security;
	const struct cfg_files *files;	/* to turn a cfg_pos into a file name */
	size_t max_errors;		/* stop collecting after this many (0 = 100) */
};

void cfg_diag_init(struct cfg_diag *d, const struct cfg_files *files);
void cfg_diag_free(struct cfg_diag *d);
enum cfg_diag_kind { CFG_DIAG_ERROR, CFG_DIAG_WARNING, CFG_DIAG_RECOVERED };
/* Adds one diagnostic of that kind (a recovery is an error when strict); the functions below call it. */
void cfg_vdiag(struct cfg_diag *d, enum cfg_diag_kind kind, struct cfg_pos pos, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
void cfg_error(struct cfg_diag *d, struct cfg_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cfg_warning(struct cfg_diag *d, struct cfg_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error keepalived runs past: fmt says what was wrong and what was done instead. An error when strict. */
void cfg_recovered(struct cfg_diag *d, struct cfg_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Turns the recoveries made so far into errors, and the later ones too (global_defs config_strict). */
void cfg_diag_refuse_recovered(struct cfg_diag *d);
/* An error that belongs to no line (a missing file given on the command line). */
void cfg_error_nopos(struct cfg_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One statement: a line's words, and the block that follows it when it has one. */
struct cfg_stmt {
	char **argv;		/* argv[0] is the keyword (in list blocks, the first item word) */
	int argc;		/* >= 1 */
	bool has_block;		/* followed by { ... } (possibly empty) */
	struct cfg_stmt *block;	/* first statement inside the block, NULL if empty */
	struct cfg_stmt *next;	/* next statement at the same level */
	struct cfg_pos pos;
	struct cfg_pos end;	/* its block's `}` (line 0: none, or not closed); keepalived names it for checks
				 * it makes once a block is read */
};

struct cfg_arena;

/* A digest of some bytes (cfg_inputs.c), and their length. */
struct cfg_sum {
	uint64_t lo, hi, len;
};

enum cfg_input_kind { CFG_INPUT_FILE, CFG_INPUT_GLOB, CFG_INPUT_DIR };

/*
 * A file read (its path, the digest of its text), an include pattern (the digest of what it matched) or a
 * directory ${_PWD} named (as the reader reached it, the digest of where it resolved to).
 */
struct cfg_input {
	enum cfg_input_kind kind;
	char *what;
	struct cfg_sum sum;
};

/* Everything a read depended on, in the order it was read. */
struct cfg_inputs {
	bool complete;		/* false: read from memory, from something not a regular file, or not to the end */
	char *config_id;
	struct cfg_input *v;
	size_t n, cap;
};

struct cfg_source {
	struct cfg_stmt *root;	/* the top-level statements, in order */
	struct cfg_files files;	/* files[0] is the main file; included ones follow */
	struct cfg_arena *arena;	/* where the statements and their words live, freed at once */
	uint64_t arena_chunks;	/* chunks ever allocated, to number them */
	struct cfg_inputs inputs;
};

struct cfg_read_opts {
	const char *config_id;	/* for @id lines; NULL = the host name */
	unsigned max_include_depth;	/* 0 = 16 */
	/*
	 * Called with each top-level statement as soon as its block closes; the statement (its next is
	 * NULL) is freed when this returns and does not appear in the tree. A large file is then typed as
	 * it is read, instead of all its statements being held at once. NULL: every statement is kept.
	 */
	void (*top_block)(void *arg, const struct cfg_stmt *st);
	void *top_block_arg;
};

/*
 * Reads path and everything it includes. Errors go to diag (whose files pointer is set to &out->files);
 * returns the number of errors. out is always initialised and must be freed with cfg_source_free.
 */
int cfg_read_file(const char *path, const struct cfg_read_opts *opts, struct cfg_source *out, struct cfg_diag *diag);
/* The same on text held in memory, named `name` in positions; includes are relative to the cwd. */
int cfg_read_string(const char *name, const char *text, const struct cfg_read_opts *opts, struct cfg_source *out,
		    struct cfg_diag *diag);
void cfg_source_free(struct cfg_source *src);
/* Frees the statements once they are typed, keeping the file names that positions refer to. */
void cfg_source_drop_tree(struct cfg_source *src);
const char *cfg_file_name(const struct cfg_files *files, struct cfg_pos pos);
/*
 * True when reading with opts again would read the very same bytes: the same config id, every include
 * pattern matching the same names and every file holding the same text as when `in` was recorded. It reads
 * the files (and expands the patterns) again, but parses nothing.
 */
bool cfg_inputs_unchanged(const struct cfg_inputs *in, const struct cfg_read_opts *opts);

/* ---- Stage 2: keyword tables ---- */

struct cfg_ctx;
struct cfg_keyword;

typedef int (*cfg_handler)(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj);

enum cfg_kw_flags {
	CFG_KW_BLOCK = 1 << 0,		/* the statement must have a block */
	CFG_KW_MAYBE_BLOCK = 1 << 1,	/* a block is allowed */
	CFG_KW_DEPRECATED = 1 << 2,	/* accepted with a warning naming `data` as the new spelling */
	/*
	 * keepalived's leniency, applied by the generic handlers (cfg_kw_uint, _int, _enum, _bool, _flag,
	 * _unflag, _addr, _duration, _string, _text): a value they cannot take is reported as recovered and the
	 * field keeps what it held (its default), as keepalived 2.2.7 ignores such a line; words after the
	 * value are ignored with a warning, as keepalived ignores them silently (`nopreempt foo`, `priority
	 * 100 200`). A missing value stays an error: keepalived -t exits 2 ("missing a parameter"), it does
	 * not run past it. On a keyword that opens a block (cfg_kw_object, cfg_kw_subblock), every keyword
	 * inside it, and in its sub-blocks, is lenient (ctx->recover).
	 */
	CFG_KW_RECOVER = 1 << 3,
	/* with RECOVER: a number outside [min,max] becomes the nearest bound (keepalived's "setting to 1",
	 * "setting to maximum") instead of being ignored */
	CFG_KW_CLAMP = 1 << 4,
	/* the field at off is a char array of size bytes, whatever the handler (for copies: lib/config.c) */
	CFG_KW_CHARS = 1 << 5,
	/*
	 * keepalived's leniency on the block alone, for keywords whose values are not CFG_KW_RECOVER: without
	 * its block the line is ignored (recovered; keepalived reads the lines after it where they are, as
	 * vipd's reader does), with a block where none goes the '{' is ignored.
	 */
	CFG_KW_SHAPE = 1 << 6,
};

/*
 * A keyword: its name, the handler, and where the value goes in the object being filled (off, size),
 * with bounds (numbers: value range; argument lists: count range) and handler-specific data.
 * Adding a keyword is one line in its block's table.
 */
struct cfg_keyword {
	const char *name;
	cfg_handler handler;
	size_t off;
	size_t size;
	int64_t min, max;
	const void *data;
	unsigned flags;
};

/* A block type: the keywords it accepts. Tables end with an entry whose name is NULL. */
struct cfg_block {
	const char *name;
	const struct cfg_keyword *keywords;
	/* Called for statements not in the table (list blocks such as virtual_ipaddress); NULL = error. */
	cfg_handler item;
};

/* Names for an enum-valued keyword; the list ends with name NULL. */
struct cfg_enum {
	const char *name;
	int value;
};

struct config;

struct cfg_ctx {
	struct config *conf;
	struct cfg_diag *diag;
	const struct cfg_files *files;
	/* the reader dropped statements with errors: skip the checks for missing keywords, which would
	 * only echo those errors */
	bool partial;
	bool recover;			/* inside a block opened by a CFG_KW_RECOVER keyword */
	/*
	 * When set, cfg_stmt_error reports a recovery instead, with this appended to say what was done
	 * instead ("; this line is ignored, as keepalived does"): for a line that keepalived skips whatever
	 * is wrong with it (a route, a rule, an address). The handler still returns -1 and drops the line.
	 */
	const char *on_error;
	struct cfg_item_pos *pos;	/* see cfg_note_pos; may be NULL (then nothing is noted) */
};

/*
 * Where list items that are checked once the whole file is read (an instance's track_script names, which
 * may name a vrrp_script defined further on) came from, so that the message names their line and not
 * their block's. Keyed by the item's address: objects never move (lib/config.h). Not part of the objects,
 * so that moving a line does not make a reload see a changed object.
 */
struct cfg_item_pos {
	struct { const void *item; struct cfg_pos pos; } *v;
	size_t n, cap;
};
/* Notes where item came from (nothing when ctx->pos is NULL or memory is short: only messages lose it). */
void cfg_note_pos(struct cfg_ctx *ctx, const void *item, struct cfg_pos pos);
/* Where item came from, or fallback when it was not noted. */
struct cfg_pos cfg_item_pos(const struct cfg_ctx *ctx, const void *item, struct cfg_pos fallback);
void cfg_item_pos_free(struct cfg_item_pos *p);
/* Whether generic handlers recover for this keyword (CFG_KW_RECOVER on it or on a block around it). */
bool cfg_lenient(const struct cfg_ctx *ctx, const struct cfg_keyword *kw);
/*
 * cfg_nargs for keywords that follow keepalived's leniency: too few words is an error, too many a
 * warning (the extra words are ignored) when cfg_lenient, else an error. kw may be NULL (then: ctx's).
 */
int cfg_nargs_kw(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, int min, int max);

/* Walks the statements of a block against its table, handling each into obj. Returns errors seen. */
int cfg_walk(struct cfg_ctx *ctx, const struct cfg_block *block, const struct cfg_stmt *first, void *obj);
const struct cfg_keyword *cfg_lookup(const struct cfg_block *block, const char *name);

/* Reports "FILE:LINE: KEYWORD: message" for a statement; returns -1 for convenience. */
int cfg_stmt_error(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cfg_stmt_warning(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * "KEYWORD: message" as a recovery (see struct cfg_diag): the caller has applied what keepalived does
 * instead, and the message says so ("priority 300 is out of range; using 100"). Returns -1.
 */
int cfg_stmt_recovered(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same at the line of the statement's `}` (its own line when it has none): for what keepalived finds
 * wrong once it has read a block (a vrrp_script without a script, a MISC_CHECK without misc_path). */
int cfg_stmt_recovered_end(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Checks argc-1 is within [min, max] (max < 0: no upper bound), reporting the error. */
int cfg_nargs(struct cfg_ctx *ctx, const struct cfg_stmt *st, int min, int max);

/* Stores v into the integer field of obj that kw describes (kw->off, kw->size bytes). */
void cfg_store_int(void *obj, const struct cfg_keyword *kw, int64_t v);

/* Generic handlers, for table entries. Each stores into (char *)obj + kw->off, kw->size bytes. */
int cfg_kw_string(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* one word */
int cfg_kw_command(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* words joined */
int cfg_kw_uint(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* [min,max] */
int cfg_kw_int(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* [min,max] */
int cfg_kw_flag(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* no args: =1 */
int cfg_kw_unflag(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* no args: =0 */
int cfg_kw_bool(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* [on|off...] */
int cfg_kw_enum(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* data: cfg_enum[] */
int cfg_kw_addr(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* cfg_addr */
int cfg_kw_duration(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *); /* s -> ms */
int cfg_kw_ignore(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);	/* warns */
/* Into the config's string table (a struct cfg_text field), at most kw->max characters (0: CFG_CMD_MAX - 1):
 * one word, or words joined as a command line. */
int cfg_kw_text(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
int cfg_kw_text_command(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
/*
 * keepalived's `KEYWORD SCRIPT [USER [GROUP]]`: SCRIPT (quoted when it has arguments) into the cfg_text at
 * off, "USER [GROUP]" into the cfg_text at the offset in min. Use CFG_SCRIPT for off, size, min, max.
 */
int cfg_kw_script(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
#define CFG_SCRIPT(type, cmd, user) offsetof(type, cmd), sizeof(((type *)0)->cmd), (int64_t)offsetof(type, user), 0
/* The same into char arrays (objects copied whole into a child): CFG_SCRIPT_CHARS for off, size, min, max. */
int cfg_kw_script_chars(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);
#define CFG_SCRIPT_CHARS(type, cmd, user) \
	offsetof(type, cmd), sizeof(((type *)0)->cmd), (int64_t)offsetof(type, user), (int64_t)sizeof(((type *)0)->user)
/* data: const struct cfg_block *; walks the statement's block into the same object. */
int cfg_kw_subblock(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);

/*
 * A keyword that opens a new object, such as `vrrp_instance NAME { ... }`: kw->data points to one of these.
 * The new object's parent is the object being filled (NULL at the top level).
 */
struct cfg_object_spec {
	unsigned kind;			/* enum cfg_kind */
	const struct cfg_block *block;	/* keywords inside its block */
	int min_args, max_args;		/* words after the keyword */
	cfg_handler args;		/* fills the new object from the words; NULL: the one word is its name */
	cfg_handler finish;		/* checks the object once its block is read; may be NULL */
};
/*
 * What args or finish return when keepalived would drop the object (a second vrrp_instance of a name, a
 * vrrp_script without a script, a virtual_server whose address cannot be read), having reported the
 * recovery: the object is removed from the config (config_remove). When args returns it, its block is not
 * read at all, so none of its lines is reported (keepalived skips the block silently); the object is then
 * the last of its kind and has no children yet, whatever its kind. From finish, only for kinds whose
 * objects have no children (ids of the later objects of the kind are renumbered); an object with
 * children found unwanted later is marked instead (CFG_OBJ_MARK_DROP, config_remove_marked).
 */
#define CFG_OBJ_DROP 1
int cfg_kw_object(struct cfg_ctx *, const struct cfg_stmt *, const struct cfg_keyword *, void *);

#define CFG_FIELD(type, field) offsetof(type, field), sizeof(((type *)0)->field)

/* Typed address: family AF_INET or AF_INET6, the address in network order. */
struct cfg_addr {
	uint8_t family;
	uint8_t prefix;		/* when written as ADDR/LEN; else 32 or 128 */
	uint8_t reserved[2];
	uint8_t addr[16];
};
/* Parses "ADDR" or, if allow_prefix, "ADDR/LEN". 0 ok, -1 not an address. */
int cfg_parse_addr(const char *s, bool allow_prefix, struct cfg_addr *out);
int cfg_format_addr(const struct cfg_addr *a, char *buf, size_t len);
/* Parses a decimal integer in [min,max] with nothing after it. */
int cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* Seconds with an optional fraction ("1", "0.25") to milliseconds, rounding nothing away. */
int cfg_parse_duration_ms(const char *s, uint64_t *ms);

#endif
