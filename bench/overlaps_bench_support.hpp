// Settings shared by the overlap-area benchmarks: the paper's filter-task run (T = 400,
// dt = 0.05, rank 1) and its learning rates (proofs/overlaps_experiments.md E13).
#pragma once

#include <algorithm>
#include <vector>

#include <learndyn/fast/overlaps/model.hpp>

namespace learndyn::bench::overlaps {

// With --benchmark_repetitions=n the minimum over repetitions is reported too: on a shared
// machine it is the figure least disturbed by other processes.
inline double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

inline constexpr int kSteps = 400;
inline constexpr double kDt = 0.05;

inline learndyn::fast::overlaps::Model model_for(int activation) {
  return activation ? learndyn::fast::overlaps::erf_model(1, kDt) : learndyn::fast::overlaps::linear_model(1, kDt);
}
inline double lr_for(int activation) { return activation ? 5e-2 : 5e-3; }  // E13

}  // namespace learndyn::bench::overlaps
