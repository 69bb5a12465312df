/* Inside the bfd child: sessions, the sockets they share, and what each file of bfd/ does for them. */
#ifndef VIPD_BFD_INT_H
#define VIPD_BFD_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bfd/bfd_fsm.h"
#include "bfd/bfd_packet.h"
#include "lib/config.h"
#include "lib/event.h"
#include "lib/proc.h"

struct bfd_ctx;

/* A receiving socket: one per family and port (3784 single hop, 4784 multihop), shared by the sessions. */
struct bfd_rx {
	struct bfd_ctx *ctx;
	int family;
	uint16_t port;
	int fd;
	struct ev_io io;
};

struct bfd_sess {
	struct bfd_ctx *ctx;
	struct cfg_bfd_instance cfg;	/* a copy: configurations are freed on reload */
	struct bfd_fsm fsm;
	struct sockaddr_storage peer;	/* neighbor_ip and the control port */
	socklen_t peerlen;
	int tx_fd;			/* bound to source_ip and a port of 49152-65535 */
	uint16_t src_port;
	char error[96];			/* why it cannot send, for status */
	struct ev_timer tx_timer, detect_timer;
	uint64_t since_ms;		/* CLOCK_REALTIME of the last state change */
	uint64_t last_rx_ms;
	uint64_t rx, tx, tx_errors, finals_sent, ups, downs;
	uint64_t drops[BFD_DROP_MAX];
	bool keep;			/* reload: carries on */
};

struct bfd_ctx {
	struct proc *p;
	struct bfd_sess **sess;
	size_t nsess;
	struct bfd_rx rx[4];		/* v4 3784, v6 3784, v4 4784, v6 4784; fd -1 when not needed */
	uint64_t drops[BFD_DROP_MAX];	/* what no session could be blamed for */
	uint64_t rx_total;
	struct ev_timer status_timer;
	bool status_dirty;
};

/* bfd_sock.c */
/* Opens (or closes) the receiving sockets the sessions need. 0, or -1 if one could not be opened (logged). */
int bfd_sock_rx_update(struct bfd_ctx *ctx);
void bfd_sock_rx_close(struct bfd_ctx *ctx);
/* The session's sending socket: source_ip, a free port of 49152-65535, its TTL. 0 or -1 (s->error set). */
int bfd_sock_tx_open(struct bfd_sess *s);
void bfd_sock_tx_close(struct bfd_sess *s);
/* Sends a packet to the session's peer; 0 or -1. */
int bfd_sock_send(struct bfd_sess *s, const struct bfd_pkt *pkt);

/* bfd.c: a datagram arrived on a receiving socket */
void bfd_packet_in(struct bfd_ctx *ctx, struct bfd_rx *rx, const uint8_t *buf, size_t len,
		   const struct sockaddr_storage *src, int ttl);

#endif
