/* evid_store — the evidence database (SQLite, WAL, synchronous=FULL).
 *
 * A packet (its JSON record and media) is committed in one transaction: it is
 * either wholly there after a crash or power cut, or not at all. Every
 * review decision appends to the audit log, which SQLite triggers keep
 * append-only and which is hash-chained (each row hashes the previous row's
 * hash with its own content). One process writes packets; reviewers and the
 * publisher use their own connections and wait on the lock.
 */
#ifndef CW_EVID_STORE_H
#define CW_EVID_STORE_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>

#define EVID_ERROR (evid_error_quark ())
GQuark evid_error_quark (void);

typedef enum {
  EVID_ERROR_DB,        /* SQLite failed; the message has its words */
  EVID_ERROR_NOT_FOUND, /* no such packet */
  EVID_ERROR_STATE,     /* the packet's review state does not allow this */
  EVID_ERROR_INTEGRITY, /* a hash does not match */
  EVID_ERROR_FULL,      /* the disk (or the file size limit) is full: retry when space returns */
  EVID_ERROR_PICTURE,   /* a held picture could not be converted back (out of memory) */
} EvidError;

struct evid_store;

struct evid_media {
  const char *name;  /* "overview_entry", "overview_decision", "person_crop" */
  const char *mime;
  const unsigned char *data;
  size_t len;
  char sha256[65];
};

struct evid_packet_row {
  char *id;
  gint64 seq;
  char *created_utc;
  char *type;
  char *decision;
  char *review_state; /* pending | confirmed | rejected | rejected_flat | position_uncertain */
  char *json;
  char *json_sha256;
  char *signature; /* Ed25519 over json, hex */
  int track_id;
  char *retention_until;
  bool legal_hold;
};

struct evid_key;

/* Opens (creating it 0600, and its folder 0700, when missing) the store at
 * PATH for reading and writing. */
struct evid_store *evid_store_open (const char *path, GError **error);
/* Opens an existing store read-only (verify and listings work on a store
 * that is a read-only file or on read-only media); writes then fail. */
struct evid_store *evid_store_open_readonly (const char *path, GError **error);
void evid_store_close (struct evid_store *st);
const char *evid_store_path (const struct evid_store *st);

/* From now on audit rows are signed with KEY, and every commit leaves a
 * signed chain head (PATH.head, see evid_store_head.h) naming SITE_ID. KEY
 * is borrowed: it must outlive ST (or be unset with NULL first). */
void evid_store_set_signer (struct evid_store *st, const struct evid_key *key, const char *site_id);
const struct evid_key *evid_store_signer (const struct evid_store *st);

/* The site's displays ([mqtt] displays, NULL-terminated; copied): a
 * withdrawn case is retracted from each of them as well as from every
 * display the outbox says it went to, so a lost or deleted outbox row
 * cannot keep a case on a screen. */
void evid_store_set_displays (struct evid_store *st, const char *const *display_ids);

/* Packets ever committed (kept and purged): 0 for a new store; -1 on error. */
gint64 evid_store_packet_count (struct evid_store *st, GError **error);

/* The public key that signed the newest packet or audit row ("" when none;
 * g_free), so a missing device key can be named. */
char *evid_store_last_signer (struct evid_store *st, GError **error);

/* TRUE when PUBLIC_HEX is the key the store is signed with now: the
 * newest packet's or audit row's signer, or the key the newest key change
 * handed over to. */
bool evid_store_key_in_use (struct evid_store *st, const char *public_hex, GError **error);

/* Builds a packet's record given the previous record's hash (the chain
 * link, "" for the first packet). Returns the record text (g_free), or NULL
 * with ERROR. Called inside the write transaction. */
typedef char *(*evid_record_fn) (void *ctx, const char *prev_hash, GError **error);

struct evid_packet_in {
  const char *id, *type, *decision, *review_state, *retention_until;
  const char *recorded_utc; /* as the record says it (its "recorded_utc") */
  int track_id;
  const struct evid_media *media;
  int n_media;
};

/* Commits one packet: reads the chain link, has BUILD make the record, and
 * hashes, signs (with the signer key, which must be set) and inserts it with
 * its media, all in one write transaction: concurrent writers (two cameras,
 * two processes) keep one chain. */
bool evid_store_append_packet (struct evid_store *st, const struct evid_packet_in *in, evid_record_fn build,
                               void *ctx, GError **error);

/* Purged packets (id, sequence, record hash), as "ID SEQ SHA256" strings
 * (g_free), oldest first. */
GPtrArray *evid_store_purged (struct evid_store *st, GError **error);

/* The record hash of the packet before SEQ in the chain, stored or purged
 * ("" for the first packet); NULL with ERROR when the store fails. */
char *evid_store_prev_hash_before (struct evid_store *st, gint64 seq, GError **error);

/* Retention: deletes every packet whose retention_until is before NOW_UTC
 * and that is not under legal hold, with its media and unsent outbox rows;
 * its id, sequence number and record hash stay (table purged) so the chain
 * still verifies, and an audit row records each purge. *OUT_N: how many. */
bool evid_store_purge (struct evid_store *st, const char *now_utc, const char *actor, int *out_n, GError **error);

/* Puts a packet under legal hold (never purged) or releases it; audited. */
bool evid_store_set_hold (struct evid_store *st, const char *id, bool hold, const char *actor, const char *reason,
                          GError **error);

/* Packets, oldest first; STATE NULL for all. Free with evid_packet_rows_free. */
GPtrArray *evid_store_list (struct evid_store *st, const char *state, GError **error);
/* The packets of TRACK_ID (of any camera or run), oldest first. */
GPtrArray *evid_store_list_track (struct evid_store *st, int track_id, GError **error);

/* The review state a packet of DECISION starts in: "pending" for a
 * violation; a picture (rejected_flat), a candidate seen too briefly to
 * assess (liveness_unassessed) or a position the camera could not place
 * (position_uncertain) starts in the state its decision names, from which
 * no review confirms it. */
const char *evid_initial_review_state (const char *decision);
struct evid_packet_row *evid_store_get (struct evid_store *st, const char *id, GError **error);
void evid_packet_row_free (struct evid_packet_row *row);

/* Recognition (evid_store_faces.c): face features of confirmed cases and
 * the "possible earlier case" links they suggest. Both go with the case at
 * its purge; neither is ever published. */
struct evid_face_feature {
  char *packet_id;
  float *v;
  int n;
};
void evid_face_feature_free (struct evid_face_feature *f);
struct evid_case_link {
  char *packet_id, *earlier_id, *backend;
  double score;
  char *created_utc;
};
void evid_case_link_free (struct evid_case_link *l);
/* The features of BACKEND of confirmed cases kept past NOW_UTC, other than
 * EXCLUDE_ID, oldest first. */
GPtrArray *evid_store_face_features (struct evid_store *st, const char *backend, const char *exclude_id,
                                     const char *now_utc, GError **error);
/* In one transaction: PACKET_ID's feature, an audit row
 * "recognition:search" (SEARCH_DETAIL) and, for each of LINKS (earlier_id
 * and score read), a link and an audit row "recognition:match". */
gboolean evid_store_recognition_record (struct evid_store *st, const char *packet_id, const char *backend,
                                        const float *v, int n, const struct evid_case_link *links, int n_links,
                                        const char *actor, const char *search_detail, GError **error);
/* PACKET_ID's links to earlier cases, the most alike first. */
GPtrArray *evid_store_case_links (struct evid_store *st, const char *packet_id, GError **error);

/* The watchlist (evid_store_watchlist.c): faces an admin enrolled, each
 * with a reason, a legal basis and an expiry; the matches of confirmed
 * cases against them wait for a supervisor. A removed or expired entry
 * keeps its label only. */
struct evid_watch_entry {
  gint64 id;
  char *label, *reason, *legal_basis, *enrolled_by, *enrolled_utc, *expires_utc;
  char *removed_utc; /* NULL: in force (until expires_utc) */
  float *v;
  int n;
};
void evid_watch_entry_free (struct evid_watch_entry *e);
struct evid_watch_match {
  char *packet_id;
  gint64 entry_id;
  char *label;
  double score;
  char *state; /* suggested | confirmed | dismissed */
  char *decided_by;
};
void evid_watch_match_free (struct evid_watch_match *m);
/* Enrols E (label, reason, legal_basis, enrolled_by, expires_utc, v, n)
 * with its IMAGE; an audit row "watchlist:enrol" by E's enrolled_by. */
gboolean evid_store_watch_enrol (struct evid_store *st, const struct evid_watch_entry *e, const char *backend,
                                 GBytes *image, gint64 *out_id, GError **error);
/* The entries of BACKEND in force at ACTIVE_AT_UTC; every entry (any
 * backend, removed ones too) when ACTIVE_AT_UTC is NULL. */
GPtrArray *evid_store_watchlist (struct evid_store *st, const char *backend, const char *active_at_utc,
                                 GError **error);
/* Removes entry ID: its face and image are deleted; an audit row. */
gboolean evid_store_watch_remove (struct evid_store *st, gint64 id, const char *actor, GError **error);
/* The enrolled image of entry ID in force. */
GBytes *evid_store_watch_image (struct evid_store *st, gint64 id, GError **error);
/* A search's audit row and its MATCHES (entry_id, label, score read), each
 * "suggested" with an audit row "watchlist:match". */
gboolean evid_store_watch_record (struct evid_store *st, const char *packet_id, const struct evid_watch_match *matches,
                                  int n, const char *actor, const char *search_detail, GError **error);
/* PACKET_ID's matches, the most alike first. */
GPtrArray *evid_store_watch_matches (struct evid_store *st, const char *packet_id, GError **error);
/* A supervisor's decision on a suggested match; an audit row. */
gboolean evid_store_watch_decide (struct evid_store *st, const char *packet_id, gint64 entry_id, bool confirmed,
                                  const char *actor, const char *reason, GError **error);

/* Erases every face feature, link, match and watchlist face (entries keep
 * their labels), with one audit row saying WHY: a site whose recognition
 * is off, or whose profile refuses it, keeps none. *OUT_N: how many went. */
gboolean evid_store_recognition_erase (struct evid_store *st, const char *actor, const char *why, int *out_n,
                                       GError **error);

/* A media item's bytes (g_free) and stored hash. */
GBytes *evid_store_media (struct evid_store *st, const char *packet_id, const char *name,
                          char out_sha256[65], GError **error);

/* A media item's MIME type (g_free), NULL when there is no such item. */
char *evid_store_media_mime (struct evid_store *st, const char *packet_id, const char *name);

/* Names of the packet's media, in insertion order. */
GPtrArray *evid_store_media_names (struct evid_store *st, const char *packet_id, GError **error);

/* Review: changes the state from FROM_STATE to TO_STATE and appends an audit
 * row, both in one transaction. Fails with EVID_ERROR_STATE when the packet is
 * not in FROM_STATE. OUTBOX rows (topic, payload pairs) are queued in the same
 * transaction, so a confirmed packet is never left unqueued. */
struct evid_outbox_msg {
  char *topic;
  GBytes *payload; /* sent as it is; unused for display messages */
  bool retain;
  /* A display message (evid_display_msg.h) is built and signed by the store
   * when it is queued, with the next display sequence number: DISPLAY_ID
   * names the display, DISPLAY_CONTENT (NULL for a retract) and
   * DISPLAY_IMAGE what a show carries, DISPLAY_EXPIRES_US its expiry. */
  char *display_id;
  JsonObject *display_content;
  GBytes *display_image;
  gint64 display_expires_us;
  const char *display_new_key_signature; /* a "key" message (the packet id is the new key) */
};

/* The display sequence never runs this far (ms) ahead of the clock. */
#define EVID_DISPLAY_SEQ_AHEAD_MS ((gint64) 24 * 3600 * 1000)

/* FALSE when the display sequence was pushed far ahead of the clock (a
 * store edited by hand); *OUT_VALUE gets it. */
gboolean evid_store_display_seq_sane (struct evid_store *st, gint64 *out_value);

/* How long a retract is valid (a display that was off longer has let the
 * case expire anyway). */
#define EVID_RETRACT_VALID_US ((gint64) 30 * 24 * 3600 * G_USEC_PER_SEC)
bool evid_store_review (struct evid_store *st, const char *id, const char *from_state,
                        const char *to_state, const char *actor, const char *detail,
                        const struct evid_outbox_msg *outbox, int n_outbox, GError **error);

/* Reverses a confirmed case (a mistake found, an appeal upheld): state
 * "reversed", an audit row with REASON, and a signed retract queued to every
 * display the case was sent to, all in one transaction. */
bool evid_store_reverse (struct evid_store *st, const char *id, const char *actor, const char *reason,
                         GError **error);

/* A key rotation: the audit row "key_rotated" with DETAIL, and, signed by
 * the store's signer (the OLD key) as they are queued, a "key" message to
 * each of DISPLAY_IDS (NULL-terminated) on crosswatch/<site>/display/<id>
 * handing trust on to NEW_KEY (whose NEW_SIGNATURE over the rotation
 * statement they carry), all in one transaction. */
bool evid_store_record_rotation (struct evid_store *st, const char *actor, const char *detail, const char *new_key,
                                 const char *new_signature, const char *const *display_ids, GError **error);

/* Appends an audit row outside any review (e.g. "view"). */
bool evid_store_audit (struct evid_store *st, const char *actor, const char *action,
                       const char *packet_id, const char *detail, GError **error);

/* The audit rows about PACKET_ID (every row when NULL), in order, each a
 * JSON object with seq, utc, actor, action, packet_id, detail, prev_hash,
 * hash, signer and signature (g_free the strings). */
GPtrArray *evid_store_audit_rows (struct evid_store *st, const char *packet_id, GError **error);

/* The hash of audit row SEQ ("" when there is none; g_free). */
char *evid_store_audit_hash (struct evid_store *st, gint64 seq, GError **error);

/* Verifies the audit chain; on a break, names the first bad row. */
bool evid_store_verify_audit (struct evid_store *st, GError **error);

/* Outbox */
struct evid_outbox_row {
  gint64 id;
  char *packet_id;
  char *topic;
  GBytes *payload;
  bool retain;
  gint64 expires_us; /* a display show: the broker drops it (MQTT v5 message expiry) then; 0: never */
};

/* Displays: which confirmed case (confirmed at or after SINCE_UTC) has not
 * been queued for which of DISPLAY_IDS (NULL-terminated), oldest first.
 * Resolved each time the publisher runs, so a display added to [mqtt]
 * displays later gets the current cases. */
struct evid_display_due {
  char *packet_id, *display_id;
  char *confirmed_utc;
};
void evid_display_due_free (struct evid_display_due *d);
GPtrArray *evid_store_display_due (struct evid_store *st, const char *const *display_ids, const char *since_utc,
                                   GError **error);

/* Queues MSGS (display shows of PACKET_ID, signed as they are queued) in
 * one transaction, unless the case is no longer confirmed
 * (EVID_ERROR_STATE: a reversal came first). */
bool evid_store_queue_display (struct evid_store *st, const char *packet_id, const struct evid_outbox_msg *msgs, int n,
                               GError **error);
GPtrArray *evid_store_outbox_pending (struct evid_store *st, int limit, GError **error);
bool evid_store_outbox_mark_sent (struct evid_store *st, gint64 id, GError **error);
int evid_store_outbox_count_pending (struct evid_store *st, GError **error);

/* The hash an audit row carries: SHA-256 over the previous row's hash and
 * the row's own fields (g_free). */
char *evid_audit_row_hash (const char *prev, gint64 seq, const char *utc, const char *actor, const char *action,
                           const char *packet_id, const char *detail);

/* An audit row's signature over its HASH by KEY, and its check. */
struct evid_key;
void evid_audit_row_sign (const struct evid_key *key, const char *hash, char out[129]);
bool evid_audit_row_signature_valid (const char *public_hex, const char *hash, const char *signature);

/* Current UTC time as ISO 8601 with milliseconds ("2026-11-26T03:16:03.120Z"). */
char *evid_utc_now (void);
char *evid_utc_format (gint64 unix_us);

#endif
