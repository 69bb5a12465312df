/*
 * Raw IP sockets for protocol 112 or AH (one per interface, family and protocol, shared by the instances on
 * it), and the few facts about interfaces VRRP needs: index, MAC, link state, primary addresses.
 */
#ifndef VIPD_VRRP_SOCK_H
#define VIPD_VRRP_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vrrp/vrrp_packet.h"

/*
 * A raw socket for proto (112, or 51 for IPv4 with AH) bound to the interface, TTL/hop limit 255,
 * multicast loop off, close-on-exec. An AH socket sends whole datagrams (IP_HDRINCL): the ICV covers the
 * IP header, so vipd writes it. -1 on error.
 */
int vrrp_sock_open(int family, const char *ifname, int ifindex, int proto);
/* Joins (or leaves) a multicast group on the interface. */
int vrrp_sock_join(int fd, int family, int ifindex, const uint8_t *group, bool join);
/*
 * Receives one packet: the VRRP message's offset and length in buf, with the IP facts in meta. Returns
 * the bytes read, 0 if there was nothing, -1 on error. IPv4 returns the whole datagram (header included)
 * for vrrp_pkt_decode_ip4; IPv6 only the message, meta filled from ancillary data.
 */
ssize_t vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t size, struct vrrp_rx_meta *meta);
/* Sends a message from src (0.0.0.0/:: lets the kernel choose) to dst out of ifindex, with TTL / hop limit
 * ttl (0: the socket's 255). */
int vrrp_sock_send(int fd, int family, int ifindex, const uint8_t *src, const uint8_t *dst, const void *msg,
		   size_t len, int ttl);

/* The interface's MAC address (6 bytes); -1 if it has none. */
int vrrp_if_mac(const char *ifname, uint8_t mac[6]);
/* Up and running (carrier): the state that decides Fault. */
bool vrrp_if_running(const char *ifname);
/*
 * The address VRRP sends from: the first IPv4 address of the interface that is not in skip (n x 4
 * bytes), or for IPv6 its first link-local address. -1 if there is none yet.
 */
int vrrp_if_primary(const char *ifname, int family, const uint8_t *skip, size_t nskip, uint8_t out[16]);
/* Whether the interface has this address now. */
bool vrrp_if_has_addr(const char *ifname, int family, const uint8_t *addr);

#endif
