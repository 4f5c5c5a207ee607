// The panels of Ger & Barak, "Learning reveals invisible structure in low-rank RNNs" (arXiv
// 2605.04115), for `learndyn reproduce` (experiments/reproduce.hpp): status, protocols as
// calls into run_filter, and what the paper states (docs/overlaps.md; proofs/common.md C19-C21).
#pragma once

#include <vector>

#include <learndyn/experiments/reproduce.hpp>

namespace learndyn::experiments::overlaps {

std::vector<reproduce::Entry> figure_entries();

}  // namespace learndyn::experiments::overlaps
