/*
 * BFD control packets (RFC 5880 section 4) as pure functions over caller buffers: encoding, and decoding
 * with the reason for every drop of section 6.8.6 that can be decided from the packet and how it arrived
 * (TTL, lengths, version, multiplier, multipoint, discriminators, authentication present). The checks that
 * need a session (which session, its authentication) are the caller's. No sockets, no clock.
 */
#ifndef VIPD_BFD_PACKET_H
#define VIPD_BFD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION 1
#define BFD_PKT_LEN 24			/* the mandatory section */
#define BFD_PKT_AUTH_MIN 26		/* with the A bit: at least type and length of the auth section */
#define BFD_PKT_MAX 64			/* the largest we accept as a datagram (SHA1 auth is 24 + 28) */
#define BFD_PORT_SINGLE 3784		/* RFC 5881 */
#define BFD_PORT_MULTI 4784		/* RFC 5883 */
/* RFC 5881 4: the source ports we send from. Not checked on receipt: keepalived sends from the kernel's
 * ephemeral range, which starts at 32768. */
#define BFD_SRC_PORT_MIN 49152
#define BFD_SRC_PORT_MAX 65535

enum bfd_state { BFD_ADMIN_DOWN = 0, BFD_DOWN = 1, BFD_INIT = 2, BFD_UP = 3 };

/* RFC 5880 4.1 Diagnostic codes. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_TIME_EXPIRED = 1,	/* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED = 2,
	BFD_DIAG_NEIGHBOR_DOWN = 3,	/* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_RESET = 4,
	BFD_DIAG_PATH_DOWN = 5,
	BFD_DIAG_CONCAT_DOWN = 6,
	BFD_DIAG_ADMIN_DOWN = 7,
	BFD_DIAG_REV_CONCAT_DOWN = 8,
};

/* Flag bits as in the second byte of the packet. */
#define BFD_FLAG_P 0x20			/* Poll */
#define BFD_FLAG_F 0x10			/* Final */
#define BFD_FLAG_C 0x08			/* Control Plane Independent */
#define BFD_FLAG_A 0x04			/* Authentication Present */
#define BFD_FLAG_D 0x02			/* Demand */
#define BFD_FLAG_M 0x01			/* Multipoint: must be zero */

/* Why a received packet was dropped; each has a counter. */
enum bfd_drop {
	BFD_OK = 0,
	BFD_DROP_TTL,		/* TTL/hop limit below the session's ttl - max_hops (bfd_ttl_ok) */
	BFD_DROP_SHORT,		/* fewer bytes than the mandatory section */
	BFD_DROP_VERSION,	/* not version 1 */
	BFD_DROP_LENGTH,	/* Length under 24 (26 with A), or over what arrived, or the auth section over it */
	BFD_DROP_MULT,		/* Detect Mult zero */
	BFD_DROP_MULTIPOINT,	/* M bit set */
	BFD_DROP_MY_DISC,	/* My Discriminator zero */
	BFD_DROP_YOUR_DISC,	/* Your Discriminator zero while the sender is not Down or AdminDown */
	BFD_DROP_AUTH,		/* A bit set: vipd configures no authentication (6.8.6: discard) */
	BFD_DROP_NO_SESSION,	/* Your Discriminator names no session (the caller's check) */
	BFD_DROP_UNKNOWN_PEER,	/* no session for that source, or another session's discriminator (the caller's) */
	BFD_DROP_MAX
};
const char *bfd_drop_name(enum bfd_drop d);
const char *bfd_state_name(enum bfd_state s);
const char *bfd_diag_name(enum bfd_diag d);

/* A control packet, decoded or to encode. Intervals in microseconds, as on the wire. */
struct bfd_pkt {
	uint8_t version;
	uint8_t diag;		/* enum bfd_diag */
	uint8_t state;		/* enum bfd_state */
	uint8_t flags;		/* BFD_FLAG_* */
	uint8_t detect_mult;
	uint8_t length;
	uint32_t my_disc;
	uint32_t your_disc;
	uint32_t desired_min_tx;
	uint32_t required_min_rx;
	uint32_t required_min_echo_rx;
	uint8_t auth_type;	/* with BFD_FLAG_A, as read */
	uint8_t auth_len;
};

/* Checks and decodes buf[0..len) (the UDP payload). On BFD_OK *out is filled. */
enum bfd_drop bfd_pkt_decode(const uint8_t *buf, size_t len, struct bfd_pkt *out);

/* Writes the mandatory section of pkt (version, length and the A bit are set here) into buf; returns 24, or
 * 0 if size is smaller. */
size_t bfd_pkt_encode(const struct bfd_pkt *pkt, uint8_t *buf, size_t size);

/*
 * The TTL check of a session (RFC 5881 5, RFC 5883 5; keepalived's max_hops): the peer sends with the TTL
 * this end is configured with (255 by default), and at most max_hops routers may have decremented it.
 * max_hops -1: no check. A TTL the kernel did not report (-1) fails unless there is no check.
 */
bool bfd_ttl_ok(int ttl, unsigned sent_ttl, int max_hops);

#endif
