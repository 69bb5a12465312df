/*
 * DNS replies as a server sends them to DNS_CHECK (dns_check_reply), for a query it was sent.
 * Input: id (u16), type (u16), name length (u8) and name, then the reply.
 * Invariants: a verdict is -1, 0 (with a reason) or 1; a reply that is the query itself (no QR bit) is never
 * good; the query built for a name fits the buffer it was given.
 */
#include "fuzz/fuzz.h"

#include "checkers/check_dns_msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint16_t id = fuzz_u16(&in), type = fuzz_u16(&in);
	size_t nlen = fuzz_u8(&in), n;
	const uint8_t *p = fuzz_bytes(&in, nlen, &nlen);
	char name[256];
	uint8_t query[512], *reply;
	const char *why = NULL;
	int q, v;

	memcpy(name, p, nlen);
	name[nlen] = '\0';
	q = dns_build_query(query, sizeof(query), id, name, type);
	FUZZ_ASSERT(q == -1 || (q >= 12 + 1 + 4 && (size_t)q <= sizeof(query)));
	if (q > 0) {
		/* a query echoed back is no answer */
		FUZZ_ASSERT(dns_check_reply(query, (size_t)q, id, name, type, &why) != 1);
		/* the query into a buffer of its exact size fits; one byte less does not */
		FUZZ_ASSERT(dns_build_query(query, (size_t)q, id, name, type) == q);
		FUZZ_ASSERT(dns_build_query(query, (size_t)q - 1, id, name, type) == -1);
	}
	p = fuzz_bytes(&in, in.left, &n);
	if ((reply = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(reply, p, n);
	why = NULL;
	v = dns_check_reply(reply, n, id, name, type, &why);
	FUZZ_ASSERT(v == -1 || v == 1 || (v == 0 && why != NULL));
	(void)dns_type_name(type);
	free(reply);
	return 0;
}
