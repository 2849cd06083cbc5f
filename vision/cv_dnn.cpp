// People detection with a network the operator supplies (OpenCV dnn):
// Darknet cfg + weights or ONNX, YOLO-style outputs.
#include "cv_try.hpp"

#include <fstream>
#include <memory>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

struct cv_dnn_detector {
  cv::dnn::Net net;
  cv_dnn_params params;
  std::vector<std::string> outputs;
};

static bool
readable (const char *path)
{
  std::ifstream f (path, std::ios::binary);
  return f.good () && f.peek () != std::ifstream::traits_type::eof ();
}

/* OpenCV reads a Darknet weights file without checking that it holds as
 * many values as the cfg's layers need: a truncated download would run with
 * zeros. Count them: every trainable blob of the loaded net (convolution
 * weights and biases, batch-norm statistics) against the file's floats
 * after its header. */
static bool
darknet_weights_complete (cv::dnn::Net &net, const char *path, std::string &why)
{
  std::ifstream f (path, std::ios::binary | std::ios::ate);
  long long size = f.tellg ();
  f.seekg (0);
  int32_t header[3] = {0, 0, 0};
  f.read (reinterpret_cast<char *> (header), sizeof header);
  long long header_size = 12 + ((header[0] * 10 + header[1]) >= 2 ? 8 : 4);
  long long have = (size - header_size) / 4, need = 0;
  for (const auto &name : net.getLayerNames ()) {
    cv::Ptr<cv::dnn::Layer> layer = net.getLayer (net.getLayerId (name));
    if (layer->type != "Convolution" && layer->type != "BatchNorm")
      continue;
    for (const auto &blob : layer->blobs)
      need += (long long) blob.total ();
  }
  if (have >= need)
    return true;
  why = std::string (path) + ": holds " + std::to_string (have) + " weights, the network needs " +
        std::to_string (need) + " (truncated, or made for another cfg)";
  return false;
}

extern "C" cv_status
cv_dnn_detector_create (const struct cv_dnn_params *params, struct cv_dnn_detector **out_det)
{
  if (!params || !out_det || !params->model || params->input_width < 8 || params->input_height < 8 ||
      params->person_class < 0)
    return CV_ERR_INVALID;
  *out_det = nullptr;
  if (!readable (params->model) || (params->config && !readable (params->config))) {
    cw::set_last_error (std::string ("cannot read ") + (readable (params->model) ? params->config : params->model));
    return CV_ERR_INVALID;
  }
  cv_status rc = cw::cv_try ([&] {
    // owned until handed out: readNet throws on a garbage model
    auto d = std::make_unique<cv_dnn_detector> ();
    d->params = *params;
    d->net = cv::dnn::readNet (params->model, params->config ? params->config : "");
    if (d->net.empty ()) {
      cw::set_last_error ("OpenCV could not load the network");
      return CV_ERR_INVALID;
    }
    if (params->config) {
      std::string why;
      if (!darknet_weights_complete (d->net, params->model, why)) {
        cw::set_last_error (why);
        return CV_ERR_INVALID;
      }
    }
    d->outputs = d->net.getUnconnectedOutLayersNames ();
    *out_det = d.release ();
    return CV_OK;
  });
  /* a corrupt model is the operator's file, not a crash: say so */
  return rc == CV_ERR_OPENCV ? CV_ERR_INVALID : rc;
}

extern "C" void
cv_dnn_detector_destroy (struct cv_dnn_detector *det)
{
  delete det;
}

extern "C" cv_status
cv_dnn_detect (struct cv_dnn_detector *det, const struct cv_image *img, const struct cv_rect *roi,
               struct cv_box *out, int max, int *out_n)
{
  if (!det || !cw::image_ok (img) || !out || max < 0 || !out_n)
    return CV_ERR_INVALID;
  *out_n = 0;
  return cw::cv_try ([&] {
    cv::Rect r (0, 0, img->width, img->height);
    if (roi)
      r &= cv::Rect (roi->x, roi->y, roi->w, roi->h);
    if (r.area () <= 0)
      return CV_OK;
    cv::Mat src = cw::wrap (img) (r), bgr;
    if (src.channels () == 4)
      cv::cvtColor (src, bgr, cv::COLOR_BGRA2BGR);
    else if (src.channels () == 1)
      cv::cvtColor (src, bgr, cv::COLOR_GRAY2BGR);
    else
      bgr = src;
    const cv_dnn_params &p = det->params;
    cv::Mat blob = cv::dnn::blobFromImage (bgr, 1.0 / 255, cv::Size (p.input_width, p.input_height), cv::Scalar (),
                                           true, false);
    det->net.setInput (blob);
    std::vector<cv::Mat> outs;
    det->net.forward (outs, det->outputs);
    std::vector<cv::Rect2d> boxes;
    std::vector<float> scores;
    double sx = p.boxes_normalized ? r.width : (double) r.width / p.input_width;
    double sy = p.boxes_normalized ? r.height : (double) r.height / p.input_height;
    for (cv::Mat o : outs) {
      // (1, N, K) or (N, K): rows of cx, cy, w, h, objectness, classes...
      if (o.dims == 3)
        o = o.reshape (1, o.size[1]);
      if (o.dims != 2 || o.cols < 6 + p.person_class - 1 || o.cols < 5 + p.person_class + 1)
        continue;
      for (int i = 0; i < o.rows; i++) {
        const float *row = o.ptr<float> (i);
        float score = row[5 + p.person_class];
        // Darknet's rows carry class probability times objectness; ONNX
        // YOLOv5 rows carry them apart
        if (!p.boxes_normalized)
          score *= row[4];
        if (!(score >= p.score_threshold))
          continue;
        double w = row[2] * sx, h = row[3] * sy;
        boxes.emplace_back (r.x + row[0] * sx - w / 2, r.y + row[1] * sy - h / 2, w, h);
        scores.push_back (score);
      }
    }
    std::vector<cv::Rect> ibox;
    for (const auto &b : boxes)
      ibox.emplace_back (cv::Rect (b));
    std::vector<int> keep;
    cv::dnn::NMSBoxes (ibox, scores, (float) p.score_threshold, (float) p.nms_threshold, keep);
    int n = 0;
    for (int k : keep) {
      if (n >= max)
        break;
      out[n++] = {(float) boxes[k].x, (float) boxes[k].y, (float) boxes[k].width, (float) boxes[k].height, scores[k]};
    }
    *out_n = n;
    return CV_OK;
  });
}
