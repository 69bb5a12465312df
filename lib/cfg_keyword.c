/* Stage 2 of the parser: statements looked up in keyword tables and handled into typed objects. */
#include "lib/cfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lib/config.h"

__attribute__((format(printf, 4, 5)))
static void
diag_add(struct cfg_diag *d, enum cfg_diag_kind kind, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vdiag(d, kind, pos, fmt, ap);
	va_end(ap);
}

/* "KEYWORD: message" at the statement's position */
__attribute__((format(printf, 4, 0)))
static void
stmt_report(struct cfg_ctx *ctx, enum cfg_diag_kind kind, const struct cfg_stmt *st, const char *fmt, va_list ap)
{
	char msg[1024];
	int n = snprintf(msg, sizeof(msg), "%s: ", st->argv[0]);

	if (n >= 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	diag_add(ctx->diag, kind, st->pos, "%s", msg);
}

int
cfg_stmt_error(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	if (ctx->on_error == NULL) {
		stmt_report(ctx, CFG_DIAG_ERROR, st, fmt, ap);
	} else {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		cfg_stmt_recovered(ctx, st, "%s%s", msg, ctx->on_error);
	}
	va_end(ap);
	return -1;
}

void
cfg_stmt_warning(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stmt_report(ctx, CFG_DIAG_WARNING, st, fmt, ap);
	va_end(ap);
}

int
cfg_stmt_recovered(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stmt_report(ctx, CFG_DIAG_RECOVERED, st, fmt, ap);
	va_end(ap);
	return -1;
}

int
cfg_stmt_recovered_end(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
{
	struct cfg_stmt at_end = *st;
	va_list ap;

	if (st->end.line != 0)
		at_end.pos = st->end;
	va_start(ap, fmt);
	stmt_report(ctx, CFG_DIAG_RECOVERED, &at_end, fmt, ap);
	va_end(ap);
	return -1;
}

int
cfg_nargs(struct cfg_ctx *ctx, const struct cfg_stmt *st, int min, int max)
{
	int n = st->argc - 1;

	if (n < min)
		return cfg_stmt_error(ctx, st, n == 0 ? "missing argument" : "too few arguments (%d, needs %d)",
				      n, min);
	if (max >= 0 && n > max)
		return cfg_stmt_error(ctx, st, "too many arguments (%d, takes %d)", n, max);
	return 0;
}

bool
cfg_lenient(const struct cfg_ctx *ctx, const struct cfg_keyword *kw)
{
	return ctx->recover || (kw != NULL && (kw->flags & CFG_KW_RECOVER));
}

int
cfg_nargs_kw(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, int min, int max)
{
	int n = st->argc - 1;

	if (max >= 0 && n > max && n >= min && cfg_lenient(ctx, kw)) {
		cfg_stmt_warning(ctx, st, "%d extra word%s after the value ignored, as keepalived ignores them", n - max,
				 n - max == 1 ? "" : "s");
		return 0;
	}
	return cfg_nargs(ctx, st, min, max);
}

void
cfg_note_pos(struct cfg_ctx *ctx, const void *item, struct cfg_pos pos)
{
	struct cfg_item_pos *p = ctx->pos;

	if (p == NULL)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		void *v = realloc(p->v, cap * sizeof(*p->v));

		if (v == NULL)
			return;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].item = item;
	p->v[p->n++].pos = pos;
}

struct cfg_pos
cfg_item_pos(const struct cfg_ctx *ctx, const void *item, struct cfg_pos fallback)
{
	const struct cfg_item_pos *p = ctx->pos;

	/* the latest first: an item's address is noted again when a dropped object's memory is not reused */
	for (size_t i = p ? p->n : 0; i-- > 0;)
		if (p->v[i].item == item)
			return p->v[i].pos;
	return fallback;
}

void
cfg_item_pos_free(struct cfg_item_pos *p)
{
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

const struct cfg_keyword *
cfg_lookup(const struct cfg_block *block, const char *name)
{
	/* the first letter first: a real_server is looked up near the end of a long table, 100,000 times */
	for (const struct cfg_keyword *kw = block->keywords; kw != NULL && kw->name != NULL; kw++)
		if (kw->name[0] == name[0] && strcmp(kw->name, name) == 0)
			return kw;
	return NULL;
}

static int
check_block_shape(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw)
{
	if ((kw->flags & CFG_KW_BLOCK) && !st->has_block)
		return cfg_stmt_error(ctx, st, "needs a { ... } block");
	if (st->has_block && !(kw->flags & (CFG_KW_BLOCK | CFG_KW_MAYBE_BLOCK)))
		return cfg_stmt_error(ctx, st, "takes no { ... } block");
	return 0;
}

int
cfg_walk(struct cfg_ctx *ctx, const struct cfg_block *block, const struct cfg_stmt *first, void *obj)
{
	size_t before = ctx->diag->nerrors;

	for (const struct cfg_stmt *st = first; st != NULL; st = st->next) {
		const struct cfg_keyword *kw = cfg_lookup(block, st->argv[0]);

		if (kw == NULL) {
			if (block->item != NULL)
				block->item(ctx, st, NULL, obj);
			else	/* keepalived logs it and reads on, skipping a block the keyword opened */
				cfg_stmt_recovered(ctx, st, "unknown keyword in %s; ignored%s", block->name,
						   st->has_block ? " with its block" : "");
			continue;
		}
		if (!cfg_lenient(ctx, kw) && !(kw->flags & CFG_KW_SHAPE) && check_block_shape(ctx, st, kw) == -1)
			continue;
		if ((kw->flags & CFG_KW_BLOCK) && !st->has_block) {
			/* keepalived: "Block X has extra parameters"; what it reads as the block is not one here */
			cfg_stmt_recovered(ctx, st, "needs a { ... } block; ignored, as keepalived does");
			continue;
		}
		if (st->has_block && !(kw->flags & (CFG_KW_BLOCK | CFG_KW_MAYBE_BLOCK))) {
			/* keepalived ignores the '{' and reads the lines inside as if they were not in a block */
			struct cfg_stmt alone = *st;

			cfg_stmt_recovered(ctx, st, "takes no { ... } block; the '{' is ignored and the lines inside "
					   "are read as if outside it, as keepalived does");
			alone.has_block = false;
			alone.block = NULL;
			kw->handler(ctx, &alone, kw, obj);
			cfg_walk(ctx, block, st->block, obj);
			continue;
		}
		if (kw->flags & CFG_KW_DEPRECATED)
			cfg_stmt_warning(ctx, st, "deprecated, use %s", (const char *)kw->data);
		kw->handler(ctx, st, kw, obj);
	}
	return (int)(ctx->diag->nerrors - before);
}

/* ---- value parsers ---- */

int
cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cfg_parse_duration_ms(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	int frac_digits = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > UINT32_MAX)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			/* finer than a millisecond would be silently rounded: refuse it */
			if (++frac_digits > 3 && *p != '0')
				return -1;
			if (frac_digits <= 3)
				frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (frac_digits == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	for (; frac_digits < 3; frac_digits++)
		frac *= 10;
	*ms = whole * 1000 + frac;
	return 0;
}

int
cfg_parse_addr(const char *s, bool allow_prefix, struct cfg_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int64_t prefix;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(buf) || (slash && !allow_prefix))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return -1;
	}
	if (slash) {
		if (cfg_parse_int(slash + 1, 0, out->prefix, &prefix) == -1)
			return -1;
		out->prefix = (uint8_t)prefix;
	}
	return 0;
}

int
cfg_format_addr(const struct cfg_addr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return snprintf(buf, len, "-") < 0 ? -1 : 0;
	return inet_ntop(a->family, a->addr, buf, (socklen_t)len) == NULL ? -1 : 0;
}

/* ---- generic handlers ---- */

static void *
field(void *obj, const struct cfg_keyword *kw)
{
	return (char *)obj + kw->off;
}

void
cfg_store_int(void *obj, const struct cfg_keyword *kw, int64_t v)
{
	void *p = field(obj, kw);

	switch (kw->size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = (uint64_t)v; break;
	}
}

/* What an integer field holds (signed when its keyword allows negative values). */
static int64_t
load_int(const void *obj, const struct cfg_keyword *kw)
{
	const void *p = (const char *)obj + kw->off;
	bool sgn = kw->min < 0;

	switch (kw->size) {
	case 1: return sgn ? (int64_t)*(const int8_t *)p : (int64_t)*(const uint8_t *)p;
	case 2: return sgn ? (int64_t)*(const int16_t *)p : (int64_t)*(const uint16_t *)p;
	case 4: return sgn ? (int64_t)*(const int32_t *)p : (int64_t)*(const uint32_t *)p;
	default: return *(const int64_t *)p;
	}
}

static int
copy_string(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj,
	    const char *s)
{
	size_t n = strlen(s);

	if (n >= kw->size)
		return cfg_stmt_error(ctx, st, "too long (%zu characters, at most %zu)", n, kw->size - 1);
	memcpy(field(obj, kw), s, n + 1);
	return 0;
}

int
cfg_kw_string(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	return copy_string(ctx, st, kw, obj, st->argv[1]);
}

/* A command line: keepalived accepts it quoted as one word or as several words. */
int
cfg_kw_command(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	char *dst = field(obj, kw);
	size_t used = 0;

	if (cfg_nargs(ctx, st, 1, -1) == -1)
		return -1;
	for (int i = 1; i < st->argc; i++) {
		size_t n = strlen(st->argv[i]);

		if (used + n + (i > 1) >= kw->size)
			return cfg_stmt_error(ctx, st, "too long (at most %zu characters)", kw->size - 1);
		if (i > 1)
			dst[used++] = ' ';
		memcpy(dst + used, st->argv[i], n);
		used += n;
	}
	dst[used] = '\0';
	return 0;
}

static size_t
text_limit(const struct cfg_keyword *kw)
{
	return kw->max > 0 ? (size_t)kw->max : CFG_CMD_MAX - 1;
}

static int
store_text(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj, const char *s,
	   size_t n)
{
	struct cfg_text t;

	if (n > text_limit(kw))
		return cfg_stmt_error(ctx, st, "too long (%zu characters, at most %zu)", n, text_limit(kw));
	if (config_set_text(ctx->conf, &t, s, n) == -1)
		return cfg_stmt_error(ctx, st, "out of memory, or more than %zu MiB of strings in the configuration",
				      STRTAB_MAX >> 20);
	memcpy(field(obj, kw), &t, sizeof(t));
	return 0;
}

int
cfg_kw_text(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	return store_text(ctx, st, kw, obj, st->argv[1], strlen(st->argv[1]));
}

/* "USER [GROUP]" of a `KEYWORD SCRIPT USER [GROUP]` statement into buf. */
static void
script_user_words(const struct cfg_stmt *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", st->argv[2], st->argc == 4 ? " " : "", st->argc == 4 ? st->argv[3] : "");
}

/* `notify_up /bin/echo down` runs /bin/echo as user "down" in keepalived too: say so while it is cheap. */
static void
warn_unknown_user(struct cfg_ctx *ctx, const struct cfg_stmt *st)
{
	if (getpwnam(st->argv[2]) == NULL)
		cfg_stmt_warning(ctx, st, "no user '%s' here to run %s as (quote a command that has arguments: "
				 "KEYWORD \"CMD ARGS\" [USER [GROUP]])", st->argv[2], st->argv[1]);
}

int
cfg_kw_script(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_keyword user_kw = { .off = (size_t)kw->min, .size = sizeof(struct cfg_text), .max = CFG_USER_MAX - 1 };
	char user[CFG_USER_MAX * 2];

	if (cfg_nargs(ctx, st, 1, 3) == -1 || store_text(ctx, st, kw, obj, st->argv[1], strlen(st->argv[1])) == -1)
		return -1;
	if (st->argc == 2)
		return 0;
	script_user_words(st, user, sizeof(user));
	if (store_text(ctx, st, &user_kw, obj, user, strlen(user)) == -1)
		return -1;
	warn_unknown_user(ctx, st);
	return 0;
}

int
cfg_kw_script_chars(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	char *user = (char *)obj + kw->min;

	if (cfg_nargs(ctx, st, 1, 3) == -1)
		return -1;
	if (strlen(st->argv[1]) >= kw->size)
		return cfg_stmt_error(ctx, st, "too long (at most %zu characters)", kw->size - 1);
	strcpy(field(obj, kw), st->argv[1]);
	user[0] = '\0';
	if (st->argc == 2)
		return 0;
	if (strlen(st->argv[2]) + (st->argc == 4 ? strlen(st->argv[3]) + 1 : 0) >= (size_t)kw->max)
		return cfg_stmt_error(ctx, st, "user and group too long (at most %zu characters)", (size_t)kw->max - 1);
	script_user_words(st, user, (size_t)kw->max);
	warn_unknown_user(ctx, st);
	return 0;
}

int
cfg_kw_text_command(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	size_t total = 0, used = 0;
	char *joined;
	int r;

	if (cfg_nargs(ctx, st, 1, -1) == -1)
		return -1;
	if (st->argc == 2)
		return store_text(ctx, st, kw, obj, st->argv[1], strlen(st->argv[1]));
	for (int i = 1; i < st->argc; i++)
		total += strlen(st->argv[i]) + 1;
	if (total - 1 > text_limit(kw))
		return cfg_stmt_error(ctx, st, "too long (at most %zu characters)", text_limit(kw));
	if ((joined = malloc(total)) == NULL)
		return cfg_stmt_error(ctx, st, "out of memory");
	for (int i = 1; i < st->argc; i++) {
		size_t n = strlen(st->argv[i]);

		if (i > 1)
			joined[used++] = ' ';
		memcpy(joined + used, st->argv[i], n);
		used += n;
	}
	r = store_text(ctx, st, kw, obj, joined, used);
	free(joined);
	return r;
}

static int
handle_int(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	int64_t v;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], kw->min, kw->max, &v) == 0) {
		cfg_store_int(obj, kw, v);
		return 0;
	}
	if (!cfg_lenient(ctx, kw))
		return cfg_stmt_error(ctx, st, "'%s' is not a number from %" PRId64 " to %" PRId64, st->argv[1],
				      kw->min, kw->max);
	if ((kw->flags & CFG_KW_CLAMP) && cfg_parse_int(st->argv[1], INT64_MIN, INT64_MAX, &v) == 0) {
		v = v < kw->min ? kw->min : kw->max;
		cfg_store_int(obj, kw, v);
		return cfg_stmt_recovered(ctx, st, "%s is out of range %" PRId64 "-%" PRId64 "; using %" PRId64
					  ", as keepalived does", st->argv[1], kw->min, kw->max, v);
	}
	return cfg_stmt_recovered(ctx, st, "'%s' is not a number from %" PRId64 " to %" PRId64 "; ignored (keeping %"
				  PRId64 "), as keepalived does", st->argv[1], kw->min, kw->max, load_int(obj, kw));
}

int
cfg_kw_uint(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return handle_int(ctx, st, kw, obj);
}

int
cfg_kw_int(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return handle_int(ctx, st, kw, obj);
}

int
cfg_kw_flag(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs_kw(ctx, st, kw, 0, 0) == -1)
		return -1;
	cfg_store_int(obj, kw, 1);
	return 0;
}

int
cfg_kw_unflag(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs_kw(ctx, st, kw, 0, 0) == -1)
		return -1;
	cfg_store_int(obj, kw, 0);
	return 0;
}

static const struct cfg_enum bool_names[] = {
	{ "on", 1 }, { "off", 0 }, { "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 }, { "1", 1 }, { "0", 0 },
	{ NULL, 0 },
};

static int
lookup_enum(const struct cfg_enum *names, const char *s, int *value)
{
	for (; names->name != NULL; names++) {
		if (strcasecmp(names->name, s) == 0) {
			*value = names->value;
			return 0;
		}
	}
	return -1;
}

static void
enum_choices(const struct cfg_enum *names, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; names->name != NULL && used < len; names++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", names->name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int
cfg_kw_bool(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	int v = 1;

	if (cfg_nargs_kw(ctx, st, kw, 0, 1) == -1)
		return -1;
	if (st->argc >= 2 && lookup_enum(bool_names, st->argv[1], &v) == -1) {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "'%s' is not one of on, off, yes, no, true, false", st->argv[1]);
		return cfg_stmt_recovered(ctx, st, "'%s' is not one of on, off, yes, no, true, false; ignored, as "
					  "keepalived does", st->argv[1]);
	}
	cfg_store_int(obj, kw, v);
	return 0;
}

int
cfg_kw_enum(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	char choices[256];
	int v;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	if (lookup_enum(kw->data, st->argv[1], &v) == -1) {
		enum_choices(kw->data, choices, sizeof(choices));
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "'%s' is not one of %s", st->argv[1], choices);
		return cfg_stmt_recovered(ctx, st, "'%s' is not one of %s; ignored, as keepalived does", st->argv[1],
					  choices);
	}
	cfg_store_int(obj, kw, v);
	return 0;
}

int
cfg_kw_addr(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_addr a;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &a) == -1) {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "'%s' is not an IPv4 or IPv6 address", st->argv[1]);
		return cfg_stmt_recovered(ctx, st, "'%s' is not an IPv4 or IPv6 address; ignored, as keepalived does",
					  st->argv[1]);
	}
	memcpy(field(obj, kw), &a, sizeof(a));
	return 0;
}

int
cfg_kw_duration(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	uint64_t ms;
	int64_t was;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	if (cfg_parse_duration_ms(st->argv[1], &ms) == -1) {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "'%s' is not a duration in seconds (like 1 or 0.25)", st->argv[1]);
		was = load_int(obj, kw);
		return cfg_stmt_recovered(ctx, st, "'%s' is not a duration in seconds; ignored (keeping %" PRId64
					  ".%03" PRId64 " s), as keepalived does", st->argv[1], was / 1000, was % 1000);
	}
	if ((int64_t)ms < kw->min || (int64_t)ms > kw->max) {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "%s s is out of range (%" PRId64 ".%03" PRId64 " to %" PRId64
					      ".%03" PRId64 " s)", st->argv[1], kw->min / 1000, kw->min % 1000,
					      kw->max / 1000, kw->max % 1000);
		if (kw->flags & CFG_KW_CLAMP) {
			was = (int64_t)ms < kw->min ? kw->min : kw->max;
			cfg_store_int(obj, kw, was);
			return cfg_stmt_recovered(ctx, st, "%s s is out of range; using %" PRId64 ".%03" PRId64
						  " s, as keepalived does", st->argv[1], was / 1000, was % 1000);
		}
		was = load_int(obj, kw);
		return cfg_stmt_recovered(ctx, st, "%s s is out of range (%" PRId64 ".%03" PRId64 " to %" PRId64
					  ".%03" PRId64 " s); ignored (keeping %" PRId64 ".%03" PRId64 " s), as keepalived does",
					  st->argv[1], kw->min / 1000, kw->min % 1000, kw->max / 1000, kw->max % 1000,
					  was / 1000, was % 1000);
	}
	cfg_store_int(obj, kw, (int64_t)ms);
	return 0;
}

int
cfg_kw_ignore(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	cfg_stmt_warning(ctx, st, "accepted for compatibility and ignored%s%s", kw->data ? ": " : "",
			 kw->data ? (const char *)kw->data : "");
	return 0;
}

int
cfg_kw_subblock(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	bool outer = ctx->recover;
	int r;

	if (cfg_nargs_kw(ctx, st, kw, 0, 0) == -1)
		return -1;
	ctx->recover = cfg_lenient(ctx, kw);
	r = cfg_walk(ctx, kw->data, st->block, obj) == 0 ? 0 : -1;
	ctx->recover = outer;
	return r;
}

/* cfg_kw_object's work once the object is added: its words, its block, the checks. */
static int
object_fill(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw,
	    const struct cfg_object_spec *spec, const struct cfg_kind_info *ki, struct cfg_obj *obj, void *parent,
	    size_t before)
{
	obj->pos = st->pos;
	obj->parent = parent ? ((struct cfg_obj *)parent)->id : 0;
	/* the block is read even when the arguments are wrong, so its errors are reported in the same run */
	if (spec->args != NULL) {
		if (spec->args(ctx, st, kw, obj) == CFG_OBJ_DROP) {
			config_remove(ctx->conf, spec->kind, ctx->conf->count[spec->kind] - 1);
			return 0;
		}
	} else if (ki->name_size > 0 && st->argc > 1) {
		struct cfg_keyword name_kw = { .off = ki->name_off, .size = ki->name_size };

		copy_string(ctx, st, &name_kw, obj, st->argv[1]);
	}
	cfg_walk(ctx, spec->block, st->block, obj);
	if (ctx->diag->nerrors == before && !ctx->partial && spec->finish != NULL &&
	    spec->finish(ctx, st, kw, obj) == CFG_OBJ_DROP)
		config_remove(ctx->conf, spec->kind, ctx->conf->count[spec->kind] - 1);
	return ctx->diag->nerrors == before ? 0 : -1;
}

int
cfg_kw_object(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *parent)
{
	const struct cfg_object_spec *spec = kw->data;
	const struct cfg_kind_info *ki = cfg_kind_info(spec->kind);
	size_t before = ctx->diag->nerrors;
	bool outer = ctx->recover;
	struct cfg_obj *obj;
	int r;

	if (cfg_nargs(ctx, st, spec->min_args, spec->max_args) == -1)
		return -1;
	if ((obj = config_add(ctx->conf, spec->kind)) == NULL)
		return cfg_stmt_error(ctx, st, "out of memory");
	ctx->recover = cfg_lenient(ctx, kw);
	r = object_fill(ctx, st, kw, spec, ki, obj, parent, before);
	ctx->recover = outer;
	return r;
}
