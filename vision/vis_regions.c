#include "vis_regions.h"

static int
min_i (int a, int b)
{
  return a < b ? a : b;
}

static int
max_i (int a, int b)
{
  return a > b ? a : b;
}

static int
overlap (const struct cv_rect *a, const struct cv_rect *b)
{
  return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static void
grow (struct cv_rect *r, double margin, int min_w, int min_h, int width, int height)
{
  int cx = r->x + r->w / 2, cy = r->y + r->h / 2;
  int w = max_i ((int) (r->w * (1 + 2 * margin)), min_w);
  int h = max_i ((int) (r->h * (1 + 2 * margin)), min_h);
  int x0 = max_i (0, cx - w / 2), y0 = max_i (0, cy - h / 2);
  int x1 = min_i (width, cx + (w + 1) / 2), y1 = min_i (height, cy + (h + 1) / 2);
  *r = (struct cv_rect){x0, y0, max_i (0, x1 - x0), max_i (0, y1 - y0)};
}

int
vis_regions_prepare (struct cv_rect *r, int n, double margin, int min_w, int min_h, int width, int height)
{
  for (int i = 0; i < n; i++)
    grow (&r[i], margin, min_w, min_h, width, height);
  /* merge until stable: each merge may create new overlaps */
  int merged = 1;
  while (merged) {
    merged = 0;
    for (int i = 0; i < n && !merged; i++) {
      for (int j = i + 1; j < n; j++) {
        if (!overlap (&r[i], &r[j]))
          continue;
        int x0 = min_i (r[i].x, r[j].x), y0 = min_i (r[i].y, r[j].y);
        int x1 = max_i (r[i].x + r[i].w, r[j].x + r[j].w), y1 = max_i (r[i].y + r[i].h, r[j].y + r[j].h);
        r[i] = (struct cv_rect){x0, y0, x1 - x0, y1 - y0};
        r[j] = r[--n];
        merged = 1;
        break;
      }
    }
  }
  return n;
}

long
vis_regions_area (const struct cv_rect *r, int n)
{
  long a = 0;
  for (int i = 0; i < n; i++)
    a += (long) r[i].w * r[i].h;
  return a;
}
