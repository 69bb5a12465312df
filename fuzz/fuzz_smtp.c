/*
 * SMTP replies as a server sends them to SMTP_CHECK (smtp_reply_feed), read in pieces as recv gives them.
 * Input: a split seed, then the server's bytes.
 * Invariants: the codes of the replies found, and where each ends, do not depend on how the bytes are cut
 * into reads; a code is a three-digit reply's (100-599).
 */
#include "fuzz/fuzz.h"

#include "checkers/check.h"

#define MAX_REPLIES 64

struct replies {
	int code[MAX_REPLIES];
	size_t end[MAX_REPLIES];
	size_t n;
};

/* Every reply in the bytes, as the check would read them if each were its exchange's. */
static void
run(const uint8_t *buf, size_t len, uint8_t seed, struct replies *out)
{
	struct smtp_reader rd;
	size_t at = 0;

	memset(&rd, 0, sizeof(rd));
	out->n = 0;
	while (at < len && out->n < MAX_REPLIES) {
		size_t n = seed == 0 ? len - at : 1 + (at * 17 + seed) % seed, used = 0;
		char *piece;
		int code;

		if (n > len - at)
			n = len - at;
		if ((piece = malloc(n)) == NULL)
			abort();
		memcpy(piece, buf + at, n);
		code = smtp_reply_feed(&rd, piece, n, &used);
		free(piece);
		FUZZ_ASSERT(used <= n && (code != 0 || used == n));
		at += used;
		if (code != 0) {
			FUZZ_ASSERT(code == -1 || (code >= 100 && code <= 599));
			out->code[out->n] = code;
			out->end[out->n++] = at;
			/* a new exchange reads from a clean line */
			memset(&rd, 0, sizeof(rd));
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t seed = fuzz_u8(&in);
	size_t n;
	const uint8_t *p = fuzz_bytes(&in, in.left, &n);
	static struct replies a, b;

	run(p, n, 0, &a);
	run(p, n, seed, &b);
	FUZZ_ASSERT(a.n == b.n);
	for (size_t i = 0; i < a.n; i++)
		FUZZ_ASSERT(a.code[i] == b.code[i] && a.end[i] == b.end[i]);
	return 0;
}
