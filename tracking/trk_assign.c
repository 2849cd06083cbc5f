#include "trk_assign.h"

#include <float.h>
#include <stdlib.h>

/* Solves for rows <= cols (each row gets a column). Potentials u, v and the
 * augmenting-path search follow the classic O(n^2 m) formulation; arrays are
 * 1-based with index 0 as the virtual start. */
static int
solve_rows_le_cols (const double *cost, int n, int m, int transposed, int *col_of_row)
{
  double *u = calloc (n + 1, sizeof *u), *v = calloc (m + 1, sizeof *v);
  double *minv = malloc ((m + 1) * sizeof *minv);
  int *p = calloc (m + 1, sizeof *p), *way = calloc (m + 1, sizeof *way);
  char *used = malloc (m + 1);
  int rc = -1;
  if (!u || !v || !minv || !p || !way || !used)
    goto out;

#define COST(i, j) (transposed ? cost[(size_t) (j) * n + (i)] : cost[(size_t) (i) * m + (j)])
  for (int i = 1; i <= n; i++) {
    p[0] = i;
    int j0 = 0;
    for (int j = 0; j <= m; j++) {
      minv[j] = DBL_MAX;
      used[j] = 0;
    }
    do {
      used[j0] = 1;
      int i0 = p[j0], j1 = 0;
      double delta = DBL_MAX;
      for (int j = 1; j <= m; j++) {
        if (used[j])
          continue;
        double cur = COST (i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
#undef COST
  for (int i = 0; i < n; i++)
    col_of_row[i] = -1;
  for (int j = 1; j <= m; j++)
    if (p[j])
      col_of_row[p[j] - 1] = j - 1;
  rc = 0;
out:
  free (u);
  free (v);
  free (minv);
  free (p);
  free (way);
  free (used);
  return rc;
}

int
trk_assign_solve (const double *cost, int rows, int cols, int *out_col_of_row)
{
  if (rows < 0 || cols < 0 || (rows && !out_col_of_row) || (rows && cols && !cost))
    return -1;
  for (int r = 0; r < rows; r++)
    out_col_of_row[r] = -1;
  if (rows == 0 || cols == 0)
    return 0;
  if (rows <= cols)
    return solve_rows_le_cols (cost, rows, cols, 0, out_col_of_row);

  /* More rows than columns: solve the transpose, then invert the answer. */
  int *row_of_col = malloc (cols * sizeof *row_of_col);
  if (!row_of_col)
    return -1;
  int rc = solve_rows_le_cols (cost, cols, rows, 1, row_of_col);
  if (rc == 0)
    for (int c = 0; c < cols; c++)
      if (row_of_col[c] >= 0)
        out_col_of_row[row_of_col[c]] = c;
  free (row_of_col);
  return rc;
}
