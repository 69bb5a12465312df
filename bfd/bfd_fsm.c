/* The BFD session state machine: pure, see bfd_fsm.h. Section numbers are RFC 5880's. */
#include "bfd/bfd_fsm.h"

#include <string.h>

#define NS_PER_US 1000u

static uint32_t
max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

uint64_t
bfd_fsm_jitter(uint32_t interval_us, uint8_t detect_mult, uint32_t rnd)
{
	uint64_t ns = (uint64_t)interval_us * NS_PER_US;
	/* 6.8.7: at most 25 % less; with a multiplier of 1, no more than 90 % either, so a single late
	 * packet does not take the session down */
	uint64_t least = detect_mult == 1 ? ns / 10 : 0;
	uint64_t range = ns / 4 - least;

	return ns - least - ((range * rnd) >> 32);
}

uint32_t
bfd_fsm_tx_interval(const struct bfd_fsm *f)
{
	if (f->remote_min_rx == 0)
		return 0;
	return max32(f->tx_in_use, f->remote_min_rx);
}

uint64_t
bfd_fsm_detect_time(const struct bfd_fsm *f)
{
	if (f->remote_mult == 0)
		return 0;
	return (uint64_t)f->remote_mult * max32(f->rx_in_use, f->remote_desired_tx);
}

static void
start_poll(struct bfd_fsm *f)
{
	if (f->polling) {
		f->poll_again = true;
		return;
	}
	f->polling = true;
	f->poll_tx = f->desired_min_tx;
	f->poll_rx = f->required_min_rx;
	f->polls_started++;
}

/* The peer's Final: what the Poll announced is acknowledged (6.8.3). */
static void
end_poll(struct bfd_fsm *f)
{
	f->polling = false;
	f->polls_done++;
	/* a value changed since the Poll began stays at the acknowledged one unless the change is of the kind
	 * that takes effect at once */
	f->tx_in_use = f->desired_min_tx <= f->poll_tx ? f->desired_min_tx : f->poll_tx;
	f->rx_in_use = f->required_min_rx >= f->poll_rx ? f->required_min_rx : f->poll_rx;
	if (f->poll_again) {
		f->poll_again = false;
		start_poll(f);
	}
}

/* New advertised intervals (6.8.3): changes that would make the peer's detection or ours fail early wait
 * for the Poll Sequence while Up; everything else applies at once. */
static void
set_intervals(struct bfd_fsm *f, uint32_t tx, uint32_t rx)
{
	if (tx == f->desired_min_tx && rx == f->required_min_rx)
		return;
	f->desired_min_tx = tx;
	f->required_min_rx = rx;
	if (f->state == BFD_UP) {
		if (tx < f->tx_in_use)
			f->tx_in_use = tx;
		if (rx > f->rx_in_use)
			f->rx_in_use = rx;
	} else {
		f->tx_in_use = tx;
		f->rx_in_use = rx;
	}
	start_poll(f);
}

/* The intervals that go with a state: min_tx while Up, idle_tx otherwise (6.8.3: at least 1 s). */
static void
intervals_for_state(struct bfd_fsm *f)
{
	uint32_t tx = f->state == BFD_UP ? f->cfg.min_tx_us : max32(f->cfg.idle_tx_us, 1000000);

	set_intervals(f, tx, f->cfg.min_rx_us);
}

static unsigned
set_state(struct bfd_fsm *f, enum bfd_state st, uint8_t diag, uint64_t now)
{
	if (st == f->state)
		return 0;
	f->state = st;
	f->local_diag = diag;
	intervals_for_state(f);
	/* tell the peer at once rather than at the next idle interval: the three-way handshake and a Down
	 * would otherwise take up to a second per step */
	if (f->tx_at != 0 || !f->cfg.passive || f->remote_disc != 0)
		f->tx_at = now;
	return BFD_ACT_STATE;
}

void
bfd_fsm_init(struct bfd_fsm *f, const struct bfd_fsm_params *p, uint32_t local_disc, uint64_t now)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *p;
	f->state = BFD_DOWN;
	f->remote_state = BFD_DOWN;
	f->local_disc = local_disc;
	f->remote_min_rx = 1;
	f->desired_min_tx = f->tx_in_use = max32(p->idle_tx_us, 1000000);
	f->required_min_rx = f->rx_in_use = p->min_rx_us;
	f->tx_at = p->passive ? 0 : now;
}

/* Transmission after the peer's Required Min RX changed: sooner if the new interval is (6.8.7 "the next
 * packet"), started if it had stopped (passive, or the peer had asked for nothing). */
static void
reschedule_tx(struct bfd_fsm *f, uint64_t now, uint32_t rnd)
{
	uint32_t iv = bfd_fsm_tx_interval(f);
	uint64_t next;

	if (iv == 0) {
		f->tx_at = 0;
		return;
	}
	next = now + bfd_fsm_jitter(iv, f->cfg.detect_mult, rnd);
	if (f->tx_at == 0 || next < f->tx_at)
		f->tx_at = f->tx_at == 0 ? now : next;
}

unsigned
bfd_fsm_rx(struct bfd_fsm *f, const struct bfd_pkt *pkt, uint64_t now, uint32_t rnd)
{
	unsigned act = 0;

	f->remote_disc = pkt->my_disc;
	f->remote_state = (enum bfd_state)pkt->state;
	f->remote_diag = pkt->diag;
	f->remote_demand = (pkt->flags & BFD_FLAG_D) != 0;
	f->remote_min_rx = pkt->required_min_rx;
	f->remote_desired_tx = pkt->desired_min_tx;
	f->remote_mult = pkt->detect_mult;
	if ((pkt->flags & BFD_FLAG_F) && f->polling)
		end_poll(f);
	if (f->state == BFD_ADMIN_DOWN)
		return BFD_ACT_DISCARDED;
	if (pkt->state == BFD_ADMIN_DOWN) {
		if (f->state != BFD_DOWN)
			act |= set_state(f, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN, now);
	} else if (f->state == BFD_DOWN) {
		if (pkt->state == BFD_DOWN)
			act |= set_state(f, BFD_INIT, BFD_DIAG_NONE, now);
		else if (pkt->state == BFD_INIT)
			act |= set_state(f, BFD_UP, BFD_DIAG_NONE, now);
	} else if (f->state == BFD_INIT) {
		if (pkt->state == BFD_INIT || pkt->state == BFD_UP)
			act |= set_state(f, BFD_UP, BFD_DIAG_NONE, now);
	} else if (pkt->state == BFD_DOWN) {
		act |= set_state(f, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN, now);
	}
	if (pkt->flags & BFD_FLAG_P) {
		act |= BFD_ACT_SEND_FINAL;
		f->finals_sent++;
	}
	f->last_rx = now;
	f->detect_at = now + bfd_fsm_detect_time(f) * NS_PER_US;
	reschedule_tx(f, now, rnd);
	return act;
}

unsigned
bfd_fsm_expired(struct bfd_fsm *f, uint64_t now)
{
	unsigned act = 0;

	if (f->detect_at == 0 || now < f->detect_at)
		return 0;
	if (f->state == BFD_INIT || f->state == BFD_UP)
		act = set_state(f, BFD_DOWN, BFD_DIAG_TIME_EXPIRED, now);
	/* 6.8.1: the peer is forgotten, so a passive end falls silent until it is heard again */
	f->remote_disc = 0;
	f->remote_state = BFD_DOWN;
	f->remote_mult = 0;
	f->remote_min_rx = 1;
	f->detect_at = 0;
	if (f->cfg.passive)
		f->tx_at = 0;
	else if (f->tx_at == 0)
		f->tx_at = now;
	return act;
}

void
bfd_fsm_packet(const struct bfd_fsm *f, bool final, struct bfd_pkt *out)
{
	memset(out, 0, sizeof(*out));
	out->version = BFD_VERSION;
	out->diag = f->local_diag;
	out->state = (uint8_t)f->state;
	/* 6.5: never both; the answer to a Poll carries F only */
	out->flags = final ? BFD_FLAG_F : f->polling ? BFD_FLAG_P : 0;
	out->detect_mult = f->cfg.detect_mult;
	out->length = BFD_PKT_LEN;
	out->my_disc = f->local_disc;
	out->your_disc = f->remote_disc;
	out->desired_min_tx = f->desired_min_tx;
	out->required_min_rx = f->required_min_rx;
	out->required_min_echo_rx = 0;
}

bool
bfd_fsm_tx(struct bfd_fsm *f, uint64_t now, uint32_t rnd, struct bfd_pkt *out)
{
	uint32_t iv;

	if (f->tx_at == 0 || now < f->tx_at)
		return false;
	/* 6.8.7: a passive end waits to be heard; RemoteMinRxInterval 0 asks for no packets at all */
	if ((f->cfg.passive && f->remote_disc == 0) || (iv = bfd_fsm_tx_interval(f)) == 0) {
		f->tx_at = 0;
		return false;
	}
	bfd_fsm_packet(f, false, out);
	f->tx_at = now + bfd_fsm_jitter(iv, f->cfg.detect_mult, rnd);
	return true;
}

unsigned
bfd_fsm_admin(struct bfd_fsm *f, bool down, uint64_t now)
{
	if (down)
		return set_state(f, BFD_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, now);
	if (f->state == BFD_ADMIN_DOWN)
		return set_state(f, BFD_DOWN, BFD_DIAG_NONE, now);
	return 0;
}

void
bfd_fsm_set_params(struct bfd_fsm *f, const struct bfd_fsm_params *p, uint64_t now)
{
	bool was_passive = f->cfg.passive;

	f->cfg = *p;
	intervals_for_state(f);
	if (was_passive && !p->passive && f->tx_at == 0)
		f->tx_at = now;
	else if (f->polling && f->tx_at != 0)
		f->tx_at = now;	/* the Poll goes out now, not after the old interval */
}
