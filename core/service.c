/* systemd's notify protocol and watchdog for the parent; see core/service.h. */
#include "core/service.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/parent.h"
#include "lib/log.h"

static void
notify(struct service *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	if (s->fd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	if (send(s->fd, msg, (size_t)n, MSG_NOSIGNAL) == -1 && errno != EAGAIN)
		log_warn("service manager notification");
}

static int
connect_notify_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	socklen_t addrlen;
	int fd;

	if (len == 0 || len >= sizeof(sun.sun_path) || (path[0] != '/' && path[0] != '@')) {
		log_warnx("NOTIFY_SOCKET %s: not a socket path; not notifying", path);
		return -1;
	}
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* an abstract socket */
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		log_warn("notify socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, addrlen) == -1) {
		log_warn("NOTIFY_SOCKET %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* A child answers if its last pong is younger than half the watchdog period. */
static bool
children_answer(struct service *s, struct parent *pa)
{
	uint64_t now = ev_now();
	bool all = true;

	for (int k = 0; k < CHILD_MAX; k++) {
		struct child *c = &pa->children[k];

		if (c->state != CHILD_RUNNING || now - c->last_pong_ns < s->watchdog_ns / 2)
			continue;
		if (!s->stalled_logged)
			log_warnx("%s (pid %d) has not answered for %" PRIu64 " ms: not pinging the watchdog",
				  c->ops->name, (int)c->pid, (uint64_t)((now - c->last_pong_ns) / EV_NSEC_PER_MSEC));
		all = false;
	}
	s->stalled_logged = !all;
	return all;
}

static void
on_watchdog(struct ev_timer *t)
{
	struct parent *pa = t->data;
	struct service *s = &pa->service;
	struct ipc_ping ping = { .seq = ++s->ping_seq };

	if (children_answer(s, pa))
		notify(s, "WATCHDOG=1");
	for (int k = 0; k < CHILD_MAX; k++) {
		struct child *c = &pa->children[k];

		if (c->state == CHILD_RUNNING && ipc_send(&c->ipc, IPC_PING, &ping, sizeof(ping)) == 0)
			child_flush_later(c);
	}
	ev_timer_after(pa->loop, t, s->watchdog_ns / 4);
}

static uint64_t
watchdog_period(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	if (usec == NULL)
		return 0;
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return 0;	/* meant for another process */
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > UINT64_MAX / 1000)
		return 0;
	return (uint64_t)v * 1000;
}

void
service_open(struct service *s, struct parent *pa)
{
	const char *path = getenv("NOTIFY_SOCKET");

	*s = (struct service){ .fd = -1 };
	if (path != NULL)
		s->fd = connect_notify_socket(path);
	s->watchdog_ns = s->fd == -1 ? 0 : watchdog_period();
	/* the children are forks, not new services */
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	if (s->watchdog_ns == 0)
		return;
	ev_timer_init(&s->watchdog, on_watchdog, pa, "watchdog");
	ev_timer_after(pa->loop, &s->watchdog, s->watchdog_ns / 4);
	log_info("watchdog: every %" PRIu64 " ms, while every child answers", (uint64_t)(s->watchdog_ns / EV_NSEC_PER_MSEC));
}

void
service_close(struct service *s, struct ev_loop *loop)
{
	if (s->watchdog_ns != 0)
		ev_timer_stop(loop, &s->watchdog);
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
}

void
service_reloading(struct service *s)
{
	s->ready = false;
	notify(s, "RELOADING=1");
}

void
service_check_ready(struct service *s, struct parent *pa)
{
	if (s->ready || pa->stopping)
		return;
	for (int k = 0; k < CHILD_MAX; k++) {
		const struct child *c = &pa->children[k];

		/* a child that cannot run this configuration waits for a reload; it does not hold READY back */
		if (c->state == CHILD_IDLE || c->state == CHILD_FAILED)
			continue;
		if (c->state != CHILD_RUNNING || c->applied_generation != pa->generation)
			return;
	}
	s->ready = true;
	notify(s, "READY=1\nSTATUS=configuration %" PRIu32 " in force (%s)", pa->generation, pa->opts.config_path);
}

void
service_stopping(struct service *s)
{
	notify(s, "STOPPING=1");
}
