// The fast network's SIMD kernels (Highway, runtime dispatch: fast/overlaps/network_kernels.cpp),
// one entry point per kernel; each picks the best target the CPU supports. Internal: not
// installed.
#pragma once

#include <cstddef>

#include <learndyn/fast/overlaps/network_layout.hpp>

namespace learndyn::fast::overlaps::detail {

// Doubles per SIMD vector of the dispatched target (the unreduced partial sums are that wide).
std::size_t lane_count();

// Sums over one block of the constants U^T V and U^T z (row-major R x R, then R), reduced.
void block_constants(int rank, const double* block, double* out);

// The moments (MomentLayout) of the blocks of `run` for one trial's kappa, unreduced (lane_count
// partials each); block j's at out + j out_stride.
void block_moments(int rank, bool erf, bool before, const BlockRun& run, const double* kappa, double* out,
                   std::size_t out_stride);

// out[q] = the sum over `blocks` blocks (stride doubles apart) of the lanes of moment q, added
// in block order (OF10).
void sum_blocks(const double* part, std::size_t blocks, std::size_t stride, std::size_t count, double* out);

// The gradient pass (OF9) over the blocks of `run`; block j's output at out + j run.stride.
void gradient_pass(bool erf, bool before, const GradientPassArgs& args, const BlockRun& run, double* out);

// The superposed gradient of linear phi (OF9a) over the blocks of `run`.
void linear_gradient_pass(const LinearGradientArgs& args, const BlockRun& run, double* out);

}  // namespace learndyn::fast::overlaps::detail
