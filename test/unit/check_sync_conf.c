/* Unit tests of sync/sync_conf.c through conf_load: the connection_sync block's keywords and checks. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "lib/cfg.h"
#include "lib/config.h"
#include "test/unit/conf_text.h"

/* Loads text as a config file; *errors gets the diag's first error (or ""). */
static struct config *
load(const char *text, char *first_error, size_t len, size_t *nerrors)
{
	struct cfg_diag diag;
	struct config *conf = conf_load_text(text, "lb1", &diag);

	*nerrors = diag.nerrors;
	snprintf(first_error, len, "%s", diag.nerrors ? diag.errors[0] : "");
	cfg_diag_free(&diag);
	return conf;
}

#define RELAY_HEAD "connection_sync {\n mode relay\n interface eth0\n kernel_interface sk\n relay_interface su\n"

START_TEST(relay_block)
{
	char err[512];
	size_t n;
	struct config *conf = load(RELAY_HEAD
				   " role backup\n framing secure\n syncid 7\n group 224.0.0.82\n port 8850\n ttl 2\n"
				   " maxlen 1400\n kernel_master_port 8860\n kernel_backup_port 8861\n"
				   " auth_key 00112233445566778899AABBCCDDEEFF00\n resync_rate 5000\n}\n",
				   err, sizeof(err), &n);
	const struct cfg_conn_sync *cs;

	ck_assert_msg(conf != NULL, "%s", err);
	cs = config_get(conf, CFG_CONN_SYNC, 0);
	ck_assert_ptr_nonnull(cs);
	ck_assert_int_eq(cs->mode, SYNC_MODE_RELAY);
	ck_assert_int_eq(cs->role, SYNC_ROLE_BACKUP);
	ck_assert_int_eq(cs->framing, SYNC_FRAMING_SECURE);
	ck_assert_uint_eq(cs->syncid, 7);
	ck_assert_uint_eq(cs->group.family, AF_INET);
	ck_assert_uint_eq(cs->group.addr[3], 82);
	ck_assert_uint_eq(cs->port, 8850);
	ck_assert_uint_eq(cs->ttl, 2);
	ck_assert_uint_eq(cs->maxlen, 1400);
	ck_assert_uint_eq(cs->kernel_master_port, 8860);
	ck_assert_uint_eq(cs->kernel_backup_port, 8861);
	ck_assert_uint_eq(cs->auth_key_len, 17);
	ck_assert_uint_eq(cs->auth_key[10], 0xaa);
	ck_assert_uint_eq(cs->auth_key[16], 0x00);
	ck_assert_uint_eq(cs->resync_rate, 5000);
	ck_assert_str_eq(cs->kernel_interface, "sk");
	ck_assert_str_eq(cs->relay_interface, "su");
	config_free(conf);

	conf = load(RELAY_HEAD " role master\n peer 192.0.2.2\n peer 192.0.2.3\n}\n", err, sizeof(err), &n);
	ck_assert_msg(conf != NULL, "%s", err);
	cs = config_get(conf, CFG_CONN_SYNC, 0);
	ck_assert_uint_eq(cs->npeers, 2);
	ck_assert_uint_eq(cs->peers[1].addr[3], 3);
	ck_assert_int_eq(cs->framing, SYNC_FRAMING_COMPAT);
	config_free(conf);
}
END_TEST

START_TEST(relay_errors)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
		{ RELAY_HEAD "}\n", "needs a vrrp_instance to follow, or a role" },
		{ "connection_sync {\n mode relay\n interface eth0\n role master\n}\n", "needs kernel_interface" },
		{ RELAY_HEAD " role master\n framing secure\n}\n", "framing secure needs an auth_key" },
		{ RELAY_HEAD " role master\n auth_key 0011\n}\n", "needs 32 to 128 hex digits" },
		{ RELAY_HEAD " role master\n auth_key 0011223344556677889900112233445g\n}\n", "not a hex digit" },
		{ RELAY_HEAD " role master\n peer 2001:db8::1\n}\n", "is not an IPv4 address" },
		{ RELAY_HEAD " role master\n group 192.0.2.1\n}\n", "group must be an IPv4 multicast address" },
		{ RELAY_HEAD " role master\n group 224.0.0.81\n peer 192.0.2.2\n}\n", "exclude each other" },
		{ RELAY_HEAD " role leader\n}\n", "role" },
		{ RELAY_HEAD " role master\n port 0\n}\n", "port" },
		{ RELAY_HEAD " role master\n maxlen 70000\n}\n", "maxlen" },
		{ RELAY_HEAD " role master\n framing loud\n}\n", "framing" },
		{ RELAY_HEAD " role master\n vrrp_instance VI_9\n}\n", "exclude each other" },
		{ RELAY_HEAD " role master\n peer 192.0.2.1\n peer 192.0.2.2\n peer 192.0.2.3\n peer 192.0.2.4\n"
		  " peer 192.0.2.5\n peer 192.0.2.6\n peer 192.0.2.7\n peer 192.0.2.8\n peer 192.0.2.9\n}\n", "at most 8" },
	};
	char err[512];
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *conf = load(cases[i].text, err, sizeof(err), &n);

		ck_assert_msg(conf == NULL, "case %zu accepted", i);
		ck_assert_msg(strstr(err, cases[i].error) != NULL, "case %zu: '%s' lacks '%s'", i, err, cases[i].error);
	}
}
END_TEST

#define VI_1 "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n" \
	     " virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n"
#define GLOBAL(line) "global_defs {\n lvs_sync_daemon " line "\n}\n"

/* keepalived's forms of lvs_sync_daemon, and what each leaves for the kernel to choose. */
START_TEST(lvs_sync_daemon_forms)
{
	static const struct {
		const char *text;
		const char *instance;
		uint32_t syncid, maxlen;
	} cases[] = {
		{ GLOBAL("eth1 VI_1") VI_1, "VI_1", 51, 0 },		/* no id: the instance's vrid */
		{ GLOBAL("eth1 VI_1 id 0") VI_1, "VI_1", 0, 0 },
		{ GLOBAL("eth1 VI_1 9") VI_1, "VI_1", 9, 0 },		/* the old form, with a warning */
		{ GLOBAL("eth1 inst VI_1 maxlen 1400") VI_1, "VI_1", 51, 1400 },	/* keepalived 2.2 */
		{ GLOBAL("eth1 id 4 inst VI_1") VI_1, "VI_1", 4, 0 },
		{ GLOBAL("eth1"), "", 0, 0 },
		{ GLOBAL("eth1 id 12 group ff02::81"), "", 12, 0 },
	};
	char err[512];
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *conf = load(cases[i].text, err, sizeof(err), &n);
		const struct cfg_lvs_sync_daemon *sd;

		ck_assert_msg(conf != NULL, "case %zu: %s", i, err);
		sd = &conf->global->lvs_sync_daemon;
		ck_assert(sd->enabled);
		ck_assert_str_eq(sd->interface, "eth1");
		ck_assert_str_eq(sd->instance, cases[i].instance);
		ck_assert_msg(sd->syncid == cases[i].syncid, "case %zu: syncid %u", i, sd->syncid);
		ck_assert_uint_eq(sd->maxlen, cases[i].maxlen);
		config_free(conf);
	}
}
END_TEST

/* keepalived's old `lvs_sync_daemon_interface IFACE` in a vrrp_instance: that instance, its vrid as sync id. */
START_TEST(lvs_sync_daemon_interface)
{
	static const char text[] = "vrrp_instance VI_1 {\n interface eth0\n lvs_sync_daemon_interface eth1\n"
				   " virtual_router_id 51\n}\nvrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n}\n";
	char path[] = "/tmp/check_sync_conf.XXXXXX", err[512];
	const struct cfg_lvs_sync_daemon *sd;
	struct cfg_diag diag;
	struct config *conf;
	bool told = false;
	size_t n;
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	conf = conf_load(path, "lb1", &diag);
	unlink(path);
	ck_assert_msg(conf != NULL, "%s", diag.nerrors ? diag.errors[0] : "");
	sd = &conf->global->lvs_sync_daemon;
	ck_assert(sd->enabled);
	ck_assert_str_eq(sd->interface, "eth1");
	ck_assert_str_eq(sd->instance, "VI_1");
	/* virtual_router_id came after it in the block */
	ck_assert_uint_eq(sd->syncid, 51);
	ck_assert_uint_eq(sd->maxlen, 0);
	/* keepalived 2.2.7 logs the old form as an error, and uses it */
	for (size_t i = 0; i < diag.nrecovered; i++)
		told |= strstr(diag.recovered[i], "used as 'lvs_sync_daemon eth1 VI_1' in global_defs") != NULL;
	ck_assert_msg(told, "no recovery reported");
	config_free(conf);
	cfg_diag_free(&diag);

	/* one pair of sync daemons, as keepalived: of two instances' old forms the first counts, and the
	 * global form (read first by keepalived, wherever it is) wins over an instance's */
	{
		static const struct {
			const char *text, *iface, *instance;
		} cases[] = {
			{ "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n lvs_sync_daemon_interface eth1\n}\n"
			  "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n lvs_sync_daemon_interface eth2\n}\n",
			  "eth1", "VI_1" },
			{ GLOBAL("eth1 VI_1") "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
			  " lvs_sync_daemon_interface eth2\n}\n", "eth1", "VI_1" },
			{ "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n lvs_sync_daemon_interface eth1\n}\n"
			  GLOBAL("eth2 VI_1"), "eth2", "VI_1" },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			conf = load(cases[i].text, err, sizeof(err), &n);
			ck_assert_msg(conf != NULL, "case %zu: %s", i, err);
			ck_assert_str_eq(conf->global->lvs_sync_daemon.interface, cases[i].iface);
			ck_assert_str_eq(conf->global->lvs_sync_daemon.instance, cases[i].instance);
			config_free(conf);
		}
	}
	ck_assert_ptr_null(load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
				" lvs_sync_daemon_interface\n}\n", err, sizeof(err), &n));
}
END_TEST

START_TEST(kernel_errors)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
		{ GLOBAL("eth1 VI_2") VI_1, "unknown vrrp_instance 'VI_2'" },
		{ GLOBAL("eth1 VI_1 inst VI_1") VI_1, "given twice" },
		{ "global_defs {\n lvs_sync_daemon eth1\n lvs_sync_daemon eth2\n}\n", "given twice" },
		{ GLOBAL("eth1") "connection_sync {\n interface eth0\n}\n", "lvs_sync_daemon is given too" },
		{ "connection_sync {\n mode kernel\n}\n", "needs an interface" },
		{ "connection_sync {\n interface eth0\n peer 192.0.2.2\n}\n", "peer is for mode relay" },
		{ "connection_sync {\n interface eth0\n framing secure\n}\n", "framing is for mode relay" },
		{ "connection_sync {\n interface eth0\n kernel_interface sk\n}\n",
		  "kernel_interface is for mode relay" },
		{ "connection_sync {\n interface eth0\n group 192.0.2.1\n}\n", "multicast" },
		{ "connection_sync {\n interface eth0\n role master\n vrrp_instance VI_1\n}\n" VI_1,
		  "exclude each other" },
		{ "connection_sync {\n interface eth0\n vrrp_instance VI_3\n}\n" VI_1, "unknown vrrp_instance 'VI_3'" },
	};
	/* keepalived logs these and runs with the option at its default */
	static const char *const recovered[] = {
		GLOBAL("eth1 VI_1 group 192.0.2.1") VI_1, GLOBAL("eth1 VI_1 id 256") VI_1,
		GLOBAL("eth1 VI_1 maxlen") VI_1, GLOBAL("eth1 VI_1 speed 9") VI_1,
	};
	char err[512];
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *conf = load(cases[i].text, err, sizeof(err), &n);

		ck_assert_msg(conf == NULL, "case %zu accepted", i);
		ck_assert_msg(strstr(err, cases[i].error) != NULL, "case %zu: '%s' lacks '%s'", i, err, cases[i].error);
	}
	for (size_t i = 0; i < sizeof(recovered) / sizeof(recovered[0]); i++) {
		struct config *conf = load(recovered[i], err, sizeof(err), &n);

		ck_assert_msg(conf != NULL, "recovered case %zu refused: %s", i, err);
		ck_assert_uint_eq(conf->global->lvs_sync_daemon.syncid, 51);
		ck_assert_uint_eq(conf->global->lvs_sync_daemon.maxlen, 0);
		config_free(conf);
	}
}
END_TEST

START_TEST(kernel_block)
{
	char err[512];
	size_t n;
	struct config *conf = load("connection_sync {\n interface eth0\n vrrp_instance VI_1\n syncid 5\n"
				   " group ff02::81\n port 8850\n ttl 3\n maxlen 9000\n}\n" VI_1, err, sizeof(err), &n);
	const struct cfg_conn_sync *cs;

	ck_assert_msg(conf != NULL, "%s", err);
	cs = config_get(conf, CFG_CONN_SYNC, 0);
	ck_assert_int_eq(cs->mode, SYNC_MODE_KERNEL);
	ck_assert_str_eq(cs->instance, "VI_1");
	ck_assert_uint_eq(cs->syncid, 5);
	ck_assert_uint_eq(cs->group.family, AF_INET6);
	ck_assert_uint_eq(cs->maxlen, 9000);
	config_free(conf);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("sync_conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, relay_block);
	tcase_add_test(tc, relay_errors);
	tcase_add_test(tc, lvs_sync_daemon_forms);
	tcase_add_test(tc, lvs_sync_daemon_interface);
	tcase_add_test(tc, kernel_errors);
	tcase_add_test(tc, kernel_block);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
