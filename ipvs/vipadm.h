/* vipadm's command line, parsed into one command (pure, so the unit tests check it). */
#ifndef VIPD_VIPADM_H
#define VIPD_VIPADM_H

#include <stdbool.h>
#include <stdint.h>

#include "ipvs/ipvs_int.h"

enum vipadm_command {
	VIPADM_NONE, VIPADM_ADD, VIPADM_EDIT, VIPADM_DEL, VIPADM_FLUSH, VIPADM_LIST, VIPADM_ADDDEST,
	VIPADM_DELDEST, VIPADM_EDITDEST, VIPADM_TIMEOUT, VIPADM_STARTDAEMON, VIPADM_STOPDAEMON, VIPADM_RESTORE,
	VIPADM_SAVE, VIPADM_ZERO, VIPADM_CMD_MAX
};

enum vipadm_list_what { VIPADM_LIST_TABLE, VIPADM_LIST_CONN, VIPADM_LIST_TIMEOUT, VIPADM_LIST_DAEMON };

/* An unknown option: ipvsadm points to -h and exits with 255. */
#define VIPADM_EXIT_TRYHELP 255

struct vipadm_cmd {
	enum vipadm_command cmd;
	uint64_t options;		/* 1 << option index, for the per-command checks */
	unsigned fmt;			/* enum vipadm_fmt */
	enum vipadm_list_what fmt_list;
	bool help, version, ipv6, dest_port_given;
	char netmask[64];
	char sched_flags[128];
	char opt_text[64];		/* the option being parsed, as typed, for messages */
	struct ipvs_svc svc;
	struct ipvs_dest dest;
	struct ipvs_timeouts timeouts;
	struct ipvs_daemon daemon;
	char err[256];			/* the message when parsing fails */
};

/* 0: c holds a command; otherwise the exit code, with c->err set. Uses getopt (not reentrant). */
int vipadm_parse(int argc, char **argv, struct vipadm_cmd *c);
const char *vipadm_strerror(enum vipadm_command cmd, int err);

#endif
