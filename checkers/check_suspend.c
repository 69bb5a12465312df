/*
 * ha_suspend, as keepalived has it: the checks of a virtual server with ha_suspend run only while its
 * address is configured on this host, that is on the director that holds the VIP. The host's addresses
 * are followed with rtnetlink: a dump when the first configuration with ha_suspend arrives, then every
 * RTM_NEWADDR / RTM_DELADDR. A suspended check does not run and its real server keeps its state.
 *
 * A virtual server by fwmark has no address and is never suspended; one of a group is active while any
 * address of its group is configured.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "checkers/check.h"
#include "lib/log.h"

#define SUSPEND_RCVBUF (1024 * 1024)
#define DUMP_WAIT_MS 5000

/* An address of this host, counted once per interface that has it. */
struct ck_local_addr {
	uint8_t family;
	uint8_t addr[16];
	uint32_t count;
};

struct ck_suspend {
	struct ck_state *ck;
	int fd;
	struct ev_io io;
	struct ck_local_addr *addrs;
	size_t naddrs, cap;
	uint64_t changes;
};

static struct ck_local_addr *
suspend_find(struct ck_suspend *s, uint8_t family, const uint8_t *addr)
{
	size_t len = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < s->naddrs; i++)
		if (s->addrs[i].family == family && memcmp(s->addrs[i].addr, addr, len) == 0)
			return &s->addrs[i];
	return NULL;
}

static void
suspend_note(struct ck_suspend *s, uint8_t family, const uint8_t *addr, bool added)
{
	struct ck_local_addr *a = suspend_find(s, family, addr);
	char text[INET6_ADDRSTRLEN];

	if (added && a != NULL) {
		a->count++;
		return;
	}
	if (added) {
		if (s->naddrs == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			struct ck_local_addr *v = reallocarray(s->addrs, cap, sizeof(*v));

			if (v == NULL) {
				log_warnx("ha_suspend: out of memory for the host's addresses");
				return;
			}
			s->addrs = v;
			s->cap = cap;
		}
		a = &s->addrs[s->naddrs++];
		memset(a, 0, sizeof(*a));
		a->family = family;
		memcpy(a->addr, addr, family == AF_INET ? 4 : 16);
		a->count = 1;
	} else if (a == NULL || --a->count > 0) {
		return;
	} else {
		*a = s->addrs[--s->naddrs];
	}
	s->changes++;
	inet_ntop(family, addr, text, sizeof(text));
	log_debug("ha_suspend: %s %s this host", text, added ? "is on" : "left");
}

/* One netlink datagram of address messages; returns 1 at the end of a dump, 0 otherwise, -1 on an error. */
static int
suspend_parse(struct ck_suspend *s, const void *buf, size_t len)
{
	int left = (int)len;

	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		const struct ifaddrmsg *ifa = NLMSG_DATA(h);
		const struct rtattr *local = NULL, *address = NULL, *use;
		int alen;

		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR)
			return -1;
		if ((h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
		    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
			continue;
		alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
		for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
			if (a->rta_type == IFA_LOCAL)
				local = a;
			else if (a->rta_type == IFA_ADDRESS)
				address = a;
		}
		/* IFA_LOCAL is the host's own end of a point-to-point link; otherwise IFA_ADDRESS is */
		use = local != NULL ? local : address;
		if (use == NULL || RTA_PAYLOAD(use) != (ifa->ifa_family == AF_INET ? 4u : 16u))
			continue;
		suspend_note(s, ifa->ifa_family, RTA_DATA(use), h->nlmsg_type == RTM_NEWADDR);
	}
	return 0;
}

static void
suspend_readable(struct ev_io *io, uint32_t revents)
{
	struct ck_suspend *s = io->data;
	uint8_t buf[16384];

	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* events were lost: the set may be wrong until the next change of the same address */
			log_warnx("ha_suspend: address events lost (ENOBUFS)");
			continue;
		}
		if (n <= 0)
			return;
		suspend_parse(s, buf, (size_t)n);
	}
}

/* The addresses there are now, read before anything else runs. */
static int
suspend_dump(struct ck_suspend *s)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETADDR, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 1 },
		.ifa = { .ifa_family = AF_UNSPEC },
	};
	uint8_t buf[16384];
	int r = 0;

	if (send(s->fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		return -1;
	while (r == 0) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, DUMP_WAIT_MS) != 1)
			return -1;
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		r = suspend_parse(s, buf, (size_t)n);
	}
	return r == 1 ? 0 : -1;
}

static int
suspend_open(struct ck_suspend *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
	int size = SUSPEND_RCVBUF;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s->fd == -1)
		return -1;
	(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* subscribed before the dump: a change during it is seen, at worst twice (counted per interface) */
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || suspend_dump(s) == -1 ||
	    ev_io_start(s->ck->p->loop, &s->io, s->fd, EPOLLIN, suspend_readable, s) == -1) {
		close(s->fd);
		s->fd = -1;
		s->naddrs = 0;
		return -1;
	}
	return 0;
}

void
ck_suspend_apply(struct ck_state *ck, const struct config *conf)
{
	const struct cfg_virtual_server *vs;
	bool wanted = false;

	CONFIG_FOREACH(conf, CFG_VIRTUAL_SERVER, const struct cfg_virtual_server, vs)
		wanted |= vs->ha_suspend && vs->fwmark == 0;
	if (!wanted || ck->suspend != NULL)
		return;
	if ((ck->suspend = calloc(1, sizeof(*ck->suspend))) == NULL) {
		log_warnx("ha_suspend: out of memory: checks are not suspended");
		return;
	}
	ck->suspend->ck = ck;
	if (suspend_open(ck->suspend) == -1) {
		log_warn("ha_suspend: cannot follow the host's addresses; checks are not suspended");
		free(ck->suspend);
		ck->suspend = NULL;
	}
}

void
ck_suspend_close(struct ck_state *ck)
{
	struct ck_suspend *s = ck->suspend;

	if (s == NULL)
		return;
	ev_io_stop(ck->p->loop, &s->io);
	close(s->fd);
	free(s->addrs);
	free(s);
	ck->suspend = NULL;
}

static bool
suspend_group_here(struct ck_suspend *s, const struct config *conf, const char *group)
{
	const struct cfg_vs_group *g, *found = NULL;
	const struct cfg_vs_group_entry *e;

	CONFIG_FOREACH(conf, CFG_VS_GROUP, const struct cfg_vs_group, g)
		if (strcmp(g->name, group) == 0)
			found = g;
	if (found == NULL)
		return false;
	CONFIG_FOREACH(conf, CFG_VS_GROUP_ENTRY, const struct cfg_vs_group_entry, e) {
		bool v6 = e->addr.family == AF_INET6;
		uint8_t a[16];
		unsigned first, last;

		if (e->hdr.parent != found->hdr.id || e->fwmark != 0)
			continue;
		/* a range varies the last byte (IPv4) or the last 16 bits (IPv6) */
		first = v6 ? (unsigned)(e->addr.addr[14] << 8 | e->addr.addr[15]) : e->addr.addr[3];
		last = e->last.family == 0 ? first :
		       v6 ? (unsigned)(e->last.addr[14] << 8 | e->last.addr[15]) : e->last.addr[3];
		memcpy(a, e->addr.addr, sizeof(a));
		for (unsigned n = first; n <= last; n++) {
			if (v6) {
				a[14] = (uint8_t)(n >> 8);
				a[15] = (uint8_t)n;
			} else {
				a[3] = (uint8_t)n;
			}
			if (suspend_find(s, e->addr.family, a) != NULL)
				return true;
		}
	}
	return false;
}

bool
ck_suspended(const struct ck_check *c)
{
	const struct cfg_virtual_server *vs = c->rs->vs;
	struct ck_suspend *s = c->ck->suspend;

	if (vs == NULL || !vs->ha_suspend || vs->fwmark != 0 || s == NULL)
		return false;
	if (vs->group[0] != '\0')
		return !suspend_group_here(s, c->ck->p->conf, vs->group);
	return suspend_find(s, vs->addr.family, vs->addr.addr) == NULL;
}
