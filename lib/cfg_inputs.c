/*
 * What a read of the configuration depended on, so that a reload of byte-identical files can keep the
 * configuration in force instead of parsing it again (a 5 MB file is a second of a slow machine's time).
 *
 * A read depends on the config id (for @id lines), on the text of every file it read and on the names
 * every `include` pattern matched; nothing else (environment, users, interfaces) is consulted before the
 * children run. Which files and patterns are read follows from the text read before them, so if each
 * recorded input is still the same, in order, reading again would produce the same statements.
 *
 * Contents are compared by a 128-bit digest rather than kept: it only has to notice an edit, not resist
 * someone who can already write the configuration.
 */
#include "lib/cfg_inputs.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xc2b2ae3d27d4eb4fULL
#define K3 0x165667b19e3779f9ULL

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

/* The two lanes do not depend on each other, so a word costs about one multiply of latency. */
static inline void mix_word(struct cfg_digest *d, uint64_t w)
{
	d->a = rotl(d->a ^ w * K1, 31) * K2;
	d->b = rotl(d->b + w * K3, 27) * K1;
}

void cfg_digest_init(struct cfg_digest *d)
{
	*d = (struct cfg_digest){ .a = K3, .b = K2 };
}

void cfg_digest_add(struct cfg_digest *d, const void *data, size_t n)
{
	const unsigned char *p = data;
	d->len += n;
	if (d->ntail > 0) {
		size_t take = 8 - d->ntail < n ? 8 - d->ntail : n;
		memcpy(d->tail + d->ntail, p, take);
		d->ntail += (unsigned)take;
		p += take;
		n -= take;
		if (d->ntail < 8)
			return;
		uint64_t w;
		memcpy(&w, d->tail, 8);
		mix_word(d, w);
		d->ntail = 0;
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		mix_word(d, w);
	}
	memcpy(d->tail, p, n);
	d->ntail = (unsigned)n;
}

static uint64_t avalanche(uint64_t x)
{
	x ^= x >> 33;
	x *= K2;
	x ^= x >> 29;
	x *= K3;
	return x ^ x >> 32;
}

void cfg_digest_end(const struct cfg_digest *d, struct cfg_sum *out)
{
	struct cfg_digest last = *d;
	if (last.ntail > 0) {
		uint64_t w = 0;
		memcpy(&w, last.tail, last.ntail);
		mix_word(&last, w);
	}
	/* the length tells "ab" from "ab\0" */
	out->lo = avalanche(last.a ^ rotl(last.b, 17) ^ last.len);
	out->hi = avalanche(last.b + rotl(last.a, 41) + last.len * K1);
	out->len = last.len;
}

static bool sum_equal(const struct cfg_sum *x, const struct cfg_sum *y)
{
	return x->lo == y->lo && x->hi == y->hi && x->len == y->len;
}

/* ---- recording, while reading ---- */

int cfg_inputs_add(struct cfg_inputs *in, enum cfg_input_kind kind, const char *what, size_t *index)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 8;
		struct cfg_input *v = realloc(in->v, cap * sizeof *v);
		if (!v)
			return -1;
		in->v = v;
		in->cap = cap;
	}
	char *copy = strdup(what);
	if (!copy)
		return -1;
	in->v[in->n] = (struct cfg_input){ .kind = kind, .what = copy };
	*index = in->n++;
	return 0;
}

void cfg_glob_sum(int rc, const glob_t *g, struct cfg_sum *out)
{
	struct cfg_digest d;
	cfg_digest_init(&d);
	/* "nothing matched" and "matched nothing readable" are not the same outcome */
	int32_t outcome = rc;
	cfg_digest_add(&d, &outcome, sizeof outcome);
	for (size_t i = 0; rc == 0 && i < g->gl_pathc; i++)
		cfg_digest_add(&d, g->gl_pathv[i], strlen(g->gl_pathv[i]) + 1);
	cfg_digest_end(&d, out);
}

void cfg_dir_sum(const char *resolved, struct cfg_sum *out)
{
	struct cfg_digest d;
	cfg_digest_init(&d);
	cfg_digest_add(&d, resolved, strlen(resolved));
	cfg_digest_end(&d, out);
}

const char *cfg_effective_id(const struct cfg_read_opts *opts, char *buf, size_t len)
{
	if (opts && opts->config_id)
		return opts->config_id;
	if (gethostname(buf, len - 1) < 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
	buf[strcspn(buf, ".")] = '\0';
	return buf;
}

void cfg_inputs_free(struct cfg_inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i].what);
	free(in->v);
	free(in->config_id);
	*in = (struct cfg_inputs){ 0 };
}

/* ---- checking, at a reload ---- */

static bool file_unchanged(const struct cfg_input *f)
{
	int fd = open(f->what, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	struct stat st;
	/* a pipe or a device would be consumed by looking at it */
	bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == f->sum.len;
	struct cfg_digest d;
	cfg_digest_init(&d);
	char buf[64 * 1024];
	while (same) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			same = n == 0;
			break;
		}
		cfg_digest_add(&d, buf, (size_t)n);
		same = d.len <= f->sum.len;
	}
	close(fd);
	if (!same)
		return false;
	struct cfg_sum now;
	cfg_digest_end(&d, &now);
	return sum_equal(&now, &f->sum);
}

static bool glob_unchanged(const struct cfg_input *p)
{
	glob_t g;
	memset(&g, 0, sizeof g);
	int rc = glob(p->what, CFG_GLOB_FLAGS, NULL, &g);
	if (rc == GLOB_NOSPACE) {
		globfree(&g);
		return false;
	}
	struct cfg_sum now;
	cfg_glob_sum(rc, &g, &now);
	globfree(&g);
	return sum_equal(&now, &p->sum);
}

/* A directory that now resolves elsewhere (a symbolic link moved, another working directory) changes
 * ${_PWD}, whatever the files hold. */
static bool dir_unchanged(const struct cfg_input *p)
{
	char *abs = realpath(p->what, NULL);
	if (!abs)
		return false;
	struct cfg_sum now;
	cfg_dir_sum(abs, &now);
	free(abs);
	return sum_equal(&now, &p->sum);
}

bool cfg_inputs_unchanged(const struct cfg_inputs *in, const struct cfg_read_opts *opts)
{
	if (!in->complete)
		return false;
	char host[HOST_NAME_MAX + 1];
	if (strcmp(cfg_effective_id(opts, host, sizeof host), in->config_id) != 0)
		return false;
	for (size_t i = 0; i < in->n; i++) {
		const struct cfg_input *x = &in->v[i];
		bool same = x->kind == CFG_INPUT_FILE ? file_unchanged(x)
			    : x->kind == CFG_INPUT_GLOB ? glob_unchanged(x)
							: dir_unchanged(x);
		if (!same)
			return false;
	}
	return true;
}
