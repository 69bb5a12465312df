/*
 * FILE_CHECK: the number in a track_file's file decides, as in keepalived. With weight 0 a non-zero
 * number fails the check (a zero one with reverse); otherwise number x weight (negated by reverse) fails it
 * at -65536 or below, and with `dynamic` is added to the real server's configured weight.
 *
 * A run reads the file, at the checker's cadence; between runs, a change in the file's directory (inotify)
 * runs the FILE_CHECKs at once, so writing the file takes effect without waiting for the delay loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "checkers/check.h"
#include "lib/log.h"
#include "lib/track_file.h"

#define FAULT_AT (-65536)
#define WEIGHT_MAX 65535

struct ck_files {
	int fd;				/* inotify, -1 when no FILE_CHECK */
	struct ev_io io;
};

static const struct cfg_vrrp_track_file *
file_target(const struct config *conf, const char *name)
{
	const struct cfg_vrrp_track_file *tf;

	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_FILE, const struct cfg_vrrp_track_file, tf)
		if (strcmp(tf->name, name) == 0)
			return tf;
	return NULL;
}

static void
file_start(struct ck_check *c)
{
	const struct cfg_vrrp_track_file *tf = file_target(c->ck->p->conf, c->cfg->track_file);
	bool missing, reverse;
	int64_t v, w, s;

	if (tf == NULL) {
		ck_result(c, false, -1, "no track_file %s", c->cfg->track_file);
		return;
	}
	v = track_file_value(tf->path, &missing);
	w = c->cfg->file_weight_set ? c->cfg->file_weight : tf->weight;
	reverse = c->cfg->file_weight_set ? c->cfg->file_reverse : tf->reverse;
	if (w == 0) {
		bool ok = reverse ? v != 0 : v == 0;

		ck_result(c, ok, -1, "file %s%s: %lld", tf->path, missing ? " (missing)" : "", (long long)v);
		return;
	}
	/* the product cannot overflow: |v| is clamped first, |w| < 2^31 */
	v = v > 1000000000 ? 1000000000 : v < -1000000000 ? -1000000000 : v;
	s = v * w * (reverse ? -1 : 1);
	if (s <= FAULT_AT) {
		ck_result(c, false, -1, "file %s: %lld x %lld", tf->path, (long long)v, (long long)w);
	} else if (c->cfg->file_dynamic) {
		int64_t weight = (int64_t)c->rs->cfg->weight + s;

		weight = weight < 0 ? 0 : weight > WEIGHT_MAX ? WEIGHT_MAX : weight;
		ck_result(c, true, (int32_t)weight, "file %s: %lld (weight %lld)", tf->path, (long long)v,
			  (long long)weight);
	} else {
		ck_result(c, true, -1, "file %s: %lld", tf->path, (long long)v);
	}
}

/* A run never waits: nothing to abandon. */
static void
file_stop(struct ck_check *c)
{
	(void)c;
}

const struct ck_kind ck_kind_file = { "FILE_CHECK", file_start, file_stop, NULL };

/* ---- watching the files' directories ---- */

static void
files_changed(struct ev_io *io, uint32_t revents)
{
	struct ck_state *ck = io->data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	(void)revents;
	/* which file does not matter much: there are few FILE_CHECKs, and reading one is cheap */
	while (read(ck->files->fd, buf, sizeof(buf)) > 0)
		;
	for (size_t i = 0; i < ck->nrs; i++)
		for (size_t j = 0; j < ck->rs[i]->nchecks; j++)
			if (ck->rs[i]->checks[j]->cfg->type == CHECK_FILE)
				ck_sched_now(ck->rs[i]->checks[j]);
}

void
ck_files_close(struct ck_state *ck)
{
	if (ck->files == NULL)
		return;
	if (ck->files->fd != -1) {
		ev_io_stop(ck->p->loop, &ck->files->io);
		close(ck->files->fd);
	}
	free(ck->files);
	ck->files = NULL;
}

/* Applies init_file and watches the directory of every track_file a FILE_CHECK of conf reads (again at
 * each configuration). */
void
ck_files_apply(struct ck_state *ck, const struct config *conf)
{
	const struct cfg_checker *c;
	bool any = false;

	ck_files_close(ck);
	CONFIG_FOREACH(conf, CFG_CHECKER, const struct cfg_checker, c)
		any |= c->type == CHECK_FILE;
	if (!any)
		return;
	if ((ck->files = calloc(1, sizeof(*ck->files))) == NULL ||
	    (ck->files->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("FILE_CHECK: inotify; files are read at each check's cadence only");
		free(ck->files);
		ck->files = NULL;
		return;
	}
	CONFIG_FOREACH(conf, CFG_CHECKER, const struct cfg_checker, c) {
		const struct cfg_vrrp_track_file *tf = c->type == CHECK_FILE ? file_target(conf, c->track_file) : NULL;

		if (tf == NULL)
			continue;
		/* the vrrp child does the same for the files its instances track: the first one writes it */
		track_file_init(tf);
		track_file_watch(ck->files->fd, tf);
	}
	if (ev_io_start(ck->p->loop, &ck->files->io, ck->files->fd, EPOLLIN, files_changed, ck) == -1) {
		log_warn("FILE_CHECK: watching files");
		close(ck->files->fd);
		ck->files->fd = -1;
	}
}
