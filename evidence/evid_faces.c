#include "evid_faces.h"

struct best_face {
  int last_frame;
  double quality;
  GBytes *jpeg;
};

struct evid_faces {
  struct cv_face_detector *det;
  GHashTable *tracks; /* id -> struct best_face */
};

/* The head: the top third of a standing person's box, widened a little. */
#define HEAD_HEIGHT 0.35
#define HEAD_MARGIN 0.15

static void
best_free (struct best_face *b)
{
  g_bytes_unref (b->jpeg);
  g_free (b);
}

struct evid_faces *
evid_faces_create (const char *cascade, GError **error)
{
  struct cv_face_detector *det;
  if (cv_face_detector_create (cascade, &det) != CV_OK) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", cv_last_error ());
    return NULL;
  }
  struct evid_faces *f = g_new0 (struct evid_faces, 1);
  f->det = det;
  f->tracks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) best_free);
  return f;
}

void
evid_faces_free (struct evid_faces *f)
{
  if (!f)
    return;
  cv_face_detector_destroy (f->det);
  g_hash_table_destroy (f->tracks);
  g_free (f);
}

void
evid_faces_observe (struct evid_faces *f, int track_id, int frame, const struct cv_image *img, const double box[4])
{
  struct best_face *b = g_hash_table_lookup (f->tracks, GINT_TO_POINTER (track_id));
  if (!b) {
    b = g_new0 (struct best_face, 1);
    b->quality = -1;
    g_hash_table_insert (f->tracks, GINT_TO_POINTER (track_id), b);
  }
  b->last_frame = frame;
  struct cv_rect head = {(int) (box[0] - box[2] * HEAD_MARGIN), (int) (box[1] - box[3] * 0.05),
                         (int) (box[2] * (1 + 2 * HEAD_MARGIN)), (int) (box[3] * HEAD_HEIGHT)};
  int found = 0;
  struct cv_rect face;
  double quality;
  if (cv_face_find (f->det, img, &head, &found, &face, &quality) != CV_OK || !found || quality <= b->quality)
    return;
  /* keep a little around the face: hairline and chin help a reviewer */
  unsigned char *jpg;
  size_t len;
  int m = face.w / 4;
  if (cv_jpeg_encode_crop (img, face.x - m, face.y - m, face.w + 2 * m, face.h + 2 * m, 92, &jpg, &len) != CV_OK)
    return;
  g_bytes_unref (b->jpeg);
  b->jpeg = g_bytes_new (jpg, len);
  cv_free (jpg);
  b->quality = quality;
}

GBytes *
evid_faces_best (struct evid_faces *f, int track_id, double *out_quality)
{
  struct best_face *b = g_hash_table_lookup (f->tracks, GINT_TO_POINTER (track_id));
  if (!b || !b->jpeg)
    return NULL;
  if (out_quality)
    *out_quality = b->quality;
  return g_bytes_ref (b->jpeg);
}

static gboolean
is_old (gpointer key, gpointer value, gpointer limit)
{
  return ((struct best_face *) value)->last_frame < GPOINTER_TO_INT (limit);
}

void
evid_faces_forget (struct evid_faces *f, int frame, int keep_frames)
{
  g_hash_table_foreach_remove (f->tracks, is_old, GINT_TO_POINTER (frame - keep_frames));
}
