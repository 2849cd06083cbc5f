/* trk_mot — MOTChallenge text files: "frame,id,x,y,w,h,score,X,Y,Z". */
#ifndef CW_TRK_MOT_H
#define CW_TRK_MOT_H

#include "trk_box.h"

#include <stdio.h>

struct trk_mot_row {
  int frame, id;
  struct trk_box box;
  double score;
  double world[3]; /* ground-plane coordinates where the file has them, else -1 */
};

struct trk_mot_file {
  struct trk_mot_row *rows; /* in file order */
  int n_rows;
};

/* Reads PATH. Lines that are not valid rows are skipped, each reported to
 * ERRORS (may be NULL) as "PATH:LINE: why". Returns 0, or -1 when the file
 * cannot be opened or memory runs out (with the reason in ERRORS). */
int trk_mot_read (const char *path, struct trk_mot_file *out, FILE *errors);
void trk_mot_clear (struct trk_mot_file *f);

/* Parses one line. Returns 0, or -1 with a static reason in *OUT_WHY. */
int trk_mot_parse_line (const char *line, struct trk_mot_row *out, const char **out_why);

/* Writes one result row "frame,id,x,y,w,h,score,-1,-1,-1". */
int trk_mot_write_row (FILE *f, int frame, int id, const struct trk_box *box, double score);

#endif
