/*
 * track_file: a file holding a number, read again whenever something changes in its directory (inotify),
 * so that an external tool moves priorities by writing a file. The weight logic is keepalived's: weight 0
 * means a non-zero value is a failure; otherwise the value times the weight goes to the priority, and below
 * -253 it is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/track_file.h"
#include "vrrp/vrrp_int.h"


void
vrrp_tfile_init(struct vrrp_ctx *ctx)
{
	ctx->inotify_fd = -1;
}

static bool
read_all(struct vrrp_ctx *ctx)
{
	bool changed = false;

	for (size_t i = 0; i < ctx->ntfiles; i++) {
		struct vrrp_tfile *t = &ctx->tfiles[i];
		int64_t v = track_file_value(t->cfg.path, NULL);

		if (v != t->value) {
			log_info("track_file %s: %lld", t->cfg.name, (long long)v);
			t->value = v;
			changed = true;
		}
	}
	return changed;
}

static void
inotify_readable(struct ev_io *io, uint32_t revents)
{
	struct vrrp_ctx *ctx = io->data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool any = false;

	/* which file does not matter: the few tracked are all read again */
	while (read(ctx->inotify_fd, buf, sizeof(buf)) > 0)
		any = true;
	if (any && read_all(ctx))
		vrrp_track_eval(ctx);
}

static void
close_inotify(struct vrrp_ctx *ctx)
{
	if (ctx->inotify_fd == -1)
		return;
	ev_io_stop(ctx->p->loop, &ctx->inotify_io);
	close(ctx->inotify_fd);
	ctx->inotify_fd = -1;
}

static bool
tracked(const struct config *conf, const char *name)
{
	struct cfg_vrrp_instance *vi;

	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		for (uint32_t i = 0; i < vi->ntrack_file && i < CFG_VRRP_TRACK_MAX; i++)
			if (strncmp(vi->track_file[i].name, name, CFG_NAME_MAX) == 0)
				return true;
	return false;
}

int
vrrp_tfile_apply(struct vrrp_ctx *ctx, const struct config *conf)
{
	struct vrrp_tfile *next = calloc(conf->count[CFG_VRRP_TRACK_FILE] + 1, sizeof(*next));
	struct cfg_vrrp_track_file *tf;
	size_t n = 0;

	if (next == NULL)
		return -1;
	/* only the files some instance tracks are read, as keepalived does */
	CONFIG_FOREACH(conf, CFG_VRRP_TRACK_FILE, struct cfg_vrrp_track_file, tf) {
		if (!tracked(conf, tf->name))
			continue;
		next[n].cfg = *tf;
		next[n].cfg.name[CFG_NAME_MAX - 1] = '\0';
		next[n].cfg.path[CFG_PATH_MAX - 1] = '\0';
		track_file_init(&next[n].cfg);
		next[n].value = track_file_value(next[n].cfg.path, NULL);
		n++;
	}
	close_inotify(ctx);
	free(ctx->tfiles);
	ctx->tfiles = next;
	ctx->ntfiles = n;
	if (n == 0)
		return 0;
	if ((ctx->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("track_file: inotify; the files are read at each configuration only");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		track_file_watch(ctx->inotify_fd, &ctx->tfiles[i].cfg);
	if (ev_io_start(ctx->p->loop, &ctx->inotify_io, ctx->inotify_fd, EPOLLIN, inotify_readable, ctx) == -1) {
		log_warn("track_file: inotify");
		close(ctx->inotify_fd);
		ctx->inotify_fd = -1;
	}
	return 0;
}

void
vrrp_tfile_free(struct vrrp_ctx *ctx)
{
	close_inotify(ctx);
	free(ctx->tfiles);
	ctx->tfiles = NULL;
	ctx->ntfiles = 0;
}

const struct vrrp_tfile *
vrrp_tfile_find(const struct vrrp_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->ntfiles; i++)
		if (strcmp(ctx->tfiles[i].cfg.name, name) == 0)
			return &ctx->tfiles[i];
	return NULL;
}
