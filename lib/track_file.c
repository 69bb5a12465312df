/* Reading a track_file's number; see track_file.h. */
#include "lib/track_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

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
