/*
 * UDP_CHECK: a datagram sent; with require_reply, a reply of the right length (and matching the
 * pattern, X nibbles being free) must come back; without, the check passes unless an ICMP error
 * (port unreachable ...) comes back before the timeout.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "checkers/check.h"

static bool
udp_reply_ok(const struct cfg_checker *cfg, const uint8_t *buf, size_t n, const char **why)
{
	size_t cmp = n < cfg->reply_len ? n : cfg->reply_len;

	if (n < cfg->min_reply_length || n > cfg->max_reply_length) {
		*why = "reply length out of range";
		return false;
	}
	for (size_t i = 0; i < cmp; i++) {
		if ((buf[i] & cfg->reply_mask[i]) != (cfg->reply[i] & cfg->reply_mask[i])) {
			*why = "reply does not match";
			return false;
		}
	}
	return true;
}

static void
udp_readable(struct ev_io *io, uint32_t revents)
{
	struct ck_check *c = io->data;
	uint8_t buf[65536];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
	const char *why;

	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		ck_result(c, false, -1, "UDP: %s", errno == ECONNREFUSED ? "port unreachable" : strerror(errno));
		return;
	}
	if (!c->cfg->require_reply) {
		ck_result(c, true, -1, "UDP reply");
		return;
	}
	if (udp_reply_ok(c->cfg, buf, (size_t)n, &why))
		ck_result(c, true, -1, "UDP reply of %zd bytes", n);
	else
		ck_result(c, false, -1, "UDP %s (%zd bytes)", why, n);
}

static void
udp_start(struct ck_check *c)
{
	uint8_t rnd[16];
	const uint8_t *data = c->cfg->payload;
	size_t len = c->cfg->payload_len;
	const char *why;

	if (len == 0) {
		/* keepalived sends random bytes when no payload is given */
		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
			memset(rnd, 0x5a, sizeof(rnd));
		data = rnd;
		len = sizeof(rnd);
	}
	c->phase = "UDP reply";
	if (ck_net_connect(c, SOCK_DGRAM, 0, &why) == -1) {
		ck_result(c, false, -1, "%s: %s", why, strerror(errno));
		return;
	}
	if (send(c->fd, data, len, 0) != (ssize_t)len) {
		ck_result(c, false, -1, "send: %s", strerror(errno));
		return;
	}
	if (ck_net_watch(c, EPOLLIN, udp_readable) == -1)
		ck_result(c, false, -1, "cannot watch the socket");
}

static void
udp_stop(struct ck_check *c)
{
	ck_net_close(c);
}

/* Silence is success unless a reply is required. */
static void
udp_timeout(struct ck_check *c)
{
	if (c->cfg->require_reply)
		ck_result(c, false, -1, "UDP reply timeout");
	else
		ck_result(c, true, -1, "no ICMP error");
}

const struct ck_kind ck_kind_udp = { "UDP_CHECK", udp_start, udp_stop, udp_timeout };
