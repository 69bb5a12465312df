/*
 * Virtual addresses and routes through rtnetlink (libmnl), and their announcement: gratuitous ARP for IPv4,
 * unsolicited neighbour advertisements for IPv6. The message builders are pure (caller buffers), so
 * they are unit-tested without privileges; vrrp_nl_* send them and wait for the kernel's answer.
 */
#ifndef VIPD_VRRP_ADDR_H
#define VIPD_VRRP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

struct vrrp_nl;

struct vrrp_nl *vrrp_nl_open(void);
void vrrp_nl_close(struct vrrp_nl *nl);

/* Whether an address goes in deprecated (preferred_lft 0) without a preferred_lft of its own. */
bool vrrp_addr_deprecated(const struct cfg_vrrp_vip *vip);
/* Builds an RTM_NEWADDR / RTM_DELADDR request into buf; returns its length, 0 if it does not fit. */
size_t vrrp_addr_msg(void *buf, size_t size, bool add, int ifindex, const struct cfg_vrrp_vip *vip, uint32_t seq);
/* Builds an RTM_NEWROUTE / RTM_DELROUTE request; ifindex 0 = no output interface. */
size_t vrrp_route_msg(void *buf, size_t size, bool add, int ifindex, const struct cfg_vrrp_route *r, uint32_t seq);
/* Builds an RTM_NEWLINK request for a macvlan (private mode, down) named name on base_ifindex with this
 * MAC, or an RTM_DELLINK of ifindex. */
size_t vrrp_vmac_msg(void *buf, size_t size, bool add, int base_ifindex, int ifindex, const char *name,
		     const uint8_t mac[6], uint32_t seq);
/* Builds a request setting a link up (if up), and for no_ipv6 its IPv6 address generation to none (no
 * link-local of its own). */
size_t vrrp_link_msg(void *buf, size_t size, int ifindex, bool up, bool no_ipv6, uint32_t seq);
int vrrp_nl_vmac(struct vrrp_nl *nl, bool add, int base_ifindex, int ifindex, const char *name, const uint8_t mac[6]);
int vrrp_nl_link_up(struct vrrp_nl *nl, int ifindex, bool no_ipv6);
/* Builds an RTM_NEWRULE / RTM_DELRULE request. */
size_t vrrp_rule_msg(void *buf, size_t size, bool add, const struct cfg_vrrp_rule *r, uint32_t seq);

/* Adds or removes an address: 0 done (adding one there already, or removing one not there, counts as
 * done), -1 with errno. */
int vrrp_nl_addr(struct vrrp_nl *nl, bool add, int ifindex, const struct cfg_vrrp_vip *vip);
int vrrp_nl_route(struct vrrp_nl *nl, bool add, int ifindex, const struct cfg_vrrp_route *r);
int vrrp_nl_rule(struct vrrp_nl *nl, bool add, const struct cfg_vrrp_rule *r);

/* Builds a gratuitous ARP request (the 28-byte ARP payload) for addr from mac. */
size_t vrrp_garp_msg(uint8_t *buf, size_t size, const uint8_t mac[6], const uint8_t addr[4]);
/* Builds an unsolicited neighbour advertisement (ICMPv6, checksum left to the kernel) for addr. */
size_t vrrp_na_msg(uint8_t *buf, size_t size, const uint8_t mac[6], const uint8_t addr[16]);
/* Sends one gratuitous ARP / unsolicited NA out of ifindex (through sockets kept in nl). */
int vrrp_send_garp(struct vrrp_nl *nl, int ifindex, const uint8_t mac[6], const uint8_t addr[4]);
int vrrp_send_na(struct vrrp_nl *nl, int ifindex, const uint8_t mac[6], const uint8_t addr[16]);

#endif
