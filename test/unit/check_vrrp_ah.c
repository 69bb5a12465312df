/*
 * Unit tests of vrrp/vrrp_ah.c. Vectors: two datagrams keepalived 2.2.7 sent (auth_type AH, auth_pass
 * "secret", VRID 51, priority 200, 192.0.2.10, from 192.0.2.1), captured on a raw socket; and a unicast
 * one built by a Python generator that zeroes the mutable IP fields and takes the ICV from
 * `openssl dgst -md5 -mac HMAC -macopt key:12345678`. The generator also reproduces the captured bytes.
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_ah.h"

/* keepalived's first advert as master: IP id 1, sequence number 1 */
static const uint8_t ka1[] = {
	0x45, 0xc0, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0x18, 0xb6, 0xc0, 0x00, 0x02, 0x01,
	0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x66, 0xc0, 0x2b, 0x01, 0x8d, 0x9d, 0xad, 0xd7, 0x66, 0xc9, 0x28, 0x03, 0x21, 0x33, 0xc8, 0x01,
	0x02, 0x01, 0x52, 0xbf, 0xc0, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* its second: IP id 2, sequence number 2 */
static const uint8_t ka2[] = {
	0x45, 0xc0, 0x00, 0x40, 0x00, 0x02, 0x00, 0x00, 0xff, 0x33, 0x18, 0xb5, 0xc0, 0x00, 0x02, 0x01,
	0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x02,
	0xf0, 0x4f, 0xe5, 0x1b, 0xfe, 0x7c, 0x58, 0x00, 0x04, 0xfa, 0x16, 0x73, 0x21, 0x33, 0xc8, 0x01,
	0x02, 0x01, 0x52, 0xbf, 0xc0, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* unicast 192.0.2.2 -> 192.0.2.1, TTL 64, IP id 0x1234, sequence 0x01020304, key "12345678", VRID 7,
 * priority 200, 192.0.2.20 and .21 */
static const uint8_t uni[] = {
	0x45, 0xc0, 0x00, 0x44, 0x12, 0x34, 0x00, 0x00, 0x40, 0x33, 0xe3, 0x8f, 0xc0, 0x00, 0x02, 0x02,
	0xc0, 0x00, 0x02, 0x01, 0x70, 0x04, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02, 0x01, 0x02, 0x03, 0x04,
	0x28, 0x0e, 0x33, 0x61, 0xc8, 0x30, 0xa6, 0x37, 0x0c, 0x3b, 0xbe, 0x48, 0x21, 0x07, 0xc8, 0x02,
	0x02, 0x01, 0x90, 0xca, 0xc0, 0x00, 0x02, 0x14, 0xc0, 0x00, 0x02, 0x15, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t secret[VRRP_AH_KEY_LEN] = { 's', 'e', 'c', 'r', 'e', 't', 0, 0 };
static const uint8_t key8[VRRP_AH_KEY_LEN] = { '1', '2', '3', '4', '5', '6', '7', '8' };

static void
a4(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
}

/* the VRRP message of ka1: what vipd's own encoder makes for the same advert */
static size_t
ka_msg(uint8_t *buf, size_t size)
{
	uint8_t vip[4], src[4], dst[4];
	struct vrrp_adv adv = { .version = 2, .family = AF_INET, .vrid = 51, .priority = 200, .interval_cs = 100,
				.auth_type = 2 /* AH */, .addrs = vip, .naddr = 1 };

	a4(vip, "192.0.2.10");
	a4(src, "192.0.2.1");
	a4(dst, "224.0.0.18");
	return vrrp_pkt_encode(&adv, src, dst, 0, buf, size);
}

START_TEST(test_encode_as_keepalived)
{
	struct vrrp_ah_tx tx = { .ip_id = 1, .ttl = 255, .unicast = false, .seq = 1 };
	uint8_t msg[64], buf[VRRP_AH_PKT_MAX];
	size_t n = ka_msg(msg, sizeof(msg)), len;

	ck_assert_uint_eq(n, 20);
	a4(tx.src, "192.0.2.1");
	a4(tx.dst, "224.0.0.18");
	memcpy(tx.key, secret, sizeof(tx.key));
	len = vrrp_ah_encode(&tx, msg, n, buf, sizeof(buf));
	ck_assert_uint_eq(len, sizeof(ka1));
	ck_assert_mem_eq(buf, ka1, sizeof(ka1));
	tx.ip_id = 2;
	tx.seq = 2;
	len = vrrp_ah_encode(&tx, msg, n, buf, sizeof(buf));
	ck_assert_mem_eq(buf, ka2, sizeof(ka2));
	/* too small a buffer */
	ck_assert_uint_eq(vrrp_ah_encode(&tx, msg, n, buf, sizeof(ka1) - 1), 0);
}
END_TEST

START_TEST(test_encode_unicast)
{
	struct vrrp_ah_tx tx = { .ip_id = 0x1234, .ttl = 64, .unicast = true, .seq = 0x01020304 };
	uint8_t vips[8], src[4], dst[4], msg[64], buf[VRRP_AH_PKT_MAX];
	struct vrrp_adv adv = { .version = 2, .family = AF_INET, .vrid = 7, .priority = 200, .interval_cs = 100,
				.auth_type = 2 /* AH */, .addrs = vips, .naddr = 2 };
	size_t n, len;

	a4(vips, "192.0.2.20");
	a4(vips + 4, "192.0.2.21");
	a4(src, "192.0.2.2");
	a4(dst, "192.0.2.1");
	n = vrrp_pkt_encode(&adv, src, dst, 0, msg, sizeof(msg));
	memcpy(tx.src, src, 4);
	memcpy(tx.dst, dst, 4);
	memcpy(tx.key, key8, sizeof(tx.key));
	len = vrrp_ah_encode(&tx, msg, n, buf, sizeof(buf));
	ck_assert_uint_eq(len, sizeof(uni));
	ck_assert_mem_eq(buf, uni, sizeof(uni));
}
END_TEST

START_TEST(test_decode_keepalived)
{
	struct vrrp_rx_meta m;
	struct vrrp_pkt p;
	struct vrrp_ah_rx ah;
	uint8_t want[4];

	ck_assert_int_eq(vrrp_ah_decode_ip4(ka1, sizeof(ka1), 0, &m, &p, &ah), VRRP_OK);
	ck_assert_uint_eq(ah.ihl, 20);
	ck_assert_uint_eq(ah.next_header, 112);
	ck_assert_uint_eq(ah.seq, 1);
	a4(want, "192.0.2.1");
	ck_assert_mem_eq(ah.spi, want, 4);
	ck_assert_mem_eq(m.src, want, 4);
	ck_assert_int_eq(m.ttl, 255);
	ck_assert_uint_eq(p.version, 2);
	ck_assert_uint_eq(p.vrid, 51);
	ck_assert_uint_eq(p.priority, 200);
	ck_assert_uint_eq(p.auth_type, 2);
	ck_assert_uint_eq(p.naddr, 1);
	ck_assert_int_eq(vrrp_ah_verify(ka1, sizeof(ka1), &ah, false, secret), VRRP_OK);
	ck_assert_int_eq(vrrp_ah_decode_ip4(ka2, sizeof(ka2), 0, &m, &p, &ah), VRRP_OK);
	ck_assert_uint_eq(ah.seq, 2);
	ck_assert_int_eq(vrrp_ah_verify(ka2, sizeof(ka2), &ah, false, secret), VRRP_OK);
	/* another auth_pass, or counting the TTL as a unicast receiver would: not the sender's ICV */
	ck_assert_int_eq(vrrp_ah_verify(ka1, sizeof(ka1), &ah, false, key8), VRRP_DROP_AH_ICV);
	ck_assert_int_eq(vrrp_ah_decode_ip4(ka1, sizeof(ka1), 0, &m, &p, &ah), VRRP_OK);
	ck_assert_int_eq(vrrp_ah_verify(ka1, sizeof(ka1), &ah, true, secret), VRRP_DROP_AH_ICV);
	/* unicast: the TTL is outside the ICV, so a router's decrement does not matter */
	ck_assert_int_eq(vrrp_ah_decode_ip4(uni, sizeof(uni), VRRP_PKT_ANY_TTL, &m, &p, &ah), VRRP_OK);
	ck_assert_int_eq(vrrp_ah_verify(uni, sizeof(uni), &ah, true, key8), VRRP_OK);
	ck_assert_int_eq(vrrp_ah_decode_ip4(uni, sizeof(uni), 0, &m, &p, &ah), VRRP_DROP_TTL);
}
END_TEST

/* What routers may change (TOS, fragment field, header checksum) leaves the ICV valid; the rest not. */
START_TEST(test_mutable_fields)
{
	uint8_t b[sizeof(ka1)];
	struct vrrp_rx_meta m;
	struct vrrp_pkt p;
	struct vrrp_ah_rx ah;

	memcpy(b, ka1, sizeof(b));
	b[1] = 0;
	b[6] = 0x40;	/* DF */
	b[10] ^= 0xff;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(b), 0, &m, &p, &ah), VRRP_OK);
	ck_assert_int_eq(vrrp_ah_verify(b, sizeof(b), &ah, false, secret), VRRP_OK);
	/* every other byte is covered: the id, the addresses, the AH fields, the advert */
	for (size_t i = 0; i < sizeof(ka1); i++) {
		if (i == 1 || i == 6 || i == 7 || i == 10 || i == 11 || i == 2 || i == 3 || i == 0 || i == 9)
			continue;	/* mutable, or decoding refuses the change first */
		memcpy(b, ka1, sizeof(b));
		b[i] ^= 0x01;
		if (vrrp_ah_decode_ip4(b, sizeof(b), VRRP_PKT_ANY_TTL, &m, &p, &ah) != VRRP_OK)
			continue;	/* a checksum or field the decoder checks itself */
		ck_assert_msg(vrrp_ah_verify(b, sizeof(b), &ah, false, secret) != VRRP_OK, "byte %zu not covered", i);
	}
}
END_TEST

START_TEST(test_spi)
{
	uint8_t msg[64], buf[VRRP_AH_PKT_MAX];
	struct vrrp_ah_tx tx = { .ip_id = 9, .ttl = 255, .seq = 5 };
	struct vrrp_rx_meta m;
	struct vrrp_pkt p;
	struct vrrp_ah_rx ah;
	size_t n = ka_msg(msg, sizeof(msg)), len;

	a4(tx.src, "192.0.2.1");
	a4(tx.dst, "224.0.0.18");
	memcpy(tx.key, secret, sizeof(tx.key));
	len = vrrp_ah_encode(&tx, msg, n, buf, sizeof(buf));
	ck_assert_uint_gt(len, 0);
	/* a sender whose SPI is not its address, with a valid ICV over that */
	buf[VRRP_IP4_HDR_LEN + 7] = 99;
	memset(buf + VRRP_IP4_HDR_LEN + 12, 0, VRRP_AH_ICV_LEN);
	ck_assert_int_eq(vrrp_ah_icv(buf, len, VRRP_IP4_HDR_LEN, false, secret, buf + VRRP_IP4_HDR_LEN + 12), 0);
	ck_assert_int_eq(vrrp_ah_decode_ip4(buf, len, 0, &m, &p, &ah), VRRP_OK);
	ck_assert_int_eq(vrrp_ah_verify(buf, len, &ah, false, secret), VRRP_DROP_AH_SPI);
}
END_TEST

START_TEST(test_malformed)
{
	uint8_t b[sizeof(ka1) + 8];
	struct vrrp_rx_meta m;
	struct vrrp_pkt p;
	struct vrrp_ah_rx ah;

	/* shorter than an IP header, not IPv4, header length too small */
	ck_assert_int_eq(vrrp_ah_decode_ip4(ka1, 19, 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	memcpy(b, ka1, sizeof(ka1));
	b[0] = 0x65;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1), 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	b[0] = 0x44;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1), 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	/* the IP length is not what arrived: cut short, or bytes after it */
	ck_assert_int_eq(vrrp_ah_decode_ip4(ka1, sizeof(ka1) - 1, 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	memcpy(b, ka1, sizeof(ka1));
	memset(b + sizeof(ka1), 0, 8);
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1) + 8, 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	/* IP length agrees, but the advert is longer than its address count says (keepalived: length) */
	b[3] = (uint8_t)(sizeof(ka1) + 4);
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1) + 4, 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	ck_assert_uint_eq(p.vrid, 51);		/* still told, to count it on the instance */
	/* no room for the AH header, or for a VRRP header after it */
	b[3] = 40;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, 40, 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	b[3] = 48;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, 48, 0, &m, &p, &ah), VRRP_DROP_LENGTH);
	/* AH around something else than VRRP */
	memcpy(b, ka1, sizeof(ka1));
	b[VRRP_IP4_HDR_LEN] = 6;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1), 0, &m, &p, &ah), VRRP_DROP_AH_HDR);
	/* the inner advert's own checks still apply: a TTL below 255 to a multicast instance */
	memcpy(b, ka1, sizeof(ka1));
	b[8] = 254;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1), 0, &m, &p, &ah), VRRP_DROP_TTL);
	/* and its checksum */
	memcpy(b, ka1, sizeof(ka1));
	b[VRRP_IP4_HDR_LEN + VRRP_AH_LEN + 6] ^= 1;
	ck_assert_int_eq(vrrp_ah_decode_ip4(b, sizeof(ka1), 0, &m, &p, &ah), VRRP_DROP_CHECKSUM);
	/* ICV computation refuses what it cannot hold */
	ck_assert_int_eq(vrrp_ah_icv(ka1, 30, 20, false, secret, b), -1);
	ck_assert_int_eq(vrrp_ah_icv(ka1, sizeof(ka1), 16, false, secret, b), -1);
}
END_TEST

/* Random bytes, and random cuts and flips of a valid datagram: no crash, and no ICV accepted. */
START_TEST(test_fuzz)
{
	uint8_t b[VRRP_AH_PKT_MAX];
	struct vrrp_rx_meta m;
	struct vrrp_pkt p;
	struct vrrp_ah_rx ah;

	srandom(7);
	for (int k = 0; k < 20000; k++) {
		size_t len = (size_t)random() % sizeof(b);

		if (k % 2) {
			for (size_t i = 0; i < len; i++)
				b[i] = (uint8_t)random();
			if (len >= 20) {
				b[0] = 0x45;
				b[2] = (uint8_t)(len >> 8);
				b[3] = (uint8_t)len;
			}
		} else {
			memcpy(b, ka1, sizeof(ka1));
			len = sizeof(ka1);
			b[(size_t)random() % len] ^= (uint8_t)(1 + random() % 255);
		}
		if (vrrp_ah_decode_ip4(b, len, VRRP_PKT_ANY_TTL, &m, &p, &ah) == VRRP_OK &&
		    memcmp(b, ka1, sizeof(ka1)) != 0 && k % 2 == 1)
			ck_assert_int_ne(vrrp_ah_verify(b, len, &ah, false, secret), VRRP_OK);
	}
}
END_TEST

START_TEST(test_seq)
{
	struct vrrp_ah_seq s = { 0 };

	/* a master counts from 1 */
	ck_assert_uint_eq(vrrp_ah_seq_next(&s), 1);
	ck_assert_uint_eq(vrrp_ah_seq_next(&s), 2);
	/* only numbers above the counter are accepted; an accepted one moves it */
	ck_assert(!vrrp_ah_seq_accept(&s, 2, true));
	ck_assert(!vrrp_ah_seq_accept(&s, 1, true));
	ck_assert(vrrp_ah_seq_accept(&s, 100, true));
	ck_assert(!vrrp_ah_seq_accept(&s, 100, true));
	/* a backup that becomes master carries on above what it heard */
	vrrp_ah_seq_master(&s);
	ck_assert_uint_eq(vrrp_ah_seq_next(&s), 101);
	/* at the end the counter stops; becoming master again starts it from 0 */
	s.n = 0xfffffffdU;
	ck_assert_uint_eq(vrrp_ah_seq_next(&s), 0xfffffffeU);
	ck_assert(!s.cycled);
	ck_assert_uint_eq(vrrp_ah_seq_next(&s), 0xfffffffeU);
	ck_assert(s.cycled);
	vrrp_ah_seq_master(&s);
	ck_assert(!s.cycled);
	ck_assert_uint_eq(vrrp_ah_seq_next(&s), 1);
	/* a backup hearing a newer master clears the stop */
	s.n = 0xfffffffeU;
	s.cycled = true;
	ck_assert(vrrp_ah_seq_accept(&s, 0xffffffffU, true));
	ck_assert(!s.cycled);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vrrp_ah");
	TCase *tc = tcase_create("ah");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_encode_as_keepalived);
	tcase_add_test(tc, test_encode_unicast);
	tcase_add_test(tc, test_decode_keepalived);
	tcase_add_test(tc, test_mutable_fields);
	tcase_add_test(tc, test_spi);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_fuzz);
	tcase_add_test(tc, test_seq);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
