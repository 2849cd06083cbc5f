#include "disp_state.h"

#include "disp_render.h"
#include "evid_display_msg.h"
#include "evid_json.h"
#include "evid_json_guard.h"
#include "evid_keyring.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* The file stays small: one entry per trusted device, at most RETRACTED_MAX
 * retracted packet ids (the oldest are forgotten first: a replayed show of an
 * older packet is refused by its seq anyway, the list is a second line of
 * defence) and SCREENS_MAX screens. */
#define STATE_VERSION 1
/* what the limits below can add up to (about 4 MiB with 64-character ids),
 * with room: a state this display wrote always loads again */
#define STATE_MAX_BYTES (8 * 1024 * 1024)
#define STATE_MAX_DEPTH 4
#define DEVICES_MAX 4096
#define RETRACTED_MAX 10000
#define SCREENS_MAX 10000

/* The last message acted on from one signing device. */
struct device_seen {
  gint64 seq;
  char *packet_id;
  char *kind;
};

/* A case on screen: when its show expires, when it came (the rotation's
 * order) and the local day of the violation (the day's count). */
struct screen {
  gint64 expires_us, since_us;
  char day[16];
};

struct disp_state {
  char *path;
  GHashTable *devices;   /* lower-case key hex -> struct device_seen */
  GHashTable *retracted; /* lower-case packet id -> itself, owned by retracted_order */
  GQueue *retracted_order;
  GHashTable *screens;   /* packet id on screen -> struct screen */
  GPtrArray *keys;       /* keys handed over, lower-case hex */
  char *look;            /* how the screens were drawn (disp_client's look key); NULL: not said */
};

static void
device_seen_free (gpointer p)
{
  struct device_seen *d = p;
  g_free (d->packet_id);
  g_free (d->kind);
  g_free (d);
}

static gboolean
state_error (GError **error, const char *path, const char *why)
{
  g_set_error (error, DISP_ERROR, DISP_ERROR_STATE,
               "display state %s: %s (move it away to start with no memory of seq and retractions)", path, why);
  return FALSE;
}

/* ---- memory --------------------------------------------------------------- */

void
disp_state_acted (struct disp_state *s, const char *device_key, gint64 seq, const char *packet_id, const char *kind)
{
  g_autofree char *key = g_ascii_strdown (device_key, -1);
  const struct device_seen *last = g_hash_table_lookup (s->devices, key);
  if (last && last->seq >= seq)
    return; /* an older show admitted out of order (retained cases replay in any order): the bar stays up */
  struct device_seen *d = g_new0 (struct device_seen, 1);
  d->seq = seq;
  d->packet_id = g_strdup (packet_id);
  d->kind = g_strdup (kind);
  g_hash_table_replace (s->devices, g_ascii_strdown (device_key, -1), d);
}

void
disp_state_retracted (struct disp_state *s, const char *packet_id)
{
  disp_state_screen_remove (s, packet_id);
  char *id = g_ascii_strdown (packet_id, -1);
  if (g_hash_table_contains (s->retracted, id)) {
    g_free (id);
    return;
  }
  g_queue_push_tail (s->retracted_order, id);
  g_hash_table_add (s->retracted, id);
  while (g_queue_get_length (s->retracted_order) > RETRACTED_MAX) {
    char *old = g_queue_pop_head (s->retracted_order);
    g_hash_table_remove (s->retracted, old);
    g_free (old);
  }
}

gboolean
disp_state_admit (const struct disp_state *s, const char *device_key, gint64 seq, const char *packet_id,
                  const char *kind, gboolean *out_repeat, GError **error)
{
  g_autofree char *key = g_ascii_strdown (device_key, -1);
  g_autofree char *id = g_ascii_strdown (packet_id, -1);
  const struct device_seen *d = g_hash_table_lookup (s->devices, key);
  *out_repeat = FALSE;
  if (d && seq == d->seq && g_ascii_strcasecmp (packet_id, d->packet_id) == 0 && strcmp (kind, d->kind) == 0) {
    *out_repeat = TRUE;
    return TRUE;
  }
  gboolean show = strcmp (kind, "show") == 0;
  if (!strcmp (kind, "retract") && g_hash_table_contains (s->retracted, id)) {
    *out_repeat = TRUE; /* retracted already: whatever its seq, nothing to do */
    return TRUE;
  }
  if (show && g_hash_table_contains (s->screens, packet_id)) {
    *out_repeat = TRUE; /* on screen already: the same case again (its retained copy, a redelivery) */
    return TRUE;
  }
  /* A show is not held to the device's sequence: the retained cases of a
   * display come in any order when it subscribes. An old show can only be
   * one that is still valid (expires_utc) and not retracted (below). A
   * retract or key handover must be newer than anything seen. */
  if (d && seq <= d->seq && !show) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_REPLAY,
                 "replay refused: %s of packet %s has seq %" G_GINT64_FORMAT ", device %.16s... was last seen at seq %"
                 G_GINT64_FORMAT " (%s of packet %s)",
                 kind, packet_id, seq, key, d->seq, d->kind, d->packet_id);
    return FALSE;
  }
  if (strcmp (kind, "show") == 0 && g_hash_table_contains (s->retracted, id)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RETRACTED, "show of packet %s refused: it was retracted", packet_id);
    return FALSE;
  }
  return TRUE;
}

const char *
disp_state_look (const struct disp_state *s)
{
  return s->look;
}

void
disp_state_set_look (struct disp_state *s, const char *look)
{
  g_free (s->look);
  s->look = g_strdup (look);
}

gint64
disp_state_screen_since (const struct disp_state *s, const char *packet_id)
{
  const struct screen *sc = g_hash_table_lookup (s->screens, packet_id);
  return sc ? sc->since_us : 0;
}

gboolean
disp_state_screen_room (const struct disp_state *s, const char *packet_id)
{
  return g_hash_table_size (s->screens) < SCREENS_MAX || g_hash_table_contains (s->screens, packet_id);
}

void
disp_state_screen_set (struct disp_state *s, const char *packet_id, gint64 expires_us, gint64 since_us,
                       const char *local_day)
{
  struct screen *sc = g_new0 (struct screen, 1);
  sc->expires_us = expires_us;
  sc->since_us = since_us;
  g_strlcpy (sc->day, local_day ? local_day : "", sizeof sc->day);
  g_hash_table_replace (s->screens, g_strdup (packet_id), sc);
}

struct by_age {
  const char *id;
  const struct screen *sc;
};

static gint
compare_age (gconstpointer a, gconstpointer b)
{
  const struct by_age *x = a, *y = b;
  if (x->sc->since_us != y->sc->since_us)
    return x->sc->since_us < y->sc->since_us ? -1 : 1;
  return strcmp (x->id, y->id);
}

GPtrArray *
disp_state_screens_by_age (const struct disp_state *s, int newest)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (struct by_age));
  GHashTableIter it;
  gpointer id, sc;
  g_hash_table_iter_init (&it, s->screens);
  while (g_hash_table_iter_next (&it, &id, &sc)) {
    struct by_age e = {id, sc};
    g_array_append_val (all, e);
  }
  g_array_sort (all, compare_age);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint from = newest > 0 && all->len > (guint) newest ? all->len - (guint) newest : 0;
  for (guint i = from; i < all->len; i++)
    g_ptr_array_add (ids, g_strdup (g_array_index (all, struct by_age, i).id));
  return ids;
}

int
disp_state_screens_on_day (const struct disp_state *s, const char *local_day)
{
  int n = 0;
  GHashTableIter it;
  gpointer sc;
  g_hash_table_iter_init (&it, s->screens);
  while (g_hash_table_iter_next (&it, NULL, &sc))
    n += strcmp (((const struct screen *) sc)->day, local_day) == 0;
  return n;
}

void
disp_state_screen_remove (struct disp_state *s, const char *packet_id)
{
  g_hash_table_remove (s->screens, packet_id);
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
disp_state_screens (const struct disp_state *s)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer id;
  g_hash_table_iter_init (&it, s->screens);
  while (g_hash_table_iter_next (&it, &id, NULL))
    g_ptr_array_add (ids, g_strdup (id));
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

GPtrArray *
disp_state_screens_expired (const struct disp_state *s, gint64 now_us)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer id, expires;
  g_hash_table_iter_init (&it, s->screens);
  while (g_hash_table_iter_next (&it, &id, &expires))
    if (((const struct screen *) expires)->expires_us <= now_us)
      g_ptr_array_add (ids, g_strdup (id));
  return ids;
}

/* ---- the file ------------------------------------------------------------- */

static gboolean
load_device (struct disp_state *s, const char *key, JsonNode *node, GError **error)
{
  GError *local = NULL;
  JsonObject *o = evid_json_guard_object (node, "device entry", &local);
  gint64 seq = -1;
  const char *packet_id = o ? evid_json_member_string (o, "packet_id", FALSE, &local) : NULL;
  const char *kind = packet_id ? evid_json_member_string (o, "kind", FALSE, &local) : NULL;
  if (kind)
    evid_json_member_int (o, "seq", &seq, &local);
  if (local) {
    state_error (error, s->path, local->message);
    g_error_free (local);
    return FALSE;
  }
  if (!evid_public_hex_valid (key) || seq < 0 || !evid_display_packet_id_valid (packet_id) ||
      (strcmp (kind, "show") != 0 && strcmp (kind, "retract") != 0 && strcmp (kind, "key") != 0))
    return state_error (error, s->path, "a device entry is malformed");
  disp_state_acted (s, key, seq, packet_id, kind);
  return TRUE;
}

static gboolean
load_retracted (struct disp_state *s, JsonArray *retracted, GError **error)
{
  for (guint i = 0; i < json_array_get_length (retracted); i++) {
    JsonNode *n = json_array_get_element (retracted, i);
    const char *id = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                         ? json_node_get_string (n)
                         : NULL;
    if (!evid_display_packet_id_valid (id))
      return state_error (error, s->path, "a retracted packet id is malformed");
    disp_state_retracted (s, id);
  }
  return TRUE;
}

static gboolean
load_screens (struct disp_state *s, JsonObject *screens, GError **error)
{
  g_autoptr (GList) ids = json_object_get_members (screens);
  for (GList *l = ids; l; l = l->next) {
    /* {"expires_us", "since_us", "day"}; a bare expiry from before the
     * rotation came first */
    gint64 expires = 0, since = 0;
    const char *day = "";
    JsonObject *e = NULL;
    gboolean ok = evid_display_packet_id_valid (l->data);
    if (ok && !evid_json_member_int (screens, l->data, &expires, NULL)) {
      e = evid_json_member_object (screens, l->data, FALSE, NULL);
      ok = e && evid_json_member_int (e, "expires_us", &expires, NULL) && evid_json_member_int (e, "since_us", &since, NULL) &&
           (day = evid_json_member_string (e, "day", FALSE, NULL)) && strlen (day) < sizeof ((struct screen *) 0)->day;
    }
    if (!ok)
      return state_error (error, s->path, "a screen entry is malformed");
    disp_state_screen_set (s, l->data, expires, since, day);
  }
  return TRUE;
}

gboolean
disp_state_key_add (struct disp_state *s, const char *key_hex)
{
  g_autofree char *lower = g_ascii_strdown (key_hex, -1);
  for (guint i = 0; i < s->keys->len; i++)
    if (strcmp (g_ptr_array_index (s->keys, i), lower) == 0)
      return TRUE;
  if (s->keys->len >= DEVICES_MAX)
    return FALSE; /* as many as a state file may hold */
  g_ptr_array_add (s->keys, g_steal_pointer (&lower));
  return TRUE;
}

GPtrArray *
disp_state_keys (const struct disp_state *s)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < s->keys->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (s->keys, i));
  return out;
}

/* "keys": optional (a state written before handovers existed has none). */
static gboolean
load_keys (struct disp_state *s, JsonObject *o, GError **error)
{
  if (!json_object_has_member (o, "keys"))
    return TRUE;
  JsonArray *keys = evid_json_member_array (o, "keys", FALSE, NULL);
  if (!keys || json_array_get_length (keys) > DEVICES_MAX)
    return state_error (error, s->path, "the handed-over keys are malformed");
  for (guint i = 0; i < json_array_get_length (keys); i++) {
    JsonNode *n = json_array_get_element (keys, i);
    const char *k = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                        ? json_node_get_string (n)
                        : NULL;
    if (!evid_public_hex_valid (k))
      return state_error (error, s->path, "a handed-over key is malformed");
    disp_state_key_add (s, k);
  }
  return TRUE;
}

static gboolean
load_object (struct disp_state *s, JsonObject *o, GError **error)
{
  GError *local = NULL;
  gint64 v = 0;
  JsonObject *devices = NULL, *screens = NULL;
  JsonArray *retracted = NULL;
  if (evid_json_member_int (o, "v", &v, &local) && (devices = evid_json_member_object (o, "devices", FALSE, &local)) &&
      (retracted = evid_json_member_array (o, "retracted", FALSE, &local)))
    screens = evid_json_member_object (o, "screens", FALSE, &local);
  if (local) {
    state_error (error, s->path, local->message);
    g_error_free (local);
    return FALSE;
  }
  if (v != STATE_VERSION)
    return state_error (error, s->path, "unknown version");
  if (json_object_get_size (devices) > DEVICES_MAX || json_array_get_length (retracted) > RETRACTED_MAX ||
      json_object_get_size (screens) > SCREENS_MAX)
    return state_error (error, s->path, "more entries than a display keeps");
  g_autoptr (GList) keys = json_object_get_members (devices);
  for (GList *k = keys; k; k = k->next)
    if (!load_device (s, k->data, json_object_get_member (devices, k->data), error))
      return FALSE;
  if (json_object_has_member (o, "look")) {
    const char *look = evid_json_member_string (o, "look", FALSE, NULL);
    if (!look || strlen (look) > 64 * 1024)
      return state_error (error, s->path, "the look is malformed");
    disp_state_set_look (s, look);
  }
  return load_retracted (s, retracted, error) && load_screens (s, screens, error) && load_keys (s, o, error);
}

static gboolean
load_file (struct disp_state *s, GError **error)
{
  GStatBuf st;
  if (g_lstat (s->path, &st) != 0)
    return errno == ENOENT ? TRUE /* a new display: no memory yet */ : state_error (error, s->path, g_strerror (errno));
  if (!S_ISREG (st.st_mode))
    return state_error (error, s->path, "not a regular file");
  if (st.st_size > STATE_MAX_BYTES)
    return state_error (error, s->path, "larger than a display's state can be");
  g_autofree char *text = NULL;
  gsize len = 0;
  GError *local = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o = NULL;
  if (g_file_get_contents (s->path, &text, &len, &local) &&
      (root = evid_json_guard_parse (text, len, STATE_MAX_BYTES, STATE_MAX_DEPTH, &local)))
    o = evid_json_guard_object (root, "the state", &local);
  if (!o) {
    state_error (error, s->path, local->message);
    g_error_free (local);
    return FALSE;
  }
  return load_object (s, o, error);
}

struct disp_state *
disp_state_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  struct disp_state *s = g_new0 (struct disp_state, 1);
  s->path = g_strdup (path);
  s->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, device_seen_free);
  s->retracted = g_hash_table_new (g_str_hash, g_str_equal);
  s->retracted_order = g_queue_new ();
  s->screens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->keys = g_ptr_array_new_with_free_func (g_free);
  if (!load_file (s, error)) {
    disp_state_free (s);
    return NULL;
  }
  return s;
}

void
disp_state_free (struct disp_state *s)
{
  if (!s)
    return;
  g_hash_table_destroy (s->devices);
  g_hash_table_destroy (s->retracted);
  g_queue_free_full (s->retracted_order, g_free);
  g_hash_table_destroy (s->screens);
  g_ptr_array_unref (s->keys);
  g_free (s->look);
  g_free (s->path);
  g_free (s);
}

static char *
state_text (const struct disp_state *s)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_int (b, "v", STATE_VERSION);
  json_builder_set_member_name (b, "devices");
  json_builder_begin_object (b);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, s->devices);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    const struct device_seen *d = value;
    json_builder_set_member_name (b, key);
    json_builder_begin_object (b);
    evid_json_int (b, "seq", d->seq);
    evid_json_string (b, "packet_id", d->packet_id);
    evid_json_string (b, "kind", d->kind);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "retracted");
  json_builder_begin_array (b);
  for (GList *l = s->retracted_order->head; l; l = l->next)
    json_builder_add_string_value (b, l->data);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "screens");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&it, s->screens);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    const struct screen *sc = value;
    json_builder_set_member_name (b, key);
    json_builder_begin_object (b);
    evid_json_int (b, "expires_us", sc->expires_us);
    evid_json_int (b, "since_us", sc->since_us);
    evid_json_string (b, "day", sc->day);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  if (s->look)
    evid_json_string (b, "look", s->look);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->keys->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (s->keys, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Written to a temporary file, synced, renamed over the old one: a crash
 * leaves the old state or the new, never half of one. */
gboolean
disp_state_save (const struct disp_state *s, GError **error)
{
  g_autofree char *text = state_text (s);
  GError *local = NULL;
  if (!g_file_set_contents_full (s->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_STATE,
                 "display state not saved (a replay could be shown after a restart): %s", local->message);
    g_error_free (local);
    return FALSE;
  }
  return TRUE;
}
