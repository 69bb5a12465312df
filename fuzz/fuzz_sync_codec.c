/*
 * IPVS sync v1 datagrams as the relay receives them from peers and from the kernel (sync_decode).
 * Input: the datagram.
 * Invariants: every entry handed out encodes again (sync_enc_add) into a datagram that decodes to one
 * entry equal to it; a datagram that decodes whole re-encodes, entry by entry, to the same count.
 */
#include "fuzz/fuzz.h"

#include "sync/sync_codec.h"

static uint8_t enc_buf[SYNC_DGRAM_MAX];

static void
same_conn(const struct sync_conn *a, const struct sync_conn *b)
{
	size_t alen = a->af == 6 ? 16 : 4;

	FUZZ_ASSERT(a->af == b->af && a->protocol == b->protocol && a->state == b->state && a->flags == b->flags);
	FUZZ_ASSERT(a->cport == b->cport && a->vport == b->vport && a->dport == b->dport);
	FUZZ_ASSERT(a->fwmark == b->fwmark && a->timeout == b->timeout);
	FUZZ_ASSERT(memcmp(a->caddr, b->caddr, alen) == 0 && memcmp(a->vaddr, b->vaddr, alen) == 0 &&
		    memcmp(a->daddr, b->daddr, alen) == 0);
	FUZZ_ASSERT(a->has_seq == b->has_seq);
	if (a->has_seq)
		FUZZ_ASSERT(memcmp(&a->in_seq, &b->in_seq, sizeof(a->in_seq)) == 0 &&
			    memcmp(&a->out_seq, &b->out_seq, sizeof(a->out_seq)) == 0);
	FUZZ_ASSERT(a->has_pe_data == b->has_pe_data && a->pe_data_len == b->pe_data_len);
	FUZZ_ASSERT(memcmp(a->pe_data, b->pe_data, a->pe_data_len) == 0);
	/* the name travels up to its first NUL */
	FUZZ_ASSERT(strcmp(a->pe_name, b->pe_name) == 0);
}

static void
got_again(const struct sync_conn *c, void *arg)
{
	*(struct sync_conn *)arg = *c;
}

static void
got(const struct sync_conn *c, void *arg)
{
	struct sync_enc e;
	struct sync_hdr hdr;
	struct sync_decode_stats st;
	struct sync_conn again;
	size_t len;
	unsigned *count = arg;

	(*count)++;
	FUZZ_ASSERT(c->af == 4 || c->af == 6);
	sync_enc_init(&e, enc_buf, SYNC_DGRAM_MAX, 7);
	FUZZ_ASSERT(sync_enc_add(&e, c) == 0);
	len = sync_enc_finish(&e);
	FUZZ_ASSERT(len == SYNC_HDR_LEN + ((sync_entry_len(c) + 3) & ~(size_t)3));
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(sync_decode(enc_buf, len, &hdr, got_again, &again, &st) == SYNC_OK);
	FUZZ_ASSERT(st.accepted == 1 && hdr.nr_conns == 1 && hdr.syncid == 7);
	same_conn(c, &again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_hdr hdr;
	struct sync_decode_stats st;
	unsigned count = 0, skipped = 0;
	enum sync_err e;
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	e = sync_decode(copy, size, &hdr, got, &count, &st);
	FUZZ_ASSERT(count == st.accepted);
	FUZZ_ASSERT(sync_err_name(e)[0] != '?');
	for (int i = 0; i < SYNC_ERR_MAX; i++) {
		FUZZ_ASSERT(i >= SYNC_FIRST_SKIP || st.skipped[i] == 0);
		skipped += st.skipped[i];
	}
	if (e == SYNC_OK)
		FUZZ_ASSERT(st.accepted + skipped == hdr.nr_conns);
	free(copy);
	return 0;
}
