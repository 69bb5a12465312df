/*
 * The text of /proc/net/ip_vs (real servers' forwarding methods, sync_fwd_map_parse) and of
 * /proc/net/ip_vs_conn or ip_vs_conn_sync, read through the resync reader (sync_proc_reader_step, from a
 * memfd standing for the proc file) line by line into v1 sync records.
 * Input: the services text's length (u16), that text, then the connection table's text.
 * Invariants: every connection read is one the v1 codec carries: it encodes, and decodes back accepted
 * (not skipped) and equal; the reader's counts add up to the lines handed out.
 */
#include "fuzz/fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "sync/sync_resync.h"

static int memfd = -1;
static struct sync_proc_reader reader;
static uint8_t enc_buf[SYNC_DGRAM_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	memfd = memfd_create("ip_vs_conn", MFD_CLOEXEC);
	return memfd == -1;
}

static void
got_again(const struct sync_conn *c, void *arg)
{
	*(struct sync_conn *)arg = *c;
}

static void
got(const struct sync_conn *c, void *arg)
{
	struct sync_enc e;
	struct sync_hdr hdr;
	struct sync_decode_stats st;
	struct sync_conn again;
	size_t len, alen = c->af == 6 ? 16 : 4;

	(*(unsigned *)arg)++;
	FUZZ_ASSERT((c->af == 4 || c->af == 6) && c->timeout > 0);
	sync_enc_init(&e, enc_buf, SYNC_DGRAM_MAX, 1);
	FUZZ_ASSERT(sync_enc_add(&e, c) == 0);
	len = sync_enc_finish(&e);
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(sync_decode(enc_buf, len, &hdr, got_again, &again, &st) == SYNC_OK);
	FUZZ_ASSERT(st.accepted == 1);
	FUZZ_ASSERT(again.af == c->af && again.protocol == c->protocol && again.state == c->state &&
		    again.flags == c->flags && again.timeout == c->timeout);
	FUZZ_ASSERT(again.cport == c->cport && again.vport == c->vport && again.dport == c->dport);
	FUZZ_ASSERT(memcmp(again.caddr, c->caddr, alen) == 0 && memcmp(again.vaddr, c->vaddr, alen) == 0 &&
		    memcmp(again.daddr, c->daddr, alen) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t slen = fuzz_u16(&in), n;
	const uint8_t *p = fuzz_bytes(&in, slen, &slen);
	char *services = malloc(slen + 1);
	unsigned conns = 0;
	int r;

	if (services == NULL)
		return 0;
	memcpy(services, p, slen);
	services[slen] = '\0';
	p = fuzz_bytes(&in, in.left, &n);
	if (ftruncate(memfd, 0) == -1 || pwrite(memfd, p, n, 0) != (ssize_t)n || lseek(memfd, 0, SEEK_SET) == -1)
		abort();
	memset(&reader, 0, sizeof(reader));
	reader.fd = memfd;
	if (sync_fwd_map_parse(&reader.fwd, services) == 0) {
		FUZZ_ASSERT(reader.fwd.n <= reader.fwd.cap);
		for (size_t i = 0; i < reader.fwd.n; i++)
			FUZZ_ASSERT(reader.fwd.e[i].af == 4 || reader.fwd.e[i].af == 6);
	}
	free(services);
	while ((r = sync_proc_reader_step(&reader, 4, got, &conns)) == 0)
		;
	FUZZ_ASSERT(r == 1);
	FUZZ_ASSERT(reader.records == conns && reader.len == 0);
	/* the fd is the harness's: only the map is the reader's to free */
	sync_fwd_map_free(&reader.fwd);
	return 0;
}
