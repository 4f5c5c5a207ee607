// Memory-Pro with an RNN or a GRU (paper Figs. 3-4; proofs/ntk_experiments.md X5-X7): two
// initialisations that differ only in the scale of the recurrent weights, one that collapses
// to a single fixed point under zero input, one that does not; both trained by SGD on the same
// batches with dL/dtheta = G^T P* dL/dh (X1), the state NTK's ranks and core cosine recorded.
#pragma once

#include <cstdint>

#include <learndyn/experiments/ntk/gradient.hpp>
#include <learndyn/experiments/sweep.hpp>
#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::ntk {

// (X5) Task: inputs (fixation, cos theta, sin theta), outputs the same three channels.
struct MemoryProTask {
  int stimulus = 15, memory = 15, response = 15;  // paper: 30, 30, 30
  double noise = 0.14142135623730951;             // input noise sd, 0.1 sqrt(2)
  int steps() const { return stimulus + memory + response; }
};

struct MemoryProBatch {
  fn::Inputs inputs;
  std::vector<double> target;         // (b*T + t)*3 + k
  std::vector<double> response_mask;  // 1 on the response period's entries, else 0
};

// Trials at the given angles; noise drawn from `rng` when noise > 0.
MemoryProBatch memory_pro_batch(const MemoryProTask& task, const std::vector<double>& angles, double noise,
                                std::uint64_t noise_seed);

struct MemoryProConfig {
  MemoryProTask task;
  fn::ModelKind kind = fn::ModelKind::gru;  // gru or rnn_rate (leak alpha)
  int hidden = 32, batch = 32, iterations = 300, record_every = 50, eval_batch = 8;
  double alpha = 0.7, learning_rate = 0.05, clip = 1.0;
  double gain_collapse = 1.0, gain_learn = 3.0;  // recurrent-weight scales of networks 1 and 2
  // Non-trivial fixed points added to network 2 (X13; rnn only; 0: none): the paper's network 2
  // (Figs. 4, 8), drawn from `seed` (fixed_point_targets), by `fixed_point_rule` (0 simultaneous,
  // 1 sequential: experiments/ntk/fixed_points.hpp).
  int fixed_points = 0, fixed_point_rule = 0;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  RankOptions ranks;
  SweepContext* sweep = nullptr;  // --shard / merge (experiments/sweep.hpp): the items are the two networks
};

void validate(const MemoryProConfig& config);  // ArgumentError naming the parameter

// (X6) Xavier-normal weights, recurrent ones times `recurrent_gain`, zero biases.
fn::Model xavier_model(fn::ModelKind kind, int hidden, int inputs, double alpha, double recurrent_gain,
                       std::uint64_t seed);

struct MemoryProResult {
  // network (1 collapse, 2 learn), iteration, loss, response_loss, end_dispersion, temporal,
  // spatial, batch, overall, overall_se, core_cosine, core_cosine_se
  Table history;
  // network, stage (0 before, 1 after), trial, t, y_fix, y_cos, y_sin, target_cos, target_sin
  Table outputs;
  Summary summary;
};

MemoryProResult run_memory_pro(const MemoryProConfig& config);

}  // namespace learndyn::experiments::ntk
