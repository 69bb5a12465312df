/*
 * What `vipctl status --json` shows, as Prometheus' text exposition format 0.0.4: pure, so a unit test
 * renders a status it wrote and reads the text back.
 */
#ifndef VIPD_METRICS_RENDER_H
#define VIPD_METRICS_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics/metrics_json.h"

/* A growing text; failed once memory ran out (then the text is incomplete and must not be served). */
struct mx_buf {
	char *p;
	size_t len, cap;
	bool failed;
};

void mx_buf_free(struct mx_buf *b);

/* status: the parent's whole status (parent_status). self: the metrics child's own counters, rendered
 * instead of the copy of them in status, which is older. 0, or -1 if memory ran out. */
int mx_render(const struct mj *status, const struct mj *self, struct mx_buf *out);

#endif
