/*
 * Keywords of vrrp_instance, vrrp_script, vrrp_sync_group, track_file and vrrp_track_process, and the checks
 * between them. Address, route and rule lines are vrrp_conf_ip.c's.
 */
#include <net/if.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bfd/bfd.h"
#include "lib/config.h"
#include "sync/sync.h"
#include "vrrp/vrrp.h"
#include "vrrp/vrrp_conf_vrid.h"

#define MS(s) ((int64_t)(s) * 1000)

static const struct cfg_enum vrrp_states[] = {
	{ "MASTER", VRRP_WANT_MASTER }, { "BACKUP", VRRP_WANT_BACKUP }, { NULL, 0 },
};

static const struct cfg_enum vrrp_auth_types[] = {
	{ "PASS", VRRP_AUTH_PASS }, { "AH", VRRP_AUTH_AH }, { NULL, 0 },
};

static int
vip_add(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_instance *vi, bool excluded)
{
	if (vi->nvips == CFG_VRRP_VIP_MAX)
		return cfg_stmt_error(ctx, st, "more than %d virtual addresses", CFG_VRRP_VIP_MAX);
	if (vrrp_conf_vip(ctx, st, &vi->vips[vi->nvips], excluded) == -1)
		return -1;
	/* an advert carries one family, the first address's: keepalived drops an address of the other one */
	if (!excluded && cfg_lenient(ctx, NULL)) {
		int family = 0;

		for (uint32_t i = 0; i < vi->nvips && family == 0; i++)
			if (!vi->vips[i].excluded)
				family = vi->vips[i].addr.family;
		if (family != 0 && family != vi->vips[vi->nvips].addr.family)
			return cfg_stmt_recovered(ctx, st, "not of the family of the instance's first address; "
						  "ignored, as keepalived does (virtual_ipaddress_excluded takes both)");
	}
	vi->nvips++;
	return 0;
}

static int
vip_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return vip_add(ctx, st, obj, false);
}

static int
vip_excluded_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return vip_add(ctx, st, obj, true);
}

static int
route_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (vi->nroutes == CFG_VRRP_ROUTE_MAX)
		return cfg_stmt_error(ctx, st, "more than %d virtual routes", CFG_VRRP_ROUTE_MAX);
	if (vrrp_conf_route(ctx, st, &vi->routes[vi->nroutes]) == -1)
		return -1;
	vi->nroutes++;
	return 0;
}

static int
rule_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (vi->nrules == CFG_VRRP_RULE_MAX)
		return cfg_stmt_error(ctx, st, "more than %d virtual rules", CFG_VRRP_RULE_MAX);
	if (vrrp_conf_rule(ctx, st, &vi->rules[vi->nrules]) == -1)
		return -1;
	vi->nrules++;
	return 0;
}

/* ADDR [min_ttl N] [max_ttl N] */
static int
peer_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;
	uint32_t n = vi->npeers;
	int64_t min = 0, max = 255;
	bool ranged = false;

	if (n == CFG_VRRP_PEER_MAX)
		return cfg_stmt_error(ctx, st, "more than %d unicast peers", CFG_VRRP_PEER_MAX);
	if (cfg_parse_addr(st->argv[0], false, &vi->peers[n]) == -1) {
		if (!cfg_lenient(ctx, NULL))
			return cfg_stmt_error(ctx, st, "'%s' is not an address", st->argv[0]);
		return cfg_stmt_recovered(ctx, st, "'%s' is not an address; peer ignored, as keepalived does",
					  st->argv[0]);
	}
	/* keepalived takes the family from the first peer (or the source address) and skips the others */
	if (cfg_lenient(ctx, NULL)) {
		int family = n > 0 ? vi->peers[0].family : vi->unicast_src_ip.family ? vi->unicast_src_ip.family :
			     vi->mcast_src_ip.family;

		if (family != 0 && family != vi->peers[n].family)
			return cfg_stmt_recovered(ctx, st, "not of the instance's address family; peer ignored, as "
						  "keepalived does");
	}
	for (int i = 1; i < st->argc; i += 2) {
		int64_t *v = strcmp(st->argv[i], "min_ttl") == 0 ? &min : strcmp(st->argv[i], "max_ttl") == 0 ? &max : NULL;

		if (v != NULL && i + 1 < st->argc && cfg_parse_int(st->argv[i + 1], 0, 255, v) == 0) {
			ranged = true;
			continue;
		}
		if (!cfg_lenient(ctx, NULL)) {
			if (v == NULL)
				return cfg_stmt_error(ctx, st, "a unicast peer is ADDR [min_ttl N] [max_ttl N]");
			return cfg_stmt_error(ctx, st, "%s needs a TTL in 0..255", st->argv[i]);
		}
		cfg_stmt_recovered(ctx, st, "'%s%s%s' is not min_ttl N or max_ttl N (0-255); ignored, as keepalived "
				   "does", st->argv[i], i + 1 < st->argc ? " " : "", i + 1 < st->argc ? st->argv[i + 1] : "");
		if (v == NULL)
			i--;	/* keepalived skips an unknown word alone */
	}
	if (ranged && min > max)
		return cfg_stmt_error(ctx, st, "min_ttl above max_ttl");
	/* without a range a peer's adverts must come with TTL 255, as multicast ones */
	vi->peer_min_ttl[n] = (uint8_t)(ranged ? min : 0);
	vi->peer_max_ttl[n] = (uint8_t)(ranged ? max : 0);
	vi->npeers++;
	return 0;
}

/* NAME [weight N [reverse|noreverse]]: in track_interface, track_script and track_file. */
static int
track_line(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_track *list, uint32_t *n, int64_t limit)
{
	struct cfg_vrrp_track *t;
	int64_t w = 0;
	int i = 1;

	if (*n == CFG_VRRP_TRACK_MAX)
		return cfg_stmt_error(ctx, st, "more than %d tracked objects", CFG_VRRP_TRACK_MAX);
	t = &list[*n];
	memset(t, 0, sizeof(*t));
	if (vrrp_conf_name(ctx, st, t->name, sizeof(t->name), st->argv[0]) == -1)
		return -1;
	if (i + 1 < st->argc && strcmp(st->argv[i], "weight") == 0) {
		if (cfg_parse_int(st->argv[i + 1], -limit, limit, &w) == 0)
			t->weight_set = true;
		else if (!cfg_lenient(ctx, NULL))
			return cfg_stmt_error(ctx, st, "weight '%s' is not in %lld..%lld", st->argv[i + 1],
					      (long long)-limit, (long long)limit);
		else	/* keepalived tracks it with the default weight */
			cfg_stmt_recovered(ctx, st, "weight '%s' is not in %lld..%lld; ignored, as keepalived does",
					   st->argv[i + 1], (long long)-limit, (long long)limit), w = 0;
		i += 2;
	}
	if (i < st->argc && strcmp(st->argv[i], "reverse") == 0)
		t->reverse = true, i++;
	else if (i < st->argc && (strcmp(st->argv[i], "noreverse") == 0 || strcmp(st->argv[i], "no_reverse") == 0))
		i++;
	if (i != st->argc) {
		if (!cfg_lenient(ctx, NULL))
			return cfg_stmt_error(ctx, st, "expected NAME [weight N [reverse]]");
		cfg_stmt_warning(ctx, st, "words after NAME [weight N [reverse]] ignored, as keepalived ignores them");
	}
	t->weight = (int32_t)w;
	cfg_note_pos(ctx, t, st->pos);
	(*n)++;
	return 0;
}

/* Tracking lines fill an instance's lists, or a sync group's (which vrrp_conf_check gives its members). */
struct track_lists {
	uint32_t *nif, *nscript, *nfile, *nprocess;
	struct cfg_vrrp_track *tif, *tscript, *tfile, *tprocess;
};

static struct track_lists
lists_of(const struct cfg_ctx *ctx, void *obj)
{
	struct cfg_obj *o = obj;

	if (o->kind == CFG_VRRP_SYNC_GROUP) {
		struct cfg_vrrp_sync_group *g = obj;

		return (struct track_lists){ &g->ntrack_if, &g->ntrack_script, &g->ntrack_file, &g->ntrack_process,
					     g->track_if, g->track_script, g->track_file, g->track_process };
	}
	struct cfg_vrrp_instance *vi = obj;

	return (struct track_lists){ &vi->ntrack_if, &vi->ntrack_script, &vi->ntrack_file, &vi->ntrack_process,
				     vi->track_if, vi->track_script, vi->track_file, vi->track_process };
}

static int
track_if_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct track_lists l = lists_of(ctx, obj);

	return track_line(ctx, st, l.tif, l.nif, 253);
}

static int
track_script_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct track_lists l = lists_of(ctx, obj);

	return track_line(ctx, st, l.tscript, l.nscript, 253);
}

static int
track_file_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct track_lists l = lists_of(ctx, obj);

	return track_line(ctx, st, l.tfile, l.nfile, 254);
}

static int
track_process_item(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct track_lists l = lists_of(ctx, obj);

	return track_line(ctx, st, l.tprocess, l.nprocess, 254);
}

/* What vipd always does: accepted without a word ([on|off] or other arguments ignored). */
int
vrrp_conf_builtin(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return 0;
}

/* A MAC of 6 octets, or of 5 that the VRID completes (0 = to be filled by instance_finish). */
static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n, used = 0;

	memset(v, 0, sizeof(v));
	n = sscanf(s, "%2x:%2x:%2x:%2x:%2x%n:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &used, &v[5], &used);
	if (n < 5 || s[used] != '\0')
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return n;
}

/* use_vmac [NAME] [MAC]: the macvlan's name (default vrrp.VRID) and MAC (default the VRRP MAC, RFC 5798). */
static int
kw_use_vmac(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (cfg_nargs(ctx, st, 0, 2) == -1)
		return -1;
	vi->use_vmac = true;
	for (int i = 1; i < st->argc; i++) {
		int n;

		if (strchr(st->argv[i], ':') == NULL) {
			if (vrrp_conf_name(ctx, st, vi->vmac_name, sizeof(vi->vmac_name), st->argv[i]) == -1)
				return -1;
			continue;
		}
		if ((n = parse_mac(st->argv[i], vi->vmac_mac)) == -1 || (vi->vmac_mac[0] & 1))
			return cfg_stmt_error(ctx, st, "'%s' is not a unicast MAC address (5 or 6 octets)", st->argv[i]);
		/* 5 octets: the VRID is the sixth, known once the block is read */
		if (n == 5)
			vi->vmac_mac[5] = 0, vi->vmac_short = true;
	}
	return 0;
}

/* notify_deleted [SCRIPT [USER [GROUP]]]: DELETED rather than STOP to the notify scripts when a reload removes it. */
static int
kw_notify_deleted(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	vi->notify_deleted = true;
	if (st->argc > 1)
		return cfg_kw_script_chars(ctx, st, kw, obj);
	return 0;
}

/* old_unicast_checksum [never]: never is vipd's default (the RFC's checksum, no guessing). */
static int
kw_old_checksum(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (cfg_nargs(ctx, st, 0, 1) == -1)
		return -1;
	if (st->argc == 2 && strcmp(st->argv[1], "never") != 0)
		return cfg_stmt_error(ctx, st, "'%s': expected nothing or never", st->argv[1]);
	vi->v3_checksum_as_v2 = st->argc == 1;
	return 0;
}

/* weight N [reverse] of a vrrp_script or track_file; kw->min, max bound N. */
static int
kw_weight(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	int64_t w;
	bool *reverse = (bool *)((char *)obj + (size_t)(uintptr_t)kw->data);

	if (cfg_nargs_kw(ctx, st, kw, 1, 2) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], kw->min, kw->max, &w) == -1) {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "'%s' is not in %lld..%lld", st->argv[1], (long long)kw->min,
					      (long long)kw->max);
		return cfg_stmt_recovered(ctx, st, "'%s' is not in %lld..%lld; ignored, as keepalived does", st->argv[1],
					  (long long)kw->min, (long long)kw->max);
	}
	if (st->argc >= 3 && strcmp(st->argv[2], "reverse") != 0 && strcmp(st->argv[2], "noreverse") != 0) {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "'%s': expected reverse", st->argv[2]);
		cfg_stmt_warning(ctx, st, "'%s' ignored (expected reverse), as keepalived ignores it", st->argv[2]);
	}
	*(int32_t *)((char *)obj + kw->off) = (int32_t)w;
	*reverse = st->argc == 3 && strcmp(st->argv[2], "reverse") == 0;
	return 0;
}

static const struct cfg_block vip_block = { "virtual_ipaddress", NULL, vip_item };
static const struct cfg_block vip_excluded_block = { "virtual_ipaddress_excluded", NULL, vip_excluded_item };
static const struct cfg_block route_block = { "virtual_routes", NULL, route_item };
static const struct cfg_block rule_block = { "virtual_rules", NULL, rule_item };
static const struct cfg_block peer_block = { "unicast_peer", NULL, peer_item };
static const struct cfg_block track_if_block = { "track_interface", NULL, track_if_item };
static const struct cfg_block track_script_block = { "track_script", NULL, track_script_item };
static const struct cfg_block track_file_block = { "track_file", NULL, track_file_item };
static const struct cfg_block track_process_block = { "track_process", NULL, track_process_item };

/* priority N: given at all (even a bad one, which keepalived replaces by 100), state MASTER keeps it */
static int
kw_priority(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	vi->priority_given = true;
	return cfg_kw_uint(ctx, st, kw, obj);
}

/* state MASTER|BACKUP: keepalived starts anything else as BACKUP */
static int
kw_state(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	if (strcmp(st->argv[1], "MASTER") == 0 || strcmp(st->argv[1], "BACKUP") == 0 || !cfg_lenient(ctx, kw))
		return cfg_kw_enum(ctx, st, kw, obj);
	vi->state = VRRP_WANT_BACKUP;
	return cfg_stmt_recovered(ctx, st, "'%s' is not MASTER or BACKUP; starting as BACKUP, as keepalived does",
				  st->argv[1]);
}

/*
 * interface NAME. An interface missing at -t, keepalived reports and runs past; vipd waits for it. A loopback,
 * keepalived ignores (and then stops at start, the instance having no interface): vipd runs on it, which
 * is what a test on one host wants, and says that keepalived would not.
 */
static int
kw_interface(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	if (cfg_kw_string(ctx, st, kw, obj) == -1)
		return -1;
	if (strcmp(vi->interface, "lo") == 0)
		cfg_stmt_warning(ctx, st, "keepalived ignores a loopback interface (and then stops at start); vipd "
				 "runs the instance on lo, where its adverts reach this host only");
	else if (if_nametoindex(vi->interface) == 0 && cfg_lenient(ctx, kw))
		cfg_stmt_recovered(ctx, st, "no interface '%s' here; the instance waits in Fault until it appears",
				   vi->interface);
	return 0;
}

/* auth_pass: keepalived keeps the first 8 characters of a longer one, and says so */
static int
kw_auth_pass(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;
	size_t n;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	n = strnlen(st->argv[1], CFG_VRRP_AUTH_LEN + 1);
	memset(vi->auth_pass, 0, sizeof(vi->auth_pass));
	memcpy(vi->auth_pass, st->argv[1], n > CFG_VRRP_AUTH_LEN ? CFG_VRRP_AUTH_LEN : n);
	if (n > CFG_VRRP_AUTH_LEN)
		return cfg_stmt_recovered(ctx, st, "longer than %d characters; using the first %d, as keepalived "
					  "does", CFG_VRRP_AUTH_LEN, CFG_VRRP_AUTH_LEN);
	return 0;
}

#define A(field) CFG_FIELD(struct cfg_vrrp_instance, field)
static const struct cfg_keyword auth_keywords[] = {
	{ "auth_type", cfg_kw_enum, A(auth_type), 0, 0, vrrp_auth_types, 0 },
	{ "auth_pass", kw_auth_pass, A(auth_pass), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef A
static const struct cfg_block auth_block = { "authentication", auth_keywords, NULL };

#define MAYBE CFG_KW_MAYBE_BLOCK
#define I(field) CFG_FIELD(struct cfg_vrrp_instance, field)
#define SCRIPT_I(cmd, user) CFG_SCRIPT_CHARS(struct cfg_vrrp_instance, cmd, user)
static const struct cfg_keyword vrrp_instance_keywords[] = {
	{ "state", kw_state, I(state), 0, 0, vrrp_states, 0 },
	{ "interface", kw_interface, I(interface), 0, 0, NULL, CFG_KW_CHARS },
	{ "virtual_router_id", cfg_kw_uint, I(vrid), 1, 255, NULL, 0 },
	{ "lvs_sync_daemon_interface", sync_conf_lvs_sync_daemon_interface, 0, 0, 0, 0, NULL, 0 },
	{ "priority", kw_priority, I(priority), 1, 255, NULL, 0 },
	/* v2 carries whole seconds (checked once the version is known); v3 centiseconds up to 40.95 s */
	{ "advert_int", cfg_kw_duration, I(advert_int_ms), 10, MS(255), NULL, 0 },
	{ "version", cfg_kw_uint, I(version), 2, 3, NULL, 0 },
	{ "nopreempt", cfg_kw_flag, I(nopreempt), 0, 0, NULL, 0 },
	{ "no_preempt", cfg_kw_flag, I(nopreempt), 0, 0, NULL, 0 },
	{ "preempt", cfg_kw_unflag, I(nopreempt), 0, 0, NULL, 0 },
	{ "preempt_delay", cfg_kw_duration, I(preempt_delay_ms), 0, MS(1000), NULL, 0 },
	{ "accept", cfg_kw_flag, I(accept), 0, 0, NULL, 0 },
	{ "no_accept", cfg_kw_unflag, I(accept), 0, 0, NULL, 0 },
	{ "mcast_src_ip", cfg_kw_addr, I(mcast_src_ip), 0, 0, NULL, 0 },
	{ "unicast_src_ip", cfg_kw_addr, I(unicast_src_ip), 0, 0, NULL, 0 },
	{ "mcast_dst_ip", cfg_kw_addr, I(mcast_dst_ip), 0, 0, NULL, 0 },
	{ "unicast_ttl", cfg_kw_uint, I(unicast_ttl), 1, 255, NULL, 0 },
	{ "unicast_fault_no_peer", cfg_kw_flag, I(unicast_fault_no_peer), 0, 0, NULL, 0 },
	{ "check_unicast_src", vrrp_conf_builtin, 0, 0, 0, 0, NULL, 0 },	/* always */
	{ "garp_master_delay", vrrp_conf_whole_seconds, I(garp_master_delay_ms), 0, MS(3600), NULL, 0 },
	{ "garp_master_repeat", cfg_kw_uint, I(garp_master_repeat), 1, 255, NULL, CFG_KW_CLAMP },
	{ "garp_master_refresh", vrrp_conf_whole_seconds, I(garp_master_refresh_ms), 0, MS(86400), NULL, 0 },
	{ "garp_master_refresh_repeat", cfg_kw_uint, I(garp_master_refresh_repeat), 1, 255, NULL, CFG_KW_CLAMP },
	{ "garp_lower_prio_delay", cfg_kw_duration, I(garp_lower_prio_delay_ms), 0, MS(3600), NULL, 0 },
	{ "garp_lower_prio_repeat", cfg_kw_uint, I(garp_lower_prio_repeat), 1, 255, NULL, CFG_KW_CLAMP },
	{ "garp_extra_if", cfg_kw_ignore, 0, 0, 0, 0,
	  "vipd announces the addresses on their own interfaces at each transition and garp_master_refresh", 0 },
	{ "garp_extra_if_vmac", cfg_kw_ignore, 0, 0, 0, 0,
	  "vipd announces the addresses on their own interfaces at each transition and garp_master_refresh", 0 },
	{ "down_timer_adverts", cfg_kw_uint, I(down_timer_adverts), 1, 100, NULL, 0 },
	{ "lower_prio_no_advert", cfg_kw_bool, I(lower_prio_no_advert), 0, 0, NULL, 0 },
	{ "higher_prio_send_advert", cfg_kw_bool, I(higher_prio_send_advert), 0, 0, NULL, 0 },
	{ "skip_check_adv_addr", cfg_kw_bool, I(skip_check_adv_addr), 0, 0, NULL, 0 },
	{ "kernel_rx_buf_size", cfg_kw_uint, I(kernel_rx_buf_size), 1024, 1 << 30, NULL, 0 },
	{ "dont_track_primary", cfg_kw_flag, I(dont_track_primary), 0, 0, NULL, 0 },
	{ "use_vmac", kw_use_vmac, 0, 0, 0, 0, NULL, 0 },
	{ "vmac_xmit_base", cfg_kw_flag, I(vmac_xmit_base), 0, 0, NULL, 0 },
	{ "use_vmac_addr", cfg_kw_ignore, 0, 0, 0, 0,
	  "addresses on other interfaces keep those interfaces' MAC addresses", 0 },
	{ "use_ipvlan", cfg_kw_ignore, 0, 0, 0, 0, "the addresses go on the interface itself", 0 },
	{ "vrf", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends on the instance's interface, whatever its VRF", 0 },
	{ "native_ipv6", cfg_kw_ignore, 0, 0, 0, 0, "the addresses decide the family (keepalived deprecated it)", 0 },
	{ "track_src_ip", cfg_kw_ignore, 0, 0, 0, 0,
	  "with the source address gone, vipd sends from the interface's primary address", 0 },
	{ "promote_secondaries", cfg_kw_flag, I(promote_secondaries), 0, 0, NULL, 0 },
	{ "linkbeat_use_polling", cfg_kw_ignore, 0, 0, 0, 0, "vipd follows the links through rtnetlink", 0 },
	{ "strict_mode", cfg_kw_ignore, 0, 0, 0, 0,
	  "vipd has no strict mode (its adverts follow RFC 9568; unicast and v2 authentication stay allowed)", 0 },
	{ "debug", cfg_kw_ignore, 0, 0, 0, 0, "run vipd with -D", 0 },
	{ "notify_master", cfg_kw_script_chars, SCRIPT_I(notify_master, notify_master_user), NULL, 0 },
	{ "notify_backup", cfg_kw_script_chars, SCRIPT_I(notify_backup, notify_backup_user), NULL, 0 },
	{ "notify_fault", cfg_kw_script_chars, SCRIPT_I(notify_fault, notify_fault_user), NULL, 0 },
	{ "notify_stop", cfg_kw_script_chars, SCRIPT_I(notify_stop, notify_stop_user), NULL, 0 },
	{ "notify", cfg_kw_script_chars, SCRIPT_I(notify, notify_user), NULL, 0 },
	{ "notify_master_rx_lower_pri", cfg_kw_script_chars,
	  SCRIPT_I(notify_master_rx_lower_pri, notify_master_rx_lower_pri_user), NULL, 0 },
	{ "notify_deleted", kw_notify_deleted, SCRIPT_I(notify_deleted_cmd, notify_deleted_user), NULL, 0 },
	{ "notify_priority_changes", cfg_kw_ignore, 0, 0, 0, 0, "vipd writes state changes only to the fifos", 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use notify scripts", MAYBE },
	{ "authentication", cfg_kw_subblock, 0, 0, 0, 0, &auth_block, CFG_KW_BLOCK },
	{ "v3_checksum_as_v2", cfg_kw_flag, I(v3_checksum_as_v2), 0, 0, NULL, 0 },
	{ "old_unicast_checksum", kw_old_checksum, 0, 0, 0, 0, NULL, MAYBE },
	{ "virtual_ipaddress", cfg_kw_subblock, 0, 0, 0, 0, &vip_block, CFG_KW_BLOCK },
	{ "virtual_ipaddress_excluded", cfg_kw_subblock, 0, 0, 0, 0, &vip_excluded_block, CFG_KW_BLOCK },
	{ "virtual_routes", cfg_kw_subblock, 0, 0, 0, 0, &route_block, CFG_KW_BLOCK },
	{ "virtual_rules", cfg_kw_subblock, 0, 0, 0, 0, &rule_block, CFG_KW_BLOCK },
	{ "unicast_peer", cfg_kw_subblock, 0, 0, 0, 0, &peer_block, CFG_KW_BLOCK },
	{ "track_interface", cfg_kw_subblock, 0, 0, 0, 0, &track_if_block, CFG_KW_BLOCK },
	{ "track_script", cfg_kw_subblock, 0, 0, 0, 0, &track_script_block, CFG_KW_BLOCK },
	{ "track_file", cfg_kw_subblock, 0, 0, 0, 0, &track_file_block, CFG_KW_BLOCK },
	{ "track_process", cfg_kw_subblock, 0, 0, 0, 0, &track_process_block, CFG_KW_BLOCK },
	{ "track_bfd", cfg_kw_subblock, 0, 0, 0, 0, &bfd_track_block, CFG_KW_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef I
#undef SCRIPT_I

const struct cfg_block vrrp_instance_block = { "vrrp_instance", vrrp_instance_keywords, NULL };

#define S(field) CFG_FIELD(struct cfg_vrrp_script, field)
static const struct cfg_keyword vrrp_script_keywords[] = {
	{ "script", cfg_kw_command, S(script), 0, 0, NULL, 0 },
	{ "interval", cfg_kw_duration, S(interval_ms), 10, MS(86400), NULL, 0 },
	{ "timeout", cfg_kw_duration, S(timeout_ms), 10, MS(86400), NULL, 0 },
	{ "weight", kw_weight, S(weight), -253, 253, (const void *)offsetof(struct cfg_vrrp_script, reverse), 0 },
	{ "rise", cfg_kw_uint, S(rise), 1, 1000000, NULL, 0 },
	{ "fall", cfg_kw_uint, S(fall), 1, 1000000, NULL, 0 },
	{ "user", cfg_kw_command, S(user), 0, 0, NULL, 0 },
	{ "init_fail", cfg_kw_flag, S(init_fail), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef S

const struct cfg_block vrrp_script_block = { "vrrp_script", vrrp_script_keywords, NULL };

/* init_file [VALUE] [overwrite] */
static int
kw_init_file(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track_file *tf = obj;

	if (cfg_nargs(ctx, st, 0, 2) == -1)
		return -1;
	tf->init_file = true;
	for (int i = 1; i < st->argc; i++) {
		if (strcmp(st->argv[i], "overwrite") == 0)
			tf->overwrite = true;
		else if (cfg_parse_int(st->argv[i], INT32_MIN, INT32_MAX, &tf->init_value) == -1)
			return cfg_stmt_error(ctx, st, "'%s' is not a number or overwrite", st->argv[i]);
	}
	return 0;
}

#define F(field) CFG_FIELD(struct cfg_vrrp_track_file, field)
static const struct cfg_keyword track_file_keywords[] = {
	{ "file", cfg_kw_string, F(path), 0, 0, NULL, 0 },
	{ "weight", kw_weight, F(weight), -254, 254, (const void *)offsetof(struct cfg_vrrp_track_file, reverse), 0 },
	{ "init_file", kw_init_file, 0, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef F

const struct cfg_block vrrp_track_file_block = { "track_file", track_file_keywords, NULL };

/* delay SECONDS: fork_delay and terminate_delay at once */
static int
kw_both_delays(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track_process *tp = obj;
	uint64_t ms;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (cfg_parse_duration_ms(st->argv[1], &ms) == -1 || (int64_t)ms > kw->max)
		return cfg_stmt_error(ctx, st, "'%s' is not seconds from 0 to 3600", st->argv[1]);
	tp->fork_delay_ms = tp->terminate_delay_ms = ms;
	return 0;
}

/* process NAME [PARAM...]: the name, and the parameters NUL-separated */
static int
kw_process(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track_process *tp = obj;
	size_t used = 0;

	if (cfg_nargs(ctx, st, 1, CFG_PROCESS_PARAMS_MAX + 1) == -1)
		return -1;
	if (vrrp_conf_name(ctx, st, tp->process, sizeof(tp->process), st->argv[1]) == -1)
		return -1;
	tp->nparams = 0;
	for (int i = 2; i < st->argc; i++) {
		size_t len = strlen(st->argv[i]) + 1;

		if (used + len > sizeof(tp->params))
			return cfg_stmt_error(ctx, st, "parameters too long");
		memcpy(tp->params + used, st->argv[i], len);
		used += len;
		tp->nparams++;
	}
	return 0;
}

static const struct cfg_enum param_matches[] = {
	{ "partial", VRRP_PARAMS_PARTIAL }, { "initial", VRRP_PARAMS_INITIAL }, { NULL, 0 },
};

#define P(field) CFG_FIELD(struct cfg_vrrp_track_process, field)
static const struct cfg_keyword track_process_keywords[] = {
	{ "process", kw_process, 0, 0, 0, 0, NULL, 0 },
	{ "param_match", cfg_kw_enum, P(param_match), 0, 0, param_matches, 0 },
	{ "full_command", cfg_kw_flag, P(full_command), 0, 0, NULL, 0 },
	{ "weight", kw_weight, P(weight), -254, 254,
	  (const void *)offsetof(struct cfg_vrrp_track_process, reverse), 0 },
	{ "quorum", cfg_kw_uint, P(quorum), 0, 65535, NULL, 0 },
	{ "quorum_max", cfg_kw_uint, P(quorum_max), 0, 65535, NULL, 0 },
	{ "fork_delay", cfg_kw_duration, P(fork_delay_ms), 0, MS(3600), NULL, 0 },
	{ "terminate_delay", cfg_kw_duration, P(terminate_delay_ms), 0, MS(3600), NULL, 0 },
	{ "delay", kw_both_delays, 0, 0, 0, MS(3600), NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef P

const struct cfg_block vrrp_track_process_block = { "vrrp_track_process", track_process_keywords, NULL };

#define G(field) CFG_FIELD(struct cfg_vrrp_sync_group, field)
#define SCRIPT_G(cmd, user) CFG_SCRIPT_CHARS(struct cfg_vrrp_sync_group, cmd, user)
/* `group { VI_1 VI_2 }`: every word of every line in the block is an instance name. */
static int
sync_group_member(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_sync_group *g = obj;

	for (int i = 0; i < st->argc; i++) {
		if (g->nmembers == CFG_SYNC_GROUP_MAX)
			return cfg_stmt_error(ctx, st, "more than %d instances in one sync group", CFG_SYNC_GROUP_MAX);
		if (strlen(st->argv[i]) >= CFG_NAME_MAX)
			return cfg_stmt_error(ctx, st, "instance name '%s' too long", st->argv[i]);
		strcpy(g->members[g->nmembers++], st->argv[i]);
	}
	return 0;
}

/* A bare word in the group's own block: keepalived 1.x's spelling, which 2.x skips as an unknown keyword. */
static int
sync_group_stray(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return cfg_stmt_recovered(ctx, st, "unknown keyword in vrrp_sync_group; ignored (instances go inside group { })");
}

static const struct cfg_block sync_group_members = { "group", NULL, sync_group_member };

static const struct cfg_keyword vrrp_sync_group_keywords[] = {
	{ "group", cfg_kw_subblock, 0, 0, 0, 0, &sync_group_members, CFG_KW_BLOCK },
	{ "notify_master", cfg_kw_script_chars, SCRIPT_G(notify_master, notify_master_user), NULL, 0 },
	{ "notify_backup", cfg_kw_script_chars, SCRIPT_G(notify_backup, notify_backup_user), NULL, 0 },
	{ "notify_fault", cfg_kw_script_chars, SCRIPT_G(notify_fault, notify_fault_user), NULL, 0 },
	{ "notify_stop", cfg_kw_script_chars, SCRIPT_G(notify_stop, notify_stop_user), NULL, 0 },
	{ "notify", cfg_kw_script_chars, SCRIPT_G(notify, notify_user), NULL, 0 },
	{ "notify_deleted", cfg_kw_ignore, 0, 0, 0, 0, "a group is never deleted alone; see its instances'", 0 },
	{ "notify_priority_changes", cfg_kw_ignore, 0, 0, 0, 0, "vipd writes state changes only to the fifos", 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use notify scripts", MAYBE },
	{ "track_interface", cfg_kw_subblock, 0, 0, 0, 0, &track_if_block, CFG_KW_BLOCK },
	{ "track_script", cfg_kw_subblock, 0, 0, 0, 0, &track_script_block, CFG_KW_BLOCK },
	{ "track_file", cfg_kw_subblock, 0, 0, 0, 0, &track_file_block, CFG_KW_BLOCK },
	{ "track_process", cfg_kw_subblock, 0, 0, 0, 0, &track_process_block, CFG_KW_BLOCK },
	{ "track_bfd", cfg_kw_subblock, 0, 0, 0, 0, &bfd_track_block, CFG_KW_BLOCK },
	{ "global_tracking", cfg_kw_ignore, 0, 0, 0, 0,
	  "deprecated in keepalived; each member's own tracking applies, as does the group's", 0 },
	{ "sync_group_tracking_weight", cfg_kw_ignore, 0, 0, 0, 0,
	  "vipd always applies the weights of the members' tracking as written", 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef G
#undef SCRIPT_G

const struct cfg_block vrrp_sync_group_block = { "vrrp_sync_group", vrrp_sync_group_keywords, sync_group_stray };

/* no instance-level garp_master_delay / _refresh was given */
#define GARP_UNSET UINT64_MAX

static int
instance_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;

	const struct cfg_vrrp_instance *other;

	snprintf(vi->name, sizeof(vi->name), "%s", st->argv[1]);
	if (strlen(st->argv[1]) >= sizeof(vi->name))
		return cfg_stmt_error(ctx, st, "name too long");
	/* keepalived keeps the first instance of a name and skips the block of any later one */
	CONFIG_FOREACH(ctx->conf, CFG_VRRP_INSTANCE, const struct cfg_vrrp_instance, other) {
		if (other != vi && strcmp(other->name, vi->name) == 0 && cfg_lenient(ctx, kw)) {
			cfg_stmt_recovered(ctx, st, "%s is already defined (%s:%u); this block is ignored, as keepalived "
					   "does", vi->name, cfg_file_name(ctx->files, other->hdr.pos), other->hdr.pos.line);
			return CFG_OBJ_DROP;
		}
	}
	vi->priority = 100;
	vi->advert_int_ms = 1000;
	/* unset until vrrp_conf_check gives them global_defs' values, wherever global_defs is in the file */
	vi->garp_master_repeat = 0;
	vi->garp_master_delay_ms = GARP_UNSET;
	vi->garp_master_refresh_ms = GARP_UNSET;
	vi->garp_lower_prio_delay_ms = GARP_UNSET;
	vi->skip_check_adv_addr = -1;
	vi->lower_prio_no_advert = -1;
	vi->higher_prio_send_advert = -1;
	return 0;
}

/* What keepalived does with an advert_int the version cannot carry: rounded, or lowered to the maximum. */
static void
advert_int_fix(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_instance *vi, uint32_t version)
{
	uint64_t was = vi->advert_int_ms, unit = version == 2 ? 1000 : 10;

	if (version == 3 && was > 40950)
		vi->advert_int_ms = 40950;
	else if (was % unit != 0)
		vi->advert_int_ms = (was + unit / 2) / unit * unit;
	if (vi->advert_int_ms == 0)
		vi->advert_int_ms = unit;
	if (vi->advert_int_ms == was)
		return;
	if (!cfg_lenient(ctx, NULL))
		cfg_stmt_error(ctx, st, "%s: advert_int %" PRIu64 ".%03" PRIu64 " s cannot be carried by VRRP version %u "
			       "(v2: whole seconds; v3: centiseconds up to 40.95 s)", vi->name, was / 1000, was % 1000,
			       version);
	else
		cfg_stmt_recovered(ctx, st, "%s: advert_int %" PRIu64 ".%03" PRIu64 " s cannot be carried by VRRP "
				   "version %u; using %" PRIu64 ".%03" PRIu64 " s, as keepalived does", vi->name, was / 1000,
				   was % 1000, version, vi->advert_int_ms / 1000, vi->advert_int_ms % 1000);
}

/* The last statement named name in the block of st (a keyword given, whatever it holds), or NULL. */
static const struct cfg_stmt *
block_find(const struct cfg_stmt *st, const char *name)
{
	const struct cfg_stmt *last = NULL;

	for (const struct cfg_stmt *c = st->block; c != NULL; c = c->next)
		if (strcmp(c->argv[0], name) == 0)
			last = c;
	return last;
}

/*
 * unicast_src_ip or an empty unicast_peer block, and no peer: keepalived counts it an error and the
 * instance is multicast (from that source address: keepalived has one source address for both), unless
 * unicast_fault_no_peer keeps it in Fault. unicast_ttl without peers is reset, also counted an error.
 */
static void
unicast_without_peers(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_instance *vi)
{
	if (vi->npeers > 0)
		return;
	if (vi->unicast_ttl != 0) {
		const struct cfg_stmt *ttl = block_find(st, "unicast_ttl");

		cfg_stmt_recovered(ctx, ttl != NULL ? ttl : st, "%s: unicast_ttl without unicast peers; ignored "
				   "(multicast adverts keep TTL 255), as keepalived does", vi->name);
		vi->unicast_ttl = 0;
	}
	if (vi->unicast_fault_no_peer || (vi->unicast_src_ip.family == 0 && block_find(st, "unicast_peer") == NULL))
		return;
	cfg_stmt_recovered(ctx, st, "%s: a unicast keyword without unicast peers; multicast adverts%s, as keepalived "
			   "does", vi->name, vi->unicast_src_ip.family ? " from unicast_src_ip" : "");
	if (vi->mcast_src_ip.family == 0)
		vi->mcast_src_ip = vi->unicast_src_ip;
}

/* keepalived does not track an instance's own interface (its link going down is a Fault anyway): dropped,
 * weight and all, as an error it runs past. Only the instance's own lines: a sync group's come later. */
static void
own_interface_untracked(struct cfg_ctx *ctx, struct cfg_vrrp_instance *vi)
{
	uint32_t kept = 0;

	for (uint32_t t = 0; t < vi->ntrack_if; t++) {
		if (strcmp(vi->track_if[t].name, vi->interface) != 0) {
			if (kept != t)
				cfg_note_pos(ctx, &vi->track_if[kept], cfg_item_pos(ctx, &vi->track_if[t],
										vi->hdr.pos));
			vi->track_if[kept++] = vi->track_if[t];
			continue;
		}
		cfg_recovered(ctx->diag, cfg_item_pos(ctx, &vi->track_if[t], vi->hdr.pos), "vrrp_instance %s: "
			      "track_interface %s is the instance's own interface; not tracked, as keepalived does",
			      vi->name, vi->interface);
	}
	vi->ntrack_if = kept;
}

/*
 * nopreempt or preempt_delay with state MASTER, or with priority 255 (the address owner, which keepalived
 * starts as Master): keepalived clears them, errors it runs past, and the instance preempts at once.
 * vipd does the same.
 */
static void
nopreempt_cleared(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_instance *vi)
{
	const char *why = vi->priority == 255 ? "priority 255" : "state MASTER";

	if (vi->state != VRRP_WANT_MASTER && vi->priority != 255)
		return;
	if (vi->nopreempt) {
		cfg_stmt_recovered(ctx, st, "%s: nopreempt with %s; cleared (the instance preempts), as keepalived "
				   "does", vi->name, why);
		vi->nopreempt = false;
	}
	if (vi->preempt_delay_ms != 0) {
		cfg_stmt_recovered(ctx, st, "%s: preempt_delay with %s; cleared (the instance preempts at once), as "
				   "keepalived does", vi->name, why);
		vi->preempt_delay_ms = 0;
	}
}

static int
instance_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_instance *vi = obj;
	uint32_t version = vi->version ? vi->version : ctx->conf->global->vrrp_version;

	/* keepalived: without a priority, a MASTER is the address owner (255) */
	if (!vi->priority_given && vi->state == VRRP_WANT_MASTER)
		vi->priority = 255;
	/* vrrp_version in global_defs is IPv4's: an IPv6 instance without its own version is version 3 */
	if (vi->version == 0 && vrrp_conf_family(vi) == AF_INET6)
		version = 3;
	if (vi->version == 2 && vrrp_conf_family(vi) == AF_INET6) {
		/* keepalived does it without a word (keepalived -t exits 0) */
		cfg_stmt_warning(ctx, st, "%s: IPv6 needs VRRP version 3; using version 3, as keepalived does", vi->name);
		vi->version = version = 3;
	}
	/* keepalived -t reports these and exits 5, but keepalived itself then stops at start */
	if (vi->interface[0] == '\0')
		cfg_stmt_error(ctx, st, "%s: needs an interface (keepalived stops at start without one)", vi->name);
	if (vi->vrid == 0)
		cfg_stmt_error(ctx, st, "%s: needs a virtual_router_id from 1 to 255 (keepalived stops at start "
			       "without one)", vi->name);
	advert_int_fix(ctx, st, vi, version);
	/* authentication (PASS, or IPsec AH over IPv4) is version 2's; IPv6 instances are version 3 */
	if (vi->auth_type != VRRP_AUTH_NONE && (version == 3 || vrrp_conf_family(vi) == AF_INET6)) {
		cfg_stmt_recovered(ctx, st, "%s: VRRP version 3 has no authentication; ignoring it, as keepalived "
				   "does", vi->name);
		vi->auth_type = VRRP_AUTH_NONE;
	} else if (vi->auth_type != VRRP_AUTH_NONE && vi->auth_pass[0] == '\0') {
		cfg_stmt_recovered(ctx, st, "%s: authentication without an auth_pass; running without, as "
				   "keepalived does", vi->name);
		vi->auth_type = VRRP_AUTH_NONE;
	}
	/* a master starting at sequence number 1 would see its adverts dropped as replays by the others */
	if (vi->auth_type == VRRP_AUTH_AH && vi->state == VRRP_WANT_MASTER) {
		cfg_stmt_recovered(ctx, st, "%s: state MASTER with auth_type AH; starting as BACKUP, as keepalived "
				   "does", vi->name);
		vi->state = VRRP_WANT_BACKUP;
	}
	if (vi->vmac_short)
		vi->vmac_mac[5] = (uint8_t)vi->vrid;
	if (vi->use_vmac && vi->npeers > 0 && !vi->vmac_xmit_base)
		cfg_stmt_error(ctx, st, "%s: use_vmac with unicast peers needs vmac_xmit_base", vi->name);
	unicast_without_peers(ctx, st, vi);
	own_interface_untracked(ctx, vi);
	nopreempt_cleared(ctx, st, vi);
	/* the advert carries one family: the first non-excluded address's; the others must be excluded */
	{
		int family = 0;
		uint32_t announced = 0;

		for (uint32_t i = 0; i < vi->nvips; i++) {
			if (vi->vips[i].excluded)
				continue;
			announced++;
			if (family == 0)
				family = vi->vips[i].addr.family;
			else if (vi->vips[i].addr.family != family)
				cfg_stmt_error(ctx, st, "%s: IPv4 and IPv6 virtual addresses mixed; put one family "
					       "in virtual_ipaddress_excluded", vi->name);
		}
		if (vi->mcast_dst_ip.family != 0 &&
		    ((family != 0 && vi->mcast_dst_ip.family != family) ||
		     (vi->mcast_dst_ip.family == AF_INET && (vi->mcast_dst_ip.addr[0] & 0xf0) != 0xe0) ||
		     (vi->mcast_dst_ip.family == AF_INET6 && vi->mcast_dst_ip.addr[0] != 0xff)))
			cfg_stmt_error(ctx, st, "%s: mcast_dst_ip must be a multicast group of the addresses' family",
				       vi->name);
		for (uint32_t i = 0; i < vi->npeers; i++)
			if (family != 0 && vi->peers[i].family != family)
				cfg_stmt_error(ctx, st, "%s: unicast_peer of another family than the addresses",
					       vi->name);
		/* keepalived counts it an error and runs the instance, which then owns no address */
		if (announced == 0)
			cfg_stmt_recovered(ctx, st, "%s: no virtual_ipaddress; the instance runs without addresses, "
					   "as keepalived does", vi->name);
	}
	return 0;
}

static int
script_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_script *vs = obj;

	if (strlen(st->argv[1]) >= sizeof(vs->name))
		return cfg_stmt_error(ctx, st, "name too long");
	strcpy(vs->name, st->argv[1]);
	vs->interval_ms = 1000;
	vs->rise = 1;
	vs->fall = 1;
	return 0;
}

static int
script_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_vrrp_script *vs = obj;

	if (vs->script[0] == '\0') {
		if (!cfg_lenient(ctx, kw))
			return cfg_stmt_error(ctx, st, "%s: needs a script", vs->name);
		cfg_stmt_recovered_end(ctx, st, "%s: no script; this vrrp_script is removed, as keepalived does",
				       vs->name);
		return CFG_OBJ_DROP;
	}
	return 0;
}

const struct cfg_object_spec vrrp_instance_spec = {
	CFG_VRRP_INSTANCE, &vrrp_instance_block, 1, 1, instance_defaults, instance_finish,
};
const struct cfg_object_spec vrrp_script_spec = {
	CFG_VRRP_SCRIPT, &vrrp_script_block, 1, 1, script_defaults, script_finish,
};
const struct cfg_object_spec vrrp_sync_group_spec = {
	CFG_VRRP_SYNC_GROUP, &vrrp_sync_group_block, 1, 1, NULL, NULL,
};

static int
track_file_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track_file *tf = obj;

	if (strlen(st->argv[1]) >= sizeof(tf->name))
		return cfg_stmt_error(ctx, st, "name too long");
	strcpy(tf->name, st->argv[1]);
	tf->weight = 1;
	return 0;
}

static int
track_file_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_vrrp_track_file *tf = obj;

	if (tf->path[0] != '/')
		cfg_stmt_error(ctx, st, "%s: needs a file, an absolute path", tf->name);
	return 0;
}

const struct cfg_object_spec vrrp_track_file_spec = {
	CFG_VRRP_TRACK_FILE, &vrrp_track_file_block, 1, 1, track_file_defaults, track_file_finish,
};

static int
track_process_defaults(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track_process *tp = obj;

	if (strlen(st->argv[1]) >= sizeof(tp->name))
		return cfg_stmt_error(ctx, st, "name too long");
	strcpy(tp->name, st->argv[1]);
	tp->weight = 1;
	tp->quorum = 1;
	tp->quorum_max = UINT32_MAX;
	return 0;
}

static int
track_process_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vrrp_track_process *tp = obj;

	if (tp->process[0] == '\0')
		cfg_stmt_error(ctx, st, "%s: needs a process", tp->name);
	/* quorum_max 0: success is none running (keepalived) */
	if (tp->quorum_max == 0)
		tp->quorum = 0;
	else if (tp->quorum_max < tp->quorum)
		cfg_stmt_error(ctx, st, "%s: quorum_max below quorum", tp->name);
	return 0;
}

const struct cfg_object_spec vrrp_track_process_spec = {
	CFG_VRRP_TRACK_PROCESS, &vrrp_track_process_block, 1, 1, track_process_defaults, track_process_finish,
};

void
vrrp_conf_global_defaults(struct cfg_global *g)
{
	g->vrrp_garp_lower_prio_delay_ms = GARP_UNSET;
	g->startup_script_timeout_ms = 10000;
	g->shutdown_script_timeout_ms = 10000;
}

/* vrrp_min_garp [BOOL]: one gratuitous ARP / NA per address at a transition, and no second burst. */
int
vrrp_conf_min_garp(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_global *g = obj;

	if (cfg_kw_bool(ctx, st, kw, obj) == -1)
		return -1;
	if (g->vrrp_min_garp) {
		g->vrrp_garp_master_repeat = 1;
		g->vrrp_garp_master_delay_ms = 0;
	}
	return 0;
}

/* garp_master_delay / _refresh (and their vrrp_ globals): keepalived 2.2.7 reads whole seconds only and
 * ignores `1.0` or `1.5` (recovered) */
int
vrrp_conf_whole_seconds(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (st->argc == 2 && strspn(st->argv[1], "0123456789") != strlen(st->argv[1]) && cfg_lenient(ctx, kw))
		return cfg_stmt_recovered(ctx, st, "'%s' is not a whole number of seconds; ignored, as keepalived does",
					  st->argv[1]);
	return cfg_kw_duration(ctx, st, kw, obj);
}

/*
 * Seconds with up to six decimals ("0.001", "0.000001") to microseconds, from kw->min to kw->max. keepalived
 * 2.2.7 rounds more decimals to the microsecond (saying so, an error it runs past), then ignores a value
 * out of range, 0 included ("number '0' outside range [0.000001, 4294.967295]"): vipd does both.
 */
int
vrrp_conf_usec(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const char *s;
	uint64_t whole = 0, frac = 0, scale = 1000000, us;
	bool more = false, up = false;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	s = st->argv[1];
	if ((*s < '0' || *s > '9') && cfg_lenient(ctx, kw))
		return cfg_stmt_recovered(ctx, st, "'%s' is not seconds (like 0.001); ignored, as keepalived does",
					  st->argv[1]);
	if (*s < '0' || *s > '9')
		return cfg_stmt_error(ctx, st, "'%s' is not seconds (like 0.001)", st->argv[1]);
	for (; *s >= '0' && *s <= '9' && whole < 10000000; s++)
		whole = whole * 10 + (uint64_t)(*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (scale > 1)
				scale /= 10, frac += (uint64_t)(*s - '0') * scale;
			else if (!more)	/* the first digit past the microsecond rounds it */
				more = true, up = *s >= '5';
		}
	us = whole * 1000000 + frac + (up ? 1 : 0);
	if (*s == '\0' && more && cfg_lenient(ctx, kw))
		cfg_stmt_recovered(ctx, st, "'%s' has more than 6 decimals; rounded to %" PRIu64 ".%06" PRIu64 " s, as "
				   "keepalived does", st->argv[1], us / 1000000, us % 1000000);
	if ((*s != '\0' || us < (uint64_t)kw->min || us > (uint64_t)kw->max) && cfg_lenient(ctx, kw))
		return cfg_stmt_recovered(ctx, st, "'%s' is not seconds from %lld.%06lld to %lld.%06lld; ignored, as "
					  "keepalived does", st->argv[1], (long long)kw->min / 1000000,
					  (long long)kw->min % 1000000, (long long)kw->max / 1000000,
					  (long long)kw->max % 1000000);
	if (!cfg_lenient(ctx, kw) && (*s != '\0' || more || us < (uint64_t)kw->min || us > (uint64_t)kw->max))
		return cfg_stmt_error(ctx, st, "'%s' is not seconds from %lld.%06lld to %lld.%06lld with at most 6 "
				      "decimals", st->argv[1], (long long)kw->min / 1000000, (long long)kw->min % 1000000,
				      (long long)kw->max / 1000000, (long long)kw->max % 1000000);
	*(uint64_t *)((char *)obj + kw->off) = us;
	return 0;
}

static void
obj_error(struct cfg_ctx *ctx, const struct cfg_obj *o, const char *what, const char *name, const char *msg)
{
	cfg_error(ctx->diag, o->pos, "%s %s: %s", what, name, msg);
}

/* What an instance left unset takes from global_defs, read by now wherever it was in the file. */
static void
resolve_defaults(const struct cfg_global *g, struct cfg_vrrp_instance *vi)
{
	if (vi->skip_check_adv_addr == -1)
		vi->skip_check_adv_addr = g->vrrp_skip_check_adv_addr;
	if (vi->lower_prio_no_advert == -1)
		vi->lower_prio_no_advert = g->vrrp_lower_prio_no_advert;
	if (vi->higher_prio_send_advert == -1)
		vi->higher_prio_send_advert = g->vrrp_higher_prio_send_advert;
	if (vi->garp_lower_prio_delay_ms == GARP_UNSET)
		vi->garp_lower_prio_delay_ms = g->vrrp_garp_lower_prio_delay_ms != GARP_UNSET ?
					       g->vrrp_garp_lower_prio_delay_ms : vi->garp_master_delay_ms;
	if (vi->garp_lower_prio_repeat == 0)
		vi->garp_lower_prio_repeat = g->vrrp_garp_lower_prio_repeat ? g->vrrp_garp_lower_prio_repeat :
					     vi->garp_master_repeat;
	if (vi->garp_master_refresh_repeat == 0)
		vi->garp_master_refresh_repeat = g->vrrp_garp_master_refresh_repeat ?
						 g->vrrp_garp_master_refresh_repeat : 1;
	if (vi->down_timer_adverts == 0)
		vi->down_timer_adverts = g->vrrp_down_timer_adverts ? g->vrrp_down_timer_adverts : 3;
}

static void
append_tracks(struct cfg_ctx *ctx, const struct cfg_vrrp_sync_group *g, struct cfg_vrrp_instance *vi,
	      struct cfg_vrrp_track *dst, uint32_t *n, const struct cfg_vrrp_track *src, uint32_t nsrc)
{
	for (uint32_t i = 0; i < nsrc; i++) {
		if (*n == CFG_VRRP_TRACK_MAX) {
			cfg_error(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: vrrp_instance %s would track more than "
				  "%d objects of a kind", g->name, vi->name, CFG_VRRP_TRACK_MAX);
			return;
		}
		cfg_note_pos(ctx, &dst[*n], cfg_item_pos(ctx, &src[i], g->hdr.pos));
		dst[(*n)++] = src[i];
	}
}

/* A sync group's tracking is its members'. */
static void
group_tracking(struct cfg_ctx *ctx, const struct cfg_vrrp_sync_group *g)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(ctx->conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		for (uint32_t m = 0; m < g->nmembers; m++) {
			if (strcmp(vi->name, g->members[m]) != 0)
				continue;
			append_tracks(ctx, g, vi, vi->track_if, &vi->ntrack_if, g->track_if, g->ntrack_if);
			append_tracks(ctx, g, vi, vi->track_script, &vi->ntrack_script, g->track_script,
				      g->ntrack_script);
			append_tracks(ctx, g, vi, vi->track_file, &vi->ntrack_file, g->track_file, g->ntrack_file);
			append_tracks(ctx, g, vi, vi->track_process, &vi->ntrack_process, g->track_process,
				      g->ntrack_process);
		}
	}
}

/*
 * Drops the entries of a tracking list that name nothing (exists says), as keepalived does with a
 * "track script X not found, ignoring": reported at the entry's line.
 */
static void
drop_unknown_tracks(struct cfg_ctx *ctx, struct cfg_vrrp_instance *vi, struct cfg_vrrp_track *list, uint32_t *n,
		    const char *what, bool (*exists)(const struct config *, const char *))
{
	uint32_t kept = 0;

	for (uint32_t t = 0; t < *n; t++) {
		if (exists(ctx->conf, list[t].name)) {
			list[kept++] = list[t];
			continue;
		}
		cfg_recovered(ctx->diag, cfg_item_pos(ctx, &list[t], vi->hdr.pos), "vrrp_instance %s: no %s '%s'; "
			      "not tracked, as keepalived does", vi->name, what, list[t].name);
	}
	*n = kept;
}

static bool
script_exists(const struct config *conf, const char *name)
{
	struct cfg_vrrp_script *sc;

	CONFIG_FOREACH(conf, CFG_VRRP_SCRIPT, struct cfg_vrrp_script, sc)
		if (strcmp(sc->name, name) == 0)
			return true;
	return false;
}

static bool
track_file_exists(const struct config *conf, const char *name)
{
	struct cfg_vrrp_track_file *tf;

	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_FILE, struct cfg_vrrp_track_file, tf)
		if (strcmp(tf->name, name) == 0)
			return true;
	return false;
}

static bool
track_process_exists(const struct config *conf, const char *name)
{
	struct cfg_vrrp_track_process *tp;

	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_PROCESS, struct cfg_vrrp_track_process, tp)
		if (strcmp(tp->name, name) == 0)
			return true;
	return false;
}

static bool
instance_exists(const struct config *conf, const char *name)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		if (strcmp(vi->name, name) == 0)
			return true;
	return false;
}

/*
 * keepalived drops a sync group's member that names no instance, and a member already in an earlier group;
 * a group left without members is removed.
 */
static void
check_sync_groups(struct cfg_ctx *ctx)
{
	struct cfg_vrrp_sync_group *g, *h;

	for (size_t gi = 0; (g = config_get(ctx->conf, CFG_VRRP_SYNC_GROUP, gi)) != NULL;) {
		uint32_t kept = 0;

		for (uint32_t m = 0; m < g->nmembers; m++) {
			bool shared = false;

			for (size_t hi = 0; hi < gi; hi++) {
				h = config_get(ctx->conf, CFG_VRRP_SYNC_GROUP, hi);
				for (uint32_t k = 0; k < h->nmembers; k++)
					shared |= strcmp(h->members[k], g->members[m]) == 0;
			}
			if (!instance_exists(ctx->conf, g->members[m]))
				cfg_recovered(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: no vrrp_instance '%s'; "
					      "ignored, as keepalived does", g->name, g->members[m]);
			else if (shared)
				cfg_recovered(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: vrrp_instance '%s' is in an "
					      "earlier sync group; ignored here, as keepalived does", g->name,
					      g->members[m]);
			else
				memmove(g->members[kept++], g->members[m], CFG_NAME_MAX);
		}
		g->nmembers = kept;
		/* keepalived counts it an error ("probably isn't what you want") and runs the group */
		if (kept == 1)
			cfg_recovered(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: only one vrrp_instance; kept, as "
				      "keepalived does", g->name);
		if (kept == 0) {
			cfg_recovered(ctx->diag, g->hdr.pos, "vrrp_sync_group %s: no instances left; removed, as "
				      "keepalived does", g->name);
			config_remove(ctx->conf, CFG_VRRP_SYNC_GROUP, gi);
			continue;
		}
		gi++;
	}
}

static void
check_track_files(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	struct cfg_vrrp_track_file *tf, *other;
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_FILE, struct cfg_vrrp_track_file, tf) {
		CONFIG_FOREACH(conf, CFG_VRRP_TRACK_FILE, struct cfg_vrrp_track_file, other) {
			if (other == tf)
				break;
			if (strcmp(other->name, tf->name) == 0)
				obj_error(ctx, &tf->hdr, "track_file", tf->name, "defined twice");
		}
	}
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		drop_unknown_tracks(ctx, vi, vi->track_file, &vi->ntrack_file, "track_file", track_file_exists);
}

static void
check_track_processes(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	struct cfg_vrrp_track_process *tp, *other;
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_PROCESS, struct cfg_vrrp_track_process, tp) {
		CONFIG_FOREACH(conf, CFG_VRRP_TRACK_PROCESS, struct cfg_vrrp_track_process, other) {
			if (other == tp)
				break;
			if (strcmp(other->name, tp->name) == 0)
				obj_error(ctx, &tp->hdr, "vrrp_track_process", tp->name, "defined twice");
		}
	}
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		drop_unknown_tracks(ctx, vi, vi->track_process, &vi->ntrack_process, "vrrp_track_process",
				    track_process_exists);
}

/* Names must be unique; a sync group's members must exist and belong to one group only. */
int
vrrp_conf_check(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	struct cfg_vrrp_instance *vi, *other;
	struct cfg_vrrp_sync_group *g;
	size_t before = ctx->diag->nerrors;
	char why[80];

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		if (vi->garp_master_repeat == 0)
			vi->garp_master_repeat = conf->global->vrrp_garp_master_repeat;
		if (vi->garp_master_delay_ms == GARP_UNSET)
			vi->garp_master_delay_ms = conf->global->vrrp_garp_master_delay_ms;
		if (vi->garp_master_refresh_ms == GARP_UNSET)
			vi->garp_master_refresh_ms = conf->global->vrrp_garp_master_refresh_ms;
		resolve_defaults(conf->global, vi);
	}
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, other) {
			if (other == vi)
				break;
			if (strcmp(other->name, vi->name) == 0)
				obj_error(ctx, &vi->hdr, "vrrp_instance", vi->name, "defined twice");
			else if (vrrp_conf_vrid_conflict(conf->global, other, vi, why, sizeof(why)))
				cfg_error(ctx->diag, vi->hdr.pos, "vrrp_instance %s: virtual_router_id %u on %s is also "
					  "%s's (%s); keepalived refuses to run both", vi->name, vi->vrid, vi->interface,
					  other->name, why);
		}
	}
	/* the members a group keeps get its tracking */
	check_sync_groups(ctx);
	CONFIG_FOREACH(conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, g)
		group_tracking(ctx, g);
	check_track_files(ctx);
	check_track_processes(ctx);
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		drop_unknown_tracks(ctx, vi, vi->track_script, &vi->ntrack_script, "vrrp_script", script_exists);
	return (int)(ctx->diag->nerrors - before);
}
