/* The checkers child: health checks of real servers. */
#ifndef VIPD_CHECKERS_H
#define VIPD_CHECKERS_H

#include "lib/cfg.h"
#include "lib/proc.h"

/* One spec per checker block (TCP_CHECK, HTTP_GET, ...), to be listed in real_server's table. */
extern const struct cfg_object_spec check_tcp_spec, check_http_spec, check_ssl_spec, check_misc_spec,
	check_smtp_spec, check_dns_spec, check_udp_spec, check_ping_spec, check_file_spec;
const char *check_type_name(int type);

extern const struct proc_ops checkers_proc;

#endif
