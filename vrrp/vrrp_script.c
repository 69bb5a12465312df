/* The script runner; see vrrp_script.h. */
#include "vrrp/vrrp_script.h"

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

#include "lib/log.h"

#define SCRIPT_MAX_ARGS 8

struct job {
	struct job *next;
	struct vrrp_runner *runner;
	pid_t pid;
	struct ev_timer timeout;
	bool timed_out;
	vrrp_script_cb cb;
	void *data;
};

struct vrrp_runner {
	struct ev_loop *loop;
	struct job *jobs;
	unsigned count;
};

static void
job_unlink(struct vrrp_runner *r, struct job *j)
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
on_child(pid_t pid, int wstatus, void *data)
{
	struct vrrp_runner *r = data;
	struct job *j;

	for (j = r->jobs; j != NULL && j->pid != pid; j = j->next)
		;
	if (j == NULL)
		return;
	ev_timer_stop(r->loop, &j->timeout);
	job_unlink(r, j);
	if (j->cb != NULL)
		j->cb(j->data, wstatus, j->timed_out);
	free(j);
}

static void
on_timeout(struct ev_timer *t)
{
	struct job *j = t->data;

	log_warnx("script (pid %d) timed out; killing it", (int)j->pid);
	j->timed_out = true;
	/* its own process group: the shell and whatever it started */
	kill(-j->pid, SIGKILL);
	kill(j->pid, SIGKILL);
}

struct vrrp_runner *
vrrp_runner_new(struct ev_loop *loop)
{
	struct vrrp_runner *r = calloc(1, sizeof(*r));

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
vrrp_runner_free(struct vrrp_runner *r)
{
	struct job *j, *next;

	if (r == NULL)
		return;
	for (j = r->jobs; j != NULL; j = next) {
		next = j->next;
		ev_timer_stop(r->loop, &j->timeout);
		if (j->cb == NULL) {
			/* fire-and-forget (notify_stop at shutdown): let it finish; init reaps it after we exit */
			free(j);
			continue;
		}
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) == -1 && errno == EINTR)
			;
		free(j);
	}
	free(r);
}

void
vrrp_runner_forget(struct vrrp_runner *r, const void *data)
{
	for (struct job *j = r->jobs; j != NULL; j = j->next)
		if (j->data == data)
			j->cb = NULL;
}

unsigned
vrrp_runner_count(const struct vrrp_runner *r)
{
	return r->count;
}

/* In the forked child: never returns. Only async-signal-safe calls until exec. */
static void
child_exec(const char *const *argv, const struct passwd *pw)
{
	sigset_t none;
	int devnull;

	/* the loop blocks signals for its signalfd; a script must not inherit that, nor our ignored SIGHUP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	if ((devnull = open("/dev/null", O_RDONLY)) != -1) {
		dup2(devnull, STDIN_FILENO);
		if (devnull != STDIN_FILENO)
			close(devnull);
	}
	/* sockets, the netlink socket, the parent's channel: none of the script's business */
	close_range(3, ~0U, 0);
	if (pw != NULL && (setgid(pw->pw_gid) == -1 || initgroups(pw->pw_name, pw->pw_gid) == -1 ||
			   setuid(pw->pw_uid) == -1))
		_exit(126);
	execv("/bin/sh", (char *const *)argv);
	_exit(127);
}

pid_t
vrrp_runner_run(struct vrrp_runner *r, const char *cmd, const char *const *args, const char *user,
		uint64_t timeout_ns, vrrp_script_cb cb, void *data)
{
	const char *argv[SCRIPT_MAX_ARGS + 5];
	struct passwd *pw = NULL;
	struct job *j;
	size_t n = 0;
	char *line = NULL;
	pid_t pid;

	if (user != NULL && user[0] != '\0' && (pw = getpwnam(user)) == NULL) {
		log_warnx("script user '%s' does not exist; not running %s", user, cmd);
		return -1;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	/* "$@" passes the arguments as words whatever they contain */
	if (args != NULL && args[0] != NULL && asprintf(&line, "%s \"$@\"", cmd) == -1) {
		free(j);
		return -1;
	}
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = line != NULL ? line : cmd;
	argv[n++] = "sh";
	for (size_t i = 0; args != NULL && args[i] != NULL && i < SCRIPT_MAX_ARGS; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((pid = fork()) == -1) {
		log_warn("fork for %s", cmd);
		free(line);
		free(j);
		return -1;
	}
	if (pid == 0)
		child_exec(argv, pw);
	free(line);
	/* also from this side, so a timeout kill cannot miss the group if it fires before the child ran */
	setpgid(pid, pid);
	j->runner = r;
	j->pid = pid;
	j->cb = cb;
	j->data = data;
	ev_timer_init(&j->timeout, on_timeout, j, "script timeout");
	if (timeout_ns > 0)
		ev_timer_after(r->loop, &j->timeout, timeout_ns);
	j->next = r->jobs;
	r->jobs = j;
	r->count++;
	return pid;
}
