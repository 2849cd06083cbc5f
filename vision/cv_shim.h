/* cv_shim — the only door to OpenCV. C only: incomplete struct types, status
 * returns, no C++ type and no exception crosses it (see cv_try.hpp).
 *
 * Images are borrowed: a cv_image describes pixels the caller owns (for
 * instance a mapped GstVideoFrame plane with its real stride); the shim wraps
 * them in a cv::Mat header and never keeps that header past the call.
 */
#ifndef CW_CV_SHIM_H
#define CW_CV_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  CV_OK = 0,
  CV_ERR_INVALID = -1, /* a bad argument: NULL, empty image, wrong channels */
  CV_ERR_OPENCV = -2,  /* OpenCV threw; cv_last_error() has its message */
  CV_ERR_NOMEM = -3,
  CV_ERR_DECODE = -4,  /* the bytes are not an image OpenCV can read */
} cv_status;

/* The message of the last failure on this thread ("" when none). */
const char *cv_last_error (void);

struct cv_image {
  unsigned char *data;
  int width, height;
  int stride;   /* bytes per row */
  int channels; /* 1 (grey), 3 (BGR) or 4 (BGRA / BGRx) */
};

struct cv_box {
  float x, y, w, h; /* pixels, top-left corner and size */
  float score;
};

/* Releases memory the shim handed out (encoded images, decoded pixels). */
void cv_free (void *p);

/* ---- people detection (cv_people.cpp) ---- */

struct cv_people_params {
  double upscale;       /* > 1 enlarges the image so small people fill the window */
  double hit_threshold; /* SVM margin; detections below are not reported */
  double scale_step;    /* pyramid step between detection scales (e.g. 1.05) */
  int n_levels;         /* detection scales tried, from upscale upwards */
};

struct cv_people_detector;

cv_status cv_people_detector_create (const struct cv_people_params *params,
                                     struct cv_people_detector **out_det);
void cv_people_detector_destroy (struct cv_people_detector *det);

/* Finds people in IMG. Writes at most MAX boxes (native pixels of IMG,
 * score = SVM margin) to OUT, their number to OUT_N. */
cv_status cv_people_detect (struct cv_people_detector *det, const struct cv_image *img,
                            struct cv_box *out, int max, int *out_n);

/* Like cv_people_detect, on the rectangle ROI of IMG only (clipped to the
 * image; too small to hold a person: no boxes). Boxes are in IMG's pixels. */
struct cv_rect {
  int x, y, w, h;
};
cv_status cv_people_detect_roi (struct cv_people_detector *det, const struct cv_image *img, const struct cv_rect *roi,
                                struct cv_box *out, int max, int *out_n);

/* Columns of a picture, [from, to). */
struct cv_span {
  int from, to;
};

/* Like cv_people_detect_roi at the image scale UPSCALE (0.25-4) and
 * N_LEVELS (1-64) window scales from there, instead of the detector's own:
 * for searching each part of a picture at the sizes people have there.
 * CENTRES, when not NULL, are the columns of IMG a person's centre is
 * looked for in, at about the share of the cost of the whole: spans that
 * tile the picture find the people one search of the whole finds, so a
 * costly search can be spread over several frames. */
cv_status cv_people_detect_roi_at (struct cv_people_detector *det, const struct cv_image *img, const struct cv_rect *roi,
                                   double upscale, int n_levels, const struct cv_span *centres, struct cv_box *out,
                                   int max, int *out_n);

/* The height in pixels of the smallest person the detector finds at image
 * scale 1 (its window's body): searching at scale s finds people from this / s. */
double cv_people_window_body_px (void);

/* ---- motion (cv_motion.cpp): where the scene changed ---- */

enum cv_motion_algorithm { CV_MOTION_MOG2, CV_MOTION_KNN };

struct cv_motion_params {
  enum cv_motion_algorithm algorithm;
  double learning_rate; /* < 0: automatic (1 / history) */
  int history;          /* frames the background model remembers */
  int detect_shadows;   /* shadows marked and left out of the foreground */
  double scale;         /* the model runs on the image scaled by this (0.25-1) */
};

struct cv_motion;

cv_status cv_motion_create (const struct cv_motion_params *params, struct cv_motion **out_motion);
void cv_motion_destroy (struct cv_motion *m);

/* Feeds IMG to the background model and writes the bounding boxes of the
 * changed blobs (native pixels, at most MAX, smallest dropped first when
 * there are more) to OUT, their number to OUT_N. */
cv_status cv_motion_apply (struct cv_motion *m, const struct cv_image *img, struct cv_rect *out, int max, int *out_n);

/* ---- DNN detection (cv_dnn.cpp): a model file the operator supplies ---- */

struct cv_dnn_params {
  const char *model;   /* .onnx, or Darknet .weights */
  const char *config;  /* Darknet .cfg; NULL for ONNX */
  int input_width, input_height;
  int person_class;    /* class index of "person" */
  double score_threshold, nms_threshold;
  int boxes_normalized; /* YOLO rows' boxes in [0,1] (Darknet) rather than input pixels (ONNX YOLOv5) */
};

struct cv_dnn_detector;

/* CV_ERR_INVALID with cv_last_error() naming the problem when the files are
 * missing, unreadable or not a network OpenCV can load. */
cv_status cv_dnn_detector_create (const struct cv_dnn_params *params, struct cv_dnn_detector **out_det);
void cv_dnn_detector_destroy (struct cv_dnn_detector *det);

/* Runs the network on ROI of IMG (NULL: all of it); YOLO-style output rows
 * [cx, cy, w, h, objectness, class scores...] are decoded, thresholded and
 * non-maximum-suppressed. Boxes in IMG's pixels. */
cv_status cv_dnn_detect (struct cv_dnn_detector *det, const struct cv_image *img, const struct cv_rect *roi,
                         struct cv_box *out, int max, int *out_n);

/* ---- appearance (cv_appearance.cpp) ---- */

#define CV_SIGNATURE_LEN 48

/* The colours of a person's clothes: a hue x saturation x value histogram
 * (8 x 3 x 2 bins, sums to 1) of the middle of BOX (x, y, w, h), where
 * the body is and the background is least. Cheap, needs no model, and tells
 * a red coat from a blue one when two people cross. */
cv_status cv_color_signature (const struct cv_image *img, const float box[4], float out[CV_SIGNATURE_LEN]);

/* ---- faces (cv_face.cpp): the best face crop for evidence ---- */

struct cv_face_detector;

/* CASCADE is an OpenCV cascade file (Haar or LBP). */
cv_status cv_face_detector_create (const char *cascade, struct cv_face_detector **out_det);
void cv_face_detector_destroy (struct cv_face_detector *det);

/* Looks for a face in ROI of IMG (enlarged first when small, so faces of
 * about 12 pixels are found). On success *OUT_FOUND tells whether one was
 * found; OUT_FACE is its box in IMG's pixels and OUT_QUALITY its score:
 * sharpness (variance of the Laplacian) times the square root of its area,
 * larger is better. */
cv_status cv_face_find (struct cv_face_detector *det, const struct cv_image *img, const struct cv_rect *roi,
                        int *out_found, struct cv_rect *out_face, double *out_quality);
/* Every face in the whole of IMG (a face camera's frame), at most MAX:
 * their boxes in OUT_FACES, qualities in OUT_QUALITY, number in OUT_N. */
cv_status cv_face_find_all (struct cv_face_detector *det, const struct cv_image *img, int max,
                            struct cv_rect *out_faces, double *out_quality, int *out_n);

/* ---- images (cv_codec.c: JPEG and PNG; cv_image.cpp) ---- */

/* PNG-encodes IMG (1, 3 or 4 = BGRx channels; lossless). *OUT is freed with cv_free. */
cv_status cv_png_encode (const struct cv_image *img, unsigned char **out, size_t *out_len);

/* JPEG-encodes IMG (1 or 3 channels BGR, 4 = BGRx). *OUT is freed with cv_free. */
cv_status cv_jpeg_encode (const struct cv_image *img, int quality,
                          unsigned char **out, size_t *out_len);

/* JPEG-encodes a packed I420 picture (cv_resize_to_i420's layout, its
 * stride its width; both the picture's sides even), 4:2:0, straight from
 * its planes. */
cv_status cv_jpeg_encode_i420 (const struct cv_image *i420, int quality, unsigned char **out, size_t *out_len);

/* JPEG-encodes the rectangle (x, y, w, h) of IMG, clipped to the image. */
cv_status cv_jpeg_encode_crop (const struct cv_image *img, int x, int y, int w, int h,
                               int quality, unsigned char **out, size_t *out_len);

/* Decodes a JPEG or PNG image into tightly packed BGRA (cairo's ARGB32
 * layout on little-endian); anything else, or a picture over 32 million
 * pixels, is CV_ERR_DECODE. *OUT_PIXELS is freed with cv_free. */
cv_status cv_decode_bgra (const unsigned char *data, size_t len, unsigned char **out_pixels,
                          int *out_width, int *out_height, int *out_stride);

/* IMG scaled by SCALE into a new tightly packed image of the same channels
 * (OUT->data freed with cv_free). */
cv_status cv_resize (const struct cv_image *img, double scale, struct cv_image *out);

/* IMG scaled into DST, whose data, size, stride and channels the caller
 * set (same channels as IMG). */
cv_status cv_resize_into (const struct cv_image *img, struct cv_image *dst);

/* BGR IMG scaled to WIDTH x HEIGHT (both even) and converted to I420 into
 * DST: one channel, WIDTH wide and HEIGHT * 3 / 2 high, the Y plane's rows
 * then U's and V's packed two to a row (GStreamer's I420 layout when WIDTH
 * is a multiple of 8). Half the bytes of BGR. */
cv_status cv_resize_to_i420 (const struct cv_image *img, struct cv_image *dst);

/* I420 (cv_resize_to_i420's layout) back to BGR into DST, whose size is the
 * picture's (I420's height * 2 / 3), 3 channels. */
cv_status cv_from_i420 (const struct cv_image *i420, struct cv_image *dst);

/* IMG (1, 3 or 4 channels) as grey into DST: same size, 1 channel, the
 * caller's pixels. */
cv_status cv_to_grey (const struct cv_image *img, struct cv_image *dst);

/* Blurs the rectangle (x, y, w, h) of IMG in place, strongly enough that a
 * face in it cannot be recognised. */
cv_status cv_blur_region (struct cv_image *img, int x, int y, int w, int h);

/* ---- face features for recognition (cv_face_id.cpp) ---- */

typedef enum {
  CV_FACE_ID_LBPH = 0,  /* OpenCV contrib's LBPH histogram: weight-free */
  CV_FACE_ID_SFACE = 1, /* FaceRecognizerSF with the site's ONNX model */
} cv_face_id_backend;

struct cv_face_id;

cv_status cv_face_id_create_lbph (struct cv_face_id **out);
/* RECOGNIZER_MODEL: SFace's ONNX. CV_ERR_INVALID or CV_ERR_OPENCV with
 * cv_last_error() saying why it did not load. */
cv_status cv_face_id_create_sface (const char *recognizer_model, struct cv_face_id **out);
/* Adds YuNet's ONNX to an sface F, to find and align the face in a crop
 * first; the same errors. */
cv_status cv_face_id_set_detector (struct cv_face_id *f, const char *detector_model);
void cv_face_id_destroy (struct cv_face_id *f);
cv_face_id_backend cv_face_id_backend_of (const struct cv_face_id *f);

/* The feature of the face crop IMG: *OUT_N floats in *OUT_FEATURE (freed
 * with cv_free). CV_OK with *OUT_N 0: no face found in it (sface with a
 * detector). */
cv_status cv_face_id_feature (struct cv_face_id *f, const struct cv_image *img, float **out_feature, int *out_n);

/* How alike two features of BACKEND are, higher more alike: cosine for
 * sface, 1 / (1 + chi-square distance) for lbph. NaN for bad input. */
double cv_face_id_similarity (cv_face_id_backend backend, const float *a, const float *b, int n);

/* ---- geometry (cv_geometry.cpp) ---- */

/* Fits the homography mapping N >= 4 points SRC (x0,y0,x1,y1,...) to DST by
 * least squares. OUT_H is row-major 3x3 normalised to h33 = 1; OUT_RMS (may be
 * NULL) is the root-mean-square reprojection error in DST units. */
cv_status cv_fit_homography (const double *src, const double *dst, int n,
                             double out_h[9], double *out_rms);

/* ---- sparse motion (cv_features.cpp): the liveness motion check ---- */

/* Shi-Tomasi corners of GREY inside ROI and outside EXCLUDE (may be NULL),
 * at least MIN_DISTANCE pixels apart: at most MAX points, x,y pairs in
 * OUT_XY (room for 2 * MAX floats), their number in OUT_N. */
cv_status cv_features_find (const struct cv_image *grey, const struct cv_rect *roi, const struct cv_rect *exclude,
                            int max, double min_distance, float *out_xy, int *out_n);

/* Follows N points XY from PREV to NEXT (grey) with pyramidal Lucas-Kanade;
 * OUT_XY gets their new positions, OUT_OK[i] = 1 when point i was found
 * and tracking it back lands within MAX_FB_ERROR pixels of where it began.
 * GUESS_XY (may be NULL: no motion) is where each point is expected in
 * NEXT: the search starts there, so motions larger than the pyramid can
 * reach (a vehicle 1.5 m a frame at 10 frames/s) are still followed.
 * OUT_FB_ERROR (may be NULL) gets each point's forward-backward error. */
cv_status cv_flow_track (const struct cv_image *prev, const struct cv_image *next, const float *xy,
                         const float *guess_xy, int n, double max_fb_error, float *out_xy, unsigned char *out_ok,
                         float *out_fb_error);

/* Robust homography SRC -> DST (N >= 4 pairs) by RANSAC with THRESHOLD in
 * DST units; OUT_INLIER (may be NULL, N entries) marks the pairs it explains. */
cv_status cv_fit_homography_ransac (const double *src, const double *dst, int n, double threshold, double out_h[9],
                                   unsigned char *out_inlier, int *out_n_inliers);

/* ---- stereo (cv_stereo.cpp): the liveness depth check ---- */

/* Disparity of a rectified grey pair (left image's pixels, semi-global
 * matching, 0..MAX_DISPARITY, odd BLOCK_SIZE) into OUT, width * height
 * floats, tightly packed; -1 where no match was found. */
cv_status cv_stereo_disparity (const struct cv_image *left, const struct cv_image *right, int max_disparity,
                               int block_size, float *out);

/* ---- compositing (cv_draw.cpp): the tests' attack generator ---- */

/* Warps all of SRC onto the quadrilateral QUAD (x,y of its corners for
 * SRC's top-left, top-right, bottom-right, bottom-left) of DST. */
cv_status cv_paste_quad (struct cv_image *dst, const struct cv_image *src, const double quad[8]);

/* Fills QUAD of DST (3 or 4 channels) with the BGR COLOUR. */
cv_status cv_fill_quad (struct cv_image *dst, const double quad[8], const unsigned char colour[3]);

/* ---- drawing (cv_draw.cpp): the overlay (overlay/) and previews ----
 * COLOUR is B, G, R, A: on a 4-channel image all four are written (A
 * then says how opaque the layer is where it is composited, overlay/),
 * on a 3-channel one the first three. Coordinates are pixels, sub-pixel
 * precise; what falls off the image is clipped. */

/* The N points XY (x0,y0,x1,y1,...) joined, and closed when CLOSED. */
cv_status cv_draw_polyline (struct cv_image *img, const double *xy, int n, int closed, const unsigned char colour[4],
                            int thickness);

/* The polygon of N points XY filled (even-odd for self-crossing ones). */
cv_status cv_draw_fill_polygon (struct cv_image *img, const double *xy, int n, const unsigned char colour[4]);

/* A rectangle's outline (THICKNESS > 0) or the whole of it (THICKNESS <= 0). */
cv_status cv_draw_rect (struct cv_image *img, double x, double y, double w, double h, const unsigned char colour[4],
                        int thickness);

/* TEXT (printable ASCII; anything else is drawn as '?') with its top-left
 * at X, Y, letters about HEIGHT_PX tall, on a box of BACKGROUND (NULL:
 * none). *WIDTH_PX (when not NULL) gets the width it took. */
cv_status cv_draw_text (struct cv_image *img, double x, double y, const char *text, double height_px,
                        const unsigned char colour[4], const unsigned char background[4], int *width_px);

/* The width cv_draw_text would take for TEXT at HEIGHT_PX (0 when invalid). */
int cv_text_width (const char *text, double height_px);

#ifdef __cplusplus
}
#endif
#endif
