// Overlaps sigma_ab = a.b/N of the vectors {z, v_r, m, u_r} (proofs/overlaps.md §2-§4): the
// Gram matrix Sigma in the canonical order (O5), the public code's flat orderings (O6), the
// exact latent decomposition of the state (O7), the effective linear network built from
// overlaps alone (O8), and the loss-visible / loss-invisible classification (O12).
//
// Reference implementation: templated on the scalar, instantiated for double, real (50
// digits) and real_hi (100 digits) in overlaps.cpp.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/overlaps/network.hpp>

namespace learndyn::reference::overlaps {

// ---- vector indices in the canonical order (O5): A = (z, v_1..v_R), B = (m, u_1..u_R) ----

inline int vector_count(int rank) { return 2 * rank + 2; }
inline int overlap_count(int rank) { return vector_count(rank) * (vector_count(rank) + 1) / 2; }
inline int index_z() { return 0; }
inline int index_v(int r) { return 1 + r; }  // r = 0..R-1 for v_1..v_R
inline int index_m(int rank) { return rank + 1; }
inline int index_u(int rank, int r) { return rank + 2 + r; }
// True for the left group A = {z, v_r} (the vectors the network reads h with).
inline bool is_left(int rank, int a) { return a <= rank; }

// "z", "v" / "v1".."vR", "m", "u" / "u1".."uR".
std::string vector_name(int rank, int a);

// ---- flat orderings of the unique overlaps (O6) ----

// linear: the public code's order of the linear runs (R = 1) and of run_21d_ode (R = 2);
// nonlinear: its order of the nonlinear runs (visible first). Both are defined for every R.
enum class OverlapOrdering { linear, nonlinear };

// The (a, b) index pairs (a, b in the canonical order, a < b or a == b) in `ordering`.
std::vector<std::pair<int, int>> overlap_pairs(int rank, OverlapOrdering ordering);

// The names of the overlaps in `ordering`: "zm", "zu1", "v1m", ..., "mm", "uu1", "zz" (the
// public code's; for R = 1 without the digits).
std::vector<std::string> overlap_names(int rank, OverlapOrdering ordering);

// Throws ArgumentError unless Sigma is (2R+2) x (2R+2), finite and symmetric to within
// 64 eps max|Sigma|; with `require_psd`, also positive semidefinite (smallest eigenvalue
// >= -64 eps n max|Sigma|).
template <class Real>
void validate_overlaps(const Matrix<Real>& sigma, int rank, bool require_psd);

// Sigma = C^T C / N in the canonical order (O5), exactly symmetric (each pair computed once).
template <class Real>
Matrix<Real> gram(const Network<Real>& net);

// The unique overlaps of Sigma as a flat vector in `ordering`, and back (the inverse fills
// both triangles).
template <class Real>
Vector<Real> flatten(const Matrix<Real>& sigma, int rank, OverlapOrdering ordering);
template <class Real>
Matrix<Real> unflatten(const Vector<Real>& flat, int rank, OverlapOrdering ordering);

// Blocks of (O5): Sigma_AA, V = Sigma_AB (rows z, v_r; columns m, u_r), Sigma_BB.
template <class Real>
Matrix<Real> left_block(const Matrix<Real>& sigma);
template <class Real>
Matrix<Real> visible_block(const Matrix<Real>& sigma);
template <class Real>
Matrix<Real> right_block(const Matrix<Real>& sigma);

// J = diag(+1 on A, -1 on B) of (O5), (O32).
template <class Real>
Matrix<Real> sign_matrix(int rank);

// The latent coordinates kappa_0..kappa_T ((R+1) x (T+1); row 0 kappa_m, row r kappa_r) of
// trial `trial`, computed with the full vectors by (O7): h_k = m kappa_m + sum_r u_r kappa_r.
template <class Real>
Matrix<Real> latent_trajectory(const Model<Real>& model, const Network<Real>& net,
                               const Task<Real>& task, int trial);

// The effective linear network of (O8): kappa' = kappa + dt(-kappa + W kappa + e_0 x),
// y = readout . kappa; W = P V (first row zero), readout = V^T e_0 = (sigma_zm, sigma_zu_r).
template <class Real>
struct EffectiveNetwork {
  Matrix<Real> recurrent;  // W_eff
  Vector<Real> input;      // m_eff = e_0
  Vector<Real> readout;    // z_eff
};
template <class Real>
EffectiveNetwork<Real> effective_network(const Matrix<Real>& sigma, int rank);

// (O12): sigma_ab is loss-visible iff exactly one of a, b is in A, or both are in B and the
// activation is nonlinear (Sigma_BB enters through the gain g(Delta)). Sigma_AA never.
bool is_visible(Activation phi, int rank, int a, int b);

// is_visible for each overlap of `ordering`.
std::vector<bool> visibility(Activation phi, int rank, OverlapOrdering ordering);

}  // namespace learndyn::reference::overlaps
