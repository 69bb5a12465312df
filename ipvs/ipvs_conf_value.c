/*
 * Lenient value handlers (ipvs/ipvs_conf.h) and the removal of objects keepalived drops. keepalived 2.2.7
 * logs a value it cannot parse in these blocks and goes on with the setting unchanged; so do these, as a
 * recovery, which `--strict` and config_strict turn into an error.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipvs/ipvs_conf.h"
#include "lib/config.h"

/* keepalived refuses a file where a keyword that needs a value has none; it reads the first word only */
static int
one_arg(struct cfg_ctx *ctx, const struct cfg_stmt *st)
{
	if (st->argc < 2)
		return cfg_stmt_error(ctx, st, "missing argument");
	if (st->argc > 2)
		cfg_stmt_warning(ctx, st, "only the first word is read");
	return 0;
}

int
ipvs_kw_uint(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	int64_t v;

	if (one_arg(ctx, st) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], kw->min, kw->max, &v) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not a number from %" PRId64 " to %" PRId64 "; ignored",
					  st->argv[1], kw->min, kw->max);
	cfg_store_int(obj, kw, v);
	return 0;
}

int
ipvs_kw_duration(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	uint64_t ms;

	if (one_arg(ctx, st) == -1)
		return -1;
	if (cfg_parse_duration_ms(st->argv[1], &ms) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not a duration in seconds (like 1 or 0.25); ignored",
					  st->argv[1]);
	if ((int64_t)ms < kw->min || (int64_t)ms > kw->max)
		return cfg_stmt_recovered(ctx, st, "%s s is out of range (%" PRId64 ".%03" PRId64 " to %" PRId64
					  ".%03" PRId64 " s); ignored", st->argv[1], kw->min / 1000, kw->min % 1000,
					  kw->max / 1000, kw->max % 1000);
	cfg_store_int(obj, kw, (int64_t)ms);
	return 0;
}

int
ipvs_kw_addr(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_addr a;

	if (one_arg(ctx, st) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &a) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not an IPv4 or IPv6 address; ignored", st->argv[1]);
	memcpy((char *)obj + kw->off, &a, sizeof(a));
	return 0;
}

int
ipvs_kw_enum(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_enum *e;
	char choices[256] = "";
	size_t used = 0;

	if (one_arg(ctx, st) == -1)
		return -1;
	for (e = kw->data; e->name != NULL; e++) {
		if (strcasecmp(e->name, st->argv[1]) == 0) {
			cfg_store_int(obj, kw, e->value);
			return 0;
		}
		if (used < sizeof(choices))
			used += (size_t)snprintf(choices + used, sizeof(choices) - used, "%s%s", used ? ", " : "",
						 e->name);
	}
	return cfg_stmt_recovered(ctx, st, "'%s' is not one of %s; ignored", st->argv[1], choices);
}

static const struct cfg_enum bools[] = {
	{ "on", 1 }, { "off", 0 }, { "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 }, { NULL, 0 },
};

/* `KEYWORD [on|off|yes|no|true|false]`, no word meaning on */
int
ipvs_kw_bool(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	for (const struct cfg_enum *e = bools; st->argc > 1 && e->name != NULL; e++) {
		if (strcasecmp(e->name, st->argv[1]) == 0) {
			cfg_store_int(obj, kw, e->value);
			return 0;
		}
	}
	if (st->argc > 1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not one of on, off, yes, no, true, false; ignored",
					  st->argv[1]);
	cfg_store_int(obj, kw, 1);
	return 0;
}

int
ipvs_kw_flag_any(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (st->argc > 1)
		cfg_stmt_warning(ctx, st, "takes no value: '%s' is ignored and %s is set, as keepalived does",
				 st->argv[1], st->argv[0]);
	cfg_store_int(obj, kw, 1);
	return 0;
}

/* ---- dropping objects ---- */

int
ipvs_conf_drop_marked(struct config *conf, unsigned mask)
{
	static const unsigned chain[] = { CFG_VIRTUAL_SERVER, CFG_REAL_SERVER, CFG_CHECKER, CFG_CHECK_URL };

	return config_remove_marked(conf, chain, sizeof(chain) / sizeof(chain[0]), mask);
}
