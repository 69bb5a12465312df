/*
 * The IPVS sync protocol, version 1, as the kernel's sync daemons speak it: a pure encoder and decoder
 * over caller buffers (no sockets, no allocation), so every malformed case can be unit tested.
 *
 * A datagram is an 8-byte header (reserved 0, syncid, be16 size of the whole datagram, connection count,
 * version 1, spare 0) and up to 255 entries, each padded to 4 bytes: 36 bytes for IPv4, 72 for IPv6,
 * followed by options (u8 type, u8 length, value): SEQ_DATA (24 bytes), PE_DATA (<= 255), PE_NAME (<= 16).
 * All numbers travel in network order; struct sync_conn holds them in host order.
 */
#ifndef VIPD_SYNC_CODEC_H
#define VIPD_SYNC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_HDR_LEN 8
#define SYNC_ENTRY4_LEN 36
#define SYNC_ENTRY6_LEN 72
#define SYNC_MAX_CONNS 255
#define SYNC_PE_DATA_MAX 255
#define SYNC_PE_NAME_MAX 16
#define SYNC_SEQ_OPT_LEN 24
#define SYNC_ENTRY_MAX (SYNC_ENTRY6_LEN + 2 + SYNC_SEQ_OPT_LEN + 2 + SYNC_PE_DATA_MAX + 2 + SYNC_PE_NAME_MAX)
#define SYNC_DGRAM_MAX 65507	/* the largest UDP payload over IPv4 */

/* Option types; an option with SYNC_OPT_F_SKIP set may be ignored by a receiver that does not know it. */
enum { SYNC_OPT_SEQ_DATA = 1, SYNC_OPT_PE_DATA = 2, SYNC_OPT_PE_NAME = 3 };
#define SYNC_OPT_F_SKIP 0x40

/* Connection flags the protocol carries (struct ip_vs_conn's). */
#define SYNC_CF_FWD_MASK 0x0007
#define SYNC_CF_MASQ 0x0000
#define SYNC_CF_TUNNEL 0x0002
#define SYNC_CF_DROUTE 0x0003
#define SYNC_CF_SYNC 0x0020
#define SYNC_CF_NO_CPORT 0x0800
#define SYNC_CF_TEMPLATE 0x1000
#define SYNC_CF_ONE_PACKET 0x2000

struct sync_seq {
	uint32_t init_seq, delta, previous_delta;
};

struct sync_conn {
	uint8_t af;			/* 4 or 6 */
	uint8_t protocol;		/* IPPROTO_* */
	uint16_t state;
	uint32_t flags;
	uint16_t cport, vport, dport;	/* host order */
	uint32_t fwmark;
	uint32_t timeout;		/* seconds; 0 = the protocol's default for the state */
	uint8_t caddr[16], vaddr[16], daddr[16];	/* IPv4 in the first 4 bytes, network order */
	bool has_seq;
	struct sync_seq in_seq, out_seq;
	bool has_pe_data;
	uint8_t pe_data_len;
	uint8_t pe_data[SYNC_PE_DATA_MAX];
	char pe_name[SYNC_PE_NAME_MAX + 1];	/* "" = none */
};

/* Why a datagram (fatal) or one entry (skipped) was refused. The kernel refuses the same. */
enum sync_err {
	SYNC_OK = 0,
	/* the whole datagram, or the rest of it, is dropped */
	SYNC_E_SHORT,		/* shorter than a header */
	SYNC_E_SIZE,		/* header size differs from the bytes received */
	SYNC_E_VERSION,		/* not version 1 (or reserved/spare not zero: version 0) */
	SYNC_E_ENTRY_SHORT,	/* an entry does not fit in what is left */
	SYNC_E_ENTRY_LEN,	/* an entry's length runs past the end or is below its fixed part */
	SYNC_E_ENTRY_VERSION,	/* an entry's version nibble is not 0 */
	SYNC_E_TYPE,		/* an entry type that is neither IPv4 nor IPv6 */
	SYNC_E_OPT_TRUNC,	/* an option header cut by the entry's end */
	SYNC_E_OPT_LEN,		/* an option of length 0 or running past the entry */
	SYNC_E_OPT_SEQ,		/* SEQ_DATA not 24 bytes, or twice */
	SYNC_E_OPT_PE_DATA,	/* PE_DATA too long, or twice */
	SYNC_E_OPT_PE_NAME,	/* PE_NAME too long, or twice */
	/* only this entry is skipped */
	SYNC_S_OPT_UNKNOWN,	/* an unknown option without the skip bit */
	SYNC_S_PROTOCOL,	/* a protocol IPVS does not sync */
	SYNC_S_STATE,		/* a state beyond the protocol's (or the template's) states */
	SYNC_ERR_MAX
};
#define SYNC_FIRST_SKIP SYNC_S_OPT_UNKNOWN

/* Short stable name for status and logs ("entry_len"). */
const char *sync_err_name(enum sync_err e);

struct sync_hdr {
	uint8_t syncid;
	uint8_t nr_conns;
	uint16_t size;
};

/* What a decode found. */
struct sync_decode_stats {
	unsigned accepted;		/* entries handed to the callback */
	unsigned skipped[SYNC_ERR_MAX];	/* entries skipped, by reason */
	unsigned at_entry;		/* index of the entry that made the decode fail */
};

typedef void (*sync_conn_cb)(const struct sync_conn *c, void *arg);

/* Checks and reads a datagram's header alone: SYNC_OK or the datagram-level error. */
enum sync_err sync_decode_hdr(const void *buf, size_t len, struct sync_hdr *hdr);
/*
 * Decodes a whole datagram, calling cb (may be NULL: validate only) for each acceptable entry in order.
 * Returns SYNC_OK, or the error that stopped it; as in the kernel, entries before a fatal one have been
 * handed out already (st->accepted says how many).
 */
enum sync_err sync_decode(const void *buf, size_t len, struct sync_hdr *hdr, sync_conn_cb cb, void *arg,
			  struct sync_decode_stats *st);

/* Bytes of one entry on the wire, options included, padding excluded. */
size_t sync_entry_len(const struct sync_conn *c);

/* Builds one datagram at a time into a caller buffer of at least maxlen bytes. */
struct sync_enc {
	uint8_t *buf;
	size_t maxlen;
	size_t len;
	unsigned nr;
};
/* maxlen is clamped to [SYNC_HDR_LEN + one padded IPv4 entry, SYNC_DGRAM_MAX]. */
void sync_enc_init(struct sync_enc *e, void *buf, size_t maxlen, uint8_t syncid);
/* 0: added; 1: the datagram is full (finish it, start another, add again); -1: this connection cannot be
 * encoded (bad address family, or larger than maxlen on its own). */
int sync_enc_add(struct sync_enc *e, const struct sync_conn *c);
/* Writes the count and size; returns the datagram's length (0 when it holds no entry). */
size_t sync_enc_finish(struct sync_enc *e);

#endif
