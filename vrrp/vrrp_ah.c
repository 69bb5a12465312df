/* VRRPv2 with IPsec AH as keepalived sends it: pure functions, see vrrp_ah.h. */
#include "vrrp/vrrp_ah.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/bytes.h"

int
vrrp_ah_icv(const uint8_t *buf, size_t len, size_t ihl, bool unicast, const uint8_t key[VRRP_AH_KEY_LEN],
	    uint8_t icv[VRRP_AH_ICV_LEN])
{
	uint8_t tmp[VRRP_AH_PKT_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (ihl < VRRP_IP4_HDR_LEN || len < ihl + VRRP_AH_LEN || len > sizeof(tmp))
		return -1;
	memcpy(tmp, buf, len);
	/* the fields routers may change on the way (RFC 2402 3.3.3.1.1.1) count as zero: TOS, fragment
	 * flags and offset, header checksum; keepalived counts the TTL only for multicast, where it must
	 * arrive as 255 */
	tmp[1] = 0;
	tmp[6] = tmp[7] = 0;
	tmp[10] = tmp[11] = 0;
	if (unicast)
		tmp[8] = 0;
	memset(tmp + ihl + 12, 0, VRRP_AH_ICV_LEN);
	if (HMAC(EVP_md5(), key, VRRP_AH_KEY_LEN, tmp, len, md, &mdlen) == NULL || mdlen < VRRP_AH_ICV_LEN)
		return -1;
	memcpy(icv, md, VRRP_AH_ICV_LEN);
	return 0;
}

size_t
vrrp_ah_encode(const struct vrrp_ah_tx *tx, const uint8_t *msg, size_t len, uint8_t *buf, size_t size)
{
	size_t total = VRRP_IP4_HDR_LEN + VRRP_AH_LEN + len;
	uint8_t *ah = buf + VRRP_IP4_HDR_LEN;
	uint16_t sum;

	if (total > size || total > VRRP_AH_PKT_MAX)
		return 0;
	memset(buf, 0, VRRP_IP4_HDR_LEN + VRRP_AH_LEN);
	buf[0] = 0x45;			/* version 4, 5 words */
	buf[1] = 0xc0;			/* internetwork control, as keepalived; outside the ICV */
	put16(buf + 2, (uint32_t)total);
	put16(buf + 4, tx->ip_id);
	buf[8] = tx->ttl;
	buf[9] = VRRP_AH_PROTO;
	memcpy(buf + 12, tx->src, 4);
	memcpy(buf + 16, tx->dst, 4);
	ah[0] = VRRP_PROTO;
	ah[1] = VRRP_AH_PLEN;
	/* with no SA negotiated, the SPI is the sender's address: unique among the senders to a group */
	memcpy(ah + 4, tx->src, 4);
	put32(ah + 8, tx->seq);
	memcpy(buf + VRRP_IP4_HDR_LEN + VRRP_AH_LEN, msg, len);
	if (vrrp_ah_icv(buf, total, VRRP_IP4_HDR_LEN, tx->unicast, tx->key, ah + 12) == -1)
		return 0;
	/* the kernel fills the header checksum in for IP_HDRINCL anyway; here it makes a whole datagram */
	sum = vrrp_csum(buf, VRRP_IP4_HDR_LEN, 0);
	put16(buf + 10, sum);
	return total;
}

enum vrrp_drop
vrrp_ah_decode_ip4(const uint8_t *buf, size_t len, unsigned flags, struct vrrp_rx_meta *meta, struct vrrp_pkt *out,
		   struct vrrp_ah_rx *ah)
{
	const uint8_t *h, *msg;
	size_t hl, mlen, need;

	memset(meta, 0, sizeof(*meta));
	memset(out, 0, sizeof(*out));
	memset(ah, 0, sizeof(*ah));
	meta->family = AF_INET;
	out->family = AF_INET;
	if (len < VRRP_IP4_HDR_LEN || (buf[0] >> 4) != 4)
		return VRRP_DROP_LENGTH;
	hl = (size_t)(buf[0] & 0x0f) * 4;
	/* keepalived drops a datagram whose IP length is not what arrived */
	if (hl < VRRP_IP4_HDR_LEN || (size_t)(buf[2] << 8 | buf[3]) != len || len < hl + VRRP_AH_LEN)
		return VRRP_DROP_LENGTH;
	meta->ttl = buf[8];
	memcpy(meta->src, buf + 12, 4);
	memcpy(meta->dst, buf + 16, 4);
	h = buf + hl;
	ah->ihl = hl;
	ah->next_header = h[0];
	memcpy(ah->spi, h + 4, 4);
	ah->seq = get32(h + 8);
	msg = h + VRRP_AH_LEN;
	mlen = len - hl - VRRP_AH_LEN;
	if (mlen >= 2)
		out->vrid = msg[1];
	if (ah->next_header != VRRP_PROTO)
		return VRRP_DROP_AH_HDR;
	if (mlen < VRRP_HDR_LEN)
		return VRRP_DROP_LENGTH;
	/* exactly the advert its address count says: the ICV covers every byte, trailing ones too */
	need = VRRP_HDR_LEN + (size_t)msg[3] * 4 + ((msg[0] >> 4) == 2 ? VRRP_AUTH_LEN : 0);
	if (mlen != need)
		return VRRP_DROP_LENGTH;
	return vrrp_pkt_decode(msg, mlen, meta, flags, out);
}

enum vrrp_drop
vrrp_ah_verify(const uint8_t *buf, size_t len, const struct vrrp_ah_rx *ah, bool unicast,
	       const uint8_t key[VRRP_AH_KEY_LEN])
{
	uint8_t icv[VRRP_AH_ICV_LEN];

	/* nothing in a datagram is to be believed before its ICV */
	if (vrrp_ah_icv(buf, len, ah->ihl, unicast, key, icv) == -1 ||
	    CRYPTO_memcmp(icv, buf + ah->ihl + 12, VRRP_AH_ICV_LEN) != 0)
		return VRRP_DROP_AH_ICV;
	if (memcmp(ah->spi, buf + 12, 4) != 0)
		return VRRP_DROP_AH_SPI;
	return VRRP_OK;
}

uint32_t
vrrp_ah_seq_next(struct vrrp_ah_seq *s)
{
	/* 2^32 - 2 adverts of at least a second each: over 136 years; keepalived then stops counting */
	if (s->n > 0xfffffffdU)
		s->cycled = true;
	else
		s->n++;
	return s->n;
}

bool
vrrp_ah_seq_accept(struct vrrp_ah_seq *s, uint32_t seq, bool backup)
{
	if (seq <= s->n)
		return false;
	s->n = seq;
	if (backup)
		s->cycled = false;
	return true;
}

void
vrrp_ah_seq_master(struct vrrp_ah_seq *s)
{
	if (s->cycled) {
		s->cycled = false;
		s->n = 0;
	}
}
