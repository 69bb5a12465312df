/*
 * The typed configuration: pointer-free structs, one per kind of object, that the parent fills from the
 * config file and copies byte for byte to the children that need them. Objects refer to each other by id
 * (a real_server's parent is its virtual_server's id), never by pointer, so they survive the trip.
 *
 * Adding a keyword: a field here, one line in the block's keyword table (vrrp/vrrp_conf.c, ...).
 * Adding a kind of object: an enum value, a struct, and a line in cfg_kinds (lib/config.c).
 */
#ifndef VIPD_CONFIG_H
#define VIPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cfg.h"
#include "lib/strtab.h"

#define CFG_NAME_MAX 64
#define CFG_IFNAME_MAX 16
#define CFG_USER_MAX 32
#define CFG_NOTIFY_USER_MAX (CFG_USER_MAX * 2)	/* "USER GROUP" */
#define CFG_PATH_MAX 512
#define CFG_CMD_MAX 1024
#define CFG_SCHED_MAX 16

/* The children of the parent; a kind of object is sent to those in its mask. */
enum child_kind {
	CHILD_VRRP,
	CHILD_IPVS,
	CHILD_CHECKERS,
	CHILD_SYNC,
	CHILD_BFD,
	CHILD_METRICS,
	CHILD_MAX
};
#define CHILD_BIT(c) (1u << (c))
#define CHILD_ALL ((1u << CHILD_MAX) - 1)

enum cfg_kind {
	CFG_GLOBAL,
	CFG_VRRP_SCRIPT,
	CFG_VRRP_INSTANCE,
	CFG_VRRP_SYNC_GROUP,
	CFG_VS_GROUP,
	CFG_VS_GROUP_ENTRY,
	CFG_VIRTUAL_SERVER,
	CFG_REAL_SERVER,
	CFG_CHECKER,
	CFG_CONN_SYNC,
	CFG_CHECK_URL,		/* checkers: a url { } block of HTTP_GET / SSL_GET */
	CFG_SSL,		/* checkers: the top-level SSL { } block for SSL_GET */
	CFG_VRRP_STATIC,	/* vrrp: a line of static_ipaddress, static_routes or static_rules */
	CFG_VRRP_TRACK_FILE,	/* vrrp: a track_file block */
	CFG_VRRP_TRACK_PROCESS,	/* vrrp: a vrrp_track_process block */
	CFG_BFD_INSTANCE,	/* bfd: a bfd_instance block */
	CFG_KIND_MAX
};

/* The first member of every object. */
struct cfg_obj {
	uint32_t id;		/* 1.. within its kind, in file order */
	uint32_t parent;	/* id of the enclosing object (kind fixed by the schema), 0 if none */
	uint16_t kind;
	uint16_t reserved;
	struct cfg_pos pos;	/* where its statement is */
};

enum cfg_family { CFG_AF_UNSPEC = 0, CFG_AF_INET = 4, CFG_AF_INET6 = 6 };

/*
 * A string kept in the config's string table and read with config_text(): for the commands and paths of
 * the kinds that come by the hundred thousand (virtual and real servers, checkers, urls), where a fixed
 * 1 KiB array in each object made a large config hundreds of MB. Offsets belong to one config's table:
 * texts of two configs compare by content (config_obj_same), never by offset.
 */
struct cfg_text {
	uint32_t off;		/* 0: the empty string */
};

struct cfg_lvs_sync_daemon {
	bool enabled;
	bool from_instance;		/* set by a vrrp_instance's lvs_sync_daemon_interface */
	char interface[CFG_IFNAME_MAX];
	char instance[CFG_NAME_MAX];	/* VRRP instance whose state it follows; "" = none */
	uint32_t syncid;
	uint32_t maxlen;
	uint32_t port;
	uint32_t ttl;
	struct cfg_addr group;		/* family 0 = kernel default */
};

struct cfg_global {
	struct cfg_obj hdr;
	char router_id[CFG_NAME_MAX];
	char script_user[CFG_USER_MAX];
	bool enable_script_security;
	bool dynamic_interfaces;	/* given: only what keepalived -t reports depends on it */
	bool config_strict;		/* every error keepalived would recover from is refused */
	uint32_t vrrp_version;		/* 2 or 3 */
	struct cfg_addr vrrp_mcast_group4;
	struct cfg_addr vrrp_mcast_group6;
	uint64_t vrrp_startup_delay_ms;
	uint64_t vrrp_garp_master_delay_ms;
	uint32_t vrrp_garp_master_repeat;
	uint64_t vrrp_garp_master_refresh_ms;
	char notify_fifo[CFG_PATH_MAX];
	char vrrp_notify_fifo[CFG_PATH_MAX];
	char lvs_notify_fifo[CFG_PATH_MAX];
	struct cfg_lvs_sync_daemon lvs_sync_daemon;
	uint32_t lvs_timeout_tcp, lvs_timeout_tcpfin, lvs_timeout_udp;	/* seconds; 0 = unchanged */
	bool lvs_flush;
	bool lvs_flush_onstop;
	/* VRRP defaults of every instance (keepalived's vrrp_ globals) */
	bool vrrp_skip_check_adv_addr;
	uint64_t vrrp_garp_interval_us;		/* between two gratuitous ARPs on one interface */
	uint64_t vrrp_gna_interval_us;		/* between two unsolicited NAs on one interface */
	uint64_t vrrp_garp_lower_prio_delay_ms;	/* UINT64_MAX: vrrp_garp_master_delay */
	uint32_t vrrp_garp_lower_prio_repeat;	/* 0: vrrp_garp_master_repeat */
	uint32_t vrrp_garp_master_refresh_repeat;
	uint32_t vrrp_down_timer_adverts;
	bool vrrp_lower_prio_no_advert;
	bool vrrp_higher_prio_send_advert;
	bool vrrp_min_garp;
	/* the vrrp child's scheduling */
	int32_t vrrp_priority;			/* nice value, -20..19 */
	uint32_t vrrp_rt_priority;		/* SCHED_RR priority, 0 = not real-time */
	uint64_t vrrp_cpu_affinity;		/* CPU bit mask, 0 = any */
	char default_interface[CFG_IFNAME_MAX];	/* for static addresses and routes without dev */
	/* parsed here, applied by the parent (core/parent.c) */
	bool umask_set;
	uint32_t umask;
	char startup_script[CFG_CMD_MAX];
	uint64_t startup_script_timeout_ms;
	char shutdown_script[CFG_CMD_MAX];
	uint64_t shutdown_script_timeout_ms;
	int32_t checker_priority;		/* nice value of the checkers child */
	struct { struct cfg_addr addr; uint32_t port; } metrics_listen;	/* vipd's own; port 0: no metrics child */
};

struct cfg_vrrp_script {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	char script[CFG_CMD_MAX];
	uint64_t interval_ms;
	uint64_t timeout_ms;
	int32_t weight;
	bool reverse;			/* weight applies while failing (and the opposite while well) */
	uint32_t rise, fall;
	char user[CFG_USER_MAX];
	bool init_fail;
};

enum vrrp_wanted_state { VRRP_WANT_BACKUP = 0, VRRP_WANT_MASTER = 1 };
enum vrrp_auth_type { VRRP_AUTH_NONE = 0, VRRP_AUTH_PASS = 1, VRRP_AUTH_AH = 2 };

#define CFG_VRRP_VIP_MAX 64
#define CFG_VRRP_ROUTE_MAX 32
#define CFG_VRRP_PEER_MAX 16
#define CFG_VRRP_TRACK_MAX 16
#define CFG_VRRP_RULE_MAX 16
#define CFG_VRRP_AUTH_LEN 8

/* One line of virtual_ipaddress or virtual_ipaddress_excluded: ADDR[/LEN] [dev D] [label L] [scope S] [brd B]. */
struct cfg_vrrp_vip {
	struct cfg_addr addr;
	struct cfg_addr brd;		/* family 0 = none */
	char dev[CFG_IFNAME_MAX];	/* "" = the instance's interface */
	char label[CFG_IFNAME_MAX];
	int32_t scope;			/* RT_SCOPE_* */
	bool excluded;			/* not carried in adverts */
	struct cfg_addr peer;		/* point-to-point peer, family 0 = none */
	uint32_t flags;			/* IFA_F_ (home, mngtmpaddr, noprefixroute, autojoin, nodad) */
	int64_t preferred_lft;		/* seconds; -1 = none given: forever, but 0 for an IPv6 /128 */
};

/* One line of virtual_routes: DST/LEN [via GW] [src ADDR] [dev D] [metric N] [table N] [scope S] | blackhole DST. */
struct cfg_vrrp_route {
	struct cfg_addr dst;
	struct cfg_addr via;		/* family 0 = none */
	struct cfg_addr src;		/* family 0 = none */
	char dev[CFG_IFNAME_MAX];
	uint32_t metric;
	uint32_t table;			/* 0 = main */
	int32_t scope;			/* RT_SCOPE_*, -1 = none given (universe, as keepalived) */
	bool blackhole;
	uint8_t type;			/* RTN_* of unreachable, prohibit, throw; 0 = unicast (or blackhole) */
	uint8_t protocol;		/* RTPROT_*, 0 = keepalived's (18) */
	bool onlink;
	uint32_t mtu;			/* 0 = none */
	struct cfg_addr via_or;		/* `via A or B`: a second next hop (multipath), family 0 = none */
};

/* One line of virtual_rules or static_rules: [not] [from P] [to P] [iif D] [oif D] [fwmark N[/M]] [tos N]
 * [preference N] table N | goto N | blackhole | unreachable | prohibit. */
struct cfg_vrrp_rule {
	uint8_t family;
	uint8_t action;			/* FR_ACT_* */
	bool invert;
	uint8_t tos;
	struct cfg_addr from, to;	/* family 0 = any */
	char iif[CFG_IFNAME_MAX];
	char oif[CFG_IFNAME_MAX];
	uint32_t table;
	uint32_t priority;		/* preference; 0 = none given */
	uint32_t fwmark, fwmask;
	uint32_t goto_priority;
};

/* A line of track_interface, track_script or track_file: a name and its weight (0: failure means FAULT). */
struct cfg_vrrp_track {
	char name[CFG_NAME_MAX];
	int32_t weight;
	bool weight_set;		/* track_script, track_file: else the script's or file's own weight */
	bool reverse;
};

struct cfg_vrrp_instance {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	int32_t state;			/* enum vrrp_wanted_state */
	char interface[CFG_IFNAME_MAX];
	uint32_t vrid;
	uint32_t priority;
	bool priority_given;		/* else 255 with state MASTER, 100 otherwise (instance_finish) */
	uint64_t advert_int_ms;
	uint32_t version;		/* 0 = global vrrp_version */
	bool nopreempt;
	uint64_t preempt_delay_ms;
	bool accept;
	struct cfg_addr mcast_src_ip;
	struct cfg_addr unicast_src_ip;
	uint64_t garp_master_delay_ms;
	uint32_t garp_master_repeat;
	uint64_t garp_master_refresh_ms;
	bool dont_track_primary;
	char notify_master[CFG_CMD_MAX];
	char notify_backup[CFG_CMD_MAX];
	char notify_fault[CFG_CMD_MAX];
	char notify_stop[CFG_CMD_MAX];
	char notify[CFG_CMD_MAX];
	/* each notify script's "USER [GROUP]"; empty: script_user */
	char notify_master_user[CFG_NOTIFY_USER_MAX];
	char notify_backup_user[CFG_NOTIFY_USER_MAX];
	char notify_fault_user[CFG_NOTIFY_USER_MAX];
	char notify_stop_user[CFG_NOTIFY_USER_MAX];
	char notify_user[CFG_NOTIFY_USER_MAX];
	int32_t auth_type;		/* enum vrrp_auth_type, v2 only */
	char auth_pass[CFG_VRRP_AUTH_LEN + 1];
	bool v3_checksum_as_v2;		/* IPv4 v3 checksum without the pseudo-header (old keepalived, Cisco) */
	uint32_t nvips;
	struct cfg_vrrp_vip vips[CFG_VRRP_VIP_MAX];
	uint32_t nroutes;
	struct cfg_vrrp_route routes[CFG_VRRP_ROUTE_MAX];
	uint32_t npeers;
	struct cfg_addr peers[CFG_VRRP_PEER_MAX];
	uint32_t ntrack_if;
	struct cfg_vrrp_track track_if[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_script;
	struct cfg_vrrp_track track_script[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_file;
	struct cfg_vrrp_track track_file[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_process;
	struct cfg_vrrp_track track_process[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_bfd;		/* bfd_conf_check gives each its bfd_instance's weight when it has none */
	struct cfg_vrrp_track track_bfd[CFG_VRRP_TRACK_MAX];
	uint32_t nrules;
	struct cfg_vrrp_rule rules[CFG_VRRP_RULE_MAX];
	uint8_t peer_min_ttl[CFG_VRRP_PEER_MAX];	/* unicast: the TTL range accepted from each peer */
	uint8_t peer_max_ttl[CFG_VRRP_PEER_MAX];	/* (0, 0: 255 only, as for multicast) */
	bool unicast_fault_no_peer;
	uint32_t unicast_ttl;		/* 0 = 255 */
	struct cfg_addr mcast_dst_ip;	/* family 0 = the global group */
	int32_t skip_check_adv_addr;	/* -1 = vrrp_skip_check_adv_addr */
	int32_t lower_prio_no_advert;	/* -1 = the global */
	int32_t higher_prio_send_advert;	/* -1 = the global */
	uint64_t garp_lower_prio_delay_ms;
	uint32_t garp_lower_prio_repeat;
	uint32_t garp_master_refresh_repeat;
	uint32_t down_timer_adverts;	/* Master_Down_Interval = this many intervals + Skew_Time */
	uint32_t kernel_rx_buf_size;	/* SO_RCVBUF of the instance's socket, 0 = the system's */
	char notify_master_rx_lower_pri[CFG_CMD_MAX];
	char notify_master_rx_lower_pri_user[CFG_NOTIFY_USER_MAX];
	bool notify_deleted;		/* removed at a reload: notify DELETED, not FAULT */
	char notify_deleted_cmd[CFG_CMD_MAX];
	char notify_deleted_user[CFG_NOTIFY_USER_MAX];
	bool use_vmac;			/* the addresses go on a macvlan with the VRRP MAC */
	char vmac_name[CFG_IFNAME_MAX];	/* "" = vrrp.VRID */
	uint8_t vmac_mac[6];		/* use_vmac's own MAC; all zero = the VRRP MAC of the VRID */
	bool vmac_short;		/* it was given with 5 octets: the VRID is the sixth */
	bool vmac_xmit_base;		/* adverts on the base interface, not the macvlan */
	bool promote_secondaries;	/* on the interface: removing one address keeps the others of its subnet */
};

/* A line of static_ipaddress, static_routes or static_rules: the vrrp child sets it up at start and removes
 * it at stop, whatever the instances' states. */
enum cfg_vrrp_static_type { VRRP_STATIC_ADDR, VRRP_STATIC_ROUTE, VRRP_STATIC_RULE };
struct cfg_vrrp_static {
	struct cfg_obj hdr;
	int32_t type;			/* enum cfg_vrrp_static_type */
	struct cfg_vrrp_vip addr;
	struct cfg_vrrp_route route;
	struct cfg_vrrp_rule rule;
};

/* track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] } */
struct cfg_vrrp_track_file {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	char path[CFG_PATH_MAX];
	int32_t weight;
	bool reverse;
	bool init_file;
	bool overwrite;
	int64_t init_value;
};

/* param_match: not given (parameters, if any, must all match), partial or initial */
enum cfg_param_match { VRRP_PARAMS_UNSET = 0, VRRP_PARAMS_PARTIAL, VRRP_PARAMS_INITIAL };
#define CFG_PROCESS_PARAMS_MAX 16

/* vrrp_track_process NAME { process NAME [PARAM...]; param_match; weight; quorum; quorum_max; delays } */
struct cfg_vrrp_track_process {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	char process[CFG_PATH_MAX];	/* the command name (comm), or argv[0] when matching the command line */
	uint32_t nparams;
	char params[CFG_CMD_MAX];	/* nparams words, each ended by a NUL */
	int32_t param_match;		/* enum cfg_param_match; given without parameters: none allowed */
	bool full_command;		/* match /proc/PID/cmdline rather than the name */
	int32_t weight;
	bool reverse;
	uint32_t quorum, quorum_max;	/* running processes for success: quorum to quorum_max */
	uint64_t fork_delay_ms, terminate_delay_ms;
};

#define CFG_SYNC_GROUP_MAX 32
struct cfg_vrrp_sync_group {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	uint32_t nmembers;
	char members[CFG_SYNC_GROUP_MAX][CFG_NAME_MAX];
	char notify_master[CFG_CMD_MAX];
	char notify_backup[CFG_CMD_MAX];
	char notify_fault[CFG_CMD_MAX];
	char notify_stop[CFG_CMD_MAX];
	char notify[CFG_CMD_MAX];
	/* each notify script's "USER [GROUP]"; empty: script_user */
	char notify_master_user[CFG_NOTIFY_USER_MAX];
	char notify_backup_user[CFG_NOTIFY_USER_MAX];
	char notify_fault_user[CFG_NOTIFY_USER_MAX];
	char notify_stop_user[CFG_NOTIFY_USER_MAX];
	char notify_user[CFG_NOTIFY_USER_MAX];
	/* tracking of the whole group: given to each member by vrrp_conf_check */
	uint32_t ntrack_if;
	struct cfg_vrrp_track track_if[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_script;
	struct cfg_vrrp_track track_script[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_file;
	struct cfg_vrrp_track track_file[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_process;
	struct cfg_vrrp_track track_process[CFG_VRRP_TRACK_MAX];
	uint32_t ntrack_bfd;
	struct cfg_vrrp_track track_bfd[CFG_VRRP_TRACK_MAX];
};

struct cfg_vs_group {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
};

/* One line of a virtual_server_group: IP[-LAST] PORT, or fwmark N. */
struct cfg_vs_group_entry {
	struct cfg_obj hdr;		/* parent: the group */
	struct cfg_addr addr;
	struct cfg_addr last;		/* range end (same family), or family 0 */
	uint32_t port;
	uint32_t fwmark;		/* non-zero: a fwmark entry */
};

enum cfg_lvs_method { LVS_NAT = 0, LVS_DR, LVS_TUN };
enum cfg_protocol { PROTO_TCP = 6, PROTO_UDP = 17, PROTO_SCTP = 132 };

/*
 * What a virtual_server or a real_server gives the checkers below it that do not say it themselves
 * (keepalived 2): the nearest one written wins, then the checker kind's default. CFG_CHECK_UNSET (or -1,
 * or the empty text) where not written.
 */
#define CFG_CHECK_UNSET UINT32_MAX
struct cfg_check_defaults {
	uint32_t connect_timeout_ms;
	uint32_t delay_before_retry_ms;
	uint32_t warmup_ms;
	uint32_t retry;
	uint32_t delay_loop_ms;		/* real_server only: a virtual server's is delay_loop_ms */
	int8_t alpha;			/* real_server only: a virtual server's is alpha */
	struct cfg_text virtualhost;	/* real_server only: a virtual server's is virtualhost */
};

struct cfg_virtual_server {
	struct cfg_obj hdr;
	/* what it is: an address and port, a fwmark, or a group */
	struct cfg_addr addr;
	uint32_t port;
	uint32_t fwmark;
	char group[CFG_NAME_MAX];
	int32_t family;			/* enum cfg_family from ip_family, 0 = from the address */
	int32_t protocol;		/* enum cfg_protocol */
	char sched[CFG_SCHED_MAX];
	int32_t method;			/* enum cfg_lvs_method */
	uint64_t delay_loop_ms;
	uint32_t persistence_timeout;	/* seconds, 0 = not persistent */
	struct cfg_addr persistence_granularity;
	char persistence_engine[CFG_NAME_MAX];
	bool ops;
	char virtualhost[CFG_NAME_MAX];
	uint32_t quorum;
	int32_t hysteresis;
	struct cfg_text quorum_up;
	struct cfg_text quorum_down;
	struct cfg_text quorum_up_user;		/* "USER [GROUP]"; empty: script_user */
	struct cfg_text quorum_down_user;
	bool alpha, omega;
	bool inhibit_on_failure;
	bool ha_suspend;
	struct cfg_addr sorry_server;	/* family 0 = none */
	uint32_t sorry_server_port;
	bool sorry_server_inhibit;
	int32_t sorry_method;		/* sorry_server_lvs_method; -1 = the virtual server's */
	int32_t sorry_tun_type;
	uint32_t sorry_tun_port;
	uint32_t sorry_tun_flags;
	struct cfg_check_defaults checks;
	uint32_t sched_flags;		/* flag-1..3, sh-/mh-fallback, sh-/mh-port: IP_VS_SVC_F_SCHED1..3 */
	int32_t tun_type;		/* with lvs_method TUN: 0 ipip, 1 gue, 2 gre */
	uint32_t tun_port;		/* gue */
	uint32_t tun_flags;		/* 0 nocsum, 1 csum, 2 remcsum */
};

struct cfg_real_server {
	struct cfg_obj hdr;		/* parent: the virtual_server */
	struct cfg_addr addr;
	uint32_t port;
	int32_t weight;
	int32_t method;			/* -1 = the virtual server's */
	uint32_t uthreshold, lthreshold;
	bool inhibit_on_failure;
	struct cfg_text notify_up;
	struct cfg_text notify_down;
	struct cfg_text notify_up_user;		/* "USER [GROUP]"; empty: script_user */
	struct cfg_text notify_down_user;
	int32_t tun_type;		/* with lvs_method TUN (its own or the virtual server's) */
	uint32_t tun_port;
	uint32_t tun_flags;
	struct cfg_check_defaults checks;
};

enum cfg_checker_type {
	CHECK_TCP, CHECK_HTTP, CHECK_SSL, CHECK_MISC, CHECK_SMTP, CHECK_DNS, CHECK_UDP, CHECK_PING, CHECK_FILE,
	CHECK_BFD, CHECK_TYPE_MAX
};

enum cfg_http_protocol { CHECK_HTTP_10 = 0, CHECK_HTTP_10C, CHECK_HTTP_11 };
#define CFG_CHECK_DATA_MAX 128	/* UDP_CHECK payload / reply bytes */
#define CFG_DNS_NAME_MAX 256

struct cfg_checker {
	struct cfg_obj hdr;		/* parent: the real_server */
	int32_t type;			/* enum cfg_checker_type */
	struct cfg_addr connect_ip;
	uint32_t connect_port;
	struct cfg_addr bindto;
	uint32_t bind_port;
	char bind_if[CFG_IFNAME_MAX];
	uint64_t connect_timeout_ms;
	uint32_t retry;
	uint64_t delay_before_retry_ms;	/* UINT64_MAX = the delay loop (DNS_CHECK's default) */
	uint64_t delay_loop_ms;		/* 0 = the virtual server's */
	uint64_t warmup_ms;		/* UINT64_MAX = unset: the delay loop */
	int8_t alpha;			/* 0 or 1 once read; -1 while unset (then the real server's) */
	uint32_t fwmark;
	struct cfg_text misc_path;
	uint64_t misc_timeout_ms;	/* 0 = the delay loop */
	bool misc_dynamic;
	char user[CFG_USER_MAX];
	/* HTTP_GET, SSL_GET; their urls are CFG_CHECK_URL objects whose parent is this checker */
	int32_t http_protocol;		/* enum cfg_http_protocol */
	char virtualhost[CFG_NAME_MAX];
	bool enable_sni;
	char sni_name[CFG_NAME_MAX];
	bool verify_cert;		/* vipd: verify the server's chain (SSL block's ca) and name */
	/* DNS_CHECK */
	int32_t dns_type;		/* RR type number */
	struct cfg_text dns_name;	/* at most CFG_DNS_NAME_MAX - 1 characters */
	/* UDP_CHECK: bytes, and for the reply a mask of the nibbles that must match */
	uint32_t payload_len;
	uint8_t payload[CFG_CHECK_DATA_MAX];
	bool require_reply;
	uint32_t reply_len;
	uint8_t reply[CFG_CHECK_DATA_MAX];
	uint8_t reply_mask[CFG_CHECK_DATA_MAX];
	uint32_t min_reply_length, max_reply_length;
	/* SMTP_CHECK */
	char helo_name[CFG_NAME_MAX];
	/* FILE_CHECK: a track_file block by name; its weight unless the checker gives one */
	char track_file[CFG_NAME_MAX];
	int32_t file_weight;
	bool file_weight_set;
	bool file_reverse;
	bool file_dynamic;		/* the file's value times the weight adds to the real server's weight */
	/* BFD_CHECK: a bfd_instance by name; its session down is this check failed */
	char bfd_name[CFG_NAME_MAX];
};

#define CFG_STATUS_RANGES 16
struct cfg_status_range {
	uint16_t lo, hi;
};

/* One url { } of an HTTP_GET or SSL_GET: every url of a checker must pass. */
struct cfg_check_url {
	struct cfg_obj hdr;		/* parent: the checker */
	struct cfg_text path;		/* at most CFG_PATH_MAX - 1 characters, like regex and expect */
	char digest[33];		/* MD5 of the body, lower-case hex; "" = none */
	char virtualhost[CFG_NAME_MAX];
	uint32_t nstatus;		/* 0 = 200-299 */
	struct cfg_status_range status[CFG_STATUS_RANGES];
	struct cfg_text regex;		/* POSIX extended regex the body must (not) match; "" = none */
	bool regex_no_match;
	struct cfg_text expect;		/* vipd: a literal the body must contain; "" = none */
};

/* The top-level SSL { } block: the context of every SSL_GET. */
struct cfg_ssl {
	struct cfg_obj hdr;
	char password[CFG_NAME_MAX];
	char ca[CFG_PATH_MAX];
	char certificate[CFG_PATH_MAX];
	char key[CFG_PATH_MAX];
};

enum cfg_sync_mode { SYNC_MODE_KERNEL = 0, SYNC_MODE_RELAY };
enum cfg_sync_role { SYNC_ROLE_VRRP = 0, SYNC_ROLE_MASTER, SYNC_ROLE_BACKUP };
enum cfg_sync_framing { SYNC_FRAMING_COMPAT = 0, SYNC_FRAMING_SECURE };
#define CFG_SYNC_PEERS_MAX 8
#define CFG_SYNC_KEY_MAX 64

/* vipd's own connection-sync block (the lvs_sync_daemon line is the keepalived spelling of mode kernel).
 * Zero means "the default" for every number (sync/README.md lists them). */
struct cfg_conn_sync {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	int32_t mode;			/* enum cfg_sync_mode */
	char interface[CFG_IFNAME_MAX];
	char instance[CFG_NAME_MAX];
	uint32_t syncid;
	/* mode relay */
	int32_t role;			/* enum cfg_sync_role: follow instance, or fixed */
	int32_t framing;		/* enum cfg_sync_framing */
	struct cfg_addr group;		/* family 0: 224.0.0.81 */
	uint32_t port, ttl, maxlen;
	uint32_t npeers;		/* unicast peers instead of the group */
	struct cfg_addr peers[CFG_SYNC_PEERS_MAX];
	char kernel_interface[CFG_IFNAME_MAX];	/* private pair: the end the kernel daemons use */
	char relay_interface[CFG_IFNAME_MAX];	/* private pair: the sync child's end */
	uint32_t kernel_master_port, kernel_backup_port;
	uint32_t auth_key_len;
	uint8_t auth_key[CFG_SYNC_KEY_MAX];
	uint32_t resync_rate;		/* records per second */
};

/* bfd_instance NAME { ... }: one BFD session (keepalived 2.2.7's keywords and defaults). */
#define CFG_BFD_NAME_MAX 32		/* keepalived's: 31 characters */
struct cfg_bfd_instance {
	struct cfg_obj hdr;
	char name[CFG_NAME_MAX];
	struct cfg_addr neighbor;
	struct cfg_addr source;		/* family 0: the kernel's choice */
	uint32_t min_rx_us;		/* written in ms with up to 3 decimals */
	uint32_t min_tx_us;
	uint32_t idle_tx_us;
	uint32_t multiplier;
	bool passive;
	uint32_t ttl;			/* sent, and what a peer's packets start with: 255 (IPv4), 64 (IPv6) */
	int32_t max_hops;		/* routers allowed between: received TTL >= ttl - max_hops; -1 no check */
	int32_t weight;			/* of a track_bfd that gives none */
	bool reverse;
	bool to_vrrp, to_checker;	/* who hears of it: both unless `vrrp` or `checker` names one */
	bool multihop;			/* vipd: RFC 5883 on port 4784 instead of RFC 5881 on 3784 */
	bool disabled;			/* keepalived would drop it (no neighbor, a duplicate...): it never runs */
};

/*
 * What names a real server across reloads, where config ids do not last: its virtual server (address,
 * port and protocol; or fwmark; or group name) and its own address and port. Zeroed before being filled,
 * so keys compare with memcmp.
 */
struct cfg_rs_key {
	struct cfg_addr vs_addr;
	uint32_t vs_port;
	uint32_t vs_fwmark;
	int32_t vs_protocol;
	char vs_group[CFG_NAME_MAX];
	struct cfg_addr rs_addr;
	uint32_t rs_port;
};
/* The key of a real server of this config (its virtual server must be there). */
void config_rs_key(const struct config *conf, const struct cfg_real_server *rs, struct cfg_rs_key *key);
/* The real server of this config with this key, or NULL. */
struct cfg_real_server *config_find_rs(const struct config *conf, const struct cfg_rs_key *key);

/* What the kinds are: their size, how they print, which children get them. */
struct cfg_kind_info {
	const char *name;
	size_t size;
	unsigned children;	/* CHILD_BIT mask */
	/* its keyword table: strings are terminated on receipt, and its cfg_kw_text fields are its texts */
	const struct cfg_block *block;
	size_t name_off, name_size;	/* a string field set from the statement's arguments, if any */
};
const struct cfg_kind_info *cfg_kind_info(unsigned kind);

struct cfg_slab;

/*
 * A config: objects of each kind, in file order, and the strings they refer to. Objects live in a few
 * large slabs (a hundred thousand of them cost a few allocations, not one each) and never move.
 */
struct config {
	struct cfg_global *global;	/* == objs[CFG_GLOBAL][0] */
	void **objs[CFG_KIND_MAX];
	size_t count[CFG_KIND_MAX];
	size_t cap[CFG_KIND_MAX];
	struct cfg_slab *slabs;
	struct strtab strings;		/* every cfg_text of every object */
	struct cfg_source source;	/* what was read, kept for file names in messages */
	char **warnings;		/* what reading it warned about, repeated when it is kept at a reload */
	size_t nwarnings;
	char *path;			/* the main file */
	uint32_t generation;
};

/* An empty config with its global object at its defaults; NULL if out of memory. */
struct config *config_new(void);
void config_free(struct config *conf);
/* Keeps a copy of diag's warnings in conf. 0 or -1 (out of memory). */
int config_keep_warnings(struct config *conf, const struct cfg_diag *diag);
/* A new zeroed object of a kind, appended, with hdr set (id, kind); NULL if out of memory. */
void *config_add(struct config *conf, unsigned kind);
/* Appends a copy of an object received over IPC, after checking its size and terminating its strings. */
int config_add_copy(struct config *conf, unsigned kind, const void *obj, size_t size);
/* The same for count objects of one kind laid end to end (an IPC_CFG_OBJECT message). 0 or -1. */
int config_add_copies(struct config *conf, unsigned kind, const void *objs, size_t size, size_t count);
/* Object i (0-based) of a kind, or NULL. */
void *config_get(const struct config *conf, unsigned kind, size_t i);
/*
 * Removes object i of a kind (what keepalived drops while reading: a second vrrp_instance of a name...): the
 * later ones move up and their ids are renumbered, so only for kinds whose objects have no children.
 * Its memory stays in the slab until config_free.
 */
void config_remove(struct config *conf, unsigned kind, size_t i);
/*
 * Marks in an object's hdr.reserved: removed, with its children, by config_remove_marked before the config
 * is used (what keepalived drops once its checks are done: a real server given twice, a checker it cannot
 * run). DROP_LATE: removed only once the checks of the whole file are done, as it still counts for them.
 */
#define CFG_OBJ_MARK_DROP 0x1
#define CFG_OBJ_MARK_DROP_LATE 0x2
/*
 * Removes the objects of kinds[0] marked with a bit of mask, then those of kinds[1] marked or whose parent
 * (of kinds[0]) went, and so on down the chain; ids are renumbered 1.. in file order and parents follow.
 * The memory stays in the slab. 0, or -1 out of memory.
 */
int config_remove_marked(struct config *conf, const unsigned *kinds, size_t n, unsigned mask);
/* The object of a kind with this id, or NULL. */
void *config_find_id(const struct config *conf, unsigned kind, uint32_t id);
/* Which children this config needs running. */
unsigned config_children_needed(const struct config *conf);

/* The string a text field holds ("" if unset, or if the offset is outside this config's table). */
const char *config_text(const struct config *conf, struct cfg_text t);
/* Sets a text field; 0, or -1 when memory or the table's room (STRTAB_MAX) ran out. */
int config_set_text(struct config *conf, struct cfg_text *t, const char *s, size_t len);
/* Takes the string table received from the parent (IPC_CFG_STRINGS). 0, or -1 if malformed. */
int config_load_strings(struct config *conf, const void *buf, size_t len);

/* Whether two objects of a kind, each from its config, say the same: bytes compared from offset `from`
 * on (sizeof(struct cfg_obj) skips id, parent and position), texts by content. */
bool config_obj_same(const struct config *ca, const void *a, const struct config *cb, const void *b, unsigned kind,
		     size_t from);
/* Whether a child would receive exactly the same from both configs: every object of every kind it gets,
 * headers included. A reload that changes nothing of a child's then leaves it alone. */
bool config_same_for(const struct config *a, const struct config *b, enum child_kind child);

#define CONFIG_FOREACH(conf, kind, type, var) \
	for (size_t var##_i = 0; ((var) = (type *)config_get((conf), (kind), var##_i)) != NULL; var##_i++)

#endif
