/*
 * MISC_CHECK: a command line run through the script runner (lib/script.h: /bin/sh, a process group of
 * its own, the configured user). Exit 0 passes, 1 fails, 2-255 passes with weight = code - 2 under
 * misc_dynamic (fails without it). The deadline is the scheduler's, as for every kind: at misc_timeout
 * the run is stopped, which kills the script's group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkers/check.h"
#include "lib/script.h"

static void
misc_done(void *data, int wstatus, bool timed_out)
{
	struct ck_check *c = data;
	int code;

	(void)timed_out;	/* never: the runner has no timeout of its own for us */
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

static void
misc_start(struct ck_check *c)
{
	const char *user = c->cfg->user[0] ? c->cfg->user : c->ck->script_user;

	c->phase = "script";
	/* the runner has logged why (unknown user or group, fork) */
	if (script_run(c->ck->scripts, &(struct script){ .cmd = config_text(c->ck->p->conf, c->cfg->misc_path),
							 .user = user, .cb = misc_done, .data = c,
							 .secure = c->ck->p->conf->global->enable_script_security }) == -1)
		ck_result(c, false, -1, "script not started");
}

/* Kills the script's whole group; its exit is still reaped, and calls nothing. */
static void
misc_stop(struct ck_check *c)
{
	script_kill(c->ck->scripts, c);
}

static void
misc_timeout(struct ck_check *c)
{
	ck_result(c, false, -1, "script timeout");
}

const struct ck_kind ck_kind_misc = { "MISC_CHECK", misc_start, misc_stop, misc_timeout };

bool
ck_misc_runnable(const char *cmd, char *prog, size_t len)
{
	const char *p = cmd, *path;
	size_t n = 0;
	char quote = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	/* the first word, quotes removed, as the script runner splits it */
	for (; *p != '\0' && (quote || (*p != ' ' && *p != '\t')); p++) {
		if (!quote && (*p == '"' || *p == '\'')) {
			quote = *p;
		} else if (quote && *p == quote) {
			quote = 0;
		} else if (n + 1 < len) {
			prog[n++] = *p;
		}
	}
	prog[n] = '\0';
	if (n == 0)
		return false;
	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	path = getenv("PATH");
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path != '\0') {
		size_t dl = strcspn(path, ":");
		char full[4096];

		if (dl > 0 && (size_t)snprintf(full, sizeof(full), "%.*s/%s", (int)dl, path, prog) < sizeof(full) &&
		    access(full, X_OK) == 0)
			return true;
		path += dl;
		if (*path == ':')
			path++;
	}
	return false;
}
