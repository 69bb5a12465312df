/* Unit tests of ipvs/ipvs_msg.c and the batch builder of ipvs/ipvs_nl.c: no socket, no root. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "ipvs/ipvs_int.h"

static struct ipvs_svc
tcp_svc(const char *addr, uint16_t port)
{
	struct ipvs_svc s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	inet_pton(AF_INET, addr, s.addr);
	s.port = port;
	strcpy(s.sched, "wlc");
	s.netmask = 0xffffffff;
	return s;
}

/* A reply whose last attribute is a bare 4-byte header: refused, where nla_get_u32 read past it (the
 * regression input of fuzz/fuzz_ipvs_msg.c). */
START_TEST(short_attributes_refused)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct nl_msg *m = ipvs_msg_new(0x1c, IPVS_CMD_GET_INFO, 0);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(nla_put_u32(m, IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096), 0);
	ck_assert_int_eq(nla_put(m, IPVS_INFO_ATTR_VERSION, 0, NULL), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_INFO_ATTR_MAX), -1);
	nlmsg_free(m);
	m = ipvs_msg_new(0x1c, IPVS_CMD_GET_CONFIG, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(nla_put(m, IPVS_CMD_ATTR_TIMEOUT_UDP, 2, "ab"), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), -1);
	nlmsg_free(m);
	m = ipvs_msg_new(0x1c, IPVS_CMD_GET_CONFIG, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_UDP, 300), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), 0);
	ck_assert_uint_eq(nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_UDP]), 300);
	nlmsg_free(m);
}
END_TEST

START_TEST(svc_round_trip)
{
	struct ipvs_svc s = tcp_svc("192.0.2.10", 80), back;
	struct nl_msg *m = ipvs_msg_new(42, IPVS_CMD_NEW_SERVICE, 0);
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	s.flags = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED1;
	s.timeout = 300;
	strcpy(s.pe, "sip");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(nlmsg_hdr(m)->nlmsg_type, 42);
	ck_assert_int_eq(ipvs_msg_put_svc(m, &s, true), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), 0);
	ck_assert_ptr_nonnull(tb[IPVS_CMD_ATTR_SERVICE]);
	ck_assert_int_eq(ipvs_msg_parse_svc(tb[IPVS_CMD_ATTR_SERVICE], &back), 0);
	ck_assert(ipvs_svc_same(&s, &back));
	ck_assert(ipvs_svc_settings_equal(&s, &back));
	ck_assert_int_eq(back.port, 80);
	ck_assert_str_eq(back.pe, "sip");
	nlmsg_free(m);
}
END_TEST

/* A key-only service (DEL, GET_DEST) carries no scheduler: the parser, which reads replies, refuses it. */
START_TEST(svc_key_only_not_a_reply)
{
	struct ipvs_svc s = tcp_svc("192.0.2.10", 80), back;
	struct nl_msg *m = ipvs_msg_new(42, IPVS_CMD_DEL_SERVICE, 0);
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr *svc[IPVS_SVC_ATTR_MAX + 1];

	ck_assert_int_eq(ipvs_msg_put_svc(m, &s, false), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), 0);
	ck_assert_int_eq(nla_parse_nested(svc, IPVS_SVC_ATTR_MAX, tb[IPVS_CMD_ATTR_SERVICE], NULL), 0);
	ck_assert_ptr_null(svc[IPVS_SVC_ATTR_SCHED_NAME]);
	ck_assert_int_eq(ntohs(nla_get_u16(svc[IPVS_SVC_ATTR_PORT])), 80);
	ck_assert_int_eq(nla_len(svc[IPVS_SVC_ATTR_ADDR]), 4);
	ck_assert_int_eq(ipvs_msg_parse_svc(tb[IPVS_CMD_ATTR_SERVICE], &back), -1);
	nlmsg_free(m);
}
END_TEST

START_TEST(fwmark_v6_svc)
{
	struct ipvs_svc s, back;
	struct nl_msg *m = ipvs_msg_new(42, IPVS_CMD_NEW_SERVICE, 0);
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	char name[64];

	memset(&s, 0, sizeof(s));
	s.af = AF_INET6;
	s.fwmark = 6;
	strcpy(s.sched, "lc");
	s.netmask = 64;
	ck_assert_int_eq(ipvs_msg_put_svc(m, &s, true), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), 0);
	ck_assert_int_eq(ipvs_msg_parse_svc(tb[IPVS_CMD_ATTR_SERVICE], &back), 0);
	ck_assert_int_eq(back.fwmark, 6);
	ck_assert_int_eq(back.af, AF_INET6);
	ck_assert_int_eq(back.netmask, 64);
	ipvs_svc_name(&back, name, sizeof(name));
	ck_assert_str_eq(name, "FWM 6 IPv6");
	nlmsg_free(m);
}
END_TEST

START_TEST(dest_round_trip_tunnel)
{
	struct ipvs_dest d, back;
	struct nl_msg *m = ipvs_msg_new(42, IPVS_CMD_NEW_DEST, 0);
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	memset(&d, 0, sizeof(d));
	d.af = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::21", d.addr);
	d.port = 443;
	d.fwd = IP_VS_CONN_F_TUNNEL;
	d.weight = 7;
	d.u_thresh = 100;
	d.l_thresh = 10;
	d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d.tun_port = 6080;
	d.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	ck_assert_int_eq(ipvs_msg_put_dest(m, &d, true), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), 0);
	ck_assert_int_eq(ipvs_msg_parse_dest(tb[IPVS_CMD_ATTR_DEST], AF_INET, &back), 0);
	ck_assert(ipvs_dest_same(&d, &back));
	ck_assert(ipvs_dest_settings_equal(&d, &back));
	back.weight = 8;
	ck_assert(!ipvs_dest_settings_equal(&d, &back));
	nlmsg_free(m);
}
END_TEST

START_TEST(daemon_port_host_order)
{
	struct ipvs_daemon d, back;
	struct nl_msg *m = ipvs_msg_new(42, IPVS_CMD_NEW_DAEMON, 0);
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr *dt[IPVS_DAEMON_ATTR_MAX + 1];

	memset(&d, 0, sizeof(d));
	d.state = IP_VS_STATE_BACKUP;
	strcpy(d.ifname, "eth1");
	d.syncid = 9;
	d.port = 9000;
	d.ttl = 3;
	ck_assert_int_eq(ipvs_msg_put_daemon(m, &d, true), 0);
	ck_assert_int_eq(ipvs_msg_attrs(nlmsg_hdr(m), tb, IPVS_CMD_ATTR_MAX), 0);
	ck_assert_int_eq(nla_parse_nested(dt, IPVS_DAEMON_ATTR_MAX, tb[IPVS_CMD_ATTR_DAEMON], NULL), 0);
	ck_assert_int_eq(nla_get_u16(dt[IPVS_DAEMON_ATTR_MCAST_PORT]), 9000);
	ck_assert_ptr_null(dt[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	ck_assert_int_eq(ipvs_msg_parse_daemon(tb[IPVS_CMD_ATTR_DAEMON], &back), 0);
	ck_assert_str_eq(back.ifname, "eth1");
	ck_assert_int_eq(back.ttl, 3);
	nlmsg_free(m);
}
END_TEST

/* Many requests in one buffer: consecutive sequence numbers, our port id, ACK asked for each. */
START_TEST(batch_layout)
{
	struct ipvs_nl nl;
	struct ipvs_batch b;
	struct ipvs_svc s = tcp_svc("192.0.2.10", 80);
	size_t off = 0;

	memset(&nl, 0, sizeof(nl));
	nl.family = 42;
	nl.portid = 1234;
	nl.seq = 100;
	ipvs_batch_init(&b);
	for (int i = 0; i < 1000; i++) {
		s.port = (uint16_t)(1000 + i);
		ck_assert_int_eq(ipvs_batch_svc(&nl, &b, IPVS_CMD_NEW_SERVICE, &s, (size_t)i), 0);
	}
	ck_assert_int_eq(b.nops, 1000);
	for (size_t i = 0; i < b.nops; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b.buf + off);
		struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
		struct ipvs_svc back;

		ck_assert_uint_eq(h->nlmsg_seq, 101 + i);
		ck_assert_uint_eq(b.ops[i].seq, h->nlmsg_seq);
		ck_assert_uint_eq(h->nlmsg_pid, 1234);
		ck_assert(h->nlmsg_flags & NLM_F_ACK);
		ck_assert(h->nlmsg_flags & NLM_F_REQUEST);
		ck_assert_int_eq(ipvs_msg_attrs(h, tb, IPVS_CMD_ATTR_MAX), 0);
		ck_assert_int_eq(ipvs_msg_parse_svc(tb[IPVS_CMD_ATTR_SERVICE], &back), 0);
		ck_assert_int_eq(back.port, 1000 + i);
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	ck_assert_uint_eq(off, b.len);
	ipvs_batch_free(&b);
}
END_TEST

START_TEST(errors_name_the_object)
{
	struct ipvs_svc s = tcp_svc("192.0.2.10", 80);
	struct ipvs_dest d;
	char buf[256];

	strcpy(s.sched, "foo");
	ipvs_op_strerror(IPVS_CMD_NEW_SERVICE, -ENOENT, &s, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "service TCP 192.0.2.10:80: no such scheduler 'foo'");
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, "198.51.100.21", d.addr);
	d.port = 8080;
	ipvs_op_strerror(IPVS_CMD_NEW_DEST, -EEXIST, &s, &d, buf, sizeof(buf));
	ck_assert_str_eq(buf, "service TCP 192.0.2.10:80: destination 198.51.100.21:8080: destination already exists");
	ipvs_op_strerror(IPVS_CMD_DEL_SERVICE, -ESRCH, &s, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "service TCP 192.0.2.10:80: DEL_SERVICE: no such service");
}
END_TEST

START_TEST(sort_order_like_ipvsadm)
{
	struct ipvs_table t = { 0 };
	struct ipvs_svc a = tcp_svc("192.0.2.20", 80), b = tcp_svc("192.0.2.10", 80), u = tcp_svc("192.0.2.1", 53);
	struct ipvs_svc f;

	u.protocol = IPPROTO_UDP;
	memset(&f, 0, sizeof(f));
	f.af = AF_INET;
	f.fwmark = 5;
	ck_assert_ptr_nonnull(ipvs_table_add_svc(&t, &f));
	ck_assert_ptr_nonnull(ipvs_table_add_svc(&t, &u));
	ck_assert_ptr_nonnull(ipvs_table_add_svc(&t, &a));
	ck_assert_ptr_nonnull(ipvs_table_add_svc(&t, &b));
	ipvs_table_sort(&t);
	/* TCP before UDP, by address; fwmark services last */
	ck_assert(ipvs_svc_same(&t.svcs[0].svc, &b));
	ck_assert(ipvs_svc_same(&t.svcs[1].svc, &a));
	ck_assert(ipvs_svc_same(&t.svcs[2].svc, &u));
	ck_assert(ipvs_svc_same(&t.svcs[3].svc, &f));
	ipvs_table_free(&t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ipvs_msg");
	TCase *tc = tcase_create("msg");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, svc_round_trip);
	tcase_add_test(tc, short_attributes_refused);
	tcase_add_test(tc, svc_key_only_not_a_reply);
	tcase_add_test(tc, fwmark_v6_svc);
	tcase_add_test(tc, dest_round_trip_tunnel);
	tcase_add_test(tc, daemon_port_host_order);
	tcase_add_test(tc, batch_layout);
	tcase_add_test(tc, errors_name_the_object);
	tcase_add_test(tc, sort_order_like_ipvsadm);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
