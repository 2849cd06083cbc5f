#include "evid_export.h"

#include <archive.h>
#include <archive_entry.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A media item's file name ending in a bundle, by its MIME type. */
static const char *
extension_of (const char *mime)
{
  if (g_strcmp0 (mime, "video/x-matroska") == 0)
    return ".mkv";
  if (g_strcmp0 (mime, "image/jpeg") == 0)
    return ".jpg";
  return ".bin";
}

static const char README[] =
    "crosswatch case bundle\n\n"
    "packet.json is the evidence record exactly as the device hashed and signed it.\n"
    "Check: sha256sum of each media/NAME.* equals the record's media[].sha256;\n"
    "packet.sig is the Ed25519 signature of packet.json by the key named in\n"
    "device.pub and the record's device_public_key: that key proves nothing by\n"
    "itself; compare it with the device key you got from the police force or\n"
    "the site operator; each audit.jsonl row's hash is SHA-256 of\n"
    "\"crosswatch-audit-v2\" then, for prev_hash, seq, utc, actor, action,\n"
    "packet_id and detail in turn, \"|\" LENGTH \":\" VALUE (LENGTH in bytes, decimal).\n"
    "Or run: crosswatch verify THIS_FILE --pubkey TRUSTED_DEVICE_KEY.pub\n";

static bool
add (struct archive *a, const char *name, const void *data, size_t len, GError **error)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_size (e, (la_int64_t) len);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0600);
  archive_entry_set_mtime (e, g_get_real_time () / G_USEC_PER_SEC, 0);
  bool ok = archive_write_header (a, e) == ARCHIVE_OK && archive_write_data (a, data, len) == (la_ssize_t) len;
  if (!ok)
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "bundle: %s: %s", name, archive_error_string (a));
  archive_entry_free (e);
  return ok;
}

static bool
write_entries (struct archive *a, struct evid_store *st, const struct evid_packet_row *row, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, row->json, -1, error))
    return false;
  const char *pub = json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                                "device_public_key", "");
  g_autofree char *pub_line = g_strconcat (pub, "\n", NULL);
  g_autofree char *sig_line = g_strconcat (row->signature, "\n", NULL);
  if (!add (a, "packet.json", row->json, strlen (row->json), error) ||
      !add (a, "packet.sig", sig_line, strlen (sig_line), error) ||
      !add (a, "device.pub", pub_line, strlen (pub_line), error) ||
      !add (a, "README.txt", README, strlen (README), error))
    return false;
  /* the media the signed record lists, and only those */
  JsonObject *record = json_node_get_object (json_parser_get_root (parser));
  JsonArray *media = json_object_has_member (record, "media") ? json_object_get_array_member (record, "media") : NULL;
  for (guint i = 0; media && i < json_array_get_length (media); i++) {
    JsonObject *item = json_array_get_object_element (media, i);
    const char *name = item ? json_object_get_string_member_with_default (item, "name", NULL) : NULL;
    if (!name || strchr (name, '/'))
      continue;
    g_autoptr (GBytes) m = evid_store_media (st, row->id, name, NULL, error);
    g_autofree char *entry = g_strconcat (
        "media/", name, extension_of (json_object_get_string_member_with_default (item, "mime", "")), NULL);
    gsize len = 0;
    const void *data = m ? g_bytes_get_data (m, &len) : NULL;
    if (!m || !add (a, entry, data, len, error))
      return false;
  }
  /* the packet's rows, and every key change (so a verifier holding any key
   * of the device's line can follow the rotations offline) */
  g_autoptr (GPtrArray) audit = evid_store_audit_rows (st, NULL, error);
  if (!audit)
    return false;
  g_autoptr (GString) lines = g_string_new (NULL);
  g_autofree char *own = g_strdup_printf ("\"packet_id\":\"%s\"", row->id);
  for (guint i = 0; i < audit->len; i++) {
    const char *r = g_ptr_array_index (audit, i);
    /* recognition's rows stay in the cabinet: suggestions and watchlist
     * names are not evidence (recognition/README.md) */
    if (strstr (r, "\"action\":\"recognition:") || strstr (r, "\"action\":\"watchlist:") ||
        strstr (r, "\"action\":\"refused:watchlist:"))
      continue;
    if (strstr (r, own) || strstr (r, "\"action\":\"key_rotated\"") || strstr (r, "\"action\":\"key_replaced_lost\""))
      g_string_append_printf (lines, "%s\n", r);
  }
  return add (a, "audit.jsonl", lines->str, lines->len, error);
}

bool
evid_export_bundle (struct evid_store *st, const char *packet_id, const char *out_path, GError **error)
{
  struct evid_packet_row *row = evid_store_get (st, packet_id, error);
  if (!row)
    return false;
  struct archive *a = archive_write_new ();
  archive_write_set_format_pax_restricted (a);
  /* a case file holds faces: only its owner reads it */
  int fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && fchmod (fd, 0600) == 0 && archive_write_open_fd (a, fd) == ARCHIVE_OK;
  if (!ok)
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: %s", out_path,
                 fd < 0 ? g_strerror (errno) : archive_error_string (a));
  ok = ok && write_entries (a, st, row, error);
  if (ok && archive_write_close (a) != ARCHIVE_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: %s", out_path, archive_error_string (a));
    ok = false;
  }
  archive_write_free (a);
  if (fd >= 0)
    close (fd);
  evid_packet_row_free (row);
  return ok;
}
