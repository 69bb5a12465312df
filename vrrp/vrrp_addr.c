/* Virtual addresses, routes and their announcement; see vrrp_addr.h. */
#include "vrrp/vrrp_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

struct vrrp_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	/* kept open: closing a packet socket waits for an RCU grace period (tens of ms), too slow per GARP */
	int arp_fd;
	int na_fd;
};

struct vrrp_nl *
vrrp_nl_open(void)
{
	struct vrrp_nl *nl = calloc(1, sizeof(*nl));

	if (nl == NULL)
		return NULL;
	if ((nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL ||
	    mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) == -1) {
		log_warn("rtnetlink socket");
		if (nl->sock != NULL)
			mnl_socket_close(nl->sock);
		free(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->arp_fd = -1;
	nl->na_fd = -1;
	nl->seq = (uint32_t)time(NULL);
	return nl;
}

void
vrrp_nl_close(struct vrrp_nl *nl)
{
	if (nl == NULL)
		return;
	mnl_socket_close(nl->sock);
	if (nl->arp_fd != -1)
		close(nl->arp_fd);
	if (nl->na_fd != -1)
		close(nl->na_fd);
	free(nl);
}

static size_t
alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

size_t
vrrp_addr_msg(void *buf, size_t size, bool add, int ifindex, const struct cfg_vrrp_vip *vip, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*ifa)) + 4 * MNL_ATTR_HDRLEN + 3 * 16 +
		      MNL_ALIGN(CFG_IFNAME_MAX) + 8;

	if (size < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = vip->addr.family;
	ifa->ifa_prefixlen = vip->addr.prefix;
	ifa->ifa_scope = (uint8_t)vip->scope;
	ifa->ifa_index = (uint32_t)ifindex;
	/* a VIP is usable at once: duplicate address detection would hold it back a second or more */
	if (vip->addr.family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, alen(vip->addr.family), vip->addr.addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen(vip->addr.family), vip->addr.addr);
	if (vip->brd.family == AF_INET)
		mnl_attr_put(nlh, IFA_BROADCAST, 4, vip->brd.addr);
	if (vip->label[0] != '\0' && vip->addr.family == AF_INET)
		mnl_attr_put_strz(nlh, IFA_LABEL, vip->label);
	return nlh->nlmsg_len;
}

size_t
vrrp_route_msg(void *buf, size_t size, bool add, int ifindex, const struct cfg_vrrp_route *r, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*rtm)) + 6 * MNL_ATTR_HDRLEN + 3 * 16 + 3 * 4;

	if (size < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = r->dst.family;
	rtm->rtm_dst_len = r->dst.prefix;
	rtm->rtm_table = r->table > 0 && r->table < 256 ? (uint8_t)r->table : RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = r->blackhole ? RTN_BLACKHOLE : RTN_UNICAST;
	if (r->scope >= 0)
		rtm->rtm_scope = (uint8_t)r->scope;
	else
		rtm->rtm_scope = r->via.family || r->blackhole ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (r->dst.prefix > 0)
		mnl_attr_put(nlh, RTA_DST, alen(r->dst.family), r->dst.addr);
	if (r->via.family)
		mnl_attr_put(nlh, RTA_GATEWAY, alen(r->via.family), r->via.addr);
	if (r->src.family)
		mnl_attr_put(nlh, RTA_PREFSRC, alen(r->src.family), r->src.addr);
	if (ifindex > 0 && !r->blackhole)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	return nlh->nlmsg_len;
}

/* Sends a request and reads the kernel's acknowledgement: 0, or -1 with errno from it. */
static int
nl_talk(struct vrrp_nl *nl, void *buf, size_t len, uint32_t seq)
{
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, rbuf, sizeof(rbuf));
		if (n == -1)
			return -1;
		r = mnl_cb_run(rbuf, (size_t)n, seq, nl->portid, NULL, NULL);
		if (r <= MNL_CB_STOP)
			return r == MNL_CB_ERROR ? -1 : 0;
	}
}

/* Sends one add or delete; adding what is there, or deleting what is gone (`gone`), is success. */
static int
nl_change(struct vrrp_nl *nl, void *buf, size_t len, uint32_t seq, bool add, int gone)
{
	if (len == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (nl_talk(nl, buf, len, seq) == -1) {
		if ((add && errno == EEXIST) || (!add && (errno == gone || errno == ENODEV)))
			return 0;
		return -1;
	}
	return 0;
}

int
vrrp_nl_addr(struct vrrp_nl *nl, bool add, int ifindex, const struct cfg_vrrp_vip *vip)
{
	char buf[512];
	uint32_t seq = ++nl->seq;

	return nl_change(nl, buf, vrrp_addr_msg(buf, sizeof(buf), add, ifindex, vip, seq), seq, add, EADDRNOTAVAIL);
}

int
vrrp_nl_route(struct vrrp_nl *nl, bool add, int ifindex, const struct cfg_vrrp_route *r)
{
	char buf[512];
	uint32_t seq = ++nl->seq;

	return nl_change(nl, buf, vrrp_route_msg(buf, sizeof(buf), add, ifindex, r, seq), seq, add, ESRCH);
}

size_t
vrrp_garp_msg(uint8_t *buf, size_t size, const uint8_t mac[6], const uint8_t addr[4])
{
	if (size < 28)
		return 0;
	/* Ethernet, IPv4, request; sender and target both the VIP (RFC 5227's announcement) */
	buf[0] = 0, buf[1] = 1;
	buf[2] = 0x08, buf[3] = 0x00;
	buf[4] = 6, buf[5] = 4;
	buf[6] = 0, buf[7] = 1;
	memcpy(buf + 8, mac, 6);
	memcpy(buf + 14, addr, 4);
	memset(buf + 18, 0xff, 6);
	memcpy(buf + 24, addr, 4);
	return 28;
}

size_t
vrrp_na_msg(uint8_t *buf, size_t size, const uint8_t mac[6], const uint8_t addr[16])
{
	if (size < 32)
		return 0;
	memset(buf, 0, 32);
	buf[0] = ND_NEIGHBOR_ADVERT;
	/* R=0 S=0 O=1: unsolicited, override caches (RFC 4861 7.2.6) */
	buf[4] = 0x20;
	memcpy(buf + 8, addr, 16);
	buf[24] = ND_OPT_TARGET_LINKADDR;
	buf[25] = 1;
	memcpy(buf + 26, mac, 6);
	return 32;
}

int
vrrp_send_garp(struct vrrp_nl *nl, int ifindex, const uint8_t mac[6], const uint8_t addr[4])
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = ifindex, .sll_halen = 6 };
	uint8_t msg[28];

	memset(to.sll_addr, 0xff, 6);
	vrrp_garp_msg(msg, sizeof(msg), mac, addr);
	/* protocol 0: it sends only, and so never has packets queued to it */
	if (nl->arp_fd == -1 && (nl->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	return sendto(nl->arp_fd, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) ==
	       sizeof(msg) ? 0 : -1;
}

int
vrrp_send_na(struct vrrp_nl *nl, int ifindex, const uint8_t mac[6], const uint8_t addr[16])
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex };
	struct icmp6_filter none;
	uint8_t msg[32];
	int hops = 255;

	/* all-nodes ff02::1 */
	to.sin6_addr.s6_addr[0] = 0xff;
	to.sin6_addr.s6_addr[1] = 0x02;
	to.sin6_addr.s6_addr[15] = 0x01;
	vrrp_na_msg(msg, sizeof(msg), mac, addr);
	if (nl->na_fd == -1) {
		if ((nl->na_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6)) == -1)
			return -1;
		/* send only: filter out every ICMPv6 type so nothing queues up on it */
		ICMP6_FILTER_SETBLOCKALL(&none);
		/* neighbour discovery requires hop limit 255; the kernel fills the ICMPv6 checksum */
		if (setsockopt(nl->na_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &none, sizeof(none)) == -1 ||
		    setsockopt(nl->na_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) == -1) {
			close(nl->na_fd);
			nl->na_fd = -1;
			return -1;
		}
	}
	if (setsockopt(nl->na_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) == -1)
		return -1;
	return sendto(nl->na_fd, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) ==
	       sizeof(msg) ? 0 : -1;
}
