/* Unit tests of sync/sync_codec.c: round trips, limits, and every malformed datagram the kernel refuses. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_codec.h"

static struct sync_conn
conn4(uint32_t n)
{
	struct sync_conn c = { .af = 4, .protocol = 6, .state = 1, .flags = SYNC_CF_MASQ, .cport = (uint16_t)(1024 + n),
			       .vport = 80, .dport = 8080, .timeout = 900 };
	const uint8_t ca[4] = { 192, 0, 2, 100 }, va[4] = { 192, 0, 2, 10 }, da[4] = { 198, 51, 100, 21 };

	memcpy(c.caddr, ca, 4);
	c.caddr[3] = (uint8_t)n;
	memcpy(c.vaddr, va, 4);
	memcpy(c.daddr, da, 4);
	return c;
}

static struct sync_conn
conn6_full(void)
{
	struct sync_conn c = { .af = 6, .protocol = 17, .state = 0, .flags = SYNC_CF_DROUTE, .cport = 5353,
			       .vport = 53, .dport = 53, .fwmark = 7, .timeout = 300, .has_seq = true,
			       .in_seq = { 1, 2, 3 }, .out_seq = { 4, 5, 6 }, .has_pe_data = true, .pe_data_len = 5,
			       .pe_name = "sip" };

	for (int i = 0; i < 16; i++) {
		c.caddr[i] = (uint8_t)(0x20 + i);
		c.vaddr[i] = (uint8_t)(0x40 + i);
		c.daddr[i] = (uint8_t)(0x60 + i);
	}
	memcpy(c.pe_data, "callid", 5);
	return c;
}

struct collect {
	struct sync_conn got[SYNC_MAX_CONNS];
	unsigned n;
};

static void
collect_cb(const struct sync_conn *c, void *arg)
{
	struct collect *col = arg;

	ck_assert_uint_lt(col->n, SYNC_MAX_CONNS);
	col->got[col->n++] = *c;
}

static void
assert_same(const struct sync_conn *a, const struct sync_conn *b)
{
	size_t alen = a->af == 6 ? 16 : 4;

	ck_assert_uint_eq(a->af, b->af);
	ck_assert_uint_eq(a->protocol, b->protocol);
	ck_assert_uint_eq(a->state, b->state);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->cport, b->cport);
	ck_assert_uint_eq(a->vport, b->vport);
	ck_assert_uint_eq(a->dport, b->dport);
	ck_assert_uint_eq(a->fwmark, b->fwmark);
	ck_assert_uint_eq(a->timeout, b->timeout);
	ck_assert_mem_eq(a->caddr, b->caddr, alen);
	ck_assert_mem_eq(a->vaddr, b->vaddr, alen);
	ck_assert_mem_eq(a->daddr, b->daddr, alen);
	ck_assert_int_eq(a->has_seq, b->has_seq);
	if (a->has_seq) {
		ck_assert_mem_eq(&a->in_seq, &b->in_seq, sizeof(a->in_seq));
		ck_assert_mem_eq(&a->out_seq, &b->out_seq, sizeof(a->out_seq));
	}
	ck_assert_int_eq(a->has_pe_data, b->has_pe_data);
	ck_assert_uint_eq(a->pe_data_len, b->pe_data_len);
	ck_assert_mem_eq(a->pe_data, b->pe_data, a->pe_data_len);
	ck_assert_str_eq(a->pe_name, b->pe_name);
}

/* A datagram built by hand, byte by byte, to test what the encoder never produces. */
struct raw {
	uint8_t b[2048];
	size_t len;
};

static void
raw_u8(struct raw *r, unsigned v)
{
	r->b[r->len++] = (uint8_t)v;
}

static void
raw_u16(struct raw *r, unsigned v)
{
	raw_u8(r, v >> 8);
	raw_u8(r, v & 0xff);
}

static void
raw_u32(struct raw *r, uint32_t v)
{
	raw_u16(r, v >> 16);
	raw_u16(r, v & 0xffff);
}

static void
raw_hdr(struct raw *r, unsigned nr)
{
	r->len = 0;
	raw_u8(r, 0);
	raw_u8(r, 9);		/* syncid */
	raw_u16(r, 0);		/* size, fixed by raw_done */
	raw_u8(r, nr);
	raw_u8(r, 1);
	raw_u16(r, 0);
}

/* An IPv4 entry whose length field says `size` (fixed part + options written by the caller). */
static size_t
raw_entry4(struct raw *r, unsigned type, unsigned proto, unsigned ver_size, uint32_t flags, unsigned state)
{
	size_t at = r->len;

	raw_u8(r, type);
	raw_u8(r, proto);
	raw_u16(r, ver_size);
	raw_u32(r, flags);
	raw_u16(r, state);
	raw_u16(r, 40000);
	raw_u16(r, 80);
	raw_u16(r, 80);
	raw_u32(r, 0);
	raw_u32(r, 900);
	raw_u32(r, 0xc0000264);
	raw_u32(r, 0xc000020a);
	raw_u32(r, 0xc6336415);
	return at;
}

static void
raw_pad(struct raw *r)
{
	while (r->len % 4)
		raw_u8(r, 0);
}

static void
raw_done(struct raw *r)
{
	r->b[2] = (uint8_t)(r->len >> 8);
	r->b[3] = (uint8_t)r->len;
}

static enum sync_err
decode_raw(const struct raw *r, struct collect *col, struct sync_decode_stats *st)
{
	struct sync_hdr h;

	col->n = 0;
	return sync_decode(r->b, r->len, &h, collect_cb, col, st);
}

START_TEST(roundtrip_v4_v6)
{
	uint8_t buf[1500];
	struct sync_enc e;
	struct sync_conn in[3] = { conn4(1), conn6_full(), conn4(2) };
	struct collect col = { .n = 0 };
	struct sync_decode_stats st;
	struct sync_hdr h;
	size_t len;

	in[2].has_seq = true;
	in[2].in_seq = (struct sync_seq){ 0xdeadbeef, 0x80000000, 7 };
	in[2].flags = SYNC_CF_TEMPLATE | SYNC_CF_TUNNEL;
	sync_enc_init(&e, buf, sizeof(buf), 42);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(sync_enc_add(&e, &in[i]), 0);
	len = sync_enc_finish(&e);
	/* 36 + (72 + 26 + 7 + 5 = 110, padded 112) + (36 + 26 = 62, padded 64) */
	ck_assert_uint_eq(len, 8 + 36 + 112 + 64);
	ck_assert_uint_eq(sync_entry_len(&in[1]), 110);
	ck_assert_int_eq(sync_decode(buf, len, &h, collect_cb, &col, &st), SYNC_OK);
	ck_assert_uint_eq(h.syncid, 42);
	ck_assert_uint_eq(h.nr_conns, 3);
	ck_assert_uint_eq(st.accepted, 3);
	ck_assert_uint_eq(col.n, 3);
	for (int i = 0; i < 3; i++)
		assert_same(&in[i], &col.got[i]);
	/* the exact bytes of the first entry, as the kernel lays them out */
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[1], 42);
	ck_assert_uint_eq(buf[4], 3);
	ck_assert_uint_eq(buf[5], 1);
	ck_assert_uint_eq(buf[8], 0);		/* type IPv4 */
	ck_assert_uint_eq(buf[9], 6);		/* TCP */
	ck_assert_uint_eq(buf[10] << 8 | buf[11], 36);
	ck_assert_uint_eq(buf[16] << 8 | buf[17], 1);	/* state */
	ck_assert_uint_eq(buf[18] << 8 | buf[19], 1025);	/* cport */
	ck_assert_uint_eq(buf[32], 192);
	ck_assert_uint_eq(buf[35], 1);
	ck_assert_uint_eq(buf[44 + 0], 1);	/* the IPv6 entry's type */
}
END_TEST

START_TEST(limits_count_and_maxlen)
{
	static uint8_t buf[SYNC_DGRAM_MAX];
	struct sync_enc e;
	struct sync_conn c = conn4(1);
	struct collect *col = calloc(1, sizeof(*col));
	struct sync_decode_stats st;
	struct sync_hdr h;
	size_t len;

	ck_assert_ptr_nonnull(col);
	sync_enc_init(&e, buf, sizeof(buf), 0);
	for (int i = 0; i < SYNC_MAX_CONNS; i++)
		ck_assert_int_eq(sync_enc_add(&e, &c), 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), 1);	/* the count is a byte */
	len = sync_enc_finish(&e);
	ck_assert_uint_eq(len, 8 + 255 * 36);
	ck_assert_int_eq(sync_decode(buf, len, &h, collect_cb, col, &st), SYNC_OK);
	ck_assert_uint_eq(col->n, 255);
	free(col);

	/* maxlen 100 holds two IPv4 entries (80 bytes), not a third (116) */
	sync_enc_init(&e, buf, 100, 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), 1);
	ck_assert_uint_eq(sync_enc_finish(&e), 80);
	/* an IPv6 entry with options (112 padded) can never fit in 100: refused, not "full" */
	c = conn6_full();
	sync_enc_init(&e, buf, 100, 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), -1);
	ck_assert_uint_eq(sync_enc_finish(&e), 0);
	c.af = 5;
	sync_enc_init(&e, buf, 1500, 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), -1);
	/* maxlen below one entry is raised to one entry */
	c = conn4(3);
	sync_enc_init(&e, buf, 10, 0);
	ck_assert_int_eq(sync_enc_add(&e, &c), 0);
	ck_assert_uint_eq(sync_enc_finish(&e), 44);
}
END_TEST

START_TEST(padding_variants)
{
	/* PE names of 1..16 bytes and PE data of 1..255 bytes: every padding remainder */
	uint8_t buf[1500];
	struct sync_enc e;
	struct collect col;
	struct sync_decode_stats st;
	struct sync_hdr h;

	for (unsigned n = 1; n <= 16; n++) {
		struct sync_conn c[2] = { conn4(1), conn4(2) };

		memset(c[0].pe_name, 'a', n);
		c[0].pe_name[n] = '\0';
		c[0].has_pe_data = true;
		c[0].pe_data_len = (uint8_t)(n * 15 + 10);
		memset(c[0].pe_data, (int)n, c[0].pe_data_len);
		sync_enc_init(&e, buf, sizeof(buf), 1);
		ck_assert_int_eq(sync_enc_add(&e, &c[0]), 0);
		ck_assert_int_eq(sync_enc_add(&e, &c[1]), 0);
		ck_assert_uint_eq(sync_enc_finish(&e) % 4, 0);
		col.n = 0;
		ck_assert_int_eq(sync_decode(buf, e.len, &h, collect_cb, &col, &st), SYNC_OK);
		ck_assert_uint_eq(col.n, 2);
		assert_same(&c[0], &col.got[0]);
		assert_same(&c[1], &col.got[1]);
	}
}
END_TEST

START_TEST(header_errors)
{
	struct raw r;
	struct collect col;
	struct sync_decode_stats st;
	struct sync_hdr h;

	raw_hdr(&r, 0);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);	/* an empty v1 datagram is legal */
	ck_assert_int_eq(sync_decode(r.b, 7, &h, NULL, NULL, &st), SYNC_E_SHORT);
	ck_assert_int_eq(sync_decode(r.b, 0, &h, NULL, NULL, &st), SYNC_E_SHORT);

	raw_hdr(&r, 1);
	raw_entry4(&r, 0, 6, 36, 0, 1);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);
	ck_assert_uint_eq(col.n, 1);
	/* size field: one more, one less than received */
	r.b[3]++;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_SIZE);
	r.b[3] -= 2;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_SIZE);
	r.b[3]++;
	/* version 0 headers, and v1 with reserved or spare set, are version 0 to the kernel */
	r.b[5] = 0;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_VERSION);
	r.b[5] = 2;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_VERSION);
	r.b[5] = 1;
	r.b[0] = 1;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_VERSION);
	r.b[0] = 0;
	r.b[7] = 1;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_VERSION);
	r.b[7] = 0;
	r.b[6] = 0x80;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_VERSION);
	r.b[6] = 0;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);
}
END_TEST

START_TEST(entry_errors)
{
	struct raw r;
	struct collect col;
	struct sync_decode_stats st;
	size_t at;

	/* the count says 2, one entry is there */
	raw_hdr(&r, 2);
	raw_entry4(&r, 0, 6, 36, 0, 1);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_ENTRY_SHORT);
	ck_assert_uint_eq(st.accepted, 1);	/* the first one was handed out, as the kernel installs it */
	ck_assert_uint_eq(st.at_entry, 1);
	ck_assert_uint_eq(col.n, 1);

	/* a remainder shorter than an IPv4 entry */
	raw_hdr(&r, 1);
	raw_entry4(&r, 0, 6, 36, 0, 1);
	r.len -= 4;
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_ENTRY_SHORT);

	/* the length runs past the datagram */
	raw_hdr(&r, 1);
	raw_entry4(&r, 0, 6, 40, 0, 1);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_ENTRY_LEN);
	/* the length is below the fixed part: 0, 20, 35; an IPv6 entry of 36 */
	for (unsigned len = 0; len <= 35; len += len == 0 ? 20 : 15) {
		raw_hdr(&r, 1);
		raw_entry4(&r, 0, 6, len, 0, 1);
		raw_done(&r);
		ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_ENTRY_LEN);
		ck_assert_uint_eq(col.n, 0);
	}
	raw_hdr(&r, 1);
	raw_entry4(&r, 1, 6, 36, 0, 1);
	for (int i = 0; i < 36; i++)
		raw_u8(&r, 0);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_ENTRY_LEN);
	/* the same with the right length is a good IPv6 entry; type 3 too (only bit 0 counts) */
	r.b[8 + 3] = 72;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);
	ck_assert_uint_eq(col.got[0].af, 6);
	r.b[8] = 3;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);
	/* type 2: neither */
	r.b[8] = 2;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_TYPE);

	/* a version nibble */
	raw_hdr(&r, 1);
	raw_entry4(&r, 0, 6, 0x1000 | 36, 0, 1);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_ENTRY_VERSION);

	/* a bad second entry: the first is accepted before the drop */
	raw_hdr(&r, 3);
	raw_entry4(&r, 0, 6, 36, 0, 1);
	at = raw_entry4(&r, 4, 6, 36, 0, 1);
	raw_entry4(&r, 0, 6, 36, 0, 1);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_E_TYPE);
	ck_assert_uint_eq(st.accepted, 1);
	ck_assert_uint_eq(st.at_entry, 1);
	r.b[at] = 0;
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);
	ck_assert_uint_eq(col.n, 3);
}
END_TEST

/* One IPv4 entry followed by these option bytes. */
static enum sync_err
with_options(const uint8_t *opt, size_t n, struct collect *col, struct sync_decode_stats *st)
{
	struct raw r;

	raw_hdr(&r, 1);
	raw_entry4(&r, 0, 6, (unsigned)(36 + n), 0, 1);
	memcpy(r.b + r.len, opt, n);
	r.len += n;
	raw_pad(&r);
	raw_done(&r);
	return decode_raw(&r, col, st);
}

START_TEST(option_errors)
{
	struct collect col;
	struct sync_decode_stats st;
	uint8_t o[128];

	memset(o, 0, sizeof(o));
	/* a lone option type byte */
	o[0] = SYNC_OPT_PE_NAME;
	ck_assert_int_eq(with_options(o, 1, &col, &st), SYNC_E_OPT_TRUNC);
	/* zero length: fatal even for an option with the skip bit */
	o[1] = 0;
	ck_assert_int_eq(with_options(o, 2, &col, &st), SYNC_E_OPT_LEN);
	o[0] = SYNC_OPT_F_SKIP | 9;
	ck_assert_int_eq(with_options(o, 2, &col, &st), SYNC_E_OPT_LEN);
	/* running past the entry */
	o[0] = SYNC_OPT_PE_NAME;
	o[1] = 5;
	memcpy(o + 2, "sip", 3);
	ck_assert_int_eq(with_options(o, 5, &col, &st), SYNC_E_OPT_LEN);
	ck_assert_int_eq(with_options(o, 7, &col, &st), SYNC_OK);
	/* SEQ_DATA of 23 and 25 bytes, and twice */
	o[0] = SYNC_OPT_SEQ_DATA;
	o[1] = 23;
	ck_assert_int_eq(with_options(o, 25, &col, &st), SYNC_E_OPT_SEQ);
	o[1] = 25;
	ck_assert_int_eq(with_options(o, 27, &col, &st), SYNC_E_OPT_SEQ);
	o[1] = 24;
	ck_assert_int_eq(with_options(o, 26, &col, &st), SYNC_OK);
	ck_assert(col.got[0].has_seq);
	o[26] = SYNC_OPT_SEQ_DATA;
	o[27] = 24;
	ck_assert_int_eq(with_options(o, 52, &col, &st), SYNC_E_OPT_SEQ);
	/* PE_NAME of 17 bytes, and twice */
	o[0] = SYNC_OPT_PE_NAME;
	o[1] = 17;
	memset(o + 2, 'x', 17);
	ck_assert_int_eq(with_options(o, 19, &col, &st), SYNC_E_OPT_PE_NAME);
	o[1] = 16;
	ck_assert_int_eq(with_options(o, 18, &col, &st), SYNC_OK);
	ck_assert_uint_eq(strlen(col.got[0].pe_name), 16);
	o[18] = SYNC_OPT_PE_NAME;
	o[19] = 3;
	ck_assert_int_eq(with_options(o, 23, &col, &st), SYNC_E_OPT_PE_NAME);
	/* PE_DATA twice */
	o[0] = SYNC_OPT_PE_DATA;
	o[1] = 4;
	o[6] = SYNC_OPT_PE_DATA;
	o[7] = 4;
	ck_assert_int_eq(with_options(o, 6, &col, &st), SYNC_OK);
	ck_assert_int_eq(with_options(o, 12, &col, &st), SYNC_E_OPT_PE_DATA);
	/* an unknown option skips the entry; with the skip bit it is ignored */
	o[0] = 9;
	o[1] = 2;
	ck_assert_int_eq(with_options(o, 4, &col, &st), SYNC_OK);
	ck_assert_uint_eq(col.n, 0);
	ck_assert_uint_eq(st.skipped[SYNC_S_OPT_UNKNOWN], 1);
	o[0] = 9 | SYNC_OPT_F_SKIP;
	ck_assert_int_eq(with_options(o, 4, &col, &st), SYNC_OK);
	ck_assert_uint_eq(col.n, 1);
	/* the kernel stops reading options at the unknown one: what follows it is not checked */
	o[0] = 9;
	o[4] = SYNC_OPT_SEQ_DATA;
	o[5] = 3;
	ck_assert_int_eq(with_options(o, 9, &col, &st), SYNC_OK);
	ck_assert_uint_eq(st.skipped[SYNC_S_OPT_UNKNOWN], 1);
}
END_TEST

START_TEST(entry_skips)
{
	struct raw r;
	struct collect col;
	struct sync_decode_stats st;

	/* protocol 1 (ICMP) is not synced; TCP state 11 is past SYNACK; UDP state 1; template state 2;
	 * then good ones: TCP 10, SCTP 12, template 1, ESP 0 */
	raw_hdr(&r, 8);
	raw_entry4(&r, 0, 1, 36, 0, 0);
	raw_entry4(&r, 0, 6, 36, 0, 11);
	raw_entry4(&r, 0, 17, 36, 0, 1);
	raw_entry4(&r, 0, 6, 36, SYNC_CF_TEMPLATE, 2);
	raw_entry4(&r, 0, 6, 36, 0, 10);
	raw_entry4(&r, 0, 132, 36, 0, 12);
	raw_entry4(&r, 0, 0, 36, SYNC_CF_TEMPLATE, 1);
	raw_entry4(&r, 0, 50, 36, 0, 0);
	raw_done(&r);
	ck_assert_int_eq(decode_raw(&r, &col, &st), SYNC_OK);
	ck_assert_uint_eq(st.skipped[SYNC_S_PROTOCOL], 1);
	ck_assert_uint_eq(st.skipped[SYNC_S_STATE], 3);
	ck_assert_uint_eq(st.accepted, 4);
	ck_assert_uint_eq(col.got[0].state, 10);
	ck_assert_uint_eq(col.got[1].protocol, 132);
	ck_assert_uint_eq(col.got[2].flags, SYNC_CF_TEMPLATE);
	ck_assert_uint_eq(col.got[3].protocol, 50);
	ck_assert_str_eq(sync_err_name(SYNC_S_STATE), "state");
	ck_assert_str_eq(sync_err_name(SYNC_ERR_MAX), "?");
}
END_TEST

/* Random damage to valid datagrams must never read out of bounds (ASan watches) nor accept an entry
 * whose fields differ from what a checked decode would give. */
START_TEST(fuzz_mutations)
{
	uint8_t good[1500], buf[1500];
	struct sync_enc e;
	struct sync_conn c[3] = { conn4(1), conn6_full(), conn4(2) };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	struct sync_decode_stats st;
	struct sync_hdr h;
	size_t len;
	unsigned ok = 0;

	sync_enc_init(&e, good, sizeof(good), 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(sync_enc_add(&e, &c[i]), 0);
	len = sync_enc_finish(&e);
	for (int round = 0; round < 200000; round++) {
		size_t n = len;

		memcpy(buf, good, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[x % len] ^= (uint8_t)(x >> 32);
		}
		if (round % 7 == 0)
			n = x % (len + 1);
		/* a heap copy of exactly n bytes, so ASan sees any read past the end */
		uint8_t *heap = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(heap);
		memcpy(heap, buf, n);
		if (sync_decode(heap, n, &h, NULL, NULL, &st) == SYNC_OK)
			ok++;
		ck_assert_uint_le(st.accepted, 3);
		free(heap);
	}
	ck_assert_uint_gt(ok, 0);
}
END_TEST

static Suite *
codec_suite(void)
{
	Suite *s = suite_create("sync_codec");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, roundtrip_v4_v6);
	tcase_add_test(tc, limits_count_and_maxlen);
	tcase_add_test(tc, padding_variants);
	tcase_add_test(tc, header_errors);
	tcase_add_test(tc, entry_errors);
	tcase_add_test(tc, option_errors);
	tcase_add_test(tc, entry_skips);
	tcase_add_test(tc, fuzz_mutations);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
