// Fast full-network training of the rank-R RNN (proofs/overlaps.md O1-O4, O16; overlaps_fast.md
// §2-§3): forward pass, exact backpropagation-through-time gradient for m, u_r, v_r, z, and one SGD
// epoch at rate N lr, for N up to ~1e6 neurons.
//
// How (OF6-OF10): W is never formed (W phi(h) = U (V^T phi(h)) / N) and h is never stored: the
// state is kept in its exact latent form h_k = m kappa_m + U kappa (OF6), so one time step is
// one read-only sweep over the 2R+2 vectors that reduces V^T phi(h), the readout and the
// moments P_k = U^T diag(phi'(h_k)) V, q_k = U^T diag(phi'(h_k)) z. Those moments close the
// adjoint's only global coupling b_k = U^T lambda_k into an R-dimensional recursion (OF8), so
// the backward pass needs no second time-outer sweep: each neuron then replays its own
// adjoint lambda_{k,i} backwards in registers and accumulates its gradient (OF9); for linear
// phi the replay is solved by superposition, one O(N R^2) sweep (OF9a). Sums over
// neurons use a fixed partition into blocks of 256 neurons added in block order, so results
// are bit-identical for every thread count (OF10).
//
// Double precision, Highway runtime dispatch (SIMD over neurons), threads. This is the
// ground truth of the overlap theory: it never uses overlaps.
#pragma once

#include <cstdint>
#include <memory>

#include <Eigen/Core>

#include <learndyn/fast/overlaps/model.hpp>

namespace learndyn::fast::overlaps {

// The largest rank of the fast network (the paper's runs use R = 1 and 2).
inline constexpr int kMaxNetworkRank = 8;

// The trained vectors: z (readout), m (input) of length N; U = [u_1..u_R], V = [v_1..v_R]
// (N x R, column-major: each vector contiguous).
struct Network {
  Eigen::VectorXd z;
  Eigen::VectorXd m;
  Eigen::MatrixXd U;
  Eigen::MatrixXd V;
};

// Throws ArgumentError unless the shapes agree (N >= 1) with rank == model.rank <= 8 and
// every entry is finite.
void validate(const Model& model, const Network& net);

// The initialisation (proofs/overlaps.md O44): every vector iid N(0, 1) (common/random.hpp, drawn
// in the order z, v_1..v_R, m, u_1..u_R), then rescaled to |a|^2 = N.
Network random_network(int neurons, int rank, std::uint64_t seed);

// Sigma = C^T C / N, C = [z v_1..v_R m u_1..u_R] (the canonical order A = (z, v), B = (m, u)),
// exactly symmetric, with sums in a fixed blocked order (deterministic).
Eigen::MatrixXd gram(const Network& net);

// threads: the workers of the parallel layer (common/parallel.hpp), 0 = every available core;
// each sweep is cut into chunks of 16384 neurons, so an epoch below that runs on the calling
// thread alone. Any count gives bit-identical results (OF10).
// For linear phi the adjoint of each neuron is solved by superposition (OF9a: lambda_{k,i} =
// z_i C_k + v_i.B_k, so the gradient pass is one O(N R^2) sweep); replay_linear = true runs the
// per-neuron replay of OF9 instead (the erf path), e.g. to cross-check the two.
struct NetworkOptions {
  unsigned threads = 0;
  bool replay_linear = false;
};

// Outputs y (B x T) and the loss of one epoch.
Eigen::MatrixXd network_outputs(const Model& model, const Network& net, const Task& task,
                                NetworkOptions options = {});
double network_loss(const Model& model, const Network& net, const Task& task,
                    NetworkOptions options = {});

// dL/dz, dL/dm, dL/dU, dL/dV (same shapes as the network) by exact BPTT (OF7-OF9); returns L.
double network_gradient(const Model& model, const Network& net, const Task& task,
                        Network& gradient, NetworkOptions options = {});

// One SGD epoch in place, theta <- theta - N lr dL/dtheta on every vector (the public code's
// rate N lr); returns the loss before the step. Requires lr >= 0 finite.
double sgd_epoch(const Model& model, const Task& task, double lr, Network& net,
                 NetworkOptions options = {});

// The same operations for many epochs without repacking: the trainer keeps the vectors in its
// packed layout (blocks of 256 neurons, 2R+2 streams each) and all buffers between epochs, so
// an epoch allocates nothing and moves only the bytes of epoch_bytes.
class NetworkTrainer {
 public:
  NetworkTrainer(const Model& model, const Network& net, NetworkOptions options = {});
  ~NetworkTrainer();
  NetworkTrainer(NetworkTrainer&&) noexcept;
  NetworkTrainer& operator=(NetworkTrainer&&) noexcept;

  double epoch(const Task& task, double lr);  // sgd_epoch
  double loss(const Task& task);
  Eigen::MatrixXd outputs(const Task& task);
  double gradient(const Task& task, Network& gradient);
  Network network() const;  // the current vectors
  Eigen::MatrixXd gram() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Bytes one NetworkTrainer::epoch moves through the memory hierarchy by its own count (OF11):
// one read sweep over the 2R+2 packed vectors per time step (T+1 sweeps with the readout after
// the update, T before), one for the constants U^T V, U^T z, and the gradient pass's read and
// in-place write of the vectors. (Per-step scalars and block partials are O(T + N/256).)
double epoch_bytes(const Model& model, int neurons, int steps);

}  // namespace learndyn::fast::overlaps
