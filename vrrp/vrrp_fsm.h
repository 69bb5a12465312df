/*
 * The VRRP state machine of one instance (RFC 9568 section 6.4, plus Fault for tracked failures), pure:
 * every input carries the current monotonic time, every output is a set of actions for the caller to carry
 * out (send, add or remove the addresses, report). No clock, sockets or allocation inside, so the unit
 * tests drive it with a clock of their own.
 */
#ifndef VIPD_VRRP_FSM_H
#define VIPD_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ipc.h"	/* enum vrrp_state */

enum vrrp_fsm_action {
	VRRP_ACT_SEND_ADVERT = 1 << 0,	/* send an advert at the effective priority now */
	VRRP_ACT_SEND_PRIO0 = 1 << 1,	/* resign: send an advert at priority 0 now */
	VRRP_ACT_BECOME_MASTER = 1 << 2,	/* add the addresses and routes, announce them (GARP/NA) */
	VRRP_ACT_LEAVE_MASTER = 1 << 3,	/* remove the addresses and routes */
	VRRP_ACT_STATE = 1 << 4,	/* the state changed: report and notify */
	VRRP_ACT_RX_LOWER = 1 << 5,	/* Master heard a lower priority master: announce again, notify */
};

struct vrrp_fsm {
	/* set by the caller; change the priority only through vrrp_fsm_set_priority */
	int version;
	uint8_t priority;		/* effective priority, 1..255 */
	uint64_t adv_int_ns;		/* our own advert interval */
	bool preempt;
	uint64_t preempt_delay_ns;
	unsigned down_adverts;		/* Master_Down_Interval in adverts (RFC: 3), plus Skew_Time */
	bool lower_prio_no_advert;	/* Master: no advert in answer to a lower priority one (keepalived) */
	bool higher_prio_send_advert;	/* Master: one last advert before yielding to a higher one */

	enum vrrp_state state;
	uint64_t master_adv_ns;		/* Master_Adver_Interval: a v3 backup adopts the master's */
	uint64_t adver_at;		/* Master: when the next advert is due (0 = none) */
	uint64_t down_at;		/* Backup: when the master is deemed down (0 = none) */
	uint64_t preempt_at;		/* Backup with preempt_delay: no preemption before (0 = not counting) */
	uint8_t master_priority;	/* the last priority heard from the master (ours when we are it) */
	uint64_t transitions;
	uint64_t became_master;
};

/* Initialize state with these parameters (adv_int_ns > 0). */
void vrrp_fsm_init(struct vrrp_fsm *f, int version, uint8_t priority, uint64_t adv_int_ns, bool preempt,
		   uint64_t preempt_delay_ns);
/* Leaves Initialize: Fault if faulty; Master if the owner (255) or resuming as master; else Backup. */
unsigned vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now, bool faulty, bool resume_master);
/* A valid advert: its priority and interval, and whether its sender's address is above ours. */
unsigned vrrp_fsm_advert(struct vrrp_fsm *f, uint64_t now, uint8_t priority, uint16_t interval_cs,
			 bool sender_higher);
/* Whatever timer is due at now. */
unsigned vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now);
/* The next deadline (monotonic ns), 0 if none. */
uint64_t vrrp_fsm_next(const struct vrrp_fsm *f);
/* A tracked object changed the effective priority. */
unsigned vrrp_fsm_set_priority(struct vrrp_fsm *f, uint64_t now, uint8_t priority);
/* A tracked object failed (Fault) or everything is well again (back to Backup, or Master if owner). */
unsigned vrrp_fsm_set_fault(struct vrrp_fsm *f, uint64_t now, bool faulty);
/* A sync group moves this member with the others: to Master, Backup or Fault. */
unsigned vrrp_fsm_force(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to);
/* Shutdown: a master resigns with priority 0; the state becomes Stop. */
unsigned vrrp_fsm_stop(struct vrrp_fsm *f, uint64_t now);

/* Skew_Time and Master_Down_Interval for the current master interval and our priority. */
uint64_t vrrp_fsm_skew(const struct vrrp_fsm *f);
uint64_t vrrp_fsm_down_interval(const struct vrrp_fsm *f);

const char *vrrp_state_name(enum vrrp_state s);

#endif
