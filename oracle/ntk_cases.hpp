// The NTK area's cases of the golden suite (proofs/ntk.md): exact metrics of NTK_S = P K P*
// (N5-N12, N25, N26, N32) for small built-in RNNs and GRUs, with the fast path's values.
#pragma once

#include <vector>

#include <learndyn/oracle/suite.hpp>

namespace learndyn::oracle {

std::vector<CaseDefinition> ntk_cases(SuiteName suite);

}  // namespace learndyn::oracle
