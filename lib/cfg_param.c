/*
 * Parameters, read the way keepalived reads them:
 * - `$NAME=value` at the start of a line (no blank before the `=`) defines NAME; the value is kept
 *   unexpanded, so a use sees the values current when it is read;
 * - a value ending in `\` goes on with the next lines, each ending in `\` but the last: a block parameter,
 *   usable only at the end of a line, whose lines are then read one after the other where it is used;
 * - `${NAME}` is replaced anywhere; `$NAME` only when a blank, `,`, `)` or the end of the line follows it
 *   (so `$NET.1` stays as written, and `${NET}.1` is needed), and an undefined name stays as written;
 * - each value is read again where it was put, so it may hold more parameters, `@id` or `~SEQ`;
 * - built in: ${_PWD}, ${_INSTANCE}, ${_RANDOM [MIN [MAX]]}, ${_HASH} and ${_BANG}; a definition hides them.
 * A parameter whose value, read again, uses itself would make keepalived loop for ever: here it is an error.
 */
#include "lib/cfg_reader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_PARAM_NESTING = 64,		/* values inside values, at one place of a line */
	MAX_SUBSTITUTIONS = 10000,	/* per line: values that shrink it cannot grow it past the limit */
	/* per physical line, with what it generates: what follows a brace is expanded again, so a value
	 * that doubles at each level would otherwise be expanded piece by piece for ever */
	SUBSTITUTION_BUDGET = 100 * 1000,
	SUBSTITUTIONS_PER_LINE = 100,
	RANDOM_MAX_DEFAULT = 32767,
};

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static struct param *find(struct reader *r, const char *name, size_t len, size_t *index)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strncmp(r->params[i].name, name, len) == 0 && r->params[i].name[len] == '\0') {
			if (index)
				*index = i;
			return &r->params[i];
		}
	return NULL;
}

static struct param *add(struct reader *r, const char *name, size_t len)
{
	if (r->nparams == r->params_cap) {
		size_t cap = r->params_cap ? r->params_cap * 2 : 16;
		struct param *ps = realloc(r->params, cap * sizeof *ps);
		if (!ps)
			return NULL;
		r->params = ps;
		r->params_cap = cap;
	}
	char *n = strndup(name, len);
	char *v = strdup("");
	if (!n || !v) {
		free(n);
		free(v);
		return NULL;
	}
	struct param *p = &r->params[r->nparams++];
	*p = (struct param){ .name = n, .value = v };
	return p;
}

/* Defines name (or redefines it: a built-in one then becomes plain) as value. */
static struct param *set(struct reader *r, const char *name, size_t len, const char *value, size_t vlen)
{
	char *v = strndup(value, vlen);
	if (!v) {
		cfg_oom(r);
		return NULL;
	}
	struct param *p = find(r, name, len, NULL);
	if (!p)
		p = add(r, name, len);
	if (!p) {
		free(v);
		cfg_oom(r);
		return NULL;
	}
	free(p->value);
	p->value = v;
	p->value_len = vlen;
	p->multiline = false;
	p->builtin = BUILTIN_NONE;
	return p;
}

int cfg_param_set(struct reader *r, const char *name, size_t len, const char *value, size_t vlen)
{
	return set(r, name, len, value, vlen) ? 0 : -1;
}

void cfg_params_init(struct reader *r)
{
	static const struct {
		const char *name;
		enum cfg_builtin b;
	} builtins[] = {
		{ "_PWD", BUILTIN_PWD },   { "_INSTANCE", BUILTIN_INSTANCE }, { "_RANDOM", BUILTIN_RANDOM },
		{ "_HASH", BUILTIN_HASH }, { "_BANG", BUILTIN_BANG },
	};
	r->defining = SIZE_MAX;
	r->rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid() ^ 0x2545f4914f6cdd1dULL;
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		struct param *p = add(r, builtins[i].name, strlen(builtins[i].name));
		if (!p) {
			cfg_oom(r);
			return;
		}
		p->builtin = builtins[i].b;
	}
}

void cfg_params_free(struct reader *r)
{
	for (size_t i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
	}
	free(r->params);
	r->params = NULL;
	r->nparams = r->params_cap = 0;
}

void cfg_pending_free(struct pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].text);
	free(p->v);
	*p = (struct pending){ 0 };
}

/* ---- definitions ---- */

bool cfg_param_define(struct reader *r, const char *text)
{
	if (text[0] != '$' || !name_start(text[1]))
		return false;
	const char *p = text + 2;
	while (name_char(*p))
		p++;
	if (*p != '=')
		return false;
	const char *name = text + 1;
	size_t len = (size_t)(p - name);
	const char *value = p + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	size_t vlen = strlen(value);
	bool block = vlen > 0 && value[vlen - 1] == '\\';
	if (block) {
		vlen--;
		while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
			vlen--;
	}
	struct param *def = set(r, name, len, value, vlen);
	if (!def || !block)
		return true;
	def->multiline = true;
	if (def->value_len > 0) {
		/* the first line of the block, ended as the others will be */
		char *v = realloc(def->value, def->value_len + 2);
		if (!v) {
			cfg_oom(r);
			return true;
		}
		v[def->value_len++] = '\n';
		v[def->value_len] = '\0';
		def->value = v;
	}
	r->defining = (size_t)(def - r->params);
	return true;
}

static void end_definition(struct reader *r)
{
	struct param *def = &r->params[r->defining];
	/* nothing but `\` lines: a plain, empty parameter */
	if (def->value_len == 0)
		def->multiline = false;
	r->defining = SIZE_MAX;
}

void cfg_param_continue(struct reader *r, const char *line)
{
	struct param *def = &r->params[r->defining];
	size_t len = strlen(line);
	if (len == 0) {
		/* a blank or comment-only line ends the block, as in keepalived */
		end_definition(r);
		return;
	}
	bool more = line[len - 1] == '\\';
	if (more) {
		len--;
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
	}
	if (len > 0) {
		char *v = realloc(def->value, def->value_len + len + 2);
		if (!v) {
			cfg_oom(r);
			return;
		}
		memcpy(v + def->value_len, line, len);
		def->value_len += len;
		if (more)
			v[def->value_len++] = '\n';
		v[def->value_len] = '\0';
		def->value = v;
	}
	if (!more)
		end_definition(r);
}

/* ---- uses ---- */

struct ref {
	size_t param;
	size_t span;		/* bytes from the `$` */
	const char *args;	/* ${_RANDOM MIN MAX}: the digits and blanks, or NULL */
	size_t args_len;
};

/* Whether s[at] (a `$`) starts a use of a defined parameter, by keepalived's rules. */
static bool find_ref(struct reader *r, const char *s, size_t len, size_t at, struct ref *ref)
{
	size_t i = at + 1;
	bool braced = i < len && s[i] == '{';
	i += braced;
	if (i >= len || !name_start(s[i]))
		return false;
	size_t name = i;
	while (i < len && name_char(s[i]))
		i++;
	size_t name_len = i - name;
	ref->args = NULL;
	ref->args_len = 0;
	if (braced) {
		size_t first = 0, last = 0;
		bool any = false;
		while (i < len && (s[i] == ' ' || isdigit((unsigned char)s[i]))) {
			if (s[i] != ' ') {
				if (!any)
					first = i;
				any = true;
				last = i;
			}
			i++;
		}
		if ((any && last + 1 != i) || i >= len || s[i] != '}')
			return false;
		if (any) {
			ref->args = s + first;
			ref->args_len = last + 1 - first;
		}
		ref->span = i + 1 - at;
	} else {
		if (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != ',' && s[i] != ')')
			return false;
		ref->span = i - at;
	}
	struct param *p = find(r, s + name, name_len, &ref->param);
	if (!p)
		return false;
	if (p->multiline && at + ref->span != len)
		return false;	/* a block only where it ends the line */
	if (ref->args && p->builtin != BUILTIN_RANDOM)
		return false;
	return true;
}

static uint64_t next_random(struct reader *r)
{
	uint64_t x = r->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	r->rng = x;
	return x >> 33;		/* 31 bits, as random(3) gives */
}

/* ${_RANDOM [MIN [MAX]]}: a number in [MIN, MAX], 0 and 32767 by default. */
static void random_value(struct reader *r, const struct ref *ref, char *buf, size_t size)
{
	unsigned long lo = 0, hi = RANDOM_MAX_DEFAULT;
	if (ref->args) {
		char args[64];
		size_t n = ref->args_len < sizeof args - 1 ? ref->args_len : sizeof args - 1;
		memcpy(args, ref->args, n);
		args[n] = '\0';
		char *end;
		lo = strtoul(args, &end, 10);
		if (*end)
			hi = strtoul(end, &end, 10);
	}
	/* every read gives another value: a reload cannot be skipped as unchanged */
	r->unrepeatable = true;
	unsigned long span = hi - lo + 1;	/* MIN > MAX wraps, as in keepalived */
	unsigned long v = (unsigned long)next_random(r);
	snprintf(buf, size, "%lu", (span ? v % span : v) + lo);
}

/* The text a use is replaced by: a value, a built-in one, or a block's first line. */
static const char *ref_value(struct reader *r, const struct ref *ref, char *tmp, size_t size, size_t *len)
{
	const struct param *p = &r->params[ref->param];
	const char *v;
	switch (p->builtin) {
	case BUILTIN_PWD:
		v = cfg_pwd(r);
		break;
	case BUILTIN_INSTANCE:
		v = r->config_id;
		break;
	case BUILTIN_RANDOM:
		random_value(r, ref, tmp, size);
		v = tmp;
		break;
	case BUILTIN_HASH:
		v = "#";
		break;
	case BUILTIN_BANG:
		v = "!";
		break;
	default:
		*len = p->multiline ? strcspn(p->value, "\n") : p->value_len;
		return p->value;
	}
	*len = v ? strlen(v) : 0;
	return v;
}

static int loop_error(struct reader *r, struct cfg_pos pos, const size_t *chain, unsigned n, size_t again)
{
	struct strbuf msg = { 0 };
	int rc = 0;
	for (unsigned i = 0; i < n && rc == 0; i++)
		rc = sb_puts(&msg, "$") | sb_puts(&msg, r->params[chain[i]].name) | sb_puts(&msg, " -> ");
	if (rc == 0)
		rc = sb_puts(&msg, "$") | sb_puts(&msg, r->params[again].name);
	if (rc == 0)
		cfg_error(r->diag, pos, "parameter loop: %s (keepalived never ends reading it)", msg.s);
	else
		cfg_oom(r);
	sb_free(&msg);
	return -1;
}

/* The block's lines after the first, for the caller to read next. */
static int push_rest(struct reader *r, struct pending *rest, size_t param)
{
	const struct param *p = &r->params[param];
	const char *nl = strchr(p->value, '\n');
	if (!nl || nl[1] == '\0')
		return 0;
	if (rest->n == rest->cap) {
		size_t cap = rest->cap ? rest->cap * 2 : 4;
		struct pending_lines *v = realloc(rest->v, cap * sizeof *v);
		if (!v)
			return cfg_oom(r);
		rest->v = v;
		rest->cap = cap;
	}
	char *text = strdup(nl + 1);
	if (!text)
		return cfg_oom(r);
	rest->v[rest->n++] = (struct pending_lines){ .text = text, .param = param };
	return 0;
}

/*
 * Each replacement is read again in place, so what it holds is replaced in turn. A value being read again
 * is a region of the line that ends a fixed distance before the line's end (what follows never changes
 * while the scan is inside it); a use of a parameter inside its own region would never end.
 */
int cfg_param_expand(struct reader *r, struct strbuf *buf, struct cfg_pos pos, struct pending *rest)
{
	struct {
		size_t param;
		size_t tail;	/* bytes after the region, to the end of the line */
	} active[MAX_PARAM_NESTING];
	size_t chain[MAX_PARAM_NESTING];
	unsigned depth = 0, subs = 0;
	int changed = 0;
	size_t at = 0;
	for (;;) {
		const char *d = at < buf->len ? memchr(buf->s + at, '$', buf->len - at) : NULL;
		if (!d || (size_t)(d - buf->s) + 1 >= buf->len)
			break;
		at = (size_t)(d - buf->s);
		struct ref ref;
		if (!find_ref(r, buf->s, buf->len, at, &ref)) {
			at++;
			continue;
		}
		while (depth > 0 && at >= buf->len - active[depth - 1].tail)
			depth--;
		for (unsigned i = 0; i < depth; i++)
			chain[i] = active[i].param;
		for (unsigned i = 0; i < depth; i++)
			if (active[i].param == ref.param)
				return loop_error(r, pos, chain + i, depth - i, ref.param);
		const struct param *p = &r->params[ref.param];
		for (unsigned i = 0; p->multiline && i < r->nblock_params; i++)
			if (r->block_params[i] == ref.param)
				return loop_error(r, pos, r->block_params + i, r->nblock_params - i, ref.param);
		if (++r->substitutions > SUBSTITUTION_BUDGET + SUBSTITUTIONS_PER_LINE * r->generated) {
			cfg_error(r->diag, pos, "parameter expansion too long");
			return -1;
		}
		if (depth == MAX_PARAM_NESTING || ++subs > MAX_SUBSTITUTIONS) {
			cfg_error(r->diag, pos, "parameters nested too deeply, or too many of them on one line");
			return -1;
		}
		char tmp[32];
		size_t vlen;
		const char *v = ref_value(r, &ref, tmp, sizeof tmp, &vlen);
		if (!v)
			return cfg_oom(r);
		if (buf->len - ref.span + vlen > CFG_LINE_MAX) {
			cfg_warning(r->diag, pos, "expanding $%s would make the line longer than %d bytes; it is left "
				    "as written from there on, as keepalived does", p->name, CFG_LINE_MAX);
			return changed | EXPAND_STOPPED;
		}
		/* the value may be the parameter's own storage, which the splice does not touch */
		size_t after = buf->len - at - ref.span;
		if (vlen > ref.span && sb_reserve(buf, vlen - ref.span) < 0)
			return cfg_oom(r);
		memmove(buf->s + at + vlen, buf->s + at + ref.span, after + 1);
		memcpy(buf->s + at, v, vlen);
		buf->len = at + vlen + after;
		changed = EXPAND_CHANGED;
		if (p->multiline && push_rest(r, rest, ref.param) < 0)
			return -1;
		active[depth].param = ref.param;
		active[depth].tail = after;
		depth++;
		/* a value that is a generator is read as one before anything in it is replaced */
		if (p->builtin == BUILTIN_NONE && *cfg_skip_blanks(p->value) == '~')
			break;
	}
	return changed;
}
