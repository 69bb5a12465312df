/*
 * Unit tests of ipvs/ipvs_model.c: the wanted table from a parsed configuration (groups, fwmarks, methods,
 * persistence, health, quorum with hysteresis, sorry server) and the diff (fewest operations, foreign
 * services left alone). No kernel needed.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ip_vs.h>

#include "core/conf.h"
#include "ipvs/ipvs_int.h"
#include "lib/cfg.h"
#include "lib/config.h"
#include "test/unit/conf_text.h"

static struct config *
load(const char *text, struct cfg_diag *diag)
{
	return conf_load_text(text, NULL, diag);
}

static const char base_conf[] =
	"virtual_server_group WEB {\n"
	"  192.0.2.30-32 80\n"
	"  fwmark 9\n"
	"}\n"
	"virtual_server 192.0.2.10 80 {\n"
	"  protocol TCP\n"
	"  lb_algo rr\n"
	"  lb_kind NAT\n"
	"  persistence_timeout 60\n"
	"  persistence_granularity 255.255.255.0\n"
	"  real_server 10.9.0.21 80 {\n"
	"    weight 3\n"
	"  }\n"
	"  real_server 10.9.0.22 8080 {\n"
	"    weight 1\n"
	"    uthreshold 100\n"
	"    lthreshold 10\n"
	"  }\n"
	"}\n"
	"virtual_server fwmark 5 {\n"
	"  lb_algo sh\n"
	"  sh-port\n"
	"  lb_kind TUN\n"
	"  real_server 10.9.0.25 0 {\n"
	"    lvs_method TUN type gue port 6080 csum\n"
	"  }\n"
	"}\n"
	"virtual_server group WEB {\n"
	"  protocol TCP\n"
	"  lb_algo lc\n"
	"  lb_kind DR\n"
	"  real_server 10.9.0.26 80 {\n"
	"    weight 4\n"
	"  }\n"
	"}\n"
	"virtual_server 192.0.2.12 80 {\n"
	"  protocol TCP\n"
	"  lb_algo rr\n"
	"  quorum 4\n"
	"  hysteresis 1\n"
	"  sorry_server 10.9.0.99 80\n"
	"  sorry_server_lvs_method DR\n"
	"  real_server 10.9.0.28 80 {\n"
	"    weight 2\n"
	"  }\n"
	"  real_server 10.9.0.29 80 {\n"
	"    weight 2\n"
	"    inhibit_on_failure\n"
	"  }\n"
	"}\n";

static struct ipvs_svc
tcp(const char *addr, uint16_t port)
{
	struct ipvs_svc s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	inet_pton(AF_INET, addr, s.addr);
	s.port = port;
	return s;
}

static const struct ipvs_dest *
dest(const struct ipvs_svc_entry *e, const char *addr, uint16_t port)
{
	struct ipvs_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, addr, d.addr);
	d.port = port;
	return ipvs_entry_find_dest(e, &d);
}

START_TEST(build_expands_and_sets)
{
	struct cfg_diag diag;
	struct config *conf = load(base_conf, &diag);
	struct ipvs_model m = { 0 };
	struct ipvs_table t;
	struct ipvs_svc key = tcp("192.0.2.10", 80);
	struct ipvs_svc_entry *e;
	const struct ipvs_dest *d;

	ck_assert_msg(conf != NULL, "%s", diag.nerrors ? diag.errors[0] : "?");
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	/* 1 + fwmark 5 + (3 addresses + fwmark 9) + 1 */
	ck_assert_uint_eq(t.n, 7);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->svc.sched, "rr");
	ck_assert_uint_eq(e->svc.flags, IP_VS_SVC_F_PERSISTENT);
	ck_assert_uint_eq(e->svc.timeout, 60);
	ck_assert_uint_eq(ntohl(e->svc.netmask), 0xffffff00);
	ck_assert_uint_eq(e->ndests, 2);
	d = dest(e, "10.9.0.22", 8080);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->fwd, IP_VS_CONN_F_MASQ);
	ck_assert_uint_eq(d->u_thresh, 100);
	ck_assert_uint_eq(d->l_thresh, 10);
	key = tcp("192.0.2.31", 80);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->svc.sched, "lc");
	ck_assert_uint_eq(e->dests[0].fwd, IP_VS_CONN_F_DROUTE);
	memset(&key, 0, sizeof(key));
	key.af = AF_INET;
	key.fwmark = 5;
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->svc.flags, IP_VS_SVC_F_SCHED2);
	ck_assert_uint_eq(e->dests[0].fwd, IP_VS_CONN_F_TUNNEL);
	ck_assert_uint_eq(e->dests[0].tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	ck_assert_uint_eq(e->dests[0].tun_port, 6080);
	ck_assert_uint_eq(e->dests[0].tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	key.fwmark = 9;
	ck_assert_ptr_nonnull(ipvs_table_bsearch(&t, &key));
	/* quorum 4, hysteresis 1, live weight 2 + 2: keepalived 2.2.7 starts with the quorum down (it holds at
	 * start only at quorum + hysteresis; the lab's ipvs-diff, 05-checkers 192.0.2.69, shows it), so the
	 * sorry server serves alone: 10.9.0.28 out, 10.9.0.29 (inhibit_on_failure) at weight 0 */
	key = tcp("192.0.2.12", 80);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_uint_eq(e->ndests, 2);
	ck_assert_int_eq(dest(e, "10.9.0.99", 80)->weight, 1);
	ck_assert_ptr_null(dest(e, "10.9.0.28", 80));
	ck_assert_int_eq(dest(e, "10.9.0.29", 80)->weight, 0);
	ck_assert_uint_eq(m.quorum_lost, 1);
	ipvs_table_free(&t);
	ipvs_model_free(&m);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

static void
set_health(struct ipvs_model *m, const struct config *conf, const char *rs_addr, int up)
{
	struct cfg_real_server *rs;
	struct cfg_addr a;
	struct ipc_rs_state st;

	ck_assert_int_eq(cfg_parse_addr(rs_addr, false, &a), 0);
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, struct cfg_real_server, rs) {
		if (memcmp(&rs->addr, &a, sizeof(a)) != 0)
			continue;
		memset(&st, 0, sizeof(st));
		config_rs_key(conf, rs, &st.key);
		st.up = up;
		st.weight = -1;
		ck_assert_int_eq(ipvs_health_set(&m->health, &st), 0);
		return;
	}
	ck_abort_msg("no real server %s", rs_addr);
}

/* Down: removed, or weight 0 with inhibit_on_failure; a lost quorum brings the sorry server alone (the real
 * servers out, inhibited ones at weight 0), with hysteresis on the way back. As keepalived 2.2.7 does (the
 * lab's ipvs-diff, 05-checkers). */
static const char quorum_conf[] =
	"virtual_server 192.0.2.13 80 {\n"
	"  lb_algo rr\n"
	"  protocol TCP\n"
	"  quorum 2\n"
	"  hysteresis 1\n"
	"  sorry_server 10.9.0.99 80\n"
	"  sorry_server_lvs_method DR\n"
	"  real_server 10.9.0.28 80 {\n"
	"    weight 2\n"
	"  }\n"
	"  real_server 10.9.0.29 80 {\n"
	"    weight 2\n"
	"    inhibit_on_failure\n"
	"  }\n"
	"}\n";

START_TEST(health_quorum_sorry)
{
	struct cfg_diag diag;
	struct config *conf = load(quorum_conf, &diag);
	struct ipvs_model m = { 0 };
	struct ipvs_table t;
	struct ipvs_svc key = tcp("192.0.2.13", 80);
	struct ipvs_svc_entry *e;

	ck_assert_ptr_nonnull(conf);
	/* 4 >= quorum + hysteresis: held from the start, the sorry server out */
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_ptr_null(dest(e, "10.9.0.99", 80));
	ck_assert_uint_eq(m.quorum_lost, 0);
	ipvs_table_free(&t);
	/* 10.9.0.28 down: removed; 2 is not below quorum - hysteresis (1): held */
	set_health(&m, conf, "10.9.0.28", 0);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_ptr_null(dest(e, "10.9.0.28", 80));
	ck_assert_int_eq(dest(e, "10.9.0.29", 80)->weight, 2);
	ck_assert_ptr_null(dest(e, "10.9.0.99", 80));
	ck_assert_uint_eq(m.quorum_lost, 0);
	ck_assert_uint_eq(m.rs_down, 1);
	ck_assert_uint_eq(m.nchanges, 0);
	ipvs_table_free(&t);
	/* 10.9.0.29 down too: live weight 0, lost; inhibited at weight 0, the sorry server at 1 */
	set_health(&m, conf, "10.9.0.29", 0);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_int_eq(dest(e, "10.9.0.29", 80)->weight, 0);
	ck_assert_int_eq(dest(e, "10.9.0.99", 80)->weight, 1);
	/* sorry_server_lvs_method: its own forwarding, where the virtual server's is NAT */
	ck_assert_uint_eq(dest(e, "10.9.0.99", 80)->fwd, IP_VS_CONN_F_DROUTE);
	ck_assert_uint_eq(dest(e, "10.9.0.29", 80)->fwd, IP_VS_CONN_F_MASQ);
	ck_assert_uint_eq(m.quorum_lost, 1);
	/* the change is recorded once, for quorum_down */
	ck_assert_uint_eq(m.nchanges, 1);
	ck_assert(m.changes[0].lost);
	ipvs_table_free(&t);
	/* 10.9.0.29 up: 2 < quorum + hysteresis (3): still lost, so the sorry server serves alone and
	 * 10.9.0.29 stays at weight 0 */
	set_health(&m, conf, "10.9.0.29", 1);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_int_eq(dest(e, "10.9.0.29", 80)->weight, 0);
	ck_assert_ptr_nonnull(dest(e, "10.9.0.99", 80));
	ck_assert_uint_eq(m.quorum_lost, 1);
	ck_assert_uint_eq(m.nchanges, 0);
	ipvs_table_free(&t);
	/* both up: 4 >= 3, regained; the sorry server out, both real servers in */
	set_health(&m, conf, "10.9.0.28", 1);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	e = ipvs_table_bsearch(&t, &key);
	ck_assert_ptr_null(dest(e, "10.9.0.99", 80));
	ck_assert_int_eq(dest(e, "10.9.0.28", 80)->weight, 2);
	ck_assert_int_eq(dest(e, "10.9.0.29", 80)->weight, 2);
	ck_assert_uint_eq(m.nchanges, 1);
	ck_assert(!m.changes[0].lost);
	ipvs_table_free(&t);
	ipvs_model_free(&m);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

/* Before the checkers' first word, a real server is what its checkers start as: down if one is alpha (its own,
 * else the real server's, else the virtual server's), up without checkers. */
START_TEST(alpha_from_the_checkers)
{
	static const char text[] =
		"track_file f {\n  file /nonexistent/vipd-unit\n}\n"
		"virtual_server 192.0.2.11 80 {\n  protocol TCP\n  alpha\n"
		"  real_server 10.9.0.31 80 {\n    TCP_CHECK {\n    }\n  }\n"
		"  real_server 10.9.0.32 80 {\n  }\n"
		"  real_server 10.9.0.33 80 {\n    inhibit_on_failure\n    TCP_CHECK {\n      alpha off\n    }\n  }\n"
		"}\n"
		"virtual_server 192.0.2.12 80 {\n  protocol TCP\n"
		"  real_server 10.9.0.34 80 {\n    TCP_CHECK {\n    }\n    HTTP_GET {\n      alpha\n      url {\n        path /\n"
		"      }\n    }\n  }\n"
		"  real_server 10.9.0.35 80 {\n    TCP_CHECK {\n    }\n  }\n"
		"  real_server 10.9.0.36 80 {\n    FILE_CHECK {\n      track_file f\n    }\n  }\n"
		"  real_server 10.9.0.37 80 {\n    alpha\n    TCP_CHECK {\n    }\n  }\n"
		"  real_server 10.9.0.38 80 {\n    alpha\n    TCP_CHECK {\n      alpha no\n    }\n  }\n"
		"}\n";
	struct cfg_diag diag;
	struct config *conf = load(text, &diag);
	struct ipvs_model m = { 0 };
	struct ipvs_svc k11 = tcp("192.0.2.11", 80), k12 = tcp("192.0.2.12", 80);
	struct ipvs_table t;
	struct ipvs_svc_entry *e;

	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	e = ipvs_table_bsearch(&t, &k11);
	ck_assert_ptr_null(dest(e, "10.9.0.31", 80));		/* the virtual server's alpha */
	ck_assert_ptr_nonnull(dest(e, "10.9.0.32", 80));	/* no checker to wait for */
	/* a checker's own alpha wins over the virtual server's, as in keepalived */
	ck_assert_int_eq(dest(e, "10.9.0.33", 80)->weight, 1);
	e = ipvs_table_bsearch(&t, &k12);
	ck_assert_ptr_null(dest(e, "10.9.0.34", 80));		/* one alpha checker of two */
	ck_assert_ptr_nonnull(dest(e, "10.9.0.35", 80));
	ck_assert_ptr_nonnull(dest(e, "10.9.0.36", 80));
	ck_assert_ptr_null(dest(e, "10.9.0.37", 80));		/* the real server's alpha */
	ck_assert_ptr_nonnull(dest(e, "10.9.0.38", 80));	/* ... and the checker's own */
	ck_assert_uint_eq(m.rs_down, 3);
	ipvs_table_free(&t);
	/* the checkers' word decides from then on */
	set_health(&m, conf, "10.9.0.34", 1);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &t), 0);
	ck_assert_ptr_nonnull(dest(ipvs_table_bsearch(&t, &k12), "10.9.0.34", 80));
	ipvs_table_free(&t);
	ipvs_model_free(&m);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

static bool
all_ours(const struct ipvs_svc *s, void *arg)
{
	(void)s;
	return *(bool *)arg;
}

START_TEST(diff_minimal)
{
	struct cfg_diag diag;
	struct config *conf = load(base_conf, &diag);
	struct ipvs_model m = { 0 };
	struct ipvs_table want, have;
	struct ipvs_ops ops;
	struct ipvs_svc foreign = tcp("203.0.113.1", 80), key = tcp("192.0.2.10", 80);
	struct ipvs_svc_entry *e;
	bool ours = false;
	size_t objects = 0;

	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(ipvs_model_build(conf, &m, &want), 0);
	/* from an empty kernel: every object new, services before their destinations */
	memset(&have, 0, sizeof(have));
	ck_assert_int_eq(ipvs_model_diff(&have, &want, all_ours, &ours, &ops), 0);
	for (size_t i = 0; i < want.n; i++)
		objects += 1 + want.svcs[i].ndests;
	ck_assert_uint_eq(ops.n, objects);
	ck_assert_uint_eq(ops.v[0].cmd, IPVS_CMD_NEW_SERVICE);
	ipvs_ops_free(&ops);
	/* the same table: nothing to do */
	ck_assert_int_eq(ipvs_table_copy(&have, &want), 0);
	ck_assert_int_eq(ipvs_model_diff(&have, &want, all_ours, &ours, &ops), 0);
	ck_assert_uint_eq(ops.n, 0);
	ipvs_ops_free(&ops);
	/* a foreign service is left alone unless it is ours */
	strcpy(foreign.sched, "rr");
	ck_assert_ptr_nonnull(ipvs_table_add_svc(&have, &foreign));
	ipvs_table_sort(&have);
	ck_assert_int_eq(ipvs_model_diff(&have, &want, all_ours, &ours, &ops), 0);
	ck_assert_uint_eq(ops.n, 0);
	ipvs_ops_free(&ops);
	ours = true;
	ck_assert_int_eq(ipvs_model_diff(&have, &want, all_ours, &ours, &ops), 0);
	ck_assert_uint_eq(ops.n, 1);
	ck_assert_uint_eq(ops.v[0].cmd, IPVS_CMD_DEL_SERVICE);
	ipvs_ops_free(&ops);
	/* one weight, one scheduler, one stale destination: three operations */
	e = ipvs_table_bsearch(&have, &key);
	e->dests[0].weight = 9;
	strcpy(e->svc.sched, "wlc");
	{
		struct ipvs_dest stale = e->dests[0];

		stale.port = 9999;
		ck_assert_ptr_nonnull(ipvs_entry_add_dest(e, &stale));
		ipvs_table_sort(&have);
	}
	ours = false;
	ck_assert_int_eq(ipvs_model_diff(&have, &want, all_ours, &ours, &ops), 0);
	ck_assert_uint_eq(ops.n, 3);
	ck_assert_uint_eq(ops.v[0].cmd, IPVS_CMD_SET_SERVICE);
	ck_assert_uint_eq(ops.v[1].cmd, IPVS_CMD_SET_DEST);
	ck_assert_uint_eq(ops.v[2].cmd, IPVS_CMD_DEL_DEST);
	ck_assert_uint_eq(ops.v[2].dest->port, 9999);
	ipvs_ops_free(&ops);
	ipvs_table_free(&have);
	ipvs_table_free(&want);
	ipvs_model_free(&m);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

/* What the kernel would refuse is a config error with its line. */
START_TEST(config_refuses_what_the_kernel_refuses)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "virtual_server 192.0.2.1 80 {\n persistence_timeout 5\n persistence_engine xyz\n}\n",
		  ":1: virtual_server: no such persistence engine 'xyz'" },
		{ "virtual_server 192.0.2.1 80 {\n lb_kind TUN type gue\n}\n", ":2: lb_kind: a gue tunnel needs a port" },
		{ "virtual_server 192.0.2.1 80 {\n lb_kind NAT csum\n}\n", ":2: lb_kind: tunnel options need TUN" },
		{ "virtual_server 192.0.2.1 80 {\n real_server 10.0.0.9 80 {\n }\n}\nvirtual_server fwmark 3 {\n"
		  " real_server 10.0.0.9 80 {\n }\n}\nvirtual_server 192.0.2.1 80 {\n real_server 10.0.0.9 80 {\n }\n}\n",
		  ":9: virtual_server: the same service is defined at " },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg_diag diag;
		struct config *conf = load(cases[i].text, &diag);
		bool found = false;

		ck_assert_msg(conf == NULL, "case %zu accepted", i);
		for (size_t k = 0; k < diag.nerrors; k++)
			found |= strstr(diag.errors[k], cases[i].error) != NULL;
		ck_assert_msg(found, "case %zu: wanted '%s', got '%s'", i, cases[i].error,
			      diag.nerrors ? diag.errors[0] : "nothing");
		cfg_diag_free(&diag);
	}
}
END_TEST

/* What keepalived logs and corrects: the same correction, as a recovery. */
START_TEST(config_recovers_as_keepalived)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "virtual_server 192.0.2.1 80 {\n lb_algo foo\n real_server 10.0.0.1 80 {\n }\n}\n",
		  ":2: lb_algo: no such scheduler 'foo'" },
		{ "virtual_server 192.0.2.1 80 {\n ops\n protocol TCP\n real_server 10.0.0.1 80 {\n }\n}\n",
		  ":1: virtual_server: ops (one-packet scheduling) is only for UDP; cleared" },
		{ "virtual_server 192.0.2.1 80 {\n real_server 2001:db8::1 80 {\n }\n real_server 10.0.0.1 80 {\n }\n}\n",
		  ":2: real_server: not of the virtual_server's address family" },
		{ "virtual_server 192.0.2.1 0 {\n real_server 10.0.0.1 80 {\n }\n}\n",
		  ":1: virtual_server: port 0 needs persistence; persistence_timeout set to 360" },
		{ "virtual_server 192.0.2.1 80 {\n real_server 10.0.0.1 80 {\n }\n real_server 10.0.0.2 80 {\n }\n"
		  " real_server 10.0.0.1 80 {\n }\n}\n", ":6: real_server: given twice in one virtual_server" },
		{ "virtual_server 192.0.2.1 80 {\n quorum 9\n real_server 10.0.0.1 80 {\n weight 2\n }\n}\n",
		  ":1: virtual_server: quorum 9 is above the real servers' total weight 2; lowered to it" },
		{ "virtual_server 192.0.2.1 80 {\n}\n", ":1: virtual_server: it has no real_server" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg_diag diag;
		struct config *conf = load(cases[i].text, &diag);
		bool found = false;

		ck_assert_msg(conf != NULL, "case %zu refused: %s", i, diag.nerrors ? diag.errors[0] : "?");
		for (size_t k = 0; k < diag.nrecovered; k++)
			found |= strstr(diag.recovered[k], cases[i].message) != NULL;
		ck_assert_msg(found, "case %zu: wanted '%s'", i, cases[i].message);
		config_free(conf);
		cfg_diag_free(&diag);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ipvs_model");
	TCase *tc = tcase_create("model");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, build_expands_and_sets);
	tcase_add_test(tc, config_recovers_as_keepalived);
	tcase_add_test(tc, health_quorum_sorry);
	tcase_add_test(tc, alpha_from_the_checkers);
	tcase_add_test(tc, diff_minimal);
	tcase_add_test(tc, config_refuses_what_the_kernel_refuses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
