/* The number a track_file holds, read the same way by the vrrp child (track_file) and the checkers child
 * (FILE_CHECK). */
#ifndef VIPD_TRACK_FILE_H
#define VIPD_TRACK_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/config.h"

/* The number at the start of the file (decimal, 0x hex or 0 octal): 0 when the file is missing, empty or
 * holds no number, as in keepalived. missing (may be NULL) tells the first case apart. */
int64_t track_file_value(const char *path, bool *missing);
/* init_file: writes the block's value if the file is missing (or in any case, with overwrite); nothing
 * without init_file. Each child that reads the file calls it when it takes a configuration. */
void track_file_init(const struct cfg_vrrp_track_file *tf);
/* Adds the file's directory to an inotify instance: editors and `mv` replace files, and a missing one may
 * appear, so the directory is what changes. Logs and returns -1 if it cannot. */
int track_file_watch(int inotify_fd, const struct cfg_vrrp_track_file *tf);

#endif
