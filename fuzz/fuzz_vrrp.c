/*
 * VRRP adverts as they arrive: an IPv4 datagram from the raw socket (v2/v3), an IPv6 payload with what
 * IPV6_RECVPKTINFO and the hop limit say, or an IPv4 datagram with an AH header (auth_type AH).
 * Input: mode byte (0 IPv4, 1 IPv6, 2 AH), flags byte, then for IPv6 source (16), destination (16) and
 * hop limit (1) before the payload; otherwise the datagram.
 * Invariants: what decodes is accepted by vrrp_pkt_check against itself, and encoding it again gives a
 * packet that decodes to the same fields (and, for AH, passes the ICV check with the key it was signed with).
 */
#include "fuzz/fuzz.h"

#include <sys/socket.h>

#include "vrrp/vrrp_ah.h"
#include "vrrp/vrrp_packet.h"

static const uint8_t key[VRRP_AH_KEY_LEN] = { 'f', 'u', 'z', 'z', 'k', 'e', 'y', 0 };

static void
check_self(const struct vrrp_pkt *pkt)
{
	struct vrrp_expect exp = { .version = pkt->version, .family = pkt->family, .interval_cs = pkt->interval_cs,
				   .auth_type = pkt->auth_type, .addrs = pkt->addrs, .naddr = pkt->naddr };
	enum vrrp_drop d;

	if (pkt->auth != NULL)
		memcpy(exp.auth, pkt->auth, VRRP_AUTH_LEN);
	d = vrrp_pkt_check(pkt, &exp);
	if (pkt->version == 3 && pkt->interval_cs == 0)
		FUZZ_ASSERT(d == VRRP_DROP_INTERVAL);
	else
		FUZZ_ASSERT(d == VRRP_OK);
}

/* Encodes pkt again into buf; returns the length. */
static size_t
reencode(const struct vrrp_pkt *pkt, const struct vrrp_rx_meta *meta, uint8_t *buf, size_t size)
{
	struct vrrp_adv adv = { .version = pkt->version, .family = pkt->family, .vrid = pkt->vrid,
				.priority = pkt->priority, .interval_cs = pkt->interval_cs, .auth_type = pkt->auth_type,
				.addrs = pkt->addrs, .naddr = pkt->naddr };
	size_t len;

	if (pkt->auth != NULL)
		memcpy(adv.auth, pkt->auth, VRRP_AUTH_LEN);
	len = vrrp_pkt_encode(&adv, meta->src, meta->dst, 0, buf, size);
	FUZZ_ASSERT(len > 0);
	return len;
}

static void
same_fields(const struct vrrp_pkt *a, const struct vrrp_pkt *b)
{
	size_t al = a->family == AF_INET6 ? 16 : 4;

	FUZZ_ASSERT(a->version == b->version && a->type == b->type && a->vrid == b->vrid);
	FUZZ_ASSERT(a->priority == b->priority && a->naddr == b->naddr && a->family == b->family);
	FUZZ_ASSERT(memcmp(a->addrs, b->addrs, a->naddr * al) == 0);
	/* v2 says whole seconds, at least one */
	if (a->version == 3 || a->interval_cs != 0)
		FUZZ_ASSERT(a->interval_cs == b->interval_cs);
	if (a->version == 2) {
		FUZZ_ASSERT(a->auth_type == b->auth_type);
		if (a->auth != NULL && a->auth_type == 1)
			FUZZ_ASSERT(memcmp(a->auth, b->auth, VRRP_AUTH_LEN) == 0);
	}
}

static void
round_trip(const struct vrrp_pkt *pkt, const struct vrrp_rx_meta *meta)
{
	static uint8_t buf[VRRP_PKT_MAX];
	struct vrrp_pkt again;
	size_t len;

	check_self(pkt);
	len = reencode(pkt, meta, buf, sizeof(buf));
	/* the TTL was judged already: only the packet is under test here */
	FUZZ_ASSERT(vrrp_pkt_decode(buf, len, meta, VRRP_PKT_ANY_TTL, &again) == VRRP_OK);
	same_fields(pkt, &again);
}

static void
ah_round_trip(const struct vrrp_pkt *pkt, const struct vrrp_rx_meta *meta, const struct vrrp_ah_rx *ah, bool unicast)
{
	static uint8_t msg[VRRP_PKT_MAX], dgram[VRRP_AH_PKT_MAX];
	struct vrrp_ah_tx tx = { .ip_id = 1, .ttl = (uint8_t)meta->ttl, .unicast = unicast, .seq = ah->seq };
	struct vrrp_rx_meta meta2;
	struct vrrp_pkt again;
	struct vrrp_ah_rx ah2;
	size_t mlen, len;

	memcpy(tx.src, meta->src, 4);
	memcpy(tx.dst, meta->dst, 4);
	memcpy(tx.key, key, sizeof(key));
	mlen = reencode(pkt, meta, msg, sizeof(msg));
	len = vrrp_ah_encode(&tx, msg, mlen, dgram, sizeof(dgram));
	FUZZ_ASSERT(len > 0);
	FUZZ_ASSERT(vrrp_ah_decode_ip4(dgram, len, VRRP_PKT_ANY_TTL, &meta2, &again, &ah2) == VRRP_OK);
	FUZZ_ASSERT(vrrp_ah_verify(dgram, len, &ah2, unicast, key) == VRRP_OK);
	FUZZ_ASSERT(ah2.seq == ah->seq);
	same_fields(pkt, &again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in), flags = fuzz_u8(&in);
	unsigned f = (flags & 1 ? VRRP_CSUM_V3_AS_V2 : 0) | (flags & 2 ? VRRP_PKT_ANY_TTL : 0);
	struct vrrp_rx_meta meta;
	struct vrrp_pkt pkt;
	struct vrrp_ah_rx ah;
	uint8_t *copy;
	size_t n;
	const uint8_t *p;

	switch (mode % 3) {
	case 0:
		p = fuzz_bytes(&in, in.left, &n);
		/* a heap copy of exactly the datagram, so that ASan sees any read past it */
		if ((copy = malloc(n ? n : 1)) == NULL)
			return 0;
		memcpy(copy, p, n);
		if (vrrp_pkt_decode_ip4(copy, n, f, &meta, &pkt) == VRRP_OK)
			round_trip(&pkt, &meta);
		free(copy);
		break;
	case 1:
		memset(&meta, 0, sizeof(meta));
		meta.family = AF_INET6;
		p = fuzz_bytes(&in, 16, &n);
		memcpy(meta.src, p, n);
		p = fuzz_bytes(&in, 16, &n);
		memcpy(meta.dst, p, n);
		meta.ttl = fuzz_u8(&in);
		p = fuzz_bytes(&in, in.left, &n);
		if ((copy = malloc(n ? n : 1)) == NULL)
			return 0;
		memcpy(copy, p, n);
		if (vrrp_pkt_decode(copy, n, &meta, f, &pkt) == VRRP_OK)
			round_trip(&pkt, &meta);
		free(copy);
		break;
	default:
		p = fuzz_bytes(&in, in.left, &n);
		if ((copy = malloc(n ? n : 1)) == NULL)
			return 0;
		memcpy(copy, p, n);
		if (vrrp_ah_decode_ip4(copy, n, f, &meta, &pkt, &ah) == VRRP_OK) {
			enum vrrp_drop v = vrrp_ah_verify(copy, n, &ah, flags & 4, key);

			FUZZ_ASSERT(v == VRRP_OK || v == VRRP_DROP_AH_ICV || v == VRRP_DROP_AH_SPI);
			round_trip(&pkt, &meta);
			ah_round_trip(&pkt, &meta, &ah, flags & 4);
		}
		free(copy);
		break;
	}
	return 0;
}
