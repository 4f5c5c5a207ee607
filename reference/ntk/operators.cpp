#include <learndyn/reference/ntk/operators.hpp>

#include <learndyn/reference/ntk/operators_impl.hpp>

namespace learndyn::reference::ntk {

#define LEARNDYN_INSTANTIATE(Real)                                                                 \
  template Vector<Real> apply_s<Real>(const Linearization<Real>&, const Vector<Real>&);            \
  template Vector<Real> apply_s_adjoint<Real>(const Linearization<Real>&, const Vector<Real>&);    \
  template Vector<Real> apply_p<Real>(const Linearization<Real>&, const Vector<Real>&);            \
  template Vector<Real> apply_p_adjoint<Real>(const Linearization<Real>&, const Vector<Real>&);    \
  template Vector<Real> apply_k<Real>(const Linearization<Real>&, const Vector<Real>&);            \
  template Vector<Real> apply_core<Real>(const Linearization<Real>&, const Vector<Real>&);         \
  template Vector<Real> apply_ntk<Real>(const Linearization<Real>&, const Vector<Real>&);          \
  template Vector<Real> apply_fisher<Real>(const Linearization<Real>&, const Matrix<Real>&,        \
                                           const Vector<Real>&);                                   \
  template Matrix<Real> dense<Real>(const Operator<Real>&, Eigen::Index);                          \
  template Matrix<Real> reduce_dense<Real>(const Matrix<Real>&, int, int, int, Axes);              \
  template Matrix<Real> reduce_operator<Real>(const Operator<Real>&, int, int, int, Axes);         \
  template ExactMetrics<Real> exact_metrics<Real>(const Matrix<Real>&);                            \
  template ExactMetrics<Real> trace_metrics<Real>(const Matrix<Real>&);                            \
  template Real operator_cosine<Real>(const Matrix<Real>&, const Matrix<Real>&);                   \
  template Real core_trace<Real>(const Linearization<Real>&);                                      \
  template Real core_frobenius_squared<Real>(const Linearization<Real>&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
// At 100 digits only what the golden suite certifies with (oracle/ntk_cases.cpp): NTK_S, the
// core, their dense matrices and metrics; not the eigensolver of exact_metrics.
template Vector<real_hi> apply_ntk<real_hi>(const Linearization<real_hi>&, const Vector<real_hi>&);
template Vector<real_hi> apply_core<real_hi>(const Linearization<real_hi>&, const Vector<real_hi>&);
template Matrix<real_hi> dense<real_hi>(const Operator<real_hi>&, Eigen::Index);
template ExactMetrics<real_hi> trace_metrics<real_hi>(const Matrix<real_hi>&);
template real_hi operator_cosine<real_hi>(const Matrix<real_hi>&, const Matrix<real_hi>&);
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ntk
