/*
 * BFD_CHECK: a real server is down while its bfd_instance's session is not Up, as in keepalived. The
 * verdict comes from the bfd child's states (routed and, for a restarted checkers child, replayed by the
 * parent); a check runs at once when its session changes, and at its delay loop otherwise. A session never
 * heard of is not Up. A BFD_CHECK whose name keepalived would not find was left with no name by
 * bfd_conf_check: it passes, as if it were not there (keepalived skips it).
 */
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd_packet.h"
#include "checkers/check.h"
#include "lib/log.h"

struct ck_bfd {
	char name[CFG_NAME_MAX];
	int32_t state;
};

static const struct ck_bfd *
bfd_find(const struct ck_state *ck, const char *name)
{
	for (size_t i = 0; i < ck->nbfds; i++)
		if (strcmp(ck->bfds[i].name, name) == 0)
			return &ck->bfds[i];
	return NULL;
}

static void
bfd_start(struct ck_check *c)
{
	const struct ck_bfd *b;

	if (c->cfg->bfd_name[0] == '\0') {
		ck_result(c, true, -1, "no such bfd_instance: skipped");
		return;
	}
	b = bfd_find(c->ck, c->cfg->bfd_name);
	if (b == NULL)
		ck_result(c, false, -1, "BFD %s: not heard of yet", c->cfg->bfd_name);
	else
		ck_result(c, b->state == BFD_UP, -1, "BFD %s: %s", c->cfg->bfd_name,
			  bfd_state_name((enum bfd_state)b->state));
}

/* A run never waits: nothing to abandon. */
static void
bfd_stop(struct ck_check *c)
{
	(void)c;
}

const struct ck_kind ck_kind_bfd = { "BFD_CHECK", bfd_start, bfd_stop, NULL };

void
ck_bfd_state(struct ck_state *ck, const void *payload)
{
	struct ipc_bfd_state st;
	struct ck_bfd *b, *v;

	memcpy(&st, payload, sizeof(st));
	st.name[sizeof(st.name) - 1] = '\0';
	if ((b = (struct ck_bfd *)bfd_find(ck, st.name)) == NULL) {
		if ((v = reallocarray(ck->bfds, ck->nbfds + 1, sizeof(*v))) == NULL) {
			log_warnx("BFD_CHECK %s: out of memory; its state is not followed", st.name);
			return;
		}
		ck->bfds = v;
		b = &ck->bfds[ck->nbfds++];
		memcpy(b->name, st.name, sizeof(b->name));
	}
	b->state = st.state;
	for (size_t i = 0; i < ck->nrs; i++)
		for (size_t j = 0; j < ck->rs[i]->nchecks; j++) {
			struct ck_check *c = ck->rs[i]->checks[j];

			if (c->cfg->type == CHECK_BFD && strcmp(c->cfg->bfd_name, st.name) == 0)
				ck_sched_now(c);
		}
}

void
ck_bfd_free(struct ck_state *ck)
{
	free(ck->bfds);
	ck->bfds = NULL;
	ck->nbfds = 0;
}
