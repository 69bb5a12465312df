/*
 * Telling the world about transitions, as keepalived does: notify_master/backup/fault/stop scripts, the
 * generic `notify` script with arguments `INSTANCE|GROUP name STATE priority`, and lines of the same form
 * (`INSTANCE "VI_1" MASTER 100`) written to notify_fifo and vrrp_notify_fifo.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/script.h"
#include "vrrp/vrrp_int.h"

static void
fifo_write(const char *path, const char *line)
{
	int fd;
	size_t len = strlen(line);

	if (path[0] == '\0')
		return;
	/* non-blocking: with no reader (ENXIO) or a full pipe, the event is lost rather than the loop stalled */
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_debug("notify fifo %s: %s", path, strerror(errno));
		return;
	}
	if (write(fd, line, len) != (ssize_t)len)
		log_debug("notify fifo %s: short write", path);
	close(fd);
}

/* A notify script as its own user (`notify_master SCRIPT USER [GROUP]`), else as script_user. */
static void
run(struct vrrp_ctx *ctx, const char *cmd, const char *user, const char *const *args)
{
	if (cmd[0] == '\0' || ctx->runner == NULL)
		return;
	script_run(ctx->runner, &(struct script){ .cmd = cmd, .args = args,
						  .user = user[0] != '\0' ? user : ctx->global.script_user,
						  .timeout_ns = SCRIPT_NOTIFY_TIMEOUT_NS,
						  .secure = ctx->global.enable_script_security });
}

/* The notify scripts of an instance or a group, with their users: the two structs share these fields. */
struct notify_scripts {
	const char *master, *master_user, *backup, *backup_user, *fault, *fault_user, *stop, *stop_user;
	const char *generic, *generic_user;
};
#define NOTIFY_SCRIPTS(c) { (c)->notify_master, (c)->notify_master_user, (c)->notify_backup, \
	(c)->notify_backup_user, (c)->notify_fault, (c)->notify_fault_user, (c)->notify_stop, (c)->notify_stop_user, \
	(c)->notify, (c)->notify_user }

static void
notify(struct vrrp_ctx *ctx, const char *kind, const char *name, enum vrrp_state state, unsigned prio,
       const struct notify_scripts *ns)
{
	char prio_s[16], line[CFG_NAME_MAX + 64];
	const char *sname = vrrp_state_name(state);
	const char *args[] = { kind, name, sname, prio_s, NULL };

	snprintf(prio_s, sizeof(prio_s), "%u", prio);
	switch (state) {
	case VRRP_STATE_MASTER:
		run(ctx, ns->master, ns->master_user, NULL);
		break;
	case VRRP_STATE_BACKUP:
		run(ctx, ns->backup, ns->backup_user, NULL);
		break;
	case VRRP_STATE_FAULT:
		run(ctx, ns->fault, ns->fault_user, NULL);
		break;
	case VRRP_STATE_STOP:
		run(ctx, ns->stop, ns->stop_user, NULL);
		break;
	default:
		return;
	}
	run(ctx, ns->generic, ns->generic_user, args);
	snprintf(line, sizeof(line), "%s \"%s\" %s %u\n", kind, name, sname, prio);
	fifo_write(ctx->global.notify_fifo, line);
	if (strcmp(ctx->global.vrrp_notify_fifo, ctx->global.notify_fifo) != 0)
		fifo_write(ctx->global.vrrp_notify_fifo, line);
}

/* An event that is not a state: DELETED (notify_deleted) or MASTER_RX_LOWER_PRI. */
static void
notify_event(struct vrrp_inst *in, const char *event, const char *cmd, const char *user)
{
	struct vrrp_ctx *ctx = in->ctx;
	char prio_s[16], line[CFG_NAME_MAX + 64];
	const char *args[] = { "INSTANCE", in->cfg.name, event, prio_s, NULL };

	snprintf(prio_s, sizeof(prio_s), "%u", in->fsm.priority);
	run(ctx, cmd, user, NULL);
	/* keepalived gives the generic script DELETED, and MASTER_RX_LOWER_PRI to the fifos only */
	if (strcmp(event, "DELETED") == 0)
		run(ctx, in->cfg.notify, in->cfg.notify_user, args);
	snprintf(line, sizeof(line), "INSTANCE \"%s\" %s %u\n", in->cfg.name, event, in->fsm.priority);
	fifo_write(ctx->global.notify_fifo, line);
	if (strcmp(ctx->global.vrrp_notify_fifo, ctx->global.notify_fifo) != 0)
		fifo_write(ctx->global.vrrp_notify_fifo, line);
}

void
vrrp_notify_rx_lower(struct vrrp_inst *in)
{
	notify_event(in, "MASTER_RX_LOWER_PRI", in->cfg.notify_master_rx_lower_pri,
		     in->cfg.notify_master_rx_lower_pri_user);
}

void
vrrp_notify_inst(struct vrrp_inst *in)
{
	const struct cfg_vrrp_instance *c = &in->cfg;
	const struct notify_scripts ns = NOTIFY_SCRIPTS(c);

	/* removed by a reload, with notify_deleted: DELETED rather than STOP */
	if (in->deleted && c->notify_deleted && in->fsm.state == VRRP_STATE_STOP) {
		notify_event(in, "DELETED", c->notify_deleted_cmd, c->notify_deleted_user);
		return;
	}

	notify(in->ctx, "INSTANCE", c->name, in->fsm.state, in->fsm.priority, &ns);
}

void
vrrp_notify_group(struct vrrp_ctx *ctx, struct vrrp_group *g)
{
	const struct cfg_vrrp_sync_group *c = &g->cfg;
	const struct notify_scripts ns = NOTIFY_SCRIPTS(c);

	notify(ctx, "GROUP", c->name, g->state, 0, &ns);
}
