/*
 * Real servers for the checkers benchmark: one listening socket per address given, accepting as fast as
 * the checks come so the listener is never what limits them. Mode tcp: accept and close. Mode http: read
 * one request, answer a small 200 and close. Built by checkers-bench.sh with cc; not part of vipd.
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

int
main(int argc, char **argv)
{
	int http, port, ep, one = 1;
	struct epoll_event ev, evs[256];

	if (argc < 4) {
		fprintf(stderr, "usage: %s tcp|http PORT ADDR...\n", argv[0]);
		return 2;
	}
	http = strcmp(argv[1], "http") == 0;
	port = atoi(argv[2]);
	if ((ep = epoll_create1(0)) == -1)
		return 1;
	for (int i = 3; i < argc; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (s == -1 || inet_pton(AF_INET, argv[i], &sa.sin_addr) != 1)
			return 1;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(s, 65535) == -1) {
			perror(argv[i]);
			return 1;
		}
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)s | (1ULL << 32);	/* a listener */
		epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	}
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			int fd = (int)(evs[i].data.u64 & 0xffffffff);
			char buf[4096];

			if (evs[i].data.u64 >> 32) {
				int c;

				while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					if (!http) {
						close(c);
						continue;
					}
					ev.events = EPOLLIN;
					ev.data.u64 = (uint64_t)c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			if (read(fd, buf, sizeof(buf)) > 0 && write(fd, resp, sizeof(resp) - 1) < 0)
				perror("write");
			close(fd);
		}
	}
}
