/* What the VRRP child's files share: its runtime objects. Private to vrrp/. */
#ifndef VIPD_VRRP_INT_H
#define VIPD_VRRP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/config.h"
#include "lib/event.h"
#include "lib/proc.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_packet.h"

struct vrrp_ctx;

/* A raw socket on one interface for one family, shared by the instances there. */
struct vrrp_sock {
	struct vrrp_ctx *ctx;
	int fd;
	int family;
	int ifindex;
	char ifname[CFG_IFNAME_MAX];
	unsigned refs;
	bool joined;
	uint8_t group[16];
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
	uint64_t drops[VRRP_DROP_MAX];
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
	bool syncing;			/* propagating a sync group's move: do not recurse */
	bool startup_done;		/* vrrp_startup_delay applies once, to the first start */
};

/* vrrp_inst.c: an instance's life and what its FSM actions mean */
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

/* vrrp_notify.c */
void vrrp_notify_inst(struct vrrp_inst *in);
void vrrp_notify_group(struct vrrp_ctx *ctx, struct vrrp_group *g);

/* vrrp_status.c */
void vrrp_status_json(struct vrrp_ctx *ctx, struct json_object *out);

#endif
