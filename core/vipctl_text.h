/* vipctl status in text: the tables of what the children report. */
#ifndef VIPD_VIPCTL_TEXT_H
#define VIPD_VIPCTL_TEXT_H

#include <json-c/json.h>

/* Prints, after the children's table, their instances, services, real servers and sync state. */
void vipctl_print_children_status(struct json_object *children);

#endif
