/* The pid file: a lock that says one vipd runs, and the pid for tools that want it. */
#ifndef VIPD_PIDFILE_H
#define VIPD_PIDFILE_H

#include <stddef.h>

/*
 * Opens and locks path (creating its directory). Returns the fd, or -1 with a message in err: another
 * vipd holds the lock (its pid named), or the file cannot be opened. A stale file from a killed vipd is
 * not locked, so it is simply taken over.
 */
int pidfile_acquire(const char *path, char *err, size_t errlen);
/* Writes the current pid into the locked file. */
int pidfile_write(int fd);
void pidfile_release(const char *path, int fd);
/* Creates the directory holding path, if missing (mode 0755). */
int make_parent_dir(const char *path);

#endif
