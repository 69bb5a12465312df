/* TCP_CHECK: the server accepts a connection. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "checkers/check.h"

static void
tcp_connected(struct ev_io *io, uint32_t revents)
{
	struct ck_check *c = io->data;
	int err = ck_net_connect_error(c->fd);

	if (err != 0)
		ck_result(c, false, -1, "connect: %s", strerror(err));
	else
		ck_result(c, true, -1, "connected");
}

static void
tcp_start(struct ck_check *c)
{
	const char *why;

	if (ck_net_connect(c, SOCK_STREAM, 0, &why) == -1) {
		ck_result(c, false, -1, "%s: %s", why, strerror(errno));
		return;
	}
	if (ck_net_watch(c, EPOLLOUT, tcp_connected) == -1)
		ck_result(c, false, -1, "cannot watch the socket");
}

static void
tcp_stop(struct ck_check *c)
{
	ck_net_close(c);
}

const struct ck_kind ck_kind_tcp = { "TCP_CHECK", tcp_start, tcp_stop, NULL };
