/*
 * Inside the ipvs/ library: the kernel's IPVS objects as plain structs, their netlink encoding (ipvs_msg.c),
 * the generic netlink transport with batching (ipvs_nl.c), the wanted table and its diff (ipvs_model.c),
 * and the listings vipadm prints (vipadm_list.c). Shared by the ipvs child, vipadm and the unit tests.
 */
#ifndef VIPD_IPVS_INT_H
#define VIPD_IPVS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/config.h"
#include "lib/ipc.h"

struct nl_msg;
struct nlattr;
struct nl_sock;
struct ipvs_rx;

/* 64-bit counters as the kernel reports them (STATS64). */
struct ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

/* A virtual service. Named by af + (fwmark | protocol, addr, port). */
struct ipvs_svc {
	uint16_t af;		/* AF_INET, AF_INET6 */
	uint16_t protocol;	/* IPPROTO_TCP/UDP/SCTP; 0 with a fwmark */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
	uint16_t port;		/* host order */
	uint32_t fwmark;
	char sched[16];
	char pe[32];		/* persistence engine, "" = none */
	uint32_t flags;		/* IP_VS_SVC_F_* */
	uint32_t timeout;	/* persistence, seconds */
	uint32_t netmask;	/* IPv4: mask in network order; IPv6: prefix length */
	struct ipvs_stats stats;
};

/* A destination (real server) of a service. */
struct ipvs_dest {
	uint16_t af;		/* may differ from the service's only for tunnels */
	uint8_t addr[16];
	uint16_t port;		/* host order */
	uint32_t fwd;		/* IP_VS_CONN_F_MASQ / TUNNEL / DROUTE ... */
	int32_t weight;
	uint32_t u_thresh, l_thresh;
	uint8_t tun_type;	/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;	/* host order */
	uint16_t tun_flags;	/* IP_VS_TUNNEL_ENCAP_FLAG_* */
	uint32_t active, inactive, persistent;
	struct ipvs_stats stats;
};

struct ipvs_daemon {
	uint32_t state;		/* IP_VS_STATE_MASTER 1, BACKUP 2 */
	char ifname[16];
	uint32_t syncid;
	uint16_t maxlen;	/* 0 = kernel default */
	uint16_t group_af;	/* 0 = kernel default group */
	uint8_t group[16];
	uint16_t port;		/* 0 = default */
	uint8_t ttl;		/* 0 = default */
};

struct ipvs_timeouts {
	uint32_t tcp, tcpfin, udp;	/* seconds; 0 = leave unchanged */
};

struct ipvs_info {
	uint32_t version;	/* 0x010201 */
	uint32_t conn_tab_size;
};

/* ---- ipvs_msg.c: encoding and decoding, pure functions over libnl messages ---- */

/* Writes the SERVICE nest; full adds what NEW/SET need (scheduler, flags, timeout, netmask, pe). */
int ipvs_msg_put_svc(struct nl_msg *m, const struct ipvs_svc *s, bool full);
/* Writes the DEST nest; full adds what NEW/SET need. */
int ipvs_msg_put_dest(struct nl_msg *m, const struct ipvs_dest *d, bool full);
int ipvs_msg_put_daemon(struct nl_msg *m, const struct ipvs_daemon *d, bool full);
int ipvs_msg_put_timeouts(struct nl_msg *m, const struct ipvs_timeouts *t);
/* Fills from a nest; returns 0, or -1 if a required attribute is missing or malformed. */
int ipvs_msg_parse_svc(const struct nlattr *nest, struct ipvs_svc *s);
int ipvs_msg_parse_dest(const struct nlattr *nest, uint16_t svc_af, struct ipvs_dest *d);
int ipvs_msg_parse_daemon(const struct nlattr *nest, struct ipvs_daemon *d);
/* A genl message of the IPVS family (id) with this command; NULL if out of memory. */
struct nl_msg *ipvs_msg_new(int family, uint8_t cmd, int flags);
/* The attributes of a genl reply (after its genl header), checked by policy: maxtype IPVS_CMD_ATTR_MAX or
 * IPVS_INFO_ATTR_MAX. 0 or -1. */
int ipvs_msg_attrs(const void *nlh, struct nlattr **tb, int maxtype);

/* "TCP 192.0.2.10:80", "FWM 5", "FWM 6 IPv6": names the service in messages. */
void ipvs_svc_name(const struct ipvs_svc *s, char *buf, size_t len);
/* "192.0.2.21:80" or "[2001:db8::1]:80" */
void ipvs_addrport(uint16_t af, const uint8_t *addr, uint16_t port, char *buf, size_t len);
/* Same service identity (not its settings). */
bool ipvs_svc_same(const struct ipvs_svc *a, const struct ipvs_svc *b);
/* Same settings the kernel keeps (scheduler, flags, timeout, netmask, pe). */
bool ipvs_svc_settings_equal(const struct ipvs_svc *a, const struct ipvs_svc *b);
bool ipvs_dest_same(const struct ipvs_dest *a, const struct ipvs_dest *b);
bool ipvs_dest_settings_equal(const struct ipvs_dest *a, const struct ipvs_dest *b);
/* Total orders as ipvsadm sorts its listings. */
int ipvs_svc_cmp(const struct ipvs_svc *a, const struct ipvs_svc *b);
int ipvs_dest_cmp(const struct ipvs_dest *a, const struct ipvs_dest *b);

/* ---- ipvs_nl.c: the transport ---- */

/* Commands (uapi IPVS_CMD_*) named for messages. */
const char *ipvs_cmd_name(uint8_t cmd);

struct ipvs_nl {
	struct nl_sock *sk;
	int family;		/* the genl id of "IPVS" */
	int fd;
	uint32_t portid;
	uint32_t seq;
	struct ipvs_rx *rx;	/* fd's buffers (ipvs_nl.c) */
	struct ipvs_rx *dump_rx;	/* a socket of its own for service dumps, opened on the first */
	uint64_t writes;	/* change requests acknowledged (for status) */
	uint64_t errors;
};

/* Opens the socket and resolves the family, running `modprobe -- ip_vs` once if it is missing.
 * Returns 0, or a negative errno with err filled. */
int ipvs_nl_open(struct ipvs_nl *nl, bool modprobe, char *err, size_t errlen);
void ipvs_nl_close(struct ipvs_nl *nl);

/* Called for each reply message of a request or dump (the nlmsghdr). Non-zero stops and is returned. */
typedef int (*ipvs_nl_msg_cb)(const void *nlh, void *arg);
/* One request; waits for its ACK (or its dump). Returns 0 or a negative errno. */
int ipvs_nl_request(struct ipvs_nl *nl, struct nl_msg *m, ipvs_nl_msg_cb cb, void *arg);

/*
 * A batch: many requests written with few sendmsg calls, their ACKs matched by sequence number. The
 * kernel handles each request of a datagram in order and acks each one, an error not stopping the rest.
 */
struct ipvs_batch_op {
	uint32_t seq;
	uint8_t cmd;
	size_t tag;		/* the caller's: which object it was */
};
struct ipvs_batch {
	uint8_t *buf;
	size_t len, cap;
	struct ipvs_batch_op *ops;
	size_t nops, opcap;
};
/* An error for op (tag) of a batch. */
typedef void (*ipvs_batch_err_cb)(const struct ipvs_batch_op *op, int err, void *arg);

void ipvs_batch_init(struct ipvs_batch *b);
void ipvs_batch_free(struct ipvs_batch *b);
/* Appends the message (it stays the caller's); 0 or -ENOMEM. */
int ipvs_batch_add(struct ipvs_nl *nl, struct ipvs_batch *b, struct nl_msg *m, size_t tag);
/* Sends everything, collects every ACK; returns the number of failed ops, or a negative errno if the
 * socket failed. The batch is emptied. */
int ipvs_batch_run(struct ipvs_nl *nl, struct ipvs_batch *b, ipvs_batch_err_cb cb, void *arg);

/* ---- whole-table operations (ipvs_nl.c) ---- */

struct ipvs_svc_entry {
	struct ipvs_svc svc;
	struct ipvs_dest *dests;
	size_t ndests, cap;
};
struct ipvs_table {
	struct ipvs_svc_entry *svcs;
	size_t n, cap;
};
void ipvs_table_free(struct ipvs_table *t);
/* Appends; NULL if out of memory. */
struct ipvs_svc_entry *ipvs_table_add_svc(struct ipvs_table *t, const struct ipvs_svc *s);
struct ipvs_dest *ipvs_entry_add_dest(struct ipvs_svc_entry *e, const struct ipvs_dest *d);
struct ipvs_svc_entry *ipvs_table_find(const struct ipvs_table *t, const struct ipvs_svc *s);
struct ipvs_dest *ipvs_entry_find_dest(const struct ipvs_svc_entry *e, const struct ipvs_dest *d);
/* Sorts services and each service's destinations as ipvsadm lists them. */
void ipvs_table_sort(struct ipvs_table *t);

/* Dumps every service and, if with_dests, their destinations. 0 or a negative errno. */
int ipvs_get_table(struct ipvs_nl *nl, struct ipvs_table *t, bool with_dests);
/* One service (0, -ESRCH if missing) and its destinations. */
int ipvs_get_service(struct ipvs_nl *nl, const struct ipvs_svc *key, struct ipvs_svc_entry *out);
int ipvs_get_dests(struct ipvs_nl *nl, struct ipvs_svc_entry *e);
int ipvs_get_info(struct ipvs_nl *nl, struct ipvs_info *info);
int ipvs_get_timeouts(struct ipvs_nl *nl, struct ipvs_timeouts *t);
int ipvs_set_timeouts(struct ipvs_nl *nl, const struct ipvs_timeouts *t);
/* Up to 2 daemons (master, backup). Returns how many or a negative errno. */
int ipvs_get_daemons(struct ipvs_nl *nl, struct ipvs_daemon *d, int max);
/* Simple one-object commands: NEW/SET/DEL_SERVICE, NEW/SET/DEL_DEST, ZERO (svc may be NULL), FLUSH,
 * NEW/DEL_DAEMON. Return 0 or a negative errno. */
int ipvs_svc_cmd(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_svc *s);
int ipvs_dest_cmd(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_svc *s, const struct ipvs_dest *d);
int ipvs_daemon_cmd(struct ipvs_nl *nl, uint8_t cmd, const struct ipvs_daemon *d);
int ipvs_flush(struct ipvs_nl *nl);
/* Appends one service or dest command to a batch. */
int ipvs_batch_svc(struct ipvs_nl *nl, struct ipvs_batch *b, uint8_t cmd, const struct ipvs_svc *s, size_t tag);
int ipvs_batch_dest(struct ipvs_nl *nl, struct ipvs_batch *b, uint8_t cmd, const struct ipvs_svc *s,
		    const struct ipvs_dest *d, size_t tag);

/* A clear message for a failed command on an object: "service TCP 192.0.2.10:80: no such scheduler 'foo'". */
void ipvs_op_strerror(uint8_t cmd, int err, const struct ipvs_svc *s, const struct ipvs_dest *d, char *buf,
		      size_t len);

/* ---- vipadm_list.c: ipvsadm 1.31's listings, from a table already fetched ---- */

enum vipadm_fmt {
	VIPADM_FMT_NUMERIC = 1 << 0,
	VIPADM_FMT_RULE = 1 << 1,
	VIPADM_FMT_STATS = 1 << 2,
	VIPADM_FMT_RATE = 1 << 3,
	VIPADM_FMT_THRESHOLDS = 1 << 4,
	VIPADM_FMT_PERSISTENTCONN = 1 << 5,
	VIPADM_FMT_NOSORT = 1 << 6,
	VIPADM_FMT_EXACT = 1 << 7,
	VIPADM_FMT_TUN_INFO = 1 << 8,
};

void vipadm_list_version(FILE *f, const struct ipvs_info *info);
void vipadm_list_title(FILE *f, unsigned fmt);
void vipadm_list_service(FILE *f, const struct ipvs_svc_entry *e, unsigned fmt);
void vipadm_list_timeouts(FILE *f, const struct ipvs_timeouts *t);
void vipadm_list_daemons(FILE *f, const struct ipvs_daemon *d, int n);
/* The connection listing from the text of /proc/net/ip_vs_conn. */
void vipadm_list_conns(FILE *f, FILE *proc, unsigned fmt);
/* "sh-fallback,sh-port" for a scheduler's flags; "" if none. */
void vipadm_sched_flags(const char *sched, uint32_t flags, char *buf, size_t len);

/* ---- ipvs_model.c: the wanted table from the configuration, and the changes that reach it ---- */

/* What the checkers last said about each real server. Appended as messages come; sorted on use. */
struct ipvs_health_entry {
	struct cfg_rs_key key;
	uint64_t seq;
	int32_t up;
	int32_t weight;		/* -1: the configured one */
	char reason[64];
};
struct ipvs_health {
	struct ipvs_health_entry *v;
	size_t n, cap;
	uint64_t seq;
	bool sorted;
};
int ipvs_health_set(struct ipvs_health *h, const struct ipc_rs_state *st);
const struct ipvs_health_entry *ipvs_health_find(struct ipvs_health *h, const struct cfg_rs_key *key);
void ipvs_health_free(struct ipvs_health *h);

/* Quorum of one virtual server, kept across rebuilds (hysteresis needs the last state). */
struct ipvs_quorum {
	struct cfg_rs_key vs;	/* the rs_ fields zeroed */
	bool lost;
};

struct ipvs_model {
	struct ipvs_health health;
	struct ipvs_quorum *quorum;	/* sorted by key */
	size_t nquorum;
	/* what the last build counted */
	size_t services, dests, rs_up, rs_down, quorum_lost;
	/* virtual servers whose quorum changed in the last build (for quorum_up / quorum_down) */
	struct ipvs_quorum_change {
		uint32_t vs_id;		/* in the configuration built */
		bool lost;
	} *changes;
	size_t nchanges, capchanges;
};
void ipvs_model_free(struct ipvs_model *m);
/* The quorum state of a virtual server as the last build left it; NULL if it was not built. */
const struct ipvs_quorum *ipvs_model_quorum(const struct ipvs_model *m, const struct cfg_virtual_server *vs);

/* The kernel table the configuration wants now, sorted. 0 or -ENOMEM. Updates quorum states. */
int ipvs_model_build(const struct config *conf, struct ipvs_model *m, struct ipvs_table *want);
/* Only the services a configuration names (no health needed): what "ours" means. Sorted. */
int ipvs_model_services(const struct config *conf, struct ipvs_table *out);

struct ipvs_op {
	uint8_t cmd;			/* IPVS_CMD_NEW/SET/DEL_SERVICE, NEW/SET/DEL_DEST */
	const struct ipvs_svc *svc;	/* points into the tables diffed */
	const struct ipvs_dest *dest;
};
struct ipvs_ops {
	struct ipvs_op *v;
	size_t n, cap;
};
void ipvs_ops_free(struct ipvs_ops *ops);
/*
 * The fewest operations turning have into want (both sorted): new, changed and removed destinations of
 * wanted services, new and changed services, and removed services for which ours() says yes (services
 * that are neither wanted nor ours are someone else's and stay). 0 or -ENOMEM.
 */
int ipvs_model_diff(const struct ipvs_table *have, const struct ipvs_table *want,
		    bool (*ours)(const struct ipvs_svc *, void *), void *arg, struct ipvs_ops *out);
/* Deep copy. 0 or -ENOMEM. */
int ipvs_table_copy(struct ipvs_table *dst, const struct ipvs_table *src);
/* Binary search in a sorted table. */
struct ipvs_svc_entry *ipvs_table_bsearch(const struct ipvs_table *t, const struct ipvs_svc *s);

#endif
