/* When two vrrp_instances may not share a virtual_router_id: keepalived 2.2.7's rule. */
#ifndef VIPD_VRRP_CONF_VRID_H
#define VIPD_VRRP_CONF_VRID_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/config.h"

/*
 * Whether a and b conflict; if so, why (a phrase for the error message) in why[0..size).
 * VRIDs are per address family (RFC 9568). Within one family and interface, keepalived refuses to run
 * two multicast instances of one VRID sending to the same group (when the interface exists), and two
 * unicast instances of one VRID sending from the same address with a peer in common; it runs the rest:
 * a multicast and a unicast instance, other groups, other source addresses or disjoint peers. The source
 * address of an instance without unicast_src_ip / mcast_src_ip is its interface's primary, looked up now,
 * as keepalived does; while it is unknown there is no conflict.
 */
bool vrrp_conf_vrid_conflict(const struct cfg_global *g, const struct cfg_vrrp_instance *a,
			     const struct cfg_vrrp_instance *b, char *why, size_t size);

/* The family the instance advertises: its first non-excluded address's, else its peers', else IPv4. */
int vrrp_conf_family(const struct cfg_vrrp_instance *vi);

#endif
