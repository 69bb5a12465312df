/* Parsing an HTTP/1.x response for a health check; see check_http_parse.h. */
#include "checkers/check_http_parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { HP_STATUS, HP_HEADERS, HP_BODY_LEN, HP_BODY_EOF, HP_CHUNK_SIZE, HP_CHUNK_DATA, HP_CHUNK_CRLF, HP_TRAILERS,
       HP_DONE, HP_ERROR };

int
http_parse_init(struct http_parse *hp, size_t keep, bool digest)
{
	memset(hp, 0, sizeof(*hp));
	hp->content_length = -1;
	hp->keep = keep;
	if (keep > 0 && (hp->body = malloc(keep)) == NULL)
		return -1;
	if (digest) {
		if ((hp->md5 = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(hp->md5, EVP_md5(), NULL) != 1) {
			http_parse_free(hp);
			return -1;
		}
	}
	return 0;
}

void
http_parse_free(struct http_parse *hp)
{
	free(hp->body);
	hp->body = NULL;
	EVP_MD_CTX_free(hp->md5);
	hp->md5 = NULL;
}

static enum http_parse_result
hp_fail(struct http_parse *hp, const char *why)
{
	hp->state = HP_ERROR;
	hp->error = why;
	return HTTP_PARSE_ERROR;
}

int
http_parse_status_line(const char *line, int *minor, int *code)
{
	/* HTTP/1.x SP 3DIGIT [SP reason] */
	if (strncmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[7]) || line[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (!isdigit((unsigned char)line[i]))
			return -1;
	if (line[12] != '\0' && line[12] != ' ')
		return -1;
	*minor = line[7] - '0';
	*code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	return *code >= 100 ? 0 : -1;
}

bool
http_status_match(const struct cfg_check_url *u, int code)
{
	if (u->nstatus == 0)
		return code >= 200 && code <= 299;
	for (uint32_t i = 0; i < u->nstatus && i < CFG_STATUS_RANGES; i++)
		if (code >= u->status[i].lo && code <= u->status[i].hi)
			return true;
	return false;
}

int
http_build_request(char *buf, size_t len, const char *path, const char *host, uint32_t port, int protocol)
{
	char portstr[16] = "";
	int n;

	if (port != 0)
		snprintf(portstr, sizeof(portstr), ":%u", (unsigned)port);
	n = snprintf(buf, len, "GET %s HTTP/1.%d\r\nUser-Agent: vipd-checker\r\nHost: %s%s\r\n%s\r\n", path,
		     protocol == CHECK_HTTP_11 ? 1 : 0, host, portstr,
		     protocol == CHECK_HTTP_10 ? "" : "Connection: close\r\n");
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static void
hp_body(struct http_parse *hp, const uint8_t *p, size_t n)
{
	if (hp->md5 != NULL)
		EVP_DigestUpdate(hp->md5, p, n);
	if (hp->bodylen < hp->keep) {
		size_t k = hp->keep - hp->bodylen < n ? hp->keep - hp->bodylen : n;

		memcpy(hp->body + hp->bodylen, p, k);
		hp->bodylen += k;
	}
	hp->body_total += n;
}

/* Headers that frame the body; the rest are not the checker's business. */
static enum http_parse_result
hp_header(struct http_parse *hp, char *line)
{
	char *colon = strchr(line, ':');
	char *v, *end;

	if (colon == NULL)
		return hp_fail(hp, "malformed header");
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	if (strcasecmp(line, "Content-Length") == 0) {
		char *e;
		unsigned long long cl;

		if (!isdigit((unsigned char)*v))
			return hp_fail(hp, "bad Content-Length");
		cl = strtoull(v, &e, 10);
		if (*e != '\0' && *e != ' ' && *e != '\t')
			return hp_fail(hp, "bad Content-Length");
		if (hp->content_length >= 0 && (uint64_t)hp->content_length != cl)
			return hp_fail(hp, "conflicting Content-Length");
		hp->content_length = (int64_t)(cl > INT64_MAX ? INT64_MAX : cl);
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		size_t n = strlen(v);

		/* chunked must come last of the codings */
		hp->chunked = n >= 7 && strcasecmp(v + n - 7, "chunked") == 0;
	}
	return HTTP_PARSE_MORE;
}

static enum http_parse_result
hp_headers_done(struct http_parse *hp)
{
	if (hp->no_body) {
		hp->state = HP_DONE;
		return HTTP_PARSE_DONE;
	}
	if (hp->chunked) {
		hp->state = HP_CHUNK_SIZE;
	} else if (hp->content_length >= 0) {
		hp->remaining = (uint64_t)hp->content_length;
		hp->state = hp->remaining ? HP_BODY_LEN : HP_DONE;
	} else {
		hp->state = HP_BODY_EOF;
	}
	return hp->state == HP_DONE ? HTTP_PARSE_DONE : HTTP_PARSE_MORE;
}

static enum http_parse_result
hp_line(struct http_parse *hp, char *line)
{
	char *e;

	switch (hp->state) {
	case HP_STATUS:
		if (http_parse_status_line(line, &hp->minor, &hp->status) == -1)
			return hp_fail(hp, "not an HTTP status line");
		hp->no_body = hp->status < 200 || hp->status == 204 || hp->status == 304;
		hp->state = HP_HEADERS;
		return HTTP_PARSE_MORE;
	case HP_HEADERS:
		if (line[0] == '\0')
			return hp_headers_done(hp);
		return hp_header(hp, line);
	case HP_CHUNK_SIZE:
		if (!isxdigit((unsigned char)line[0]))
			return hp_fail(hp, "bad chunk size");
		hp->remaining = strtoull(line, &e, 16);
		if (*e != '\0' && *e != ';' && *e != ' ' && *e != '\t')
			return hp_fail(hp, "bad chunk size");
		hp->state = hp->remaining ? HP_CHUNK_DATA : HP_TRAILERS;
		return HTTP_PARSE_MORE;
	case HP_CHUNK_CRLF:
		if (line[0] != '\0')
			return hp_fail(hp, "chunk not followed by CRLF");
		hp->state = HP_CHUNK_SIZE;
		return HTTP_PARSE_MORE;
	case HP_TRAILERS:
		if (line[0] == '\0') {
			hp->state = HP_DONE;
			return HTTP_PARSE_DONE;
		}
		return HTTP_PARSE_MORE;
	default:
		return hp_fail(hp, "internal state");
	}
}

static bool
hp_in_line_state(const struct http_parse *hp)
{
	return hp->state == HP_STATUS || hp->state == HP_HEADERS || hp->state == HP_CHUNK_SIZE ||
	       hp->state == HP_CHUNK_CRLF || hp->state == HP_TRAILERS;
}

enum http_parse_result
http_parse_feed(struct http_parse *hp, const void *data, size_t len)
{
	const uint8_t *p = data, *end = p + len;

	if (hp->state == HP_ERROR)
		return HTTP_PARSE_ERROR;
	while (p < end && hp->state != HP_DONE) {
		if (hp_in_line_state(hp)) {
			uint8_t ch = *p++;
			enum http_parse_result r;

			if (ch == '\n') {
				if (hp->linelen > 0 && hp->line[hp->linelen - 1] == '\r')
					hp->linelen--;
				hp->line[hp->linelen] = '\0';
				hp->linelen = 0;
				if ((r = hp_line(hp, hp->line)) != HTTP_PARSE_MORE)
					return r;
				continue;
			}
			if (ch == '\0')
				return hp_fail(hp, "NUL in the header");
			if (hp->linelen + 1 >= sizeof(hp->line))
				return hp_fail(hp, "header line too long");
			hp->line[hp->linelen++] = (char)ch;
			continue;
		}
		if (hp->state == HP_BODY_EOF) {
			hp_body(hp, p, (size_t)(end - p));
			p = end;
			continue;
		}
		/* HP_BODY_LEN or HP_CHUNK_DATA: take up to what remains */
		{
			size_t n = (size_t)(end - p) < hp->remaining ? (size_t)(end - p) : (size_t)hp->remaining;

			hp_body(hp, p, n);
			p += n;
			hp->remaining -= n;
			if (hp->remaining == 0)
				hp->state = hp->state == HP_BODY_LEN ? HP_DONE : HP_CHUNK_CRLF;
		}
	}
	return hp->state == HP_DONE ? HTTP_PARSE_DONE : HTTP_PARSE_MORE;
}

enum http_parse_result
http_parse_eof(struct http_parse *hp)
{
	if (hp->state == HP_DONE || hp->state == HP_BODY_EOF) {
		hp->state = HP_DONE;
		return HTTP_PARSE_DONE;
	}
	if (hp->state == HP_ERROR)
		return HTTP_PARSE_ERROR;
	return hp_fail(hp, hp->state == HP_STATUS || hp->state == HP_HEADERS ? "connection closed in the header" :
		       "connection closed in the body");
}

void
http_parse_digest(struct http_parse *hp, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char hex[] = "0123456789abcdef";

	out[0] = '\0';
	if (hp->md5 == NULL || EVP_DigestFinal_ex(hp->md5, md, &n) != 1 || n != 16)
		return;
	for (unsigned i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[32] = '\0';
}
