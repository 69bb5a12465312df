/*
 * track_bfd: the state of each BFD session, as the bfd child reports it through the parent (which replays
 * the last ones to a restarted vrrp child). The weights were resolved by the parent (bfd_conf_check): a
 * weight moves the priority as keepalived's do, weight 0 means Fault while the session is not Up.
 */
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd_packet.h"
#include "lib/log.h"
#include "vrrp/vrrp_int.h"

void
vrrp_bfd_state(struct vrrp_ctx *ctx, const struct ipc_bfd_state *st)
{
	bool up = st->state == BFD_UP;
	struct vrrp_bfd *b = NULL, *v;

	for (size_t i = 0; i < ctx->nbfds && b == NULL; i++)
		if (strcmp(ctx->bfds[i].name, st->name) == 0)
			b = &ctx->bfds[i];
	if (b == NULL) {
		if ((v = reallocarray(ctx->bfds, ctx->nbfds + 1, sizeof(*v))) == NULL) {
			log_warnx("track_bfd %s: out of memory; its state is not followed", st->name);
			return;
		}
		ctx->bfds = v;
		b = &ctx->bfds[ctx->nbfds++];
		memset(b, 0, sizeof(*b));
		memcpy(b->name, st->name, sizeof(b->name));
		b->name[sizeof(b->name) - 1] = '\0';
	} else if (b->up == up) {
		return;
	}
	b->up = up;
	log_info("track_bfd %s: %s", b->name, up ? "up" : "down");
	vrrp_track_eval(ctx);
}

bool
vrrp_bfd_up(const struct vrrp_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nbfds; i++)
		if (strcmp(ctx->bfds[i].name, name) == 0)
			return ctx->bfds[i].up;
	return false;
}

void
vrrp_bfd_free(struct vrrp_ctx *ctx)
{
	free(ctx->bfds);
	ctx->bfds = NULL;
	ctx->nbfds = 0;
}
