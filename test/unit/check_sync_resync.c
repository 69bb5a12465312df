/* Unit tests of sync/sync_resync.c on text captured from the lab's kernel (Debian 6.1, LVS-NAT, IPv4 and
 * IPv6, a persistent service, a fwmark service with direct routing). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync/sync_resync.h"

static const char ip_vs_conn[] =
	"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
	"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT       118\n"
	"TCP C0000264 E5D2 C000020A 0051 C6336415 0050 TIME_WAIT       118\n"
	"TCP C0000264 0000 C000020A 0051 C6336415 0050 ASSURED         298\n"
	"TCP 2001:0db8:0001:0000:0000:0000:0000:0100 A9E4 2001:0db8:0001:0000:0000:0000:0000:0010 0050 "
	"2001:0db8:0002:0000:0000:0000:0000:0021 0050 TIME_WAIT       118\n"
	"TCP C0000264 A07C C000020A 0050 C6336415 0050 ESTABLISHED     898\n";

static const char ip_vs_conn_sync[] =
	"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n"
	"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT   LOCAL      118\n"
	"TCP C0000264 E5D2 C000020A 0051 C6336415 0050 TIME_WAIT   LOCAL      118\n"
	"TCP C0000264 0000 C000020A 0051 C6336415 0050 ASSURED     LOCAL      298\n"
	"TCP 2001:0db8:0001:0000:0000:0000:0000:0100 A9E4 2001:0db8:0001:0000:0000:0000:0000:0010 0050 "
	"2001:0db8:0002:0000:0000:0000:0000:0021 0050 TIME_WAIT   LOCAL      118\n"
	"TCP C0000264 A07C C000020A 0050 C6336415 0050 ESTABLISHED SYNC       898\n";

static const char ip_vs[] =
	"IP Virtual Server version 1.2.1 (size=4096)\n"
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
	"TCP  [2001:0db8:0001:0000:0000:0000:0000:0010]:0050 rr \n"
	"  -> [2001:0db8:0002:0000:0000:0000:0000:0021]:0050      Masq    1      0          1         \n"
	"TCP  C000020A:0050 rr  \n"
	"  -> C6336415:0050      Masq    1      1          1         \n"
	"TCP  C000020A:0051 rr  persistent 75000 FFFFFFFF\n"
	"  -> C6336415:0050      Masq    1      0          1         \n"
	"UDP  C000020A:0035 rr  \n"
	"  -> C6336415:0035      Masq    1      0          0         \n"
	"FWM  00000005 rr \n"
	"  -> C6336416:0000      Route   1      0          0         \n"
	"  -> C6336417:0050      Tunnel  1      0          0         \n";

/* Parses every line of text into conns; returns the number of connection lines. */
static unsigned
parse_all(const char *text, const struct sync_fwd_map *fwd, struct sync_conn *conns, unsigned max, unsigned *skip,
	  unsigned *bad)
{
	struct sync_proc_fmt fmt = { 0 };
	unsigned n = 0;

	*skip = *bad = 0;
	for (const char *line = text; *line != '\0';) {
		const char *nl = strchr(line, '\n');
		struct sync_conn c;

		switch (sync_proc_parse_line(line, &fmt, fwd, &c)) {
		case SYNC_LINE_CONN:
			ck_assert_uint_lt(n, max);
			conns[n++] = c;
			break;
		case SYNC_LINE_SKIP:
			(*skip)++;
			break;
		case SYNC_LINE_BAD:
			(*bad)++;
			break;
		case SYNC_LINE_HEADER:
			break;
		}
		line = nl ? nl + 1 : line + strlen(line);
	}
	return n;
}

START_TEST(fwd_map)
{
	struct sync_fwd_map m;
	const uint8_t a21[4] = { 198, 51, 100, 21 }, a22[4] = { 198, 51, 100, 22 }, a23[4] = { 198, 51, 100, 23 };
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 0x21 };

	ck_assert_int_eq(sync_fwd_map_parse(&m, ip_vs), 0);
	ck_assert_uint_eq(m.n, 6);
	ck_assert_uint_eq(sync_fwd_lookup(&m, 4, a21, 80), SYNC_CF_MASQ);
	ck_assert_uint_eq(sync_fwd_lookup(&m, 4, a22, 443), SYNC_CF_DROUTE);	/* port 0 serves all */
	ck_assert_uint_eq(sync_fwd_lookup(&m, 4, a23, 80), SYNC_CF_TUNNEL);
	ck_assert_uint_eq(sync_fwd_lookup(&m, 4, a23, 81), SYNC_CF_MASQ);	/* unknown: masquerading */
	ck_assert_uint_eq(sync_fwd_lookup(&m, 6, a6, 80), SYNC_CF_MASQ);
	a6[15] = 0x22;
	ck_assert_uint_eq(sync_fwd_lookup(&m, 6, a6, 80), SYNC_CF_MASQ);
	sync_fwd_map_free(&m);
}
END_TEST

START_TEST(conn_lines)
{
	struct sync_fwd_map m;
	struct sync_conn c[8];
	unsigned skip, bad, n;
	const uint8_t client[4] = { 192, 0, 2, 100 }, vip[4] = { 192, 0, 2, 10 }, rs[4] = { 198, 51, 100, 21 };
	const uint8_t v6rs[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 0x21 };

	ck_assert_int_eq(sync_fwd_map_parse(&m, ip_vs), 0);
	for (int view = 0; view < 2; view++) {
		n = parse_all(view ? ip_vs_conn_sync : ip_vs_conn, &m, c, 8, &skip, &bad);
		ck_assert_uint_eq(n, 5);
		ck_assert_uint_eq(skip, 0);
		ck_assert_uint_eq(bad, 0);
		ck_assert_uint_eq(c[0].af, 4);
		ck_assert_uint_eq(c[0].protocol, 6);
		ck_assert_uint_eq(c[0].cport, 0xa072);
		ck_assert_uint_eq(c[0].vport, 80);
		ck_assert_uint_eq(c[0].dport, 80);
		ck_assert_uint_eq(c[0].state, 5);	/* TIME_WAIT */
		ck_assert_uint_eq(c[0].timeout, 118);
		ck_assert_uint_eq(c[0].flags, SYNC_CF_MASQ);
		ck_assert_mem_eq(c[0].caddr, client, 4);
		ck_assert_mem_eq(c[0].vaddr, vip, 4);
		ck_assert_mem_eq(c[0].daddr, rs, 4);
		/* the persistence template */
		ck_assert_uint_eq(c[2].flags, SYNC_CF_TEMPLATE);
		ck_assert_uint_eq(c[2].state, 1);
		ck_assert_uint_eq(c[2].cport, 0);
		ck_assert_uint_eq(c[2].timeout, 298);
		ck_assert_uint_eq(c[3].af, 6);
		ck_assert_mem_eq(c[3].daddr, v6rs, 16);
		ck_assert_uint_eq(c[3].cport, 0xa9e4);
		ck_assert_uint_eq(c[4].state, 1);	/* ESTABLISHED */
		ck_assert_uint_eq(c[4].timeout, 898);
	}
	sync_fwd_map_free(&m);
}
END_TEST

START_TEST(odd_lines)
{
	struct sync_fwd_map m = { 0 };
	struct sync_proc_fmt fmt = { 0 };
	struct sync_conn c;

	/* nothing parses before a header line */
	ck_assert_int_eq(sync_proc_parse_line("TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT 118", &fmt,
					      &m, &c), SYNC_LINE_BAD);
	ck_assert_int_eq(sync_proc_parse_line(
		"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData", &fmt, &m, &c),
		SYNC_LINE_HEADER);
	ck_assert(!fmt.origin);
	/* UDP, SCTP, a persistence engine's columns, a fwmark template */
	ck_assert_int_eq(sync_proc_parse_line("UDP C0000264 D431 C000020A 0035 C6336415 0035 UDP 299", &fmt, &m, &c),
			 SYNC_LINE_CONN);
	ck_assert_uint_eq(c.protocol, 17);
	ck_assert_uint_eq(c.state, 0);
	ck_assert_uint_eq(c.flags, 0);
	ck_assert_int_eq(sync_proc_parse_line("SCTP C0000264 D431 C000020A 0035 C6336415 0035 SHUTDOWN_SENT 2", &fmt, &m,
					      &c), SYNC_LINE_CONN);
	ck_assert_uint_eq(c.state, 8);
	ck_assert_int_eq(sync_proc_parse_line(
		"UDP C0000264 13C4 C000020A 13C4 C6336415 13C4 UDP 120 sip 1234@example", &fmt, &m, &c),
		SYNC_LINE_CONN);
	ck_assert_int_eq(sync_proc_parse_line("IP C0000264 0000 00000005 0000 C6336415 0000 NONE 100", &fmt, &m, &c),
			 SYNC_LINE_CONN);
	ck_assert_uint_eq(c.flags, SYNC_CF_TEMPLATE);
	ck_assert_int_eq(sync_proc_parse_line("TCP C0000264 0000 C000020A 0051 C6336415 0050 NONE 0", &fmt, &m, &c),
			 SYNC_LINE_CONN);
	ck_assert_uint_eq(c.flags, SYNC_CF_TEMPLATE);
	ck_assert_uint_eq(c.timeout, 1);
	/* v1 cannot carry an IPv4 real server behind an IPv6 service */
	ck_assert_int_eq(sync_proc_parse_line("TCP 2001:0db8:0001:0000:0000:0000:0000:0100 A9E4 "
					      "2001:0db8:0001:0000:0000:0000:0000:0010 0050 C6336415 0050 "
					      "ESTABLISHED 5", &fmt, &m, &c), SYNC_LINE_SKIP);
	ck_assert_int_eq(sync_proc_parse_line("TCP C0000264 A072 C000020A 0050 C6336415 0050 ERR! 118", &fmt, &m, &c),
			 SYNC_LINE_SKIP);
	/* damaged lines */
	static const char *const bad[] = {
		"",
		"TCP",
		"XYZ C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT 118",
		"TCP C000026 A072 C000020A 0050 C6336415 0050 TIME_WAIT 118",
		"TCP C00002640 A072 C000020A 0050 C6336415 0050 TIME_WAIT 118",
		"TCP C0000264 A07 C000020A 0050 C6336415 0050 TIME_WAIT 118",
		"TCP C0000264 A072 C000020G 0050 C6336415 0050 TIME_WAIT 118",
		"TCP C0000264 A072 2001:0db8:0001:0000:0000:0000:0000:0010 0050 C6336415 0050 TIME_WAIT 118",
		"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT",
		"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT -1",
		"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT 99999999999",
		"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT 11x",
		"TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT 1 "
		"averyveryveryveryveryveryveryverylongwordthatdoesnotfit",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(sync_proc_parse_line(bad[i], &fmt, &m, &c) == SYNC_LINE_BAD, "line %zu", i);
	/* the sync view needs its Origin column to say LOCAL or SYNC, and exactly ten columns */
	ck_assert_int_eq(sync_proc_parse_line(
		"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires", &fmt, &m, &c),
		SYNC_LINE_HEADER);
	ck_assert(fmt.origin);
	ck_assert_int_eq(sync_proc_parse_line("TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT ELSE 118", &fmt,
					      &m, &c), SYNC_LINE_BAD);
	ck_assert_int_eq(sync_proc_parse_line("TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT SYNC 118 x",
					      &fmt, &m, &c), SYNC_LINE_BAD);
	ck_assert_int_eq(sync_proc_parse_line("TCP C0000264 A072 C000020A 0050 C6336415 0050 TIME_WAIT SYNC 118", &fmt,
					      &m, &c), SYNC_LINE_CONN);
}
END_TEST

START_TEST(read_file)
{
	size_t len;
	char *t = sync_read_file("/proc/self/status", &len);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(strlen(t), len);
	free(t);
	ck_assert_ptr_null(sync_read_file("/nonexistent/vipd", &len));
}
END_TEST

static void
count_conn(const struct sync_conn *c, void *arg)
{
	unsigned *seen = arg;
	unsigned id = (unsigned)c->caddr[1] << 16 | (unsigned)c->caddr[2] << 8 | c->caddr[3];

	ck_assert_uint_lt(id, 20000);
	ck_assert_uint_eq(c->cport, 1024 + id % 7);
	seen[id]++;
}

/* The reader goes through a big file a read at a time, lines cut anywhere, the last one without newline. */
START_TEST(reader)
{
	char path[] = "/tmp/vipd-check-resync-XXXXXX", svc[] = "/tmp/vipd-check-resync-svc-XXXXXX";
	int fd = mkstemp(path), sfd = mkstemp(svc);
	FILE *f = fdopen(fd, "w");
	unsigned *seen = calloc(20000, sizeof(unsigned));
	struct sync_proc_reader r;
	int rc, steps = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(seen);
	ck_assert_int_ge(sfd, 0);
	ck_assert_int_eq(write(sfd, ip_vs, sizeof(ip_vs) - 1), (ssize_t)sizeof(ip_vs) - 1);
	close(sfd);
	fprintf(f, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
	for (unsigned i = 0; i < 20000; i++)
		fprintf(f, "TCP 0A%06X %04X C000020A 0050 C6336415 0050 ESTABLISHED     %u%s", i, 1024 + i % 7, 900,
			i + 1 < 20000 ? "\n" : "");
	fclose(f);
	ck_assert_int_eq(sync_proc_reader_open(&r, path, svc), 0);
	ck_assert_uint_gt(r.fwd.n, 0);
	while ((rc = sync_proc_reader_step(&r, 3, count_conn, seen)) == 0)
		steps++;
	ck_assert_int_eq(rc, 1);
	ck_assert_int_gt(steps, 1);
	ck_assert_uint_eq(r.records, 20000);
	ck_assert_uint_eq(r.bad, 0);
	for (unsigned i = 0; i < 20000; i++)
		ck_assert_msg(seen[i] == 1, "connection %u seen %u times", i, seen[i]);
	sync_proc_reader_close(&r);
	unlink(path);
	unlink(svc);
	free(seen);
	ck_assert_int_eq(sync_proc_reader_open(&r, "/nonexistent/vipd", NULL), -1);
}
END_TEST

static Suite *
resync_suite(void)
{
	Suite *s = suite_create("sync_resync");
	TCase *tc = tcase_create("resync");

	tcase_add_test(tc, fwd_map);
	tcase_add_test(tc, conn_lines);
	tcase_add_test(tc, odd_lines);
	tcase_add_test(tc, reader);
	tcase_add_test(tc, read_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(resync_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
