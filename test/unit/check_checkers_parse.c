/* Unit tests of the checkers' pure parts: HTTP responses, DNS messages, keepalived's hex. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check.h"
#include "checkers/check_dns_msg.h"
#include "checkers/check_http_parse.h"
#include "checkers/checkers.h"

/* ---- HTTP ---- */

static enum http_parse_result
feed_str(struct http_parse *hp, const char *s)
{
	return http_parse_feed(hp, s, strlen(s));
}

START_TEST(http_status_lines)
{
	int minor, code;

	ck_assert_int_eq(http_parse_status_line("HTTP/1.1 200 OK", &minor, &code), 0);
	ck_assert_int_eq(minor, 1);
	ck_assert_int_eq(code, 200);
	ck_assert_int_eq(http_parse_status_line("HTTP/1.0 503 Service Unavailable", &minor, &code), 0);
	ck_assert_int_eq(code, 503);
	ck_assert_int_eq(http_parse_status_line("HTTP/1.0 404", &minor, &code), 0);
	ck_assert_int_eq(code, 404);
	ck_assert_int_eq(http_parse_status_line("HTTP/2 200 OK", &minor, &code), -1);
	ck_assert_int_eq(http_parse_status_line("HTTP/1.1 20 OK", &minor, &code), -1);
	ck_assert_int_eq(http_parse_status_line("HTTP/1.1 2000 OK", &minor, &code), -1);
	ck_assert_int_eq(http_parse_status_line("SSH-2.0-OpenSSH", &minor, &code), -1);
	ck_assert_int_eq(http_parse_status_line("HTTP/1.1 099 x", &minor, &code), -1);
}
END_TEST

START_TEST(http_content_length_body_in_pieces)
{
	struct http_parse hp;
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  5 \r\n\r\nhelloTRAILING";
	char digest[33];

	ck_assert_int_eq(http_parse_init(&hp, 64, true), 0);
	/* byte by byte: state must survive any split */
	for (size_t i = 0; i < strlen(resp); i++) {
		enum http_parse_result r = http_parse_feed(&hp, resp + i, 1);

		if (i + 1 < strlen("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  5 \r\n\r\nhello")) {
			ck_assert_int_eq(r, HTTP_PARSE_MORE);
		} else {
			ck_assert_int_eq(r, HTTP_PARSE_DONE);
			break;
		}
	}
	ck_assert_int_eq(hp.status, 200);
	ck_assert_uint_eq(hp.bodylen, 5);
	ck_assert_int_eq(memcmp(hp.body, "hello", 5), 0);
	http_parse_digest(&hp, digest);
	ck_assert_str_eq(digest, "5d41402abc4b2a76b9719d911017c592");	/* md5("hello") */
	http_parse_free(&hp);
}
END_TEST

START_TEST(http_chunked)
{
	struct http_parse hp;
	char digest[33];

	ck_assert_int_eq(http_parse_init(&hp, 64, true), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n"), HTTP_PARSE_MORE);
	ck_assert_int_eq(feed_str(&hp, "2;ext=1\r\nlo\r\n0\r\nX-Trailer: y\r\n"), HTTP_PARSE_MORE);
	ck_assert_int_eq(feed_str(&hp, "\r\n"), HTTP_PARSE_DONE);
	ck_assert_uint_eq(hp.bodylen, 5);
	http_parse_digest(&hp, digest);
	ck_assert_str_eq(digest, "5d41402abc4b2a76b9719d911017c592");
	http_parse_free(&hp);

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), HTTP_PARSE_ERROR);
	ck_assert_str_eq(hp.error, "bad chunk size");
	http_parse_free(&hp);
}
END_TEST

START_TEST(http_body_until_close)
{
	struct http_parse hp;
	char digest[33];

	ck_assert_int_eq(http_parse_init(&hp, 4, true), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.0 200 OK\r\n\r\nhel"), HTTP_PARSE_MORE);
	ck_assert_int_eq(feed_str(&hp, "lo"), HTTP_PARSE_MORE);
	ck_assert_int_eq(http_parse_eof(&hp), HTTP_PARSE_DONE);
	ck_assert_uint_eq(hp.bodylen, 4);	/* kept up to keep */
	ck_assert_uint_eq(hp.body_total, 5);
	http_parse_digest(&hp, digest);
	ck_assert_str_eq(digest, "5d41402abc4b2a76b9719d911017c592");
	http_parse_free(&hp);
}
END_TEST

START_TEST(http_errors)
{
	struct http_parse hp;

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "220 smtp.example ESMTP\r\n"), HTTP_PARSE_ERROR);
	ck_assert_str_eq(hp.error, "not an HTTP status line");
	http_parse_free(&hp);

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"), HTTP_PARSE_MORE);
	ck_assert_int_eq(http_parse_eof(&hp), HTTP_PARSE_ERROR);
	ck_assert_str_eq(hp.error, "connection closed in the body");
	http_parse_free(&hp);

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 200 OK\r\nContent-Len"), HTTP_PARSE_MORE);
	ck_assert_int_eq(http_parse_eof(&hp), HTTP_PARSE_ERROR);
	ck_assert_str_eq(hp.error, "connection closed in the header");
	http_parse_free(&hp);

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n"), HTTP_PARSE_ERROR);
	http_parse_free(&hp);

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 200 OK\r\nno colon here\r\n"), HTTP_PARSE_ERROR);
	http_parse_free(&hp);
}
END_TEST

START_TEST(http_no_body_statuses)
{
	struct http_parse hp;

	ck_assert_int_eq(http_parse_init(&hp, 0, false), 0);
	ck_assert_int_eq(feed_str(&hp, "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n"), HTTP_PARSE_DONE);
	ck_assert_int_eq(hp.status, 204);
	http_parse_free(&hp);
}
END_TEST

START_TEST(http_status_ranges)
{
	struct cfg_check_url u;

	memset(&u, 0, sizeof(u));
	ck_assert(http_status_match(&u, 200));
	ck_assert(http_status_match(&u, 299));
	ck_assert(!http_status_match(&u, 301));
	u.nstatus = 2;
	u.status[0] = (struct cfg_status_range){ 200, 200 };
	u.status[1] = (struct cfg_status_range){ 400, 499 };
	ck_assert(http_status_match(&u, 200));
	ck_assert(!http_status_match(&u, 201));
	ck_assert(http_status_match(&u, 404));
	ck_assert(!http_status_match(&u, 503));
}
END_TEST

START_TEST(http_requests)
{
	char buf[512];

	ck_assert_int_gt(http_build_request(buf, sizeof(buf), "/health", "www.example.com", 0, CHECK_HTTP_10), 0);
	ck_assert_str_eq(buf, "GET /health HTTP/1.0\r\nUser-Agent: vipd-checker\r\nHost: www.example.com\r\n\r\n");
	ck_assert_int_gt(http_build_request(buf, sizeof(buf), "/", "192.0.2.1", 8080, CHECK_HTTP_11), 0);
	ck_assert_str_eq(buf, "GET / HTTP/1.1\r\nUser-Agent: vipd-checker\r\nHost: 192.0.2.1:8080\r\n"
			      "Connection: close\r\n\r\n");
	ck_assert_int_gt(http_build_request(buf, sizeof(buf), "/", "h", 0, CHECK_HTTP_10C), 0);
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "Connection: close\r\n"));
	ck_assert_int_eq(http_build_request(buf, 20, "/", "h", 0, CHECK_HTTP_10), -1);
}
END_TEST

/* ---- DNS ---- */

START_TEST(dns_query_bytes)
{
	uint8_t q[512];
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01,
	};
	int n = dns_build_query(q, sizeof(q), 0x1234, "example.com", 1);

	ck_assert_int_eq(n, (int)sizeof(want));
	ck_assert_int_eq(memcmp(q, want, sizeof(want)), 0);
	/* a trailing dot is the same name; the root is one zero byte */
	ck_assert_int_eq(dns_build_query(q, sizeof(q), 1, "example.com.", 1), (int)sizeof(want));
	ck_assert_int_eq(dns_build_query(q, sizeof(q), 1, ".", 6), 12 + 1 + 4);
	ck_assert_int_eq(dns_build_query(q, sizeof(q), 1, "a..b", 1), -1);
	ck_assert_int_eq(dns_build_query(q, sizeof(q), 1,
					 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 1), -1);
}
END_TEST

/* A reply to q: flags, then answers appended (each: a pointer to the question name, type, class, ttl, rdata). */
static size_t
make_reply(uint8_t *buf, const uint8_t *q, size_t qlen, uint16_t flags, const uint16_t *types, int nans)
{
	size_t n = qlen;

	memcpy(buf, q, qlen);
	buf[2] = (uint8_t)(flags >> 8);
	buf[3] = (uint8_t)flags;
	buf[7] = (uint8_t)nans;
	for (int i = 0; i < nans; i++) {
		uint8_t rr[] = { 0xc0, 12, (uint8_t)(types[i] >> 8), (uint8_t)types[i], 0, 1, 0, 0, 0, 60, 0, 4,
				 192, 0, 2, 7 };

		memcpy(buf + n, rr, sizeof(rr));
		n += sizeof(rr);
	}
	return n;
}

START_TEST(dns_replies)
{
	uint8_t q[512], r[1024];
	int qlen = dns_build_query(q, sizeof(q), 0xbeef, "www.example.com", 1);
	const char *why = NULL;
	uint16_t a = 1, cname_a[] = { 5, 1 }, cname = 5;
	size_t n;

	ck_assert_int_gt(qlen, 0);
	n = make_reply(r, q, (size_t)qlen, 0x8180, &a, 1);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "www.example.com", 1, &why), 1);
	/* the question is compared without regard to case */
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "WWW.Example.COM", 1, &why), 1);
	n = make_reply(r, q, (size_t)qlen, 0x8180, cname_a, 2);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "www.example.com", 1, &why), 1);
	n = make_reply(r, q, (size_t)qlen, 0x8180, &cname, 1);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "www.example.com", 1, &why), 0);
	ck_assert_str_eq(why, "no answer of the type asked");
	n = make_reply(r, q, (size_t)qlen, 0x8183, NULL, 0);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "www.example.com", 1, &why), 0);
	ck_assert_str_eq(why, "NXDOMAIN");
	n = make_reply(r, q, (size_t)qlen, 0x8185, NULL, 0);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "www.example.com", 1, &why), 0);
	ck_assert_str_eq(why, "REFUSED");
	/* not ours: another id, another name, the query itself */
	n = make_reply(r, q, (size_t)qlen, 0x8180, &a, 1);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeee, "www.example.com", 1, &why), -1);
	ck_assert_int_eq(dns_check_reply(r, n, 0xbeef, "ftp.example.com", 1, &why), -1);
	ck_assert_int_eq(dns_check_reply(q, (size_t)qlen, 0xbeef, "www.example.com", 1, &why), -1);
	/* cut inside the answer */
	ck_assert_int_eq(dns_check_reply(r, n - 3, 0xbeef, "www.example.com", 1, &why), 0);
	ck_assert_str_eq(why, "malformed answer");
	ck_assert_int_eq(dns_check_reply(r, 5, 0xbeef, "www.example.com", 1, &why), -1);
}
END_TEST

START_TEST(dns_compression_loop_is_bounded)
{
	uint8_t q[512], r[1024];
	int qlen = dns_build_query(q, sizeof(q), 7, "a.example", 1);
	const char *why = NULL;
	size_t n = (size_t)qlen;

	memcpy(r, q, n);
	r[2] = 0x81;
	r[3] = 0x80;
	r[7] = 1;
	/* an answer name made of labels that never end within the message */
	memset(r + n, 5, 40);
	n += 40;
	ck_assert_int_eq(dns_check_reply(r, n, 7, "a.example", 1, &why), 0);
	ck_assert_str_eq(why, "malformed answer");
}
END_TEST

/* ---- hex ---- */

START_TEST(hex_free_form)
{
	uint8_t out[32], mask[32];
	uint32_t len;
	char *words[] = { "Ab12f", "3", "456", "546443123" };
	static const uint8_t want[] = { 0xab, 0x12, 0x0f, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03 };
	char *wild[] = { "aXx5" };
	char *bad[] = { "12zz" };

	ck_assert_int_eq(check_conf_parse_hex(4, words, out, NULL, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_int_eq(memcmp(out, want, sizeof(want)), 0);
	ck_assert_int_eq(check_conf_parse_hex(1, wild, out, mask, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_uint_eq(out[0], 0xa0);
	ck_assert_uint_eq(mask[0], 0xf0);
	ck_assert_uint_eq(out[1], 0x05);
	ck_assert_uint_eq(mask[1], 0x0f);
	ck_assert_int_eq(check_conf_parse_hex(1, wild, out, NULL, sizeof(out), &len), -1);	/* X only in replies */
	ck_assert_int_eq(check_conf_parse_hex(1, bad, out, NULL, sizeof(out), &len), -1);
	ck_assert_int_eq(check_conf_parse_hex(4, words, out, NULL, 4, &len), -1);
}
END_TEST

/* ---- SMTP ---- */

static int
smtp_feed_str(struct smtp_reader *rd, const char *s, size_t *used)
{
	return smtp_reply_feed(rd, s, strlen(s), used);
}

START_TEST(smtp_replies)
{
	struct smtp_reader rd = { .len = 0 };
	size_t used;

	ck_assert_int_eq(smtp_feed_str(&rd, "220 smtp.example ESMTP\r\nextra", &used), 220);
	ck_assert_uint_eq(used, strlen("220 smtp.example ESMTP\r\n"));
	/* a multi-line reply is read whole, across reads */
	memset(&rd, 0, sizeof(rd));
	ck_assert_int_eq(smtp_feed_str(&rd, "250-first\r\n25", &used), 0);
	ck_assert_uint_eq(used, strlen("250-first\r\n25"));
	ck_assert_int_eq(smtp_feed_str(&rd, "0 last\r\n", &used), 250);
	memset(&rd, 0, sizeof(rd));
	ck_assert_int_eq(smtp_feed_str(&rd, "SSH-2.0-OpenSSH\r\n", &used), -1);
	ck_assert_int_eq(smtp_feed_str(&rd, "2ab\r\n", &used), -1);
	ck_assert_int_eq(smtp_feed_str(&rd, "25\r\n", &used), -1);
	/* the code is its three digits: atoi read this as 0, "no reply yet" to the check, which then waited for
	 * its timeout (fuzz/corpus/smtp/atoi-overflow) */
	ck_assert_int_eq(smtp_feed_str(&rd, "4294967296 x\r\n", &used), 429);
	ck_assert_int_eq(smtp_feed_str(&rd, "2200000000000\r\n", &used), 220);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("checkers_parse");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, http_status_lines);
	tcase_add_test(tc, smtp_replies);
	tcase_add_test(tc, http_content_length_body_in_pieces);
	tcase_add_test(tc, http_chunked);
	tcase_add_test(tc, http_body_until_close);
	tcase_add_test(tc, http_errors);
	tcase_add_test(tc, http_no_body_statuses);
	tcase_add_test(tc, http_status_ranges);
	tcase_add_test(tc, http_requests);
	tcase_add_test(tc, dns_query_bytes);
	tcase_add_test(tc, dns_replies);
	tcase_add_test(tc, dns_compression_loop_is_bounded);
	tcase_add_test(tc, hex_free_form);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
