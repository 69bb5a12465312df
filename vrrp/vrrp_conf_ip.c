/*
 * Lines of addresses, routes and rules, in `ip address|route|rule add` words: virtual_ipaddress,
 * virtual_routes and virtual_rules of an instance, and the top-level static_ipaddress, static_routes and
 * static_rules. Parent side.
 */
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/config.h"
#include "vrrp/vrrp.h"

static const struct cfg_enum vrrp_scopes[] = {
	{ "global", 0 }, { "site", 200 }, { "link", 253 }, { "host", 254 }, { "nowhere", 255 }, { NULL, 0 },
};

static int
vrrp_scope_value(const char *s, int32_t *scope)
{
	int64_t v;

	for (const struct cfg_enum *e = vrrp_scopes; e->name != NULL; e++) {
		if (strcmp(e->name, s) == 0) {
			*scope = e->value;
			return 0;
		}
	}
	if (cfg_parse_int(s, 0, 255, &v) == 0) {
		*scope = (int32_t)v;
		return 0;
	}
	return -1;
}

int
vrrp_conf_scope(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *s, int32_t *scope)
{
	if (vrrp_scope_value(s, scope) == 0)
		return 0;
	return cfg_stmt_error(ctx, st, "'%s' is not a scope (global, site, link, host, nowhere or 0-255)", s);
}

int
vrrp_conf_name(struct cfg_ctx *ctx, const struct cfg_stmt *st, char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return cfg_stmt_error(ctx, st, "'%s' is too long", src);
	strcpy(dst, src);
	return 0;
}

/* Words that take no value; the ones keepalived accepts that change nothing here are listed with 0. */
struct word_flag {
	const char *name;
	uint32_t flag;
};

static const struct word_flag vip_flags[] = {
	{ "home", IFA_F_HOMEADDRESS }, { "mngtmpaddr", IFA_F_MANAGETEMPADDR }, { "noprefixroute", IFA_F_NOPREFIXROUTE },
	{ "autojoin", IFA_F_MCAUTOJOIN }, { "-nodad", IFA_F_NODAD }, { "nodad", IFA_F_NODAD },
	/* vipd never watches its addresses for deletion: they are restored at the next transition */
	{ "no_track", 0 }, { NULL, 0 },
};

static bool
vip_known_option(const char *k)
{
	static const char *const known[] = { "dev", "label", "scope", "brd", "broadcast", "peer", "preferred_lft",
					     "track_group", "use_vmac", NULL };

	for (const char *const *p = known; *p != NULL; p++)
		if (strcmp(*p, k) == 0)
			return true;
	return false;
}

static const struct word_flag *
find_flag(const struct word_flag *list, const char *w)
{
	for (; list->name != NULL; list++)
		if (strcmp(list->name, w) == 0)
			return list;
	return NULL;
}

/*
 * What keepalived takes on a route or rule line and vipd does not: such a line stays an error even where
 * keepalived's errors are recovered, since skipping it would leave out a route keepalived installs.
 */
static const char *const keepalived_route_words[] = {
	"advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "realms", "rto_min", "initcwnd",
	"initrwnd", "features", "quickack", "congctl", "pref", "fastopen_no_cookie", "tos", "dsfield", "encap",
	"expires", "ttl-propagate", "lock", "hoplimit", NULL,
};
static const char *const keepalived_rule_words[] = {
	"uidrange", "sport", "dport", "ipproto", "l3mdev", "protocol", "suppress_prefixlength", "sup_pl",
	"suppress_ifgroup", "sup_group", "realms", "map-to", "nat", NULL,
};

static bool
in_list(const char *const *list, const char *w)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, w) == 0)
			return true;
	return false;
}

__attribute__((format(printf, 3, 4)))
static int
unsupported(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *fmt, ...)
{
	const char *outer = ctx->on_error;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->on_error = NULL;
	cfg_stmt_error(ctx, st, "%s", msg);
	ctx->on_error = outer;
	return -1;
}

static int vip_parse(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_vip *v, bool excluded);

/* ADDR/LEN whose LEN keepalived cannot take: the address alone (a host prefix), as keepalived does */
static int
vip_addr(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_addr *a)
{
	char buf[64];
	const char *slash = strchr(st->argv[0], '/');

	if (cfg_parse_addr(st->argv[0], true, a) == 0)
		return 0;
	if (slash == NULL || !cfg_lenient(ctx, NULL) || (size_t)(slash - st->argv[0]) >= sizeof(buf))
		return cfg_stmt_error(ctx, st, "'%s' is not an address", st->argv[0]);
	memcpy(buf, st->argv[0], (size_t)(slash - st->argv[0]));
	buf[slash - st->argv[0]] = '\0';
	if (cfg_parse_addr(buf, false, a) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not an address", st->argv[0]);
	cfg_stmt_recovered(ctx, st, "'%s' is not a prefix length; using /%u, as keepalived does", slash + 1, a->prefix);
	return 0;
}

/* A VIP's option keepalived ignores when it is wrong (the address is kept). */
static bool
vip_option_ignored(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *k, const char *val)
{
	if (!cfg_lenient(ctx, NULL))
		return false;
	cfg_stmt_recovered(ctx, st, "'%s%s%s' ignored, as keepalived does", k, val ? " " : "", val ? val : "");
	return true;
}

int
vrrp_conf_vip(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_vip *v, bool excluded)
{
	const char *outer = ctx->on_error;
	int r;

	/* anything else wrong with the line: keepalived skips the address */
	if (cfg_lenient(ctx, NULL))
		ctx->on_error = "; this address is ignored, as keepalived does";
	r = vip_parse(ctx, st, v, excluded);
	ctx->on_error = outer;
	return r;
}

static int
vip_parse(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_vip *v, bool excluded)
{
	memset(v, 0, sizeof(*v));
	v->excluded = excluded;
	v->preferred_lft = -1;
	if (vip_addr(ctx, st, &v->addr) == -1)
		return -1;
	for (int i = 1; i < st->argc; i++) {
		const char *k = st->argv[i], *val = i + 1 < st->argc ? st->argv[i + 1] : NULL;
		const struct word_flag *f = find_flag(vip_flags, k);
		int32_t scope;

		if (f != NULL) {
			v->flags |= f->flag;
			continue;
		}
		if (strcmp(k, "use_vmac") == 0) {
			cfg_stmt_warning(ctx, st, "use_vmac of one address is not supported: it goes on its interface "
					 "with that interface's MAC address");
			continue;
		}
		if (!vip_known_option(k) && vip_option_ignored(ctx, st, k, NULL))
			continue;	/* keepalived skips an unknown word alone */
		if (val == NULL && vip_option_ignored(ctx, st, k, NULL))
			continue;
		if (val == NULL)
			return cfg_stmt_error(ctx, st, "'%s' needs a value", k);
		i++;
		if (strcmp(k, "dev") == 0) {
			if (vrrp_conf_name(ctx, st, v->dev, sizeof(v->dev), val) == -1)
				return -1;
			if (cfg_lenient(ctx, NULL) && if_nametoindex(v->dev) == 0)
				cfg_stmt_recovered(ctx, st, "no interface '%s' here; the address is added once it appears",
						   v->dev);
		} else if (strcmp(k, "label") == 0) {
			if (vrrp_conf_name(ctx, st, v->label, sizeof(v->label), val) == -1)
				return -1;
		} else if (strcmp(k, "scope") == 0) {
			if (vrrp_scope_value(val, &scope) == 0)
				v->scope = scope;
			else if (!vip_option_ignored(ctx, st, k, val))
				return vrrp_conf_scope(ctx, st, val, &v->scope);
		} else if (strcmp(k, "brd") == 0 || strcmp(k, "broadcast") == 0) {
			if (cfg_parse_addr(val, false, &v->brd) == -1 || v->brd.family != v->addr.family)
				return cfg_stmt_error(ctx, st, "'%s' is not a broadcast address of the same family", val);
		} else if (strcmp(k, "peer") == 0) {
			if (cfg_parse_addr(val, true, &v->peer) == -1 || v->peer.family != v->addr.family)
				return cfg_stmt_error(ctx, st, "'%s' is not a peer address of the same family", val);
		} else if (strcmp(k, "preferred_lft") == 0) {
			if (strcmp(val, "forever") != 0 && cfg_parse_int(val, 0, UINT32_MAX - 1, &v->preferred_lft) == -1 &&
			    !vip_option_ignored(ctx, st, k, val))
				return cfg_stmt_error(ctx, st, "preferred_lft '%s' is not seconds or forever", val);
		} else if (strcmp(k, "track_group") == 0) {
			cfg_stmt_warning(ctx, st, "track_group is ignored: vipd does not watch static addresses");
		} else {
			return cfg_stmt_error(ctx, st, "unknown option '%s' of an address", k);
		}
	}
	return 0;
}

static const struct cfg_enum route_types[] = {
	{ "blackhole", RTN_BLACKHOLE }, { "unreachable", RTN_UNREACHABLE }, { "prohibit", RTN_PROHIBIT },
	{ "throw", RTN_THROW }, { NULL, 0 },
};

static const struct cfg_enum route_protocols[] = {
	{ "kernel", RTPROT_KERNEL }, { "boot", RTPROT_BOOT }, { "static", RTPROT_STATIC }, { "ra", RTPROT_RA },
	{ "dhcp", RTPROT_DHCP }, { "keepalived", RTPROT_KEEPALIVED }, { "bird", RTPROT_BIRD }, { NULL, 0 },
};

static int
enum_value(const struct cfg_enum *e, const char *s, int *out)
{
	for (; e->name != NULL; e++) {
		if (strcmp(e->name, s) == 0) {
			*out = e->value;
			return 0;
		}
	}
	return -1;
}

static int
route_addr(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *what, const char *s, struct cfg_addr *a)
{
	if (cfg_parse_addr(s, false, a) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not %s", s, what);
	return 0;
}

/* One `KEY VALUE` of a route; returns the words used (0: unknown key), -1 on error. */
static int
route_option(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_route *r, int i)
{
	const char *k = st->argv[i], *val = i + 1 < st->argc ? st->argv[i + 1] : NULL;
	int64_t n;
	int e;

	if (strcmp(k, "no_track") == 0 || strcmp(k, "inet6") == 0 || strcmp(k, "prepend") == 0)
		return 1;	/* the family comes from the addresses; vipd adds routes as `ip route add` does */
	if (strcmp(k, "onlink") == 0) {
		r->onlink = true;
		return 1;
	}
	if (val == NULL)
		return cfg_stmt_error(ctx, st, "'%s' needs a value", k);
	if (strcmp(k, "via") == 0 || strcmp(k, "gw") == 0) {
		/* `via inet6 ADDR`, ip-route(8)'s form that keepalived reads too: the family is the address's */
		int fam = (strcmp(val, "inet") == 0 || strcmp(val, "inet6") == 0) && i + 2 < st->argc;

		if (fam)
			val = st->argv[i + 2];
		if (route_addr(ctx, st, "a gateway address", val, &r->via) == -1)
			return -1;
		/* keepalived's multipath: via A or B */
		if (i + 2 + fam < st->argc && strcmp(st->argv[i + 2 + fam], "or") == 0) {
			if (i + 3 + fam >= st->argc)
				return cfg_stmt_error(ctx, st, "'or' needs a second gateway");
			if (route_addr(ctx, st, "a gateway address", st->argv[i + 3 + fam], &r->via_or) == -1)
				return -1;
			return 4 + fam;
		}
		return 2 + fam;
	}
	if (strcmp(k, "src") == 0)
		return route_addr(ctx, st, "a source address", val, &r->src) == -1 ? -1 : 2;
	if (strcmp(k, "dev") == 0 || strcmp(k, "oif") == 0)
		return vrrp_conf_name(ctx, st, r->dev, sizeof(r->dev), val) == -1 ? -1 : 2;
	if (strcmp(k, "metric") == 0 || strcmp(k, "preference") == 0 || strcmp(k, "priority") == 0) {
		if (cfg_parse_int(val, 0, UINT32_MAX, &n) == -1)
			return cfg_stmt_error(ctx, st, "'%s' is not a metric", val);
		r->metric = (uint32_t)n;
		return 2;
	}
	if (strcmp(k, "table") == 0) {
		if (strcmp(val, "main") == 0)
			n = RT_TABLE_MAIN;
		else if (strcmp(val, "local") == 0)
			n = RT_TABLE_LOCAL;
		else if (cfg_parse_int(val, 1, UINT32_MAX, &n) == -1)
			return cfg_stmt_error(ctx, st, "'%s' is not a table number", val);
		r->table = (uint32_t)n;
		return 2;
	}
	if (strcmp(k, "scope") == 0)
		return vrrp_conf_scope(ctx, st, val, &r->scope) == -1 ? -1 : 2;
	if (strcmp(k, "mtu") == 0) {
		if (strcmp(val, "lock") == 0)
			return unsupported(ctx, st, "mtu lock is not supported");
		if (cfg_parse_int(val, 68, 65535, &n) == -1)
			return cfg_stmt_error(ctx, st, "mtu '%s' is not in 68..65535", val);
		r->mtu = (uint32_t)n;
		return 2;
	}
	if (strcmp(k, "protocol") == 0 || strcmp(k, "proto") == 0) {
		if (enum_value(route_protocols, val, &e) == 0)
			n = e;
		else if (cfg_parse_int(val, 0, 255, &n) == -1)
			return cfg_stmt_error(ctx, st, "'%s' is not a route protocol", val);
		r->protocol = (uint8_t)n;
		return 2;
	}
	if (strcmp(k, "track_group") == 0) {
		cfg_stmt_warning(ctx, st, "track_group is ignored: vipd does not watch static routes");
		return 2;
	}
	return 0;
}

/* [TYPE] [src A [to]] DST[/LEN] | default [via|gw GW [or GW2]] [src A] [dev D] [metric N] [table N] ... */
static int route_parse(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_route *r);
static int rule_parse(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_rule *r);

/* A route or rule keepalived cannot take, it skips (with its reason), and the rest of the block runs. */
#define LINE_IGNORED "; this line is ignored, as keepalived does"

int
vrrp_conf_route(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_route *r)
{
	const char *outer = ctx->on_error;
	int ret;

	if (cfg_lenient(ctx, NULL))
		ctx->on_error = LINE_IGNORED;
	ret = route_parse(ctx, st, r);
	ctx->on_error = outer;
	return ret;
}

int
vrrp_conf_rule(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_rule *r)
{
	const char *outer = ctx->on_error;
	int ret;

	if (cfg_lenient(ctx, NULL))
		ctx->on_error = LINE_IGNORED;
	ret = rule_parse(ctx, st, r);
	ctx->on_error = outer;
	/* keepalived counts a rule without a preference as an error it runs past, numbering it (vrrp_static.c) */
	if (ret == 0 && r->priority == 0)
		cfg_stmt_recovered(ctx, st, "no preference; numbered from 16384 down in file order, as keepalived "
				   "does");
	return ret;
}

static bool
has_word(const struct cfg_stmt *st, const char *w)
{
	for (int i = 1; i < st->argc; i++)
		if (strcmp(st->argv[i], w) == 0)
			return true;
	return false;
}

/*
 * ADDR/LEN with a number LEN too large for the family (10.9.0.0/33): keepalived 2.2.7 installs the whole
 * address, /32 or /128, and says so. With a LEN that is no number (/abc) it says the same but installs
 * nothing (seen in the kernel): the caller ignores that line.
 */
static bool
full_prefix(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *word, struct cfg_addr *a)
{
	const char *slash = strchr(word, '/');
	char addr[INET6_ADDRSTRLEN + 1];

	if (slash == NULL || (size_t)(slash - word) >= sizeof(addr) || slash[1] == '\0' ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1))
		return false;
	memcpy(addr, word, (size_t)(slash - word));
	addr[slash - word] = '\0';
	if (cfg_parse_addr(addr, false, a) == -1)
		return false;
	cfg_stmt_recovered(ctx, st, "'%s' is not a prefix length for %s; using /%u, as keepalived does", slash + 1,
			   addr, a->prefix);
	return true;
}

static int
route_parse(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_route *r)
{
	int i = 0, e, used;
	bool is_default = false;

	memset(r, 0, sizeof(*r));
	r->scope = -1;
	if (enum_value(route_types, st->argv[0], &e) == 0) {
		r->type = (uint8_t)e;
		r->blackhole = e == RTN_BLACKHOLE;
		if (++i >= st->argc)
			return cfg_stmt_error(ctx, st, "%s needs a destination", st->argv[0]);
	}
	if (strcmp(st->argv[i], "src") == 0 && i + 2 < st->argc) {
		/* keepalived's `src A [to] DST ...` spelling */
		if (route_addr(ctx, st, "an address", st->argv[i + 1], &r->src) == -1)
			return -1;
		i += 2;
	}
	if (strcmp(st->argv[i], "to") == 0 && i + 1 < st->argc)
		i++;
	if (strcmp(st->argv[i], "default") == 0)
		is_default = true;	/* its family is the gateway's */
	else if (cfg_parse_addr(st->argv[i], true, &r->dst) == -1 && !full_prefix(ctx, st, st->argv[i], &r->dst))
		return cfg_stmt_error(ctx, st, "'%s' is not a destination", st->argv[i]);
	for (i++; i < st->argc; i += used) {
		if ((used = route_option(ctx, st, r, i)) == -1)
			return -1;
		if (used == 0) {
			if (strcmp(st->argv[i], "nexthop") == 0)
				return unsupported(ctx, st, "nexthop is not supported; write via A or B");
			if (in_list(keepalived_route_words, st->argv[i]))
				return unsupported(ctx, st, "option '%s' of a route is not supported", st->argv[i]);
			return cfg_stmt_error(ctx, st, "unknown option '%s' of a route", st->argv[i]);
		}
	}
	if (is_default) {
		if (r->via.family == 0)
			return cfg_stmt_error(ctx, st, "a default route needs a gateway (via)");
		r->dst.family = r->via.family;
		r->dst.prefix = 0;
	}
	if ((r->via.family && r->via.family != r->dst.family) || (r->src.family && r->src.family != r->dst.family) ||
	    (r->via_or.family && r->via_or.family != r->dst.family))
		return cfg_stmt_error(ctx, st, "addresses of different families in one route");
	/* keepalived counts it an error that it cannot track such a route; vipd tracks none */
	if (r->dev[0] == '\0' && cfg_lenient(ctx, NULL) && !has_word(st, "no_track"))
		cfg_stmt_recovered(ctx, st, "a route without dev is not tracked, as keepalived says (vipd tracks no "
				   "route); add no_track to say so");
	return 0;
}

static const struct cfg_enum rule_actions[] = {
	{ "blackhole", FR_ACT_BLACKHOLE }, { "unreachable", FR_ACT_UNREACHABLE }, { "prohibit", FR_ACT_PROHIBIT },
	{ "nop", FR_ACT_NOP }, { NULL, 0 },
};

static int
rule_prefix(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_rule *r, const char *s,
	    struct cfg_addr *a)
{
	if (strcmp(s, "all") == 0)
		return 0;
	if (cfg_parse_addr(s, true, a) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not an address or prefix", s);
	if (r->family != 0 && r->family != a->family)
		return cfg_stmt_error(ctx, st, "addresses of different families in one rule");
	r->family = a->family;
	return 0;
}

static int
rule_number(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *k, const char *s, int64_t max,
	    uint32_t *out)
{
	int64_t n;

	if (cfg_parse_int(s, 0, max, &n) == -1)
		return cfg_stmt_error(ctx, st, "%s '%s' is not a number up to %lld", k, s, (long long)max);
	*out = (uint32_t)n;
	return 0;
}

/* One KEY VALUE pair of a rule. */
static int
rule_option(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_rule *r, const char *k, const char *val)
{
	uint32_t n = 0;

	if (strcmp(k, "from") == 0)
		return rule_prefix(ctx, st, r, val, &r->from);
	if (strcmp(k, "to") == 0)
		return rule_prefix(ctx, st, r, val, &r->to);
	if (strcmp(k, "iif") == 0 || strcmp(k, "dev") == 0)
		return vrrp_conf_name(ctx, st, r->iif, sizeof(r->iif), val);
	if (strcmp(k, "oif") == 0)
		return vrrp_conf_name(ctx, st, r->oif, sizeof(r->oif), val);
	if (strcmp(k, "table") == 0 || strcmp(k, "lookup") == 0) {
		r->action = FR_ACT_TO_TBL;
		if (strcmp(val, "main") == 0)
			return r->table = RT_TABLE_MAIN, 0;
		if (strcmp(val, "local") == 0)
			return r->table = RT_TABLE_LOCAL, 0;
		return rule_number(ctx, st, k, val, UINT32_MAX, &r->table);
	}
	if (strcmp(k, "preference") == 0 || strcmp(k, "priority") == 0 || strcmp(k, "pref") == 0)
		return rule_number(ctx, st, k, val, UINT32_MAX, &r->priority);
	if (strcmp(k, "tos") == 0 || strcmp(k, "dsfield") == 0) {
		if (rule_number(ctx, st, k, val, 255, &n) == -1)
			return -1;
		r->tos = (uint8_t)n;
		return 0;
	}
	if (strcmp(k, "goto") == 0) {
		r->action = FR_ACT_GOTO;
		return rule_number(ctx, st, k, val, UINT32_MAX, &r->goto_priority);
	}
	if (strcmp(k, "fwmark") == 0) {
		/* N or N/MASK, each decimal or 0x hex */
		char *end;
		unsigned long long v = strtoull(val, &end, 0);

		r->fwmask = UINT32_MAX;
		if (end == val || v > UINT32_MAX || (*end != '\0' && *end != '/'))
			return cfg_stmt_error(ctx, st, "fwmark '%s' is not N or N/MASK", val);
		r->fwmark = (uint32_t)v;
		if (*end == '/') {
			const char *m = end + 1;

			v = strtoull(m, &end, 0);
			if (end == m || *end != '\0' || v > UINT32_MAX)
				return cfg_stmt_error(ctx, st, "fwmark '%s' is not N or N/MASK", val);
			r->fwmask = (uint32_t)v;
		}
		return 0;
	}
	if (strcmp(k, "track_group") == 0) {
		cfg_stmt_warning(ctx, st, "track_group is ignored: vipd does not watch static rules");
		return 0;
	}
	if (in_list(keepalived_rule_words, k))
		return unsupported(ctx, st, "option '%s' of a rule is not supported", k);
	return cfg_stmt_error(ctx, st, "unknown option '%s' of a rule", k);
}

static int
rule_parse(struct cfg_ctx *ctx, const struct cfg_stmt *st, struct cfg_vrrp_rule *r)
{
	bool v6 = false;
	int e;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < st->argc; i++) {
		const char *k = st->argv[i];

		if (strcmp(k, "not") == 0) {
			r->invert = true;
		} else if (strcmp(k, "inet6") == 0) {
			v6 = true;
		} else if (strcmp(k, "no_track") == 0) {
			continue;
		} else if (enum_value(rule_actions, k, &e) == 0) {
			r->action = (uint8_t)e;
		} else if (i + 1 >= st->argc) {
			return cfg_stmt_error(ctx, st, "'%s' needs a value", k);
		} else if (rule_option(ctx, st, r, k, st->argv[++i]) == -1) {
			return -1;
		}
	}
	if (r->family == 0)
		r->family = v6 ? AF_INET6 : AF_INET;
	else if (v6 && r->family != AF_INET6)
		return cfg_stmt_error(ctx, st, "inet6 with IPv4 addresses");
	if (r->action == 0)
		return cfg_stmt_error(ctx, st, "a rule needs an action (table N, goto N, blackhole, unreachable, "
				      "prohibit)");
	return 0;
}

/* ---- static_ipaddress, static_routes, static_rules ---- */

int
vrrp_conf_static(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	int type = (int)kw->min, r;
	size_t before = ctx->diag->nerrors;
	bool outer = ctx->recover;

	if (cfg_nargs_kw(ctx, st, kw, 0, 0) == -1)
		return -1;
	ctx->recover = cfg_lenient(ctx, kw);
	for (const struct cfg_stmt *line = st->block; line != NULL; line = line->next) {
		struct cfg_vrrp_static *s = config_add(ctx->conf, CFG_VRRP_STATIC);

		if (s == NULL)
			return cfg_stmt_error(ctx, line, "out of memory");
		s->hdr.pos = line->pos;
		s->type = type;
		if (line->has_block) {
			cfg_stmt_error(ctx, line, "a line of %s takes no block", st->argv[0]);
			continue;
		}
		if (type == VRRP_STATIC_ADDR)
			r = vrrp_conf_vip(ctx, line, &s->addr, false);
		else if (type == VRRP_STATIC_ROUTE)
			r = vrrp_conf_route(ctx, line, &s->route);
		else
			r = vrrp_conf_rule(ctx, line, &s->rule);
		/* a line keepalived skips (reported as recovered) is not kept either */
		if (r == -1 && ctx->diag->nerrors == before)
			config_remove(ctx->conf, CFG_VRRP_STATIC, ctx->conf->count[CFG_VRRP_STATIC] - 1);
	}
	ctx->recover = outer;
	return ctx->diag->nerrors == before ? 0 : -1;
}
