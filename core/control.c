/* Control socket connections: accept, check the peer, read one request, write one reply, close. */
#include "core/control.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/pidfile.h"
#include "lib/log.h"

struct client {
	struct control *ctl;
	struct ev_io io;
	char in[CONTROL_MAX_REQUEST];
	size_t inlen;
	char *out;
	size_t outlen, outoff;
	/* after refusing an oversized request: read and drop the rest, so closing does not reset the
	 * connection and lose the reply */
	bool draining;
	size_t drained;
	struct client *next;
};

struct control {
	struct ev_loop *loop;
	struct ev_io listen_io;
	char *path;
	control_handler handler;
	void *data;
	struct client *clients;
	unsigned nclients;
};

static void
client_free(struct client *cl)
{
	struct control *ctl = cl->ctl;

	for (struct client **pp = &ctl->clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	ctl->nclients--;
	ev_io_stop(ctl->loop, &cl->io);
	close(cl->io.fd);
	free(cl->out);
	free(cl);
}

static void
client_reply(struct client *cl, struct json_object *reply)
{
	const char *text = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
	size_t n = text ? strlen(text) : 0;

	if (text == NULL || (cl->out = malloc(n + 1)) == NULL) {
		log_warnx("control: cannot build a reply");
		client_free(cl);
		return;
	}
	memcpy(cl->out, text, n);
	cl->out[n] = '\n';
	cl->outlen = n + 1;
	ev_io_modify(cl->ctl->loop, &cl->io, EPOLLOUT);
}

static struct json_object *
error_reply(const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

struct json_object *
control_request(const char *line, control_handler handler, void *data)
{
	struct json_object *req = json_tokener_parse(line);
	struct json_object *cmd = NULL, *reply;

	if (req == NULL || !json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "command", &cmd) || !json_object_is_type(cmd, json_type_string))
		reply = error_reply("a request is a JSON object with a \"command\" string");
	else
		reply = handler(json_object_get_string(cmd), req, data);
	json_object_put(req);
	if (reply == NULL)
		reply = error_reply("out of memory");
	return reply;
}

static void
client_request(struct client *cl)
{
	struct json_object *reply = control_request(cl->in, cl->ctl->handler, cl->ctl->data);

	client_reply(cl, reply);
	json_object_put(reply);
}

static void
client_drain(struct client *cl)
{
	char scratch[4096];
	ssize_t n = read(cl->io.fd, scratch, sizeof(scratch));

	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	cl->drained += n > 0 ? (size_t)n : 0;
	if (n <= 0 || cl->drained > 16 * CONTROL_MAX_REQUEST)
		client_free(cl);
}

static void
client_read(struct client *cl)
{
	ssize_t n = read(cl->io.fd, cl->in + cl->inlen, sizeof(cl->in) - 1 - cl->inlen);
	char *nl;

	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(cl);
		return;
	}
	cl->inlen += (size_t)n;
	cl->in[cl->inlen] = '\0';
	if ((nl = memchr(cl->in, '\n', cl->inlen)) != NULL) {
		*nl = '\0';
		client_request(cl);
	} else if (cl->inlen == sizeof(cl->in) - 1) {
		struct json_object *r = error_reply("request too long");

		cl->draining = true;
		client_reply(cl, r);
		json_object_put(r);
	}
}

static void
client_write(struct client *cl)
{
	ssize_t n = write(cl->io.fd, cl->out + cl->outoff, cl->outlen - cl->outoff);

	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(cl);
		return;
	}
	cl->outoff += (size_t)n;
	if (cl->outoff < cl->outlen)
		return;
	if (!cl->draining) {
		client_free(cl);
		return;
	}
	shutdown(cl->io.fd, SHUT_WR);
	free(cl->out);
	cl->out = NULL;
	ev_io_modify(cl->ctl->loop, &cl->io, EPOLLIN);
}

static void
client_event(struct ev_io *io, uint32_t revents)
{
	struct client *cl = io->data;

	if (cl->out != NULL)
		client_write(cl);
	else if (cl->draining)
		client_drain(cl);
	else
		client_read(cl);
}

static bool
peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void
control_accept(struct ev_io *io, uint32_t revents)
{
	struct control *ctl = io->data;
	struct client *cl;
	int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	if (!peer_allowed(fd) || ctl->nclients >= CONTROL_MAX_CLIENTS) {
		log_warnx("control: connection refused (%s)",
			  ctl->nclients >= CONTROL_MAX_CLIENTS ? "too many clients" : "not root");
		close(fd);
		return;
	}
	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		close(fd);
		return;
	}
	cl->ctl = ctl;
	if (ev_io_start(ctl->loop, &cl->io, fd, EPOLLIN, client_event, cl) == -1) {
		close(fd);
		free(cl);
		return;
	}
	cl->next = ctl->clients;
	ctl->clients = cl;
	ctl->nclients++;
}

static int
listen_on(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* the pid file lock says no other vipd uses it: a socket left here is stale */
	unlink(path);
	old = umask(0077);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r == -1 || chmod(path, 0600) == -1 || listen(fd, 16) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct control *
control_open(struct ev_loop *loop, const char *path, control_handler handler, void *data)
{
	struct control *ctl = calloc(1, sizeof(*ctl));
	int fd;

	if (ctl == NULL || (ctl->path = strdup(path)) == NULL) {
		free(ctl);
		log_warnx("control: out of memory");
		return NULL;
	}
	if (make_parent_dir(path) == -1 || (fd = listen_on(path)) == -1) {
		log_warn("control: cannot listen on %s", path);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	ctl->loop = loop;
	ctl->handler = handler;
	ctl->data = data;
	if (ev_io_start(loop, &ctl->listen_io, fd, EPOLLIN, control_accept, ctl) == -1) {
		log_warn("control: watching the socket");
		close(fd);
		unlink(path);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	return ctl;
}

void
control_close(struct control *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->clients != NULL)
		client_free(ctl->clients);
	ev_io_stop(ctl->loop, &ctl->listen_io);
	close(ctl->listen_io.fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
