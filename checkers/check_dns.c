/* DNS_CHECK: a query over UDP, and a reply with an answer of the type asked (check_dns_msg.c). */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "checkers/check.h"
#include "checkers/check_dns_msg.h"

static void
dns_readable(struct ev_io *io, uint32_t revents)
{
	struct ck_check *c = io->data;
	uint8_t buf[4096];
	const char *why = NULL;

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		int r;

		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			ck_result(c, false, -1, "DNS: %s", errno == ECONNREFUSED ? "port unreachable" : strerror(errno));
			return;
		}
		r = dns_check_reply(buf, (size_t)n, c->seq, config_text(c->ck->p->conf, c->cfg->dns_name),
				    (uint16_t)c->cfg->dns_type, &why);
		if (r == 1) {
			ck_result(c, true, -1, "DNS %s answer", dns_type_name((uint16_t)c->cfg->dns_type));
			return;
		}
		if (r == 0) {
			ck_result(c, false, -1, "DNS %s", why);
			return;
		}
		/* not ours (an old reply, or spoofed): keep waiting */
	}
}

static void
dns_start(struct ck_check *c)
{
	uint8_t q[512];
	const char *why;
	int n;

	c->seq = (uint16_t)(c->seq * 31421u + 6927u + (uint16_t)c->ck->runs);
	n = dns_build_query(q, sizeof(q), c->seq, config_text(c->ck->p->conf, c->cfg->dns_name),
			    (uint16_t)c->cfg->dns_type);
	if (n < 0) {
		ck_result(c, false, -1, "DNS name too long");
		return;
	}
	c->phase = "DNS reply";
	if (ck_net_connect(c, SOCK_DGRAM, 0, &why) == -1) {
		ck_result(c, false, -1, "%s: %s", why, strerror(errno));
		return;
	}
	if (send(c->fd, q, (size_t)n, 0) != n) {
		ck_result(c, false, -1, "send: %s", strerror(errno));
		return;
	}
	if (ck_net_watch(c, EPOLLIN, dns_readable) == -1)
		ck_result(c, false, -1, "cannot watch the socket");
}

static void
dns_stop(struct ck_check *c)
{
	ck_net_close(c);
}

const struct ck_kind ck_kind_dns = { "DNS_CHECK", dns_start, dns_stop, NULL };
