#include <learndyn/experiments/overlaps/support.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <learndyn/common/progress.hpp>
#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>

namespace learndyn::experiments::overlaps {
namespace ro = learndyn::reference::overlaps;

namespace {

// The rate one core streams the trainer's vectors (OF11), measured: see network_seconds.
constexpr double kStreamBytesPerSecond = 5e9;

ro::OverlapOrdering ordering_for(fo::Activation phi) {
  return phi == fo::Activation::linear ? ro::OverlapOrdering::linear : ro::OverlapOrdering::nonlinear;
}

ro::Activation reference_activation(fo::Activation phi) {
  return phi == fo::Activation::linear ? ro::Activation::linear : ro::Activation::erf;
}

}  // namespace

std::vector<std::string> overlap_names(int rank, fo::Activation phi) {
  return ro::overlap_names(rank, ordering_for(phi));
}

Eigen::VectorXd overlap_values(const Eigen::MatrixXd& sigma, int rank, fo::Activation phi) {
  return ro::flatten<double>(sigma, rank, ordering_for(phi));
}

std::vector<bool> overlap_visibility(int rank, fo::Activation phi) {
  return ro::visibility(reference_activation(phi), rank, ordering_for(phi));
}

double overlap_gap(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const std::vector<bool>& visibility,
                   bool visible) {
  const Eigen::VectorXd va = overlap_values(a, 1, fo::Activation::linear), vb = overlap_values(b, 1, fo::Activation::linear);
  double worst = 0;
  for (Eigen::Index i = 0; i < va.size(); ++i)
    if (visibility[static_cast<std::size_t>(i)] == visible) worst = std::max(worst, std::fabs(va(i) - vb(i)));
  return worst;
}

namespace {

// sum_i x_i y_i over one block as the unevaluated sum hi + lo of two doubles, by Dot2 (O45):
// each product split exactly by an FMA, the running sum by TwoSum, the errors gathered in lo.
void dot2(const double* x, const double* y, Eigen::Index count, double& hi, double& lo) {
  double s = 0, c = 0;
  for (Eigen::Index i = 0; i < count; ++i) {
    const double p = x[i] * y[i], e = std::fma(x[i], y[i], -p);  // p + e = x_i y_i exactly
    const double t = s + p, z = t - s, q = (s - (t - z)) + (p - z);  // t + q = s + p exactly
    s = t;
    c += q + e;
  }
  hi = s;
  lo = c;
}

}  // namespace

Eigen::MatrixXd exact_gram(const fo::Network& net) {
  // (O45) Blocks of kGramBlock neurons by Dot2 in double, each within gamma_1024^2 sum|x_i y_i|
  // of its exact sum; the blocks' hi + lo added at 50 digits; the entry divided by N there and
  // rounded once to double.
  constexpr Eigen::Index kGramBlock = 1024;
  const Eigen::Index rank = net.U.cols(), n = 2 * rank + 2;
  const auto column = [&](Eigen::Index a) -> const double* {  // the canonical order of (O5)
    if (a == 0) return net.z.data();
    if (a <= rank) return net.V.col(a - 1).data();
    if (a == rank + 1) return net.m.data();
    return net.U.col(a - rank - 2).data();
  };
  const Eigen::Index neurons = net.z.size();
  Eigen::MatrixXd out(n, n);
  for (Eigen::Index a = 0; a < n; ++a)
    for (Eigen::Index b = a; b < n; ++b) {
      const double *x = column(a), *y = column(b);
      real sum = 0;
      for (Eigen::Index start = 0; start < neurons; start += kGramBlock) {
        double hi, lo;
        dot2(x + start, y + start, std::min(kGramBlock, neurons - start), hi, lo);
        sum += real(hi);
        sum += real(lo);
      }
      out(a, b) = out(b, a) = static_cast<double>(sum / real(static_cast<double>(neurons)));
    }
  return out;
}

double max_abs_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::logic_error("max_abs_difference: shapes differ");
  return a.size() == 0 ? 0.0 : (a - b).cwiseAbs().maxCoeff();
}

fo::Task to_fast(const reference::overlaps::Task<double>& task) {
  return fo::Task{task.input, task.target, task.weight};
}

double direct_step(fo::OverlapSolver& solver, double lr, Eigen::MatrixXd& sigma) {
  Eigen::MatrixXd G;
  const double loss = solver.gradient(sigma, G);
  Eigen::MatrixXd g = G;  // dL/dsigma_ab for each unique pair, stored symmetrically
  g.diagonal() *= 0.5;
  sigma -= lr * g;
  return loss;
}

double NormalStream::next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - rng_.uniform();  // (0, 1]: the logarithm is finite
  const double u2 = rng_.uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 6.283185307179586 * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

std::uint64_t derived_seed(std::uint64_t base, std::uint64_t index) {
  Rng rng(base + 0x9E3779B97F4A7C15ull * (index + 1));
  return rng.next();
}

std::string network_work(const fo::Model& model, int neurons, int steps, long epochs) {
  const double neuron_steps = static_cast<double>(neurons) * static_cast<double>(steps) * static_cast<double>(epochs);
  return "N T epochs = " + render_count(neuron_steps) + " neuron-steps (" +
         render_count(fo::epoch_bytes(model, neurons, steps) * static_cast<double>(epochs)) + " bytes moved, OF11)";
}

double network_seconds(const fo::Model& model, int neurons, int steps, long epochs) {
  return fo::epoch_bytes(model, neurons, steps) * static_cast<double>(epochs) / kStreamBytesPerSecond;
}

Eigen::MatrixXd loadings(const fo::Network& net) {
  Eigen::MatrixXd C(net.z.size(), 2 + net.U.cols() + net.V.cols());
  C << net.z, net.V, net.m, net.U;
  return C;
}

}  // namespace learndyn::experiments::overlaps
