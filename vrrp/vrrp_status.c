/* The VRRP child's part of `vipctl status --json`: per instance, what an operator needs in an incident. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <sys/socket.h>

#include "lib/script.h"
#include "vrrp/vrrp_int.h"

static void
add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static struct json_object *
drops_json(const uint64_t *drops)
{
	struct json_object *d = json_object_new_object();

	for (int i = 1; i < VRRP_DROP_MAX && d != NULL; i++)
		add_int(d, vrrp_drop_name((enum vrrp_drop)i), (int64_t)drops[i]);
	return d;
}

static struct json_object *
inst_json(const struct vrrp_inst *in)
{
	struct json_object *o = json_object_new_object();
	char a[INET6_ADDRSTRLEN] = "";

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(in->cfg.name));
	json_object_object_add(o, "interface", json_object_new_string(in->cfg.interface));
	add_int(o, "virtual_router_id", in->cfg.vrid);
	add_int(o, "version", in->version);
	json_object_object_add(o, "family", json_object_new_string(in->family == AF_INET6 ? "inet6" : "inet"));
	json_object_object_add(o, "state", json_object_new_string(vrrp_state_name(in->fsm.state)));
	add_int(o, "priority", in->cfg.priority);
	add_int(o, "effective_priority", in->fsm.priority);
	add_int(o, "advert_int_ms", (int64_t)(in->cfg.advert_int_ms));
	add_int(o, "master_advert_int_ms", (int64_t)(in->fsm.master_adv_ns / 1000000));
	if (in->have_master)
		inet_ntop(in->family, in->master_addr, a, sizeof(a));
	json_object_object_add(o, "master", json_object_new_string(a));
	a[0] = '\0';
	if (in->have_src)
		inet_ntop(in->family, in->src, a, sizeof(a));
	json_object_object_add(o, "source", json_object_new_string(a));
	json_object_object_add(o, "fault", json_object_new_boolean(in->faulty));
	json_object_object_add(o, "vips_installed", json_object_new_boolean(in->vips_on));
	add_int(o, "vips", in->cfg.nvips);
	add_int(o, "adverts_received", (int64_t)in->adverts_rx);
	add_int(o, "adverts_sent", (int64_t)in->adverts_tx);
	add_int(o, "priority0_received", (int64_t)in->prio0_rx);
	add_int(o, "priority0_sent", (int64_t)in->prio0_tx);
	add_int(o, "send_errors", (int64_t)in->send_errors);
	add_int(o, "transitions", (int64_t)in->fsm.transitions);
	add_int(o, "became_master", (int64_t)in->fsm.became_master);
	add_int(o, "since_ms", (int64_t)in->since_ms);
	add_int(o, "announcements", (int64_t)in->announced);
	/* the first and last of them since it last became master: how the pacing spread them */
	add_int(o, "announced_first_ms", (int64_t)in->announced_first_ms);
	add_int(o, "announced_last_ms", (int64_t)in->announced_last_ms);
	add_int(o, "lower_priority_masters_heard", (int64_t)in->lower_rx);
	if (in->sock != NULL) {
		int size = 0;
		socklen_t len = sizeof(size);

		if (getsockopt(in->sock->fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == 0)
			add_int(o, "socket_rcvbuf", size);
	}
	if (in->cfg.use_vmac)
		add_int(o, "vmac_ifindex", in->vmac_ifindex);
	json_object_object_add(o, "drops", drops_json(in->drops));
	return o;
}

void
vrrp_status_json(struct vrrp_ctx *ctx, struct json_object *out)
{
	struct json_object *list = json_object_new_array(), *scripts = json_object_new_array();
	uint64_t unmatched[VRRP_DROP_MAX] = { 0 };

	if (list == NULL || scripts == NULL) {
		json_object_put(list);
		json_object_put(scripts);
		return;
	}
	for (size_t i = 0; i < ctx->ninst; i++)
		json_object_array_add(list, inst_json(ctx->inst[i]));
	json_object_object_add(out, "instances", list);
	for (size_t i = 0; i < ctx->nchecks; i++) {
		const struct vrrp_check *c = ctx->checks[i];
		struct json_object *o = json_object_new_object();

		if (o == NULL)
			continue;
		json_object_object_add(o, "name", json_object_new_string(c->cfg.name));
		json_object_object_add(o, "ok", json_object_new_boolean(c->ok));
		json_object_object_add(o, "used", json_object_new_boolean(c->used));
		add_int(o, "runs", (int64_t)c->runs);
		add_int(o, "failures", (int64_t)c->failures);
		add_int(o, "timeouts", (int64_t)c->timeouts);
		json_object_array_add(scripts, o);
	}
	json_object_object_add(out, "scripts", scripts);
	if ((list = json_object_new_array()) != NULL) {
		for (size_t i = 0; i < ctx->ntprocs; i++) {
			const struct vrrp_tproc *t = &ctx->tprocs[i];
			struct json_object *o = json_object_new_object();

			if (o == NULL)
				continue;
			json_object_object_add(o, "name", json_object_new_string(t->cfg.name));
			add_int(o, "running", t->count);
			json_object_object_add(o, "ok", json_object_new_boolean(t->ok));
			json_object_array_add(list, o);
		}
		json_object_object_add(out, "processes", list);
	}
	/* packets no instance claimed, by reason (mostly "vrid": another router's traffic) */
	for (size_t i = 0; i < ctx->nsocks; i++)
		for (int k = 0; k < VRRP_DROP_MAX; k++)
			unmatched[k] += ctx->socks[i]->drops[k];
	json_object_object_add(out, "unmatched_drops", drops_json(unmatched));
	{
		size_t on = 0;

		for (size_t i = 0; i < ctx->nstatics; i++)
			on += ctx->statics[i].on;
		add_int(out, "statics", (int64_t)ctx->nstatics);
		add_int(out, "statics_installed", (int64_t)on);
	}
	add_int(out, "scripts_running", ctx->runner != NULL ? script_runner_count(ctx->runner) : 0);
}
