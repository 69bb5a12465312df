/* Keywords of the checker blocks inside real_server (TCP_CHECK, HTTP_GET, ...), url { } and SSL { }. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "checkers/checkers.h"
#include "ipvs/ipvs_conf.h"
#include "lib/config.h"

#define MS(s) ((int64_t)(s) * 1000)
#define C(field) CFG_FIELD(struct cfg_checker, field)
#define U(field) CFG_FIELD(struct cfg_check_url, field)
#define S(field) CFG_FIELD(struct cfg_ssl, field)

#define END_KEYWORDS { NULL, NULL, 0, 0, 0, 0, NULL, 0 }

/* ---- handlers for values the generic ones do not cover ---- */

/* `status_code 200 300-399 503`: numbers and ranges */
static int
kw_status_code(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_check_url *u = obj;

	if (cfg_nargs(ctx, st, 1, CFG_STATUS_RANGES) == -1)
		return -1;
	/* keepalived ignores a code it cannot read and keeps the others (none left: any 2xx) */
	u->nstatus = 0;
	for (int i = 1; i < st->argc; i++) {
		char lo[8];
		const char *dash = strchr(st->argv[i], '-');
		size_t n = dash ? (size_t)(dash - st->argv[i]) : strlen(st->argv[i]);
		int64_t a, b;

		if (n < sizeof(lo)) {
			memcpy(lo, st->argv[i], n);
			lo[n] = '\0';
		}
		if (n >= sizeof(lo) || cfg_parse_int(lo, 100, 599, &a) == -1 ||
		    cfg_parse_int(dash ? dash + 1 : lo, a, 599, &b) == -1) {
			cfg_stmt_recovered(ctx, st, "'%s' is not a status code (100-599) or a range of them; ignored",
					   st->argv[i]);
			continue;
		}
		u->status[u->nstatus].lo = (uint16_t)a;
		u->status[u->nstatus].hi = (uint16_t)b;
		u->nstatus++;
	}
	return 0;
}

/* `digest HEX`: an MD5, as genhash prints it */
static int
kw_digest(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_check_url *u = obj;
	const char *s;

	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	s = st->argv[1];
	/* keepalived ignores a digest it cannot read: the body is then not compared */
	if (strlen(s) != 32)
		return cfg_stmt_recovered(ctx, st, "an MD5 digest is 32 hex digits, not %zu; ignored", strlen(s));
	for (int i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)s[i]))
			return cfg_stmt_recovered(ctx, st, "an MD5 digest is 32 hex digits; '%s' is not; ignored", s);
	for (int i = 0; i < 32; i++)
		u->digest[i] = (char)tolower((unsigned char)s[i]);
	u->digest[32] = '\0';
	return 0;
}

/*
 * keepalived's free-form hex: words of hex digits, each read in pairs from the left, an odd last digit
 * being a byte of its own ("Ab12f 3" is AB 12 0F 03). With a mask, X stands for a nibble that may be
 * anything.
 */
int
check_conf_parse_hex(int argc, char *const *argv, uint8_t *out, uint8_t *mask, size_t max, uint32_t *len)
{
	size_t n = 0;

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		size_t wl = strlen(w);

		for (size_t j = 0; j < wl; j += 2) {
			uint8_t byte = 0, m = 0;
			size_t k = j + 1 < wl ? 2 : 1;

			if (n == max)
				return -1;
			for (size_t d = 0; d < k; d++) {
				char c = w[j + d];
				uint8_t nib;

				if (mask != NULL && (c == 'x' || c == 'X')) {
					nib = 0;
				} else if (isxdigit((unsigned char)c)) {
					nib = (uint8_t)(isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10);
					m |= (uint8_t)(k == 2 && d == 0 ? 0xf0 : 0x0f);
				} else {
					return -1;
				}
				byte = (uint8_t)(k == 2 && d == 0 ? nib << 4 : byte | nib);
			}
			out[n] = byte;
			if (mask != NULL)
				mask[n] = m;
			n++;
		}
	}
	*len = (uint32_t)n;
	return 0;
}

static int
kw_payload(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	if (cfg_nargs(ctx, st, 1, -1) == -1)
		return -1;
	/* keepalived ignores a payload it cannot read: the check sends an empty datagram */
	if (check_conf_parse_hex(st->argc - 1, st->argv + 1, c->payload, NULL, sizeof(c->payload),
				 &c->payload_len) == -1) {
		c->payload_len = 0;
		return cfg_stmt_recovered(ctx, st, "needs hex digits, at most %d bytes; ignored", CFG_CHECK_DATA_MAX);
	}
	return 0;
}

static int
kw_require_reply(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	c->require_reply = true;
	c->reply_len = 0;
	if (st->argc > 1 && check_conf_parse_hex(st->argc - 1, st->argv + 1, c->reply, c->reply_mask,
						 sizeof(c->reply), &c->reply_len) == -1) {
		c->reply_len = 0;
		return cfg_stmt_recovered(ctx, st, "needs hex digits (X for any), at most %d bytes; any reply will do",
					  CFG_CHECK_DATA_MAX);
	}
	return 0;
}

static const struct cfg_enum http_protocols[] = {
	{ "1.0", CHECK_HTTP_10 }, { "1.0C", CHECK_HTTP_10C }, { "1.1", CHECK_HTTP_11 }, { NULL, 0 },
};

static const struct cfg_enum dns_types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 },
	{ NULL, 0 },
};

/* ---- url { } ---- */

static const struct cfg_keyword url_keywords[] = {
	{ "path", cfg_kw_text, U(path), 0, CFG_PATH_MAX - 1, NULL, 0 },
	{ "digest", kw_digest, 0, 0, 0, 0, NULL, 0 },
	{ "status_code", kw_status_code, 0, 0, 0, 0, NULL, 0 },
	{ "virtualhost", cfg_kw_string, U(virtualhost), 0, 0, NULL, 0 },
	{ "regex", cfg_kw_text, U(regex), 0, CFG_PATH_MAX - 1, NULL, 0 },
	{ "regex_no_match", cfg_kw_flag, U(regex_no_match), 0, 0, NULL, 0 },
	{ "regex_options", cfg_kw_ignore, 0, 0, 0, 0, "vipd's regex is POSIX extended", 0 },
	{ "regex_stack", cfg_kw_ignore, 0, 0, 0, 0, "vipd's regex is POSIX extended", 0 },
	{ "regex_min_offset", cfg_kw_ignore, 0, 0, 0, 0, "the whole body is searched", 0 },
	{ "regex_max_offset", cfg_kw_ignore, 0, 0, 0, 0, "the whole body is searched", 0 },
	{ "expect", cfg_kw_text, U(expect), 0, CFG_PATH_MAX - 1, NULL, 0 },
	END_KEYWORDS,
};

const struct cfg_block check_url_block = { "url", url_keywords, NULL };

static int
url_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_check_url *u = obj;

	/* no path until one is given: keepalived drops a url without one */
	u->path = (struct cfg_text){ 0 };
	return 0;
}

static int
url_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_check_url *u = obj;
	const char *path = config_text(ctx->conf, u->path);

	if (path[0] == '\0') {
		u->hdr.reserved |= CFG_OBJ_MARK_DROP;
		return cfg_stmt_recovered(ctx, st, "no path; the url is ignored");
	}
	/* keepalived sends it as written */
	if (path[0] != '/')
		cfg_stmt_warning(ctx, st, "path '%s' does not start with /; it is requested as written", path);
	return 0;
}

static const struct cfg_object_spec url_spec = { CFG_CHECK_URL, &check_url_block, 0, 0, url_args, url_finish };

/* ---- SSL { } (top level) ---- */

static const struct cfg_keyword ssl_keywords[] = {
	{ "password", cfg_kw_string, S(password), 0, 0, NULL, 0 },
	{ "ca", cfg_kw_string, S(ca), 0, 0, NULL, 0 },
	{ "certificate", cfg_kw_string, S(certificate), 0, 0, NULL, 0 },
	{ "key", cfg_kw_string, S(key), 0, 0, NULL, 0 },
	END_KEYWORDS,
};

const struct cfg_block check_ssl_block = { "SSL", ssl_keywords, NULL };

static int
ssl_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_ssl *s = obj;

	if (ctx->conf->count[CFG_SSL] > 1)
		return cfg_stmt_error(ctx, st, "only one SSL block is allowed");
	if ((s->certificate[0] == '\0') != (s->key[0] == '\0'))
		cfg_stmt_warning(ctx, st, "certificate and key go together; the one given alone is not used");
	return 0;
}

const struct cfg_object_spec check_ssl_conf_spec = { CFG_SSL, &check_ssl_block, 0, 0, NULL, ssl_finish };

/* ---- the checkers ---- */

/* keepalived 1's name for retry, which keepalived 2.2.7 no longer knows: an unknown keyword there, so the
 * value is not used */
static int
kw_nb_get_retry(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return cfg_stmt_recovered(ctx, st, "keepalived 1's name for retry, unknown to keepalived 2.2.7; ignored "
				  "(write retry)");
}

/* Keywords every checker accepts. */
#define CHECK_COMMON_KEYWORDS \
	{ "connect_ip", ipvs_kw_addr, C(connect_ip), 0, 0, NULL, 0 }, \
	{ "connect_port", ipvs_kw_uint, C(connect_port), 1, 65535, NULL, 0 }, \
	{ "bindto", ipvs_kw_addr, C(bindto), 0, 0, NULL, 0 }, \
	{ "bind_port", ipvs_kw_uint, C(bind_port), 1, 65535, NULL, 0 }, \
	{ "bind_if", cfg_kw_string, C(bind_if), 0, 0, NULL, 0 }, \
	{ "connect_timeout", ipvs_kw_duration, C(connect_timeout_ms), 1, MS(3600), NULL, 0 }, \
	{ "retry", ipvs_kw_uint, C(retry), 0, 1000000, NULL, 0 }, \
	{ "nb_get_retry", kw_nb_get_retry, 0, 0, 0, 0, NULL, 0 }, \
	{ "delay_before_retry", ipvs_kw_duration, C(delay_before_retry_ms), 0, MS(86400), NULL, 0 }, \
	{ "delay_loop", ipvs_kw_duration, C(delay_loop_ms), 10, MS(86400), NULL, 0 }, \
	{ "warmup", ipvs_kw_duration, C(warmup_ms), 0, MS(86400), NULL, 0 }, \
	{ "alpha", ipvs_kw_bool, C(alpha), 0, 0, NULL, 0 }, \
	{ "fwmark", ipvs_kw_uint, C(fwmark), 1, UINT32_MAX, NULL, 0 }, \
	{ "log_all_failures", cfg_kw_ignore, 0, 0, 0, 0, "every failure is in the status", CFG_KW_MAYBE_BLOCK }

#define HTTP_KEYWORDS \
	{ "http_protocol", ipvs_kw_enum, C(http_protocol), 0, 0, http_protocols, 0 }, \
	{ "virtualhost", cfg_kw_string, C(virtualhost), 0, 0, NULL, 0 }, \
	{ "fast_recovery", cfg_kw_ignore, 0, 0, 0, 0, "vipd checks every url in each round", 0 }, \
	{ "url", cfg_kw_object, 0, 0, 0, 0, &url_spec, CFG_KW_BLOCK }

static const struct cfg_keyword common_keywords[] = { CHECK_COMMON_KEYWORDS, END_KEYWORDS };

static const struct cfg_keyword http_keywords[] = { CHECK_COMMON_KEYWORDS, HTTP_KEYWORDS, END_KEYWORDS };

static const struct cfg_keyword ssl_get_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	HTTP_KEYWORDS,
	{ "enable_sni", ipvs_kw_bool, C(enable_sni), 0, 0, NULL, 0 },
	{ "sni_name", cfg_kw_string, C(sni_name), 0, 0, NULL, 0 },
	{ "verify_cert", ipvs_kw_bool, C(verify_cert), 0, 0, NULL, 0 },
	END_KEYWORDS,
};

static const struct cfg_keyword misc_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ "misc_path", cfg_kw_text_command, C(misc_path), 0, 0, NULL, 0 },
	{ "misc_timeout", ipvs_kw_duration, C(misc_timeout_ms), 1, MS(86400), NULL, 0 },
	{ "misc_dynamic", cfg_kw_flag, C(misc_dynamic), 0, 0, NULL, 0 },
	{ "user", cfg_kw_command, C(user), 0, 0, NULL, 0 },
	END_KEYWORDS,
};

static const struct cfg_keyword dns_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ "type", ipvs_kw_enum, C(dns_type), 0, 0, dns_types, 0 },
	{ "name", cfg_kw_text, C(dns_name), 0, CFG_DNS_NAME_MAX - 1, NULL, 0 },
	END_KEYWORDS,
};

static const struct cfg_keyword udp_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ "payload", kw_payload, 0, 0, 0, 0, NULL, 0 },
	{ "require_reply", kw_require_reply, 0, 0, 0, 0, NULL, 0 },
	{ "min_reply_length", ipvs_kw_uint, C(min_reply_length), 0, 65535, NULL, 0 },
	{ "max_reply_length", ipvs_kw_uint, C(max_reply_length), 0, 65535, NULL, 0 },
	END_KEYWORDS,
};

/* keepalived 1's `host { connect_ip ...; connect_port ...; bindto ... }` inside SMTP_CHECK: read once the
 * whole checker is (smtp_finish), each becoming an SMTP_CHECK of its own, as keepalived 2 does. */
static int
kw_smtp_host(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	return cfg_nargs(ctx, st, 0, 0);
}

static const struct cfg_keyword smtp_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ "helo_name", cfg_kw_string, C(helo_name), 0, 0, NULL, 0 },
	{ "host", kw_smtp_host, 0, 0, 0, 0, NULL, CFG_KW_BLOCK },
	END_KEYWORDS,
};

static const struct cfg_block smtp_host_block = { "host", common_keywords, NULL };

/* FILE_CHECK's `weight N [reverse]`: instead of its track_file's */
static int
kw_file_weight(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;
	int64_t w;

	if (cfg_nargs(ctx, st, 1, 2) == -1)
		return -1;
	if (cfg_parse_int(st->argv[1], -2147483647, 2147483647, &w) == -1)
		return cfg_stmt_error(ctx, st, "'%s' is not a weight (-2147483647 to 2147483647)", st->argv[1]);
	if (st->argc == 3 && strcmp(st->argv[2], "reverse") != 0)
		return cfg_stmt_error(ctx, st, "'%s': only 'reverse' may follow the weight", st->argv[2]);
	c->file_weight = (int32_t)w;
	c->file_weight_set = true;
	c->file_reverse = st->argc == 3;
	return 0;
}

/* keepalived gives FILE_CHECK none of the other checkers' keywords */
static const struct cfg_keyword file_keywords[] = {
	{ "track_file", cfg_kw_string, C(track_file), 0, 0, NULL, 0 },
	{ "weight", kw_file_weight, 0, 0, 0, 0, NULL, 0 },
	{ "dynamic", cfg_kw_flag, C(file_dynamic), 0, 0, NULL, 0 },
	END_KEYWORDS,
};

/* Every string of struct cfg_checker, so config_add_copy can terminate them on receipt and its texts are
 * compared by content. */
static const struct cfg_keyword all_string_keywords[] = {
	{ "bind_if", cfg_kw_string, C(bind_if), 0, 0, NULL, 0 },
	{ "track_file", cfg_kw_string, C(track_file), 0, 0, NULL, 0 },
	{ "misc_path", cfg_kw_text_command, C(misc_path), 0, 0, NULL, 0 },
	{ "user", cfg_kw_command, C(user), 0, 0, NULL, 0 },
	{ "virtualhost", cfg_kw_string, C(virtualhost), 0, 0, NULL, 0 },
	{ "sni_name", cfg_kw_string, C(sni_name), 0, 0, NULL, 0 },
	{ "name", cfg_kw_text, C(dns_name), 0, CFG_DNS_NAME_MAX - 1, NULL, 0 },
	{ "helo_name", cfg_kw_string, C(helo_name), 0, 0, NULL, 0 },
	END_KEYWORDS,
};
const struct cfg_block check_conf_block = { "checker", all_string_keywords, NULL };

static const struct cfg_block tcp_block = { "TCP_CHECK", common_keywords, NULL };
static const struct cfg_block http_block = { "HTTP_GET", http_keywords, NULL };
static const struct cfg_block ssl_block = { "SSL_GET", ssl_get_keywords, NULL };
static const struct cfg_block misc_block = { "MISC_CHECK", misc_keywords, NULL };
static const struct cfg_block smtp_block = { "SMTP_CHECK", smtp_keywords, NULL };
static const struct cfg_block dns_block = { "DNS_CHECK", dns_keywords, NULL };
static const struct cfg_block udp_block = { "UDP_CHECK", udp_keywords, NULL };
static const struct cfg_block ping_block = { "PING_CHECK", common_keywords, NULL };
static const struct cfg_block file_block = { "FILE_CHECK", file_keywords, NULL };

static const char *const type_names[CHECK_TYPE_MAX] = {
	[CHECK_TCP] = "TCP_CHECK", [CHECK_HTTP] = "HTTP_GET", [CHECK_SSL] = "SSL_GET",
	[CHECK_MISC] = "MISC_CHECK", [CHECK_SMTP] = "SMTP_CHECK", [CHECK_DNS] = "DNS_CHECK",
	[CHECK_UDP] = "UDP_CHECK", [CHECK_PING] = "PING_CHECK", [CHECK_FILE] = "FILE_CHECK",
	[CHECK_BFD] = "BFD_CHECK",
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

/* What the checker does not write stays CFG_CHECK_UNSET (a value no keyword can give) until
 * check_conf_inherit gives it its real server's, its virtual server's or its kind's default. */
static int
checker_args(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	c->type = checker_type_from_keyword(st->argv[0]);
	c->connect_timeout_ms = CFG_CHECK_UNSET;
	c->retry = CFG_CHECK_UNSET;
	c->delay_before_retry_ms = CFG_CHECK_UNSET;
	c->warmup_ms = CFG_CHECK_UNSET;
	c->alpha = -1;
	c->http_protocol = CHECK_HTTP_10;
	c->dns_type = 6;
	if (config_set_text(ctx->conf, &c->dns_name, ".", 1) == -1)
		return cfg_stmt_error(ctx, st, "out of memory");
	c->max_reply_length = 255;
	return c->type < 0 ? cfg_stmt_error(ctx, st, "not a checker") : 0;
}

/* A setting of the real server, else of the virtual server; CFG_CHECK_UNSET if neither wrote it. */
static uint32_t
inherited(const struct cfg_real_server *rs, const struct cfg_virtual_server *vs, size_t off)
{
	uint32_t v = rs != NULL ? *(const uint32_t *)((const char *)&rs->checks + off) : CFG_CHECK_UNSET;

	return v != CFG_CHECK_UNSET || vs == NULL ? v : *(const uint32_t *)((const char *)&vs->checks + off);
}

#define INHERIT(c, rs, vs, field, dflt) do {							\
	if ((c)->field == CFG_CHECK_UNSET) {							\
		uint32_t v_ = inherited((rs), (vs), offsetof(struct cfg_check_defaults, field));	\
		(c)->field = v_ != CFG_CHECK_UNSET ? v_ : (dflt);				\
	}											\
} while (0)

/* keepalived's defaults, which differ by kind */
static void
checker_inherit(struct config *conf, struct cfg_checker *c)
{
	const struct cfg_real_server *rs = config_find_id(conf, CFG_REAL_SERVER, c->hdr.parent);
	const struct cfg_virtual_server *vs = rs != NULL ? config_find_id(conf, CFG_VIRTUAL_SERVER, rs->hdr.parent) : NULL;
	bool http = c->type == CHECK_HTTP || c->type == CHECK_SSL;

	INHERIT(c, rs, vs, connect_timeout_ms, 5000);
	/* a file says what it says: no retry */
	if (c->type == CHECK_FILE)
		c->retry = 0;
	INHERIT(c, rs, vs, retry, c->type == CHECK_MISC ? 0 : c->type == CHECK_DNS ? 3 : 1);
	INHERIT(c, rs, vs, delay_before_retry_ms, http ? 3000 : c->type == CHECK_DNS ? UINT64_MAX : 1000);
	INHERIT(c, rs, vs, warmup_ms, UINT64_MAX);
	/* the virtual server's own delay_loop and virtualhost are applied where they are used */
	if (c->delay_loop_ms == 0 && rs != NULL && rs->checks.delay_loop_ms != CFG_CHECK_UNSET)
		c->delay_loop_ms = rs->checks.delay_loop_ms;
	if (c->alpha == -1)
		c->alpha = rs != NULL && rs->checks.alpha != -1 ? rs->checks.alpha : vs != NULL && vs->alpha;
	if (c->virtualhost[0] == '\0' && rs != NULL)
		snprintf(c->virtualhost, sizeof(c->virtualhost), "%s", config_text(conf, rs->checks.virtualhost));
}

/* FILE_CHECK names a track_file block, which may come anywhere in the file. */
static void
file_check_target(struct cfg_ctx *ctx, const struct cfg_checker *c)
{
	const struct cfg_vrrp_track_file *tf;

	CONFIG_FOREACH(ctx->conf, CFG_VRRP_TRACK_FILE, const struct cfg_vrrp_track_file, tf)
		if (strcmp(tf->name, c->track_file) == 0)
			return;
	cfg_error(ctx->diag, c->hdr.pos, "FILE_CHECK: no track_file block named '%s'", c->track_file);
}

void
check_conf_inherit(struct cfg_ctx *ctx)
{
	struct cfg_checker *c;

	CONFIG_FOREACH(ctx->conf, CFG_CHECKER, struct cfg_checker, c) {
		checker_inherit(ctx->conf, c);
		if (c->type == CHECK_FILE && !(c->hdr.reserved & CFG_OBJ_MARK_DROP))
			file_check_target(ctx, c);
	}
}

static int
misc_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	if (config_text(ctx->conf, c->misc_path)[0] != '\0')
		return 0;
	c->hdr.reserved |= CFG_OBJ_MARK_DROP;
	return cfg_stmt_recovered_end(ctx, st, "no misc_path; the checker is ignored");
}

static int
udp_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	const struct cfg_checker *c = obj;

	if (c->min_reply_length > c->max_reply_length)
		return cfg_stmt_error(ctx, st, "min_reply_length is above max_reply_length");
	return 0;
}

static int
smtp_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *outer = obj, snapshot = *outer;
	bool first = true;

	for (const struct cfg_stmt *h = st->block; h != NULL; h = h->next) {
		struct cfg_checker *c = outer;

		if (strcmp(h->argv[0], "host") != 0)
			continue;
		if (first) {
			cfg_stmt_warning(ctx, h, "deprecated: each host { } is checked as an SMTP_CHECK of its own");
		} else {
			struct cfg_obj hdr;

			if ((c = config_add(ctx->conf, CFG_CHECKER)) == NULL)
				return cfg_stmt_error(ctx, h, "out of memory");
			hdr = c->hdr;
			*c = snapshot;
			c->hdr.id = hdr.id;
			c->hdr.pos = h->pos;
		}
		first = false;
		cfg_walk(ctx, &smtp_host_block, h->block, c);
	}
	return 0;
}

static int
file_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;

	if (c->track_file[0] != '\0')
		return 0;
	c->hdr.reserved |= CFG_OBJ_MARK_DROP;
	return cfg_stmt_recovered_end(ctx, st, "no track_file; the checker is ignored");
}

/* keepalived drops an HTTP_GET or SSL_GET left without a url (2.2.7 then crashes; the intent is plain) */
static int
http_finish(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_checker *c = obj;
	const struct cfg_check_url *u;

	/* urls are appended as they are read: this checker's, if any, are the last ones */
	for (size_t i = ctx->conf->count[CFG_CHECK_URL]; i > 0; i--) {
		u = config_get(ctx->conf, CFG_CHECK_URL, i - 1);
		if (u->hdr.parent != c->hdr.id)
			break;
		if (!(u->hdr.reserved & CFG_OBJ_MARK_DROP))
			return 0;
	}
	c->hdr.reserved |= CFG_OBJ_MARK_DROP;
	return cfg_stmt_recovered(ctx, st, "no url with a path; the checker is ignored");
}

#define CHECK_SPEC(block, finish) { CFG_CHECKER, &(block), 0, 0, checker_args, finish }
const struct cfg_object_spec check_tcp_spec = CHECK_SPEC(tcp_block, NULL);
const struct cfg_object_spec check_http_spec = CHECK_SPEC(http_block, http_finish);
const struct cfg_object_spec check_ssl_spec = CHECK_SPEC(ssl_block, http_finish);
const struct cfg_object_spec check_misc_spec = CHECK_SPEC(misc_block, misc_finish);
const struct cfg_object_spec check_smtp_spec = CHECK_SPEC(smtp_block, smtp_finish);
const struct cfg_object_spec check_dns_spec = CHECK_SPEC(dns_block, NULL);
const struct cfg_object_spec check_udp_spec = CHECK_SPEC(udp_block, udp_finish);
const struct cfg_object_spec check_ping_spec = CHECK_SPEC(ping_block, NULL);
const struct cfg_object_spec check_file_spec = CHECK_SPEC(file_block, file_finish);
