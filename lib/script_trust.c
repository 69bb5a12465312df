/*
 * Whether a script may run as root: `enable_script_security` refuses a command whose program, or a
 * directory on the way to it, a user other than root could change, since that user would then run code
 * as root. See script_untrusted() in script.h.
 */
#include "lib/script.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Who besides root can change this file or directory: its owner if not root, its group if group-writable
 * and not root's, anyone if world-writable (a sticky directory excepted: there only an entry's owner may
 * replace it). A symbolic link cannot be written, only replaced through its directory.
 */
static const char *
stat_untrusted(const struct stat *st)
{
	if (st->st_uid != 0)
		return "is owned by another user than root";
	if (S_ISLNK(st->st_mode))
		return NULL;
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return "is writable by a group other than root's";
	if ((st->st_mode & S_IWOTH) && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)))
		return "is writable by everyone";
	return NULL;
}

/* Each of "/", "/a", "/a/b" ... "/a/b/c" of an absolute path, not following the last link. */
static int
chain_untrusted(const char *path, char *why, size_t len)
{
	char prefix[PATH_MAX];
	struct stat st;
	size_t n = strlen(path);
	const char *what;

	if (n >= sizeof(prefix) || path[0] != '/')
		return snprintf(why, len, "%s: not an absolute path", path), 1;
	for (size_t end = 1; end <= n; end++) {
		if (end < n && path[end] != '/')
			continue;
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (lstat(prefix, &st) == -1)
			return snprintf(why, len, "%s: %s", prefix, strerror(errno)), 1;
		if ((what = stat_untrusted(&st)) != NULL)
			return snprintf(why, len, "%s %s", prefix, what), 1;
	}
	return 0;
}

/* The program a command line starts: its first word, looked up in PATH when it has no slash. */
static int
program_path(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char word[PATH_MAX];
	size_t n;

	cmd += strspn(cmd, " \t");
	n = strcspn(cmd, " \t\n;|&<>()");
	if (n == 0 || n >= sizeof(word))
		return -1;
	memcpy(word, cmd, n);
	word[n] = '\0';
	if (strchr(word, '/') != NULL)
		return snprintf(out, len, "%s", word) < (int)len ? 0 : -1;
	if (path == NULL || path[0] == '\0')
		path = DEFAULT_PATH;
	while (*path != '\0') {
		size_t dlen = strcspn(path, ":");

		if (dlen > 0 && snprintf(out, len, "%.*s/%s", (int)dlen, path, word) < (int)len &&
		    access(out, X_OK) == 0)
			return 0;
		path += dlen + (path[dlen] == ':');
	}
	return -1;
}

int
script_untrusted(const char *cmd, char *why, size_t len)
{
	char program[PATH_MAX], real[PATH_MAX];

	/* not a program (a shell keyword or builtin such as `exit 1` or `[`... `]` in the shell's own form),
	 * or none that exists: then the shell is all that runs */
	if (program_path(cmd, program, sizeof(program)) == -1)
		snprintf(program, sizeof(program), "/bin/sh");
	/* the path as written (a directory on it could swap a link) and where it leads */
	if (chain_untrusted(program, why, len))
		return 1;
	if (realpath(program, real) == NULL)
		return snprintf(why, len, "%s: %s", program, strerror(errno)), 1;
	return strcmp(real, program) != 0 && chain_untrusted(real, why, len);
}
