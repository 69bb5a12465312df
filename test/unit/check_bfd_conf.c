/* Unit tests of bfd/bfd_conf.c: keepalived 2.2.7's defaults and ranges for bfd_instance (as `keepalived -t`
 * reports them), what is recovered and how, track_bfd's weights and sync groups, BFD_CHECK's names. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bfd/bfd.h"
#include "conf_text.h"

static struct config *
load(const char *text, struct cfg_diag *d)
{
	return conf_load_text(text, NULL, d);
}

static bool
has_recovered(const struct cfg_diag *d, const char *what)
{
	for (size_t i = 0; i < d->nrecovered; i++)
		if (strstr(d->recovered[i], what) != NULL)
			return true;
	return false;
}

START_TEST(defaults)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance b {\n neighbor_ip 192.0.2.2\n}\n"
				   "bfd_instance c {\n neighbour_ip 2001:db8::2\n}\n", &d);
	const struct cfg_bfd_instance *b, *c;

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nrecovered, 0);
	b = config_get(conf, CFG_BFD_INSTANCE, 0);
	c = config_get(conf, CFG_BFD_INSTANCE, 1);
	ck_assert_str_eq(b->name, "b");
	ck_assert_int_eq(b->neighbor.family, AF_INET);
	ck_assert_int_eq(b->source.family, 0);
	ck_assert_uint_eq(b->min_rx_us, 10000);
	ck_assert_uint_eq(b->min_tx_us, 10000);
	ck_assert_uint_eq(b->idle_tx_us, 1000000);
	ck_assert_uint_eq(b->multiplier, 5);
	ck_assert(!b->passive);
	ck_assert_uint_eq(b->ttl, 255);
	ck_assert_int_eq(b->max_hops, 0);
	ck_assert_int_eq(b->weight, 0);
	ck_assert(b->to_vrrp && b->to_checker);
	ck_assert(!b->multihop && !b->disabled);
	/* IPv6: keepalived's hop limit 64 */
	ck_assert_uint_eq(c->ttl, 64);
	ck_assert(config_children_needed(conf) & CHILD_BIT(CHILD_BFD));
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

START_TEST(values)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance b {\n neighbor_ip 192.0.2.2\n source_ip 192.0.2.1\n min_rx 3.312\n"
				   " min_tx 50\n idle_tx 2000.5\n multiplier 3\n passive\n ttl 200\n max_hops 4\n"
				   " weight -20 reverse\n checker\n multihop\n}\n", &d);
	const struct cfg_bfd_instance *b;

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nrecovered, 0);
	b = config_get(conf, CFG_BFD_INSTANCE, 0);
	ck_assert_int_eq(b->source.family, AF_INET);
	ck_assert_uint_eq(b->min_rx_us, 3312);
	ck_assert_uint_eq(b->min_tx_us, 50000);
	ck_assert_uint_eq(b->idle_tx_us, 2000500);
	ck_assert_uint_eq(b->multiplier, 3);
	ck_assert(b->passive);
	ck_assert_uint_eq(b->ttl, 200);
	ck_assert_int_eq(b->max_hops, 4);
	ck_assert_int_eq(b->weight, -20);
	ck_assert(b->reverse);
	ck_assert(!b->to_vrrp && b->to_checker);
	ck_assert(b->multihop);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

/* keepalived logs each and runs with the default (checked with keepalived -t: exit 5) */
START_TEST(recovered_values)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance b {\n neighbor_ip 192.0.2.2\n min_rx 0.5\n min_tx 1.0001\n"
				   " idle_tx 999\n multiplier 0\n ttl 0\n max_hops 300\n weight 254\n}\n", &d);
	const struct cfg_bfd_instance *b;

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_eq(d.nrecovered, 7);
	b = config_get(conf, CFG_BFD_INSTANCE, 0);
	ck_assert_uint_eq(b->min_rx_us, 10000);
	ck_assert_uint_eq(b->min_tx_us, 10000);
	ck_assert_uint_eq(b->idle_tx_us, 1000000);
	ck_assert_uint_eq(b->multiplier, 5);
	ck_assert_uint_eq(b->ttl, 255);
	ck_assert_int_eq(b->max_hops, 0);
	ck_assert_int_eq(b->weight, 0);
	ck_assert(!b->disabled);
	ck_assert(has_recovered(&d, "min_rx: '0.5' is not in 1-4294967 ms; using 10.000"));
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

START_TEST(dropped_instances)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance a {\n neighbor_ip 192.0.2.2\n ttl 10\n max_hops 20\n}\n"
				   "bfd_instance a {\n neighbor_ip 192.0.2.3\n}\n"
				   "bfd_instance b {\n neighbor_ip 192.0.2.2\n}\n"
				   "bfd_instance c {\n}\n"
				   "bfd_instance d {\n neighbor_ip 192.0.2.9\n source_ip 2001:db8::1\n}\n"
				   "bfd_instance abcdefghijabcdefghijabcdefghij12 {\n neighbor_ip 192.0.2.8\n}\n"
				   "bfd_instance e {\n neighbor_ip 192.0.2.x\n}\n", &d);

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nrecovered, 7);
	ck_assert(has_recovered(&d, "max_hops is above ttl/hoplimit; using 10"));
	ck_assert(has_recovered(&d, "bfd_instance a: defined twice"));
	ck_assert(has_recovered(&d, "neighbor_ip is a's too"));
	ck_assert(has_recovered(&d, "no neighbor_ip"));
	ck_assert(has_recovered(&d, "two families"));
	ck_assert(has_recovered(&d, "longer than 31"));
	ck_assert(has_recovered(&d, "'192.0.2.x' is not an address"));
	ck_assert_int_eq(((struct cfg_bfd_instance *)config_get(conf, CFG_BFD_INSTANCE, 0))->max_hops, 10);
	for (size_t i = 1; i < conf->count[CFG_BFD_INSTANCE]; i++)
		ck_assert(((struct cfg_bfd_instance *)config_get(conf, CFG_BFD_INSTANCE, i))->disabled);
	ck_assert_ptr_nonnull(bfd_conf_find(conf, "a"));
	ck_assert_ptr_null(bfd_conf_find(conf, "b"));
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

#define INSTANCE(name, vrid, extra) \
	"vrrp_instance " name " {\n interface lo\n virtual_router_id " vrid "\n virtual_ipaddress {\n  192.0.2." vrid \
	"\n }\n" extra "}\n"

START_TEST(track_bfd)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance up {\n neighbor_ip 192.0.2.2\n weight 15 reverse\n}\n"
				   "bfd_instance ck {\n neighbor_ip 192.0.2.3\n checker\n}\n"
				   "bfd_instance g {\n neighbor_ip 192.0.2.4\n}\n"
				   INSTANCE("A", "1", " track_bfd {\n  up\n  g weight -40\n  nope\n  ck\n  up weight 3\n }\n")
				   INSTANCE("B", "2", "")
				   "vrrp_sync_group G {\n group {\n  B\n }\n track_bfd {\n  g weight 0\n }\n}\n", &d);
	const struct cfg_vrrp_instance *a, *b;

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_eq(d.nrecovered, 3);	/* nope, ck (checker only), up twice */
	ck_assert(has_recovered(&d, "no bfd_instance nope"));
	ck_assert(has_recovered(&d, "it names checker only"));
	ck_assert(has_recovered(&d, "up is tracked already"));
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	b = config_get(conf, CFG_VRRP_INSTANCE, 1);
	ck_assert_uint_eq(a->ntrack_bfd, 2);
	/* no weight: the bfd_instance's, with its reverse */
	ck_assert_str_eq(a->track_bfd[0].name, "up");
	ck_assert_int_eq(a->track_bfd[0].weight, 15);
	ck_assert(a->track_bfd[0].reverse);
	ck_assert_str_eq(a->track_bfd[1].name, "g");
	ck_assert_int_eq(a->track_bfd[1].weight, -40);
	ck_assert(!a->track_bfd[1].reverse);
	/* the sync group's, given to its member */
	ck_assert_uint_eq(b->ntrack_bfd, 1);
	ck_assert_str_eq(b->track_bfd[0].name, "g");
	ck_assert_int_eq(b->track_bfd[0].weight, 0);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

START_TEST(track_bfd_bad_weight)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance up {\n neighbor_ip 192.0.2.2\n weight 7\n}\n"
				   INSTANCE("A", "1", " track_bfd {\n  up weight 300\n }\n"), &d);
	const struct cfg_vrrp_instance *a;

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nrecovered, 1);
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_uint_eq(a->ntrack_bfd, 1);
	ck_assert_int_eq(a->track_bfd[0].weight, 7);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

START_TEST(bfd_check)
{
	struct cfg_diag d;
	struct config *conf = load("bfd_instance b {\n neighbor_ip 192.0.2.2\n}\n"
				   "bfd_instance v {\n neighbor_ip 192.0.2.3\n vrrp\n}\n"
				   "virtual_server 192.0.2.10 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n"
				   " real_server 192.0.2.21 80 {\n  BFD_CHECK {\n   name b\n  }\n }\n"
				   " real_server 192.0.2.22 80 {\n  BFD_CHECK {\n   name x\n  }\n }\n"
				   " real_server 192.0.2.23 80 {\n  BFD_CHECK {\n  }\n }\n"
				   " real_server 192.0.2.24 80 {\n  BFD_CHECK {\n   name v\n  }\n }\n"
				   "}\n", &d);
	const struct cfg_checker *c;

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(d.nrecovered, 3);
	ck_assert_uint_eq(conf->count[CFG_CHECKER], 4);
	c = config_get(conf, CFG_CHECKER, 0);
	ck_assert_int_eq(c->type, CHECK_BFD);
	ck_assert_str_eq(c->bfd_name, "b");
	ck_assert_uint_eq(c->retry, 0);
	/* the skipped ones keep no name: they pass */
	for (size_t i = 1; i < 4; i++)
		ck_assert_str_eq(((struct cfg_checker *)config_get(conf, CFG_CHECKER, i))->bfd_name, "");
	ck_assert(has_recovered(&d, "it names vrrp only"));
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bfd_conf");
	TCase *tc = tcase_create("conf");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, values);
	tcase_add_test(tc, recovered_values);
	tcase_add_test(tc, dropped_instances);
	tcase_add_test(tc, track_bfd);
	tcase_add_test(tc, track_bfd_bad_weight);
	tcase_add_test(tc, bfd_check);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
