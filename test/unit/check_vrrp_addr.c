/* Unit tests of the pure builders of vrrp/vrrp_addr.c (netlink requests, GARP, NA); the script runner has
 * its own (check_script.c). */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <check.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/config.h"
#include "test/unit/conf_text.h"
#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_int.h"

/* The attributes of a request, by type. */
struct attrs {
	const struct nlattr *tb[64];
};

static int
attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;

	if (mnl_attr_get_type(a) < 64)
		at->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

START_TEST(test_addr_msg)
{
	char buf[512];
	struct cfg_vrrp_vip v;
	struct attrs at;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct ifaddrmsg *ifa;
	size_t n;

	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(cfg_parse_addr("192.0.2.10/24", true, &v.addr), 0);
	ck_assert_int_eq(cfg_parse_addr("192.0.2.255", false, &v.brd), 0);
	strcpy(v.label, "eth0:vip");
	v.scope = 253;
	n = vrrp_addr_msg(buf, sizeof(buf), true, 7, &v, 42);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(nlh->nlmsg_len, n);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWADDR);
	ck_assert_uint_eq(nlh->nlmsg_seq, 42);
	ck_assert(nlh->nlmsg_flags & NLM_F_ACK);
	ck_assert(nlh->nlmsg_flags & NLM_F_CREATE);
	ifa = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(ifa->ifa_family, AF_INET);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 24);
	ck_assert_uint_eq(ifa->ifa_index, 7);
	ck_assert_uint_eq(ifa->ifa_scope, 253);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at), 0);
	ck_assert_ptr_nonnull(at.tb[IFA_LOCAL]);
	ck_assert_mem_eq(mnl_attr_get_payload(at.tb[IFA_LOCAL]), v.addr.addr, 4);
	ck_assert_ptr_nonnull(at.tb[IFA_BROADCAST]);
	ck_assert_mem_eq(mnl_attr_get_payload(at.tb[IFA_BROADCAST]), v.brd.addr, 4);
	ck_assert_str_eq(mnl_attr_get_str(at.tb[IFA_LABEL]), "eth0:vip");
	/* IPv6: no DAD, no label, a delete */
	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(cfg_parse_addr("2001:db8::10/64", true, &v.addr), 0);
	n = vrrp_addr_msg(buf, sizeof(buf), false, 3, &v, 1);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_DELADDR);
	ck_assert(!(nlh->nlmsg_flags & NLM_F_CREATE));
	ifa = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(ifa->ifa_family, AF_INET6);
	ck_assert(ifa->ifa_flags & IFA_F_NODAD);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at), 0);
	ck_assert_uint_eq(mnl_attr_get_payload_len(at.tb[IFA_LOCAL]), 16);
	ck_assert_ptr_null(at.tb[IFA_LABEL]);
	/* added, a /64 stays preferred (no lifetimes sent); a /128 goes in deprecated, as with keepalived,
	 * unless it has a preferred_lft of its own */
	v.preferred_lft = -1;
	ck_assert_uint_gt(vrrp_addr_msg(buf, sizeof(buf), true, 3, &v, 2), 0);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at), 0);
	ck_assert_ptr_null(at.tb[IFA_CACHEINFO]);
	ck_assert_int_eq(cfg_parse_addr("2001:db8::11/128", true, &v.addr), 0);
	ck_assert_uint_gt(vrrp_addr_msg(buf, sizeof(buf), true, 3, &v, 3), 0);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at), 0);
	ck_assert_ptr_nonnull(at.tb[IFA_CACHEINFO]);
	ck_assert_uint_eq(((const struct ifa_cacheinfo *)mnl_attr_get_payload(at.tb[IFA_CACHEINFO]))->ifa_prefered, 0);
	ck_assert_uint_eq(((const struct ifa_cacheinfo *)mnl_attr_get_payload(at.tb[IFA_CACHEINFO]))->ifa_valid,
			  UINT32_MAX);
	v.preferred_lft = 100;
	ck_assert_uint_gt(vrrp_addr_msg(buf, sizeof(buf), true, 3, &v, 4), 0);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at), 0);
	ck_assert_uint_eq(((const struct ifa_cacheinfo *)mnl_attr_get_payload(at.tb[IFA_CACHEINFO]))->ifa_prefered, 100);
	/* too small a buffer */
	ck_assert_uint_eq(vrrp_addr_msg(buf, 16, true, 1, &v, 1), 0);
}
END_TEST

START_TEST(test_route_msg)
{
	char buf[512];
	struct cfg_vrrp_route r;
	struct attrs at;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct rtmsg *rtm;
	size_t n;

	memset(&r, 0, sizeof(r));
	r.scope = -1;
	ck_assert_int_eq(cfg_parse_addr("198.51.100.0/24", true, &r.dst), 0);
	ck_assert_int_eq(cfg_parse_addr("192.0.2.254", false, &r.via), 0);
	r.metric = 10;
	r.table = 1000;
	n = vrrp_route_msg(buf, sizeof(buf), true, 0, &r, 5);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWROUTE);
	rtm = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(rtm->rtm_dst_len, 24);
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(rtm->rtm_type, RTN_UNICAST);
	ck_assert_uint_eq(rtm->rtm_protocol, RTPROT_KEEPALIVED);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &at), 0);
	ck_assert_mem_eq(mnl_attr_get_payload(at.tb[RTA_DST]), r.dst.addr, 4);
	ck_assert_mem_eq(mnl_attr_get_payload(at.tb[RTA_GATEWAY]), r.via.addr, 4);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[RTA_PRIORITY]), 10);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[RTA_TABLE]), 1000);
	ck_assert_ptr_null(at.tb[RTA_OIF]);
	/* a route through an interface, without gateway, deleted: universe scope still (keepalived's, not
	 * ip route's link), a protocol given kept */
	memset(&r, 0, sizeof(r));
	r.scope = -1;
	r.protocol = RTPROT_BIRD;
	ck_assert_int_eq(cfg_parse_addr("203.0.113.0/24", true, &r.dst), 0);
	n = vrrp_route_msg(buf, sizeof(buf), false, 4, &r, 6);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_DELROUTE);
	rtm = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(rtm->rtm_protocol, RTPROT_BIRD);
	ck_assert_uint_eq(rtm->rtm_table, RT_TABLE_MAIN);
	/* a scope given is sent */
	r.scope = RT_SCOPE_LINK;
	ck_assert_uint_gt(vrrp_route_msg(buf, sizeof(buf), true, 4, &r, 7), 0);
	ck_assert_uint_eq(((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_scope, RT_SCOPE_LINK);
	r.scope = -1;
	n = vrrp_route_msg(buf, sizeof(buf), false, 4, &r, 6);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &at), 0);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[RTA_OIF]), 4);
	ck_assert_ptr_null(at.tb[RTA_GATEWAY]);
}
END_TEST

/* `via A or B`: one route, two next hops in RTA_MULTIPATH, each with its gateway; mtu in RTA_METRICS */
START_TEST(test_multipath_route_msg)
{
	char buf[512];
	struct cfg_vrrp_route r;
	struct attrs at;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct rtmsg *rtm;
	const struct rtnexthop *nh;
	const uint8_t *p, *end;
	uint8_t gw[2][4];
	int hops = 0;

	memset(&r, 0, sizeof(r));
	r.scope = -1;
	ck_assert_int_eq(cfg_parse_addr("198.51.100.0/24", true, &r.dst), 0);
	ck_assert_int_eq(cfg_parse_addr("192.0.2.1", false, &r.via), 0);
	ck_assert_int_eq(cfg_parse_addr("192.0.2.2", false, &r.via_or), 0);
	r.mtu = 1400;
	ck_assert_uint_gt(vrrp_route_msg(buf, sizeof(buf), true, 9, &r, 5), 0);
	rtm = mnl_nlmsg_get_payload(nlh);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &at), 0);
	ck_assert_ptr_null(at.tb[RTA_GATEWAY]);
	ck_assert_ptr_null(at.tb[RTA_OIF]);
	ck_assert_ptr_nonnull(at.tb[RTA_MULTIPATH]);
	ck_assert_ptr_nonnull(at.tb[RTA_METRICS]);
	p = mnl_attr_get_payload(at.tb[RTA_MULTIPATH]);
	end = p + mnl_attr_get_payload_len(at.tb[RTA_MULTIPATH]);
	while (p + sizeof(*nh) <= end) {
		const struct nlattr *a;

		nh = (const struct rtnexthop *)p;
		ck_assert_uint_ge(nh->rtnh_len, sizeof(*nh) + MNL_ATTR_HDRLEN + 4);
		ck_assert_int_eq(nh->rtnh_ifindex, 9);
		a = (const struct nlattr *)(p + MNL_ALIGN(sizeof(*nh)));
		ck_assert_uint_eq(mnl_attr_get_type(a), RTA_GATEWAY);
		ck_assert_int_lt(hops, 2);
		memcpy(gw[hops++], mnl_attr_get_payload(a), 4);
		p += MNL_ALIGN(nh->rtnh_len);
	}
	ck_assert_int_eq(hops, 2);
	ck_assert_mem_eq(gw[0], r.via.addr, 4);
	ck_assert_mem_eq(gw[1], r.via_or.addr, 4);
}
END_TEST

START_TEST(test_rule_msg)
{
	char buf[512];
	struct cfg_vrrp_rule r;
	struct attrs at;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct fib_rule_hdr *frh;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.action = FR_ACT_TO_TBL;
	r.table = 1000;
	r.priority = 50;
	r.invert = true;
	r.fwmark = 0x10;
	r.fwmask = 0xff;
	strcpy(r.iif, "eth1");
	ck_assert_int_eq(cfg_parse_addr("192.0.2.0/24", true, &r.from), 0);
	ck_assert_uint_gt(vrrp_rule_msg(buf, sizeof(buf), true, &r, 3), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWRULE);
	/* EXCL: a rule added twice would be there twice */
	ck_assert(nlh->nlmsg_flags & NLM_F_EXCL);
	frh = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(frh->family, AF_INET);
	ck_assert_uint_eq(frh->src_len, 24);
	ck_assert_uint_eq(frh->dst_len, 0);
	ck_assert_uint_eq(frh->action, FR_ACT_TO_TBL);
	ck_assert(frh->flags & FIB_RULE_INVERT);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*frh), attr_cb, &at), 0);
	ck_assert_mem_eq(mnl_attr_get_payload(at.tb[FRA_SRC]), r.from.addr, 4);
	ck_assert_ptr_null(at.tb[FRA_DST]);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[FRA_TABLE]), 1000);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[FRA_PRIORITY]), 50);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[FRA_FWMARK]), 0x10);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[FRA_FWMASK]), 0xff);
	ck_assert_str_eq(mnl_attr_get_str(at.tb[FRA_IIFNAME]), "eth1");
	ck_assert_uint_eq(mnl_attr_get_u8(at.tb[FRA_PROTOCOL]), RTPROT_KEEPALIVED);
	ck_assert_uint_eq(vrrp_rule_msg(buf, sizeof(buf), false, &r, 4), nlh->nlmsg_len);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_DELRULE);
	ck_assert_uint_eq(vrrp_rule_msg(buf, 16, true, &r, 1), 0);
}
END_TEST

START_TEST(test_vmac_msg)
{
	char buf[512];
	const uint8_t mac[6] = { 0, 0, 0x5e, 0, 1, 51 };
	struct attrs at, info, data;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct ifinfomsg *ifi;

	ck_assert_uint_gt(vrrp_vmac_msg(buf, sizeof(buf), true, 4, 0, "vrrp.51", mac, 8), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWLINK);
	ifi = mnl_nlmsg_get_payload(nlh);
	/* created down, to be configured before anything leaves it */
	ck_assert(!(ifi->ifi_flags & IFF_UP));
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &at), 0);
	ck_assert_uint_eq(mnl_attr_get_u32(at.tb[IFLA_LINK]), 4);
	ck_assert_str_eq(mnl_attr_get_str(at.tb[IFLA_IFNAME]), "vrrp.51");
	ck_assert_mem_eq(mnl_attr_get_payload(at.tb[IFLA_ADDRESS]), mac, 6);
	memset(&info, 0, sizeof(info));
	ck_assert_int_ge(mnl_attr_parse_nested(at.tb[IFLA_LINKINFO], attr_cb, &info), 0);
	ck_assert_str_eq(mnl_attr_get_str(info.tb[IFLA_INFO_KIND]), "macvlan");
	memset(&data, 0, sizeof(data));
	ck_assert_int_ge(mnl_attr_parse_nested(info.tb[IFLA_INFO_DATA], attr_cb, &data), 0);
	ck_assert_uint_eq(mnl_attr_get_u32(data.tb[IFLA_MACVLAN_MODE]), MACVLAN_MODE_PRIVATE);
	/* then up; an IPv4 instance's macvlan without IPv6 link-local */
	ck_assert_uint_gt(vrrp_link_msg(buf, sizeof(buf), 12, true, true, 10), 0);
	ifi = mnl_nlmsg_get_payload(nlh);
	ck_assert_int_eq(ifi->ifi_index, 12);
	ck_assert(ifi->ifi_flags & IFF_UP);
	ck_assert(ifi->ifi_change & IFF_UP);
	memset(&at, 0, sizeof(at));
	ck_assert_int_ge(mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &at), 0);
	ck_assert_ptr_nonnull(at.tb[IFLA_AF_SPEC]);
	/* removal names the index only */
	ck_assert_uint_gt(vrrp_vmac_msg(buf, sizeof(buf), false, 0, 12, "vrrp.51", NULL, 9), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_DELLINK);
	ck_assert_int_eq(((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index, 12);
}
END_TEST

START_TEST(test_garp_na)
{
	const uint8_t mac[6] = { 0x02, 0, 0x5e, 1, 2, 3 }, a4[4] = { 192, 0, 2, 10 };
	uint8_t a6[16], buf[64];

	ck_assert_uint_eq(vrrp_garp_msg(buf, 27, mac, a4), 0);
	ck_assert_uint_eq(vrrp_garp_msg(buf, sizeof(buf), mac, a4), 28);
	/* hardware Ethernet, protocol IPv4, request; sender = target = the VIP */
	ck_assert_uint_eq(buf[0] << 8 | buf[1], 1);
	ck_assert_uint_eq(buf[2] << 8 | buf[3], 0x0800);
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 1);
	ck_assert_mem_eq(buf + 8, mac, 6);
	ck_assert_mem_eq(buf + 14, a4, 4);
	ck_assert_mem_eq(buf + 24, a4, 4);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::10", a6), 1);
	ck_assert_uint_eq(vrrp_na_msg(buf, sizeof(buf), mac, a6), 32);
	ck_assert_uint_eq(buf[0], 136);
	ck_assert_uint_eq(buf[4], 0x20);	/* override only: not a router, not solicited */
	ck_assert_mem_eq(buf + 8, a6, 16);
	ck_assert_uint_eq(buf[24], 2);		/* target link-layer address option */
	ck_assert_uint_eq(buf[25], 1);
	ck_assert_mem_eq(buf + 26, mac, 6);
}
END_TEST

/* Rules without a preference get keepalived's: 16384 down, one count per family, static_rules and
 * virtual_rules together in file order; a preference given is kept and takes no number. */
START_TEST(test_rules_number)
{
	struct cfg_diag d;
	struct config *conf = conf_load_text(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_rules {\n"
		"  from 192.0.2.1 table 1\n  from 2001:db8::1 table 1\n  to 192.0.2.0/24 table 2 preference 50\n"
		"  to 198.51.100.0/24 table 3\n }\n}\n"
		"static_rules {\n from 203.0.113.0/24 table 4\n from 2001:db8::/64 table 4\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n virtual_rules {\n"
		"  from 192.0.2.2 table 5\n }\n}\n", NULL, &d);
	struct cfg_vrrp_instance a, b;
	struct cfg_vrrp_static st[2];

	ck_assert_msg(conf != NULL, "%s", d.nerrors ? d.errors[0] : "");
	a = *(struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 0);
	b = *(struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 1);
	st[0] = *(struct cfg_vrrp_static *)config_get(conf, CFG_VRRP_STATIC, 0);
	st[1] = *(struct cfg_vrrp_static *)config_get(conf, CFG_VRRP_STATIC, 1);
	ck_assert_uint_eq(a.nrules, 4);
	/* the order they are numbered in does not matter: B, then the static ones, then A */
	vrrp_rules_number(conf, &b.hdr.pos, b.rules, b.nrules);
	for (int i = 1; i >= 0; i--)
		vrrp_rules_number(conf, &st[i].hdr.pos, &st[i].rule, 1);
	vrrp_rules_number(conf, &a.hdr.pos, a.rules, a.nrules);
	ck_assert_uint_eq(a.rules[0].priority, 16384);
	ck_assert_uint_eq(a.rules[1].priority, 16384);	/* the first IPv6 one */
	ck_assert_uint_eq(a.rules[2].priority, 50);
	ck_assert_uint_eq(a.rules[3].priority, 16383);
	ck_assert_uint_eq(st[0].rule.priority, 16382);
	ck_assert_uint_eq(st[1].rule.priority, 16383);
	ck_assert_uint_eq(b.rules[0].priority, 16381);
	/* numbered again (a reload of the same file): the same numbers */
	vrrp_rules_number(conf, &a.hdr.pos, a.rules, a.nrules);
	ck_assert_uint_eq(a.rules[3].priority, 16383);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vrrp_addr");
	TCase *tc = tcase_create("addr");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_addr_msg);
	tcase_add_test(tc, test_route_msg);
	tcase_add_test(tc, test_multipath_route_msg);
	tcase_add_test(tc, test_rule_msg);
	tcase_add_test(tc, test_vmac_msg);
	tcase_add_test(tc, test_garp_na);
	tcase_add_test(tc, test_rules_number);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
