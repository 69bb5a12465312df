/* Virtual addresses, routes and their announcement; see vrrp_addr.h. */
#include "vrrp/vrrp_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <net/if.h>
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

bool
vrrp_addr_deprecated(const struct cfg_vrrp_vip *vip)
{
	/* a lone IPv6 address (/128) is not to be picked as the source of the host's own traffic, as
	 * keepalived has it: it may move to another router at any time */
	return vip->addr.family == AF_INET6 && vip->addr.prefix == 128 && vip->preferred_lft < 0;
}

size_t
vrrp_addr_msg(void *buf, size_t size, bool add, int ifindex, const struct cfg_vrrp_vip *vip, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*ifa)) + 6 * MNL_ATTR_HDRLEN + 3 * 16 +
		      MNL_ALIGN(CFG_IFNAME_MAX) + 4 + sizeof(struct ifa_cacheinfo) + 8;
	uint32_t flags = vip->flags;

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
		flags |= IFA_F_NODAD;
	ifa->ifa_flags = (uint8_t)flags;
	mnl_attr_put(nlh, IFA_LOCAL, alen(vip->addr.family), vip->addr.addr);
	/* on a point-to-point address, IFA_ADDRESS is the peer's */
	mnl_attr_put(nlh, IFA_ADDRESS, alen(vip->addr.family), vip->peer.family ? vip->peer.addr : vip->addr.addr);
	if (flags > 0xff)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	if (add && (vip->preferred_lft >= 0 || vrrp_addr_deprecated(vip))) {
		struct ifa_cacheinfo ci = { .ifa_prefered = vip->preferred_lft >= 0 ? (uint32_t)vip->preferred_lft : 0,
					    .ifa_valid = UINT32_MAX };

		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
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
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*rtm)) + 12 * MNL_ATTR_HDRLEN + 3 * 16 + 4 * 4 +
		      2 * (sizeof(struct rtnexthop) + MNL_ATTR_HDRLEN + 16);

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
	/* keepalived's own protocol number, as keepalived marks its routes: `ip route flush proto keepalived`
	 * and routing daemons' filters written for keepalived find ours */
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_KEEPALIVED;
	rtm->rtm_type = r->type ? r->type : r->blackhole ? RTN_BLACKHOLE : RTN_UNICAST;
	/* no scope given: universe, as keepalived sends (not ip route's link for a route without gateway) */
	rtm->rtm_scope = r->scope >= 0 ? (uint8_t)r->scope : RT_SCOPE_UNIVERSE;
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (r->dst.prefix > 0)
		mnl_attr_put(nlh, RTA_DST, alen(r->dst.family), r->dst.addr);
	if (r->via.family && r->via_or.family) {
		/* `via A or B`: one route with two next hops of equal weight */
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
		const struct cfg_addr *hops[2] = { &r->via, &r->via_or };

		for (int i = 0; i < 2; i++) {
			struct rtnexthop *nh = (struct rtnexthop *)mnl_nlmsg_get_payload_tail(nlh);
			size_t at = nlh->nlmsg_len;

			memset(nh, 0, sizeof(*nh));
			nh->rtnh_ifindex = ifindex > 0 ? ifindex : 0;
			nh->rtnh_flags = r->onlink ? RTNH_F_ONLINK : 0;
			nlh->nlmsg_len += MNL_ALIGN(sizeof(*nh));
			mnl_attr_put(nlh, RTA_GATEWAY, alen(hops[i]->family), hops[i]->addr);
			nh->rtnh_len = (unsigned short)(nlh->nlmsg_len - at);
		}
		mnl_attr_nest_end(nlh, mp);
	} else if (r->via.family) {
		mnl_attr_put(nlh, RTA_GATEWAY, alen(r->via.family), r->via.addr);
	}
	if (r->src.family)
		mnl_attr_put(nlh, RTA_PREFSRC, alen(r->src.family), r->src.addr);
	if (ifindex > 0 && rtm->rtm_type == RTN_UNICAST && !r->via_or.family)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->mtu) {
		struct nlattr *mx = mnl_attr_nest_start(nlh, RTA_METRICS);

		mnl_attr_put_u32(nlh, RTAX_MTU, r->mtu);
		mnl_attr_nest_end(nlh, mx);
	}
	return nlh->nlmsg_len;
}

size_t
vrrp_rule_msg(void *buf, size_t size, bool add, const struct cfg_vrrp_rule *r, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*frh)) + 10 * MNL_ATTR_HDRLEN + 2 * 16 + 6 * 4 +
		      2 * MNL_ALIGN(CFG_IFNAME_MAX);

	if (size < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
	/* EXCL: the kernel would otherwise keep adding copies of a rule at each transition */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	nlh->nlmsg_seq = seq;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = r->family;
	frh->action = r->action;
	frh->tos = r->tos;
	frh->table = r->table > 0 && r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	if (r->invert)
		frh->flags |= FIB_RULE_INVERT;
	if (r->from.family) {
		frh->src_len = r->from.prefix;
		mnl_attr_put(nlh, FRA_SRC, alen(r->from.family), r->from.addr);
	}
	if (r->to.family) {
		frh->dst_len = r->to.prefix;
		mnl_attr_put(nlh, FRA_DST, alen(r->to.family), r->to.addr);
	}
	if (r->iif[0] != '\0')
		mnl_attr_put_strz(nlh, FRA_IIFNAME, r->iif);
	if (r->oif[0] != '\0')
		mnl_attr_put_strz(nlh, FRA_OIFNAME, r->oif);
	if (r->priority)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	if (r->fwmark || r->fwmask != 0) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, r->fwmask);
	}
	if (r->table >= 256)
		mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	if (r->action == FR_ACT_GOTO)
		mnl_attr_put_u32(nlh, FRA_GOTO, r->goto_priority);
	/* marked as keepalived marks its rules (`ip rule` shows proto keepalived) */
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, RTPROT_KEEPALIVED);
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
vrrp_nl_rule(struct vrrp_nl *nl, bool add, const struct cfg_vrrp_rule *r)
{
	char buf[512];
	uint32_t seq = ++nl->seq;

	return nl_change(nl, buf, vrrp_rule_msg(buf, sizeof(buf), add, r, seq), seq, add, ENOENT);
}

int
vrrp_nl_route(struct vrrp_nl *nl, bool add, int ifindex, const struct cfg_vrrp_route *r)
{
	char buf[512];
	uint32_t seq = ++nl->seq;

	return nl_change(nl, buf, vrrp_route_msg(buf, sizeof(buf), add, ifindex, r, seq), seq, add, ESRCH);
}

size_t
vrrp_vmac_msg(void *buf, size_t size, bool add, int base_ifindex, int ifindex, const char *name,
	      const uint8_t mac[6], uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info, *data;
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*ifi)) + 7 * MNL_ATTR_HDRLEN +
		      MNL_ALIGN(CFG_IFNAME_MAX) + 8 + 3 * 8 + MNL_ALIGN(sizeof("macvlan"));

	if (size < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWLINK : RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (!add) {
		ifi->ifi_index = ifindex;
		return nlh->nlmsg_len;
	}
	/* created down: it is set up (vrrp_link_up_msg) once configured, so nothing leaves it before */
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)base_ifindex);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* private: frames between macvlans of one link stay apart, as between two routers */
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh->nlmsg_len;
}

size_t
vrrp_link_msg(void *buf, size_t size, int ifindex, bool up, bool no_ipv6, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	size_t need = MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*ifi)) + 3 * MNL_ATTR_HDRLEN + 4;

	if (size < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (no_ipv6) {
		/* no IPv6 address of its own, hence no DAD or MLD from one: a backup's macvlan would
		 * otherwise send frames from the virtual MAC, and switches would send the master's traffic
		 * its way */
		struct nlattr *af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC), *in6 = mnl_attr_nest_start(nlh, AF_INET6);

		mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
		mnl_attr_nest_end(nlh, in6);
		mnl_attr_nest_end(nlh, af);
	}
	return nlh->nlmsg_len;
}

int
vrrp_nl_vmac(struct vrrp_nl *nl, bool add, int base_ifindex, int ifindex, const char *name, const uint8_t mac[6])
{
	char buf[512];
	uint32_t seq = ++nl->seq;

	return nl_change(nl, buf, vrrp_vmac_msg(buf, sizeof(buf), add, base_ifindex, ifindex, name, mac, seq), seq,
			 add, ENODEV);
}

int
vrrp_nl_link_up(struct vrrp_nl *nl, int ifindex, bool no_ipv6)
{
	char buf[256];
	uint32_t seq = ++nl->seq;

	/* the address mode first: the kernel sets a link up before it reads the rest of a request */
	if (no_ipv6 && nl_change(nl, buf, vrrp_link_msg(buf, sizeof(buf), ifindex, false, true, seq), seq, true, 0) == -1)
		return -1;
	seq = ++nl->seq;
	return nl_change(nl, buf, vrrp_link_msg(buf, sizeof(buf), ifindex, true, false, seq), seq, true, 0);
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
