#include "core/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int
make_parent_dir(const char *path)
{
	char *copy = strdup(path);
	int r = 0;

	if (copy == NULL)
		return -1;
	if (mkdir(dirname(copy), 0755) == -1 && errno != EEXIST)
		r = -1;
	free(copy);
	return r;
}

int
pidfile_acquire(const char *path, char *err, size_t errlen)
{
	char buf[32] = "";
	ssize_t n;
	int fd;

	if (make_parent_dir(path) == -1) {
		snprintf(err, errlen, "cannot create the directory of %s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "cannot open pid file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, errlen, "another vipd (pid %s) holds %s", buf[0] ? buf : "unknown", path);
	} else {
		snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
	}
	close(fd);
	return -1;
}

int
pidfile_write(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)len, 0) != len)
		return -1;
	return 0;
}

void
pidfile_release(const char *path, int fd)
{
	if (fd < 0)
		return;
	unlink(path);
	close(fd);
}
