/* The elements through GstHarness: detections in, tracks out; rules mark a
 * candidate; the frame info travels with the buffer. */
#include "cw_meta.h"
#include "gstcwelements.h"

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *
write_config (const char *dir)
{
  char *path = g_build_filename (dir, "site.ini", NULL);
  g_autofree char *db = g_build_filename (dir, "evidence.db", NULL);
  g_autofree char *text = g_strdup_printf (
      "[site]\nid = t1\n[camera:main]\nuri = file:///dev/null\nground_homography = 0.1;0;0;0;0.1;0;0;0;1\n"
      "[signal]\nsource = schedule\ncycle_s = 60\nwalk_start_s = 50\nwalk_end_s = 55\n"
      "[zone:road]\nkind = carriageway\npolygon = 0,100;320,100;320,200;0,200\n"
      "[tracker]\nmin_hits = 1\n[detector]\nevery_n_frames = 1\n[evidence]\ndb = %s\n",
      db);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void first_error (const char *launch, GError **err, char **dbg);

static GstBuffer *
frame_with_detection (int i, double y)
{
  GstBuffer *buf = gst_buffer_new_and_alloc (320 * 240 * 3);
  gst_buffer_memset (buf, 0, 0x80, 320 * 240 * 3);
  GST_BUFFER_PTS (buf) = i * GST_SECOND / 10;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
  struct cw_frame_info fi = {i + 1, i / 10.0, TRUE, CW_STAGE_DETECT}; /* as cwdetect leaves it */
  cw_frame_info_set (buf, &fi);
  cw_person_add (buf, 150, y, 20, 50, -1, gst_structure_new (CW_PERSON_PARAM, "score", G_TYPE_DOUBLE, 1.0, NULL));
  return buf;
}

/* The element of BIN made by FACTORY (a reference), NULL if none. */
static GstElement *
element_of_factory (GstBin *bin, const char *factory)
{
  GstElement *found = NULL;
  GstIterator *it = gst_bin_iterate_elements (bin);
  GValue v = G_VALUE_INIT;
  while (!found && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    if (g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (e)), factory))
      found = gst_object_ref (e);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return found;
}

/* The packets in DIR's evidence.db (-1: no sqlite3 to count them). */
static int
packets_in (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("sqlite3 '%s/evidence.db' 'SELECT COUNT(*) FROM packets' > '%s/n.txt'", dir, dir);
  if (system (cmd) != 0)
    return -1;
  g_autofree char *n_path = g_build_filename (dir, "n.txt", NULL), *n = NULL;
  g_file_get_contents (n_path, &n, NULL, NULL);
  return atoi (n);
}

/* One packet in DIR's store (not counted where sqlite3 is missing) */
static void
expect_one_packet (const char *dir)
{
  int n = packets_in (dir);
  g_assert_true (n == 1 || n == -1);
}

static void
remove_dir (const char *dir)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (rm), ==, 0);
}

/* Pushes 40 frames of one person walking down onto the road through
 * LAUNCH: the candidates the rules marked. */
static int
walk_onto_the_road (const char *launch)
{
  GstHarness *h = gst_harness_new_parse (launch);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=BGR,width=320,height=240,framerate=10/1");
  int candidates = 0, tracked = 0;
  for (int i = 0; i < 40; i++) {
    /* walks down 3 px per frame: enters the road (y + 50 >= 100) at frame 18 */
    GstBuffer *out = gst_harness_push_and_pull (h, frame_with_detection (i, 2 + 3.0 * i));
    g_assert_nonnull (out);
    g_autoptr (GPtrArray) people = cw_people (out);
    for (guint k = 0; k < people->len; k++) {
      GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, k);
      tracked += m->id > 0;
      if (gst_structure_has_field (cw_person_param (m), "candidate")) {
        candidates++;
        g_assert_cmpstr (gst_structure_get_string (cw_person_param (m), "candidate"), ==, "red_signal");
        g_assert_nonnull (gst_structure_get_string (cw_person_param (m), "verdict"));
      }
    }
    gst_buffer_unref (out);
  }
  g_assert_cmpint (tracked, >=, 35);
  /* every stage keeps its own timers: 40 frames each, some time spent */
  const char *const stages[] = {"cwtrack", "cwzones", "cwliveness", "cwevidence"};
  for (size_t i = 0; i < G_N_ELEMENTS (stages); i++) {
    GstElement *e = element_of_factory (GST_BIN (h->element), stages[i]);
    if (!e && i > 0)
      continue; /* a shorter chain */
    g_assert_nonnull (e);
    guint64 frames = 0;
    double wall = 0, cpu = -1;
    g_object_get (e, "frames-processed", &frames, "process-seconds", &wall, "process-cpu-seconds", &cpu, NULL);
    g_assert_cmpuint (frames, ==, 40);
    g_assert_cmpfloat (wall, >, 0);
    g_assert_cmpfloat (cpu, >=, 0);
    gst_object_unref (e);
  }
  gst_harness_teardown (h);
  return candidates;
}

static void
track_zones_and_evidence_elements_make_a_candidate_and_a_packet (void)
{
  g_autofree char *dir = g_dir_make_tmp ("elemXXXXXX", NULL);
  g_autofree char *cfg = write_config (dir);
  g_autofree char *launch = g_strdup_printf ("cwtrack config=%s ! cwzones config=%s ! cwliveness config=%s ! "
                                             "cwevidence config=%s",
                                             cfg, cfg, cfg, cfg);
  g_assert_cmpint (walk_onto_the_road (launch), ==, 1);
  expect_one_packet (dir);
  remove_dir (dir);
}

/* The same chain built by hand, no site file: the zones, calibration,
 * signal, site and store given as element properties decide the same. */
static void
a_hand_built_chain_decides_without_a_site_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("elemXXXXXX", NULL);
  g_autofree char *launch = g_strdup_printf (
      "cwtrack min-hits=1 ! "
      "cwzones zones=road:carriageway:0,100;320,100;320,200;0,200 camera-ground-homography=0.1;0;0;0;0.1;0;0;0;1 "
      "source=schedule cycle-s=60 walk-start-s=50 walk-end-s=55 ! cwliveness ! "
      "cwevidence site-id=t1 db=%s/evidence.db key=%s/device.key zones=road:carriageway:0,100;320,100;320,200;0,200 "
      "camera-ground-homography=0.1;0;0;0;0.1;0;0;0;1",
      dir, dir);
  g_assert_cmpint (walk_onto_the_road (launch), ==, 1);
  expect_one_packet (dir);
  remove_dir (dir);
}

/* Zones given as a property replace the file's, all of them: a road the
 * walker never reaches makes no candidate where the file's road would. */
static void
zones_given_as_a_property_replace_the_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("elemXXXXXX", NULL);
  g_autofree char *cfg = write_config (dir);
  g_autofree char *launch = g_strdup_printf (
      "cwtrack config=%s ! cwzones config=%s zones=far:carriageway:0,225;320,225;320,239;0,239", cfg, cfg);
  g_assert_cmpint (walk_onto_the_road (launch), ==, 0);
  remove_dir (dir);
}

/* What a hand-built chain gets wrong is said, naming the property */
static void
a_bad_zones_property_or_no_site_id_is_an_element_error (void)
{
  static const struct {
    const char *launch, *said;
  } CASES[] = {
      {"cwzones zones=crosswalk", "zones, item 1 'crosswalk'"},
      {"cwzones zones=road:river:0,0;10,0;10,10", "unknown zone kind 'river'"},
      {"cwzones zones=a:crosswalk:0,0;10,0;10,10|a:carriageway:0,0;10,0;10,10", "a second zone named 'a'"},
      {"cwzones camera-ground-homography=1;2;3", "ground_homography"},
      {"cwzones", "has no zone: set the zones"},
      {"cwzones camera=x/y zones=crosswalk:0,0;10,0;10,10", "'x/y' is not a camera name"},
      {"cwevidence db=/tmp/cw-never.db", "set site-id"},
      /* a name with ']' would be no group at all: the zone lost, silently */
      {"cwzones zones=walk]:crosswalk:0,0;10,0;10,10", "item 1: name 'walk]'"},
      {"cwzones zones=crosswalk:0,0;10,0", "element property zones: [zone:crosswalk-1] polygon"},
      {"cwzones zones=crosswalk:0,0;10,0;10,10 camera-ground-homography=0;0;0;0;0;0;0;0;0",
       "element property camera-ground-homography"},
      {"cwevidence site-id=s db=:memory:", "':memory:' is not a file's path"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (CASES); i++) {
    GError *err = NULL;
    char *dbg = NULL;
    g_autofree char *launch =
        g_strdup_printf ("videotestsrc num-buffers=3 ! video/x-raw,format=BGR ! %s ! fakesink", CASES[i].launch);
    first_error (launch, &err, &dbg);
    g_assert_nonnull (err);
    if (!strstr (dbg, CASES[i].said))
      g_error ("%s: expected '%s' in: %s", CASES[i].launch, CASES[i].said, dbg);
    g_clear_error (&err);
    g_free (dbg);
  }
}

/* Runs LAUNCH until its first error or EOS: the error's GError and
 * debug text (both NULL at EOS or on a timeout). */
static void
first_error (const char *launch, GError **err, char **dbg)
{
  *err = NULL, *dbg = NULL;
  GstElement *p = gst_parse_launch (launch, NULL);
  g_assert_nonnull (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (m && GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
    gst_message_parse_error (m, err, dbg);
  g_clear_pointer (&m, gst_message_unref);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

static void
an_invalid_config_is_an_element_error_not_a_crash (void)
{
  GError *err = NULL;
  char *dbg = NULL;
  first_error ("videotestsrc num-buffers=3 ! video/x-raw,format=BGR ! cwzones config=/nonexistent/site.ini ! fakesink",
               &err, &dbg);
  g_assert_error (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (dbg, "/nonexistent/site.ini"));
  g_clear_error (&err);
  g_free (dbg);
}

/* Elements in the wrong order, or one left out, would run and decide
 * nothing: each says which element it expected before it. */
static void
an_element_without_its_upstream_stage_names_the_missing_element (void)
{
  g_autofree char *dir = g_dir_make_tmp ("elemXXXXXX", NULL);
  g_autofree char *cfg = write_config (dir);
  const struct {
    const char *chain, *expected;
  } cases[] = {
      {"cwzones config=%s", "cwtrack"},
      {"cwtrack config=%s ! cwdetect config=%s", "cwdetect"},
      {"cwliveness config=%s", "cwzones"},
      {"cwevidence config=%s", "cwzones"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *chain = g_strdup_printf (cases[i].chain, cfg, cfg);
    g_autofree char *launch = g_strdup_printf ("videotestsrc num-buffers=3 ! video/x-raw,format=BGR,width=320,"
                                               "height=240 ! %s ! fakesink", chain);
    GError *err = NULL;
    char *dbg = NULL;
    first_error (launch, &err, &dbg);
    g_assert_error (err, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION);
    g_assert_nonnull (strstr (err->message, cases[i].expected));
    g_assert_nonnull (strstr (dbg, "put it before"));
    g_clear_error (&err);
    g_free (dbg);
  }
  /* the whole chain in order runs to its end */
  g_autofree char *launch = g_strdup_printf (
      "videotestsrc num-buffers=3 ! video/x-raw,format=BGR,width=320,height=240 ! cwdetect config=%s ! cwtrack "
      "config=%s ! cwzones config=%s ! cwliveness config=%s ! cwevidence config=%s ! fakesink", cfg, cfg, cfg, cfg, cfg);
  GError *err = NULL;
  char *dbg = NULL;
  first_error (launch, &err, &dbg);
  g_assert_no_error (err);
  g_free (dbg);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (rm), ==, 0);
}

/* A tracked frame I as cwzones leaves it: person ID (if > 0) at ground
 * (X, 0) on the road, charged with outside_crosswalk when CHARGED, said by
 * the rules to continue the crossing of CONTINUES (if > 0). */
static GstBuffer *
zoned_frame (int i, int id, double x, gboolean charged, int continues)
{
  GstBuffer *buf = gst_buffer_new_and_alloc (320 * 240 * 3);
  gst_buffer_memset (buf, 0, 0x80, 320 * 240 * 3);
  GST_BUFFER_PTS (buf) = i * GST_SECOND / 10;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
  struct cw_frame_info fi = {i + 1, i / 10.0, TRUE, CW_STAGE_DETECT | CW_STAGE_TRACK | CW_STAGE_ZONES};
  cw_frame_info_set (buf, &fi);
  if (id > 0) {
    GstStructure *p = gst_structure_new (CW_PERSON_PARAM, "score", G_TYPE_DOUBLE, 1.0, "track-id", G_TYPE_INT, id,
                                         "ground-x", G_TYPE_DOUBLE, x, "ground-y", G_TYPE_DOUBLE, 0.0, "on-road",
                                         G_TYPE_BOOLEAN, TRUE, NULL);
    if (charged)
      gst_structure_set (p, "candidate", G_TYPE_STRING, "outside_crosswalk", NULL);
    if (continues > 0)
      gst_structure_set (p, "continues-track", G_TYPE_INT, continues, NULL);
    cw_person_add (buf, 150 + 10 * x, 60, 20, 50, id, p);
  }
  return buf;
}

/* The rules may say a new track continues one whose candidate's crossing
 * is already over (a seed of the attack bench: a raised picture's track,
 * charged and rejected at the start, was "continued" by a walker charged
 * 18 s later, whose packet then carried the picture's flat verdict). With
 * no candidate to take over, the new track is assessed on its own history
 * only (here 0.1 s of it, too little to measure anything: uncertain), not
 * on what the lost one's windows showed (here a vehicle's speed: flat). A
 * lost track that never had a candidate gives its history on. */
static void
a_track_continuing_a_finished_crossing_is_judged_on_its_own (void)
{
  GstHarness *h = gst_harness_new_parse ("cwliveness");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=BGR,width=320,height=240,framerate=10/1");
  g_autofree char *verdict = NULL;
  for (int i = 0; i < 60; i++) {
    /* 6: at 20 m/s, flat (a vehicle), charged at frame 4, then lost */
    GstBuffer *in = i < 15    ? zoned_frame (i, 6, 2.0 * i, i == 3, 0)
                    : i < 58 ? zoned_frame (i, 0, 0, FALSE, 0)          /* its crossing ends 2 s later */
                             : zoned_frame (i, 75, 4.0, i == 58, i == 58 ? 6 : 0);
    GstBuffer *out = gst_harness_push_and_pull (h, in);
    g_autoptr (GPtrArray) people = cw_people (out);
    for (guint k = 0; k < people->len; k++) {
      GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, k);
      if (m->id == 75 && gst_structure_has_field (cw_person_param (m), "verdict")) {
        g_assert_false (gst_structure_has_field (cw_person_param (m), "continues-candidate"));
        verdict = g_strdup (gst_structure_get_string (cw_person_param (m), "liveness"));
      }
    }
    gst_buffer_unref (out);
  }
  g_test_message ("track 75: %s", verdict);
  g_assert_nonnull (verdict);
  g_assert_nonnull (strstr (verdict, "\"verdict\":\"uncertain\"")); /* not 6's flat */
  g_assert_nonnull (strstr (verdict, "too little calibrated history"));
  gst_harness_teardown (h);
  /* a lost track that never had a candidate gives its history on: the rules carry its crossing on */
  h = gst_harness_new_parse ("cwliveness");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=BGR,width=320,height=240,framerate=10/1");
  g_clear_pointer (&verdict, g_free);
  for (int i = 0; i < 20; i++) {
    GstBuffer *in = i < 15 ? zoned_frame (i, 8, 2.0 * i, FALSE, 0) : zoned_frame (i, 76, 32.0, i == 18, i == 18 ? 8 : 0);
    GstBuffer *out = gst_harness_push_and_pull (h, in);
    g_autoptr (GPtrArray) people = cw_people (out);
    for (guint k = 0; k < people->len; k++) {
      GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, k);
      if (m->id == 76 && gst_structure_has_field (cw_person_param (m), "verdict"))
        verdict = g_strdup (gst_structure_get_string (cw_person_param (m), "liveness"));
    }
    gst_buffer_unref (out);
  }
  g_test_message ("track 76: %s", verdict);
  g_assert_nonnull (verdict);
  g_assert_nonnull (strstr (verdict, "faster than anyone on foot"));
  gst_harness_teardown (h);
}

/* cwoverlay with no site file: the people of the frame and the status,
 * drawn on the picture in a harness */
static void
the_overlay_draws_people_without_a_site_file (void)
{
  GstHarness *h = gst_harness_new_parse ("cwtrack min-hits=1 ! cwoverlay");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=BGR,width=320,height=240,framerate=10/1");
  GstBuffer *out = NULL;
  for (int i = 0; i < 3; i++) {
    g_clear_pointer (&out, gst_buffer_unref);
    out = gst_harness_push_and_pull (h, frame_with_detection (i, 60));
  }
  GstMapInfo map;
  g_assert_true (gst_buffer_map (out, &map, GST_MAP_READ));
  /* the tracked box's left edge, at x 150, is green; the grey far from it is untouched */
  const guint8 *edge = map.data + (size_t) 100 * 320 * 3 + 150 * 3, *far = map.data + (size_t) 200 * 320 * 3 + 20 * 3;
  g_assert_cmpint (edge[1], >, 200);
  g_assert_cmpint (edge[2], <, 60);
  g_assert_cmpint (far[0], ==, 0x80);
  /* the status bar across the top */
  g_assert_cmpint (map.data[3 * 2 + 2 * 320 * 3], ==, 0);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  GstElement *track = element_of_factory (GST_BIN (h->element), "cwtrack");
  /* [tracker] min_hits reads "unset" as the tracker's own default: a string property */
  g_autofree char *min_hits = NULL;
  g_object_get (track, "min-hits", &min_hits, NULL);
  g_assert_cmpstr (min_hits, ==, "1");
  gst_object_unref (track);
  gst_harness_teardown (h);
}

/* A config key given as a property is checked as the file's would be, and
 * the error names the property */
static void
a_bad_config_property_is_an_element_error_naming_it (void)
{
  GError *err = NULL;
  char *dbg = NULL;
  first_error ("videotestsrc num-buffers=3 ! video/x-raw,format=BGR ! cwdetect motion-algorithm=none ! fakesink", &err,
               &dbg);
  g_assert_error (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (dbg, "element property motion-algorithm"));
  g_clear_error (&err);
  g_free (dbg);
  /* a value is one value: a line break and a group in it add no key */
  GstElement *p = gst_parse_launch ("videotestsrc num-buffers=3 ! video/x-raw,format=BGR ! cwdetect name=d ! fakesink", NULL);
  GstElement *d = gst_bin_get_by_name (GST_BIN (p), "d");
  g_object_set (d, "motion-algorithm", "mog2\n[detector]\nbackend = dnn", NULL);
  g_autofree char *back = NULL;
  g_object_get (d, "motion-algorithm", &back, NULL);
  g_assert_cmpstr (back, ==, "mog2\n[detector]\nbackend = dnn");
  gst_element_set_state (p, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  g_assert_nonnull (m);
  g_assert_cmpint (GST_MESSAGE_TYPE (m), ==, GST_MESSAGE_ERROR);
  gst_message_parse_error (m, &err, &dbg);
  g_assert_nonnull (strstr (dbg, "motion_algorithm"));
  g_assert_null (strstr (dbg, "model")); /* no dnn backend was set: it would want one */
  g_clear_error (&err);
  g_free (dbg);
  gst_message_unref (m);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (d);
  gst_object_unref (p);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  cw_plugin_register_static ();
  cw_meta_register ();
  g_test_add_func ("/elements/track_zones_and_evidence_elements_make_a_candidate_and_a_packet",
                   track_zones_and_evidence_elements_make_a_candidate_and_a_packet);
  g_test_add_func ("/elements/a_hand_built_chain_decides_without_a_site_file",
                   a_hand_built_chain_decides_without_a_site_file);
  g_test_add_func ("/elements/zones_given_as_a_property_replace_the_files", zones_given_as_a_property_replace_the_files);
  g_test_add_func ("/elements/a_track_continuing_a_finished_crossing_is_judged_on_its_own",
                   a_track_continuing_a_finished_crossing_is_judged_on_its_own);
  g_test_add_func ("/elements/a_bad_zones_property_or_no_site_id_is_an_element_error",
                   a_bad_zones_property_or_no_site_id_is_an_element_error);
  g_test_add_func ("/elements/an_invalid_config_is_an_element_error_not_a_crash",
                   an_invalid_config_is_an_element_error_not_a_crash);
  g_test_add_func ("/elements/the_overlay_draws_people_without_a_site_file", the_overlay_draws_people_without_a_site_file);
  g_test_add_func ("/elements/a_bad_config_property_is_an_element_error_naming_it",
                   a_bad_config_property_is_an_element_error_naming_it);
  g_test_add_func ("/elements/an_element_without_its_upstream_stage_names_the_missing_element",
                   an_element_without_its_upstream_stage_names_the_missing_element);
  return g_test_run ();
}
