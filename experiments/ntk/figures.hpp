// The panels of Hazelden et al., "The Global Empirical NTK: Self-Referential Bias and
// Dimensionality of Gradient Descent Learning" (arXiv 2605.08746), for `learndyn reproduce`
// (experiments/reproduce.hpp): status, protocols as calls into run_gain_sweep and
// run_attention_rank, and what the paper states (docs/ntk.md; proofs/common.md C19-C21).
#pragma once

#include <vector>

#include <learndyn/experiments/reproduce.hpp>

namespace learndyn::experiments::ntk {

std::vector<reproduce::Entry> figure_entries();

}  // namespace learndyn::experiments::ntk
