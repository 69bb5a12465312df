/*
 * The little HTTP/1.1 the metrics child speaks: one request head at a time, read from a bounded buffer,
 * never a body. Pure (no I/O), so the unit tests feed it what a hostile client could send.
 */
#ifndef VIPD_METRICS_HTTP_H
#define VIPD_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/* The most a request head may take (request line and headers); a longer one is answered 431. */
#define MX_REQ_MAX 8192

enum mx_method { MX_GET, MX_HEAD, MX_OTHER };
enum mx_target { MX_T_METRICS, MX_T_ROOT, MX_T_OTHER };

struct mx_request {
	enum mx_method method;
	enum mx_target target;
	bool keep_alive;	/* the connection may take another request after the answer */
	size_t consumed;	/* bytes of the buffer this head used */
};

enum mx_parse {
	MX_PARSE_MORE = 0,	/* no complete head yet */
	MX_PARSE_OK = 200,	/* *req is filled */
	MX_PARSE_BAD = 400,	/* answer with this status and close */
	MX_PARSE_TOO_LARGE = 431,
	MX_PARSE_VERSION = 505,
};

/* Looks for one request head at the start of buf[0..len). */
enum mx_parse mx_http_parse(const char *buf, size_t len, struct mx_request *req);

#endif
