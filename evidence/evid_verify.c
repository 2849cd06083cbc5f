#include "evid_verify.h"

#include "evid_hash.h"

#include <json-glib/json-glib.h>
#include <string.h>

static int
verify_media (struct evid_store *st, const struct evid_packet_row *row, JsonObject *pkt, FILE *report)
{
  int failures = 0;
  JsonArray *media = json_object_has_member (pkt, "media") ? json_object_get_array_member (pkt, "media") : NULL;
  if (!media) {
    fprintf (report, "packet %s: record lists no media\n", row->id);
    return 1;
  }
  for (guint i = 0; i < json_array_get_length (media); i++) {
    JsonObject *m = json_array_get_object_element (media, i);
    const char *name = json_object_get_string_member_with_default (m, "name", "?");
    const char *claimed = json_object_get_string_member_with_default (m, "sha256", "");
    g_autoptr (GError) err = NULL;
    g_autoptr (GBytes) data = evid_store_media (st, row->id, name, NULL, &err);
    if (!data) {
      fprintf (report, "packet %s: media %s: missing (%s)\n", row->id, name, err->message);
      failures++;
      continue;
    }
    gsize len;
    const void *p = g_bytes_get_data (data, &len);
    char actual[EVID_SHA256_HEX_LEN];
    evid_sha256_hex (p ? p : "", len, actual);
    if (strcmp (actual, claimed) != 0) {
      fprintf (report, "packet %s: media %s: sha256 %s does not match the record's %s\n", row->id, name, actual,
               claimed);
      failures++;
    }
  }
  return failures;
}

static int
verify_packet (struct evid_store *st, const struct evid_packet_row *row, const char *prev_hash, FILE *report)
{
  char actual[EVID_SHA256_HEX_LEN];
  evid_sha256_hex (row->json, strlen (row->json), actual);
  if (strcmp (actual, row->json_sha256) != 0) {
    fprintf (report, "packet %s: record sha256 %s does not match the stored %s (record altered)\n", row->id,
             actual, row->json_sha256);
    return 1;
  }
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, row->json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    fprintf (report, "packet %s: record is not a JSON object\n", row->id);
    return 1;
  }
  JsonObject *pkt = json_node_get_object (json_parser_get_root (parser));
  int failures = 0;
  const char *link = json_object_get_string_member_with_default (pkt, "prev_packet_sha256", NULL);
  if (!link || strcmp (link, prev_hash) != 0) {
    fprintf (report, "packet %s: chain link broken: prev_packet_sha256 %s, previous packet's hash %s\n", row->id,
             link ? link : "(none)", *prev_hash ? prev_hash : "(first packet)");
    failures++;
  }
  return failures + verify_media (st, row, pkt, report);
}

int
evid_verify_store (struct evid_store *st, FILE *report, int *out_packets, GError **error)
{
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, error);
  if (!rows)
    return -1;
  int failures = 0;
  const char *prev = "";
  for (guint i = 0; i < rows->len; i++) {
    const struct evid_packet_row *row = g_ptr_array_index (rows, i);
    failures += verify_packet (st, row, prev, report);
    prev = row->json_sha256;
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
