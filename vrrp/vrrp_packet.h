/*
 * VRRP packets (RFC 3768 v2, RFC 9568 v3) as pure functions over caller buffers: encoding, decoding with
 * the reason for every drop, and the checks that need the instance's configuration. No sockets, no clock,
 * so every malformed case is a unit test.
 */
#ifndef VIPD_VRRP_PACKET_H
#define VIPD_VRRP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_PROTO 112
#define VRRP_TTL 255
#define VRRP_HDR_LEN 8
#define VRRP_AUTH_LEN 8
#define VRRP_MAX_ADDRS 255
#define VRRP_V3_MAX_INT_CS 4095
/* the largest packet we build or accept: header, 255 IPv6 addresses (more than any MTU carries) */
#define VRRP_PKT_MAX (VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_AUTH_LEN)

/* Why a received packet was dropped; each has a counter per instance. */
enum vrrp_drop {
	VRRP_OK = 0,
	VRRP_DROP_TTL,		/* TTL / hop limit != 255 */
	VRRP_DROP_VERSION,	/* not the instance's version */
	VRRP_DROP_TYPE,		/* not an advertisement */
	VRRP_DROP_LENGTH,	/* shorter than its header, its address count, or the IP length says */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_VRID,		/* no instance with this VRID here */
	VRRP_DROP_COUNT0,	/* no addresses (RFC 9568 erratum 8299) */
	VRRP_DROP_AUTH_TYPE,	/* v2 */
	VRRP_DROP_AUTH_DATA,	/* v2 PASS */
	VRRP_DROP_INTERVAL,	/* v2: not our advert_int; v3: 0 (erratum 8301) */
	VRRP_DROP_ADDR_LIST,	/* not our virtual addresses (and not from the owner) */
	VRRP_DROP_PEER,		/* unicast instance: the source is not a configured peer */
	VRRP_DROP_FAMILY,	/* the instance is of the other address family */
	VRRP_DROP_DEST,		/* multicast advert to a unicast instance, or unicast to a multicast one */
	VRRP_DROP_AH_HDR,	/* auth_type AH: the AH header carries something else than VRRP */
	VRRP_DROP_AH_ICV,	/* auth_type AH: the HMAC-MD5-96 does not match (another auth_pass) */
	VRRP_DROP_AH_SPI,	/* auth_type AH: the SPI is not the sender's address */
	VRRP_DROP_AH_SEQ,	/* auth_type AH: a sequence number not above the last one (a replay) */
	VRRP_DROP_MAX
};
const char *vrrp_drop_name(enum vrrp_drop d);

/* A decoded advertisement. Addresses point into the buffer it was decoded from. */
struct vrrp_pkt {
	uint8_t version;	/* 2 or 3 */
	uint8_t type;		/* 1 */
	uint8_t vrid;
	uint8_t priority;
	uint8_t naddr;
	uint8_t auth_type;	/* v2 */
	uint16_t interval_cs;	/* v3: max advert interval; v2: the seconds field x 100 */
	uint16_t checksum;	/* as received */
	int family;		/* AF_INET or AF_INET6: the address size */
	const uint8_t *addrs;	/* naddr x 4 or 16 bytes */
	const uint8_t *auth;	/* v2: 8 bytes */
};

/* What the IP layer told us about a received packet. */
struct vrrp_rx_meta {
	int family;
	uint8_t src[16], dst[16];	/* network order; 4 bytes used for IPv4 */
	int ttl;			/* TTL or hop limit */
};

/* Flags for checksums. */
#define VRRP_CSUM_V3_AS_V2 0x1		/* v3 over IPv4 without the pseudo-header (send; also accepted) */
#define VRRP_PKT_ANY_TTL 0x2		/* decoding: a unicast peer's TTL was checked against its range */

/* Internet checksum of a buffer continuing from sum (pass 0 first); folded and complemented. */
uint16_t vrrp_csum(const void *buf, size_t len, uint32_t sum);
/* The checksum the VRRP message should carry (its checksum field taken as zero). */
uint16_t vrrp_pkt_checksum(const uint8_t *msg, size_t len, int version, int family, const uint8_t *src,
			   const uint8_t *dst, unsigned flags);

/*
 * Decodes the VRRP message in buf[0..len) (the IP payload), checking what needs no configuration: TTL,
 * version (2 or 3), type, lengths, address count, checksum. On VRRP_OK *out is filled.
 * Even when it fails, out->vrid is set when the packet was long enough to carry one, so the caller can
 * count the drop on the right instance.
 */
enum vrrp_drop vrrp_pkt_decode(const uint8_t *buf, size_t len, const struct vrrp_rx_meta *meta, unsigned flags,
			       struct vrrp_pkt *out);

/*
 * Decodes an IPv4 packet as a raw socket gives it (IP header included): checks the header's length
 * against what arrived, then decodes the payload. meta->src, dst and ttl come from the header.
 */
enum vrrp_drop vrrp_pkt_decode_ip4(const uint8_t *buf, size_t len, unsigned flags, struct vrrp_rx_meta *meta,
				   struct vrrp_pkt *out);

/* What an instance expects of the adverts it accepts. */
struct vrrp_expect {
	int version;
	int family;
	uint16_t interval_cs;		/* v2: checked equal */
	uint8_t auth_type;		/* v2 */
	uint8_t auth[VRRP_AUTH_LEN];	/* v2 PASS, zero padded */
	const uint8_t *addrs;		/* the instance's advertised addresses, naddr x 4 or 16 */
	uint8_t naddr;
	bool skip_addrs;		/* skip_check_adv_addr, same sender as before: the list is not compared */
};
enum vrrp_drop vrrp_pkt_check(const struct vrrp_pkt *pkt, const struct vrrp_expect *exp);

/* What to send. */
struct vrrp_adv {
	int version;
	int family;
	uint8_t vrid;
	uint8_t priority;
	uint16_t interval_cs;		/* v2: rounded to seconds */
	uint8_t auth_type;
	uint8_t auth[VRRP_AUTH_LEN];
	const uint8_t *addrs;
	uint8_t naddr;
};
/* Builds the message into buf; returns its length, or 0 if it does not fit. src/dst for the checksum. */
size_t vrrp_pkt_encode(const struct vrrp_adv *adv, const uint8_t *src, const uint8_t *dst, unsigned flags,
		       uint8_t *buf, size_t size);

#endif
