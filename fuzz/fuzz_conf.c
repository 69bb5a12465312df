/*
 * A configuration file as an operator writes it, through the whole of conf_load: the reader (comments,
 * continuations, @id, $NAME parameters, ~SEQ/~LST, includes), the keyword walk of every block with its
 * typing and recoveries, and the checks across objects.
 * Input: the file's text.
 *
 * The file is written in an empty directory made for the run (removed at exit), and the reader's file access is fenced into it: fopen, stat and glob are wrapped at link time (fuzz/build.sh
 * links this harness with --wrap) and, while conf_load runs, refuse any path outside the directory or with
 * a `..` in it, so an `include /etc/...` or a `${_PWD}/../..` can neither read the host's files nor walk its
 * tree. What the fence refused shows as a missing include (a warning), as for a file that is not there.
 * Invariants: a config is returned exactly when there are no errors; each object kind's count and objects
 * agree.
 */
#include "fuzz/fuzz.h"

#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "lib/cfg.h"

static char dir[64];
static size_t dirlen;
static char path[128];
static bool fenced;

FILE *__real_fopen(const char *p, const char *mode);
int __real_stat(const char *p, struct stat *st);
int __real_glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g);

/* Inside the run's directory, with no way up. */
static bool
allowed(const char *p)
{
	if (!fenced)
		return true;
	if (strstr(p, "..") != NULL)
		return false;
	/* the reader makes included names absolute (from the including file's directory): a relative one
	 * would be the harness's working directory, which is not the run's */
	return p[0] == '/' && strncmp(p, dir, dirlen) == 0 && p[dirlen] == '/';
}

FILE *
__wrap_fopen(const char *p, const char *mode)
{
	if (!allowed(p)) {
		errno = ENOENT;
		return NULL;
	}
	return __real_fopen(p, mode);
}

FILE *
__wrap_fopen64(const char *p, const char *mode)
{
	return __wrap_fopen(p, mode);
}

int
__wrap_stat(const char *p, struct stat *st)
{
	if (!allowed(p)) {
		errno = ENOENT;
		return -1;
	}
	return __real_stat(p, st);
}

int
__wrap_stat64(const char *p, struct stat *st)
{
	return __wrap_stat(p, st);
}

int
__wrap_glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g)
{
	if (!allowed(pattern))
		return GLOB_NOMATCH;
	return __real_glob(pattern, flags, errfunc, g);
}

int
__wrap_glob64(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g)
{
	return __wrap_glob(pattern, flags, errfunc, g);
}

/* The run's directory goes with it (libFuzzer ends with exit). */
static void
remove_dir(void)
{
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(dir, sizeof(dir), "/tmp/vipd-fuzz-conf-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	dirlen = strlen(dir);
	snprintf(path, sizeof(path), "%s/keepalived.conf", dir);
	return atexit(remove_dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_diag diag;
	struct config *conf;
	FILE *fp = __real_fopen(path, "we");

	if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	fenced = true;
	conf = conf_load(path, "fuzz", &diag);
	fenced = false;
	FUZZ_ASSERT((conf != NULL) == (diag.nerrors == 0));
	if (conf != NULL) {
		FUZZ_ASSERT(conf->global != NULL && conf->count[CFG_GLOBAL] == 1);
		for (unsigned k = 0; k < CFG_KIND_MAX; k++)
			for (size_t i = 0; i < conf->count[k]; i++)
				FUZZ_ASSERT(config_get(conf, k, i) != NULL);
		FUZZ_ASSERT(config_same_for(conf, conf, CHILD_VRRP));
		config_free(conf);
	}
	cfg_diag_free(&diag);
	return 0;
}
