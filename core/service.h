/*
 * The service manager's side of the parent (systemd's notify protocol, without libsystemd): READY once
 * every child applied the configuration, RELOADING during a reload, STOPPING, and the watchdog, which is
 * pinged only while every running child still answers on its channel.
 */
#ifndef VIPD_SERVICE_H
#define VIPD_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/event.h"

struct parent;

struct service {
	int fd;			/* -1: not run by a service manager that listens */
	uint64_t watchdog_ns;	/* 0: no watchdog asked for */
	uint64_t ping_seq;
	bool ready;		/* READY=1 sent for the generation in force */
	bool stalled_logged;
	struct ev_timer watchdog;
};

/* Reads NOTIFY_SOCKET and WATCHDOG_USEC/WATCHDOG_PID (and removes them from the environment). */
void service_open(struct service *s, struct parent *pa);
void service_close(struct service *s, struct ev_loop *loop);
/* After a reload began; READY follows when the children applied it. */
void service_reloading(struct service *s);
/* After anything that can complete a configuration: sends READY once every wanted child applied it. */
void service_check_ready(struct service *s, struct parent *pa);
void service_stopping(struct service *s);

#endif
