/* Unit tests of the VRRP keywords (vrrp/vrrp_conf.c): lists, authentication, and the checks between them. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "lib/config.h"

static struct config *
load(const char *text, struct cfg_diag *diag)
{
	char path[] = "/tmp/vipd-vrrp-conf-XXXXXX";
	int fd = mkstemp(path);
	struct config *conf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	conf = conf_load(path, NULL, diag);
	unlink(path);
	return conf;
}

/* The first error, or "" */
static const char *
first_error(const struct cfg_diag *d)
{
	return d->nerrors ? d->errors[0] : "";
}

static void
addr_is(const struct cfg_addr *a, const char *s, int prefix)
{
	uint8_t want[16];
	int family = strchr(s, ':') ? AF_INET6 : AF_INET;

	ck_assert_int_eq(inet_pton(family, s, want), 1);
	ck_assert_uint_eq(a->family, family);
	ck_assert_mem_eq(a->addr, want, family == AF_INET ? 4 : 16);
	ck_assert_uint_eq(a->prefix, prefix);
}

START_TEST(test_garp_from_global_defs_anywhere)
{
	struct cfg_diag d;
	/* global_defs after the instances still gives their defaults; 0 is a value, not "unset" */
	struct config *conf = load(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n garp_master_delay 2\n garp_master_repeat 7\n"
		" garp_master_refresh 0\n}\n"
		"global_defs {\n vrrp_garp_master_delay 0\n vrrp_garp_master_repeat 3\n vrrp_garp_master_refresh 30\n}\n", &d);
	struct cfg_vrrp_instance *a, *b;

	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	b = config_get(conf, CFG_VRRP_INSTANCE, 1);
	ck_assert_uint_eq(a->garp_master_delay_ms, 0);
	ck_assert_uint_eq(a->garp_master_repeat, 3);
	ck_assert_uint_eq(a->garp_master_refresh_ms, 30000);
	ck_assert_uint_eq(b->garp_master_delay_ms, 2000);
	ck_assert_uint_eq(b->garp_master_repeat, 7);
	ck_assert_uint_eq(b->garp_master_refresh_ms, 0);
	config_free(conf);
	cfg_diag_free(&d);

	/* without global_defs: keepalived's 5 s and 5 */
	conf = load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n}\n", &d);
	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_uint_eq(a->garp_master_delay_ms, 5000);
	ck_assert_uint_eq(a->garp_master_repeat, 5);
	ck_assert_uint_eq(a->garp_master_refresh_ms, 0);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

START_TEST(test_lists)
{
	struct cfg_diag d;
	struct config *conf = load(
		"global_defs {\n vrrp_garp_master_repeat 3\n}\n"
		"vrrp_script chk {\n script \"true\"\n}\n"
		"vrrp_instance VI {\n interface eth0\n virtual_router_id 9\n priority 200\n"
		" authentication {\n  auth_type PASS\n  auth_pass abc\n }\n"
		" unicast_src_ip 192.0.2.1\n unicast_peer {\n  192.0.2.2\n  192.0.2.3\n }\n"
		" virtual_ipaddress {\n  192.0.2.10/24 dev eth1 label eth1:v scope link brd 192.0.2.255\n  192.0.2.11\n }\n"
		" virtual_ipaddress_excluded {\n  2001:db8::10/64\n }\n"
		" virtual_routes {\n  198.51.100.0/24 via 192.0.2.254 metric 5 table 100\n"
		"  default via 192.0.2.254\n  blackhole 203.0.113.0/24\n  src 192.0.2.10 198.51.100.128/25 dev eth0\n }\n"
		" track_interface {\n  eth1\n  eth2 weight -20\n }\n"
		" track_script {\n  chk weight 10\n }\n"
		" v3_checksum_as_v2\n"
		"}\n", &d);
	struct cfg_vrrp_instance *vi;

	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	vi = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_int_eq(vi->auth_type, VRRP_AUTH_PASS);
	ck_assert_str_eq(vi->auth_pass, "abc");
	ck_assert_uint_eq(vi->garp_master_repeat, 3);	/* from global_defs */
	ck_assert(vi->v3_checksum_as_v2);
	addr_is(&vi->unicast_src_ip, "192.0.2.1", 32);
	ck_assert_uint_eq(vi->npeers, 2);
	addr_is(&vi->peers[1], "192.0.2.3", 32);
	ck_assert_uint_eq(vi->nvips, 3);
	addr_is(&vi->vips[0].addr, "192.0.2.10", 24);
	addr_is(&vi->vips[0].brd, "192.0.2.255", 32);
	ck_assert_str_eq(vi->vips[0].dev, "eth1");
	ck_assert_str_eq(vi->vips[0].label, "eth1:v");
	ck_assert_int_eq(vi->vips[0].scope, 253);
	ck_assert(!vi->vips[0].excluded);
	addr_is(&vi->vips[1].addr, "192.0.2.11", 32);
	ck_assert(vi->vips[2].excluded);
	addr_is(&vi->vips[2].addr, "2001:db8::10", 64);
	ck_assert_uint_eq(vi->nroutes, 4);
	addr_is(&vi->routes[0].dst, "198.51.100.0", 24);
	addr_is(&vi->routes[0].via, "192.0.2.254", 32);
	ck_assert_uint_eq(vi->routes[0].metric, 5);
	ck_assert_uint_eq(vi->routes[0].table, 100);
	ck_assert_uint_eq(vi->routes[1].dst.family, AF_INET);
	ck_assert_uint_eq(vi->routes[1].dst.prefix, 0);
	ck_assert(vi->routes[2].blackhole);
	addr_is(&vi->routes[3].src, "192.0.2.10", 32);
	addr_is(&vi->routes[3].dst, "198.51.100.128", 25);
	ck_assert_str_eq(vi->routes[3].dev, "eth0");
	ck_assert_uint_eq(vi->ntrack_if, 2);
	ck_assert_str_eq(vi->track_if[1].name, "eth2");
	ck_assert_int_eq(vi->track_if[1].weight, -20);
	ck_assert_int_eq(vi->track_if[0].weight, 0);
	ck_assert_uint_eq(vi->ntrack_script, 1);
	ck_assert_int_eq(vi->track_script[0].weight, 10);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

/* Each text must fail with an error containing the fragment. */
static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_ipaddress {\n  nonsense\n }\n}\n",
	  "'nonsense' is not an address" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1 colour red\n }\n}\n",
	  "unknown option 'colour'" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1 dev\n }\n}\n",
	  "'dev' needs a value" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n  2001:db8::1\n }\n}\n",
	  "IPv4 and IPv6 virtual addresses mixed" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n version 2\n virtual_ipaddress {\n  2001:db8::1\n }\n}\n",
	  "IPv6 needs VRRP version 3" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n authentication {\n  auth_type AH\n  auth_pass x\n }\n}\n",
	  "AH is not supported" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n authentication {\n  auth_type PASS\n }\n}\n",
	  "needs an auth_pass" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n version 3\n advert_int 0.015\n}\n",
	  "centiseconds" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n track_script {\n  nosuch\n }\n}\n",
	  "unknown vrrp_script 'nosuch'" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n track_interface {\n  eth1 weight 300\n }\n}\n",
	  "not in -254..254" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_routes {\n  default\n }\n}\n",
	  "needs a gateway" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_routes {\n  192.0.2.0/24 via 2001:db8::1\n }\n}\n",
	  "different families" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n unicast_peer {\n  192.0.2.2 192.0.2.3\n }\n}\n",
	  "one address" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n unicast_peer {\n  2001:db8::2\n }\n"
	  " virtual_ipaddress {\n  192.0.2.1\n }\n}\n",
	  "unicast_peer of another family" },
};

START_TEST(test_errors)
{
	struct cfg_diag d;
	struct config *conf = load(bad[_i].text, &d);

	ck_assert_ptr_null(conf);
	ck_assert_uint_ge(d.nerrors, 1);
	ck_assert_msg(strstr(d.errors[0], bad[_i].error) != NULL, "case %d: '%s' lacks '%s'", _i, d.errors[0],
		      bad[_i].error);
	cfg_diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vrrp_conf");
	TCase *tc = tcase_create("conf");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_garp_from_global_defs_anywhere);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
