#include <learndyn/experiments/overlaps/gram_pattern.hpp>

#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>

namespace learndyn::experiments::overlaps {
namespace ro = learndyn::reference::overlaps;

std::vector<std::vector<bool>> derived_gram_pattern(int rank, fo::Activation phi) {
  const auto pairs = ro::overlap_pairs(rank, ro::OverlapOrdering::linear);
  const std::vector<bool> visible = ro::visibility(
      phi == fo::Activation::linear ? ro::Activation::linear : ro::Activation::erf, rank, ro::OverlapOrdering::linear);
  std::vector<std::vector<bool>> marked(pairs.size(), std::vector<bool>(pairs.size(), false));
  for (std::size_t i = 0; i < pairs.size(); ++i)
    for (std::size_t j = 0; j < pairs.size(); ++j) {
      const auto [a, b] = pairs[i];
      const auto [c, d] = pairs[j];
      const bool share = a == c || a == d || b == c || b == d;  // (O20)
      marked[i][j] = share && visible[j];                        // (O12): invisible gradients vanish
    }
  return marked;
}

Eigen::MatrixXd numerical_augmented_gram(const fo::Network& net) {
  const int rank = static_cast<int>(net.U.cols());
  const Eigen::Index n = net.z.size();
  Eigen::MatrixXd C(n, 2 * rank + 2);  // canonical order z, v_r, m, u_r (O5)
  C.col(0) = net.z;
  C.middleCols(1, rank) = net.V;
  C.col(rank + 1) = net.m;
  C.middleCols(rank + 2, rank) = net.U;
  const auto pairs = ro::overlap_pairs(rank, ro::OverlapOrdering::linear);
  const auto count = static_cast<Eigen::Index>(pairs.size());
  const double scale = static_cast<double>(n);
  // J: one row per overlap, one column per entry of vec(C) (vector e's block at e n .. e n + n-1).
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(count, C.size());
  for (Eigen::Index i = 0; i < count; ++i) {
    const auto [a, b] = pairs[static_cast<std::size_t>(i)];
    J.block(i, a * n, 1, n) += C.col(b).transpose() / scale;
    J.block(i, b * n, 1, n) += C.col(a).transpose() / scale;
  }
  return scale * J * J.transpose();  // (O19)
}

Eigen::MatrixXd gram_coefficients(const fo::Network& net, const fo::Model& model, const fo::Task& task,
                                  Eigen::VectorXd* gradient) {
  const Eigen::MatrixXd sigma = exact_gram(net);
  Eigen::MatrixXd G = fo::gradient_matrix(fo::overlap_gradient(model, sigma, task));
  G.diagonal() /= 2;  // dL/dsigma_aa = G_aa / 2 (O14)
  const Eigen::VectorXd g = ro::flatten<double>(G, model.rank, ro::OverlapOrdering::linear);
  if (gradient) *gradient = g;
  return numerical_augmented_gram(net) * g.asDiagonal();
}

}  // namespace learndyn::experiments::overlaps
