/* evid_store_outbox — review decisions with the messages they queue, and
 * the outbox the publisher drains. */
#include "evid_store.h"
#include "evid_store_private.h"

#include "evid_display_msg.h"

#include <json-glib/json-glib.h>
#include <string.h>


/* The next number of the per-device sequence that display messages carry
 * (a display refuses anything older than what it has seen): taken inside
 * the write transaction, so numbers rise in commit order, the order the
 * publisher sends in. Never below the time in milliseconds: a store rebuilt
 * (or restored) under the same key still goes on above anything a display
 * saw from it. */
static gboolean
next_display_seq (struct evid_store *st, gint64 *out, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                                         "INSERT INTO counters (name, value) VALUES ('display_seq', ?1)"
                                         " ON CONFLICT(name) DO UPDATE SET value = MAX(value + 1, ?1)",
                                         error);
  if (!s)
    return FALSE;
  sqlite3_bind_int64 (s, 1, g_get_real_time () / 1000);
  if (!evid_store__step_done (st, s, error, "advance the display sequence"))
    return FALSE;
  s = evid_store__prepare (st, "SELECT value FROM counters WHERE name = 'display_seq'", error);
  if (!s)
    return FALSE;
  gboolean ok = sqlite3_step (s) == SQLITE_ROW;
  *out = ok ? sqlite3_column_int64 (s, 0) : 0;
  sqlite3_finalize (s);
  if (!ok)
    return evid_store__fail (st, error, "read the display sequence");
  /* far ahead of the clock, displays would take every later message for a
   * replay and keep what they show: a store edited by hand */
  if (*out > g_get_real_time () / 1000 + EVID_DISPLAY_SEQ_AHEAD_MS) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY,
                 "%s: the display sequence (%" G_GINT64_FORMAT ") is far ahead of the clock: the store was edited",
                 st->path, *out);
    return FALSE;
  }
  return TRUE;
}

gboolean
evid_store_display_seq_sane (struct evid_store *st, gint64 *out_value)
{
  *out_value = 0;
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT value FROM counters WHERE name = 'display_seq'", NULL);
  if (s && sqlite3_step (s) == SQLITE_ROW)
    *out_value = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return *out_value <= g_get_real_time () / 1000 + EVID_DISPLAY_SEQ_AHEAD_MS;
}

/* A display message is signed here, with its sequence number. */
static GBytes *
display_payload (struct evid_store *st, const char *packet_id, const struct evid_outbox_msg *m, GError **error)
{
  if (!st->key) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "%s: no signing key set: display messages cannot be signed",
                 st->path);
    return NULL;
  }
  gint64 now = g_get_real_time ();
  struct evid_display_fields f = {
      .kind = m->display_content ? "show" : m->display_new_key_signature ? "key" : "retract",
      .new_key_signature = m->display_new_key_signature,
      .packet_id = packet_id,
      .site = st->site_id,
      .display = m->display_id,
      .issued_us = now,
      .expires_us = m->display_expires_us > now ? m->display_expires_us : now + EVID_RETRACT_VALID_US,
      .content = m->display_content,
      .image_jpeg = m->display_image,
  };
  if (!next_display_seq (st, &f.seq, error))
    return NULL;
  return evid_display_msg_build (st->key, &f, error);
}

static gboolean
queue_outbox (struct evid_store *st, const char *packet_id, const struct evid_outbox_msg *m, const char *now,
              GError **error)
{
  /* a display message is signed here; a payload given (a retained show
   * cleared) goes as it is */
  g_autoptr (GBytes) payload = m->payload ? g_bytes_ref (m->payload) : display_payload (st, packet_id, m, error);
  if (!payload)
    return FALSE;
  sqlite3_stmt *s =
      evid_store__prepare (st,
                           "INSERT INTO outbox (packet_id, topic, payload, retain, created_utc, display_id, expires_us)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           error);
  if (!s)
    return FALSE;
  gsize len;
  const void *data = g_bytes_get_data (payload, &len);
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, m->topic, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (s, 3, data ? data : "", len, SQLITE_STATIC);
  sqlite3_bind_int (s, 4, m->retain);
  sqlite3_bind_text (s, 5, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, m->display_id, -1, SQLITE_STATIC);
  if (m->display_content && m->display_expires_us > 0)
    sqlite3_bind_int64 (s, 7, m->display_expires_us); /* the broker drops the retained show then */
  else
    sqlite3_bind_null (s, 7);
  return evid_store__step_done (st, s, error, "queue outbox message");
}

/* The end of a write transaction that queues messages: MSGS queued, then
 * the commit; on any failure the whole transaction is rolled back. */
static bool
queue_and_commit (struct evid_store *st, const char *packet_id, const struct evid_outbox_msg *msgs, int n,
                  const char *now, GError **error)
{
  for (int i = 0; i < n; i++)
    if (!queue_outbox (st, packet_id, &msgs[i], now, error))
      goto fail;
  if (!evid_store__commit (st, error))
    goto fail;
  return true;
fail:
  evid_store__rollback (st);
  return false;
}

gboolean
evid_store__withdraw_from_displays (struct evid_store *st, const char *packet_id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                                         "SELECT DISTINCT display_id FROM outbox"
                                         " WHERE packet_id = ?1 AND display_id IS NOT NULL ORDER BY display_id",
                                         error);
  if (!s)
    return FALSE;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (s, 0)));
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return evid_store__fail (st, error, "read the displays a case went to");
  /* and every display of the site, whatever the outbox says */
  for (char **d = st->displays; d && *d; d++)
    if (!g_ptr_array_find_with_equal_func (ids, *d, g_str_equal, NULL))
      g_ptr_array_add (ids, g_strdup (*d));
  /* a show not yet sent is simply not sent; a retract still goes, in case
   * a copy is on its way */
  s = evid_store__prepare (st, "DELETE FROM outbox WHERE packet_id = ?1 AND display_id IS NOT NULL AND sent_utc IS NULL",
                           error);
  if (!s)
    return FALSE;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "cancel unsent display messages"))
    return FALSE;
  g_autofree char *now = evid_utc_now ();
  for (guint i = 0; i < ids->len; i++) {
    /* on the display's own topic; QoS 1, not retained: a retained retract
     * would be replayed to every display that ever subscribes */
    const char *d = g_ptr_array_index (ids, i);
    g_autofree char *topic = g_strdup_printf ("crosswatch/%s/display/%s", st->site_id, d);
    struct evid_outbox_msg m = {.topic = topic, .display_id = (char *) d};
    if (!queue_outbox (st, packet_id, &m, now, error))
      return FALSE;
    /* and the retained show cleared (an empty retained message), so no
     * display that subscribes later is handed it */
    g_autofree char *case_topic = g_strdup_printf ("crosswatch/%s/display/%s/case/%s", st->site_id, d, packet_id);
    g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
    struct evid_outbox_msg clear = {.topic = case_topic, .payload = empty, .retain = true, .display_id = (char *) d};
    if (!queue_outbox (st, packet_id, &clear, now, error))
      return FALSE;
  }
  return TRUE;
}

static gpointer
display_due_from (sqlite3_stmt *s)
{
  struct evid_display_due *d = g_new0 (struct evid_display_due, 1);
  d->packet_id = g_strdup ((const char *) sqlite3_column_text (s, 0));
  d->display_id = g_strdup ((const char *) sqlite3_column_text (s, 1));
  d->confirmed_utc = g_strdup ((const char *) sqlite3_column_text (s, 2));
  return d;
}

void
evid_display_due_free (struct evid_display_due *d)
{
  g_free (d->packet_id);
  g_free (d->display_id);
  g_free (d->confirmed_utc);
  g_free (d);
}

GPtrArray *
evid_store_display_due (struct evid_store *st, const char *const *display_ids, const char *since_utc, GError **error)
{
  /* the displays as a JSON array: one statement, however many there are */
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (const char *const *d = display_ids; d && *d; d++)
    json_builder_add_string_value (b, *d);
  json_builder_end_array (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *ids = json_to_string (root, FALSE);
  sqlite3_stmt *s = evid_store__prepare (
      st,
      "SELECT p.id, d.value, c.utc FROM packets p"
      " JOIN (SELECT packet_id, MAX(utc) AS utc FROM audit_log WHERE action = 'review:confirmed' GROUP BY packet_id) c"
      "   ON c.packet_id = p.id"
      " JOIN json_each(?1) d"
      " WHERE p.review_state = 'confirmed' AND c.utc >= ?2"
      "   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.packet_id = p.id AND o.display_id = d.value"
      "                   AND o.retain = 1)"
      " ORDER BY c.utc, p.id, d.value",
      error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, ids, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, since_utc, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, display_due_from, (GDestroyNotify) evid_display_due_free,
                                   "read the cases due on displays", error);
}

bool
evid_store_queue_display (struct evid_store *st, const char *packet_id, const struct evid_outbox_msg *msgs, int n,
                          GError **error)
{
  g_autofree char *now = evid_utc_now ();
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  /* still confirmed now that the write lock is held: a reversal between
   * the read and here must win */
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT review_state FROM packets WHERE id = ?1", error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  gboolean confirmed = sqlite3_step (s) == SQLITE_ROW && !g_strcmp0 ((const char *) sqlite3_column_text (s, 0), "confirmed");
  sqlite3_finalize (s);
  if (!confirmed) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "packet '%s' is no longer confirmed", packet_id);
    goto fail;
  }
  return queue_and_commit (st, packet_id, msgs, n, now, error);
fail:
  evid_store__rollback (st);
  return false;
}

bool
evid_store_record_rotation (struct evid_store *st, const char *actor, const char *detail, const char *new_key,
                            const char *new_signature, const char *const *display_ids, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  if (!evid_store__audit_append (st, actor, "key_rotated", NULL, detail, error))
    goto fail;
  for (const char *const *d = display_ids; d && *d; d++) {
    g_autofree char *topic = g_strdup_printf ("crosswatch/%s/display/%s", st->site_id, *d);
    struct evid_outbox_msg m = {.topic = topic, .display_id = (char *) *d, .display_new_key_signature = new_signature};
    if (!queue_outbox (st, new_key, &m, now, error))
      goto fail;
  }
  if (!evid_store__commit (st, error))
    goto fail;
  return true;
fail:
  evid_store__rollback (st);
  return false;
}

static bool
change_state (struct evid_store *st, const char *id, const char *from_state, const char *to_state, const char *actor,
              const char *detail, const struct evid_outbox_msg *outbox, int n_outbox, gboolean withdraw,
              GError **error)
{
  g_autofree char *now = evid_utc_now ();
  g_autofree char *action = g_strdup_printf ("review:%s", to_state);
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s =
      evid_store__prepare (st, "UPDATE packets SET review_state = ?1 WHERE id = ?2 AND review_state = ?3", error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, to_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, from_state, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "update review state"))
    goto fail;
  if (sqlite3_changes (st->db) != 1) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "packet '%s' is not %s", id, from_state);
    goto fail;
  }
  if (!evid_store__audit_append (st, actor, action, id, detail, error))
    goto fail;
  if (withdraw && !evid_store__withdraw_from_displays (st, id, error))
    goto fail;
  return queue_and_commit (st, id, outbox, n_outbox, now, error);
fail:
  evid_store__rollback (st);
  return false;
}

bool
evid_store_review (struct evid_store *st, const char *id, const char *from_state, const char *to_state,
                   const char *actor, const char *detail, const struct evid_outbox_msg *outbox, int n_outbox,
                   GError **error)
{
  return change_state (st, id, from_state, to_state, actor, detail, outbox, n_outbox, FALSE, error);
}

bool
evid_store_reverse (struct evid_store *st, const char *id, const char *actor, const char *reason, GError **error)
{
  if (!reason || !*reason) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "a reversal needs a reason");
    return false;
  }
  return change_state (st, id, "confirmed", "reversed", actor, reason, NULL, 0, TRUE, error);
}

static void
outbox_row_free (struct evid_outbox_row *r)
{
  g_free (r->packet_id);
  g_free (r->topic);
  g_bytes_unref (r->payload);
  g_free (r);
}

static gpointer
outbox_row_from (sqlite3_stmt *s)
{
  struct evid_outbox_row *r = g_new0 (struct evid_outbox_row, 1);
  r->id = sqlite3_column_int64 (s, 0);
  r->packet_id = g_strdup ((const char *) sqlite3_column_text (s, 1));
  r->topic = g_strdup ((const char *) sqlite3_column_text (s, 2));
  r->payload = g_bytes_new (sqlite3_column_blob (s, 3), sqlite3_column_bytes (s, 3));
  r->retain = sqlite3_column_int (s, 4) != 0;
  r->expires_us = sqlite3_column_type (s, 5) == SQLITE_NULL ? 0 : sqlite3_column_int64 (s, 5);
  return r;
}

GPtrArray *
evid_store_outbox_pending (struct evid_store *st, int limit, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                             "SELECT id, packet_id, topic, payload, retain, expires_us FROM outbox"
                             " WHERE sent_utc IS NULL ORDER BY id LIMIT ?1",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_int (s, 1, limit);
  return evid_store__collect_rows (st, s, outbox_row_from, (GDestroyNotify) outbox_row_free, "read outbox", error);
}

bool
evid_store_outbox_mark_sent (struct evid_store *st, gint64 id, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  sqlite3_stmt *s = evid_store__prepare (st, "UPDATE outbox SET sent_utc = ?1 WHERE id = ?2 AND sent_utc IS NULL", error);
  if (!s)
    return false;
  sqlite3_bind_text (s, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, id);
  return evid_store__step_done (st, s, error, "mark outbox row sent");
}

int
evid_store_outbox_count_pending (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT COUNT(*) FROM outbox WHERE sent_utc IS NULL", error);
  if (!s)
    return -1;
  int n = -1;
  if (sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int (s, 0);
  else
    evid_store__fail (st, error, "count outbox");
  sqlite3_finalize (s);
  return n;
}

