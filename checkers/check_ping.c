/*
 * PING_CHECK: an ICMP (or ICMPv6) echo request and its reply. An unprivileged ping socket
 * (SOCK_DGRAM, allowed by net.ipv4.ping_group_range) when the system permits, else a raw socket; no
 * CAP_NET_ADMIN either way.
 */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checkers/check.h"

#define PING_DATA 16

static uint16_t
ping_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
ping_socket(struct ck_check *c, bool *raw)
{
	bool v6 = c->dst.ss_family == AF_INET6;
	int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	const char *why;
	int fd;

	*raw = false;
	if ((fd = ck_net_connect(c, SOCK_DGRAM, proto, &why)) >= 0)
		return fd;
	if (errno != EACCES && errno != EPERM && errno != EPROTONOSUPPORT)
		return -1;
	*raw = true;
	return ck_net_connect(c, SOCK_RAW, proto, &why);
}

static void
ping_readable(struct ev_io *io, uint32_t revents)
{
	struct ck_check *c = io->data;
	bool v6 = c->dst.ss_family == AF_INET6;
	bool raw = c->priv != NULL;
	uint8_t buf[1500];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		const uint8_t *icmp = buf;
		size_t len;

		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			ck_result(c, false, -1, "ping: %s", strerror(errno));
			return;
		}
		len = (size_t)n;
		/* a raw IPv4 socket hands over the IP header too */
		if (raw && !v6) {
			size_t ihl = len > 0 ? (size_t)(buf[0] & 0x0f) * 4 : 0;

			if (ihl < 20 || ihl > len)
				continue;
			icmp += ihl;
			len -= ihl;
		}
		if (len < 8)
			continue;
		if (icmp[0] == (v6 ? ICMP6_DST_UNREACH : ICMP_DEST_UNREACH) && len >= 8) {
			ck_result(c, false, -1, "ping: destination unreachable");
			return;
		}
		if (icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY))
			continue;
		/* a ping socket filters by its id itself; a raw one sees every echo reply from the host */
		if ((icmp[6] << 8 | icmp[7]) != c->seq)
			continue;
		if (raw && (icmp[4] << 8 | icmp[5]) != (uint16_t)(getpid() & 0xffff))
			continue;
		ck_result(c, true, -1, "echo reply");
		return;
	}
}

static void
ping_start(struct ck_check *c)
{
	bool v6 = c->dst.ss_family == AF_INET6;
	uint8_t pkt[8 + PING_DATA];
	uint16_t id = (uint16_t)(getpid() & 0xffff);
	bool raw;
	uint16_t sum;

	c->phase = "echo reply";
	if (ping_socket(c, &raw) == -1) {
		ck_result(c, false, -1, "ping socket: %s", strerror(errno));
		return;
	}
	c->priv = raw ? (void *)c : NULL;	/* a mark: the socket is raw */
	c->seq++;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	pkt[4] = (uint8_t)(id >> 8);
	pkt[5] = (uint8_t)id;
	pkt[6] = (uint8_t)(c->seq >> 8);
	pkt[7] = (uint8_t)c->seq;
	memcpy(pkt + 8, "vipd-ping-check!", PING_DATA);
	/* ICMPv6 checksums and ping-socket ids are the kernel's job */
	if (!v6) {
		sum = ping_checksum(pkt, sizeof(pkt));
		pkt[2] = (uint8_t)(sum >> 8);
		pkt[3] = (uint8_t)sum;
	}
	if (send(c->fd, pkt, sizeof(pkt), 0) != (ssize_t)sizeof(pkt)) {
		ck_result(c, false, -1, "ping send: %s", strerror(errno));
		return;
	}
	if (ck_net_watch(c, EPOLLIN, ping_readable) == -1)
		ck_result(c, false, -1, "cannot watch the socket");
}

static void
ping_stop(struct ck_check *c)
{
	c->priv = NULL;
	ck_net_close(c);
}

const struct ck_kind ck_kind_ping = { "PING_CHECK", ping_start, ping_stop, NULL };
