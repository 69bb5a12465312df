/* Unit tests of vrrp/vrrp_packet.c: encoding, checksums against vectors computed independently (a Python
 * one-liner summing 16-bit words), and every malformed case of decoding and checking. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_packet.h"

static void
a4(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
}

static void
a6(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

static struct vrrp_rx_meta
meta4(const char *src, const char *dst, int ttl)
{
	struct vrrp_rx_meta m = { .family = AF_INET, .ttl = ttl };

	a4(m.src, src);
	a4(m.dst, dst);
	return m;
}

static struct vrrp_rx_meta
meta6(const char *src, const char *dst, int ttl)
{
	struct vrrp_rx_meta m = { .family = AF_INET6, .ttl = ttl };

	a6(m.src, src);
	a6(m.dst, dst);
	return m;
}

/* vrid 51, priority 100, 192.0.2.10, PASS "secret", 1 s */
static size_t
build_v2(uint8_t *buf, size_t size, const struct vrrp_rx_meta *m, uint8_t *vip)
{
	struct vrrp_adv adv = { .version = 2, .family = AF_INET, .vrid = 51, .priority = 100, .interval_cs = 100,
				.auth_type = 1, .addrs = vip, .naddr = 1 };

	a4(vip, "192.0.2.10");
	memcpy(adv.auth, "secret\0\0", 8);
	return vrrp_pkt_encode(&adv, m->src, m->dst, 0, buf, size);
}

START_TEST(test_v2_vector)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255);
	uint8_t buf[64], vip[4];
	size_t n = build_v2(buf, sizeof(buf), &m, vip);
	const uint8_t want[] = { 0x21, 51, 100, 1, 1, 1, 0x7b, 0x73, 192, 0, 2, 10, 's', 'e', 'c', 'r', 'e', 't', 0, 0 };
	struct vrrp_pkt p;

	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_uint_eq(p.version, 2);
	ck_assert_uint_eq(p.vrid, 51);
	ck_assert_uint_eq(p.priority, 100);
	ck_assert_uint_eq(p.naddr, 1);
	ck_assert_uint_eq(p.auth_type, 1);
	ck_assert_uint_eq(p.interval_cs, 100);
	ck_assert_mem_eq(p.addrs, vip, 4);
	ck_assert_mem_eq(p.auth, "secret\0\0", 8);
}
END_TEST

START_TEST(test_v3_ipv4_vector)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255);
	uint8_t buf[64], vip[4];
	struct vrrp_adv adv = { .version = 3, .family = AF_INET, .vrid = 51, .priority = 100, .interval_cs = 100,
				.addrs = vip, .naddr = 1 };
	struct vrrp_pkt p;
	size_t n;

	a4(vip, "192.0.2.10");
	n = vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 0x05cc);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_uint_eq(p.interval_cs, 100);
	ck_assert_ptr_null(p.auth);
	/* the same without the pseudo-header: only accepted when asked for */
	n = vrrp_pkt_encode(&adv, m.src, m.dst, VRRP_CSUM_V3_AS_V2, buf, sizeof(buf));
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 0xa85c);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_CHECKSUM);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, VRRP_CSUM_V3_AS_V2, &p), VRRP_OK);
	/* the pseudo-header covers the addresses: another source fails */
	n = vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	m.src[3] = 2;
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_CHECKSUM);
}
END_TEST

START_TEST(test_v3_ipv6_vector)
{
	struct vrrp_rx_meta m = meta6("fe80::1", "ff02::12", 255);
	uint8_t buf[64], vip[16];
	struct vrrp_adv adv = { .version = 3, .family = AF_INET6, .vrid = 7, .priority = 200, .interval_cs = 10,
				.addrs = vip, .naddr = 1 };
	struct vrrp_pkt p;
	size_t n;

	a6(vip, "2001:db8::10");
	n = vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	ck_assert_uint_eq(n, 24);
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 0xdb04);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_uint_eq(p.family, AF_INET6);
	ck_assert_uint_eq(p.interval_cs, 10);
	ck_assert_mem_eq(p.addrs, vip, 16);
	/* as_v2 never applies to IPv6 */
	n = vrrp_pkt_encode(&adv, m.src, m.dst, VRRP_CSUM_V3_AS_V2, buf, sizeof(buf));
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 0xdb04);
}
END_TEST

START_TEST(test_v3_interval_bits)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255);
	uint8_t buf[64], vip[4] = { 192, 0, 2, 10 };
	struct vrrp_adv adv = { .version = 3, .family = AF_INET, .vrid = 1, .priority = 1, .interval_cs = 4095,
				.addrs = vip, .naddr = 1 };
	struct vrrp_pkt p;
	size_t n = vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));

	ck_assert_uint_eq(buf[4], 0x0f);
	ck_assert_uint_eq(buf[5], 0xff);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_uint_eq(p.interval_cs, 4095);
	/* the 4 reserved bits are ignored on receipt */
	buf[4] |= 0xf0;
	buf[6] = buf[7] = 0;
	{
		uint16_t s = vrrp_pkt_checksum(buf, n, 3, AF_INET, m.src, m.dst, 0);

		buf[6] = (uint8_t)(s >> 8);
		buf[7] = (uint8_t)s;
	}
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_uint_eq(p.interval_cs, 4095);
}
END_TEST

START_TEST(test_v2_interval_rounding)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255);
	uint8_t buf[64], vip[4] = { 192, 0, 2, 10 };
	struct vrrp_adv adv = { .version = 2, .family = AF_INET, .vrid = 1, .priority = 1, .interval_cs = 10,
				.addrs = vip, .naddr = 1 };

	vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	ck_assert_uint_eq(buf[5], 1);	/* never 0 (keepalived bug #1615) */
	adv.interval_cs = 300;
	vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	ck_assert_uint_eq(buf[5], 3);
}
END_TEST

/* Recomputes the checksum after the test has damaged a field on purpose. */
static void
fix_sum(uint8_t *buf, size_t n, int version, const struct vrrp_rx_meta *m)
{
	uint16_t s = vrrp_pkt_checksum(buf, n, version, m->family, m->src, m->dst, 0);

	buf[6] = (uint8_t)(s >> 8);
	buf[7] = (uint8_t)s;
}

START_TEST(test_malformed)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255), bad;
	uint8_t buf[64], good[64], vip[4];
	size_t n = build_v2(good, sizeof(good), &m, vip);
	struct vrrp_pkt p;

	/* TTL */
	bad = m;
	bad.ttl = 254;
	ck_assert_int_eq(vrrp_pkt_decode(good, n, &bad, 0, &p), VRRP_DROP_TTL);
	ck_assert_uint_eq(p.vrid, 51);
	bad.ttl = 1;
	ck_assert_int_eq(vrrp_pkt_decode(good, n, &bad, 0, &p), VRRP_DROP_TTL);
	/* a unicast peer whose TTL range the caller checked */
	ck_assert_int_eq(vrrp_pkt_decode(good, n, &bad, VRRP_PKT_ANY_TTL, &p), VRRP_OK);
	/* every truncation */
	for (size_t len = 0; len < n; len++)
		ck_assert_int_eq(vrrp_pkt_decode(good, len, &m, 0, &p), VRRP_DROP_LENGTH);
	/* version */
	for (int v = 0; v < 16; v++) {
		if (v == 2 || v == 3)
			continue;
		memcpy(buf, good, n);
		buf[0] = (uint8_t)(v << 4 | 1);
		fix_sum(buf, n, 2, &m);
		ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_VERSION);
	}
	/* type */
	memcpy(buf, good, n);
	buf[0] = 0x22;
	fix_sum(buf, n, 2, &m);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_TYPE);
	/* checksum: any bit flipped */
	for (size_t i = 0; i < n * 8; i++) {
		memcpy(buf, good, n);
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
		if (i / 8 == 0 || i / 8 == 3)
			continue;	/* version/type/count have their own reasons */
		ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_CHECKSUM);
	}
	/* a count larger than the packet */
	memcpy(buf, good, n);
	buf[3] = 2;
	fix_sum(buf, n, 2, &m);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_LENGTH);
	/* count 0 with a valid checksum */
	memcpy(buf, good, n);
	buf[3] = 0;
	fix_sum(buf, n, 2, &m);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_DROP_COUNT0);
	/* trailing bytes are tolerated when the checksum covers them */
	memcpy(buf, good, n);
	buf[n] = 0;
	buf[n + 1] = 0;
	fix_sum(buf, n + 2, 2, &m);
	ck_assert_int_eq(vrrp_pkt_decode(buf, n + 2, &m, 0, &p), VRRP_OK);
}
END_TEST

static void
build_ip4(uint8_t *pkt, const uint8_t *payload, size_t n, int ttl)
{
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)((20 + n) >> 8);
	pkt[3] = (uint8_t)(20 + n);
	pkt[8] = (uint8_t)ttl;
	pkt[9] = 112;
	pkt[12] = 192, pkt[13] = 0, pkt[14] = 2, pkt[15] = 1;
	pkt[16] = 224, pkt[17] = 0, pkt[18] = 0, pkt[19] = 18;
	memcpy(pkt + 20, payload, n);
}

START_TEST(test_ip4)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255), got;
	uint8_t v[64], pkt[128], vip[4];
	size_t n = build_v2(v, sizeof(v), &m, vip);
	struct vrrp_pkt p;

	build_ip4(pkt, v, n, 255);
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 20 + n, 0, &got, &p), VRRP_OK);
	ck_assert_mem_eq(got.src, m.src, 4);
	ck_assert_mem_eq(got.dst, m.dst, 4);
	ck_assert_int_eq(got.ttl, 255);
	build_ip4(pkt, v, n, 64);
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 20 + n, 0, &got, &p), VRRP_DROP_TTL);
	/* the IP length says more than arrived */
	build_ip4(pkt, v, n, 255);
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 20 + n - 1, 0, &got, &p), VRRP_DROP_LENGTH);
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 19, 0, &got, &p), VRRP_DROP_LENGTH);
	pkt[0] = 0x4f;	/* header longer than the packet */
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 20 + n, 0, &got, &p), VRRP_DROP_LENGTH);
	pkt[0] = 0x44;	/* shorter than the minimum */
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 20 + n, 0, &got, &p), VRRP_DROP_LENGTH);
	pkt[0] = 0x65;
	ck_assert_int_eq(vrrp_pkt_decode_ip4(pkt, 20 + n, 0, &got, &p), VRRP_DROP_LENGTH);
}
END_TEST

START_TEST(test_check)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255);
	uint8_t buf[64], vip[4], mine[8];
	size_t n = build_v2(buf, sizeof(buf), &m, vip);
	struct vrrp_expect e = { .version = 2, .family = AF_INET, .interval_cs = 100, .auth_type = 1,
				 .addrs = mine, .naddr = 1 };
	struct vrrp_pkt p;

	memcpy(e.auth, "secret\0\0", 8);
	a4(mine, "192.0.2.10");
	a4(mine + 4, "192.0.2.11");
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_OK);
	e.auth[0] = 'S';
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_AUTH_DATA);
	e.auth[0] = 's';
	e.auth_type = 0;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_AUTH_TYPE);
	e.auth_type = 1;
	e.interval_cs = 200;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_INTERVAL);
	e.interval_cs = 100;
	e.naddr = 2;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_ADDR_LIST);
	e.naddr = 1;
	e.addrs = mine + 4;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_ADDR_LIST);
	/* skip_check_adv_addr: the caller knows the sender said the same before */
	e.skip_addrs = true;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_OK);
	e.skip_addrs = false;
	/* the owner may advertise another list */
	p.priority = 255;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_OK);
	p.priority = 100;
	e.addrs = mine;
	e.version = 3;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_VERSION);
	e.version = 2;
	e.family = AF_INET6;
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_FAMILY);
}
END_TEST

START_TEST(test_check_v3)
{
	struct vrrp_rx_meta m = meta4("192.0.2.1", "224.0.0.18", 255);
	uint8_t buf[64], vips[8];
	struct vrrp_adv adv = { .version = 3, .family = AF_INET, .vrid = 9, .priority = 50, .interval_cs = 10,
				.addrs = vips, .naddr = 2 };
	struct vrrp_expect e = { .version = 3, .family = AF_INET, .interval_cs = 100, .naddr = 2 };
	uint8_t order[8];
	struct vrrp_pkt p;
	size_t n;

	a4(vips, "192.0.2.10");
	a4(vips + 4, "192.0.2.11");
	memcpy(order, vips + 4, 4);
	memcpy(order + 4, vips, 4);
	e.addrs = order;	/* any order */
	n = vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	/* v3 intervals are not checked: a backup adopts the master's */
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_OK);
	adv.interval_cs = 0;
	n = vrrp_pkt_encode(&adv, m.src, m.dst, 0, buf, sizeof(buf));
	ck_assert_int_eq(vrrp_pkt_decode(buf, n, &m, 0, &p), VRRP_OK);
	ck_assert_int_eq(vrrp_pkt_check(&p, &e), VRRP_DROP_INTERVAL);
}
END_TEST

START_TEST(test_encode_small_buffer)
{
	uint8_t buf[11], vip[4] = { 192, 0, 2, 10 }, z[4] = { 0 };
	struct vrrp_adv adv = { .version = 3, .family = AF_INET, .vrid = 1, .priority = 1, .interval_cs = 100,
				.addrs = vip, .naddr = 1 };

	ck_assert_uint_eq(vrrp_pkt_encode(&adv, z, z, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(vrrp_drop_name(VRRP_DROP_COUNT0), "count0");
	ck_assert_str_eq(vrrp_drop_name(VRRP_DROP_MAX), "?");
}
END_TEST

/* Random bytes never crash the decoder and never read outside the buffer (ASan watches). */
START_TEST(test_fuzz)
{
	struct vrrp_rx_meta m4 = meta4("192.0.2.1", "224.0.0.18", 255), got;
	struct vrrp_rx_meta m6 = meta6("fe80::1", "ff02::12", 255);
	uint64_t x = 88172645463325252ULL;
	struct vrrp_pkt p;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 80);
		uint8_t *b = malloc(len ? len : 1);

		ck_assert_ptr_nonnull(b);
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (uint8_t)x;
		}
		if (len > 0 && round % 2)
			b[0] = (uint8_t)(0x20 | (b[0] & 0x1f));	/* plausible versions */
		vrrp_pkt_decode(b, len, &m4, VRRP_CSUM_V3_AS_V2, &p);
		vrrp_pkt_decode(b, len, &m6, 0, &p);
		vrrp_pkt_decode_ip4(b, len, 0, &got, &p);
		free(b);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vrrp_packet");
	TCase *tc = tcase_create("codec");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_v2_vector);
	tcase_add_test(tc, test_v3_ipv4_vector);
	tcase_add_test(tc, test_v3_ipv6_vector);
	tcase_add_test(tc, test_v3_interval_bits);
	tcase_add_test(tc, test_v2_interval_rounding);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_ip4);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_check_v3);
	tcase_add_test(tc, test_encode_small_buffer);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
