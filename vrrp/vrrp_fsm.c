/* The pure VRRP state machine; see vrrp_fsm.h. RFC 9568 section 6.4 in comments as [6.4.x]. */
#include "vrrp/vrrp_fsm.h"

#include <string.h>

#define NS_PER_S 1000000000ULL
#define NS_PER_CS 10000000ULL

const char *
vrrp_state_name(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_INIT:
		return "INIT";
	case VRRP_STATE_BACKUP:
		return "BACKUP";
	case VRRP_STATE_MASTER:
		return "MASTER";
	case VRRP_STATE_FAULT:
		return "FAULT";
	case VRRP_STATE_STOP:
		return "STOP";
	}
	return "?";
}

void
vrrp_fsm_init(struct vrrp_fsm *f, int version, uint8_t priority, uint64_t adv_int_ns, bool preempt,
	      uint64_t preempt_delay_ns)
{
	memset(f, 0, sizeof(*f));
	f->version = version;
	f->priority = priority;
	f->adv_int_ns = adv_int_ns;
	f->preempt = preempt;
	f->preempt_delay_ns = preempt_delay_ns;
	f->master_adv_ns = adv_int_ns;
	f->down_adverts = 3;
	f->state = VRRP_STATE_INIT;
}

uint64_t
vrrp_fsm_skew(const struct vrrp_fsm *f)
{
	/* v2 (RFC 3768): (256 - Priority) / 256 seconds; v3 scales it by the master's interval */
	uint64_t base = f->version == 2 ? NS_PER_S : f->master_adv_ns;

	return (256 - f->priority) * base / 256;
}

uint64_t
vrrp_fsm_down_interval(const struct vrrp_fsm *f)
{
	return (f->down_adverts ? f->down_adverts : 3) * f->master_adv_ns + vrrp_fsm_skew(f);
}

static unsigned
set_state(struct vrrp_fsm *f, enum vrrp_state to)
{
	if (f->state == to)
		return 0;
	f->state = to;
	f->transitions++;
	return VRRP_ACT_STATE;
}

static unsigned
to_master(struct vrrp_fsm *f, uint64_t now)
{
	/* [6.4.1/6.4.2] send an advert, announce the addresses, start the Adver_Timer */
	f->down_at = 0;
	f->preempt_at = 0;
	f->adver_at = now + f->adv_int_ns;
	f->master_adv_ns = f->adv_int_ns;
	f->master_priority = f->priority;
	f->became_master++;
	return set_state(f, VRRP_STATE_MASTER) | VRRP_ACT_SEND_ADVERT | VRRP_ACT_BECOME_MASTER;
}

static unsigned
to_backup(struct vrrp_fsm *f, uint64_t now)
{
	unsigned act = f->state == VRRP_STATE_MASTER ? VRRP_ACT_LEAVE_MASTER : 0;

	f->adver_at = 0;
	f->down_at = now + vrrp_fsm_down_interval(f);
	/* preempt_delay counts from entering Backup (start-up included) */
	f->preempt_at = f->preempt_delay_ns ? now + f->preempt_delay_ns : 0;
	return act | set_state(f, VRRP_STATE_BACKUP);
}

static unsigned
to_fault(struct vrrp_fsm *f)
{
	/* a master that fails resigns at once, so the backup takes over after Skew_Time only */
	unsigned act = f->state == VRRP_STATE_MASTER ? VRRP_ACT_SEND_PRIO0 | VRRP_ACT_LEAVE_MASTER : 0;

	f->adver_at = 0;
	f->down_at = 0;
	f->preempt_at = 0;
	return act | set_state(f, VRRP_STATE_FAULT);
}

unsigned
vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now, bool faulty, bool resume_master)
{
	if (f->state != VRRP_STATE_INIT)
		return 0;
	if (faulty)
		return to_fault(f);
	if (resume_master || f->priority == 255)
		return to_master(f, now);
	f->master_adv_ns = f->adv_int_ns;
	return to_backup(f, now);
}

static unsigned
backup_advert(struct vrrp_fsm *f, uint64_t now, uint8_t priority, uint16_t interval_cs)
{
	/* [6.4.2] priority 0: the master resigned; wait only Skew_Time */
	if (priority == 0) {
		f->down_at = now + vrrp_fsm_skew(f);
		return 0;
	}
	if (f->preempt && priority < f->priority) {
		/* a lower master: preempt, unless preempt_delay holds us back a while */
		if (f->preempt_delay_ns == 0)
			return 0;
		if (f->preempt_at == 0)
			f->preempt_at = now + f->preempt_delay_ns;
		if (now >= f->preempt_at)
			return 0;
	}
	if (f->version == 3 && interval_cs != 0)
		f->master_adv_ns = interval_cs * NS_PER_CS;
	f->master_priority = priority;
	f->down_at = now + vrrp_fsm_down_interval(f);
	return 0;
}

static unsigned
master_advert(struct vrrp_fsm *f, uint64_t now, uint8_t priority, uint16_t interval_cs, bool sender_higher)
{
	unsigned act = 0;

	/* [6.4.3] a resigning peer: advertise at once so backups do not take over */
	if (priority == 0) {
		f->adver_at = now + f->adv_int_ns;
		return VRRP_ACT_SEND_ADVERT;
	}
	if (priority < f->priority || (priority == f->priority && !sender_higher)) {
		/* RFC 9568: also at once when we beat another master, so it yields sooner (keepalived's
		 * lower_prio_no_advert keeps RFC 3768's silence instead) */
		if (f->lower_prio_no_advert)
			return VRRP_ACT_RX_LOWER;
		f->adver_at = now + f->adv_int_ns;
		return VRRP_ACT_SEND_ADVERT | VRRP_ACT_RX_LOWER;
	}
	/* a last advert of ours, so that a peer that has been master beside us announces its addresses
	 * again (its garp_lower_prio_repeat): the switches last heard of them from us */
	if (f->higher_prio_send_advert)
		act = VRRP_ACT_SEND_ADVERT;
	if (f->version == 3 && interval_cs != 0)
		f->master_adv_ns = interval_cs * NS_PER_CS;
	f->master_priority = priority;
	/* to_backup resets the preempt delay, which is what a yielding master wants */
	return act | to_backup(f, now);
}

unsigned
vrrp_fsm_advert(struct vrrp_fsm *f, uint64_t now, uint8_t priority, uint16_t interval_cs, bool sender_higher)
{
	switch (f->state) {
	case VRRP_STATE_BACKUP:
		return backup_advert(f, now, priority, interval_cs);
	case VRRP_STATE_MASTER:
		return master_advert(f, now, priority, interval_cs, sender_higher);
	default:
		return 0;	/* Initialize, Fault and Stop ignore adverts */
	}
}

unsigned
vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now)
{
	if (f->state == VRRP_STATE_MASTER && f->adver_at != 0 && now >= f->adver_at) {
		f->adver_at = now + f->adv_int_ns;
		return VRRP_ACT_SEND_ADVERT;
	}
	if (f->state == VRRP_STATE_BACKUP && f->down_at != 0 && now >= f->down_at)
		return to_master(f, now);
	return 0;
}

uint64_t
vrrp_fsm_next(const struct vrrp_fsm *f)
{
	if (f->state == VRRP_STATE_MASTER)
		return f->adver_at;
	if (f->state == VRRP_STATE_BACKUP)
		return f->down_at;
	return 0;
}

unsigned
vrrp_fsm_set_priority(struct vrrp_fsm *f, uint64_t now, uint8_t priority)
{
	if (priority == 0)
		priority = 1;
	if (priority == f->priority)
		return 0;
	f->priority = priority;
	if (f->state == VRRP_STATE_MASTER) {
		/* tell the backups now: one that now beats us preempts without waiting a whole interval */
		f->master_priority = priority;
		f->adver_at = now + f->adv_int_ns;
		return VRRP_ACT_SEND_ADVERT;
	}
	if (f->state == VRRP_STATE_BACKUP && f->preempt && priority > f->master_priority &&
	    f->master_priority != 0 && f->preempt_delay_ns == 0) {
		/* we now beat the master: its next advert would be ignored anyway; stop waiting for its loss */
		f->down_at = now + vrrp_fsm_skew(f);
	}
	return 0;
}

unsigned
vrrp_fsm_set_fault(struct vrrp_fsm *f, uint64_t now, bool faulty)
{
	if (faulty)
		return f->state == VRRP_STATE_STOP || f->state == VRRP_STATE_INIT ? 0 : to_fault(f);
	if (f->state != VRRP_STATE_FAULT)
		return 0;
	if (f->priority == 255)
		return to_master(f, now);
	f->master_adv_ns = f->adv_int_ns;
	f->master_priority = 0;
	return to_backup(f, now);
}

unsigned
vrrp_fsm_force(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to)
{
	if (f->state == to || f->state == VRRP_STATE_INIT || f->state == VRRP_STATE_STOP)
		return 0;
	switch (to) {
	case VRRP_STATE_MASTER:
		return f->state == VRRP_STATE_BACKUP ? to_master(f, now) : 0;
	case VRRP_STATE_BACKUP:
		if (f->state == VRRP_STATE_FAULT)
			f->master_adv_ns = f->adv_int_ns;
		return to_backup(f, now);
	case VRRP_STATE_FAULT:
		return to_fault(f);
	default:
		return 0;
	}
}

unsigned
vrrp_fsm_stop(struct vrrp_fsm *f, uint64_t now)
{
	unsigned act = f->state == VRRP_STATE_MASTER ? VRRP_ACT_SEND_PRIO0 | VRRP_ACT_LEAVE_MASTER : 0;

	(void)now;
	f->adver_at = 0;
	f->down_at = 0;
	f->preempt_at = 0;
	return act | set_state(f, VRRP_STATE_STOP);
}
