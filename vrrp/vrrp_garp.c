/*
 * Gratuitous ARPs and unsolicited neighbour advertisements, paced per interface: with
 * vrrp_garp_interval / vrrp_gna_interval set, two of a kind never leave one interface closer together than
 * that (switches that drop floods of them lose the later ones, which are the point of repeating), whatever
 * instance asked. Without them, they all go at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_int.h"

#define NS_PER_US 1000ULL

struct vrrp_announce {
	struct vrrp_inst *owner;	/* counts what was sent; its entries go when it stops being master */
	int ifindex;
	int family;
	uint8_t addr[16];
	uint8_t mac[6];
};

/* When each interface may send its next ARP and NA. */
struct vrrp_garp_if {
	int ifindex;
	uint64_t next_arp, next_na;
};

struct vrrp_garp {
	struct vrrp_ctx *ctx;
	struct vrrp_announce *q;
	size_t n, cap;
	struct vrrp_garp_if *ifs;
	size_t nifs;
	struct ev_timer timer;
};

static void pump_due(struct ev_timer *t);

struct vrrp_garp *
vrrp_garp_new(struct vrrp_ctx *ctx)
{
	struct vrrp_garp *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->ctx = ctx;
	ev_timer_init(&g->timer, pump_due, g, "vrrp garp pacing");
	return g;
}

void
vrrp_garp_free(struct vrrp_garp *g)
{
	if (g == NULL)
		return;
	ev_timer_stop(g->ctx->p->loop, &g->timer);
	free(g->q);
	free(g->ifs);
	free(g);
}

static uint64_t
interval_ns(const struct vrrp_ctx *ctx, int family)
{
	return (family == AF_INET ? ctx->global.vrrp_garp_interval_us : ctx->global.vrrp_gna_interval_us) * NS_PER_US;
}

static int
send_one(struct vrrp_ctx *ctx, const struct vrrp_announce *a)
{
	int r = a->family == AF_INET ? vrrp_send_garp(ctx->nl, a->ifindex, a->mac, a->addr) :
		vrrp_send_na(ctx->nl, a->ifindex, a->mac, a->addr);

	if (r == -1) {
		log_debug("%s: announcing a virtual address: %s", a->owner->cfg.name, strerror(errno));
		return -1;
	}
	a->owner->announced++;
	a->owner->announced_last_ms = vrrp_realtime_ms();
	if (a->owner->announced_first_ms == 0)
		a->owner->announced_first_ms = a->owner->announced_last_ms;
	return 0;
}

static struct vrrp_garp_if *
if_slot(struct vrrp_garp *g, int ifindex)
{
	struct vrrp_garp_if *v;

	for (size_t i = 0; i < g->nifs; i++)
		if (g->ifs[i].ifindex == ifindex)
			return &g->ifs[i];
	if ((v = reallocarray(g->ifs, g->nifs + 1, sizeof(*v))) == NULL)
		return NULL;
	g->ifs = v;
	v[g->nifs] = (struct vrrp_garp_if){ .ifindex = ifindex };
	return &v[g->nifs++];
}

/* Sends what each interface may send now, in order; the timer wakes for the rest. */
static void
pump(struct vrrp_garp *g)
{
	uint64_t now = ev_now(), wake = 0;
	size_t kept = 0;

	for (size_t i = 0; i < g->n; i++) {
		struct vrrp_announce *a = &g->q[i];
		struct vrrp_garp_if *s = if_slot(g, a->ifindex);
		uint64_t *next = s == NULL ? NULL : a->family == AF_INET ? &s->next_arp : &s->next_na;

		if (next != NULL && *next > now) {
			if (wake == 0 || *next < wake)
				wake = *next;
			g->q[kept++] = *a;
			continue;
		}
		send_one(g->ctx, a);
		if (next != NULL)
			*next = now + interval_ns(g->ctx, a->family);
	}
	g->n = kept;
	if (wake != 0)
		ev_timer_at(g->ctx->p->loop, &g->timer, wake);
	else
		ev_timer_stop(g->ctx->p->loop, &g->timer);
}

static void
pump_due(struct ev_timer *t)
{
	pump(t->data);
}

void
vrrp_garp_queue(struct vrrp_garp *g, struct vrrp_inst *owner, int ifindex, int family, const uint8_t *addr,
		const uint8_t mac[6])
{
	struct vrrp_announce a = { .owner = owner, .ifindex = ifindex, .family = family };

	memcpy(a.addr, addr, family == AF_INET ? 4 : 16);
	memcpy(a.mac, mac, 6);
	if (interval_ns(g->ctx, family) == 0) {
		send_one(g->ctx, &a);
		return;
	}
	if (g->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 16;
		struct vrrp_announce *v = reallocarray(g->q, ncap, sizeof(*v));

		if (v == NULL) {
			log_warnx("%s: out of memory pacing announcements; sending at once", owner->cfg.name);
			send_one(g->ctx, &a);
			return;
		}
		g->q = v;
		g->cap = ncap;
	}
	g->q[g->n++] = a;
}

void
vrrp_garp_pump(struct vrrp_garp *g)
{
	if (g->n > 0)
		pump(g);
}

void
vrrp_garp_cancel(struct vrrp_garp *g, const struct vrrp_inst *owner)
{
	size_t kept = 0;

	if (g == NULL)
		return;
	/* not master any more: announcing its addresses would pull their traffic away from the new one */
	for (size_t i = 0; i < g->n; i++)
		if (g->q[i].owner != owner)
			g->q[kept++] = g->q[i];
	g->n = kept;
	if (g->n == 0)
		ev_timer_stop(g->ctx->p->loop, &g->timer);
}
