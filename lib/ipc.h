/*
 * Typed messages between the parent and its children over socketpair(AF_UNIX, SOCK_SEQPACKET).
 *
 * Every datagram is a fixed header and a payload. A message larger than IPC_CHUNK travels as several
 * datagrams of the same type, all but the last flagged IPC_F_MORE, and is reassembled by the receiver up to
 * the type's maximum. The receiver checks the header against the datagram it really got and the payload
 * size against the type's table entry: a malformed message is logged, counted and dropped, never trusted.
 */
#ifndef VIPD_IPC_H
#define VIPD_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

enum ipc_type {
	IPC_NONE = 0,
	/* parent -> child: a configuration, as BEGIN, STRINGS, OBJECT..., END (one generation) */
	IPC_CFG_BEGIN,		/* struct ipc_cfg_mark */
	IPC_CFG_STRINGS,	/* the config's string table (lib/strtab.h), which its objects' texts point into */
	IPC_CFG_OBJECT,		/* struct ipc_cfg_object + the bytes of one or more objects of one kind */
	IPC_CFG_END,		/* struct ipc_cfg_mark */
	/* parent -> child, instead of the above: nothing the child gets changed, only the generation */
	IPC_CFG_UNCHANGED,	/* struct ipc_cfg_unchanged */
	/* child -> parent */
	IPC_CFG_APPLIED,	/* struct ipc_cfg_applied */
	IPC_STATUS,		/* a JSON object (text, no NUL): the child's status, replacing the last one */
	/* events routed by the parent, which remembers the last of each for children that restart */
	IPC_RS_STATE,		/* checkers -> parent -> ipvs (and checkers): struct ipc_rs_state */
	IPC_VRRP_STATE,		/* vrrp -> parent -> sync (and a restarted vrrp): struct ipc_vrrp_state */
	IPC_BFD_STATE,		/* bfd -> parent -> vrrp, checkers (and a restarted bfd): struct ipc_bfd_state */
	/* liveness, for the service manager's watchdog: every child's loop answers a ping with the same seq */
	IPC_PING,		/* parent -> child: struct ipc_ping */
	IPC_PONG,		/* child -> parent: struct ipc_ping */
	/* the metrics child asks for everything vipctl status shows, and gets it as JSON */
	IPC_STATUS_ASK,		/* metrics -> parent: struct ipc_status_ask */
	IPC_STATUS_ALL,		/* parent -> metrics: struct ipc_status_ask (the same seq) + a JSON object */
	IPC_TYPE_MAX
};

#define IPC_F_MORE 0x0001	/* another datagram of this message follows */

struct ipc_hdr {
	uint16_t type;
	uint16_t flags;
	uint32_t len;		/* payload bytes in this datagram */
};

/* Largest single datagram: header + payload. Bigger messages are fragmented. */
#define IPC_CHUNK (32 * 1024)
#define IPC_MAX_PAYLOAD (IPC_CHUNK - sizeof(struct ipc_hdr))

struct ipc_cfg_mark {
	uint32_t generation;
};

/* Objects of one kind, end to end: the payload after this header is a multiple of size. */
struct ipc_cfg_object {
	uint16_t kind;		/* enum cfg_kind */
	uint16_t reserved;
	uint32_t size;		/* bytes of each object; must equal the kind's size */
};

/* The configuration of generation base, which the child holds, is in force as generation. A child holding
 * another one answers -ESTALE, and the parent sends it the whole configuration. */
struct ipc_cfg_unchanged {
	uint32_t generation;
	uint32_t base;
};

struct ipc_cfg_applied {
	uint32_t generation;
	int32_t result;		/* 0 applied; otherwise a negative errno-style code */
};

/* A real server's health; the key names it across reloads (config ids are per generation). */
struct ipc_rs_state {
	struct cfg_rs_key key;
	int32_t up;		/* 1 up, 0 down */
	int32_t weight;		/* a dynamic weight (misc_dynamic), or -1 for the configured one */
	char reason[64];	/* why, for status ("HTTP status 503") */
};

enum vrrp_state { VRRP_STATE_INIT = 0, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_STATE_FAULT, VRRP_STATE_STOP };

struct ipc_vrrp_state {
	char instance[CFG_NAME_MAX];
	int32_t state;		/* enum vrrp_state */
	uint32_t priority;	/* effective priority */
	uint64_t since;		/* CLOCK_REALTIME ms of the last transition */
};

/* A BFD session's state (enum bfd_state of bfd/bfd_packet.h: 0 AdminDown, 1 Down, 2 Init, 3 Up), named by its
 * bfd_instance. The discriminators and the peer's timers let a restarted bfd child take the session over
 * where it was, so the peer sees no change. */
struct ipc_bfd_state {
	char name[CFG_NAME_MAX];
	int32_t state;
	uint32_t diag;		/* the local diagnostic of the last change */
	uint64_t since;		/* CLOCK_REALTIME ms of the last transition */
	uint32_t local_disc, remote_disc;
	uint32_t remote_min_rx, remote_desired_tx;
	uint32_t remote_mult;
	uint32_t reserved;
};

struct ipc_ping {
	uint64_t seq;
};

struct ipc_status_ask {
	uint64_t seq;
};

/* The table that bounds each type's payload (min..max bytes, reassembled). */
struct ipc_type_info {
	const char *name;
	size_t min_len;
	size_t max_len;
};
const struct ipc_type_info *ipc_type_info(uint16_t type);
const char *ipc_type_name(uint16_t type);

struct ipc_msg {
	uint16_t type;
	const void *data;	/* valid until the next ipc_read on the same peer */
	size_t len;
};

struct ipc_outq;		/* private */

/* One end of a channel. Counters are for status and tests. */
struct ipc_peer {
	int fd;
	const char *name;	/* who is at the other end, for logs ("vrrp") */
	/* reassembly */
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint16_t rtype;
	bool rdiscard;		/* dropping the rest of a malformed fragmented message */
	/* pending output */
	struct ipc_outq *outq;
	size_t outq_bytes;
	/* counters */
	uint64_t msgs_in, msgs_out, rejected;
};

enum ipc_result {
	IPC_OK = 0,		/* a message is in *msg */
	IPC_AGAIN = 1,		/* nothing complete yet (would block, or a fragment arrived) */
	IPC_REJECTED = 2,	/* a malformed datagram was dropped (logged, counted); call again */
	IPC_CLOSED = 3,		/* the other end is gone */
	IPC_ERROR = -1,		/* a socket error (errno set) */
};

/* fds[0] for the parent, fds[1] for the child; both non-blocking and close-on-exec. */
int ipc_socketpair(int fds[2]);

void ipc_peer_init(struct ipc_peer *peer, int fd, const char *name);
/* Frees buffers and the queue and closes the fd. */
void ipc_peer_close(struct ipc_peer *peer);

/* Queues a message (fragmenting it when needed) and tries to send it. Returns -1 if the payload is not
 * valid for the type or memory ran out; send errors surface in ipc_flush. */
int ipc_send(struct ipc_peer *peer, uint16_t type, const void *payload, size_t len);
/* Two-part payload (a fixed struct and its body), sent as one message. */
int ipc_send2(struct ipc_peer *peer, uint16_t type, const void *p1, size_t l1, const void *p2, size_t l2);
/* Writes what is queued: 0 all sent, 1 more remains (wait for EPOLLOUT), -1 error (peer gone). */
int ipc_flush(struct ipc_peer *peer);
bool ipc_pending(const struct ipc_peer *peer);

/* A whole configuration as a child receives it: BEGIN, the string table, the objects of the kinds the
 * child gets (cfg_kind_info's children), many to a datagram, END. 0, or -1 if memory ran out. */
int ipc_send_config(struct ipc_peer *peer, const struct config *conf, enum child_kind child);
/* Takes a CFG_STRINGS or CFG_OBJECT message into the configuration being received by a child of this kind.
 * 0, or -1 if it is malformed or of a kind this child does not get (the configuration is then incomplete). */
int ipc_config_take(struct config *conf, const struct ipc_msg *msg, enum child_kind child);

/* Reads one datagram. See enum ipc_result. */
enum ipc_result ipc_read(struct ipc_peer *peer, struct ipc_msg *msg);

/* Pure check of one datagram as received (n bytes, truncated if the kernel said MSG_TRUNC): returns NULL
 * if acceptable, or the reason it is not. Exposed for unit tests. */
const char *ipc_check_datagram(const void *buf, size_t n, bool truncated);

#endif
