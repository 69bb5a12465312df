/*
 * One BFD session's state machine (RFC 5880 6.8, asynchronous mode, no demand mode, no echo), pure: every
 * input carries the monotonic time in ns, randomness comes in as an argument, and what to do is returned
 * as actions and as the times in tx_at and detect_at. No clock, sockets or allocation inside, so the unit
 * tests drive it with a clock of their own.
 *
 * Intervals are microseconds, as on the wire; times are nanoseconds.
 */
#ifndef VIPD_BFD_FSM_H
#define VIPD_BFD_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bfd/bfd_packet.h"

/* What the caller does after an input. */
enum bfd_fsm_action {
	BFD_ACT_STATE = 1 << 0,		/* the session state changed: report it */
	BFD_ACT_SEND_FINAL = 1 << 1,	/* the peer polled: send a packet with F now (bfd_fsm_packet, true) */
	BFD_ACT_DISCARDED = 1 << 2,	/* the packet was discarded (session AdminDown) */
};

/* The configuration of a session (keepalived's min_tx, idle_tx, min_rx, multiplier, passive). */
struct bfd_fsm_params {
	uint32_t min_tx_us;		/* bfd.DesiredMinTxInterval while Up */
	uint32_t idle_tx_us;		/* ... while not Up (RFC 5880 6.8.3: at least 1 s) */
	uint32_t min_rx_us;		/* bfd.RequiredMinRxInterval */
	uint8_t detect_mult;		/* bfd.DetectMult */
	bool passive;			/* send nothing before the peer is heard */
};

struct bfd_fsm {
	struct bfd_fsm_params cfg;
	enum bfd_state state;		/* bfd.SessionState */
	enum bfd_state remote_state;	/* bfd.RemoteSessionState */
	uint32_t local_disc;		/* bfd.LocalDiscr */
	uint32_t remote_disc;		/* bfd.RemoteDiscr: 0 until heard, and after the detection time */
	uint8_t local_diag;		/* bfd.LocalDiag */
	uint8_t remote_diag;		/* the peer's last diagnostic, for status */
	uint8_t remote_mult;		/* the peer's Detect Mult, 0 until heard */
	bool remote_demand;		/* bfd.RemoteDemandMode (kept for status; vipd asks for no demand mode) */
	uint32_t desired_min_tx;	/* bfd.DesiredMinTxInterval: what we advertise */
	uint32_t required_min_rx;	/* bfd.RequiredMinRxInterval: what we advertise */
	uint32_t remote_min_rx;		/* bfd.RemoteMinRxInterval (initially 1) */
	uint32_t remote_desired_tx;	/* the peer's last Desired Min TX Interval */
	/* 6.8.3: an increase of our tx interval, or a decrease of our rx interval, while Up, takes effect only
	 * when the peer acknowledged it (the Final of our Poll); until then the old values are used */
	uint32_t tx_in_use;
	uint32_t rx_in_use;
	bool polling;			/* a Poll Sequence runs: P on every periodic packet */
	bool poll_again;		/* values changed during it: another once it ends */
	uint32_t poll_tx, poll_rx;	/* what the running Poll Sequence announces */
	uint64_t tx_at;			/* when the next periodic packet is due (0: none) */
	uint64_t detect_at;		/* when the peer is declared gone (0: not heard from) */
	uint64_t last_rx;		/* when the last packet was accepted */
	/* counters, for status */
	uint64_t polls_started, polls_done, finals_sent;
};

/* A session in Down, sending at idle_tx (the first packet right away unless passive). */
void bfd_fsm_init(struct bfd_fsm *f, const struct bfd_fsm_params *p, uint32_t local_disc, uint64_t now);

/*
 * A packet that passed bfd_pkt_decode and was matched to this session (RFC 5880 6.8.6 from "If the A bit
 * is clear" on). rnd: 32 random bits, for the jitter of a rescheduled transmission.
 */
unsigned bfd_fsm_rx(struct bfd_fsm *f, const struct bfd_pkt *pkt, uint64_t now, uint32_t rnd);

/* The detection time ran out (now >= detect_at). */
unsigned bfd_fsm_expired(struct bfd_fsm *f, uint64_t now);

/*
 * The transmit timer fired (now >= tx_at): fills *out with the periodic packet and schedules the next one
 * (tx_at, jittered with rnd). Returns false if nothing may be sent now (passive and not heard from, or the
 * peer asked for no packets: RemoteMinRxInterval 0).
 */
bool bfd_fsm_tx(struct bfd_fsm *f, uint64_t now, uint32_t rnd, struct bfd_pkt *out);

/* The packet this session sends now: with final, the answer to a Poll (F set, P clear). */
void bfd_fsm_packet(const struct bfd_fsm *f, bool final, struct bfd_pkt *out);

/* Administrative control (6.8.16): down to AdminDown (diag 7), or up from it to Down. */
unsigned bfd_fsm_admin(struct bfd_fsm *f, bool down, uint64_t now);

/* New timers or multiplier from a reload: advertised now, with a Poll Sequence (6.8.3). */
void bfd_fsm_set_params(struct bfd_fsm *f, const struct bfd_fsm_params *p, uint64_t now);

/* The interval between two periodic packets before jitter (6.8.7), in us; 0: none are sent. */
uint32_t bfd_fsm_tx_interval(const struct bfd_fsm *f);
/* The detection time (6.8.4, asynchronous mode), in us; 0 while the peer has not been heard. */
uint64_t bfd_fsm_detect_time(const struct bfd_fsm *f);
/* interval_us reduced by a random 0-25 % (10-25 % when detect_mult is 1), in ns (6.8.7). */
uint64_t bfd_fsm_jitter(uint32_t interval_us, uint8_t detect_mult, uint32_t rnd);

#endif
