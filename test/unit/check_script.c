/*
 * Unit tests of lib/script.c: real /bin/sh scripts through a real event loop. Exit statuses, arguments
 * as words, the timeout killing the whole group, kills and forgotten jobs calling nothing, fire-and-forget
 * jobs reaped, the extra environment, the user, the clean slate a script starts from, and freeing.
 */
#define _GNU_SOURCE 1

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/event.h"
#include "test/unit/loop_until.h"
#include "lib/script.h"

#define MSEC EV_NSEC_PER_MSEC

struct done {
	int calls;
	int wstatus;
	bool timed_out;
};

static void
on_done(void *data, int wstatus, bool timed_out)
{
	struct done *d = data;

	d->calls++;
	d->wstatus = wstatus;
	d->timed_out = timed_out;
}

/* Runs rounds until the runner has reaped every job. */
static void
run_until_idle(struct ev_loop *loop, const struct script_runner *r)
{
	uint64_t give_up = ev_now() + 5 * EV_NSEC_PER_SEC;

	while (script_runner_count(r) > 0) {
		ck_assert_int_eq(ev_run_once(loop, 10), 0);
		ck_assert_msg(ev_now() < give_up, "gave up with %u jobs", script_runner_count(r));
	}
}

/* Runs one script to its end; returns its wait status. */
static int
run_one(struct ev_loop *loop, struct script_runner *r, struct script s)
{
	struct done d = { 0 };

	s.cb = on_done;
	s.data = &d;
	ck_assert_int_gt(script_run(r, &s), 0);
	run_until(loop, &d.calls, 1);
	ck_assert(!d.timed_out);
	return d.wstatus;
}

static bool
exited(int wstatus, int code)
{
	return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == code;
}

/* Whether pid is gone (or a zombie: dead, waiting for whoever inherited it). */
static bool
dead(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool zombie;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return true;
	zombie = fgets(buf, sizeof(buf), f) != NULL && (p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
		 p[2] == 'Z';
	fclose(f);
	return zombie;
}

static struct ev_loop *loop;
static struct script_runner *runner;

static void
setup(void)
{
	ck_assert_ptr_nonnull(loop = ev_loop_new());
	ck_assert_ptr_nonnull(runner = script_runner_new(loop));
}

static void
teardown(void)
{
	script_runner_free(runner);
	ev_loop_free(loop);
}

START_TEST(test_exit_status)
{
	int ws;

	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "exit 3" }), 3));
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "true" }), 0));
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "exit 255" }), 255));
	ws = run_one(loop, runner, (struct script){ .cmd = "kill -TERM $$; sleep 5" });
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);
	ck_assert_uint_eq(script_runner_count(runner), 0);
}
END_TEST

START_TEST(test_args_as_words)
{
	const char *args[] = { "INSTANCE", "VI 1", "it's", "\"q\"", "$HOME *", "", "a\\b", NULL };
	char path[] = "/tmp/vipd-script.XXXXXX", cmd[128], line[256] = "";
	FILE *f;
	int fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	/* the runner appends "$@": printf prints each argument as the script got it */
	snprintf(cmd, sizeof(cmd), "printf '%%s|' >%s", path);
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = cmd, .args = args }), 0));
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	ck_assert_str_eq(line, "INSTANCE|VI 1|it's|\"q\"|$HOME *||a\\b|");
	/* more arguments than anyone configures today: none is dropped */
	{
		const char *many[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", NULL };

		ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "exit $#", .args = many }), 12));
	}
	/* no arguments: the command stands alone */
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "exit $#" }), 0));
}
END_TEST

/*
 * Starts a shell that waits for a background sleep of its own, and returns once the sleep's pid is known
 * (*bg): what a kill of the script must take too.
 */
static pid_t
start_with_background(struct script *s, pid_t *bg)
{
	char path[] = "/tmp/vipd-script.XXXXXX", cmd[160];
	uint64_t give_up = ev_now() + 5 * EV_NSEC_PER_SEC;
	pid_t pid;
	FILE *f;
	int fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sleep 30 & echo $! >%s.tmp && mv %s.tmp %s; wait", path, path, path);
	s->cmd = cmd;
	ck_assert_int_gt(pid = script_run(runner, s), 0);
	for (*bg = 0; *bg == 0; usleep(10000)) {
		ck_assert_msg(ev_now() < give_up, "the script did not start its background sleep");
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		if (fscanf(f, "%d", bg) != 1)
			*bg = 0;
		fclose(f);
	}
	unlink(path);
	return pid;
}

/* The background sleep belonged to the shell, not to us: whoever inherited it reaps it; wait for it to die. */
static void
assert_dies(pid_t pid)
{
	uint64_t give_up = ev_now() + 5 * EV_NSEC_PER_SEC;

	while (!dead(pid) && ev_now() < give_up)
		usleep(10000);
	ck_assert_msg(dead(pid), "the background sleep %d survived", (int)pid);
}

START_TEST(test_timeout_kills_group)
{
	struct done d = { 0 };
	uint64_t t0 = ev_now();
	pid_t bg;

	start_with_background(&(struct script){ .timeout_ns = 300 * MSEC, .cb = on_done, .data = &d }, &bg);
	run_until(loop, &d.calls, 1);
	ck_assert(d.timed_out);
	ck_assert(WIFSIGNALED(d.wstatus) && WTERMSIG(d.wstatus) == SIGKILL);
	ck_assert_uint_lt(ev_now() - t0, 5 * EV_NSEC_PER_SEC);
	assert_dies(bg);
	ck_assert_uint_eq(script_runner_count(runner), 0);
}
END_TEST

START_TEST(test_timeout_not_reached)
{
	struct done d = { 0 };
	uint64_t t0 = ev_now();

	/* a job that ends in time: its timer goes with it (ASan would see a freed timer fire); the timeout is
	 * generous because a loaded host can take a while to fork and exec under ASan */
	ck_assert_int_gt(script_run(runner, &(struct script){ .cmd = "exit 4", .timeout_ns = 2 * EV_NSEC_PER_SEC,
							  .cb = on_done, .data = &d }), 0);
	run_until(loop, &d.calls, 1);
	ck_assert(!d.timed_out);
	ck_assert(exited(d.wstatus, 4));
	while (ev_now() < t0 + 2500 * MSEC)
		ck_assert_int_eq(ev_run_once(loop, 10), 0);
	ck_assert_int_eq(d.calls, 1);
}
END_TEST

/* The parent's startup_script and shutdown_script: run and waited for, without the loop. */
START_TEST(test_run_wait)
{
	char path[] = "/tmp/vipd-script.XXXXXX", cmd[160];
	uint64_t t0;
	bool timed_out;
	pid_t bg = 0;
	FILE *f;
	int ws, fd;

	ck_assert_int_eq(script_run_wait(&(struct script){ .cmd = "exit 5", .timeout_ns = 5 * EV_NSEC_PER_SEC },
					 &ws, &timed_out), 0);
	ck_assert(exited(ws, 5));
	ck_assert(!timed_out);
	ck_assert_int_eq(script_run_wait(&(struct script){ .cmd = "exit $#", .args = (const char *[]){ "a", NULL } },
					 &ws, &timed_out), 0);
	ck_assert(exited(ws, 1));
	/* an unknown user: not started */
	ck_assert_int_eq(script_run_wait(&(struct script){ .cmd = "true", .user = "no-such-user-vipd" }, &ws,
					 &timed_out), -1);
	/* at the timeout the whole group goes, the background sleep with the shell */
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sleep 30 & echo $! >%s.tmp && mv %s.tmp %s; wait", path, path, path);
	t0 = ev_now();
	ck_assert_int_eq(script_run_wait(&(struct script){ .cmd = cmd, .timeout_ns = 1000 * MSEC }, &ws, &timed_out),
			 0);
	ck_assert(timed_out);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	ck_assert_uint_ge(ev_now() - t0, 1000 * MSEC);
	ck_assert_uint_lt(ev_now() - t0, 10 * EV_NSEC_PER_SEC);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_int_eq(fscanf(f, "%d", &bg), 1);
	fclose(f);
	unlink(path);
	assert_dies(bg);
	/* the runner of this process saw nothing of it */
	ck_assert_uint_eq(script_runner_count(runner), 0);
}
END_TEST

START_TEST(test_kill_calls_nothing)
{
	struct done a = { 0 }, b = { 0 };
	pid_t bg;

	ck_assert_int_gt(script_run(runner, &(struct script){ .cmd = "sleep 0.1; exit 4", .cb = on_done,
							  .data = &a }), 0);
	start_with_background(&(struct script){ .cb = on_done, .data = &b }, &bg);
	ck_assert_uint_eq(script_runner_count(runner), 2);
	script_kill(runner, &b);
	/* the killed job is reaped and the other carries on */
	run_until(loop, &a.calls, 1);
	/* data NULL matches nothing, fire-and-forget jobs included */
	ck_assert_int_gt(script_run(runner, &(struct script){ .cmd = "sleep 1" }), 0);
	script_kill(runner, NULL);
	for (uint64_t until = ev_now() + 300 * MSEC; ev_now() < until;)
		ck_assert_int_eq(ev_run_once(loop, 10), 0);
	ck_assert_uint_eq(script_runner_count(runner), 1);
	run_until_idle(loop, runner);
	/* the killed job was reaped, quietly, with all it started; the other one carried on */
	ck_assert_int_eq(b.calls, 0);
	ck_assert_int_eq(a.calls, 1);
	ck_assert(exited(a.wstatus, 4));
	assert_dies(bg);
	/* killing again (the owner does not know the job ended) is harmless */
	script_kill(runner, &b);
}
END_TEST

static struct done chain;

/* A callback that starts the next job: the runner must be in a state to take it. */
static void
on_chain(void *data, int wstatus, bool timed_out)
{
	on_done(data, wstatus, timed_out);
	if (chain.calls < 3)
		ck_assert_int_gt(script_run(runner, &(struct script){ .cmd = "exit 7", .cb = on_chain, .data = &chain }),
				 0);
}

START_TEST(test_run_from_callback)
{
	ck_assert_int_gt(script_run(runner, &(struct script){ .cmd = "exit 7", .cb = on_chain, .data = &chain }), 0);
	run_until(loop, &chain.calls, 3);
	run_until_idle(loop, runner);
	ck_assert_int_eq(chain.calls, 3);
	ck_assert(exited(chain.wstatus, 7));
}
END_TEST

START_TEST(test_fire_and_forget_reaped)
{
	pid_t pid, other;
	int ws;

	ck_assert_int_gt(pid = script_run(runner, &(struct script){ .cmd = "exit 0" }), 0);
	/* a child the runner did not start: reaped by the loop as well, and ignored */
	ck_assert_int_ge(other = fork(), 0);
	if (other == 0)
		_exit(0);
	ck_assert_uint_eq(script_runner_count(runner), 1);
	run_until_idle(loop, runner);
	/* nothing left to wait for: no zombie */
	ck_assert_int_eq(waitpid(pid, &ws, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

START_TEST(test_env)
{
	char *const env[] = { "VIPD_NEW=a b", "VIPD_OVER=new", NULL };
	const char *cmd = "[ \"$VIPD_NEW\" = 'a b' ] || exit 10; [ \"$VIPD_OVER\" = new ] || exit 11;"
			  "[ \"$VIPD_KEEP\" = kept ] || exit 12; "
			  /* what execve got, before the shell tidies it up: once */
			  "[ \"$(tr '\\0' '\\n' </proc/$$/environ | grep -c '^VIPD_OVER=')\" = 1 ] || exit 13";

	ck_assert_int_eq(setenv("VIPD_KEEP", "kept", 1), 0);
	ck_assert_int_eq(setenv("VIPD_OVER", "old", 1), 0);
	ck_assert_int_eq(WEXITSTATUS(run_one(loop, runner, (struct script){ .cmd = cmd, .env = env })), 0);
	/* without extra: ours only */
	ck_assert(exited(run_one(loop, runner,
				 (struct script){ .cmd = "[ -z \"${VIPD_NEW+x}\" ] && [ \"$VIPD_OVER\" = old ]" }), 0));
	/* ours is untouched */
	ck_assert_str_eq(getenv("VIPD_OVER"), "old");
	ck_assert_ptr_null(getenv("VIPD_NEW"));
}
END_TEST

START_TEST(test_clean_slate)
{
	char cmd[512];
	sigset_t usr1;
	int fds[2];
	unsigned long long glibc_own = 0;

	/* glibc keeps the signals below SIGRTMIN to itself (sigaction refuses them): whatever state they came
	 * with stays, and a program that uses them sets them itself */
	for (int sig = 32; sig < SIGRTMIN; sig++)
		glibc_own |= 1ULL << (sig - 1);

	/* what a vipd child has that a script must not: ignored and blocked signals, open descriptors */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	snprintf(cmd, sizeof(cmd),
		 /* builtins only here: a shell blocks signals around the commands it forks */
		 "while read k v; do case $k in SigBlk:) [ $((0x$v)) = 0 ] || exit 10;;"
		 "SigIgn:) [ $((0x$v & ~0x%llx)) = 0 ] || exit 11;; esac; done </proc/$$/status;"
		 "[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] || exit 12;"
		 "[ ! -e /proc/$$/fd/%d ] || exit 13;"
		 "set -- $(cat /proc/$$/stat); [ \"$5\" = $$ ] || exit 14", glibc_own, fds[1]);
	ck_assert_int_eq(WEXITSTATUS(run_one(loop, runner, (struct script){ .cmd = cmd })), 0);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_user)
{
	const char *as_nobody = "[ \"$(id -un)\" = nobody ] || exit 10; [ \"$(id -u)\" = \"$(id -ru)\" ] || exit 11;"
				"[ \"$(id -G)\" = \"$(id -g)\" ] || exit 12";
	const char *as_root_group = "[ \"$(id -un)\" = nobody ] || exit 10; [ \"$(id -g)\" = 0 ] || exit 11;"
				    "[ \"$(id -rg)\" = 0 ] || exit 12; [ \"$(id -G)\" = 0 ] || exit 13";

	/* unknown names: not run, whoever we are */
	ck_assert_int_eq(script_run(runner, &(struct script){ .cmd = "true", .user = "no-such-user-vipd" }), -1);
	ck_assert_int_eq(script_run(runner, &(struct script){ .cmd = "true", .user = "nobody no-such-group-vipd" }),
			 -1);
	ck_assert_uint_eq(script_runner_count(runner), 0);
	/* empty: as we are */
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "[ \"$(id -u)\" = $(id -u) ]", .user = "" }),
			 0));
	if (geteuid() != 0) {
		/* cannot change user: the shell's "cannot run" status */
		ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = "true", .user = "nobody" }), 126));
		fprintf(stderr, "check_script: not root, running as nobody not tested\n");
		return;
	}
	ck_assert_int_eq(WEXITSTATUS(run_one(loop, runner, (struct script){ .cmd = as_nobody, .user = "nobody" })), 0);
	/* a group that is not the user's own: it replaces the primary one */
	ck_assert_int_eq(WEXITSTATUS(run_one(loop, runner, (struct script){ .cmd = as_root_group,
									 .user = "nobody root" })), 0);
}
END_TEST

START_TEST(test_free_kills)
{
	struct done a = { 0 };
	pid_t waited, forgotten;
	int ws;

	ck_assert_int_gt(waited = script_run(runner, &(struct script){ .cmd = "sleep 20", .cb = on_done, .data = &a }),
			 0);
	ck_assert_int_gt(forgotten = script_run(runner, &(struct script){ .cmd = "sleep 20" }), 0);
	script_runner_free(runner);
	runner = NULL;
	/* the job with a callback: killed and reaped, the callback not called */
	ck_assert_int_eq(a.calls, 0);
	ck_assert_int_eq(waitpid(waited, &ws, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	/* the fire-and-forget one is left to finish; here we end it ourselves */
	ck_assert_int_eq(kill(forgotten, 0), 0);
	ck_assert_int_eq(kill(-forgotten, SIGKILL), 0);
	ck_assert_int_eq(waitpid(forgotten, &ws, 0), forgotten);
}
END_TEST

/* A scratch directory of ours with an executable script in it: dir/x. */
static void
scratch(char *dir, size_t dlen, char *prog, size_t plen)
{
	FILE *f;

	snprintf(dir, dlen, "/tmp/check_script.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(prog, plen, "%s/x", dir);
	ck_assert_ptr_nonnull(f = fopen(prog, "w"));
	fputs("#!/bin/sh\nexit 0\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(prog, 0755), 0);
}

static void
scratch_remove(const char *dir, const char *prog)
{
	char link[PATH_MAX];

	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	unlink(prog);
	rmdir(dir);
}

START_TEST(test_trust)
{
	char dir[64], prog[80], cmd[128], link[PATH_MAX], why[PATH_MAX + 64];

	ck_assert_int_eq(script_untrusted("/bin/sh -c 'exit 0'", why, sizeof(why)), 0);
	ck_assert_int_eq(script_untrusted("  true", why, sizeof(why)), 0);	/* found in PATH */
	/* the shell's own words, or nothing the shell could find: only the shell runs */
	ck_assert_int_eq(script_untrusted("exit 3", why, sizeof(why)), 0);
	ck_assert_int_eq(script_untrusted("while :; do :; done", why, sizeof(why)), 0);
	ck_assert_int_eq(script_untrusted("no-such-program-vipd --now", why, sizeof(why)), 0);
	scratch(dir, sizeof(dir), prog, sizeof(prog));
	snprintf(cmd, sizeof(cmd), "%s arg", prog);
	if (geteuid() != 0) {
		/* ours, and we are not root */
		ck_assert_int_eq(script_untrusted(cmd, why, sizeof(why)), 1);
		ck_assert(strstr(why, "is owned by another user than root") != NULL);
		scratch_remove(dir, prog);
		fprintf(stderr, "check_script: not root, trusted scripts not tested\n");
		return;
	}
	ck_assert_msg(script_untrusted(cmd, why, sizeof(why)) == 0, "%s", why);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(script_untrusted(cmd, why, sizeof(why)), 1);
	ck_assert_msg(strstr(why, "is writable by everyone") != NULL && strncmp(why, dir, strlen(dir)) == 0, "%s", why);
	/* sticky, like /tmp: only an entry's owner may replace it */
	ck_assert_int_eq(chmod(dir, 01777), 0);
	ck_assert_int_eq(script_untrusted(cmd, why, sizeof(why)), 0);
	ck_assert_int_eq(chmod(dir, 0775), 0);
	ck_assert_int_eq(chown(dir, 0, 65534), 0);
	ck_assert_int_eq(script_untrusted(cmd, why, sizeof(why)), 1);
	ck_assert(strstr(why, "is writable by a group other than root's") != NULL);
	ck_assert_int_eq(chown(dir, 0, 0), 0);
	ck_assert_int_eq(script_untrusted(cmd, why, sizeof(why)), 0);
	ck_assert_int_eq(chown(prog, 65534, 0), 0);
	ck_assert_int_eq(script_untrusted(cmd, why, sizeof(why)), 1);
	ck_assert_msg(strcmp(why, prog) > 0 && strstr(why, "is owned by another user than root") != NULL, "%s", why);
	ck_assert_int_eq(chown(prog, 0, 0), 0);
	/* a trusted link to a program in an untrusted directory */
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(prog, link), 0);
	ck_assert_int_eq(script_untrusted(link, why, sizeof(why)), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(script_untrusted(link, why, sizeof(why)), 1);
	scratch_remove(dir, prog);
}
END_TEST

START_TEST(test_secure_refuses_untrusted_as_root)
{
	char dir[64], prog[80];

	if (geteuid() != 0) {
		fprintf(stderr, "check_script: not root, enable_script_security not tested\n");
		return;
	}
	scratch(dir, sizeof(dir), prog, sizeof(prog));
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(script_run(runner, &(struct script){ .cmd = prog, .secure = true }), -1);
	ck_assert_uint_eq(script_runner_count(runner), 0);
	/* without the setting it runs (and is logged); as another user it cannot hurt root */
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = prog }), 0));
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = prog, .user = "nobody", .secure = true }), 0));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert(exited(run_one(loop, runner, (struct script){ .cmd = prog, .secure = true }), 0));
	scratch_remove(dir, prog);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("script");
	TCase *tc = tcase_create("runner");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_exit_status);
	tcase_add_test(tc, test_args_as_words);
	tcase_add_test(tc, test_timeout_kills_group);
	tcase_add_test(tc, test_timeout_not_reached);
	tcase_add_test(tc, test_kill_calls_nothing);
	tcase_add_test(tc, test_run_wait);
	tcase_add_test(tc, test_run_from_callback);
	tcase_add_test(tc, test_fire_and_forget_reaped);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_clean_slate);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_free_kills);
	tcase_add_test(tc, test_trust);
	tcase_add_test(tc, test_secure_refuses_untrusted_as_root);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
