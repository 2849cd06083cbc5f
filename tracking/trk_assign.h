/* trk_assign — optimal assignment (Hungarian method, shortest augmenting
 * paths as in Jonker-Volgenant) on a dense rectangular cost matrix. */
#ifndef CW_TRK_ASSIGN_H
#define CW_TRK_ASSIGN_H

/* COST is ROWS x COLS, row-major. Writes to OUT_COL_OF_ROW[r] the column
 * assigned to row r, or -1 when the row stays unassigned (rows > cols).
 * Minimises the total cost over min(rows, cols) pairs.
 * Returns 0, or -1 on bad arguments or when memory runs out. */
int trk_assign_solve (const double *cost, int rows, int cols, int *out_col_of_row);

#endif
