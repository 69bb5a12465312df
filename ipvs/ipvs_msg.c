/*
 * IPVS generic netlink messages: building requests and reading replies. Only buffers, no socket, so the
 * unit tests check them without root. Validation is by policy tables: a reply that lacks a required
 * attribute or has one of the wrong size is refused, never half-read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "ipvs/ipvs_int.h"

static struct nla_policy svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR] = { .minlen = 4, .maxlen = 16 },
	[IPVS_SVC_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { .type = NLA_STRING, .maxlen = IP_VS_SCHEDNAME_MAXLEN },
	[IPVS_SVC_ATTR_FLAGS] = { .minlen = 8 },
	[IPVS_SVC_ATTR_TIMEOUT] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_PE_NAME] = { .type = NLA_STRING, .maxlen = IP_VS_PENAME_MAXLEN },
	[IPVS_SVC_ATTR_STATS64] = { .type = NLA_NESTED },
};

static struct nla_policy dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { .minlen = 4, .maxlen = 16 },
	[IPVS_DEST_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_STATS64] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_TUN_TYPE] = { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS] = { .type = NLA_U16 },
};

static struct nla_policy daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN] = { .type = NLA_STRING, .maxlen = IP_VS_IFNAME_MAXLEN },
	[IPVS_DAEMON_ATTR_SYNC_ID] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6] = { .minlen = 16, .maxlen = 16 },
	[IPVS_DAEMON_ATTR_MCAST_PORT] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL] = { .type = NLA_U8 },
};

static size_t
addr_len(uint16_t af)
{
	return af == AF_INET6 ? 16 : 4;
}

/* Room for the largest request: a service with its scheduler, engine and netmask, or a service key and a
 * destination with its tunnel, well under this. */
#define IPVS_MSG_SIZE 1024

struct nl_msg *
ipvs_msg_new(int family, uint8_t cmd, int flags)
{
	/* every IPVS request is a few hundred bytes: libnl's default (a zeroed page) costs 100,000 pages of
	 * clearing for a table's worth of requests */
	struct nl_msg *m = nlmsg_alloc_size(IPVS_MSG_SIZE);

	if (m == NULL)
		return NULL;
	if (genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, IPVS_GENL_VERSION) == NULL) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/* The top-level attributes of replies: without a policy a 4-byte attribute at the end of a reply, read
 * with nla_get_u32, was read past (found by fuzz/fuzz_ipvs_msg.c; fuzz/corpus/ipvs_msg/info-short). */
static struct nla_policy cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP] = { .type = NLA_U32 },
};

static struct nla_policy info_policy[IPVS_INFO_ATTR_MAX + 1] = {
	[IPVS_INFO_ATTR_VERSION] = { .type = NLA_U32 },
	[IPVS_INFO_ATTR_CONN_TAB_SIZE] = { .type = NLA_U32 },
};

int
ipvs_msg_attrs(const void *nlh, struct nlattr **tb, int maxtype)
{
	/* the family has two sets of top-level attributes, which maxtype tells apart */
	struct nla_policy *policy = maxtype == IPVS_CMD_ATTR_MAX ? cmd_policy :
				    maxtype == IPVS_INFO_ATTR_MAX ? info_policy : NULL;

	if (policy == NULL)
		return -1;
	return genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, maxtype, policy) < 0 ? -1 : 0;
}

int
ipvs_msg_put_svc(struct nl_msg *m, const struct ipvs_svc *s, bool full)
{
	struct nlattr *nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	struct ip_vs_flags flags = { .flags = s->flags, .mask = ~0u };

	if (nest == NULL)
		return -1;
	if (nla_put_u16(m, IPVS_SVC_ATTR_AF, s->af) < 0)
		return -1;
	if (s->fwmark) {
		if (nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, s->fwmark) < 0)
			return -1;
	} else if (nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, s->protocol) < 0 ||
		   nla_put(m, IPVS_SVC_ATTR_ADDR, (int)addr_len(s->af), s->addr) < 0 ||
		   nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(s->port)) < 0) {
		return -1;
	}
	if (full) {
		if (nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME, s->sched) < 0 ||
		    nla_put(m, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) < 0 ||
		    nla_put_u32(m, IPVS_SVC_ATTR_TIMEOUT, s->timeout) < 0 ||
		    nla_put_u32(m, IPVS_SVC_ATTR_NETMASK, s->netmask) < 0)
			return -1;
		if (s->pe[0] && nla_put_string(m, IPVS_SVC_ATTR_PE_NAME, s->pe) < 0)
			return -1;
	}
	return nla_nest_end(m, nest) < 0 ? -1 : 0;
}

int
ipvs_msg_put_dest(struct nl_msg *m, const struct ipvs_dest *d, bool full)
{
	struct nlattr *nest = nla_nest_start(m, IPVS_CMD_ATTR_DEST);

	if (nest == NULL)
		return -1;
	if (nla_put(m, IPVS_DEST_ATTR_ADDR, (int)addr_len(d->af), d->addr) < 0 ||
	    nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(d->port)) < 0 ||
	    nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, d->af) < 0)
		return -1;
	if (full) {
		if (nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, d->fwd & IP_VS_CONN_F_FWD_MASK) < 0 ||
		    nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight) < 0 ||
		    nla_put_u32(m, IPVS_DEST_ATTR_U_THRESH, d->u_thresh) < 0 ||
		    nla_put_u32(m, IPVS_DEST_ATTR_L_THRESH, d->l_thresh) < 0)
			return -1;
		/* tunnel attributes only for tunnels: older kernels refuse unknown attributes less often than
		 * they refuse nothing, and the kernel ignores them for other methods anyway */
		if ((d->fwd & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_TUNNEL &&
		    (nla_put_u8(m, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type) < 0 ||
		     nla_put_u16(m, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port)) < 0 ||
		     nla_put_u16(m, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags) < 0))
			return -1;
	}
	return nla_nest_end(m, nest) < 0 ? -1 : 0;
}

int
ipvs_msg_put_daemon(struct nl_msg *m, const struct ipvs_daemon *d, bool full)
{
	struct nlattr *nest = nla_nest_start(m, IPVS_CMD_ATTR_DAEMON);

	if (nest == NULL)
		return -1;
	if (nla_put_u32(m, IPVS_DAEMON_ATTR_STATE, d->state) < 0)
		return -1;
	if (full) {
		if (nla_put_string(m, IPVS_DAEMON_ATTR_MCAST_IFN, d->ifname) < 0 ||
		    nla_put_u32(m, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid) < 0)
			return -1;
		if (d->maxlen && nla_put_u16(m, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d->maxlen) < 0)
			return -1;
		if (d->group_af == AF_INET && nla_put(m, IPVS_DAEMON_ATTR_MCAST_GROUP, 4, d->group) < 0)
			return -1;
		if (d->group_af == AF_INET6 && nla_put(m, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, d->group) < 0)
			return -1;
		/* the port travels in host order, unlike every other port of this family */
		if (d->port && nla_put_u16(m, IPVS_DAEMON_ATTR_MCAST_PORT, d->port) < 0)
			return -1;
		if (d->ttl && nla_put_u8(m, IPVS_DAEMON_ATTR_MCAST_TTL, d->ttl) < 0)
			return -1;
	}
	return nla_nest_end(m, nest) < 0 ? -1 : 0;
}

int
ipvs_msg_put_timeouts(struct nl_msg *m, const struct ipvs_timeouts *t)
{
	if (nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp) < 0 ||
	    nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcpfin) < 0 ||
	    nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp) < 0)
		return -1;
	return 0;
}

static uint64_t
stat_get(struct nlattr *a)
{
	if (a == NULL)
		return 0;
	if (nla_len(a) >= 8)
		return nla_get_u64(a);
	if (nla_len(a) >= 4)
		return nla_get_u32(a);
	return 0;
}

/* STATS64 if present, else the 32-bit STATS of older kernels. */
static void
parse_stats(struct nlattr *s64, struct nlattr *s32, struct ipvs_stats *st)
{
	struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];
	struct nlattr *nest = s64 != NULL ? s64 : s32;

	memset(st, 0, sizeof(*st));
	if (nest == NULL || nla_parse_nested(tb, IPVS_STATS_ATTR_MAX, nest, NULL) < 0)
		return;
	st->conns = stat_get(tb[IPVS_STATS_ATTR_CONNS]);
	st->inpkts = stat_get(tb[IPVS_STATS_ATTR_INPKTS]);
	st->outpkts = stat_get(tb[IPVS_STATS_ATTR_OUTPKTS]);
	st->inbytes = stat_get(tb[IPVS_STATS_ATTR_INBYTES]);
	st->outbytes = stat_get(tb[IPVS_STATS_ATTR_OUTBYTES]);
	st->cps = stat_get(tb[IPVS_STATS_ATTR_CPS]);
	st->inpps = stat_get(tb[IPVS_STATS_ATTR_INPPS]);
	st->outpps = stat_get(tb[IPVS_STATS_ATTR_OUTPPS]);
	st->inbps = stat_get(tb[IPVS_STATS_ATTR_INBPS]);
	st->outbps = stat_get(tb[IPVS_STATS_ATTR_OUTBPS]);
}

static void
copy_string(char *dst, size_t size, struct nlattr *a)
{
	dst[0] = '\0';
	if (a != NULL)
		nla_strlcpy(dst, a, size);
}

int
ipvs_msg_parse_svc(const struct nlattr *nest, struct ipvs_svc *s)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags flags;

	memset(s, 0, sizeof(*s));
	if (nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, (struct nlattr *)nest, svc_policy) < 0)
		return -1;
	if (tb[IPVS_SVC_ATTR_AF] == NULL || tb[IPVS_SVC_ATTR_SCHED_NAME] == NULL ||
	    tb[IPVS_SVC_ATTR_FLAGS] == NULL || tb[IPVS_SVC_ATTR_TIMEOUT] == NULL ||
	    tb[IPVS_SVC_ATTR_NETMASK] == NULL)
		return -1;
	s->af = nla_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (s->af != AF_INET && s->af != AF_INET6)
		return -1;
	if (tb[IPVS_SVC_ATTR_FWMARK] != NULL)
		s->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	if (s->fwmark == 0) {
		if (tb[IPVS_SVC_ATTR_PROTOCOL] == NULL || tb[IPVS_SVC_ATTR_ADDR] == NULL ||
		    tb[IPVS_SVC_ATTR_PORT] == NULL || (size_t)nla_len(tb[IPVS_SVC_ATTR_ADDR]) < addr_len(s->af))
			return -1;
		s->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		memcpy(s->addr, nla_data(tb[IPVS_SVC_ATTR_ADDR]), addr_len(s->af));
		s->port = ntohs(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	}
	copy_string(s->sched, sizeof(s->sched), tb[IPVS_SVC_ATTR_SCHED_NAME]);
	copy_string(s->pe, sizeof(s->pe), tb[IPVS_SVC_ATTR_PE_NAME]);
	memcpy(&flags, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(flags));
	/* HASHED is the kernel's bookkeeping, not a setting */
	s->flags = flags.flags & ~(uint32_t)IP_VS_SVC_F_HASHED;
	s->timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	s->netmask = nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
	parse_stats(tb[IPVS_SVC_ATTR_STATS64], tb[IPVS_SVC_ATTR_STATS], &s->stats);
	return 0;
}

int
ipvs_msg_parse_dest(const struct nlattr *nest, uint16_t svc_af, struct ipvs_dest *d)
{
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (nla_parse_nested(tb, IPVS_DEST_ATTR_MAX, (struct nlattr *)nest, dest_policy) < 0)
		return -1;
	if (tb[IPVS_DEST_ATTR_ADDR] == NULL || tb[IPVS_DEST_ATTR_PORT] == NULL ||
	    tb[IPVS_DEST_ATTR_FWD_METHOD] == NULL || tb[IPVS_DEST_ATTR_WEIGHT] == NULL ||
	    tb[IPVS_DEST_ATTR_U_THRESH] == NULL || tb[IPVS_DEST_ATTR_L_THRESH] == NULL)
		return -1;
	d->af = tb[IPVS_DEST_ATTR_ADDR_FAMILY] != NULL ? nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : svc_af;
	if ((d->af != AF_INET && d->af != AF_INET6) || (size_t)nla_len(tb[IPVS_DEST_ATTR_ADDR]) < addr_len(d->af))
		return -1;
	memcpy(d->addr, nla_data(tb[IPVS_DEST_ATTR_ADDR]), addr_len(d->af));
	d->port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	d->fwd = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) & IP_VS_CONN_F_FWD_MASK;
	d->weight = (int32_t)nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	d->u_thresh = nla_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	d->l_thresh = nla_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	if (tb[IPVS_DEST_ATTR_ACTIVE_CONNS])
		d->active = nla_get_u32(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	if (tb[IPVS_DEST_ATTR_INACT_CONNS])
		d->inactive = nla_get_u32(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	if (tb[IPVS_DEST_ATTR_PERSIST_CONNS])
		d->persistent = nla_get_u32(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	if (tb[IPVS_DEST_ATTR_TUN_TYPE])
		d->tun_type = nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (tb[IPVS_DEST_ATTR_TUN_PORT])
		d->tun_port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
	if (tb[IPVS_DEST_ATTR_TUN_FLAGS])
		d->tun_flags = nla_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	parse_stats(tb[IPVS_DEST_ATTR_STATS64], tb[IPVS_DEST_ATTR_STATS], &d->stats);
	return 0;
}

int
ipvs_msg_parse_daemon(const struct nlattr *nest, struct ipvs_daemon *d)
{
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (nla_parse_nested(tb, IPVS_DAEMON_ATTR_MAX, (struct nlattr *)nest, daemon_policy) < 0)
		return -1;
	if (tb[IPVS_DAEMON_ATTR_STATE] == NULL || tb[IPVS_DAEMON_ATTR_MCAST_IFN] == NULL ||
	    tb[IPVS_DAEMON_ATTR_SYNC_ID] == NULL)
		return -1;
	d->state = nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
	copy_string(d->ifname, sizeof(d->ifname), tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
	d->syncid = nla_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
		d->maxlen = nla_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		d->group_af = AF_INET6;
		memcpy(d->group, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]), 16);
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		d->group_af = AF_INET;
		memcpy(d->group, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]), 4);
	}
	if (tb[IPVS_DAEMON_ATTR_MCAST_PORT])
		d->port = nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_TTL])
		d->ttl = nla_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	return 0;
}

static const char *
proto_name(uint16_t p)
{
	return p == IPPROTO_TCP ? "TCP" : p == IPPROTO_UDP ? "UDP" : p == IPPROTO_SCTP ? "SCTP" : "?";
}

void
ipvs_addrport(uint16_t af, const uint8_t *addr, uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

void
ipvs_svc_name(const struct ipvs_svc *s, char *buf, size_t len)
{
	char ap[INET6_ADDRSTRLEN + 10];

	if (s->fwmark) {
		snprintf(buf, len, "FWM %u%s", s->fwmark, s->af == AF_INET6 ? " IPv6" : "");
		return;
	}
	ipvs_addrport(s->af, s->addr, s->port, ap, sizeof(ap));
	snprintf(buf, len, "%s %s", proto_name(s->protocol), ap);
}

bool
ipvs_svc_same(const struct ipvs_svc *a, const struct ipvs_svc *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return false;
	if (a->fwmark)
		return true;
	return a->protocol == b->protocol && a->port == b->port && memcmp(a->addr, b->addr, addr_len(a->af)) == 0;
}

bool
ipvs_svc_settings_equal(const struct ipvs_svc *a, const struct ipvs_svc *b)
{
	return strcmp(a->sched, b->sched) == 0 && strcmp(a->pe, b->pe) == 0 && a->flags == b->flags &&
	       a->timeout == b->timeout && a->netmask == b->netmask;
}

bool
ipvs_dest_same(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	return a->af == b->af && a->port == b->port && memcmp(a->addr, b->addr, addr_len(a->af)) == 0;
}

bool
ipvs_dest_settings_equal(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	if (a->fwd != b->fwd || a->weight != b->weight || a->u_thresh != b->u_thresh || a->l_thresh != b->l_thresh)
		return false;
	if (a->fwd == IP_VS_CONN_F_TUNNEL)
		return a->tun_type == b->tun_type && a->tun_port == b->tun_port && a->tun_flags == b->tun_flags;
	return true;
}

static int
cmp_addr(uint16_t af, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, addr_len(af));	/* network order: memcmp is numeric order */
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

int
ipvs_svc_cmp(const struct ipvs_svc *a, const struct ipvs_svc *b)
{
	int r;

	CMP(a->fwmark, b->fwmark);
	CMP(a->af, b->af);
	CMP(a->protocol, b->protocol);
	r = cmp_addr(a->af, a->addr, b->addr);
	if (r)
		return r;
	CMP(a->port, b->port);
	return 0;
}

int
ipvs_dest_cmp(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	int r;

	CMP(a->af, b->af);
	r = cmp_addr(a->af, a->addr, b->addr);
	if (r)
		return r;
	CMP(a->port, b->port);
	return 0;
}
