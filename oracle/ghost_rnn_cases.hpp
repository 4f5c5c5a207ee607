// The ghost-paper RNNs' cases of the golden suite (proofs/ghost_rnn.md): the loss (R9) and the
// norm of its exact BPTT gradient (R13-R16) at the initial parameters of small DA, DCD and
// DMTS networks, with the fast path's values.
#pragma once

#include <vector>

#include <learndyn/oracle/suite.hpp>

namespace learndyn::oracle {

std::vector<CaseDefinition> ghost_rnn_cases(SuiteName suite);

}  // namespace learndyn::oracle
