/* Full-table resync: /proc/net/ip_vs_conn text back into v1 records (see sync_resync.h). */
#include "sync/sync_resync.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORDS 12
#define WORD_MAX 48

/* Splits a line into at most MAX_WORDS words of < WORD_MAX bytes; -1 if a word is too long. */
static int
split(const char *line, char words[MAX_WORDS][WORD_MAX])
{
	int n = 0;

	for (const char *p = line; *p != '\0' && *p != '\n';) {
		size_t len = 0;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (n == MAX_WORDS)
			return n;
		while (p[len] != '\0' && p[len] != '\n' && !isspace((unsigned char)p[len]))
			len++;
		if (len >= WORD_MAX)
			return -1;
		memcpy(words[n], p, len);
		words[n][len] = '\0';
		n++;
		p += len;
	}
	return n;
}

/* Exactly `digits` hex digits (0 = 1 to 8) into *v. */
static int
parse_hex(const char *s, size_t digits, uint32_t *v)
{
	size_t len = strlen(s);
	uint32_t x = 0;

	if (len == 0 || len > 8 || (digits != 0 && len != digits))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		x = x << 4 | (uint32_t)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	*v = x;
	return 0;
}

/* An address as the kernel prints it: 8 hex digits (IPv4) or the full colon form (IPv6). Returns 4, 6, or -1. */
static int
parse_addr(const char *s, uint8_t out[16])
{
	uint32_t v;

	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, out) == 1 ? 6 : -1;
	if (parse_hex(s, 8, &v) == -1)
		return -1;
	memset(out, 0, 16);
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
	return 4;
}

static int
parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (parse_hex(s, 4, &v) == -1)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* "[ADDR]:PORT" or "ADDR:PORT" as in /proc/net/ip_vs. */
static int
parse_addr_port(char *s, uint8_t addr[16], uint16_t *port)
{
	char *colon = strrchr(s, ':');
	int af;

	if (colon == NULL)
		return -1;
	*colon = '\0';
	if (parse_port(colon + 1, port) == -1)
		return -1;
	if (s[0] == '[') {
		size_t len = strlen(s);

		if (len < 2 || s[len - 1] != ']')
			return -1;
		s[len - 1] = '\0';
		s++;
	}
	af = parse_addr(s, addr);
	return af;
}

static int
fwd_bits(const char *name, uint8_t *fwd)
{
	static const struct {
		const char *name;
		uint8_t bits;
	} methods[] = { { "Masq", 0 }, { "Local", 1 }, { "Tunnel", 2 }, { "Route", 3 }, { "Bypass", 4 } };

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(name, methods[i].name) == 0) {
			*fwd = methods[i].bits;
			return 0;
		}
	return -1;
}

int
sync_fwd_map_parse(struct sync_fwd_map *m, const char *text)
{
	const char *line = text;

	memset(m, 0, sizeof(*m));
	while (line != NULL && *line != '\0') {
		char words[MAX_WORDS][WORD_MAX];
		struct sync_fwd_entry e = { 0 };
		int n = split(line, words), af;

		/* "  -> C6336415:0050      Masq    1      0          1" */
		if (n >= 3 && strcmp(words[0], "->") == 0 && (af = parse_addr_port(words[1], e.addr, &e.port)) > 0 &&
		    fwd_bits(words[2], &e.fwd) == 0) {
			e.af = (uint8_t)af;
			if (m->n == m->cap) {
				size_t cap = m->cap ? m->cap * 2 : 32;
				struct sync_fwd_entry *ne = realloc(m->e, cap * sizeof(*ne));

				if (ne == NULL) {
					sync_fwd_map_free(m);
					return -1;
				}
				m->e = ne;
				m->cap = cap;
			}
			m->e[m->n++] = e;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return 0;
}

uint32_t
sync_fwd_lookup(const struct sync_fwd_map *m, uint8_t af, const uint8_t *addr, uint16_t port)
{
	/* a real server with port 0 (fwmark services, direct routing) serves every port */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->n; i++) {
			const struct sync_fwd_entry *e = &m->e[i];

			if (e->af == af && memcmp(e->addr, addr, af == 6 ? 16 : 4) == 0 &&
			    e->port == (pass == 0 ? port : 0))
				return e->fwd;
		}
	return SYNC_CF_MASQ;
}

void
sync_fwd_map_free(struct sync_fwd_map *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static int
protocol_number(const char *name, uint8_t *proto)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} protos[] = { { "TCP", 6 }, { "UDP", 17 }, { "SCTP", 132 }, { "AH", 51 }, { "ESP", 50 }, { "IP", 0 } };

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(name, protos[i].name) == 0) {
			*proto = protos[i].proto;
			return 0;
		}
	return -1;
}

/* The state number for a state name; templates are recognised by their names. -1 if unknown. */
static int
state_number(uint8_t proto, const char *name, bool *template)
{
	static const char *const tcp[] = { "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
					   "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK" };
	static const char *const sctp[] = { "NONE", "INIT1", "INIT", "COOKIE_SENT", "COOKIE_REPLIED", "COOKIE_WAIT",
					    "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECEIVED",
					    "SHUTDOWN_ACK_SENT", "REJECTED", "CLOSED" };
	const char *const *names = NULL;
	size_t n = 0;

	*template = false;
	if (strcmp(name, "ASSURED") == 0) {
		*template = true;
		return 1;
	}
	switch (proto) {
	case 6:
		names = tcp;
		n = sizeof(tcp) / sizeof(tcp[0]);
		break;
	case 132:
		names = sctp;
		n = sizeof(sctp) / sizeof(sctp[0]);
		break;
	case 17:
		return strcmp(name, "UDP") == 0 ? 0 : strcmp(name, "NONE") == 0 ? (*template = true, 0) : -1;
	case 0:
		/* a fwmark service's template */
		*template = true;
		return strcmp(name, "NONE") == 0 ? 0 : -1;
	default:
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static bool
is_header(char words[MAX_WORDS][WORD_MAX], int n, struct sync_proc_fmt *fmt)
{
	if (n < 9 || strcmp(words[0], "Pro") != 0 || strcmp(words[1], "FromIP") != 0)
		return false;
	fmt->known = true;
	fmt->origin = strcmp(words[8], "Origin") == 0;
	return true;
}

enum sync_line
sync_proc_parse_line(const char *line, struct sync_proc_fmt *fmt, const struct sync_fwd_map *fwd,
		     struct sync_conn *c)
{
	char w[MAX_WORDS][WORD_MAX];
	int n = split(line, w), af, daf, state;
	int expires_at;
	uint32_t expires;
	bool template;
	char *end;

	if (n <= 0)
		return SYNC_LINE_BAD;
	if (is_header(w, n, fmt))
		return SYNC_LINE_HEADER;
	if (!fmt->known)
		return SYNC_LINE_BAD;
	expires_at = fmt->origin ? 9 : 8;
	/* ip_vs_conn may append a persistence engine's name and data */
	if (n < expires_at + 1 || (fmt->origin && n != 10))
		return SYNC_LINE_BAD;
	memset(c, 0, sizeof(*c));
	if (protocol_number(w[0], &c->protocol) == -1)
		return SYNC_LINE_BAD;
	if ((af = parse_addr(w[1], c->caddr)) == -1 || parse_port(w[2], &c->cport) == -1 ||
	    parse_addr(w[3], c->vaddr) != af || parse_port(w[4], &c->vport) == -1 ||
	    (daf = parse_addr(w[5], c->daddr)) == -1 || parse_port(w[6], &c->dport) == -1)
		return SYNC_LINE_BAD;
	if (fmt->origin && strcmp(w[8], "LOCAL") != 0 && strcmp(w[8], "SYNC") != 0)
		return SYNC_LINE_BAD;
	errno = 0;
	unsigned long v = strtoul(w[expires_at], &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX || !isdigit((unsigned char)w[expires_at][0]))
		return SYNC_LINE_BAD;
	expires = (uint32_t)v;
	/* version 1 carries one family for all three addresses */
	if (daf != af)
		return SYNC_LINE_SKIP;
	if ((state = state_number(c->protocol, w[7], &template)) < 0)
		return SYNC_LINE_SKIP;
	/* a template with state NONE reads like a TCP connection in state NONE; templates have no client port */
	if (c->protocol != 0 && state == 0 && !template && strcmp(w[7], "NONE") == 0 && c->cport == 0)
		template = true;
	c->af = (uint8_t)af;
	c->state = (uint16_t)state;
	c->flags = sync_fwd_lookup(fwd, c->af, c->daddr, c->dport);
	if (template)
		c->flags |= SYNC_CF_TEMPLATE;
	/* 0 would mean "the protocol default"; a line about to expire is sent to expire soon */
	c->timeout = expires ? expires : 1;
	return SYNC_LINE_CONN;
}

int
sync_proc_reader_open(struct sync_proc_reader *r, const char *conns, const char *services)
{
	char *svc;
	size_t len;

	memset(r, 0, sizeof(*r));
	if ((r->fd = open(conns, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* without the service list every connection is sent as masqueraded */
	if (services != NULL && (svc = sync_read_file(services, &len)) != NULL) {
		if (sync_fwd_map_parse(&r->fwd, svc) == -1)
			sync_fwd_map_free(&r->fwd);
		free(svc);
	}
	return 0;
}

/* Hands out the complete lines in the buffer; keeps a partial last one (all of it at the end). */
static void
reader_lines(struct sync_proc_reader *r, bool at_end, sync_conn_cb cb, void *arg)
{
	size_t pos = 0;

	for (;;) {
		char *line = r->buf + pos, *nl = memchr(line, '\n', r->len - pos);
		struct sync_conn c;

		if (nl == NULL) {
			if (!at_end || pos == r->len)
				break;
			nl = r->buf + r->len;	/* the buffer keeps a byte free for this */
		}
		*nl = '\0';
		switch (sync_proc_parse_line(line, &r->fmt, &r->fwd, &c)) {
		case SYNC_LINE_CONN:
			r->records++;
			if (cb != NULL)
				cb(&c, arg);
			break;
		case SYNC_LINE_HEADER:
			break;
		case SYNC_LINE_SKIP:
			r->skipped++;
			break;
		case SYNC_LINE_BAD:
			r->bad++;
			break;
		}
		pos = (size_t)(nl - r->buf) + (nl < r->buf + r->len);
		if (pos >= r->len)
			break;
	}
	memmove(r->buf, r->buf + pos, r->len - pos);
	r->len -= pos;
}

int
sync_proc_reader_step(struct sync_proc_reader *r, unsigned reads, sync_conn_cb cb, void *arg)
{
	while (reads-- > 0) {
		ssize_t n;

		if (r->len == sizeof(r->buf) - 1) {
			/* a line longer than the buffer is no connection line: drop what we have of it */
			r->bad++;
			r->len = 0;
		}
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		r->len += (size_t)n;
		reader_lines(r, n == 0, cb, arg);
		if (n == 0)
			return 1;
	}
	return 0;
}

void
sync_proc_reader_close(struct sync_proc_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	sync_fwd_map_free(&r->fwd);
	r->len = 0;
}

char *
sync_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 64 * 1024, n = 0;
	char *buf;

	if (fd == -1)
		return NULL;
	if ((buf = malloc(cap)) == NULL) {
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}
