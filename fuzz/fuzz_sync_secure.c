/*
 * vipd's secure sync framing as a peer's datagrams reach it: sync_frame_parse with and without a key (the
 * one-shot and the prepared MAC must agree), the NACK and HELLO payloads, then the rest of the input as a
 * sequence of events for one peer's receive window (DATA seqs, HELLOs, NACK timers, give-ups) and for the
 * retransmit ring.
 * Input: frame length (u16), the frame, then events.
 * Invariants: an accepted frame is rebuilt byte for byte; a payload read is written back the same; the
 * window keeps base <= top, delivers each (epoch, seq) once, and lists only missing seqs inside it.
 */
#include "fuzz/fuzz.h"

#include "sync/sync_secure.h"

static const uint8_t key[] = "fuzz-sync-key-0123456789abcdef";
static struct sync_mac *mac;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mac = sync_mac_new(key, sizeof(key) - 1);
	return mac == NULL;
}

static void
frame(const uint8_t *buf, size_t len, bool keyed)
{
	static uint8_t out[SYNC_FRAME_OVERHEAD + 65536];
	struct sync_frame f, g;
	enum sync_frame_err e = sync_frame_parse(buf, len, keyed ? key : NULL, keyed ? sizeof(key) - 1 : 0, &f);
	enum sync_frame_err e2 = sync_frame_parse_mac(buf, len, keyed ? mac : NULL, &g);
	size_t n;

	FUZZ_ASSERT(e == e2);
	FUZZ_ASSERT(sync_frame_err_name(e)[0] != '?');
	if (e != SYNC_F_OK)
		return;
	FUZZ_ASSERT(f.type == g.type && f.epoch == g.epoch && f.seq == g.seq && f.len == g.len);
	FUZZ_ASSERT(f.payload >= buf + SYNC_FRAME_HDR && f.payload + f.len <= buf + len);
	FUZZ_ASSERT(sync_is_frame(buf, len));
	n = keyed ? sync_frame_build_mac(out, sizeof(out), f.type, f.epoch, f.seq, f.payload, f.len, mac) :
		    sync_frame_build(out, sizeof(out), f.type, f.epoch, f.seq, f.payload, f.len, NULL, 0);
	FUZZ_ASSERT(n == len);
	/* the flags byte is not read (always 0 when sent); everything else, the MAC too, must be the same */
	FUZZ_ASSERT(memcmp(out, buf, 5) == 0 && memcmp(out + 6, buf + 6, SYNC_FRAME_HDR - 6 + f.len) == 0);
	if (buf[5] == 0)
		FUZZ_ASSERT(memcmp(out, buf, len) == 0);
	if (f.type == SYNC_FT_NACK) {
		uint64_t epoch, seqs[SYNC_NACK_MAX];
		size_t nseq;
		uint8_t back[8 + 8 * SYNC_NACK_MAX];

		FUZZ_ASSERT(sync_nack_get(f.payload, f.len, &epoch, seqs, &nseq) == 0);
		FUZZ_ASSERT(sync_nack_put(back, sizeof(back), epoch, seqs, nseq) == f.len);
		FUZZ_ASSERT(memcmp(back, f.payload, f.len) == 0);
	} else if (f.type == SYNC_FT_HELLO) {
		struct sync_hello h;
		uint8_t back[SYNC_HELLO_LEN];

		sync_hello_get(f.payload, &h);
		sync_hello_put(back, &h);
		FUZZ_ASSERT(memcmp(back, f.payload, SYNC_HELLO_LEN) == 0);
	}
}

static void
check_window(const struct sync_rx *rx)
{
	uint64_t miss[SYNC_NACK_MAX];
	size_t n;

	if (!rx->known)
		return;
	FUZZ_ASSERT(rx->base <= rx->top);
	n = sync_rx_missing(rx, miss, SYNC_NACK_MAX);
	FUZZ_ASSERT(n <= SYNC_NACK_MAX);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(miss[i] >= rx->base && miss[i] < rx->top && miss[i] - rx->base < SYNC_WINDOW);
		FUZZ_ASSERT(i == 0 || miss[i] > miss[i - 1]);
	}
}

static void
events(struct fuzz_in *in)
{
	struct sync_rx rx;
	struct sync_tx tx;
	uint64_t now = 1, lost = 0;
	bool have_tx = sync_tx_init(&tx, 5, 1 + fuzz_u8(in) % 8, 64) == 0;

	memset(&rx, 0, sizeof(rx));
	for (unsigned steps = 0; in->left > 0 && steps < 256; steps++) {
		uint8_t op = fuzz_u8(in);
		uint64_t epoch = fuzz_u8(in) % 4;

		now += fuzz_u16(in);
		switch (op % 7) {
		case 0: {
			/* small seqs mostly, so they meet the window; sometimes anything */
			uint64_t seq = op & 0x80 ? fuzz_u64(in) : fuzz_u16(in);
			enum sync_rx_verdict v = sync_rx_data(&rx, epoch, seq, now, &lost);

			if (v == SYNC_RX_DELIVER)
				FUZZ_ASSERT(sync_rx_data(&rx, epoch, seq, now, &lost) == SYNC_RX_REPLAY);
			break;
		}
		case 1: {
			struct sync_hello h = { .nonce = fuzz_u8(in), .echo = fuzz_u8(in) % 3,
						.next_seq = op & 0x80 ? fuzz_u64(in) : fuzz_u16(in) };

			if (sync_rx_hello(&rx, epoch, &h))
				FUZZ_ASSERT(rx.known && rx.epoch == epoch);
			break;
		}
		case 2:
			rx.nonce = fuzz_u8(in) % 3;
			break;
		case 3:
			(void)sync_rx_nack_due(&rx, now, fuzz_u16(in));
			break;
		case 4: {
			uint64_t top = rx.top, base = rx.base, gave = sync_rx_give_up(&rx, fuzz_u8(in) % 4);

			FUZZ_ASSERT(gave <= top - base);
			break;
		}
		case 5:
			if (have_tx) {
				struct sync_tx_slot *s = sync_tx_next(&tx);

				FUZZ_ASSERT(s != NULL);
				s->len = fuzz_u8(in) % 65;
				FUZZ_ASSERT(sync_tx_find(&tx, s->seq) == (s->len > 0 ? s : NULL));
			}
			break;
		default:
			if (have_tx) {
				const struct sync_tx_slot *s = sync_tx_find(&tx, fuzz_u16(in));

				FUZZ_ASSERT(s == NULL || s->seq < tx.next_seq);
			}
			break;
		}
		check_window(&rx);
	}
	if (have_tx)
		sync_tx_free(&tx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t want = fuzz_u16(&in), n;
	const uint8_t *p = fuzz_bytes(&in, want, &n);
	uint8_t *copy = malloc(n ? n : 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, p, n);
	frame(copy, n, false);
	frame(copy, n, true);
	free(copy);
	events(&in);
	return 0;
}
