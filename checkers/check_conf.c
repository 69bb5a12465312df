/* Keywords of the checker blocks inside real_server (TCP_CHECK, HTTP_GET, ...). */
#include <string.h>

#include "checkers/checkers.h"
#include "lib/config.h"

#define MS(s) ((int64_t)(s) * 1000)
#define C(field) CFG_FIELD(struct cfg_checker, field)

/* Keywords every checker accepts. */
#define CHECK_COMMON_KEYWORDS \
	{ "connect_ip", cfg_kw_addr, C(connect_ip), 0, 0, NULL, 0 }, \
	{ "connect_port", cfg_kw_uint, C(connect_port), 1, 65535, NULL, 0 }, \
	{ "bindto", cfg_kw_addr, C(bindto), 0, 0, NULL, 0 }, \
	{ "bind_port", cfg_kw_uint, C(bind_port), 1, 65535, NULL, 0 }, \
	{ "connect_timeout", cfg_kw_duration, C(connect_timeout_ms), 1, MS(3600), NULL, 0 }, \
	{ "retry", cfg_kw_uint, C(retry), 0, 1000000, NULL, 0 }, \
	{ "nb_get_retry", cfg_kw_uint, C(retry), 0, 1000000, "retry", CFG_KW_DEPRECATED }, \
	{ "delay_before_retry", cfg_kw_duration, C(delay_before_retry_ms), 0, MS(86400), NULL, 0 }, \
	{ "delay_loop", cfg_kw_duration, C(delay_loop_ms), 10, MS(86400), NULL, 0 }, \
	{ "warmup", cfg_kw_duration, C(warmup_ms), 0, MS(86400), NULL, 0 }, \
	{ "alpha", cfg_kw_flag, C(alpha), 0, 0, NULL, 0 }, \
	{ "fwmark", cfg_kw_uint, C(fwmark), 1, UINT32_MAX, NULL, 0 }

#define END_KEYWORDS { NULL, NULL, 0, 0, 0, 0, NULL, 0 }

static const struct cfg_keyword common_keywords[] = { CHECK_COMMON_KEYWORDS, END_KEYWORDS };

static const struct cfg_keyword misc_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ "misc_path", cfg_kw_command, C(misc_path), 0, 0, NULL, 0 },
	{ "misc_timeout", cfg_kw_duration, C(misc_timeout_ms), 1, MS(86400), NULL, 0 },
	{ "misc_dynamic", cfg_kw_flag, C(misc_dynamic), 0, 0, NULL, 0 },
	{ "user", cfg_kw_command, C(user), 0, 0, NULL, 0 },
	END_KEYWORDS,
};

static const struct cfg_block tcp_block = { "TCP_CHECK", common_keywords, NULL };
static const struct cfg_block http_block = { "HTTP_GET", common_keywords, NULL };
static const struct cfg_block ssl_block = { "SSL_GET", common_keywords, NULL };
static const struct cfg_block misc_block = { "MISC_CHECK", misc_keywords, NULL };
static const struct cfg_block smtp_block = { "SMTP_CHECK", common_keywords, NULL };
static const struct cfg_block dns_block = { "DNS_CHECK", common_keywords, NULL };
static const struct cfg_block udp_block = { "UDP_CHECK", common_keywords, NULL };
static const struct cfg_block ping_block = { "PING_CHECK", common_keywords, NULL };
static const struct cfg_block file_block = { "FILE_CHECK", common_keywords, NULL };

static const char *const type_names[CHECK_TYPE_MAX] = {
	[CHECK_TCP] = "TCP_CHECK", [CHECK_HTTP] = "HTTP_GET", [CHECK_SSL] = "SSL_GET",
	[CHECK_MISC] = "MISC_CHECK", [CHECK_SMTP] = "SMTP_CHECK", [CHECK_DNS] = "DNS_CHECK",
	[CHECK_UDP] = "UDP_CHECK", [CHECK_PING] = "PING_CHECK", [CHECK_FILE] = "FILE_CHECK",
};

const char *
check_type_name(int type)
{
	return type >= 0 && type < CHECK_TYPE_MAX ? type_names[type] : "unknown";
}

static int
checker_type_from_keyword(const char *kw)
{
	for (int t = 0; t < CHECK_TYPE_MAX; t++)
		if (strcmp(type_names[t], kw) == 0)
			return t;
	return -1;
}

static int
checker_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	c->type = checker_type_from_keyword(st->argv[0]);
	c->connect_timeout_ms = 5000;
	c->retry = 1;
	c->delay_before_retry_ms = 1000;
	return c->type < 0 ? cfg_stmt_error(ctx, st, "not a checker") : 0;
}

static int
misc_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_checker *c = obj;

	return c->misc_path[0] == '\0' ? cfg_stmt_error(ctx, st, "needs misc_path") : 0;
}

#define CHECK_SPEC(block, finish) { CFG_CHECKER, &(block), 0, 0, checker_args, finish }
const struct cfg_object_spec check_tcp_spec = CHECK_SPEC(tcp_block, NULL);
const struct cfg_object_spec check_http_spec = CHECK_SPEC(http_block, NULL);
const struct cfg_object_spec check_ssl_spec = CHECK_SPEC(ssl_block, NULL);
const struct cfg_object_spec check_misc_spec = CHECK_SPEC(misc_block, misc_finish);
const struct cfg_object_spec check_smtp_spec = CHECK_SPEC(smtp_block, NULL);
const struct cfg_object_spec check_dns_spec = CHECK_SPEC(dns_block, NULL);
const struct cfg_object_spec check_udp_spec = CHECK_SPEC(udp_block, NULL);
const struct cfg_object_spec check_ping_spec = CHECK_SPEC(ping_block, NULL);
const struct cfg_object_spec check_file_spec = CHECK_SPEC(file_block, NULL);
