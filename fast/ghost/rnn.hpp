// Fast path of the ghost-paper rate RNN (proofs/ghost_rnn.md §10): double precision, Eigen
// matrix products over a batch of trials, Highway tanh, a fused two-pass SIMD kernel for the
// rank-one latent-readout DA network (R17-R18), SGD and Adam (R36), and a runner that trains
// many independent runs (seeds, rates) on several threads with results independent of the
// thread count. An implementation independent of reference/ghost/rnn_*.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/random.hpp>

namespace learndyn::fast::ghost {

enum class RnnReadout { latent, sigmoid, tanh, confidence };  // (R6)-(R8)
enum class ReadoutTiming { after_update, before_update };      // (R5)
enum class RnnTask { da, dcd, dmts };                          // (R10)-(R12)
enum class LossScale { delay, mean, none };                    // (R9)
enum class Optimizer { sgd, adam };                            // (R36)
// The confidence readout's gradient (R45-R46): projected, the public code's (W_out rescaled in
// place to |w|_1 = c before each forward pass, the gradient not flowing through the norm);
// differentiated, the exact gradient of (R8) through |w|_1 (R8a).
enum class ConfidenceReadout { projected, differentiated };
// gaussian, xavier: as reference::ghost::RnnInit. lowrank (fast path only; the public code of
// paper Fig. 4): M ~ N(0, 1), Nm ~ N(0, 1/N) (so |W r| = O(1) at rank K), b ~ N(0, 0.1^2), W_in,
// w_out xavier, b_out ~ U(+-1/sqrt(K)); for rank 0 it is xavier.
enum class RnnInit { gaussian, xavier, lowrank };

// Fixed settings of the network's map and readout.
struct RnnConfig {
  double alpha = 0.5;
  RnnReadout readout = RnnReadout::latent;
  ReadoutTiming timing = ReadoutTiming::after_update;
  double beta = 10;
  double kappa_th = 1;
  double confidence = 1;
  ConfidenceReadout confidence_readout = ConfidenceReadout::projected;  // (R45)
  // The latent readout's beta trained with the network (R53; the learnable-confidence variant of
  // Fig. 8B): the trainer steps it by dL/dbeta like any parameter.
  bool learn_beta = false;
};

// Trained parameters: rank 0 full W; rank K >= 1: W = M Nm^T.
struct RnnNet {
  int rank = 0;
  Eigen::MatrixXd W, M, Nm;
  Eigen::VectorXd b;
  Eigen::MatrixXd W_in;
  Eigen::VectorXd w_out;
  double b_out = 0;
};

// The same draws as reference::ghost::random_params (SplitMix64, same order), in double.
RnnNet random_net(int neurons, int rank, int inputs, RnnInit init, std::uint64_t seed);

// One batch of trials (R9): input[b] n_in x T, target B x T, initial N x B, noise empty or
// one N x T array per trial, loss = scale * sum (y - y*)^2.
struct RnnBatch {
  std::vector<Eigen::MatrixXd> input;
  Eigen::MatrixXd target;
  Eigen::MatrixXd initial;
  std::vector<Eigen::MatrixXd> noise;
  double scale = 1;
};

// Throws ArgumentError on inconsistent shapes or settings (the same rules as the reference).
void validate(const RnnConfig& config, const RnnNet& net, const RnnBatch& batch);

// Loss (R9) and dL/d(every block) by BPTT (R13)-(R16) over the batch; `gradient` is resized
// like `net`. The generic path: Eigen products over the N x B states, Highway tanh.
// With `outputs`, the outputs y (B x T) of the forward pass are written there.
// With `d_beta` (latent readout), dL/dbeta (R53) is added to *d_beta.
double rnn_gradient(const RnnConfig& config, const RnnNet& net, const RnnBatch& batch,
                    RnnNet& gradient, Eigen::MatrixXd* outputs = nullptr, double* d_beta = nullptr);
double rnn_loss(const RnnConfig& config, const RnnNet& net, const RnnBatch& batch);

// (R45): w_out, b_out rescaled by c / |w_out|_1 (so |w_out|_1 = c; the readout (R8) is unchanged:
// it is invariant under the scaling). What the public code does before each forward pass.
void project_confidence(RnnNet& net, double confidence);

// The accuracy of outputs y (B x T) against the targets (R47), as the public code scores it:
// DA, the fraction of steps with [y > 1/2] = y*; DCD and DMTS, y binarised to -1 (y <= -0.33),
// 0, 1 (y >= 0.33) and the fraction equal to y*.
double rnn_accuracy(RnnTask task, const Eigen::MatrixXd& outputs, const Eigen::MatrixXd& target);

// |grad L| over every parameter block together (the public code's gradient norm).
double gradient_norm(const RnnNet& gradient);

// The task's name on the command line and in reports: da, dcd, dmts.
const char* rnn_task_name(RnnTask task);

// Whether the fused rank-one kernel applies (what the trainer uses it for): rank 1, latent
// readout after the update, one trial, no inputs, no noise.
bool rank_one_kernel_applies(const RnnConfig& config, const RnnNet& net, const RnnBatch& batch);

// The fused rank-one kernel (R17-R18): rank 1, latent readout after the update, one trial, no
// inputs, no noise (the DA network of Figs. 3, 6A, 8B). Throws ArgumentError otherwise.
double rank_one_gradient(const RnnConfig& config, const RnnNet& net, const RnnBatch& batch,
                         RnnNet& gradient);

// Everything one training run needs.
struct RunSpec {
  RnnTask task = RnnTask::da;
  int input_steps = 0, delay_steps = 20, response_steps = 20;  // (R10)-(R12) timings
  int neurons = 100;
  int rank = 1;  // 0: full
  RnnInit init = RnnInit::gaussian;
  RnnConfig config;
  LossScale scale = LossScale::delay;
  double initial_value = -0.3;  // DA: every unit (R4)
  double initial_sigma = 0.1;   // DCD/DMTS: r0 = tanh(sigma z), fresh each epoch (R4)
  int trials_per_class = 1;     // DCD/DMTS: B = classes x this, trial b of class b mod classes
  double noise = 0;             // sigma of xi (R2), fresh each epoch
  Optimizer optimizer = Optimizer::sgd;
  double lr = 0.003;
  long epochs = 1000;
  long record_every = 1;  // loss and gradient norm of every k-th epoch (and the last)
  std::uint64_t seed = 0;
  // Fig. 8B: from epoch `change_epoch` on (>= 0), the readout confidence becomes `changed_beta`
  // (latent readout) or `changed_confidence` (confidence readout).
  long change_epoch = -1;
  double changed_beta = 10;
  double changed_confidence = 1;
  // Fig. 8C: at `change_epoch` the readout becomes this one too (e.g. tanh -> confidence).
  std::optional<RnnReadout> changed_readout = std::nullopt;
};

// The paper's defaults per task (timings, readout, timing of the readout, loss scale, init).
RunSpec default_run(RnnTask task, int rank);

// Throws ArgumentError naming the parameter on invalid settings.
void validate(const RunSpec& spec);

// The peak working memory of one training run, in bytes, for the check before work starts:
// the generic BPTT's states, pre-activations, adjoints and readout terms (R, P, D, ell: N x
// (T + 1) B each), the epoch's noise (N x T per trial), the rank-K factors' products, and the
// parameters five times (network, gradient, Adam's two moments, the result's copy), plus the
// recorded rows. The rank-one fused kernel needs far less; this bound is what the generic path
// would take.
double run_memory_bytes(const RunSpec& spec);

// What a finished run keeps (its final network and recorded rows), in bytes: a sweep holds one
// per run until it has summarised them all.
double run_result_bytes(const RunSpec& spec);

struct RunResult {
  std::vector<long> epochs;          // recorded epochs
  std::vector<double> loss;          // loss before the update of that epoch
  std::vector<double> gradient_norm; // |grad L| (all blocks)
  std::vector<double> accuracy;      // (R47) of that epoch's forward pass (before the update)
  double final_loss = 0;             // loss after the last update
  double min_loss = 0;               // the least loss of every epoch (recorded or not) and the final one
  double final_accuracy = 0;         // (R47) on the batch final_loss is taken on
  RnnNet net;                        // final parameters
};

// Trains one run (deterministic: the same spec gives the same result bit for bit) from the
// seeded draw random_net(spec), or from `start` (the user's parameters; the seed then only
// draws the DCD/DMTS batches).
RunResult train_run(const RunSpec& spec);
RunResult train_run(const RunSpec& spec, const RnnNet& start);

// Trains every run on `threads` threads (0: hardware concurrency); runs are taken in index
// order by whichever thread is free, each computed by one thread: results do not depend on the
// thread count. With `start`, every run starts from those parameters.
std::vector<RunResult> train_runs(const std::vector<RunSpec>& specs, unsigned threads,
                                  const RnnNet* start = nullptr);

// A trial's steps T and the batch's trials B (R10)-(R12): DA one trial of delay + response
// steps; DCD input + delay + response; DMTS two inputs + delay + response; DCD/DMTS B =
// classes (2, 4) x trials per class.
int steps_of(const RunSpec& spec);
int trials_of(const RunSpec& spec);
// Input channels n_in: 0 for DA, 1 for DCD and DMTS (inline: the weights reader's fuzz target
// links no trainer).
inline int inputs_of(const RunSpec& spec) { return spec.task == RnnTask::da ? 0 : 1; }

// The run's seeded start: random_net(N, rank, inputs_of(spec), init, seed).
RnnNet random_net(const RunSpec& spec);

// The batch an epoch of `spec` uses (DA: fixed; DCD/DMTS: initial states from Rng(draw), then
// the noise from NormalStream(key), key the next output of that Rng: R4a).
RnnBatch make_batch(const RunSpec& spec, std::uint64_t draw);

// The batches of a run's epochs, in order: DA without noise trains on one fixed batch; DCD,
// DMTS and noisy runs on a fresh draw each epoch from a stream seeded by spec.seed. The
// trainer draws its batches through one; an audit draws the same ones through another (R43).
class BatchStream {
 public:
  explicit BatchStream(const RunSpec& spec);
  bool fixed() const { return fixed_; }  // DA without noise: next() is always the same batch
  RnnBatch next();

 private:
  RunSpec spec_;
  bool fixed_;
  Rng draws_;
};

// The batch RnnTrainer::loss() and RunResult::final_loss are taken on: DA without noise, the
// fixed batch; otherwise a draw of its own (rng state seed + 1), the same for every epoch.
RnnBatch evaluation_batch(const RunSpec& spec);

// An incremental trainer (the runner's engine, exposed for the CLI and the benchmarks).
class RnnTrainer {
 public:
  explicit RnnTrainer(const RunSpec& spec);
  RnnTrainer(const RunSpec& spec, const RnnNet& start);
  ~RnnTrainer();
  RnnTrainer(RnnTrainer&&) noexcept;
  RnnTrainer& operator=(RnnTrainer&&) noexcept;
  // One epoch: batch, gradient, update; returns the loss before the update.
  double epoch();
  // One epoch on a given batch instead of the run's own next one (an audit's relabelled
  // batch, R43). Only for runs that draw a batch per epoch (DCD, DMTS, noise): a DA run
  // without noise trains on its fixed batch (ArgumentError naming `batch` otherwise).
  double epoch(const RnnBatch& batch);
  double last_gradient_norm() const;
  // (R47) of the last epoch's forward pass (before its update), as the public code records it.
  double last_accuracy() const;
  long epochs_done() const;
  const RnnNet& net() const;
  RnnConfig& config();
  double loss();  // on evaluation_batch(spec), no update
  double loss(const RnnBatch& batch);  // on a given batch, no update
  double accuracy();  // (R47) on evaluation_batch(spec), no update
  // At change_epoch: the changed readout (if any), beta and confidence (Figs. 8B, 8C).
  void apply_change();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace learndyn::fast::ghost
