/* Unit tests of the VRRP keywords (vrrp/vrrp_conf.c): lists, authentication, and the checks between them. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "lib/config.h"
#include "test/unit/conf_text.h"

static struct config *
load(const char *text, struct cfg_diag *diag)
{
	return conf_load_text(text, NULL, diag);
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

/* Every keyword of keepalived 2.2's lists that vipd acts on or accepts: no errors, the values where they go. */
START_TEST(test_keepalived_keywords)
{
	struct cfg_diag d;
	struct config *conf = load(
		"global_defs {\n vrrp_skip_check_adv_addr\n vrrp_garp_interval 0.001\n vrrp_gna_interval 0.000001\n"
		" vrrp_iptables\n vrrp_check_unicast_src\n max_auto_priority 10\n lvs_id LVS1\n dynamic_interfaces\n"
		" script_security\n vrrp_no_swap\n checker_no_swap\n enable_traps\n vrrp_higher_prio_send_advert\n"
		" vrrp_lower_prio_no_advert true\n vrrp_garp_lower_prio_delay 2\n vrrp_garp_lower_prio_repeat 4\n"
		" vrrp_priority -5\n checker_priority 3\n enable_snmp_vrrp\n enable_snmp_checker\n nftables\n"
		" default_interface eth9\n process_names\n umask IWGRP|IWOTH\n vrrp_rx_bufs_policy MTU\n"
		" notify_fifo_script /bin/true\n vrrp_notify_fifo_script /bin/true\n lvs_notify_fifo_script /bin/true\n"
		" linkbeat_use_polling\n net_namespace blue\n instance one\n startup_script \"/bin/echo up\"\n"
		" shutdown_script /bin/true\n vrrp_min_garp\n checker_log_all_failures true\n snmp_socket udp:1.2.3.4:705\n"
		" smtp_alert\n no_email_faults\n vrrp_garp_master_refresh_repeat 2\n vrrp_dont_send_garp\n"
		" vrrp_down_timer_adverts 4\n vrrp_rt_priority 10\n vrrp_cpu_affinity 0 1\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n use_vmac vrrp1\n vmac_xmit_base\n native_ipv6\n"
		" skip_check_adv_addr off\n lower_prio_no_advert off\n higher_prio_send_advert\n garp_lower_prio_delay 3\n"
		" garp_lower_prio_repeat 2\n debug 2\n strict_mode off\n notify_master_rx_lower_pri /bin/true\n"
		" kernel_rx_buf_size 65536\n unicast_ttl 64\n notify_deleted \"/bin/echo gone\"\n down_timer_adverts 5\n"
		" track_file {\n  f1 weight -10 reverse\n }\n unicast_peer {\n  192.0.2.2 min_ttl 60 max_ttl 64\n }\n"
		" mcast_dst_ip 224.0.0.19\n unicast_fault_no_peer\n old_unicast_checksum never\n"
		" virtual_rules {\n  from 192.0.2.0/24 table 100 preference 50\n  not to 10.0.0.0/8 fwmark 0x10/0xff goto 60\n }\n"
		"}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n use_vmac 02:00:5e:00:01\n promote_secondaries\n}\n"
		"vrrp_instance C {\n interface eth0\n virtual_router_id 3\n use_vmac 02:aa:bb:cc:dd:ee vm3\n}\n"
		"track_file f1 {\n file /run/f1\n weight 3\n init_file 7 overwrite\n}\n"
		"vrrp_track_process p1 {\n process haproxy -f \"/etc/h a.cfg\"\n param_match initial\n weight -20 reverse\n"
		" quorum 2\n quorum_max 4\n delay 1.5\n fork_delay 0.5\n full_command\n}\n"
		"vrrp_track_process p2 {\n process nginx\n quorum_max 0\n}\n", &d);
	const struct cfg_global *g;
	struct cfg_vrrp_instance *a, *b;
	struct cfg_vrrp_track_file *tf;
	struct cfg_vrrp_track_process *tp;

	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	/* the ones vipd does not know of are warnings, never errors */
	ck_assert_uint_eq(d.nerrors, 0);
	g = conf->global;
	ck_assert(g->vrrp_skip_check_adv_addr);
	ck_assert_uint_eq(g->vrrp_garp_interval_us, 1000);
	ck_assert_uint_eq(g->vrrp_gna_interval_us, 1);
	ck_assert_int_eq(g->vrrp_priority, -5);
	ck_assert_int_eq(g->checker_priority, 3);
	ck_assert_uint_eq(g->vrrp_rt_priority, 10);
	ck_assert_uint_eq(g->vrrp_cpu_affinity, 3);
	ck_assert_str_eq(g->default_interface, "eth9");
	ck_assert(g->umask_set);
	ck_assert_uint_eq(g->umask, 022);
	ck_assert_str_eq(g->startup_script, "/bin/echo up");
	ck_assert_uint_eq(g->startup_script_timeout_ms, 10000);
	/* vrrp_min_garp: one announcement, no second burst */
	ck_assert_uint_eq(g->vrrp_garp_master_repeat, 1);
	ck_assert_uint_eq(g->vrrp_garp_master_delay_ms, 0);
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	b = config_get(conf, CFG_VRRP_INSTANCE, 1);
	ck_assert(a->use_vmac);
	ck_assert_str_eq(a->vmac_name, "vrrp1");
	ck_assert(a->vmac_xmit_base);
	ck_assert_mem_eq(a->vmac_mac, "\0\0\0\0\0\0", 6);
	/* 5 octets: the VRID completes the MAC */
	ck_assert_mem_eq(b->vmac_mac, "\x02\x00\x5e\x00\x01\x02", 6);
	ck_assert(b->promote_secondaries);
	ck_assert_mem_eq(((struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 2))->vmac_mac,
			 "\x02\xaa\xbb\xcc\xdd\xee", 6);
	ck_assert_str_eq(((struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 2))->vmac_name, "vm3");
	/* the instance's own word wins over the global; B takes the globals */
	ck_assert_int_eq(a->skip_check_adv_addr, 0);
	ck_assert_int_eq(b->skip_check_adv_addr, 1);
	ck_assert_int_eq(a->lower_prio_no_advert, 0);
	ck_assert_int_eq(b->lower_prio_no_advert, 1);
	ck_assert_int_eq(a->higher_prio_send_advert, 1);
	ck_assert_int_eq(b->higher_prio_send_advert, 1);
	ck_assert_uint_eq(a->garp_lower_prio_delay_ms, 3000);
	ck_assert_uint_eq(b->garp_lower_prio_delay_ms, 2000);
	ck_assert_uint_eq(a->garp_lower_prio_repeat, 2);
	ck_assert_uint_eq(b->garp_lower_prio_repeat, 4);
	ck_assert_uint_eq(b->garp_master_refresh_repeat, 2);
	ck_assert_uint_eq(a->down_timer_adverts, 5);
	ck_assert_uint_eq(b->down_timer_adverts, 4);
	ck_assert_str_eq(a->notify_master_rx_lower_pri, "/bin/true");
	ck_assert_uint_eq(a->kernel_rx_buf_size, 65536);
	ck_assert_uint_eq(a->unicast_ttl, 64);
	ck_assert(a->notify_deleted);
	ck_assert_str_eq(a->notify_deleted_cmd, "/bin/echo gone");
	ck_assert(a->unicast_fault_no_peer);
	ck_assert(!a->v3_checksum_as_v2);
	addr_is(&a->mcast_dst_ip, "224.0.0.19", 32);
	ck_assert_uint_eq(a->peer_min_ttl[0], 60);
	ck_assert_uint_eq(a->peer_max_ttl[0], 64);
	ck_assert_uint_eq(a->ntrack_file, 1);
	ck_assert_int_eq(a->track_file[0].weight, -10);
	ck_assert(a->track_file[0].weight_set);
	ck_assert(a->track_file[0].reverse);
	ck_assert_uint_eq(a->nrules, 2);
	addr_is(&a->rules[0].from, "192.0.2.0", 24);
	ck_assert_uint_eq(a->rules[0].table, 100);
	ck_assert_uint_eq(a->rules[0].priority, 50);
	ck_assert(a->rules[1].invert);
	ck_assert_uint_eq(a->rules[1].fwmark, 0x10);
	ck_assert_uint_eq(a->rules[1].fwmask, 0xff);
	ck_assert_uint_eq(a->rules[1].goto_priority, 60);
	tf = config_get(conf, CFG_VRRP_TRACK_FILE, 0);
	ck_assert_str_eq(tf->name, "f1");
	ck_assert_str_eq(tf->path, "/run/f1");
	ck_assert_int_eq(tf->weight, 3);
	ck_assert(tf->init_file && tf->overwrite);
	ck_assert_int_eq(tf->init_value, 7);
	tp = config_get(conf, CFG_VRRP_TRACK_PROCESS, 0);
	ck_assert_str_eq(tp->process, "haproxy");
	ck_assert_uint_eq(tp->nparams, 2);
	ck_assert_mem_eq(tp->params, "-f\0/etc/h a.cfg\0", 17);
	ck_assert_int_eq(tp->param_match, VRRP_PARAMS_INITIAL);
	ck_assert_int_eq(tp->weight, -20);
	ck_assert(tp->reverse);
	ck_assert_uint_eq(tp->quorum, 2);
	ck_assert_uint_eq(tp->quorum_max, 4);
	ck_assert_uint_eq(tp->fork_delay_ms, 500);
	ck_assert_uint_eq(tp->terminate_delay_ms, 1500);
	ck_assert(tp->full_command);
	/* quorum_max 0: none may run */
	tp = config_get(conf, CFG_VRRP_TRACK_PROCESS, 1);
	ck_assert_uint_eq(tp->quorum, 0);
	ck_assert_uint_eq(tp->quorum_max, 0);
	ck_assert_int_eq(tp->weight, 1);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

/* static_*, multipath routes, address options, and a sync group's tracking given to its members. */
START_TEST(test_static_and_group_tracking)
{
	struct cfg_diag d;
	struct config *conf = load(
		"static_ipaddress {\n 192.0.2.5/24 dev eth1 scope link noprefixroute\n 10.0.0.1 peer 10.0.0.2/32 dev eth2\n}\n"
		"static_routes {\n src 192.0.2.5 to 198.51.100.0/24 via 192.0.2.1 or 192.0.2.2 dev eth1 mtu 1400 onlink\n"
		" unreachable 203.0.113.0/24\n}\n"
		"static_rules {\n from 192.0.2.0/24 table 7\n to 2001:db8::/64 prohibit\n}\n"
		"vrrp_script s {\n script /bin/true\n weight 5 reverse\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n"
		"  192.0.2.10/24 home preferred_lft 0 no_track -nodad\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n track_interface {\n  eth3\n }\n}\n"
		"vrrp_sync_group G {\n group {\n  A B\n }\n track_interface {\n  eth4 weight 10\n }\n"
		" track_script {\n  s\n }\n notify_stop /bin/true\n}\n", &d);
	struct cfg_vrrp_static *st;
	struct cfg_vrrp_instance *a, *b;
	struct cfg_vrrp_script *sc;

	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	ck_assert_uint_eq(conf->count[CFG_VRRP_STATIC], 6);
	st = config_get(conf, CFG_VRRP_STATIC, 0);
	ck_assert_int_eq(st->type, VRRP_STATIC_ADDR);
	addr_is(&st->addr.addr, "192.0.2.5", 24);
	ck_assert_str_eq(st->addr.dev, "eth1");
	ck_assert_uint_eq(st->addr.flags, 0x200);	/* IFA_F_NOPREFIXROUTE */
	st = config_get(conf, CFG_VRRP_STATIC, 1);
	addr_is(&st->addr.peer, "10.0.0.2", 32);
	st = config_get(conf, CFG_VRRP_STATIC, 2);
	ck_assert_int_eq(st->type, VRRP_STATIC_ROUTE);
	addr_is(&st->route.src, "192.0.2.5", 32);
	addr_is(&st->route.dst, "198.51.100.0", 24);
	addr_is(&st->route.via, "192.0.2.1", 32);
	addr_is(&st->route.via_or, "192.0.2.2", 32);
	ck_assert_uint_eq(st->route.mtu, 1400);
	ck_assert(st->route.onlink);
	st = config_get(conf, CFG_VRRP_STATIC, 3);
	ck_assert_uint_eq(st->route.type, 7);	/* RTN_UNREACHABLE */
	st = config_get(conf, CFG_VRRP_STATIC, 4);
	ck_assert_int_eq(st->type, VRRP_STATIC_RULE);
	ck_assert_uint_eq(st->rule.family, AF_INET);
	ck_assert_uint_eq(st->rule.table, 7);
	st = config_get(conf, CFG_VRRP_STATIC, 5);
	ck_assert_uint_eq(st->rule.family, AF_INET6);
	ck_assert_uint_eq(st->rule.action, 8);	/* FR_ACT_PROHIBIT */
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	b = config_get(conf, CFG_VRRP_INSTANCE, 1);
	ck_assert_uint_eq(a->vips[0].flags, 0x10 | 0x02);	/* IFA_F_HOMEADDRESS | IFA_F_NODAD */
	ck_assert_int_eq(a->vips[0].preferred_lft, 0);
	/* the group's tracking, after each member's own */
	ck_assert_uint_eq(a->ntrack_if, 1);
	ck_assert_str_eq(a->track_if[0].name, "eth4");
	ck_assert_int_eq(a->track_if[0].weight, 10);
	ck_assert_uint_eq(a->ntrack_script, 1);
	ck_assert_uint_eq(b->ntrack_if, 2);
	ck_assert_str_eq(b->track_if[0].name, "eth3");
	ck_assert_str_eq(b->track_if[1].name, "eth4");
	sc = config_get(conf, CFG_VRRP_SCRIPT, 0);
	ck_assert_int_eq(sc->weight, 5);
	ck_assert(sc->reverse);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

/* keepalived's `KEYWORD SCRIPT [USER [GROUP]]`: the first word is the script, the next ones whom it runs as. */
/* keepalived 2.2.7 (seen in its SIGUSR1 dump): state MASTER without a priority is the address owner, 255;
 * with a priority, or BACKUP, the priority given or 100 */
START_TEST(test_master_without_priority)
{
	struct cfg_diag d;
	struct config *conf = load(
		"vrrp_instance A {\n interface eth0\n state MASTER\n virtual_router_id 1\n}\n"
		"vrrp_instance B {\n interface eth0\n state MASTER\n priority 100\n virtual_router_id 2\n}\n"
		"vrrp_instance C {\n interface eth0\n state BACKUP\n virtual_router_id 3\n}\n", &d);

	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	ck_assert_uint_eq(((struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 0))->priority, 255);
	ck_assert_uint_eq(((struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 1))->priority, 100);
	ck_assert_uint_eq(((struct cfg_vrrp_instance *)config_get(conf, CFG_VRRP_INSTANCE, 2))->priority, 100);
	cfg_diag_free(&d);
	config_free(conf);
}
END_TEST

START_TEST(test_notify_script_users)
{
	struct cfg_diag d;
	struct config *conf = load(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n notify_master \"/x.sh master\" nobody\n"
		" notify_backup /x.sh nobody nogroup\n notify_fault /x.sh\n notify_stop \"/x.sh stop\" root\n"
		" notify /n.sh nobody\n notify_master_rx_lower_pri /l.sh nobody\n notify_deleted /d.sh nobody\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n}\n"
		"vrrp_sync_group G {\n group {\n  A B\n }\n notify_master \"/g.sh m\" nobody nogroup\n notify /gn.sh\n}\n",
		&d);
	const struct cfg_vrrp_instance *a;
	const struct cfg_vrrp_sync_group *g;

	ck_assert_msg(conf != NULL, "%s", first_error(&d));
	a = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_str_eq(a->notify_master, "/x.sh master");
	ck_assert_str_eq(a->notify_master_user, "nobody");
	ck_assert_str_eq(a->notify_backup, "/x.sh");
	ck_assert_str_eq(a->notify_backup_user, "nobody nogroup");
	ck_assert_str_eq(a->notify_fault, "/x.sh");
	ck_assert_str_eq(a->notify_fault_user, "");
	ck_assert_str_eq(a->notify_stop, "/x.sh stop");
	ck_assert_str_eq(a->notify_stop_user, "root");
	ck_assert_str_eq(a->notify, "/n.sh");
	ck_assert_str_eq(a->notify_user, "nobody");
	ck_assert_str_eq(a->notify_master_rx_lower_pri, "/l.sh");
	ck_assert_str_eq(a->notify_master_rx_lower_pri_user, "nobody");
	ck_assert(a->notify_deleted);
	ck_assert_str_eq(a->notify_deleted_cmd, "/d.sh");
	ck_assert_str_eq(a->notify_deleted_user, "nobody");
	g = config_get(conf, CFG_VRRP_SYNC_GROUP, 0);
	ck_assert_str_eq(g->notify_master, "/g.sh m");
	ck_assert_str_eq(g->notify_master_user, "nobody nogroup");
	ck_assert_str_eq(g->notify, "/gn.sh");
	ck_assert_str_eq(g->notify_user, "");
	config_free(conf);
	cfg_diag_free(&d);

	/* more than SCRIPT USER GROUP: an unquoted command with arguments, refused rather than run as "-x" */
	conf = load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n notify_master /x.sh a b c\n}\n", &d);
	ck_assert_ptr_null(conf);
	ck_assert_msg(strstr(first_error(&d), "notify_master") != NULL, "%s", first_error(&d));
	cfg_diag_free(&d);
}
END_TEST

/* Each text must fail with an error containing the fragment. */
static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "vrrp_track_process p {\n weight 2\n}\n", "needs a process" },
	{ "vrrp_track_process p {\n process x\n quorum 3\n quorum_max 2\n}\n", "quorum_max below quorum" },
	{ "track_file f {\n weight 2\n}\n", "needs a file" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n mcast_dst_ip 192.0.2.1\n}\n",
	  "mcast_dst_ip must be a multicast group" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n use_vmac vrrp1 01:00:5e:00:01:09\n}\n",
	  "is not a unicast MAC address" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n use_vmac 02:00:5e:00\n}\n",
	  "is not a unicast MAC address" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n use_vmac\n unicast_peer {\n  192.0.2.2\n }\n}\n",
	  "needs vmac_xmit_base" },
	{ "static_routes {\n 192.0.2.0/24 nexthop via 192.0.2.1\n}\n", "write via A or B" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n unicast_peer {\n  2001:db8::2\n }\n"
	  " virtual_ipaddress {\n  192.0.2.1\n }\n}\n",
	  "unicast_peer of another family" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 999\n}\n", "needs a virtual_router_id from 1 to 255" },
	{ "vrrp_instance A {\n interface e\n}\n", "needs a virtual_router_id" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n virtual_routes {\n  192.0.2.0/24 via 192.0.2.1 advmss 10\n }\n}\n",
	  "option 'advmss' of a route is not supported" },
	{ "vrrp_instance A {\n interface e\n virtual_router_id 1\n priority\n}\n", "missing argument" },
};

/*
 * What keepalived 2.2.7 logs and runs past (seen with keepalived -t -f on the same text, exit 5): vipd loads
 * the file, says so, and does what keepalived does instead; check says what that is.
 */
static void
check_prio_100(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->priority, 100);
}

static void
check_backup(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_int_eq(vi->state, VRRP_WANT_BACKUP);
}

static void
check_one_vip_32(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->nvips, 1);
	ck_assert_uint_eq(vi->vips[0].addr.prefix, 32);
}

static void
check_one_vip(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->nvips, 1);
}

static void
check_v3(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->version, 3);
}

static void
check_adv_20ms(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->advert_int_ms, 20);
}

static void
check_adv_2s(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->advert_int_ms, 2000);
}

static void
check_no_tracks(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->ntrack_script + vi->ntrack_file + vi->ntrack_process, 0);
}

static void
check_tracks_f_only(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->ntrack_if, 1);
	ck_assert_str_eq(vi->track_if[0].name, "f");
}

static void
check_preempts(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert(!vi->nopreempt);
}

static void
check_no_preempt_delay(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->preempt_delay_ms, 0);
	ck_assert(!vi->nopreempt);
}

static void
check_one_rule(const struct config *c)
{
	ck_assert_uint_eq(c->count[CFG_VRRP_STATIC], 1);
}

static void
check_multicast_from_src(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->npeers, 0);
	addr_is(&vi->mcast_src_ip, "192.0.2.9", 32);
}

static void
check_no_unicast_ttl(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->unicast_ttl, 0);
}

static void
check_no_vips(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->nvips, 0);
}

static void
check_garp_intervals_unset(const struct config *c)
{
	ck_assert_uint_eq(c->global->vrrp_garp_interval_us, 0);
	ck_assert_uint_eq(c->global->vrrp_gna_interval_us, 0);
}

static void
check_garp_interval_1us(const struct config *c)
{
	ck_assert_uint_eq(c->global->vrrp_garp_interval_us, 1);
}

static void
check_track_default_weight(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->ntrack_if, 1);
	ck_assert(!vi->track_if[0].weight_set);
}

static void
check_no_routes(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->nroutes, 0);
}

static void
check_one_peer(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(vi->npeers, 1);
}

static void
check_one_instance(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_uint_eq(c->count[CFG_VRRP_INSTANCE], 1);
	ck_assert_uint_eq(vi->vrid, 1);
}

static void
check_no_script(const struct config *c)
{
	ck_assert_uint_eq(c->count[CFG_VRRP_SCRIPT], 0);
	check_no_tracks(c);
}

static void
check_no_statics(const struct config *c)
{
	ck_assert_uint_eq(c->count[CFG_VRRP_STATIC], 0);
}

static void
check_auth_none(const struct config *c)
{
	const struct cfg_vrrp_instance *vi = config_get(c, CFG_VRRP_INSTANCE, 0);

	ck_assert_int_eq(vi->auth_type, VRRP_AUTH_NONE);
}

static void
check_garp_repeat_1(const struct config *c)
{
	ck_assert_uint_eq(c->global->vrrp_garp_master_repeat, 1);
}

static void
check_rt_99(const struct config *c)
{
	ck_assert_uint_eq(c->global->vrrp_rt_priority, 99);
}

static void
check_group_one_member(const struct config *c)
{
	const struct cfg_vrrp_sync_group *g = config_get(c, CFG_VRRP_SYNC_GROUP, 0);

	ck_assert_uint_eq(c->count[CFG_VRRP_SYNC_GROUP], 1);
	ck_assert_uint_eq(g->nmembers, 1);
}

#define INST(body) "vrrp_instance A {\n interface e\n virtual_router_id 1\n" body "}\n"
static const struct {
	const char *text, *message;
	void (*check)(const struct config *);
} recovered_cases[] = {
	{ INST(" priority 300\n"), ":4: priority: '300' is not a number from 1 to 255; ignored (keeping 100)",
	  check_prio_100 },
	{ INST(" priority 100x\n"), ":4: priority: '100x' is not a number", check_prio_100 },
	{ INST(" state MASTER\n state master\n"), ":5: state: 'master' is not MASTER or BACKUP; starting as BACKUP",
	  check_backup },
	{ INST(" virtual_ipaddress {\n  192.0.2.1/40\n }\n"), ":5: 192.0.2.1/40: '40' is not a prefix length; using /32",
	  check_one_vip_32 },
	{ INST(" virtual_ipaddress {\n  nonsense\n  192.0.2.1\n }\n"), ":5: nonsense: 'nonsense' is not an address; "
	  "this address is ignored", check_one_vip_32 },
	{ INST(" virtual_ipaddress {\n  192.0.2.1 colour red\n }\n"), ":5: 192.0.2.1: 'colour' ignored", check_one_vip },
	{ INST(" virtual_ipaddress {\n  192.0.2.1 scope nowhere-at-all\n }\n"),
	  ":5: 192.0.2.1: 'scope nowhere-at-all' ignored", check_one_vip },
	{ INST(" virtual_ipaddress {\n  192.0.2.1 brd nonsense\n }\n"), "this address is ignored", NULL },
	{ INST(" virtual_ipaddress {\n  192.0.2.1\n  2001:db8::1\n }\n"),
	  ":6: 2001:db8::1: not of the family of the instance's first address", check_one_vip_32 },
	{ INST(" advert_int 0\n"), ":4: advert_int: 0 s is out of range", NULL },
	{ INST(" version 3\n advert_int 0.015\n"), "advert_int 0.015 s cannot be carried by VRRP version 3; using 0.020 s",
	  check_adv_20ms },
	{ INST(" advert_int 1.6\n"), "advert_int 1.600 s cannot be carried by VRRP version 2; using 2.000 s",
	  check_adv_2s },
	{ INST(" version 4\n"), ":4: version: '4' is not a number from 2 to 3", NULL },
	{ INST(" track_script {\n  nosuch\n }\n"), ":5: vrrp_instance A: no vrrp_script 'nosuch'; not tracked",
	  check_no_tracks },
	{ INST(" track_file {\n  nosuch\n }\n"), ":5: vrrp_instance A: no track_file 'nosuch'", check_no_tracks },
	{ INST(" track_process {\n  haproxy\n }\n"), ":5: vrrp_instance A: no vrrp_track_process 'haproxy'",
	  check_no_tracks },
	{ INST(" track_interface {\n  f weight 300\n }\n"), ":5: f: weight '300' is not in -253..253; ignored",
	  check_track_default_weight },
	{ INST(" virtual_routes {\n  default\n }\n"), ":5: default: a default route needs a gateway (via); this line "
	  "is ignored", check_no_routes },
	{ INST(" virtual_routes {\n  192.0.2.0/24 via 2001:db8::1\n }\n"), "different families in one route; this "
	  "line is ignored", check_no_routes },
	{ INST(" unicast_peer {\n  192.0.2.2 192.0.2.3\n  nonsense\n }\n"), ":5: 192.0.2.2: '192.0.2.3' is not "
	  "min_ttl N or max_ttl N (0-255); ignored", check_one_peer },
	{ INST(" unicast_src_ip 192.0.2.9\n unicast_peer {\n  192.0.2.2\n  2001:db8::2\n }\n"),
	  ":7: 2001:db8::2: not of the instance's address family; peer ignored", check_one_peer },
	{ INST(" mcast_src_ip 1.2.3\n"), ":4: mcast_src_ip: '1.2.3' is not an IPv4 or IPv6 address; ignored", NULL },
	{ INST(" authentication {\n  auth_type FOO\n  auth_pass x\n }\n"), ":5: auth_type: 'FOO' is not one of",
	  check_auth_none },
	{ INST(" garp_master_delay x\n preempt_delay 5000\n"), ":5: preempt_delay: 5000 s is out of range", NULL },
	{ INST(" nopreempt foo\n") INST(""), ":6: vrrp_instance: A is already defined", check_one_instance },
	{ "vrrp_script s {\n interval 2\n}\n" INST(" track_script {\n  s\n }\n"),
	  ":3: vrrp_script: s: no script; this vrrp_script is removed", check_no_script },	/* at its } */
	{ "vrrp_script s {\n script /bin/true\n rise 0\n fall x\n interval x\n}\n", ":3: rise: '0' is not a number",
	  NULL },
	{ "global_defs {\n vrrp_garp_interval 0.0000001\n}\n", ":2: vrrp_garp_interval: '0.0000001' is not seconds",
	  NULL },
	/* keepalived's range is 0.000001 to 4294.967295 s: 0 is outside it, ignored; a 7th decimal rounds */
	{ "global_defs {\n vrrp_garp_interval 0\n vrrp_gna_interval 4294.967296\n}\n",
	  ":2: vrrp_garp_interval: '0' is not seconds from 0.000001 to 4294.967295; ignored", check_garp_intervals_unset },
	{ "global_defs {\n vrrp_gna_interval 0\n}\n", ":2: vrrp_gna_interval: '0' is not seconds",
	  check_garp_intervals_unset },
	{ "global_defs {\n vrrp_garp_interval 0.0000005\n}\n", ":2: vrrp_garp_interval: '0.0000005' has more than 6 "
	  "decimals; rounded to 0.000001 s", check_garp_interval_1us },
	{ "global_defs {\n vrrp_iptables IN OUT\n vrrp_ipsets a\n}\n", ":2: vrrp_iptables: no iptables in keepalived "
	  "2.2.7 either", NULL },
	{ "global_defs {\n vrrp_ipsets a\n}\n", ":2: vrrp_ipsets: no iptables", NULL },
	{ "global_defs {\n notification_email {\n }\n}\n", ":2: notification_email: empty block; ignored", NULL },
	/* .invalid never resolves (RFC 6761) */
	{ "global_defs {\n smtp_server mail.example.invalid\n}\n", ":2: smtp_server: 'mail.example.invalid' port 25 "
	  "does not resolve", NULL },
	{ INST(" track_interface {\n  e weight 10\n  f\n }\n"), ":5: vrrp_instance A: track_interface e is the "
	  "instance's own interface; not tracked", check_tracks_f_only },
	{ INST(""), ":1: vrrp_instance: A: no virtual_ipaddress; the instance runs without addresses", check_no_vips },
	{ INST(" virtual_ipaddress_excluded {\n  192.0.2.1\n }\n"), ":1: vrrp_instance: A: no virtual_ipaddress",
	  NULL },
	{ INST(" state MASTER\n nopreempt\n priority 100\n"), "A: nopreempt with state MASTER; cleared (the instance "
	  "preempts)", check_preempts },
	{ INST(" nopreempt\n priority 255\n"), "A: nopreempt with priority 255; cleared", check_preempts },
	{ INST(" state MASTER\n preempt_delay 5\n nopreempt\n priority 100\n"), "A: preempt_delay with state MASTER; cleared",
	  check_no_preempt_delay },
	{ INST(" priority 255\n preempt_delay 5\n"), "A: preempt_delay with priority 255; cleared",
	  check_no_preempt_delay },
	{ "vrrp_sync_group G {\n group {\n  A\n }\n}\n" INST(""), ":1: vrrp_sync_group G: only one vrrp_instance; kept",
	  check_group_one_member },
	{ "static_rules {\n from 192.0.2.0/24 table 7\n}\n", ":2: from: no preference; numbered from 16384 down",
	  check_one_rule },
	{ INST(" unicast_src_ip 192.0.2.9\n"), "A: a unicast keyword without unicast peers; multicast adverts from "
	  "unicast_src_ip", check_multicast_from_src },
	{ INST(" unicast_peer {\n }\n"), "A: a unicast keyword without unicast peers; multicast adverts,", NULL },
	{ INST(" unicast_ttl 5\n"), ":4: unicast_ttl: A: unicast_ttl without unicast peers; ignored", check_no_unicast_ttl },
	{ "global_defs {\n vrrp_garp_master_repeat 0\n}\n", ":2: vrrp_garp_master_repeat: 0 is out of range 1-255; "
	  "using 1", check_garp_repeat_1 },
	{ "global_defs {\n vrrp_rt_priority 200\n}\n", "using 99", check_rt_99 },
	{ "global_defs {\n router_id\n umask 999\n}\n", ":2: router_id: no name; ignored", NULL },
	{ "global_defs {\n lvs_id x\n}\n", ":2: lvs_id: unknown keyword in global_defs", NULL },
	{ "global_defs {\n router_id {\n  x\n }\n}\n", ":2: router_id: takes no { ... } block", NULL },
	{ INST(" track_interface e\n"), ":4: track_interface: needs a { ... } block; ignored", NULL },
	{ "static_rules {\n from 192.0.2.0/24\n}\n", ":2: from: a rule needs an action", check_no_statics },
	{ "static_ipaddress {\n 1.2.3 dev e\n}\n", ":2: 1.2.3: '1.2.3' is not an address", check_no_statics },
	{ "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\nvrrp_sync_group H {\n group {\n  A\n }\n}\n" INST(""),
	  "vrrp_sync_group H: vrrp_instance 'A' is in an earlier sync group", check_group_one_member },
	{ "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\n" INST(""), "vrrp_sync_group G: no vrrp_instance 'B'",
	  check_group_one_member },
};
#undef INST

static bool
has_recovered(const struct cfg_diag *d, const char *s)
{
	for (size_t i = 0; i < d->nrecovered; i++)
		if (strstr(d->recovered[i], s) != NULL)
			return true;
	return false;
}

START_TEST(test_recovered)
{
	struct cfg_diag d;
	struct config *conf = load(recovered_cases[_i].text, &d);

	ck_assert_msg(conf != NULL, "case %d refused: %s", _i, first_error(&d));
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_msg(has_recovered(&d, recovered_cases[_i].message), "case %d: no recovery says '%s' (first: %s)", _i,
		      recovered_cases[_i].message, d.nrecovered ? d.recovered[0] : "none");
	if (recovered_cases[_i].check != NULL)
		recovered_cases[_i].check(conf);
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

/* What keepalived accepts without a word (keepalived -t exits 0): extra words, IPv6 with version 2, a unicast
 * instance without peers that stays in Fault (unicast_fault_no_peer). */
START_TEST(test_accepted_quietly)
{
	static const char *const texts[] = {
		"vrrp_instance A {\n interface e\n virtual_router_id 1\n nopreempt foo\n priority 100 200\n"
		" state BACKUP x y\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n",
		"vrrp_instance A {\n interface e\n virtual_router_id 1\n version 2\n virtual_ipaddress {\n"
		"  2001:db8::1\n }\n}\n",
		"global_defs {\n enable_script_security yes\n}\n",
		"vrrp_instance A {\n interface lo\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n",
		/* a unicast instance that stays in Fault without peers: no fallback to multicast to report */
		"vrrp_instance A {\n interface e\n virtual_router_id 1\n unicast_src_ip 192.0.2.9\n"
		" unicast_fault_no_peer\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct cfg_diag d;
		struct config *conf = load(texts[i], &d);

		ck_assert_msg(conf != NULL, "text %zu: %s", i, first_error(&d));
		if (i < 4)	/* the extra words, IPv6 with version 2, lo */
			ck_assert_uint_ge(d.nwarnings, 1);
		for (size_t r = 0; r < d.nrecovered; r++)	/* only the test host's missing interface e */
			ck_assert_ptr_nonnull(strstr(d.recovered[r], "no interface 'e' here"));
		if (i == 1)
			check_v3(conf);
		config_free(conf);
		cfg_diag_free(&d);
	}
}
END_TEST

/* keepalived 1.x's members outside group { }: 2.x skips them as unknown keywords and runs, as vipd does */
START_TEST(sync_group_stray_member_recovered)
{
	struct cfg_diag d;
	struct config *conf = load("vrrp_sync_group G {\n VI_1\n group {\n  VI_1\n }\n}\n"
				   "vrrp_instance VI_1 {\n interface e\n virtual_router_id 1\n"
				   " virtual_ipaddress {\n  192.0.2.1\n }\n}\n", &d);

	ck_assert_ptr_nonnull(conf);
	ck_assert(has_recovered(&d, ":2: VI_1: unknown keyword in vrrp_sync_group; ignored"));
	config_free(conf);
	cfg_diag_free(&d);
}
END_TEST

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
	tcase_add_test(tc, test_master_without_priority);
	tcase_add_test(tc, test_garp_from_global_defs_anywhere);
	tcase_add_test(tc, test_keepalived_keywords);
	tcase_add_test(tc, test_static_and_group_tracking);
	tcase_add_test(tc, test_notify_script_users);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, sync_group_stray_member_recovered);
	tcase_add_loop_test(tc, test_recovered, 0, (int)(sizeof(recovered_cases) / sizeof(recovered_cases[0])));
	tcase_add_test(tc, test_accepted_quietly);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
