/*
 * Running scripts without blocking the event loop, the same way in every child: vrrp_script checks and
 * notify scripts (vrrp), quorum_up/quorum_down (ipvs), MISC_CHECK and notify_up/notify_down (checkers).
 *
 * A script is `/bin/sh -c COMMAND "$@"` in a process group of its own (so a timeout or a kill takes
 * whatever it started too), as the configured user, with the signal mask and dispositions reset, stdin
 * on /dev/null and no descriptor of ours but 0-2. It is reaped through the loop's SIGCHLD.
 *
 * The runner owns the loop's child callback (ev_child_start): one runner per process. Anything else a
 * process forks must be waited for with waitpid() on its pid before control returns to the loop (as
 * script_run_wait does); a pid the runner did not start is ignored when reaped.
 */
#ifndef VIPD_SCRIPT_H
#define VIPD_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/event.h"

/* What notify-like scripts get before they are killed: a hung one must not pile up copies of itself. */
#define SCRIPT_NOTIFY_TIMEOUT_NS (60 * EV_NSEC_PER_SEC)

struct script_runner;

/* How a script ended: its wait status; timed_out if the runner killed it at its timeout. */
typedef void (*script_done_cb)(void *data, int wstatus, bool timed_out);

/* What to run; zeroed fields mean "none" (designated initializers read well at the call sites). */
struct script {
	const char *cmd;		/* shell command line */
	const char *const *args;	/* NULL-terminated, appended as "$@" (words kept intact); may be NULL */
	const char *user;		/* "user [group]"; NULL or "": as we are */
	char *const *env;		/* NULL-terminated "NAME=value", added to (or replacing in) ours */
	uint64_t timeout_ns;		/* 0: none; else the group is killed (SIGKILL) and timed_out set */
	script_done_cb cb;		/* NULL: fire and forget (still reaped) */
	void *data;			/* for cb, and the key of script_kill */
	bool secure;			/* enable_script_security: refuse to run it as root if untrusted */
};

struct script_runner *script_runner_new(struct ev_loop *loop);
/*
 * Kills the groups of the jobs that have a callback and reaps them, without calling it. Fire-and-forget
 * jobs (a notify script at shutdown) are left to finish: init reaps them after we exit.
 */
void script_runner_free(struct script_runner *r);

/* Starts a script. Returns its pid, or -1 (logged: unknown user or group, out of memory, fork). */
pid_t script_run(struct script_runner *r, const struct script *s);
/*
 * Runs a script and waits for it, for a process that must not hand its SIGCHLD to a runner (the parent:
 * startup_script, shutdown_script). The child is set up as script_run's; cb and data are not used. At
 * timeout_ns (0: none) its group is killed and timed_out set (the caller logs it, naming what it was).
 * Returns 0 with its wait status in wstatus, or -1 if it could not be started (logged).
 */
int script_run_wait(const struct script *s, int *wstatus, bool *timed_out);
/*
 * The owner of data no longer wants its jobs (a MISC_CHECK stopped, a vrrp_script gone at reload): kills
 * their groups; their exits are still reaped but call nothing. data NULL matches nothing.
 */
void script_kill(struct script_runner *r, const void *data);
/* Jobs started and not yet reaped. */
unsigned script_runner_count(const struct script_runner *r);

/*
 * 1 if a user other than root could change what cmd runs: its program (the first word, looked up in PATH;
 * /bin/sh when it names none, a builtin or a keyword) or a directory on its way, as written or as its
 * links resolve; why says which and how. 0 if only root can. (script_trust.c)
 */
int script_untrusted(const char *cmd, char *why, size_t len);

#endif
