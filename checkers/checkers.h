/* The checkers child: health checks of real servers. */
#ifndef VIPD_CHECKERS_H
#define VIPD_CHECKERS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cfg.h"
#include "lib/proc.h"

/* One spec per checker block (TCP_CHECK, HTTP_GET, ...), to be listed in real_server's table. */
extern const struct cfg_object_spec check_tcp_spec, check_http_spec, check_ssl_spec, check_misc_spec,
	check_smtp_spec, check_dns_spec, check_udp_spec, check_ping_spec, check_file_spec;
/* The top-level SSL { } block. */
extern const struct cfg_object_spec check_ssl_conf_spec;
/* Keyword tables for the kinds' table: url { }, SSL { }, and the strings of a checker. */
extern const struct cfg_block check_url_block, check_ssl_block, check_conf_block;
const char *check_type_name(int type);
/* keepalived's free-form hex ("Ab12f 3", X for any nibble when mask is given); -1 if not hex or too long. */
int check_conf_parse_hex(int argc, char *const *argv, uint8_t *out, uint8_t *mask, size_t max, uint32_t *len);

extern const struct proc_ops checkers_proc;
/* Gives each checker what it did not set itself: its real server's, its virtual server's or the default
 * of its kind (connect_timeout, retry, delay_before_retry, warmup, delay_loop, alpha, virtualhost); and
 * checks that each FILE_CHECK names a track_file block. */
void check_conf_inherit(struct cfg_ctx *ctx);

#endif
