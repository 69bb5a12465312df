/* Building a DNS query and judging its reply (RFC 1035 section 4), for DNS_CHECK. */
#include "checkers/check_dns_msg.h"

#include <ctype.h>
#include <string.h>

#include "lib/bytes.h"

#define DNS_HDR 12

const char *
dns_type_name(uint16_t type)
{
	switch (type) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	default: return "?";
	}
}

/* The name in wire form; -1 if a label is empty or too long, or the name too long. */
static int
dns_encode_name(uint8_t *out, size_t len, const char *name)
{
	size_t n = 0;
	const char *s = name;

	if (strcmp(name, ".") == 0 || name[0] == '\0') {
		if (len < 1)
			return -1;
		out[0] = 0;
		return 1;
	}
	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		if (l == 0 || l > 63 || n + 1 + l + 1 > len || n + 1 + l + 1 > 255)
			return -1;
		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	out[n++] = 0;
	return (int)n;
}

int
dns_build_query(uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t type)
{
	int n;

	if (len < DNS_HDR + 4 + 1)
		return -1;
	memset(buf, 0, DNS_HDR);
	put16(buf, id);
	put16(buf + 2, 0x0100);		/* a standard query, recursion desired */
	put16(buf + 4, 1);		/* one question */
	if ((n = dns_encode_name(buf + DNS_HDR, len - DNS_HDR - 4, name)) == -1)
		return -1;
	put16(buf + DNS_HDR + n, type);
	put16(buf + DNS_HDR + n + 2, 1);	/* class IN */
	return DNS_HDR + n + 4;
}

/* Skips a name (labels or a compression pointer) at *off; -1 if it runs out of the message. */
static int
dns_skip_name(const uint8_t *buf, size_t len, size_t *off)
{
	size_t o = *off;

	for (unsigned hops = 0; hops < 128; hops++) {
		if (o >= len)
			return -1;
		if ((buf[o] & 0xc0) == 0xc0) {
			if (o + 2 > len)
				return -1;
			*off = o + 2;
			return 0;
		}
		if (buf[o] & 0xc0)
			return -1;
		if (buf[o] == 0) {
			*off = o + 1;
			return 0;
		}
		o += 1 + buf[o];
	}
	return -1;
}

/* Is the question at buf+off our name? Compared in wire form, case-insensitively (no pointers in questions). */
static int
dns_same_question(const uint8_t *buf, size_t len, size_t off, const char *name)
{
	uint8_t want[256];
	int n = dns_encode_name(want, sizeof(want), name);

	if (n == -1 || off + (size_t)n > len)
		return 0;
	for (int i = 0; i < n; i++)
		if (tolower(buf[off + (size_t)i]) != tolower(want[i]))
			return 0;
	return 1;
}

int
dns_check_reply(const uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t type, const char **why)
{
	static const char *const rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
	uint16_t flags, qd, an, rcode;
	size_t off = DNS_HDR;

	if (len < DNS_HDR || get16(buf) != id)
		return -1;
	flags = get16(buf + 2);
	qd = get16(buf + 4);
	an = get16(buf + 6);
	if (!(flags & 0x8000))
		return -1;	/* a query, not a reply */
	if (qd != 1 || !dns_same_question(buf, len, off, name))
		return -1;
	if (dns_skip_name(buf, len, &off) == -1 || off + 4 > len || get16(buf + off) != type)
		return -1;
	off += 4;
	rcode = flags & 0x000f;
	if (rcode != 0) {
		*why = rcode < sizeof(rcodes) / sizeof(rcodes[0]) ? rcodes[rcode] : "error rcode";
		return 0;
	}
	if (flags & 0x0200) {
		*why = "truncated reply";
		return 0;
	}
	for (uint16_t i = 0; i < an; i++) {
		uint16_t rtype, rdlen;

		if (dns_skip_name(buf, len, &off) == -1 || off + 10 > len) {
			*why = "malformed answer";
			return 0;
		}
		rtype = get16(buf + off);
		rdlen = get16(buf + off + 8);
		off += 10;
		if (off + rdlen > len) {
			*why = "malformed answer";
			return 0;
		}
		if (rtype == type)
			return 1;
		off += rdlen;
	}
	*why = "no answer of the type asked";
	return 0;
}
