/* Unit tests of the checker keywords (checkers/check_conf.c) through the real parser. */
#define _GNU_SOURCE 1

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkers/checkers.h"
#include "core/conf.h"
#include "lib/config.h"
#include "test/unit/conf_text.h"

static struct config *
load(const char *text, struct cfg_diag *diag)
{
	return conf_load_text(text, "t", diag);
}

static void
print_errors(const struct cfg_diag *d)
{
	for (size_t i = 0; i < d->nerrors; i++)
		fprintf(stderr, "%s\n", d->errors[i]);
}

static const char every_checker[] =
	"SSL {\n  ca /etc/ca.pem\n  certificate /etc/c.pem\n  key /etc/k.pem\n  password pw\n}\n"
	"virtual_server 192.0.2.10 80 {\n  delay_loop 2\n"
	"  real_server 198.51.100.1 80 {\n"
	"    HTTP_GET {\n      http_protocol 1.1\n      virtualhost www.example.com\n"
	"      url {\n        path /health\n        status_code 200 300-399\n"
	"        digest 5D41402ABC4B2A76B9719D911017C592\n      }\n"
	"      url {\n        path /other\n        regex \"^ok\"\n        regex_no_match\n        expect alive\n      }\n"
	"      connect_timeout 0.5\n      retry 2\n      delay_before_retry 0.25\n      alpha\n    }\n"
	"    SSL_GET {\n      enable_sni\n      sni_name api.example.com\n      verify_cert\n      url {\n        path /\n      }\n    }\n"
	"    MISC_CHECK {\n      misc_path \"/bin/check arg\"\n      misc_timeout 3\n      misc_dynamic\n      user nobody\n    }\n"
	"    DNS_CHECK {\n      type AAAA\n      name www.example.com\n      connect_port 5353\n    }\n"
	"    UDP_CHECK {\n      payload 01 02ff\n      require_reply 0X ff\n      min_reply_length 2\n"
	"      max_reply_length 100\n      bindto 192.0.2.99\n      bind_port 4000\n    }\n"
	"    SMTP_CHECK {\n      helo_name mail.example.com\n      warmup 0\n    }\n"
	"    PING_CHECK {\n      delay_loop 0.3\n      fwmark 5\n    }\n"
	"    TCP_CHECK {\n      nb_get_retry 7\n    }\n"
	"  }\n}\n";

START_TEST(every_checker_keyword)
{
	struct cfg_diag diag;
	struct config *conf = load(every_checker, &diag);
	const struct cfg_checker *c;
	const struct cfg_check_url *u;
	const struct cfg_ssl *ssl;

	print_errors(&diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(conf->count[CFG_CHECKER], 8);
	ck_assert_uint_eq(conf->count[CFG_CHECK_URL], 3);

	ssl = config_get(conf, CFG_SSL, 0);
	ck_assert_str_eq(ssl->ca, "/etc/ca.pem");
	ck_assert_str_eq(ssl->key, "/etc/k.pem");
	ck_assert_str_eq(ssl->password, "pw");

	c = config_get(conf, CFG_CHECKER, 0);
	ck_assert_int_eq(c->type, CHECK_HTTP);
	ck_assert_int_eq(c->http_protocol, CHECK_HTTP_11);
	ck_assert_str_eq(c->virtualhost, "www.example.com");
	ck_assert_uint_eq(c->connect_timeout_ms, 500);
	ck_assert_uint_eq(c->retry, 2);
	ck_assert_uint_eq(c->delay_before_retry_ms, 250);
	ck_assert(c->alpha);
	u = config_get(conf, CFG_CHECK_URL, 0);
	ck_assert_uint_eq(u->hdr.parent, c->hdr.id);
	ck_assert_str_eq(config_text(conf, u->path), "/health");
	ck_assert_str_eq(u->digest, "5d41402abc4b2a76b9719d911017c592");
	ck_assert_uint_eq(u->nstatus, 2);
	ck_assert_uint_eq(u->status[1].lo, 300);
	ck_assert_uint_eq(u->status[1].hi, 399);
	u = config_get(conf, CFG_CHECK_URL, 1);
	ck_assert_str_eq(config_text(conf, u->regex), "^ok");
	ck_assert(u->regex_no_match);
	ck_assert_str_eq(config_text(conf, u->expect), "alive");

	c = config_get(conf, CFG_CHECKER, 1);
	ck_assert_int_eq(c->type, CHECK_SSL);
	ck_assert(c->enable_sni && c->verify_cert);
	ck_assert_str_eq(c->sni_name, "api.example.com");
	ck_assert_uint_eq(c->delay_before_retry_ms, 3000);	/* keepalived's HTTP default */
	ck_assert_uint_eq(((const struct cfg_check_url *)config_get(conf, CFG_CHECK_URL, 2))->hdr.parent, c->hdr.id);

	c = config_get(conf, CFG_CHECKER, 2);
	ck_assert_str_eq(config_text(conf, c->misc_path), "/bin/check arg");
	ck_assert_uint_eq(c->misc_timeout_ms, 3000);
	ck_assert(c->misc_dynamic);
	ck_assert_str_eq(c->user, "nobody");
	ck_assert_uint_eq(c->retry, 0);		/* MISC's default */

	c = config_get(conf, CFG_CHECKER, 3);
	ck_assert_int_eq(c->dns_type, 28);
	ck_assert_str_eq(config_text(conf, c->dns_name), "www.example.com");
	ck_assert_uint_eq(c->connect_port, 5353);
	ck_assert_uint_eq(c->retry, 3);		/* DNS's default */
	ck_assert_uint_eq(c->delay_before_retry_ms, UINT64_MAX);	/* the delay loop */

	c = config_get(conf, CFG_CHECKER, 4);
	ck_assert_uint_eq(c->payload[0], 0x01);
	ck_assert_uint_eq(c->payload_len, 3);
	ck_assert_uint_eq(c->payload[2], 0xff);
	ck_assert(c->require_reply);
	ck_assert_uint_eq(c->reply_len, 2);
	ck_assert_uint_eq(c->reply_mask[0], 0xf0);
	ck_assert_uint_eq(c->min_reply_length, 2);
	ck_assert_uint_eq(c->max_reply_length, 100);
	ck_assert_uint_eq(c->bind_port, 4000);
	ck_assert_uint_eq(c->bindto.addr[3], 99);

	c = config_get(conf, CFG_CHECKER, 5);
	ck_assert_str_eq(c->helo_name, "mail.example.com");
	ck_assert_uint_eq(c->warmup_ms, 0);
	c = config_get(conf, CFG_CHECKER, 6);
	ck_assert_uint_eq(c->delay_loop_ms, 300);
	ck_assert_uint_eq(c->fwmark, 5);
	ck_assert_uint_eq(c->warmup_ms, UINT64_MAX);	/* unset: the delay loop */
	c = config_get(conf, CFG_CHECKER, 7);
	ck_assert_uint_eq(c->retry, 1);		/* nb_get_retry is unknown to keepalived 2.2.7: the default */
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

struct bad_case {
	const char *checker;
	const char *error;	/* a substring of the one error expected */
};

static const struct bad_case bad_cases[] = {
	{ "UDP_CHECK {\n min_reply_length 9\n max_reply_length 3\n }", "min_reply_length is above" },
	{ "FILE_CHECK {\n track_file nowhere\n }", "FILE_CHECK: no track_file block named 'nowhere'" },
	{ "FILE_CHECK {\n track_file t\n weight 2 twice\n }", "weight: 'twice': only 'reverse' may follow" },
};

/* what keepalived logs and runs past: the checker is kept, the line is not */
static const struct bad_case recovered_cases[] = {
	{ "TCP_CHECK {\n url {\n }\n }", "url: unknown keyword in TCP_CHECK; ignored with its block" },
	{ "SMTP_CHECK {\n enable_sni\n }", "enable_sni: unknown keyword in SMTP_CHECK; ignored" },
	{ "FILE_CHECK {\n track_file t\n alpha\n }", "alpha: unknown keyword in FILE_CHECK; ignored" },
	/* values keepalived cannot read are ignored */
	{ "HTTP_GET {\n url {\n path /\n digest 1234\n }\n }", "digest: an MD5 digest is 32 hex digits, not 4" },
	{ "HTTP_GET {\n url {\n path /\n status_code 200 600\n }\n }", "status_code: '600' is not a status code" },
	{ "HTTP_GET {\n url {\n path /\n status_code 300-200\n }\n }", "status_code: '300-200'" },
	{ "HTTP_GET {\n http_protocol 2\n url {\n path /\n }\n }", "http_protocol: '2' is not one of 1.0, 1.0C, 1.1" },
	{ "DNS_CHECK {\n type PTR\n }", "type: 'PTR' is not one of" },
	{ "UDP_CHECK {\n payload 0g\n }", "payload: needs hex digits" },
	{ "TCP_CHECK {\n connect_port 70000\n }", "connect_port: '70000' is not a number from 1 to 65535; ignored" },
	{ "TCP_CHECK {\n nb_get_retry 3\n }", "nb_get_retry: keepalived 1's name for retry" },
};

/* what keepalived logs and drops: the checker is gone */
static const struct bad_case dropped_cases[] = {
	{ "MISC_CHECK {\n misc_timeout 3\n }", "MISC_CHECK: no misc_path; the checker is ignored" },
	{ "FILE_CHECK {\n weight 2\n }", "FILE_CHECK: no track_file; the checker is ignored" },
	{ "HTTP_GET {\n connect_timeout 3\n }", "HTTP_GET: no url with a path; the checker is ignored" },
	{ "SSL_GET {\n url {\n }\n }", "url: no path; the url is ignored" },
};

/* keepalived 2: a checker takes what it does not set from its real server, then its virtual server, then
 * the default of its kind. */
START_TEST(settings_inherited)
{
	static const char text[] =
		"bfd_instance b {\n  neighbor_ip 192.0.2.50\n}\n"
		"virtual_server 192.0.2.10 80 {\n  connect_timeout 7\n  retry 4\n  delay_before_retry 2\n  warmup 9\n"
		"  alpha\n  virtualhost vs.example\n  snmp_name web\n  smtp_alert yes\n"
		"  sorry_server 192.0.2.99 80\n  sorry_server_lvs_method TUN type gue port 6080\n"
		"  real_server 198.51.100.1 80 {\n    connect_timeout 3\n    retry 0\n    delay_loop 5\n"
		"    alpha no\n    virtualhost rs.example\n    smtp_alert no\n"
		"    TCP_CHECK {\n    }\n"
		"    HTTP_GET {\n      connect_timeout 1\n      alpha\n      virtualhost ck.example\n      delay_loop 6\n"
		"      url {\n        path /\n      }\n    }\n"
		"  }\n"
		"  real_server 198.51.100.2 80 {\n    DNS_CHECK {\n    }\n    BFD_CHECK {\n      name b\n    }\n  }\n"
		"}\n"
		"virtual_server 192.0.2.11 80 {\n"
		"  real_server 198.51.100.3 80 {\n    HTTP_GET {\n      url {\n        path /\n      }\n    }\n"
		"    DNS_CHECK {\n    }\n    MISC_CHECK {\n      misc_path /bin/true\n    }\n  }\n"
		"}\n";
	struct cfg_diag diag;
	struct config *conf = load(text, &diag);
	const struct cfg_checker *tcp, *http, *dns, *bfd, *dflt_http, *dflt_dns, *dflt_misc;
	const struct cfg_virtual_server *vs;

	print_errors(&diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(diag.nwarnings, 3);	/* snmp_name, smtp_alert twice */
	ck_assert_uint_eq(diag.nrecovered, 6);	/* each virtual server: no protocol, lb_algo, lb_kind */
	tcp = config_get(conf, CFG_CHECKER, 0);
	http = config_get(conf, CFG_CHECKER, 1);
	dns = config_get(conf, CFG_CHECKER, 2);
	bfd = config_get(conf, CFG_CHECKER, 3);
	dflt_http = config_get(conf, CFG_CHECKER, 4);
	dflt_dns = config_get(conf, CFG_CHECKER, 5);
	dflt_misc = config_get(conf, CFG_CHECKER, 6);
	/* BFD_CHECK: the session's state is the verdict, at once */
	ck_assert_int_eq(bfd->type, CHECK_BFD);
	ck_assert_str_eq(bfd->bfd_name, "b");
	ck_assert_uint_eq(bfd->retry, 0);
	/* the real server's where it says, else the virtual server's */
	ck_assert_uint_eq(tcp->connect_timeout_ms, 3000);
	ck_assert_uint_eq(tcp->retry, 0);
	ck_assert_uint_eq(tcp->delay_before_retry_ms, 2000);
	ck_assert_uint_eq(tcp->warmup_ms, 9000);
	ck_assert_uint_eq(tcp->delay_loop_ms, 5000);
	ck_assert_int_eq(tcp->alpha, 0);
	ck_assert_str_eq(tcp->virtualhost, "rs.example");
	/* the checker's own first */
	ck_assert_uint_eq(http->connect_timeout_ms, 1000);
	ck_assert_uint_eq(http->retry, 0);
	ck_assert_uint_eq(http->delay_loop_ms, 6000);
	ck_assert_int_eq(http->alpha, 1);
	ck_assert_str_eq(http->virtualhost, "ck.example");
	/* a real server that says nothing: the virtual server's */
	ck_assert_uint_eq(dns->connect_timeout_ms, 7000);
	ck_assert_uint_eq(dns->retry, 4);
	ck_assert_uint_eq(dns->delay_before_retry_ms, 2000);
	ck_assert_int_eq(dns->alpha, 1);
	ck_assert_uint_eq(dns->delay_loop_ms, 0);	/* the virtual server's delay_loop, at run time */
	ck_assert_str_eq(dns->virtualhost, "");		/* the virtual server's virtualhost, at run time */
	/* nobody says: the kind's defaults */
	ck_assert_uint_eq(dflt_http->connect_timeout_ms, 5000);
	ck_assert_uint_eq(dflt_http->retry, 1);
	ck_assert_uint_eq(dflt_http->delay_before_retry_ms, 3000);
	ck_assert_uint_eq(dflt_http->warmup_ms, UINT64_MAX);
	ck_assert_int_eq(dflt_http->alpha, 0);
	ck_assert_uint_eq(dflt_dns->retry, 3);
	ck_assert_uint_eq(dflt_dns->delay_before_retry_ms, UINT64_MAX);
	ck_assert_uint_eq(dflt_misc->retry, 0);
	ck_assert_uint_eq(dflt_misc->delay_before_retry_ms, 1000);
	vs = config_get(conf, CFG_VIRTUAL_SERVER, 0);
	ck_assert_int_eq(vs->sorry_method, LVS_TUN);
	ck_assert_int_eq(vs->sorry_tun_type, 1);
	ck_assert_uint_eq(vs->sorry_tun_port, 6080);
	ck_assert_int_eq(((const struct cfg_virtual_server *)config_get(conf, CFG_VIRTUAL_SERVER, 1))->sorry_method, -1);
	config_free(conf);
	cfg_diag_free(&diag);
	/* keepalived's persistence_timeout without a value: 6 minutes */
	conf = load("virtual_server 192.0.2.10 80 {\n  persistence_timeout\n  real_server 198.51.100.1 80 {\n  }\n}\n",
		    &diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(((const struct cfg_virtual_server *)config_get(conf, CFG_VIRTUAL_SERVER, 0))->persistence_timeout, 360);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

/* keepalived's `notify_up SCRIPT [USER [GROUP]]`: a quoted command keeps its arguments, the words after it
 * are who runs it; a reload that changes only the user is a change. */
START_TEST(script_and_user)
{
	static const char fmt[] =
		"virtual_server 192.0.2.10 80 {\n  quorum_up /bin/up\n  quorum_down \"/bin/echo down\" %s\n"
		"  real_server 198.51.100.1 80 {\n    notify_up \"/bin/echo up now\" nobody\n"
		"    notify_down /bin/echo down\n  }\n}\n";
	char text[512];
	struct cfg_diag diag, diag2;
	struct config *conf, *other;
	const struct cfg_virtual_server *vs;
	const struct cfg_real_server *rs;

	snprintf(text, sizeof(text), fmt, "nobody root");
	conf = load(text, &diag);
	print_errors(&diag);
	ck_assert_ptr_nonnull(conf);
	vs = config_get(conf, CFG_VIRTUAL_SERVER, 0);
	rs = config_get(conf, CFG_REAL_SERVER, 0);
	ck_assert_str_eq(config_text(conf, vs->quorum_up), "/bin/up");
	ck_assert_str_eq(config_text(conf, vs->quorum_up_user), "");
	ck_assert_str_eq(config_text(conf, vs->quorum_down), "/bin/echo down");
	ck_assert_str_eq(config_text(conf, vs->quorum_down_user), "nobody root");
	ck_assert_str_eq(config_text(conf, rs->notify_up), "/bin/echo up now");
	ck_assert_str_eq(config_text(conf, rs->notify_up_user), "nobody");
	/* unquoted: as in keepalived the second word is a user, and there is none called "down" */
	ck_assert_str_eq(config_text(conf, rs->notify_down), "/bin/echo");
	ck_assert_str_eq(config_text(conf, rs->notify_down_user), "down");
	ck_assert_uint_eq(diag.nwarnings, 1);
	ck_assert(strstr(diag.warnings[0], "no user 'down' here to run /bin/echo as") != NULL);
	snprintf(text, sizeof(text), fmt, "nobody");
	other = load(text, &diag2);
	ck_assert_ptr_nonnull(other);
	ck_assert(!config_same_for(conf, other, CHILD_IPVS));
	config_free(other);
	cfg_diag_free(&diag2);
	other = load(text, &diag2);
	snprintf(text, sizeof(text), fmt, "nobody");
	config_free(conf);
	cfg_diag_free(&diag);
	conf = load(text, &diag);
	ck_assert(config_same_for(conf, other, CHILD_IPVS));
	config_free(other);
	cfg_diag_free(&diag2);
	/* more than SCRIPT USER GROUP */
	config_free(conf);
	cfg_diag_free(&diag);
	conf = load("virtual_server 192.0.2.10 80 {\n  quorum_up /bin/up a b c\n}\n", &diag);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(diag.nerrors, 1);
	cfg_diag_free(&diag);
}
END_TEST

START_TEST(bad_checker_keywords)
{
	const struct bad_case *bc = &bad_cases[_i];
	char text[1024];
	struct cfg_diag diag;
	struct config *conf;

	snprintf(text, sizeof(text), "virtual_server 192.0.2.10 80 {\n real_server 198.51.100.1 80 {\n %s\n }\n}\n",
		 bc->checker);
	conf = load(text, &diag);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(diag.nerrors, 1);
	ck_assert_msg(strstr(diag.errors[0], bc->error) != NULL, "'%s' lacks '%s'", diag.errors[0], bc->error);
	cfg_diag_free(&diag);
}
END_TEST

START_TEST(recovered_checker_keywords)
{
	const struct bad_case *rc = &recovered_cases[_i];
	char text[1024];
	struct cfg_diag diag;
	struct config *conf;

	snprintf(text, sizeof(text), "track_file t {\n file /nonexistent/t\n}\n"
		 "virtual_server 192.0.2.10 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
		 " real_server 198.51.100.1 80 {\n %s\n }\n}\n", rc->checker);
	conf = load(text, &diag);
	print_errors(&diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(diag.nrecovered, 1);
	ck_assert_msg(strstr(diag.recovered[0], rc->error) != NULL, "'%s' lacks '%s'", diag.recovered[0], rc->error);
	ck_assert_uint_eq(conf->count[CFG_CHECKER], 1);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

START_TEST(dropped_checkers)
{
	const struct bad_case *dc = &dropped_cases[_i];
	char text[1024];
	struct cfg_diag diag;
	struct config *conf;

	snprintf(text, sizeof(text), "virtual_server 192.0.2.10 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
		 " real_server 198.51.100.1 80 {\n %s\n }\n}\n", dc->checker);
	conf = load(text, &diag);
	print_errors(&diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_ge(diag.nrecovered, 1);
	ck_assert_msg(strstr(diag.recovered[0], dc->error) != NULL, "'%s' lacks '%s'", diag.recovered[0], dc->error);
	ck_assert_uint_eq(conf->count[CFG_CHECKER], 0);
	ck_assert_uint_eq(conf->count[CFG_CHECK_URL], 0);
	ck_assert_uint_eq(conf->count[CFG_REAL_SERVER], 1);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

START_TEST(one_ssl_block)
{
	struct cfg_diag diag;
	struct config *conf = load("SSL {\n ca /a\n}\nSSL {\n ca /b\n}\n", &diag);

	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(diag.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(diag.errors[0], "only one SSL block"));
	cfg_diag_free(&diag);
	/* keepalived accepts it */
	conf = load("SSL {\n certificate /a\n}\n", &diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_ptr_nonnull(strstr(diag.warnings[0], "certificate and key go together"));
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

/* keepalived 1's SMTP_CHECK host { } blocks become one checker each, with the checker's settings. */
START_TEST(smtp_host_blocks)
{
	struct cfg_diag diag;
	struct config *conf = load("virtual_server 192.0.2.10 25 {\n real_server 198.51.100.1 25 {\n"
				   "  SMTP_CHECK {\n   connect_timeout 7\n"
				   "   host {\n    connect_ip 198.51.100.7\n   }\n"
				   "   host {\n    connect_ip 198.51.100.8\n    connect_port 2525\n   }\n"
				   "   helo_name lb.example\n  }\n }\n}\n", &diag);
	const struct cfg_checker *a, *b;

	print_errors(&diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(conf->count[CFG_CHECKER], 2);
	ck_assert_uint_eq(diag.nwarnings, 1);
	a = config_get(conf, CFG_CHECKER, 0);
	b = config_get(conf, CFG_CHECKER, 1);
	ck_assert_uint_eq(a->connect_ip.addr[3], 7);
	ck_assert_uint_eq(a->connect_port, 0);
	ck_assert_uint_eq(b->connect_ip.addr[3], 8);
	ck_assert_uint_eq(b->connect_port, 2525);
	ck_assert_uint_eq(b->hdr.id, 2);
	ck_assert_uint_eq(b->hdr.parent, a->hdr.parent);
	ck_assert_str_eq(a->helo_name, "lb.example");
	ck_assert_str_eq(b->helo_name, "lb.example");
	ck_assert_uint_eq(b->connect_timeout_ms, 7000);
	config_free(conf);
	cfg_diag_free(&diag);
}
END_TEST

/* What crosses to the child is terminated there even if the sender was not careful. */
START_TEST(strings_terminated_on_receipt)
{
	struct config *conf = config_new();
	struct cfg_checker c;
	const struct cfg_checker *got;

	memset(&c, 'A', sizeof(c));
	c.hdr.kind = CFG_CHECKER;
	ck_assert_int_eq(config_add_copy(conf, CFG_CHECKER, &c, sizeof(c)), 0);
	got = config_get(conf, CFG_CHECKER, 0);
	/* texts hold offsets into the string table: one outside it reads as "" */
	ck_assert_str_eq(config_text(conf, got->misc_path), "");
	ck_assert_str_eq(config_text(conf, got->dns_name), "");
	ck_assert_uint_eq(strlen(got->sni_name), sizeof(got->sni_name) - 1);
	config_free(conf);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("checkers_conf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_checker_keyword);
	tcase_add_test(tc, settings_inherited);
	tcase_add_test(tc, script_and_user);
	tcase_add_loop_test(tc, bad_checker_keywords, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_loop_test(tc, recovered_checker_keywords, 0,
			    (int)(sizeof(recovered_cases) / sizeof(recovered_cases[0])));
	tcase_add_loop_test(tc, dropped_checkers, 0, (int)(sizeof(dropped_cases) / sizeof(dropped_cases[0])));
	tcase_add_test(tc, one_ssl_block);
	tcase_add_test(tc, smtp_host_blocks);
	tcase_add_test(tc, strings_terminated_on_receipt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
