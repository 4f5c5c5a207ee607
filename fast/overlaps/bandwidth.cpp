// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/overlaps/bandwidth.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include <learndyn/fast/overlaps/bandwidth.hpp>

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::overlaps {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// a = b + s c over n elements (n a multiple of 4 lanes), `reps` times.
void Triad(double* HWY_RESTRICT a, const double* HWY_RESTRICT b, const double* HWY_RESTRICT c,
           std::size_t n, double s, long reps) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto vs = hn::Set(d, s);
  for (long r = 0; r < reps; ++r)
    for (std::size_t i = 0; i < n; i += lanes)
      hn::Store(hn::MulAdd(vs, hn::Load(d, c + i), hn::Load(d, b + i)), d, a + i);
}

// sum a[i] b[i] + c[i] over n elements, `reps` times: reads the three arrays, writes nothing.
double Read(const double* HWY_RESTRICT a, const double* HWY_RESTRICT b, const double* HWY_RESTRICT c,
            std::size_t n, long reps) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
  for (long r = 0; r < reps; ++r)
    for (std::size_t i = 0; i < n; i += 2 * lanes) {
      s0 = hn::MulAdd(hn::Load(d, a + i), hn::Load(d, b + i), s0);
      s1 = hn::Add(hn::Load(d, c + i), s1);
      s2 = hn::MulAdd(hn::Load(d, a + i + lanes), hn::Load(d, b + i + lanes), s2);
      s3 = hn::Add(hn::Load(d, c + i + lanes), s3);
    }
  return hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::overlaps
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <chrono>
#include <vector>

#include <hwy/aligned_allocator.h>

#include <learndyn/common/parallel.hpp>

namespace learndyn::fast::overlaps {

HWY_EXPORT(Triad);
HWY_EXPORT(Read);

namespace {

// Seconds for `threads` workers of the parallel layer to run work(t) once each, t < threads
// (one item a chunk). A worker late to start makes a run slower, never faster: the fastest
// of the trials is the concurrent one.
template <class Work>
double timed_team(unsigned threads, Work&& work) {
  const auto start = std::chrono::steady_clock::now();
  parallel_for_each(threads, threads, [&](std::size_t t) { work(static_cast<unsigned>(t)); });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Bandwidth measure_bandwidth(std::size_t footprint_bytes, unsigned threads, int trials,
                            double min_seconds) {
  threads = std::max(1u, threads);
  // Three arrays of n doubles per thread, n a multiple of 64 (any lane count x 4).
  const std::size_t per_thread = footprint_bytes / threads;
  const std::size_t n = std::max<std::size_t>(64, per_thread / (3 * sizeof(double)) / 64 * 64);
  std::vector<hwy::AlignedFreeUniquePtr<double[]>> a, b, c;
  for (unsigned t = 0; t < threads; ++t) {
    a.push_back(hwy::AllocateAligned<double>(n));
    b.push_back(hwy::AllocateAligned<double>(n));
    c.push_back(hwy::AllocateAligned<double>(n));
    std::fill(a[t].get(), a[t].get() + n, 1.0);
    std::fill(b[t].get(), b[t].get() + n, 2.0);
    std::fill(c[t].get(), c[t].get() + n, 0.5);
  }
  std::vector<double> sink(threads);
  const auto best = [&](double bytes_per_element, auto kernel) {
    // Repetitions so that one timed run lasts >= min_seconds.
    long reps = 1;
    while (timed_team(threads, [&](unsigned t) { kernel(t, reps); }) < min_seconds && reps < (1L << 30))
      reps *= 2;
    double fastest = 1e300;
    for (int i = 0; i < trials; ++i)
      fastest = std::min(fastest, timed_team(threads, [&](unsigned t) { kernel(t, reps); }));
    return bytes_per_element * static_cast<double>(n) * threads * static_cast<double>(reps) / fastest;
  };
  Bandwidth out;
  out.triad = best(24, [&](unsigned t, long reps) {
    HWY_DYNAMIC_DISPATCH(Triad)(a[t].get(), b[t].get(), c[t].get(), n, 0.5, reps);
  });
  out.read = best(24, [&](unsigned t, long reps) {
    sink[t] = HWY_DYNAMIC_DISPATCH(Read)(a[t].get(), b[t].get(), c[t].get(), n, reps);
  });
  return out;
}

}  // namespace learndyn::fast::overlaps
#endif  // HWY_ONCE
