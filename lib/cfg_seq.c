/*
 * Line generators, as keepalived 2.2.7 reads them:
 * - `~SEQ(VAR, [START, [STEP,]] END) TEXT` reads TEXT once per value of $VAR; ~SEQx writes the values in
 *   hexadecimal. The numbers may be parameters (`$FIRST`, `${LAST}`) and are C numbers (0x10, 010);
 *   START defaults to 1, or -1 when END is negative; STEP to 1 or -1, toward END. The first value is
 *   always read. A STEP of 0 or away from END, ~SEQx with a negative bound, or anything else malformed
 *   is an error keepalived logs before ignoring the line.
 * - `~LST(VAR, A, B, ...) TEXT` reads TEXT with $VAR set to each value; `~LST({V1, V2}, {A1, A2}, ...)`
 *   sets several at a time. Values are kept as written (a `$NAME` in one is replaced where it is used)
 *   and may not hold blanks or braces.
 * TEXT is a line like any other: it may be another generator, a definition, an include or a block
 * parameter. The variables keep their last value afterwards.
 */
#include "lib/cfg_reader.h"

#include <stdlib.h>
#include <string.h>

enum {
	SEQ_ARGS_MAX = 63,	/* keepalived copies the numbers into 64 bytes */
	LST_MAX_VARS = 16,
};

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool count_line(struct reader *r, struct cfg_pos pos)
{
	if (r->generated++ == CFG_MAX_GENERATED_LINES)
		cfg_error(r->diag, pos, "~SEQ / ~LST generate too many lines (limit %d)", CFG_MAX_GENERATED_LINES);
	return r->generated <= CFG_MAX_GENERATED_LINES;
}

/* ---- ~SEQ ---- */

struct seq {
	const char *var;
	size_t var_len;
	long start, step, end;
	bool hex;
	const char *text;
};

/* The numbers after the variable, parameters replaced, as keepalived's strtol reads them. */
static const char *seq_numbers(struct reader *r, const char *args, size_t len, struct cfg_pos pos, struct seq *s)
{
	struct strbuf buf = { 0 };
	struct pending rest = { 0 };
	const char *err = NULL;
	if (sb_set(&buf, args, len) < 0) {
		cfg_oom(r);
		return "out of memory";
	}
	int rc = cfg_param_expand(r, &buf, pos, &rest);
	if (rc < 0)
		err = "a parameter in it cannot be expanded";
	else if (rest.n > 0)
		err = "a number is a block parameter";
	char *p = buf.s;
	long v[3];
	int n = 0;
	while (!err) {
		v[n++] = strtol(p, &p, 0);
		p = (char *)skip_sp(p);
		if (*p == ')')
			break;
		if (*p != ',' || n == 3)
			err = "expected 1 to 3 numbers";
		p++;
	}
	if (!err) {
		s->end = v[n - 1];
		if (n == 1) {
			s->step = s->end < 1 ? -1 : 1;
			s->start = s->end < 0 ? -1 : 1;
		} else if (n == 2) {
			s->start = v[0];
			s->step = s->start <= s->end ? 1 : -1;
		} else {
			s->start = v[0];
			s->step = v[1];
			if (s->step == 0 || (s->start < s->end && s->step < 0) || (s->start > s->end && s->step > 0))
				err = "the step is 0 or goes away from the end";
		}
	}
	if (!err && s->hex && (s->start < 0 || s->end < 0))
		err = "~SEQx takes no negative numbers";
	sb_free(&buf);
	cfg_pending_free(&rest);
	return err;
}

static const char *parse_seq(struct reader *r, const char *text, struct cfg_pos pos, struct seq *s)
{
	const char *p = text + 4;
	s->hex = *p == 'x';
	p = skip_sp(p + s->hex);
	if (*p++ != '(')
		return "expected '(' after ~SEQ";
	p = skip_sp(p);
	s->var = p;
	p += strcspn(p, " \t,)");
	s->var_len = (size_t)(p - s->var);
	p = skip_sp(p);
	if (!*p || *p == ')' || s->var_len == 0)
		return "expected a variable and 1 to 3 numbers";
	p = skip_sp(p + 1);	/* the `,`, or whatever stands there, as keepalived skips it */
	const char *close = strchr(p, ')');
	if (!close)
		return "missing ')'";
	if ((size_t)(close + 1 - p) > SEQ_ARGS_MAX)
		return "the numbers are too long";
	const char *err = seq_numbers(r, p, (size_t)(close + 1 - p), pos, s);
	s->text = skip_sp(close + 1);
	return err;
}

static void run_seq(struct reader *r, const char *text, struct cfg_pos pos, unsigned nesting)
{
	struct seq s = { 0 };
	const char *err = parse_seq(r, text, pos, &s);
	if (err) {
		if (!r->failed)
			cfg_recovered(r->diag, pos, "~SEQ: %s; the line is ignored, as keepalived does", err);
		return;
	}
	/* text belongs to the caller's buffer, which the lines read meanwhile do not touch */
	long v = s.start;
	do {
		if (!count_line(r, pos))
			return;
		char num[24];
		if (s.hex)
			snprintf(num, sizeof num, "%lx", (unsigned long)v);
		else
			snprintf(num, sizeof num, "%ld", v);
		if (cfg_param_set(r, s.var, s.var_len, num, strlen(num)) < 0)
			return;
		cfg_run_text(r, s.text, strlen(s.text), pos, nesting + 1);
		if (__builtin_add_overflow(v, s.step, &v))
			break;
	} while (!r->failed && (s.step > 0 ? v <= s.end : v >= s.end));
}

/* ---- ~LST ---- */

struct span {
	const char *s;
	size_t len;
};

struct lst {
	struct span vars[LST_MAX_VARS];
	unsigned nvars;
	const char *values;	/* the first value, just after the variables' `,` */
	const char *text;
};

/* One item of a list, up to one of the stop characters; trimmed; NULL when it holds a blank or brace. */
static const char *item(const char *p, const char *stops, struct span *out)
{
	p = skip_sp(p);
	const char *end = p + strcspn(p, stops);
	const char *last = end;
	while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
		last--;
	for (const char *q = p; q < last; q++)
		if (*q == ' ' || *q == '\t' || *q == '{' || *q == '}')
			return NULL;
	*out = (struct span){ p, (size_t)(last - p) };
	return end;
}

/* `{a, b, c}` (p at the `{`) into at most max items; returns what follows the `}`, NULL if malformed. */
static const char *group(const char *p, struct span *items, unsigned max, unsigned *n)
{
	*n = 0;
	p++;
	for (;;) {
		struct span it;
		p = item(p, ",}", &it);
		if (!p || !*p)
			return NULL;
		if (*n < max)
			items[*n] = it;
		(*n)++;
		if (*p++ == '}')
			return p;
	}
}

/* Walks the values from l->values; calls each with the items of one value. Returns false if malformed. */
static bool lst_values(struct reader *r, const struct lst *l, struct cfg_pos pos, unsigned nesting, bool run)
{
	const char *p = l->values;
	unsigned count = 0;
	for (;;) {
		struct span items[LST_MAX_VARS];
		unsigned n = 1;
		p = skip_sp(p);
		if (*p == '{')
			p = group(p, items, LST_MAX_VARS, &n);
		else
			p = item(p, ",)", &items[0]);
		if (!p)
			return false;
		p = skip_sp(p);
		if (*p != ',' && *p != ')')
			return false;
		count++;
		for (unsigned i = 0; run && i < n && i < l->nvars; i++)
			if (cfg_param_set(r, l->vars[i].s, l->vars[i].len, items[i].s, items[i].len) < 0)
				return true;
		if (run) {
			if (!count_line(r, pos))
				return true;
			cfg_run_text(r, l->text, strlen(l->text), pos, nesting + 1);
			if (r->failed)
				return true;
		}
		if (*p++ == ')')
			return count > 0;
	}
}

static bool parse_lst(struct reader *r, const char *text, struct cfg_pos pos, struct lst *l)
{
	const char *p = skip_sp(text + 4);
	if (*p++ != '(')
		return false;
	p = skip_sp(p);
	if (*p == '{') {
		p = group(p, l->vars, LST_MAX_VARS, &l->nvars);
		if (!p || l->nvars > LST_MAX_VARS)
			return false;
	} else {
		const char *v = p;
		p += strcspn(p, " \t,)");
		l->vars[0] = (struct span){ v, (size_t)(p - v) };
		l->nvars = 1;
	}
	for (unsigned i = 0; i < l->nvars; i++)
		if (l->vars[i].len == 0)
			return false;
	p = skip_sp(p);
	if (*p++ != ',')
		return false;
	l->values = p;
	if (!lst_values(r, l, pos, 0, false))
		return false;
	/* the text starts after the `)` that ends the values */
	const char *q = l->values;
	for (;;) {
		q = skip_sp(q);
		if (*q == '{')
			q = strchr(q, '}') + 1;
		q += strcspn(q, ",)");
		if (*q++ == ')')
			break;
	}
	l->text = skip_sp(q);
	return true;
}

bool cfg_generator(struct reader *r, const char *text, struct cfg_pos pos, unsigned nesting)
{
	if (strncmp(text, "~SEQ", 4) == 0) {
		run_seq(r, text, pos, nesting);
		return true;
	}
	if (strncmp(text, "~LST", 4) != 0)
		return false;
	struct lst l;
	if (!parse_lst(r, text, pos, &l))
		cfg_recovered(r->diag, pos, "~LST: expected ~LST(VAR, VALUE, ...) or ~LST({VAR, ...}, {VALUE, ...}, "
			      "...) with no blanks in values; the line is ignored, as keepalived does");
	else
		lst_values(r, &l, pos, nesting, true);
	return true;
}
