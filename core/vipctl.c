/* vipctl: talk to a running vipd over its control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "autoconfig.h"
#include "core/vipctl_text.h"

#define DEFAULT_SOCKET "/run/vipd/vipd.sock"
#define MAX_REPLY (256 * 1024 * 1024)

static void
usage(FILE *f)
{
	fprintf(f, "usage: vipctl [-s SOCKET] status [--json]\n"
		   "       vipctl [-s SOCKET] reload\n");
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "vipctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "vipctl: cannot connect to %s: %s (is vipd running?)\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends {"command": cmd} and returns the parsed reply, or NULL (after saying why). */
static struct json_object *
request(const char *path, const char *cmd)
{
	char line[256];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct json_object *reply;
	int fd = connect_to(path), n;

	if (fd == -1)
		return NULL;
	n = snprintf(line, sizeof(line), "{\"command\":\"%s\"}\n", cmd);
	if (write(fd, line, (size_t)n) != n) {
		fprintf(stderr, "vipctl: sending the request: %s\n", strerror(errno));
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (len + 4096 + 1 > cap) {
			char *nb = cap + 65536 > MAX_REPLY ? NULL : realloc(buf, cap + 65536);

			if (nb == NULL) {
				fprintf(stderr, "vipctl: reply too large\n");
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (buf == NULL || len == 0) {
		fprintf(stderr, "vipctl: no reply from vipd\n");
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	reply = json_tokener_parse(buf);
	free(buf);
	if (reply == NULL)
		fprintf(stderr, "vipctl: the reply is not JSON\n");
	return reply;
}

static const char *
get_str(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return dflt;
	return json_object_get_string(v);
}

static void
format_duration(double s, char *buf, size_t len)
{
	long t = (long)s;

	if (t >= 86400)
		snprintf(buf, len, "%ldd%ldh", t / 86400, t % 86400 / 3600);
	else if (t >= 3600)
		snprintf(buf, len, "%ldh%ldm", t / 3600, t % 3600 / 60);
	else if (t >= 60)
		snprintf(buf, len, "%ldm%lds", t / 60, t % 60);
	else
		snprintf(buf, len, "%.1fs", s);
}

static void
print_status(struct json_object *st)
{
	struct json_object *me, *reload, *children, *v, *errs;
	char up[32];

	if (!json_object_object_get_ex(st, "parent", &me) || !json_object_object_get_ex(st, "children", &children))
		return;
	json_object_object_get_ex(me, "uptime", &v);
	format_duration(json_object_get_double(v), up, sizeof(up));
	printf("vipd %s, pid %s, up %s%s%s\n", get_str(me, "version", "?"), get_str(me, "pid", "?"), up,
	       *get_str(me, "router_id", "") ? ", router_id " : "", get_str(me, "router_id", ""));
	printf("config %s (generation %s)\n", get_str(me, "config_file", "?"), get_str(me, "config_generation", "?"));
	if (json_object_object_get_ex(me, "last_reload", &reload)) {
		printf("last reload: %s%s\n", get_str(reload, "result", "none"),
		       json_object_object_get_ex(reload, "parsed", &v) && !json_object_get_boolean(v) ?
		       " (files unchanged: configuration kept)" : "");
		if (json_object_object_get_ex(reload, "errors", &errs))
			for (size_t i = 0; i < json_object_array_length(errs); i++)
				printf("  %s\n", json_object_get_string(json_object_array_get_idx(errs, i)));
	}
	printf("\n%-10s %-9s %-8s %-9s %-9s %s\n", "CHILD", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT");
	for (size_t i = 0; i < json_object_array_length(children); i++) {
		struct json_object *c = json_object_array_get_idx(children, i);

		up[0] = '-';
		up[1] = '\0';
		if (json_object_object_get_ex(c, "uptime", &v) && v != NULL)
			format_duration(json_object_get_double(v), up, sizeof(up));
		printf("%-10s %-9s %-8s %-9s %-9s %s\n", get_str(c, "name", "?"), get_str(c, "state", "?"),
		       get_str(c, "pid", "-"), up, get_str(c, "restarts", "0"), get_str(c, "last_exit", "-"));
	}
	vipctl_print_children_status(children);
}

static int
print_reload(struct json_object *r)
{
	struct json_object *errs;
	bool ok = strcmp(get_str(r, "result", ""), "ok") == 0;

	if (ok)
		printf("reloaded: configuration %s in force\n", get_str(r, "config_generation", "?"));
	else
		fprintf(stderr, "reload failed: %s; the previous configuration stays in force\n",
			get_str(r, "error", "the configuration has errors"));
	if (json_object_object_get_ex(r, "errors", &errs) && errs != NULL)
		for (size_t i = 0; i < json_object_array_length(errs); i++)
			fprintf(stderr, "%s\n", json_object_get_string(json_object_array_get_idx(errs, i)));
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *path = DEFAULT_SOCKET, *cmd;
	struct json_object *reply;
	bool json = false;
	int ch, rc = 0;

	while ((ch = getopt_long(argc, argv, "+s:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 's': path = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	for (; optind < argc; optind++) {
		if (strcmp(argv[optind], "--json") == 0) {
			json = true;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (strcmp(cmd, "status") != 0 && strcmp(cmd, "reload") != 0) {
		fprintf(stderr, "vipctl: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	if ((reply = request(path, cmd)) == NULL)
		return 1;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY));
	else if (json_object_object_get_ex(reply, "error", NULL))
		fprintf(stderr, "vipctl: %s\n", get_str(reply, "error", "?")), rc = 1;
	else if (strcmp(cmd, "status") == 0)
		print_status(reply);
	else
		rc = print_reload(reply);
	if (json && strcmp(cmd, "reload") == 0 && strcmp(get_str(reply, "result", ""), "ok") != 0)
		rc = 1;
	json_object_put(reply);
	return rc;
}
