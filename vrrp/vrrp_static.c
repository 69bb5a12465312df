/*
 * What the vrrp child sets up whatever the VRRP states: the static_ipaddress, static_routes and
 * static_rules of the configuration (in place while vipd runs, removed when it stops), and the macvlan of
 * each use_vmac instance, which carries the VRRP virtual MAC so that a takeover moves no MAC address in the
 * switches' tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_int.h"
#include "vrrp/vrrp_sock.h"

/* ---- static addresses, routes and rules ---- */

static bool
same_static(const struct cfg_vrrp_static *a, const struct cfg_vrrp_static *b)
{
	return memcmp((const char *)a + sizeof(a->hdr), (const char *)b + sizeof(b->hdr), sizeof(*a) - sizeof(a->hdr)) ==
	       0;
}

/* dev, else default_interface, else eth0 (keepalived's default) */
static int
static_ifindex(const struct vrrp_ctx *ctx, const char *dev)
{
	const char *name = dev[0] != '\0' ? dev : ctx->global.default_interface[0] != '\0' ?
			   ctx->global.default_interface : "eth0";

	return (int)if_nametoindex(name);
}

static int
static_set(struct vrrp_ctx *ctx, struct vrrp_static *s, bool add)
{
	const struct cfg_vrrp_static *c = &s->cfg;
	int idx, r;

	if (ctx->nl == NULL)
		return -1;
	switch (c->type) {
	case VRRP_STATIC_ADDR:
		if ((idx = static_ifindex(ctx, c->addr.dev)) == 0)
			return -1;	/* its interface is not there (yet) */
		r = vrrp_nl_addr(ctx->nl, add, idx, &c->addr);
		break;
	case VRRP_STATIC_ROUTE:
		/* a gateway finds its own way out; a route without one goes out of default_interface */
		idx = c->route.dev[0] != '\0' || c->route.via.family == 0 ? static_ifindex(ctx, c->route.dev) : 0;
		if (idx == 0 && (c->route.dev[0] != '\0' || (c->route.via.family == 0 && c->route.type == 0)))
			return -1;
		r = vrrp_nl_route(ctx->nl, add, idx, &c->route);
		break;
	default:
		r = vrrp_nl_rule(ctx->nl, add, &c->rule);
		break;
	}
	if (r == -1)
		log_warn("%s the static %s of line %u", add ? "adding" : "removing",
			 c->type == VRRP_STATIC_ADDR ? "address" : c->type == VRRP_STATIC_ROUTE ? "route" : "rule",
			 c->hdr.pos.line);
	else
		s->on = add;
	return r;
}

/* ---- preferences of rules given none ---- */

/* keepalived's first default preference, below the kernel's main table rule (32766) */
#define RULE_PRIO_DEFAULT 16384

static bool
pos_before(const struct cfg_pos *a, const struct cfg_pos *b)
{
	return a->file != b->file ? a->file < b->file : a->line < b->line;
}

static void
count_unset(const struct cfg_vrrp_rule *r, size_t n, uint32_t *v4, uint32_t *v6)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].priority == 0)
			(*(r[i].family == AF_INET6 ? v6 : v4))++;
}

void
vrrp_rules_number(const struct config *conf, const struct cfg_pos *at, struct cfg_vrrp_rule *rules, size_t n)
{
	const struct cfg_vrrp_instance *vi;
	const struct cfg_vrrp_static *st;
	uint32_t v4 = 0, v6 = 0;

	/*
	 * keepalived numbers them as it reads the file (so an include sorts here by its file's number, where
	 * keepalived read it in line): counting those before, static or virtual, rather than letting the
	 * kernel put each just before the first rule it finds, which would reverse their order
	 */
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, const struct cfg_vrrp_instance, vi)
		if (pos_before(&vi->hdr.pos, at))
			count_unset(vi->rules, vi->nrules, &v4, &v6);
	CONFIG_FOREACH(conf, CFG_VRRP_STATIC, const struct cfg_vrrp_static, st)
		if (st->type == VRRP_STATIC_RULE && pos_before(&st->hdr.pos, at))
			count_unset(&st->rule, 1, &v4, &v6);
	for (size_t i = 0; i < n; i++) {
		uint32_t *used = rules[i].family == AF_INET6 ? &v6 : &v4;

		if (rules[i].priority != 0)
			continue;
		if (*used < RULE_PRIO_DEFAULT)
			rules[i].priority = RULE_PRIO_DEFAULT - *used;
		(*used)++;
	}
}

static void
terminate(struct cfg_vrrp_static *c)
{
	/* from another process: the strings end where their arrays do */
	c->addr.dev[CFG_IFNAME_MAX - 1] = '\0';
	c->addr.label[CFG_IFNAME_MAX - 1] = '\0';
	c->route.dev[CFG_IFNAME_MAX - 1] = '\0';
	c->rule.iif[CFG_IFNAME_MAX - 1] = '\0';
	c->rule.oif[CFG_IFNAME_MAX - 1] = '\0';
}

void
vrrp_static_apply(struct vrrp_ctx *ctx, const struct config *conf)
{
	size_t count = conf->count[CFG_VRRP_STATIC], n = 0;
	struct vrrp_static *next = calloc(count + 1, sizeof(*next));
	bool *kept = calloc(ctx->nstatics + 1, sizeof(*kept));
	struct cfg_vrrp_static *c;

	if (next == NULL || kept == NULL) {
		free(next);
		free(kept);
		log_warnx("out of memory applying static addresses, routes and rules; the old ones stay");
		return;
	}
	CONFIG_FOREACH(conf, CFG_VRRP_STATIC, struct cfg_vrrp_static, c) {
		next[n].cfg = *c;
		terminate(&next[n].cfg);
		if (c->type == VRRP_STATIC_RULE)
			vrrp_rules_number(conf, &c->hdr.pos, &next[n].cfg.rule, 1);
		/* the same line as before stays as it is: a reload does not blink it */
		for (size_t i = 0; i < ctx->nstatics; i++) {
			if (!kept[i] && same_static(&ctx->statics[i].cfg, &next[n].cfg)) {
				kept[i] = true;
				next[n].on = ctx->statics[i].on;
				break;
			}
		}
		n++;
	}
	/* rules first, then routes, then addresses: each may depend on the next */
	for (int type = VRRP_STATIC_RULE; type >= VRRP_STATIC_ADDR; type--)
		for (size_t i = 0; i < ctx->nstatics; i++)
			if (!kept[i] && ctx->statics[i].on && ctx->statics[i].cfg.type == type)
				static_set(ctx, &ctx->statics[i], false);
	free(ctx->statics);
	free(kept);
	ctx->statics = next;
	ctx->nstatics = n;
	vrrp_static_retry(ctx);
}

void
vrrp_static_retry(struct vrrp_ctx *ctx)
{
	for (int type = VRRP_STATIC_ADDR; type <= VRRP_STATIC_RULE; type++)
		for (size_t i = 0; i < ctx->nstatics; i++)
			if (!ctx->statics[i].on && ctx->statics[i].cfg.type == type)
				static_set(ctx, &ctx->statics[i], true);
}

void
vrrp_static_clear(struct vrrp_ctx *ctx)
{
	for (int type = VRRP_STATIC_RULE; type >= VRRP_STATIC_ADDR; type--)
		for (size_t i = 0; i < ctx->nstatics; i++)
			if (ctx->statics[i].on && ctx->statics[i].cfg.type == type)
				static_set(ctx, &ctx->statics[i], false);
	free(ctx->statics);
	ctx->statics = NULL;
	ctx->nstatics = 0;
}

/* ---- use_vmac ---- */

static void
sysctl_write(const char *family, const char *ifname, const char *name, const char *value)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		log_warn("%s", path);
	if (fd != -1)
		close(fd);
}

void
vrrp_sysctl(const char *ifname, const char *name, const char *value)
{
	sysctl_write("ipv4", ifname, name, value);
}

static void
vmac_name(const struct vrrp_inst *in, char *buf, size_t size)
{
	if (in->cfg.vmac_name[0] != '\0')
		snprintf(buf, size, "%s", in->cfg.vmac_name);
	else
		snprintf(buf, size, "vrrp.%u", in->cfg.vrid);
}

static bool
vmac_link_local(struct vrrp_inst *in, const char *base, int idx)
{
	struct cfg_vrrp_vip ll;

	memset(&ll, 0, sizeof(ll));
	if (vrrp_if_primary(base, AF_INET6, NULL, 0, ll.addr.addr) == -1)
		return false;
	ll.addr.family = AF_INET6;
	ll.addr.prefix = 64;
	ll.scope = RT_SCOPE_LINK;
	/* deprecated, as keepalived has it: the link below's address, which nothing else should pick as its
	 * source on the macvlan */
	ll.preferred_lft = 0;
	if (vrrp_nl_addr(in->ctx->nl, true, idx, &ll) == -1) {
		log_warn("%s: the link-local address of %s on its macvlan", in->cfg.name, base);
		return false;
	}
	return true;
}

int
vrrp_vmac_ensure(struct vrrp_inst *in)
{
	static const uint8_t none[6];
	uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, in->family == AF_INET6 ? 0x02 : 0x01, (uint8_t)in->cfg.vrid };
	char name[IF_NAMESIZE], base[IF_NAMESIZE];
	int base_idx = (int)if_nametoindex(in->cfg.interface), idx;

	if (memcmp(in->cfg.vmac_mac, none, sizeof(none)) != 0)
		memcpy(mac, in->cfg.vmac_mac, sizeof(mac));
	vmac_name(in, name, sizeof(name));
	snprintf(base, sizeof(base), "%s", in->cfg.interface);
	if ((idx = (int)if_nametoindex(name)) != 0)
		return in->vmac_ifindex = idx;
	if (base_idx == 0 || in->ctx->nl == NULL)
		return in->vmac_ifindex = 0;
	if (vrrp_nl_vmac(in->ctx->nl, true, base_idx, 0, name, mac) == -1 || (idx = (int)if_nametoindex(name)) == 0) {
		log_warn("%s: creating the macvlan %s on %s", in->cfg.name, name, base);
		return in->vmac_ifindex = 0;
	}
	in->vmac_made = true;
	in->vmac_ifindex = idx;
	/*
	 * The sysctls keepalived sets, no more (its users' firewall and ARP setups expect them): ARP for the
	 * addresses is answered by their macvlan alone, with the virtual MAC; the link below answers only
	 * for its own addresses, on the interface they are on (arp_ignore, arp_filter); the macvlan accepts
	 * what comes from its own addresses (adverts seen back through the link below) and promotes a
	 * secondary when the primary goes, as the VIPs come and go.
	 *
	 * Two more than keepalived, without which the neighbours learn another MAC than the virtual one
	 * for a VIP (which the virtual MAC is there to avoid): arp_ignore=1 on an IPv6 instance's macvlan
	 * too, which would otherwise answer ARP for the IPv4 addresses of the others with its own MAC; and
	 * arp_announce=2 on the link below, whose ARP requests would otherwise carry a VIP as their sender
	 * when traffic from the VIP leaves there.
	 */
	vrrp_sysctl(name, "arp_ignore", "1");
	if (in->family == AF_INET) {
		vrrp_sysctl(name, "accept_local", "1");
		vrrp_sysctl(name, "rp_filter", "0");
		vrrp_sysctl(name, "promote_secondaries", "1");
		vrrp_sysctl(base, "arp_ignore", "1");
		vrrp_sysctl(base, "arp_filter", "1");
		vrrp_sysctl(base, "arp_announce", "2");
		/* no IPv6 at all on an IPv4 instance's: no link-local, no MLD from the virtual MAC */
		sysctl_write("ipv6", name, "disable_ipv6", "1");
	}
	/*
	 * No address of its own: an EUI-64 link-local from the virtual MAC would be the same on every router
	 * (a duplicate), and any would send from the virtual MAC while Backup. An IPv6 instance's macvlan gets
	 * the link-local of the link below, which its adverts come from.
	 */
	if (in->family == AF_INET6 && !vmac_link_local(in, base, idx))
		log_warnx("%s: no link-local address on %s for the macvlan yet", in->cfg.name, base);
	if (vrrp_nl_link_up(in->ctx->nl, idx, true) == -1) {
		log_warn("%s: setting the macvlan %s up", in->cfg.name, name);
		vrrp_vmac_remove(in);
		return 0;
	}
	log_info("%s: macvlan %s on %s with the virtual MAC", in->cfg.name, name, base);
	return idx;
}

void
vrrp_vmac_remove(struct vrrp_inst *in)
{
	char name[IF_NAMESIZE];

	if (!in->vmac_made || in->ctx->nl == NULL)
		return;
	vmac_name(in, name, sizeof(name));
	if (in->vmac_ifindex > 0 && vrrp_nl_vmac(in->ctx->nl, false, 0, in->vmac_ifindex, name, NULL) == -1)
		log_warn("%s: removing the macvlan %s", in->cfg.name, name);
	in->vmac_made = false;
	in->vmac_ifindex = 0;
}
