/*
 * Requests on the control socket (control_request: the line a client sent, up to its newline, as
 * client_read hands it over), answered by a handler that records what it was given.
 * Input: what the client writes.
 * Invariants: there is always a reply object; the handler is called exactly when the line is a JSON
 * object whose "command" is a string, and is given that string; the reply serialises.
 */
#include "fuzz/fuzz.h"

#include <stdbool.h>

#include "core/control.h"

static bool called;

static struct json_object *
handler(const char *command, struct json_object *request, void *data)
{
	struct json_object *cmd = NULL, *o = json_object_new_object();

	called = true;
	FUZZ_ASSERT(command != NULL && request != NULL && data == &called);
	FUZZ_ASSERT(json_object_object_get_ex(request, "command", &cmd));
	FUZZ_ASSERT(strcmp(json_object_get_string(cmd), command) == 0);
	if (o != NULL)
		json_object_object_add(o, "ok", json_object_new_string(command));
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* client_read's buffer: at most CONTROL_MAX_REQUEST - 1 bytes, cut at the first newline */
	size_t n = size < CONTROL_MAX_REQUEST - 1 ? size : CONTROL_MAX_REQUEST - 1;
	char *line = malloc(n + 1), *nl;
	struct json_object *reply, *v = NULL;
	const char *text;

	if (line == NULL)
		return 0;
	memcpy(line, data, n);
	line[n] = '\0';
	if ((nl = memchr(line, '\n', n)) != NULL)
		*nl = '\0';
	called = false;
	reply = control_request(line, handler, &called);
	FUZZ_ASSERT(reply != NULL && json_object_is_type(reply, json_type_object));
	FUZZ_ASSERT(called == json_object_object_get_ex(reply, "ok", &v));
	FUZZ_ASSERT(called != json_object_object_get_ex(reply, "error", NULL));
	text = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
	FUZZ_ASSERT(text != NULL && text[0] == '{');
	json_object_put(reply);
	free(line);
	return 0;
}
