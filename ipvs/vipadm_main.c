/* vipadm: runs one parsed command (or, with -R, every line of stdin in batches) against the kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "ipvs/ipvs_int.h"
#include "ipvs/vipadm.h"

#define KERNEL_ERROR 255	/* what ipvsadm exits with when the kernel refuses */

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"vipadm: the IPVS table of vipd, with the command line of ipvsadm 1.31\n"
		"Usage:\n"
		"  %1$s -A|-E service-address [-s scheduler] [-p [timeout]] [-M netmask] [--pe engine]\n"
		"          [-b sched-flags] [-o]\n"
		"  %1$s -D service-address\n"
		"  %1$s -C\n"
		"  %1$s -R < rules\n"
		"  %1$s -S [-n] > rules\n"
		"  %1$s -a|-e service-address -r server-address [-g|-i|-m] [-w weight] [-x upper] [-y lower]\n"
		"          [--tun-type ipip|gue|gre] [--tun-port port] [--tun-nocsum|--tun-csum|--tun-remcsum]\n"
		"  %1$s -d service-address -r server-address\n"
		"  %1$s -L|-l [service-address] [-n] [--stats|--rate|--thresholds|--persistent-conn|--tun-info]\n"
		"          [--exact] [--nosort]\n"
		"  %1$s -L|-l -c [--persistent-conn] | --timeout | --daemon\n"
		"  %1$s -Z [service-address]\n"
		"  %1$s --set tcp tcpfin udp\n"
		"  %1$s --start-daemon master|backup [--mcast-interface IF] [--syncid N] [--sync-maxlen N]\n"
		"          [--mcast-group ADDR] [--mcast-port PORT] [--mcast-ttl TTL]\n"
		"  %1$s --stop-daemon master|backup [--syncid N]\n"
		"  %1$s -h\n"
		"service-address: -t|-u|--sctp-service host[:port], or -f fwmark [-6]\n"
		"The default scheduler is wlc, the default persistence 360 s, the default method -g.\n",
		prog);
}

static bool
batchable(enum vipadm_command cmd)
{
	return cmd == VIPADM_ADD || cmd == VIPADM_EDIT || cmd == VIPADM_DEL || cmd == VIPADM_ADDDEST ||
	       cmd == VIPADM_EDITDEST || cmd == VIPADM_DELDEST;
}

static const uint8_t genl_cmd[VIPADM_CMD_MAX] = {
	[VIPADM_ADD] = IPVS_CMD_NEW_SERVICE, [VIPADM_EDIT] = IPVS_CMD_SET_SERVICE,
	[VIPADM_DEL] = IPVS_CMD_DEL_SERVICE, [VIPADM_ADDDEST] = IPVS_CMD_NEW_DEST,
	[VIPADM_EDITDEST] = IPVS_CMD_SET_DEST, [VIPADM_DELDEST] = IPVS_CMD_DEL_DEST,
};

static int
kernel_fail(enum vipadm_command cmd, int err)
{
	fprintf(stderr, "%s\n", vipadm_strerror(cmd, err));
	return KERNEL_ERROR;
}

static int
list_table(struct ipvs_nl *nl, const struct vipadm_cmd *c)
{
	struct ipvs_table t;
	struct ipvs_info info;
	int r;

	if (c->options & (1ULL << 2)) {	/* one service */
		struct ipvs_svc_entry e;

		r = ipvs_get_service(nl, &c->svc, &e);
		if (r == -ESRCH || r == -ENOENT) {
			fprintf(stderr, "No such service\n");
			return 1;
		}
		if (r < 0)
			return kernel_fail(c->cmd, r);
		if (!(c->fmt & VIPADM_FMT_NOSORT)) {
			struct ipvs_table one = { &e, 1, 1 };

			ipvs_table_sort(&one);
		}
		vipadm_list_title(stdout, c->fmt);
		vipadm_list_service(stdout, &e, c->fmt);
		free(e.dests);
		return 0;
	}
	if ((r = ipvs_get_info(nl, &info)) < 0 || (r = ipvs_get_table(nl, &t, true)) < 0)
		return kernel_fail(c->cmd, r);
	if (!(c->fmt & VIPADM_FMT_NOSORT))
		ipvs_table_sort(&t);
	if (c->cmd == VIPADM_LIST) {
		vipadm_list_version(stdout, &info);
		vipadm_list_title(stdout, c->fmt);
	}
	for (size_t i = 0; i < t.n; i++)
		vipadm_list_service(stdout, &t.svcs[i], c->fmt);
	ipvs_table_free(&t);
	return 0;
}

static int
list(struct ipvs_nl *nl, const struct vipadm_cmd *c)
{
	struct ipvs_timeouts to;
	struct ipvs_daemon d[2];
	FILE *proc;
	int r;

	switch (c->fmt_list) {
	case VIPADM_LIST_CONN:
		proc = fopen("/proc/net/ip_vs_conn", "r");
		if (proc == NULL) {
			fprintf(stderr, "cannot open file /proc/net/ip_vs_conn\n");
			return 1;
		}
		vipadm_list_conns(stdout, proc, c->fmt);
		fclose(proc);
		return 0;
	case VIPADM_LIST_TIMEOUT:
		if ((r = ipvs_get_timeouts(nl, &to)) < 0)
			return kernel_fail(c->cmd, r);
		vipadm_list_timeouts(stdout, &to);
		return 0;
	case VIPADM_LIST_DAEMON:
		if ((r = ipvs_get_daemons(nl, d, 2)) < 0)
			return kernel_fail(c->cmd, r);
		vipadm_list_daemons(stdout, d, r);
		return 0;
	default:
		return list_table(nl, c);
	}
}

static int restore(struct ipvs_nl *nl, const char *prog);

static int
run(struct ipvs_nl *nl, struct vipadm_cmd *c, const char *prog)
{
	int r = 0;

	switch (c->cmd) {
	case VIPADM_ADD:
	case VIPADM_EDIT:
	case VIPADM_DEL:
		r = ipvs_svc_cmd(nl, genl_cmd[c->cmd], &c->svc);
		break;
	case VIPADM_ADDDEST:
	case VIPADM_EDITDEST:
	case VIPADM_DELDEST:
		r = ipvs_dest_cmd(nl, genl_cmd[c->cmd], &c->svc, &c->dest);
		break;
	case VIPADM_FLUSH:
		r = ipvs_flush(nl);
		break;
	case VIPADM_ZERO:
		r = ipvs_svc_cmd(nl, IPVS_CMD_ZERO, (c->options & (1ULL << 2)) ? &c->svc : NULL);
		break;
	case VIPADM_TIMEOUT:
		r = ipvs_set_timeouts(nl, &c->timeouts);
		break;
	case VIPADM_STARTDAEMON:
		r = ipvs_daemon_cmd(nl, IPVS_CMD_NEW_DAEMON, &c->daemon);
		break;
	case VIPADM_STOPDAEMON:
		r = ipvs_daemon_cmd(nl, IPVS_CMD_DEL_DAEMON, &c->daemon);
		break;
	case VIPADM_LIST:
	case VIPADM_SAVE:
		if (c->cmd == VIPADM_SAVE)
			c->fmt |= VIPADM_FMT_RULE;
		return list(nl, c);
	case VIPADM_RESTORE:
		return restore(nl, prog);
	default:
		return 2;
	}
	return r < 0 ? kernel_fail(c->cmd, r) : 0;
}

/*
 * -R as ipvsadm 1.31 does it, measured against it in the lab (test/lab/scenarios/ipvs-vipadm.sh): a line
 * the kernel refuses prints its message and the lines after it still run, the exit status being that of the
 * last line alone; a line that does not parse prints its message and ends the restore at once with the
 * parse error's status, the lines before it applied. vipadm sends the lines in batches, so a batch is sent
 * before anything else is printed or run, and a line's op carries its number to tell whether it was last.
 */
struct restore_state {
	size_t last_line;	/* the number of the last command line read */
	size_t failed_line;	/* the last one the kernel refused */
};

#define TAG(line, cmd) ((size_t)(line) << 8 | (size_t)(cmd))
#define TAG_LINE(tag) ((tag) >> 8)
#define TAG_CMD(tag) ((enum vipadm_command)((tag) & 0xff))

static void
restore_error(const struct ipvs_batch_op *op, int err, void *arg)
{
	struct restore_state *st = arg;

	fprintf(stderr, "%s\n", vipadm_strerror(TAG_CMD(op->tag), err));
	if (TAG_LINE(op->tag) > st->failed_line)
		st->failed_line = TAG_LINE(op->tag);
}

static int
restore_flush(struct ipvs_nl *nl, struct ipvs_batch *b, struct restore_state *st)
{
	int r;

	if (b->nops == 0)
		return 0;
	r = ipvs_batch_run(nl, b, restore_error, st);
	if (r < 0) {
		fprintf(stderr, "netlink: %s\n", strerror(-r));
		return -1;
	}
	return 0;
}

/* Splits a line into words (argv[0] is the program); returns their count. */
static int
restore_words(char *line, const char *prog, char **argv, int max)
{
	char *save = NULL;
	int argc = 0;

	argv[argc++] = (char *)prog;
	for (char *w = strtok_r(line, " \t\r\n", &save); w != NULL && argc < max - 1; w = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return argc;
}

/* Each line is a command as ipvsadm -S writes them; the kernel gets them in batches, in order. */
static int
restore(struct ipvs_nl *nl, const char *prog)
{
	struct restore_state st = { 0 };
	struct ipvs_batch b;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, last_rc = 0;
	bool last_batched = false;

	ipvs_batch_init(&b);
	while (getline(&line, &cap, stdin) > 0) {
		char *argv[64];
		int argc = restore_words(line, prog, argv, 64), r;
		struct vipadm_cmd c;

		if (argc == 1 || argv[1][0] == '#')
			continue;
		st.last_line++;
		r = vipadm_parse(argc, argv, &c);
		if (r == 0 && (c.cmd == VIPADM_RESTORE || c.help || c.version))
			r = 2;
		if (r) {
			/* what came before is applied (and its refusals printed) first, as line by line */
			if (restore_flush(nl, &b, &st) < 0)
				r = KERNEL_ERROR;
			else if (r == VIPADM_EXIT_TRYHELP)
				fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", prog, prog);
			else
				fprintf(stderr, "%s\n", c.err[0] ? c.err : "invalid restore line");
			rc = r;
			break;
		}
		if (batchable(c.cmd)) {
			bool svc = genl_cmd[c.cmd] == IPVS_CMD_NEW_SERVICE || genl_cmd[c.cmd] == IPVS_CMD_SET_SERVICE ||
				   genl_cmd[c.cmd] == IPVS_CMD_DEL_SERVICE;

			r = svc ? ipvs_batch_svc(nl, &b, genl_cmd[c.cmd], &c.svc, TAG(st.last_line, c.cmd)) :
				  ipvs_batch_dest(nl, &b, genl_cmd[c.cmd], &c.svc, &c.dest, TAG(st.last_line, c.cmd));
			if (r < 0) {
				fprintf(stderr, "out of memory\n");
				rc = KERNEL_ERROR;
				break;
			}
			last_batched = true;
			continue;
		}
		if (restore_flush(nl, &b, &st) < 0) {
			rc = KERNEL_ERROR;
			break;
		}
		last_rc = run(nl, &c, prog);
		last_batched = false;
	}
	if (rc == 0 && restore_flush(nl, &b, &st) < 0)
		rc = KERNEL_ERROR;
	if (rc == 0)
		rc = last_batched ? (st.failed_line == st.last_line ? KERNEL_ERROR : 0) : last_rc;
	ipvs_batch_free(&b);
	free(line);
	return rc;
}

int
main(int argc, char **argv)
{
	static char outbuf[1 << 20];
	const char *prog = "vipadm";
	struct vipadm_cmd c;
	struct ipvs_nl nl;
	char err[256];
	int r;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	r = vipadm_parse(argc, argv, &c);
	if (r == VIPADM_EXIT_TRYHELP) {
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", prog, prog);
		return r;
	}
	if (r) {
		fprintf(stderr, "%s\n", c.err);
		return r;
	}
	if (c.help) {
		usage(stdout, prog);
		return 0;
	}
	if (c.version) {
		printf("vipadm (vipd), command line of ipvsadm v1.31\n");
		return 0;
	}
	if (ipvs_nl_open(&nl, true, err, sizeof(err)) < 0) {
		fprintf(stderr, "Can't initialize ipvs: %s\n"
				"Are you sure that IP Virtual Server is built in the kernel or as module?\n", err);
		return 2;
	}
	r = run(&nl, &c, prog);
	ipvs_nl_close(&nl);
	if (fflush(stdout) != 0)
		r = r ? r : 1;
	return r;
}
