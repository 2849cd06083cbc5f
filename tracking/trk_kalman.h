/* trk_kalman — constant-velocity Kalman filter on a box (centre x, centre y,
 * width, height, and their velocities), as in SORT/ByteTrack.
 *
 * The process and measurement noises are diagonal and each measured
 * coordinate is coupled only with its own velocity, so the 8-state filter
 * splits exactly into four independent 2-state filters: same result, a few
 * multiplications instead of 8x8 matrix products. Noise scales with the box
 * height (ByteTrack's choice), so near and far people are treated alike.
 */
#ifndef CW_TRK_KALMAN_H
#define CW_TRK_KALMAN_H

#include "trk_box.h"

struct trk_kalman_axis {
  double pos, vel;
  double p00, p01, p11; /* covariance, symmetric */
};

struct trk_kalman {
  struct trk_kalman_axis axis[4]; /* cx, cy, w, h */
};

/* One coordinate and its velocity: x += v per frame. Q_POS and Q_VEL are
 * the process noise variances, R the measurement variance. */
void trk_kalman_axis_predict (struct trk_kalman_axis *a, double q_pos, double q_vel);
void trk_kalman_axis_update (struct trk_kalman_axis *a, double z, double r);

void trk_kalman_init (struct trk_kalman *kf, const struct trk_box *box);
void trk_kalman_predict (struct trk_kalman *kf);
void trk_kalman_update (struct trk_kalman *kf, const struct trk_box *box);
void trk_kalman_box (const struct trk_kalman *kf, struct trk_box *out_box);

#endif
