/* Raw VRRP sockets and interface facts; see vrrp_sock.h. */
#include "vrrp/vrrp_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"

static int
setopt(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

int
vrrp_sock_open(int family, const char *ifname, int ifindex, int proto)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int r = 0;

	if (fd == -1) {
		log_warn("raw socket for VRRP on %s", ifname);
		return -1;
	}
	r |= setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
	if (family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		r |= setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL);
		r |= setopt(fd, IPPROTO_IP, IP_TTL, VRRP_TTL);
		r |= setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
		r |= setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		if (proto != VRRP_PROTO)
			r |= setopt(fd, IPPROTO_IP, IP_HDRINCL, 1);
	} else {
		r |= setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
		/* the hop limit and destination come as ancillary data: there is no header to read them from */
		r |= setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	}
	if (r != 0) {
		log_warn("setting up the VRRP socket on %s", ifname);
		close(fd);
		return -1;
	}
	return fd;
}

int
vrrp_sock_join(int fd, int family, int ifindex, const uint8_t *group, bool join)
{
	if (family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		memcpy(&mr.imr_multiaddr, group, 4);
		return setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mr, sizeof(mr));
	} else {
		struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)ifindex };

		memcpy(&mr.ipv6mr_multiaddr, group, 16);
		return setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &mr, sizeof(mr));
	}
}

ssize_t
vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t size, struct vrrp_rx_meta *meta)
{
	struct sockaddr_storage from;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	memset(meta, 0, sizeof(*meta));
	meta->family = family;
	if (mh.msg_flags & MSG_TRUNC)
		return (ssize_t)size;	/* longer than any VRRP packet: the decoder sees a length mismatch */
	if (family == AF_INET6) {
		meta->ttl = -1;
		memcpy(meta->src, &((struct sockaddr_in6 *)&from)->sin6_addr, 16);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != IPPROTO_IPV6)
				continue;
			if (c->cmsg_type == IPV6_HOPLIMIT)
				memcpy(&meta->ttl, CMSG_DATA(c), sizeof(int));
			else if (c->cmsg_type == IPV6_PKTINFO)
				memcpy(meta->dst, &((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_addr, 16);
		}
	}
	return n;
}

int
vrrp_sock_send(int fd, int family, int ifindex, const uint8_t *src, const uint8_t *dst, const void *msg, size_t len,
	       int ttl)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_storage to;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf };
	struct cmsghdr *c;

	memset(&to, 0, sizeof(to));
	memset(&cbuf, 0, sizeof(cbuf));
	c = (struct cmsghdr *)cbuf.buf;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&to;
		struct in_pktinfo pi = { .ipi_ifindex = ifindex };

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst, 4);
		mh.msg_namelen = sizeof(*sin);
		/* the source address is chosen per packet: mcast_src_ip, or the interface's primary */
		memcpy(&pi.ipi_spec_dst, src, 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;
		struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, dst, 16);
		sin6->sin6_scope_id = (uint32_t)ifindex;
		mh.msg_namelen = sizeof(*sin6);
		memcpy(&pi.ipi6_addr, src, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	if (ttl > 0) {
		/* unicast_ttl: for this packet only, the socket is shared */
		c = (struct cmsghdr *)(cbuf.buf + mh.msg_controllen);
		c->cmsg_level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
		c->cmsg_type = family == AF_INET ? IP_TTL : IPV6_HOPLIMIT;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &ttl, sizeof(int));
		mh.msg_controllen += CMSG_SPACE(sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
}

static int
if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd == -1)
		return -1;
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	r = ioctl(fd, req, ifr);
	close(fd);
	return r;
}

int
vrrp_if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;

	if (if_ioctl(ifname, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

bool
vrrp_if_running(const char *ifname)
{
	struct ifreq ifr;

	if (if_ioctl(ifname, SIOCGIFFLAGS, &ifr) == -1)
		return false;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

/* eth0, or an IPv4 label of it such as eth0:1 */
static bool
ifa_on(const struct ifaddrs *ifa, const char *ifname)
{
	size_t n = strlen(ifname);

	return strncmp(ifa->ifa_name, ifname, n) == 0 && (ifa->ifa_name[n] == '\0' || ifa->ifa_name[n] == ':');
}

static const uint8_t *
ifa_bytes(const struct ifaddrs *ifa)
{
	if (ifa->ifa_addr->sa_family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
}

int
vrrp_if_primary(const char *ifname, int family, const uint8_t *skip, size_t nskip, uint8_t out[16])
{
	struct ifaddrs *all, *ifa;
	int r = -1;

	if (getifaddrs(&all) == -1)
		return -1;
	for (ifa = all; ifa != NULL && r == -1; ifa = ifa->ifa_next) {
		const uint8_t *a;
		bool skipped = false;

		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != family || !ifa_on(ifa, ifname))
			continue;
		a = ifa_bytes(ifa);
		if (family == AF_INET6) {
			if (a[0] != 0xfe || (a[1] & 0xc0) != 0x80)
				continue;
		} else {
			for (size_t i = 0; i < nskip && !skipped; i++)
				skipped = memcmp(a, skip + i * 4, 4) == 0;
			if (skipped)
				continue;
		}
		memset(out, 0, 16);
		memcpy(out, a, family == AF_INET ? 4 : 16);
		r = 0;
	}
	freeifaddrs(all);
	return r;
}

bool
vrrp_if_has_addr(const char *ifname, int family, const uint8_t *addr)
{
	struct ifaddrs *all, *ifa;
	bool found = false;

	if (getifaddrs(&all) == -1)
		return false;
	for (ifa = all; ifa != NULL && !found; ifa = ifa->ifa_next)
		found = ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == family &&
			ifa_on(ifa, ifname) &&
			memcmp(ifa_bytes(ifa), addr, family == AF_INET ? 4 : 16) == 0;
	freeifaddrs(all);
	return found;
}
