/*
 * vipctl status in text: what each child reports (vipctl status --json's children[].status), as tables an
 * operator reads at a glance. Every member is optional: a child that is not running, or not yet
 * configured, reports nothing, and an older vipd may report less.
 */
#include "core/vipctl_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *
text(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object *v = member(o, key);
	const char *s = v != NULL ? json_object_get_string(v) : NULL;

	return s != NULL && *s ? s : dflt;
}

static int64_t
number(struct json_object *o, const char *key)
{
	return json_object_get_int64(member(o, key));
}

static size_t
length(struct json_object *array)
{
	return array != NULL && json_object_is_type(array, json_type_array) ? json_object_array_length(array) : 0;
}

/* The status a child reported, or NULL when that child is not there or said nothing. */
static struct json_object *
child_status(struct json_object *children, const char *name)
{
	for (size_t i = 0; i < length(children); i++) {
		struct json_object *c = json_object_array_get_idx(children, i);

		if (strcmp(text(c, "name", ""), name) == 0) {
			struct json_object *st = member(c, "status");

			return st != NULL && json_object_is_type(st, json_type_object) ? st : NULL;
		}
	}
	return NULL;
}

static int64_t
drops_total(struct json_object *drops)
{
	int64_t n = 0;

	if (drops == NULL || !json_object_is_type(drops, json_type_object))
		return 0;
	json_object_object_foreach(drops, key, v) {
		(void)key;
		n += json_object_get_int64(v);
	}
	return n;
}

static void
print_vrrp(struct json_object *st)
{
	struct json_object *list = member(st, "instances");
	char prio[32], vrid[16];

	if (length(list) == 0)
		return;
	printf("\n%-16s %-12s %-5s %-7s %-9s %-24s %-17s %s\n", "INSTANCE", "INTERFACE", "VRID", "FAMILY",
	       "PRIORITY", "STATE", "MASTER", "ADVERTS IN/OUT/DROPPED");
	for (size_t i = 0; i < length(list); i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		char state[32];

		snprintf(vrid, sizeof(vrid), "%lld", (long long)number(in, "virtual_router_id"));
		if (number(in, "effective_priority") != number(in, "priority"))
			snprintf(prio, sizeof(prio), "%lld/%lld", (long long)number(in, "effective_priority"),
				 (long long)number(in, "priority"));
		else
			snprintf(prio, sizeof(prio), "%lld", (long long)number(in, "priority"));
		snprintf(state, sizeof(state), "%s%s", text(in, "state", "?"),
			 json_object_get_boolean(member(in, "fault")) ? " (fault)" : "");
		printf("%-16s %-12s %-5s %-7s %-9s %-24s %-17s %lld/%lld/%lld\n", text(in, "name", "?"),
		       text(in, "interface", "-"), vrid, text(in, "family", "?"), prio, state, text(in, "master", "-"),
		       (long long)number(in, "adverts_received"), (long long)number(in, "adverts_sent"),
		       (long long)drops_total(member(in, "drops")));
	}
}

static void
print_ipvs(struct json_object *st)
{
	if (st == NULL || member(st, "kernel") == NULL)
		return;
	printf("\nipvs: kernel %s, %lld services, %lld destinations (%lld real servers up, %lld down), "
	       "%lld without quorum\n",
	       text(st, "kernel", "?"), (long long)number(st, "services"), (long long)number(st, "dests"),
	       (long long)number(st, "rs_up"), (long long)number(st, "rs_down"), (long long)number(st, "quorum_lost"));
	if (*text(st, "last_error", ""))
		printf("ipvs: last error: %s\n", text(st, "last_error", ""));
}

static void
print_real_servers(struct json_object *st)
{
	struct json_object *list = member(st, "real_servers");

	if (length(list) == 0)
		return;
	printf("\n%-24s %-24s %-8s %-7s %s\n", "VIRTUAL SERVER", "REAL SERVER", "STATE", "WEIGHT", "WHY");
	for (size_t i = 0; i < length(list); i++) {
		struct json_object *rs = json_object_array_get_idx(list, i);
		struct json_object *w = member(rs, "weight");
		char weight[16] = "-";
		char state[16];

		if (w != NULL)
			snprintf(weight, sizeof(weight), "%d", json_object_get_int(w));
		snprintf(state, sizeof(state), "%s%s", text(rs, "state", "?"),
			 json_object_get_boolean(member(rs, "suspended")) ? "*" : "");
		printf("%-24s %-24s %-8s %-7s %s\n", text(rs, "virtual_server", "?"), text(rs, "address", "?"), state,
		       weight, text(rs, "reason", "-"));
	}
}

static void
print_sync(struct json_object *st)
{
	if (st == NULL || member(st, "mode") == NULL)
		return;
	printf("\nsync: %s on %s, %s%s, %lld records in, %lld out, %lld connections held, %lld dropped%s%s\n",
	       text(st, "mode", "?"), text(st, "interface", "?"), text(st, "role", "?"),
	       member(st, "framing") ? (strcmp(text(st, "framing", ""), "secure") == 0 ? " (secure)" : "") : "",
	       (long long)number(st, "records_in"), (long long)number(st, "records_out"),
	       (long long)number(st, "table_connections"), (long long)drops_total(member(st, "drops")),
	       *text(st, "error", "") ? ", error: " : "", text(st, "error", ""));
}

static void
print_bfd(struct json_object *st)
{
	struct json_object *list = member(st, "sessions");

	if (length(list) == 0)
		return;
	printf("\n%-16s %-26s %-10s %-32s %-13s %s\n", "BFD SESSION", "NEIGHBOR", "STATE", "DIAGNOSTIC",
	       "TX/DETECT ms", "PACKETS IN/OUT/DROPPED");
	for (size_t i = 0; i < length(list); i++) {
		struct json_object *s = json_object_array_get_idx(list, i);
		char neighbor[64], timers[48];

		snprintf(neighbor, sizeof(neighbor), "%s%s", text(s, "neighbor", "?"),
			 json_object_get_boolean(member(s, "multihop")) ? " (multihop)" : "");
		snprintf(timers, sizeof(timers), "%lld/%lld", (long long)number(s, "tx_interval_us") / 1000,
			 (long long)number(s, "detect_time_us") / 1000);
		printf("%-16s %-26s %-10s %-32s %-13s %lld/%lld/%lld\n", text(s, "name", "?"), neighbor,
		       text(s, "state", "?"), text(s, "diag", "-"), timers, (long long)number(s, "rx"),
		       (long long)number(s, "tx"), (long long)drops_total(member(s, "drops")));
	}
}

void
vipctl_print_children_status(struct json_object *children)
{
	print_vrrp(child_status(children, "vrrp"));
	print_ipvs(child_status(children, "ipvs"));
	print_real_servers(child_status(children, "checkers"));
	print_sync(child_status(children, "sync"));
	print_bfd(child_status(children, "bfd"));
}
