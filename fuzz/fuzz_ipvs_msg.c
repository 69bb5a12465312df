/*
 * IPVS generic netlink replies as the kernel's socket gives them: a datagram of netlink messages, walked
 * as ipvs_nl.c walks them (nlmsg_ok/nlmsg_next), each given to every reply callback of ipvs_nl.c (service
 * and destination dumps, one service, info, timeouts, daemons) and to reply_messages, the request loop's
 * matching of sequence, port and type. ipvs_nl.c is included for its static callbacks.
 * Input: a flags byte (the dumped service's family), then the datagram; the harness's request has
 * sequence 1, port 7, and the family id 0x1c.
 * Invariants: a service or destination parsed, written back with ipvs_msg_put_* (full) and parsed again is
 * the same object with the same settings.
 */
#include "fuzz/fuzz.h"

#include "ipvs/ipvs_nl.c"

#define FAMILY 0x1c

/*
 * libnl is not built with the sanitizers: its accessors would read past an attribute unseen. These
 * replace them for the code under test (the linker takes the program's definitions first) and check what
 * a policy would have: that the attribute holds the bytes read.
 */
#define STRICT_GET(type, name)                                          \
	type name(const struct nlattr *nla)                             \
	{                                                               \
		type v;                                                 \
                                                                        \
		FUZZ_ASSERT(nla_len(nla) >= (int)sizeof(v));            \
		memcpy(&v, nla_data(nla), sizeof(v));                   \
		return v;                                               \
	}
STRICT_GET(uint8_t, nla_get_u8)
STRICT_GET(uint16_t, nla_get_u16)
STRICT_GET(uint32_t, nla_get_u32)
STRICT_GET(uint64_t, nla_get_u64)

static void
svc_round_trip(const struct ipvs_svc *s)
{
	struct nl_msg *m = ipvs_msg_new(FAMILY, IPVS_CMD_NEW_SERVICE, 0);
	struct ipvs_svc again;

	FUZZ_ASSERT(m != NULL);
	FUZZ_ASSERT(ipvs_msg_put_svc(m, s, true) == 0);
	FUZZ_ASSERT(svc_one_cb(nlmsg_hdr(m), &again) == 0);
	FUZZ_ASSERT(ipvs_svc_same(s, &again) && ipvs_svc_settings_equal(s, &again));
	nlmsg_free(m);
}

static void
dest_round_trip(const struct ipvs_svc_entry *e, const struct ipvs_dest *d)
{
	struct nl_msg *m = ipvs_msg_new(FAMILY, IPVS_CMD_NEW_DEST, 0);
	struct ipvs_svc_entry again = { .svc = e->svc };

	FUZZ_ASSERT(m != NULL);
	FUZZ_ASSERT(ipvs_msg_put_dest(m, d, true) == 0);
	FUZZ_ASSERT(dest_dump_cb(nlmsg_hdr(m), &again) == 0);
	FUZZ_ASSERT(again.ndests == 1);
	FUZZ_ASSERT(ipvs_dest_same(d, &again.dests[0]) && ipvs_dest_settings_equal(d, &again.dests[0]));
	free(again.dests);
	nlmsg_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	struct ipvs_table table = { 0 }, replies = { 0 };
	struct ipvs_svc_entry entry = { .svc = { .af = flags & 1 ? AF_INET6 : AF_INET } };
	struct ipvs_daemon daemons[2];
	struct daemons ds = { daemons, 0, 2 };
	struct ipvs_nl nl = { .family = FAMILY };
	struct reply rp = { .seq = 1, .portid = 7, .dump = flags & 2, .cmd = IPVS_CMD_GET_SERVICE, .cb = svc_dump_cb,
			    .arg = &replies };
	struct ipvs_info info;
	struct ipvs_timeouts to;
	struct ipvs_svc one;
	struct nlmsghdr *rh;
	size_t n;
	const uint8_t *p = fuzz_bytes(&in, in.left, &n);
	uint8_t *buf = malloc(n ? n : 1);
	int left = (int)n;

	if (buf == NULL)
		return 0;
	memcpy(buf, p, n);
	for (rh = (struct nlmsghdr *)buf; nlmsg_ok(rh, left); rh = nlmsg_next(rh, &left)) {
		if (svc_one_cb(rh, &one) == 0)
			svc_round_trip(&one);
		(void)svc_dump_cb(rh, &table);
		(void)dest_dump_cb(rh, &entry);
		(void)info_cb(rh, &info);
		(void)timeouts_cb(rh, &to);
		(void)daemon_cb(rh, &ds);
	}
	FUZZ_ASSERT(ds.n <= ds.max);
	reply_messages(&nl, &rp, (struct nlmsghdr *)buf, (int)n);
	for (size_t i = 0; i < table.n; i++)
		svc_round_trip(&table.svcs[i].svc);
	for (size_t i = 0; i < entry.ndests; i++)
		dest_round_trip(&entry, &entry.dests[i]);
	ipvs_table_sort(&table);
	ipvs_table_free(&table);
	ipvs_table_free(&replies);
	free(entry.dests);
	free(buf);
	return 0;
}
