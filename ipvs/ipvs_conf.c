/* Keywords of virtual_server, real_server and virtual_server_group, and the checks between them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd.h"
#include "checkers/checkers.h"
#include "ipvs/ipvs.h"
#include "lib/config.h"

#define MS(s) ((int64_t)(s) * 1000)

static const struct cfg_enum lvs_methods[] = {
	{ "NAT", LVS_NAT }, { "DR", LVS_DR }, { "TUN", LVS_TUN }, { NULL, 0 },
};
static const struct cfg_enum protocols[] = {
	{ "TCP", PROTO_TCP }, { "UDP", PROTO_UDP }, { "SCTP", PROTO_SCTP }, { NULL, 0 },
};
static const struct cfg_enum families[] = {
	{ "inet", CFG_AF_INET }, { "inet6", CFG_AF_INET6 }, { NULL, 0 },
};

static int
parse_port(struct cfg_ctx *ctx, const struct cfg_stmt *st, const char *s, uint32_t *port)
{
	int64_t v;

	if (cfg_parse_int(s, 0, 65535, &v) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not a port (0-65535)", s);
	*port = (uint32_t)v;
	return 0;
}

static int
parse_addr_port(struct cfg_ctx *ctx, const struct cfg_stmt *st, int first, struct cfg_addr *addr, uint32_t *port)
{
	if (cfg_parse_addr(st->argv[first], false, addr) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not an IPv4 or IPv6 address", st->argv[first]);
	if (first + 1 >= st->argc) {
		*port = 0;
		return 0;
	}
	return parse_port(ctx, st, st->argv[first + 1], port);
}

/* `sorry_server IP PORT` */
static int
kw_sorry_server(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	if (cfg_nargs(ctx, st, 1, 2) == -1)
		return -1;
	return parse_addr_port(ctx, st, 1, &vs->sorry_server, &vs->sorry_server_port);
}

static void
check_defaults_unset(struct cfg_check_defaults *d)
{
	*d = (struct cfg_check_defaults){ .connect_timeout_ms = CFG_CHECK_UNSET,
		.delay_before_retry_ms = CFG_CHECK_UNSET, .warmup_ms = CFG_CHECK_UNSET, .retry = CFG_CHECK_UNSET,
		.delay_loop_ms = CFG_CHECK_UNSET, .alpha = -1 };
}

/* persistence_granularity is a netmask (IPv4) or a prefix length (IPv6). */
static int
kw_granularity(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;
	int64_t prefix;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	if (cfg_parse_addr(st->argv[1], false, &vs->persistence_granularity) == 0 &&
	    vs->persistence_granularity.family == AF_INET)
		return 0;
	if (cfg_parse_int(st->argv[1], 1, 128, &prefix) == 0) {
		memset(&vs->persistence_granularity, 0, sizeof(vs->persistence_granularity));
		vs->persistence_granularity.family = AF_INET6;
		vs->persistence_granularity.prefix = (uint8_t)prefix;
		return 0;
	}
	return cfg_stmt_error(ctx, st, "'%s' is not an IPv4 netmask or an IPv6 prefix length", st->argv[1]);
}

/*
 * `lvs_method NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (keepalived 2.x spelling).
 * The tunnel words are checked here as ipvsadm checks them: gue needs a port, ipip takes no options,
 * gre no port and no remcsum.
 */
static int
parse_method(struct cfg_ctx *ctx, const struct cfg_stmt *st, int32_t *method, int32_t *tun_type, uint32_t *tun_port,
	     uint32_t *tun_flags)
{
	static const char *const types[] = { "ipip", "gue", "gre" };
	static const char *const csums[] = { "nocsum", "csum", "remcsum" };
	bool have_port = false, have_csum = false;
	int i;

	if (cfg_nargs(ctx, st, 1, 6) == -1)
		return -1;
	for (i = 0; lvs_methods[i].name != NULL; i++)
		if (strcmp(st->argv[1], lvs_methods[i].name) == 0)
			break;
	if (lvs_methods[i].name == NULL)
		return cfg_stmt_error(ctx, st, "'%s' is not one of NAT, DR, TUN", st->argv[1]);
	*method = lvs_methods[i].value;
	*tun_type = 0;
	*tun_port = 0;
	*tun_flags = 0;
	if (st->argc > 2 && *method != LVS_TUN)
		return cfg_stmt_error(ctx, st, "tunnel options need TUN");
	for (i = 2; i < st->argc; i++) {
		int64_t v;
		int k;

		if (strcmp(st->argv[i], "type") == 0 && i + 1 < st->argc) {
			for (k = 0; k < 3 && strcmp(st->argv[i + 1], types[k]) != 0; k++)
				;
			if (k == 3)
				return cfg_stmt_error(ctx, st, "tunnel type '%s' is not ipip, gue or gre", st->argv[i + 1]);
			*tun_type = k;
			i++;
		} else if (strcmp(st->argv[i], "port") == 0 && i + 1 < st->argc) {
			if (cfg_parse_int(st->argv[i + 1], 1, 65535, &v) == -1)
				return cfg_stmt_error(ctx, st, "tunnel port '%s' is not 1-65535", st->argv[i + 1]);
			*tun_port = (uint32_t)v;
			have_port = true;
			i++;
		} else {
			for (k = 0; k < 3 && strcmp(st->argv[i], csums[k]) != 0; k++)
				;
			if (k == 3)
				return cfg_stmt_error(ctx, st, "unknown tunnel option '%s'", st->argv[i]);
			*tun_flags = (uint32_t)k;
			have_csum = true;
		}
	}
	if (*tun_type == 1 && !have_port)
		return cfg_stmt_error(ctx, st, "a gue tunnel needs a port");
	if (*tun_type != 1 && have_port)
		return cfg_stmt_error(ctx, st, "only a gue tunnel takes a port");
	if (*tun_type == 0 && have_csum)
		return cfg_stmt_error(ctx, st, "an ipip tunnel takes no checksum option");
	if (*tun_type == 2 && *tun_flags == 2)
		return cfg_stmt_error(ctx, st, "a gre tunnel cannot use remcsum");
	return 0;
}

static int
kw_vs_method(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	return parse_method(ctx, st, &vs->method, &vs->tun_type, &vs->tun_port, &vs->tun_flags);
}

static int
kw_rs_method(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_real_server *rs = obj;

	return parse_method(ctx, st, &rs->method, &rs->tun_type, &rs->tun_port, &rs->tun_flags);
}

/* `persistence_timeout [SECONDS]`: keepalived's 6 minutes when no value is given */
static int
kw_persistence_timeout(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	if (st->argc == 1) {
		vs->persistence_timeout = 360;
		return 0;
	}
	return cfg_kw_uint(ctx, st, kw, obj);
}

static int
kw_sorry_method(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	return parse_method(ctx, st, &vs->sorry_method, &vs->sorry_tun_type, &vs->sorry_tun_port,
			    &vs->sorry_tun_flags);
}

/* flag-1 .. flag-3 and their sh/mh names: kw->min is the flag bit */
static int
kw_sched_flag(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	if (cfg_nargs(ctx, st, 0, 0) == -1)
		return -1;
	vs->sched_flags |= (uint32_t)kw->min;
	return 0;
}

static const struct cfg_keyword real_server_keywords[];

static int
real_server_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_real_server *rs = obj;

	rs->weight = 1;
	rs->method = -1;
	check_defaults_unset(&rs->checks);
	return parse_addr_port(ctx, st, 1, &rs->addr, &rs->port);
}

static int
real_server_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_real_server *rs = obj;

	/* the kernel refuses a lower threshold above the upper one, even with no upper one (0) */
	if (rs->lthreshold > rs->uthreshold)
		cfg_stmt_error(ctx, st, "lthreshold %u is above uthreshold %u", rs->lthreshold, rs->uthreshold);
	return 0;
}

static const struct cfg_object_spec real_server_spec = {
	CFG_REAL_SERVER, &real_server_block, 1, 2, real_server_args, real_server_finish,
};

#define V(field) CFG_FIELD(struct cfg_virtual_server, field)
static const struct cfg_keyword virtual_server_keywords[] = {
	{ "delay_loop", cfg_kw_duration, V(delay_loop_ms), 10, MS(86400), NULL, 0 },
	{ "lvs_sched", cfg_kw_string, V(sched), 0, 0, NULL, 0 },
	{ "lb_algo", cfg_kw_string, V(sched), 0, 0, NULL, 0 },
	{ "lvs_method", kw_vs_method, 0, 0, 0, 0, NULL, 0 },
	{ "lb_kind", kw_vs_method, 0, 0, 0, 0, NULL, 0 },
	{ "flag-1", kw_sched_flag, 0, 0, 0x08, 0, NULL, 0 },
	{ "flag-2", kw_sched_flag, 0, 0, 0x10, 0, NULL, 0 },
	{ "flag-3", kw_sched_flag, 0, 0, 0x20, 0, NULL, 0 },
	{ "sh-fallback", kw_sched_flag, 0, 0, 0x08, 0, NULL, 0 },
	{ "sh-port", kw_sched_flag, 0, 0, 0x10, 0, NULL, 0 },
	{ "mh-fallback", kw_sched_flag, 0, 0, 0x08, 0, NULL, 0 },
	{ "mh-port", kw_sched_flag, 0, 0, 0x10, 0, NULL, 0 },
	{ "protocol", cfg_kw_enum, V(protocol), 0, 0, protocols, 0 },
	{ "ip_family", cfg_kw_enum, V(family), 0, 0, families, 0 },
	{ "persistence_timeout", kw_persistence_timeout, V(persistence_timeout), 1, UINT32_MAX, NULL, 0 },
	{ "persistence_granularity", kw_granularity, 0, 0, 0, 0, NULL, 0 },
	{ "persistence_engine", cfg_kw_string, V(persistence_engine), 0, 0, NULL, 0 },
	{ "ops", cfg_kw_flag, V(ops), 0, 0, NULL, 0 },
	{ "virtualhost", cfg_kw_string, V(virtualhost), 0, 0, NULL, 0 },
	{ "quorum", cfg_kw_uint, V(quorum), 1, UINT32_MAX, NULL, 0 },
	{ "hysteresis", cfg_kw_uint, V(hysteresis), 0, INT32_MAX, NULL, 0 },
	{ "quorum_up", cfg_kw_script, CFG_SCRIPT(struct cfg_virtual_server, quorum_up, quorum_up_user), NULL, 0 },
	{ "quorum_down", cfg_kw_script, CFG_SCRIPT(struct cfg_virtual_server, quorum_down, quorum_down_user), NULL, 0 },
	{ "alpha", cfg_kw_flag, V(alpha), 0, 0, NULL, 0 },
	{ "omega", cfg_kw_flag, V(omega), 0, 0, NULL, 0 },
	{ "inhibit_on_failure", cfg_kw_flag, V(inhibit_on_failure), 0, 0, NULL, 0 },
	{ "ha_suspend", cfg_kw_flag, V(ha_suspend), 0, 0, NULL, 0 },
	{ "sorry_server", kw_sorry_server, 0, 0, 0, 0, NULL, 0 },
	{ "sorry_server_inhibit", cfg_kw_flag, V(sorry_server_inhibit), 0, 0, NULL, 0 },
	{ "sorry_server_lvs_method", kw_sorry_method, 0, 0, 0, 0, NULL, 0 },
	/* defaults for the checkers of its real servers */
	{ "connect_timeout", cfg_kw_duration, V(checks.connect_timeout_ms), 1, MS(3600), NULL, 0 },
	{ "retry", cfg_kw_uint, V(checks.retry), 0, 1000000, NULL, 0 },
	{ "delay_before_retry", cfg_kw_duration, V(checks.delay_before_retry_ms), 0, MS(86400), NULL, 0 },
	{ "warmup", cfg_kw_duration, V(checks.warmup_ms), 0, MS(86400), NULL, 0 },
	{ "snmp_name", cfg_kw_ignore, 0, 0, 0, 0, "vipd has no SNMP agent", 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use quorum_up/quorum_down", 0 },
	{ "real_server", cfg_kw_object, 0, 0, 0, 0, &real_server_spec, CFG_KW_MAYBE_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef V

const struct cfg_block virtual_server_block = { "virtual_server", virtual_server_keywords, NULL };

#define R(field) CFG_FIELD(struct cfg_real_server, field)
static const struct cfg_keyword real_server_keywords[] = {
	{ "weight", cfg_kw_int, R(weight), 0, 65535, NULL, 0 },
	{ "lvs_method", kw_rs_method, 0, 0, 0, 0, NULL, 0 },
	{ "lb_kind", kw_rs_method, 0, 0, 0, 0, NULL, 0 },
	{ "uthreshold", cfg_kw_uint, R(uthreshold), 0, UINT32_MAX, NULL, 0 },
	{ "lthreshold", cfg_kw_uint, R(lthreshold), 0, UINT32_MAX, NULL, 0 },
	{ "inhibit_on_failure", cfg_kw_flag, R(inhibit_on_failure), 0, 0, NULL, 0 },
	{ "notify_up", cfg_kw_script, CFG_SCRIPT(struct cfg_real_server, notify_up, notify_up_user), NULL, 0 },
	{ "notify_down", cfg_kw_script, CFG_SCRIPT(struct cfg_real_server, notify_down, notify_down_user), NULL, 0 },
	/* defaults for its checkers */
	{ "connect_timeout", cfg_kw_duration, R(checks.connect_timeout_ms), 1, MS(3600), NULL, 0 },
	{ "retry", cfg_kw_uint, R(checks.retry), 0, 1000000, NULL, 0 },
	{ "delay_before_retry", cfg_kw_duration, R(checks.delay_before_retry_ms), 0, MS(86400), NULL, 0 },
	{ "warmup", cfg_kw_duration, R(checks.warmup_ms), 0, MS(86400), NULL, 0 },
	{ "delay_loop", cfg_kw_duration, R(checks.delay_loop_ms), 10, MS(86400), NULL, 0 },
	{ "alpha", cfg_kw_bool, R(checks.alpha), 0, 0, NULL, 0 },
	{ "virtualhost", cfg_kw_text, R(checks.virtualhost), 0, CFG_NAME_MAX - 1, NULL, 0 },
	{ "snmp_name", cfg_kw_ignore, 0, 0, 0, 0, "vipd has no SNMP agent", 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use notify_up/notify_down", 0 },
	{ "TCP_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_tcp_spec, CFG_KW_BLOCK },
	{ "HTTP_GET", cfg_kw_object, 0, 0, 0, 0, &check_http_spec, CFG_KW_BLOCK },
	{ "SSL_GET", cfg_kw_object, 0, 0, 0, 0, &check_ssl_spec, CFG_KW_BLOCK },
	{ "MISC_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_misc_spec, CFG_KW_BLOCK },
	{ "SMTP_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_smtp_spec, CFG_KW_BLOCK },
	{ "DNS_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_dns_spec, CFG_KW_BLOCK },
	{ "UDP_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_udp_spec, CFG_KW_BLOCK },
	{ "PING_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_ping_spec, CFG_KW_BLOCK },
	{ "FILE_CHECK", cfg_kw_object, 0, 0, 0, 0, &check_file_spec, CFG_KW_BLOCK },
	{ "BFD_CHECK", cfg_kw_object, 0, 0, 0, 0, &bfd_check_spec, CFG_KW_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef R

const struct cfg_block real_server_block = { "real_server", real_server_keywords, NULL };

/* `virtual_server IP PORT`, `virtual_server fwmark N` or `virtual_server group NAME` */
static int
virtual_server_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;
	int64_t mark;

	snprintf(vs->sched, sizeof(vs->sched), "wlc");
	vs->protocol = PROTO_TCP;
	vs->delay_loop_ms = 60000;
	vs->sorry_method = -1;
	check_defaults_unset(&vs->checks);
	if (strcmp(st->argv[1], "fwmark") == 0) {
		if (st->argc != 3 || cfg_parse_int(st->argv[2], 1, UINT32_MAX, &mark) == -1)
			return cfg_stmt_error(ctx, st, "fwmark needs a number from 1 to %u", UINT32_MAX);
		vs->fwmark = (uint32_t)mark;
		return 0;
	}
	if (strcmp(st->argv[1], "group") == 0) {
		if (st->argc != 3 || strlen(st->argv[2]) >= sizeof(vs->group))
			return cfg_stmt_error(ctx, st, "group needs one virtual_server_group name");
		strcpy(vs->group, st->argv[2]);
		return 0;
	}
	if (st->argc != 3)
		return cfg_stmt_error(ctx, st, "needs IP PORT, fwmark N or group NAME");
	return parse_addr_port(ctx, st, 1, &vs->addr, &vs->port);
}

/* The schedulers and persistence engines of the kernel: anything else it refuses. */
static const char *const schedulers[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos", "none", NULL,
};

static bool
in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* The values the kernel would refuse are refused here, with the line of the virtual_server. */
static int
virtual_server_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	static const char *const engines[] = { "sip", NULL };
	struct cfg_virtual_server *vs = obj;
	int addr_family = vs->addr.family == AF_INET6 ? CFG_AF_INET6 : CFG_AF_INET;
	int family = vs->family ? vs->family : addr_family;

	if (vs->addr.family != 0 && vs->family != 0 && vs->family != addr_family)
		cfg_stmt_error(ctx, st, "ip_family does not match the address");
	if (!in_list(schedulers, vs->sched))
		cfg_stmt_error(ctx, st, "no such scheduler '%s' (one of rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh "
				       "twos none)", vs->sched);
	if (vs->persistence_engine[0] && !in_list(engines, vs->persistence_engine))
		cfg_stmt_error(ctx, st, "no such persistence engine '%s' (sip)", vs->persistence_engine);
	if (vs->ops && (vs->fwmark || vs->protocol != PROTO_UDP))
		cfg_stmt_error(ctx, st, "ops (one-packet scheduling) is only for UDP services");
	if (vs->persistence_granularity.family != 0 && vs->group[0] == '\0' &&
	    (vs->persistence_granularity.family == AF_INET6) != (family == CFG_AF_INET6))
		cfg_stmt_error(ctx, st, "persistence_granularity is %s but the service is %s",
			       vs->persistence_granularity.family == AF_INET6 ? "an IPv6 prefix" : "an IPv4 netmask",
			       family == CFG_AF_INET6 ? "IPv6" : "IPv4");
	if (vs->sorry_server.family != 0 && vs->group[0] == '\0' && vs->method != LVS_TUN &&
	    (vs->sorry_server.family == AF_INET6) != (family == CFG_AF_INET6))
		cfg_stmt_error(ctx, st, "sorry_server is not of the service's address family");
	if (vs->addr.family != 0 && vs->port == 0 && vs->persistence_timeout == 0)
		cfg_stmt_error(ctx, st, "port 0 needs persistence_timeout (the kernel only matches any port then)");
	return 0;
}

const struct cfg_object_spec virtual_server_spec = {
	CFG_VIRTUAL_SERVER, &virtual_server_block, 2, 2, virtual_server_args, virtual_server_finish,
};

/* A line of a virtual_server_group: `IP[-LAST] PORT` or `fwmark N`. */
static int
vs_group_entry(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vs_group *group = obj;
	struct cfg_vs_group_entry *e = config_add(ctx->conf, CFG_VS_GROUP_ENTRY);
	char first[INET6_ADDRSTRLEN];
	const char *dash;
	int64_t v;

	if (e == NULL)
		return cfg_stmt_error(ctx, st, "out of memory");
	e->hdr.parent = group->hdr.id;
	e->hdr.pos = st->pos;
	if (strcmp(st->argv[0], "fwmark") == 0) {
		if (st->argc != 2 || cfg_parse_int(st->argv[1], 1, UINT32_MAX, &v) == -1)
			return cfg_stmt_error(ctx, st, "needs a number from 1 to %u", UINT32_MAX);
		e->fwmark = (uint32_t)v;
		return 0;
	}
	if (st->argc != 2)
		return cfg_stmt_error(ctx, st, "a group entry is IP PORT, IP-LAST PORT or fwmark N");
	/* keepalived's range: 192.0.2.1-10 ends at 192.0.2.10 (the last part of the address changes) */
	dash = strchr(st->argv[0], '-');
	if (dash == NULL || (size_t)(dash - st->argv[0]) >= sizeof(first))
		return parse_addr_port(ctx, st, 0, &e->addr, &e->port);
	memcpy(first, st->argv[0], (size_t)(dash - st->argv[0]));
	first[dash - st->argv[0]] = '\0';
	if (cfg_parse_addr(first, false, &e->addr) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not an address", first);
	e->last = e->addr;
	if (e->addr.family == AF_INET) {
		if (cfg_parse_int(dash + 1, e->addr.addr[3], 255, &v) == -1)
			return cfg_stmt_error(ctx, st, "range end '%s' must be from %u to 255", dash + 1,
					      e->addr.addr[3]);
		e->last.addr[3] = (uint8_t)v;
	} else {
		uint16_t low = (uint16_t)(e->addr.addr[14] << 8 | e->addr.addr[15]);
		char *end;
		unsigned long hv = strtoul(dash + 1, &end, 16);

		if (*end != '\0' || dash[1] == '\0' || hv < low || hv > 0xffff)
			return cfg_stmt_error(ctx, st, "range end '%s' must be hex from %x to ffff", dash + 1, low);
		e->last.addr[14] = (uint8_t)(hv >> 8);
		e->last.addr[15] = (uint8_t)hv;
	}
	return parse_port(ctx, st, st->argv[1], &e->port);
}

static const struct cfg_block virtual_server_group_block = { "virtual_server_group", NULL, vs_group_entry };

const struct cfg_object_spec virtual_server_group_spec = {
	CFG_VS_GROUP, &virtual_server_group_block, 1, 1, NULL, NULL,
};

/* `lvs_timeouts [tcp N] [tcpfin N] [udp N]` in global_defs */
int
ipvs_conf_lvs_timeouts(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_global *g = obj;
	int64_t v;

	if (cfg_nargs(ctx, st, 2, 6) == -1)
		return -1;
	for (int i = 1; i < st->argc; i += 2) {
		uint32_t *dst = strcmp(st->argv[i], "tcp") == 0 ? &g->lvs_timeout_tcp :
				strcmp(st->argv[i], "tcpfin") == 0 ? &g->lvs_timeout_tcpfin :
				strcmp(st->argv[i], "udp") == 0 ? &g->lvs_timeout_udp : NULL;

		if (dst == NULL)
			return cfg_stmt_error(ctx, st, "'%s' is not tcp, tcpfin or udp", st->argv[i]);
		if (i + 1 >= st->argc || cfg_parse_int(st->argv[i + 1], 1, 86400 * 365, &v) == -1)
			return cfg_stmt_error(ctx, st, "%s needs a number of seconds", st->argv[i]);
		*dst = (uint32_t)v;
	}
	return 0;
}

/* Orders virtual servers so that the same service sorts together: groups by name, fwmarks by mark and
 * family, the rest by protocol, port and address; file order last (the first definition comes first). */
static int
vs_order(const void *a, const void *b, void *arg)
{
	const struct config *conf = arg;
	const struct cfg_virtual_server *x = config_get(conf, CFG_VIRTUAL_SERVER, *(const size_t *)a);
	const struct cfg_virtual_server *y = config_get(conf, CFG_VIRTUAL_SERVER, *(const size_t *)b);
	int kx = x->group[0] ? 0 : x->fwmark ? 1 : 2, ky = y->group[0] ? 0 : y->fwmark ? 1 : 2;
	int r;

	if (kx != ky)
		return kx - ky;
	if (kx == 0 && (r = strcmp(x->group, y->group)) != 0)
		return r;
	if (kx == 1 && (x->fwmark != y->fwmark || x->family != y->family))
		return x->fwmark != y->fwmark ? (x->fwmark < y->fwmark ? -1 : 1) : x->family - y->family;
	if (kx == 2) {
		if (x->protocol != y->protocol)
			return x->protocol - y->protocol;
		if (x->port != y->port)
			return x->port < y->port ? -1 : 1;
		if ((r = memcmp(&x->addr, &y->addr, sizeof(x->addr))) != 0)
			return r;
	}
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static bool
vs_same(const struct config *conf, size_t a, size_t b)
{
	const struct cfg_virtual_server *x = config_get(conf, CFG_VIRTUAL_SERVER, a);
	const struct cfg_virtual_server *y = config_get(conf, CFG_VIRTUAL_SERVER, b);

	if (x->group[0] || y->group[0])
		return strcmp(x->group, y->group) == 0;
	if (x->fwmark || y->fwmark)
		return x->fwmark == y->fwmark && x->family == y->family;
	return x->protocol == y->protocol && x->port == y->port && memcmp(&x->addr, &y->addr, sizeof(x->addr)) == 0;
}

/* What makes a real server a duplicate, copied out of the objects so that sorting 100k of them stays in cache. */
struct rs_dup {
	uint32_t parent;
	uint32_t port;
	struct cfg_addr addr;
	size_t index;		/* file order: the first definition sorts first */
};

static int
rs_dup_order(const void *a, const void *b)
{
	const struct rs_dup *x = a, *y = b;
	int r;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if ((r = memcmp(&x->addr, &y->addr, sizeof(x->addr))) != 0)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static bool
rs_dup_same(const struct rs_dup *x, const struct rs_dup *y)
{
	return x->parent == y->parent && x->port == y->port && memcmp(&x->addr, &y->addr, sizeof(x->addr)) == 0;
}

static size_t *
indices(size_t n)
{
	size_t *v = malloc((n ? n : 1) * sizeof(*v));

	for (size_t i = 0; v != NULL && i < n; i++)
		v[i] = i;
	return v;
}

/*
 * Services unique; groups named by a virtual_server exist; real servers unique within a service, and of
 * the service's family unless tunnelled. Duplicates are found by sorting: 100k real servers stay cheap.
 */
int
ipvs_conf_check(struct cfg_ctx *ctx)
{
	const struct config *conf = ctx->conf;
	struct cfg_virtual_server *vs;
	struct cfg_vs_group *g;
	struct cfg_real_server *rs;
	size_t before = ctx->diag->nerrors;
	size_t nvs = conf->count[CFG_VIRTUAL_SERVER], nrs = conf->count[CFG_REAL_SERVER];
	size_t *order;
	struct rs_dup *dups;

	CONFIG_FOREACH(conf, CFG_VIRTUAL_SERVER, struct cfg_virtual_server, vs) {
		bool found = vs->group[0] == '\0';

		CONFIG_FOREACH(conf, CFG_VS_GROUP, struct cfg_vs_group, g)
			found |= strcmp(g->name, vs->group) == 0;
		if (!found)
			cfg_error(ctx->diag, vs->hdr.pos, "virtual_server: unknown virtual_server_group '%s'",
				  vs->group);
	}
	if ((order = indices(nvs)) == NULL) {
		cfg_error_nopos(ctx->diag, "out of memory");
		return 1;
	}
	qsort_r(order, nvs, sizeof(*order), vs_order, (void *)conf);
	for (size_t i = 1; i < nvs; i++) {
		if (!vs_same(conf, order[i - 1], order[i]))
			continue;
		vs = config_get(conf, CFG_VIRTUAL_SERVER, order[i]);
		const struct cfg_virtual_server *other = config_get(conf, CFG_VIRTUAL_SERVER, order[i - 1]);

		cfg_error(ctx->diag, vs->hdr.pos, "virtual_server: the same service is defined at %s:%u",
			  cfg_file_name(ctx->files, other->hdr.pos), other->hdr.pos.line);
	}
	free(order);
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, struct cfg_real_server, rs) {
		const struct cfg_virtual_server *parent = config_find_id(conf, CFG_VIRTUAL_SERVER, rs->hdr.parent);
		int method = rs->method >= 0 ? rs->method : parent != NULL ? parent->method : LVS_NAT;

		if (parent != NULL && parent->addr.family != 0 && rs->addr.family != parent->addr.family &&
		    method != LVS_TUN)
			cfg_error(ctx->diag, rs->hdr.pos, "real_server: another address family than its virtual_server "
				  "needs lvs_method TUN");
	}
	if ((dups = calloc(nrs + 1, sizeof(*dups))) == NULL) {
		cfg_error_nopos(ctx->diag, "out of memory");
		return 1;
	}
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, struct cfg_real_server, rs)
		dups[rs_i] = (struct rs_dup){ rs->hdr.parent, rs->port, rs->addr, rs_i };
	qsort(dups, nrs, sizeof(*dups), rs_dup_order);
	for (size_t i = 1; i < nrs; i++) {
		if (!rs_dup_same(&dups[i - 1], &dups[i]))
			continue;
		rs = config_get(conf, CFG_REAL_SERVER, dups[i].index);
		cfg_error(ctx->diag, rs->hdr.pos, "real_server: defined twice in one virtual_server");
	}
	free(dups);
	return (int)(ctx->diag->nerrors - before);
}
