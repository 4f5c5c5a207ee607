// Fig. 11: which coefficients of the augmented Gram matrix Gbar move the overlaps
// (proofs/overlaps.md O53-O55). Rows are the overlaps being updated, columns the loss gradients
// dL/dsigma_cd, both in the linear order (zm, zu, vm, vu, mu, zv, mm, uu, vv, zz for R = 1) so
// the linear and the erf panels compare entry by entry. An entry is marked when Gbar's
// coefficient and the gradient it multiplies can both be nonzero (O53); the numerical matrix is
// N J J^T built from a network's vectors (J = dsigma/dtheta, not O18), times the gradient.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/overlaps/model.hpp>
#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

// (O53) The derived pattern: entry ((ab), (cd)) is marked iff {a,b} and {c,d} share an index
// (O20) and sigma_cd is loss-visible for the activation (O12). Rank R, the linear order.
std::vector<std::vector<bool>> derived_gram_pattern(int rank, fast::overlaps::Activation phi);

// (O54) Gbar = N J J^T from the vectors, J = dsigma/dvec(C) built row by row from the
// vectors (row (ab) has c_b / N at vector a and c_a / N at vector b), in the linear order.
Eigen::MatrixXd numerical_augmented_gram(const fast::overlaps::Network& net);

// (O55) The coefficients that move the overlaps: M_ij = Gbar_ij g_j with g = dL/dsigma in the
// linear order, the gradient the overlap theory of `model` computes on `task` at the network's
// Gram matrix. Its nonzero pattern is what Fig. 11 draws.
Eigen::MatrixXd gram_coefficients(const fast::overlaps::Network& net, const fast::overlaps::Model& model,
                                  const fast::overlaps::Task& task, Eigen::VectorXd* gradient = nullptr);

}  // namespace learndyn::experiments::overlaps
