/* The schema's top: the kinds of objects, global_defs, the top-level keywords, and loading a file. */
#include "core/conf.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd.h"
#include "checkers/checkers.h"
#include "ipvs/ipvs.h"
#include "metrics/metrics.h"
#include "sync/sync.h"
#include "vrrp/vrrp.h"

#define MS(s) ((int64_t)(s) * 1000)

/* umask NUMBER | BITS: octal, hex or decimal, or names like IWGRP|IWOTH. */
static int
kw_umask(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	static const struct { const char *name; unsigned bit; } bits[] = {
		{ "IRUSR", 0400 }, { "IWUSR", 0200 }, { "IXUSR", 0100 }, { "IRGRP", 040 }, { "IWGRP", 020 },
		{ "IXGRP", 010 }, { "IROTH", 04 }, { "IWOTH", 02 }, { "IXOTH", 01 },
	};
	struct cfg_global *g = obj;
	char words[128], *save = NULL;
	unsigned long v = 0;
	char *end;

	if (cfg_nargs_kw(ctx, st, kw, 1, 1) == -1)
		return -1;
	if (st->argv[1][0] >= '0' && st->argv[1][0] <= '9') {
		v = strtoul(st->argv[1], &end, 0);
		if (*end != '\0' || v > 0777)
			return cfg_stmt_recovered(ctx, st, "'%s' is not a umask (0 to 0777); ignored, as keepalived does",
						  st->argv[1]);
	} else {
		snprintf(words, sizeof(words), "%s", st->argv[1]);
		for (char *w = strtok_r(words, "|", &save); w != NULL; w = strtok_r(NULL, "|", &save)) {
			size_t i;

			for (i = 0; i < sizeof(bits) / sizeof(bits[0]) && strcmp(bits[i].name, w) != 0; i++)
				;
			if (i == sizeof(bits) / sizeof(bits[0]))
				return cfg_stmt_recovered(ctx, st, "'%s' is not one of IRUSR ... IXOTH; ignored, as "
							  "keepalived does", w);
			v |= bits[i].bit;
		}
	}
	g->umask = (uint32_t)v;
	g->umask_set = true;
	return 0;
}

/* router_id NAME: without a name, keepalived keeps the host name and says so */
static int
kw_router_id(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (st->argc == 1)
		return cfg_stmt_recovered(ctx, st, "no name; ignored (the host name is used), as keepalived does");
	return cfg_kw_string(ctx, st, kw, obj);
}

/* notify_fifo PATH [USER [GROUP]]: keepalived makes the fifo for that user; vipd writes to one that exists. */
static int
kw_fifo(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	char *dst = (char *)obj + kw->off;

	if (cfg_nargs(ctx, st, 1, 3) == -1)
		return -1;
	if (strlen(st->argv[1]) >= kw->size)
		return cfg_stmt_error(ctx, st, "'%s' is too long", st->argv[1]);
	strcpy(dst, st->argv[1]);
	if (st->argc > 2)
		cfg_stmt_warning(ctx, st, "user and group ignored: vipd creates no fifo, it writes to one that exists");
	return 0;
}

/* dynamic_interfaces [allow_if_changes]: what vipd does anyway; keepalived -t's verdict depends on it */
static int
kw_dynamic_interfaces(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	(void)ctx;
	(void)st;
	*(bool *)((char *)obj + kw->off) = true;
	return 0;
}

/* vrrp_cpu_affinity CPU...: the CPUs the vrrp child may run on. */
static int
kw_cpu_affinity(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	uint64_t mask = 0;
	int64_t cpu;

	if (cfg_nargs(ctx, st, 1, 64) == -1)
		return -1;
	for (int i = 1; i < st->argc; i++) {
		if (cfg_parse_int(st->argv[i], 0, 63, &cpu) == -1)
			return cfg_stmt_error(ctx, st, "'%s' is not a CPU number in 0..63", st->argv[i]);
		mask |= UINT64_C(1) << cpu;
	}
	*(uint64_t *)((char *)obj + kw->off) = mask;
	return 0;
}

/* lvs_flush_on_stop [VS]: keepalived 2.2's spelling of lvs_flush_onstop; VS (leave the real servers to
 * the kernel) is what removing a virtual server does anyway. */
static int
kw_flush_on_stop(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (cfg_nargs(ctx, st, 0, 1) == -1)
		return -1;
	if (st->argc == 2 && strcmp(st->argv[1], "VS") != 0)
		return cfg_stmt_error(ctx, st, "'%s': expected nothing or VS", st->argv[1]);
	*(bool *)((char *)obj + kw->off) = true;
	return 0;
}

/* notification_email { ADDR ... }: vipd sends no mail; an empty block is an error keepalived runs past */
static int
kw_notification_email(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	if (st->has_block && st->block == NULL)
		return cfg_stmt_recovered(ctx, st, "empty block; ignored, as keepalived does (vipd sends no mail: "
					  "use notify scripts)");
	return cfg_kw_ignore(ctx, st, kw, obj);
}

/*
 * smtp_server HOST [PORT]: vipd sends no mail, but keepalived resolves HOST while reading the file and
 * counts a name that does not resolve as an error it runs past (it then sends no mail): vipd asks the
 * resolver too, so that both give the same verdict on the same host.
 */
static int
kw_smtp_server(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	const char *port = st->argc > 2 ? st->argv[2] : "25";
	int r;

	if (st->argc < 2)	/* what it was before: accepted and ignored */
		return cfg_kw_ignore(ctx, st, kw, obj);
	if (cfg_nargs_kw(ctx, st, kw, 1, 2) == -1)
		return -1;
	r = getaddrinfo(st->argv[1], port, &hints, &res);
	if (res != NULL)
		freeaddrinfo(res);
	if (r != 0)
		return cfg_stmt_recovered(ctx, st, "'%s' port %s does not resolve (%s); ignored, as keepalived does "
					  "(vipd sends no mail: use notify scripts)", st->argv[1], port, gai_strerror(r));
	return cfg_kw_ignore(ctx, st, kw, obj);
}

/* vrrp_iptables, vrrp_ipsets: keepalived 2.2.7 as Debian builds it (with nftables) counts either as an error
 * and runs without it; vipd configures no firewall at all (kw->data says so) */
static int
kw_no_iptables(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return cfg_stmt_recovered(ctx, st, "no iptables in keepalived 2.2.7 either (it counts this line an error); "
				  "ignored, as keepalived does: %s", (const char *)kw->data);
}

#define G(field) CFG_FIELD(struct cfg_global, field)
#define MAYBE CFG_KW_MAYBE_BLOCK
#define IGNORE(name, why) { name, cfg_kw_ignore, 0, 0, 0, 0, why, MAYBE }
#define BUILTIN(name) { name, vrrp_conf_builtin, 0, 0, 0, 0, NULL, 0 }
#define NO_MAIL "vipd sends no mail; use notify scripts"
#define NO_SNMP "vipd has no SNMP agent; vipctl status --json gives the same facts"
#define NO_DBUS "vipd has no D-Bus interface; use vipctl"
#define NO_NS "vipd runs in the namespace it is started in: start it with ip netns exec NAME"
#define NO_FW "vipd configures no firewall: no_accept is not enforced and IGMP on macvlans is not filtered"
#define OWN_NAMES "vipd's processes are named vipd: vrrp, vipd: ipvs ..."
#define NO_NLBUF "vipd sizes its netlink sockets itself"
#define NO_FIFO_SCRIPT "vipd starts no fifo reader; run it beside vipd"
#define NO_BFD_SCHED "the bfd child runs at the default scheduling priority, on any CPU"
#define NO_RELOAD_FILE "reload with SIGHUP or vipctl reload"
static const struct cfg_keyword global_keywords[] = {
	{ "router_id", kw_router_id, G(router_id), 0, 0, NULL, 0 },
	{ "script_user", cfg_kw_command, G(script_user), 0, 0, NULL, 0 },
	{ "enable_script_security", cfg_kw_flag, G(enable_script_security), 0, 0, NULL, 0 },
	{ "config_strict", cfg_kw_flag, G(config_strict), 0, 0, NULL, 0 },
	{ "vrrp_version", cfg_kw_uint, G(vrrp_version), 2, 3, NULL, 0 },
	{ "vrrp_strict", cfg_kw_ignore, 0, 0, 0, 0,
	  "vipd has no strict mode (its adverts follow RFC 9568; unicast and v2 authentication stay allowed)", 0 },
	{ "vrrp_mcast_group4", cfg_kw_addr, G(vrrp_mcast_group4), 0, 0, NULL, 0 },
	{ "vrrp_mcast_group6", cfg_kw_addr, G(vrrp_mcast_group6), 0, 0, NULL, 0 },
	{ "vrrp_startup_delay", cfg_kw_duration, G(vrrp_startup_delay_ms), 0, MS(3600), NULL, 0 },
	{ "vrrp_garp_master_delay", vrrp_conf_whole_seconds, G(vrrp_garp_master_delay_ms), 0, MS(3600), NULL, 0 },
	{ "vrrp_garp_master_repeat", cfg_kw_uint, G(vrrp_garp_master_repeat), 1, 255, NULL, CFG_KW_CLAMP },
	{ "vrrp_garp_master_refresh", vrrp_conf_whole_seconds, G(vrrp_garp_master_refresh_ms), 0, MS(86400), NULL, 0 },
	{ "vrrp_garp_master_refresh_repeat", cfg_kw_uint, G(vrrp_garp_master_refresh_repeat), 1, 255, NULL,
	  CFG_KW_CLAMP },
	{ "vrrp_garp_lower_prio_delay", cfg_kw_duration, G(vrrp_garp_lower_prio_delay_ms), 0, MS(3600), NULL, 0 },
	{ "vrrp_garp_lower_prio_repeat", cfg_kw_uint, G(vrrp_garp_lower_prio_repeat), 1, 255, NULL, 0 },
	/* keepalived's range, in microseconds: 0 is out of it (ignored, recovered) */
	{ "vrrp_garp_interval", vrrp_conf_usec, G(vrrp_garp_interval_us), 1, UINT32_MAX, NULL, 0 },
	{ "vrrp_gna_interval", vrrp_conf_usec, G(vrrp_gna_interval_us), 1, UINT32_MAX, NULL, 0 },
	{ "vrrp_min_garp", vrrp_conf_min_garp, G(vrrp_min_garp), 0, 0, NULL, 0 },
	{ "vrrp_down_timer_adverts", cfg_kw_uint, G(vrrp_down_timer_adverts), 1, 100, NULL, 0 },
	{ "vrrp_lower_prio_no_advert", cfg_kw_bool, G(vrrp_lower_prio_no_advert), 0, 0, NULL, 0 },
	{ "vrrp_higher_prio_send_advert", cfg_kw_bool, G(vrrp_higher_prio_send_advert), 0, 0, NULL, 0 },
	/* keepalived 2.2.7 reads no value here: any word after it still sets it (`... off` too) */
	{ "vrrp_skip_check_adv_addr", cfg_kw_flag, G(vrrp_skip_check_adv_addr), 0, 0, NULL, 0 },
	{ "vrrp_priority", cfg_kw_int, G(vrrp_priority), -20, 19, NULL, 0 },
	{ "vrrp_rt_priority", cfg_kw_uint, G(vrrp_rt_priority), 1, 99, NULL, CFG_KW_CLAMP },
	{ "vrrp_cpu_affinity", kw_cpu_affinity, G(vrrp_cpu_affinity), 0, 0, NULL, 0 },
	{ "checker_priority", cfg_kw_int, G(checker_priority), -20, 19, NULL, 0 },
	{ "metrics_listen", metrics_conf_listen, G(metrics_listen), 0, 0, NULL, 0 },
	{ "default_interface", cfg_kw_string, G(default_interface), 0, 0, NULL, 0 },
	{ "umask", kw_umask, 0, 0, 0, 0, NULL, 0 },
	{ "startup_script", cfg_kw_command, G(startup_script), 0, 0, NULL, 0 },
	{ "startup_script_timeout", cfg_kw_duration, G(startup_script_timeout_ms), MS(1), MS(1000), NULL, 0 },
	{ "shutdown_script", cfg_kw_command, G(shutdown_script), 0, 0, NULL, 0 },
	{ "shutdown_script_timeout", cfg_kw_duration, G(shutdown_script_timeout_ms), MS(1), MS(1000), NULL, 0 },
	{ "notify_fifo", kw_fifo, G(notify_fifo), 0, 0, NULL, 0 },
	{ "vrrp_notify_fifo", kw_fifo, G(vrrp_notify_fifo), 0, 0, NULL, 0 },
	{ "lvs_notify_fifo", cfg_kw_string, G(lvs_notify_fifo), 0, 0, NULL, 0 },
	{ "lvs_sync_daemon", sync_conf_lvs_sync_daemon, 0, 0, 0, 0, NULL, 0 },
	{ "lvs_timeouts", ipvs_conf_lvs_timeouts, 0, 0, 0, 0, NULL, 0 },
	{ "lvs_flush", cfg_kw_flag, G(lvs_flush), 0, 0, NULL, 0 },
	{ "lvs_flush_onstop", cfg_kw_flag, G(lvs_flush_onstop), 0, 0, NULL, 0 },
	/* what vipd does anyway */
	BUILTIN("vrrp_check_unicast_src"),		/* a unicast instance takes adverts from its peers only */
	/* an instance waits in Fault for its interface anyway; noted for vipd -t (core/conf_scripts.c) */
	{ "dynamic_interfaces", kw_dynamic_interfaces, G(dynamic_interfaces), 0, 0, NULL, 0 },
	BUILTIN("reload_check_config"),			/* a reload with errors keeps the running config */
	/* accepted with a warning that says what vipd does instead */
	{ "notification_email", kw_notification_email, 0, 0, 0, 0, NO_MAIL, MAYBE },
	IGNORE("notification_email_from", NO_MAIL),
	{ "smtp_server", kw_smtp_server, 0, 0, 0, 0, NO_MAIL, 0 },
	IGNORE("smtp_connect_timeout", NO_MAIL), IGNORE("smtp_helo_name", NO_MAIL),
	IGNORE("smtp_alert", NO_MAIL), IGNORE("smtp_alert_vrrp", NO_MAIL), IGNORE("smtp_alert_checker", NO_MAIL),
	IGNORE("no_email_faults", NO_MAIL), IGNORE("no_checker_emails", NO_MAIL),
	IGNORE("snmp_socket", NO_SNMP), IGNORE("enable_snmp_vrrp", NO_SNMP), IGNORE("enable_snmp_keepalived", NO_SNMP),
	IGNORE("enable_snmp_checker", NO_SNMP), IGNORE("enable_snmp_rfc", NO_SNMP), IGNORE("enable_snmp_rfcv2", NO_SNMP),
	IGNORE("enable_snmp_rfcv3", NO_SNMP), IGNORE("enable_traps", NO_SNMP),
	IGNORE("enable_dbus", NO_DBUS), IGNORE("dbus_service_name", NO_DBUS),
	IGNORE("net_namespace", NO_NS), IGNORE("net_namespace_ipvs", NO_NS), IGNORE("namespace_with_ipsets", NO_NS),
	IGNORE("instance", "run each vipd with its own -p PIDFILE and -s SOCKET"),
	IGNORE("use_pid_dir", "the pid file is -p PIDFILE (default /run/vipd/vipd.pid)"),
	IGNORE("nftables", NO_FW), IGNORE("nftables_priority", NO_FW), IGNORE("nftables_counters", NO_FW),
	IGNORE("nftables_ifindex", NO_FW), IGNORE("nftables_ipvs", NO_FW), IGNORE("nftables_ipvs_priority", NO_FW),
	IGNORE("nftables_ipvs_start_fwmark", NO_FW),
	{ "vrrp_iptables", kw_no_iptables, 0, 0, 0, 0, NO_FW, MAYBE },
	{ "vrrp_ipsets", kw_no_iptables, 0, 0, 0, 0, NO_FW, MAYBE },
	IGNORE("disable_local_igmp", "set net.ipv4.igmp_link_local_mcast_reports=0 with sysctl"),
	IGNORE("process_names", OWN_NAMES), IGNORE("process_name", OWN_NAMES), IGNORE("vrrp_process_name", OWN_NAMES),
	IGNORE("checker_process_name", OWN_NAMES), IGNORE("bfd_process_name", OWN_NAMES),
	IGNORE("max_auto_priority", "vipd does not raise its priority by itself; set vrrp_rt_priority"),
	IGNORE("min_auto_priority_delay", "vipd does not raise its priority by itself; set vrrp_rt_priority"),
	IGNORE("vrrp_no_swap", "lock the memory of the service with systemd's MemorySwapMax=0"),
	IGNORE("checker_no_swap", "lock the memory of the service with systemd's MemorySwapMax=0"),
	IGNORE("bfd_no_swap", NO_BFD_SCHED), IGNORE("bfd_priority", NO_BFD_SCHED),
	IGNORE("bfd_rt_priority", NO_BFD_SCHED), IGNORE("bfd_cpu_affinity", NO_BFD_SCHED),
	IGNORE("bfd_rlimit_rttime", NO_BFD_SCHED),
	IGNORE("checker_rt_priority", "only the vrrp child runs real-time (vrrp_rt_priority)"),
	IGNORE("checker_cpu_affinity", "only the vrrp child is pinned (vrrp_cpu_affinity)"),
	IGNORE("vrrp_rlimit_rttime", "the kernel's default RLIMIT_RTTIME applies"),
	IGNORE("checker_rlimit_rttime", "the checkers child does not run real-time"),
	IGNORE("vrrp_garp_extra_if",
	       "vipd announces the addresses on their own interfaces at each transition and garp_master_refresh"),
	IGNORE("vrrp_dont_send_garp", "vipd announces each address once at least; vrrp_min_garp is the least"),
	IGNORE("vrrp_notify_priority_changes", "vipd writes state changes only to the fifos"),
	IGNORE("notify_fifo_script", NO_FIFO_SCRIPT), IGNORE("vrrp_notify_fifo_script", NO_FIFO_SCRIPT),
	IGNORE("lvs_notify_fifo_script", NO_FIFO_SCRIPT),
	IGNORE("fifo_write_vrrp_states_on_reload", "a reload that changes no state writes nothing to the fifos"),
	IGNORE("vrrp_netlink_cmd_rcv_bufs", NO_NLBUF), IGNORE("vrrp_netlink_cmd_rcv_bufs_force", NO_NLBUF),
	IGNORE("vrrp_netlink_monitor_rcv_bufs", NO_NLBUF), IGNORE("vrrp_netlink_monitor_rcv_bufs_force", NO_NLBUF),
	IGNORE("lvs_netlink_cmd_rcv_bufs", NO_NLBUF), IGNORE("lvs_netlink_cmd_rcv_bufs_force", NO_NLBUF),
	IGNORE("lvs_netlink_monitor_rcv_bufs", NO_NLBUF), IGNORE("lvs_netlink_monitor_rcv_bufs_force", NO_NLBUF),
	IGNORE("process_monitor_rcv_bufs", NO_NLBUF), IGNORE("process_monitor_rcv_bufs_force", NO_NLBUF),
	IGNORE("vrrp_rx_bufs_policy", "each instance's kernel_rx_buf_size sets its socket's buffer"),
	IGNORE("vrrp_rx_bufs_multiplier", "each instance's kernel_rx_buf_size sets its socket's buffer"),
	IGNORE("checker_log_all_failures", "the checkers child logs each failed check with -D"),
	IGNORE("rs_init_notifies", "notify_up runs when a real server first comes up"),
	IGNORE("linkbeat_use_polling", "vipd follows the links through rtnetlink"),
	IGNORE("log_unknown_vrids", "vipctl status counts adverts of unknown VRIDs per interface"),
	IGNORE("vmac_prefix", "vipd names its macvlans vrrp.VRID unless use_vmac names one"),
	IGNORE("vmac_addr_prefix", "vipd names its macvlans vrrp.VRID unless use_vmac names one"),
	IGNORE("random_seed", "vipd has no ${_RANDOM}"),
	IGNORE("include_check", "a missing include file is an error only when it names no pattern"),
	IGNORE("reload_time_file", NO_RELOAD_FILE), IGNORE("reload_repeat", NO_RELOAD_FILE),
	IGNORE("reload_file", NO_RELOAD_FILE),
	IGNORE("tmp_config_directory", "vipd's parent reads the file once and sends the children its objects"),
	IGNORE("config_save_dir", "vipd keeps no copies of its configuration"),
	IGNORE("data_use_instance", "vipd writes no .data files; use vipctl status --json"),
	IGNORE("child_wait_time", "vipd waits for its children in order at SIGTERM"),
	{ "lvs_flush_on_stop", kw_flush_on_stop, G(lvs_flush_onstop), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef G

static const struct cfg_block global_block = { "global_defs", global_keywords, NULL };

static int
kw_global_defs(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	bool outer = ctx->recover;
	int r;

	if (cfg_nargs(ctx, st, 0, 0) == -1)
		return -1;
	ctx->conf->global->hdr.pos = st->pos;
	ctx->recover = true;	/* keepalived runs past a bad value in global_defs, ignoring its line */
	r = cfg_walk(ctx, &global_block, st->block, ctx->conf->global) == 0 ? 0 : -1;
	ctx->recover = outer;
	return r;
}

static const struct cfg_keyword top_keywords[] = {
	{ "global_defs", kw_global_defs, 0, 0, 0, 0, NULL, CFG_KW_BLOCK },
	{ "vrrp_script", cfg_kw_object, 0, 0, 0, 0, &vrrp_script_spec, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "vrrp_instance", cfg_kw_object, 0, 0, 0, 0, &vrrp_instance_spec, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "vrrp_sync_group", cfg_kw_object, 0, 0, 0, 0, &vrrp_sync_group_spec, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "virtual_server_group", cfg_kw_object, 0, 0, 0, 0, &virtual_server_group_spec, CFG_KW_BLOCK },
	{ "virtual_server", cfg_kw_object, 0, 0, 0, 0, &virtual_server_spec, CFG_KW_BLOCK | CFG_KW_SHAPE },
	{ "connection_sync", cfg_kw_object, 0, 0, 0, 0, &conn_sync_spec, CFG_KW_BLOCK },
	{ "SSL", cfg_kw_object, 0, 0, 0, 0, &check_ssl_conf_spec, CFG_KW_BLOCK },
	{ "static_ipaddress", vrrp_conf_static, 0, 0, VRRP_STATIC_ADDR, 0, NULL, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "static_routes", vrrp_conf_static, 0, 0, VRRP_STATIC_ROUTE, 0, NULL, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "static_rules", vrrp_conf_static, 0, 0, VRRP_STATIC_RULE, 0, NULL, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "track_file", cfg_kw_object, 0, 0, 0, 0, &vrrp_track_file_spec, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "vrrp_track_file", cfg_kw_object, 0, 0, 0, 0, &vrrp_track_file_spec,
	  CFG_KW_BLOCK | CFG_KW_DEPRECATED | CFG_KW_RECOVER },
	{ "vrrp_track_process", cfg_kw_object, 0, 0, 0, 0, &vrrp_track_process_spec, CFG_KW_BLOCK | CFG_KW_RECOVER },
	{ "bfd_instance", cfg_kw_object, 0, 0, 0, 0, &bfd_instance_spec, CFG_KW_BLOCK },
	/* keepalived reads these outside global_defs too */
	IGNORE("net_namespace", NO_NS), IGNORE("net_namespace_ipvs", NO_NS), IGNORE("namespace_with_ipsets", NO_NS),
	IGNORE("instance", "run each vipd with its own -p PIDFILE and -s SOCKET"),
	IGNORE("use_pid_dir", "the pid file is -p PIDFILE (default /run/vipd/vipd.pid)"),
	IGNORE("linkbeat_use_polling", "vipd follows the links through rtnetlink"),
	IGNORE("child_wait_time", "vipd waits for its children in order at SIGTERM"),
	IGNORE("linkbeat_interfaces", "vipd follows the links through rtnetlink"),
	IGNORE("interface_up_down_delays", "an instance goes to Fault and back as soon as its link does"),
	IGNORE("track_group", "vipd does not watch static addresses, routes and rules"),
	IGNORE("garp_group", "vrrp_garp_interval and vrrp_gna_interval pace every interface alike"),
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};

static const struct cfg_block top_block = { "the top level", top_keywords, NULL };

#define NAMED(type) offsetof(type, name), sizeof(((type *)0)->name)
#define VRRP CHILD_BIT(CHILD_VRRP)
#define IPVS CHILD_BIT(CHILD_IPVS)
#define CHECK CHILD_BIT(CHILD_CHECKERS)
#define SYNC CHILD_BIT(CHILD_SYNC)
#define BFD CHILD_BIT(CHILD_BFD)

static const struct cfg_kind_info kinds[CFG_KIND_MAX] = {
	[CFG_GLOBAL] = { "global_defs", sizeof(struct cfg_global), CHILD_ALL, &global_block, 0, 0 },
	[CFG_VRRP_SCRIPT] = { "vrrp_script", sizeof(struct cfg_vrrp_script), VRRP, &vrrp_script_block,
			      NAMED(struct cfg_vrrp_script) },
	[CFG_VRRP_INSTANCE] = { "vrrp_instance", sizeof(struct cfg_vrrp_instance), VRRP | SYNC,
				&vrrp_instance_block, NAMED(struct cfg_vrrp_instance) },
	[CFG_VRRP_SYNC_GROUP] = { "vrrp_sync_group", sizeof(struct cfg_vrrp_sync_group), VRRP,
				  &vrrp_sync_group_block, NAMED(struct cfg_vrrp_sync_group) },
	[CFG_VS_GROUP] = { "virtual_server_group", sizeof(struct cfg_vs_group), IPVS | CHECK, NULL,
			   NAMED(struct cfg_vs_group) },
	[CFG_VS_GROUP_ENTRY] = { "virtual_server_group entry", sizeof(struct cfg_vs_group_entry), IPVS | CHECK,
				 NULL, 0, 0 },
	[CFG_VIRTUAL_SERVER] = { "virtual_server", sizeof(struct cfg_virtual_server), IPVS | CHECK,
				 &virtual_server_block, offsetof(struct cfg_virtual_server, group), CFG_NAME_MAX },
	[CFG_REAL_SERVER] = { "real_server", sizeof(struct cfg_real_server), IPVS | CHECK, &real_server_block,
			      0, 0 },
	/* the ipvs child needs them too: a real server with an alpha checker starts down */
	[CFG_CHECKER] = { "checker", sizeof(struct cfg_checker), IPVS | CHECK, &check_conf_block, 0, 0 },
	[CFG_CONN_SYNC] = { "connection_sync", sizeof(struct cfg_conn_sync), SYNC, &conn_sync_block,
			    NAMED(struct cfg_conn_sync) },
	[CFG_CHECK_URL] = { "url", sizeof(struct cfg_check_url), CHECK, &check_url_block, 0, 0 },
	[CFG_SSL] = { "SSL", sizeof(struct cfg_ssl), CHECK, &check_ssl_block, 0, 0 },
	[CFG_VRRP_STATIC] = { "static address, route or rule", sizeof(struct cfg_vrrp_static), VRRP, NULL, 0, 0 },
	/* FILE_CHECK reads them too */
	[CFG_VRRP_TRACK_FILE] = { "track_file", sizeof(struct cfg_vrrp_track_file), VRRP | CHECK,
				  &vrrp_track_file_block, NAMED(struct cfg_vrrp_track_file) },
	[CFG_VRRP_TRACK_PROCESS] = { "vrrp_track_process", sizeof(struct cfg_vrrp_track_process), VRRP,
				     &vrrp_track_process_block, NAMED(struct cfg_vrrp_track_process) },
	[CFG_BFD_INSTANCE] = { "bfd_instance", sizeof(struct cfg_bfd_instance), BFD, &bfd_instance_block,
			       NAMED(struct cfg_bfd_instance) },
};

const struct cfg_kind_info *
cfg_kind_info(unsigned kind)
{
	return kind < CFG_KIND_MAX ? &kinds[kind] : NULL;
}

/* Typing while reading: each top-level block as soon as it is closed. */
struct typing {
	struct cfg_ctx ctx;
	size_t errors;		/* of typing; the rest of diag's are the reader's */
};

static void
type_top_block(void *arg, const struct cfg_stmt *st)
{
	struct typing *t = arg;
	size_t before = t->ctx.diag->nerrors;

	t->ctx.partial = before > t->errors;
	cfg_walk(&t->ctx, &top_block, st, NULL);
	t->errors += t->ctx.diag->nerrors - before;
}

struct config *
conf_load(const char *path, const char *config_id, struct cfg_diag *diag)
{
	return conf_load_strict(path, config_id, false, diag);
}

struct config *
conf_load_strict(const char *path, const char *config_id, bool strict, struct cfg_diag *diag)
{
	struct config *conf = config_new();
	struct typing typing = { .errors = 0 };
	struct cfg_read_opts opts = { .config_id = config_id, .top_block = type_top_block, .top_block_arg = &typing };
	struct cfg_item_pos item_pos = { NULL, 0, 0 };
	struct cfg_ctx ctx;

	cfg_diag_init(diag, NULL);
	diag->strict = strict;
	if (conf != NULL)
		vrrp_conf_global_defaults(conf->global);
	if (conf == NULL || (conf->path = strdup(path)) == NULL) {
		cfg_error_nopos(diag, "out of memory");
		config_free(conf);
		return NULL;
	}
	/* the statements read despite errors are still typed, so one run reports every error there is */
	ctx = (struct cfg_ctx){ .conf = conf, .diag = diag, .files = &conf->source.files, .pos = &item_pos };
	typing.ctx = ctx;
	ctx.partial = cfg_read_file(path, &opts, &conf->source, diag) > (int)typing.errors;
	/* what is left: statements without a block, and blocks an error left open */
	cfg_walk(&ctx, &top_block, conf->source.root, NULL);
	if (diag->nerrors == 0) {
		conf_scripts_users(&ctx);
		check_conf_inherit(&ctx);
		vrrp_conf_check(&ctx);
		bfd_conf_check(&ctx);
		ipvs_conf_check(&ctx);
		sync_conf_check(&ctx);
	}
	if (diag->nerrors == 0)
		conf_scripts_check(&ctx);
	cfg_item_pos_free(&item_pos);
	if (conf->global->config_strict && diag->nrecovered > 0)
		cfg_diag_refuse_recovered(diag);
	/* the objects are all there is to keep: a large file's statements are tens of MB */
	cfg_source_drop_tree(&conf->source);
	if (diag->nerrors == 0 && config_keep_warnings(conf, diag) == -1)
		cfg_error_nopos(diag, "out of memory");
	if (diag->nerrors > 0) {
		diag->files = NULL;	/* the messages are formatted; the names go with the config */
		config_free(conf);
		return NULL;
	}
	return conf;
}

bool
conf_unchanged(const struct config *conf, const char *config_id)
{
	struct cfg_read_opts opts = { .config_id = config_id };

	return cfg_inputs_unchanged(&conf->source.inputs, &opts);
}
