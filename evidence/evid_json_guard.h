/* evid_json_guard — JSON from the outside (the bus, a file a stranger hands
 * over) checked before json-glib sees it, and type-checked member access.
 *
 * json-glib parses recursively (200,000 nested '[' overflow the stack) and
 * reads any length; its *_with_default getters abort or return NULL when a
 * member has another type than asked. So: evid_json_guard_check bounds the
 * size, the nesting depth (brackets counted outside strings) and requires
 * valid UTF-8 without NUL; evid_json_guard_parse does that, then parses; the
 * evid_json_member_* getters check the member's type and say which member
 * was wrong and what it held instead.
 *
 * Example:
 *
 *   g_autoptr (JsonNode) root = evid_json_guard_parse (data, len, 64 * 1024,
 *                                                      EVID_JSON_GUARD_DEPTH, error);
 *   JsonObject *o = root ? evid_json_guard_object (root, "signal message", error) : NULL;
 *   const char *phase = o ? evid_json_member_string (o, "phase", FALSE, error) : NULL;
 */
#ifndef CW_EVID_JSON_GUARD_H
#define CW_EVID_JSON_GUARD_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define EVID_JSON_ERROR (evid_json_error_quark ())
GQuark evid_json_error_quark (void);

typedef enum {
  EVID_JSON_ERROR_TOO_LARGE, /* more bytes than the caller's limit */
  EVID_JSON_ERROR_TOO_DEEP,  /* nested deeper than the caller's limit */
  EVID_JSON_ERROR_ENCODING,  /* not UTF-8, or holds a NUL byte */
  EVID_JSON_ERROR_SYNTAX,    /* json-glib refused it */
  EVID_JSON_ERROR_TYPE,      /* a value of the wrong type, or a member missing */
} EvidJsonError;

/* A depth no message of ours comes near (a packet nests 4 deep). */
#define EVID_JSON_GUARD_DEPTH 32

/* Checks TEXT (LEN bytes) without parsing it: LEN <= MAX_BYTES, arrays and
 * objects nested at most MAX_DEPTH deep, valid UTF-8 without NUL bytes.
 * Returns TRUE, or FALSE with an EVID_JSON_ERROR saying which limit. */
gboolean evid_json_guard_check (const char *text, gsize len, gsize max_bytes, guint max_depth, GError **error);

/* evid_json_guard_check, then json-glib. Returns the root node (free with
 * json_node_unref), or NULL with ERROR (EVID_JSON_ERROR_SYNTAX carries
 * json-glib's message). */
JsonNode *evid_json_guard_parse (const char *text, gsize len, gsize max_bytes, guint max_depth, GError **error);

/* NODE's object, or NULL with EVID_JSON_ERROR_TYPE ("WHAT is not a JSON
 * object"). */
JsonObject *evid_json_guard_object (JsonNode *node, const char *what, GError **error);

/* Type-checked members of O. Each fails with EVID_JSON_ERROR_TYPE naming the
 * member ("member 'utc': string expected, got a number") when it is missing
 * or of another type; with NULLABLE a JSON null is accepted and gives NULL
 * (so NULL is a failure only when ERROR is set). */
const char *evid_json_member_string (JsonObject *o, const char *name, gboolean nullable, GError **error);
JsonObject *evid_json_member_object (JsonObject *o, const char *name, gboolean nullable, GError **error);
JsonArray *evid_json_member_array (JsonObject *o, const char *name, gboolean nullable, GError **error);
/* An integer (a JSON number without fraction or exponent). */
gboolean evid_json_member_int (JsonObject *o, const char *name, gint64 *out, GError **error);
/* Any JSON number, as a double; FALSE for NaN/inf too. */
gboolean evid_json_member_double (JsonObject *o, const char *name, double *out, GError **error);
gboolean evid_json_member_bool (JsonObject *o, const char *name, gboolean *out, GError **error);

/* "a string", "a number", "null", "an object", ... for messages. */
const char *evid_json_node_describe (JsonNode *node);

/* TRUE when NODE holds a number (integer or not) and stores it in *OUT. */
gboolean evid_json_node_number (JsonNode *node, double *out);

G_END_DECLS

#endif
