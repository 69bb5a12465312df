/* Unit tests of the metrics child's pure parts: request heads as a hostile client may send them
 * (metrics/metrics_http.c), and a status turned into the text format (metrics/metrics_render.c). */
#define _GNU_SOURCE 1

#include <check.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics_http.h"
#include "metrics/metrics_json.h"
#include "metrics/metrics_render.h"

static enum mx_parse
parse(const char *s, struct mx_request *req)
{
	return mx_http_parse(s, strlen(s), req);
}

START_TEST(test_get)
{
	struct mx_request r;
	const char *s = "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\nGET / HTTP/1.1\r\n";

	ck_assert_int_eq(parse(s, &r), MX_PARSE_OK);
	ck_assert_int_eq(r.method, MX_GET);
	ck_assert_int_eq(r.target, MX_T_METRICS);
	ck_assert(r.keep_alive);
	/* a pipelined request stays in the buffer */
	ck_assert_uint_eq(r.consumed, strlen("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n"));
	ck_assert_int_eq(parse("GET /metrics?x=1 HTTP/1.1\n\n", &r), MX_PARSE_OK);
	ck_assert_int_eq(r.target, MX_T_METRICS);
	ck_assert_int_eq(parse("HEAD / HTTP/1.1\r\n\r\n", &r), MX_PARSE_OK);
	ck_assert_int_eq(r.method, MX_HEAD);
	ck_assert_int_eq(r.target, MX_T_ROOT);
	ck_assert_int_eq(parse("POST /metricsx HTTP/1.1\r\n\r\n", &r), MX_PARSE_OK);
	ck_assert_int_eq(r.method, MX_OTHER);
	ck_assert_int_eq(r.target, MX_T_OTHER);
}
END_TEST

START_TEST(test_connection)
{
	struct mx_request r;

	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nConnection: Keep-Alive, close\r\n\r\n", &r), MX_PARSE_OK);
	ck_assert(!r.keep_alive);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.0\r\n\r\n", &r), MX_PARSE_OK);
	ck_assert(!r.keep_alive);
	/* a body is never read: its connection closes after the answer */
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", &r), MX_PARSE_OK);
	ck_assert(!r.keep_alive);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r), MX_PARSE_OK);
	ck_assert(r.keep_alive);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r), MX_PARSE_OK);
	ck_assert(!r.keep_alive);
}
END_TEST

START_TEST(test_bad)
{
	struct mx_request r;
	char *big;

	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", &r), MX_PARSE_MORE);
	ck_assert_int_eq(parse("GET /metr", &r), MX_PARSE_MORE);
	ck_assert_int_eq(parse("GET /metrics\r\n\r\n", &r), MX_PARSE_BAD);
	ck_assert_int_eq(parse("GET  /metrics HTTP/1.1\r\n\r\n", &r), MX_PARSE_BAD);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1 x\r\n\r\n", &r), MX_PARSE_BAD);
	ck_assert_int_eq(parse("GET /metrics HTTP/2.0\r\n\r\n", &r), MX_PARSE_VERSION);
	ck_assert_int_eq(parse("GET /metrics FTP/1.1\r\n\r\n", &r), MX_PARSE_BAD);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nNoColon\r\n\r\n", &r), MX_PARSE_BAD);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n", &r), MX_PARSE_BAD);
	ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", &r), MX_PARSE_BAD);
	/* a head that does not end within MX_REQ_MAX */
	big = malloc(MX_REQ_MAX + 100);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', MX_REQ_MAX + 99);
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	big[MX_REQ_MAX + 99] = '\0';
	ck_assert_int_eq(mx_http_parse(big, MX_REQ_MAX, &r), MX_PARSE_TOO_LARGE);
	ck_assert_int_eq(mx_http_parse(big, MX_REQ_MAX - 1, &r), MX_PARSE_MORE);
	/* even when it ends beyond the limit */
	memcpy(big + MX_REQ_MAX + 50, "\r\n\r\n", 4);
	ck_assert_int_eq(mx_http_parse(big, MX_REQ_MAX + 99, &r), MX_PARSE_TOO_LARGE);
	free(big);
}
END_TEST

static const char status_text[] =
	"{\"parent\":{\"version\":\"1.2\",\"started\":1700000000,\"config_generation\":3,"
	" \"last_reload\":{\"result\":\"failed\",\"time\":1700000100,\"count\":2,\"failures\":1,\"duration\":0.25}},"
	" \"children\":["
	"  {\"name\":\"vrrp\",\"state\":\"running\",\"pid\":12,\"restarts\":1,\"config_generation\":3,\"wanted\":true,"
	"   \"status\":{\"instances\":[{\"name\":\"V\\\"I\\n1\\\\\",\"state\":\"MASTER\",\"priority\":100,"
	"     \"effective_priority\":90,\"adverts_sent\":7,\"advert_int_ms\":1500,\"since_ms\":1700000000123,"
	"     \"drops\":{\"ttl\":2,\"auth\":0}}],\"unmatched_drops\":{\"vrid\":5}}},"
	"  {\"name\":\"checkers\",\"state\":\"backoff\",\"pid\":null,\"restarts\":4,\"wanted\":true,"
	"   \"status\":{\"runs\":10,\"real_servers\":[{\"virtual_server\":\"192.0.2.1:80\",\"address\":\"198.51.100.1:80\","
	"     \"state\":\"down\",\"weight\":null,\"last_change\":null},"
	"    {\"virtual_server\":\"group G\",\"address\":\"[2001:db8::1]:80\",\"state\":\"up\",\"weight\":null,"
	"     \"configured_weight\":5,\"last_change\":1700000000001}]}}"
	" ]}";

static char *
rendered(void)
{
	static const char self_text[] = "{\"requests\":{\"200\":4,\"404\":1},\"connections\":2}";
	struct mj_doc *st = mj_parse(status_text, strlen(status_text)), *self = mj_parse(self_text, strlen(self_text));
	struct mx_buf b = { 0 };
	char *text;

	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(self);
	ck_assert_int_eq(mx_render(mj_root(st), mj_root(self), &b), 0);
	mj_free(st);
	mj_free(self);
	text = strdup(b.p);
	mx_buf_free(&b);
	return text;
}

#define HAS(s) ck_assert_msg(strstr(text, s) != NULL, "missing: %s", s)
#define HASNT(s) ck_assert_msg(strstr(text, s) == NULL, "present: %s", s)

START_TEST(test_render)
{
	char *text = rendered();

	HAS("# HELP vipd_build_info ");
	HAS("# TYPE vipd_build_info gauge\nvipd_build_info{version=\"1.2\"} 1\n");
	HAS("\nvipd_reloads_total 2\n");
	HAS("\nvipd_reload_failures_total 1\n");
	HAS("\nvipd_last_reload_success 0\n");
	HAS("\nvipd_last_reload_duration_seconds 0.25\n");
	HAS("\nvipd_child_up{child=\"vrrp\"} 1\nvipd_child_up{child=\"checkers\"} 0\n");
	HAS("\nvipd_child_restarts_total{child=\"checkers\"} 4\n");
	/* label values escaped: \ " and newline */
	HAS("\nvipd_vrrp_state{vrrp_instance=\"V\\\"I\\n1\\\\\",state=\"MASTER\"} 1\n");
	HAS("\nvipd_vrrp_state{vrrp_instance=\"V\\\"I\\n1\\\\\",state=\"BACKUP\"} 0\n");
	HAS("\nvipd_vrrp_effective_priority{vrrp_instance=\"V\\\"I\\n1\\\\\"} 90\n");
	HAS("\nvipd_vrrp_advert_interval_seconds{vrrp_instance=\"V\\\"I\\n1\\\\\"} 1.500\n");
	HAS("\nvipd_vrrp_state_change_timestamp_seconds{vrrp_instance=\"V\\\"I\\n1\\\\\"} 1700000000.123\n");
	HAS("\nvipd_vrrp_drops_total{vrrp_instance=\"V\\\"I\\n1\\\\\",reason=\"ttl\"} 2\n");
	HAS("\nvipd_vrrp_unmatched_drops_total{reason=\"vrid\"} 5\n");
	HAS("\nvipd_real_server_up{virtual_server=\"192.0.2.1:80\",real_server=\"198.51.100.1:80\"} 0\n");
	HAS("\nvipd_checkers_runs_total 10\n");
	HAS("\nvipd_metrics_http_requests_total{code=\"200\"} 4\n");
	HAS("\nvipd_metrics_connections 2\n");
	/* nulls and missing fields give no sample, and a family without samples no header */
	/* a null weight is the configured one */
	HAS("\nvipd_real_server_weight{virtual_server=\"group G\",real_server=\"[2001:db8::1]:80\"} 5\n");
	HAS("\nvipd_real_server_last_change_timestamp_seconds{virtual_server=\"group G\",real_server=\"[2001:db8::1]:80\"} 1700000000.001\n");
	HASNT("vipd_real_server_weight{virtual_server=\"192.0.2.1:80\"");
	HASNT("vipd_vrrp_transitions_total");
	HASNT("vipd_sync_");
	/* each family once */
	ck_assert_ptr_eq(strstr(strstr(text, "# TYPE vipd_vrrp_state ") + 1, "# TYPE vipd_vrrp_state "), NULL);
	free(text);
}
END_TEST

START_TEST(test_render_nothing)
{
	static const char text[] = "{\"children\":[{\"name\":\"vrrp\",\"status\":[1,2]},3],\"parent\":7}";
	struct mj_doc *st = mj_parse(text, strlen(text));
	struct mx_buf b = { 0 };

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(mx_render(mj_root(st), NULL, &b), 0);
	ck_assert_str_eq(b.p, "");
	mj_free(st);
	mx_buf_free(&b);
}
END_TEST

/* The reader: values as RFC 8259 writes them, escapes and surrogate pairs, what is not JSON refused, the
 * length and the nesting bounded. */
START_TEST(test_json)
{
	static const char *const good[] = {
		"{\"a\":[1,-2,3.5,1e3,true,false,null,\"x\\\"y\\\\z\\n\"],\"b\":{},\"c\":[]}",
		"  [ {\"k\" : \"\\u00e9\\ud83d\\ude00\\u0041\"} ]  ",
		"9223372036854775807", "\"\"", "{\"big\":92233720368547758070}",
	};
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"abc", "tru", "{1:2}", "[1]x", "\"\\x\"",
		"\"a\nb\"", "[\"\\u12\"]",
	};
	struct mj_doc *d;
	const struct mj *r, *a;
	char deep[200];

	d = mj_parse(good[0], strlen(good[0]));
	ck_assert_ptr_nonnull(d);
	r = mj_root(d);
	a = mj_get(r, "a");
	ck_assert_uint_eq(mj_len(a), 8);
	ck_assert_int_eq(mj_item(a, 0)->u.i, 1);
	ck_assert_int_eq(mj_item(a, 1)->u.i, -2);
	ck_assert(mj_item(a, 2)->type == MJ_DOUBLE && mj_item(a, 2)->u.d == 3.5);
	ck_assert(mj_item(a, 3)->type == MJ_DOUBLE && mj_item(a, 3)->u.d == 1000);
	ck_assert(mj_item(a, 4)->type == MJ_BOOL && mj_item(a, 4)->u.b);
	ck_assert(mj_item(a, 5)->type == MJ_BOOL && !mj_item(a, 5)->u.b);
	ck_assert(mj_item(a, 6)->type == MJ_NULL);
	ck_assert_str_eq(mj_item(a, 7)->u.s, "x\"y\\z\n");
	ck_assert_uint_eq(mj_len(mj_get(r, "b")), 0);
	ck_assert(mj_get(r, "c")->type == MJ_ARRAY);
	ck_assert_ptr_null(mj_get(r, "d"));
	ck_assert_ptr_null(mj_item(a, 8));
	mj_free(d);
	d = mj_parse(good[1], strlen(good[1]));
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(mj_get(mj_item(mj_root(d), 0), "k")->u.s, "\xc3\xa9\xf0\x9f\x98\x80" "A");
	mj_free(d);
	d = mj_parse(good[2], strlen(good[2]));
	ck_assert_int_eq(mj_root(d)->u.i, INT64_MAX);
	mj_free(d);
	for (size_t i = 3; i < sizeof(good) / sizeof(good[0]); i++) {
		d = mj_parse(good[i], strlen(good[i]));
		ck_assert_msg(d != NULL, "refused %s", good[i]);
		mj_free(d);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mj_parse(bad[i], strlen(bad[i])) == NULL, "accepted %s", bad[i]);
	/* a prefix is not the document: the length is what is read */
	ck_assert_ptr_null(mj_parse("[1]", 2));
	/* nesting is bounded */
	memset(deep, '[', sizeof(deep));
	ck_assert_ptr_null(mj_parse(deep, sizeof(deep)));
	memset(deep, '[', MJ_DEPTH_MAX);
	memset(deep + MJ_DEPTH_MAX, ']', MJ_DEPTH_MAX);
	d = mj_parse(deep, 2 * MJ_DEPTH_MAX);
	ck_assert_ptr_nonnull(d);
	mj_free(d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_connection);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_render_nothing);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
