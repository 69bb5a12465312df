/*
 * Unit tests of vipadm: argument parsing (defaults, ipvsadm's messages and exit codes) and listings from a
 * fixed table, compared with what the real ipvsadm 1.31 printed for the same kernel state in the lab.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "ipvs/ipvs_int.h"
#include "ipvs/vipadm.h"

static int
parse(struct vipadm_cmd *c, const char *line)
{
	char buf[512], *argv[64], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "vipadm";
	for (char *w = strtok_r(buf, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return vipadm_parse(argc, argv, c);
}

START_TEST(defaults)
{
	struct vipadm_cmd c;

	ck_assert_int_eq(parse(&c, "-A -t 192.0.2.10:80"), 0);
	ck_assert_int_eq(c.cmd, VIPADM_ADD);
	ck_assert_str_eq(c.svc.sched, "wlc");
	ck_assert_uint_eq(c.svc.netmask, 0xffffffff);
	ck_assert_int_eq(c.svc.protocol, IPPROTO_TCP);
	ck_assert_int_eq(c.svc.port, 80);
	/* -p alone: 360 s, as ipvsadm 1.31 does (its man page says 300) */
	ck_assert_int_eq(parse(&c, "-A -t [2001:db8::10]:443 -s mh -b mh-port -p"), 0);
	ck_assert_uint_eq(c.svc.timeout, 360);
	ck_assert_int_eq(c.svc.af, AF_INET6);
	ck_assert_uint_eq(c.svc.netmask, 128);
	ck_assert_uint_eq(c.svc.flags, IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED2);
	ck_assert_int_eq(parse(&c, "-A -u 192.0.2.10:53 -s wrr -p 60 -M 255.255.255.0"), 0);
	ck_assert_uint_eq(c.svc.timeout, 60);
	ck_assert_uint_eq(ntohl(c.svc.netmask), 0xffffff00);
	/* a real server: -g, weight 1, the service's port */
	ck_assert_int_eq(parse(&c, "-a -u 192.0.2.10:53 -r 10.9.0.23"), 0);
	ck_assert_int_eq(c.dest.fwd, IP_VS_CONN_F_DROUTE);
	ck_assert_int_eq(c.dest.weight, 1);
	ck_assert_int_eq(c.dest.port, 53);
	ck_assert_int_eq(parse(&c, "-a -f 5 -r 10.9.0.25 -i --tun-type gue --tun-port 6080 --tun-csum"), 0);
	ck_assert_int_eq(c.dest.port, 0);
	ck_assert_int_eq(c.dest.tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	ck_assert_int_eq(c.dest.tun_port, 6080);
	ck_assert_int_eq(c.dest.tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	ck_assert_int_eq(parse(&c, "-Ln --stats --exact"), 0);
	ck_assert_int_eq(c.cmd, VIPADM_LIST);
	ck_assert_uint_eq(c.fmt, VIPADM_FMT_NUMERIC | VIPADM_FMT_STATS | VIPADM_FMT_EXACT);
	ck_assert_int_eq(parse(&c, "--set 10 20 30"), 0);
	ck_assert_uint_eq(c.timeouts.tcpfin, 20);
	ck_assert_int_eq(parse(&c, "--start-daemon backup --syncid 9 --mcast-port 9000"), 0);
	ck_assert_str_eq(c.daemon.ifname, "eth0");
	ck_assert_int_eq(c.daemon.state, IP_VS_STATE_BACKUP);
}
END_TEST

/* Messages and exit codes ipvsadm 1.31 gave for the same lines in the lab. */
START_TEST(usage_errors)
{
	static const struct {
		const char *line, *msg;
		int code;
	} cases[] = {
		{ "-a -f 5 -r 10.9.0.26 -i --tun-type gre --tun-remcsum",
		  "Illegal 'tun-remcsum' option with the 'gre' tunnel type", 2 },
		{ "-A --sctp-service 192.0.2.11:9000 -s sed -o", "One-Packet Scheduling is only for UDP virtual services", 2 },
		{ "-A -t 192.0.2.10", "Zero port specified for non-persistent service", 2 },
		{ "-A", "You need to supply the 'service-address' option for the 'add-service' command", 2 },
		{ "-A -t 192.0.2.10:80 -u 1.2.3.4:5", "multiple 'service-address' options specified", 2 },
		{ "-A -f 0", "invalid fwmark value `0' specified", 2 },
		{ "-A -t 300.1.1.1:80", "illegal virtual server address[:port] specified", 2 },
		{ "-A -t 192.0.2.50:80 -p 0", "invalid timeout value `0' specified", 2 },
		{ "-A -t 192.0.2.50:80 -p 3000000", "invalid timeout value `3000000' specified", 2 },
		{ "-X", "invalid option", 255 },
	};
	struct vipadm_cmd c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(parse(&c, cases[i].line), cases[i].code);
		ck_assert_str_eq(c.err, cases[i].msg);
	}
}
END_TEST

static char *
render(const struct ipvs_table *t, unsigned fmt)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	if (!(fmt & VIPADM_FMT_RULE))
		vipadm_list_title(f, fmt);
	for (size_t i = 0; i < t->n; i++)
		vipadm_list_service(f, &t->svcs[i], fmt);
	fclose(f);
	return out;
}

static void
add(struct ipvs_table *t, const char *line)
{
	struct vipadm_cmd c;

	ck_assert_int_eq(parse(&c, line), 0);
	if (c.cmd == VIPADM_ADD) {
		ck_assert_ptr_nonnull(ipvs_table_add_svc(t, &c.svc));
	} else {
		struct ipvs_svc_entry *e = ipvs_table_find(t, &c.svc);

		ck_assert_ptr_nonnull(e);
		ck_assert_ptr_nonnull(ipvs_entry_add_dest(e, &c.dest));
	}
}

/* The table the lab built with ipvsadm; the kernel reports the same values these commands set. */
static void
fixed_table(struct ipvs_table *t)
{
	memset(t, 0, sizeof(*t));
	add(t, "-A -f 5 -s sh -b sh-fallback,sh-port");
	add(t, "-a -f 5 -r 10.9.0.24 -i");
	add(t, "-a -f 5 -r 10.9.0.25 -i --tun-type gue --tun-port 6080 --tun-csum");
	add(t, "-a -f 5 -r 10.9.0.27 -i --tun-type gre");
	add(t, "-A -t 192.0.2.10:80 -s rr");
	add(t, "-a -t 192.0.2.10:80 -r 10.9.0.22:8080 -m -w 0 -x 100 -y 10");
	add(t, "-a -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 3");
	add(t, "-A -u 192.0.2.10:53 -s wrr -p 60 -M 255.255.255.0");
	add(t, "-a -u 192.0.2.10:53 -r 10.9.0.23 -g");
	add(t, "-A -t [2001:db8::10]:443 -s mh -b mh-port -p");
	add(t, "-a -t [2001:db8::10]:443 -r [2001:db8::21]:443 -m");
	add(t, "-A -f 6 -6 -s lc -p 120 -M 64");
	add(t, "-a -f 6 -6 -r 2001:db8::22 -g -w 7");
	add(t, "-A -u 192.0.2.12:5060 -s nq -p 30 --pe sip -o");
	add(t, "-A -t 192.0.2.13:80 -s lblc -b flag-1,flag-2,flag-3");
	ipvs_table_sort(t);
}

START_TEST(list_like_ipvsadm)
{
	struct ipvs_table t;
	char *out;

	fixed_table(&t);
	out = render(&t, VIPADM_FMT_NUMERIC);
	ck_assert_str_eq(out,
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"TCP  192.0.2.10:80 rr\n"
		"  -> 10.9.0.21:80                 Masq    3      0          0         \n"
		"  -> 10.9.0.22:8080               Masq    0      0          0         \n"
		"TCP  192.0.2.13:80 lblc (flag-1,flag-2,flag-3)\n"
		"UDP  192.0.2.10:53 wrr persistent 60 mask 255.255.255.0\n"
		"  -> 10.9.0.23:53                 Route   1      0          0         \n"
		"UDP  192.0.2.12:5060 nq persistent 30 pe sip ops\n"
		"TCP  [2001:db8::10]:443 mh (mh-port) persistent 360\n"
		"  -> [2001:db8::21]:443           Masq    1      0          0         \n"
		"FWM  5 sh (sh-fallback,sh-port)\n"
		"  -> 10.9.0.24:0                  Tunnel  1      0          0         \n"
		"  -> 10.9.0.25:0                  Tunnel  1      0          0         \n"
		"  -> 10.9.0.27:0                  Tunnel  1      0          0         \n"
		"FWM  6 IPv6 lc persistent 120 mask 64\n"
		"  -> [2001:db8::22]:0             Route   7      0          0         \n");
	free(out);
	out = render(&t, VIPADM_FMT_NUMERIC | VIPADM_FMT_RULE);
	ck_assert_str_eq(out,
		"-A -t 192.0.2.10:80 -s rr\n"
		"-a -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 3\n"
		"-a -t 192.0.2.10:80 -r 10.9.0.22:8080 -m -w 0\n"
		"-A -t 192.0.2.13:80 -s lblc -b flag-1,flag-2,flag-3\n"
		"-A -u 192.0.2.10:53 -s wrr -p 60 -M 255.255.255.0\n"
		"-a -u 192.0.2.10:53 -r 10.9.0.23:53 -g -w 1\n"
		"-A -u 192.0.2.12:5060 -s nq -p 30 --pe sip -o\n"
		"-A -t [2001:db8::10]:443 -s mh -p 360 -b mh-port\n"
		"-a -t [2001:db8::10]:443 -r [2001:db8::21]:443 -m -w 1\n"
		"-A -f 5 -s sh -b sh-fallback,sh-port\n"
		"-a -f 5 -r 10.9.0.24:0 -i -w 1 --tun-type ipip\n"
		"-a -f 5 -r 10.9.0.25:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n"
		"-a -f 5 -r 10.9.0.27:0 -i -w 1 --tun-type gre --tun-nocsum\n"
		"-A -f 6 -6 -s lc -p 120 -M 64\n"
		"-a -f 6 -6 -r [2001:db8::22]:0 -g -w 7\n");
	free(out);
	out = render(&t, VIPADM_FMT_NUMERIC | VIPADM_FMT_TUN_INFO);
	ck_assert_ptr_nonnull(strstr(out, "  -> 10.9.0.25:0                  Tunnel  gue:6080:+c   1      0          0         \n"));
	ck_assert_ptr_nonnull(strstr(out, "  -> 10.9.0.27:0                  Tunnel  gre:-c        1      0          0         \n"));
	free(out);
	out = render(&t, VIPADM_FMT_NUMERIC | VIPADM_FMT_THRESHOLDS);
	ck_assert_ptr_nonnull(strstr(out, "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"));
	ck_assert_ptr_nonnull(strstr(out, "  -> 10.9.0.22:8080               100        10         0          0         \n"));
	free(out);
	out = render(&t, VIPADM_FMT_NUMERIC | VIPADM_FMT_STATS);
	ck_assert_ptr_nonnull(strstr(out, "FWM  6 IPv6                              0        0        0        0        0\n"));
	free(out);
	ipvs_table_free(&t);
}
END_TEST

START_TEST(large_numbers)
{
	struct ipvs_table t;
	char *out;

	fixed_table(&t);
	t.svcs[0].svc.stats.conns = 123456789;		/* 9 digits: 123456K */
	t.svcs[0].svc.stats.inbytes = 12345678901ULL;	/* 12345M */
	out = render(&t, VIPADM_FMT_NUMERIC | VIPADM_FMT_STATS);
	ck_assert_ptr_nonnull(strstr(out, "TCP  192.0.2.10:80                 123456K        0        0   12345M        0\n"));
	free(out);
	out = render(&t, VIPADM_FMT_NUMERIC | VIPADM_FMT_STATS | VIPADM_FMT_EXACT);
	ck_assert_ptr_nonnull(strstr(out, "TCP  192.0.2.10:80                123456789        0        0 12345678901        0\n"));
	free(out);
	ipvs_table_free(&t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ipvs_vipadm");
	TCase *tc = tcase_create("vipadm");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, list_like_ipvsadm);
	tcase_add_test(tc, large_numbers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
