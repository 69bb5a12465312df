/* Logging shared by every vipd process: one line per message, the process name in each. */
#ifndef VIPD_LOG_H
#define VIPD_LOG_H

#include <stdarg.h>
#include <stdnoreturn.h>

enum log_flags {
	LOG_F_STDERR = 1 << 0,	/* write to stderr (-l, tests); otherwise syslog */
	LOG_F_DEBUG = 1 << 1,	/* -D: log_debug() lines too */
};

/* (Re)opens the log; a child calls it again after fork, its inherited syslog socket being closed. */
void log_init(const char *procname, int flags);
int log_flags(void);
/* After fork: the child's name ("vrrp") for every further line. */
void log_set_procname(const char *procname);
const char *log_procname(void);

/* log_warn and fatal append ": strerror(errno)"; the x-variants do not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
