#include <learndyn/experiments/overlaps/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

namespace learndyn::experiments::overlaps {

LoadingShape loading_shape(const Eigen::MatrixXd& C) {
  const Eigen::Index n = C.rows(), p = C.cols();
  if (n < 1 || p < 1) throw std::invalid_argument("loading_shape: need N >= 1 rows and p >= 1 columns");
  const Eigen::MatrixXd sigma = (C.transpose() * C) / static_cast<double>(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sigma);
  if (eig.info() != Eigen::Success || !(eig.eigenvalues().minCoeff() > 0))
    throw std::invalid_argument("loading_shape: the Gram matrix is not positive definite");
  const Eigen::MatrixXd whiten =
      eig.eigenvectors() * eig.eigenvalues().cwiseSqrt().cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
  const Eigen::MatrixXd W = C * whiten;  // rows w_i^T (whiten is symmetric)
  const Eigen::ArrayXd norms = W.rowwise().squaredNorm().array();
  LoadingShape shape;
  shape.mardia = norms.square().mean() / static_cast<double>(p * (p + 2)) - 1;
  for (Eigen::Index j = 0; j < p; ++j)
    shape.marginal_max = std::max(shape.marginal_max, std::abs(W.col(j).array().pow(4).mean() - 3));
  return shape;
}

bool shape_defined(const Eigen::MatrixXd& C) {
  if (C.rows() <= C.cols() || C.cols() < 1) return false;
  const Eigen::MatrixXd sigma = (C.transpose() * C) / static_cast<double>(C.rows());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sigma, Eigen::EigenvaluesOnly);
  return eig.info() == Eigen::Success && eig.eigenvalues().minCoeff() > 1e-12 * eig.eigenvalues().maxCoeff();
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2 || y.size() != n) throw std::invalid_argument("fit_line: need n >= 2 paired values");
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0)) throw std::invalid_argument("fit_line: need two distinct x");
  LineFit fit;
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  if (n > 2) {
    double rss = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double r = y[i] - fit.intercept - fit.slope * x[i];
      rss += r * r;
    }
    fit.slope_error = std::sqrt(rss / static_cast<double>(n - 2) / sxx);
  }
  return fit;
}

namespace {

// log(1 + exp(t)) without overflow.
double softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }

double sigmoid(double t) {
  if (t >= 0) return 1 / (1 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1 + e);
}

// Objective of the standardised problem at theta = (w, b) (b last).
double objective(const Eigen::MatrixXd& Z, const Eigen::VectorXd& s, double C, const Eigen::VectorXd& theta) {
  const Eigen::Index p = Z.cols();
  double f = 0.5 * theta.head(p).squaredNorm();
  for (Eigen::Index i = 0; i < Z.rows(); ++i)
    f += C * softplus(-s(i) * (Z.row(i).dot(theta.head(p)) + theta(p)));
  return f;
}

}  // namespace

LogisticModel fit_logistic(const Eigen::MatrixXd& X, const std::vector<int>& labels, double C) {
  const Eigen::Index n = X.rows(), p = X.cols();
  if (n < 2 || static_cast<Eigen::Index>(labels.size()) != n || !(C > 0))
    throw std::invalid_argument("fit_logistic: need n >= 2 labelled rows and C > 0");
  LogisticModel model;
  model.mean = X.colwise().mean().transpose();
  model.scale = Eigen::VectorXd::Ones(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double sd = std::sqrt((X.col(j).array() - model.mean(j)).square().mean());
    if (sd > 0) model.scale(j) = sd;
  }
  Eigen::MatrixXd Z = X;
  for (Eigen::Index j = 0; j < p; ++j) Z.col(j) = (X.col(j).array() - model.mean(j)) / model.scale(j);
  Eigen::VectorXd s(n);
  for (Eigen::Index i = 0; i < n; ++i) s(i) = labels[i] == 1 ? 1.0 : -1.0;

  Eigen::VectorXd theta = Eigen::VectorXd::Zero(p + 1);
  const double tolerance = 1e-10 * (1 + C * static_cast<double>(n));
  for (int it = 0; it < 100; ++it) {
    Eigen::VectorXd grad = Eigen::VectorXd::Zero(p + 1);
    Eigen::MatrixXd hess = Eigen::MatrixXd::Zero(p + 1, p + 1);
    grad.head(p) = theta.head(p);
    hess.topLeftCorner(p, p).setIdentity();
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::VectorXd zi(p + 1);
      zi << Z.row(i).transpose(), 1.0;
      const double margin = s(i) * zi.dot(theta);
      const double q = sigmoid(-margin);  // d softplus(-margin) / d(-margin)
      grad -= C * q * s(i) * zi;
      hess += C * q * (1 - q) * zi * zi.transpose();
    }
    model.iterations = it;
    if (grad.cwiseAbs().maxCoeff() < tolerance) break;
    const Eigen::VectorXd step = hess.ldlt().solve(-grad);
    const double f0 = objective(Z, s, C, theta), slope = grad.dot(step);
    double t = 1;
    while (t > 1e-12 && objective(Z, s, C, theta + t * step) > f0 + 1e-4 * t * slope) t *= 0.5;
    theta += t * step;
  }
  model.weights = theta.head(p);
  model.intercept = theta(p);
  return model;
}

double probability(const LogisticModel& model, const Eigen::VectorXd& x) {
  const Eigen::VectorXd z = (x - model.mean).cwiseQuotient(model.scale);
  return sigmoid(model.weights.dot(z) + model.intercept);
}

int predict(const LogisticModel& model, const Eigen::VectorXd& x) {
  const Eigen::VectorXd z = (x - model.mean).cwiseQuotient(model.scale);
  return model.weights.dot(z) + model.intercept > 0 ? 1 : 0;
}

}  // namespace learndyn::experiments::overlaps
