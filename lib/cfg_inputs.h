/* Recording what a read depends on (cfg_inputs.c), for the reader; others use cfg_inputs_unchanged. */
#ifndef VIPD_CFG_INPUTS_H
#define VIPD_CFG_INPUTS_H

#include <glob.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cfg.h"

struct cfg_digest {
	uint64_t a, b, len;
	unsigned char tail[8];
	unsigned ntail;
};

void cfg_digest_init(struct cfg_digest *d);
void cfg_digest_add(struct cfg_digest *d, const void *data, size_t n);
void cfg_digest_end(const struct cfg_digest *d, struct cfg_sum *out);

/* How include patterns are expanded, by the reader and when checking them again. */
#define CFG_GLOB_FLAGS (GLOB_MARK | GLOB_BRACE)

/* Appends an input with an empty sum; -1 when out of memory. */
int cfg_inputs_add(struct cfg_inputs *in, enum cfg_input_kind kind, const char *what, size_t *index);
/* The sum of glob()'s outcome: its return code and, on success, the names in order. */
void cfg_glob_sum(int rc, const glob_t *g, struct cfg_sum *out);
/* The sum of the absolute directory a name resolved to. */
void cfg_dir_sum(const char *resolved, struct cfg_sum *out);
/* opts' config id, or the host name up to its first dot (written into buf). */
const char *cfg_effective_id(const struct cfg_read_opts *opts, char *buf, size_t len);
void cfg_inputs_free(struct cfg_inputs *in);

#endif
