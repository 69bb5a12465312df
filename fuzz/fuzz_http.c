/*
 * HTTP responses as a real server sends them to HTTP_GET/SSL_GET (http_parse_feed), and status lines.
 * Input: keep (u16), digest flag, a split seed, then the response.
 * Invariants: the verdict, status, kept body, byte count and digest do not depend on how the response is
 * cut into reads (all at once versus pieces of varying sizes); the kept body never exceeds keep.
 */
#include "fuzz/fuzz.h"

#include "checkers/check_http_parse.h"

struct result {
	enum http_parse_result r;
	int status, minor;
	size_t bodylen;
	uint64_t total;
	uint8_t body[1024];
	char digest[33];
};

static void
run(const uint8_t *resp, size_t len, size_t keep, bool digest, uint8_t seed, struct result *out)
{
	struct http_parse hp;
	size_t at = 0;

	memset(out, 0, sizeof(*out));
	FUZZ_ASSERT(http_parse_init(&hp, keep, digest) == 0);
	out->r = HTTP_PARSE_MORE;
	while (at < len && out->r == HTTP_PARSE_MORE) {
		/* seed 0: everything in one read; otherwise pieces of 1 to seed bytes */
		size_t n = seed == 0 ? len - at : 1 + (at * 31 + seed) % seed;
		uint8_t *piece;

		if (n > len - at)
			n = len - at;
		/* each read in its own buffer, so ASan sees a read past it */
		if ((piece = malloc(n)) == NULL)
			abort();
		memcpy(piece, resp + at, n);
		out->r = http_parse_feed(&hp, piece, n);
		free(piece);
		at += n;
	}
	if (out->r == HTTP_PARSE_MORE)
		out->r = http_parse_eof(&hp);
	if (out->r == HTTP_PARSE_ERROR)
		FUZZ_ASSERT(hp.error != NULL);
	out->status = hp.status;
	out->minor = hp.minor;
	FUZZ_ASSERT(hp.bodylen <= keep && hp.bodylen <= hp.body_total);
	out->bodylen = hp.bodylen;
	out->total = hp.body_total;
	if (hp.bodylen > 0)
		memcpy(out->body, hp.body, hp.bodylen);
	if (digest && out->r == HTTP_PARSE_DONE)
		http_parse_digest(&hp, out->digest);
	http_parse_free(&hp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t keep = fuzz_u16(&in) % 1025, n;
	bool digest = fuzz_u8(&in) & 1;
	uint8_t seed = fuzz_u8(&in);
	const uint8_t *resp = fuzz_bytes(&in, in.left, &n);
	static struct result a, b;
	char line[256];
	int minor, code;

	run(resp, n, keep, digest, 0, &a);
	run(resp, n, keep, digest, seed, &b);
	FUZZ_ASSERT(a.r == b.r && a.status == b.status && a.minor == b.minor);
	FUZZ_ASSERT(a.bodylen == b.bodylen && a.total == b.total && memcmp(a.body, b.body, a.bodylen) == 0);
	FUZZ_ASSERT(strcmp(a.digest, b.digest) == 0);
	/* the status line alone, up to the first CR or LF */
	snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), (const char *)resp);
	line[strcspn(line, "\r\n")] = '\0';
	if (http_parse_status_line(line, &minor, &code) == 0)
		FUZZ_ASSERT(code >= 100 && code <= 999 && minor >= 0);
	return 0;
}
