/* vipd: command line, config test, daemon start. The running daemon is core/parent.c. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "autoconfig.h"
#include "core/child.h"
#include "core/conf.h"
#include "core/parent.h"
#include "core/pidfile.h"
#include "lib/log.h"

#define DEFAULT_CONFIG "/etc/vipd/vipd.conf"
#define KEEPALIVED_CONFIG "/etc/keepalived/keepalived.conf"
#define DEFAULT_PIDFILE "/run/vipd/vipd.pid"
#define DEFAULT_SOCKET "/run/vipd/vipd.sock"

enum { OPT_VRRP = 256, OPT_CHECK, OPT_IPVS, OPT_SYNC, OPT_BFD, OPT_METRICS, OPT_VERSION, OPT_STRICT };

/* vipd -t's exit codes are keepalived -t's, so scripts that check them keep working */
enum { TEST_OK = 0, TEST_FATAL = 4, TEST_RECOVERED = 5, TEST_SECURITY = 6 };

static const struct option long_options[] = {
	{ "use-file", required_argument, NULL, 'f' },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "log-console", no_argument, NULL, 'l' },
	{ "log-detail", no_argument, NULL, 'D' },
	{ "config-test", no_argument, NULL, 't' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "config-id", required_argument, NULL, 'i' },
	{ "pid", required_argument, NULL, 'p' },
	{ "socket", required_argument, NULL, 's' },
	{ "vrrp", no_argument, NULL, OPT_VRRP },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "ipvs", no_argument, NULL, OPT_IPVS },
	{ "bfd", no_argument, NULL, OPT_BFD },
	{ "metrics", no_argument, NULL, OPT_METRICS },
	{ "sync", no_argument, NULL, OPT_SYNC },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: vipd [-f FILE] [-n] [-l] [-D] [-t [--strict]] [-i ID] [-p PIDFILE] [-s SOCKET]\n"
		"            [--vrrp] [--check] [--ipvs] [--sync] [--bfd] [--metrics]\n"
		"  -f, --use-file FILE   configuration (default " DEFAULT_CONFIG ")\n"
		"  -n, --dont-fork       stay in the foreground\n"
		"  -l, --log-console     log to stderr instead of syslog\n"
		"  -D, --log-detail      log debug detail\n"
		"  -t, --config-test     check the configuration, print every error, and exit\n"
		"                        (0 clean, 4 errors, 5 errors recovered from as keepalived does)\n"
		"      --strict          with -t: an error keepalived would recover from is an error\n"
		"  -i, --config-id ID    for @ID lines (default: the host name)\n"
		"  -p, --pid PIDFILE     (default " DEFAULT_PIDFILE ")\n"
		"  -s, --socket PATH     control socket (default " DEFAULT_SOCKET ")\n"
		"  --vrrp --check --ipvs --sync --bfd --metrics   run only these children\n");
}

static int
config_test(const char *path, const char *id, bool strict)
{
	struct cfg_diag diag;
	struct config *conf = conf_load_strict(path, id, strict, &diag);
	/* keepalived's order: a script security violation hides the recoveries; an error (vipd does not
	 * run the file) hides both */
	int rc = conf == NULL ? TEST_FATAL : diag.security ? TEST_SECURITY : diag.nrecovered > 0 ? TEST_RECOVERED :
		 TEST_OK;

	for (size_t i = 0; i < diag.nwarnings; i++)
		fprintf(stderr, "warning: %s\n", diag.warnings[i]);
	for (size_t i = 0; i < diag.nrecovered; i++)
		fprintf(stderr, "recovered: %s\n", diag.recovered[i]);
	for (size_t i = 0; i < diag.nerrors; i++)
		fprintf(stderr, "%s\n", diag.errors[i]);
	if (conf == NULL) {
		fprintf(stderr, "vipd: %s: %zu error%s\n", path, diag.nerrors, diag.nerrors == 1 ? "" : "s");
	} else {
		if (diag.nrecovered > 0)
			fprintf(stderr, "vipd: %s: %zu error%s recovered from, as keepalived does (--strict refuses "
				"them)\n", path, diag.nrecovered, diag.nrecovered == 1 ? "" : "s");
		if (diag.security)
			fprintf(stderr, "vipd: %s: scripts run and enable_script_security is not set (keepalived -t "
				"exits 6 too); both run the file\n", path);
	}
	cfg_diag_free(&diag);
	config_free(conf);
	return rc;
}

/* A keepalived user who just installed vipd: say where their config is. */
static void
hint_keepalived(const char *path)
{
	struct stat st;

	if (strcmp(path, DEFAULT_CONFIG) == 0 && stat(path, &st) == -1 && errno == ENOENT &&
	    stat(KEEPALIVED_CONFIG, &st) == 0)
		fprintf(stderr, "vipd: %s does not exist, but %s does: vipd reads the same grammar, so run "
			"vipd -f %s or copy it to %s\n", DEFAULT_CONFIG, KEEPALIVED_CONFIG, KEEPALIVED_CONFIG,
			DEFAULT_CONFIG);
}

/* The daemon runs in "/": paths given relative to where it was started are made absolute. */
static const char *
absolute(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return path;
	if ((size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
		fatalx("path too long: %s", path);
	return buf;
}

static void
daemonize(void)
{
	pid_t pid = fork();

	if (pid == -1)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() == -1)
		fatal("setsid");
	if (freopen("/dev/null", "r", stdin) == NULL || freopen("/dev/null", "w", stdout) == NULL ||
	    freopen("/dev/null", "w", stderr) == NULL)
		fatal("/dev/null");
}

int
main(int argc, char **argv)
{
	struct parent_opts opts = { .config_path = DEFAULT_CONFIG, .pidfile = DEFAULT_PIDFILE,
				    .socket_path = DEFAULT_SOCKET };
	bool foreground = false, test = false, strict = false;
	char abspath[PATH_MAX], pidpath[PATH_MAX], sockpath[PATH_MAX], err[512];
	struct cfg_diag diag;
	struct config *conf;
	int ch, pidfd, rc;

	while ((ch = getopt_long(argc, argv, "f:nlDti:p:s:hv", long_options, NULL)) != -1) {
		switch (ch) {
		case 'f': opts.config_path = optarg; break;
		case 'n': foreground = true; break;
		case 'l': opts.log_flags |= LOG_F_STDERR; break;
		case 'D': opts.log_flags |= LOG_F_DEBUG; break;
		case 't': test = true; break;
		case OPT_STRICT: strict = true; break;
		case 'i': opts.config_id = optarg; break;
		case 'p': opts.pidfile = optarg; break;
		case 's': opts.socket_path = optarg; break;
		case OPT_VRRP: opts.child_filter |= CHILD_BIT(CHILD_VRRP); break;
		case OPT_CHECK: opts.child_filter |= CHILD_BIT(CHILD_CHECKERS); break;
		case OPT_IPVS: opts.child_filter |= CHILD_BIT(CHILD_IPVS); break;
		case OPT_SYNC: opts.child_filter |= CHILD_BIT(CHILD_SYNC); break;
		case OPT_BFD: opts.child_filter |= CHILD_BIT(CHILD_BFD); break;
		case OPT_METRICS: opts.child_filter |= CHILD_BIT(CHILD_METRICS); break;
		case OPT_VERSION: printf("vipd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (opts.child_filter == 0)
		opts.child_filter = CHILD_ALL;
	hint_keepalived(opts.config_path);
	if (test)
		return config_test(opts.config_path, opts.config_id, strict);

	log_init("parent", opts.log_flags | LOG_F_STDERR);
	/* reloads re-read the same file after chdir("/") and from a daemon */
	if (realpath(opts.config_path, abspath) == NULL)
		fatal("%s", opts.config_path);
	opts.config_path = abspath;
	opts.pidfile = absolute(opts.pidfile, pidpath, sizeof(pidpath));
	opts.socket_path = absolute(opts.socket_path, sockpath, sizeof(sockpath));
	conf = conf_load(opts.config_path, opts.config_id, &diag);
	for (size_t i = 0; i < diag.nwarnings; i++)
		log_warnx("%s", diag.warnings[i]);
	for (size_t i = 0; i < diag.nrecovered; i++)
		log_warnx("recovered: %s", diag.recovered[i]);
	for (size_t i = 0; i < diag.nerrors; i++)
		log_warnx("%s", diag.errors[i]);
	cfg_diag_free(&diag);
	if (conf == NULL)
		fatalx("%s has errors; not starting", opts.config_path);
	if ((pidfd = pidfile_acquire(opts.pidfile, err, sizeof(err))) == -1)
		fatalx("%s", err);
	if (!foreground)
		daemonize();
	if (chdir("/") == -1)
		fatal("chdir /");
	log_init("parent", opts.log_flags);
	if (pidfile_write(pidfd) == -1)
		fatal("writing %s", opts.pidfile);
	child_set_argv(argc, argv);
	rc = parent_run(&opts, conf);
	pidfile_release(opts.pidfile, pidfd);
	return rc;
}
