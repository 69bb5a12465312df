/*
 * Load for test/bench/sync-bench.sh: TCP connections that stay open.
 *
 *   sync-conns server ADDR PORT              accepts and holds every connection, discarding what arrives
 *   sync-conns client VIP PORT RATE SECONDS OUT
 *       opens RATE connections per second for SECONDS (non-blocking, paced every millisecond), sends a
 *       byte on each once it is established and keeps it open; then writes to OUT a first line
 *       "attempted established seconds" and a line "MONOTONIC_SECONDS LOCAL_PORT SETUP_SECONDS" per connection
 *       (SETUP_SECONDS: from connect() to established; 1 s or more means a SYN was sent again), creates
 *       OUT.done and sleeps until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
server(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1, ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, evs[256];
	char buf[4096];

	if (ls < 0 || ep < 0 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(ls, 65535) < 0) {
		perror("bind/listen");
		return 1;
	}
	ev.data.fd = ls;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, c;

			if (fd == ls) {
				while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
			} else if (read(fd, buf, sizeof(buf)) == 0) {
				close(fd);
			}
		}
	}
}

struct made {
	double t;
	int port;
	double setup;
};

#define MAX_FD (1 << 20)

static int
client(const char *vip, int port, double rate, double seconds, const char *out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int ep = epoll_create1(0);
	size_t cap = (size_t)(rate * seconds) + 16, nmade = 0, attempted = 0, pending = 0;
	struct made *made = calloc(cap, sizeof(*made));
	double *connected_at = calloc(MAX_FD, sizeof(*connected_at));	/* by descriptor */
	struct epoll_event evs[512];
	double start = now(), end;
	char path[4096];
	FILE *f;

	if (ep < 0 || made == NULL || connected_at == NULL || inet_pton(AF_INET, vip, &sin.sin_addr) != 1)
		return 1;
	for (;;) {
		double t = now() - start;
		int n;

		while (t < seconds && attempted < (size_t)(t * rate) && attempted < cap) {
			int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			struct epoll_event ev = { .events = EPOLLOUT };

			if (s < 0)
				break;
			if (s >= MAX_FD) {
				close(s);
				break;
			}
			attempted++;
			connected_at[s] = now();
			if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
				close(s);
				continue;
			}
			ev.data.fd = s;
			epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
			pending++;
		}
		if (t >= seconds && (pending == 0 || t > seconds + 10))
			break;
		n = epoll_wait(ep, evs, 512, 1);
		for (int i = 0; i < n; i++) {
			int s = evs[i].data.fd, err = 0;
			socklen_t el = sizeof(err);
			struct sockaddr_in local;
			socklen_t ll = sizeof(local);

			epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL);
			pending--;
			getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err != 0 || write(s, "x", 1) != 1 || getsockname(s, (struct sockaddr *)&local, &ll) < 0) {
				close(s);
				continue;
			}
			made[nmade].t = now();
			made[nmade].port = ntohs(local.sin_port);
			made[nmade].setup = made[nmade].t - connected_at[s];
			nmade++;
		}
	}
	end = now() - start;
	if ((f = fopen(out, "w")) == NULL)
		return 1;
	fprintf(f, "%zu %zu %f\n", attempted, nmade, end);
	for (size_t i = 0; i < nmade; i++)
		fprintf(f, "%f %d %f\n", made[i].t, made[i].port, made[i].setup);
	fclose(f);
	snprintf(path, sizeof(path), "%s.done", out);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	raise_nofile();
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		return server(argv[2], atoi(argv[3]));
	if (argc == 7 && strcmp(argv[1], "client") == 0)
		return client(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]), argv[6]);
	fprintf(stderr, "usage: sync-conns server ADDR PORT | client VIP PORT RATE SECONDS OUT\n");
	return 2;
}
