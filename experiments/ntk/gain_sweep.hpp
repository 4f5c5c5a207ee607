// Student-teacher gain x input-rank sweep (paper Fig. 5; proofs/ntk_experiments.md X8-X10):
// a tanh RNN student shares a fixed teacher's input and readout weights; only its recurrent
// weights W = g Q (Q random orthogonal) are trained to match the teacher (g* = 1) on inputs
// whose temporal unfolding has rank r_x. For each (g, r_x): the temporal, spatial, batch and
// overall participation ratios of the recurrent-weight NTK P K_W P* before and after training,
// and the exact temporal rank of the input block of the core (X3).
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/experiments/ntk/gradient.hpp>
#include <learndyn/experiments/sweep.hpp>
#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::ntk {

struct GainSweepConfig {
  int hidden = 32, steps = 40, inputs = 16, batch = 32, eval_batch = 8, train_steps = 50;
  std::vector<double> gains = {0.25, 0.75, 1.25, 1.75, 2.25, 2.75};
  std::vector<int> input_ranks = {1, 2, 4, 8, 16};
  double learning_rate = 0.05, clip = 1.0;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  RankOptions ranks;
  SweepContext* sweep = nullptr;  // --shard / merge (experiments/sweep.hpp): the items are the (r_x, g) cells
};

void validate(const GainSweepConfig& config);  // ArgumentError naming the parameter

// (X8) inputs x_{b,t} = sqrt(T / r) sum_{k<r} u_k(t) a_{b,k}: u_k orthonormal in R^T (fixed by
// basis_seed), a_{b,k} ~ N(0, I_{d_in}) (from coefficient_seed). Rank of the T x (B d_in)
// unfolding: r (almost surely, r <= min(T, B d_in)).
fn::Inputs low_rank_inputs(int batch, int steps, int inputs, int rank, std::uint64_t basis_seed,
                           std::uint64_t coefficient_seed);

// Columns: gain, input_rank, temporal, spatial, batch, overall (the NTK P K_W P*),
// core_temporal, core_spatial (K_W alone), activity_spatial (PR of H^T H),
// input_core_temporal, input_core_temporal_rank (X3), loss_initial, loss_final,
// temporal_final, spatial_final.
struct GainSweepResult {
  Table grid;
  Summary summary;
};

GainSweepResult run_gain_sweep(const GainSweepConfig& config);

}  // namespace learndyn::experiments::ntk
