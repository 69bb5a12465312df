/*
 * Inside the checkers child: real servers, their checks, the scheduler and the kinds of check.
 *
 * A check (struct ck_check) belongs to a real server (struct ck_rs) and is driven by the scheduler
 * (check_sched.c): its one timer is the next run while idle and the deadline while a run is under way.
 * A kind (check_tcp.c, check_http.c ...) starts a run with ck_kind.start and ends it exactly once with
 * ck_result(), unless the scheduler stops it first (deadline, reload, shutdown) with ck_kind.stop.
 */
#ifndef VIPD_CHECK_H
#define VIPD_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lib/config.h"
#include "lib/event.h"
#include "lib/ipc.h"
#include "lib/proc.h"

#define CK_REASON_MAX 64

struct ck_state;
struct ck_rs;
struct ck_check;
struct ck_suspend;
struct ck_files;

struct ck_kind {
	const char *name;
	/* Begins a run; ends it with ck_result() now or later. */
	void (*start)(struct ck_check *c);
	/* Abandons a run under way: closes and frees what start made. Never calls ck_result. */
	void (*stop)(struct ck_check *c);
	/* The deadline passed; NULL: stop and fail with "<phase> timeout". Must call ck_result. */
	void (*timeout)(struct ck_check *c);
};

struct ck_check {
	struct ck_state *ck;
	struct ck_rs *rs;
	const struct cfg_checker *cfg;
	const struct cfg_check_url **urls;	/* HTTP_GET / SSL_GET */
	size_t nurls;
	const struct ck_kind *kind;
	/* resolved from the config */
	struct sockaddr_storage dst, src;
	socklen_t dstlen, srclen;		/* srclen 0: no bindto / bind_port */
	uint64_t loop_ns, retry_delay_ns, timeout_ns;
	/* verdict */
	bool up;
	bool verdict;				/* has given a verdict since it was created */
	uint32_t round_failures;		/* failed runs since the last good one, toward retry */
	uint32_t consecutive_failures;
	int32_t weight;				/* misc_dynamic: the weight it asks for, -1 none */
	char result[CK_REASON_MAX];		/* the last run's result */
	bool last_ok;
	uint64_t last_run_ms;			/* CLOCK_REALTIME of the last result, 0 none */
	/* a run */
	bool running;
	uint64_t due_ns;			/* when the run was (or is) due: the cadence */
	const char *phase;			/* "connect", "read" ...: names a timeout */
	struct ev_timer timer;
	struct ev_io io;
	int fd;
	void *priv;				/* the kind's state of the run */
	uint16_t seq;
	bool keep;				/* reload: this object carries on in the new config */
	bool taken;				/* reload: matched (kept, or its verdict inherited) */
};

struct ck_rs {
	struct ck_state *ck;
	struct cfg_rs_key key;
	const struct cfg_real_server *cfg;
	const struct cfg_virtual_server *vs;
	struct ck_check **checks;
	size_t nchecks;
	bool up;				/* the state in force */
	int32_t weight;				/* dynamic weight in force, -1 the configured one */
	bool known;				/* up came from a replay, a verdict or an announcement */
	bool announced;				/* sent to the parent at least once by this child */
	char reason[CK_REASON_MAX];
	uint64_t last_change_ms;		/* CLOCK_REALTIME, 0 none */
	bool keep;
};

struct ck_state {
	struct proc *p;
	struct ck_rs **rs;
	size_t nrs;
	struct ck_rs **sorted;			/* rs by key, for the replayed states */
	struct ev_timer settle;			/* first announcement of states nobody replayed */
	bool settling;
	struct ev_timer status_timer;
	bool status_dirty;
	void *ssl_ctx;				/* SSL_CTX *, shared by every SSL_GET */
	struct ck_suspend *suspend;		/* the host's addresses, with ha_suspend (check_suspend.c) */
	struct ck_files *files;			/* FILE_CHECK's directories (check_file.c) */
	struct ck_bfd *bfds;			/* BFD_CHECK: the sessions' states (check_bfd.c) */
	size_t nbfds;
	char fifo[CFG_PATH_MAX];
	char script_user[CFG_USER_MAX];
	struct script_runner *scripts;		/* MISC_CHECK, notify_up / notify_down */
	uint64_t runs, verdict_changes;
	uint64_t overruns;			/* runs that ended after their next due time */
};

/* ---- check_sched.c ---- */
/* Arms the first run of a new check: at a random point of its warmup (by default its delay loop). */
void ck_sched_first(struct ck_check *c);
/* Ends a run: ok or not, why, and (misc_dynamic) a weight or -1. Schedules the next run. */
void ck_result(struct ck_check *c, bool ok, int32_t weight, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Stops a run under way and the timer. */
void ck_sched_stop(struct ck_check *c);
/* Runs an idle, scheduled check now (something it watches changed); the cadence goes on from there. */
void ck_sched_now(struct ck_check *c);
/* Recomputes a real server from its checks and tells the parent if it changed (or force). */
void ck_rs_update(struct ck_rs *rs, bool force);
/* Sends the parent the real server's state. */
void ck_rs_announce(struct ck_rs *rs);
/* keepalived's omega, as the child stops: a real server that is up in a virtual server with omega goes
 * down for its notify_down script and the fifo (not for the parent: the table stays). */
void ck_rs_omega(struct ck_rs *rs);
/* The status wants refreshing soon. */
void ck_status_dirty(struct ck_state *ck);
/* Realtime milliseconds. */
uint64_t ck_realtime_ms(void);

/* ---- check_suspend.c: ha_suspend ---- */
/* Follows the host's addresses from the first configuration that has a virtual server with ha_suspend. */
void ck_suspend_apply(struct ck_state *ck, const struct config *conf);
void ck_suspend_close(struct ck_state *ck);
/* Whether the check's virtual server has ha_suspend and its address is not on this host: it does not run. */
bool ck_suspended(const struct ck_check *c);

/* ---- check_bfd.c: BFD_CHECK, from the bfd child's states (through the parent) ---- */
/* A session's state arrived (the payload of IPC_BFD_STATE): kept, and its BFD_CHECKs run at once. */
void ck_bfd_state(struct ck_state *ck, const void *ipc_bfd_state);
void ck_bfd_free(struct ck_state *ck);

/* ---- check_file.c: FILE_CHECK's files ---- */
/* Watches the directories of the files the FILE_CHECKs of conf read; a change runs them at once. */
void ck_files_apply(struct ck_state *ck, const struct config *conf);
void ck_files_close(struct ck_state *ck);

/* ---- check_net.c: sockets for every kind ---- */
/* A non-blocking socket of type for c's destination, bound as configured, connect() begun.
 * Returns the fd (errno set on -1; *why says what failed). */
int ck_net_connect(struct ck_check *c, int type, int proto, const char **why);
/* The error of a connect that was in progress (0 = connected). */
int ck_net_connect_error(int fd);
/* Closes the run's socket, if any, and stops watching it. */
void ck_net_close(struct ck_check *c);
/* Watches the run's socket for events. */
int ck_net_watch(struct ck_check *c, uint32_t events, ev_io_cb cb);
/* Text of an address and port, for logs and the fifo. */
void ck_net_format(const struct cfg_addr *a, uint32_t port, char *buf, size_t len);

/* ---- the kinds ---- */
/* check_misc.c: whether a MISC_CHECK's program (the first word of misc_path, looked up in PATH without a
 * slash) exists and is executable; keepalived 2.2.7 drops a MISC_CHECK whose program is not. */
bool ck_misc_runnable(const char *cmd, char *prog, size_t len);

/*
 * SMTP replies, read line by line (check_smtp.c): the code of the first complete reply in buf (the last line
 * of a multi-line one), 0 when none is complete yet (a partial line stays in rd), -1 when a line is not a
 * reply. *used says how many bytes were taken; the rest of buf is not this exchange's.
 */
struct smtp_reader {
	char line[512];
	size_t len;
};
int smtp_reply_feed(struct smtp_reader *rd, const char *buf, size_t n, size_t *used);

extern const struct ck_kind ck_kind_tcp, ck_kind_http, ck_kind_misc, ck_kind_dns, ck_kind_udp, ck_kind_smtp,
	ck_kind_ping, ck_kind_file, ck_kind_bfd;

/* check_http.c: the shared SSL_CTX for this configuration (NULL if none is needed or it failed). */
void *ck_http_ssl_ctx(const struct config *conf);
void ck_http_ssl_ctx_free(void *ctx);

#endif
