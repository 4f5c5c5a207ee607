// The working memory of the NTK metrics, estimated before a model is built: `ntk metrics`
// (recurrent and attention models) and `ntk attention-rank` refuse sizes whose estimate exceeds
// the budget (common/memory_budget.hpp) instead of ending in std::bad_alloc after minutes.
//
// What is held at once, counted in state vectors (N = B T D doubles, D the per-step state):
// - the estimators' buffers (fast/ntk/estimators.cpp keeps them per thread for reuse): Hutchinson
//   2 min(p, 32), or min(p, 32) on an operator applied in place (the recurrent models, N64); Hutch++ max(s, r) + 2 s + 2 (s + r); the exact operator 2 N (the identity and
//   its image) plus 2 N for the eigensolver of fast::ntk::small_metrics; the cosine with the core
//   3 max(p, 8); the reduced operators (ranks, attention-rank) 2 x 64 + 1 (the key); Lanczos
//   (top-k) its basis, max(2k + 20, 3k) + 1;
// - the operator's two scratch blocks of the widest block applied (fast::ntk::Ntk and
//   AttentionNtk keep them between calls), 2 x widest;
// - the model's own per-state arrays: 16 N for the recurrent linearisation, 2 N for attention.
// Besides: recurrent models hold (2 + 1.6 x c) words per parameter (the gradient-shaped blocks
// of K; c = the probes of the core's chunks that run at once, one workspace slice per worker:
// min(widest, workers x ceil(widest / 8)), N61) and 5 B T n_in for the inputs and their sites;
// attention holds its softmax weights, B H T^2, twice while the forward pass hands them over.
// The attention model's float32 path (proofs/ntk.md N68) adds, in floats, a copy of its
// linearisation (B T (4 d_a + 2 d_h + d_in + 2) and B H T^2) and the float block between P* and
// P (widest N-vectors).
// The per-state and per-parameter factors are measured (peak RSS of `ntk metrics` on a GRU of
// n = 64 at B = T = 64 and n = 1024 at B T = 16, and on the default attention model):
// tests/cli/test_audit_cli.sh checks the estimate against the measured peak within a factor 2.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <learndyn/common/memory_budget.hpp>
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/fast/ntk/model.hpp>

namespace learndyn::experiments::ntk {

// What a metrics run applies the NTK to.
struct MetricsWork {
  enum class Estimator { none, exact, hutchinson, hutch_plus_plus };
  Estimator estimator = Estimator::hutch_plus_plus;
  int sketch = 16, residual = 32;  // Hutch++
  int probes = 64;                 // Hutchinson
  int cosine_probes = 64;          // the cosine with the core (0: not computed)
  int top_k = 0;                   // Lanczos' top eigenvalues (0: not computed)
  bool reduced = false;            // reduced operators (the named ranks) in blocks of 64
  bool in_place = false;           // the operator may overwrite its input (N64): Hutchinson holds one block
  unsigned threads = 0;            // --threads (0: every core): the core's workspaces, one per worker
  bool float32 = false;            // the float32 operator path (its float copies, below)
};

// The state vectors held at once (above) and the widest block applied to the operator.
struct WorkVectors {
  double held;  // N-vectors, for the exact operator including its N x N blocks (as N-multiples)
  double widest;
  double core_probes;  // probes whose core workspace is held at once (N61)
};
WorkVectors work_vectors(const MetricsWork& work, std::ptrdiff_t states);

// How the user set each size, for the refusal: the option and its value ("batch", "64"), or
// ("manifest", its path) when a manifest set them all.
struct SizeNames {
  std::string option_of_states, value_of_states;  // B T D: batch (or the manifest)
  std::string option_of_parameters, value_of_parameters;  // recurrent: hidden
  std::string option_of_steps, value_of_steps;  // attention's B T^2: steps
};

// The estimate's terms, for require_memory_terms (which names the option of the largest).
std::vector<MemoryTerm> recurrent_metrics_memory(const fast::ntk::Shape& shape, int batch, int steps,
                                                 const MetricsWork& work, const SizeNames& names);
std::vector<MemoryTerm> attention_metrics_memory(const fast::ntk::AttentionShape& shape, int batch, int steps,
                                                 const MetricsWork& work, const SizeNames& names);

// The program itself, besides the terms: code, libraries, the JSON report.
inline constexpr double kMetricsFixedBytes = 20e6;

}  // namespace learndyn::experiments::ntk
