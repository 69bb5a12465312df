/* The number a track_file holds, read the same way by the vrrp child (track_file) and the checkers child
 * (FILE_CHECK). */
#ifndef VIPD_TRACK_FILE_H
#define VIPD_TRACK_FILE_H

#include <stdbool.h>
#include <stdint.h>

/* The number at the start of the file (decimal, 0x hex or 0 octal): 0 when the file is missing, empty or
 * holds no number, as in keepalived. missing (may be NULL) tells the first case apart. */
int64_t track_file_value(const char *path, bool *missing);

#endif
