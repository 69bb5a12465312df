/*
 * An HTTP/1.x response read incrementally: the status line, the headers that frame the body
 * (Content-Length, Transfer-Encoding: chunked), and the body, whose MD5 is taken (keepalived's digest,
 * as genhash prints it) and whose first bytes are kept for matching. Pure: bytes in, verdict out.
 */
#ifndef VIPD_CHECK_HTTP_PARSE_H
#define VIPD_CHECK_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

enum http_parse_result { HTTP_PARSE_MORE = 0, HTTP_PARSE_DONE = 1, HTTP_PARSE_ERROR = -1 };

struct http_parse {
	int state;
	int status;			/* the status code, once the status line is read */
	int minor;			/* HTTP/1.<minor> */
	bool chunked;
	bool no_body;			/* 1xx, 204, 304 */
	int64_t content_length;		/* -1: until the connection closes */
	uint64_t remaining;		/* of the body, or of the current chunk */
	char line[1024];		/* a status, header or chunk-size line being assembled */
	size_t linelen;
	void *md5;			/* EVP_MD_CTX *, when a digest is wanted */
	uint8_t *body;			/* the first keep bytes of the body */
	size_t bodylen, keep;
	uint64_t body_total;
	const char *error;		/* why HTTP_PARSE_ERROR */
};

/* keep: body bytes to keep for matching (0: none); digest: compute the MD5. -1 if out of memory. */
int http_parse_init(struct http_parse *hp, size_t keep, bool digest);
void http_parse_free(struct http_parse *hp);
/* Feeds received bytes. */
enum http_parse_result http_parse_feed(struct http_parse *hp, const void *data, size_t len);
/* The connection closed: DONE if the body was delimited by the close, else ERROR. */
enum http_parse_result http_parse_eof(struct http_parse *hp);
/* The body's MD5 in lower-case hex (33 bytes with the NUL). */
void http_parse_digest(struct http_parse *hp, char out[33]);

/* "HTTP/1.1 200 OK": 0 and the code, or -1. */
int http_parse_status_line(const char *line, int *minor, int *code);
/* Does the code fall in the url's status_code list (200-299 when it has none)? */
bool http_status_match(const struct cfg_check_url *u, int code);
/* The GET request for a url; returns its length, or -1 if it does not fit. */
int http_build_request(char *buf, size_t len, const char *path, const char *host, uint32_t port, int protocol);

#endif
