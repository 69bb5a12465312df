/*
 * VRRPv2 over IPv4 with an IPsec AH header (RFC 2402) in front of the advert, as keepalived's
 * `auth_type AH` puts it on the wire: IP protocol 51, next header 112, SPI = the sender's IPv4 address,
 * a sequence number, and a 96-bit HMAC-MD5 ICV over the whole datagram (IP header with TOS, fragment
 * field and header checksum zeroed, and the TTL too when unicast) keyed with auth_pass zero-padded to 8
 * bytes. Pure functions over caller buffers, like vrrp_packet.h.
 */
#ifndef VIPD_VRRP_AH_H
#define VIPD_VRRP_AH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp/vrrp_packet.h"

#define VRRP_AH_PROTO 51
#define VRRP_AH_LEN 24		/* next header, length, reserved (2), SPI (4), sequence (4), ICV (12) */
#define VRRP_AH_ICV_LEN 12
#define VRRP_AH_KEY_LEN 8
#define VRRP_AH_PLEN 4		/* the AH length field: 32-bit words minus 2 */
#define VRRP_IP4_HDR_LEN 20
/* the largest AH datagram: an IP header with options, AH, a v2 advert of 255 IPv4 addresses */
#define VRRP_AH_PKT_MAX (60 + VRRP_AH_LEN + VRRP_HDR_LEN + VRRP_MAX_ADDRS * 4 + VRRP_AUTH_LEN)

/* What an AH datagram to send carries besides the VRRP message. */
struct vrrp_ah_tx {
	uint8_t src[4], dst[4];
	uint16_t ip_id;		/* never 0: the kernel would choose one, which the ICV does not cover */
	uint8_t ttl;
	bool unicast;		/* the TTL is left out of the ICV */
	uint32_t seq;
	uint8_t key[VRRP_AH_KEY_LEN];
};

/* The AH fields of a received datagram, and where its parts are. */
struct vrrp_ah_rx {
	size_t ihl;		/* IP header bytes */
	uint8_t next_header;
	uint8_t spi[4];		/* as on the wire: keepalived puts its source address there */
	uint32_t seq;		/* host order */
};

/*
 * Builds IPv4 header + AH + msg into buf (for a socket with IP_HDRINCL), with the ICV. Returns the
 * datagram's length, 0 if it does not fit or the ICV cannot be computed (no MD5 in this OpenSSL).
 */
size_t vrrp_ah_encode(const struct vrrp_ah_tx *tx, const uint8_t *msg, size_t len, uint8_t *buf, size_t size);

/*
 * Decodes an AH datagram as a raw IPPROTO_AH socket gives it: the IP header against what arrived, the AH
 * header, the exact length keepalived requires (IP header + AH + the advert its address count says),
 * then the VRRP message inside (vrrp_pkt_decode). out->vrid is set whenever the message is long enough.
 * VRRP_DROP_AH_HDR when the AH carries something else than VRRP.
 */
enum vrrp_drop vrrp_ah_decode_ip4(const uint8_t *buf, size_t len, unsigned flags, struct vrrp_rx_meta *meta,
				  struct vrrp_pkt *out, struct vrrp_ah_rx *ah);

/* The ICV of the datagram buf[0..len) (its ICV field counted as zero); -1 without MD5. */
int vrrp_ah_icv(const uint8_t *buf, size_t len, size_t ihl, bool unicast, const uint8_t key[VRRP_AH_KEY_LEN],
		uint8_t icv[VRRP_AH_ICV_LEN]);

/*
 * The checks that need the key, in keepalived's order: the ICV (VRRP_DROP_AH_ICV), then the SPI against
 * the source address (VRRP_DROP_AH_SPI). The sequence number is the caller's (vrrp_ah_seq_accept).
 */
enum vrrp_drop vrrp_ah_verify(const uint8_t *buf, size_t len, const struct vrrp_ah_rx *ah, bool unicast,
			      const uint8_t key[VRRP_AH_KEY_LEN]);

/*
 * keepalived's anti-replay counter, one per instance, shared by what it sends and what it accepts: a
 * backup that heard sequence N sends from N + 1 when it becomes master, so the others accept it.
 */
struct vrrp_ah_seq {
	uint32_t n;
	bool cycled;		/* reached 0xfffffffe: stuck there until a master change resets it */
};
/* The number for the next advert. */
uint32_t vrrp_ah_seq_next(struct vrrp_ah_seq *s);
/* A received number: accepted (and remembered) only above the counter. */
bool vrrp_ah_seq_accept(struct vrrp_ah_seq *s, uint32_t seq, bool backup);
/* Becoming master: a cycled counter starts again from 0. */
void vrrp_ah_seq_master(struct vrrp_ah_seq *s);

#endif
