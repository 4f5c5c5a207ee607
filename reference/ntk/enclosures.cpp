// The NTK metrics instantiated on the interval scalar (enclosures.hpp).
#include <learndyn/reference/ntk/enclosures.hpp>

#include <learndyn/reference/ntk/model_impl.hpp>
#include <learndyn/reference/ntk/operators_impl.hpp>

namespace learndyn::reference::ntk {

template Linearization<interval> linearize<interval>(const Model<interval>&, const Inputs<interval>&);
template Vector<interval> apply_ntk<interval>(const Linearization<interval>&, const Vector<interval>&);
template Vector<interval> apply_core<interval>(const Linearization<interval>&, const Vector<interval>&);
template Vector<interval> apply_k<interval>(const Linearization<interval>&, const Vector<interval>&);
template Matrix<interval> dense<interval>(const Operator<interval>&, Eigen::Index);
template ExactMetrics<interval> trace_metrics<interval>(const Matrix<interval>&);
template interval operator_cosine<interval>(const Matrix<interval>&, const Matrix<interval>&);
template interval core_trace<interval>(const Linearization<interval>&);

}  // namespace learndyn::reference::ntk
