/*
 * Unit tests of which vrrp_instances may share a virtual_router_id (vrrp/vrrp_conf_vrid.c) and of the
 * authentication block's recoveries, through the real config loader. Each case's outcome is what
 * `keepalived -t` (2.2.7) said of the same text with eth0 for lo; the interface is lo, which every
 * network namespace has, with 127.0.0.1 as its primary IPv4 address.
 */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "lib/config.h"
#include "test/unit/conf_text.h"

#define INST(name, body) "vrrp_instance " name " {\n interface lo\n virtual_router_id 10\n priority 100\n" body "}\n"
#define V4(a) " virtual_ipaddress {\n  " a "\n }\n"
#define PEERS(p) " unicast_peer {\n  " p "\n }\n"

/* Each text: NULL = accepted cleanly, else a fragment of the one error it must give. */
static const struct {
	const char *text;
	const char *error;
} cases[] = {
	/* VRIDs are per family */
	{ INST("A", V4("192.0.2.100")) INST("B", V4("2001:db8::100")), NULL },
	{ INST("A", " version 3\n" V4("192.0.2.100")) INST("B", " version 3\n" V4("2001:db8::100")), NULL },
	/* two multicast instances of one family and group: keepalived refuses to run */
	{ INST("A", V4("192.0.2.100")) INST("B", V4("192.0.2.101")), "also A's (IPv4 multicast" },
	{ INST("A", V4("2001:db8::100")) INST("B", V4("2001:db8::101")), "also A's (IPv6 multicast" },
	/* whatever the versions */
	{ INST("A", " version 2\n" V4("192.0.2.100")) INST("B", " version 3\n" V4("192.0.2.101")), "also A's" },
	/* the same group, said or by default */
	{ INST("A", " mcast_dst_ip 224.0.0.18\n" V4("192.0.2.100")) INST("B", V4("192.0.2.101")), "also A's" },
	{ "global_defs {\n vrrp_mcast_group4 224.0.0.19\n}\n"
	  INST("A", " mcast_dst_ip 224.0.0.19\n" V4("192.0.2.100")) INST("B", V4("192.0.2.101")), "also A's" },
	/* other groups */
	{ INST("A", " mcast_dst_ip 224.0.0.19\n" V4("192.0.2.100"))
	  INST("B", " mcast_dst_ip 224.0.0.20\n" V4("192.0.2.101")), NULL },
	{ "global_defs {\n vrrp_mcast_group4 224.0.0.19\n}\n"
	  INST("A", " mcast_dst_ip 224.0.0.18\n" V4("192.0.2.100")) INST("B", V4("192.0.2.101")), NULL },
	/* a multicast and a unicast instance */
	{ INST("A", V4("192.0.2.100") PEERS("192.0.2.2")) INST("B", V4("192.0.2.101")), NULL },
	/* unicast with disjoint peers, from one address */
	{ INST("A", V4("192.0.2.100") PEERS("192.0.2.2")) INST("B", V4("192.0.2.101") PEERS("192.0.2.3")), NULL },
	/* unicast with a peer in common, from one address (lo's primary, or said) */
	{ INST("A", V4("192.0.2.100") PEERS("192.0.2.2")) INST("B", V4("192.0.2.101") PEERS("192.0.2.2")),
	  "(IPv4 unicast" },
	{ INST("A", V4("192.0.2.100") PEERS("192.0.2.2\n  192.0.2.3"))
	  INST("B", V4("192.0.2.101") PEERS("192.0.2.3\n  192.0.2.4")), "(IPv4 unicast" },
	{ INST("A", " unicast_src_ip 127.0.0.1\n" V4("192.0.2.100") PEERS("192.0.2.2"))
	  INST("B", V4("192.0.2.101") PEERS("192.0.2.2")), "(IPv4 unicast" },
	{ INST("A", " mcast_src_ip 127.0.0.9\n" V4("192.0.2.100") PEERS("192.0.2.2"))
	  INST("B", " unicast_src_ip 127.0.0.9\n" V4("192.0.2.101") PEERS("192.0.2.2")), "(IPv4 unicast" },
	/* ... from different addresses */
	{ INST("A", " unicast_src_ip 127.0.0.9\n" V4("192.0.2.100") PEERS("192.0.2.2"))
	  INST("B", V4("192.0.2.101") PEERS("192.0.2.2")), NULL },
	/* an interface that does not exist (yet): keepalived finds no conflict */
	{ "vrrp_instance A {\n interface vipd-no-such0\n virtual_router_id 10\n" V4("192.0.2.100") "}\n"
	  "vrrp_instance B {\n interface vipd-no-such0\n virtual_router_id 10\n" V4("192.0.2.101") "}\n", NULL },
	/* auth_type AH, multicast and unicast */
	{ INST("A", V4("192.0.2.100") " authentication {\n  auth_type AH\n  auth_pass secret\n }\n"), NULL },
	{ INST("A", V4("192.0.2.100") PEERS("192.0.2.2") " authentication {\n  auth_type AH\n  auth_pass s\n }\n"),
	  NULL },
};

START_TEST(test_vrid_rule)
{
	struct cfg_diag d;
	struct config *conf = conf_load_text(cases[_i].text, NULL, &d);

	if (cases[_i].error == NULL) {
		size_t other = 0;	/* recoveries but for a missing interface's, which keepalived reports too */

		for (size_t i = 0; i < d.nrecovered; i++)
			other += strstr(d.recovered[i], ": no interface '") == NULL;
		ck_assert_msg(conf != NULL && d.nerrors == 0 && other == 0, "case %d: %s", _i,
			      d.nerrors ? d.errors[0] : d.nrecovered ? d.recovered[0] : "");
	} else {
		ck_assert_msg(conf == NULL && d.nerrors == 1, "case %d: %zu errors", _i, d.nerrors);
		ck_assert_msg(strstr(d.errors[0], cases[_i].error) != NULL && strstr(d.errors[0], "refuses") != NULL,
			      "case %d: '%s' lacks '%s'", _i, d.errors[0], cases[_i].error);
	}
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

/* Recoveries: the text loads, with one recovered error saying this, and the instance as keepalived runs it. */
static const struct {
	const char *text;
	const char *said;
	int auth_type;
	const char *pass;
	int state;
} recoveries[] = {
	/* version 3, or IPv6 (always version 3): no authentication */
	{ INST("A", " version 3\n" V4("192.0.2.100") " authentication {\n  auth_type AH\n  auth_pass x\n }\n"),
	  "version 3 has no authentication", VRRP_AUTH_NONE, "x", VRRP_WANT_BACKUP },
	{ INST("A", V4("2001:db8::1") " authentication {\n  auth_type AH\n  auth_pass x\n }\n"),
	  "version 3 has no authentication", VRRP_AUTH_NONE, "x", VRRP_WANT_BACKUP },
	{ INST("A", " version 3\n" V4("192.0.2.100") " authentication {\n  auth_type PASS\n  auth_pass x\n }\n"),
	  "version 3 has no authentication", VRRP_AUTH_NONE, "x", VRRP_WANT_BACKUP },
	/* no password: none */
	{ INST("A", V4("192.0.2.100") " authentication {\n  auth_type AH\n }\n"), "without an auth_pass",
	  VRRP_AUTH_NONE, "", VRRP_WANT_BACKUP },
	{ INST("A", V4("192.0.2.100") " authentication {\n  auth_type PASS\n }\n"), "without an auth_pass",
	  VRRP_AUTH_NONE, "", VRRP_WANT_BACKUP },
	/* more than 8 characters: the first 8 */
	{ INST("A", V4("192.0.2.100") " authentication {\n  auth_type AH\n  auth_pass 0123456789\n }\n"),
	  "using the first 8", VRRP_AUTH_AH, "01234567", VRRP_WANT_BACKUP },
	/* AH starts as backup */
	{ INST("A", " state MASTER\n" V4("192.0.2.100") " authentication {\n  auth_type AH\n  auth_pass k\n }\n"),
	  "starting as BACKUP", VRRP_AUTH_AH, "k", VRRP_WANT_BACKUP },
};

START_TEST(test_auth_recoveries)
{
	struct cfg_diag d;
	struct config *conf = conf_load_text(recoveries[_i].text, NULL, &d);
	struct cfg_vrrp_instance *vi;

	ck_assert_msg(conf != NULL && d.nerrors == 0, "case %d: %s", _i, d.nerrors ? d.errors[0] : "");
	ck_assert_uint_eq(d.nrecovered, 1);
	ck_assert_msg(strstr(d.recovered[0], recoveries[_i].said) != NULL && strstr(d.recovered[0], "keepalived"),
		      "case %d: '%s'", _i, d.recovered[0]);
	vi = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_int_eq(vi->auth_type, recoveries[_i].auth_type);
	ck_assert_str_eq(vi->auth_pass, recoveries[_i].pass);
	ck_assert_int_eq(vi->state, recoveries[_i].state);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vrrp_vrid");
	TCase *tc = tcase_create("vrid");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_vrid_rule, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_auth_recoveries, 0, (int)(sizeof(recoveries) / sizeof(recoveries[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
