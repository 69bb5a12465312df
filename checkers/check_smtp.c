/* SMTP_CHECK: a 220 greeting, HELO answered by 250, then QUIT. Multi-line replies ("250-") are read whole. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checkers/check.h"

struct smtp_run {
	struct smtp_reader rd;
	int step;		/* 0 greeting, 1 HELO reply */
	char out[CFG_NAME_MAX + 16];
	size_t outlen, outoff;
};

static void smtp_io(struct ev_io *io, uint32_t revents);

static void
smtp_helo(struct smtp_run *r, const char *host)
{
	int n = snprintf(r->out, sizeof(r->out), "HELO %s\r\n", host);

	r->outlen = n < 0 ? 0 : (size_t)n < sizeof(r->out) ? (size_t)n : sizeof(r->out) - 1;
	r->outoff = 0;
}

/* Flushes what is queued; false if it failed (the result is given). */
static bool
smtp_flush(struct ck_check *c, struct smtp_run *r)
{
	while (r->outoff < r->outlen) {
		ssize_t n = send(c->fd, r->out + r->outoff, r->outlen - r->outoff, MSG_NOSIGNAL);

		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return ck_net_watch(c, EPOLLIN | EPOLLOUT, smtp_io) == 0;
		if (n == -1) {
			ck_result(c, false, -1, "SMTP write: %s", strerror(errno));
			return false;
		}
		r->outoff += (size_t)n;
	}
	return ck_net_watch(c, EPOLLIN, smtp_io) == 0;
}

/* A complete reply line "NNN text" (the last of a multi-line reply). */
static void
smtp_reply(struct ck_check *c, struct smtp_run *r, int code)
{
	char host[CFG_NAME_MAX];

	if (r->step == 0) {
		if (code != 220) {
			ck_result(c, false, -1, "SMTP greeting %d", code);
			return;
		}
		if (c->cfg->helo_name[0] != '\0')
			snprintf(host, sizeof(host), "%s", c->cfg->helo_name);
		else if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		smtp_helo(r, host);
		r->step = 1;
		c->phase = "SMTP HELO";
		smtp_flush(c, r);
		return;
	}
	if (code != 250) {
		ck_result(c, false, -1, "SMTP HELO answered %d", code);
		return;
	}
	/* QUIT is a courtesy: the verdict does not wait for its answer */
	send(c->fd, "QUIT\r\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT);
	ck_result(c, true, -1, "SMTP 250");
}

int
smtp_reply_feed(struct smtp_reader *rd, const char *buf, size_t n, size_t *used)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (rd->len + 1 < sizeof(rd->line))
				rd->line[rd->len++] = buf[i];
			continue;
		}
		rd->line[rd->len] = '\0';
		rd->len = 0;
		*used = i + 1;
		/* a reply code is three digits (RFC 5321 4.2); atoi would read "4294967296" as 0 */
		if (strlen(rd->line) < 3 || rd->line[0] < '1' || rd->line[0] > '5' || !isdigit((unsigned char)rd->line[1]) ||
		    !isdigit((unsigned char)rd->line[2]))
			return -1;
		if (rd->line[3] == '-')
			continue;	/* more lines of this reply follow */
		return (rd->line[0] - '0') * 100 + (rd->line[1] - '0') * 10 + (rd->line[2] - '0');
	}
	*used = n;
	return 0;
}

static void
smtp_read(struct ck_check *c, struct smtp_run *r)
{
	char buf[1024];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
	size_t used;
	int code;

	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ck_result(c, false, -1, "SMTP %s", n == 0 ? "connection closed" : strerror(errno));
		return;
	}
	code = smtp_reply_feed(&r->rd, buf, (size_t)n, &used);
	if (code == -1)
		ck_result(c, false, -1, "SMTP: not a reply");
	else if (code > 0)
		smtp_reply(c, r, code);	/* one reply per exchange: anything after it is not ours yet */
}

static void
smtp_io(struct ev_io *io, uint32_t revents)
{
	struct ck_check *c = io->data;
	struct smtp_run *r = c->priv;
	int err;

	if (strcmp(c->phase, "connect") == 0) {
		if ((err = ck_net_connect_error(c->fd)) != 0) {
			ck_result(c, false, -1, "connect: %s", strerror(err));
			return;
		}
		c->phase = "SMTP greeting";
		ck_net_watch(c, EPOLLIN, smtp_io);
		return;
	}
	if ((revents & EPOLLOUT) && !smtp_flush(c, r))
		return;
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
		smtp_read(c, r);
}

static void
smtp_start(struct ck_check *c)
{
	const char *why;

	if ((c->priv = calloc(1, sizeof(struct smtp_run))) == NULL) {
		ck_result(c, false, -1, "out of memory");
		return;
	}
	if (ck_net_connect(c, SOCK_STREAM, 0, &why) == -1) {
		ck_result(c, false, -1, "%s: %s", why, strerror(errno));
		return;
	}
	if (ck_net_watch(c, EPOLLOUT, smtp_io) == -1)
		ck_result(c, false, -1, "cannot watch the socket");
}

static void
smtp_stop(struct ck_check *c)
{
	ck_net_close(c);
	free(c->priv);
	c->priv = NULL;
}

const struct ck_kind ck_kind_smtp = { "SMTP_CHECK", smtp_start, smtp_stop, NULL };
