/* Which instances may share a VRID; see vrrp_conf_vrid.h. */
#include "vrrp/vrrp_conf_vrid.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_sock.h"

static const uint8_t group4[4] = { 224, 0, 0, 18 };
static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };

static size_t
alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* the same order as the vrrp child's, so that both see one family */
int
vrrp_conf_family(const struct cfg_vrrp_instance *vi)
{
	for (uint32_t i = 0; i < vi->nvips && i < CFG_VRRP_VIP_MAX; i++)
		if (!vi->vips[i].excluded)
			return vi->vips[i].addr.family;
	if (vi->npeers > 0)
		return vi->peers[0].family;
	if (vi->unicast_src_ip.family)
		return vi->unicast_src_ip.family;
	if (vi->mcast_src_ip.family)
		return vi->mcast_src_ip.family;
	return AF_INET;
}

static const uint8_t *
group(const struct cfg_global *g, const struct cfg_vrrp_instance *vi, int family)
{
	const struct cfg_addr *global = family == AF_INET ? &g->vrrp_mcast_group4 : &g->vrrp_mcast_group6;

	if (vi->mcast_dst_ip.family == family)
		return vi->mcast_dst_ip.addr;
	if (global->family == family)
		return global->addr;
	return family == AF_INET ? group4 : group6;
}

/* unicast_src_ip, or mcast_src_ip (one setting in keepalived), or the interface's primary address */
static bool
source(const struct cfg_vrrp_instance *vi, int family, uint8_t out[16])
{
	const struct cfg_addr *a = vi->unicast_src_ip.family ? &vi->unicast_src_ip : &vi->mcast_src_ip;

	memset(out, 0, 16);
	if (a->family == family) {
		memcpy(out, a->addr, alen(family));
		return true;
	}
	return vrrp_if_primary(vi->interface, family, NULL, 0, out) == 0;
}

static bool
peer_in_common(const struct cfg_vrrp_instance *a, const struct cfg_vrrp_instance *b, int family)
{
	for (uint32_t i = 0; i < a->npeers && i < CFG_VRRP_PEER_MAX; i++)
		for (uint32_t j = 0; j < b->npeers && j < CFG_VRRP_PEER_MAX; j++)
			if (a->peers[i].family == family && b->peers[j].family == family &&
			    memcmp(a->peers[i].addr, b->peers[j].addr, alen(family)) == 0)
				return true;
	return false;
}

bool
vrrp_conf_vrid_conflict(const struct cfg_global *g, const struct cfg_vrrp_instance *a,
			const struct cfg_vrrp_instance *b, char *why, size_t size)
{
	int family = vrrp_conf_family(a);
	uint8_t sa[16], sb[16];

	/* unicast and multicast adverts of one VRID do not meet: separate spaces */
	if (a->vrid != b->vrid || family != vrrp_conf_family(b) || strcmp(a->interface, b->interface) != 0 ||
	    (a->npeers == 0) != (b->npeers == 0))
		return false;
	if (a->npeers == 0) {
		if (memcmp(group(g, a, family), group(g, b, family), alen(family)) != 0 ||
		    if_nametoindex(a->interface) == 0)
			return false;
		snprintf(why, size, "IPv%d multicast on the same group", family == AF_INET ? 4 : 6);
		return true;
	}
	if (!source(a, family, sa) || !source(b, family, sb) || memcmp(sa, sb, sizeof(sa)) != 0 ||
	    !peer_in_common(a, b, family))
		return false;
	snprintf(why, size, "IPv%d unicast from the same address to a common peer", family == AF_INET ? 4 : 6);
	return true;
}
