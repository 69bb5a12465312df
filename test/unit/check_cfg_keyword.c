/* Stage 2 of the parser: value parsers, generic keyword handlers, the schema, object copies over IPC. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "lib/cfg.h"
#include "lib/config.h"
#include "lib/ipc.h"

/* ---- value parsers ---- */

START_TEST(durations)
{
	uint64_t ms;

	ck_assert_int_eq(cfg_parse_duration_ms("1", &ms), 0);
	ck_assert_uint_eq(ms, 1000);
	ck_assert_int_eq(cfg_parse_duration_ms("0.25", &ms), 0);
	ck_assert_uint_eq(ms, 250);
	ck_assert_int_eq(cfg_parse_duration_ms("0.01", &ms), 0);
	ck_assert_uint_eq(ms, 10);
	ck_assert_int_eq(cfg_parse_duration_ms("2.5000", &ms), 0);
	ck_assert_uint_eq(ms, 2500);
	ck_assert_int_eq(cfg_parse_duration_ms("0.0005", &ms), -1);	/* finer than 1 ms */
	ck_assert_int_eq(cfg_parse_duration_ms("", &ms), -1);
	ck_assert_int_eq(cfg_parse_duration_ms("1.", &ms), -1);
	ck_assert_int_eq(cfg_parse_duration_ms(".5", &ms), -1);
	ck_assert_int_eq(cfg_parse_duration_ms("-1", &ms), -1);
	ck_assert_int_eq(cfg_parse_duration_ms("1s", &ms), -1);
	ck_assert_int_eq(cfg_parse_duration_ms("99999999999", &ms), -1);
}
END_TEST

START_TEST(integers)
{
	int64_t v;

	ck_assert_int_eq(cfg_parse_int("255", 1, 255, &v), 0);
	ck_assert_int_eq(v, 255);
	ck_assert_int_eq(cfg_parse_int("-3", -5, 5, &v), 0);
	ck_assert_int_eq(v, -3);
	ck_assert_int_eq(cfg_parse_int("256", 1, 255, &v), -1);
	ck_assert_int_eq(cfg_parse_int("0", 1, 255, &v), -1);
	ck_assert_int_eq(cfg_parse_int("12a", 0, 100, &v), -1);
	ck_assert_int_eq(cfg_parse_int("", 0, 100, &v), -1);
	ck_assert_int_eq(cfg_parse_int("99999999999999999999", 0, INT64_MAX, &v), -1);
}
END_TEST

START_TEST(addresses)
{
	struct cfg_addr a;
	char buf[64];

	ck_assert_int_eq(cfg_parse_addr("192.0.2.10", false, &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(a.prefix, 32);
	ck_assert_int_eq(a.addr[3], 10);
	ck_assert_int_eq(cfg_parse_addr("2001:db8::1/64", true, &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(a.prefix, 64);
	ck_assert_int_eq(cfg_format_addr(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2001:db8::1");
	ck_assert_int_eq(cfg_parse_addr("192.0.2.10/24", false, &a), -1);
	ck_assert_int_eq(cfg_parse_addr("192.0.2.10/33", true, &a), -1);
	ck_assert_int_eq(cfg_parse_addr("192.0.2.300", false, &a), -1);
	ck_assert_int_eq(cfg_parse_addr("eth0", false, &a), -1);
	ck_assert_int_eq(cfg_parse_addr("/24", true, &a), -1);
}
END_TEST

/* ---- generic handlers on a table of the test's own: adding a keyword is one line ---- */

struct sample {
	struct cfg_obj hdr;
	char name[8];
	char cmd[16];
	uint32_t count;
	int32_t weight;
	uint8_t on;
	bool enabled;
	int32_t color;
	struct cfg_addr addr;
	uint64_t delay_ms;
	uint16_t small;
};

static const struct cfg_enum colors[] = { { "red", 1 }, { "green", 2 }, { NULL, 0 } };
static const struct cfg_block sample_sub;

#define F(field) CFG_FIELD(struct sample, field)
static const struct cfg_keyword sample_keywords[] = {
	{ "name", cfg_kw_string, F(name), 0, 0, NULL, 0 },
	{ "cmd", cfg_kw_command, F(cmd), 0, 0, NULL, 0 },
	{ "count", cfg_kw_uint, F(count), 1, 10, NULL, 0 },
	{ "weight", cfg_kw_int, F(weight), -5, 5, NULL, 0 },
	{ "on", cfg_kw_flag, F(on), 0, 0, NULL, 0 },
	{ "off", cfg_kw_unflag, F(on), 0, 0, NULL, 0 },
	{ "enabled", cfg_kw_bool, F(enabled), 0, 0, NULL, 0 },
	{ "color", cfg_kw_enum, F(color), 0, 0, colors, 0 },
	{ "addr", cfg_kw_addr, F(addr), 0, 0, NULL, 0 },
	{ "delay", cfg_kw_duration, F(delay_ms), 10, 60000, NULL, 0 },
	{ "small", cfg_kw_uint, F(small), 0, 65535, NULL, 0 },
	{ "old_count", cfg_kw_uint, F(count), 1, 10, "count", CFG_KW_DEPRECATED },
	{ "mail", cfg_kw_ignore, 0, 0, 0, 0, "no mail here", CFG_KW_MAYBE_BLOCK },
	{ "sub", cfg_kw_subblock, 0, 0, 0, 0, &sample_sub, CFG_KW_BLOCK },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
static const struct cfg_keyword sample_sub_keywords[] = {
	{ "weight", cfg_kw_int, F(weight), -5, 5, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, 0, NULL, 0 },
};
#undef F
static const struct cfg_block sample_block = { "sample", sample_keywords, NULL };
static const struct cfg_block sample_sub = { "sub", sample_sub_keywords, NULL };

struct walked {
	struct cfg_source src;
	struct cfg_diag diag;
	struct sample obj;
	int errors;
};

static void
walk_text(struct walked *w, const char *text)
{
	struct cfg_ctx ctx;

	memset(w, 0, sizeof(*w));
	cfg_read_string("t.conf", text, NULL, &w->src, &w->diag);
	ck_assert_uint_eq(w->diag.nerrors, 0);
	ctx = (struct cfg_ctx){ .diag = &w->diag, .files = &w->src.files };
	w->errors = cfg_walk(&ctx, &sample_block, w->src.root, &w->obj);
}

static void
walked_free(struct walked *w)
{
	cfg_source_free(&w->src);
	cfg_diag_free(&w->diag);
}

/* The text of the only error of a walk. */
static void
assert_error(const char *text, const char *expected)
{
	struct walked w;

	walk_text(&w, text);
	ck_assert_int_eq(w.errors, 1);
	ck_assert_uint_eq(w.diag.nerrors, 1);
	ck_assert_str_eq(w.diag.errors[0], expected);
	walked_free(&w);
}

START_TEST(handlers_store_values)
{
	struct walked w;

	walk_text(&w, "name abc\ncmd /bin/echo \"a b\" c\ncount 7\nweight -5\non\nenabled off\ncolor GREEN\n"
		      "addr 2001:db8::7\ndelay 0.5\nsmall 65535\nsub {\n weight 4\n}\n");
	ck_assert_int_eq(w.errors, 0);
	ck_assert_str_eq(w.obj.name, "abc");
	ck_assert_str_eq(w.obj.cmd, "/bin/echo a b c");
	ck_assert_uint_eq(w.obj.count, 7);
	ck_assert_int_eq(w.obj.weight, 4);	/* the sub-block's line came last */
	ck_assert_uint_eq(w.obj.on, 1);
	ck_assert(!w.obj.enabled);
	ck_assert_int_eq(w.obj.color, 2);
	ck_assert_int_eq(w.obj.addr.family, AF_INET6);
	ck_assert_uint_eq(w.obj.delay_ms, 500);
	ck_assert_uint_eq(w.obj.small, 65535);
	walked_free(&w);

	walk_text(&w, "on\noff\nenabled\n");
	ck_assert_uint_eq(w.obj.on, 0);
	ck_assert(w.obj.enabled);
	walked_free(&w);
}
END_TEST

/* keepalived logs an unknown keyword and reads on: so does vipd, and --strict refuses it */
START_TEST(unknown_keyword_is_recovered)
{
	struct walked w;

	walk_text(&w, "count 3\n\nnope 1\nnope_block {\n count 9\n}\nname abc\n");
	ck_assert_int_eq(w.errors, 0);
	ck_assert_uint_eq(w.diag.nrecovered, 2);
	ck_assert_str_eq(w.diag.recovered[0], "t.conf:3: nope: unknown keyword in sample; ignored");
	ck_assert_str_eq(w.diag.recovered[1], "t.conf:4: nope_block: unknown keyword in sample; ignored with its block");
	ck_assert_uint_eq(w.obj.count, 3);	/* the skipped block's count 9 was not read */
	ck_assert_str_eq(w.obj.name, "abc");
	walked_free(&w);

	memset(&w, 0, sizeof(w));
	cfg_read_string("t.conf", "nope 1\nname abc\n", NULL, &w.src, &w.diag);
	w.diag.strict = true;
	{
		struct cfg_ctx ctx = { .diag = &w.diag, .files = &w.src.files };

		ck_assert_int_eq(cfg_walk(&ctx, &sample_block, w.src.root, &w.obj), 1);
	}
	ck_assert_uint_eq(w.diag.nrecovered, 0);
	ck_assert_str_eq(w.diag.errors[0], "t.conf:1: nope: unknown keyword in sample; ignored");
	walked_free(&w);
}
END_TEST

START_TEST(handler_errors_name_file_line_keyword)
{
	assert_error("name\n", "t.conf:1: name: missing argument");
	assert_error("name a b\n", "t.conf:1: name: too many arguments (2, takes 1)");
	assert_error("name abcdefgh\n", "t.conf:1: name: too long (8 characters, at most 7)");
	assert_error("cmd aaaaaaaa bbbbbbbb\n", "t.conf:1: cmd: too long (at most 15 characters)");
	assert_error("count 11\n", "t.conf:1: count: '11' is not a number from 1 to 10");
	assert_error("weight -6\n", "t.conf:1: weight: '-6' is not a number from -5 to 5");
	assert_error("on 1\n", "t.conf:1: on: too many arguments (1, takes 0)");
	assert_error("enabled maybe\n", "t.conf:1: enabled: 'maybe' is not one of on, off, yes, no, true, false");
	assert_error("color blue\n", "t.conf:1: color: 'blue' is not one of red, green");
	assert_error("addr 10.0.0.256\n", "t.conf:1: addr: '10.0.0.256' is not an IPv4 or IPv6 address");
	assert_error("delay 0.001\n", "t.conf:1: delay: 0.001 s is out of range (0.010 to 60.000 s)");
	assert_error("delay soon\n", "t.conf:1: delay: 'soon' is not a duration in seconds (like 1 or 0.25)");
	assert_error("sub\n", "t.conf:1: sub: needs a { ... } block");
	assert_error("count 3 {\n}\n", "t.conf:1: count: takes no { ... } block");
	assert_error("sub {\n weight 9\n}\n", "t.conf:2: weight: '9' is not a number from -5 to 5");
}
END_TEST

START_TEST(warnings_for_deprecated_and_ignored)
{
	struct walked w;

	walk_text(&w, "old_count 4\nmail {\n a@b\n}\n");
	ck_assert_int_eq(w.errors, 0);
	ck_assert_uint_eq(w.obj.count, 4);
	ck_assert_uint_eq(w.diag.nwarnings, 2);
	ck_assert_str_eq(w.diag.warnings[0], "t.conf:1: old_count: deprecated, use count");
	ck_assert_str_eq(w.diag.warnings[1], "t.conf:2: mail: accepted for compatibility and ignored: no mail here");
	walked_free(&w);
}
END_TEST

/* ---- the schema, through conf_load ---- */

static char *
write_conf(const char *text)
{
	char *path = strdup("/tmp/vipd-unit-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char full_conf[] =
	"global_defs {\n"
	"  router_id lb1\n"
	"  lvs_sync_daemon eth1 VI_1 id 9 maxlen 1400 port 8850 ttl 2 group 224.0.0.90\n"
	"  lvs_timeouts tcp 7200 udp 60\n"
	"  notification_email {\n    ops@example.com\n  }\n"
	"}\n"
	"vrrp_script chk {\n  script \"/bin/true\"\n  weight -20\n  interval 0.5\n}\n"
	"vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 51\n  version 3\n"
	"  advert_int 0.1\n  nopreempt\n}\n"
	"vrrp_sync_group G {\n  group {\n    VI_1\n  }\n}\n"
	"virtual_server_group WEB {\n  192.0.2.1-5 80\n  2001:db8::1-1f 443\n  fwmark 7\n}\n"
	"virtual_server 192.0.2.10 80 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  persistence_timeout 300\n"
	"  sorry_server 198.51.100.9 8080\n"
	"  real_server 198.51.100.21 80 {\n    weight 3\n    TCP_CHECK {\n      connect_timeout 2\n"
	"      retry 4\n    }\n  }\n"
	"  real_server 198.51.100.22 80 {\n    MISC_CHECK {\n      misc_path \"/bin/check 1\"\n    }\n  }\n"
	"}\n"
	"virtual_server fwmark 7 {\n  real_server 198.51.100.23 80 {\n  }\n}\n"
	"virtual_server group WEB {\n  real_server 198.51.100.24 80 {\n  }\n}\n"
	"bfd_instance up1 {\n  neighbor_ip 192.0.2.254\n}\n"
	"global_defs {\n  metrics_listen [::1]:9650\n}\n";

START_TEST(schema_from_a_full_config)
{
	char *path = write_conf(full_conf);
	struct cfg_diag diag;
	struct config *conf = conf_load(path, "lb1", &diag);
	struct cfg_vrrp_instance *vi;
	struct cfg_virtual_server *vs;
	struct cfg_real_server *rs;
	struct cfg_checker *ck;
	struct cfg_vs_group_entry *e;
	const struct cfg_lvs_sync_daemon *sd;

	for (size_t i = 0; i < diag.nerrors; i++)
		fprintf(stderr, "%s\n", diag.errors[i]);
	ck_assert_ptr_nonnull(conf);
	ck_assert_str_eq(conf->global->router_id, "lb1");
	sd = &conf->global->lvs_sync_daemon;
	ck_assert(sd->enabled);
	ck_assert_str_eq(sd->interface, "eth1");
	ck_assert_str_eq(sd->instance, "VI_1");
	ck_assert_uint_eq(sd->syncid, 9);
	ck_assert_uint_eq(sd->maxlen, 1400);
	ck_assert_uint_eq(sd->port, 8850);
	ck_assert_uint_eq(sd->ttl, 2);
	ck_assert_uint_eq(sd->group.addr[3], 90);
	ck_assert_uint_eq(conf->global->lvs_timeout_tcp, 7200);
	ck_assert_uint_eq(conf->global->lvs_timeout_tcpfin, 0);
	ck_assert_uint_eq(conf->global->lvs_timeout_udp, 60);
	ck_assert_uint_eq(diag.nwarnings, 1);	/* notification_email ignored */

	vi = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_str_eq(vi->name, "VI_1");
	ck_assert_int_eq(vi->state, VRRP_WANT_MASTER);
	ck_assert_uint_eq(vi->priority, 255);	/* keepalived: state MASTER without a priority is the owner */
	ck_assert_uint_eq(vi->advert_int_ms, 100);
	/* keepalived clears nopreempt with state MASTER (an error it runs past): the instance preempts */
	ck_assert(!vi->nopreempt);
	ck_assert_uint_eq(vi->hdr.pos.line, 14);

	ck_assert_uint_eq(conf->count[CFG_VIRTUAL_SERVER], 3);
	vs = config_get(conf, CFG_VIRTUAL_SERVER, 0);
	ck_assert_str_eq(vs->sched, "rr");
	ck_assert_int_eq(vs->method, LVS_DR);
	ck_assert_int_eq(vs->protocol, PROTO_TCP);
	ck_assert_uint_eq(vs->port, 80);
	ck_assert_uint_eq(vs->persistence_timeout, 300);
	ck_assert_uint_eq(vs->sorry_server_port, 80);	/* DR: the service's port, as keepalived */
	ck_assert_uint_eq(((struct cfg_virtual_server *)config_get(conf, CFG_VIRTUAL_SERVER, 1))->fwmark, 7);
	ck_assert_str_eq(((struct cfg_virtual_server *)config_get(conf, CFG_VIRTUAL_SERVER, 2))->group, "WEB");

	ck_assert_uint_eq(conf->count[CFG_REAL_SERVER], 4);
	rs = config_get(conf, CFG_REAL_SERVER, 0);
	ck_assert_uint_eq(rs->hdr.parent, vs->hdr.id);
	ck_assert_int_eq(rs->weight, 3);
	ck_assert_int_eq(rs->method, -1);
	rs = config_get(conf, CFG_REAL_SERVER, 2);
	ck_assert_uint_eq(rs->hdr.parent, 2);	/* the fwmark service */
	ck_assert_int_eq(rs->weight, 1);

	ck_assert_uint_eq(conf->count[CFG_CHECKER], 2);
	ck = config_get(conf, CFG_CHECKER, 0);
	ck_assert_int_eq(ck->type, CHECK_TCP);
	ck_assert_uint_eq(ck->hdr.parent, 1);
	ck_assert_uint_eq(ck->connect_timeout_ms, 2000);
	ck_assert_uint_eq(ck->retry, 4);
	ck = config_get(conf, CFG_CHECKER, 1);
	ck_assert_int_eq(ck->type, CHECK_MISC);
	ck_assert_uint_eq(ck->hdr.parent, 2);
	ck_assert_str_eq(config_text(conf, ck->misc_path), "/bin/check 1");

	ck_assert_uint_eq(conf->count[CFG_VS_GROUP_ENTRY], 3);
	e = config_get(conf, CFG_VS_GROUP_ENTRY, 0);
	ck_assert_uint_eq(e->addr.addr[3], 1);
	ck_assert_uint_eq(e->last.addr[3], 5);
	ck_assert_uint_eq(e->port, 80);
	e = config_get(conf, CFG_VS_GROUP_ENTRY, 1);
	ck_assert_uint_eq(e->last.addr[15], 0x1f);
	ck_assert_uint_eq(((struct cfg_vs_group_entry *)config_get(conf, CFG_VS_GROUP_ENTRY, 2))->fwmark, 7);

	ck_assert_uint_eq(config_children_needed(conf), CHILD_ALL);
	ck_assert_uint_eq(conf->global->metrics_listen.addr.family, AF_INET6);
	ck_assert_uint_eq(conf->global->metrics_listen.addr.addr[15], 1);
	ck_assert_uint_eq(conf->global->metrics_listen.port, 9650);
	config_free(conf);
	cfg_diag_free(&diag);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(children_needed_follow_the_config)
{
	char *path = write_conf("vrrp_instance A {\n interface lo\n virtual_router_id 1\n}\n");
	struct cfg_diag diag;
	struct config *conf = conf_load(path, NULL, &diag);

	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(config_children_needed(conf), CHILD_BIT(CHILD_VRRP));
	config_free(conf);
	cfg_diag_free(&diag);
	unlink(path);
	free(path);

	path = write_conf("global_defs {\n lvs_sync_daemon eth0\n}\n");
	conf = conf_load(path, NULL, &diag);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(config_children_needed(conf), CHILD_BIT(CHILD_SYNC));
	config_free(conf);
	cfg_diag_free(&diag);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(required_keywords_and_range_checks)
{
	char *path = write_conf("vrrp_instance A {\n priority 50\n}\n"
				"vrrp_instance B {\n interface lo\n virtual_router_id 2\n version 3\n advert_int 41\n}\n"
				"vrrp_script s {\n}\n"
				"virtual_server 192.0.2.1 80 {\n ip_family inet6\n}\n");
	struct cfg_diag diag;
	struct config *conf = conf_load(path, NULL, &diag);
	char expect[256];

	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(diag.nerrors, 2);
	snprintf(expect, sizeof(expect), "%s:1: vrrp_instance: A: needs an interface (keepalived stops at start "
		 "without one)", path);
	ck_assert_str_eq(diag.errors[0], expect);
	snprintf(expect, sizeof(expect), "%s:1: vrrp_instance: A: needs a virtual_router_id from 1 to 255 "
		 "(keepalived stops at start without one)", path);
	ck_assert_str_eq(diag.errors[1], expect);
	/* what keepalived runs past: the advert interval lowered, the empty vrrp_script removed, the
	 * virtual_server's contradicting ip_family ignored, and (0 and 2) instances without addresses */
	ck_assert_uint_eq(diag.nrecovered, 5);
	ck_assert_ptr_nonnull(strstr(diag.recovered[0], ":1: vrrp_instance: A: no virtual_ipaddress"));
	ck_assert_ptr_nonnull(strstr(diag.recovered[2], ":4: vrrp_instance: B: no virtual_ipaddress"));
	snprintf(expect, sizeof(expect), "%s:4: vrrp_instance: B: advert_int 41.000 s cannot be carried by VRRP "
		 "version 3; using 40.950 s, as keepalived does", path);
	ck_assert_str_eq(diag.recovered[1], expect);
	snprintf(expect, sizeof(expect), "%s:11: vrrp_script: s: no script; this vrrp_script is removed, as "
		 "keepalived does", path);
	ck_assert_str_eq(diag.recovered[3], expect);
	snprintf(expect, sizeof(expect), "%s:13: ip_family: inet6 contradicts the address of the virtual_server; "
		 "ignored", path);
	ck_assert_str_eq(diag.recovered[4], expect);
	cfg_diag_free(&diag);
	unlink(path);
	free(path);
}
END_TEST

/* ---- objects copied into a child's config ---- */

START_TEST(copies_check_size_and_terminate_strings)
{
	struct config *conf = config_new();
	struct cfg_vrrp_instance vi;
	struct cfg_global g;
	struct cfg_vrrp_instance *got;

	ck_assert_ptr_nonnull(conf);
	memset(&vi, 'A', sizeof(vi));
	ck_assert_int_eq(config_add_copy(conf, CFG_VRRP_INSTANCE, &vi, sizeof(vi) - 1), -1);
	ck_assert_int_eq(config_add_copy(conf, CFG_KIND_MAX, &vi, sizeof(vi)), -1);
	ck_assert_int_eq(config_add_copy(conf, CFG_VRRP_INSTANCE, &vi, sizeof(vi)), 0);
	got = config_get(conf, CFG_VRRP_INSTANCE, 0);
	ck_assert_uint_eq(strlen(got->name), sizeof(got->name) - 1);
	ck_assert_uint_eq(strlen(got->interface), sizeof(got->interface) - 1);
	ck_assert_uint_eq(strlen(got->notify_master), sizeof(got->notify_master) - 1);
	ck_assert_uint_eq(got->hdr.kind, CFG_VRRP_INSTANCE);

	/* the global object replaces the default one rather than adding a second */
	memset(&g, 0, sizeof(g));
	strcpy(g.router_id, "from-parent");
	ck_assert_int_eq(config_add_copy(conf, CFG_GLOBAL, &g, sizeof(g)), 0);
	ck_assert_uint_eq(conf->count[CFG_GLOBAL], 1);
	ck_assert_str_eq(conf->global->router_id, "from-parent");
	config_free(conf);
}
END_TEST

START_TEST(a_config_crosses_a_socketpair)
{
	char *path = write_conf(full_conf);
	struct cfg_diag diag;
	struct config *conf = conf_load(path, NULL, &diag), *copy = config_new();
	struct ipc_peer a, b;
	struct ipc_msg msg;
	int fds[2];
	size_t sent = 0, received = 0;

	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(ipc_socketpair(fds), 0);
	ipc_peer_init(&a, fds[0], "a");
	ipc_peer_init(&b, fds[1], "b");
	/* what the checkers child gets: BEGIN, STRINGS, the objects many to a message, END */
	conf->generation = 7;
	ck_assert_int_eq(ipc_send_config(&a, conf, CHILD_CHECKERS), 0);
	for (unsigned k = 0; k < CFG_KIND_MAX; k++)
		if (cfg_kind_info(k)->children & CHILD_BIT(CHILD_CHECKERS))
			sent += conf->count[k];
	for (bool end = false; !end;) {
		ck_assert_int_ge(ipc_flush(&a), 0);
		while (!end && ipc_read(&b, &msg) == IPC_OK) {
			end = msg.type == IPC_CFG_END;
			if (msg.type == IPC_CFG_BEGIN || end)
				ck_assert_uint_eq(((const struct ipc_cfg_mark *)msg.data)->generation, 7);
			else
				ck_assert_int_eq(ipc_config_take(copy, &msg, CHILD_CHECKERS), 0);
			received++;
		}
	}
	/* BEGIN, STRINGS, END and fewer object messages than objects */
	ck_assert_uint_lt(received, sent);
	for (unsigned k = 0; k < CFG_KIND_MAX; k++) {
		if (!(cfg_kind_info(k)->children & CHILD_BIT(CHILD_CHECKERS)))
			continue;
		ck_assert_uint_eq(copy->count[k], conf->count[k]);
		for (size_t i = 0; i < conf->count[k]; i++)
			ck_assert_mem_eq(copy->objs[k][i], conf->objs[k][i], cfg_kind_info(k)->size);
	}
	ck_assert_uint_eq(copy->count[CFG_VRRP_INSTANCE], 0);	/* not the checkers' */
	ck_assert_str_eq(config_text(copy, ((struct cfg_checker *)config_get(copy, CFG_CHECKER, 1))->misc_path),
			 "/bin/check 1");
	ck_assert(config_same_for(conf, copy, CHILD_CHECKERS));
	ck_assert(!config_same_for(conf, copy, CHILD_VRRP));
	/* an object of a kind the child does not get is refused */
	{
		unsigned char buf[sizeof(struct ipc_cfg_object) + sizeof(struct cfg_vrrp_instance)] = { 0 };
		struct ipc_cfg_object h = { .kind = CFG_VRRP_INSTANCE, .size = sizeof(struct cfg_vrrp_instance) };
		struct ipc_msg m = { .type = IPC_CFG_OBJECT, .data = buf, .len = sizeof(buf) };

		memcpy(buf, &h, sizeof(h));
		ck_assert_int_eq(ipc_config_take(copy, &m, CHILD_CHECKERS), -1);
		ck_assert_int_eq(ipc_config_take(copy, &m, CHILD_VRRP), 0);
		m.len--;
		ck_assert_int_eq(ipc_config_take(copy, &m, CHILD_VRRP), -1);
	}
	ipc_peer_close(&a);
	ipc_peer_close(&b);
	config_free(conf);
	config_free(copy);
	cfg_diag_free(&diag);
	unlink(path);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cfg_keyword");
	TCase *tc = tcase_create("all");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, durations);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, handlers_store_values);
	tcase_add_test(tc, unknown_keyword_is_recovered);
	tcase_add_test(tc, handler_errors_name_file_line_keyword);
	tcase_add_test(tc, warnings_for_deprecated_and_ignored);
	tcase_add_test(tc, schema_from_a_full_config);
	tcase_add_test(tc, children_needed_follow_the_config);
	tcase_add_test(tc, required_keywords_and_range_checks);
	tcase_add_test(tc, copies_check_size_and_terminate_strings);
	tcase_add_test(tc, a_config_crosses_a_socketpair);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
