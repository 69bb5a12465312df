/* What the VRRP child's files share: its runtime objects. Private to vrrp/. */
#ifndef VIPD_VRRP_INT_H
#define VIPD_VRRP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/config.h"
#include "lib/event.h"
#include "lib/proc.h"
#include "vrrp/vrrp_ah.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_packet.h"

struct vrrp_ctx;

/* A raw socket on one interface for one family and protocol, shared by the instances there. */
struct vrrp_sock {
	struct vrrp_ctx *ctx;
	int fd;
	int family;
	int proto;			/* VRRP_PROTO, or VRRP_AH_PROTO for auth_type AH */
	int ifindex;
	char ifname[CFG_IFNAME_MAX];
	unsigned refs;
	bool joined;
	uint8_t group[16];
	int rcvbuf;			/* the largest kernel_rx_buf_size of its instances, 0 = the system's */
	struct ev_io io;
	/* packets that reached no instance: the VRID is not ours, or too broken to tell */
	uint64_t drops[VRRP_DROP_MAX];
};

/* A vrrp_script's running state. */
struct vrrp_check {
	struct cfg_vrrp_script cfg;
	struct vrrp_ctx *ctx;
	bool ok;
	bool used;			/* some instance tracks it */
	bool running;
	uint32_t rise_count, fall_count;
	struct ev_timer timer;
	uint64_t runs, failures, timeouts;
};

struct vrrp_inst {
	struct cfg_vrrp_instance cfg;	/* a copy: the config it came from does not outlive a reload */
	struct vrrp_ctx *ctx;
	int version;
	int family;
	int ifindex;			/* 0 while the interface does not exist */
	uint8_t mac[6];
	struct vrrp_sock *sock;
	uint8_t group[16];		/* multicast destination */
	uint8_t src[16];		/* what we send from */
	bool have_src;
	uint8_t addrs[CFG_VRRP_VIP_MAX * 16];	/* advertised addresses, packed */
	uint8_t naddr;
	struct vrrp_fsm fsm;
	struct ev_timer timer;		/* the FSM's next deadline */
	struct ev_timer garp_timer;
	int garp_phase;			/* 1: delayed burst due; 2: refresh */
	bool started;
	bool resume_master;		/* the parent remembered us as master: no failover for a crash */
	bool quiet;			/* the next transition is a resumption: no notify scripts */
	bool faulty;			/* tracking says Fault (own, or a sync group member's) */
	bool own_fault;
	bool vips_on;
	bool addr_err_logged;
	int group_idx;			/* sync group index, -1 if none */
	uint8_t master_addr[16];
	bool have_master;
	uint64_t since_ms;		/* CLOCK_REALTIME of the last transition */
	uint64_t adverts_rx, adverts_tx, prio0_rx, prio0_tx, send_errors;
	uint64_t lower_rx;		/* adverts of a lower priority master heard as master */
	uint64_t announced;		/* gratuitous ARPs and NAs sent */
	uint64_t announced_first_ms, announced_last_ms;	/* CLOCK_REALTIME, since it last became master */
	uint64_t drops[VRRP_DROP_MAX];
	bool ah;			/* auth_type AH (v2, IPv4): sends and receives IPsec AH datagrams */
	struct vrrp_ah_seq ah_seq;	/* AH sequence numbers, sent and accepted */
	uint16_t ip_id;			/* the IP id of its AH datagrams: the ICV covers it */
	uint8_t last_src[16];		/* the sender of the last advert accepted (skip_check_adv_addr) */
	bool have_last_src;
	bool deleted;			/* removed by a reload: its last notify says DELETED */
	bool vmac_made;			/* we created its macvlan (and remove it) */
	int vmac_ifindex;		/* use_vmac: the macvlan, 0 while it is not there */
};

/* A track_file's running state. */
struct vrrp_tfile {
	struct cfg_vrrp_track_file cfg;
	int64_t value;			/* the number in the file; 0 while it is missing or not a number */
};

/* A vrrp_track_process's running state. */
struct vrrp_tproc {
	struct cfg_vrrp_track_process cfg;
	uint32_t count;			/* matching processes at the last scan */
	bool ok;			/* the verdict, once its delay has passed */
	bool known;			/* kept from before a reload */
	uint64_t change_at;		/* monotonic ns: the verdict changes then, unless the count goes back */
};

/* A static address, route or rule, and whether it is in place. */
struct vrrp_static {
	struct cfg_vrrp_static cfg;
	bool on;
};

struct vrrp_group {
	struct cfg_vrrp_sync_group cfg;
	enum vrrp_state state;		/* last state all members agreed on, for the group's notify */
};

struct vrrp_ctx {
	struct proc *p;
	struct cfg_global global;
	struct vrrp_inst **inst;
	size_t ninst;
	struct vrrp_sock **socks;
	size_t nsocks;
	struct vrrp_check **checks;
	size_t nchecks;
	struct vrrp_group *groups;
	size_t ngroups;
	struct vrrp_nl *nl;
	struct script_runner *runner;
	struct mnl_socket *link_nl;	/* RTMGRP_LINK events */
	struct ev_io link_io;
	struct ev_timer start_timer;
	struct ev_timer status_timer;
	struct vrrp_garp *garp;
	struct vrrp_tfile *tfiles;
	size_t ntfiles;
	int inotify_fd;			/* -1 when no track_file is used */
	struct ev_io inotify_io;
	struct vrrp_static *statics;
	size_t nstatics;
	struct vrrp_tproc *tprocs;
	size_t ntprocs;
	struct ev_timer tproc_timer;
	struct vrrp_bfd *bfds;		/* the last state of each BFD session heard of (vrrp_track_bfd.c) */
	size_t nbfds;
	bool syncing;			/* propagating a sync group's move: do not recurse */
	bool startup_done;		/* vrrp_startup_delay applies once, to the first start */
};

/* vrrp_inst.c: an instance's life and what its FSM actions mean */
uint64_t vrrp_realtime_ms(void);
struct vrrp_inst *vrrp_inst_new(struct vrrp_ctx *ctx, const struct cfg_vrrp_instance *cfg);
void vrrp_inst_free(struct vrrp_inst *in);
/* Same router (interface, VRID, version, family, peers): a reload may adapt it in place. */
bool vrrp_inst_same_router(const struct vrrp_inst *in, const struct cfg_vrrp_instance *cfg);
void vrrp_inst_update(struct vrrp_inst *in, const struct cfg_vrrp_instance *cfg);
void vrrp_inst_start(struct vrrp_inst *in);
void vrrp_inst_stop(struct vrrp_inst *in);
void vrrp_inst_act(struct vrrp_inst *in, unsigned actions);
void vrrp_inst_packet(struct vrrp_sock *s, const uint8_t *buf, size_t len, const struct vrrp_rx_meta *meta);
/* Ensures the socket and addresses once the interface exists. */
void vrrp_inst_attach(struct vrrp_inst *in);
void vrrp_sock_put(struct vrrp_ctx *ctx, struct vrrp_sock *s);
struct vrrp_inst *vrrp_inst_find(struct vrrp_ctx *ctx, const char *name);

/* vrrp_track.c: interfaces and scripts */
int vrrp_track_init(struct vrrp_ctx *ctx);
void vrrp_track_free(struct vrrp_ctx *ctx);
/* Replaces the scripts by the config's, keeping the state of unchanged ones. */
int vrrp_track_apply(struct vrrp_ctx *ctx, const struct config *conf);
/* Recomputes every instance's effective priority and fault, and tells the FSMs. */
void vrrp_track_eval(struct vrrp_ctx *ctx);

/* vrrp_track_file.c: track_file blocks, read again whenever their directory changes */
void vrrp_tfile_init(struct vrrp_ctx *ctx);
int vrrp_tfile_apply(struct vrrp_ctx *ctx, const struct config *conf);
void vrrp_tfile_free(struct vrrp_ctx *ctx);
/* The track_file of this name, or NULL. */
const struct vrrp_tfile *vrrp_tfile_find(const struct vrrp_ctx *ctx, const char *name);

/* vrrp_track_process.c: vrrp_track_process blocks, counted in /proc */
int vrrp_tproc_apply(struct vrrp_ctx *ctx, const struct config *conf);
void vrrp_tproc_free(struct vrrp_ctx *ctx);
const struct vrrp_tproc *vrrp_tproc_find(const struct vrrp_ctx *ctx, const char *name);

/* vrrp_track_bfd.c: track_bfd, from the bfd child's states (through the parent) */
struct vrrp_bfd {
	char name[CFG_NAME_MAX];
	bool up;
};
/* A session's state arrived: kept, and the instances weighed again. */
void vrrp_bfd_state(struct vrrp_ctx *ctx, const struct ipc_bfd_state *st);
/* Whether the session is Up; one never heard of is not (keepalived's track_bfd starts down too). */
bool vrrp_bfd_up(const struct vrrp_ctx *ctx, const char *name);
void vrrp_bfd_free(struct vrrp_ctx *ctx);

/* vrrp_static.c: static_ipaddress, static_routes, static_rules; and an instance's macvlan (use_vmac) */
void vrrp_static_apply(struct vrrp_ctx *ctx, const struct config *conf);
/* Puts in place what is not yet (an interface came up). */
void vrrp_static_retry(struct vrrp_ctx *ctx);
void vrrp_static_clear(struct vrrp_ctx *ctx);
/* Gives the rules without a preference (n of them, of the instance or static_rules line at `at`) the one
 * keepalived gives: 16384 for the first such rule of a family in the file, then one less for each next. */
void vrrp_rules_number(const struct config *conf, const struct cfg_pos *at, struct cfg_vrrp_rule *rules, size_t n);
/* The macvlan of a use_vmac instance: made if missing, its ifindex (0 if it cannot be made yet). */
int vrrp_vmac_ensure(struct vrrp_inst *in);
/* Writes net.ipv4.conf.IFNAME.NAME (logged on failure). */
void vrrp_sysctl(const char *ifname, const char *name, const char *value);
void vrrp_vmac_remove(struct vrrp_inst *in);

/* vrrp_garp.c: announcements paced per interface (vrrp_garp_interval, vrrp_gna_interval) */
struct vrrp_garp;
struct vrrp_garp *vrrp_garp_new(struct vrrp_ctx *ctx);
void vrrp_garp_free(struct vrrp_garp *g);
/* One gratuitous ARP (IPv4) or NA (IPv6) for addr out of ifindex, at once or when its turn comes. */
void vrrp_garp_queue(struct vrrp_garp *g, struct vrrp_inst *owner, int ifindex, int family, const uint8_t *addr,
		     const uint8_t mac[6]);
/* Sends what may go now and sets the timer for the rest. */
void vrrp_garp_pump(struct vrrp_garp *g);
/* Drops what is still queued for this instance. */
void vrrp_garp_cancel(struct vrrp_garp *g, const struct vrrp_inst *owner);

/* vrrp_notify.c */
void vrrp_notify_inst(struct vrrp_inst *in);
/* notify_master_rx_lower_pri, and MASTER_RX_LOWER_PRI on the fifos */
void vrrp_notify_rx_lower(struct vrrp_inst *in);
void vrrp_notify_group(struct vrrp_ctx *ctx, struct vrrp_group *g);

/* vrrp_status.c */
void vrrp_status_json(struct vrrp_ctx *ctx, struct json_object *out);

#endif
