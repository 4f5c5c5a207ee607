// The definitions of network.hpp's templates, included by the translation units that
// instantiate them: network.cpp (double, real, real_hi) and, when the enclosures are built,
// reference/overlaps/enclosures.cpp (learndyn::interval; proofs/overlaps.md §17).
#pragma once

#include <learndyn/reference/overlaps/network.hpp>

#include <cmath>
#include <limits>

#include <Eigen/Eigenvalues>
#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/erf.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::overlaps {
namespace {

template <class Real>
Vector<Real> apply(Activation phi, const Vector<Real>& h) {
  Vector<Real> out(h.size());
  for (Eigen::Index i = 0; i < h.size(); ++i) out(i) = activation(phi, h(i));
  return out;
}

template <class Real>
Vector<Real> apply_derivative(Activation phi, const Vector<Real>& h) {
  Vector<Real> out(h.size());
  for (Eigen::Index i = 0; i < h.size(); ++i) out(i) = activation_derivative(phi, h(i));
  return out;
}

template <class Real>
void validate_network(const Network<Real>& net) {
  const auto n = net.z.size();
  require(n >= 1, "N", static_cast<long>(n), "N >= 1");
  require(net.U.cols() >= 1, "R", static_cast<long>(net.U.cols()), "R >= 1");
  require(net.m.size() == n && net.U.rows() == n && net.V.rows() == n, "network", "vectors",
          "z, m, u_r, v_r all of length N");
  require(net.V.cols() == net.U.cols(), "network", "U, V", "as many v_r as u_r (R)");
}

// Checks the model, the network, the task and that the network has the model's rank.
template <class Real>
void validate_all(const Model<Real>& model, const Network<Real>& net, const Task<Real>& task) {
  validate(model);
  validate_network(net);
  validate(task);
  require(net.U.cols() == model.rank, "R", static_cast<long>(net.U.cols()),
          "the model's rank (number of u_r)");
}

// One Euler step of (O1) from h with input x; also returns phi(h) and r = V^T phi(h)/N.
template <class Real>
struct Step {
  Vector<Real> p;     // phi(h_k)
  Vector<Real> r;     // V^T phi(h_k) / N: the drive of each rank
  Vector<Real> next;  // h_{k+1}
};

template <class Real>
Step<Real> step(const Model<Real>& model, const Network<Real>& net, const Vector<Real>& h,
                const Real& x) {
  const Real n = Real(net.z.size());
  Step<Real> s;
  s.p = apply(model.activation, h);
  s.r = net.V.transpose() * s.p / n;
  s.next = h + model.dt * (-h + net.U * s.r + net.m * x);  // (O1)
  return s;
}

template <class Real>
Real readout(const Model<Real>& model, const Network<Real>& net, const Step<Real>& s) {
  const Real n = Real(net.z.size());
  return model.readout == Readout::after_update ? Real(net.z.dot(s.next) / n)
                                                : Real(net.z.dot(s.p) / n);  // (O2)
}

template <class Real>
Network<Real> zeros_like(const Network<Real>& net) {
  return {Vector<Real>::Zero(net.z.size()), Vector<Real>::Zero(net.m.size()),
          Matrix<Real>::Zero(net.U.rows(), net.U.cols()), Matrix<Real>::Zero(net.V.rows(), net.V.cols())};
}

// Adds the gradient of one trial to `grad` and returns the trial's loss (O23).
template <class Real>
Real backpropagate_trial(const Model<Real>& model, const Network<Real>& net,
                         const Task<Real>& task, int b, Network<Real>& grad) {
  const int steps = static_cast<int>(task.input.cols());
  const Real n = Real(net.z.size());
  const Real dt = model.dt;
  std::vector<Vector<Real>> h(steps + 1);
  std::vector<Step<Real>> s(steps);
  std::vector<Real> e(steps);
  h[0] = Vector<Real>::Zero(net.z.size());
  Real loss = 0;
  for (int k = 0; k < steps; ++k) {
    s[k] = step(model, net, h[k], task.input(b, k));
    h[k + 1] = s[k].next;
    const Real err = readout(model, net, s[k]) - task.target(b, k);
    loss += task.weight(b, k) * err * err;
    e[k] = 2 * task.weight(b, k) * err;  // dL/dy_k
  }
  Vector<Real> mu = Vector<Real>::Zero(net.z.size());  // dL/dh_{k+1}
  for (int k = steps - 1; k >= 0; --k) {
    if (model.readout == Readout::after_update) {
      mu += e[k] * net.z / n;
      grad.z += e[k] * h[k + 1] / n;
    }
    // h_{k+1} = (1-dt) h_k + dt U r_k + dt m x_k
    grad.U += dt * mu * s[k].r.transpose();
    grad.m += dt * task.input(b, k) * mu;
    const Vector<Real> rho = dt * net.U.transpose() * mu;  // dL/dr_k
    // r_k = V^T p_k / N
    grad.V += s[k].p * rho.transpose() / n;
    Vector<Real> pi = net.V * rho / n;  // dL/dp_k
    if (model.readout == Readout::before_update) {
      pi += e[k] * net.z / n;
      grad.z += e[k] * s[k].p / n;
    }
    mu = ((1 - dt) * mu + apply_derivative(model.activation, h[k]).cwiseProduct(pi)).eval();
  }
  return loss;
}

}  // namespace

template <class Real>
void validate(const Model<Real>& model) {
  require(model.rank >= 1, "R", model.rank, "R >= 1");
  require(model.dt > 0 && model.dt <= 1, "dt", model.dt, "0 < dt <= 1");
}

template <class Real>
Real activation(Activation phi, const Real& x) {
  using std::sqrt;
  using std::tanh;
  switch (phi) {
    case Activation::linear:
      return x;
    case Activation::erf:
      return boost::math::erf(sqrt(pi_constant<Real>()) * x / 2);  // (O3)
    case Activation::tanh:
      return tanh(x);
  }
  return x;
}

template <class Real>
Real activation_derivative(Activation phi, const Real& x) {
  using std::cosh;
  using std::exp;
  switch (phi) {
    case Activation::linear:
      return Real(1);
    case Activation::erf:
      return exp(-pi_constant<Real>() * x * x / 4);  // (O3)
    case Activation::tanh: {
      const Real c = cosh(x);
      return 1 / (c * c);
    }
  }
  return Real(1);
}

template <class Real>
Real activation_third_derivative(Activation phi, const Real& x) {
  using std::cosh;
  using std::exp;
  using std::tanh;
  switch (phi) {
    case Activation::linear:
      return Real(0);
    case Activation::erf: {
      const Real pi = pi_constant<Real>();
      // d^2/dx^2 exp(-pi x^2/4) = (pi^2 x^2/4 - pi/2) exp(-pi x^2/4)
      return (pi * pi * x * x / 4 - pi / 2) * exp(-pi * x * x / 4);
    }
    case Activation::tanh: {
      const Real c = cosh(x), t = tanh(x);
      return (6 * t * t - 2) / (c * c);  // (O10a)
    }
  }
  return Real(0);
}

template <class Real>
int neuron_count(const Network<Real>& net) {
  validate_network(net);
  return static_cast<int>(net.z.size());
}

template <class Real>
int network_rank(const Network<Real>& net) {
  validate_network(net);
  return static_cast<int>(net.U.cols());
}

template <class Real>
Matrix<Real> columns(const Network<Real>& net) {
  validate_network(net);
  const Eigen::Index n = net.z.size(), r = net.U.cols();
  Matrix<Real> C(n, 2 * r + 2);
  C.col(0) = net.z;
  C.middleCols(1, r) = net.V;
  C.col(r + 1) = net.m;
  C.middleCols(r + 2, r) = net.U;
  return C;
}

template <class Real>
Network<Real> from_columns(const Matrix<Real>& C, int rank) {
  require(rank >= 1, "R", rank, "R >= 1");
  require(C.cols() == 2 * rank + 2, "columns", static_cast<long>(C.cols()), "2R + 2 columns");
  require(C.rows() >= 1, "N", static_cast<long>(C.rows()), "N >= 1");
  return {C.col(0), C.col(rank + 1), C.middleCols(rank + 2, rank), C.middleCols(1, rank)};
}

template <class Real>
Network<Real> random_network(int neurons, int rank, std::uint64_t seed) {
  require(neurons >= 1, "N", neurons, "N >= 1");
  require(rank >= 1, "R", rank, "R >= 1");
  using std::sqrt;
  Rng rng(seed);
  Matrix<Real> C(neurons, 2 * rank + 2);
  for (Eigen::Index c = 0; c < C.cols(); ++c) {
    for (int i = 0; i < neurons; ++i) C(i, c) = Real(rng.normal());
    C.col(c) *= sqrt(Real(neurons)) / C.col(c).norm();  // |a|^2 = N: sigma_aa = 1
  }
  return from_columns(C, rank);
}

template <class Real>
Network<Real> gaussian_network(int neurons, const Matrix<Real>& sigma, std::uint64_t seed) {
  require(neurons >= 1, "N", neurons, "N >= 1");
  const Eigen::Index n = sigma.rows();
  require(n >= 4 && n % 2 == 0 && sigma.cols() == n, "Sigma", static_cast<long>(n),
          "square, of size 2R + 2 with R >= 1");
  using std::abs;
  using std::sqrt;
  const Real scale = sigma.cwiseAbs().maxCoeff();
  const Real tol = 64 * std::numeric_limits<Real>::epsilon() * (scale > 0 ? scale : Real(1));
  require(Matrix<Real>(sigma - sigma.transpose()).cwiseAbs().maxCoeff() <= tol, "Sigma",
          "(asymmetric)", "symmetric");
  Eigen::SelfAdjointEigenSolver<Matrix<Real>> eig(sigma);
  require(eig.eigenvalues().minCoeff() >= -tol * n, "Sigma", eig.eigenvalues().minCoeff(),
          "positive semidefinite (smallest eigenvalue >= 0)");
  Vector<Real> root(n);
  for (Eigen::Index i = 0; i < n; ++i)
    root(i) = eig.eigenvalues()(i) > 0 ? sqrt(eig.eigenvalues()(i)) : Real(0);
  const Matrix<Real> L = eig.eigenvectors() * root.asDiagonal();
  Rng rng(seed);
  Matrix<Real> Z(neurons, n);
  for (int i = 0; i < neurons; ++i)
    for (Eigen::Index c = 0; c < n; ++c) Z(i, c) = Real(rng.normal());
  return from_columns(Matrix<Real>(Z * L.transpose()), static_cast<int>(n / 2 - 1));
}

template <class Real>
Matrix<Real> network_outputs(const Model<Real>& model, const Network<Real>& net,
                             const Task<Real>& task) {
  validate_all(model, net, task);
  Matrix<Real> y(task.input.rows(), task.input.cols());
  for (Eigen::Index b = 0; b < y.rows(); ++b) {
    Vector<Real> h = Vector<Real>::Zero(net.z.size());
    for (Eigen::Index k = 0; k < y.cols(); ++k) {
      const Step<Real> s = step(model, net, h, task.input(b, k));
      y(b, k) = readout(model, net, s);
      h = s.next;
    }
  }
  return y;
}

template <class Real>
Matrix<Real> network_states(const Model<Real>& model, const Network<Real>& net,
                            const Task<Real>& task, int trial) {
  validate_all(model, net, task);
  require(trial >= 0 && trial < task.input.rows(), "trial", trial, "0 <= trial < B");
  Matrix<Real> h = Matrix<Real>::Zero(net.z.size(), task.input.cols() + 1);
  for (Eigen::Index k = 0; k < task.input.cols(); ++k)
    h.col(k + 1) = step(model, net, Vector<Real>(h.col(k)), task.input(trial, k)).next;
  return h;
}

template <class Real>
Real network_loss(const Model<Real>& model, const Network<Real>& net, const Task<Real>& task) {
  return task_loss(task, network_outputs(model, net, task));
}

template <class Real>
NetworkGradient<Real> network_gradient(const Model<Real>& model, const Network<Real>& net,
                                       const Task<Real>& task) {
  validate_all(model, net, task);
  NetworkGradient<Real> out{Real(0), zeros_like(net)};
  for (int b = 0; b < task.input.rows(); ++b)
    out.loss += backpropagate_trial(model, net, task, b, out.gradient);
  return out;
}

template <class Real>
Network<Real> sgd_step(const Model<Real>& model, const Network<Real>& net, const Task<Real>& task,
                       const Real& lr) {
  require(is_finite_positive(lr), "lr", lr, "lr > 0, finite");
  const NetworkGradient<Real> g = network_gradient(model, net, task);
  const Real rate = Real(net.z.size()) * lr;  // the full network learns at N lr
  return {net.z - rate * g.gradient.z, net.m - rate * g.gradient.m, net.U - rate * g.gradient.U,
          net.V - rate * g.gradient.V};
}

template <class Real>
Matrix<Real> charge(const Network<Real>& net) {
  validate_network(net);
  Matrix<Real> left(net.z.size(), net.V.cols() + 1), right(net.z.size(), net.U.cols() + 1);
  left << net.z, net.V;
  right << net.m, net.U;
  return left * left.transpose() - right * right.transpose();  // (O31)
}

}  // namespace learndyn::reference::overlaps
