// Pieces the experiments share: overlap names and values in the public code's orders (O6),
// the visibility classification (O12), the direct baseline step (O22), conversions between
// the reference's and the fast path's task types, a normal
// stream that uses both Box-Muller values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/random.hpp>
#include <learndyn/fast/overlaps/model.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>

namespace learndyn::experiments::overlaps {

namespace fo = learndyn::fast::overlaps;

// Names of the unique overlaps of a rank-R network ("zm", "zu1", "v1m", ..., "mm", "zz") in the
// public code's order for the activation: the linear order for linear phi (V first), the
// nonlinear order otherwise (V and Sigma_BB first) (O6).
std::vector<std::string> overlap_names(int rank, fo::Activation phi);

// The values of those overlaps in Sigma (canonical order z, v_r, m, u_r; O5), same order.
Eigen::VectorXd overlap_values(const Eigen::MatrixXd& sigma, int rank, fo::Activation phi);

// Loss-visible (true) or invisible (false), same order (O12).
std::vector<bool> overlap_visibility(int rank, fo::Activation phi);

// Sigma_0 = C^T C / N of a network (O5) as the overlap theory starts from it (O45): every entry
// computed at 50 digits from the exact doubles and rounded once, so that it is the Gram matrix
// of the user's vectors to within half an ulp, whatever N and the order of the sums.
Eigen::MatrixXd exact_gram(const fo::Network& net);

// The loadings c_i = (z_i, v_1i..v_Ri, m_i, u_1i..u_Ri): the rows of C, in the Gram matrix's
// canonical order (what statistics.hpp's loading_shape tests for Gaussianity, E30).
Eigen::MatrixXd loadings(const fo::Network& net);

// The largest |difference| between the rank-1 linear overlaps (O5) of `a` and `b` over the
// loss-visible ones (`visible` true) or the invisible ones (false), per `visibility` (O12).
double overlap_gap(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const std::vector<bool>& visibility,
                   bool visible);

// max |a_ij - b_ij| (0 for empty matrices); throws std::logic_error on a shape mismatch.
double max_abs_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

// The reference's task type at double as the fast path's (the same three matrices).
fo::Task to_fast(const reference::overlaps::Task<double>& task);

// One epoch of the direct baseline (O22): sigma_ab <- sigma_ab - lr dL/dsigma_ab for every
// unique overlap (Gbar = I), i.e. Sigma <- Sigma - lr (G - diag(G)/2) since G_ab = dL/dsigma_ab
// off the diagonal and 2 dL/dsigma_aa on it (O14). Returns the loss before the step.
double direct_step(fo::OverlapSolver& solver, double lr, Eigen::MatrixXd& sigma);

// Standard normal variates from a SplitMix64 stream by Box-Muller, both values of each pair
// used (twice the speed of Rng::normal, which discards one); deterministic for a seed.
class NormalStream {
 public:
  explicit NormalStream(std::uint64_t seed) : rng_(seed) {}
  double next();
  Rng& rng() { return rng_; }

 private:
  Rng rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// True when epoch e is written to the table: every epoch before `every` (the paper plots
// against log(epoch), where the first epochs matter), then every `every`-th, and the last.
inline bool is_recorded(long epoch, long every, long last) {
  return epoch < every || epoch % every == 0 || epoch == last;
}

// A seed for run `index` of a series derived from a base seed (SplitMix64 of base + index),
// so that runs of a series have unrelated streams.
std::uint64_t derived_seed(std::uint64_t base, std::uint64_t index);

// The work of `epochs` network epochs of N neurons over T steps, as Progress announces it:
// "N T epochs = 1e+16 neuron-steps (4.3e+17 bytes moved, OF11)".
std::string network_work(const fo::Model& model, int neurons, int steps, long epochs);

// The seconds `epochs` network epochs take on one core at the trainer's streaming rate
// (measured on a 2-core x86-64 machine: ~1 ns per neuron-step at rank 1; an order-of-magnitude
// estimate for the announcement, not a bound).
double network_seconds(const fo::Model& model, int neurons, int steps, long epochs);

}  // namespace learndyn::experiments::overlaps
