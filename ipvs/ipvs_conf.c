/* Keywords of virtual_server, real_server and virtual_server_group, and the checks between them. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd.h"
#include "checkers/checkers.h"
#include "ipvs/ipvs.h"
#include "ipvs/ipvs_conf.h"
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

/* `sorry_server IP PORT` */
static int
kw_sorry_server(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	struct cfg_addr a;
	int64_t port = 0;

	if (cfg_nargs(ctx, st, 1, 2) == -1)
		return -1;
	/* keepalived skips the line, leaving no sorry server (or the one an earlier line gave) */
	if (cfg_parse_addr(st->argv[1], false, &a) == -1 ||
	    (st->argc == 3 && cfg_parse_int(st->argv[2], 0, 65535, &port) == -1))
		return cfg_stmt_recovered(ctx, st, "'%s%s%s' is not an address and port; ignored", st->argv[1],
					  st->argc == 3 ? " " : "", st->argc == 3 ? st->argv[2] : "");
	vs->sorry_server = a;
	vs->sorry_server_port = (uint32_t)port;
	return 0;
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
	memset(&vs->persistence_granularity, 0, sizeof(vs->persistence_granularity));
	return cfg_stmt_recovered(ctx, st, "'%s' is not an IPv4 netmask or an IPv6 prefix length; ignored",
				  st->argv[1]);
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
	/* keepalived ignores the line: the method stays unset, later NAT (or the virtual server's) */
	if (lvs_methods[i].name == NULL)
		return cfg_stmt_recovered(ctx, st, "'%s' is not one of NAT, DR, TUN (case matters); ignored",
					  st->argv[1]);
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
			/* keepalived logs it and keeps the default type, ipip */
			if (k == 3)
				cfg_stmt_recovered(ctx, st, "tunnel type '%s' is not ipip, gue or gre; using ipip",
						   st->argv[i + 1]);
			*tun_type = k == 3 ? 0 : k;
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
	return ipvs_kw_uint(ctx, st, kw, obj);
}

/* `ip_family inet|inet6`: keepalived ignores one that contradicts the virtual server's address */
static int
kw_family(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;
	int32_t before = vs->family;

	if (ipvs_kw_enum(ctx, st, kw, obj) == -1)
		return -1;
	if (vs->addr.family != 0 && vs->family != (vs->addr.family == AF_INET6 ? CFG_AF_INET6 : CFG_AF_INET)) {
		vs->family = before;
		return cfg_stmt_recovered(ctx, st, "%s contradicts the address of the virtual_server; ignored",
					  st->argv[1]);
	}
	return 0;
}

/* `quorum N`: keepalived makes a value out of range 1 */
static int
kw_quorum(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;
	int64_t v;

	if (cfg_nargs(ctx, st, 1, -1) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], 1, UINT32_MAX, &v) == 0) {
		vs->quorum = (uint32_t)v;
		return 0;
	}
	vs->quorum = 1;
	return cfg_stmt_recovered(ctx, st, "'%s' is not a number from 1 to %u; using 1", st->argv[1], UINT32_MAX);
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

/* The schedulers keepalived 2.2.7 accepts (not "none", which the kernel has too). */
static const char *const schedulers[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos", NULL,
};

static bool
in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* `lb_algo NAME`: keepalived ignores a name it does not know (names are lower case), and the virtual
 * server later gets the default, wlc */
static int
kw_sched(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_virtual_server *vs = obj;

	if (cfg_nargs(ctx, st, 1, -1) == -1)
		return -1;
	if (!in_list(schedulers, st->argv[1]))
		return cfg_stmt_recovered(ctx, st, "no such scheduler '%s' (one of rr wrr lc wlc lblc lblcr dh sh sed "
					  "nq fo ovf mh twos); ignored", st->argv[1]);
	snprintf(vs->sched, sizeof(vs->sched), "%s", st->argv[1]);
	return 0;
}

static int
real_server_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_real_server *rs = obj;

	int64_t port = 0;

	rs->weight = 1;
	rs->method = -1;
	check_defaults_unset(&rs->checks);
	/* keepalived skips a real server it cannot read, with its block, whose lines it does not read */
	if (cfg_parse_addr(st->argv[1], false, &rs->addr) == -1 ||
	    (st->argc == 3 && cfg_parse_int(st->argv[2], 0, 65535, &port) == -1)) {
		cfg_stmt_recovered(ctx, st, "'%s%s%s' is not an address and port; the real_server is skipped with "
				   "its block", st->argv[1], st->argc == 3 ? " " : "", st->argc == 3 ? st->argv[2] : "");
		return CFG_OBJ_DROP;
	}
	rs->port = (uint32_t)port;
	return 0;
}

static int
real_server_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_real_server *rs = obj;

	/* the kernel refuses a lower threshold above the upper one, even with no upper one (0): keepalived
	 * accepts the file and its every attempt to add the real server fails, so it is left out here */
	if (rs->lthreshold > rs->uthreshold && !(rs->hdr.reserved & CFG_OBJ_MARK_DROP)) {
		cfg_stmt_warning(ctx, st, "lthreshold %u is above uthreshold %u, which the kernel refuses: this "
				 "real_server is left out", rs->lthreshold, rs->uthreshold);
		rs->hdr.reserved |= CFG_OBJ_MARK_DROP_LATE;
	}
	return 0;
}

static const struct cfg_object_spec real_server_spec = {
	CFG_REAL_SERVER, &real_server_block, 1, 2, real_server_args, real_server_finish,
};

#define V(field) CFG_FIELD(struct cfg_virtual_server, field)
static const struct cfg_keyword virtual_server_keywords[] = {
	{ "delay_loop", ipvs_kw_duration, V(delay_loop_ms), 10, MS(86400), NULL, 0 },
	{ "lvs_sched", kw_sched, 0, 0, 0, 0, NULL, 0 },
	{ "lb_algo", kw_sched, 0, 0, 0, 0, NULL, 0 },
	{ "lvs_method", kw_vs_method, 0, 0, 0, 0, NULL, 0 },
	{ "lb_kind", kw_vs_method, 0, 0, 0, 0, NULL, 0 },
	{ "flag-1", kw_sched_flag, 0, 0, 0x08, 0, NULL, 0 },
	{ "flag-2", kw_sched_flag, 0, 0, 0x10, 0, NULL, 0 },
	{ "flag-3", kw_sched_flag, 0, 0, 0x20, 0, NULL, 0 },
	{ "sh-fallback", kw_sched_flag, 0, 0, 0x08, 0, NULL, 0 },
	{ "sh-port", kw_sched_flag, 0, 0, 0x10, 0, NULL, 0 },
	{ "mh-fallback", kw_sched_flag, 0, 0, 0x08, 0, NULL, 0 },
	{ "mh-port", kw_sched_flag, 0, 0, 0x10, 0, NULL, 0 },
	{ "protocol", ipvs_kw_enum, V(protocol), 0, 0, protocols, 0 },
	{ "ip_family", kw_family, V(family), 0, 0, families, 0 },
	/* keepalived's range: up to 31 days */
	{ "persistence_timeout", kw_persistence_timeout, V(persistence_timeout), 1, 2678400, NULL, 0 },
	{ "persistence_granularity", kw_granularity, 0, 0, 0, 0, NULL, 0 },
	{ "persistence_engine", cfg_kw_string, V(persistence_engine), 0, 0, NULL, 0 },
	{ "ops", cfg_kw_flag, V(ops), 0, 0, NULL, 0 },
	{ "virtualhost", cfg_kw_string, V(virtualhost), 0, 0, NULL, 0 },
	{ "quorum", kw_quorum, V(quorum), 1, UINT32_MAX, NULL, 0 },
	{ "hysteresis", ipvs_kw_uint, V(hysteresis), 0, INT32_MAX, NULL, 0 },
	{ "quorum_up", cfg_kw_script, CFG_SCRIPT(struct cfg_virtual_server, quorum_up, quorum_up_user), NULL, 0 },
	{ "quorum_down", cfg_kw_script, CFG_SCRIPT(struct cfg_virtual_server, quorum_down, quorum_down_user), NULL, 0 },
	{ "alpha", ipvs_kw_flag_any, V(alpha), 0, 0, NULL, 0 },
	{ "omega", ipvs_kw_flag_any, V(omega), 0, 0, NULL, 0 },
	{ "inhibit_on_failure", ipvs_kw_bool, V(inhibit_on_failure), 0, 0, NULL, 0 },
	{ "ha_suspend", ipvs_kw_flag_any, V(ha_suspend), 0, 0, NULL, 0 },
	{ "sorry_server", kw_sorry_server, 0, 0, 0, 0, NULL, 0 },
	{ "sorry_server_inhibit", ipvs_kw_bool, V(sorry_server_inhibit), 0, 0, NULL, 0 },
	{ "sorry_server_lvs_method", kw_sorry_method, 0, 0, 0, 0, NULL, 0 },
	/* defaults for the checkers of its real servers */
	{ "connect_timeout", ipvs_kw_duration, V(checks.connect_timeout_ms), 1, MS(3600), NULL, 0 },
	{ "retry", ipvs_kw_uint, V(checks.retry), 0, 1000000, NULL, 0 },
	{ "delay_before_retry", ipvs_kw_duration, V(checks.delay_before_retry_ms), 0, MS(86400), NULL, 0 },
	{ "warmup", ipvs_kw_duration, V(checks.warmup_ms), 0, MS(86400), NULL, 0 },
	{ "snmp_name", cfg_kw_ignore, 0, 0, 0, 0, "vipd has no SNMP agent", 0 },
	{ "smtp_alert", cfg_kw_ignore, 0, 0, 0, 0, "vipd sends no mail; use quorum_up/quorum_down", 0 },
	{ "real_server", cfg_kw_object, 0, 0, 0, 0, &real_server_spec, CFG_KW_MAYBE_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef V

const struct cfg_block virtual_server_block = { "virtual_server", virtual_server_keywords, NULL };

#define R(field) CFG_FIELD(struct cfg_real_server, field)
static const struct cfg_keyword real_server_keywords[] = {
	/* keepalived's range (the kernel's weight is an int; ipvsadm alone stops at 65535) */
	{ "weight", ipvs_kw_uint, R(weight), 0, INT32_MAX, NULL, 0 },
	/* keepalived 2.2.7 has no lb_kind in real_server: it is an unknown keyword there */
	{ "lvs_method", kw_rs_method, 0, 0, 0, 0, NULL, 0 },
	{ "uthreshold", ipvs_kw_uint, R(uthreshold), 0, UINT32_MAX, NULL, 0 },
	{ "lthreshold", ipvs_kw_uint, R(lthreshold), 0, UINT32_MAX, NULL, 0 },
	{ "inhibit_on_failure", ipvs_kw_bool, R(inhibit_on_failure), 0, 0, NULL, 0 },
	{ "notify_up", cfg_kw_script, CFG_SCRIPT(struct cfg_real_server, notify_up, notify_up_user), NULL, 0 },
	{ "notify_down", cfg_kw_script, CFG_SCRIPT(struct cfg_real_server, notify_down, notify_down_user), NULL, 0 },
	/* defaults for its checkers */
	{ "connect_timeout", ipvs_kw_duration, R(checks.connect_timeout_ms), 1, MS(3600), NULL, 0 },
	{ "retry", ipvs_kw_uint, R(checks.retry), 0, 1000000, NULL, 0 },
	{ "delay_before_retry", ipvs_kw_duration, R(checks.delay_before_retry_ms), 0, MS(86400), NULL, 0 },
	{ "warmup", ipvs_kw_duration, R(checks.warmup_ms), 0, MS(86400), NULL, 0 },
	{ "delay_loop", ipvs_kw_duration, R(checks.delay_loop_ms), 10, MS(86400), NULL, 0 },
	{ "alpha", ipvs_kw_bool, R(checks.alpha), 0, 0, NULL, 0 },
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
	int64_t mark, port;

	/* scheduler, protocol and method unset: ipvs_conf_check gives keepalived's defaults, as a recovery */
	vs->sched[0] = '\0';
	vs->protocol = 0;
	vs->method = -1;
	vs->delay_loop_ms = 60000;
	vs->sorry_method = -1;
	check_defaults_unset(&vs->checks);
	if (strcmp(st->argv[1], "fwmark") == 0) {
		if (st->argc != 3 || cfg_parse_int(st->argv[2], 1, UINT32_MAX, &mark) == -1) {
			cfg_stmt_recovered(ctx, st, "fwmark needs a number from 1 to %u; the virtual_server is skipped "
					   "with its block", UINT32_MAX);
			return CFG_OBJ_DROP;
		}
		vs->fwmark = (uint32_t)mark;
		return 0;
	}
	if (strcmp(st->argv[1], "group") == 0) {
		if (st->argc != 3 || strlen(st->argv[2]) >= sizeof(vs->group))
			return cfg_stmt_error(ctx, st, "group needs one virtual_server_group name");
		strcpy(vs->group, st->argv[2]);
		return 0;
	}
	if (st->argc < 3)
		return cfg_stmt_error(ctx, st, "needs IP PORT, fwmark N or group NAME");
	/* keepalived 2.2.7 reads the address and port and nothing after them (`dev IFACE` in real files) */
	if (st->argc > 3)
		cfg_stmt_warning(ctx, st, "'%s' and what follows after the port is ignored, as keepalived does",
				 st->argv[3]);
	/* keepalived skips a virtual server it cannot read, with its block, whose lines it does not read */
	if (cfg_parse_addr(st->argv[1], false, &vs->addr) == -1 || cfg_parse_int(st->argv[2], 0, 65535, &port) == -1) {
		cfg_stmt_recovered(ctx, st, "'%s %s' is not an address and port; the virtual_server is skipped with "
				   "its block", st->argv[1], st->argv[2]);
		return CFG_OBJ_DROP;
	}
	vs->port = (uint32_t)port;
	return 0;
}

/* The values the kernel would refuse are refused here, with the line of the virtual_server. */
static int
virtual_server_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	static const char *const engines[] = { "sip", NULL };
	struct cfg_virtual_server *vs = obj;
	int addr_family = vs->addr.family == AF_INET6 ? CFG_AF_INET6 : CFG_AF_INET;
	int family = vs->family ? vs->family : addr_family;

	if (vs->hdr.reserved & CFG_OBJ_MARK_DROP)
		return 0;
	if (vs->persistence_engine[0] && !in_list(engines, vs->persistence_engine))
		cfg_stmt_error(ctx, st, "no such persistence engine '%s' (sip)", vs->persistence_engine);
	if (vs->persistence_granularity.family != 0 && vs->group[0] == '\0' &&
	    (vs->persistence_granularity.family == AF_INET6) != (family == CFG_AF_INET6))
		cfg_stmt_error(ctx, st, "persistence_granularity is %s but the service is %s",
			       vs->persistence_granularity.family == AF_INET6 ? "an IPv6 prefix" : "an IPv4 netmask",
			       family == CFG_AF_INET6 ? "IPv6" : "IPv4");
	if (vs->sorry_server.family != 0 && vs->group[0] == '\0' && vs->method != LVS_TUN &&
	    (vs->sorry_server.family == AF_INET6) != (family == CFG_AF_INET6))
		cfg_stmt_error(ctx, st, "sorry_server is not of the service's address family");
	return 0;
}

const struct cfg_object_spec virtual_server_spec = {
	CFG_VIRTUAL_SERVER, &virtual_server_block, 2, 8, virtual_server_args, virtual_server_finish,
};

/* Parses a line of a virtual_server_group into e: 0, or -1 with what is wrong in why. */
static int
vs_group_parse(const struct cfg_stmt *st, struct cfg_vs_group_entry *e, char *why, size_t len)
{
	char first[INET6_ADDRSTRLEN];
	const char *dash;
	int64_t v;

	if (strcmp(st->argv[0], "fwmark") == 0) {
		if (st->argc != 2 || cfg_parse_int(st->argv[1], 1, UINT32_MAX, &v) == -1)
			return snprintf(why, len, "fwmark needs a number from 1 to %u", UINT32_MAX), -1;
		e->fwmark = (uint32_t)v;
		return 0;
	}
	if (st->argc != 2)
		return snprintf(why, len, "a group entry is IP PORT, IP-LAST PORT or fwmark N"), -1;
	if (cfg_parse_int(st->argv[1], 0, 65535, &v) == -1)
		return snprintf(why, len, "'%s' is not a port (0-65535)", st->argv[1]), -1;
	e->port = (uint32_t)v;
	/* keepalived's range: 192.0.2.1-10 ends at 192.0.2.10 (the last part of the address changes) */
	dash = strchr(st->argv[0], '-');
	if (dash == NULL || (size_t)(dash - st->argv[0]) >= sizeof(first)) {
		if (cfg_parse_addr(st->argv[0], false, &e->addr) == -1)
			return snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", st->argv[0]), -1;
		return 0;
	}
	memcpy(first, st->argv[0], (size_t)(dash - st->argv[0]));
	first[dash - st->argv[0]] = '\0';
	if (cfg_parse_addr(first, false, &e->addr) == -1)
		return snprintf(why, len, "'%s' is not an address", first), -1;
	e->last = e->addr;
	/* keepalived skips a range that ends where it starts (192.0.2.160-160), as one that ends before */
	if (e->addr.family == AF_INET) {
		if (cfg_parse_int(dash + 1, e->addr.addr[3] + 1, 255, &v) == -1)
			return snprintf(why, len, "range end '%s' must be from %u to 255 (after its start)", dash + 1,
					e->addr.addr[3] + 1), -1;
		e->last.addr[3] = (uint8_t)v;
	} else {
		uint16_t low = (uint16_t)(e->addr.addr[14] << 8 | e->addr.addr[15]);
		char *end;
		unsigned long hv = strtoul(dash + 1, &end, 16);

		if (*end != '\0' || dash[1] == '\0' || hv <= low || hv > 0xffff)
			return snprintf(why, len, "range end '%s' must be hex from %x to ffff (after its start)", dash + 1,
					low + 1u), -1;
		e->last.addr[14] = (uint8_t)(hv >> 8);
		e->last.addr[15] = (uint8_t)hv;
	}
	return 0;
}

/* A line of a virtual_server_group: `IP[-LAST] PORT` or `fwmark N`. keepalived skips a line it cannot
 * read and keeps the others. */
static int
vs_group_entry(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_vs_group *group = obj;
	struct cfg_vs_group_entry parsed, *e;
	char why[160];

	memset(&parsed, 0, sizeof(parsed));
	if (st->has_block)
		return cfg_stmt_recovered(ctx, st, "a group entry takes no block; the line is skipped with it");
	if (vs_group_parse(st, &parsed, why, sizeof(why)) == -1)
		return cfg_stmt_recovered(ctx, st, "%s; the line is skipped", why);
	if ((e = config_add(ctx->conf, CFG_VS_GROUP_ENTRY)) == NULL)
		return cfg_stmt_error(ctx, st, "out of memory");
	parsed.hdr = e->hdr;
	*e = parsed;
	e->hdr.parent = group->hdr.id;
	e->hdr.pos = st->pos;
	return 0;
}

/* keepalived removes a group left without entries; a virtual_server naming it then has no service */
static int
vs_group_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_vs_group *group = obj;
	size_t n = ctx->conf->count[CFG_VS_GROUP_ENTRY];
	const struct cfg_vs_group_entry *last = n ? config_get(ctx->conf, CFG_VS_GROUP_ENTRY, n - 1) : NULL;

	/* entries are appended as they are read: this group's, if any, are the last ones */
	if (last == NULL || last->hdr.parent != group->hdr.id)
		cfg_stmt_recovered_end(ctx, st, "virtual_server_group %s has no entries; no service is installed for it",
				   group->name);
	return 0;
}

static const struct cfg_block virtual_server_group_block = { "virtual_server_group", NULL, vs_group_entry };

const struct cfg_object_spec virtual_server_group_spec = {
	CFG_VS_GROUP, &virtual_server_group_block, 1, 1, NULL, vs_group_finish,
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

/* What the group of a virtual server holds: addresses, fwmarks; found is false when there is no such group. */
struct group_kinds {
	bool found, addrs, fwmarks, port0;
};

static struct group_kinds
group_kinds(const struct config *conf, const char *name)
{
	struct group_kinds k = { false, false, false, false };
	const struct cfg_vs_group *g, *found = NULL;
	const struct cfg_vs_group_entry *e;

	CONFIG_FOREACH(conf, CFG_VS_GROUP, const struct cfg_vs_group, g)
		if (strcmp(g->name, name) == 0)
			found = g;
	if (found == NULL)
		return k;
	k.found = true;
	CONFIG_FOREACH(conf, CFG_VS_GROUP_ENTRY, const struct cfg_vs_group_entry, e) {
		if (e->hdr.parent != found->hdr.id)
			continue;
		k.fwmarks |= e->fwmark != 0;
		k.addrs |= e->fwmark == 0;
		k.port0 |= e->fwmark == 0 && e->port == 0;
	}
	return k;
}

/*
 * What keepalived 2.2.7 settles once the whole file is read (its validation of the checker's config):
 * defaults it applies as errors recovered from, and values it corrects. Each is a recovery here with the
 * same result. Real servers are grouped by their virtual server: vs_rs[i] .. vs_rs[i + 1] index rs_of.
 */
static void
vs_settle(struct cfg_ctx *ctx, struct cfg_virtual_server *vs, struct cfg_real_server **rs, size_t nrs)
{
	const struct config *conf = ctx->conf;
	struct group_kinds gk = vs->group[0] ? group_kinds(conf, vs->group) : (struct group_kinds){ 0 };
	bool by_addr = vs->group[0] ? gk.addrs : vs->fwmark == 0;
	bool fwmark_only = vs->group[0] ? gk.fwmarks && !gk.addrs : vs->fwmark != 0;
	uint64_t weights = 0;
	struct cfg_pos pos = vs->hdr.pos;

	if (nrs == 0) {
		cfg_recovered(ctx->diag, pos, "virtual_server: it has no real_server; the virtual_server is skipped");
		vs->hdr.reserved |= CFG_OBJ_MARK_DROP;
		return;
	}
	if (vs->group[0] && !gk.found)
		cfg_warning(ctx->diag, pos, "virtual_server: no virtual_server_group '%s': no service is installed "
			    "for it", vs->group);
	if (vs->ha_suspend && (vs->fwmark || gk.fwmarks)) {
		cfg_recovered(ctx->diag, pos, "virtual_server: ha_suspend does not work with fwmarks; cleared");
		vs->ha_suspend = false;
	}
	if (by_addr) {
		if (vs->protocol == 0) {
			cfg_recovered(ctx->diag, pos, "virtual_server: no protocol; using UDP, as keepalived does");
			vs->protocol = PROTO_UDP;
		}
		if (vs->ops && vs->protocol != PROTO_UDP) {
			cfg_recovered(ctx->diag, pos, "virtual_server: ops (one-packet scheduling) is only for UDP; "
				      "cleared");
			vs->ops = false;
		}
		if (vs->persistence_timeout == 0 && vs->group[0] == '\0' && vs->fwmark == 0 && vs->port == 0) {
			cfg_recovered(ctx->diag, pos, "virtual_server: port 0 needs persistence; persistence_timeout "
				      "set to 360");
			vs->persistence_timeout = 360;
		}
	}
	if (vs->persistence_timeout == 0 && vs->group[0] && gk.port0) {
		cfg_recovered(ctx->diag, pos, "virtual_server: a group entry with port 0 needs persistence; "
			      "persistence_timeout set to 360");
		vs->persistence_timeout = 360;
	}
	if (vs->protocol != 0 && fwmark_only) {
		cfg_recovered(ctx->diag, pos, "virtual_server: a fwmark service has no protocol; protocol ignored");
		vs->protocol = 0;
	}
	if (vs->sched[0] == '\0') {
		cfg_recovered(ctx->diag, pos, "virtual_server: no lb_algo; using wlc, as keepalived does");
		snprintf(vs->sched, sizeof(vs->sched), "wlc");
	}
	for (size_t i = 0; i < nrs; i++) {
		if (rs[i]->method < 0 && vs->method < 0) {
			cfg_recovered(ctx->diag, pos, "virtual_server: no lb_kind; using NAT, as keepalived does");
			vs->method = LVS_NAT;
		}
		weights += rs[i]->weight > 0 ? (uint64_t)rs[i]->weight : 0;
	}
	if (vs->sorry_server.family != 0 && vs->sorry_method < 0 && vs->method < 0) {
		cfg_recovered(ctx->diag, pos, "virtual_server: no lb_kind; using NAT, as keepalived does");
		vs->method = LVS_NAT;
	}
	if (vs->method < 0)	/* every real server has its own: the virtual server's is never used */
		vs->method = LVS_NAT;
	if (vs->quorum > weights) {
		cfg_recovered(ctx->diag, pos, "virtual_server: quorum %u is above the real servers' total weight "
			      "%" PRIu64 "; lowered to it", vs->quorum, weights);
		vs->quorum = (uint32_t)weights;
	}
	if (vs->quorum > 0 && vs->hysteresis >= 0 && (uint32_t)vs->hysteresis >= (vs->quorum ? vs->quorum : 1)) {
		cfg_recovered(ctx->diag, pos, "virtual_server: hysteresis %d is not below quorum %u; set to %u",
			      vs->hysteresis, vs->quorum, vs->quorum - 1);
		vs->hysteresis = (int32_t)(vs->quorum - 1);
	}
}

/* Direct routing and tunnels keep the destination port: keepalived makes the real servers' the service's. */
static void
vs_ports(struct cfg_ctx *ctx, struct cfg_virtual_server *vs, struct cfg_real_server **rs, size_t nrs)
{
	struct group_kinds gk = vs->group[0] ? group_kinds(ctx->conf, vs->group) : (struct group_kinds){ 0 };
	int sorry_method = vs->sorry_method >= 0 ? vs->sorry_method : vs->method;

	for (size_t i = 0; i < nrs; i++) {
		int method = rs[i]->method >= 0 ? rs[i]->method : vs->method;

		if (method == LVS_NAT || rs[i]->port == 0 || (vs->group[0] == '\0' && vs->fwmark == 0 &&
							       rs[i]->port == vs->port))
			continue;
		if (vs->group[0]) {
			if (gk.fwmarks || gk.addrs)
				cfg_warning(ctx->diag, rs[i]->hdr.pos, "real_server: port %u differs from the group's; "
					    "direct routing and tunnels use the service's port", rs[i]->port);
		} else {
			cfg_recovered(ctx->diag, rs[i]->hdr.pos, "real_server: port %u is not the virtual_server's "
				      "(direct routing and tunnels keep it); using %u", rs[i]->port,
				      vs->fwmark ? 0 : vs->port);
			rs[i]->port = vs->fwmark ? 0 : vs->port;
		}
	}
	if (vs->sorry_server.family == 0 || sorry_method == LVS_NAT || vs->sorry_server_port == 0 ||
	    vs->group[0] || (vs->fwmark == 0 && vs->sorry_server_port == vs->port))
		return;
	cfg_recovered(ctx->diag, vs->hdr.pos, "sorry_server: port %u is not the virtual_server's (direct routing "
		      "and tunnels keep it); using %u", vs->sorry_server_port, vs->fwmark ? 0 : vs->port);
	vs->sorry_server_port = vs->fwmark ? 0 : vs->port;
}

/* keepalived drops a real server given twice in a virtual server (the second one), and one of another
 * address family unless tunnelled. rs holds nrs real servers of vs, in file order. */
static void
rs_settle(struct cfg_ctx *ctx, const struct cfg_virtual_server *vs, struct cfg_real_server **rs, size_t nrs)
{
	for (size_t i = 0; i < nrs; i++) {
		int method = rs[i]->method >= 0 ? rs[i]->method : vs->method;

		if (vs->addr.family != 0 && rs[i]->addr.family != vs->addr.family && method != LVS_TUN) {
			cfg_recovered(ctx->diag, rs[i]->hdr.pos, "real_server: not of the virtual_server's address "
				      "family (only a tunnel may be); the real_server is skipped");
			rs[i]->hdr.reserved |= CFG_OBJ_MARK_DROP;
		}
	}
}

static int
rs_of_vs(const void *a, const void *b)
{
	const struct cfg_real_server *x = *(struct cfg_real_server *const *)a, *y = *(struct cfg_real_server *const *)b;

	if (x->hdr.parent != y->hdr.parent)
		return x->hdr.parent < y->hdr.parent ? -1 : 1;
	return x->hdr.id < y->hdr.id ? -1 : x->hdr.id > y->hdr.id;
}

/* Applies vs_settle, rs_settle and vs_ports to every virtual server, then drops what they marked. */
static int
settle_all(struct cfg_ctx *ctx)
{
	struct config *conf = ctx->conf;
	size_t nrs = conf->count[CFG_REAL_SERVER], k = 0;
	struct cfg_real_server **v = malloc((nrs + 1) * sizeof(*v));
	struct cfg_virtual_server *vs;

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < nrs; i++)
		v[i] = config_get(conf, CFG_REAL_SERVER, i);
	qsort(v, nrs, sizeof(*v), rs_of_vs);
	CONFIG_FOREACH(conf, CFG_VIRTUAL_SERVER, struct cfg_virtual_server, vs) {
		size_t first, n;

		while (k < nrs && v[k]->hdr.parent < vs->hdr.id)
			k++;
		first = k;
		while (k < nrs && v[k]->hdr.parent == vs->hdr.id)
			k++;
		rs_settle(ctx, vs, v + first, k - first);
		/* what rs_settle dropped no longer counts */
		n = 0;
		for (size_t i = first; i < k; i++)
			if (!(v[i]->hdr.reserved & CFG_OBJ_MARK_DROP))
				v[first + n++] = v[i];
		vs_settle(ctx, vs, v + first, n);
		if (n > 0)
			vs_ports(ctx, vs, v + first, n);
	}
	free(v);
	return ipvs_conf_drop_marked(conf, CFG_OBJ_MARK_DROP | CFG_OBJ_MARK_DROP_LATE);
}

/*
 * Services unique; groups named by a virtual_server exist; real servers unique within a service, and of
 * the service's family unless tunnelled. Duplicates are found by sorting: 100k real servers stay cheap.
 */
int
ipvs_conf_check(struct cfg_ctx *ctx)
{
	struct config *conf = ctx->conf;
	struct cfg_virtual_server *vs;
	struct cfg_real_server *rs;
	size_t before = ctx->diag->nerrors;
	size_t nvs, nrs;
	size_t *order;
	struct rs_dup *dups;

	/* what was skipped while reading goes first, as keepalived never had it */
	if (ipvs_conf_drop_marked(conf, CFG_OBJ_MARK_DROP) == -1)
		goto oom;
	nrs = conf->count[CFG_REAL_SERVER];
	if ((dups = calloc(nrs + 1, sizeof(*dups))) == NULL)
		goto oom;
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, struct cfg_real_server, rs)
		dups[rs_i] = (struct rs_dup){ rs->hdr.parent, rs->port, rs->addr, rs_i };
	qsort(dups, nrs, sizeof(*dups), rs_dup_order);
	for (size_t i = 1; i < nrs; i++) {
		if (!rs_dup_same(&dups[i - 1], &dups[i]))
			continue;
		rs = config_get(conf, CFG_REAL_SERVER, dups[i].index);
		cfg_recovered(ctx->diag, rs->hdr.pos, "real_server: given twice in one virtual_server; this second "
			      "one is skipped");
		rs->hdr.reserved |= CFG_OBJ_MARK_DROP;
	}
	free(dups);
	if (ipvs_conf_drop_marked(conf, CFG_OBJ_MARK_DROP) == -1 || settle_all(ctx) == -1)
		goto oom;
	nvs = conf->count[CFG_VIRTUAL_SERVER];
	if ((order = indices(nvs)) == NULL)
		goto oom;
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
	return (int)(ctx->diag->nerrors - before);
oom:
	cfg_error_nopos(ctx->diag, "out of memory");
	return 1;
}
