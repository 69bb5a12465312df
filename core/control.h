/*
 * The control socket: a unix stream socket (mode 0600) where a client sends one JSON request line,
 * {"command": "status"}, and reads one JSON reply line. Only root (or vipd's own user) may talk to it.
 */
#ifndef VIPD_CONTROL_H
#define VIPD_CONTROL_H

#include <json-c/json.h>

#include "lib/event.h"

/* Answers a request: returns the reply object (owned by the caller afterwards). */
typedef struct json_object *(*control_handler)(const char *command, struct json_object *request, void *data);

struct control;

/* Binds path (replacing a stale socket) and listens. NULL on failure (logged). */
struct control *control_open(struct ev_loop *loop, const char *path, control_handler handler, void *data);
/* Closes the listener and every client, and removes the socket file. */
void control_close(struct control *ctl);

/* One request line (without its newline) answered: the reply object, an error one when the line is not a
 * JSON object with a "command" string (never NULL unless memory ran out twice). Pure but for the handler. */
struct json_object *control_request(const char *line, control_handler handler, void *data);

#define CONTROL_MAX_REQUEST (64 * 1024)
#define CONTROL_MAX_CLIENTS 64

#endif
