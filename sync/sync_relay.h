/*
 * The relay's two sockets.
 *
 * - The private side, on relay_interface (one end of a veth pair whose other end, kernel_interface, carries
 *   the kernel's sync daemons): it receives what the kernel master multicasts there, and sends datagrams
 *   to the kernel backup's port, which reach it through the pair.
 * - The network side, on interface: the multicast group (or the unicast peers), one port for both ways.
 *
 * Both are IPv4 UDP sockets bound to their device, so the two can share a port number; multicast loop is
 * off, so the relay never hears itself.
 */
#ifndef VIPD_SYNC_RELAY_H
#define VIPD_SYNC_RELAY_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/config.h"

#define SYNC_DEFAULT_GROUP 0xe0000051u	/* 224.0.0.81 */
#define SYNC_DEFAULT_PORT 8848
#define SYNC_DEFAULT_KBACKUP_PORT 8849

struct sync_relay {
	int kfd;			/* private side */
	int nfd;			/* network side */
	struct sockaddr_in kernel_backup;	/* where injected datagrams go */
	struct sockaddr_in dests[CFG_SYNC_PEERS_MAX];
	size_t ndests;
};

/* Opens both sockets for this configuration; -1 with a reason in err. */
int sync_relay_open(struct sync_relay *r, const struct cfg_conn_sync *cs, char *err, size_t errlen);
void sync_relay_close(struct sync_relay *r);
/* One datagram to every network destination; returns how many sends failed. */
int sync_relay_send_peers(struct sync_relay *r, const void *buf, size_t len);
/* One datagram to one address (answers to a peer). */
int sync_relay_send_to(struct sync_relay *r, const struct sockaddr_in *to, const void *buf, size_t len);
/* One datagram to the local kernel backup. */
int sync_relay_inject(struct sync_relay *r, const void *buf, size_t len);
/* Reads one datagram: its length, 0 if none is waiting, -1 on error; *truncated if it did not fit. */
ssize_t sync_relay_recv(int fd, void *buf, size_t cap, struct sockaddr_in *from, int *truncated);

#endif
