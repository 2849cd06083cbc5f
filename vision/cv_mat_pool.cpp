// cv_mat_pool — OpenCV's matrices of a quarter megabyte and more kept for
// reuse instead of handed back to malloc.
//
// The detector allocates and frees its pyramid images and their gradients
// on every frame it searches: blocks of half a megabyte to several, the same
// few sizes over and over. Freed to malloc, they leave holes between the
// blocks that live longer (frames, packets), which the next frame's blocks
// do not fit exactly; malloc holds that free memory and the resident size
// creeps up over hours (bench/README.md, "Where the held free memory
// sits"). Kept here by size class, the blocks a frame frees are the blocks
// the next frame takes, whichever thread takes them; blocks above the mmap
// threshold are not mapped and faulted in afresh either.
//
// Size classes: eight to a doubling (at most an eighth wasted). At most
// max_held bytes are kept free; beyond that a freed block goes back to
// malloc. Smaller matrices go to OpenCV's own allocation as before.
#include "cv_shim.h"

#include <opencv2/core.hpp>
#include <opencv2/core/mat.hpp>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace {

const size_t POOLED_MIN = 256 * 1024;
const size_t ALIGN = 64; // as cv::fastMalloc aligns
const size_t AUTOSTEP = 0x7fffffff; // CV_AUTOSTEP (core_c.h): a step the caller of Mat left to us

size_t
size_class (size_t n)
{
  size_t top = 1;
  while (top <= n / 2)
    top <<= 1; // the largest power of two <= n
  size_t step = top >= 8 ? top / 8 : 1;
  return (n + step - 1) / step * step;
}

class PooledAllocator : public cv::MatAllocator
{
public:
  explicit PooledAllocator (size_t max_held) : max_held_ (max_held) {}

  cv::UMatData *
  allocate (int dims, const int *sizes, int type, void *data0, size_t *step, cv::AccessFlag,
            cv::UMatUsageFlags) const override
  {
    // the layout StdMatAllocator gives (OpenCV 4.6, modules/core/src/matrix.cpp)
    size_t total = CV_ELEM_SIZE (type);
    for (int i = dims - 1; i >= 0; i--) {
      if (step) {
        if (data0 && step[i] != AUTOSTEP) {
          CV_Assert (total <= step[i]);
          total = step[i];
        } else {
          step[i] = total;
        }
      }
      total *= sizes[i];
    }
    uchar *data = data0 ? static_cast<uchar *> (data0) : take (total);
    cv::UMatData *u = new cv::UMatData (this);
    u->data = u->origdata = data;
    u->size = total;
    if (data0)
      u->flags |= cv::UMatData::USER_ALLOCATED;
    return u;
  }

  bool
  allocate (cv::UMatData *u, cv::AccessFlag, cv::UMatUsageFlags) const override
  {
    return u != nullptr;
  }

  void
  deallocate (cv::UMatData *u) const override
  {
    if (!u)
      return;
    CV_Assert (u->urefcount == 0);
    CV_Assert (u->refcount == 0);
    if (!(u->flags & cv::UMatData::USER_ALLOCATED)) {
      give_back (u->origdata, u->size);
      u->origdata = nullptr;
    }
    delete u;
  }

  void
  stats (struct cv_mat_pool_stats *out) const
  {
    std::lock_guard<std::mutex> lock (mutex_);
    *out = stats_;
  }

private:
  uchar *
  take (size_t n) const
  {
    if (n < POOLED_MIN)
      return static_cast<uchar *> (cv::fastMalloc (n));
    size_t cls = size_class (n);
    {
      std::lock_guard<std::mutex> lock (mutex_);
      auto it = free_.find (cls);
      if (it != free_.end () && !it->second.empty ()) {
        void *p = it->second.back ();
        it->second.pop_back ();
        stats_.held_bytes -= cls;
        stats_.held_blocks--;
        stats_.reused++;
        return static_cast<uchar *> (p);
      }
      stats_.allocated++;
    }
    void *p = nullptr;
    if (posix_memalign (&p, ALIGN, cls) != 0)
      throw std::bad_alloc ();
    return static_cast<uchar *> (p);
  }

  void
  give_back (uchar *p, size_t n) const
  {
    if (n < POOLED_MIN) {
      cv::fastFree (p);
      return;
    }
    size_t cls = size_class (n);
    {
      std::lock_guard<std::mutex> lock (mutex_);
      if (stats_.held_bytes + cls <= max_held_) {
        free_[cls].push_back (p);
        stats_.held_bytes += cls;
        stats_.held_blocks++;
        return;
      }
      stats_.released++;
    }
    free (p);
  }

  const size_t max_held_;
  mutable std::mutex mutex_;
  mutable std::map<size_t, std::vector<void *>> free_;
  mutable struct cv_mat_pool_stats stats_ = {};
};

// Never destroyed: matrices it gave out may be freed during exit.
std::atomic<PooledAllocator *> the_pool;

} // namespace

extern "C" cv_status
cv_mat_pool_enable (size_t max_held_bytes)
{
  static std::mutex once;
  std::lock_guard<std::mutex> lock (once);
  if (the_pool)
    return CV_ERR_INVALID;
  PooledAllocator *pool;
  try {
    pool = new PooledAllocator (max_held_bytes);
  } catch (const std::bad_alloc &) {
    return CV_ERR_NOMEM;
  }
  cv::Mat::setDefaultAllocator (pool);
  the_pool = pool;
  return CV_OK;
}

extern "C" int
cv_mat_pool_get_stats (struct cv_mat_pool_stats *out)
{
  PooledAllocator *pool = the_pool;
  if (!pool || !out)
    return 0;
  pool->stats (out);
  return 1;
}
