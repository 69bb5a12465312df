/* IPVS sync protocol v1: encoder and decoder (see sync_codec.h). Pure: no I/O, no allocation. */
#include "sync/sync_codec.h"

#include <string.h>

#include "lib/bytes.h"

/* Offsets inside an entry (the IPv6 one differs only in address sizes). */
enum {
	E_TYPE = 0, E_PROTO = 1, E_VER_SIZE = 2, E_FLAGS = 4, E_STATE = 8, E_CPORT = 10, E_VPORT = 12,
	E_DPORT = 14, E_FWMARK = 16, E_TIMEOUT = 20, E_ADDRS = 24,
};
#define ENTRY_TYPE_INET6 0x01
#define ENTRY_SIZE_MASK 0x0fff
#define ENTRY_VER_SHIFT 12
#define TEMPLATE_STATES 2	/* NONE, ASSURED */

static const char *const err_names[SYNC_ERR_MAX] = {
	[SYNC_OK] = "ok",
	[SYNC_E_SHORT] = "short",
	[SYNC_E_SIZE] = "size_mismatch",
	[SYNC_E_VERSION] = "version",
	[SYNC_E_ENTRY_SHORT] = "entry_short",
	[SYNC_E_ENTRY_LEN] = "entry_len",
	[SYNC_E_ENTRY_VERSION] = "entry_version",
	[SYNC_E_TYPE] = "entry_type",
	[SYNC_E_OPT_TRUNC] = "option_truncated",
	[SYNC_E_OPT_LEN] = "option_len",
	[SYNC_E_OPT_SEQ] = "option_seq",
	[SYNC_E_OPT_PE_DATA] = "option_pe_data",
	[SYNC_E_OPT_PE_NAME] = "option_pe_name",
	[SYNC_S_OPT_UNKNOWN] = "option_unknown",
	[SYNC_S_PROTOCOL] = "protocol",
	[SYNC_S_STATE] = "state",
};

const char *
sync_err_name(enum sync_err e)
{
	return (unsigned)e < SYNC_ERR_MAX ? err_names[e] : "?";
}

/* How many states a protocol has in IPVS, or 0 if IPVS does not handle it. */
static unsigned
protocol_states(uint8_t protocol)
{
	switch (protocol) {
	case 6:		/* TCP: NONE .. SYNACK */
		return 11;
	case 132:	/* SCTP: NONE .. CLOSED */
		return 13;
	case 17:	/* UDP */
	case 50:	/* ESP */
	case 51:	/* AH */
		return 1;
	default:
		return 0;
	}
}

enum sync_err
sync_decode_hdr(const void *buf, size_t len, struct sync_hdr *hdr)
{
	const uint8_t *p = buf;

	if (len < SYNC_HDR_LEN)
		return SYNC_E_SHORT;
	hdr->syncid = p[1];
	hdr->size = get16(p + 2);
	hdr->nr_conns = p[4];
	if (hdr->size != len)
		return SYNC_E_SIZE;
	/* the kernel reads anything else as the older, IPv4-only version 0, which vipd does not relay */
	if (p[0] != 0 || p[5] != 1 || p[6] != 0 || p[7] != 0)
		return SYNC_E_VERSION;
	return SYNC_OK;
}

static enum sync_err
decode_seq(const uint8_t *v, unsigned len, struct sync_conn *c)
{
	if (len != SYNC_SEQ_OPT_LEN || c->has_seq)
		return SYNC_E_OPT_SEQ;
	c->has_seq = true;
	c->in_seq = (struct sync_seq){ get32(v), get32(v + 4), get32(v + 8) };
	c->out_seq = (struct sync_seq){ get32(v + 12), get32(v + 16), get32(v + 20) };
	return SYNC_OK;
}

/* The options after an entry's fixed part, [p, end). */
static enum sync_err
decode_options(const uint8_t *p, const uint8_t *end, struct sync_conn *c)
{
	bool pe_name_seen = false, unknown = false;

	while (p < end) {
		unsigned type, len;
		enum sync_err e = SYNC_OK;

		if (end - p < 2)
			return SYNC_E_OPT_TRUNC;
		type = p[0];
		len = p[1];
		p += 2;
		if (len == 0 || len > (size_t)(end - p))
			return SYNC_E_OPT_LEN;
		switch (type & ~SYNC_OPT_F_SKIP) {
		case SYNC_OPT_SEQ_DATA:
			e = decode_seq(p, len, c);
			break;
		case SYNC_OPT_PE_DATA:
			if (len > SYNC_PE_DATA_MAX || c->has_pe_data)
				return SYNC_E_OPT_PE_DATA;
			c->has_pe_data = true;
			c->pe_data_len = (uint8_t)len;
			memcpy(c->pe_data, p, len);
			break;
		case SYNC_OPT_PE_NAME:
			if (len > SYNC_PE_NAME_MAX || pe_name_seen)
				return SYNC_E_OPT_PE_NAME;
			pe_name_seen = true;
			memcpy(c->pe_name, p, len);
			c->pe_name[len] = '\0';
			break;
		default:
			/* the kernel stops reading this entry's options here and skips the entry */
			if (!(type & SYNC_OPT_F_SKIP))
				unknown = true;
			break;
		}
		if (e != SYNC_OK)
			return e;
		if (unknown)
			return SYNC_S_OPT_UNKNOWN;
		p += len;
	}
	return SYNC_OK;
}

/* One entry of exactly `size` bytes (options included). */
static enum sync_err
decode_entry(const uint8_t *p, size_t size, struct sync_conn *c)
{
	size_t fixed, alen;
	enum sync_err e;
	unsigned states;

	memset(c, 0, sizeof(*c));
	if (p[E_TYPE] & ENTRY_TYPE_INET6) {
		c->af = 6;
		fixed = SYNC_ENTRY6_LEN;
		alen = 16;
	} else if (p[E_TYPE] == 0) {
		c->af = 4;
		fixed = SYNC_ENTRY4_LEN;
		alen = 4;
	} else {
		return SYNC_E_TYPE;
	}
	if (size < fixed)
		return SYNC_E_ENTRY_LEN;
	c->protocol = p[E_PROTO];
	c->flags = get32(p + E_FLAGS);
	c->state = get16(p + E_STATE);
	c->cport = get16(p + E_CPORT);
	c->vport = get16(p + E_VPORT);
	c->dport = get16(p + E_DPORT);
	c->fwmark = get32(p + E_FWMARK);
	c->timeout = get32(p + E_TIMEOUT);
	memcpy(c->caddr, p + E_ADDRS, alen);
	memcpy(c->vaddr, p + E_ADDRS + alen, alen);
	memcpy(c->daddr, p + E_ADDRS + 2 * alen, alen);
	if ((e = decode_options(p + fixed, p + size, c)) != SYNC_OK)
		return e;
	if (c->flags & SYNC_CF_TEMPLATE)
		return c->state < TEMPLATE_STATES ? SYNC_OK : SYNC_S_STATE;
	if ((states = protocol_states(c->protocol)) == 0)
		return SYNC_S_PROTOCOL;
	return c->state < states ? SYNC_OK : SYNC_S_STATE;
}

enum sync_err
sync_decode(const void *buf, size_t len, struct sync_hdr *hdr, sync_conn_cb cb, void *arg,
	    struct sync_decode_stats *st)
{
	const uint8_t *base = buf, *p;
	struct sync_conn c;
	enum sync_err e;

	memset(st, 0, sizeof(*st));
	if ((e = sync_decode_hdr(buf, len, hdr)) != SYNC_OK)
		return e;
	p = base + SYNC_HDR_LEN;
	for (unsigned i = 0; i < hdr->nr_conns; i++) {
		size_t left = len - (size_t)(p - base), size;
		uint16_t ver_size;

		st->at_entry = i;
		if (left < SYNC_ENTRY4_LEN)
			return SYNC_E_ENTRY_SHORT;
		ver_size = get16(p + E_VER_SIZE);
		size = ver_size & ENTRY_SIZE_MASK;
		if (size > left)
			return SYNC_E_ENTRY_LEN;
		if (ver_size >> ENTRY_VER_SHIFT)
			return SYNC_E_ENTRY_VERSION;
		e = decode_entry(p, size, &c);
		if (e >= SYNC_FIRST_SKIP) {
			st->skipped[e]++;
		} else if (e != SYNC_OK) {
			return e;
		} else {
			st->accepted++;
			if (cb != NULL)
				cb(&c, arg);
		}
		/* the padding after the last entry may be missing; the loop's length check catches the rest */
		size = (size + 3) & ~(size_t)3;
		if (size > left)
			size = left;
		p += size;
	}
	return SYNC_OK;
}

size_t
sync_entry_len(const struct sync_conn *c)
{
	size_t n = c->af == 6 ? SYNC_ENTRY6_LEN : SYNC_ENTRY4_LEN;

	if (c->has_seq)
		n += 2 + SYNC_SEQ_OPT_LEN;
	if (c->has_pe_data && c->pe_data_len > 0)
		n += 2 + c->pe_data_len;
	if (c->pe_name[0] != '\0')
		n += 2 + strnlen(c->pe_name, SYNC_PE_NAME_MAX);
	return n;
}

void
sync_enc_init(struct sync_enc *e, void *buf, size_t maxlen, uint8_t syncid)
{
	size_t min = SYNC_HDR_LEN + SYNC_ENTRY4_LEN;

	e->buf = buf;
	e->maxlen = maxlen < min ? min : maxlen > SYNC_DGRAM_MAX ? SYNC_DGRAM_MAX : maxlen;
	e->len = SYNC_HDR_LEN;
	e->nr = 0;
	memset(e->buf, 0, SYNC_HDR_LEN);
	e->buf[1] = syncid;
	e->buf[5] = 1;
}

static uint8_t *
put_option(uint8_t *p, uint8_t type, const void *v, size_t len)
{
	p[0] = type;
	p[1] = (uint8_t)len;
	memcpy(p + 2, v, len);
	return p + 2 + len;
}

int
sync_enc_add(struct sync_enc *e, const struct sync_conn *c)
{
	size_t size, padded, alen;
	uint8_t *p, *o;

	if (c->af != 4 && c->af != 6)
		return -1;
	size = sync_entry_len(c);
	padded = (size + 3) & ~(size_t)3;
	if (SYNC_HDR_LEN + padded > e->maxlen)
		return -1;
	if (e->nr == SYNC_MAX_CONNS || e->len + padded > e->maxlen)
		return 1;
	alen = c->af == 6 ? 16 : 4;
	p = e->buf + e->len;
	memset(p, 0, padded);
	p[E_TYPE] = c->af == 6 ? ENTRY_TYPE_INET6 : 0;
	p[E_PROTO] = c->protocol;
	put16(p + E_VER_SIZE, (uint16_t)size);
	put32(p + E_FLAGS, c->flags);
	put16(p + E_STATE, c->state);
	put16(p + E_CPORT, c->cport);
	put16(p + E_VPORT, c->vport);
	put16(p + E_DPORT, c->dport);
	put32(p + E_FWMARK, c->fwmark);
	put32(p + E_TIMEOUT, c->timeout);
	memcpy(p + E_ADDRS, c->caddr, alen);
	memcpy(p + E_ADDRS + alen, c->vaddr, alen);
	memcpy(p + E_ADDRS + 2 * alen, c->daddr, alen);
	o = p + E_ADDRS + 3 * alen;
	if (c->has_seq) {
		uint8_t v[SYNC_SEQ_OPT_LEN];
		const struct sync_seq *s[2] = { &c->in_seq, &c->out_seq };

		for (int i = 0; i < 2; i++) {
			put32(v + 12 * i, s[i]->init_seq);
			put32(v + 12 * i + 4, s[i]->delta);
			put32(v + 12 * i + 8, s[i]->previous_delta);
		}
		o = put_option(o, SYNC_OPT_SEQ_DATA, v, sizeof(v));
	}
	if (c->has_pe_data && c->pe_data_len > 0)
		o = put_option(o, SYNC_OPT_PE_DATA, c->pe_data, c->pe_data_len);
	if (c->pe_name[0] != '\0')
		put_option(o, SYNC_OPT_PE_NAME, c->pe_name, strnlen(c->pe_name, SYNC_PE_NAME_MAX));
	e->len += padded;
	e->nr++;
	return 0;
}

size_t
sync_enc_finish(struct sync_enc *e)
{
	if (e->nr == 0)
		return 0;
	e->buf[4] = (uint8_t)e->nr;
	put16(e->buf + 2, (uint16_t)e->len);
	return e->len;
}
