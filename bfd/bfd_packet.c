/* BFD control packet codec: pure functions, see bfd_packet.h. */
#include "bfd/bfd_packet.h"

#include <string.h>

#include "lib/bytes.h"

static const char *const drop_names[BFD_DROP_MAX] = {
	[BFD_OK] = "ok",
	[BFD_DROP_TTL] = "ttl",
	[BFD_DROP_SHORT] = "short",
	[BFD_DROP_VERSION] = "version",
	[BFD_DROP_LENGTH] = "length",
	[BFD_DROP_MULT] = "detect_mult",
	[BFD_DROP_MULTIPOINT] = "multipoint",
	[BFD_DROP_MY_DISC] = "my_discriminator",
	[BFD_DROP_YOUR_DISC] = "your_discriminator",
	[BFD_DROP_AUTH] = "authentication",
	[BFD_DROP_NO_SESSION] = "no_session",
	[BFD_DROP_UNKNOWN_PEER] = "unknown_peer",
};

const char *
bfd_drop_name(enum bfd_drop d)
{
	return (unsigned)d < BFD_DROP_MAX ? drop_names[d] : "?";
}

const char *
bfd_state_name(enum bfd_state s)
{
	static const char *const names[] = { "AdminDown", "Down", "Init", "Up" };

	return (unsigned)s < 4 ? names[s] : "?";
}

const char *
bfd_diag_name(enum bfd_diag d)
{
	static const char *const names[] = {
		"none", "control detection time expired", "echo function failed", "neighbor signaled session down",
		"forwarding plane reset", "path down", "concatenated path down", "administratively down",
		"reverse concatenated path down",
	};

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "reserved";
}

/* The checks of RFC 5880 6.8.6 in its order, up to the one that needs a session. */
enum bfd_drop
bfd_pkt_decode(const uint8_t *buf, size_t len, struct bfd_pkt *out)
{
	struct bfd_pkt p;

	memset(out, 0, sizeof(*out));
	if (len < BFD_PKT_LEN)
		return BFD_DROP_SHORT;
	memset(&p, 0, sizeof(p));
	p.version = buf[0] >> 5;
	p.diag = buf[0] & 0x1f;
	p.state = buf[1] >> 6;
	p.flags = buf[1] & 0x3f;
	p.detect_mult = buf[2];
	p.length = buf[3];
	p.my_disc = get32(buf + 4);
	p.your_disc = get32(buf + 8);
	p.desired_min_tx = get32(buf + 12);
	p.required_min_rx = get32(buf + 16);
	p.required_min_echo_rx = get32(buf + 20);
	if (p.version != BFD_VERSION)
		return BFD_DROP_VERSION;
	/* the Length field bounds the packet; what follows it in the datagram is not BFD's */
	if (p.length < ((p.flags & BFD_FLAG_A) ? BFD_PKT_AUTH_MIN : BFD_PKT_LEN) || p.length > len)
		return BFD_DROP_LENGTH;
	if (p.flags & BFD_FLAG_A) {
		p.auth_type = buf[24];
		p.auth_len = buf[25];
		/* an authentication section that does not fit the packet is a malformed length */
		if (p.auth_len < 2 || BFD_PKT_LEN + (size_t)p.auth_len > p.length)
			return BFD_DROP_LENGTH;
	}
	if (p.detect_mult == 0)
		return BFD_DROP_MULT;
	if (p.flags & BFD_FLAG_M)
		return BFD_DROP_MULTIPOINT;
	if (p.my_disc == 0)
		return BFD_DROP_MY_DISC;
	if (p.your_disc == 0 && p.state != BFD_DOWN && p.state != BFD_ADMIN_DOWN)
		return BFD_DROP_YOUR_DISC;
	/* no session of vipd has authentication: a packet that carries some is discarded (6.8.6) */
	if (p.flags & BFD_FLAG_A)
		return BFD_DROP_AUTH;
	*out = p;
	return BFD_OK;
}

size_t
bfd_pkt_encode(const struct bfd_pkt *pkt, uint8_t *buf, size_t size)
{
	if (size < BFD_PKT_LEN)
		return 0;
	buf[0] = (uint8_t)(BFD_VERSION << 5 | (pkt->diag & 0x1f));
	/* vipd sends no authentication and is never multipoint */
	buf[1] = (uint8_t)((pkt->state & 3) << 6 | (pkt->flags & (BFD_FLAG_P | BFD_FLAG_F | BFD_FLAG_C | BFD_FLAG_D)));
	buf[2] = pkt->detect_mult;
	buf[3] = BFD_PKT_LEN;
	put32(buf + 4, pkt->my_disc);
	put32(buf + 8, pkt->your_disc);
	put32(buf + 12, pkt->desired_min_tx);
	put32(buf + 16, pkt->required_min_rx);
	put32(buf + 20, pkt->required_min_echo_rx);
	return BFD_PKT_LEN;
}

bool
bfd_ttl_ok(int ttl, unsigned sent_ttl, int max_hops)
{
	if (max_hops < 0)
		return true;
	return ttl >= 0 && ttl <= 255 && (unsigned)ttl + (unsigned)max_hops >= sent_ttl;
}
