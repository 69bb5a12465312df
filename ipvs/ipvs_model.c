/*
 * The model: the kernel table a configuration wants (virtual servers and groups expanded to kernel
 * services, real servers filtered and weighted by their health, quorum and sorry servers), and the diff
 * that turns what the kernel has into it with the fewest operations. Pure: no socket, unit-tested.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "ipvs/ipvs_int.h"

/* ---- health ---- */

int
ipvs_health_set(struct ipvs_health *h, const struct ipc_rs_state *st)
{
	struct ipvs_health_entry *e;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct ipvs_health_entry *p = realloc(h->v, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		h->v = p;
		h->cap = cap;
	}
	e = &h->v[h->n++];
	memset(e, 0, sizeof(*e));
	e->key = st->key;
	e->seq = ++h->seq;
	e->up = st->up;
	e->weight = st->weight;
	memcpy(e->reason, st->reason, sizeof(e->reason) - 1);
	h->sorted = false;
	return 0;
}

static int
health_cmp(const void *a, const void *b)
{
	const struct ipvs_health_entry *x = a, *y = b;
	int r = memcmp(&x->key, &y->key, sizeof(x->key));

	if (r)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorted by key, the latest message of each key kept. Sorting on use keeps a burst of n messages
 * (a restarted parent replays them all) at n log n instead of n^2. */
static void
health_prepare(struct ipvs_health *h)
{
	size_t out = 0;

	if (h->sorted || h->n == 0)
		return;
	qsort(h->v, h->n, sizeof(h->v[0]), health_cmp);
	for (size_t i = 0; i < h->n; i++) {
		if (out > 0 && memcmp(&h->v[out - 1].key, &h->v[i].key, sizeof(h->v[i].key)) == 0)
			out--;
		h->v[out++] = h->v[i];
	}
	h->n = out;
	h->sorted = true;
}

static int
key_cmp(const void *key, const void *entry)
{
	return memcmp(key, &((const struct ipvs_health_entry *)entry)->key, sizeof(struct cfg_rs_key));
}

const struct ipvs_health_entry *
ipvs_health_find(struct ipvs_health *h, const struct cfg_rs_key *key)
{
	health_prepare(h);
	if (h->n == 0)
		return NULL;
	return bsearch(key, h->v, h->n, sizeof(h->v[0]), key_cmp);
}

void
ipvs_health_free(struct ipvs_health *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

void
ipvs_model_free(struct ipvs_model *m)
{
	ipvs_health_free(&m->health);
	free(m->quorum);
	free(m->changes);
	memset(m, 0, sizeof(*m));
}

/* ---- building ---- */

/* keepalived's persistence timeout when a service is persistent without one (seconds) */
#define PERSISTENCE_DEFAULT 360

static uint32_t
fwd_of(int method)
{
	return method == LVS_DR ? IP_VS_CONN_F_DROUTE : method == LVS_TUN ? IP_VS_CONN_F_TUNNEL : IP_VS_CONN_F_MASQ;
}

static uint16_t
vs_af(const struct cfg_virtual_server *vs)
{
	if (vs->family == CFG_AF_INET6)
		return AF_INET6;
	if (vs->family == CFG_AF_INET)
		return AF_INET;
	return vs->addr.family == AF_INET6 ? AF_INET6 : AF_INET;
}

/* The settings every kernel service of a virtual server shares. */
static void
svc_settings(const struct cfg_virtual_server *vs, uint16_t af, struct ipvs_svc *s)
{
	memset(s, 0, sizeof(*s));
	s->af = af;
	snprintf(s->sched, sizeof(s->sched), "%s", vs->sched);
	s->flags = vs->sched_flags & (IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3);
	if (vs->ops)
		s->flags |= IP_VS_SVC_F_ONEPACKET;
	s->netmask = af == AF_INET6 ? 128 : 0xffffffffu;
	/* keepalived 2.2.7 makes a service with persistence_granularity but no persistence_timeout
	 * persistent for the default 360 s, and gives the kernel the granularity and the engine only
	 * with persistence (the lab's ipvs-diff compares the tables) */
	if (vs->persistence_timeout == 0 && vs->persistence_granularity.family == 0)
		return;
	s->flags |= IP_VS_SVC_F_PERSISTENT;
	s->timeout = vs->persistence_timeout ? vs->persistence_timeout : PERSISTENCE_DEFAULT;
	snprintf(s->pe, sizeof(s->pe), "%.31s", vs->persistence_engine);
	if (af == AF_INET6 && vs->persistence_granularity.family == AF_INET6)
		s->netmask = vs->persistence_granularity.prefix;
	else if (af == AF_INET && vs->persistence_granularity.family == AF_INET)
		memcpy(&s->netmask, vs->persistence_granularity.addr, 4);
}

/* What the checkers of a real server say before their first verdict (by real server index). */
enum { RS_CHECKED = 1, RS_CHECKED_ALPHA = 2 };

struct build {
	const struct config *conf;
	struct ipvs_model *m;
	struct ipvs_table *t;
	size_t *rs_first, *rs_list;	/* real servers by virtual server index */
	uint8_t *rs_checks;		/* RS_CHECKED* by real server index */
	struct ipvs_quorum *newq;
	size_t nnewq;
	bool with_dests;
};

static int
quorum_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct ipvs_quorum *)a)->vs, &((const struct ipvs_quorum *)b)->vs,
		      sizeof(struct cfg_rs_key));
}

static void
vs_key(const struct cfg_virtual_server *vs, struct cfg_rs_key *key)
{
	memset(key, 0, sizeof(*key));
	key->vs_addr = vs->addr;
	key->vs_port = vs->port;
	key->vs_fwmark = vs->fwmark;
	key->vs_protocol = vs->protocol;
	memcpy(key->vs_group, vs->group, sizeof(key->vs_group));
}

const struct ipvs_quorum *
ipvs_model_quorum(const struct ipvs_model *m, const struct cfg_virtual_server *vs)
{
	struct ipvs_quorum q;

	if (m->quorum == NULL)
		return NULL;
	vs_key(vs, &q.vs);
	return bsearch(&q, m->quorum, m->nquorum, sizeof(q), quorum_cmp);
}

/* What the checkers last said of a real server (up, and its weight), or its state before any verdict. */
static void
rs_state(struct build *b, const struct cfg_real_server *rs, size_t rs_index, bool *up, int32_t *weight)
{
	const struct ipvs_health_entry *h;
	struct cfg_rs_key key;

	/* before any verdict, as the checkers child starts it: down if one of its checkers is alpha (its own,
	 * else its real server's or virtual server's: see check_conf_inherit); one without checkers is up */
	*up = !(b->rs_checks[rs_index] & RS_CHECKED_ALPHA);
	*weight = rs->weight;
	config_rs_key(b->conf, rs, &key);
	h = ipvs_health_find(&b->m->health, &key);
	if (h != NULL) {
		*up = h->up != 0;
		if (h->weight >= 0)
			*weight = h->weight;
	}
}

/*
 * The destinations of one virtual server, the same for each of its kernel services. The quorum follows
 * keepalived 2.2.7 (keepalived/check/ipwrapper.c and check_data.c), whose tables the lab compares:
 *   - a quorum above the sum of the real servers' configured weights is lowered to that sum, and a
 *     hysteresis not below the quorum becomes quorum - 1, in 32-bit unsigned arithmetic as keepalived's
 *     (a quorum of 0 thus gets a hysteresis of 4294967295);
 *   - at start the quorum holds if the live weight reaches quorum + hysteresis; afterwards it is lost
 *     when the live weight is 0 or below quorum - hysteresis, and regained at quorum + hysteresis;
 *   - while it is lost and there is a sorry server, the real servers leave the service (those with
 *     inhibit_on_failure stay at weight 0) and the sorry server serves alone.
 */
static int
vs_dests(struct build *b, size_t vs_index, const struct cfg_virtual_server *vs, struct ipvs_svc_entry *proto,
	 uint16_t svc_port)
{
	uint64_t alive = 0, total = 0;
	uint32_t quorum = vs->quorum ? vs->quorum : 1, hysteresis = vs->hysteresis > 0 ? (uint32_t)vs->hysteresis : 0;
	uint32_t gain, keep;
	struct ipvs_quorum q = { .lost = false };
	const struct ipvs_quorum *prev;
	bool lost, up, sorry_alone;
	int32_t weight;

	for (size_t k = b->rs_first[vs_index]; k < b->rs_first[vs_index + 1]; k++) {
		const struct cfg_real_server *rs = config_get(b->conf, CFG_REAL_SERVER, b->rs_list[k]);

		total += (uint64_t)rs->weight;
		rs_state(b, rs, b->rs_list[k], &up, &weight);
		if (up) {
			b->m->rs_up++;
			alive += (uint64_t)weight;
		} else {
			b->m->rs_down++;
		}
	}
	if (quorum > total)
		quorum = (uint32_t)total;
	if (hysteresis >= quorum)
		hysteresis = quorum - 1;
	gain = quorum + hysteresis;
	keep = quorum - hysteresis;
	vs_key(vs, &q.vs);
	prev = b->m->quorum != NULL ? bsearch(&q, b->m->quorum, b->m->nquorum, sizeof(q), quorum_cmp) : NULL;
	if (prev == NULL || prev->lost)
		lost = alive < gain;
	else
		lost = alive == 0 || alive < keep;
	sorry_alone = lost && vs->sorry_server.family != 0;

	for (size_t k = b->rs_first[vs_index]; k < b->rs_first[vs_index + 1]; k++) {
		const struct cfg_real_server *rs = config_get(b->conf, CFG_REAL_SERVER, b->rs_list[k]);
		int method = rs->method >= 0 ? rs->method : vs->method;
		bool inhibit = rs->inhibit_on_failure || vs->inhibit_on_failure;
		struct ipvs_dest d;

		rs_state(b, rs, b->rs_list[k], &up, &weight);
		if ((!up || sorry_alone) && !inhibit)
			continue;
		memset(&d, 0, sizeof(d));
		d.af = rs->addr.family;
		memcpy(d.addr, rs->addr.addr, 16);
		d.port = rs->port ? (uint16_t)rs->port : svc_port;
		d.fwd = fwd_of(method);
		d.weight = up && !sorry_alone ? weight : 0;
		d.u_thresh = rs->uthreshold;
		d.l_thresh = rs->lthreshold;
		if (method == LVS_TUN) {
			bool own = rs->method == LVS_TUN;

			d.tun_type = (uint8_t)(own ? rs->tun_type : vs->tun_type);
			d.tun_port = (uint16_t)(own ? rs->tun_port : vs->tun_port);
			d.tun_flags = (uint16_t)(own ? rs->tun_flags : vs->tun_flags);
		}
		if (ipvs_entry_add_dest(proto, &d) == NULL)
			return -ENOMEM;
	}
	q.lost = lost;
	b->newq[b->nnewq++] = q;
	if (prev != NULL && prev->lost != lost) {
		struct ipvs_model *m = b->m;

		if (m->nchanges == m->capchanges) {
			size_t cap = m->capchanges ? m->capchanges * 2 : 16;
			struct ipvs_quorum_change *p = realloc(m->changes, cap * sizeof(*p));

			if (p == NULL)
				return -ENOMEM;
			m->changes = p;
			m->capchanges = cap;
		}
		m->changes[m->nchanges++] = (struct ipvs_quorum_change){ vs->hdr.id, lost };
	}
	if (lost)
		b->m->quorum_lost++;
	if (vs->sorry_server.family != 0 && (lost || vs->sorry_server_inhibit)) {
		struct ipvs_dest d;

		memset(&d, 0, sizeof(d));
		d.af = vs->sorry_server.family;
		memcpy(d.addr, vs->sorry_server.addr, 16);
		d.port = vs->sorry_server_port ? (uint16_t)vs->sorry_server_port : svc_port;
		d.fwd = fwd_of(vs->sorry_method >= 0 ? vs->sorry_method : vs->method);
		if ((vs->sorry_method >= 0 ? vs->sorry_method : vs->method) == LVS_TUN) {
			bool own = vs->sorry_method == LVS_TUN;

			d.tun_type = (uint8_t)(own ? vs->sorry_tun_type : vs->tun_type);
			d.tun_port = (uint16_t)(own ? vs->sorry_tun_port : vs->tun_port);
			d.tun_flags = (uint16_t)(own ? vs->sorry_tun_flags : vs->tun_flags);
		}
		d.weight = lost ? 1 : 0;
		if (ipvs_entry_find_dest(proto, &d) == NULL && ipvs_entry_add_dest(proto, &d) == NULL)
			return -ENOMEM;
	}
	return 0;
}

/*
 * One kernel service with its virtual server's destinations. Direct routing and tunnels cannot change
 * the port, so their destinations get the service's port (none for a fwmark service), as keepalived
 * 2.2.7 programs them whatever the real server's port says; NAT destinations keep theirs. Two
 * destinations made the same by this keep the first (the kernel would refuse the second).
 */
static int
add_svc(struct build *b, const struct ipvs_svc *s, const struct ipvs_svc_entry *proto)
{
	struct ipvs_svc_entry *e = ipvs_table_add_svc(b->t, s);

	if (e == NULL)
		return -ENOMEM;
	if (proto == NULL || proto->ndests == 0)
		return 0;
	e->dests = malloc(proto->ndests * sizeof(e->dests[0]));
	if (e->dests == NULL)
		return -ENOMEM;
	e->cap = proto->ndests;
	for (size_t i = 0; i < proto->ndests; i++) {
		struct ipvs_dest d = proto->dests[i];

		if (d.fwd != IP_VS_CONN_F_MASQ)
			d.port = s->fwmark ? 0 : s->port;
		if (ipvs_entry_find_dest(e, &d) == NULL)
			e->dests[e->ndests++] = d;
	}
	return 0;
}

/* A virtual server becomes one kernel service, or one per address of each line of its group. */
static int
build_vs(struct build *b, size_t index, const struct cfg_virtual_server *vs)
{
	struct ipvs_svc_entry proto = { 0 };
	struct ipvs_svc s;
	const struct cfg_vs_group *g = NULL, *gi;
	const struct cfg_vs_group_entry *ge;
	int r = 0;

	/* keepalived 2.2.7 ignores a virtual server without real servers (even with a sorry server) */
	if (b->rs_first[index] == b->rs_first[index + 1])
		return 0;
	if (b->with_dests)
		r = vs_dests(b, index, vs, &proto, (uint16_t)vs->port);
	if (r < 0)
		goto out;
	if (vs->group[0] == '\0') {
		svc_settings(vs, vs_af(vs), &s);
		if (vs->fwmark) {
			s.fwmark = vs->fwmark;
		} else {
			s.protocol = (uint16_t)vs->protocol;
			memcpy(s.addr, vs->addr.addr, 16);
			s.port = (uint16_t)vs->port;
		}
		r = add_svc(b, &s, &proto);
		goto out;
	}
	CONFIG_FOREACH(b->conf, CFG_VS_GROUP, const struct cfg_vs_group, gi)
		if (strcmp(gi->name, vs->group) == 0)
			g = gi;
	if (g == NULL)
		goto out;
	CONFIG_FOREACH(b->conf, CFG_VS_GROUP_ENTRY, const struct cfg_vs_group_entry, ge) {
		if (ge->hdr.parent != g->hdr.id)
			continue;
		if (ge->fwmark) {
			svc_settings(vs, vs->family == CFG_AF_INET6 ? AF_INET6 : AF_INET, &s);
			s.fwmark = ge->fwmark;
			if ((r = add_svc(b, &s, &proto)) < 0)
				goto out;
			continue;
		}
		/* a range varies the last byte (IPv4) or the last 16 bits (IPv6) */
		unsigned first, last;
		bool v6 = ge->addr.family == AF_INET6;

		first = v6 ? (unsigned)(ge->addr.addr[14] << 8 | ge->addr.addr[15]) : ge->addr.addr[3];
		last = ge->last.family == 0 ? first :
		       v6 ? (unsigned)(ge->last.addr[14] << 8 | ge->last.addr[15]) : ge->last.addr[3];
		for (unsigned a = first; a <= last; a++) {
			svc_settings(vs, v6 ? AF_INET6 : AF_INET, &s);
			s.protocol = (uint16_t)vs->protocol;
			memcpy(s.addr, ge->addr.addr, 16);
			if (v6) {
				s.addr[14] = (uint8_t)(a >> 8);
				s.addr[15] = (uint8_t)a;
			} else {
				s.addr[3] = (uint8_t)a;
			}
			s.port = (uint16_t)ge->port;
			if ((r = add_svc(b, &s, &proto)) < 0)
				goto out;
		}
	}
out:
	free(proto.dests);
	return r;
}

static int
build(const struct config *conf, struct ipvs_model *m, struct ipvs_table *want, bool with_dests)
{
	size_t nvs = conf->count[CFG_VIRTUAL_SERVER], nrs = conf->count[CFG_REAL_SERVER];
	struct build b = { conf, m, want, NULL, NULL, NULL, NULL, 0, with_dests };
	const struct cfg_virtual_server *vs;
	const struct cfg_real_server *rs;
	const struct cfg_checker *ck;
	int r = -ENOMEM;

	memset(want, 0, sizeof(*want));
	m->services = m->dests = m->rs_up = m->rs_down = m->quorum_lost = m->nchanges = 0;
	b.rs_first = calloc(nvs + 2, sizeof(size_t));
	b.rs_list = calloc(nrs + 1, sizeof(size_t));
	b.newq = calloc(nvs + 1, sizeof(*b.newq));
	b.rs_checks = calloc(nrs + 1, sizeof(*b.rs_checks));
	if (b.rs_first == NULL || b.rs_list == NULL || b.newq == NULL || b.rs_checks == NULL)
		goto out;
	/* the checkers child runs every kind */
	CONFIG_FOREACH(conf, CFG_CHECKER, const struct cfg_checker, ck)
		if (ck->hdr.parent >= 1 && ck->hdr.parent <= nrs)
			b.rs_checks[ck->hdr.parent - 1] |= RS_CHECKED | (ck->alpha ? RS_CHECKED_ALPHA : 0);
	/* real servers grouped by their virtual server (ids are 1.. in order), counting sort */
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, const struct cfg_real_server, rs)
		if (rs->hdr.parent >= 1 && rs->hdr.parent <= nvs)
			b.rs_first[rs->hdr.parent + 1]++;
	for (size_t i = 1; i <= nvs + 1; i++)
		b.rs_first[i] += b.rs_first[i - 1];
	{
		size_t *fill = calloc(nvs + 1, sizeof(size_t));

		if (fill == NULL)
			goto out;
		CONFIG_FOREACH(conf, CFG_REAL_SERVER, const struct cfg_real_server, rs)
			if (rs->hdr.parent >= 1 && rs->hdr.parent <= nvs)
				b.rs_list[b.rs_first[rs->hdr.parent] + fill[rs->hdr.parent]++] = rs_i;
		free(fill);
	}
	r = 0;
	CONFIG_FOREACH(conf, CFG_VIRTUAL_SERVER, const struct cfg_virtual_server, vs) {
		/* rs_first is indexed by id; the virtual server with id k is at index k - 1 */
		if ((r = build_vs(&b, vs->hdr.id, vs)) < 0)
			break;
	}
	if (r == 0) {
		ipvs_table_sort(want);
		m->services = want->n;
		for (size_t i = 0; i < want->n; i++)
			m->dests += want->svcs[i].ndests;
		if (with_dests) {
			if (b.nnewq > 1)
				qsort(b.newq, b.nnewq, sizeof(b.newq[0]), quorum_cmp);
			free(m->quorum);
			m->quorum = b.newq;
			m->nquorum = b.nnewq;
			b.newq = NULL;
		}
	}
out:
	free(b.rs_first);
	free(b.rs_list);
	free(b.newq);
	free(b.rs_checks);
	if (r < 0)
		ipvs_table_free(want);
	return r;
}

int
ipvs_model_build(const struct config *conf, struct ipvs_model *m, struct ipvs_table *want)
{
	return build(conf, m, want, true);
}

int
ipvs_model_services(const struct config *conf, struct ipvs_table *out)
{
	struct ipvs_model scratch = { 0 };
	int r = build(conf, &scratch, out, false);

	ipvs_model_free(&scratch);
	return r;
}

/* ---- diff ---- */

void
ipvs_ops_free(struct ipvs_ops *ops)
{
	free(ops->v);
	memset(ops, 0, sizeof(*ops));
}

static int
op_add(struct ipvs_ops *ops, uint8_t cmd, const struct ipvs_svc *s, const struct ipvs_dest *d)
{
	if (ops->n == ops->cap) {
		size_t cap = ops->cap ? ops->cap * 2 : 256;
		struct ipvs_op *p = realloc(ops->v, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		ops->v = p;
		ops->cap = cap;
	}
	ops->v[ops->n++] = (struct ipvs_op){ cmd, s, d };
	return 0;
}

/* Destinations of one service present in both tables; have's and want's are sorted. */
static int
diff_dests(const struct ipvs_svc_entry *have, const struct ipvs_svc_entry *want, struct ipvs_ops *out)
{
	size_t i = 0, j = 0;
	int r = 0;

	while (r == 0 && (i < have->ndests || j < want->ndests)) {
		int c = i >= have->ndests ? 1 : j >= want->ndests ? -1 :
			ipvs_dest_cmp(&have->dests[i], &want->dests[j]);

		if (c < 0) {
			r = op_add(out, IPVS_CMD_DEL_DEST, &want->svc, &have->dests[i++]);
		} else if (c > 0) {
			r = op_add(out, IPVS_CMD_NEW_DEST, &want->svc, &want->dests[j++]);
		} else {
			if (!ipvs_dest_settings_equal(&have->dests[i], &want->dests[j]))
				r = op_add(out, IPVS_CMD_SET_DEST, &want->svc, &want->dests[j]);
			i++;
			j++;
		}
	}
	return r;
}

int
ipvs_model_diff(const struct ipvs_table *have, const struct ipvs_table *want,
		bool (*ours)(const struct ipvs_svc *, void *), void *arg, struct ipvs_ops *out)
{
	size_t i = 0, j = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	while (r == 0 && (i < have->n || j < want->n)) {
		int c = i >= have->n ? 1 : j >= want->n ? -1 : ipvs_svc_cmp(&have->svcs[i].svc, &want->svcs[j].svc);

		if (c < 0) {
			if (ours != NULL && ours(&have->svcs[i].svc, arg))
				r = op_add(out, IPVS_CMD_DEL_SERVICE, &have->svcs[i].svc, NULL);
			i++;
		} else if (c > 0) {
			const struct ipvs_svc_entry *w = &want->svcs[j++];

			r = op_add(out, IPVS_CMD_NEW_SERVICE, &w->svc, NULL);
			for (size_t k = 0; r == 0 && k < w->ndests; k++)
				r = op_add(out, IPVS_CMD_NEW_DEST, &w->svc, &w->dests[k]);
		} else {
			if (!ipvs_svc_settings_equal(&have->svcs[i].svc, &want->svcs[j].svc))
				r = op_add(out, IPVS_CMD_SET_SERVICE, &want->svcs[j].svc, NULL);
			if (r == 0)
				r = diff_dests(&have->svcs[i], &want->svcs[j], out);
			i++;
			j++;
		}
	}
	if (r < 0)
		ipvs_ops_free(out);
	return r;
}

int
ipvs_table_copy(struct ipvs_table *dst, const struct ipvs_table *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->n == 0)
		return 0;
	dst->svcs = calloc(src->n, sizeof(dst->svcs[0]));
	if (dst->svcs == NULL)
		return -ENOMEM;
	dst->cap = src->n;
	for (size_t i = 0; i < src->n; i++) {
		struct ipvs_svc_entry *e = &dst->svcs[dst->n++];

		e->svc = src->svcs[i].svc;
		if (src->svcs[i].ndests == 0)
			continue;
		e->dests = malloc(src->svcs[i].ndests * sizeof(e->dests[0]));
		if (e->dests == NULL) {
			ipvs_table_free(dst);
			return -ENOMEM;
		}
		memcpy(e->dests, src->svcs[i].dests, src->svcs[i].ndests * sizeof(e->dests[0]));
		e->ndests = e->cap = src->svcs[i].ndests;
	}
	return 0;
}

static int
svc_key_cmp(const void *key, const void *entry)
{
	return ipvs_svc_cmp(key, &((const struct ipvs_svc_entry *)entry)->svc);
}

struct ipvs_svc_entry *
ipvs_table_bsearch(const struct ipvs_table *t, const struct ipvs_svc *s)
{
	return t->n ? bsearch(s, t->svcs, t->n, sizeof(t->svcs[0]), svc_key_cmp) : NULL;
}
