/* Unit tests of sync/sync_kernel.c's decision: the daemons a role wants, how they compare with what the
 * kernel lists (its defaults and clamping applied), and the commands that close the difference. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ip_vs.h>

#include "core/conf.h"
#include "lib/cfg.h"
#include "sync/sync_kernel.h"
#include "test/unit/conf_text.h"

static struct sync_kernel_conf
kconf(const char *ifname, uint32_t syncid)
{
	struct sync_kernel_conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.ifname, sizeof(c.ifname), "%s", ifname);
	c.syncid = syncid;
	return c;
}

/* A daemon as a 6.1 kernel lists it after starting it from want: defaults filled in, maxlen clamped
 * (or, when none was asked, from a 1500-byte MTU). */
static struct ipvs_daemon
kernel_view(const struct ipvs_daemon *want)
{
	struct ipvs_daemon d = *want;
	uint32_t g = htonl(0xe0000051);

	if (d.port == 0)
		d.port = 8848;
	if (d.ttl == 0)
		d.ttl = 1;
	if (d.group_af == 0) {
		d.group_af = AF_INET;
		memcpy(d.group, &g, 4);
	}
	if (d.maxlen == 0)
		d.maxlen = d.group_af == AF_INET6 ? 1452 : 1472;
	else if (d.state == IP_VS_STATE_BACKUP && d.maxlen < 1024)
		d.maxlen = 1024;
	return d;
}

static void
plan_for(const struct sync_kernel_conf *c, enum sk_role role, const struct ipvs_daemon *have, size_t nhave,
	 struct sync_kernel_op *ops, size_t *n)
{
	struct ipvs_daemon want[SK_NDAEMONS];
	bool on[SK_NDAEMONS];

	sync_kernel_want(c, role, want, on);
	*n = sync_kernel_plan(want, on, have, nhave, NULL, ops);
}

START_TEST(roles)
{
	struct sync_kernel_conf c = kconf("eth0", 7);

	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_MASTER), SK_ROLE_BOTH);	/* no instance */
	snprintf(c.instance, sizeof(c.instance), "VI_1");
	ck_assert_int_eq(sync_kernel_role(&c, -1), SK_ROLE_UNKNOWN);
	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_MASTER), SK_ROLE_MASTER);
	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_BACKUP), SK_ROLE_BACKUP);
	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_FAULT), SK_ROLE_BACKUP);
	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_INIT), SK_ROLE_BACKUP);
	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_STOP), SK_ROLE_BACKUP);
	c.instance[0] = '\0';
	c.role = SYNC_ROLE_MASTER;
	ck_assert_int_eq(sync_kernel_role(&c, -1), SK_ROLE_MASTER);
	c.role = SYNC_ROLE_BACKUP;
	ck_assert_int_eq(sync_kernel_role(&c, VRRP_STATE_MASTER), SK_ROLE_BACKUP);
	ck_assert_str_eq(sync_kernel_role_name(SK_ROLE_BOTH), "both");
}
END_TEST

START_TEST(wanted)
{
	struct sync_kernel_conf c = kconf("eth1", 9);
	struct ipvs_daemon want[SK_NDAEMONS];
	bool on[SK_NDAEMONS];

	c.maxlen = 1400;
	c.port = 8850;
	c.ttl = 2;
	c.group.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::81", c.group.addr);
	sync_kernel_want(&c, SK_ROLE_MASTER, want, on);
	ck_assert(on[SK_MASTER] && !on[SK_BACKUP]);
	ck_assert_uint_eq(want[SK_MASTER].state, IP_VS_STATE_MASTER);
	ck_assert_uint_eq(want[SK_BACKUP].state, IP_VS_STATE_BACKUP);
	ck_assert_str_eq(want[SK_MASTER].ifname, "eth1");
	ck_assert_uint_eq(want[SK_MASTER].syncid, 9);
	ck_assert_uint_eq(want[SK_MASTER].maxlen, 1400);
	ck_assert_uint_eq(want[SK_MASTER].port, 8850);
	ck_assert_uint_eq(want[SK_MASTER].ttl, 2);
	ck_assert_uint_eq(want[SK_MASTER].group_af, AF_INET6);
	ck_assert_uint_eq(want[SK_MASTER].group[0], 0xff);
	ck_assert_uint_eq(want[SK_MASTER].group[15], 0x81);
	sync_kernel_want(&c, SK_ROLE_BACKUP, want, on);
	ck_assert(!on[SK_MASTER] && on[SK_BACKUP]);
	sync_kernel_want(&c, SK_ROLE_BOTH, want, on);
	ck_assert(on[SK_MASTER] && on[SK_BACKUP]);
	sync_kernel_want(&c, SK_ROLE_UNKNOWN, want, on);
	ck_assert(!on[SK_MASTER] && !on[SK_BACKUP]);
}
END_TEST

START_TEST(matching)
{
	struct sync_kernel_conf c = kconf("eth0", 7);
	struct ipvs_daemon want[SK_NDAEMONS], have;
	bool on[SK_NDAEMONS];

	sync_kernel_want(&c, SK_ROLE_BOTH, want, on);
	/* defaults asked for, the kernel's values reported */
	have = kernel_view(&want[SK_MASTER]);
	ck_assert(sync_kernel_matches(&want[SK_MASTER], &have));
	ck_assert(!sync_kernel_matches(&want[SK_BACKUP], &have));	/* another state */
	/* a kernel before 4.3 reports only state, interface and syncid */
	memset(&have, 0, sizeof(have));
	have.state = IP_VS_STATE_MASTER;
	strcpy(have.ifname, "eth0");
	have.syncid = 7;
	ck_assert(sync_kernel_matches(&want[SK_MASTER], &have));
	have.syncid = 8;
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));
	have.syncid = 7;
	strcpy(have.ifname, "eth1");
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));

	/* each parameter that differs from the default asked for */
	have = kernel_view(&want[SK_MASTER]);
	have.port = 8849;
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));
	have = kernel_view(&want[SK_MASTER]);
	have.ttl = 3;
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));
	have = kernel_view(&want[SK_MASTER]);
	have.group[3] = 0x52;
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));
	have = kernel_view(&want[SK_MASTER]);
	have.maxlen = 9000;	/* no maxlen asked: whatever the MTU gave */
	ck_assert(sync_kernel_matches(&want[SK_MASTER], &have));

	/* maxlen asked: a backup's is raised to 1024, anything else must be as asked */
	c.maxlen = 500;
	sync_kernel_want(&c, SK_ROLE_BOTH, want, on);
	have = kernel_view(&want[SK_BACKUP]);
	ck_assert_uint_eq(have.maxlen, 1024);
	ck_assert(sync_kernel_matches(&want[SK_BACKUP], &have));
	have = kernel_view(&want[SK_MASTER]);
	ck_assert_uint_eq(have.maxlen, 500);
	ck_assert(sync_kernel_matches(&want[SK_MASTER], &have));
	have.maxlen = 1472;
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));

	/* an IPv6 group */
	c = kconf("eth0", 7);
	c.group.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::81", c.group.addr);
	sync_kernel_want(&c, SK_ROLE_BOTH, want, on);
	have = kernel_view(&want[SK_MASTER]);
	ck_assert(sync_kernel_matches(&want[SK_MASTER], &have));
	have.group_af = AF_INET;
	ck_assert(!sync_kernel_matches(&want[SK_MASTER], &have));
}
END_TEST

START_TEST(plans)
{
	struct sync_kernel_conf c = kconf("eth0", 7);
	struct ipvs_daemon want[SK_NDAEMONS], have[SK_NDAEMONS];
	struct sync_kernel_op ops[SK_MAX_OPS];
	bool on[SK_NDAEMONS];
	size_t n;

	sync_kernel_want(&c, SK_ROLE_BOTH, want, on);

	/* nothing running: start what the role wants */
	plan_for(&c, SK_ROLE_MASTER, NULL, 0, ops, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ops[0].cmd, IPVS_CMD_NEW_DAEMON);
	ck_assert_int_eq(ops[0].slot, SK_MASTER);
	ck_assert_uint_eq(ops[0].d.state, IP_VS_STATE_MASTER);
	ck_assert_str_eq(ops[0].d.ifname, "eth0");
	plan_for(&c, SK_ROLE_BOTH, NULL, 0, ops, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ops[0].slot, SK_MASTER);
	ck_assert_int_eq(ops[1].slot, SK_BACKUP);

	/* adopted as it runs: no command at all */
	have[0] = kernel_view(&want[SK_MASTER]);
	plan_for(&c, SK_ROLE_MASTER, have, 1, ops, &n);
	ck_assert_uint_eq(n, 0);
	have[1] = kernel_view(&want[SK_BACKUP]);
	plan_for(&c, SK_ROLE_BOTH, have, 2, ops, &n);
	ck_assert_uint_eq(n, 0);

	/* promotion: the backup daemon stops, then the master daemon starts */
	have[0] = kernel_view(&want[SK_BACKUP]);
	plan_for(&c, SK_ROLE_MASTER, have, 1, ops, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ops[0].cmd, IPVS_CMD_DEL_DAEMON);
	ck_assert_int_eq(ops[0].slot, SK_BACKUP);
	ck_assert_uint_eq(ops[0].d.state, IP_VS_STATE_BACKUP);
	ck_assert_uint_eq(ops[1].cmd, IPVS_CMD_NEW_DAEMON);
	ck_assert_int_eq(ops[1].slot, SK_MASTER);

	/* demotion, with both running (as after a role both) */
	have[0] = kernel_view(&want[SK_MASTER]);
	have[1] = kernel_view(&want[SK_BACKUP]);
	plan_for(&c, SK_ROLE_BACKUP, have, 2, ops, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ops[0].cmd, IPVS_CMD_DEL_DAEMON);
	ck_assert_int_eq(ops[0].slot, SK_MASTER);

	/* a changed parameter restarts the daemons that have it, and only them */
	c.ttl = 2;
	plan_for(&c, SK_ROLE_BOTH, have, 2, ops, &n);
	ck_assert_uint_eq(n, 4);
	c = kconf("eth0", 7);
	have[1].syncid = 8;
	plan_for(&c, SK_ROLE_BOTH, have, 2, ops, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ops[0].cmd, IPVS_CMD_DEL_DAEMON);
	ck_assert_int_eq(ops[0].slot, SK_BACKUP);
	ck_assert_uint_eq(ops[0].d.syncid, 8);
	ck_assert_uint_eq(ops[1].cmd, IPVS_CMD_NEW_DAEMON);
	ck_assert_int_eq(ops[1].slot, SK_BACKUP);
	ck_assert_uint_eq(ops[1].d.syncid, 7);

	/* nothing wanted: everything listed stops */
	have[1].syncid = 7;
	plan_for(&c, SK_ROLE_UNKNOWN, have, 2, ops, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(ops[0].cmd == IPVS_CMD_DEL_DAEMON && ops[1].cmd == IPVS_CMD_DEL_DAEMON);
}
END_TEST

START_TEST(settled_kept)
{
	struct sync_kernel_conf c = kconf("eth0", 7);
	struct ipvs_daemon want[SK_NDAEMONS], have, odd;
	const struct ipvs_daemon *settled[SK_NDAEMONS] = { NULL, NULL };
	struct sync_kernel_op ops[SK_MAX_OPS];
	bool on[SK_NDAEMONS];

	c.maxlen = 1400;
	sync_kernel_want(&c, SK_ROLE_MASTER, want, on);
	/* a kernel that made something else of maxlen 1400 */
	have = kernel_view(&want[SK_MASTER]);
	have.maxlen = 1380;
	ck_assert_uint_eq(sync_kernel_plan(want, on, &have, 1, settled, ops), 2);
	/* seen right after our own start with these wants: kept */
	odd = have;
	settled[SK_MASTER] = &odd;
	ck_assert_uint_eq(sync_kernel_plan(want, on, &have, 1, settled, ops), 0);
	/* but not something else again */
	have.maxlen = 1300;
	ck_assert_uint_eq(sync_kernel_plan(want, on, &have, 1, settled, ops), 2);
}
END_TEST

/* ---- from the configuration ---- */

static struct config *
load(const char *text)
{
	struct cfg_diag diag;
	struct config *conf = conf_load_text(text, "lb1", &diag);

	for (size_t i = 0; i < diag.nerrors; i++)
		fprintf(stderr, "%s\n", diag.errors[i]);
	cfg_diag_free(&diag);
	return conf;
}

#define VI_1 "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n" \
	     " virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n"

START_TEST(from_config)
{
	struct sync_kernel_conf c;
	struct config *conf;

	conf = load("global_defs {\n lvs_sync_daemon eth1 VI_1 maxlen 1400 port 8850 ttl 2 group 224.0.0.90\n}\n" VI_1);
	ck_assert_ptr_nonnull(conf);
	ck_assert(sync_kernel_conf_get(conf, &c));
	ck_assert_str_eq(c.ifname, "eth1");
	ck_assert_str_eq(c.instance, "VI_1");
	ck_assert_int_eq(c.role, SYNC_ROLE_VRRP);
	ck_assert_uint_eq(c.syncid, 51);	/* keepalived: the instance's virtual_router_id */
	ck_assert_uint_eq(c.maxlen, 1400);
	ck_assert_uint_eq(c.port, 8850);
	ck_assert_uint_eq(c.ttl, 2);
	ck_assert_uint_eq(c.group.family, AF_INET);
	ck_assert_uint_eq(c.group.addr[3], 90);
	config_free(conf);

	conf = load("connection_sync {\n mode kernel\n interface eth2\n role master\n syncid 3\n"
		    " resync_rate 1000\n}\n");
	ck_assert_ptr_nonnull(conf);
	ck_assert(sync_kernel_conf_get(conf, &c));
	ck_assert_str_eq(c.ifname, "eth2");
	ck_assert_str_eq(c.instance, "");
	ck_assert_int_eq(c.role, SYNC_ROLE_MASTER);
	ck_assert_uint_eq(c.syncid, 3);
	ck_assert_uint_eq(c.maxlen, 0);
	ck_assert_uint_eq(c.resync_rate, 1000);
	config_free(conf);

	conf = load("connection_sync {\n mode relay\n interface eth0\n role master\n kernel_interface sk\n"
		    " relay_interface su\n}\n");
	ck_assert_ptr_nonnull(conf);
	ck_assert(!sync_kernel_conf_get(conf, &c));
	config_free(conf);

	conf = load(VI_1);
	ck_assert_ptr_nonnull(conf);
	ck_assert(!sync_kernel_conf_get(conf, &c));
	config_free(conf);
}
END_TEST

static Suite *
kernel_suite(void)
{
	Suite *s = suite_create("sync_kernel");
	TCase *tc = tcase_create("decision");

	tcase_add_test(tc, roles);
	tcase_add_test(tc, wanted);
	tcase_add_test(tc, matching);
	tcase_add_test(tc, plans);
	tcase_add_test(tc, settled_kept);
	tcase_add_test(tc, from_config);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(kernel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
