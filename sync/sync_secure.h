/*
 * vipd's own sync frames: what the kernel's protocol lacks (authentication, ordering, loss repair, a way to
 * ask for the whole table). Pure functions over caller buffers and a caller-supplied clock, unit tested.
 *
 * Frame (all numbers big-endian):
 *   0  magic "vps1"        4  type u8        5  flags u8 (0)     6  payload length u16
 *   8  epoch u64 (the sender's incarnation: its realtime clock in ns when it started, so a restart is
 *      always newer)       16 seq u64 (DATA: 1, 2, ... per epoch; other types 0)
 *   24 payload             24+len  HMAC-SHA256 over bytes [0, 24+len) with the shared key (secure framing)
 *
 * Types: DATA (payload: one v1 sync datagram), NACK (payload: the epoch it is about, then up to
 * SYNC_NACK_MAX missing seqs), HELLO (payload: nonce, echo, next seq), RESYNC (no payload: send me the
 * whole table). In compat framing, DATA never travels in a frame (plain v1 does) and the control frames go
 * without a MAC: a stock kernel drops them (their first bytes read as a v0 header with a wrong size).
 *
 * Replay: a receiver accepts a peer's epoch only after a HELLO that echoes a fresh random nonce of its
 * own, or when an authentic frame carries an epoch newer than the one it holds; within an epoch each seq is
 * delivered once (a window of SYNC_WINDOW seqs; older ones are refused).
 */
#ifndef VIPD_SYNC_SECURE_H
#define VIPD_SYNC_SECURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_FRAME_HDR 24
#define SYNC_MAC_LEN 32
#define SYNC_FRAME_OVERHEAD (SYNC_FRAME_HDR + SYNC_MAC_LEN)
#define SYNC_NACK_MAX 64
#define SYNC_HELLO_LEN 24
#define SYNC_KEY_MAX 64
#define SYNC_WINDOW 1024	/* seqs a receiver tracks above its lowest missing one */

enum sync_frame_type { SYNC_FT_DATA = 1, SYNC_FT_NACK = 2, SYNC_FT_HELLO = 3, SYNC_FT_RESYNC = 4 };

enum sync_frame_err {
	SYNC_F_OK = 0,
	SYNC_F_SHORT,		/* shorter than a header (+ MAC) */
	SYNC_F_MAGIC,		/* not a vipd frame */
	SYNC_F_LEN,		/* payload length does not match the datagram */
	SYNC_F_TYPE,		/* unknown type, or a payload wrong for its type */
	SYNC_F_MAC,		/* authentication failed */
	SYNC_F_ERR_MAX
};
const char *sync_frame_err_name(enum sync_frame_err e);

struct sync_frame {
	uint8_t type;
	uint64_t epoch, seq;
	const uint8_t *payload;
	size_t len;
};

/* Does this datagram claim to be a vipd frame (and not a kernel v1 datagram)? */
bool sync_is_frame(const void *buf, size_t len);
/* Writes a frame; with keylen 0 no MAC is appended. Returns its length, or 0 if it does not fit in cap. */
size_t sync_frame_build(uint8_t *out, size_t cap, uint8_t type, uint64_t epoch, uint64_t seq, const void *payload,
			size_t plen, const uint8_t *key, size_t keylen);
/* Checks a frame (and its MAC when keylen > 0) and points f into buf. */
enum sync_frame_err sync_frame_parse(const void *buf, size_t len, const uint8_t *key, size_t keylen,
				     struct sync_frame *f);

/*
 * A key prepared once, for the hot path. OpenSSL 3's one-shot HMAC() looks the algorithm up and hashes the
 * key's pads on every call, which under emulation cost more than the frame itself (a resync of 100,000
 * records is ~2,800 frames each way). The frames are the same as with the functions above.
 */
struct sync_mac;
/* NULL when keylen is 0 or OpenSSL fails. */
struct sync_mac *sync_mac_new(const uint8_t *key, size_t keylen);
void sync_mac_free(struct sync_mac *m);
/* As sync_frame_build and sync_frame_parse; m NULL: no MAC. */
size_t sync_frame_build_mac(uint8_t *out, size_t cap, uint8_t type, uint64_t epoch, uint64_t seq,
			    const void *payload, size_t plen, struct sync_mac *m);
enum sync_frame_err sync_frame_parse_mac(const void *buf, size_t len, struct sync_mac *m, struct sync_frame *f);

/* HELLO payload. */
struct sync_hello {
	uint64_t nonce;		/* the sender's challenge for the receiver to echo */
	uint64_t echo;		/* the receiver's nonce being answered, 0 if none */
	uint64_t next_seq;	/* the sender's next DATA seq */
};
void sync_hello_put(uint8_t out[SYNC_HELLO_LEN], const struct sync_hello *h);
void sync_hello_get(const uint8_t in[SYNC_HELLO_LEN], struct sync_hello *h);

/* NACK payload: returns the bytes written (8 + 8 per seq). */
size_t sync_nack_put(uint8_t *out, size_t cap, uint64_t epoch, const uint64_t *seqs, size_t n);
/* Reads a NACK payload into seqs (up to SYNC_NACK_MAX); -1 if malformed. */
int sync_nack_get(const uint8_t *in, size_t len, uint64_t *epoch, uint64_t *seqs, size_t *n);

/* ---- the receiving side of one peer ---- */
struct sync_rx {
	bool known;		/* holds an epoch it trusts */
	uint64_t epoch;
	uint64_t base;		/* every seq below has arrived or was given up */
	uint64_t top;		/* one past the highest seq seen */
	uint64_t bits[SYNC_WINDOW / 64];	/* bit i: base + i arrived */
	uint64_t gap_since;	/* when the current gap was first seen (clock ns); 0 = none */
	uint64_t last_nack;
	unsigned nack_rounds;
	uint64_t nonce;		/* our challenge to this peer, 0 = none outstanding */
};

enum sync_rx_verdict {
	SYNC_RX_DELIVER,	/* new: pass it on */
	SYNC_RX_REPLAY,		/* seen already (or older than the window) */
	SYNC_RX_OLD_EPOCH,	/* from an earlier incarnation of the sender */
	SYNC_RX_UNKNOWN,	/* no trusted epoch yet: challenge the peer with a HELLO */
};

/* A DATA frame's (epoch, seq) at time now. *lost grows by the seqs pushed out of the window unreceived. */
enum sync_rx_verdict sync_rx_data(struct sync_rx *rx, uint64_t epoch, uint64_t seq, uint64_t now, uint64_t *lost);
/* An authentic HELLO: true if it (re)set the peer's epoch (an answer to our nonce, or a newer epoch). */
bool sync_rx_hello(struct sync_rx *rx, uint64_t epoch, const struct sync_hello *h);
/* The missing seqs below top, at most max. */
size_t sync_rx_missing(const struct sync_rx *rx, uint64_t *out, size_t max);
/* Whether to send a NACK now: a gap exists and the last NACK is older than interval. Counts the round. */
bool sync_rx_nack_due(struct sync_rx *rx, uint64_t now, uint64_t interval);
/* Gives up a gap that rounds NACKs did not repair: returns how many seqs are abandoned (0 if none). */
uint64_t sync_rx_give_up(struct sync_rx *rx, unsigned rounds);

/* ---- the sending side: the last frames sent, for retransmission ---- */
struct sync_tx_slot {
	uint64_t seq;
	size_t len;
	uint8_t *frame;		/* slot_size bytes */
};
struct sync_tx {
	uint64_t epoch;
	uint64_t next_seq;
	size_t nslots, slot_size;
	struct sync_tx_slot *slots;
	uint8_t *mem;
};
/* Allocates nslots slots of slot_size bytes; -1 if out of memory. */
int sync_tx_init(struct sync_tx *tx, uint64_t epoch, size_t nslots, size_t slot_size);
void sync_tx_free(struct sync_tx *tx);
/* The slot for the next seq (which it takes); write the frame there and set its len. */
struct sync_tx_slot *sync_tx_next(struct sync_tx *tx);
/* The frame sent with this seq, if still held. */
const struct sync_tx_slot *sync_tx_find(const struct sync_tx *tx, uint64_t seq);

#endif
