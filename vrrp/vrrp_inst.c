/* An instance's life: sockets, adverts, received packets, addresses and the meaning of FSM actions. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_int.h"
#include "vrrp/vrrp_sock.h"

#define NS_PER_MS 1000000ULL

static const uint8_t mcast4[4] = { 224, 0, 0, 18 };
static const uint8_t mcast6[16] = { 0xff, 0x02, [15] = 0x12 };

static size_t
alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

uint64_t
vrrp_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct vrrp_inst *
vrrp_inst_find(struct vrrp_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->ninst; i++)
		if (strcmp(ctx->inst[i]->cfg.name, name) == 0)
			return ctx->inst[i];
	return NULL;
}

/* ---- sockets ---- */

static void sock_readable(struct ev_io *io, uint32_t revents);

static struct vrrp_sock *
sock_get(struct vrrp_ctx *ctx, const char *ifname, int ifindex, int family, int proto)
{
	struct vrrp_sock *s, **v;

	for (size_t i = 0; i < ctx->nsocks; i++) {
		s = ctx->socks[i];
		if (s->family == family && s->proto == proto && s->ifindex == ifindex &&
		    strcmp(s->ifname, ifname) == 0) {
			s->refs++;
			return s;
		}
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((v = reallocarray(ctx->socks, ctx->nsocks + 1, sizeof(*v))) == NULL) {
		free(s);
		return NULL;
	}
	ctx->socks = v;
	s->ctx = ctx;
	s->family = family;
	s->proto = proto;
	s->ifindex = ifindex;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	if ((s->fd = vrrp_sock_open(family, ifname, ifindex, proto)) == -1) {
		free(s);
		return NULL;
	}
	if (ev_io_start(ctx->p->loop, &s->io, s->fd, EPOLLIN, sock_readable, s) == -1) {
		close(s->fd);
		free(s);
		return NULL;
	}
	s->refs = 1;
	ctx->socks[ctx->nsocks++] = s;
	return s;
}

void
vrrp_sock_put(struct vrrp_ctx *ctx, struct vrrp_sock *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	for (size_t i = 0; i < ctx->nsocks; i++) {
		if (ctx->socks[i] == s) {
			ctx->socks[i] = ctx->socks[--ctx->nsocks];
			break;
		}
	}
	ev_io_stop(ctx->p->loop, &s->io);
	close(s->fd);
	free(s);
}

static void
sock_readable(struct ev_io *io, uint32_t revents)
{
	struct vrrp_sock *s = io->data;
	uint8_t buf[VRRP_PKT_MAX + VRRP_AH_PKT_MAX];
	struct vrrp_rx_meta meta;

	/* a bounded batch, so one flooded socket cannot starve the timers */
	for (int i = 0; i < 64; i++) {
		ssize_t n = vrrp_sock_recv(s->fd, s->family, buf, sizeof(buf), &meta);

		if (n <= 0) {
			if (n == -1)
				log_warn("receiving on %s", s->ifname);
			return;
		}
		vrrp_inst_packet(s, buf, (size_t)n, &meta);
	}
}

/* ---- setup ---- */

static bool
is_multicast(const struct vrrp_inst *in)
{
	return in->cfg.npeers == 0;
}

/* The advertised list: the non-excluded addresses of the instance's family. */
static void
build_addrs(struct vrrp_inst *in)
{
	in->naddr = 0;
	for (uint32_t i = 0; i < in->cfg.nvips; i++) {
		const struct cfg_vrrp_vip *v = &in->cfg.vips[i];

		if (v->excluded || v->addr.family != in->family || in->naddr == VRRP_MAX_ADDRS)
			continue;
		memcpy(in->addrs + in->naddr * alen(in->family), v->addr.addr, alen(in->family));
		in->naddr++;
	}
}

/* keepalived's deviations from the RFC, each off unless configured */
static void
fsm_options(struct vrrp_inst *in)
{
	in->fsm.down_adverts = in->cfg.down_timer_adverts ? in->cfg.down_timer_adverts : 3;
	in->fsm.lower_prio_no_advert = in->cfg.lower_prio_no_advert > 0;
	in->fsm.higher_prio_send_advert = in->cfg.higher_prio_send_advert > 0;
}

static int
cfg_family(const struct cfg_vrrp_instance *c)
{
	for (uint32_t i = 0; i < c->nvips; i++)
		if (!c->vips[i].excluded)
			return c->vips[i].addr.family;
	if (c->npeers > 0)
		return c->peers[0].family;
	if (c->unicast_src_ip.family)
		return c->unicast_src_ip.family;
	if (c->mcast_src_ip.family)
		return c->mcast_src_ip.family;
	return AF_INET;
}

static void
sanitize(struct cfg_vrrp_instance *c)
{
	/* fixed arrays of strings arrived from another process: terminate them where they end */
	if (c->nvips > CFG_VRRP_VIP_MAX)
		c->nvips = CFG_VRRP_VIP_MAX;
	if (c->nroutes > CFG_VRRP_ROUTE_MAX)
		c->nroutes = CFG_VRRP_ROUTE_MAX;
	if (c->npeers > CFG_VRRP_PEER_MAX)
		c->npeers = CFG_VRRP_PEER_MAX;
	if (c->ntrack_if > CFG_VRRP_TRACK_MAX)
		c->ntrack_if = CFG_VRRP_TRACK_MAX;
	if (c->ntrack_script > CFG_VRRP_TRACK_MAX)
		c->ntrack_script = CFG_VRRP_TRACK_MAX;
	for (uint32_t i = 0; i < CFG_VRRP_VIP_MAX; i++) {
		c->vips[i].dev[CFG_IFNAME_MAX - 1] = '\0';
		c->vips[i].label[CFG_IFNAME_MAX - 1] = '\0';
	}
	for (uint32_t i = 0; i < CFG_VRRP_ROUTE_MAX; i++)
		c->routes[i].dev[CFG_IFNAME_MAX - 1] = '\0';
	if (c->ntrack_file > CFG_VRRP_TRACK_MAX)
		c->ntrack_file = CFG_VRRP_TRACK_MAX;
	if (c->ntrack_process > CFG_VRRP_TRACK_MAX)
		c->ntrack_process = CFG_VRRP_TRACK_MAX;
	if (c->nrules > CFG_VRRP_RULE_MAX)
		c->nrules = CFG_VRRP_RULE_MAX;
	for (uint32_t i = 0; i < CFG_VRRP_TRACK_MAX; i++) {
		c->track_if[i].name[CFG_NAME_MAX - 1] = '\0';
		c->track_script[i].name[CFG_NAME_MAX - 1] = '\0';
		c->track_file[i].name[CFG_NAME_MAX - 1] = '\0';
		c->track_process[i].name[CFG_NAME_MAX - 1] = '\0';
	}
	for (uint32_t i = 0; i < CFG_VRRP_RULE_MAX; i++) {
		c->rules[i].iif[CFG_IFNAME_MAX - 1] = '\0';
		c->rules[i].oif[CFG_IFNAME_MAX - 1] = '\0';
	}
	c->notify_deleted_cmd[CFG_CMD_MAX - 1] = '\0';
	c->notify_deleted_user[CFG_NOTIFY_USER_MAX - 1] = '\0';
	c->vmac_name[CFG_IFNAME_MAX - 1] = '\0';
	c->auth_pass[CFG_VRRP_AUTH_LEN] = '\0';
	if (c->advert_int_ms == 0)
		c->advert_int_ms = 1000;
	if (c->priority == 0 || c->priority > 255)
		c->priority = 100;
}

void
vrrp_inst_attach(struct vrrp_inst *in)
{
	struct vrrp_ctx *ctx = in->ctx;
	int proto = in->ah ? VRRP_AH_PROTO : VRRP_PROTO;
	int idx;

	if (in->sock != NULL)
		return;
	if ((idx = (int)if_nametoindex(in->cfg.interface)) == 0)
		return;		/* not there (yet): Fault until it appears */
	if (in->cfg.use_vmac && vrrp_vmac_ensure(in) == 0)
		return;		/* Fault until its macvlan is there */
	if (in->cfg.promote_secondaries)
		vrrp_sysctl(in->cfg.interface, "promote_secondaries", "1");
	in->ifindex = idx;
	if (vrrp_if_mac(in->cfg.interface, in->mac) == -1)
		memset(in->mac, 0, sizeof(in->mac));
	if (in->cfg.use_vmac && !in->cfg.vmac_xmit_base) {
		/* adverts from the macvlan carry the virtual MAC, which the switches then learn */
		char vname[IF_NAMESIZE];

		if (if_indextoname((unsigned)in->vmac_ifindex, vname) == NULL)
			return;
		in->sock = sock_get(ctx, vname, in->vmac_ifindex, in->family, proto);
		in->ifindex = in->vmac_ifindex;
	} else {
		in->sock = sock_get(ctx, in->cfg.interface, idx, in->family, proto);
	}
	if (in->sock == NULL) {
		log_warnx("%s: no VRRP socket on %s", in->cfg.name, in->cfg.interface);
		return;
	}
	if (in->cfg.kernel_rx_buf_size > (uint32_t)in->sock->rcvbuf) {
		int size = (int)in->cfg.kernel_rx_buf_size;

		if (setsockopt(in->sock->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) == -1)
			log_warn("%s: kernel_rx_buf_size %d", in->cfg.name, size);
		else
			in->sock->rcvbuf = size;
	}
	/* each instance's group: mcast_dst_ip may differ between the instances of one socket */
	if (is_multicast(in) && (!in->sock->joined || memcmp(in->sock->group, in->group, sizeof(in->group)) != 0)) {
		if (vrrp_sock_join(in->sock->fd, in->family, in->ifindex, in->group, true) == -1 && errno != EADDRINUSE) {
			log_warn("%s: joining the VRRP group on %s", in->cfg.name, in->cfg.interface);
		} else {
			in->sock->joined = true;
			memcpy(in->sock->group, in->group, sizeof(in->group));
		}
	}
}

struct vrrp_inst *
vrrp_inst_new(struct vrrp_ctx *ctx, const struct cfg_vrrp_instance *cfg)
{
	struct vrrp_inst *in = calloc(1, sizeof(*in));

	if (in == NULL)
		return NULL;
	in->ctx = ctx;
	in->cfg = *cfg;
	sanitize(&in->cfg);
	in->group_idx = -1;
	in->version = (int)(cfg->version ? cfg->version : ctx->global.vrrp_version ? ctx->global.vrrp_version : 2);
	in->family = cfg_family(&in->cfg);
	if (in->family == AF_INET6)
		in->version = 3;
	/* keepalived has AH for v2 over IPv4 only; the config check says so for the others */
	in->ah = in->version == 2 && in->family == AF_INET && in->cfg.auth_type == VRRP_AUTH_AH;
	if (in->cfg.mcast_dst_ip.family == in->family)
		memcpy(in->group, in->cfg.mcast_dst_ip.addr, alen(in->family));
	else if (in->family == AF_INET)
		memcpy(in->group, ctx->global.vrrp_mcast_group4.family == AF_INET ?
		       ctx->global.vrrp_mcast_group4.addr : mcast4, 4);
	else
		memcpy(in->group, ctx->global.vrrp_mcast_group6.family == AF_INET6 ?
		       ctx->global.vrrp_mcast_group6.addr : mcast6, 16);
	build_addrs(in);
	vrrp_fsm_init(&in->fsm, in->version, (uint8_t)in->cfg.priority, in->cfg.advert_int_ms * NS_PER_MS,
		      !in->cfg.nopreempt, in->cfg.preempt_delay_ms * NS_PER_MS);
	fsm_options(in);
	ev_timer_init(&in->timer, NULL, in, "vrrp instance");
	ev_timer_init(&in->garp_timer, NULL, in, "vrrp garp");
	return in;
}

void
vrrp_inst_free(struct vrrp_inst *in)
{
	if (in == NULL)
		return;
	ev_timer_stop(in->ctx->p->loop, &in->timer);
	ev_timer_stop(in->ctx->p->loop, &in->garp_timer);
	vrrp_garp_cancel(in->ctx->garp, in);
	vrrp_sock_put(in->ctx, in->sock);
	vrrp_vmac_remove(in);
	free(in);
}

bool
vrrp_inst_same_router(const struct vrrp_inst *in, const struct cfg_vrrp_instance *cfg)
{
	struct vrrp_inst probe;

	probe.cfg = *cfg;
	probe.family = cfg_family(cfg);
	uint32_t version = cfg->version ? cfg->version : in->ctx->global.vrrp_version ? in->ctx->global.vrrp_version : 2;

	if (probe.family == AF_INET6)
		version = 3;
	/* AH or not decides the socket, so it is a different router */
	return strcmp(in->cfg.interface, cfg->interface) == 0 && in->cfg.vrid == cfg->vrid &&
	       in->version == (int)version && in->family == probe.family &&
	       in->ah == (version == 2 && probe.family == AF_INET && cfg->auth_type == VRRP_AUTH_AH) &&
	       in->cfg.npeers == cfg->npeers &&
	       memcmp(in->cfg.peers, cfg->peers, sizeof(cfg->peers)) == 0 &&
	       memcmp(&in->cfg.unicast_src_ip, &cfg->unicast_src_ip, sizeof(cfg->unicast_src_ip)) == 0 &&
	       memcmp(&in->cfg.mcast_src_ip, &cfg->mcast_src_ip, sizeof(cfg->mcast_src_ip)) == 0 &&
	       memcmp(&in->cfg.mcast_dst_ip, &cfg->mcast_dst_ip, sizeof(cfg->mcast_dst_ip)) == 0 &&
	       in->cfg.use_vmac == cfg->use_vmac && in->cfg.vmac_xmit_base == cfg->vmac_xmit_base &&
	       strcmp(in->cfg.vmac_name, cfg->vmac_name) == 0 &&
	       memcmp(in->cfg.vmac_mac, cfg->vmac_mac, sizeof(cfg->vmac_mac)) == 0;
}

/* ---- addresses ---- */

static int
vip_ifindex(const struct vrrp_inst *in, const char *dev)
{
	if (dev[0] != '\0')
		return (int)if_nametoindex(dev);
	/* use_vmac: the addresses without a dev of their own go on the macvlan */
	return in->cfg.use_vmac && in->vmac_ifindex > 0 ? in->vmac_ifindex : in->ifindex;
}

static void
set_vip(struct vrrp_inst *in, const struct cfg_vrrp_vip *v, bool add)
{
	char a[INET6_ADDRSTRLEN];
	int idx = vip_ifindex(in, v->dev);

	inet_ntop(v->addr.family, v->addr.addr, a, sizeof(a));
	if (idx == 0)
		log_warnx("%s: no interface for %s", in->cfg.name, a);
	else if (vrrp_nl_addr(in->ctx->nl, add, idx, v) == -1)
		log_warn("%s: %s %s/%u", in->cfg.name, add ? "adding" : "removing", a, v->addr.prefix);
}

static void
set_route(struct vrrp_inst *in, const struct cfg_vrrp_route *r, bool add)
{
	int idx = r->dev[0] != '\0' ? (int)if_nametoindex(r->dev) : r->via.family == 0 ? in->ifindex : 0;

	if (vrrp_nl_route(in->ctx->nl, add, idx, r) == -1)
		log_warn("%s: %s a virtual route", in->cfg.name, add ? "adding" : "removing");
}

static void
set_rules(struct vrrp_inst *in, const struct cfg_vrrp_instance *c, bool add)
{
	for (uint32_t i = 0; i < c->nrules; i++)
		if (vrrp_nl_rule(in->ctx->nl, add, &c->rules[i]) == -1)
			log_warn("%s: %s a virtual rule", in->cfg.name, add ? "adding" : "removing");
}

static void
set_addresses(struct vrrp_inst *in, bool add)
{
	if (in->ctx->nl == NULL)
		return;
	/* routes may depend on the addresses, and rules on the routes: added after them, removed before */
	if (!add) {
		set_rules(in, &in->cfg, false);
		for (uint32_t i = 0; i < in->cfg.nroutes; i++)
			set_route(in, &in->cfg.routes[i], false);
	}
	for (uint32_t i = 0; i < in->cfg.nvips; i++)
		set_vip(in, &in->cfg.vips[i], add);
	if (add) {
		for (uint32_t i = 0; i < in->cfg.nroutes; i++)
			set_route(in, &in->cfg.routes[i], true);
		set_rules(in, &in->cfg, true);
	}
	in->vips_on = add;
}

/* Addresses left by a vipd that was killed: whoever is master now has them, we must not. */
static void
remove_stale(struct vrrp_inst *in)
{
	bool any = false;

	if (in->cfg.priority == 255)
		return;		/* the owner's addresses are its own */
	for (uint32_t i = 0; i < in->cfg.nvips; i++) {
		const struct cfg_vrrp_vip *v = &in->cfg.vips[i];
		char ifname[IF_NAMESIZE] = "";
		int idx = vip_ifindex(in, v->dev);

		if (idx == 0 || if_indextoname((unsigned)idx, ifname) == NULL)
			continue;
		if (vrrp_if_has_addr(ifname, v->addr.family, v->addr.addr)) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(v->addr.family, v->addr.addr, a, sizeof(a));
			log_info("%s: removing stale virtual address %s from %s", in->cfg.name, a, ifname);
			set_vip(in, v, false);
			any = true;
		}
	}
	if (any) {
		set_rules(in, &in->cfg, false);
		for (uint32_t i = 0; i < in->cfg.nroutes; i++)
			set_route(in, &in->cfg.routes[i], false);
	}
}

/* repeat gratuitous ARPs / NAs for each address, paced per interface */
static void
announce(struct vrrp_inst *in, uint32_t repeat)
{
	if (in->ctx->nl == NULL || in->ctx->garp == NULL)
		return;
	for (uint32_t k = 0; k < repeat; k++) {
		for (uint32_t i = 0; i < in->cfg.nvips; i++) {
			const struct cfg_vrrp_vip *v = &in->cfg.vips[i];
			int idx = vip_ifindex(in, v->dev);
			uint8_t mac[6];
			char ifname[IF_NAMESIZE];

			if (idx == 0 || if_indextoname((unsigned)idx, ifname) == NULL || vrrp_if_mac(ifname, mac) == -1)
				continue;
			vrrp_garp_queue(in->ctx->garp, in, idx, v->addr.family, v->addr.addr, mac);
		}
	}
	vrrp_garp_pump(in->ctx->garp);
}

enum garp_phase { GARP_DELAYED = 1, GARP_REFRESH, GARP_LOWER_PRIO };

static void
garp_at(struct vrrp_inst *in, enum garp_phase phase, uint64_t ms)
{
	in->garp_phase = phase;
	ev_timer_after(in->ctx->p->loop, &in->garp_timer, ms * NS_PER_MS);
}

static void
garp_due(struct ev_timer *t)
{
	struct vrrp_inst *in = t->data;

	if (in->fsm.state != VRRP_STATE_MASTER)
		return;
	switch (in->garp_phase) {
	case GARP_DELAYED:
		announce(in, in->cfg.garp_master_repeat ? in->cfg.garp_master_repeat : 1);
		break;
	case GARP_LOWER_PRIO:
		announce(in, in->cfg.garp_lower_prio_repeat);
		break;
	default:
		announce(in, in->cfg.garp_master_refresh_repeat ? in->cfg.garp_master_refresh_repeat : 1);
		break;
	}
	if (in->cfg.garp_master_refresh_ms > 0)
		garp_at(in, GARP_REFRESH, in->cfg.garp_master_refresh_ms);
}

/* A lower priority master is out there: its gratuitous ARPs may have pulled the traffic its way. */
static void
rx_lower(struct vrrp_inst *in)
{
	in->lower_rx++;
	if (in->cfg.garp_lower_prio_repeat > 0) {
		announce(in, in->cfg.garp_lower_prio_repeat);
		if (in->cfg.garp_lower_prio_delay_ms > 0)
			garp_at(in, GARP_LOWER_PRIO, in->cfg.garp_lower_prio_delay_ms);
	}
	vrrp_notify_rx_lower(in);
}

/* ---- sending ---- */

static bool
refresh_src(struct vrrp_inst *in)
{
	const struct cfg_addr *want = is_multicast(in) ? &in->cfg.mcast_src_ip : &in->cfg.unicast_src_ip;

	if (want->family == 0 && !is_multicast(in))
		want = &in->cfg.mcast_src_ip;
	if (want->family == in->family) {
		memset(in->src, 0, sizeof(in->src));
		memcpy(in->src, want->addr, alen(in->family));
		in->have_src = true;
		return true;
	}
	in->have_src = vrrp_if_primary(in->cfg.interface, in->family, in->addrs, in->naddr, in->src) == 0;
	return in->have_src;
}

/* One AH datagram to dst; the sequence number and IP id are the advert's, the same for every peer. */
static bool
send_ah(struct vrrp_inst *in, const uint8_t *msg, size_t n, const uint8_t *dst, uint32_t seq)
{
	bool unicast = !is_multicast(in);
	struct vrrp_ah_tx tx = {
		.ip_id = in->ip_id, .ttl = unicast && in->cfg.unicast_ttl > 0 ? (uint8_t)in->cfg.unicast_ttl : VRRP_TTL,
		.unicast = unicast, .seq = seq,
	};
	uint8_t buf[VRRP_AH_PKT_MAX];
	size_t len;

	memcpy(tx.src, in->src, 4);
	memcpy(tx.dst, dst, 4);
	memcpy(tx.key, in->cfg.auth_pass, strnlen(in->cfg.auth_pass, sizeof(tx.key)));
	len = vrrp_ah_encode(&tx, msg, n, buf, sizeof(buf));
	/* the TTL is in the header vipd wrote: none given per packet */
	return len > 0 && vrrp_sock_send(in->sock->fd, AF_INET, in->ifindex, in->src, dst, buf, len, 0) == 0;
}

static void
send_advert(struct vrrp_inst *in, uint8_t priority)
{
	struct vrrp_adv adv = {
		.version = in->version, .family = in->family, .vrid = (uint8_t)in->cfg.vrid, .priority = priority,
		.interval_cs = (uint16_t)(in->cfg.advert_int_ms / 10), .addrs = in->addrs, .naddr = in->naddr,
	};
	unsigned flags = in->cfg.v3_checksum_as_v2 ? VRRP_CSUM_V3_AS_V2 : 0;
	uint8_t buf[VRRP_PKT_MAX];
	bool ok = false;
	uint32_t seq = 0;

	if (in->sock == NULL)
		return;
	if (!in->have_src && !refresh_src(in)) {
		in->send_errors++;
		log_debug("%s: no source address on %s yet", in->cfg.name, in->cfg.interface);
		return;
	}
	if (in->version == 2 && in->cfg.auth_type == VRRP_AUTH_PASS) {
		adv.auth_type = VRRP_AUTH_PASS;
		memcpy(adv.auth, in->cfg.auth_pass, strnlen(in->cfg.auth_pass, sizeof(adv.auth)));
	}
	if (in->ah) {
		/* the advert's own auth data stays zero: the AH header authenticates it */
		adv.auth_type = VRRP_AUTH_AH;
		seq = vrrp_ah_seq_next(&in->ah_seq);
		if (++in->ip_id == 0)
			in->ip_id = 1;
	}
	if (is_multicast(in)) {
		size_t n = vrrp_pkt_encode(&adv, in->src, in->group, flags, buf, sizeof(buf));

		ok = n > 0 && (in->ah ? send_ah(in, buf, n, in->group, seq) :
			       vrrp_sock_send(in->sock->fd, in->family, in->ifindex, in->src, in->group, buf, n, 0) == 0);
	} else {
		ok = true;
		for (uint32_t i = 0; i < in->cfg.npeers; i++) {
			const uint8_t *dst = in->cfg.peers[i].addr;
			size_t n = vrrp_pkt_encode(&adv, in->src, dst, flags, buf, sizeof(buf));

			if (n == 0)
				ok = false;
			else if (in->ah)
				ok = send_ah(in, buf, n, dst, seq) && ok;
			else if (vrrp_sock_send(in->sock->fd, in->family, in->ifindex, in->src, dst, buf, n,
						(int)in->cfg.unicast_ttl) == -1)
				ok = false;
		}
	}
	if (ok) {
		in->adverts_tx++;
		if (priority == 0)
			in->prio0_tx++;
	} else {
		in->send_errors++;
		if (in->send_errors == 1 || in->send_errors % 100 == 0)
			log_warn("%s: sending an advert on %s", in->cfg.name, in->cfg.interface);
		in->have_src = false;
	}
}

/* ---- actions ---- */

static void timer_due(struct ev_timer *t);

static void
rearm(struct vrrp_inst *in)
{
	uint64_t next = vrrp_fsm_next(&in->fsm);

	in->timer.cb = timer_due;
	if (next == 0)
		ev_timer_stop(in->ctx->p->loop, &in->timer);
	else
		ev_timer_at(in->ctx->p->loop, &in->timer, next);
}

static void
report(struct vrrp_inst *in)
{
	struct ipc_vrrp_state st;

	memset(&st, 0, sizeof(st));
	snprintf(st.instance, sizeof(st.instance), "%s", in->cfg.name);
	st.state = in->fsm.state;
	st.priority = in->fsm.priority;
	st.since = in->since_ms;
	if (ipc_send(&in->ctx->p->parent, IPC_VRRP_STATE, &st, sizeof(st)) == -1)
		log_warnx("%s: cannot report the state to the parent", in->cfg.name);
}

static void sync_group_follow(struct vrrp_inst *in);

void
vrrp_inst_act(struct vrrp_inst *in, unsigned act)
{
	struct ev_loop *loop = in->ctx->p->loop;

	/* before its first advert as master: a counter stuck at its end starts again (keepalived's rule) */
	if ((act & VRRP_ACT_BECOME_MASTER) && in->ah)
		vrrp_ah_seq_master(&in->ah_seq);
	if (act & VRRP_ACT_SEND_PRIO0)
		send_advert(in, 0);
	if (act & VRRP_ACT_LEAVE_MASTER) {
		ev_timer_stop(loop, &in->garp_timer);
		vrrp_garp_cancel(in->ctx->garp, in);
		set_addresses(in, false);
	}
	if (act & VRRP_ACT_SEND_ADVERT)
		send_advert(in, in->fsm.priority);
	if (act & VRRP_ACT_BECOME_MASTER) {
		set_addresses(in, true);
		memcpy(in->master_addr, in->src, sizeof(in->src));
		in->have_master = in->have_src;
		in->announced_first_ms = in->announced_last_ms = 0;
		announce(in, in->cfg.garp_master_repeat ? in->cfg.garp_master_repeat : 1);
		in->garp_timer.cb = garp_due;
		if (in->cfg.garp_master_delay_ms > 0)
			garp_at(in, GARP_DELAYED, in->cfg.garp_master_delay_ms);
		else if (in->cfg.garp_master_refresh_ms > 0)
			garp_at(in, GARP_REFRESH, in->cfg.garp_master_refresh_ms);
	}
	if (act & VRRP_ACT_RX_LOWER)
		rx_lower(in);
	if (act & VRRP_ACT_STATE) {
		in->since_ms = vrrp_realtime_ms();
		log_info("%s: %s (priority %u)", in->cfg.name, vrrp_state_name(in->fsm.state), in->fsm.priority);
		if (in->fsm.state != VRRP_STATE_MASTER && in->fsm.state != VRRP_STATE_BACKUP)
			in->have_master = false;
		report(in);
		if (!in->quiet)
			vrrp_notify_inst(in);
		in->quiet = false;
		sync_group_follow(in);
		proc_send_status(in->ctx->p);
	}
	rearm(in);
}

/* A member moved: the others of its sync group follow (Fault goes through tracking instead). */
static void
sync_group_follow(struct vrrp_inst *in)
{
	struct vrrp_ctx *ctx = in->ctx;
	enum vrrp_state to = in->fsm.state;
	struct vrrp_group *g;
	bool all = true;

	if (in->group_idx < 0 || (size_t)in->group_idx >= ctx->ngroups)
		return;
	g = &ctx->groups[in->group_idx];
	if (!ctx->syncing && (to == VRRP_STATE_MASTER || to == VRRP_STATE_BACKUP)) {
		uint64_t now = ev_now();

		ctx->syncing = true;
		for (size_t i = 0; i < ctx->ninst; i++) {
			struct vrrp_inst *o = ctx->inst[i];

			if (o != in && o->group_idx == in->group_idx && o->started && !o->faulty)
				vrrp_inst_act(o, vrrp_fsm_force(&o->fsm, now, to));
		}
		ctx->syncing = false;
	}
	for (size_t i = 0; i < ctx->ninst; i++)
		if (ctx->inst[i]->group_idx == in->group_idx && ctx->inst[i]->fsm.state != to)
			all = false;
	if (all && g->state != to) {
		g->state = to;
		vrrp_notify_group(ctx, g);
	}
}

static void
timer_due(struct ev_timer *t)
{
	struct vrrp_inst *in = t->data;
	uint64_t now = ev_now();

	/* a late timer is a late failover: worth a line when debugging one */
	if (now > t->when + 20 * NS_PER_MS)
		log_debug("%s: timer %llu ms late", in->cfg.name, (unsigned long long)((now - t->when) / NS_PER_MS));
	vrrp_inst_act(in, vrrp_fsm_timer(&in->fsm, now));
}

void
vrrp_inst_start(struct vrrp_inst *in)
{
	bool resume = in->resume_master && !in->faulty;

	if (in->started)
		return;
	in->started = true;
	vrrp_inst_attach(in);
	if (!resume)
		remove_stale(in);
	else
		log_info("%s: resuming as master (remembered by the parent)", in->cfg.name);
	in->quiet = resume;
	refresh_src(in);
	vrrp_inst_act(in, vrrp_fsm_start(&in->fsm, ev_now(), in->faulty || in->sock == NULL, resume));
}

void
vrrp_inst_stop(struct vrrp_inst *in)
{
	if (!in->started)
		return;
	vrrp_inst_act(in, vrrp_fsm_stop(&in->fsm, ev_now()));
	if (in->vips_on)
		set_addresses(in, false);
}

void
vrrp_inst_update(struct vrrp_inst *in, const struct cfg_vrrp_instance *cfg)
{
	struct cfg_vrrp_instance old = in->cfg;
	bool master = in->fsm.state == VRRP_STATE_MASTER;

	if (memcmp((const char *)cfg + sizeof(cfg->hdr), (const char *)&old + sizeof(old.hdr),
		   sizeof(*cfg) - sizeof(cfg->hdr)) == 0) {
		in->cfg.hdr = cfg->hdr;
		return;		/* unchanged: keeps its state and addresses, no flap */
	}
	/* a master drops the addresses it no longer has and adds the new ones; nothing flaps */
	if (master && in->ctx->nl != NULL) {
		set_rules(in, &old, false);
		for (uint32_t i = 0; i < old.nroutes; i++)
			set_route(in, &old.routes[i], false);
		for (uint32_t i = 0; i < old.nvips; i++) {
			bool kept = false;

			for (uint32_t j = 0; j < cfg->nvips && !kept; j++)
				kept = memcmp(&old.vips[i], &cfg->vips[j], sizeof(old.vips[i])) == 0;
			if (!kept)
				set_vip(in, &old.vips[i], false);
		}
	}
	in->cfg = *cfg;
	sanitize(&in->cfg);
	build_addrs(in);
	if (master && in->ctx->nl != NULL)
		set_addresses(in, true);
	in->fsm.adv_int_ns = in->cfg.advert_int_ms * NS_PER_MS;
	in->fsm.preempt = !in->cfg.nopreempt;
	in->fsm.preempt_delay_ns = in->cfg.preempt_delay_ms * NS_PER_MS;
	fsm_options(in);
	in->have_src = false;
	refresh_src(in);
	/* the priority goes through tracking, which adds the weights to the new base */
	log_info("%s: configuration changed; adapted in state %s", in->cfg.name, vrrp_state_name(in->fsm.state));
}

/* ---- receiving ---- */

static bool
from_peer(const struct vrrp_inst *in, const uint8_t *src)
{
	for (uint32_t i = 0; i < in->cfg.npeers; i++)
		if (memcmp(in->cfg.peers[i].addr, src, alen(in->family)) == 0)
			return true;
	return false;
}

/* A unicast peer given a TTL range (a routed path) may send with less than 255. */
static bool
peer_ttl_ok(const struct vrrp_inst *in, const struct vrrp_rx_meta *meta)
{
	for (uint32_t i = 0; i < in->cfg.npeers; i++)
		if (memcmp(in->cfg.peers[i].addr, meta->src, alen(in->family)) == 0)
			return in->cfg.peer_max_ttl[i] != 0 && meta->ttl >= in->cfg.peer_min_ttl[i] &&
			       meta->ttl <= in->cfg.peer_max_ttl[i];
	return false;
}

static bool
is_group(int family, const uint8_t *a)
{
	return family == AF_INET ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
}

/*
 * The instance an advert is for. VRIDs are per address family (RFC 9568) and a socket is of one family
 * (and one protocol, AH or not). On one socket keepalived lets instances share a VRID when one is
 * multicast and the other unicast, when their multicast groups differ, or when they are unicast without
 * a peer in common: so the destination, and for unicast the sender, pick the instance; then the version.
 * With none that fits, any of the VRID, so that the drop is counted on it.
 */
static struct vrrp_inst *
find_inst(struct vrrp_sock *s, const struct vrrp_pkt *pkt, const struct vrrp_rx_meta *meta)
{
	struct vrrp_ctx *ctx = s->ctx;
	struct vrrp_inst *best = NULL;
	bool to_group = is_group(s->family, meta->dst);
	int best_score = -1;

	for (size_t i = 0; i < ctx->ninst; i++) {
		struct vrrp_inst *in = ctx->inst[i];
		int score = 0;

		if (in->sock != s || in->cfg.vrid != pkt->vrid)
			continue;
		if (is_multicast(in) ? to_group && memcmp(meta->dst, in->group, alen(s->family)) == 0 :
		    !to_group && from_peer(in, meta->src))
			score += 2;
		if (in->version == pkt->version)
			score += 1;
		if (score > best_score) {
			best = in;
			best_score = score;
		}
	}
	return best;
}

static void
drop(struct vrrp_inst *in, enum vrrp_drop why, const struct vrrp_rx_meta *meta)
{
	char a[INET6_ADDRSTRLEN];

	in->drops[why]++;
	inet_ntop(meta->family, meta->src, a, sizeof(a));
	if (why == VRRP_DROP_ADDR_LIST) {
		/* once until a good advert: a misconfigured peer would otherwise fill the log */
		if (!in->addr_err_logged)
			log_warnx("%s: advert from %s lists other addresses than ours; dropped", in->cfg.name, a);
		in->addr_err_logged = true;
	} else {
		log_debug("%s: dropped an advert from %s: %s", in->cfg.name, a, vrrp_drop_name(why));
	}
}

/* Decodes what the socket received: AH datagrams, IPv4 datagrams, or IPv6 messages. */
static enum vrrp_drop
decode(const struct vrrp_sock *s, const uint8_t *buf, size_t len, unsigned flags, struct vrrp_rx_meta *meta,
       struct vrrp_pkt *pkt, struct vrrp_ah_rx *ah)
{
	if (s->proto == VRRP_AH_PROTO)
		return vrrp_ah_decode_ip4(buf, len, flags, meta, pkt, ah);
	if (s->family == AF_INET)
		return vrrp_pkt_decode_ip4(buf, len, flags, meta, pkt);
	return vrrp_pkt_decode(buf, len, meta, flags, pkt);
}

void
vrrp_inst_packet(struct vrrp_sock *s, const uint8_t *buf, size_t len, const struct vrrp_rx_meta *rxmeta)
{
	struct vrrp_rx_meta meta = *rxmeta;
	struct vrrp_pkt pkt;
	struct vrrp_ah_rx ah;
	enum vrrp_drop why;
	struct vrrp_inst *in;
	struct vrrp_expect exp;
	unsigned flags = 0;
	bool higher;

	/* accept old-style IPv4 v3 checksums when any instance here asks for it */
	for (size_t i = 0; i < s->ctx->ninst; i++)
		if (s->ctx->inst[i]->sock == s && s->ctx->inst[i]->cfg.v3_checksum_as_v2)
			flags = VRRP_CSUM_V3_AS_V2;
	why = decode(s, buf, len, flags, &meta, &pkt, &ah);
	in = find_inst(s, &pkt, &meta);
	if (in == NULL) {
		s->drops[why == VRRP_OK ? VRRP_DROP_VRID : why]++;
		return;
	}
	if (in->have_src && memcmp(meta.src, in->src, alen(in->family)) == 0)
		return;		/* our own, looped back by a bridge or a unicast peer list naming us */
	if (why == VRRP_DROP_TTL && !is_multicast(in) && peer_ttl_ok(in, &meta)) {
		flags |= VRRP_PKT_ANY_TTL;
		why = decode(s, buf, len, flags, &meta, &pkt, &ah);
	}
	if (why != VRRP_OK) {
		drop(in, why, &meta);
		return;
	}
	/* a multicast instance takes no unicast advert, nor a unicast one a multicast advert (keepalived) */
	if (is_multicast(in) != is_group(in->family, meta.dst)) {
		drop(in, VRRP_DROP_DEST, &meta);
		return;
	}
	if (in->ah) {
		uint8_t key[VRRP_AH_KEY_LEN] = { 0 };

		memcpy(key, in->cfg.auth_pass, strnlen(in->cfg.auth_pass, sizeof(key)));
		if ((why = vrrp_ah_verify(buf, len, &ah, !is_multicast(in), key)) != VRRP_OK) {
			drop(in, why, &meta);
			return;
		}
		/* authentic: its sequence number counts even if a later check drops it, as in keepalived */
		if (!vrrp_ah_seq_accept(&in->ah_seq, ah.seq, in->fsm.state == VRRP_STATE_BACKUP)) {
			drop(in, VRRP_DROP_AH_SEQ, &meta);
			return;
		}
	}
	memset(&exp, 0, sizeof(exp));
	exp.version = in->version;
	exp.family = in->family;
	exp.interval_cs = (uint16_t)((in->cfg.advert_int_ms / 1000) * 100);
	if (in->version == 2 && in->cfg.auth_type == VRRP_AUTH_PASS) {
		exp.auth_type = VRRP_AUTH_PASS;
		memcpy(exp.auth, in->cfg.auth_pass, strnlen(in->cfg.auth_pass, sizeof(exp.auth)));
	} else if (in->ah) {
		exp.auth_type = VRRP_AUTH_AH;
	}
	exp.addrs = in->addrs;
	exp.naddr = in->naddr;
	/* skip_check_adv_addr: the same sender as last time said the same, most likely */
	exp.skip_addrs = in->cfg.skip_check_adv_addr > 0 && in->have_last_src &&
			 memcmp(in->last_src, meta.src, alen(in->family)) == 0;
	if ((why = vrrp_pkt_check(&pkt, &exp)) != VRRP_OK) {
		drop(in, why, &meta);
		return;
	}
	if (!is_multicast(in) && !from_peer(in, meta.src)) {
		drop(in, VRRP_DROP_PEER, &meta);
		return;
	}
	in->addr_err_logged = false;
	memcpy(in->last_src, meta.src, sizeof(in->last_src));
	in->have_last_src = true;
	in->adverts_rx++;
	if (pkt.priority == 0)
		in->prio0_rx++;
	if (pkt.priority == 255 && in->fsm.priority == 255)
		log_warnx("%s: another address owner advertises VRID %u", in->cfg.name, in->cfg.vrid);
	higher = memcmp(meta.src, in->src, alen(in->family)) > 0;
	vrrp_inst_act(in, vrrp_fsm_advert(&in->fsm, ev_now(), pkt.priority, pkt.interval_cs, higher));
	if (in->fsm.state == VRRP_STATE_BACKUP && pkt.priority != 0) {
		memcpy(in->master_addr, meta.src, sizeof(meta.src));
		in->have_master = true;
	}
}
