/*
 * bfd_instance, track_bfd and BFD_CHECK, as keepalived 2.2.7 reads them (checked against `keepalived -t`):
 * its defaults (min_rx and min_tx 10 ms, idle_tx 1000 ms, multiplier 5, ttl 255 or hoplimit 64, max_hops 0,
 * weight 0), its ranges, and what it runs past: a bad value keeps the default, an instance without a
 * neighbor (or a second one with a name or neighbor already taken) is dropped, a track_bfd or BFD_CHECK
 * naming no instance is ignored. Each of those is a recovery here, with what was done instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bfd/bfd.h"

#define MS_MAX 4294967u			/* keepalived: UINT32_MAX us, in ms */

#define B(field) CFG_FIELD(struct cfg_bfd_instance, field)

/* "10", "3.312": milliseconds with up to three decimals, to microseconds. */
static int
parse_ms(const char *s, uint64_t *us)
{
	uint64_t v = 0;
	int decimals = -1;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == 3 || v > UINT32_MAX)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (decimals = decimals < 0 ? 0 : decimals; decimals < 3; decimals++)
		v *= 10;
	*us = v;
	return 0;
}

/* min_rx, min_tx, idle_tx: ms in [min, max]; out of it, keepalived keeps the default. */
static int
kw_interval(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	uint32_t *dst = (uint32_t *)((char *)obj + kw->off);
	uint64_t us;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (parse_ms(st->argv[1], &us) == -1 || us < (uint64_t)kw->min * 1000 || us > (uint64_t)kw->max * 1000)
		return cfg_stmt_recovered(ctx, st, "'%s' is not in %lld-%lld ms; using %u.%03u, as keepalived does",
					  st->argv[1], (long long)kw->min, (long long)kw->max, *dst / 1000,
					  *dst % 1000);
	*dst = (uint32_t)us;
	return 0;
}

/* multiplier, ttl, max_hops: an integer in [min, max], else the default stays. */
static int
kw_number(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	void *dst = (char *)obj + kw->off;
	int64_t v;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], kw->min, kw->max, &v) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not in %lld-%lld; ignored, as keepalived does",
					  st->argv[1], (long long)kw->min, (long long)kw->max);
	if (kw->size == sizeof(int32_t) && kw->min < 0)
		*(int32_t *)dst = (int32_t)v;
	else
		*(uint32_t *)dst = (uint32_t)v;
	return 0;
}

static int
kw_neighbor(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_bfd_instance *b = obj;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &b->neighbor) == -1) {
		b->disabled = true;
		return cfg_stmt_recovered(ctx, st, "'%s' is not an address; bfd_instance %s is dropped, as keepalived "
					  "does", st->argv[1], b->name);
	}
	return 0;
}

static int
kw_source(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_bfd_instance *b = obj;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &b->source) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not an address; ignored, as keepalived does", st->argv[1]);
	return 0;
}

/* weight N [reverse]: the weight of the track_bfds that give none */
static int
kw_weight(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_bfd_instance *b = obj;
	int64_t w;

	if (cfg_nargs(ctx, st, 1, 2) == -1)
		return -1;
	if (st->argc == 3 && strcmp(st->argv[2], "reverse") != 0)
		return cfg_stmt_error(ctx, st, "'%s': expected reverse", st->argv[2]);
	if (cfg_parse_int(st->argv[1], -253, 253, &w) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not in -253..253; ignored, as keepalived does",
					  st->argv[1]);
	b->weight = (int32_t)w;
	b->reverse = st->argc == 3;
	return 0;
}

/* vrrp, checker: only that child hears of this session */
static int
kw_to(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs(ctx, st, 0, 0) == -1)
		return -1;
	*(bool *)((char *)obj + kw->off) = true;
	return 0;
}

static const struct cfg_keyword bfd_keywords[] = {
	{ "neighbor_ip", kw_neighbor, 0, 0, 0, 0, NULL, 0 },
	{ "neighbour_ip", kw_neighbor, 0, 0, 0, 0, NULL, 0 },
	{ "source_ip", kw_source, 0, 0, 0, 0, NULL, 0 },
	{ "min_rx", kw_interval, B(min_rx_us), 1, MS_MAX, NULL, 0 },
	{ "min_tx", kw_interval, B(min_tx_us), 1, MS_MAX, NULL, 0 },
	{ "idle_tx", kw_interval, B(idle_tx_us), 1000, MS_MAX, NULL, 0 },
	{ "multiplier", kw_number, B(multiplier), 1, 255, NULL, 0 },
	{ "passive", cfg_kw_flag, B(passive), 0, 0, NULL, 0 },
	{ "ttl", kw_number, B(ttl), 1, 255, NULL, 0 },
	{ "hoplimit", kw_number, B(ttl), 1, 255, NULL, 0 },
	{ "max_hops", kw_number, B(max_hops), -1, 255, NULL, 0 },
	{ "weight", kw_weight, 0, 0, 0, 0, NULL, 0 },
	{ "vrrp", kw_to, B(to_vrrp), 0, 0, NULL, 0 },
	{ "checker", kw_to, B(to_checker), 0, 0, NULL, 0 },
	{ "multihop", cfg_kw_flag, B(multihop), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};

const struct cfg_block bfd_instance_block = { "bfd_instance", bfd_keywords, NULL };

static int
bfd_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_bfd_instance *b = obj;

	b->min_rx_us = 10000;
	b->min_tx_us = 10000;
	b->idle_tx_us = 1000000;
	b->multiplier = 5;
	snprintf(b->name, sizeof(b->name), "%s", st->argv[1]);
	if (strlen(st->argv[1]) >= CFG_BFD_NAME_MAX) {
		b->disabled = true;
		return cfg_stmt_recovered(ctx, st, "the name '%s' is longer than %d characters; the instance is "
					  "dropped, as keepalived does", st->argv[1], CFG_BFD_NAME_MAX - 1);
	}
	return 0;
}

static int
bfd_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_bfd_instance *b = obj;

	if (!b->to_vrrp && !b->to_checker)
		b->to_vrrp = b->to_checker = true;
	if (b->disabled)
		return 0;
	if (b->neighbor.family == 0) {
		b->disabled = true;
		return cfg_stmt_recovered(ctx, st, "no neighbor_ip; the instance is dropped, as keepalived does");
	}
	if (b->source.family != 0 && b->source.family != b->neighbor.family) {
		b->disabled = true;
		return cfg_stmt_recovered(ctx, st, "source_ip and neighbor_ip are of two families; the instance is "
					  "dropped, as keepalived does");
	}
	if (b->ttl == 0)
		b->ttl = b->neighbor.family == AF_INET ? 255 : 64;
	if (b->max_hops > (int32_t)b->ttl) {
		b->max_hops = (int32_t)b->ttl;
		return cfg_stmt_recovered(ctx, st, "max_hops is above ttl/hoplimit; using %u, as keepalived does",
					  b->ttl);
	}
	return 0;
}

const struct cfg_object_spec bfd_instance_spec = { CFG_BFD_INSTANCE, &bfd_instance_block, 1, 1, bfd_args,
						   bfd_finish };

/* ---- track_bfd { NAME [weight N [reverse|noreverse]] } in a vrrp_instance or vrrp_sync_group ---- */

static void
track_list(void *obj, struct cfg_vrrp_track **list, uint32_t **n)
{
	if (((struct cfg_obj *)obj)->kind == CFG_VRRP_SYNC_GROUP) {
		struct cfg_vrrp_sync_group *g = obj;

		*list = g->track_bfd;
		*n = &g->ntrack_bfd;
	} else {
		struct cfg_vrrp_instance *vi = obj;

		*list = vi->track_bfd;
		*n = &vi->ntrack_bfd;
	}
}

static int
track_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track *list, *t;
	uint32_t *n;
	int64_t w;
	int i = 1;

	track_list(obj, &list, &n);
	if (*n == CFG_VRRP_TRACK_MAX)
		return cfg_stmt_error(ctx, st, "more than %d tracked BFD instances", CFG_VRRP_TRACK_MAX);
	if (strlen(st->argv[0]) >= CFG_NAME_MAX)
		return cfg_stmt_error(ctx, st, "'%s' is too long a name", st->argv[0]);
	for (uint32_t k = 0; k < *n; k++)
		if (strcmp(list[k].name, st->argv[0]) == 0)
			return cfg_stmt_recovered(ctx, st, "%s is tracked already; this line is ignored, as keepalived "
						  "does", st->argv[0]);
	t = &list[*n];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", st->argv[0]);
	if (i + 1 < st->argc && strcmp(st->argv[i], "weight") == 0) {
		if (cfg_parse_int(st->argv[i + 1], -253, 253, &w) == -1)
			cfg_stmt_recovered(ctx, st, "weight '%s' is not in -253..253; the bfd_instance's weight is used, "
					   "as keepalived does", st->argv[i + 1]);
		else
			t->weight = (int32_t)w, t->weight_set = true;
		i += 2;
	}
	if (i < st->argc && strcmp(st->argv[i], "reverse") == 0)
		t->reverse = t->weight_set, i++;
	else if (i < st->argc && strcmp(st->argv[i], "noreverse") == 0)
		i++;
	if (i != st->argc)
		return cfg_stmt_error(ctx, st, "expected NAME [weight N [reverse|noreverse]]");
	(*n)++;
	return 0;
}

const struct cfg_block bfd_track_block = { "track_bfd", NULL, track_item };

/* ---- BFD_CHECK { name NAME } in a real_server ---- */

static int
check_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	c->type = CHECK_BFD;
	/* a session's state is a verdict at once: no retries, no connection, no timeout */
	c->retry = 0;
	c->connect_timeout_ms = 0;
	c->delay_before_retry_ms = 0;
	c->warmup_ms = 0;
	c->alpha = -1;
	return 0;
}

static const struct cfg_keyword check_keywords[] = {
	{ "name", cfg_kw_string, CFG_FIELD(struct cfg_checker, bfd_name), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
static const struct cfg_block check_block = { "BFD_CHECK", check_keywords, NULL };

const struct cfg_object_spec bfd_check_spec = { CFG_CHECKER, &check_block, 0, 0, check_args, NULL };

/* ---- across the file ---- */

const struct cfg_bfd_instance *
bfd_conf_find(const struct config *conf, const char *name)
{
	const struct cfg_bfd_instance *b;

	CONFIG_FOREACH(conf, CFG_BFD_INSTANCE, const struct cfg_bfd_instance, b)
		if (!b->disabled && strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

/* A later instance with the name or the neighbor of an earlier one is dropped, as keepalived does. */
static void
check_duplicates(struct cfg_ctx *ctx)
{
	struct cfg_bfd_instance *b, *o;

	CONFIG_FOREACH(ctx->conf, CFG_BFD_INSTANCE, struct cfg_bfd_instance, b) {
		if (b->disabled)
			continue;
		CONFIG_FOREACH(ctx->conf, CFG_BFD_INSTANCE, struct cfg_bfd_instance, o) {
			if (o == b)
				break;
			if (o->disabled)
				continue;
			if (strcmp(o->name, b->name) == 0) {
				cfg_recovered(ctx->diag, b->hdr.pos, "bfd_instance %s: defined twice; this one is dropped, "
					      "as keepalived does", b->name);
				b->disabled = true;
				break;
			}
			if (memcmp(&o->neighbor, &b->neighbor, sizeof(b->neighbor)) == 0) {
				cfg_recovered(ctx->diag, b->hdr.pos, "bfd_instance %s: neighbor_ip is %s's too; this one "
					      "is dropped, as keepalived does", b->name, o->name);
				b->disabled = true;
				break;
			}
		}
	}
}

/* An instance's track_bfd: the sync group's added, unknown names dropped, weights resolved. */
static void
resolve_tracks(struct cfg_ctx *ctx, struct cfg_vrrp_instance *vi)
{
	uint32_t kept = 0;

	for (uint32_t i = 0; i < vi->ntrack_bfd; i++) {
		struct cfg_vrrp_track *t = &vi->track_bfd[i];
		const struct cfg_bfd_instance *b = bfd_conf_find(ctx->conf, t->name);

		if (b == NULL || !b->to_vrrp) {
			cfg_recovered(ctx->diag, vi->hdr.pos, "vrrp_instance %s: track_bfd: no bfd_instance %s%s; "
				      "ignored, as keepalived does", vi->name, t->name,
				      b != NULL ? " for vrrp (it names checker only)" : "");
			continue;
		}
		if (!t->weight_set) {
			t->weight = b->weight;
			t->reverse = b->reverse;
			t->weight_set = true;
		}
		vi->track_bfd[kept++] = *t;
	}
	vi->ntrack_bfd = kept;
}

static void
group_tracks(struct cfg_ctx *ctx, const struct cfg_vrrp_sync_group *g)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(ctx->conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		for (uint32_t m = 0; m < g->nmembers; m++) {
			if (strcmp(vi->name, g->members[m]) != 0)
				continue;
			for (uint32_t i = 0; i < g->ntrack_bfd; i++) {
				bool dup = false;

				for (uint32_t k = 0; k < vi->ntrack_bfd; k++)
					dup |= strcmp(vi->track_bfd[k].name, g->track_bfd[i].name) == 0;
				if (dup)
					continue;
				if (vi->ntrack_bfd == CFG_VRRP_TRACK_MAX) {
					cfg_error(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: vrrp_instance %s would track "
						  "more than %d BFD instances", g->name, vi->name, CFG_VRRP_TRACK_MAX);
					break;
				}
				vi->track_bfd[vi->ntrack_bfd++] = g->track_bfd[i];
			}
		}
	}
}

int
bfd_conf_check(struct cfg_ctx *ctx)
{
	size_t before = ctx->diag->nerrors;
	struct cfg_vrrp_sync_group *g;
	struct cfg_vrrp_instance *vi;
	struct cfg_checker *c;

	check_duplicates(ctx);
	CONFIG_FOREACH(ctx->conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, g)
		group_tracks(ctx, g);
	CONFIG_FOREACH(ctx->conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		resolve_tracks(ctx, vi);
	CONFIG_FOREACH(ctx->conf, CFG_CHECKER, struct cfg_checker, c) {
		const struct cfg_bfd_instance *b;

		if (c->type != CHECK_BFD)
			continue;
		if (c->bfd_name[0] == '\0')
			cfg_recovered(ctx->diag, c->hdr.pos, "BFD_CHECK: no name; the check is skipped (always up), "
				      "as keepalived does");
		else if ((b = bfd_conf_find(ctx->conf, c->bfd_name)) == NULL || !b->to_checker)
			cfg_recovered(ctx->diag, c->hdr.pos, "BFD_CHECK: no bfd_instance %s%s; the check is skipped "
				      "(always up), as keepalived does", c->bfd_name,
				      b != NULL ? " for checker (it names vrrp only)" : "");
		else
			continue;
		c->bfd_name[0] = '\0';
	}
	return (int)(ctx->diag->nerrors - before);
}
