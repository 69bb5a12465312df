/* For Check tests that give configuration text to the real conf_load, which reads files. */
#ifndef VIPD_TEST_CONF_TEXT_H
#define VIPD_TEST_CONF_TEXT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"

/* Loads text as a configuration file read with config_id (NULL: the host name); diag as conf_load's. */
static inline struct config *
conf_load_text(const char *text, const char *config_id, struct cfg_diag *diag)
{
	char path[] = "/tmp/vipd-unit-conf-XXXXXX";
	int fd = mkstemp(path);
	struct config *conf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	conf = conf_load(path, config_id, diag);
	unlink(path);
	return conf;
}

#endif
