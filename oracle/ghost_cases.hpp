// The ghost area's cases of the golden suite (proofs/ghost.md): the critical learning rate
// and the optimum, the analytical and the finite-confidence loss and gradient, and GD
// trajectories, each with the fast path's value where it has one.
#pragma once

#include <vector>

#include <learndyn/oracle/suite.hpp>

namespace learndyn::oracle {

std::vector<CaseDefinition> ghost_cases(SuiteName suite);

}  // namespace learndyn::oracle
