/* Request heads (RFC 9112): request line, header fields, an empty line. Bodies are never read: a request
 * that announces one is answered and its connection closed, so its bytes are never taken for a request. */
#include "metrics/metrics_http.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* The end of the line starting at p (the LF), or NULL; a lone LF ends a line too (RFC 9112 2.2). */
static const char *
line_end(const char *p, const char *end)
{
	return memchr(p, '\n', (size_t)(end - p));
}

/* Length without the CR before the LF. */
static size_t
line_len(const char *p, const char *lf)
{
	return (size_t)(lf - p) - (lf > p && lf[-1] == '\r');
}

static bool
word_is(const char *p, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(p, w, n) == 0;
}

/* "close" among the comma-separated options of a Connection field. */
static void
connection_close(const char *v, size_t n, bool *close)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == 5 && strncasecmp(v + s, "close", 5) == 0)
			*close = true;
	}
}

static enum mx_parse
request_line(const char *p, size_t n, struct mx_request *req, bool *http10)
{
	const char *sp1 = memchr(p, ' ', n), *sp2, *ver, *path;
	size_t plen, vlen;

	if (sp1 == NULL || sp1 == p)
		return MX_PARSE_BAD;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(p + n - sp1 - 1));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return MX_PARSE_BAD;
	ver = sp2 + 1;
	vlen = (size_t)(p + n - ver);
	if (memchr(ver, ' ', vlen) != NULL)
		return MX_PARSE_BAD;
	if (vlen != 8 || memcmp(ver, "HTTP/", 5) != 0 || ver[6] != '.')
		return MX_PARSE_BAD;
	if (ver[5] != '1' || (ver[7] != '0' && ver[7] != '1'))
		return MX_PARSE_VERSION;
	*http10 = ver[7] == '0';
	req->method = word_is(p, (size_t)(sp1 - p), "GET") ? MX_GET :
		      word_is(p, (size_t)(sp1 - p), "HEAD") ? MX_HEAD : MX_OTHER;
	path = sp1 + 1;
	plen = (size_t)(sp2 - path);
	/* the query is ignored (Prometheus sends none; a browser may) */
	for (size_t i = 0; i < plen; i++)
		if (path[i] == '?') {
			plen = i;
			break;
		}
	req->target = word_is(path, plen, "/metrics") ? MX_T_METRICS : word_is(path, plen, "/") ? MX_T_ROOT :
		      MX_T_OTHER;
	return MX_PARSE_OK;
}

enum mx_parse
mx_http_parse(const char *buf, size_t len, struct mx_request *req)
{
	const char *end = buf + (len < MX_REQ_MAX ? len : MX_REQ_MAX), *p = buf, *lf;
	bool http10 = false, close = false, body = false;
	enum mx_parse r;

	memset(req, 0, sizeof(*req));
	/* empty lines before a request line are skipped (RFC 9112 2.2) */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if ((lf = line_end(p, end)) == NULL)
		return len >= MX_REQ_MAX ? MX_PARSE_TOO_LARGE : MX_PARSE_MORE;
	if ((r = request_line(p, line_len(p, lf), req, &http10)) != MX_PARSE_OK)
		return r;
	for (p = lf + 1;; p = lf + 1) {
		const char *colon, *v;
		size_t n, vn;

		if ((lf = line_end(p, end)) == NULL)
			return len >= MX_REQ_MAX ? MX_PARSE_TOO_LARGE : MX_PARSE_MORE;
		n = line_len(p, lf);
		if (n == 0)
			break;
		/* a folded line, or a field without a name: both refused (RFC 9112 5.2) */
		if (p[0] == ' ' || p[0] == '\t' || (colon = memchr(p, ':', n)) == NULL || colon == p)
			return MX_PARSE_BAD;
		for (const char *q = p; q < colon; q++)
			if (*q == ' ' || *q == '\t')
				return MX_PARSE_BAD;
		v = colon + 1;
		vn = n - (size_t)(v - p);
		while (vn > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vn--;
		}
		if (colon - p == 10 && strncasecmp(p, "Connection", 10) == 0)
			connection_close(v, vn, &close);
		else if (colon - p == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0)
			body = true;
		else if (colon - p == 14 && strncasecmp(p, "Content-Length", 14) == 0 && !(vn == 1 && v[0] == '0'))
			body = true;
	}
	req->consumed = (size_t)(lf + 1 - buf);
	/* HTTP/1.0 closes after each answer: its keep-alive is not worth the code for Prometheus, which speaks 1.1 */
	req->keep_alive = !close && !body && !http10;
	return MX_PARSE_OK;
}
