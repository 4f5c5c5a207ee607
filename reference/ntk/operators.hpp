// The operators of the global empirical NTK on state vectors (proofs/ntk.md §1-§4): S, P = (I-S)^-1
// (forward sweep, N5) and P* (BPTT sweep with J_{t+1}^T, N7), the Kronecker core K (N11-N12'),
// NTK_S = P K P* (N9), the state Fisher G^T P* P G (N10), partial reductions (N22) and exact
// metrics of dense symmetric matrices (N25-N27, N32).
//
// Reference implementation: plain loops and Eigen, templated on the scalar, instantiated for
// double and real in operators.cpp. State vectors: index (b*T + t-1)*n + i (model.hpp).
#pragma once

#include <functional>
#include <vector>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/ntk/model.hpp>

namespace learndyn::reference::ntk {

template <class Real>
using Operator = std::function<Vector<Real>(const Vector<Real>&)>;

// (N2) (S q)_{b,t} = J_{b,t} q_{b,t-1}; (N6) (S* q)_{b,t} = J_{b,t+1}^T q_{b,t+1}.
template <class Real>
Vector<Real> apply_s(const Linearization<Real>& lin, const Vector<Real>& q);
template <class Real>
Vector<Real> apply_s_adjoint(const Linearization<Real>& lin, const Vector<Real>& q);
// (N5), (N7).
template <class Real>
Vector<Real> apply_p(const Linearization<Real>& lin, const Vector<Real>& q);
template <class Real>
Vector<Real> apply_p_adjoint(const Linearization<Real>& lin, const Vector<Real>& q);
// (N12') K q = sum_k g_k (.) V_k (V_k^T (g_k (.) q)); self-adjoint.
template <class Real>
Vector<Real> apply_k(const Linearization<Real>& lin, const Vector<Real>& q);
// (N26) the core C_V (x) I_n with V = lin.joint.
template <class Real>
Vector<Real> apply_core(const Linearization<Real>& lin, const Vector<Real>& q);
// (N9) P K P* q.
template <class Real>
Vector<Real> apply_ntk(const Linearization<Real>& lin, const Vector<Real>& q);
// (N10) G^T P* P G v on parameters, G = one_step_parameter_jacobian (dense, N x p).
template <class Real>
Vector<Real> apply_fisher(const Linearization<Real>& lin, const Matrix<Real>& g, const Vector<Real>& v);

// The N x N (or p x p) matrix of an operator, column by column.
template <class Real>
Matrix<Real> dense(const Operator<Real>& op, Eigen::Index size);

// Which of the axes (b, t, i) are kept by a partial reduction (N22-N23).
struct Axes {
  bool batch = false, time = false, hidden = false;
};
inline constexpr Axes kTemporal{false, true, false};
inline constexpr Axes kSpatial{false, false, true};
inline constexpr Axes kBatch{true, false, false};
inline constexpr Axes kOverall{true, true, true};

// (N22) Phi_S = E^T Phi E / N_S from the dense N x N matrix ...
template <class Real>
Matrix<Real> reduce_dense(const Matrix<Real>& phi, int batch, int steps, int hidden, Axes keep);
// ... and from N_keep matvecs of the operator on broadcast vectors.
template <class Real>
Matrix<Real> reduce_operator(const Operator<Real>& phi, int batch, int steps, int hidden, Axes keep);

// Exact metrics of a dense symmetric PSD matrix (N25, N32).
template <class Real>
struct ExactMetrics {
  Real trace, frobenius;
  Real participation_ratio;          // (tr A)^2 / tr(A^2): PR of A itself
  Real participation_ratio_aastar;   // (tr AA*)^2 / tr((AA*)^2): kpflow's default
  std::vector<Real> eigenvalues;     // descending
};
template <class Real>
ExactMetrics<Real> exact_metrics(const Matrix<Real>& a);
// The same without the eigenvalues (no eigensolver): trace, Frobenius norm and both PRs.
template <class Real>
ExactMetrics<Real> trace_metrics(const Matrix<Real>& a);

// (N26) <A,B>_F / (||A||_F ||B||_F).
template <class Real>
Real operator_cosine(const Matrix<Real>& a, const Matrix<Real>& b);

// (N21) tr K and ||K||_F^2 from the sites alone (O((BT)^2 n K), no N x N matrix).
template <class Real>
Real core_trace(const Linearization<Real>& lin);
template <class Real>
Real core_frobenius_squared(const Linearization<Real>& lin);

}  // namespace learndyn::reference::ntk
