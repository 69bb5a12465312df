/*
 * MISC_CHECK and the notify scripts: a command line run by /bin/sh in a process group of its own (so a
 * timeout kills everything it started), as the configured user, reaped through the event loop.
 * Exit 0 passes, 1 fails, 2-255 passes with weight = code - 2 under misc_dynamic (fails without it).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkers/check.h"
#include "lib/log.h"

/* "user [group]": ids, or -1 if unknown. Empty: stay who we are. */
static int
misc_user(const char *spec, uid_t *uid, gid_t *gid, char *name, size_t namelen)
{
	char buf[CFG_USER_MAX * 2];
	char *grp;
	struct passwd *pw;
	struct group *gr;

	snprintf(buf, sizeof(buf), "%s", spec);
	if ((grp = strchr(buf, ' ')) != NULL)
		*grp++ = '\0';
	if ((pw = getpwnam(buf)) == NULL)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	snprintf(name, namelen, "%s", pw->pw_name);
	if (grp != NULL && *grp != '\0') {
		if ((gr = getgrnam(grp)) == NULL)
			return -1;
		*gid = gr->gr_gid;
	}
	return 0;
}

/* In the new process: a clean slate, then the shell. Only async-signal-safe calls matter little here:
 * the checkers child is single-threaded. */
static _Noreturn void
misc_exec(const char *cmdline, const char *user, char *const extra_env[])
{
	sigset_t none;
	uid_t uid;
	gid_t gid;
	char name[64];
	int null;

	setpgid(0, 0);
	/* the loop's signalfd blocked these in us; a script must get them normally */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(null, 0);
		if (null > 0)
			close(null);
	}
	close_range(3, ~0U, 0);
	if (user != NULL && user[0] != '\0') {
		if (misc_user(user, &uid, &gid, name, sizeof(name)) == -1 || setgid(gid) == -1 ||
		    initgroups(name, gid) == -1 || setuid(uid) == -1) {
			dprintf(2, "vipd: script user %s: %s\n", user, errno ? strerror(errno) : "unknown");
			_exit(126);
		}
	}
	for (size_t i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
		putenv(extra_env[i]);
	execl("/bin/sh", "sh", "-c", cmdline, (char *)NULL);
	_exit(127);
}

pid_t
ck_spawn(const char *cmdline, const char *user, char *const extra_env[])
{
	pid_t pid = fork();

	if (pid == -1)
		return -1;
	if (pid == 0)
		misc_exec(cmdline, user, extra_env);
	/* both sides set the group, so a kill right after fork cannot miss it */
	setpgid(pid, pid);
	return pid;
}

static int
misc_track(struct ck_state *ck, struct ck_check *c)
{
	if (ck->nprocs == ck->capprocs) {
		size_t ncap = ck->capprocs ? ck->capprocs * 2 : 16;
		struct ck_check **n = reallocarray(ck->procs, ncap, sizeof(*n));

		if (n == NULL)
			return -1;
		ck->procs = n;
		ck->capprocs = ncap;
	}
	ck->procs[ck->nprocs++] = c;
	return 0;
}

static void
misc_untrack(struct ck_state *ck, const struct ck_check *c)
{
	for (size_t i = 0; i < ck->nprocs; i++) {
		if (ck->procs[i] == c) {
			ck->procs[i] = ck->procs[--ck->nprocs];
			return;
		}
	}
}

static void
misc_start(struct ck_check *c)
{
	const char *user = c->cfg->user[0] ? c->cfg->user : c->ck->script_user;
	pid_t pid;

	c->phase = "script";
	if (misc_track(c->ck, c) == -1) {
		ck_result(c, false, -1, "out of memory");
		return;
	}
	if ((pid = ck_spawn(config_text(c->ck->p->conf, c->cfg->misc_path), user, NULL)) == -1) {
		misc_untrack(c->ck, c);
		ck_result(c, false, -1, "fork: %s", strerror(errno));
		return;
	}
	c->pid = pid;
}

/* Kills the script's whole group; its exit is reaped later and then ignored. */
static void
misc_stop(struct ck_check *c)
{
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		c->pid = 0;
		misc_untrack(c->ck, c);
	}
}

static void
misc_timeout(struct ck_check *c)
{
	ck_result(c, false, -1, "script timeout");
}

const struct ck_kind ck_kind_misc = { "MISC_CHECK", misc_start, misc_stop, misc_timeout };

void
ck_misc_reaped(struct ck_state *ck, pid_t pid, int wstatus)
{
	struct ck_check *c = NULL;
	int code;

	for (size_t i = 0; i < ck->nprocs && c == NULL; i++)
		if (ck->procs[i]->pid == pid)
			c = ck->procs[i];
	if (c == NULL)
		return;	/* a notify script, or a script killed at its timeout */
	misc_untrack(ck, c);
	c->pid = 0;
	if (WIFSIGNALED(wstatus)) {
		ck_result(c, false, -1, "script killed by signal %d", WTERMSIG(wstatus));
		return;
	}
	code = WEXITSTATUS(wstatus);
	if (code == 0)
		ck_result(c, true, -1, "script exit 0");
	else if (code >= 2 && c->cfg->misc_dynamic)
		ck_result(c, true, code - 2, "script exit %d (weight %d)", code, code - 2);
	else
		ck_result(c, false, -1, "script exit %d", code);
}

void
ck_misc_kill_all(struct ck_state *ck)
{
	while (ck->nprocs > 0)
		misc_stop(ck->procs[ck->nprocs - 1]);
}
