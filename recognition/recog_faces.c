#include "recog_faces.h"

#include "cv_shim.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (recog-error-quark, recog_error)

struct recog {
  struct cv_face_id *id;
  struct cv_face_detector *faces; /* NULL: no cascade */
  enum recog_backend backend;
  double threshold;
};

double
recog_default_threshold (enum recog_backend backend)
{
  /* sface: OpenCV's published cosine threshold for SFace (0.363 on LFW);
   * lbph: above every impostor pair of bench/recognition_bench.sh (the
   * highest 0.085, clean faces); it matches a degraded copy of the same
   * picture, not the same person in another picture (bench/README.md) */
  return backend == RECOG_SFACE ? 0.363 : 0.09;
}

const char *
recog_backend_name (enum recog_backend backend)
{
  return backend == RECOG_SFACE ? "sface" : "lbph";
}

/* A face photo is at most this many pixels (a 24-megapixel camera's):
 * larger, its decoding and the face search would take gigabytes. */
#define MAX_PIXELS (24 * 1000 * 1000)

/* The size a JPEG or PNG says it has, read from its header before any
 * decoding; FALSE for anything else. */
static bool
peek_size (const guint8 *d, gsize len, guint *w, guint *h)
{
  static const guint8 PNG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (len >= 24 && !memcmp (d, PNG, 8) && !memcmp (d + 12, "IHDR", 4)) {
    *w = (guint) d[16] << 24 | (guint) d[17] << 16 | (guint) d[18] << 8 | d[19];
    *h = (guint) d[20] << 24 | (guint) d[21] << 16 | (guint) d[22] << 8 | d[23];
    return true;
  }
  if (len < 4 || d[0] != 0xff || d[1] != 0xd8)
    return false;
  /* JPEG: the markers' segments up to the first frame header (SOFn) */
  gsize i = 2;
  while (i + 9 < len) {
    if (d[i] != 0xff)
      return false;
    guint8 m = d[i + 1];
    if (m == 0xff) {
      i++;
      continue;
    }
    gsize seg = (gsize) d[i + 2] << 8 | d[i + 3];
    if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
      *h = (guint) d[i + 5] << 8 | d[i + 6];
      *w = (guint) d[i + 7] << 8 | d[i + 8];
      return true;
    }
    if (seg < 2)
      return false;
    i += 2 + seg;
  }
  return false;
}

/* DATA as pixels, when it is a JPEG or PNG of a sane size; else ERROR. */
static bool
decode_photo (const guint8 *data, gsize len, struct cv_image *out, GError **error)
{
  guint w = 0, h = 0;
  if (!data || !peek_size (data, len, &w, &h)) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_IMAGE, "not a JPEG or PNG image");
    return false;
  }
  if (w == 0 || h == 0 || (guint64) w * h > MAX_PIXELS) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_IMAGE, "a %ux%u image: at most %d megapixels", w, h,
                 MAX_PIXELS / 1000000);
    return false;
  }
  unsigned char *px = NULL;
  int dw = 0, dh = 0, stride = 0;
  if (cv_decode_bgra (data, len, &px, &dw, &dh, &stride) != CV_OK) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_IMAGE, "the image cannot be decoded: %s", cv_last_error ());
    return false;
  }
  *out = (struct cv_image){px, dw, dh, stride, 4};
  return true;
}

struct recog *
recog_new (const struct recog_params *params, GError **error)
{
  struct cv_face_id *id = NULL;
  const char *origin = params->origin ? params->origin : "[recognition]";
  if (params->backend == RECOG_LBPH) {
    if (cv_face_id_create_lbph (&id) != CV_OK) {
      g_set_error (error, RECOG_ERROR, RECOG_ERROR_FAILED, "%s: the lbph recogniser cannot start: %s", origin,
                   cv_last_error ());
      return NULL;
    }
  } else {
    if (!params->recognizer_model) {
      g_set_error (error, RECOG_ERROR, RECOG_ERROR_MODEL, "%s recognizer_model: missing (sface needs it)", origin);
      return NULL;
    }
    if (cv_face_id_create_sface (params->recognizer_model, &id) != CV_OK) {
      g_set_error (error, RECOG_ERROR, RECOG_ERROR_MODEL, "%s recognizer_model: '%s' does not load as a face "
                   "recognition model: %s", origin, params->recognizer_model, cv_last_error ());
      return NULL;
    }
    if (params->detector_model && cv_face_id_set_detector (id, params->detector_model) != CV_OK) {
      g_set_error (error, RECOG_ERROR, RECOG_ERROR_MODEL, "%s detector_model: '%s' does not load as a face "
                   "detection model: %s", origin, params->detector_model, cv_last_error ());
      cv_face_id_destroy (id);
      return NULL;
    }
  }
  struct cv_face_detector *faces = NULL;
  if (params->face_cascade && cv_face_detector_create (params->face_cascade, &faces) != CV_OK) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_MODEL, "%s: the face cascade '%s' does not load: %s", origin,
                 params->face_cascade, cv_last_error ());
    cv_face_id_destroy (id);
    return NULL;
  }
  struct recog *r = g_new0 (struct recog, 1);
  r->id = id;
  r->faces = faces;
  r->backend = params->backend;
  r->threshold = isnan (params->threshold) ? recog_default_threshold (params->backend) : params->threshold;
  return r;
}

void
recog_free (struct recog *r)
{
  if (!r)
    return;
  cv_face_id_destroy (r->id);
  cv_face_detector_destroy (r->faces);
  g_free (r);
}

enum recog_backend
recog_backend (const struct recog *r)
{
  return r->backend;
}

double
recog_threshold (const struct recog *r)
{
  return r->threshold;
}

bool
recog_feature (struct recog *r, const guint8 *data, gsize len, float **out, int *out_n, GError **error)
{
  *out = NULL;
  *out_n = 0;
  struct cv_image img;
  if (!decode_photo (data, len, &img, error))
    return false;
  unsigned char *px = img.data;
  int w = img.width, h = img.height;
  float *v = NULL;
  int n = 0;
  cv_status rc = cv_face_id_feature (r->id, &img, &v, &n);
  cv_free (px);
  if (rc != CV_OK) {
    g_set_error (error, RECOG_ERROR, rc == CV_ERR_INVALID ? RECOG_ERROR_IMAGE : RECOG_ERROR_FAILED,
                 "no feature from a %dx%d face: %s", w, h, rc == CV_ERR_INVALID ? "too small" : cv_last_error ());
    return false;
  }
  if (n > 0) {
    *out = g_memdup2 (v, (gsize) n * sizeof (float));
    *out_n = n;
  }
  cv_free (v);
  return true;
}

bool
recog_face_crop (struct recog *r, const guint8 *data, gsize len, GBytes **out, GError **error)
{
  *out = NULL;
  if (!r->faces) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_MODEL,
                 "no face cascade to find the face with ([evidence] face_cascade, opencv-data)");
    return false;
  }
  struct cv_image img;
  if (!decode_photo (data, len, &img, error))
    return false;
  unsigned char *px = img.data;
  int w = img.width, h = img.height;
  int found = 0;
  struct cv_rect f;
  double q;
  cv_status rc = cv_face_find (r->faces, &img, NULL, &found, &f, &q);
  if (rc != CV_OK || !found) {
    cv_free (px);
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_IMAGE, "no face found in the %dx%d image", w, h);
    return false;
  }
  unsigned char *jpg = NULL;
  size_t jlen = 0;
  rc = cv_jpeg_encode_crop (&img, f.x, f.y, f.w, f.h, 95, &jpg, &jlen);
  cv_free (px);
  if (rc != CV_OK) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_FAILED, "cannot encode the face: %s", cv_last_error ());
    return false;
  }
  *out = g_bytes_new (jpg, jlen);
  cv_free (jpg);
  return true;
}

double
recog_similarity (const struct recog *r, const float *a, const float *b, int n)
{
  return cv_face_id_similarity (r->backend == RECOG_SFACE ? CV_FACE_ID_SFACE : CV_FACE_ID_LBPH, a, b, n);
}
