/* recog_faces — one face, one feature: the recognition backends (lbph,
 * sface; vision/cv_face_id.cpp) behind one plain C interface, with the
 * threshold at which two faces are suggested as one person.
 *
 * Every result is a suggestion to a human reviewer: nothing here decides
 * or publishes anything (recognition/README.md). */
#ifndef CW_RECOG_FACES_H
#define CW_RECOG_FACES_H

#include <glib.h>
#include <stdbool.h>

#define RECOG_ERROR (recog_error_quark ())
GQuark recog_error_quark (void);
typedef enum {
  RECOG_ERROR_MODEL, /* a model did not load: the message names the key and the file */
  RECOG_ERROR_IMAGE, /* the face image cannot be read */
  RECOG_ERROR_FAILED,
} RecogError;

enum recog_backend { RECOG_LBPH, RECOG_SFACE };

struct recog_params {
  enum recog_backend backend;
  const char *recognizer_model; /* sface: FaceRecognizerSF's ONNX */
  const char *detector_model;   /* sface, may be NULL: FaceDetectorYN's ONNX, to align the face */
  double threshold;             /* NaN: the backend's own (recog_default_threshold) */
  const char *face_cascade;     /* may be NULL: finds the face in an enrolment photo (recog_face_crop) */
  const char *origin;           /* where the params come from, for errors ("site.ini: [recognition]") */
};

/* The similarity at or above which a backend suggests a match, as measured
 * in bench/recognition_bench (bench/README.md). */
double recog_default_threshold (enum recog_backend backend);
const char *recog_backend_name (enum recog_backend backend);

struct recog;

/* Loads the backend's models. NULL + RECOG_ERROR_MODEL naming the key and
 * the file when one does not load. */
struct recog *recog_new (const struct recog_params *params, GError **error);
void recog_free (struct recog *r);
enum recog_backend recog_backend (const struct recog *r);
double recog_threshold (const struct recog *r);

/* The feature of the face in the encoded image DATA (JPEG, PNG): *OUT_N
 * floats in *OUT (g_free); *OUT_N 0 when no face was found in it. */
bool recog_feature (struct recog *r, const guint8 *data, gsize len, float **out, int *out_n, GError **error);

/* The face in the photo DATA (the largest the face cascade finds), as a
 * JPEG crop: what a case's face_best is to an enrolment. FALSE + ERROR
 * when there is no face in it, or no cascade to look with. */
bool recog_face_crop (struct recog *r, const guint8 *data, gsize len, GBytes **out, GError **error);

/* How alike two features of R's backend are (higher: more alike). */
double recog_similarity (const struct recog *r, const float *a, const float *b, int n);

#endif
