/*
 * Running scripts without blocking the event loop: fork + exec of `/bin/sh -c COMMAND [ARGS]`, reaped
 * through the loop's SIGCHLD, killed (the whole process group) when the timeout passes. Used by
 * vrrp_script checks and notify scripts; written to move to lib/ for the checkers' MISC_CHECK.
 *
 * The runner owns the loop's child callback: one runner per process.
 */
#ifndef VIPD_VRRP_SCRIPT_H
#define VIPD_VRRP_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/event.h"

struct vrrp_runner;

/* How a script ended: its wait status, or timed_out (then it was killed). */
typedef void (*vrrp_script_cb)(void *data, int wstatus, bool timed_out);

struct vrrp_runner *vrrp_runner_new(struct ev_loop *loop);
/* Kills (SIGKILL) and reaps the jobs that have a callback, without calling it; jobs without one (notify
 * scripts) are left to finish. */
void vrrp_runner_free(struct vrrp_runner *r);

/*
 * Starts cmd through /bin/sh -c; args (NULL-terminated, may be NULL) become "$1"... appended to the
 * command. user: run as this user ("" or NULL: as we are). timeout_ns 0: none. cb may be NULL (fire and
 * forget; still reaped). Returns the pid, or -1 (logged).
 */
pid_t vrrp_runner_run(struct vrrp_runner *r, const char *cmd, const char *const *args, const char *user,
		      uint64_t timeout_ns, vrrp_script_cb cb, void *data);
/* Forgets the callbacks of jobs started with this data (their owner is going away). */
void vrrp_runner_forget(struct vrrp_runner *r, const void *data);
/* Jobs running now. */
unsigned vrrp_runner_count(const struct vrrp_runner *r);

#endif
