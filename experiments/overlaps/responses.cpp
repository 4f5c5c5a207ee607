#include <learndyn/experiments/overlaps/responses.hpp>

#include <cmath>
#include <stdexcept>

namespace learndyn::experiments::overlaps {

Rollout linear_rollout(const fast::overlaps::Network& net, double dt, const Eigen::VectorXd& x,
                       const std::vector<int>& neurons) {
  const Eigen::Index n = net.z.size();
  for (int i : neurons)
    if (i < 0 || i >= n) throw std::logic_error("linear_rollout: neuron out of range");
  const double scale = static_cast<double>(n);
  Eigen::VectorXd h = Eigen::VectorXd::Zero(n);
  Rollout r;
  r.y.resize(x.size());
  r.hidden.resize(x.size(), static_cast<Eigen::Index>(neurons.size()));
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const Eigen::VectorXd latent = net.V.transpose() * h / scale;  // (V^T h)/N: R numbers
    h += dt * (-h + net.U * latent + net.m * x(k));
    r.y(k) = net.z.dot(h) / scale;
    for (std::size_t j = 0; j < neurons.size(); ++j) r.hidden(k, static_cast<Eigen::Index>(j)) = h(neurons[j]);
  }
  return r;
}

Eigen::VectorXd exponential_filter(const Eigen::VectorXd& x, double decay, double dt) {
  const double q = std::exp(-decay * dt);
  Eigen::VectorXd y(x.size());
  double previous = 0;
  for (Eigen::Index k = 0; k < x.size(); ++k) previous = y(k) = q * previous + dt * x(k);
  return y;
}

double white_noise_error(const fast::overlaps::Network& net, double dt, double decay, double noise_std, int horizon) {
  // (E32) e_k = sum_j (r_j - r*_j) x_{k-j} with x iid of variance s^2: E e_k^2 = s^2 sum_j (r_j - r*_j)^2
  // once k exceeds the responses' memory (both decay geometrically; `horizon` steps cover it).
  Eigen::VectorXd unit = Eigen::VectorXd::Zero(horizon);
  unit(0) = 1;
  const Eigen::VectorXd r = linear_rollout(net, dt, unit).y, target = exponential_filter(unit, decay, dt);
  return noise_std * noise_std * (r - target).squaredNorm();
}

}  // namespace learndyn::experiments::overlaps
