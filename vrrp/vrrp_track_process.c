/*
 * vrrp_track_process: how many processes of a name (or command line) run, read from /proc once a second.
 * keepalived follows the kernel's process events instead; those come only to the initial network
 * namespace, where a director's vrrp child need not run, and a second's delay is well under a VRRP
 * failover. fork_delay and terminate_delay then hold a change back, so that a restart does not flap.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_int.h"

#define NS_PER_MS 1000000ULL
#define SCAN_EVERY_NS (1000 * NS_PER_MS)
#define COMM_MAX 15			/* the kernel's TASK_COMM_LEN - 1 */

/* Reads a /proc/PID file into buf; its length, or -1. */
static ssize_t
read_proc(const char *pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, what);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static bool
is_zombie(const char *pid)
{
	char stat[512], *close_paren;

	/* the state follows the name's closing parenthesis (a name may hold parentheses itself) */
	if (read_proc(pid, "stat", stat, sizeof(stat)) <= 0 || (close_paren = strrchr(stat, ')')) == NULL)
		return true;
	return close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* The configured parameters against argv[1..] (n words from args). */
static bool
params_match(const struct cfg_vrrp_track_process *c, const char *args, size_t n)
{
	const char *want = c->params;

	if (c->nparams == 0)
		return c->param_match == VRRP_PARAMS_UNSET || n == 0;
	if (n < c->nparams || (c->param_match == VRRP_PARAMS_UNSET && n != c->nparams))
		return false;
	for (uint32_t i = 0; i < c->nparams; i++) {
		bool last = i + 1 == c->nparams;

		if (last && c->param_match == VRRP_PARAMS_INITIAL ? strncmp(args, want, strlen(want)) != 0 :
		    strcmp(args, want) != 0)
			return false;
		args += strlen(args) + 1;
		want += strlen(want) + 1;
	}
	return true;
}

static bool
comm_is(const char *comm, const char *name)
{
	/* the kernel keeps 15 characters of a name */
	if (strlen(name) <= COMM_MAX)
		return strcmp(comm, name) == 0;
	return strlen(comm) == COMM_MAX && strncmp(comm, name, COMM_MAX) == 0;
}

static bool
process_matches(const struct cfg_vrrp_track_process *c, const char *pid, const char *comm)
{
	char cmdline[4096];
	const char *argv0, *base;
	ssize_t len;
	size_t n = 0;

	if (!c->full_command && c->nparams == 0 && c->param_match == VRRP_PARAMS_UNSET)
		return comm_is(comm, c->process);
	if ((len = read_proc(pid, "cmdline", cmdline, sizeof(cmdline))) <= 0)
		return false;	/* a kernel thread, or gone */
	argv0 = cmdline;
	for (ssize_t i = 0; i < len; i++)
		n += cmdline[i] == '\0';
	if (cmdline[len - 1] != '\0')
		n++;		/* the last word lacks its NUL (read cut short): counted all the same */
	base = strrchr(argv0, '/') != NULL ? strrchr(argv0, '/') + 1 : argv0;
	/* full_command: the program as started; else its name, as the kernel or the command line says */
	if (c->full_command ? strcmp(argv0, c->process) != 0 :
	    !comm_is(comm, c->process) && strcmp(argv0, c->process) != 0 && strcmp(base, c->process) != 0)
		return false;
	return params_match(c, argv0 + strlen(argv0) + 1, n - 1);
}

/* Counts the matches of every tracked process in one pass over /proc. */
static void
scan(struct vrrp_ctx *ctx)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	for (size_t i = 0; i < ctx->ntprocs; i++)
		ctx->tprocs[i].count = 0;
	if (d == NULL) {
		log_warn("vrrp_track_process: /proc");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char comm[32];
		ssize_t n;
		bool counted = false;

		if (!isdigit((unsigned char)e->d_name[0]) || (n = read_proc(e->d_name, "comm", comm, sizeof(comm))) <= 0)
			continue;
		if (comm[n - 1] == '\n')
			comm[n - 1] = '\0';
		for (size_t i = 0; i < ctx->ntprocs; i++) {
			if (!process_matches(&ctx->tprocs[i].cfg, e->d_name, comm))
				continue;
			if (!counted && is_zombie(e->d_name))
				break;
			counted = true;
			ctx->tprocs[i].count++;
		}
	}
	closedir(d);
}

static bool
quorum_ok(const struct vrrp_tproc *t)
{
	return t->count >= t->cfg.quorum && t->count <= t->cfg.quorum_max;
}

/* The verdicts after the delays; true if one changed. Sets *wake to the next pending change, if sooner. */
static bool
judge(struct vrrp_ctx *ctx, uint64_t now, uint64_t *wake)
{
	bool changed = false;

	for (size_t i = 0; i < ctx->ntprocs; i++) {
		struct vrrp_tproc *t = &ctx->tprocs[i];
		bool ok = quorum_ok(t);

		if (ok == t->ok) {
			t->change_at = 0;
			continue;
		}
		if (t->change_at == 0)
			t->change_at = now + (ok ? t->cfg.fork_delay_ms : t->cfg.terminate_delay_ms) * NS_PER_MS;
		if (now >= t->change_at) {
			t->ok = ok;
			t->change_at = 0;
			changed = true;
			log_info("vrrp_track_process %s: %u running, %s", t->cfg.name, t->count,
				 ok ? "up" : "down");
		} else if (t->change_at < *wake) {
			*wake = t->change_at;
		}
	}
	return changed;
}

static void
scan_due(struct ev_timer *tm)
{
	struct vrrp_ctx *ctx = tm->data;
	uint64_t now = ev_now(), wake = now + SCAN_EVERY_NS;

	scan(ctx);
	if (judge(ctx, now, &wake))
		vrrp_track_eval(ctx);
	ev_timer_at(ctx->p->loop, &ctx->tproc_timer, wake);
}

static bool
tracked(const struct config *conf, const char *name)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		for (uint32_t i = 0; i < vi->ntrack_process && i < CFG_VRRP_TRACK_MAX; i++)
			if (strncmp(vi->track_process[i].name, name, CFG_NAME_MAX) == 0)
				return true;
	return false;
}

int
vrrp_tproc_apply(struct vrrp_ctx *ctx, const struct config *conf)
{
	struct vrrp_tproc *next = calloc(conf->count[CFG_VRRP_TRACK_PROCESS] + 1, sizeof(*next));
	struct cfg_vrrp_track_process *tp;
	size_t n = 0;

	if (next == NULL)
		return -1;
	if (ctx->tproc_timer.cb == NULL)
		ev_timer_init(&ctx->tproc_timer, scan_due, ctx, "vrrp_track_process");
	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_PROCESS, struct cfg_vrrp_track_process, tp) {
		if (!tracked(conf, tp->name))
			continue;
		next[n].cfg = *tp;
		next[n].cfg.name[CFG_NAME_MAX - 1] = '\0';
		next[n].cfg.process[CFG_PATH_MAX - 1] = '\0';
		next[n].cfg.params[CFG_CMD_MAX - 1] = '\0';
		if (next[n].cfg.nparams > CFG_PROCESS_PARAMS_MAX)
			next[n].cfg.nparams = 0;
		/* a block kept across a reload keeps its verdict; a new one starts from what runs now */
		next[n].ok = false;
		for (size_t i = 0; i < ctx->ntprocs; i++)
			if (memcmp((char *)&ctx->tprocs[i].cfg + sizeof(tp->hdr), (char *)&next[n].cfg + sizeof(tp->hdr),
				   sizeof(*tp) - sizeof(tp->hdr)) == 0)
				next[n].ok = ctx->tprocs[i].ok, next[n].known = true;
		n++;
	}
	free(ctx->tprocs);
	ctx->tprocs = next;
	ctx->ntprocs = n;
	if (n == 0) {
		ev_timer_stop(ctx->p->loop, &ctx->tproc_timer);
		return 0;
	}
	scan(ctx);
	for (size_t i = 0; i < n; i++)
		if (!ctx->tprocs[i].known)
			ctx->tprocs[i].ok = quorum_ok(&ctx->tprocs[i]);
	ev_timer_after(ctx->p->loop, &ctx->tproc_timer, SCAN_EVERY_NS);
	return 0;
}

void
vrrp_tproc_free(struct vrrp_ctx *ctx)
{
	if (ctx->tproc_timer.cb != NULL)
		ev_timer_stop(ctx->p->loop, &ctx->tproc_timer);
	free(ctx->tprocs);
	ctx->tprocs = NULL;
	ctx->ntprocs = 0;
}

const struct vrrp_tproc *
vrrp_tproc_find(const struct vrrp_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->ntprocs; i++)
		if (strcmp(ctx->tprocs[i].cfg.name, name) == 0)
			return &ctx->tprocs[i];
	return NULL;
}
