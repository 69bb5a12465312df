/*
 * The parent/child channel as a process reads it (ipc_read over a SOCK_SEQPACKET pair: datagram checks,
 * fragment reassembly, the per-type bounds), and the configuration messages a child takes
 * (ipc_config_take: the string table and the objects, with their strings terminated and their texts
 * looked up).
 * Input: the child kind (u8), then datagrams, each as a length (u16) and its bytes.
 * Invariants: a datagram ipc_check_datagram refuses is rejected; a message delivered has a length within
 * its type's bounds; every text of a configuration taken reads as a string of its table.
 */
#include "fuzz/fuzz.h"

#include <sys/socket.h>
#include <unistd.h>

#include "lib/ipc.h"
#include "lib/log.h"

static int fds[2] = { -1, -1 };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* rejected datagrams are logged: to stderr, which fuzz/fuzz_ipc.options silences */
	log_init("fuzz", LOG_F_STDERR);
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	enum child_kind child = (enum child_kind)(fuzz_u8(&in) % CHILD_MAX);
	struct config *conf = config_new();
	struct ipc_peer peer;
	struct ipc_msg msg;

	if (conf == NULL)
		return 0;
	ipc_peer_init(&peer, fds[1], "fuzz");
	while (in.left > 0) {
		size_t want = fuzz_u16(&in), n;
		const uint8_t *p = fuzz_bytes(&in, want, &n);
		const char *bad = ipc_check_datagram(p, n, false);
		enum ipc_result r;

		/* on SOCK_SEQPACKET an empty datagram reads as the end of the stream: nothing to parse */
		if (n == 0)
			continue;
		if (send(fds[0], p, n, 0) != (ssize_t)n)
			abort();
		r = ipc_read(&peer, &msg);
		if (bad != NULL) {
			FUZZ_ASSERT(r == IPC_REJECTED);
			continue;
		}
		FUZZ_ASSERT(r == IPC_OK || r == IPC_AGAIN || r == IPC_REJECTED);
		if (r != IPC_OK)
			continue;
		FUZZ_ASSERT(msg.len >= ipc_type_info(msg.type)->min_len && msg.len <= ipc_type_info(msg.type)->max_len);
		if (msg.type == IPC_CFG_STRINGS || msg.type == IPC_CFG_OBJECT)
			(void)ipc_config_take(conf, &msg, child);
	}
	/* every text of every object through config_text, as a reload's comparison reads them */
	FUZZ_ASSERT(config_same_for(conf, conf, child));
	(void)config_children_needed(conf);
	config_free(conf);
	/* the channel stays: only the reassembly buffer is this input's */
	free(peer.rbuf);
	return 0;
}
