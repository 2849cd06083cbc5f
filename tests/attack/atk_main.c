/* attack_scenario — presentation attacks composited into real footage, with
 * ground truth by construction, and the scorer for what crosswatch made of
 * them.
 *
 *   attack_scenario make  --video vtest.avi --gt PETS09-S2L1/gt/gt.txt --config site.ini
 *                         --out clip.avi --truth clip.json --seed N [--fps 10|25]
 *                         [--start FRAME] [--seconds S] [--vehicles N] [--posters N]
 *                         [--screens N] [--genuine N] [--occluders N]
 *   attack_scenario score [--setting NAME] --clip TRUTH OFF.jsonl ON.jsonl DET.txt|- ...
 *                         [--list FILE] [--markdown] [--require]
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
