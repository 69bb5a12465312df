/* vipd sync frames: building, checking, replay window, NACK bookkeeping, retransmit ring (sync_secure.h). */
#include "sync/sync_secure.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

static const uint8_t magic[4] = { 'v', 'p', 's', '1' };

static const char *const frame_err_names[SYNC_F_ERR_MAX] = {
	[SYNC_F_OK] = "ok", [SYNC_F_SHORT] = "frame_short", [SYNC_F_MAGIC] = "frame_magic",
	[SYNC_F_LEN] = "frame_len", [SYNC_F_TYPE] = "frame_type", [SYNC_F_MAC] = "bad_mac",
};

const char *
sync_frame_err_name(enum sync_frame_err e)
{
	return (unsigned)e < SYNC_F_ERR_MAX ? frame_err_names[e] : "?";
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

bool
sync_is_frame(const void *buf, size_t len)
{
	return len >= sizeof(magic) && memcmp(buf, magic, sizeof(magic)) == 0;
}

struct sync_mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;	/* keyed once: each frame only restarts it */
};

struct sync_mac *
sync_mac_new(const uint8_t *key, size_t keylen)
{
	struct sync_mac *m = calloc(1, sizeof(*m));
	char digest[] = "SHA256";
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
				OSSL_PARAM_construct_end() };

	if (m == NULL || keylen == 0)
		goto fail;
	if ((m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL || (m->ctx = EVP_MAC_CTX_new(m->mac)) == NULL ||
	    !EVP_MAC_init(m->ctx, key, keylen, params))
		goto fail;
	return m;
fail:
	sync_mac_free(m);
	return NULL;
}

void
sync_mac_free(struct sync_mac *m)
{
	if (m == NULL)
		return;
	EVP_MAC_CTX_free(m->ctx);
	EVP_MAC_free(m->mac);
	free(m);
}

/* A MAC with the prepared key, or with key itself (one-shot) when m is NULL. */
static bool
mac(struct sync_mac *m, const uint8_t *key, size_t keylen, const uint8_t *data, size_t n,
    uint8_t out[SYNC_MAC_LEN])
{
	unsigned int outlen = 0;
	size_t mlen = 0;

	if (m == NULL)
		return HMAC(EVP_sha256(), key, (int)keylen, data, n, out, &outlen) != NULL && outlen == SYNC_MAC_LEN;
	/* a NULL key restarts the context with the key it holds */
	return EVP_MAC_init(m->ctx, NULL, 0, NULL) && EVP_MAC_update(m->ctx, data, n) &&
	       EVP_MAC_final(m->ctx, out, &mlen, SYNC_MAC_LEN) && mlen == SYNC_MAC_LEN;
}

static size_t
frame_build(uint8_t *out, size_t cap, uint8_t type, uint64_t epoch, uint64_t seq, const void *payload, size_t plen,
	    struct sync_mac *m, const uint8_t *key, size_t keylen)
{
	size_t len = SYNC_FRAME_HDR + plen + (keylen ? SYNC_MAC_LEN : 0);

	if (plen > UINT16_MAX || len > cap)
		return 0;
	memcpy(out, magic, 4);
	out[4] = type;
	out[5] = 0;
	out[6] = (uint8_t)(plen >> 8);
	out[7] = (uint8_t)plen;
	put64(out + 8, epoch);
	put64(out + 16, seq);
	if (plen > 0)
		memmove(out + SYNC_FRAME_HDR, payload, plen);
	if (keylen > 0 && !mac(m, key, keylen, out, SYNC_FRAME_HDR + plen, out + SYNC_FRAME_HDR + plen))
		return 0;
	return len;
}

size_t
sync_frame_build(uint8_t *out, size_t cap, uint8_t type, uint64_t epoch, uint64_t seq, const void *payload,
		 size_t plen, const uint8_t *key, size_t keylen)
{
	return frame_build(out, cap, type, epoch, seq, payload, plen, NULL, key, keylen);
}

size_t
sync_frame_build_mac(uint8_t *out, size_t cap, uint8_t type, uint64_t epoch, uint64_t seq, const void *payload,
		     size_t plen, struct sync_mac *m)
{
	/* keylen only says whether a MAC goes on: m holds the key */
	return frame_build(out, cap, type, epoch, seq, payload, plen, m, NULL, m ? SYNC_MAC_LEN : 0);
}

static enum sync_frame_err
frame_parse(const void *buf, size_t len, struct sync_mac *m, const uint8_t *key, size_t keylen, struct sync_frame *f)
{
	const uint8_t *p = buf;
	size_t tail = keylen ? SYNC_MAC_LEN : 0, plen;
	uint8_t want[SYNC_MAC_LEN];

	if (len < SYNC_FRAME_HDR + tail)
		return SYNC_F_SHORT;
	if (!sync_is_frame(buf, len))
		return SYNC_F_MAGIC;
	plen = (size_t)p[6] << 8 | p[7];
	if (SYNC_FRAME_HDR + plen + tail != len)
		return SYNC_F_LEN;
	/* authenticate before believing anything else in it */
	if (keylen > 0 && (!mac(m, key, keylen, p, SYNC_FRAME_HDR + plen, want) ||
			   CRYPTO_memcmp(want, p + SYNC_FRAME_HDR + plen, SYNC_MAC_LEN) != 0))
		return SYNC_F_MAC;
	f->type = p[4];
	f->epoch = get64(p + 8);
	f->seq = get64(p + 16);
	f->payload = p + SYNC_FRAME_HDR;
	f->len = plen;
	switch (f->type) {
	case SYNC_FT_DATA:
		return plen > 0 && f->seq > 0 ? SYNC_F_OK : SYNC_F_TYPE;
	case SYNC_FT_NACK:
		return plen >= 16 && (plen - 8) % 8 == 0 && (plen - 8) / 8 <= SYNC_NACK_MAX ? SYNC_F_OK : SYNC_F_TYPE;
	case SYNC_FT_HELLO:
		return plen == SYNC_HELLO_LEN ? SYNC_F_OK : SYNC_F_TYPE;
	case SYNC_FT_RESYNC:
		return plen == 0 ? SYNC_F_OK : SYNC_F_TYPE;
	default:
		return SYNC_F_TYPE;
	}
}

enum sync_frame_err
sync_frame_parse(const void *buf, size_t len, const uint8_t *key, size_t keylen, struct sync_frame *f)
{
	return frame_parse(buf, len, NULL, key, keylen, f);
}

enum sync_frame_err
sync_frame_parse_mac(const void *buf, size_t len, struct sync_mac *m, struct sync_frame *f)
{
	/* keylen only says whether a MAC is there: m holds the key */
	return frame_parse(buf, len, m, NULL, m ? SYNC_MAC_LEN : 0, f);
}

void
sync_hello_put(uint8_t out[SYNC_HELLO_LEN], const struct sync_hello *h)
{
	put64(out, h->nonce);
	put64(out + 8, h->echo);
	put64(out + 16, h->next_seq);
}

void
sync_hello_get(const uint8_t in[SYNC_HELLO_LEN], struct sync_hello *h)
{
	h->nonce = get64(in);
	h->echo = get64(in + 8);
	h->next_seq = get64(in + 16);
}

size_t
sync_nack_put(uint8_t *out, size_t cap, uint64_t epoch, const uint64_t *seqs, size_t n)
{
	size_t len;

	if (n > SYNC_NACK_MAX)
		n = SYNC_NACK_MAX;
	len = 8 + 8 * n;
	if (len > cap)
		return 0;
	put64(out, epoch);
	for (size_t i = 0; i < n; i++)
		put64(out + 8 + 8 * i, seqs[i]);
	return len;
}

int
sync_nack_get(const uint8_t *in, size_t len, uint64_t *epoch, uint64_t *seqs, size_t *n)
{
	if (len < 16 || (len - 8) % 8 != 0 || (len - 8) / 8 > SYNC_NACK_MAX)
		return -1;
	*epoch = get64(in);
	*n = (len - 8) / 8;
	for (size_t i = 0; i < *n; i++)
		seqs[i] = get64(in + 8 + 8 * i);
	return 0;
}

static bool
bit_get(const struct sync_rx *rx, uint64_t i)
{
	return rx->bits[i / 64] >> (i % 64) & 1;
}

static void
bit_set(struct sync_rx *rx, uint64_t i)
{
	rx->bits[i / 64] |= 1ULL << (i % 64);
}

/* Moves base forward by n, shifting the window. */
static void
slide(struct sync_rx *rx, uint64_t n)
{
	if (n >= SYNC_WINDOW) {
		memset(rx->bits, 0, sizeof(rx->bits));
	} else {
		for (uint64_t i = 0; i < SYNC_WINDOW - n; i++) {
			uint64_t src = i + n;
			bool v = rx->bits[src / 64] >> (src % 64) & 1;

			if (v)
				rx->bits[i / 64] |= 1ULL << (i % 64);
			else
				rx->bits[i / 64] &= ~(1ULL << (i % 64));
		}
		for (uint64_t i = SYNC_WINDOW - n; i < SYNC_WINDOW; i++)
			rx->bits[i / 64] &= ~(1ULL << (i % 64));
	}
	rx->base += n;
	if (rx->top < rx->base)
		rx->top = rx->base;
}

static void
reset(struct sync_rx *rx, uint64_t epoch, uint64_t base)
{
	uint64_t nonce = rx->nonce;

	memset(rx, 0, sizeof(*rx));
	rx->known = true;
	rx->epoch = epoch;
	rx->base = rx->top = base ? base : 1;
	rx->nonce = nonce;
}

static void
note_gap(struct sync_rx *rx, uint64_t now)
{
	if (rx->top > rx->base) {
		if (rx->gap_since == 0)
			rx->gap_since = now ? now : 1;
	} else {
		rx->gap_since = 0;
		rx->nack_rounds = 0;
	}
}

enum sync_rx_verdict
sync_rx_data(struct sync_rx *rx, uint64_t epoch, uint64_t seq, uint64_t now, uint64_t *lost)
{
	uint64_t off;

	if (!rx->known)
		return SYNC_RX_UNKNOWN;
	if (epoch < rx->epoch)
		return SYNC_RX_OLD_EPOCH;
	if (epoch > rx->epoch)
		reset(rx, epoch, 1);	/* the peer restarted: its seqs begin again at 1 */
	if (seq < rx->base)
		return SYNC_RX_REPLAY;
	off = seq - rx->base;
	if (off >= SYNC_WINDOW) {
		uint64_t n = off - SYNC_WINDOW + 1, got = 0;

		/* what leaves the window unreceived is lost for good */
		for (uint64_t i = 0; i < n && i < SYNC_WINDOW; i++)
			got += bit_get(rx, i);
		*lost += n - got;
		slide(rx, n);
		off = seq - rx->base;
	}
	if (bit_get(rx, off))
		return SYNC_RX_REPLAY;
	bit_set(rx, off);
	if (seq + 1 > rx->top)
		rx->top = seq + 1;
	while (rx->base < rx->top && bit_get(rx, 0))
		slide(rx, 1);
	note_gap(rx, now);
	return SYNC_RX_DELIVER;
}

bool
sync_rx_hello(struct sync_rx *rx, uint64_t epoch, const struct sync_hello *h)
{
	if (rx->nonce != 0 && h->echo == rx->nonce) {
		/* the answer to our challenge: this epoch is live, whatever we held */
		rx->nonce = 0;
		if (!rx->known || epoch != rx->epoch)
			reset(rx, epoch, h->next_seq);
		return true;
	}
	if (rx->known && epoch > rx->epoch) {
		reset(rx, epoch, h->next_seq);
		return true;
	}
	return false;
}

size_t
sync_rx_missing(const struct sync_rx *rx, uint64_t *out, size_t max)
{
	size_t n = 0;

	for (uint64_t s = rx->base; s < rx->top && s - rx->base < SYNC_WINDOW && n < max; s++)
		if (!bit_get(rx, s - rx->base))
			out[n++] = s;
	return n;
}

bool
sync_rx_nack_due(struct sync_rx *rx, uint64_t now, uint64_t interval)
{
	if (rx->gap_since == 0 || now - rx->gap_since < interval / 2 || now - rx->last_nack < interval)
		return false;
	rx->last_nack = now;
	rx->nack_rounds++;
	return true;
}

uint64_t
sync_rx_give_up(struct sync_rx *rx, unsigned rounds)
{
	uint64_t lost = 0;

	if (rx->gap_since == 0 || rx->nack_rounds < rounds)
		return 0;
	for (uint64_t s = rx->base; s < rx->top && s - rx->base < SYNC_WINDOW; s++)
		if (!bit_get(rx, s - rx->base))
			lost++;
	slide(rx, rx->top - rx->base);
	rx->gap_since = 0;
	rx->nack_rounds = 0;
	return lost;
}

int
sync_tx_init(struct sync_tx *tx, uint64_t epoch, size_t nslots, size_t slot_size)
{
	memset(tx, 0, sizeof(*tx));
	tx->epoch = epoch;
	tx->next_seq = 1;
	tx->slots = calloc(nslots, sizeof(*tx->slots));
	tx->mem = calloc(nslots, slot_size);
	if (tx->slots == NULL || tx->mem == NULL) {
		sync_tx_free(tx);
		return -1;
	}
	tx->nslots = nslots;
	tx->slot_size = slot_size;
	for (size_t i = 0; i < nslots; i++)
		tx->slots[i].frame = tx->mem + i * slot_size;
	return 0;
}

void
sync_tx_free(struct sync_tx *tx)
{
	free(tx->slots);
	free(tx->mem);
	memset(tx, 0, sizeof(*tx));
}

struct sync_tx_slot *
sync_tx_next(struct sync_tx *tx)
{
	struct sync_tx_slot *s = &tx->slots[tx->next_seq % tx->nslots];

	s->seq = tx->next_seq++;
	s->len = 0;
	return s;
}

const struct sync_tx_slot *
sync_tx_find(const struct sync_tx *tx, uint64_t seq)
{
	const struct sync_tx_slot *s;

	if (tx->nslots == 0 || seq == 0)
		return NULL;
	s = &tx->slots[seq % tx->nslots];
	return s->seq == seq && s->len > 0 ? s : NULL;
}
