#include <learndyn/fast/overlaps/dense_network.hpp>

#include <cmath>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::fast::overlaps::dense {
namespace {

constexpr double kErfScale = 0.88622692545275801365;  // sqrt(pi)/2

double phi(Activation a, double x) { return a == Activation::erf ? std::erf(kErfScale * x) : x; }
double dphi(Activation a, double x) {
  if (a == Activation::linear) return 1.0;
  const double s = kErfScale * x;
  return std::exp(-s * s);
}

Eigen::VectorXd apply(Activation a, const Eigen::VectorXd& h, double (*f)(Activation, double)) {
  Eigen::VectorXd out(h.size());
  for (Eigen::Index i = 0; i < h.size(); ++i) out(i) = f(a, h(i));
  return out;
}

// States h_0..h_T (N x (T+1)) of trial b.
Eigen::MatrixXd states(const Model& model, const Network& net, const Eigen::MatrixXd& w,
                       const Task& task, Eigen::Index b) {
  const Eigen::Index n = net.m.size(), steps = task.input.cols();
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(n, steps + 1);
  for (Eigen::Index k = 0; k < steps; ++k) {
    const Eigen::VectorXd drive = w * apply(model.activation, h.col(k), phi) + net.m * task.input(b, k);
    h.col(k + 1) = h.col(k) + model.dt * (drive - h.col(k));
  }
  return h;
}

Eigen::MatrixXd dense_w(const Network& net) {
  return net.U * net.V.transpose() / static_cast<double>(net.m.size());
}

double output(const Model& model, const Network& net, const Eigen::MatrixXd& h, Eigen::Index k) {
  const double n = static_cast<double>(net.m.size());
  if (model.readout == Readout::after_update) return net.z.dot(h.col(k + 1)) / n;
  return net.z.dot(apply(model.activation, h.col(k), phi)) / n;
}

}  // namespace

Eigen::MatrixXd outputs(const Model& model, const Network& net, const Task& task) {
  validate(model, net);
  validate(task);
  const Eigen::MatrixXd w = dense_w(net);
  Eigen::MatrixXd y(task.input.rows(), task.input.cols());
  for (Eigen::Index b = 0; b < y.rows(); ++b) {
    const Eigen::MatrixXd h = states(model, net, w, task, b);
    for (Eigen::Index k = 0; k < y.cols(); ++k) y(b, k) = output(model, net, h, k);
  }
  return y;
}

double loss_and_gradient(const Model& model, const Network& net, const Task& task,
                         Network& gradient) {
  validate(model, net);
  validate(task);
  const Eigen::Index n = net.m.size(), steps = task.input.cols();
  const double nd = static_cast<double>(n), dt = model.dt;
  const bool after = model.readout == Readout::after_update;
  const Eigen::MatrixXd w = dense_w(net);
  Eigen::MatrixXd dw = Eigen::MatrixXd::Zero(n, n);
  gradient = Network{Eigen::VectorXd::Zero(n), Eigen::VectorXd::Zero(n),
                     Eigen::MatrixXd::Zero(n, model.rank), Eigen::MatrixXd::Zero(n, model.rank)};
  double loss = 0;
  for (Eigen::Index b = 0; b < task.input.rows(); ++b) {
    const Eigen::MatrixXd h = states(model, net, w, task, b);
    Eigen::VectorXd e(steps);
    for (Eigen::Index k = 0; k < steps; ++k) {
      const double r = output(model, net, h, k) - task.target(b, k);
      loss += task.weight(b, k) * r * r;
      e(k) = 2 * task.weight(b, k) * r;
    }
    // lambda = dL/dh_{k+1}, backwards.
    Eigen::VectorXd lambda = after ? Eigen::VectorXd(e(steps - 1) * net.z / nd)
                                   : Eigen::VectorXd(Eigen::VectorXd::Zero(n));
    for (Eigen::Index k = steps - 1; k >= 0; --k) {
      const Eigen::VectorXd p = apply(model.activation, h.col(k), phi);
      const Eigen::VectorXd dp = apply(model.activation, h.col(k), dphi);
      gradient.m += dt * task.input(b, k) * lambda;
      dw += dt * lambda * p.transpose();
      gradient.z += e(k) / nd * (after ? Eigen::VectorXd(h.col(k + 1)) : p);
      Eigen::VectorXd next = (1 - dt) * lambda + dt * dp.cwiseProduct(w.transpose() * lambda);
      if (after && k > 0) next += e(k - 1) * net.z / nd;
      if (!after) next += e(k) / nd * dp.cwiseProduct(net.z);
      lambda = next;
    }
  }
  gradient.U = dw * net.V / nd;             // W = U V^T / N
  gradient.V = dw.transpose() * net.U / nd;
  return loss;
}

double sgd_epoch(const Model& model, const Task& task, double lr, Network& net) {
  require(lr >= 0 && std::isfinite(lr), "lr", lr, "lr >= 0 (finite)");
  Network g;
  const double loss = loss_and_gradient(model, net, task, g);
  const double step = static_cast<double>(net.m.size()) * lr;
  net.z -= step * g.z;
  net.m -= step * g.m;
  net.U -= step * g.U;
  net.V -= step * g.V;
  return loss;
}

}  // namespace learndyn::fast::overlaps::dense
