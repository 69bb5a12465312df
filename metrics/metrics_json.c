/* See metrics_json.h. Containers are built on a stack of members and copied into the arena when they
 * close, so each lands in one piece of the size it turned out to have. */
#include "metrics/metrics_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK ((size_t)1 << 20)

struct block {
	struct block *next;
	size_t used, size;
	max_align_t mem[];
};

struct mj_doc {
	struct block *blocks;
	struct mj root;
};

struct parser {
	const char *p, *end;
	struct mj_doc *doc;
	struct mj_member *stack;	/* the members of the containers still open */
	size_t sp, cap;
	int depth;
};

static void *
arena(struct mj_doc *d, size_t n)
{
	struct block *b = d->blocks;
	size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);

	if (b == NULL || b->size - b->used < need) {
		size_t size = need > ARENA_BLOCK ? need : ARENA_BLOCK;

		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = d->blocks;
		d->blocks = b;
	}
	b->used += need;
	return (char *)b->mem + b->used - need;
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* A string after its opening quote; the decoded text is never longer than the escaped one. */
static const char *
string(struct parser *ps)
{
	const char *s = ps->p, *q = s;
	char *out, *o;

	while (q < ps->end && *q != '"') {
		if ((unsigned char)*q < 0x20)
			return NULL;
		q += *q == '\\' ? 2 : 1;
	}
	if (q >= ps->end || (out = arena(ps->doc, (size_t)(q - s) + 1)) == NULL)
		return NULL;
	for (o = out; s < q; ) {
		unsigned cp, lo;

		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (q - s < 4 || hex4(s, &cp) == -1)
				return NULL;
			s += 4;
			/* a surrogate pair is one character; a lone surrogate is kept as U+FFFD */
			if (cp >= 0xd800 && cp < 0xdc00 && q - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
			    hex4(s + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;
			}
			/* "\u0000" would end the C string early: kept as U+FFFD too */
			o = put_utf8(o, cp == 0 ? 0xfffd : cp);
			break;
		default:
			return NULL;
		}
	}
	*o = '\0';
	ps->p = q + 1;
	return out;
}

static int
number(struct parser *ps, struct mj *v)
{
	const char *s = ps->p;
	bool frac = false;
	char buf[64], *end;
	size_t n;

	for (; ps->p < ps->end; ps->p++) {
		char c = *ps->p;

		if (c == '.' || c == 'e' || c == 'E')
			frac = true;
		else if (!(c >= '0' && c <= '9') && c != '-' && c != '+')
			break;
	}
	n = (size_t)(ps->p - s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (!frac) {
		v->type = MJ_INT;
		v->u.i = strtoll(buf, &end, 10);
		if (*end == '\0' && errno == 0)
			return 0;
	}
	v->type = MJ_DOUBLE;
	v->u.d = strtod(buf, &end);
	return *end == '\0' ? 0 : -1;
}

static int
push(struct parser *ps, const char *key, const struct mj *v)
{
	if (ps->sp == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 1024;
		struct mj_member *s = reallocarray(ps->stack, cap, sizeof(*s));

		if (s == NULL)
			return -1;
		ps->stack = s;
		ps->cap = cap;
	}
	ps->stack[ps->sp].key = key;
	ps->stack[ps->sp].v = *v;
	ps->sp++;
	return 0;
}

static int value(struct parser *ps, struct mj *v);

/* An array or object after its opening bracket. */
static int
container(struct parser *ps, struct mj *v, bool object)
{
	size_t base = ps->sp, n;
	char close = object ? '}' : ']';

	if (++ps->depth > MJ_DEPTH_MAX)
		return -1;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
	} else {
		for (;;) {
			const char *key = NULL;
			struct mj item;

			skip_ws(ps);
			if (object) {
				if (ps->p >= ps->end || *ps->p != '"')
					return -1;
				ps->p++;
				if ((key = string(ps)) == NULL)
					return -1;
				skip_ws(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return -1;
				ps->p++;
			}
			if (value(ps, &item) == -1 || push(ps, key, &item) == -1)
				return -1;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				continue;
			}
			if (ps->p < ps->end && *ps->p == close) {
				ps->p++;
				break;
			}
			return -1;
		}
	}
	n = ps->sp - base;
	v->type = object ? MJ_OBJECT : MJ_ARRAY;
	v->n = (uint32_t)n;
	v->u.m = NULL;
	if (n > 0) {
		if ((v->u.m = arena(ps->doc, n * sizeof(struct mj_member))) == NULL)
			return -1;
		memcpy(v->u.m, ps->stack + base, n * sizeof(struct mj_member));
	}
	ps->sp = base;
	ps->depth--;
	return 0;
}

static bool
word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static int
value(struct parser *ps, struct mj *v)
{
	memset(v, 0, sizeof(*v));
	skip_ws(ps);
	if (ps->p >= ps->end)
		return -1;
	switch (*ps->p) {
	case '{':
	case '[':
		return container(ps, v, *ps->p++ == '{');
	case '"':
		ps->p++;
		v->type = MJ_STRING;
		return (v->u.s = string(ps)) != NULL ? 0 : -1;
	case 't':
		v->type = MJ_BOOL;
		v->u.b = true;
		return word(ps, "true") ? 0 : -1;
	case 'f':
		v->type = MJ_BOOL;
		return word(ps, "false") ? 0 : -1;
	case 'n':
		return word(ps, "null") ? 0 : -1;
	default:
		return number(ps, v);
	}
}

struct mj_doc *
mj_parse(const char *text, size_t len)
{
	struct parser ps = { .p = text, .end = text + len };
	int r;

	if ((ps.doc = calloc(1, sizeof(*ps.doc))) == NULL)
		return NULL;
	r = value(&ps, &ps.doc->root);
	skip_ws(&ps);
	free(ps.stack);
	if (r == -1 || ps.p != ps.end) {
		mj_free(ps.doc);
		return NULL;
	}
	return ps.doc;
}

const struct mj *
mj_root(const struct mj_doc *doc)
{
	return &doc->root;
}

void
mj_free(struct mj_doc *doc)
{
	struct block *b, *next;

	if (doc == NULL)
		return;
	for (b = doc->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

const struct mj *
mj_get(const struct mj *o, const char *key)
{
	if (o == NULL || o->type != MJ_OBJECT)
		return NULL;
	for (uint32_t i = 0; i < o->n; i++)
		if (strcmp(o->u.m[i].key, key) == 0)
			return &o->u.m[i].v;
	return NULL;
}

const struct mj *
mj_item(const struct mj *a, size_t i)
{
	if (a == NULL || (a->type != MJ_ARRAY && a->type != MJ_OBJECT) || i >= a->n)
		return NULL;
	return &a->u.m[i].v;
}

size_t
mj_len(const struct mj *a)
{
	return a != NULL && (a->type == MJ_ARRAY || a->type == MJ_OBJECT) ? a->n : 0;
}
