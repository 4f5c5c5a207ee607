#include <learndyn/experiments/overlaps/networks.hpp>

#include <cmath>

#include <Eigen/QR>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/overlaps/support.hpp>

namespace learndyn::experiments::overlaps {

fo::Network balanced_network(int neurons, std::uint64_t seed, double tolerance, long max_attempts) {
  require(tolerance > 0 && std::isfinite(tolerance), "tolerance", tolerance, "> 0");
  for (long attempt = 0; attempt < max_attempts; ++attempt) {
    fo::Network net = fo::random_network(neurons, 1, derived_seed(seed, static_cast<std::uint64_t>(attempt)));
    const double n = neurons;
    const double zu = net.z.dot(net.U.col(0)) / n, vm = net.V.col(0).dot(net.m) / n;
    const double mu = net.m.dot(net.U.col(0)) / n, zv = net.z.dot(net.V.col(0)) / n;
    if (std::fabs(zu - vm) < tolerance && zu * vm > 0 && std::fabs(mu - zv) < tolerance && mu * zv > 0)
      return net;
  }
  throw ArgumentError("N", std::to_string(neurons),
                      "a size at which the balanced initialisation is found within " +
                          std::to_string(max_attempts) + " draws");
}

namespace {

// x <- (I - 2 w w^T / |w|^2) x for every column of x.
void reflect(const Eigen::VectorXd& w, double w2, Eigen::Ref<Eigen::MatrixXd> x) {
  const Eigen::RowVectorXd coeff = (2.0 / w2) * (w.transpose() * x);
  x.noalias() -= w * coeff;
}

}  // namespace

fo::Network rotated(const fo::Network& net, std::uint64_t seed, int reflections) {
  require(reflections >= 1, "reflections", reflections, ">= 1");
  const Eigen::Index n = net.z.size();
  NormalStream normals(seed);
  fo::Network out = net;
  for (int k = 0; k < reflections; ++k) {
    Eigen::VectorXd w(n);
    for (Eigen::Index i = 0; i < n; ++i) w(i) = normals.next();
    const double w2 = w.squaredNorm();
    reflect(w, w2, out.z);
    reflect(w, w2, out.m);
    reflect(w, w2, out.U);
    reflect(w, w2, out.V);
  }
  return out;
}

double charge_entry(const fo::Network& net, int i, int j) {
  return net.z(i) * net.z(j) + net.V.row(i).dot(net.V.row(j)) - net.m(i) * net.m(j) -
         net.U.row(i).dot(net.U.row(j));
}

fo::Network equivalent_network(const fo::Network& theta1, double u_norm, double m_dot_u) {
  require(theta1.U.cols() == 1, "rank", static_cast<long>(theta1.U.cols()), "1");
  require(u_norm > 0 && std::isfinite(u_norm), "u-norm", u_norm, "> 0");
  require(std::isfinite(m_dot_u), "m-dot-u", m_dot_u, "finite");
  const Eigen::Index n = theta1.z.size();
  require(n >= 4, "N", static_cast<long>(n), "N >= 4 (span{v, z}, m and u need room)");
  Eigen::MatrixXd vz(n, 2);
  vz << theta1.V.col(0), theta1.z;
  const Eigen::MatrixXd Q = Eigen::HouseholderQR<Eigen::MatrixXd>(vz).householderQ() *
                            Eigen::MatrixXd::Identity(n, 2);
  // Projection on S = span{v, z}^perp, applied twice (one pass leaves O(eps |x|) in span{v, z}).
  const auto project = [&](Eigen::VectorXd x) {
    for (int pass = 0; pass < 2; ++pass) x -= Q * (Q.transpose() * x);
    return x;
  };
  const Eigen::VectorXd u = theta1.U.col(0), m = theta1.m;
  const Eigen::VectorXd u_s = project(u);
  const Eigen::VectorXd u_par = u - u_s;
  const double r2 = u_norm * u_norm - u_par.squaredNorm();
  require(r2 > 0, "u-norm", u_norm,
          "|u'| above the norm of u's component in span{v, z} (" + std::to_string(u_par.norm()) + ")");
  const double r = std::sqrt(r2);
  const Eigen::VectorXd m_s = project(m);
  const double m_s_norm = m_s.norm();
  const Eigen::VectorXd e1 = m_s / m_s_norm;
  Eigen::VectorXd e2 = u_s - e1 * e1.dot(u_s);
  e2 = project(e2);
  e2 -= e1 * e1.dot(e2);
  e2 /= e2.norm();
  const double c = (m_dot_u - m.dot(u_par)) / (r * m_s_norm);
  require(std::fabs(c) <= 1, "m-dot-u", m_dot_u,
          "within m.Pu +- r |m_S| = [" + std::to_string(m.dot(u_par) - r * m_s_norm) + ", " +
              std::to_string(m.dot(u_par) + r * m_s_norm) + "]");
  const double s = std::sqrt(1 - c * c);
  fo::Network theta2 = theta1;
  theta2.U.col(0) = u_par + r * (c * e1 + s * e2);
  return theta2;
}

void validate(const AdamSettings& s) {
  require(s.lr > 0 && std::isfinite(s.lr), "lr", s.lr, "> 0");
  require(s.beta1 >= 0 && s.beta1 < 1, "beta1", s.beta1, "0 <= beta1 < 1");
  require(s.beta2 >= 0 && s.beta2 < 1, "beta2", s.beta2, "0 <= beta2 < 1");
  require(s.epsilon > 0 && std::isfinite(s.epsilon), "epsilon", s.epsilon, "> 0");
}

Adam::Adam(const fo::Network& shape, const AdamSettings& settings) : s_(settings) {
  validate(settings);
  first_ = fo::Network{Eigen::VectorXd::Zero(shape.z.size()), Eigen::VectorXd::Zero(shape.m.size()),
                       Eigen::MatrixXd::Zero(shape.U.rows(), shape.U.cols()),
                       Eigen::MatrixXd::Zero(shape.V.rows(), shape.V.cols())};
  second_ = first_;
}

namespace {

template <class A>
void adam_update(A& theta, const A& g, A& g1, A& g2, const AdamSettings& s, double c1, double c2) {
  g1 = s.beta1 * g1 + (1 - s.beta1) * g;
  g2 = s.beta2 * g2 + (1 - s.beta2) * g.cwiseProduct(g);
  theta.array() -= (s.lr / c1) * g1.array() / ((g2.array() / c2).sqrt() + s.epsilon);
}

}  // namespace

void Adam::set_lr(double lr) {
  require(lr > 0 && std::isfinite(lr), "lr", lr, "> 0");
  s_.lr = lr;
}

void Adam::step(fo::Network& net, const fo::Network& gradient) {
  ++t_;
  const double c1 = 1 - std::pow(s_.beta1, static_cast<double>(t_));
  const double c2 = 1 - std::pow(s_.beta2, static_cast<double>(t_));
  adam_update(net.z, gradient.z, first_.z, second_.z, s_, c1, c2);
  adam_update(net.m, gradient.m, first_.m, second_.m, s_, c1, c2);
  adam_update(net.U, gradient.U, first_.U, second_.U, s_, c1, c2);
  adam_update(net.V, gradient.V, first_.V, second_.V, s_, c1, c2);
}

}  // namespace learndyn::experiments::overlaps
