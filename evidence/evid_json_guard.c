#include "evid_json_guard.h"

#include <string.h>

#include <math.h>

G_DEFINE_QUARK (evid-json-error-quark, evid_json_error)

/* Deepest nesting of arrays and objects, counted outside strings; stops
 * counting once past MAX_DEPTH (the answer is then MAX_DEPTH + 1). Unbalanced
 * brackets are the parser's business, not this scan's. */
static guint
nesting_depth (const char *text, gsize len, guint max_depth, gboolean *out_strict, gboolean *out_nul)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;
  *out_strict = TRUE;
  *out_nul = FALSE;
  for (gsize i = 0; i < len; i++) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        /* \u0000 would end the C string json-glib hands out: what follows
         * it would be silently cut off */
        if (i + 5 < len && text[i + 1] == 'u' && !strncmp (text + i + 2, "0000", 4))
          *out_nul = TRUE;
        i++; /* the escaped character cannot end the string */
      } else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > max_depth)
        break;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    } else if (!strchr (" \t\r\n,:0123456789+-.eEtrufalsn", c)) {
      /* json-glib also reads comments and single-quoted strings, where a
       * '"' or a bracket means something else than this count assumes:
       * outside strings only what strict JSON has may stand */
      *out_strict = FALSE;
      break;
    }
  }
  return deepest;
}

gboolean
evid_json_guard_check (const char *text, gsize len, gsize max_bytes, guint max_depth, GError **error)
{
  if (!text && len) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_SYNTAX, "no JSON text");
    return FALSE;
  }
  if (len > max_bytes) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_TOO_LARGE, "JSON text too large (%" G_GSIZE_FORMAT
                 " bytes, at most %" G_GSIZE_FORMAT ")", len, max_bytes);
    return FALSE;
  }
  const char *end = NULL;
  if (len && !g_utf8_validate_len (text, len, &end)) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_ENCODING, "JSON text is not UTF-8 (or holds a NUL) at byte %"
                 G_GSIZE_FORMAT, (gsize) (end - text));
    return FALSE;
  }
  gboolean strict, nul;
  guint depth = nesting_depth (text, len, max_depth, &strict, &nul);
  if (nul) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_ENCODING, "a string in the JSON text holds a NUL (\\u0000)");
    return FALSE;
  }
  if (!strict) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_SYNTAX,
                 "not strict JSON (a comment, a single-quoted string or another character outside strings)");
    return FALSE;
  }
  if (depth > max_depth) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_TOO_DEEP, "JSON nested deeper than %u levels", max_depth);
    return FALSE;
  }
  return TRUE;
}

JsonNode *
evid_json_guard_parse (const char *text, gsize len, gsize max_bytes, guint max_depth, GError **error)
{
  if (!evid_json_guard_check (text, len, max_bytes, max_depth, error))
    return NULL;
  if (len == 0 || len > G_MAXSSIZE) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_SYNTAX, "empty JSON text");
    return NULL;
  }
  g_autoptr (JsonParser) parser = json_parser_new ();
  GError *local = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local)) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_SYNTAX, "not JSON: %s", local->message);
    g_error_free (local);
    return NULL;
  }
  JsonNode *root = json_parser_get_root (parser);
  if (!root) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_SYNTAX, "empty JSON text");
    return NULL;
  }
  return json_node_ref (root);
}

const char *
evid_json_node_describe (JsonNode *node)
{
  if (!node)
    return "nothing";
  switch (JSON_NODE_TYPE (node)) {
  case JSON_NODE_OBJECT:
    return "an object";
  case JSON_NODE_ARRAY:
    return "an array";
  case JSON_NODE_NULL:
    return "null";
  case JSON_NODE_VALUE:
    break;
  }
  GType t = json_node_get_value_type (node);
  if (t == G_TYPE_STRING)
    return "a string";
  if (t == G_TYPE_BOOLEAN)
    return "a boolean";
  if (t == G_TYPE_INT64)
    return "an integer";
  if (t == G_TYPE_DOUBLE)
    return "a number with a fraction or exponent";
  return "an unknown value";
}

JsonObject *
evid_json_guard_object (JsonNode *node, const char *what, GError **error)
{
  if (!node || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_TYPE, "%s is not a JSON object (it is %s)", what,
                 evid_json_node_describe (node));
    return NULL;
  }
  return json_node_get_object (node);
}

/* O's member NAME, or NULL with an error naming it when missing. */
static JsonNode *
member (JsonObject *o, const char *name, GError **error)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (!n)
    g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_TYPE, "member '%s' missing", name);
  return n;
}

static void
wrong_type (GError **error, const char *name, const char *expected, JsonNode *n)
{
  g_set_error (error, EVID_JSON_ERROR, EVID_JSON_ERROR_TYPE, "wrong type for member '%s': %s expected, got %s", name,
               expected, evid_json_node_describe (n));
}

const char *
evid_json_member_string (JsonObject *o, const char *name, gboolean nullable, GError **error)
{
  JsonNode *n = member (o, name, error);
  if (!n || (nullable && JSON_NODE_HOLDS_NULL (n)))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING) {
    wrong_type (error, name, "a string", n);
    return NULL;
  }
  return json_node_get_string (n);
}

JsonObject *
evid_json_member_object (JsonObject *o, const char *name, gboolean nullable, GError **error)
{
  JsonNode *n = member (o, name, error);
  if (!n || (nullable && JSON_NODE_HOLDS_NULL (n)))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (n)) {
    wrong_type (error, name, "an object", n);
    return NULL;
  }
  return json_node_get_object (n);
}

JsonArray *
evid_json_member_array (JsonObject *o, const char *name, gboolean nullable, GError **error)
{
  JsonNode *n = member (o, name, error);
  if (!n || (nullable && JSON_NODE_HOLDS_NULL (n)))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (n)) {
    wrong_type (error, name, "an array", n);
    return NULL;
  }
  return json_node_get_array (n);
}

gboolean
evid_json_member_int (JsonObject *o, const char *name, gint64 *out, GError **error)
{
  JsonNode *n = member (o, name, error);
  if (!n)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64) {
    wrong_type (error, name, "an integer", n);
    return FALSE;
  }
  *out = json_node_get_int (n);
  return TRUE;
}

gboolean
evid_json_node_number (JsonNode *node, double *out)
{
  if (!node || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType t = json_node_get_value_type (node);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return FALSE;
  double v = t == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
evid_json_member_double (JsonObject *o, const char *name, double *out, GError **error)
{
  JsonNode *n = member (o, name, error);
  if (!n)
    return FALSE;
  if (!evid_json_node_number (n, out)) {
    wrong_type (error, name, "a finite number", n);
    return FALSE;
  }
  return TRUE;
}

gboolean
evid_json_member_bool (JsonObject *o, const char *name, gboolean *out, GError **error)
{
  JsonNode *n = member (o, name, error);
  if (!n)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN) {
    wrong_type (error, name, "a boolean", n);
    return FALSE;
  }
  *out = json_node_get_boolean (n);
  return TRUE;
}
