/* Reading a track_file's number; see track_file.h. */
#include "lib/track_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "lib/log.h"

int64_t
track_file_value(const char *path, bool *missing)
{
	char buf[64];
	ssize_t n;
	int fd;

	if (missing != NULL)
		*missing = false;
	/* O_NONBLOCK: a fifo in its place must not hang the child */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (missing != NULL)
			*missing = errno == ENOENT;
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoll(buf, NULL, 0);
}

void
track_file_init(const struct cfg_vrrp_track_file *tf)
{
	char line[32];
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC | (tf->overwrite ? O_TRUNC : O_EXCL);

	if (!tf->init_file)
		return;
	if ((fd = open(tf->path, flags, 0644)) == -1) {
		/* another child (vrrp and checkers both read it) may have written it first */
		if (errno != EEXIST)
			log_warn("track_file %s: init_file %s", tf->name, tf->path);
		return;
	}
	snprintf(line, sizeof(line), "%lld\n", (long long)tf->init_value);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		log_warn("track_file %s: init_file %s", tf->name, tf->path);
	close(fd);
}

int
track_file_watch(int inotify_fd, const struct cfg_vrrp_track_file *tf)
{
	char dir[CFG_PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", tf->path);
	/* the same directory twice gives the same watch */
	if (inotify_add_watch(inotify_fd, dirname(dir), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
			      IN_DELETE | IN_MODIFY) == -1) {
		log_warn("track_file %s: cannot watch %s; it is read only when its readers look", tf->name, dir);
		return -1;
	}
	return 0;
}
