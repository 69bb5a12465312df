/*
 * Diagnostics of a configuration parse: formatted "FILE:LINE: message" strings, kept until freed.
 *
 * Running out of memory here is fatal rather than unwound: a diagnostic that cannot be stored would make
 * a broken configuration look valid, and this is the channel errors would be reported on.
 */
#include "lib/cfg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

enum { DEFAULT_MAX_MESSAGES = 100 };

void cfg_diag_init(struct cfg_diag *d, const struct cfg_files *files)
{
	*d = (struct cfg_diag){ .files = files };
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void cfg_diag_free(struct cfg_diag *d)
{
	free_list(d->errors, d->nerrors);
	free_list(d->warnings, d->nwarnings);
	free_list(d->recovered, d->nrecovered);
	d->recovered = NULL;
	d->nrecovered = 0;
	d->errors = NULL;
	d->nerrors = 0;
	d->warnings = NULL;
	d->nwarnings = 0;
}

const char *cfg_file_name(const struct cfg_files *files, struct cfg_pos pos)
{
	if (!files || pos.file >= files->count || !files->names[pos.file])
		return "?";
	return files->names[pos.file];
}

__attribute__((format(printf, 1, 0)))
static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatalx("cannot format a configuration diagnostic");
	char *s = malloc((size_t)n + 1);
	if (!s)
		fatalx("out of memory storing a configuration diagnostic");
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

__attribute__((format(printf, 1, 2)))
static char *format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

/* Lists grow to the next power of two, so no capacity field is needed in the public struct. */
static void append(char ***list, size_t *n, char *msg)
{
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		char **v = realloc(*list, cap * sizeof *v);
		if (!v)
			fatalx("out of memory storing a configuration diagnostic");
		*list = v;
	}
	(*list)[(*n)++] = msg;
}

/* Whether another message fits; past the limit one closing line says the rest were dropped. */
static bool room_for(const struct cfg_diag *d, char ***list, size_t *n, const char *what)
{
	size_t max = d->max_errors ? d->max_errors : DEFAULT_MAX_MESSAGES;
	if (*n < max)
		return true;
	if (*n == max)
		append(list, n, format("too many %s", what));
	return false;
}

__attribute__((format(printf, 3, 0)))
static char *vformat_at(const struct cfg_diag *d, struct cfg_pos pos, const char *fmt, va_list ap)
{
	char *msg = vformat(fmt, ap);
	char *s = pos.line ? format("%s:%u: %s", cfg_file_name(d->files, pos), (unsigned)pos.line, msg)
			   : format("%s: %s", cfg_file_name(d->files, pos), msg);
	free(msg);
	return s;
}

void cfg_vdiag(struct cfg_diag *d, enum cfg_diag_kind kind, struct cfg_pos pos, const char *fmt, va_list ap)
{
	if (kind == CFG_DIAG_RECOVERED && d->strict)
		kind = CFG_DIAG_ERROR;
	char ***list = kind == CFG_DIAG_ERROR ? &d->errors : kind == CFG_DIAG_WARNING ? &d->warnings : &d->recovered;
	size_t *n = kind == CFG_DIAG_ERROR ? &d->nerrors : kind == CFG_DIAG_WARNING ? &d->nwarnings : &d->nrecovered;
	static const char *const what[] = { [CFG_DIAG_ERROR] = "errors", [CFG_DIAG_WARNING] = "warnings",
					    [CFG_DIAG_RECOVERED] = "recovered errors" };

	if (room_for(d, list, n, what[kind]))
		append(list, n, vformat_at(d, pos, fmt, ap));
}

void cfg_error(struct cfg_diag *d, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_vdiag(d, CFG_DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void cfg_warning(struct cfg_diag *d, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_vdiag(d, CFG_DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void cfg_recovered(struct cfg_diag *d, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_vdiag(d, CFG_DIAG_RECOVERED, pos, fmt, ap);
	va_end(ap);
}

void cfg_error_nopos(struct cfg_diag *d, const char *fmt, ...)
{
	if (!room_for(d, &d->errors, &d->nerrors, "errors"))
		return;
	va_list ap;
	va_start(ap, fmt);
	append(&d->errors, &d->nerrors, vformat(fmt, ap));
	va_end(ap);
}

/* global_defs config_strict is read after what it governs: the recoveries already made become errors. */
void cfg_diag_refuse_recovered(struct cfg_diag *d)
{
	for (size_t i = 0; i < d->nrecovered; i++) {
		if (room_for(d, &d->errors, &d->nerrors, "errors"))
			append(&d->errors, &d->nerrors, d->recovered[i]);
		else
			free(d->recovered[i]);
	}
	free(d->recovered);
	d->recovered = NULL;
	d->nrecovered = 0;
	d->strict = true;
}
