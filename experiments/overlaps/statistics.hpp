// Small, deterministic statistics for the experiments: an ordinary least-squares line (the
// N-scaling exponent) and an L2-regularised logistic regression on standardised features (the
// decoding of task history from overlaps, Figs 4d, 10).
#pragma once

#include <vector>

#include <Eigen/Core>

namespace learndyn::experiments::overlaps {

// y = intercept + slope x by least squares; slope_error is the standard error of the slope,
// s / sqrt(sum (x - xbar)^2) with s^2 = RSS / (n - 2) (0 when n = 2). Needs n >= 2 and
// two distinct x (std::invalid_argument otherwise).
struct LineFit {
  double slope = 0;
  double intercept = 0;
  double slope_error = 0;
};
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

// How far N loadings c_i in R^p (the rows of C, N x p) are from the Gaussian the mean-field
// closure assumes (proofs/overlaps_experiments.md E30). With Sigma = C^T C / N (the network's Gram
// matrix: uncentred, as the closure's covariance), w_i = Sigma^{-1/2} c_i (symmetric square root):
//   mardia = mean_i |w_i|^4 / (p (p + 2)) - 1        (0 for Gaussian rows, in the limit N -> inf)
//   marginal_max = max_j |mean_i w_ij^4 - 3|        (each whitened coordinate's excess kurtosis)
// Both are invariant under relabelling the units. Needs N >= 1 and Sigma positive definite
// (std::invalid_argument otherwise); shape_defined says whether it is (N > p rows in general
// position), for the callers that skip the measure instead.
struct LoadingShape {
  double mardia = 0;
  double marginal_max = 0;
};
LoadingShape loading_shape(const Eigen::MatrixXd& C);
bool shape_defined(const Eigen::MatrixXd& C);

// Logistic regression as scikit-learn's make_pipeline(StandardScaler(), LogisticRegression())
// with its defaults: features standardised by the training mean and population standard
// deviation (a constant feature keeps scale 1), then
//   min_{w,b}  |w|^2 / 2 + C sum_i log(1 + exp(-s_i (w.x_i + b))),   s_i = +-1,
// (the intercept is not penalised; C = 1). Solver: Newton's method on (w, b) with a
// backtracking (Armijo) line search, from w = 0, b = 0, until the gradient's max norm is below
// 1e-10 (1 + C n) or 100 iterations: the objective is strictly convex (|w|^2/2, and the
// intercept's curvature C sum p(1-p) > 0), so the minimiser is unique and the solver
// deterministic. Labels are 0/1; rows of X are samples.
struct LogisticModel {
  Eigen::VectorXd mean, scale;  // the standardisation
  Eigen::VectorXd weights;      // w, on standardised features
  double intercept = 0;
  int iterations = 0;
};
LogisticModel fit_logistic(const Eigen::MatrixXd& X, const std::vector<int>& labels, double C = 1.0);

// P(label 1 | x) and the predicted label (1 when w.x + b > 0).
double probability(const LogisticModel& model, const Eigen::VectorXd& x);
int predict(const LogisticModel& model, const Eigen::VectorXd& x);

}  // namespace learndyn::experiments::overlaps
