/* One log line per message: "vipd: PROC: message" on syslog, with a timestamp and pid on stderr. */
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Per process (each child sets its own name after fork); never shared across processes. */
static struct {
	char procname[32];
	int flags;
	int syslog_open;
} logstate = { "vipd", LOG_F_STDERR, 0 };

void
log_init(const char *procname, int flags)
{
	logstate.flags = flags;
	log_set_procname(procname);
	if (logstate.syslog_open)
		closelog();
	logstate.syslog_open = 0;
	if (!(flags & LOG_F_STDERR)) {
		openlog("vipd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		logstate.syslog_open = 1;
	}
}

int
log_flags(void)
{
	return logstate.flags;
}

void
log_set_procname(const char *procname)
{
	snprintf(logstate.procname, sizeof(logstate.procname), "%s", procname);
}

const char *
log_procname(void)
{
	return logstate.procname;
}

static void
log_emit(int prio, const char *fmt, va_list ap, int with_errno)
{
	char msg[2048];
	int saved = errno;
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (with_errno && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
	if (logstate.flags & LOG_F_STDERR) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld vipd[%d]: %s: %s\n", when, ts.tv_nsec / 1000000, (int)getpid(),
			logstate.procname, msg);
	} else {
		syslog(prio, "%s: %s", logstate.procname, msg);
	}
	errno = saved;
}

#define LOG_FN(fn, prio, with_errno, gate)		\
	void fn(const char *fmt, ...)			\
	{						\
		va_list ap;				\
		if (!(gate))				\
			return;				\
		va_start(ap, fmt);			\
		log_emit(prio, fmt, ap, with_errno);	\
		va_end(ap);				\
	}

LOG_FN(log_warn, LOG_WARNING, 1, 1)
LOG_FN(log_warnx, LOG_WARNING, 0, 1)
LOG_FN(log_info, LOG_INFO, 0, 1)
LOG_FN(log_debug, LOG_DEBUG, 0, logstate.flags & LOG_F_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
