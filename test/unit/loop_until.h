/* For Check tests that drive a real event loop (lib/event.h). */
#ifndef VIPD_TEST_LOOP_UNTIL_H
#define VIPD_TEST_LOOP_UNTIL_H

#include <check.h>

#include "lib/event.h"

/* Runs rounds until *counter reaches target, failing after a few seconds rather than hanging. */
static inline void
run_until(struct ev_loop *loop, const int *counter, int target)
{
	uint64_t give_up = ev_now() + 5 * EV_NSEC_PER_SEC;

	while (*counter < target) {
		ck_assert_int_eq(ev_run_once(loop, 10), 0);
		ck_assert_msg(ev_now() < give_up, "gave up at %d of %d", *counter, target);
	}
}

#endif
