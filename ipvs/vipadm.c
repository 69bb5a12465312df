/*
 * vipadm: the ipvsadm 1.31 command line over vipd's IPVS library. Same options, defaults, messages and
 * exit codes (2 for usage errors, 255 for kernel refusals, 1 for listing a missing service); -R sends its
 * whole input as batches, so restoring 100k objects costs a few hundred system calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>
#include <netlink/msg.h>

#include "ipvs/ipvs_int.h"
#include "ipvs/vipadm.h"

#define DEF_SCHED "wlc"
#define DEF_PERSISTENCE 360	/* what ipvsadm 1.31 really uses; its man page says 300 */
#define MAX_TIMEOUT (86400 * 31)

static const char *const cmdnames[] = {
	[VIPADM_ADD] = "add-service", [VIPADM_EDIT] = "edit-service", [VIPADM_DEL] = "delete-service",
	[VIPADM_FLUSH] = "flush", [VIPADM_LIST] = "list", [VIPADM_ADDDEST] = "add-server",
	[VIPADM_DELDEST] = "delete-server", [VIPADM_EDITDEST] = "edit-server", [VIPADM_TIMEOUT] = "set",
	[VIPADM_STARTDAEMON] = "start-daemon", [VIPADM_STOPDAEMON] = "stop-daemon", [VIPADM_RESTORE] = "restore",
	[VIPADM_SAVE] = "save", [VIPADM_ZERO] = "zero",
};

enum opt {
	O_NUMERIC, O_CONNECTION, O_SERVICE, O_SCHEDULER, O_PERSISTENT, O_NETMASK, O_SERVER, O_FORWARD, O_WEIGHT,
	O_UTHRESHOLD, O_LTHRESHOLD, O_MCAST, O_TIMEOUT, O_DAEMON, O_STATS, O_RATE, O_THRESHOLDS, O_PERSISTENTCONN,
	O_NOSORT, O_SYNCID, O_EXACT, O_ONEPACKET, O_PE, O_SCHED_FLAGS, O_SYNC_MAXLEN, O_MCAST_GROUP, O_MCAST_PORT,
	O_MCAST_TTL, O_TUN_INFO, O_TUN_TYPE, O_TUN_PORT, O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM, O_MAX
};

static const char *const optnames[O_MAX] = {
	"numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
	"forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
	"stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe", "sched-flags",
	"sync-maxlen", "mcast-group", "mcast-port", "mcast-ttl", "tun-info", "tun-type", "tun-port", "tun-nocsum",
	"tun-csum", "tun-remcsum",
};

#define B(o) (1ULL << (o))
#define TUN_OPTS (B(O_TUN_TYPE) | B(O_TUN_PORT) | B(O_TUN_NOCSUM) | B(O_TUN_CSUM) | B(O_TUN_REMCSUM))

/* Which options each command needs, accepts, or accepts only one of. */
static const struct {
	uint64_t required, allowed, one_of;
} cmd_opts[VIPADM_CMD_MAX] = {
	[VIPADM_ADD] = { B(O_SERVICE), B(O_SCHEDULER) | B(O_PERSISTENT) | B(O_NETMASK) | B(O_ONEPACKET) | B(O_PE) |
					       B(O_SCHED_FLAGS), 0 },
	[VIPADM_EDIT] = { B(O_SERVICE), B(O_SCHEDULER) | B(O_PERSISTENT) | B(O_NETMASK) | B(O_ONEPACKET) | B(O_PE) |
						B(O_SCHED_FLAGS), 0 },
	[VIPADM_DEL] = { B(O_SERVICE), 0, 0 },
	[VIPADM_FLUSH] = { 0, 0, 0 },
	[VIPADM_LIST] = { 0, B(O_NUMERIC) | B(O_STATS) | B(O_RATE) | B(O_THRESHOLDS) | B(O_PERSISTENTCONN) |
				     B(O_NOSORT) | B(O_EXACT) | B(O_TUN_INFO),
			  B(O_CONNECTION) | B(O_SERVICE) | B(O_TIMEOUT) | B(O_DAEMON) },
	[VIPADM_ADDDEST] = { B(O_SERVICE) | B(O_SERVER),
			     B(O_FORWARD) | B(O_WEIGHT) | B(O_UTHRESHOLD) | B(O_LTHRESHOLD) | TUN_OPTS, 0 },
	[VIPADM_DELDEST] = { B(O_SERVICE) | B(O_SERVER), 0, 0 },
	[VIPADM_EDITDEST] = { B(O_SERVICE) | B(O_SERVER),
			      B(O_FORWARD) | B(O_WEIGHT) | B(O_UTHRESHOLD) | B(O_LTHRESHOLD) | TUN_OPTS, 0 },
	[VIPADM_TIMEOUT] = { 0, 0, 0 },
	[VIPADM_STARTDAEMON] = { 0, B(O_MCAST) | B(O_SYNCID) | B(O_SYNC_MAXLEN) | B(O_MCAST_GROUP) |
					    B(O_MCAST_PORT) | B(O_MCAST_TTL), 0 },
	[VIPADM_STOPDAEMON] = { 0, B(O_SYNCID), 0 },
	[VIPADM_RESTORE] = { 0, 0, 0 },
	[VIPADM_SAVE] = { 0, B(O_NUMERIC), 0 },
	[VIPADM_ZERO] = { 0, B(O_SERVICE), 0 },
};

static const char *const tunnames[] = { "ipip", "gue", "gre" };
/* per tunnel type: tun-port, tun-nocsum, tun-csum, tun-remcsum ('+' needed, '1' one of, 'x' illegal) */
static const char tun_opts[3][5] = { "xxxx", "+111", "x11x" };
static const enum opt tun_opt_index[4] = { O_TUN_PORT, O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM };

enum {
	T_SET = 256, T_START_DAEMON, T_STOP_DAEMON, T_MCAST_INTERFACE, T_TIMEOUT, T_DAEMON, T_STATS, T_RATE,
	T_THRESHOLDS, T_PERSISTENTCONN, T_SORT, T_NOSORT, T_SYNCID, T_SYNC_MAXLEN, T_MCAST_GROUP, T_MCAST_PORT,
	T_MCAST_TTL, T_TUN_INFO, T_TUN_TYPE, T_TUN_PORT, T_TUN_NOCSUM, T_TUN_CSUM, T_TUN_REMCSUM, T_PE, T_SCTP,
	T_EXACT, T_VERSION
};

static const struct option long_opts[] = {
	{ "add-service", no_argument, NULL, 'A' }, { "edit-service", no_argument, NULL, 'E' },
	{ "delete-service", no_argument, NULL, 'D' }, { "clear", no_argument, NULL, 'C' },
	{ "list", no_argument, NULL, 'L' }, { "zero", no_argument, NULL, 'Z' },
	{ "add-server", no_argument, NULL, 'a' }, { "edit-server", no_argument, NULL, 'e' },
	{ "delete-server", no_argument, NULL, 'd' }, { "set", no_argument, NULL, T_SET },
	{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, T_VERSION },
	{ "restore", no_argument, NULL, 'R' }, { "save", no_argument, NULL, 'S' },
	{ "start-daemon", required_argument, NULL, T_START_DAEMON },
	{ "stop-daemon", required_argument, NULL, T_STOP_DAEMON },
	{ "tcp-service", required_argument, NULL, 't' }, { "udp-service", required_argument, NULL, 'u' },
	{ "sctp-service", required_argument, NULL, T_SCTP }, { "fwmark-service", required_argument, NULL, 'f' },
	{ "scheduler", required_argument, NULL, 's' }, { "persistent", optional_argument, NULL, 'p' },
	{ "netmask", required_argument, NULL, 'M' }, { "real-server", required_argument, NULL, 'r' },
	{ "masquerading", no_argument, NULL, 'm' }, { "ipip", no_argument, NULL, 'i' },
	{ "gatewaying", no_argument, NULL, 'g' }, { "weight", required_argument, NULL, 'w' },
	{ "u-threshold", required_argument, NULL, 'x' }, { "l-threshold", required_argument, NULL, 'y' },
	{ "numeric", no_argument, NULL, 'n' }, { "connection", no_argument, NULL, 'c' },
	{ "mcast-interface", required_argument, NULL, T_MCAST_INTERFACE },
	{ "syncid", required_argument, NULL, T_SYNCID }, { "sync-maxlen", required_argument, NULL, T_SYNC_MAXLEN },
	{ "mcast-group", required_argument, NULL, T_MCAST_GROUP },
	{ "mcast-port", required_argument, NULL, T_MCAST_PORT }, { "mcast-ttl", required_argument, NULL, T_MCAST_TTL },
	{ "timeout", no_argument, NULL, T_TIMEOUT }, { "daemon", no_argument, NULL, T_DAEMON },
	{ "stats", no_argument, NULL, T_STATS }, { "rate", no_argument, NULL, T_RATE },
	{ "thresholds", no_argument, NULL, T_THRESHOLDS }, { "persistent-conn", no_argument, NULL, T_PERSISTENTCONN },
	{ "nosort", no_argument, NULL, T_NOSORT }, { "sort", no_argument, NULL, T_SORT },
	{ "exact", no_argument, NULL, T_EXACT }, { "ipv6", no_argument, NULL, '6' },
	{ "ops", no_argument, NULL, 'o' }, { "pe", required_argument, NULL, T_PE },
	{ "sched-flags", required_argument, NULL, 'b' }, { "tun-info", no_argument, NULL, T_TUN_INFO },
	{ "tun-type", required_argument, NULL, T_TUN_TYPE }, { "tun-port", required_argument, NULL, T_TUN_PORT },
	{ "tun-nocsum", no_argument, NULL, T_TUN_NOCSUM }, { "tun-csum", no_argument, NULL, T_TUN_CSUM },
	{ "tun-remcsum", no_argument, NULL, T_TUN_REMCSUM },
	{ NULL, 0, NULL, 0 },
};

static int
fail(struct vipadm_cmd *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return code;
}

static long long
number(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* host[:port], [v6]:port or v6 alone. Bit 1: an address, bit 2: a port. -1 if malformed. */
static int
parse_addrport(const char *text, uint16_t *af, uint8_t *addr, uint16_t *port, uint16_t proto)
{
	char buf[256], *host = buf, *portp = NULL;
	int result = 1;

	if (strlen(text) >= sizeof(buf) || strspn(text, "0123456789") == strlen(text))
		return -1;	/* a bare number is neither a host nor a port */
	strcpy(buf, text);
	memset(addr, 0, 16);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		/* [v6]:port only, as ipvsadm */
		if (close == NULL || close[1] != ':')
			return -1;
		*close = '\0';
		host = buf + 1;
		portp = close + 2;
	} else if (strchr(buf, ':') == strrchr(buf, ':') && strchr(buf, ':') != NULL) {
		portp = strchr(buf, ':');
		*portp++ = '\0';
	}
	if (inet_pton(AF_INET6, host, addr) == 1) {
		*af = AF_INET6;
	} else if (inet_aton(host, (struct in_addr *)addr) != 0) {
		/* inet_aton, as ipvsadm: 10.1 is 10.0.0.1 */
		*af = AF_INET;
	} else {
		struct addrinfo hints = { .ai_family = AF_INET }, *ai = NULL;

		if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL)
			return -1;
		*af = AF_INET;
		memcpy(addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		freeaddrinfo(ai);
	}
	*port = 0;
	if (portp != NULL) {
		long long p = number(portp, 0, 65535);

		if (p < 0) {
			struct servent *se = getservbyname(portp, proto == IPPROTO_UDP ? "udp" : "tcp");

			if (se == NULL)
				return -1;
			p = ntohs((uint16_t)se->s_port);
		}
		*port = (uint16_t)p;
		result |= 2;
	}
	return result;
}

static int
set_option(struct vipadm_cmd *c, enum opt o)
{
	if (c->options & B(o))
		return fail(c, 2, "multiple '%s' options specified", optnames[o]);
	c->options |= B(o);
	return 0;
}

/* ipvsadm takes the command from the first option only: a later one is an invalid option */
static int
set_command(struct vipadm_cmd *c, enum vipadm_command cmd)
{
	if (c->cmd != VIPADM_NONE)
		return fail(c, 2, "invalid option `%s'", c->opt_text);
	c->cmd = cmd;
	return 0;
}

/* After all options: sh-* and mh-* flags need their scheduler. */
static int
parse_sched_flags(struct vipadm_cmd *c, const char *arg)
{
	char buf[128], *save = NULL;
	bool sh = strcmp(c->svc.sched, "sh") == 0, mh = strcmp(c->svc.sched, "mh") == 0;

	if (strlen(arg) >= sizeof(buf))
		return fail(c, 2, "invalid scheduler flags `%s'", arg);
	strcpy(buf, arg);
	for (char *w = strtok_r(buf, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
		if (((strcmp(w, "sh-fallback") == 0 || strcmp(w, "sh-port") == 0) && !sh) ||
		    ((strcmp(w, "mh-fallback") == 0 || strcmp(w, "mh-port") == 0) && !mh))
			return fail(c, 2, "incompatible scheduler flag `%s'", w);
		if (strcmp(w, "flag-1") == 0 || strcmp(w, "sh-fallback") == 0 || strcmp(w, "mh-fallback") == 0)
			c->svc.flags |= IP_VS_SVC_F_SCHED1;
		else if (strcmp(w, "flag-2") == 0 || strcmp(w, "sh-port") == 0 || strcmp(w, "mh-port") == 0)
			c->svc.flags |= IP_VS_SVC_F_SCHED2;
		else if (strcmp(w, "flag-3") == 0)
			c->svc.flags |= IP_VS_SVC_F_SCHED3;
		else
			return fail(c, 2, "invalid scheduler flag `%s'", w);
	}
	return 0;
}

static int
parse_service_opt(struct vipadm_cmd *c, int ch, const char *arg)
{
	long long v;
	int r = set_option(c, O_SERVICE);

	if (r)
		return r;
	if (ch == 'f') {
		v = number(arg, 1, UINT32_MAX);
		if (v < 0)
			return fail(c, 2, "invalid fwmark value `%s' specified", arg);
		c->svc.fwmark = (uint32_t)v;
		return 0;
	}
	c->svc.protocol = ch == 't' ? IPPROTO_TCP : ch == 'u' ? IPPROTO_UDP : IPPROTO_SCTP;
	if (parse_addrport(arg, &c->svc.af, c->svc.addr, &c->svc.port, c->svc.protocol) < 0)
		return fail(c, 2, "illegal virtual server address[:port] specified");
	return 0;
}

static int
parse_one(struct vipadm_cmd *c, int ch, char *arg, int argc, char **argv)
{
	long long v;
	int r = 0;

	switch (ch) {
	case 'A': return set_command(c, VIPADM_ADD);
	case 'E': return set_command(c, VIPADM_EDIT);
	case 'D': return set_command(c, VIPADM_DEL);
	case 'C': return set_command(c, VIPADM_FLUSH);
	case 'L': case 'l': return set_command(c, VIPADM_LIST);
	case 'Z': return set_command(c, VIPADM_ZERO);
	case 'a': return set_command(c, VIPADM_ADDDEST);
	case 'e': return set_command(c, VIPADM_EDITDEST);
	case 'd': return set_command(c, VIPADM_DELDEST);
	case 'R': return set_command(c, VIPADM_RESTORE);
	case 'S': return set_command(c, VIPADM_SAVE);
	case T_SET: return set_command(c, VIPADM_TIMEOUT);
	case 'h': c->help = true; return 0;
	case T_VERSION: c->version = true; return 0;
	case T_START_DAEMON:
	case T_STOP_DAEMON:
		r = set_command(c, ch == T_START_DAEMON ? VIPADM_STARTDAEMON : VIPADM_STOPDAEMON);
		if (r)
			return r;
		if (strcmp(arg, "master") == 0)
			c->daemon.state = IP_VS_STATE_MASTER;
		else if (strcmp(arg, "backup") == 0)
			c->daemon.state = IP_VS_STATE_BACKUP;
		else
			return fail(c, 2, ch == T_START_DAEMON ? "illegal start-daemon parameter specified" :
								  "illegal start_daemon specified");
		return 0;
	case 't': case 'u': case 'f': case T_SCTP:
		return parse_service_opt(c, ch, arg);
	case '6':
		c->ipv6 = true;
		return 0;
	case 's':
		if ((r = set_option(c, O_SCHEDULER)))
			return r;
		snprintf(c->svc.sched, sizeof(c->svc.sched), "%s", arg);
		return 0;
	case 'b':
		if ((r = set_option(c, O_SCHED_FLAGS)))
			return r;
		snprintf(c->sched_flags, sizeof(c->sched_flags), "%s", arg);
		return 0;
	case 'p':
		if ((r = set_option(c, O_PERSISTENT)))
			return r;
		c->svc.flags |= IP_VS_SVC_F_PERSISTENT;
		c->svc.timeout = DEF_PERSISTENCE;
		/* like popt: an optional argument may be the next word, if it is not an option */
		if (arg == NULL && optind < argc && argv[optind][0] != '-')
			arg = argv[optind++];
		if (arg != NULL) {
			v = number(arg, 1, MAX_TIMEOUT);
			if (v < 0)
				return fail(c, 2, "invalid timeout value `%s' specified", arg);
			c->svc.timeout = (uint32_t)v;
		}
		return 0;
	case 'M':
		if ((r = set_option(c, O_NETMASK)))
			return r;
		snprintf(c->netmask, sizeof(c->netmask), "%s", arg);
		return 0;
	case T_PE:
		if ((r = set_option(c, O_PE)))
			return r;
		snprintf(c->svc.pe, sizeof(c->svc.pe), "%s", arg);
		return 0;
	case 'o':
		if ((r = set_option(c, O_ONEPACKET)))
			return r;
		c->svc.flags |= IP_VS_SVC_F_ONEPACKET;
		return 0;
	case 'r':
		if ((r = set_option(c, O_SERVER)))
			return r;
		r = parse_addrport(arg, &c->dest.af, c->dest.addr, &c->dest.port, c->svc.protocol);
		if (r < 0)
			return fail(c, 2, "illegal real server address[:port] specified");
		c->dest_port_given = (r & 2) != 0;
		return 0;
	case 'g': case 'i': case 'm':
		if ((r = set_option(c, O_FORWARD)))
			return r;
		c->dest.fwd = ch == 'g' ? IP_VS_CONN_F_DROUTE : ch == 'i' ? IP_VS_CONN_F_TUNNEL : IP_VS_CONN_F_MASQ;
		return 0;
	case 'w':
		if ((r = set_option(c, O_WEIGHT)))
			return r;
		if ((v = number(arg, 0, INT_MAX)) < 0)
			return fail(c, 2, "illegal weight specified");
		c->dest.weight = (int32_t)v;
		return 0;
	case 'x':
	case 'y':
		if ((r = set_option(c, ch == 'x' ? O_UTHRESHOLD : O_LTHRESHOLD)))
			return r;
		if ((v = number(arg, 0, INT_MAX)) < 0)
			return fail(c, 2, "illegal %s specified", ch == 'x' ? "u_threshold" : "l_threshold");
		*(ch == 'x' ? &c->dest.u_thresh : &c->dest.l_thresh) = (uint32_t)v;
		return 0;
	case 'n': return set_option(c, O_NUMERIC);
	case 'c': return set_option(c, O_CONNECTION);
	case T_MCAST_INTERFACE:
		if ((r = set_option(c, O_MCAST)))
			return r;
		/* too long a name is cut: the kernel then finds no such device, as with ipvsadm */
		snprintf(c->daemon.ifname, sizeof(c->daemon.ifname), "%s", arg);
		return 0;
	case T_SYNCID:
		if ((r = set_option(c, O_SYNCID)))
			return r;
		if ((v = number(arg, 0, 255)) < 0)
			return fail(c, 2, "illegal syncid specified");
		c->daemon.syncid = (uint32_t)v;
		return 0;
	case T_SYNC_MAXLEN:
		if ((r = set_option(c, O_SYNC_MAXLEN)))
			return r;
		if ((v = number(arg, 1, 65535 - 20 - 8)) < 0)
			return fail(c, 2, "illegal sync-maxlen specified");
		c->daemon.maxlen = (uint16_t)v;
		return 0;
	case T_MCAST_GROUP:
		if ((r = set_option(c, O_MCAST_GROUP)))
			return r;
		c->daemon.group_af = strchr(arg, ':') != NULL ? AF_INET6 : AF_INET;
		if (inet_pton(c->daemon.group_af, arg, c->daemon.group) != 1)
			return fail(c, 2, "invalid IPv%d mcast-group `%s'", c->daemon.group_af == AF_INET6 ? 6 : 4, arg);
		return 0;
	case T_MCAST_PORT:
		if ((r = set_option(c, O_MCAST_PORT)))
			return r;
		if ((v = number(arg, 1, 65535)) < 0)
			return fail(c, 2, "illegal mcast-port specified");
		c->daemon.port = (uint16_t)v;
		return 0;
	case T_MCAST_TTL:
		if ((r = set_option(c, O_MCAST_TTL)))
			return r;
		if ((v = number(arg, 1, 255)) < 0)
			return fail(c, 2, "illegal mcast-ttl specified");
		c->daemon.ttl = (uint8_t)v;
		return 0;
	case T_TIMEOUT: c->fmt_list = VIPADM_LIST_TIMEOUT; return set_option(c, O_TIMEOUT);
	case T_DAEMON: c->fmt_list = VIPADM_LIST_DAEMON; return set_option(c, O_DAEMON);
	case T_STATS: c->fmt |= VIPADM_FMT_STATS; return set_option(c, O_STATS);
	case T_RATE: c->fmt |= VIPADM_FMT_RATE; return set_option(c, O_RATE);
	case T_THRESHOLDS: c->fmt |= VIPADM_FMT_THRESHOLDS; return set_option(c, O_THRESHOLDS);
	case T_PERSISTENTCONN: c->fmt |= VIPADM_FMT_PERSISTENTCONN; return set_option(c, O_PERSISTENTCONN);
	case T_NOSORT: c->fmt |= VIPADM_FMT_NOSORT; return set_option(c, O_NOSORT);
	case T_SORT: return 0;
	case T_EXACT: c->fmt |= VIPADM_FMT_EXACT; return set_option(c, O_EXACT);
	case T_TUN_INFO: c->fmt |= VIPADM_FMT_TUN_INFO; return set_option(c, O_TUN_INFO);
	case T_TUN_TYPE:
		if ((r = set_option(c, O_TUN_TYPE)))
			return r;
		for (int i = 0; i < 3; i++)
			if (strcmp(arg, tunnames[i]) == 0) {
				c->dest.tun_type = (uint8_t)i;
				return 0;
			}
		return fail(c, 2, "illegal tunnel type specified");
	case T_TUN_PORT:
		if ((r = set_option(c, O_TUN_PORT)))
			return r;
		if ((v = number(arg, 1, 65535)) < 0)
			return fail(c, 2, "illegal tunnel port specified");
		c->dest.tun_port = (uint16_t)v;
		return 0;
	case T_TUN_NOCSUM: return set_option(c, O_TUN_NOCSUM);
	case T_TUN_CSUM: c->dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_CSUM; return set_option(c, O_TUN_CSUM);
	case T_TUN_REMCSUM: c->dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM; return set_option(c, O_TUN_REMCSUM);
	default:
		return fail(c, 2, "invalid option");
	}
}

static int
check_options(struct vipadm_cmd *c)
{
	int count = 0, last = 0;

	for (int i = 0; i < O_MAX; i++) {
		bool given = c->options & B(i);

		if (!given) {
			if (cmd_opts[c->cmd].required & B(i))
				return fail(c, 2, "You need to supply the '%s' option for the '%s' command", optnames[i],
					    cmdnames[c->cmd]);
			continue;
		}
		if (cmd_opts[c->cmd].one_of & B(i)) {
			if (++count == 1) {
				last = i;
				continue;
			}
			return fail(c, 2, "The option '%s' conflicts with the '%s' option in the '%s' command",
				    optnames[i], optnames[last], cmdnames[c->cmd]);
		}
		if (!((cmd_opts[c->cmd].required | cmd_opts[c->cmd].allowed) & B(i)))
			return fail(c, 2, "Illegal '%s' option with the '%s' command", optnames[i], cmdnames[c->cmd]);
	}
	return 0;
}

static int
check_tunnel(struct vipadm_cmd *c)
{
	int count = 0, last = 0;

	for (int j = 0; j < 4; j++) {
		enum opt o = tun_opt_index[j];
		char rule = tun_opts[c->dest.tun_type][j];

		if (!(c->options & B(o))) {
			if (rule == '+')
				return fail(c, 2, "You need to supply the '%s' option for the '%s' tunnel type",
					    optnames[o], tunnames[c->dest.tun_type]);
			continue;
		}
		if (rule == 'x')
			return fail(c, 2, "Illegal '%s' option with the '%s' tunnel type", optnames[o],
				    tunnames[c->dest.tun_type]);
		if (rule == '1') {
			if (++count == 1) {
				last = o;
				continue;
			}
			return fail(c, 2, "The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
				    optnames[o], optnames[last], tunnames[c->dest.tun_type]);
		}
	}
	return 0;
}

static int
parse_netmask(struct vipadm_cmd *c)
{
	struct in_addr a;

	if (c->svc.af == AF_INET6) {
		long long v = number(c->netmask, 1, 128);

		if (v < 0)
			return fail(c, 2, "illegal ipv6 netmask specified");
		c->svc.netmask = (uint32_t)v;
		return 0;
	}
	/* inet_aton, like ipvsadm: "24" is 0.0.0.24 and "1.2.3" is 1.2.0.3 */
	if (inet_aton(c->netmask, &a) == 0)
		return fail(c, 2, "illegal netmask specified");
	c->svc.netmask = a.s_addr;
	return 0;
}

/* Fills in what ipvsadm derives from the options, and refuses what it refuses. */
static int
finish(struct vipadm_cmd *c)
{
	int r;

	if (c->cmd == VIPADM_LIST && (c->options & (B(O_CONNECTION))))
		c->fmt_list = VIPADM_LIST_CONN;
	if ((r = check_options(c)))
		return r;
	if (c->options & B(O_NUMERIC))
		c->fmt |= VIPADM_FMT_NUMERIC;
	if (c->svc.fwmark)
		c->svc.af = c->ipv6 ? AF_INET6 : AF_INET;
	if (c->svc.af == 0)
		c->svc.af = AF_INET;
	c->svc.netmask = c->svc.af == AF_INET6 ? 128 : 0xffffffffu;
	if ((c->options & B(O_NETMASK)) && (r = parse_netmask(c)))
		return r;
	if (c->cmd == VIPADM_ADD || c->cmd == VIPADM_EDIT) {
		if (c->svc.sched[0] == '\0')
			strcpy(c->svc.sched, DEF_SCHED);
		if (c->sched_flags[0] && (r = parse_sched_flags(c, c->sched_flags)))
			return r;
		if (c->svc.fwmark == 0 && c->svc.port == 0 && !(c->svc.flags & IP_VS_SVC_F_PERSISTENT))
			return fail(c, 2, "Zero port specified for non-persistent service");
		if ((c->svc.flags & IP_VS_SVC_F_ONEPACKET) && c->svc.protocol != IPPROTO_UDP)
			return fail(c, 2, "One-Packet Scheduling is only for UDP virtual services");
	}
	if (c->cmd == VIPADM_ADDDEST || c->cmd == VIPADM_EDITDEST) {
		uint32_t fwd = c->dest.fwd;

		if (c->svc.fwmark == 0 && (fwd == IP_VS_CONN_F_TUNNEL || fwd == IP_VS_CONN_F_DROUTE || !c->dest_port_given))
			c->dest.port = c->svc.port;
		if (c->dest.af != c->svc.af && fwd != IP_VS_CONN_F_TUNNEL)
			return fail(c, 2, "Different address family is allowed only for tunneling servers");
		if ((c->options & TUN_OPTS) && fwd != IP_VS_CONN_F_TUNNEL)
			return fail(c, 2, "Tunnel options conflict with forward method");
		if ((r = check_tunnel(c)))
			return r;
	}
	if (c->cmd == VIPADM_STARTDAEMON && c->daemon.ifname[0] == '\0')
		strcpy(c->daemon.ifname, "eth0");
	return 0;
}

static bool
is_command(int ch)
{
	return strchr("AEDCLlZaedRSh", ch) != NULL || ch == T_SET || ch == T_START_DAEMON || ch == T_STOP_DAEMON ||
	       ch == T_VERSION || ch == 'v';
}

int
vipadm_parse(int argc, char **argv, struct vipadm_cmd *c)
{
	int ch, r;

	memset(c, 0, sizeof(*c));
	c->dest.weight = 1;
	c->dest.fwd = IP_VS_CONN_F_DROUTE;
	c->dest.af = AF_INET;
	optind = 0;
	opterr = 0;
	if (argc <= 1) {	/* no arguments: list the table */
		c->cmd = VIPADM_LIST;
		return finish(c);
	}
	for (;;) {
		int li = -1;

		ch = getopt_long(argc, argv, "+AEDCLlZaedRShvt:u:f:s:p::M:r:mgiw:x:y:nc6ob:", long_opts, &li);
		if (ch == -1)
			break;
		if (ch == '?')
			return fail(c, VIPADM_EXIT_TRYHELP, "invalid option");
		if (li >= 0)
			snprintf(c->opt_text, sizeof(c->opt_text), "--%s", long_opts[li].name);
		else
			snprintf(c->opt_text, sizeof(c->opt_text), "-%c", ch);
		/* the first option must be a command (or -h): ipvsadm then only points to its help */
		if (c->cmd == VIPADM_NONE && !c->help && !c->version && !is_command(ch))
			return fail(c, VIPADM_EXIT_TRYHELP, "no command");
		if (ch == 'v')
			ch = T_VERSION;
		r = parse_one(c, ch, optarg, argc, argv);
		if (r)
			return r;
	}
	if (c->help || c->version)
		return 0;
	if (c->cmd == VIPADM_TIMEOUT) {
		long long v[3];

		if (argc - optind < 3)
			return fail(c, 2, "--set option requires 3 timeout values");
		for (int i = 0; i < 3; i++) {
			v[i] = number(argv[optind + i], 0, MAX_TIMEOUT);
			if (v[i] < 0)
				return fail(c, 2, "invalid timeout value `%s' specified", argv[optind + i]);
		}
		c->timeouts.tcp = (uint32_t)v[0];
		c->timeouts.tcpfin = (uint32_t)v[1];
		c->timeouts.udp = (uint32_t)v[2];
		optind += 3;
	}
	if (c->cmd == VIPADM_NONE)
		return fail(c, VIPADM_EXIT_TRYHELP, "no command");
	if (optind < argc)
		return fail(c, 2, "unexpected argument %s", argv[optind]);
	return finish(c);
}

/* ipvsadm's words for the kernel's refusals. */
const char *
vipadm_strerror(enum vipadm_command cmd, int err)
{
	err = err < 0 ? -err : err;
	switch (err) {
	case EPERM:
		return "Permission denied (you must be root)";
	case EEXIST:
		return cmd == VIPADM_ADD ? "Service already exists" :
		       cmd == VIPADM_ADDDEST ? "Destination already exists" :
		       cmd == VIPADM_STARTDAEMON ? "Daemon has already run" : strerror(err);
	case ENOENT:
		return cmd == VIPADM_ADD || cmd == VIPADM_EDIT ? "Scheduler or persistence engine not found" :
		       cmd == VIPADM_EDITDEST || cmd == VIPADM_DELDEST ? "No such destination" : strerror(err);
	case ESRCH:
		return cmd == VIPADM_ADDDEST || cmd == VIPADM_EDITDEST || cmd == VIPADM_DELDEST ? "Service not defined" :
		       cmd == VIPADM_STOPDAEMON ? "No daemon is running" : "No such service";
	default:
		return strerror(err);
	}
}
