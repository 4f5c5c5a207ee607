// The NTK of a given model on the interval scalar: rigorous enclosures of the golden suite's
// trace, Frobenius norm, participation ratios, tr K and core cosine from the dense NTK_S and
// core matrices (proofs/ntk.md N59; proofs/common.md C17). No eigensolver: each metric is a
// trace or a Frobenius norm (N25, N32, N21, N26).
#pragma once

#include <learndyn/common/interval.hpp>
#include <learndyn/reference/ntk/model.hpp>
#include <learndyn/reference/ntk/operators.hpp>

namespace learndyn::reference::ntk {

extern template Linearization<interval> linearize<interval>(const Model<interval>&, const Inputs<interval>&);
extern template Vector<interval> apply_ntk<interval>(const Linearization<interval>&, const Vector<interval>&);
extern template Vector<interval> apply_core<interval>(const Linearization<interval>&, const Vector<interval>&);
extern template Vector<interval> apply_k<interval>(const Linearization<interval>&, const Vector<interval>&);
extern template Matrix<interval> dense<interval>(const Operator<interval>&, Eigen::Index);
extern template ExactMetrics<interval> trace_metrics<interval>(const Matrix<interval>&);
extern template interval operator_cosine<interval>(const Matrix<interval>&, const Matrix<interval>&);
extern template interval core_trace<interval>(const Linearization<interval>&);

}  // namespace learndyn::reference::ntk
