/*
 * The parent's status as metrics. Each section is a table of fields (JSON key, metric name, type, help,
 * unit conversion), rendered family by family so that all samples of a family are together, as the
 * format requires. A field a status lacks (an older child, a null) gives no sample; a family without
 * samples is left out, header and all.
 */
#include "metrics/metrics_render.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum conv {
	C_INT,		/* as it is: a count, a number */
	C_MS,		/* milliseconds to seconds */
	C_US,		/* microseconds to seconds */
	C_KIB,		/* KiB to bytes */
	C_BOOL,		/* true 1, false 0 */
	C_NUM,		/* a JSON double (or int), as it is */
};

struct field {
	const char *key;
	const char *name;
	const char *type;	/* "gauge" or "counter" */
	const char *help;
	enum conv conv;
};

/* Up to two labels taken from each object's keys. */
struct labels {
	const char *name[2];
	const char *key[2];
};

struct out {
	struct mx_buf *b;
	const char *name, *type, *help;
	bool header;		/* this family's HELP and TYPE are written */
};

/* ---- text ---- */

void
mx_buf_free(struct mx_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static bool
reserve(struct mx_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return false;
	if (b->cap - b->len > n)
		return true;
	cap = b->cap ? b->cap : 64 * 1024;
	while (cap - b->len <= n)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void
put(struct mx_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
puts_(struct mx_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* A label value: backslash, double quote and line feed escaped (the format's only escapes). */
static void
put_label_value(struct mx_buf *b, const char *v)
{
	for (const char *s = v; *s; ) {
		size_t n = strcspn(s, "\\\"\n");

		put(b, s, n);
		s += n;
		if (*s == '\0')
			break;
		put(b, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n", 2);
		s++;
	}
}

/* ---- families and samples ---- */

static void
family(struct out *o, const char *name, const char *type, const char *help)
{
	o->name = name;
	o->type = type;
	o->help = help;
	o->header = false;
}

static void
sample_header(struct out *o)
{
	o->header = true;
	puts_(o->b, "# HELP ");
	puts_(o->b, o->name);
	puts_(o->b, " ");
	puts_(o->b, o->help);
	puts_(o->b, "\n# TYPE ");
	puts_(o->b, o->name);
	puts_(o->b, " ");
	puts_(o->b, o->type);
	puts_(o->b, "\n");
}

/* One sample of the current family: labels as name, value pairs up to a NULL name. */
static void
sample(struct out *o, const char *value, ...)
{
	const char *sep = "{";
	const char *k;
	va_list ap;

	if (!o->header)
		sample_header(o);
	puts_(o->b, o->name);
	va_start(ap, value);
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);

		puts_(o->b, sep);
		puts_(o->b, k);
		puts_(o->b, "=\"");
		put_label_value(o->b, v != NULL ? v : "");
		puts_(o->b, "\"");
		sep = ",";
	}
	va_end(ap);
	if (sep[0] == ',')
		puts_(o->b, "}");
	puts_(o->b, " ");
	puts_(o->b, value);
	puts_(o->b, "\n");
}

static const struct mj *
get(const struct mj *o, const char *key)
{
	return mj_get(o, key);
}

static const char *
get_str(const struct mj *o, const char *key)
{
	const struct mj *v = get(o, key);

	return v != NULL && v->type == MJ_STRING ? v->u.s : NULL;
}

/* A fixed-point number: v / 10^digits, exactly (no binary fraction in the text). */
static void
fixed(char *buf, size_t n, int64_t v, int digits, int64_t scale)
{
	if (v < 0)
		snprintf(buf, n, "-%" PRId64 ".%0*" PRId64, -v / scale, digits, -v % scale);
	else
		snprintf(buf, n, "%" PRId64 ".%0*" PRId64, v / scale, digits, v % scale);
}

/* The text of a value after its conversion; false when it has none (null, a string, an object). */
static bool
value_text(const struct mj *v, enum conv conv, char *buf, size_t n)
{
	enum mj_type t = v != NULL ? v->type : MJ_NULL;

	if (t == MJ_BOOL) {
		snprintf(buf, n, "%d", v->u.b ? 1 : 0);
		return true;
	}
	if (t == MJ_DOUBLE) {
		double d = v->u.d;

		snprintf(buf, n, "%.9g", conv == C_MS ? d / 1e3 : conv == C_US ? d / 1e6 : conv == C_KIB ? d * 1024 : d);
		return true;
	}
	if (t != MJ_INT)
		return false;
	switch (conv) {
	case C_MS:
		fixed(buf, n, v->u.i, 3, 1000);
		break;
	case C_US:
		fixed(buf, n, v->u.i, 6, 1000000);
		break;
	case C_KIB:
		snprintf(buf, n, "%" PRId64, v->u.i * 1024);
		break;
	default:
		snprintf(buf, n, "%" PRId64, v->u.i);
	}
	return true;
}

/* Fields of one object without labels. */
static void
render_fields(struct out *o, const struct mj *obj, const struct field *f, size_t nf)
{
	char val[64];

	for (size_t i = 0; i < nf; i++) {
		family(o, f[i].name, f[i].type, f[i].help);
		if (value_text(get(obj, f[i].key), f[i].conv, val, sizeof(val)))
			sample(o, val, NULL);
	}
}

/* The label text of each object of an array ({a="x",b="y"}), built once for all the families of the
 * array: with thousands of real servers, escaping their labels again for each family was most of a render. */
struct label_cache {
	struct mx_buf text;
	size_t *off;		/* each object's text in text.p; SIZE_MAX: it lacks the first label */
	size_t n;
};

static void
labels_build(struct label_cache *lc, const struct mj *arr, const struct labels *l)
{
	memset(lc, 0, sizeof(*lc));
	lc->n = mj_len(arr);
	if (lc->n == 0 || (lc->off = calloc(lc->n, sizeof(*lc->off))) == NULL) {
		lc->text.failed = lc->n > 0;
		lc->n = 0;
		return;
	}
	for (size_t j = 0; j < lc->n; j++) {
		const struct mj *obj = mj_item(arr, j);

		if (get_str(obj, l->key[0]) == NULL) {
			lc->off[j] = SIZE_MAX;
			continue;
		}
		lc->off[j] = lc->text.len;
		for (int k = 0; k < 2 && l->name[k] != NULL; k++) {
			const char *v = get_str(obj, l->key[k]);

			puts_(&lc->text, k == 0 ? "{" : ",");
			puts_(&lc->text, l->name[k]);
			puts_(&lc->text, "=\"");
			put_label_value(&lc->text, v != NULL ? v : "");
			puts_(&lc->text, "\"");
		}
		put(&lc->text, "}", 2);	/* with its NUL: each text is a C string */
	}
}

static void
labels_free(struct label_cache *lc)
{
	mx_buf_free(&lc->text);
	free(lc->off);
}

/* One sample whose labels are already text. */
static void
sample_raw(struct out *o, const char *labels, const char *value)
{
	if (!o->header)
		sample_header(o);
	puts_(o->b, o->name);
	puts_(o->b, labels);
	put(o->b, " ", 1);
	puts_(o->b, value);
	put(o->b, "\n", 1);
}

/* Fields of every object of an array, labelled from a cache of its labels. */
static void
render_cached(struct out *o, const struct mj *arr, const struct label_cache *lc, const struct field *f, size_t nf)
{
	char val[64];

	if (lc->text.failed) {
		o->b->failed = true;
		return;
	}
	for (size_t i = 0; i < nf; i++) {
		family(o, f[i].name, f[i].type, f[i].help);
		for (size_t j = 0; j < lc->n; j++)
			if (lc->off[j] != SIZE_MAX && value_text(get(mj_item(arr, j), f[i].key), f[i].conv, val, sizeof(val)))
				sample_raw(o, lc->text.p + lc->off[j], val);
	}
}

/* Fields of every object of an array, labelled. */
static void
render_array(struct out *o, const struct mj *arr, const struct labels *l, const struct field *f, size_t nf)
{
	struct label_cache lc;

	if (arr == NULL || arr->type != MJ_ARRAY)
		return;
	labels_build(&lc, arr, l);
	render_cached(o, arr, &lc, f, nf);
	labels_free(&lc);
}

/* A state as one gauge per possible value, 1 for the one it is in: state="MASTER" 1, state="BACKUP" 0. */
static void
render_state(struct out *o, const struct mj *arr, const char *label, const char *lkey, const char *skey,
	     const char *const *states)
{
	size_t n = mj_len(arr);

	for (size_t j = 0; j < n; j++) {
		const struct mj *obj = mj_item(arr, j);
		const char *name = get_str(obj, lkey), *st = get_str(obj, skey);

		if (name == NULL || st == NULL)
			continue;
		for (size_t s = 0; states[s] != NULL; s++)
			sample(o, strcmp(st, states[s]) == 0 ? "1" : "0", label, name, "state", states[s], NULL);
	}
}

/* A map of counts by reason ({"reason": n, ...}) of each object of an array, or of one object (arr NULL). */
static void
render_reasons(struct out *o, const struct mj *arr, const struct mj *one, const char *label,
	       const char *lkey, const char *mapkey)
{
	size_t n = arr != NULL ? mj_len(arr) : 1;
	char val[64];

	for (size_t j = 0; j < n; j++) {
		const struct mj *obj = arr != NULL ? mj_item(arr, j) : one;
		const struct mj *map = get(obj, mapkey);
		const char *name = label != NULL ? get_str(obj, lkey) : NULL;

		if (map == NULL || map->type != MJ_OBJECT || (label != NULL && name == NULL))
			continue;
		for (uint32_t m = 0; m < map->n; m++) {
			const char *reason = map->u.m[m].key;

			if (!value_text(&map->u.m[m].v, C_INT, val, sizeof(val)))
				continue;
			if (label != NULL)
				sample(o, val, label, name, "reason", reason, NULL);
			else
				sample(o, val, "reason", reason, NULL);
		}
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define G "gauge"
#define C "counter"

/* ---- the parent and its children ---- */

static const struct field parent_fields[] = {
	{ "started", "vipd_start_time_seconds", G, "When the vipd parent started (Unix time).", C_INT },
	{ "config_generation", "vipd_config_generation", G, "Generation of the configuration in force (1 at start, +1 per reload that adopted one).", C_INT },
	{ "remembered_real_servers", "vipd_remembered_real_servers", G, "Real server states the parent keeps for children that restart.", C_INT },
	{ "remembered_vrrp_instances", "vipd_remembered_vrrp_instances", G, "VRRP instance states the parent keeps for children that restart.", C_INT },
};

static const struct field reload_fields[] = {
	{ "count", "vipd_reloads_total", C, "Reloads asked for (SIGHUP, vipctl reload).", C_INT },
	{ "failures", "vipd_reload_failures_total", C, "Reloads refused because the files had errors (the configuration in force was kept).", C_INT },
	{ "time", "vipd_last_reload_timestamp_seconds", G, "When the last reload happened (Unix time).", C_INT },
	{ "duration", "vipd_last_reload_duration_seconds", G, "How long the last reload took to read and check the files.", C_NUM },
};

static const struct labels by_child = { { "child", NULL }, { "name", NULL } };
static const struct field child_fields[] = {
	{ "wanted", "vipd_child_wanted", G, "1 if the configuration needs this child.", C_BOOL },
	{ "restarts", "vipd_child_restarts_total", C, "Times this child died and was restarted.", C_INT },
	{ "config_generation", "vipd_child_config_generation", G, "Generation of the configuration this child last applied.", C_INT },
	{ "ipc_rejected", "vipd_child_ipc_rejected_total", C, "Malformed or unexpected messages from this child, dropped by the parent.", C_INT },
};

static void
render_parent(struct out *o, const struct mj *st)
{
	const struct mj *pa = get(st, "parent"), *reload = get(pa, "last_reload"), *children = get(st, "children");
	const char *v = get_str(pa, "version"), *res = get_str(reload, "result");
	size_t n = mj_len(children);

	family(o, "vipd_build_info", G, "Always 1; the version of vipd in a label.");
	if (v != NULL)
		sample(o, "1", "version", v, NULL);
	render_fields(o, pa, parent_fields, N(parent_fields));
	render_fields(o, reload, reload_fields, N(reload_fields));
	family(o, "vipd_last_reload_success", G, "1 if the last reload adopted the files, 0 if it kept the configuration in force.");
	if (res != NULL && strcmp(res, "none") != 0)
		sample(o, strcmp(res, "ok") == 0 ? "1" : "0", NULL);
	family(o, "vipd_child_up", G, "1 if this child runs (started and not stopping, restarting or failed).");
	for (size_t i = 0; i < n; i++) {
		const struct mj *c = mj_item(children, i);
		const char *name = get_str(c, "name"), *state = get_str(c, "state");
		const struct mj *pid = get(c, "pid");

		if (name != NULL && state != NULL)
			sample(o, strcmp(state, "running") == 0 && pid != NULL ? "1" : "0", "child", name, NULL);
	}
	render_array(o, children, &by_child, child_fields, N(child_fields));
}

/* ---- vrrp ---- */

static const char *const vrrp_states[] = { "INIT", "BACKUP", "MASTER", "FAULT", "STOP", NULL };
/* not "instance": Prometheus gives that label to every target (it would rename ours exported_instance) */
static const struct labels by_instance = { { "vrrp_instance", NULL }, { "name", NULL } };
static const struct field vrrp_fields[] = {
	{ "priority", "vipd_vrrp_priority", G, "Configured priority of the instance.", C_INT },
	{ "effective_priority", "vipd_vrrp_effective_priority", G, "Priority the instance advertises now (tracking applied).", C_INT },
	{ "advert_int_ms", "vipd_vrrp_advert_interval_seconds", G, "Configured advertisement interval.", C_MS },
	{ "master_advert_int_ms", "vipd_vrrp_master_advert_interval_seconds", G, "Advertisement interval of the master as heard.", C_MS },
	{ "vips", "vipd_vrrp_vips", G, "Virtual addresses the instance holds when master.", C_INT },
	{ "vips_installed", "vipd_vrrp_vips_installed", G, "1 if the virtual addresses are on the interface now.", C_BOOL },
	{ "since_ms", "vipd_vrrp_state_change_timestamp_seconds", G, "When the instance entered its state (Unix time).", C_MS },
	{ "transitions", "vipd_vrrp_transitions_total", C, "State changes of the instance.", C_INT },
	{ "became_master", "vipd_vrrp_became_master_total", C, "Times the instance became master.", C_INT },
	{ "adverts_sent", "vipd_vrrp_adverts_sent_total", C, "Advertisements sent.", C_INT },
	{ "adverts_received", "vipd_vrrp_adverts_received_total", C, "Advertisements received and accepted.", C_INT },
	{ "priority0_sent", "vipd_vrrp_priority0_sent_total", C, "Advertisements of priority 0 (resigning) sent.", C_INT },
	{ "priority0_received", "vipd_vrrp_priority0_received_total", C, "Advertisements of priority 0 received.", C_INT },
	{ "send_errors", "vipd_vrrp_send_errors_total", C, "Advertisements the kernel refused to send.", C_INT },
	{ "announcements", "vipd_vrrp_announcements_total", C, "Gratuitous ARPs and unsolicited NAs sent for the virtual addresses.", C_INT },
	{ "lower_priority_masters_heard", "vipd_vrrp_lower_priority_masters_heard_total", C, "Advertisements heard from a master of lower priority.", C_INT },
};
static const struct labels by_script = { { "script", NULL }, { "name", NULL } };
static const struct field vrrp_script_fields[] = {
	{ "ok", "vipd_vrrp_script_ok", G, "1 if the vrrp_script's last verdict is success.", C_BOOL },
	{ "runs", "vipd_vrrp_script_runs_total", C, "Runs of the vrrp_script.", C_INT },
	{ "failures", "vipd_vrrp_script_failures_total", C, "Runs of the vrrp_script that failed.", C_INT },
	{ "timeouts", "vipd_vrrp_script_timeouts_total", C, "Runs of the vrrp_script killed at their timeout.", C_INT },
};

static void
render_vrrp(struct out *o, const struct mj *st)
{
	const struct mj *inst = get(st, "instances");

	family(o, "vipd_vrrp_state", G, "1 for the state the VRRP instance is in, 0 for the others.");
	render_state(o, inst, "vrrp_instance", "name", "state", vrrp_states);
	render_array(o, inst, &by_instance, vrrp_fields, N(vrrp_fields));
	family(o, "vipd_vrrp_drops_total", C, "Packets of the instance dropped, by reason.");
	render_reasons(o, inst, NULL, "vrrp_instance", "name", "drops");
	family(o, "vipd_vrrp_unmatched_drops_total", C, "Packets no instance claimed, by reason (vrid: another router's).");
	render_reasons(o, NULL, st, NULL, NULL, "unmatched_drops");
	render_array(o, get(st, "scripts"), &by_script, vrrp_script_fields, N(vrrp_script_fields));
}

/* ---- ipvs ---- */

static const struct field ipvs_fields[] = {
	{ "virtual_servers", "vipd_ipvs_virtual_servers_configured", G, "Virtual servers in the configuration.", C_INT },
	{ "real_servers", "vipd_ipvs_real_servers_configured", G, "Real servers in the configuration.", C_INT },
	{ "services", "vipd_ipvs_services", G, "IPVS services vipd wants in the kernel.", C_INT },
	{ "dests", "vipd_ipvs_destinations", G, "IPVS destinations vipd wants in the kernel.", C_INT },
	{ "quorum_lost", "vipd_ipvs_quorum_lost", G, "Virtual servers below their quorum.", C_INT },
	{ "reconciles", "vipd_ipvs_reconciles_total", C, "Comparisons of the kernel's table with the wanted one.", C_INT },
	{ "kernel_dumps", "vipd_ipvs_kernel_dumps_total", C, "Listings of the kernel's table.", C_INT },
	{ "kernel_writes", "vipd_ipvs_kernel_writes_total", C, "Changes written to the kernel's table.", C_INT },
	{ "kernel_errors", "vipd_ipvs_kernel_errors_total", C, "Changes the kernel refused.", C_INT },
	{ "last_ms", "vipd_ipvs_last_reconcile_duration_seconds", G, "How long the last reconciliation took.", C_MS },
	{ "health_messages", "vipd_ipvs_health_messages_total", C, "Real server verdicts received from the checkers.", C_INT },
	{ "quorum_scripts", "vipd_ipvs_quorum_scripts_total", C, "quorum_up and quorum_down scripts run.", C_INT },
};

static void
render_ipvs(struct out *o, const struct mj *st)
{
	char val[64];
	const char *k = get_str(st, "kernel");

	family(o, "vipd_ipvs_kernel_ok", G, "1 if the IPVS kernel interface answers.");
	if (k != NULL)
		sample(o, strcmp(k, "ok") == 0 ? "1" : "0", NULL);
	render_fields(o, st, ipvs_fields, N(ipvs_fields));
	family(o, "vipd_ipvs_real_servers", G, "Real servers in the wanted table, by health.");
	if (value_text(get(st, "rs_up"), C_INT, val, sizeof(val)))
		sample(o, val, "state", "up", NULL);
	if (value_text(get(st, "rs_down"), C_INT, val, sizeof(val)))
		sample(o, val, "state", "down", NULL);
}

/* ---- checkers ---- */

static const struct field checkers_fields[] = {
	{ "checkers", "vipd_checkers_configured", G, "Health checkers in the configuration.", C_INT },
	{ "real_servers_up", "vipd_checkers_real_servers_up", G, "Real servers the checkers find up.", C_INT },
	{ "runs", "vipd_checkers_runs_total", C, "Health checks run.", C_INT },
	{ "overruns", "vipd_checkers_overruns_total", C, "Checks still running when their next run was due.", C_INT },
	{ "cpu_ms", "vipd_checkers_cpu_seconds_total", C, "CPU time of the checkers child (user and system).", C_MS },
	{ "maxrss_kib", "vipd_checkers_max_resident_memory_bytes", G, "Largest resident memory of the checkers child.", C_KIB },
};
static const struct labels by_rs = { { "virtual_server", "real_server" }, { "virtual_server", "address" } };
static const struct field rs_fields[] = {
	{ "consecutive_failures", "vipd_real_server_consecutive_failures", G, "Failed checks in a row (the most of its checkers).", C_INT },
	{ "last_change", "vipd_real_server_last_change_timestamp_seconds", G, "When the real server last went up or down (Unix time); time() - this is the time since.", C_MS },
};

static void
render_checkers(struct out *o, const struct mj *st)
{
	const struct mj *rs = get(st, "real_servers");
	struct label_cache lc;
	char val[64];

	render_fields(o, st, checkers_fields, N(checkers_fields));
	if (rs == NULL || rs->type != MJ_ARRAY)
		return;
	labels_build(&lc, rs, &by_rs);
	if (lc.text.failed)
		o->b->failed = true;
	family(o, "vipd_real_server_up", G, "1 if the checkers find the real server up, 0 if down or not known yet.");
	for (size_t i = 0; i < lc.n; i++) {
		const char *s = get_str(mj_item(rs, i), "state");

		if (lc.off[i] != SIZE_MAX && s != NULL)
			sample_raw(o, lc.text.p + lc.off[i], strcmp(s, "up") == 0 ? "1" : "0");
	}
	family(o, "vipd_real_server_weight", G, "Weight of the real server: a dynamic one when a checker set it, else the configured one.");
	for (size_t i = 0; i < lc.n; i++) {
		const struct mj *r = mj_item(rs, i);

		if (lc.off[i] != SIZE_MAX && (value_text(get(r, "weight"), C_INT, val, sizeof(val)) ||
					      value_text(get(r, "configured_weight"), C_INT, val, sizeof(val))))
			sample_raw(o, lc.text.p + lc.off[i], val);
	}
	render_cached(o, rs, &lc, rs_fields, N(rs_fields));
	labels_free(&lc);
}

/* ---- sync ---- */

static const struct field sync_fields[] = {
	{ "datagrams_in", "vipd_sync_datagrams_received_total", C, "Sync datagrams received from the peer.", C_INT },
	{ "datagrams_out", "vipd_sync_datagrams_sent_total", C, "Sync datagrams sent to the peer.", C_INT },
	{ "kernel_datagrams_in", "vipd_sync_kernel_datagrams_total", C, "Datagrams taken from the kernel's sync daemon.", C_INT },
	{ "datagrams_injected", "vipd_sync_datagrams_injected_total", C, "Datagrams given to the kernel's backup daemon.", C_INT },
	{ "records_in", "vipd_sync_records_received_total", C, "Connection records received.", C_INT },
	{ "records_out", "vipd_sync_records_sent_total", C, "Connection records sent.", C_INT },
	{ "records_skipped", "vipd_sync_records_skipped_total", C, "Connection records skipped (not for a service here).", C_INT },
	{ "retransmits", "vipd_sync_retransmits_total", C, "Datagrams sent again after a NACK.", C_INT },
	{ "retransmit_expired", "vipd_sync_retransmits_expired_total", C, "NACKs for datagrams no longer held.", C_INT },
	{ "nacks_sent", "vipd_sync_nacks_sent_total", C, "NACKs sent for missing sequence numbers.", C_INT },
	{ "nacks_received", "vipd_sync_nacks_received_total", C, "NACKs received.", C_INT },
	{ "seqs_lost", "vipd_sync_sequences_lost_total", C, "Sequence numbers never received.", C_INT },
	{ "resync_requests_sent", "vipd_sync_resync_requests_sent_total", C, "Full resynchronisations asked for.", C_INT },
	{ "resync_requests_received", "vipd_sync_resync_requests_received_total", C, "Full resynchronisations the peer asked for.", C_INT },
	{ "resyncs_sent", "vipd_sync_resyncs_total", C, "Full resynchronisations sent.", C_INT },
	{ "resync_records", "vipd_sync_resync_records_total", C, "Connection records sent in resynchronisations.", C_INT },
	{ "send_errors", "vipd_sync_send_errors_total", C, "Datagrams the kernel refused to send.", C_INT },
	{ "role_changes", "vipd_sync_role_changes_total", C, "Changes between master and backup.", C_INT },
	{ "table_connections", "vipd_sync_table_connections", G, "Connections in the sync table.", C_INT },
	{ "injects_waiting", "vipd_sync_injects_waiting", G, "Records waiting to be given to the kernel.", C_INT },
	{ "injects_overflow", "vipd_sync_injects_overflow_total", C, "Records dropped because the wait queue was full.", C_INT },
	{ "kernel_backup_drops", "vipd_sync_kernel_backup_drops_total", C, "Datagrams the kernel's backup daemon dropped.", C_INT },
	{ "starts", "vipd_sync_kernel_daemon_starts_total", C, "Kernel sync daemons started (kernel mode).", C_INT },
	{ "stops", "vipd_sync_kernel_daemon_stops_total", C, "Kernel sync daemons stopped (kernel mode).", C_INT },
	{ "errors", "vipd_sync_kernel_errors_total", C, "Kernel sync daemon changes refused (kernel mode).", C_INT },
	{ "in_place", "vipd_sync_kernel_daemons_in_place", G, "1 if the kernel's sync daemons are those the role wants (kernel mode).", C_BOOL },
};

static void
render_sync(struct out *o, const struct mj *st)
{
	const char *mode = get_str(st, "mode"), *role = get_str(st, "role");

	family(o, "vipd_sync_info", G, "Always 1; the sync mode and role in labels.");
	if (mode != NULL)
		sample(o, "1", "mode", mode, "role", role != NULL ? role : "", NULL);
	render_fields(o, st, sync_fields, N(sync_fields));
	family(o, "vipd_sync_drops_total", C, "Sync datagrams or records dropped, by reason.");
	render_reasons(o, NULL, st, NULL, NULL, "drops");
}

/* ---- bfd ---- */

static const char *const bfd_states[] = { "AdminDown", "Down", "Init", "Up", NULL };
static const struct labels by_session = { { "session", NULL }, { "name", NULL } };
static const struct field bfd_fields[] = {
	{ "since", "vipd_bfd_session_state_change_timestamp_seconds", G, "When the session entered its state (Unix time).", C_MS },
	{ "tx_interval_us", "vipd_bfd_session_tx_interval_seconds", G, "Interval between the control packets sent now.", C_US },
	{ "detect_time_us", "vipd_bfd_session_detect_time_seconds", G, "Time without a packet after which the session goes down.", C_US },
	{ "rx", "vipd_bfd_session_packets_received_total", C, "Control packets received.", C_INT },
	{ "tx", "vipd_bfd_session_packets_sent_total", C, "Control packets sent.", C_INT },
	{ "tx_errors", "vipd_bfd_session_send_errors_total", C, "Control packets the kernel refused to send.", C_INT },
	{ "ups", "vipd_bfd_session_ups_total", C, "Times the session came up.", C_INT },
	{ "downs", "vipd_bfd_session_downs_total", C, "Times the session went down.", C_INT },
};

static void
render_bfd(struct out *o, const struct mj *st)
{
	const struct mj *s = get(st, "sessions");
	char val[64];

	family(o, "vipd_bfd_session_state", G, "1 for the state the BFD session is in, 0 for the others.");
	render_state(o, s, "session", "name", "state", bfd_states);
	render_array(o, s, &by_session, bfd_fields, N(bfd_fields));
	family(o, "vipd_bfd_session_drops_total", C, "Packets of the session dropped, by reason.");
	render_reasons(o, s, NULL, "session", "name", "drops");
	family(o, "vipd_bfd_packets_received_total", C, "BFD packets received on every socket.");
	if (value_text(get(st, "rx"), C_INT, val, sizeof(val)))
		sample(o, val, NULL);
	family(o, "vipd_bfd_drops_total", C, "BFD packets no session took, by reason.");
	render_reasons(o, NULL, st, NULL, NULL, "drops");
}

/* ---- the metrics child itself ---- */

static const struct field self_fields[] = {
	{ "connections", "vipd_metrics_connections", G, "Open connections to the metrics listener.", C_INT },
	{ "connections_rejected", "vipd_metrics_connections_rejected_total", C, "Connections closed at once: too many were open.", C_INT },
	{ "timeouts", "vipd_metrics_timeouts_total", C, "Connections closed because a request or the reading of an answer took too long.", C_INT },
	{ "status_asks", "vipd_metrics_status_requests_total", C, "Status requests to the parent.", C_INT },
	{ "status_timeouts", "vipd_metrics_status_timeouts_total", C, "Status requests the parent did not answer in time.", C_INT },
	{ "last_status_us", "vipd_metrics_last_status_wait_seconds", G, "How long the parent took to answer the last status request.", C_US },
	{ "last_render_us", "vipd_metrics_last_render_seconds", G, "How long the last status took to turn into metrics.", C_US },
	{ "last_bytes", "vipd_metrics_last_response_bytes", G, "Size of the last metrics text.", C_INT },
};

static void
render_self(struct out *o, const struct mj *self)
{
	const struct mj *req = get(self, "requests");
	char val[64];

	family(o, "vipd_metrics_http_requests_total", C, "HTTP requests answered, by status code.");
	for (size_t i = 0; req != NULL && req->type == MJ_OBJECT && i < req->n; i++)
		if (value_text(&req->u.m[i].v, C_INT, val, sizeof(val)))
			sample(o, val, "code", req->u.m[i].key, NULL);
	render_fields(o, self, self_fields, N(self_fields));
}

int
mx_render(const struct mj *status, const struct mj *self, struct mx_buf *out)
{
	static const struct { const char *name; void (*render)(struct out *, const struct mj *); } kids[] = {
		{ "vrrp", render_vrrp }, { "ipvs", render_ipvs }, { "checkers", render_checkers },
		{ "sync", render_sync }, { "bfd", render_bfd },
	};
	const struct mj *children = get(status, "children");
	size_t n = mj_len(children);
	struct out o = { .b = out };

	render_parent(&o, status);
	for (size_t k = 0; k < N(kids); k++)
		for (size_t i = 0; i < n; i++) {
			const struct mj *c = mj_item(children, i);
			const char *name = get_str(c, "name");
			const struct mj *st = get(c, "status");

			if (name != NULL && strcmp(name, kids[k].name) == 0 && st != NULL)
				kids[k].render(&o, st);
		}
	if (self != NULL)
		render_self(&o, self);
	if (reserve(out, 1))
		out->p[out->len] = '\0';
	return out->failed ? -1 : 0;
}
