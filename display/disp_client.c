#include "disp_client.h"

#include "disp_playlist.h"
#include "disp_render.h"
#include "disp_screen.h"
#include "disp_state.h"
#include "disp_words.h"
#include "hwcfg_profile.h"
#include "evid_display_msg.h"
#include "evid_json.h"
#include "evid_json_guard.h"
#include "evid_keyring.h"
#include "evid_store.h" /* evid_utc_now */
#include "mqtt_link.h"
#include "svc_notify.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <unistd.h>

/* a payload of EVID_DISPLAY_MSG_MAX_BYTES, its topic and MQTT headers */
#define MAX_PACKET_BYTES (EVID_DISPLAY_MSG_MAX_BYTES + 4096)

#define CURRENT_FILE "current.png"

struct disp_client {
  const struct hwcfg_display *cfg;
  struct evid_keyring *trusted;
  struct disp_state *state;
  struct disp_look look; /* the words, time zone, rule and appeal of [display] */
  const struct hwcfg_profile *profile; /* [display] profile */
  struct disp_playlist *playlist;
  struct disp_screen *screen; /* NULL: files only ([display] sink = none) */
  char *on_screen;            /* what current.png shows: a packet id, or "idle HH:MM" */
  GTimeZone *site_tz;         /* the zone the latest show named, for the idle clock when [display] has none */
  char *site_name_seen;       /* the place the latest show named, for the idle screen when [display] has none */
};

/* How this display draws: a screen drawn another way (another language,
 * profile, size, zone or text) is drawn again from its kept message. */
static char *
look_key (const struct hwcfg_display *cfg)
{
  return g_strdup_printf ("%s|%s|%s|%dx%d|%s|%s|%s|%s", cfg->locale ? cfg->locale : "en",
                          cfg->profile ? cfg->profile : "default", cfg->timezone ? cfg->timezone : "",
                          cfg->width, cfg->height, cfg->rule_text ? cfg->rule_text : "",
                          cfg->appeal_text ? cfg->appeal_text : "", cfg->case_url_base ? cfg->case_url_base : "",
                          cfg->site_name ? cfg->site_name : "");
}

/* ---- the client ----------------------------------------------------------- */

static gboolean show (struct disp_client *c, const struct evid_display_msg *m, gint64 now_us, gint64 since_us,
                      const void *payload, gsize len, GError **error);
static gboolean remove_case_files (const struct disp_client *c, const char *packet_id, GError **error);
static char *case_file (const struct disp_client *c, const char *packet_id, const char *suffix);

/* The current cases were drawn another way (the display's language,
 * profile, size, zone or texts changed since): each is drawn again from its
 * kept signed message, checked again; one that no longer passes (expired,
 * its key no longer trusted, its file gone) leaves the screen. */
static gboolean
redraw_if_look_changed (struct disp_client *c, gint64 now_us, GError **error)
{
  g_autofree char *look = look_key (c->cfg);
  const char *drawn = disp_state_look (c->state);
  if (!g_strcmp0 (drawn, look))
    return TRUE;
  g_autoptr (GPtrArray) ids = drawn ? disp_state_screens (c->state) : g_ptr_array_new ();
  for (guint i = 0; i < ids->len; i++) {
    const char *id = g_ptr_array_index (ids, i);
    g_autofree char *kept = case_file (c, id, ".msg"), *payload = NULL;
    gsize len = 0;
    GError *local = NULL;
    struct evid_display_msg *m = NULL;
    gint64 since = disp_state_screen_since (c->state, id);
    GStatBuf sb;
    if (g_stat (kept, &sb) == 0 && sb.st_size > EVID_DISPLAY_MSG_MAX_BYTES)
      g_set_error (&local, DISP_ERROR, DISP_ERROR_STATE, "%s is larger than any message", kept);
    else if (g_file_get_contents (kept, &payload, &len, &local) &&
        (m = evid_display_msg_parse (payload, len, c->trusted, c->cfg->site_id, c->cfg->id, now_us, &local)) &&
        evid_display_msg_is_show (m) && !strcmp (evid_display_msg_packet_id (m), id) &&
        show (c, m, now_us, since, NULL, 0, &local)) {
      g_message ("display %s: packet %s drawn again (the display's look changed)", c->cfg->id, id);
    } else {
      g_warning ("display %s: packet %s leaves the screen: it cannot be drawn again: %s", c->cfg->id, id,
                 local ? local->message : "its kept message is not its show");
      remove_case_files (c, id, NULL);
      disp_state_screen_remove (c->state, id);
    }
    g_clear_error (&local);
    evid_display_msg_free (m);
  }
  disp_state_set_look (c->state, look);
  return disp_state_save (c->state, error);
}

struct disp_client *
disp_client_new (const struct hwcfg_display *cfg, GError **error)
{
  g_return_val_if_fail (cfg != NULL && cfg->out_dir != NULL, NULL);
  struct disp_client *c = g_new0 (struct disp_client, 1);
  c->cfg = cfg;
  c->trusted = evid_keyring_new ();
  c->look.words = disp_words_for (cfg->locale ? cfg->locale : "en");
  c->look.tz = cfg->timezone ? g_time_zone_new_identifier (cfg->timezone) : NULL;
  c->look.rule = cfg->rule_text;
  c->look.appeal = cfg->appeal_text;
  c->profile = hwcfg_profile_find (cfg->profile ? cfg->profile : "default");
  c->playlist = disp_playlist_new ((gint64) MAX (1, cfg->rotation_s) * G_USEC_PER_SEC);
  g_autofree char *state_path = g_build_filename (cfg->out_dir, DISP_STATE_FILE, NULL);
  GError *local = NULL;
  if (!c->profile) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG, "display %s: [display] profile '%s' is not known", cfg->id,
                 cfg->profile);
    goto fail;
  }
  if (!c->look.words || (cfg->timezone && !c->look.tz)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG, "display %s: [display] %s '%s' is not known", cfg->id,
                 c->look.words ? "timezone" : "locale", c->look.words ? cfg->timezone : cfg->locale);
    goto fail;
  }
  if (!evid_keyring_add_files (c->trusted, cfg->trusted_keys, &local)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG, "display %s: [display] trusted_keys: %s", cfg->id,
                 local->message);
    g_error_free (local);
    goto fail;
  }
  if (evid_keyring_size (c->trusted) == 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG,
                 "display %s: no trusted key ([display] trusted_keys): it would show nothing", cfg->id);
    goto fail;
  }
  if (g_mkdir_with_parents (cfg->out_dir, 0755) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_STATE, "%s: %s", cfg->out_dir, g_strerror (errno));
    goto fail;
  }
  if (!(c->state = disp_state_load (state_path, error)))
    goto fail;
  /* keys handed over earlier are trusted again (no autoptr here: the gotos
   * above would jump past its initialisation) */
  GPtrArray *handed = disp_state_keys (c->state);
  for (guint i = 0; i < handed->len; i++)
    evid_keyring_add_hex (c->trusted, g_ptr_array_index (handed, i), NULL);
  g_ptr_array_unref (handed);
  if (!redraw_if_look_changed (c, g_get_real_time (), error))
    goto fail;
  return c;
fail:
  disp_client_free (c);
  return NULL;
}

void
disp_client_free (struct disp_client *c)
{
  if (!c)
    return;
  evid_keyring_free (c->trusted);
  disp_state_free (c->state);
  if (c->look.tz)
    g_time_zone_unref (c->look.tz);
  disp_playlist_free (c->playlist);
  disp_screen_free (c->screen);
  g_free (c->on_screen);
  if (c->site_tz)
    g_time_zone_unref (c->site_tz);
  g_free (c->site_name_seen);
  g_free (c);
}

gboolean
disp_client_open_screen (struct disp_client *c, GError **error)
{
  const char *sink = c->cfg->sink ? c->cfg->sink : "none";
  if (c->screen || !strcmp (sink, "none"))
    return TRUE;
  c->screen = disp_screen_new (sink, c->cfg->fullscreen, c->cfg->width, c->cfg->height, error);
  if (c->screen)
    g_clear_pointer (&c->on_screen, g_free); /* drawn again on the new output */
  return c->screen != NULL;
}

static char *
case_file (const struct disp_client *c, const char *packet_id, const char *suffix)
{
  g_autofree char *name = g_strconcat (packet_id, suffix, NULL);
  return g_build_filename (c->cfg->out_dir, name, NULL);
}

static char *
screen_path (const struct disp_client *c, const char *packet_id)
{
  return case_file (c, packet_id, ".png");
}

/* A case's screen and its kept message go together. FALSE (ERROR set
 * unless NULL) when the screen cannot be removed. */
static gboolean
remove_case_files (const struct disp_client *c, const char *packet_id, GError **error)
{
  g_autofree char *path = screen_path (c, packet_id), *msg = case_file (c, packet_id, ".msg");
  g_unlink (msg);
  if (g_unlink (path) != 0 && errno != ENOENT) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "cannot remove %s: %s", path, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

/* What the show may put on this screen: the stricter of the profile it
 * names (the site's) and the display's own (hwcfg/PROFILES.md). */
static void
effective_profile (const struct disp_client *c, JsonObject *content, struct hwcfg_profile *out, char *name, int len)
{
  const char *named = evid_json_member_string (content, "profile", TRUE, NULL);
  const struct hwcfg_profile *site = hwcfg_profile_find (named ? named : "default");
  hwcfg_profile_stricter (site ? site : hwcfg_profile_find ("default"), c->profile, out, name, len);
}

static double
height_of (JsonObject *content)
{
  JsonNode *n = json_object_get_member (content, "height_m");
  double h = NAN;
  if (!n || !evid_json_node_number (n, &h))
    return NAN;
  return h;
}

/* Draws the case of show M at NOW_US (on screen since SINCE_US) and keeps
 * its signed PAYLOAD (LEN bytes; NULL: kept already) beside the screen, so
 * the case can be drawn again after a restart with another look. */
static gboolean
show (struct disp_client *c, const struct evid_display_msg *m, gint64 now_us, gint64 since_us, const void *payload,
      gsize len, GError **error)
{
  const char *id = evid_display_msg_packet_id (m);
  JsonObject *content = evid_display_msg_content (m);
  struct hwcfg_profile eff;
  char eff_name[64];
  effective_profile (c, content, &eff, eff_name, sizeof eff_name);
  /* how long: the message's expiry, or the profile's limit from its issue */
  gint64 expires = MIN (evid_display_msg_expires_us (m),
                        evid_display_msg_issued_us (m) + (gint64) eff.max_show_hours * 3600 * G_USEC_PER_SEC);
  if (expires <= now_us) {
    g_message ("display %s: packet %s not shown: profile %s shows a case %d h at most and it was issued earlier",
               c->cfg->id, id, eff_name, eff.max_show_hours);
    return TRUE;
  }
  g_autofree char *path = screen_path (c, id);
  g_autofree char *until = evid_display_utc_format (expires);
  if (!disp_state_screen_room (c->state, id)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "too many screens shown: packet %s not shown", id);
    return FALSE;
  }
  const char *url_signed = evid_json_member_string (content, "case_url", TRUE, NULL);
  g_autofree char *url = url_signed             ? g_strconcat (url_signed, NULL)
                         : c->cfg->case_url_base ? disp_case_url (c->cfg->case_url_base, id)
                                                 : NULL;
  if (!url) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG,
                 "packet %s carries no case_url and [display] case_url_base is not set: no QR code to draw", id);
    return FALSE;
  }
  /* times in the display's zone; without one, in the site's when the
   * message names one this system knows (the idle clock follows it) */
  struct disp_look look = c->look;
  const char *zone = evid_json_member_string (content, "timezone", TRUE, NULL);
  GTimeZone *site_tz = zone ? g_time_zone_new_identifier (zone) : NULL;
  if (site_tz) {
    if (c->site_tz)
      g_time_zone_unref (c->site_tz);
    c->site_tz = site_tz;
  }
  if (!look.tz)
    look.tz = c->site_tz;
  /* the rule and appeal: the display's own words, else the site's when
   * they are in this screen's language, else the language's */
  const char *texts_locale = evid_json_member_string (content, "texts_locale", TRUE, NULL);
  if (texts_locale && !g_strcmp0 (texts_locale, c->cfg->locale ? c->cfg->locale : "en")) {
    const char *rule = evid_json_member_string (content, "rule_text", TRUE, NULL);
    const char *appeal = evid_json_member_string (content, "appeal_text", TRUE, NULL);
    if (!look.rule && rule && *rule)
      look.rule = rule;
    if (!look.appeal && appeal && *appeal)
      look.appeal = appeal;
  }
  const char *place = evid_json_member_string (content, "site_name", TRUE, NULL);
  if (place && *place) {
    g_free (c->site_name_seen);
    c->site_name_seen = g_strdup (place);
  }
  gboolean person = evid_display_msg_person_shown (m) && hwcfg_profile_may_show_person (&eff, height_of (content));
  gboolean blurred = FALSE;
  evid_json_member_bool (content, "faces_blurred", &blurred, NULL);
  g_autoptr (GDateTime) utc = g_date_time_new_from_iso8601 (evid_json_member_string (content, "utc", FALSE, NULL), NULL);
  g_autoptr (GDateTime) local = !utc ? NULL : look.tz ? g_date_time_to_timezone (utc, look.tz) : g_date_time_to_local (utc);
  g_autofree char *day = local ? g_date_time_format (local, "%Y-%m-%d") : g_strdup ("");
  struct disp_case_view v = {
      .content = content,
      .jpeg = person ? evid_display_msg_image (m, NULL, NULL) : NULL,
      .case_url = url,
      .pixelate_head = person && !eff.faces_shown && !blurred,
      .pixelate_surroundings = person && !eff.bystanders_shown && !blurred,
      .day = day,
      /* this one among them, drawn for the first time or again */
      .day_count = disp_state_screens_on_day (c->state, day) + (disp_state_screen_since (c->state, id) ? 0 : 1),
  };
  cairo_surface_t *screen = disp_render_case (&v, &look, c->cfg->width, c->cfg->height, error);
  if (!screen)
    return FALSE;
  gboolean ok = disp_render_write_png (screen, path, error);
  cairo_surface_destroy (screen);
  g_autofree char *kept = case_file (c, id, ".msg");
  GError *werr = NULL;
  if (ok && payload && !g_file_set_contents_full (kept, payload, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &werr)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", kept, werr->message);
    g_error_free (werr);
    ok = FALSE;
  }
  if (!ok) {
    remove_case_files (c, id, NULL);
    return FALSE;
  }
  disp_state_screen_set (c->state, id, expires, since_us, day);
  g_message ("display %s: showing packet %s (%s) until %s under profile %s%s", c->cfg->id, id, path, until, eff_name,
             person ? "" : ", without a picture of the person");
  return TRUE;
}

static gboolean
retract (struct disp_client *c, const struct evid_display_msg *m, GError **error)
{
  const char *id = evid_display_msg_packet_id (m);
  if (!remove_case_files (c, id, error))
    return FALSE;
  disp_state_retracted (c->state, id);
  g_message ("display %s: retracted packet %s", c->cfg->id, id);
  return TRUE;
}

/* A key message (checked by the parser: signed by a trusted key, the new
 * key's own signature of the handover valid): the new key is trusted from
 * now on, and remembered. */
static gboolean
hand_over (struct disp_client *c, const struct evid_display_msg *m, GError **error)
{
  const char *key = evid_display_msg_packet_id (m);
  if (!disp_state_key_add (c->state, key)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_STATE, "key %s not trusted: this display remembers too many handovers",
                 key);
    return FALSE;
  }
  evid_keyring_add_hex (c->trusted, key, NULL);
  g_message ("display %s: trusting key %s, handed over by %s", c->cfg->id, key, evid_display_msg_device_key (m));
  return TRUE;
}

gboolean
disp_client_expire (struct disp_client *c, gint64 now_us, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  g_autoptr (GPtrArray) expired = disp_state_screens_expired (c->state, now_us);
  gboolean ok = TRUE;
  for (guint i = 0; i < expired->len; i++) {
    const char *id = g_ptr_array_index (expired, i);
    if (!remove_case_files (c, id, ok ? error : NULL)) {
      ok = FALSE;
      continue;
    }
    disp_state_screen_remove (c->state, id);
    g_message ("display %s: packet %s expired, screen removed", c->cfg->id, id);
  }
  if (expired->len && !disp_state_save (c->state, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

gboolean
disp_client_handle (struct disp_client *c, const void *payload, gsize len, gint64 now_us, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  struct evid_display_msg *m = evid_display_msg_parse (payload, len, c->trusted, c->cfg->site_id, c->cfg->id, now_us,
                                                       error);
  gboolean repeat = FALSE, ok = FALSE;
  if (!m || !disp_state_admit (c->state, evid_display_msg_device_key (m), evid_display_msg_seq (m),
                                evid_display_msg_packet_id (m), evid_display_msg_kind (m), &repeat, error))
    goto out;
  if (repeat) {
    ok = TRUE; /* already acted on: a QoS 1 redelivery or a retained message seen again */
    goto out;
  }
  const char *kind = evid_display_msg_kind (m);
  if (!(strcmp (kind, "show") == 0   ? show (c, m, now_us, now_us, payload, len, error)
        : strcmp (kind, "key") == 0 ? hand_over (c, m, error)
                                     : retract (c, m, error)))
    goto out;
  disp_state_acted (c->state, evid_display_msg_device_key (m), evid_display_msg_seq (m),
                    evid_display_msg_packet_id (m), evid_display_msg_kind (m));
  ok = disp_state_save (c->state, error);
out:
  evid_display_msg_free (m);
  return ok;
}

/* Draws what the playlist says is on screen into current.png and onto the
 * output, when it changed (the idle screen's clock: each minute). */
static gboolean
compose (struct disp_client *c, gint64 now_us, GError **error)
{
  const char *id = disp_playlist_current (c->playlist);
  g_autofree char *key = NULL;
  if (id) {
    key = g_strdup (id);
  } else {
    g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);
    key = g_strdup_printf ("idle %" G_GINT64_FORMAT, g_date_time_to_unix (t) / 60);
  }
  if (!g_strcmp0 (key, c->on_screen))
    return TRUE;
  cairo_surface_t *frame = NULL;
  if (id) {
    g_autofree char *path = screen_path (c, id);
    frame = cairo_image_surface_create_from_png (path);
    if (cairo_surface_status (frame) != CAIRO_STATUS_SUCCESS ||
        cairo_image_surface_get_width (frame) != c->cfg->width || cairo_image_surface_get_height (frame) != c->cfg->height) {
      g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path,
                   cairo_surface_status (frame) ? cairo_status_to_string (cairo_surface_status (frame))
                                                : "not the screen's size");
      cairo_surface_destroy (frame);
      return FALSE;
    }
  } else {
    struct disp_look look = c->look;
    if (!look.tz)
      look.tz = c->site_tz;
    const char *place = c->cfg->site_name ? c->cfg->site_name : c->site_name_seen ? c->site_name_seen : c->cfg->site_id;
    frame = disp_render_idle (&look, place, now_us, c->cfg->width, c->cfg->height, error);
    if (!frame)
      return FALSE;
  }
  g_autofree char *current = g_build_filename (c->cfg->out_dir, CURRENT_FILE, NULL);
  gboolean ok = disp_render_write_png (frame, current, error) && (!c->screen || disp_screen_show (c->screen, frame, error));
  cairo_surface_destroy (frame);
  if (!ok)
    return FALSE;
  if (g_strcmp0 (id, disp_client_current (c)) != 0 || !c->on_screen)
    g_message ("display %s: on screen now: %s", c->cfg->id, id ? id : "the idle screen");
  g_free (c->on_screen);
  c->on_screen = g_steal_pointer (&key);
  return TRUE;
}

const char *
disp_client_current (const struct disp_client *c)
{
  return c->on_screen && !g_str_has_prefix (c->on_screen, "idle ") ? c->on_screen : NULL;
}

gboolean
disp_client_tick (struct disp_client *c, gint64 now_us, gint64 mono_us, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  GError *local = NULL;
  gboolean ok = disp_client_expire (c, now_us, &local);
  g_autoptr (GPtrArray) cases = disp_state_screens_by_age (c->state, c->cfg->max_cases);
  disp_playlist_step (c->playlist, cases, mono_us);
  if (!compose (c, now_us, local ? NULL : &local))
    ok = FALSE;
  if (local)
    g_propagate_error (error, local);
  return ok;
}

GPtrArray *
disp_client_on_screen (const struct disp_client *c)
{
  return disp_state_screens (c->state);
}

char *
disp_client_state_json (const struct disp_client *c, const char *state, const char *last_error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_int (b, "v", 1);
  evid_json_string (b, "site", c->cfg->site_id);
  evid_json_string (b, "display", c->cfg->id);
  evid_json_string (b, "state", state);
  json_builder_set_member_name (b, "on_screen");
  json_builder_begin_array (b);
  g_autoptr (GPtrArray) ids = disp_state_screens (c->state);
  for (guint i = 0; !strcmp (state, "online") && i < ids->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (ids, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "current");
  if (!strcmp (state, "online") && disp_client_current (c))
    json_builder_add_string_value (b, disp_client_current (c));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "last_error");
  if (last_error)
    json_builder_add_string_value (b, last_error);
  else
    json_builder_add_null_value (b);
  g_autofree char *utc = evid_utc_now ();
  evid_json_string (b, "utc", utc);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* ---- MQTT ----------------------------------------------------------------- */

/* A message from the link's thread, handled on the display's. */
struct inbound {
  char *topic;
  void *payload;
  int len;
  bool retain;
};

static void
inbound_free (struct inbound *m)
{
  g_free (m->topic);
  g_free (m->payload);
  g_free (m);
}

struct session {
  struct disp_client *client;
  const struct hwcfg_display *cfg;
  char *topic, *state_topic, *case_topics;
  char *last_error;     /* the latest problem, for the status topic */
  char *said;           /* the status last published, less its time */
  char *last_warned;    /* a problem is warned about once per cause */
  struct mqtt_link *link;
  GAsyncQueue *inbox;   /* struct inbound */
  gint connects;        /* atomic: connections the broker accepted */
  int seen_connects;
};

/* Sets the last error (for the status topic) and warns about a problem
 * unless it is the same as the last one warned about. */
static void
note_problem (struct session *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
static void
note_problem (struct session *s, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (g_strcmp0 (msg, s->last_warned) != 0)
    g_warning ("display %s: %s", s->cfg->id, msg);
  g_free (s->last_warned);
  s->last_warned = g_strdup (msg);
  g_free (s->last_error);
  s->last_error = msg;
}

/* Publishes the status when it changed (what is on screen, the last error). */
static void
publish_state (struct session *s)
{
  if (!mqtt_link_connected (s->link))
    return;
  /* what the status says, less its time: only a change is news (this runs
   * every second) */
  g_autoptr (GPtrArray) ids = disp_client_on_screen (s->client);
  g_ptr_array_add (ids, NULL);
  g_autofree char *joined = g_strjoinv (",", (char **) ids->pdata);
  const char *current = disp_client_current (s->client);
  g_autofree char *key = g_strdup_printf ("%s|%s|%s", joined, current ? current : "", s->last_error ? s->last_error : "");
  if (!g_strcmp0 (key, s->said))
    return;
  g_autofree char *now = disp_client_state_json (s->client, "online", s->last_error);
  if (mqtt_link_publish (s->link, NULL, s->state_topic, now, (int) strlen (now), 1, true, 0) == MOSQ_ERR_SUCCESS) {
    g_free (s->said);
    s->said = g_steal_pointer (&key);
  }
}

/* Expiry, rotation and the screen; a problem is the status's last error
 * (warned about once per cause). */
static void
tick (struct session *s)
{
  g_autoptr (GError) err = NULL;
  if (!disp_client_tick (s->client, g_get_real_time (), g_get_monotonic_time (), &err))
    note_problem (s, "%s", err->message);
}

/* On the link's thread: handed over to the display's. */
static void
on_message (void *data, const struct mosquitto_message *m)
{
  struct session *s = data;
  struct inbound *in = g_new0 (struct inbound, 1);
  in->topic = g_strdup (m->topic);
  in->len = MAX (0, m->payloadlen);
  in->payload = g_memdup2 (m->payload, (gsize) in->len);
  in->retain = m->retain;
  g_async_queue_push (s->inbox, in);
}

static void
on_connected (void *data, struct mqtt_link *link)
{
  g_atomic_int_inc (&((struct session *) data)->connects);
}

static void
handle (struct session *s, const struct inbound *m)
{
  g_autoptr (GError) err = NULL;
  bool on_case_topic = false;
  mosquitto_topic_matches_sub (s->case_topics, m->topic, &on_case_topic);
  /* a retained case cleared by a retraction (the retract itself comes on
   * the display's topic); the broker hands a live subscriber the clear with
   * the retain flag off */
  if (m->len == 0 && on_case_topic)
    return;
  /* A refused message is logged with its reason and skipped: the screen
   * keeps working (a retained one is refused again at each restart). */
  if (!disp_client_handle (s->client, m->payload, (gsize) m->len, g_get_real_time (), &err)) {
    g_warning ("display %s: message on %s%s refused: %s", s->cfg->id, m->topic, m->retain ? " (retained)" : "",
               err->message);
    g_free (s->last_error);
    s->last_error = g_strdup_printf ("message refused: %s", err->message);
  }
  tick (s); /* a retraction leaves the screen at once, a first case ends the idle screen */
  publish_state (s);
}

/* The connection's news: a new connection republishes the status; a
 * problem becomes the status's last error. */
static void
follow_link (struct session *s)
{
  int connects = g_atomic_int_get (&s->connects);
  if (connects != s->seen_connects) {
    s->seen_connects = connects;
    g_clear_pointer (&s->said, g_free); /* the broker may have published the will meanwhile */
    g_clear_pointer (&s->last_warned, g_free);
  }
  g_autofree char *problem = mqtt_link_problem (s->link);
  if (problem && g_strcmp0 (problem, s->last_error) != 0) {
    g_free (s->last_error);
    s->last_error = g_steal_pointer (&problem);
  }
}

/* MQTT v5, telling the broker the largest packet this display takes: a
 * bigger message is dropped by the broker, never read into memory here.
 * One stable client id and a persistent session: a retract sent while the
 * display was off or the network down is delivered when it is back. */
int
disp_client_run (const struct hwcfg_display *cfg, volatile sig_atomic_t *stop)
{
  g_autoptr (GError) err = NULL; /* before any goto: the cleanup runs at out */
  struct session s = {disp_client_new (cfg, &err), cfg,
                      g_strdup_printf ("crosswatch/%s/display/%s", cfg->site_id, cfg->id),
                      g_strdup_printf ("crosswatch/%s/display/%s/state", cfg->site_id, cfg->id),
                      g_strdup_printf ("crosswatch/%s/display/%s/case/+", cfg->site_id, cfg->id)};
  s.inbox = g_async_queue_new_full ((GDestroyNotify) inbound_free);
  g_autofree char *offline = NULL;
  g_autofree char *client_id = g_strdup_printf ("crosswatch-display-%s-%s", cfg->site_id, cfg->id);
  g_autofree char *what = g_strdup_printf ("display %s", cfg->id);
  int status = 1;
  if (!s.client) {
    g_warning ("%s", err->message);
    goto out;
  }
  if (!disp_client_open_screen (s.client, &err)) {
    g_warning ("display %s: %s", cfg->id, err->message);
    goto out;
  }
  tick (&s); /* the screen shows what it showed before a restart, or the idle screen, before the broker answers */
  /* gone without a goodbye (power cut, crash, network): the broker says so */
  offline = disp_client_state_json (s.client, "offline", "connection lost");
  /* its own topic (retracts, key handovers, and what the session kept
   * while it was away) and its retained cases, each on its own topic, so
   * the broker hands every current case to a display that subscribes */
  const char *const subscriptions[] = {s.topic, s.case_topics, NULL};
  const struct mqtt_link_opts opts = {.what = what, .mqtt = &cfg->mqtt, .client_id = client_id, .persistent = true,
                                      .max_packet_bytes = MAX_PACKET_BYTES, .will_topic = s.state_topic,
                                      .will_payload = offline, .subscriptions = subscriptions,
                                      .on_connected = on_connected, .on_message = on_message, .data = &s};
  g_message ("display %s: connecting to %s:%d for %s", cfg->id, cfg->mqtt.host, cfg->mqtt.port, s.topic);
  s.link = mqtt_link_start (&opts, &err);
  if (!s.link) {
    g_warning ("display %s: %s", cfg->id, err->message);
    goto out;
  }
  svc_notify_ready (s.topic); /* drawing: the screen shows what it has, broker or not */
  for (gint64 next_tick = 0; !*stop;) {
    gint64 now = g_get_monotonic_time ();
    if (now >= next_tick) {
      follow_link (&s);
      tick (&s);
      svc_watchdog_kick (now);
      publish_state (&s);
      next_tick = now + G_USEC_PER_SEC / 4;
    }
    struct inbound *m = g_async_queue_timeout_pop (s.inbox, (guint64) MAX (1000, next_tick - now));
    if (m) {
      handle (&s, m);
      inbound_free (m);
    }
  }
  g_message ("display %s: stopping", cfg->id);
  svc_notify_stopping ();
  status = 0;
out:
  if (s.link) {
    /* a goodbye: offline, nothing on screen */
    g_autofree char *bye = s.client ? disp_client_state_json (s.client, "offline", NULL) : NULL;
    mqtt_link_stop (s.link, bye ? s.state_topic : NULL, bye);
  }
  g_async_queue_unref (s.inbox);
  disp_client_free (s.client);
  g_free (s.topic);
  g_free (s.state_topic);
  g_free (s.case_topics);
  g_free (s.last_error);
  g_free (s.said);
  g_free (s.last_warned);
  return status;
}
