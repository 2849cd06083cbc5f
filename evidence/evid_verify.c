#include "evid_verify.h"

#include "evid_hash.h"
#include "evid_json_guard.h"
#include "evid_key.h"
#include "evid_keychange.h"
#include "evid_seal.h"
#include "evid_store_head.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#define RECORD_MAX_BYTES (4 * 1024 * 1024)

static JsonObject *
parse_object (const char *text, gsize len, gsize max, JsonNode **out_root, GError **error)
{
  *out_root = evid_json_guard_parse (text, len, max, EVID_JSON_GUARD_DEPTH, error);
  return *out_root ? evid_json_guard_object (*out_root, "record", error) : NULL;
}

/* A string member, or NULL when missing or of another type. */
static const char *
str_member (JsonObject *o, const char *name)
{
  return evid_json_member_string (o, name, TRUE, NULL);
}

static char *
short_key (const char *hex)
{
  return g_strndup (hex ? hex : "(none)", 16);
}

/* ---- one record ---- */

static int
verify_media (const char *label, JsonObject *pkt, evid_media_fetch fetch, void *ctx, FILE *report)
{
  int failures = 0;
  JsonArray *media = evid_json_member_array (pkt, "media", FALSE, NULL);
  if (!media) {
    fprintf (report, "%s: record lists no media\n", label);
    return 1;
  }
  for (guint i = 0; i < json_array_get_length (media); i++) {
    JsonNode *n = json_array_get_element (media, i);
    JsonObject *m = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
    const char *name = m ? str_member (m, "name") : NULL;
    const char *claimed = m ? str_member (m, "sha256") : NULL;
    if (!name || !claimed) {
      fprintf (report, "%s: media entry %u malformed\n", label, i);
      failures++;
      continue;
    }
    g_autoptr (GBytes) data = fetch (ctx, name);
    if (!data) {
      fprintf (report, "%s: media %s: missing\n", label, name);
      failures++;
      continue;
    }
    gsize len;
    const void *p = g_bytes_get_data (data, &len);
    char actual[EVID_SHA256_HEX_LEN];
    evid_sha256_hex (p ? p : "", len, actual);
    if (strcmp (actual, claimed) != 0) {
      fprintf (report, "%s: media %s: sha256 %s does not match the record's %s\n", label, name, actual, claimed);
      failures++;
    }
  }
  return failures;
}

int
evid_verify_record (const char *label, const char *json, const char *claimed_sha256, const char *signature,
                    GHashTable *trusted_keys, const char *expected_prev, evid_media_fetch fetch, void *ctx,
                    FILE *report)
{
  char actual[EVID_SHA256_HEX_LEN];
  evid_sha256_hex (json, strlen (json), actual);
  if (claimed_sha256 && strcmp (actual, claimed_sha256) != 0) {
    fprintf (report, "%s: record sha256 %s does not match the stored %s (record altered)\n", label, actual,
             claimed_sha256);
    return 1;
  }
  g_autoptr (GError) err = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *pkt = parse_object (json, strlen (json), RECORD_MAX_BYTES, &root, &err);
  if (!pkt) {
    fprintf (report, "%s: record unreadable: %s\n", label, err->message);
    return 1;
  }
  int failures = 0;
  const char *key = str_member (pkt, "device_public_key");
  g_autofree char *lower = key ? g_ascii_strdown (key, -1) : NULL;
  if (!evid_signature_valid (key, json, strlen (json), signature)) {
    fprintf (report, "%s: signature invalid (record or signature altered, or another key)\n", label);
    failures++;
  } else if (!trusted_keys || !g_hash_table_contains (trusted_keys, lower)) {
    fprintf (report, "%s: signed by untrusted key %s (a valid signature, but not by a trusted key)\n", label,
             key ? key : "(none)");
    failures++;
  }
  if (expected_prev) {
    const char *link = str_member (pkt, "prev_packet_sha256");
    if (!link || strcmp (link, expected_prev) != 0) {
      fprintf (report, "%s: chain link broken: prev_packet_sha256 %s, previous packet's hash %s\n", label,
               link ? link : "(none)", *expected_prev ? expected_prev : "(first packet)");
      failures++;
    }
  }
  return failures + (fetch ? verify_media (label, pkt, fetch, ctx, report) : 0);
}

/* ---- trust ---- */

/* The trusted keys: the roots, and every key a trusted key rotated to or
 * from (both signatures valid) in the audit rows ROWS (parsed objects). */
static GHashTable *
trust_closure (const struct evid_keyring *roots, GPtrArray *rows)
{
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) list = evid_keyring_list (roots);
  for (guint i = 0; i < list->len; i++)
    g_hash_table_add (t, g_strdup (g_ptr_array_index (list, i)));
  gboolean grew = TRUE;
  while (grew) {
    grew = FALSE;
    for (guint i = 0; rows && i < rows->len; i++) {
      JsonObject *r = g_ptr_array_index (rows, i);
      if (g_strcmp0 (str_member (r, "action"), "key_rotated") != 0)
        continue;
      const char *detail = str_member (r, "detail"), *signer = str_member (r, "signer");
      g_autoptr (JsonNode) dn = NULL;
      JsonObject *d = detail ? parse_object (detail, strlen (detail), 4096, &dn, NULL) : NULL;
      const char *old = d ? str_member (d, "old") : NULL, *new = d ? str_member (d, "new") : NULL;
      const char *new_sig = d ? str_member (d, "new_signature") : NULL;
      if (!old || !new || g_strcmp0 (signer, old) != 0 ||
          !evid_audit_row_signature_valid (old, str_member (r, "hash"), str_member (r, "signature")))
        continue;
      g_autofree char *statement = evid_key_rotation_statement (old, new);
      if (!evid_signature_valid (new, statement, strlen (statement), new_sig))
        continue;
      g_autofree char *lo = g_ascii_strdown (old, -1), *ln = g_ascii_strdown (new, -1);
      gboolean has_old = g_hash_table_contains (t, lo), has_new = g_hash_table_contains (t, ln);
      if (has_old != has_new) {
        g_hash_table_add (t, g_strdup (has_old ? ln : lo));
        grew = TRUE;
      }
    }
  }
  return t;
}

static void
no_trust_note (GHashTable *trusted, FILE *report, int *failures)
{
  if (g_hash_table_size (trusted) == 0) {
    fprintf (report, "no trusted key: give --pubkey (the device's .pub) or -c SITE.ini; nothing can be trusted\n");
    (*failures)++;
  }
}

/* ---- the store ---- */

struct store_ctx {
  struct evid_store *st;
  const char *id;
};

static GBytes *
fetch_from_store (void *data, const char *name)
{
  struct store_ctx *c = data;
  return evid_store_media (c->st, c->id, name, NULL, NULL);
}

/* The store's media rows of a packet against its signed record: every row
 * listed, with the record's hash and type (a row nobody signed would go
 * into case bundles and reach a court). */
static int
verify_media_rows (const char *label, struct evid_store *st, const char *id, JsonObject *pkt, FILE *report)
{
  JsonArray *listed = pkt ? evid_json_member_array (pkt, "media", FALSE, NULL) : NULL;
  g_autoptr (GPtrArray) names = evid_store_media_names (st, id, NULL);
  int failures = 0;
  for (guint i = 0; names && i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    JsonObject *m = NULL;
    for (guint k = 0; listed && k < json_array_get_length (listed) && !m; k++) {
      JsonNode *n = json_array_get_element (listed, k);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (o && g_strcmp0 (str_member (o, "name"), name) == 0)
        m = o;
    }
    char stored_sha[65] = "";
    g_autoptr (GBytes) unused = m ? evid_store_media (st, id, name, stored_sha, NULL) : NULL;
    g_autofree char *mime = evid_store_media_mime (st, id, name);
    if (!m) {
      fprintf (report, "%s: media row %s is not in the signed record (added)\n", label, name);
      failures++;
    } else if (g_strcmp0 (stored_sha, str_member (m, "sha256")) != 0 || g_strcmp0 (mime, str_member (m, "mime")) != 0) {
      fprintf (report, "%s: media row %s: stored sha256 or type differs from the signed record (store edited)\n", label,
               name);
      failures++;
    }
  }
  return failures;
}

/* What the audit log says of each packet: review state and legal hold. */
struct derived {
  char *state; /* NULL: no review row */
  gboolean hold;
  char *purge_detail;     /* the purge row's detail, NULL: never purged */
  gboolean purged_held;   /* purged while under legal hold */
};

static void
derived_free (struct derived *d)
{
  g_free (d->state);
  g_free (d->purge_detail);
  g_free (d);
}

static GHashTable *
derive_from_audit (GPtrArray *rows)
{
  GHashTable *by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) derived_free);
  for (guint i = 0; i < rows->len; i++) {
    JsonObject *r = g_ptr_array_index (rows, i);
    const char *id = str_member (r, "packet_id"), *action = str_member (r, "action");
    if (!id || !action)
      continue;
    struct derived *d = g_hash_table_lookup (by_id, id);
    if (!d) {
      d = g_new0 (struct derived, 1);
      g_hash_table_insert (by_id, g_strdup (id), d);
    }
    if (g_str_has_prefix (action, "review:")) {
      g_free (d->state);
      d->state = g_strdup (action + strlen ("review:"));
    } else if (strcmp (action, "legal_hold") == 0) {
      d->hold = TRUE;
    } else if (strcmp (action, "legal_hold_released") == 0) {
      d->hold = FALSE;
    } else if (strcmp (action, "purge") == 0) {
      g_free (d->purge_detail);
      d->purge_detail = g_strdup (str_member (r, "detail") ? str_member (r, "detail") : "");
      d->purged_held = d->hold;
    }
  }
  return by_id;
}

/* Each column a person's tools read must say what the signed record (or
 * the audit log) says. */
static int
verify_columns (const char *label, const struct evid_packet_row *row, GHashTable *derived, FILE *report)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *pkt = parse_object (row->json, strlen (row->json), RECORD_MAX_BYTES, &root, NULL);
  if (!pkt)
    return 0; /* already reported by the record check */
  int failures = 0;
  struct {
    const char *column, *stored, *member;
  } text[] = {
      {"type", row->type, "type"},
      {"decision", row->decision, "decision"},
      {"retention_until", row->retention_until, "retention_until"},
      {"created_utc", row->created_utc, "recorded_utc"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (text); i++) {
    const char *signed_value = str_member (pkt, text[i].member);
    if (g_strcmp0 (signed_value, text[i].stored) != 0) {
      fprintf (report, "%s: column %s is '%s' but the signed record says '%s' (store edited)\n", label,
               text[i].column, text[i].stored, signed_value ? signed_value : "(nothing)");
      failures++;
    }
  }
  gint64 track = 0;
  if (!evid_json_member_int (pkt, "track_id", &track, NULL) || track != row->track_id) {
    fprintf (report, "%s: column track_id is %d but the signed record says %" G_GINT64_FORMAT " (store edited)\n",
             label, row->track_id, track);
    failures++;
  }
  struct derived *d = g_hash_table_lookup (derived, row->id);
  const char *decision = str_member (pkt, "decision");
  const char *want = d && d->state ? d->state : evid_initial_review_state (decision);
  if (g_strcmp0 (want, row->review_state) != 0) {
    fprintf (report, "%s: review state is '%s' but the audit log says '%s' (store edited)\n", label,
             row->review_state, want);
    failures++;
  }
  gboolean hold = d ? d->hold : FALSE;
  if (hold != row->legal_hold) {
    fprintf (report, "%s: legal hold is %s but the audit log says %s (store edited)\n", label,
             row->legal_hold ? "on" : "off", hold ? "on" : "off");
    failures++;
  }
  return failures;
}

/* Keys that a rotation or a replacement took out of service, each with the
 * time of that audit row (lower-case hex -> utc): nothing they sign after
 * it counts. */
static GHashTable *
retired_keys (GPtrArray *rows)
{
  GHashTable *retired = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; rows && i < rows->len; i++) {
    JsonObject *r = g_ptr_array_index (rows, i);
    const char *action = str_member (r, "action"), *detail = str_member (r, "detail");
    if (g_strcmp0 (action, "key_rotated") != 0 && g_strcmp0 (action, "key_replaced_lost") != 0)
      continue;
    g_autoptr (JsonNode) dn = NULL;
    JsonObject *d = detail ? parse_object (detail, strlen (detail), 4096, &dn, NULL) : NULL;
    const char *old = d ? str_member (d, "old") : NULL, *utc = str_member (r, "utc");
    if (old && utc && evid_public_hex_valid (old))
      g_hash_table_insert (retired, g_ascii_strdown (old, -1), g_strdup (utc));
  }
  return retired;
}

/* Every audit row signed by a trusted key that was still in service; key
 * changes reported. */
static int
verify_audit_signatures (GPtrArray *rows, GHashTable *trusted, FILE *report)
{
  int failures = 0;
  g_autoptr (GHashTable) retired = retired_keys (rows);
  for (guint i = 0; i < rows->len; i++) {
    JsonObject *r = g_ptr_array_index (rows, i);
    gint64 seq = 0;
    evid_json_member_int (r, "seq", &seq, NULL);
    const char *signer = str_member (r, "signer"), *action = str_member (r, "action");
    g_autofree char *lower = signer ? g_ascii_strdown (signer, -1) : NULL;
    if (!signer) {
      fprintf (report, "audit row %" G_GINT64_FORMAT ": unsigned\n", seq);
      failures++;
    } else if (!evid_audit_row_signature_valid (signer, str_member (r, "hash"), str_member (r, "signature"))) {
      fprintf (report, "audit row %" G_GINT64_FORMAT ": signature invalid (row rewritten)\n", seq);
      failures++;
    } else if (!g_hash_table_contains (trusted, lower)) {
      fprintf (report, "audit row %" G_GINT64_FORMAT ": signed by untrusted key %s\n", seq, signer);
      failures++;
    } else if (g_hash_table_contains (retired, lower) &&
               g_strcmp0 (str_member (r, "utc"), g_hash_table_lookup (retired, lower)) > 0) {
      fprintf (report, "audit row %" G_GINT64_FORMAT ": signed by key %s after it was taken out of service\n", seq,
               signer);
      failures++;
    }
    if (g_strcmp0 (action, "key_rotated") == 0 || g_strcmp0 (action, "key_replaced_lost") == 0)
      fprintf (report, "note: audit row %" G_GINT64_FORMAT ": %s %s%s\n", seq, action, str_member (r, "detail"),
               strcmp (action, "key_replaced_lost") == 0
                   ? " (the new key is not vouched for by the old one: trusted only if pinned)"
                   : "");
  }
  return failures;
}

/* A purged packet leaves its hash in the chain; the purge itself must be
 * an audit row (signed like every row) naming that hash, made while the
 * packet was not under legal hold: else a packet was deleted by hand. */
static int
verify_purged (struct evid_store *st, GHashTable *derived, FILE *report, GError **error)
{
  g_autoptr (GPtrArray) purged = evid_store_purged (st, error);
  if (!purged)
    return -1;
  int failures = 0;
  for (guint i = 0; i < purged->len; i++) {
    g_auto (GStrv) f = g_strsplit (g_ptr_array_index (purged, i), " ", 3);
    if (g_strv_length (f) != 3)
      continue;
    struct derived *d = g_hash_table_lookup (derived, f[0]);
    if (!d || !d->purge_detail || !strstr (d->purge_detail, f[2])) {
      fprintf (report, "packet %s (seq %s): gone from the store without a purge in the audit log (deleted)\n", f[0],
               f[1]);
      failures++;
    } else if (d->purged_held) {
      fprintf (report, "packet %s (seq %s): purged while under legal hold\n", f[0], f[1]);
      failures++;
    }
  }
  return failures;
}

static void
report_span (FILE *report, const char *key, gint64 first, gint64 last)
{
  if (first > 0)
    fprintf (report, "key %s signed packets %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "\n", key, first, last);
}

/* One of the head's two chains: the store must still reach HEAD_SEQ, and
 * hold there the row whose hash the head names. */
static int
check_tip (FILE *report, const char *utc, const char *where, const char *item, gint64 store_seq, gint64 head_seq,
           const char *stored_hash, const char *head_hash)
{
  if (store_seq < head_seq) {
    fprintf (report, "chain head (%s): the %s ends at %s %" G_GINT64_FORMAT " but the head names %s %" G_GINT64_FORMAT
             ": the newest %s(s) were deleted\n", utc, where, item, store_seq, item, head_seq, item);
    return 1;
  }
  if (head_seq && g_strcmp0 (stored_hash, head_hash) != 0) {
    fprintf (report, "chain head (%s): %s %" G_GINT64_FORMAT " is not the one the head names (replaced)\n", utc, item,
             head_seq);
    return 1;
  }
  return 0;
}

static int
verify_head (struct evid_store *st, const struct evid_verify_opts *opts, GHashTable *trusted, FILE *report)
{
  g_autofree char *found = evid_chain_head_path (evid_store_path (st));
  const char *path = opts->head_path ? opts->head_path : found;
  if (!opts->head_path && !g_file_test (found, G_FILE_TEST_EXISTS)) {
    fprintf (report, "note: no chain head given (--head) or found (%s): deleted newest rows would not show\n", found);
    return 0;
  }
  struct evid_chain_head head = {0}, now = {0};
  g_autoptr (GError) err = NULL;
  g_autofree char *at_seq = NULL, *audit_hash = NULL;
  int failures = 0;
  if (!evid_chain_head_load (path, &head, &err)) {
    fprintf (report, "chain head: %s\n", err->message);
    return 1;
  }
  g_autofree char *lower = g_ascii_strdown (head.public_key, -1);
  if (!g_hash_table_contains (trusted, lower)) {
    fprintf (report, "chain head %s: signed by untrusted key %s\n", path, head.public_key);
    failures++;
  }
  if (!evid_chain_head_of_store (st, &now, &err)) {
    fprintf (report, "chain head: %s\n", err->message);
    failures++;
    goto out;
  }
  at_seq = head.packet_seq ? evid_store_prev_hash_before (st, head.packet_seq + 1, NULL) : NULL;
  audit_hash = head.audit_seq ? evid_store_audit_hash (st, head.audit_seq, NULL) : NULL;
  failures += check_tip (report, head.utc, "store", "packet", now.packet_seq, head.packet_seq, at_seq,
                         head.packet_sha256);
  failures += check_tip (report, head.utc, "audit log", "audit row", now.audit_seq, head.audit_seq, audit_hash,
                         head.audit_hash);
  if (!failures)
    fprintf (report, "chain head (%s, packet %" G_GINT64_FORMAT ", audit row %" G_GINT64_FORMAT "): held\n", head.utc,
             head.packet_seq, head.audit_seq);
out:
  evid_chain_head_clear (&head);
  evid_chain_head_clear (&now);
  return failures;
}

static GPtrArray *
audit_objects (struct evid_store *st, GPtrArray **out_nodes, GError **error)
{
  g_autoptr (GPtrArray) texts = evid_store_audit_rows (st, NULL, error);
  if (!texts)
    return NULL;
  GPtrArray *objects = g_ptr_array_new ();
  *out_nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = 0; i < texts->len; i++) {
    const char *t = g_ptr_array_index (texts, i);
    JsonNode *n = NULL;
    JsonObject *o = parse_object (t, strlen (t), RECORD_MAX_BYTES, &n, NULL);
    if (n)
      g_ptr_array_add (*out_nodes, n);
    if (o)
      g_ptr_array_add (objects, o);
  }
  return objects;
}

int
evid_verify_store (struct evid_store *st, const struct evid_verify_opts *opts, FILE *report, int *out_packets,
                   GError **error)
{
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, error);
  g_autoptr (GPtrArray) nodes = NULL;
  g_autoptr (GPtrArray) audit = rows ? audit_objects (st, &nodes, error) : NULL;
  if (!audit)
    return -1;
  g_autoptr (GHashTable) trusted = trust_closure (opts->trusted, audit);
  g_autoptr (GHashTable) derived = derive_from_audit (audit);
  g_autoptr (GHashTable) retired = retired_keys (audit);
  int failures = 0;
  no_trust_note (trusted, report, &failures);
  g_autofree char *span_key = NULL;
  gint64 span_first = 0, span_last = 0;
  for (guint i = 0; i < rows->len; i++) {
    const struct evid_packet_row *row = g_ptr_array_index (rows, i);
    g_autofree char *label = g_strdup_printf ("packet %s", row->id);
    struct store_ctx ctx = {st, row->id};
    /* a purged packet leaves its hash behind, so the chain still links */
    g_autofree char *expected = evid_store_prev_hash_before (st, row->seq, error);
    if (!expected)
      return -1;
    failures += evid_verify_record (label, row->json, row->json_sha256, row->signature, trusted, expected,
                                    fetch_from_store, &ctx, report);
    char actual[EVID_SHA256_HEX_LEN];
    evid_sha256_hex (row->json, strlen (row->json), actual);
    if (strcmp (actual, row->json_sha256) == 0) { /* an altered record is reported as such already */
      failures += verify_columns (label, row, derived, report);
      g_autoptr (JsonNode) mroot = NULL;
      failures += verify_media_rows (label, st, row->id,
                                     parse_object (row->json, strlen (row->json), RECORD_MAX_BYTES, &mroot, NULL), report);
    }
    g_autoptr (JsonNode) root = NULL;
    JsonObject *pkt = parse_object (row->json, strlen (row->json), RECORD_MAX_BYTES, &root, NULL);
    const char *signer = pkt ? str_member (pkt, "device_public_key") : NULL;
    g_autofree char *signer_lower = signer ? g_ascii_strdown (signer, -1) : NULL;
    const char *retired_at = signer_lower ? g_hash_table_lookup (retired, signer_lower) : NULL;
    if (retired_at && g_strcmp0 (row->created_utc, retired_at) > 0) {
      fprintf (report, "%s: signed by key %s after it was taken out of service (%s)\n", label, signer, retired_at);
      failures++;
    }
    g_autofree char *key = short_key (signer);
    if (!span_key || strcmp (span_key, key) != 0) {
      report_span (report, span_key, span_first, span_last);
      g_free (span_key);
      span_key = g_strdup (key);
      span_first = row->seq;
    }
    span_last = row->seq;
  }
  report_span (report, span_key, span_first, span_last);
  g_autoptr (GError) audit_err = NULL;
  if (!evid_store_verify_audit (st, &audit_err)) {
    fprintf (report, "%s\n", audit_err->message);
    failures++;
  }
  failures += verify_audit_signatures (audit, trusted, report);
  gint64 seq_value;
  if (!evid_store_display_seq_sane (st, &seq_value)) {
    fprintf (report, "display sequence %" G_GINT64_FORMAT " is far ahead of the clock (store edited: displays would "
             "refuse everything from here on)\n", seq_value);
    failures++;
  }
  int purge_failures = verify_purged (st, derived, report, error);
  if (purge_failures < 0)
    return -1;
  failures += purge_failures;
  failures += verify_head (st, opts, trusted, report);
  if (out_packets)
    *out_packets = (int) rows->len;
  return failures;
}

/* ---- one published packet ---- */

static GBytes *
fetch_base64 (void *data, const char *name)
{
  JsonObject *media = data;
  const char *b64 = media ? str_member (media, name) : NULL;
  if (!b64)
    return NULL;
  gsize len;
  guchar *bytes = g_base64_decode (b64, &len);
  return g_bytes_new_take (bytes, len);
}

int
evid_verify_packet_file (const char *path, const struct evid_verify_opts *opts, FILE *report, GError **error)
{
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, error);
  if (!map)
    return -1;
  gsize len = g_mapped_file_get_length (map);
  g_autoptr (JsonNode) root = evid_json_guard_parse (g_mapped_file_get_contents (map), len, EVID_VERIFY_PACKET_MAX,
                                                     EVID_JSON_GUARD_DEPTH, error);
  JsonObject *o = root ? evid_json_guard_object (root, path, error) : NULL;
  const char *json = o ? evid_json_member_string (o, "packet", FALSE, error) : NULL;
  if (!json) {
    g_prefix_error (error, "%s: not a published packet: ", path);
    return -1;
  }
  g_autoptr (GHashTable) trusted = trust_closure (opts->trusted, NULL);
  int failures = 0;
  no_trust_note (trusted, report, &failures);
  /* media travel sealed to the back office; without its key only the
   * record is checked */
  JsonObject *sealed = evid_json_member_object (o, "media_sealed", TRUE, NULL);
  g_autoptr (JsonNode) media_root = NULL;
  JsonObject *media = NULL;
  if (sealed && opts->backoffice_key) {
    const char *b64 = str_member (sealed, "box_b64");
    gsize box_len = 0;
    g_autofree guchar *box = b64 ? g_base64_decode (b64, &box_len) : NULL;
    g_autoptr (GBytes) box_bytes = g_bytes_new (box, box_len);
    g_autoptr (GError) err = NULL;
    g_autoptr (GBytes) plain = evid_unseal (opts->backoffice_key, box_bytes, &err);
    gsize plen = 0;
    const char *ptext = plain ? g_bytes_get_data (plain, &plen) : NULL;
    media = plain ? parse_object (ptext, plen, EVID_VERIFY_PACKET_MAX, &media_root, &err) : NULL;
    if (!media) {
      fprintf (report, "%s: sealed media: %s\n", path, err->message);
      failures++;
    }
  } else if (sealed) {
    fprintf (report, "note: %s: media sealed to the back office; give --backoffice-key to check them\n", path);
  } else {
    media = evid_json_member_object (o, "media", TRUE, NULL);
  }
  return failures + evid_verify_record (path, json, str_member (o, "packet_sha256"),
                                        str_member (o, "signature") ? str_member (o, "signature") : "", trusted, NULL,
                                        media ? fetch_base64 : NULL, media, report);
}

/* ---- a case bundle ---- */

/* Media entries are media/NAME.EXT: looked up by NAME. */
static GBytes *
fetch_from_table (void *data, const char *name)
{
  g_autofree char *key = g_strconcat ("media/", name, NULL);
  GBytes *b = g_hash_table_lookup (data, key);
  return b ? g_bytes_ref (b) : NULL;
}

static char *
text_of (GHashTable *files, const char *name)
{
  GBytes *b = g_hash_table_lookup (files, name);
  if (!b)
    return NULL;
  gsize len;
  const char *p = g_bytes_get_data (b, &len);
  return g_strstrip (g_strndup (p, len));
}

/* The rows of audit.jsonl, parsed (NODES owns them). */
static GPtrArray *
audit_lines (const char *label, const char *text, GPtrArray *nodes, FILE *report, int *failures)
{
  GPtrArray *objects = g_ptr_array_new ();
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    JsonNode *n = NULL;
    JsonObject *o = parse_object (*l, strlen (*l), RECORD_MAX_BYTES, &n, NULL);
    if (n)
      g_ptr_array_add (nodes, n);
    if (o) {
      g_ptr_array_add (objects, o);
    } else {
      fprintf (report, "%s: audit row is not JSON\n", label);
      (*failures)++;
    }
  }
  return objects;
}

/* Each audit row must carry the hash of its own content and a trusted
 * signature of it; the last review row says the case's state. */
static int
verify_audit_rows (const char *label, GPtrArray *rows, GHashTable *trusted, FILE *report)
{
  int failures = 0;
  const char *state = NULL;
  for (guint i = 0; i < rows->len; i++) {
    JsonObject *r = g_ptr_array_index (rows, i);
    gint64 seq = -1;
    evid_json_member_int (r, "seq", &seq, NULL);
    g_autofree char *want = evid_audit_row_hash (str_member (r, "prev_hash") ? str_member (r, "prev_hash") : "", seq,
                                                 str_member (r, "utc") ? str_member (r, "utc") : "",
                                                 str_member (r, "actor") ? str_member (r, "actor") : "",
                                                 str_member (r, "action") ? str_member (r, "action") : "",
                                                 str_member (r, "packet_id"), str_member (r, "detail"));
    if (g_strcmp0 (want, str_member (r, "hash")) != 0) {
      fprintf (report, "%s: audit row %" G_GINT64_FORMAT ": hash mismatch (row altered)\n", label, seq);
      failures++;
    }
    const char *action = str_member (r, "action");
    if (action && g_str_has_prefix (action, "review:"))
      state = action + strlen ("review:");
  }
  fprintf (report, "note: %s: review state per its audit rows: %s\n", label, state ? state : "pending (no review row)");
  return failures + verify_audit_signatures (rows, trusted, report);
}

static gboolean
record_lists_media (JsonObject *pkt, const char *name)
{
  JsonArray *media = pkt ? evid_json_member_array (pkt, "media", FALSE, NULL) : NULL;
  for (guint i = 0; media && i < json_array_get_length (media); i++) {
    JsonNode *n = json_array_get_element (media, i);
    if (JSON_NODE_HOLDS_OBJECT (n) && g_strcmp0 (str_member (json_node_get_object (n), "name"), name) == 0)
      return TRUE;
  }
  return FALSE;
}

static int
verify_files (const char *path, GHashTable *files, const struct evid_verify_opts *opts, FILE *report,
              GError **error)
{
  g_autofree char *sig = text_of (files, "packet.sig");
  g_autofree char *audit = text_of (files, "audit.jsonl");
  GBytes *raw = g_hash_table_lookup (files, "packet.json");
  if (!raw) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: no packet.json: not a case bundle", path);
    return -1;
  }
  /* the record as exported is the record as stored: no stripping */
  g_autofree char *record = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  int failures = 0;
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr (GPtrArray) rows = audit_lines (path, audit, nodes, report, &failures);
  /* device.pub in the bundle is information, never trust: trust comes from
   * the verifier's own keys, handed on by key rotations the bundle carries */
  g_autoptr (GHashTable) trusted = trust_closure (opts->trusted, rows);
  no_trust_note (trusted, report, &failures);
  failures += evid_verify_record (path, record, NULL, sig ? sig : "", trusted, NULL, fetch_from_table, files, report);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *pkt = parse_object (record, strlen (record), RECORD_MAX_BYTES, &root, NULL);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (g_str_has_prefix (key, "media/") && !record_lists_media (pkt, (const char *) key + strlen ("media/"))) {
      fprintf (report, "%s: %s is not in the signed record (added)\n", path, (const char *) key);
      failures++;
    }
  return failures + verify_audit_rows (path, rows, trusted, report);
}

/* The name an entry is kept under: media/NAME (extension dropped), or the
 * top-level files a bundle has; NULL for anything else (skipped unread). */
static char *
entry_key (const char *name)
{
  static const char *const TOP[] = {"packet.json", "packet.sig", "device.pub", "audit.jsonl"};
  for (size_t i = 0; i < G_N_ELEMENTS (TOP); i++)
    if (g_strcmp0 (name, TOP[i]) == 0)
      return g_strdup (name);
  if (name && g_str_has_prefix (name, "media/") && !strchr (name + 6, '/')) {
    const char *dot = strrchr (name, '.');
    return dot && dot > name + 6 ? g_strndup (name, dot - name) : g_strdup (name);
  }
  return NULL;
}

/* Reads one entry in pieces: a size in the header is a claim, not a
 * promise, so the limits hold on what is actually unpacked. */
static GBytes *
read_entry (struct archive *a, const char *path, const char *name, gint64 *total, GError **error)
{
  GByteArray *buf = g_byte_array_new ();
  char chunk[65536];
  la_ssize_t got;
  while ((got = archive_read_data (a, chunk, sizeof chunk)) > 0) {
    *total += got;
    if ((gint64) buf->len + got > EVID_VERIFY_ENTRY_MAX || *total > EVID_VERIFY_BUNDLE_MAX) {
      g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s: larger than a case bundle can be (limit %lld MiB"
                   " an entry, %lld MiB in all)", path, name, (long long) (EVID_VERIFY_ENTRY_MAX >> 20),
                   (long long) (EVID_VERIFY_BUNDLE_MAX >> 20));
      g_byte_array_unref (buf);
      return NULL;
    }
    g_byte_array_append (buf, (const guint8 *) chunk, (guint) got);
  }
  if (got < 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s: %s", path, name, archive_error_string (a));
    g_byte_array_unref (buf);
    return NULL;
  }
  return g_byte_array_free_to_bytes (buf);
}

int
evid_verify_bundle (const char *path, const struct evid_verify_opts *opts, FILE *report, GError **error)
{
  struct archive *a = archive_read_new ();
  archive_read_support_format_tar (a);
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_xz (a);
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  int failures = -1, entries = 0, unexpected = 0, rc;
  gint64 total = 0;
  struct archive_entry *e;
  if (archive_read_open_filename (a, path, 65536) != ARCHIVE_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s", path, archive_error_string (a));
    goto out;
  }
  while ((rc = archive_read_next_header (a, &e)) == ARCHIVE_OK) {
    const char *name = archive_entry_pathname (e);
    g_autofree char *key = archive_entry_filetype (e) == AE_IFREG ? entry_key (name) : NULL;
    if (++entries > EVID_VERIFY_ENTRIES_MAX) {
      g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: more than %d entries: not a case bundle", path,
                   EVID_VERIFY_ENTRIES_MAX);
      goto out;
    }
    if (!key || g_hash_table_contains (files, key)) {
      if (key) {
        g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s appears twice", path, name);
        goto out;
      }
      if (g_strcmp0 (name, "README.txt") != 0) { /* skipped without unpacking, but said */
        fprintf (report, "%s: unexpected entry %s (not part of a case bundle)\n", path, name ? name : "(unnamed)");
        unexpected++;
      }
      continue;
    }
    GBytes *data = read_entry (a, path, name, &total, error);
    if (!data)
      goto out;
    g_hash_table_insert (files, g_steal_pointer (&key), data);
  }
  if (rc != ARCHIVE_EOF) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s", path, archive_error_string (a));
    goto out;
  }
  failures = verify_files (path, files, opts, report, error);
  if (failures >= 0)
    failures += unexpected;
out:
  archive_read_free (a);
  g_hash_table_destroy (files);
  return failures;
}
