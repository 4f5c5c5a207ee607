// Machine-bandwidth probes for the roofline of the fast network (proofs/overlaps_fast.md §3,
// OF11): STREAM-like kernels over arrays of a given total footprint, split across threads the
// way the network splits its neurons, SIMD with the same dispatch as the network.
#pragma once

#include <cstddef>

namespace learndyn::fast::overlaps {

struct Bandwidth {
  double triad;  // bytes/s of a[i] = b[i] + s c[i] (24 bytes per element, as STREAM counts)
  double read;   // bytes/s of sum a[i] b[i] + c[i] (24 bytes per element, reads only)
};

// Best of `trials` timed runs (each >= min_seconds) over arrays of `footprint_bytes` in total
// (each thread gets its own 1/threads share). threads >= 1.
Bandwidth measure_bandwidth(std::size_t footprint_bytes, unsigned threads, int trials = 5,
                            double min_seconds = 0.02);

}  // namespace learndyn::fast::overlaps
