/* attack_scenario — presentation attacks composited into real footage, with
 * ground truth by construction, and the scorer for what crosswatch made of
 * them.
 *
 *   attack_scenario make  --video vtest.avi --gt PETS09-S2L1/gt/gt.txt --config site.ini
 *                         --out clip.avi --truth clip.json --seed N [--fps 10|25]
 *                         [--start FRAME] [--seconds S] [--vehicles N] [--posters N]
 *                         [--screens N] [--genuine N] [--occluders N]
 *   attack_scenario score [--footage-gt MOT] [--setting NAME] --clip TRUTH OFF.jsonl ON.jsonl DET.txt|- ...
 *                         [--tracked-clip TRUTH OFF ON DET OFF_TRACKS ON_TRACKS] [--list FILE]
 *                         [--markdown] [--require | --require-genuine] [--presentations]
 *
 * Defaults: 22 s at 10 frames/s from a footage frame the seed picks; 6
 * vehicles with adverts, 6 posters, 7 screens, 3 genuine scenarios and 2
 * people passing attacks are planned, as many as fit are kept (the log says
 * which did not). Debugging aids (environment): ATK_VERBOSE=1 says why each
 * draw was not kept, ATK_DRAW_BOXES=1 outlines the truth boxes in the
 * video, ATK_DUMP=DIR writes the pictures and the background as JPEG.
 *
 * See atk.h for the files and atk_make.c / atk_score.c for what each does. */
#include "atk.h"

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc >= 2 && !strcmp (argv[1], "make"))
    return atk_make (argc, argv);
  if (argc >= 2 && !strcmp (argv[1], "score"))
    return atk_score (argc, argv);
  fprintf (stderr, "usage: attack_scenario make|score ...\n");
  return 2;
}
