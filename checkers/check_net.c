/* Sockets for the checks: non-blocking, bound and marked as configured, watched by the loop. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checkers/check.h"
#include "lib/log.h"

int
ck_net_connect(struct ck_check *c, int type, int proto, const char **why)
{
	const struct cfg_checker *cfg = c->cfg;
	int one = 1;
	int fd = socket(c->dst.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	*why = "socket";
	if (fd == -1)
		return -1;
	if (cfg->fwmark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg->fwmark, sizeof(cfg->fwmark)) == -1) {
		*why = "fwmark";
		goto fail;
	}
	if (cfg->bind_if[0] != '\0' &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->bind_if, (socklen_t)strlen(cfg->bind_if)) == -1) {
		*why = "bind_if";
		goto fail;
	}
	if (c->srclen > 0) {
		/*
		 * A fixed bind_port makes every run the same four-tuple: closing with a reset leaves no TIME_WAIT
		 * behind that would refuse the next run's connect.
		 */
		if (cfg->bind_port != 0 && type == SOCK_STREAM) {
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)&c->src, c->srclen) == -1) {
			*why = "bind";
			goto fail;
		}
	}
	if (connect(fd, (const struct sockaddr *)&c->dst, c->dstlen) == -1 && errno != EINPROGRESS) {
		*why = "connect";
		goto fail;
	}
	c->fd = fd;
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

int
ck_net_connect_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return errno;
	return err;
}

int
ck_net_watch(struct ck_check *c, uint32_t events, ev_io_cb cb)
{
	if (c->io.active && c->io.fd == c->fd && c->io.cb == cb)
		return c->io.events == events ? 0 : ev_io_modify(c->ck->p->loop, &c->io, events);
	return ev_io_start(c->ck->p->loop, &c->io, c->fd, events, cb, c);
}

void
ck_net_close(struct ck_check *c)
{
	if (c->io.active)
		ev_io_stop(c->ck->p->loop, &c->io);
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

void
ck_net_format(const struct cfg_addr *a, uint32_t port, char *buf, size_t len)
{
	char s[64];

	cfg_format_addr(a, s, sizeof(s));
	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
}
