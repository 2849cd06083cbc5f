/* zone_camera — the camera's full projection, recovered from the ground
 * homography, so that heights can be measured: a person's head point and foot
 * point give their height in metres.
 *
 * The homography of a plane seen by a pinhole camera is K [r1 r2 t]. With the
 * principal point at the image centre and square pixels, the two constraints
 * on r1, r2 (orthogonal, equal length) give the focal length (Zhang 2000,
 * one-view case); the installer can give it instead (focal_px). Then
 * r3 = r1 x r2 completes P = K [r1 r2 r3 t], with Z pointing up.
 */
#ifndef CW_ZONE_CAMERA_H
#define CW_ZONE_CAMERA_H

#include <stdbool.h>

struct zone_camera {
  double p[12];          /* 3x4 projection, row-major: ground (X, Y, Z up) -> pixels */
  double to_ground[9];   /* image -> ground homography (the calibration) */
  double focal_px;
  double height_m;       /* of the camera above the ground */
};

/* Builds CAM from the image -> ground homography H of a WIDTH x HEIGHT image;
 * FOCAL_PX <= 0 estimates it. False (CAM untouched) when H does not describe
 * a camera looking at a plane (no positive focal length fits). */
bool zone_camera_from_homography (const double h[9], int width, int height, double focal_px,
                                  struct zone_camera *cam);

/* Projects the ground point (X, Y) at height Z to pixels; false behind the camera. */
bool zone_camera_project (const struct zone_camera *cam, double x, double y, double z, double *u, double *v);

/* The distance along the optical axis, in metres, of the ground point (X, Y)
 * at height Z: what a depth camera at the camera reads there. Not positive
 * behind the camera. */
double zone_camera_depth (const struct zone_camera *cam, double x, double y, double z);

/* The height above the ground, in metres, of the point seen in image row
 * HEAD_V straight above the ground point seen at pixel (FOOT_U, FOOT_V):
 * a person's height from the bottom-centre and the top of their box.
 * NaN when the rays do not meet in front of the camera. */
double zone_camera_height (const struct zone_camera *cam, double foot_u, double foot_v, double head_v);

/* How tall, in pixels, a person of HEIGHT_M metres standing with their feet
 * at pixel (FOOT_U, FOOT_V) looks: the rows between their feet and the top of
 * their head. NaN where that pixel does not see the ground in front of the
 * camera (above the horizon). */
double zone_camera_person_px (const struct zone_camera *cam, double foot_u, double foot_v, double height_m);

#endif
