// The panels of Dinc et al., "Ghost mechanism: an analytical model of abrupt learning in
// recurrent networks", for `learndyn reproduce` (experiments/reproduce.hpp): status, protocols
// as calls into run_rnn_train / run_rnn_sweep and the fast canonical-model curves, and the
// numbers the paper states (docs/ghost.md "How close to the paper"; proofs/common.md C19-C21).
#pragma once

#include <vector>

#include <learndyn/experiments/reproduce.hpp>

namespace learndyn::experiments::ghost {

std::vector<reproduce::Entry> figure_entries();

}  // namespace learndyn::experiments::ghost
