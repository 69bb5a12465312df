/* The relay's sockets (see sync_relay.h). */
#include "sync/sync_relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A UDP socket on one device, bound to port, multicast sent out of that device, optionally joined. */
static int
open_socket(const char *ifname, uint16_t port, uint32_t group, bool join, unsigned ttl, char *err, size_t errlen)
{
	unsigned ifindex = if_nametoindex(ifname);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = INADDR_ANY };
	struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };
	int fd, one = 1, zero = 0, t = (int)ttl, rcvbuf = 4 << 20;

	if (ifindex == 0) {
		snprintf(err, errlen, "no interface %s", ifname);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* a burst of datagrams (a resync, a kernel flush) must not overflow a default-sized buffer */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof(t)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) == -1) {
		snprintf(err, errlen, "socket options on %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(err, errlen, "bind to port %u on %s: %s", port, ifname, strerror(errno));
		close(fd);
		return -1;
	}
	mr.imr_multiaddr.s_addr = htonl(group);
	if (join && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == -1) {
		snprintf(err, errlen, "joining the group on %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static uint32_t
group_of(const struct cfg_conn_sync *cs)
{
	uint32_t g;

	if (cs->group.family != AF_INET)
		return SYNC_DEFAULT_GROUP;
	memcpy(&g, cs->group.addr, 4);
	return ntohl(g);
}

int
sync_relay_open(struct sync_relay *r, const struct cfg_conn_sync *cs, char *err, size_t errlen)
{
	uint16_t port = (uint16_t)(cs->port ? cs->port : SYNC_DEFAULT_PORT);
	uint16_t kmaster = (uint16_t)(cs->kernel_master_port ? cs->kernel_master_port : SYNC_DEFAULT_PORT);
	uint16_t kbackup = (uint16_t)(cs->kernel_backup_port ? cs->kernel_backup_port : SYNC_DEFAULT_KBACKUP_PORT);
	uint32_t group = group_of(cs);

	memset(r, 0, sizeof(*r));
	r->kfd = r->nfd = -1;
	/* the kernel daemons on the pair always use the default group */
	if ((r->kfd = open_socket(cs->relay_interface, kmaster, SYNC_DEFAULT_GROUP, true, 1, err, errlen)) == -1)
		return -1;
	if ((r->nfd = open_socket(cs->interface, port, group, cs->npeers == 0, cs->ttl ? cs->ttl : 1, err,
				  errlen)) == -1) {
		sync_relay_close(r);
		return -1;
	}
	r->kernel_backup = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(kbackup),
						 .sin_addr.s_addr = htonl(SYNC_DEFAULT_GROUP) };
	if (cs->npeers == 0) {
		r->dests[0] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
						    .sin_addr.s_addr = htonl(group) };
		r->ndests = 1;
	}
	for (uint32_t i = 0; i < cs->npeers && i < CFG_SYNC_PEERS_MAX; i++) {
		r->dests[i] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port) };
		memcpy(&r->dests[i].sin_addr, cs->peers[i].addr, 4);
		r->ndests = i + 1;
	}
	return 0;
}

void
sync_relay_close(struct sync_relay *r)
{
	if (r->kfd >= 0)
		close(r->kfd);
	if (r->nfd >= 0)
		close(r->nfd);
	r->kfd = r->nfd = -1;
}

static int
send_one(int fd, const struct sockaddr_in *to, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to));
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

int
sync_relay_send_peers(struct sync_relay *r, const void *buf, size_t len)
{
	int failed = 0;

	for (size_t i = 0; i < r->ndests; i++)
		failed += send_one(r->nfd, &r->dests[i], buf, len) == -1;
	return failed;
}

int
sync_relay_send_to(struct sync_relay *r, const struct sockaddr_in *to, const void *buf, size_t len)
{
	return send_one(r->nfd, to, buf, len);
}

int
sync_relay_inject(struct sync_relay *r, const void *buf, size_t len)
{
	return send_one(r->kfd, &r->kernel_backup, buf, len);
}

ssize_t
sync_relay_recv(int fd, void *buf, size_t cap, struct sockaddr_in *from, int *truncated)
{
	socklen_t fl = sizeof(*from);
	ssize_t n;

	do
		n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)from, &fl);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	*truncated = (size_t)n > cap;
	return n;
}
