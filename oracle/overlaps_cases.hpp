// The overlap-ODE area's cases of the golden suite (proofs/overlaps.md): the closed-form
// filter loss and its gradient (O26a, O13), the linear exact map over many epochs (O16), the
// gradient flow (O17) by the extrapolation integrator, the erf mean-field loss and gradient
// (O10, O11, O13), and the Gaussian gains (O10, O10a); with the fast path's values where it
// has them.
#pragma once

#include <vector>

#include <learndyn/oracle/suite.hpp>

namespace learndyn::oracle {

std::vector<CaseDefinition> overlaps_cases(SuiteName suite);

}  // namespace learndyn::oracle
