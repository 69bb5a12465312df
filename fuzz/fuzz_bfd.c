/*
 * BFD control packets as the UDP socket gives them (bfd_pkt_decode), and the TTL rule of a session.
 * Input: two bytes for bfd_ttl_ok (TTL, max_hops), then the datagram.
 * Invariants: a packet that decodes says version 1, a length within what arrived, no A or M bit; encoding
 * it again and decoding that gives the same fields.
 */
#include "fuzz/fuzz.h"

#include "bfd/bfd_packet.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int ttl = fuzz_u8(&in), hops = (int8_t)fuzz_u8(&in);
	struct bfd_pkt pkt, again;
	uint8_t buf[BFD_PKT_MAX], *copy;
	const uint8_t *p;
	size_t n;

	/* 255 sent, at most hops routers on the way */
	FUZZ_ASSERT(bfd_ttl_ok(ttl, 255, hops) == (hops < 0 || ttl + hops >= 255));
	p = fuzz_bytes(&in, in.left, &n);
	if ((copy = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(copy, p, n);
	if (bfd_pkt_decode(copy, n, &pkt) == BFD_OK) {
		FUZZ_ASSERT(pkt.version == BFD_VERSION && pkt.length >= BFD_PKT_LEN && pkt.length <= n);
		FUZZ_ASSERT(!(pkt.flags & (BFD_FLAG_A | BFD_FLAG_M)) && pkt.detect_mult > 0 && pkt.my_disc != 0);
		FUZZ_ASSERT(bfd_state_name((enum bfd_state)pkt.state)[0] != '?');
		(void)bfd_diag_name((enum bfd_diag)pkt.diag);
		FUZZ_ASSERT(bfd_pkt_encode(&pkt, buf, sizeof(buf)) == BFD_PKT_LEN);
		FUZZ_ASSERT(bfd_pkt_decode(buf, BFD_PKT_LEN, &again) == BFD_OK);
		FUZZ_ASSERT(again.diag == pkt.diag && again.state == pkt.state && again.flags == pkt.flags);
		FUZZ_ASSERT(again.detect_mult == pkt.detect_mult && again.my_disc == pkt.my_disc);
		FUZZ_ASSERT(again.your_disc == pkt.your_disc && again.desired_min_tx == pkt.desired_min_tx);
		FUZZ_ASSERT(again.required_min_rx == pkt.required_min_rx &&
			    again.required_min_echo_rx == pkt.required_min_echo_rx);
	}
	free(copy);
	return 0;
}
