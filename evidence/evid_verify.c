#include "evid_verify.h"

#include "evid_hash.h"
#include "evid_key.h"

#include <archive.h>
#include <archive_entry.h>
#include <json-glib/json-glib.h>
#include <string.h>

static int
verify_media (const char *label, JsonObject *pkt, evid_media_fetch fetch, void *ctx, FILE *report)
{
  int failures = 0;
  JsonArray *media = json_object_has_member (pkt, "media") ? json_object_get_array_member (pkt, "media") : NULL;
  if (!media) {
    fprintf (report, "%s: record lists no media\n", label);
    return 1;
  }
  for (guint i = 0; i < json_array_get_length (media); i++) {
    JsonObject *m = json_array_get_object_element (media, i);
    const char *name = json_object_get_string_member_with_default (m, "name", "?");
    const char *claimed = json_object_get_string_member_with_default (m, "sha256", "");
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
                    const char *trusted_public, const char *expected_prev, evid_media_fetch fetch, void *ctx,
                    FILE *report)
{
  char actual[EVID_SHA256_HEX_LEN];
  evid_sha256_hex (json, strlen (json), actual);
  if (claimed_sha256 && strcmp (actual, claimed_sha256) != 0) {
    fprintf (report, "%s: record sha256 %s does not match the stored %s (record altered)\n", label, actual,
             claimed_sha256);
    return 1;
  }
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    fprintf (report, "%s: record is not a JSON object\n", label);
    return 1;
  }
  JsonObject *pkt = json_node_get_object (json_parser_get_root (parser));
  int failures = 0;
  const char *key = json_object_get_string_member_with_default (pkt, "device_public_key", NULL);
  if (trusted_public && g_strcmp0 (key, trusted_public) != 0) {
    fprintf (report, "%s: signed by device key %s, not the trusted %s\n", label, key ? key : "(none)", trusted_public);
    failures++;
  } else if (!evid_signature_valid (key, json, strlen (json), signature)) {
    fprintf (report, "%s: signature invalid (record or signature altered, or another key)\n", label);
    failures++;
  }
  if (expected_prev) {
    const char *link = json_object_get_string_member_with_default (pkt, "prev_packet_sha256", NULL);
    if (!link || strcmp (link, expected_prev) != 0) {
      fprintf (report, "%s: chain link broken: prev_packet_sha256 %s, previous packet's hash %s\n", label,
               link ? link : "(none)", *expected_prev ? expected_prev : "(first packet)");
      failures++;
    }
  }
  return failures + verify_media (label, pkt, fetch, ctx, report);
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

int
evid_verify_store (struct evid_store *st, const char *trusted_public, FILE *report, int *out_packets, GError **error)
{
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, error);
  if (!rows)
    return -1;
  int failures = 0;
  for (guint i = 0; i < rows->len; i++) {
    const struct evid_packet_row *row = g_ptr_array_index (rows, i);
    g_autofree char *label = g_strdup_printf ("packet %s", row->id);
    struct store_ctx ctx = {st, row->id};
    /* a purged packet leaves its hash behind, so the chain still links */
    g_autofree char *expected = evid_store_prev_hash_before (st, row->seq, error);
    if (!expected)
      return -1;
    failures += evid_verify_record (label, row->json, row->json_sha256, row->signature, trusted_public, expected,
                                    fetch_from_store, &ctx, report);
  }
  g_autoptr (GError) audit_err = NULL;
  if (!evid_store_verify_audit (st, &audit_err)) {
    fprintf (report, "%s\n", audit_err->message);
    failures++;
  }
  if (out_packets)
    *out_packets = (int) rows->len;
  return failures;
}

/* ---- one published packet ---- */

static GBytes *
fetch_base64 (void *data, const char *name)
{
  JsonObject *media = data;
  const char *b64 = media ? json_object_get_string_member_with_default (media, name, NULL) : NULL;
  if (!b64)
    return NULL;
  gsize len;
  guchar *bytes = g_base64_decode (b64, &len);
  return g_bytes_new_take (bytes, len);
}

int
evid_verify_packet_file (const char *path, const char *trusted_public, FILE *report, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, error))
    return -1;
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *json = o ? json_object_get_string_member_with_default (o, "packet", NULL) : NULL;
  if (!json) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: not a published packet (no \"packet\" member)", path);
    return -1;
  }
  JsonObject *media = json_object_has_member (o, "media") ? json_object_get_object_member (o, "media") : NULL;
  return evid_verify_record (path, json, json_object_get_string_member_with_default (o, "packet_sha256", NULL),
                             json_object_get_string_member_with_default (o, "signature", ""), trusted_public, NULL,
                             fetch_base64, media, report);
}

/* ---- a case bundle ---- */

static GBytes *
fetch_from_table (void *data, const char *name)
{
  g_autofree char *key = g_strconcat ("media/", name, ".jpg", NULL);
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

/* Each audit row in audit.jsonl must carry the hash of its own content. */
static int
verify_audit_rows (const char *label, const char *text, FILE *report)
{
  int failures = 0;
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    g_autoptr (JsonParser) p = json_parser_new ();
    if (!json_parser_load_from_data (p, *l, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p))) {
      fprintf (report, "%s: audit row is not JSON: %s\n", label, *l);
      failures++;
      continue;
    }
    JsonObject *r = json_node_get_object (json_parser_get_root (p));
    gint64 seq = json_object_get_int_member_with_default (r, "seq", -1);
    g_autofree char *want = evid_audit_row_hash (
        json_object_get_string_member_with_default (r, "prev_hash", ""), seq,
        json_object_get_string_member_with_default (r, "utc", ""),
        json_object_get_string_member_with_default (r, "actor", ""),
        json_object_get_string_member_with_default (r, "action", ""),
        json_object_get_string_member_with_default (r, "packet_id", NULL),
        json_object_get_string_member_with_default (r, "detail", NULL));
    if (g_strcmp0 (want, json_object_get_string_member_with_default (r, "hash", "")) != 0) {
      fprintf (report, "%s: audit row %" G_GINT64_FORMAT ": hash mismatch (row altered)\n", label, seq);
      failures++;
    }
  }
  return failures;
}

static int
verify_files (const char *path, GHashTable *files, const char *trusted_public, FILE *report, GError **error)
{
  g_autofree char *json = text_of (files, "packet.json");
  g_autofree char *sig = text_of (files, "packet.sig");
  g_autofree char *pub = text_of (files, "device.pub");
  g_autofree char *audit = text_of (files, "audit.jsonl");
  if (!json) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: no packet.json: not a case bundle", path);
    return -1;
  }
  /* the record as exported is the record as stored: no stripping */
  GBytes *raw = g_hash_table_lookup (files, "packet.json");
  g_autofree char *record = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  int failures = 0;
  if (pub && trusted_public && strcmp (pub, trusted_public) != 0) {
    fprintf (report, "%s: device.pub %s is not the trusted key %s\n", path, pub, trusted_public);
    failures++;
  }
  failures += evid_verify_record (path, record, NULL, sig ? sig : "", trusted_public ? trusted_public : pub, NULL,
                                  fetch_from_table, files, report);
  return failures + verify_audit_rows (path, audit, report);
}

int
evid_verify_bundle (const char *path, const char *trusted_public, FILE *report, GError **error)
{
  struct archive *a = archive_read_new ();
  archive_read_support_format_all (a);
  archive_read_support_filter_all (a);
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  int failures = -1;
  if (archive_read_open_filename (a, path, 65536) != ARCHIVE_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s", path, archive_error_string (a));
    goto out;
  }
  struct archive_entry *e;
  while (archive_read_next_header (a, &e) == ARCHIVE_OK) {
    la_int64_t size = archive_entry_size (e);
    if (size < 0 || size > 256 * 1024 * 1024)
      continue;
    guchar *buf = g_malloc (size + 1);
    la_ssize_t got = archive_read_data (a, buf, size);
    if (got != size) {
      g_free (buf);
      g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s: truncated", path, archive_entry_pathname (e));
      goto out;
    }
    g_hash_table_insert (files, g_strdup (archive_entry_pathname (e)), g_bytes_new_take (buf, size));
  }
  failures = verify_files (path, files, trusted_public, report, error);
out:
  archive_read_free (a);
  g_hash_table_destroy (files);
  return failures;
}
