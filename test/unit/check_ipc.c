/* Unit tests of lib/ipc.c over real socketpairs, including hostile datagrams written raw. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lib/ipc.h"
#include "lib/proc.h"

#define MIB ((size_t)1024 * 1024)
#define HDR sizeof(struct ipc_hdr)

struct pair {
	struct ipc_peer tx, rx;
};

static void
pair_open(struct pair *p)
{
	int fds[2];

	ck_assert_int_eq(ipc_socketpair(fds), 0);
	ck_assert(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
	ipc_peer_init(&p->tx, fds[0], "tx");
	ipc_peer_init(&p->rx, fds[1], "rx");
}

static void
pair_close(struct pair *p)
{
	ipc_peer_close(&p->tx);
	ipc_peer_close(&p->rx);
}

static bool
readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

/*
 * Flushes the sender and reads the receiver in turn until a read gives something other than IPC_AGAIN,
 * or until nothing is left to send or read (IPC_AGAIN then). *fragments counts the AGAINs on the way.
 */
static enum ipc_result
pump(struct pair *p, struct ipc_msg *msg, int *fragments)
{
	for (;;) {
		int f = ipc_flush(&p->tx);
		enum ipc_result r;

		ck_assert_int_ge(f, 0);
		if (f == 0 && !readable(p->rx.fd))
			return IPC_AGAIN;
		r = ipc_read(&p->rx, msg);
		if (r != IPC_AGAIN)
			return r;
		if (fragments != NULL)
			(*fragments)++;
	}
}

static void
send_mark(struct pair *p, uint16_t type, uint32_t generation)
{
	struct ipc_cfg_mark m = { .generation = generation };

	ck_assert_int_eq(ipc_send(&p->tx, type, &m, sizeof(m)), 0);
}

static void
expect_mark(struct pair *p, uint16_t type, uint32_t generation)
{
	struct ipc_msg msg;
	struct ipc_cfg_mark m;

	ck_assert_int_eq(pump(p, &msg, NULL), IPC_OK);
	ck_assert_uint_eq(msg.type, type);
	ck_assert_uint_eq(msg.len, sizeof(m));
	memcpy(&m, msg.data, sizeof(m));
	ck_assert_uint_eq(m.generation, generation);
}

static void
fill(uint8_t *buf, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)((i * 2654435761u + seed) >> 13);
}

/* ---- the table and the pure check ---- */

START_TEST(test_type_table)
{
	ck_assert_ptr_null(ipc_type_info(IPC_NONE));
	ck_assert_ptr_null(ipc_type_info(IPC_TYPE_MAX));
	ck_assert_ptr_null(ipc_type_info(0xffff));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_BEGIN)->min_len, sizeof(struct ipc_cfg_mark));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_BEGIN)->max_len, sizeof(struct ipc_cfg_mark));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_END)->max_len, sizeof(struct ipc_cfg_mark));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_OBJECT)->min_len, sizeof(struct ipc_cfg_object));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_OBJECT)->max_len, sizeof(struct ipc_cfg_object) + MIB);
	/* the string table: at least its empty string, at most the table's maximum */
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_STRINGS)->min_len, 1);
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_STRINGS)->max_len, STRTAB_MAX);
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_UNCHANGED)->min_len, sizeof(struct ipc_cfg_unchanged));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_UNCHANGED)->max_len, sizeof(struct ipc_cfg_unchanged));
	ck_assert_str_eq(ipc_type_name(IPC_CFG_UNCHANGED), "CFG_UNCHANGED");
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_APPLIED)->min_len, sizeof(struct ipc_cfg_applied));
	ck_assert_uint_eq(ipc_type_info(IPC_CFG_APPLIED)->max_len, sizeof(struct ipc_cfg_applied));
	ck_assert_uint_eq(ipc_type_info(IPC_STATUS)->min_len, 2);
	ck_assert_uint_eq(ipc_type_info(IPC_STATUS)->max_len, 16 * MIB);
	for (uint16_t t = IPC_CFG_BEGIN; t < IPC_TYPE_MAX; t++)
		ck_assert_ptr_nonnull(ipc_type_name(t));
	ck_assert_str_eq(ipc_type_name(IPC_STATUS), "STATUS");
	ck_assert_ptr_nonnull(ipc_type_name(0xffff));
}
END_TEST

static size_t
datagram(uint8_t *buf, uint16_t type, uint16_t flags, uint32_t hdr_len, size_t payload)
{
	struct ipc_hdr h = { .type = type, .flags = flags, .len = hdr_len };

	memcpy(buf, &h, sizeof(h));
	memset(buf + HDR, 'p', payload);
	return HDR + payload;
}

START_TEST(test_check_datagram)
{
	static uint8_t buf[IPC_CHUNK + 16];
	size_t n;

	n = datagram(buf, IPC_CFG_BEGIN, 0, 4, 4);
	ck_assert_ptr_null(ipc_check_datagram(buf, n, false));
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, true));
	n = datagram(buf, IPC_STATUS, IPC_F_MORE, (uint32_t)IPC_MAX_PAYLOAD, IPC_MAX_PAYLOAD);
	ck_assert_uint_eq(n, IPC_CHUNK);
	ck_assert_ptr_null(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_STATUS, 0, (uint32_t)IPC_MAX_PAYLOAD + 1, IPC_MAX_PAYLOAD + 1);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	/* a header alone is a well-formed (empty) datagram; size bounds are for the whole message */
	n = datagram(buf, IPC_STATUS, 0, 0, 0);
	ck_assert_ptr_null(ipc_check_datagram(buf, n, false));
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, 0, false));
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, HDR - 1, false));
	n = datagram(buf, IPC_CFG_BEGIN, 0, 5, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_CFG_BEGIN, 0, 3, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_CFG_BEGIN, 0, UINT32_MAX, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_NONE, 0, 4, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_TYPE_MAX, 0, 4, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, 0xffff, 0, 4, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_CFG_BEGIN, 0x0002, 4, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
	n = datagram(buf, IPC_CFG_BEGIN, IPC_F_MORE | 0x8000, 4, 4);
	ck_assert_ptr_nonnull(ipc_check_datagram(buf, n, false));
}
END_TEST

/* ---- well-formed traffic ---- */

START_TEST(test_roundtrip_each_type)
{
	struct pair p;
	struct ipc_msg msg;
	struct ipc_cfg_object obj = { .kind = 3, .size = 100 };
	struct ipc_cfg_applied ap = { .generation = 9, .result = -22 };
	uint8_t body[100], got[sizeof(obj) + sizeof(body)];
	static const char status[] = "{\"state\":\"MASTER\"}";

	pair_open(&p);
	fill(body, sizeof(body), 1);
	send_mark(&p, IPC_CFG_BEGIN, 9);
	ck_assert_int_eq(ipc_send2(&p.tx, IPC_CFG_OBJECT, &obj, sizeof(obj), body, sizeof(body)), 0);
	send_mark(&p, IPC_CFG_END, 9);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_APPLIED, &ap, sizeof(ap)), 0);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_STATUS, status, strlen(status)), 0);
	ck_assert(!ipc_pending(&p.tx));
	ck_assert_uint_eq(p.tx.msgs_out, 5);
	ck_assert_uint_eq(p.tx.outq_bytes, 0);

	expect_mark(&p, IPC_CFG_BEGIN, 9);
	ck_assert_int_eq(pump(&p, &msg, NULL), IPC_OK);
	ck_assert_uint_eq(msg.type, IPC_CFG_OBJECT);
	ck_assert_uint_eq(msg.len, sizeof(got));
	memcpy(got, &obj, sizeof(obj));
	memcpy(got + sizeof(obj), body, sizeof(body));
	ck_assert_mem_eq(msg.data, got, sizeof(got));
	expect_mark(&p, IPC_CFG_END, 9);
	ck_assert_int_eq(pump(&p, &msg, NULL), IPC_OK);
	ck_assert_uint_eq(msg.type, IPC_CFG_APPLIED);
	ck_assert_uint_eq(msg.len, sizeof(ap));
	ck_assert_mem_eq(msg.data, &ap, sizeof(ap));
	ck_assert_int_eq(pump(&p, &msg, NULL), IPC_OK);
	ck_assert_uint_eq(msg.type, IPC_STATUS);
	ck_assert_uint_eq(msg.len, strlen(status));
	ck_assert_mem_eq(msg.data, status, strlen(status));
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_AGAIN);
	ck_assert_uint_eq(p.rx.msgs_in, 5);
	ck_assert_uint_eq(p.rx.rejected, 0);

	/* and the other way */
	ck_assert_int_eq(ipc_send(&p.rx, IPC_CFG_APPLIED, &ap, sizeof(ap)), 0);
	ck_assert_int_eq(ipc_read(&p.tx, &msg), IPC_OK);
	ck_assert_uint_eq(msg.type, IPC_CFG_APPLIED);
	pair_close(&p);
}
END_TEST

START_TEST(test_cfg_object_1mib)
{
	struct pair p;
	struct ipc_msg msg;
	struct ipc_cfg_object obj = { .kind = 1, .size = (uint32_t)MIB };
	uint8_t *body = malloc(MIB);
	int fragments = 0;
	size_t total = sizeof(obj) + MIB;

	ck_assert_ptr_nonnull(body);
	fill(body, MIB, 77);
	pair_open(&p);
	ck_assert_int_eq(ipc_send2(&p.tx, IPC_CFG_OBJECT, &obj, sizeof(obj), body, MIB), 0);
	send_mark(&p, IPC_CFG_END, 1);
	ck_assert_int_eq(pump(&p, &msg, &fragments), IPC_OK);
	ck_assert_int_eq(fragments, (int)((total + IPC_MAX_PAYLOAD - 1) / IPC_MAX_PAYLOAD) - 1);
	ck_assert_uint_eq(msg.type, IPC_CFG_OBJECT);
	ck_assert_uint_eq(msg.len, total);
	ck_assert_mem_eq(msg.data, &obj, sizeof(obj));
	ck_assert(memcmp((const uint8_t *)msg.data + sizeof(obj), body, MIB) == 0);
	expect_mark(&p, IPC_CFG_END, 1);
	ck_assert_uint_eq(p.rx.msgs_in, 2);
	ck_assert_uint_eq(p.tx.msgs_out, 2);
	/* one byte more than the type allows is refused whole */
	ck_assert_int_eq(ipc_send2(&p.tx, IPC_CFG_OBJECT, &obj, sizeof(obj) + 1, body, MIB), -1);
	ck_assert(!ipc_pending(&p.tx));
	free(body);
	pair_close(&p);
}
END_TEST

START_TEST(test_status_5mib)
{
	struct pair p;
	struct ipc_msg msg;
	size_t len = 5 * MIB;
	uint8_t *body = malloc(len);
	int fragments = 0;

	ck_assert_ptr_nonnull(body);
	fill(body, len, 5);
	pair_open(&p);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_STATUS, body, len), 0);
	/* more than the socket holds: the rest waits in the queue for the reader */
	ck_assert(ipc_pending(&p.tx));
	ck_assert_uint_gt(p.tx.outq_bytes, 0);
	ck_assert_int_eq(ipc_flush(&p.tx), 1);
	ck_assert_uint_eq(p.tx.msgs_out, 0);
	ck_assert_int_eq(pump(&p, &msg, &fragments), IPC_OK);
	ck_assert_uint_eq(msg.type, IPC_STATUS);
	ck_assert_uint_eq(msg.len, len);
	ck_assert(memcmp(msg.data, body, len) == 0);
	ck_assert_int_eq(fragments, (int)((len + IPC_MAX_PAYLOAD - 1) / IPC_MAX_PAYLOAD) - 1);
	ck_assert(!ipc_pending(&p.tx));
	ck_assert_uint_eq(p.tx.outq_bytes, 0);
	ck_assert_uint_eq(p.tx.msgs_out, 1);
	ck_assert_uint_eq(p.rx.msgs_in, 1);
	free(body);
	pair_close(&p);
}
END_TEST

START_TEST(test_send_refuses)
{
	struct pair p;
	struct ipc_msg msg;
	uint8_t small[64] = { 0 };

	pair_open(&p);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_NONE, small, 4), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_TYPE_MAX, small, 4), -1);
	ck_assert_int_eq(ipc_send(&p.tx, 0xffff, small, 4), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_BEGIN, small, 3), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_BEGIN, small, 5), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_END, small, 0), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_APPLIED, small, sizeof(struct ipc_cfg_applied) - 1), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_OBJECT, small, sizeof(struct ipc_cfg_object) - 1), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_STATUS, small, 1), -1);
	/* refused on length alone: the payload is never read */
	ck_assert_int_eq(ipc_send(&p.tx, IPC_STATUS, small, 16 * MIB + 1), -1);
	ck_assert_int_eq(ipc_send2(&p.tx, IPC_STATUS, small, SIZE_MAX, small, 2), -1);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_STATUS, NULL, 2), -1);
	ck_assert(!ipc_pending(&p.tx));
	ck_assert_uint_eq(p.tx.msgs_out, 0);
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_AGAIN);
	pair_close(&p);
}
END_TEST

START_TEST(test_peer_close)
{
	struct pair p;
	struct ipc_msg msg;

	pair_open(&p);
	send_mark(&p, IPC_CFG_BEGIN, 3);
	ipc_peer_close(&p.tx);
	ck_assert_int_eq(p.tx.fd, -1);
	/* what was sent before the close still arrives, then the end */
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_OK);
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_CLOSED);
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_CLOSED);
	ipc_peer_close(&p.rx);
	ck_assert_int_eq(p.rx.fd, -1);
	/* closing twice is harmless */
	ipc_peer_close(&p.rx);
}
END_TEST

START_TEST(test_flush_to_gone_peer)
{
	struct pair p;
	struct ipc_cfg_mark m = { .generation = 1 };

	pair_open(&p);
	ipc_peer_close(&p.rx);
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_BEGIN, &m, sizeof(m)), 0);
	ck_assert(ipc_pending(&p.tx));
	ck_assert_int_eq(ipc_flush(&p.tx), -1);
	ck_assert(errno == EPIPE || errno == ECONNRESET);
	ck_assert_uint_eq(p.tx.msgs_out, 0);
	/* closing with a queue frees it (ASan would tell otherwise) */
	ipc_peer_close(&p.tx);
	ck_assert(!ipc_pending(&p.tx));
}
END_TEST

/* ---- hostile datagrams ---- */

static void
raw(struct pair *p, uint16_t type, uint16_t flags, uint32_t hdr_len, size_t payload)
{
	uint8_t *buf = malloc(HDR + payload);
	size_t n;

	ck_assert_ptr_nonnull(buf);
	n = datagram(buf, type, flags, hdr_len, payload);
	ck_assert_int_eq(send(p->tx.fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
	free(buf);
}

/* The bad datagram(s) already sent give one IPC_REJECTED, and the valid message after them arrives. */
static void
expect_rejected_then_valid(struct pair *p, uint32_t generation)
{
	struct ipc_msg msg;
	uint64_t before = p->rx.rejected;

	send_mark(p, IPC_CFG_END, generation);
	ck_assert_int_eq(pump(p, &msg, NULL), IPC_REJECTED);
	ck_assert_uint_eq(p->rx.rejected, before + 1);
	expect_mark(p, IPC_CFG_END, generation);
	ck_assert_uint_eq(p->rx.rejected, before + 1);
}

START_TEST(test_reject_short)
{
	struct pair p;
	uint8_t three[3] = { 1, 0, 0 };

	pair_open(&p);
	ck_assert_int_eq(send(p.tx.fd, three, sizeof(three), 0), 3);
	expect_rejected_then_valid(&p, 1);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_header_len_mismatch)
{
	struct pair p;

	pair_open(&p);
	raw(&p, IPC_CFG_BEGIN, 0, 100, 4);		/* claims more than was sent */
	expect_rejected_then_valid(&p, 1);
	raw(&p, IPC_CFG_BEGIN, 0, UINT32_MAX, 4);
	expect_rejected_then_valid(&p, 2);
	raw(&p, IPC_STATUS, 0, 2, 10);			/* claims less */
	expect_rejected_then_valid(&p, 3);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_unknown_type)
{
	struct pair p;

	pair_open(&p);
	raw(&p, IPC_NONE, 0, 4, 4);
	expect_rejected_then_valid(&p, 1);
	raw(&p, IPC_TYPE_MAX, 0, 4, 4);
	expect_rejected_then_valid(&p, 2);
	raw(&p, 0xffff, 0, 4, 4);
	expect_rejected_then_valid(&p, 3);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_unknown_flags)
{
	struct pair p;

	pair_open(&p);
	raw(&p, IPC_CFG_BEGIN, 0x0002, 4, 4);
	expect_rejected_then_valid(&p, 1);
	raw(&p, IPC_CFG_BEGIN, IPC_F_MORE | 0x8000, 4, 4);
	expect_rejected_then_valid(&p, 2);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_size_bounds)
{
	struct pair p;
	struct ipc_msg msg;

	pair_open(&p);
	raw(&p, IPC_CFG_BEGIN, 0, 3, 3);
	expect_rejected_then_valid(&p, 1);
	raw(&p, IPC_CFG_BEGIN, 0, 5, 5);
	expect_rejected_then_valid(&p, 2);
	raw(&p, IPC_CFG_APPLIED, 0, 0, 0);
	expect_rejected_then_valid(&p, 3);
	raw(&p, IPC_STATUS, 0, 1, 1);
	expect_rejected_then_valid(&p, 4);
	raw(&p, IPC_CFG_OBJECT, 0, 7, 7);
	expect_rejected_then_valid(&p, 5);
	/* too short only as a whole: two fragments of 1 byte make a valid STATUS */
	raw(&p, IPC_STATUS, IPC_F_MORE, 1, 1);
	raw(&p, IPC_STATUS, 0, 1, 1);
	ck_assert_int_eq(pump(&p, &msg, NULL), IPC_OK);
	ck_assert_uint_eq(msg.type, IPC_STATUS);
	ck_assert_uint_eq(msg.len, 2);
	ck_assert_mem_eq(msg.data, "pp", 2);
	ck_assert_int_eq(p.rx.rejected, 5);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_oversized_datagram)
{
	struct pair p;

	pair_open(&p);
	/* one byte over IPC_CHUNK, its header consistent */
	raw(&p, IPC_STATUS, 0, (uint32_t)IPC_MAX_PAYLOAD + 1, IPC_MAX_PAYLOAD + 1);
	expect_rejected_then_valid(&p, 1);
	/* far over: the kernel truncates it into the buffer */
	raw(&p, IPC_STATUS, 0, 3 * IPC_CHUNK, 3 * IPC_CHUNK);
	expect_rejected_then_valid(&p, 2);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_series_over_max)
{
	struct pair p;
	struct ipc_msg msg;
	const size_t max = ipc_type_info(IPC_CFG_OBJECT)->max_len;
	const int over = (int)(max / IPC_MAX_PAYLOAD);	/* the fragment that crosses max */
	const int count = over + 5;

	ck_assert_uint_gt((size_t)(over + 1) * IPC_MAX_PAYLOAD, max);
	pair_open(&p);
	for (int i = 0; i < count; i++) {
		raw(&p, IPC_CFG_OBJECT, i < count - 1 ? IPC_F_MORE : 0, (uint32_t)IPC_MAX_PAYLOAD, IPC_MAX_PAYLOAD);
		ck_assert_int_eq(ipc_read(&p.rx, &msg), i == over ? IPC_REJECTED : IPC_AGAIN);
	}
	ck_assert_uint_eq(p.rx.rejected, 1);
	ck_assert(!p.rx.rdiscard);
	/* the next message of the same type is whole again */
	struct ipc_cfg_object obj = { .kind = 2, .size = 2 };
	ck_assert_int_eq(ipc_send2(&p.tx, IPC_CFG_OBJECT, &obj, sizeof(obj), "ab", 2), 0);
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_OK);
	ck_assert_uint_eq(msg.len, sizeof(obj) + 2);
	ck_assert_mem_eq((const uint8_t *)msg.data + sizeof(obj), "ab", 2);
	ck_assert_uint_eq(p.rx.rejected, 1);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_type_switch)
{
	struct pair p;
	struct ipc_msg msg;

	pair_open(&p);
	/* a STATUS begun, then a complete CFG_BEGIN in its middle: both dropped */
	raw(&p, IPC_STATUS, IPC_F_MORE, 100, 100);
	raw(&p, IPC_CFG_BEGIN, 0, 4, 4);
	expect_rejected_then_valid(&p, 1);
	/* the same when the intruder is itself fragmented: its rest is dropped too */
	raw(&p, IPC_STATUS, IPC_F_MORE, 100, 100);
	raw(&p, IPC_CFG_OBJECT, IPC_F_MORE, 100, 100);
	raw(&p, IPC_CFG_OBJECT, IPC_F_MORE, 100, 100);
	raw(&p, IPC_CFG_OBJECT, 0, 100, 100);
	expect_rejected_then_valid(&p, 2);
	ck_assert_int_eq(ipc_read(&p.rx, &msg), IPC_AGAIN);
	pair_close(&p);
}
END_TEST

START_TEST(test_reject_malformed_mid_series)
{
	struct pair p;
	uint8_t junk[5] = { 0 };

	pair_open(&p);
	/* a fragment may have been lost to the junk: the rest of that message must not be delivered */
	raw(&p, IPC_STATUS, IPC_F_MORE, 100, 100);
	ck_assert_int_eq(send(p.tx.fd, junk, sizeof(junk), 0), 5);
	raw(&p, IPC_STATUS, IPC_F_MORE, 100, 100);
	raw(&p, IPC_STATUS, 0, 100, 100);
	expect_rejected_then_valid(&p, 1);
	pair_close(&p);
}
END_TEST

/* ---- a child's runtime (lib/proc.c) receiving configurations ---- */

/* The module of the test child: generation 2 cannot be applied; during apply the new configuration must
 * already be the one in force (its texts are read from it). */
static int
test_apply(struct proc *p, const struct config *conf, const struct config *old)
{
	(void)old;
	if (p->conf != conf)
		return -2;
	return conf->generation == 2 ? -1 : 0;
}

static const struct proc_ops test_ops = { .name = "test", .kind = CHILD_IPVS, .apply = test_apply };

/* Reads until an APPLIED (statuses come in between) and checks it. */
static void
expect_applied(struct pair *p, uint32_t generation, int32_t result)
{
	struct ipc_msg msg;
	struct ipc_cfg_applied a;

	for (int i = 0; i < 1000; i++) {
		struct pollfd pfd = { .fd = p->tx.fd, .events = POLLIN };

		ipc_flush(&p->tx);
		ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
		while (ipc_read(&p->tx, &msg) == IPC_OK) {
			if (msg.type != IPC_CFG_APPLIED)
				continue;
			memcpy(&a, msg.data, sizeof(a));
			ck_assert_uint_eq(a.generation, generation);
			ck_assert_int_eq(a.result, result);
			return;
		}
	}
	ck_abort_msg("no CFG_APPLIED for %u", generation);
}

START_TEST(test_child_takes_whole_and_unchanged)
{
	struct pair p;
	struct config *conf = config_new();
	struct ipc_cfg_unchanged u;
	int fds[2], status;
	pid_t pid;

	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(ipc_socketpair(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		_exit(proc_run(&test_ops, fds[1]));
	}
	close(fds[1]);
	ipc_peer_init(&p.tx, fds[0], "child");
	conf->generation = 1;
	ck_assert_int_eq(ipc_send_config(&p.tx, conf, CHILD_IPVS), 0);
	expect_applied(&p, 1, 0);
	/* the same again, whole: this one fails, and 1 stays in force */
	conf->generation = 2;
	ck_assert_int_eq(ipc_send_config(&p.tx, conf, CHILD_IPVS), 0);
	expect_applied(&p, 2, -1);
	/* "unchanged from 2": the child does not hold 2, and says so */
	u = (struct ipc_cfg_unchanged){ .generation = 3, .base = 2 };
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_UNCHANGED, &u, sizeof(u)), 0);
	expect_applied(&p, 3, -ESTALE);
	/* "unchanged from 1": taken without an apply */
	u = (struct ipc_cfg_unchanged){ .generation = 4, .base = 1 };
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_UNCHANGED, &u, sizeof(u)), 0);
	expect_applied(&p, 4, 0);
	/* and the next one is "unchanged from 4" */
	u = (struct ipc_cfg_unchanged){ .generation = 5, .base = 4 };
	ck_assert_int_eq(ipc_send(&p.tx, IPC_CFG_UNCHANGED, &u, sizeof(u)), 0);
	expect_applied(&p, 5, 0);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ipc_peer_close(&p.tx);
	config_free(conf);
}
END_TEST

static Suite *
ipc_suite(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_type_table);
	tcase_add_test(tc, test_check_datagram);
	tcase_add_test(tc, test_roundtrip_each_type);
	tcase_add_test(tc, test_cfg_object_1mib);
	tcase_add_test(tc, test_status_5mib);
	tcase_add_test(tc, test_send_refuses);
	tcase_add_test(tc, test_peer_close);
	tcase_add_test(tc, test_flush_to_gone_peer);
	tcase_add_test(tc, test_reject_short);
	tcase_add_test(tc, test_reject_header_len_mismatch);
	tcase_add_test(tc, test_reject_unknown_type);
	tcase_add_test(tc, test_reject_unknown_flags);
	tcase_add_test(tc, test_reject_size_bounds);
	tcase_add_test(tc, test_reject_oversized_datagram);
	tcase_add_test(tc, test_reject_series_over_max);
	tcase_add_test(tc, test_reject_type_switch);
	tcase_add_test(tc, test_reject_malformed_mid_series);
	tcase_add_test(tc, test_child_takes_whole_and_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ipc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
