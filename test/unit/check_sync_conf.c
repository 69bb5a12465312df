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

/* Loads text as a config file; *errors gets the diag's first error (or ""). */
static struct config *
load(const char *text, char *first_error, size_t len, size_t *nerrors)
{
	char path[] = "/tmp/check_sync_conf.XXXXXX";
	int fd = mkstemp(path);
	struct cfg_diag diag;
	struct config *conf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	conf = conf_load(path, "lb1", &diag);
	unlink(path);
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

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("sync_conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, relay_block);
	tcase_add_test(tc, relay_errors);
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
