/* JPEG and PNG in and out of the shim's images, with libjpeg-turbo
 * (TurboJPEG) and libpng's simplified API rather than OpenCV's imgcodecs:
 * loading imgcodecs links GDAL, GDCM, OpenEXR, HDF5 and more into every
 * process (38 MB more resident at start, measured on a program linking the
 * modules crosswatch uses with and without it), and cv::imdecode hands any
 * bytes a display receives to whichever of those decoders claims them. Two
 * formats are all evidence and displays use, and all that is decoded. */
#include "cv_shim.h"
#include "cv_shim_private.h"

#include <limits.h>
#include <png.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

/* A decoded picture larger than this (pixels) is refused: a few hundred
 * bytes of hostile JPEG or PNG can claim a picture of gigabytes. 8K UHD
 * fits. A progressive JPEG also keeps every coefficient of the picture
 * while it decodes (about 6 bytes a pixel more): 4K UHD fits. */
#define MAX_DECODED_PIXELS (1L << 25)
#define MAX_PROGRESSIVE_PIXELS (1L << 23)
/* A progressive JPEG's scans each walk the whole picture again, and a scan
 * header is 10 bytes: 10 000 of them were minutes of decoding. An encoder
 * writes about 10. */
#define MAX_JPEG_SCANS 64

bool
cv_shim_image_ok (const struct cv_image *img)
{
  return img && img->data && img->width > 0 && img->height > 0 &&
         (img->channels == 1 || img->channels == 3 || img->channels == 4) && img->width <= INT_MAX / img->channels &&
         img->stride >= img->width * img->channels;
}

/* A malloc'd copy of N bytes at P (what cv_free releases). */
static cv_status
hand_out (const unsigned char *p, size_t n, unsigned char **out, size_t *out_len)
{
  unsigned char *copy = malloc (n ? n : 1);
  if (!copy)
    return CV_ERR_NOMEM;
  memcpy (copy, p, n);
  *out = copy;
  *out_len = n;
  return CV_OK;
}

/* What a TurboJPEG compression that returned RC left in JPG: handed out as
 * *OUT, or its error; TJ and JPG are freed either way. */
static cv_status
compressed (tjhandle tj, int rc, unsigned char *jpg, unsigned long len, unsigned char **out, size_t *out_len)
{
  cv_status st;
  if (rc != 0) {
    cv_shim_set_error (tjGetErrorStr2 (tj));
    st = CV_ERR_OPENCV;
  } else {
    st = hand_out (jpg, len, out, out_len);
  }
  tjFree (jpg);
  tjDestroy (tj);
  return st;
}

cv_status
cv_jpeg_encode_crop (const struct cv_image *img, int x, int y, int w, int h, int quality, unsigned char **out,
                     size_t *out_len)
{
  if (!cv_shim_image_ok (img) || !out || !out_len || quality < 1 || quality > 100)
    return CV_ERR_INVALID;
  /* clipped to the picture */
  int x0 = x > 0 ? x : 0, y0 = y > 0 ? y : 0;
  long x1 = (long) x + w < img->width ? (long) x + w : img->width, y1 = (long) y + h < img->height ? (long) y + h : img->height;
  if (w <= 0 || h <= 0 || x1 <= x0 || y1 <= y0)
    return CV_ERR_INVALID;
  static const int FORMAT[] = {0, TJPF_GRAY, 0, TJPF_BGR, TJPF_BGRX};
  tjhandle tj = tjInitCompress ();
  if (!tj)
    return CV_ERR_NOMEM;
  unsigned char *jpg = NULL;
  unsigned long len = 0;
  const unsigned char *first = img->data + (size_t) y0 * img->stride + (size_t) x0 * img->channels;
  /* 4:2:0, as OpenCV's encoder wrote them */
  int rc = tjCompress2 (tj, first, (int) (x1 - x0), img->stride, (int) (y1 - y0), FORMAT[img->channels], &jpg, &len,
                        img->channels == 1 ? TJSAMP_GRAY : TJSAMP_420, quality, 0);
  return compressed (tj, rc, jpg, len, out, out_len);
}

cv_status
cv_jpeg_encode_i420 (const struct cv_image *i420, int quality, unsigned char **out, size_t *out_len)
{
  /* packed: the planes follow each other with no padding (pad 1 below) */
  if (!cv_shim_image_ok (i420) || i420->channels != 1 || i420->stride != i420->width || i420->width % 2 ||
      i420->height % 3 || (i420->height / 3) % 2 || !out || !out_len || quality < 1 || quality > 100)
    return CV_ERR_INVALID;
  tjhandle tj = tjInitCompress ();
  if (!tj)
    return CV_ERR_NOMEM;
  unsigned char *jpg = NULL;
  unsigned long len = 0;
  /* straight from the planes: no conversion to RGB and back */
  int rc = tjCompressFromYUV (tj, i420->data, i420->width, 1, i420->height / 3 * 2, TJSAMP_420, &jpg, &len, quality, 0);
  return compressed (tj, rc, jpg, len, out, out_len);
}

cv_status
cv_jpeg_encode (const struct cv_image *img, int quality, unsigned char **out, size_t *out_len)
{
  if (!cv_shim_image_ok (img))
    return CV_ERR_INVALID;
  return cv_jpeg_encode_crop (img, 0, 0, img->width, img->height, quality, out, out_len);
}

cv_status
cv_png_encode (const struct cv_image *img, unsigned char **out, size_t *out_len)
{
  if (!cv_shim_image_ok (img) || !out || !out_len)
    return CV_ERR_INVALID;
  static const png_uint_32 FORMAT[] = {0, PNG_FORMAT_GRAY, 0, PNG_FORMAT_BGR, PNG_FORMAT_BGRA};
  png_image png = {.version = PNG_IMAGE_VERSION, .width = (png_uint_32) img->width,
                   .height = (png_uint_32) img->height, .format = FORMAT[img->channels]};
  /* BGRx: the fourth byte is no alpha; written as BGR */
  unsigned char *bgr = NULL;
  const unsigned char *rows = img->data;
  png_int_32 stride = img->stride;
  if (img->channels == 4) {
    bgr = malloc ((size_t) img->width * img->height * 3);
    if (!bgr)
      return CV_ERR_NOMEM;
    for (int r = 0; r < img->height; r++)
      for (int c = 0; c < img->width; c++)
        memcpy (bgr + ((size_t) r * img->width + c) * 3, img->data + (size_t) r * img->stride + (size_t) c * 4, 3);
    png.format = PNG_FORMAT_BGR;
    rows = bgr, stride = img->width * 3;
  }
  png_alloc_size_t size = 0;
  cv_status st = CV_OK;
  if (!png_image_write_get_memory_size (png, size, 0, rows, stride, NULL)) {
    cv_shim_set_error (png.message);
    st = CV_ERR_OPENCV;
  } else {
    unsigned char *buf = malloc (size ? size : 1);
    if (!buf)
      st = CV_ERR_NOMEM;
    else if (!png_image_write_to_memory (&png, buf, &size, 0, rows, stride, NULL)) {
      cv_shim_set_error (png.message);
      free (buf);
      st = CV_ERR_OPENCV;
    } else {
      *out = buf;
      *out_len = size;
    }
  }
  png_image_free (&png);
  free (bgr);
  return st;
}

/* Tightly packed BGRA of WIDTH x HEIGHT (at most MAX_PIXELS), or NULL
 * (too large, no memory). */
static unsigned char *
bgra_buffer (long width, long height, long max_pixels)
{
  if (width <= 0 || height <= 0 || width * height > max_pixels) {
    cv_shim_set_error (width <= 0 || height <= 0 ? "no picture size" : "the picture is larger than any camera's");
    return NULL;
  }
  return malloc ((size_t) width * height * 4);
}

/* Whether the JPEG in DATA is progressive (its frame header, SOF2, 6, 10
 * or 14, comes before its first scan), and how many scan headers (FF DA)
 * it has at most (entropy-coded data stuffs FF as FF 00: never more). */
static void
jpeg_shape (const unsigned char *data, size_t len, bool *progressive, long *scans)
{
  *progressive = false, *scans = 0;
  for (size_t i = 2; i + 4 <= len && data[i] == 0xff;) {
    unsigned char m = data[i + 1];
    if (m == 0xff) { /* fill bytes before a marker */
      i++;
      continue;
    }
    if (m == 0xda || m == 0xd9)
      break;
    if (m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce)
      *progressive = true;
    i += 2 + ((size_t) data[i + 2] << 8 | data[i + 3]);
  }
  for (size_t i = 0; i + 1 < len; i++)
    *scans += data[i] == 0xff && data[i + 1] == 0xda;
}

static cv_status
decode_jpeg (const unsigned char *data, size_t len, unsigned char **out_pixels, int *out_width, int *out_height)
{
  tjhandle tj = tjInitDecompress ();
  if (!tj)
    return CV_ERR_NOMEM;
  int w = 0, h = 0, sub = 0, space = 0;
  cv_status st = CV_ERR_DECODE;
  unsigned char *px = NULL;
  bool progressive;
  long scans;
  jpeg_shape (data, len, &progressive, &scans);
  if (scans > MAX_JPEG_SCANS)
    cv_shim_set_error ("more scans than any encoder writes");
  else if (tjDecompressHeader3 (tj, data, (unsigned long) len, &w, &h, &sub, &space) != 0)
    cv_shim_set_error (tjGetErrorStr2 (tj));
  else if ((px = bgra_buffer (w, h, progressive ? MAX_PROGRESSIVE_PIXELS : MAX_DECODED_PIXELS))) {
    /* Any fault is no picture, a warning too (data cut short, a bogus
     * progression): libjpeg-turbo reports a fatal error that followed a
     * warning as a warning, and a progressive picture stopped by one comes
     * back never written, holding whatever the memory held before (an
     * earlier still). The buffer is cleared all the same. */
    memset (px, 0, (size_t) w * h * 4);
    if (tjDecompress2 (tj, data, (unsigned long) len, px, w, w * 4, h, TJPF_BGRA, TJFLAG_STOPONWARNING) != 0) {
      cv_shim_set_error (tjGetErrorStr2 (tj));
    } else {
      *out_pixels = px, *out_width = w, *out_height = h;
      px = NULL;
      st = CV_OK;
    }
  }
  free (px);
  tjDestroy (tj);
  return st;
}

/* Whether every chunk of the PNG in DATA (after its 8-byte signature) up
 * to IEND fits in the bytes left: libpng allocates (and clears) a text
 * chunk's claimed length before it finds the data missing, 2 GB for a
 * 57-byte file. */
static bool
png_chunks_fit (const unsigned char *data, size_t len)
{
  for (size_t off = 8; off + 12 <= len;) {
    size_t n = (size_t) data[off] << 24 | (size_t) data[off + 1] << 16 | (size_t) data[off + 2] << 8 | data[off + 3];
    if (n > len - off - 12)
      return false;
    if (!memcmp (data + off + 4, "IEND", 4))
      return true;
    off += 12 + n;
  }
  return true; /* cut short between chunks: libpng says so */
}

static cv_status
decode_png (const unsigned char *data, size_t len, unsigned char **out_pixels, int *out_width, int *out_height)
{
  png_image png = {.version = PNG_IMAGE_VERSION};
  if (!png_chunks_fit (data, len)) {
    cv_shim_set_error ("a PNG chunk longer than the file");
    return CV_ERR_DECODE;
  }
  if (!png_image_begin_read_from_memory (&png, data, len)) {
    cv_shim_set_error (png.message);
    return CV_ERR_DECODE;
  }
  png.format = PNG_FORMAT_BGRA;
  unsigned char *px = bgra_buffer (png.width, png.height, MAX_DECODED_PIXELS);
  if (!px || !png_image_finish_read (&png, NULL, px, (png_int_32) png.width * 4, NULL)) {
    if (px)
      cv_shim_set_error (png.message);
    free (px);
    png_image_free (&png);
    return CV_ERR_DECODE;
  }
  *out_pixels = px, *out_width = (int) png.width, *out_height = (int) png.height;
  png_image_free (&png);
  return CV_OK;
}

cv_status
cv_decode_bgra (const unsigned char *data, size_t len, unsigned char **out_pixels, int *out_width, int *out_height,
                int *out_stride)
{
  if (!data || !len || !out_pixels || !out_width || !out_height || !out_stride)
    return CV_ERR_INVALID;
  static const unsigned char JPEG[] = {0xff, 0xd8, 0xff}, PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  cv_status st;
  if (len >= sizeof JPEG && !memcmp (data, JPEG, sizeof JPEG))
    st = decode_jpeg (data, len, out_pixels, out_width, out_height);
  else if (len >= sizeof PNG && !memcmp (data, PNG, sizeof PNG))
    st = decode_png (data, len, out_pixels, out_width, out_height);
  else {
    cv_shim_set_error ("not a decodable image (JPEG or PNG)");
    st = CV_ERR_DECODE;
  }
  if (st == CV_OK)
    *out_stride = *out_width * 4;
  return st;
}
