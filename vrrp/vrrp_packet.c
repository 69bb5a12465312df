/* VRRP codec: pure functions, see vrrp_packet.h. */
#include "vrrp/vrrp_packet.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

static const char *const drop_names[VRRP_DROP_MAX] = {
	[VRRP_OK] = "ok",
	[VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION] = "version",
	[VRRP_DROP_TYPE] = "type",
	[VRRP_DROP_LENGTH] = "length",
	[VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_VRID] = "vrid",
	[VRRP_DROP_COUNT0] = "count0",
	[VRRP_DROP_AUTH_TYPE] = "auth_type",
	[VRRP_DROP_AUTH_DATA] = "auth_data",
	[VRRP_DROP_INTERVAL] = "interval",
	[VRRP_DROP_ADDR_LIST] = "addr_list",
	[VRRP_DROP_PEER] = "peer",
	[VRRP_DROP_FAMILY] = "family",
	[VRRP_DROP_DEST] = "destination",
	[VRRP_DROP_AH_HDR] = "ah_header",
	[VRRP_DROP_AH_ICV] = "ah_icv",
	[VRRP_DROP_AH_SPI] = "ah_spi",
	[VRRP_DROP_AH_SEQ] = "ah_seq",
};

const char *
vrrp_drop_name(enum vrrp_drop d)
{
	return (unsigned)d < VRRP_DROP_MAX ? drop_names[d] : "?";
}

static uint32_t
csum_add(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
vrrp_csum(const void *buf, size_t len, uint32_t sum)
{
	return csum_fold(csum_add(buf, len, sum));
}

static size_t
addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

uint16_t
vrrp_pkt_checksum(const uint8_t *msg, size_t len, int version, int family, const uint8_t *src,
		  const uint8_t *dst, unsigned flags)
{
	uint32_t sum = 0;
	uint8_t zero[2] = { 0, 0 };

	if (version == 3 && (family == AF_INET6 || !(flags & VRRP_CSUM_V3_AS_V2))) {
		size_t al = addr_len(family);
		uint8_t tail[8];

		sum = csum_add(src, al, sum);
		sum = csum_add(dst, al, sum);
		if (family == AF_INET6) {
			/* upper-layer length (32 bits), 3 zero bytes, next header */
			tail[0] = (uint8_t)(len >> 24);
			tail[1] = (uint8_t)(len >> 16);
			tail[2] = (uint8_t)(len >> 8);
			tail[3] = (uint8_t)len;
			tail[4] = tail[5] = tail[6] = 0;
			tail[7] = VRRP_PROTO;
			sum = csum_add(tail, 8, sum);
		} else {
			tail[0] = 0;
			tail[1] = VRRP_PROTO;
			tail[2] = (uint8_t)(len >> 8);
			tail[3] = (uint8_t)len;
			sum = csum_add(tail, 4, sum);
		}
	}
	/* the message with its checksum field (bytes 6-7) counted as zero */
	sum = csum_add(msg, 6, sum);
	sum = csum_add(zero, 2, sum);
	if (len > 8)
		sum = csum_add(msg + 8, len - 8, sum);
	return csum_fold(sum);
}

enum vrrp_drop
vrrp_pkt_decode(const uint8_t *buf, size_t len, const struct vrrp_rx_meta *meta, unsigned flags,
		struct vrrp_pkt *out)
{
	size_t need, al = addr_len(meta->family);
	uint16_t want;

	memset(out, 0, sizeof(*out));
	out->family = meta->family;
	if (len >= 2)
		out->vrid = buf[1];
	if (meta->ttl != VRRP_TTL && !(flags & VRRP_PKT_ANY_TTL))
		return VRRP_DROP_TTL;
	if (len < VRRP_HDR_LEN)
		return VRRP_DROP_LENGTH;
	out->version = buf[0] >> 4;
	out->type = buf[0] & 0x0f;
	out->priority = buf[2];
	out->naddr = buf[3];
	out->checksum = (uint16_t)(buf[6] << 8 | buf[7]);
	if (out->version != 2 && out->version != 3)
		return VRRP_DROP_VERSION;
	if (out->type != 1)
		return VRRP_DROP_TYPE;
	if (out->version == 2) {
		out->auth_type = buf[4];
		out->interval_cs = (uint16_t)(buf[5] * 100);
	} else {
		out->interval_cs = (uint16_t)((buf[4] & 0x0f) << 8 | buf[5]);
	}
	need = VRRP_HDR_LEN + out->naddr * al + (out->version == 2 ? VRRP_AUTH_LEN : 0);
	/* v2 over IPv6 (keepalived allows it) carries no auth data */
	if (out->version == 2 && meta->family == AF_INET6)
		need -= VRRP_AUTH_LEN;
	if (len < need)
		return VRRP_DROP_LENGTH;
	want = vrrp_pkt_checksum(buf, len, out->version, meta->family, meta->src, meta->dst, 0);
	if (want != out->checksum) {
		/* peers that leave the pseudo-header out of IPv4 v3 checksums, when allowed */
		if (!(flags & VRRP_CSUM_V3_AS_V2) || out->version != 3 || meta->family != AF_INET ||
		    vrrp_pkt_checksum(buf, len, 3, AF_INET, meta->src, meta->dst, VRRP_CSUM_V3_AS_V2) !=
		    out->checksum)
			return VRRP_DROP_CHECKSUM;
	}
	if (out->naddr == 0)
		return VRRP_DROP_COUNT0;
	out->addrs = buf + VRRP_HDR_LEN;
	if (out->version == 2 && meta->family == AF_INET)
		out->auth = buf + VRRP_HDR_LEN + out->naddr * al;
	return VRRP_OK;
}

enum vrrp_drop
vrrp_pkt_decode_ip4(const uint8_t *buf, size_t len, unsigned flags, struct vrrp_rx_meta *meta,
		    struct vrrp_pkt *out)
{
	size_t hl, total;

	memset(meta, 0, sizeof(*meta));
	memset(out, 0, sizeof(*out));
	meta->family = AF_INET;
	out->family = AF_INET;
	if (len < 20 || (buf[0] >> 4) != 4)
		return VRRP_DROP_LENGTH;
	hl = (size_t)(buf[0] & 0x0f) * 4;
	total = (size_t)(buf[2] << 8 | buf[3]);
	/* the kernel hands raw sockets the datagram; its IP length must match what arrived */
	if (hl < 20 || hl > len || total > len || total < hl)
		return VRRP_DROP_LENGTH;
	meta->ttl = buf[8];
	memcpy(meta->src, buf + 12, 4);
	memcpy(meta->dst, buf + 16, 4);
	return vrrp_pkt_decode(buf + hl, total - hl, meta, flags, out);
}

enum vrrp_drop
vrrp_pkt_check(const struct vrrp_pkt *pkt, const struct vrrp_expect *exp)
{
	size_t al = addr_len(exp->family);

	if (pkt->family != exp->family)
		return VRRP_DROP_FAMILY;
	if (pkt->version != exp->version)
		return VRRP_DROP_VERSION;
	if (pkt->version == 2 && pkt->family == AF_INET) {
		if (pkt->auth_type != exp->auth_type)
			return VRRP_DROP_AUTH_TYPE;
		if (exp->auth_type == 1 && memcmp(pkt->auth, exp->auth, VRRP_AUTH_LEN) != 0)
			return VRRP_DROP_AUTH_DATA;
	}
	if (pkt->version == 2 && pkt->interval_cs != exp->interval_cs)
		return VRRP_DROP_INTERVAL;
	if (pkt->version == 3 && pkt->interval_cs == 0)
		return VRRP_DROP_INTERVAL;
	/* the owner may advertise what it likes (RFC 3768 7.1); others must match our list, in any order */
	if (pkt->priority != 255 && !exp->skip_addrs) {
		if (pkt->naddr != exp->naddr)
			return VRRP_DROP_ADDR_LIST;
		for (size_t i = 0; i < exp->naddr; i++) {
			bool found = false;

			for (size_t j = 0; j < pkt->naddr && !found; j++)
				found = memcmp(exp->addrs + i * al, pkt->addrs + j * al, al) == 0;
			if (!found)
				return VRRP_DROP_ADDR_LIST;
		}
	}
	return VRRP_OK;
}

size_t
vrrp_pkt_encode(const struct vrrp_adv *adv, const uint8_t *src, const uint8_t *dst, unsigned flags,
		uint8_t *buf, size_t size)
{
	size_t al = addr_len(adv->family);
	bool v2auth = adv->version == 2 && adv->family == AF_INET;
	size_t len = VRRP_HDR_LEN + adv->naddr * al + (v2auth ? VRRP_AUTH_LEN : 0);
	uint16_t sum;

	if (len > size)
		return 0;
	memset(buf, 0, len);
	buf[0] = (uint8_t)(adv->version << 4 | 1);
	buf[1] = adv->vrid;
	buf[2] = adv->priority;
	buf[3] = adv->naddr;
	if (adv->version == 2) {
		unsigned s = (adv->interval_cs + 50) / 100;

		buf[4] = adv->auth_type;
		/* v2 cannot say less than a second; 0 would make every receiver drop it */
		buf[5] = (uint8_t)(s == 0 ? 1 : s > 255 ? 255 : s);
	} else {
		unsigned cs = adv->interval_cs > VRRP_V3_MAX_INT_CS ? VRRP_V3_MAX_INT_CS : adv->interval_cs;

		buf[4] = (uint8_t)((cs >> 8) & 0x0f);
		buf[5] = (uint8_t)cs;
	}
	memcpy(buf + VRRP_HDR_LEN, adv->addrs, adv->naddr * al);
	if (v2auth && adv->auth_type == 1)
		memcpy(buf + VRRP_HDR_LEN + adv->naddr * al, adv->auth, VRRP_AUTH_LEN);
	sum = vrrp_pkt_checksum(buf, len, adv->version, adv->family, src, dst, flags);
	buf[6] = (uint8_t)(sum >> 8);
	buf[7] = (uint8_t)sum;
	return len;
}
