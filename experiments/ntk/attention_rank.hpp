// The temporal rank of the self-attention NTK_S against the input dimension (Hazelden et al.,
// Figs. 6, 9; proofs/ntk.md N41-N47): for each (d_a, d_in, seed) a random single-block
// self-attention + MLP model on random inputs; the participation ratio of the T x T temporal
// reduction (N22-N25) of NTK_S and of its core K, the temporal PR of the summed inputs' Gram
// (the q, k, v part of K reduced: N43), and optionally the spatial rank (D x D reduction) and
// the overall rank by Hutch++.
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/experiments/sweep.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ntk/attention.hpp>

namespace learndyn::experiments::ntk {

struct AttentionRankConfig {
  std::vector<long> inputs{1, 2, 4, 8, 16, 32, 64};  // d_in
  std::vector<long> attentions{64};                  // d_a
  std::vector<long> seeds{0, 1, 2};                  // model seeds; the inputs use seed + 1
  int mlp = 128, outputs = 1, batch = 4, steps = 50;
  int heads = 1;                                     // H, dividing every d_a (proofs/ntk.md N65; Fig. 10)
  bool spatial = false, overall = false;
  int sketch = 16, residual = 32;  // Hutch++ probes for `overall`
  unsigned threads = 0;            // workers, 0 = every available core: results do not depend on it
  SweepContext* sweep = nullptr;   // --shard / merge (experiments/sweep.hpp): the items are the rows
};

// ArgumentError naming the parameter (the memory bounds B T^2 and B T D <= 5e7, and the estimated
// working memory against the budget: experiments/ntk/metrics_memory.hpp).
void validate(const AttentionRankConfig& config);

struct AttentionRankResult {
  // inputs, attention, seed, temporal_rank, temporal_rank_K, temporal_rank_inputs,
  // spatial_rank, overall_rank, overall_rank_se (NaN when not asked for): one row per
  // (attention, inputs, seed) in that order.
  Table rows;
  // inputs, attention, temporal_rank_mean, temporal_rank_sd (sample s.d. over seeds; 0 for one
  // seed), temporal_rank_K_mean, temporal_rank_inputs_mean: one row per (attention, inputs).
  Table summary;
};

AttentionRankResult run_attention_rank(const AttentionRankConfig& config);

}  // namespace learndyn::experiments::ntk
