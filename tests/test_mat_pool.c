/* cv_mat_pool: the people detector's per-frame matrices are taken from the
 * pool again on the next frame, from any thread, with the same detections
 * as without it, and no more than the limit is ever held free. */
#include "cv_shim.h"

#include <glib.h>
#include <string.h>

#define W 1280
#define H 720
#define MAX_BOXES 256
#define MIB (1024 * 1024)

/* A 720p picture with edges at many scales (stripes, blocks, figures of a
 * person's proportions), so the detector's pyramid is full size and it
 * finds windows at a low threshold. */
static unsigned char *
picture (void)
{
  unsigned char *px = g_malloc ((size_t) W * H * 3);
  GRand *r = g_rand_new_with_seed (7);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      unsigned char v = (unsigned char) (((x / 23 + y / 37) % 2) ? 170 : 60);
      for (int c = 0; c < 3; c++)
        px[((size_t) y * W + x) * 3 + c] = (unsigned char) (v + g_rand_int_range (r, 0, 20));
    }
  for (int k = 0; k < 12; k++) { /* dark upright figures, 1:2.5 */
    int fx = 60 + k * 100, fy = 200 + (k % 3) * 60, fw = 40 + (k % 4) * 6, fh = (int) (fw * 2.5);
    for (int y = fy; y < fy + fh && y < H; y++)
      for (int x = fx; x < fx + fw && x < W; x++)
        for (int c = 0; c < 3; c++)
          px[((size_t) y * W + x) * 3 + c] = 25;
  }
  g_rand_free (r);
  return px;
}

struct detection {
  struct cv_box boxes[MAX_BOXES];
  int n;
};

static void
detect (const unsigned char *px, struct detection *out)
{
  const struct cv_people_params params = {.upscale = 1.0, .hit_threshold = -0.5, .scale_step = 1.05, .n_levels = 12};
  struct cv_people_detector *det = NULL;
  g_assert_cmpint (cv_people_detector_create (&params, &det), ==, CV_OK);
  const struct cv_image img = {(unsigned char *) px, W, H, W * 3, 3};
  g_assert_cmpint (cv_people_detect (det, &img, out->boxes, MAX_BOXES, &out->n), ==, CV_OK);
  cv_people_detector_destroy (det);
}

static void
assert_same (const struct detection *a, const struct detection *b)
{
  g_assert_cmpint (a->n, ==, b->n);
  g_assert_cmpmem (a->boxes, sizeof a->boxes[0] * a->n, b->boxes, sizeof b->boxes[0] * b->n);
}

static unsigned char *pixels;
static struct detection reference; /* found without the pool */

static void
test_off_until_enabled (void)
{
  struct cv_mat_pool_stats st;
  g_assert_false (cv_mat_pool_get_stats (&st));
  detect (pixels, &reference);
  g_assert_cmpint (reference.n, >, 0); /* the picture gives the detector windows to report */
}

static void
test_reuses_the_detectors_matrices (void)
{
  g_assert_cmpint (cv_mat_pool_enable (256 * MIB), ==, CV_OK);
  g_assert_cmpint (cv_mat_pool_enable (256 * MIB), ==, CV_ERR_INVALID); /* once a process */
  struct detection d;
  struct cv_mat_pool_stats first, st;
  detect (pixels, &d);
  assert_same (&d, &reference);
  g_assert_true (cv_mat_pool_get_stats (&first));
  g_assert_cmpuint (first.allocated, >, 0); /* the pyramid's matrices are a quarter megabyte and more */
  for (int i = 0; i < 4; i++) {
    detect (pixels, &d);
    assert_same (&d, &reference);
  }
  g_assert_true (cv_mat_pool_get_stats (&st));
  /* the next frames took the first frame's blocks: (nearly) no new ones */
  g_assert_cmpuint (st.reused, >=, 4 * first.allocated * 9 / 10);
  g_assert_cmpuint (st.allocated, <=, first.allocated + first.allocated / 10);
  g_assert_cmpuint (st.held_bytes, >, 0);
  g_assert_cmpuint (st.held_bytes, <=, 256 * MIB);
  g_assert_cmpuint (st.released, ==, 0);
}

static gpointer
detect_thrice (gpointer data)
{
  (void) data;
  struct detection *d = g_new (struct detection, 1);
  for (int i = 0; i < 3; i++) {
    detect (pixels, d);
    if (d->n != reference.n || memcmp (d->boxes, reference.boxes, sizeof d->boxes[0] * d->n)) {
      g_free (d);
      return GINT_TO_POINTER (FALSE);
    }
  }
  g_free (d);
  return GINT_TO_POINTER (TRUE);
}

static void
test_two_threads_share_it (void)
{
  GThread *a = g_thread_new ("a", detect_thrice, NULL), *b = g_thread_new ("b", detect_thrice, NULL);
  g_assert_true (GPOINTER_TO_INT (g_thread_join (a)));
  g_assert_true (GPOINTER_TO_INT (g_thread_join (b)));
  struct cv_mat_pool_stats st;
  g_assert_true (cv_mat_pool_get_stats (&st));
  g_assert_cmpuint (st.held_bytes, <=, 256 * MIB);
}

/* In a fresh process: a pool that may hold 1 MiB frees the rest to malloc. */
static void
test_holds_no_more_than_its_limit (void)
{
  if (g_test_subprocess ()) {
    g_assert_cmpint (cv_mat_pool_enable (MIB), ==, CV_OK);
    struct detection d;
    for (int i = 0; i < 3; i++) {
      detect (pixels, &d);
      assert_same (&d, &reference);
    }
    struct cv_mat_pool_stats st;
    g_assert_true (cv_mat_pool_get_stats (&st));
    g_assert_cmpuint (st.held_bytes, <=, MIB);
    g_assert_cmpuint (st.released, >, 0);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pixels = picture ();
  if (g_test_subprocess ())
    detect (pixels, &reference); /* the subprocess's own reference, before its pool */
  g_test_add_func ("/mat_pool/off_until_enabled", test_off_until_enabled);
  g_test_add_func ("/mat_pool/reuses_the_detectors_matrices", test_reuses_the_detectors_matrices);
  g_test_add_func ("/mat_pool/two_threads_share_it", test_two_threads_share_it);
  g_test_add_func ("/mat_pool/holds_no_more_than_its_limit", test_holds_no_more_than_its_limit);
  int rc = g_test_run ();
  g_free (pixels);
  return rc;
}
