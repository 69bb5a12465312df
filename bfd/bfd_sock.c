/*
 * The bfd child's sockets. Receiving: one UDP socket per family and port, bound to the wildcard address,
 * asking the kernel for each datagram's TTL or hop limit (IP_RECVTTL, IPV6_RECVHOPLIMIT) so the session
 * can check it (RFC 5881 5). Sending: one socket per session, bound to its source_ip and to a port of
 * 49152-65535 (RFC 5881 4), with the session's TTL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bfd/bfd_int.h"
#include "lib/log.h"

#define RX_BATCH 64

static void
rx_readable(struct ev_io *io, uint32_t revents)
{
	struct bfd_rx *rx = io->data;

	(void)revents;
	for (int n = 0; n < RX_BATCH; n++) {
		uint8_t buf[BFD_PKT_MAX + 1];
		union {
			char buf[CMSG_SPACE(sizeof(int)) * 2];
			struct cmsghdr align;
		} cbuf;
		struct sockaddr_storage src;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &src, .msg_namelen = sizeof(src), .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf) };
		ssize_t len = recvmsg(rx->fd, &mh, MSG_DONTWAIT);
		int ttl = -1;

		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("bfd: receiving on port %u", rx->port);
			return;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
			if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
			    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
				memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		}
		/* more than the largest packet: not BFD; the decoder sees it truncated and refuses its length */
		bfd_packet_in(rx->ctx, rx, buf, (size_t)len > BFD_PKT_MAX ? BFD_PKT_MAX : (size_t)len, &src, ttl);
	}
}

static int
rx_open(struct bfd_ctx *ctx, struct bfd_rx *rx)
{
	int one = 1, fd;

	if ((fd = socket(rx->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP)) == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rx->family == AF_INET) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(rx->port) };

		if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) == -1 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1)
			goto fail;
	} else {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(rx->port) };

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) == -1 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1)
			goto fail;
	}
	if (ev_io_start(ctx->p->loop, &rx->io, fd, EPOLLIN, rx_readable, rx) == -1)
		goto fail;
	rx->fd = fd;
	return 0;
fail:
	log_warn("bfd: listening on UDP port %u (IPv%d)", rx->port, rx->family == AF_INET ? 4 : 6);
	if (fd != -1)
		close(fd);
	return -1;
}

static void
rx_close(struct bfd_ctx *ctx, struct bfd_rx *rx)
{
	if (rx->fd == -1)
		return;
	ev_io_stop(ctx->p->loop, &rx->io);
	close(rx->fd);
	rx->fd = -1;
}

int
bfd_sock_rx_update(struct bfd_ctx *ctx)
{
	int r = 0;

	for (int i = 0; i < 4; i++) {
		struct bfd_rx *rx = &ctx->rx[i];
		bool need = false;

		rx->ctx = ctx;
		rx->family = (i & 1) ? AF_INET6 : AF_INET;
		rx->port = i < 2 ? BFD_PORT_SINGLE : BFD_PORT_MULTI;
		for (size_t k = 0; k < ctx->nsess; k++) {
			const struct cfg_bfd_instance *c = &ctx->sess[k]->cfg;

			need |= c->neighbor.family == rx->family && c->multihop == (i >= 2);
		}
		if (need && rx->fd == -1)
			r |= rx_open(ctx, rx);
		else if (!need)
			rx_close(ctx, rx);
	}
	return r;
}

void
bfd_sock_rx_close(struct bfd_ctx *ctx)
{
	for (int i = 0; i < 4; i++)
		rx_close(ctx, &ctx->rx[i]);
}

static void
to_sockaddr(const struct cfg_addr *a, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->addr, 4);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->addr, 16);
		*len = sizeof(*s6);
	}
}

int
bfd_sock_tx_open(struct bfd_sess *s)
{
	const struct cfg_bfd_instance *c = &s->cfg;
	struct cfg_addr any = { .family = c->neighbor.family };
	int fd, ttl = (int)c->ttl, e = 0;
	uint16_t start;

	to_sockaddr(&c->neighbor, c->multihop ? BFD_PORT_MULTI : BFD_PORT_SINGLE, &s->peer, &s->peerlen);
	if ((fd = socket(c->neighbor.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP)) == -1) {
		snprintf(s->error, sizeof(s->error), "socket: %s", strerror(errno));
		return -1;
	}
	if ((c->neighbor.family == AF_INET && setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == -1) ||
	    (c->neighbor.family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) == -1)) {
		snprintf(s->error, sizeof(s->error), "setting the TTL: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* a port of the range, starting anywhere in it: each session has its own (RFC 5881 4) */
	if (getrandom(&start, sizeof(start), GRND_NONBLOCK) != sizeof(start))
		start = (uint16_t)getpid();
	for (unsigned i = 0; i <= BFD_SRC_PORT_MAX - BFD_SRC_PORT_MIN; i++) {
		uint16_t port = (uint16_t)(BFD_SRC_PORT_MIN + (start + i) % (BFD_SRC_PORT_MAX - BFD_SRC_PORT_MIN + 1));
		struct sockaddr_storage ss;
		socklen_t len;

		to_sockaddr(c->source.family ? &c->source : &any, port, &ss, &len);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
			s->tx_fd = fd;
			s->src_port = port;
			s->error[0] = '\0';
			return 0;
		}
		e = errno;
		if (e != EADDRINUSE)
			break;
	}
	snprintf(s->error, sizeof(s->error), "binding the source: %s", strerror(e));
	close(fd);
	return -1;
}

void
bfd_sock_tx_close(struct bfd_sess *s)
{
	if (s->tx_fd != -1)
		close(s->tx_fd);
	s->tx_fd = -1;
}

int
bfd_sock_send(struct bfd_sess *s, const struct bfd_pkt *pkt)
{
	uint8_t buf[BFD_PKT_LEN];
	size_t len = bfd_pkt_encode(pkt, buf, sizeof(buf));

	if (s->tx_fd == -1 && bfd_sock_tx_open(s) == -1)
		return -1;
	if (sendto(s->tx_fd, buf, len, 0, (struct sockaddr *)&s->peer, s->peerlen) != (ssize_t)len) {
		s->tx_errors++;
		snprintf(s->error, sizeof(s->error), "send: %s", strerror(errno));
		return -1;
	}
	return 0;
}
