/*
 * The script runner; see script.h. Everything that can fail or needs a library (the user and group
 * databases, the argument and environment vectors) is done before fork, so the child only makes system
 * calls between fork and exec.
 */
#include "lib/script.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

extern char **environ;

struct job {
	struct job *next;
	pid_t pid;			/* also the process group */
	struct ev_timer timeout;
	bool timed_out;
	script_done_cb cb;		/* NULL: nobody wants the result (fire and forget, or killed) */
	void *data;
};

struct script_runner {
	struct ev_loop *loop;
	struct job *jobs;		/* a handful at a time: a list is enough */
	unsigned count;
	/* commands already logged as untrusted, so a check every second does not log every second */
	uint64_t told[64];
	unsigned ntold;
};

/* Who a script runs as. */
struct creds {
	bool set;			/* false: as we are */
	uid_t uid;
	gid_t gid;
	gid_t *groups;			/* supplementary, as initgroups() would set them */
	int ngroups;
};

/* ---- before fork ---- */

/* "user [group]": the user's ids and groups, the group (if named) replacing its primary one. */
static int
creds_resolve(const char *spec, const char *cmd, struct creds *as)
{
	char user[256], *group;
	struct passwd *pw;
	struct group *gr;
	int n = 16, want;

	memset(as, 0, sizeof(*as));
	if (spec == NULL || spec[0] == '\0')
		return 0;
	snprintf(user, sizeof(user), "%s", spec);
	if ((group = strchr(user, ' ')) != NULL)
		*group++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		log_warnx("script user '%s' does not exist; not running %s", user, cmd);
		return -1;
	}
	as->uid = pw->pw_uid;
	as->gid = pw->pw_gid;
	if (group != NULL && group[0] != '\0') {
		if ((gr = getgrnam(group)) == NULL) {
			log_warnx("script group '%s' does not exist; not running %s", group, cmd);
			return -1;
		}
		as->gid = gr->gr_gid;
	}
	/* initgroups() reads the group database: in the child that would be more than system calls */
	for (;;) {
		gid_t *g = n <= NGROUPS_MAX ? reallocarray(as->groups, (size_t)n, sizeof(*g)) : NULL;

		if (g == NULL) {
			log_warnx("script user '%s': cannot list its groups; not running %s", user, cmd);
			free(as->groups);
			return -1;
		}
		as->groups = g;
		want = n;
		if (getgrouplist(user, as->gid, as->groups, &want) != -1)
			break;
		n = want > n ? want : n * 2;	/* glibc tells how many it needs */
	}
	as->ngroups = want;
	as->set = true;
	return 0;
}

/* sh -c 'CMD "$@"' sh ARGS...: "$@" hands the arguments over as words, whatever they contain. */
static const char **
argv_build(const char *cmd, const char *const *args, char **line)
{
	const char **argv;
	size_t nargs = 0, n = 0;

	*line = NULL;
	while (args != NULL && args[nargs] != NULL)
		nargs++;
	if (nargs > 0 && asprintf(line, "%s \"$@\"", cmd) == -1) {
		*line = NULL;
		return NULL;
	}
	if ((argv = calloc(nargs + 5, sizeof(*argv))) == NULL) {
		free(*line);
		*line = NULL;
		return NULL;
	}
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = *line != NULL ? *line : cmd;
	argv[n++] = "sh";	/* $0 */
	for (size_t i = 0; i < nargs; i++)
		argv[n++] = args[i];
	return argv;
}

/* Whether extra sets the variable of var ("NAME=value"). */
static bool
env_replaced(const char *var, char *const *extra)
{
	size_t len = strcspn(var, "=");

	for (size_t i = 0; extra[i] != NULL; i++)
		if (strncmp(var, extra[i], len) == 0 && extra[i][len] == '=')
			return true;
	return false;
}

/* Our environment with extra laid over it. The strings stay the callers'; only the vector is new. */
static char **
env_build(char *const *extra)
{
	size_t n = 0, nextra = 0, k = 0;
	char **env;

	while (environ != NULL && environ[n] != NULL)
		n++;
	while (extra[nextra] != NULL)
		nextra++;
	if ((env = calloc(n + nextra + 1, sizeof(*env))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!env_replaced(environ[i], extra))
			env[k++] = environ[i];
	for (size_t i = 0; i < nextra; i++)
		env[k++] = extra[i];
	return env;
}

/* ---- the child ---- */

/* Never returns. Only system calls: see the top of the file. */
static _Noreturn void
child_exec(const char **argv, char **env, const struct creds *as)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int devnull;

	/* a group of its own, so that a kill reaches whatever the script starts */
	setpgid(0, 0);
	/* the loop blocks the signals it reads through signalfd and the children ignore SIGPIPE: exec keeps
	 * both, and a script must get every signal the normal way (KILL and STOP just fail here, and so do
	 * glibc's own 32 and 33, which a program that uses them sets itself) */
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((devnull = open("/dev/null", O_RDONLY)) != -1) {
		dup2(devnull, STDIN_FILENO);
		if (devnull != STDIN_FILENO)
			close(devnull);
	}
	/* sockets, netlink, the channel to the parent: none of the script's business */
	close_range(3, ~0U, 0);
	/* 126 is the shell's "found but cannot run" */
	if (as->set && (setgroups((size_t)as->ngroups, as->groups) == -1 || setgid(as->gid) == -1 ||
			setuid(as->uid) == -1))
		_exit(126);
	execve("/bin/sh", (char *const *)argv, env);
	_exit(127);
}

/* ---- jobs ---- */

/* Both sides set the group before either can get here, so the group is always there to kill. */
static void
job_kill(const struct job *j)
{
	kill(-j->pid, SIGKILL);
}

static void
job_unlink(struct script_runner *r, struct job *j)
{
	for (struct job **pp = &r->jobs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			r->count--;
			return;
		}
	}
}

static void
on_timeout(struct ev_timer *t)
{
	struct job *j = t->data;

	log_warnx("script (pid %d) timed out; killing it", (int)j->pid);
	j->timed_out = true;
	job_kill(j);
}

static void
on_child(pid_t pid, int wstatus, void *data)
{
	struct script_runner *r = data;
	struct job *j;

	for (j = r->jobs; j != NULL && j->pid != pid; j = j->next)
		;
	if (j == NULL)
		return;
	/* out of the list first: the callback may start, kill or count jobs */
	ev_timer_stop(r->loop, &j->timeout);
	job_unlink(r, j);
	if (j->cb != NULL)
		j->cb(j->data, wstatus, j->timed_out);
	free(j);
}

struct script_runner *
script_runner_new(struct ev_loop *loop)
{
	struct script_runner *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->loop = loop;
	if (ev_child_start(loop, on_child, r) == -1) {
		free(r);
		return NULL;
	}
	return r;
}

void
script_runner_free(struct script_runner *r)
{
	struct job *j, *next;

	if (r == NULL)
		return;
	for (j = r->jobs; j != NULL; j = next) {
		next = j->next;
		ev_timer_stop(r->loop, &j->timeout);
		if (j->cb != NULL) {
			job_kill(j);
			while (waitpid(j->pid, NULL, 0) == -1 && errno == EINTR)
				;
		}
		free(j);
	}
	free(r);
}

/* Logs once per command (up to the size of the memory; r NULL: every time) that it is untrusted. */
static void
tell_untrusted(struct script_runner *r, const struct script *s, const char *why)
{
	/* refused and run-anyway are told apart: a reload may change enable_script_security */
	uint64_t h = s->secure ? 1469598103934665603ULL : 7809847782465536322ULL;

	for (const char *p = s->cmd; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (unsigned i = 0; r != NULL && i < r->ntold; i++)
		if (r->told[i] == h)
			return;
	if (r != NULL && r->ntold < sizeof(r->told) / sizeof(r->told[0]))
		r->told[r->ntold++] = h;
	if (s->secure)
		log_warnx("not running %s as root: %s (enable_script_security)", s->cmd, why);
	else
		log_warnx("running %s as root although %s: set enable_script_security to refuse that", s->cmd,
			  why);
}

/*
 * The child of s, started in a process group of its own; the side of script_run and script_run_wait that
 * is the same. r (NULL: none) remembers which untrusted commands were already told. -1: not started, logged.
 */
static pid_t
spawn(struct script_runner *r, const struct script *s)
{
	struct creds as;
	const char **argv = NULL;
	char *line = NULL, **env = environ;
	pid_t pid = -1;

	if (creds_resolve(s->user, s->cmd, &as) == -1)
		return -1;
	if (as.set ? as.uid == 0 : geteuid() == 0) {
		char why[PATH_MAX + 64];

		if (script_untrusted(s->cmd, why, sizeof(why))) {
			tell_untrusted(r, s, why);
			if (s->secure) {
				free(as.groups);
				return -1;
			}
		}
	}
	if ((argv = argv_build(s->cmd, s->args, &line)) == NULL ||
	    (s->env != NULL && (env = env_build(s->env)) == NULL)) {
		log_warn("script %s", s->cmd);
		goto done;
	}
	if ((pid = fork()) == -1) {
		log_warn("fork for %s", s->cmd);
		goto done;
	}
	if (pid == 0)
		child_exec(argv, env, &as);
	/* also from this side: a kill right after fork must not find the group missing */
	setpgid(pid, pid);
done:
	free(argv);
	free(line);
	if (env != environ)
		free(env);
	free(as.groups);
	return pid;
}

pid_t
script_run(struct script_runner *r, const struct script *s)
{
	struct job *j;
	pid_t pid;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_warn("script %s", s->cmd);
		return -1;
	}
	if ((pid = spawn(r, s)) == -1) {
		free(j);
		return -1;
	}
	j->pid = pid;
	j->cb = s->cb;
	j->data = s->data;
	ev_timer_init(&j->timeout, on_timeout, j, "script timeout");
	if (s->timeout_ns > 0)
		ev_timer_after(r->loop, &j->timeout, s->timeout_ns);
	j->next = r->jobs;
	r->jobs = j;
	r->count++;
	return pid;
}

int
script_run_wait(const struct script *s, int *wstatus, bool *timed_out)
{
	/* polled rather than signalled: the caller's SIGCHLD belongs to its loop, whatever state that is in */
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	struct timespec now;
	uint64_t start_ns, now_ns;
	pid_t pid, r;

	*wstatus = 0;
	*timed_out = false;
	if ((pid = spawn(NULL, s)) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	start_ns = (uint64_t)now.tv_sec * EV_NSEC_PER_SEC + (uint64_t)now.tv_nsec;
	while ((r = waitpid(pid, wstatus, WNOHANG)) == 0 || (r == -1 && errno == EINTR)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		now_ns = (uint64_t)now.tv_sec * EV_NSEC_PER_SEC + (uint64_t)now.tv_nsec;
		if (s->timeout_ns > 0 && now_ns - start_ns >= s->timeout_ns) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			while ((r = waitpid(pid, wstatus, 0)) == -1 && errno == EINTR)
				;
			break;
		}
		nanosleep(&tick, NULL);
	}
	if (r == -1) {
		log_warn("waiting for %s", s->cmd);
		return -1;
	}
	return 0;
}

void
script_kill(struct script_runner *r, const void *data)
{
	if (data == NULL)
		return;
	for (struct job *j = r->jobs; j != NULL; j = j->next) {
		if (j->data != data)
			continue;
		job_kill(j);
		ev_timer_stop(r->loop, &j->timeout);
		/* the owner may be freed and its address reused: nothing of it may stay */
		j->cb = NULL;
		j->data = NULL;
	}
}

unsigned
script_runner_count(const struct script_runner *r)
{
	return r->count;
}
