// NetworkTrainer (fast/overlaps/network.hpp): the packed vectors, the workspace, and the epoch:
// the forward sweeps (OF6, OF7), the backward recursion (OF8) and the gradient pass (OF9, OF9a)
// on the SIMD kernels of fast/overlaps/network_kernels.hpp, each sweep over the blocks a loop of
// the parallel layer (common/parallel.hpp).
#include <algorithm>
#include <cmath>
#include <new>
#include <string>
#include <vector>

#include <hwy/aligned_allocator.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/network_kernels.hpp>
#include <learndyn/fast/overlaps/network_layout.hpp>

namespace learndyn::fast::overlaps {

namespace {
using detail::kBlock;

// The chunks of every sweep over the blocks: 64 blocks (16384 neurons) a chunk, by N alone
// (OF10). A sweep of one step is short (about 0.3 ns a neuron for R = 1), so a smaller chunk
// would cost more in hand-offs than a second core gains; below 16384 neurons an epoch runs on
// the calling thread alone, as the earlier automatic rule (one thread below 4096) did.
constexpr std::size_t kChunkBlocks = 64;

using Buffer = hwy::AlignedFreeUniquePtr<double[]>;

// hwy::AllocateAligned returns null when memory runs out instead of throwing: without this
// check a huge N wrote through the null pointer (a segfault, not an error).
Buffer allocate(std::size_t size) {
  Buffer b = hwy::AllocateAligned<double>(size);
  if (!b) throw std::bad_alloc();
  return b;
}

void grow(Buffer& b, std::size_t& capacity, std::size_t size) {
  if (size <= capacity) return;
  b = allocate(size);
  capacity = size;
}

// Calls f(stream offset, pointer) for the 2R+2 vectors of `net` in the packed order.
template <class Net, class F>
void for_each_stream(Net& net, int rank, F&& f) {
  const detail::Streams at{rank};
  f(at.m(), net.m.data());
  for (int r = 0; r < rank; ++r) f(at.u(r), net.U.col(r).data());
  for (int r = 0; r < rank; ++r) f(at.v(r), net.V.col(r).data());
  f(at.z(), net.z.data());
}

double task_loss(const Task& task, const Eigen::MatrixXd& y) {
  double loss = 0;
  for (Eigen::Index b = 0; b < y.rows(); ++b)
    for (Eigen::Index k = 0; k < y.cols(); ++k) {
      const double r = y(b, k) - task.target(b, k);
      loss += task.weight(b, k) * r * r;
    }
  return loss;
}

}  // namespace

struct NetworkTrainer::Impl {
  Model model;
  int neurons = 0;
  std::size_t blocks = 0, lanes = 0;
  unsigned threads = 0;  // workers of the parallel layer, 0 = every available core
  bool superpose = false;  // linear phi: gradient by superposition (OF9a)
  std::vector<double> coefficients;  // OF9a: rows m, u_r over (z, v_s); rows z, v_r over (m, u_s)
  Buffer packed;      // the vectors, blocks x streams x kBlock (zero padded)
  Buffer gradient;    // the same layout, for gradient()
  std::size_t gradient_capacity = 0;
  // Workspace, grown to the largest task seen.
  std::vector<double> partial, constant_partial, constants;
  std::vector<double> kappa, moments, records, kappa_end, eps_last, eps, bk, bnext, beta;
  Eigen::MatrixXd output;

  detail::Streams streams() const { return {model.rank}; }
  double* block(std::size_t j) { return packed.get() + j * streams().block_doubles(); }
  const double* block(std::size_t j) const { return packed.get() + j * streams().block_doubles(); }
  bool erf() const { return model.activation == Activation::erf; }
  bool after() const { return model.readout == Readout::after_update; }
  detail::MomentLayout layout() const { return {model.rank, erf(), !after()}; }
  Chunking chunks() const { return Chunking(blocks, kChunkBlocks); }

  Impl(const Model& m, const Network& net, NetworkOptions options) : model(m) {
    validate(model, net);
    neurons = static_cast<int>(net.m.size());
    blocks = (static_cast<std::size_t>(neurons) + kBlock - 1) / kBlock;
    lanes = detail::lane_count();
    threads = options.threads;
    superpose = model.activation == Activation::linear && !options.replay_linear;
    const std::size_t per_block = streams().block_doubles();
    packed = allocate(blocks * per_block);
    // Zero padding: a padded neuron has h = 0, phi = 0 and adds exact zeros to every sum.
    std::fill(block(blocks - 1), block(blocks - 1) + per_block, 0.0);
    const std::size_t n = static_cast<std::size_t>(neurons);
    for_each_stream(net, model.rank, [&](std::size_t offset, const double* src) {
      for (std::size_t j = 0; j < blocks; ++j) {
        const std::size_t lo = j * kBlock, len = std::min(kBlock, n - lo);
        std::copy(src + lo, src + lo + len, block(j) + offset);
      }
    });
  }

  Network unpack(const double* data) const {
    const Eigen::Index n = neurons;
    Network out{Eigen::VectorXd(n), Eigen::VectorXd(n), Eigen::MatrixXd(n, model.rank),
                Eigen::MatrixXd(n, model.rank)};
    const std::size_t per_block = streams().block_doubles();
    for_each_stream(out, model.rank, [&](std::size_t offset, double* dst) {
      for (std::size_t j = 0; j < blocks; ++j) {
        const std::size_t lo = j * kBlock, len = std::min(kBlock, static_cast<std::size_t>(n) - lo);
        const double* src = data + j * per_block + offset;
        std::copy(src, src + len, dst + lo);
      }
    });
    return out;
  }

  // Sizes the workspace for `task` (grows only).
  void prepare(const Task& task) {
    const int R = model.rank, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const std::size_t width = layout().count(), kw = static_cast<std::size_t>(R + 1);
    const std::size_t n_constants = static_cast<std::size_t>(R * R + R);
    kappa.assign(static_cast<std::size_t>(B) * (T + 1) * kw, 0.0);
    moments.assign(static_cast<std::size_t>(B) * T * width, 0.0);
    output.setZero(B, T);
    constants.assign(n_constants, 0.0);
    partial.resize(blocks * width * lanes * static_cast<std::size_t>(B));
    constant_partial.resize(blocks * n_constants);
  }

  // The forward pass of every trial (OF6, OF7): T (before) or T+1 (after) sweeps over the
  // blocks, each a parallel loop writing every block's lane partials; then the calling thread
  // reduces them in block order (OF10) and takes the Euler step of every trial.
  void forward(const Task& task) {
    const int R = model.rank, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const double dt = model.dt, inv_n = 1.0 / neurons;
    const bool after_update = after();
    const detail::MomentLayout mo = layout();
    const std::size_t width = mo.count(), kw = static_cast<std::size_t>(R + 1);
    const std::size_t block_width = width * lanes;                         // unreduced lanes
    const std::size_t stride = block_width * static_cast<std::size_t>(B);  // per block
    const std::size_t n_constants = constants.size();
    const int sweeps = after_update ? T + 1 : T;
    // Constants U^T V, U^T z (linear phi: P_k = U^T V, q = U^T z; erf after: q = U^T z).
    parallel_for(chunks(), threads, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t j = lo; j < hi; ++j)
        detail::block_constants(R, block(j), constant_partial.data() + j * n_constants);
    });
    for (std::size_t j = 0; j < blocks; ++j)
      for (std::size_t q = 0; q < n_constants; ++q) constants[q] += constant_partial[j * n_constants + q];
    std::vector<double> state(static_cast<std::size_t>(B) * kw, 0.0), sums(width);
    for (int k = 0; k < sweeps; ++k) {
      parallel_for(chunks(), threads, [&](std::size_t lo, std::size_t hi) {
        const detail::BlockRun run{block(lo), hi - lo, streams().block_doubles()};
        for (int b = 0; b < B; ++b)
          detail::block_moments(R, erf(), !after_update, run, state.data() + b * kw,
                                partial.data() + lo * stride + b * block_width, stride);
      });
      for (int b = 0; b < B; ++b) {
        double* kb = state.data() + b * kw;
        detail::sum_blocks(partial.data() + b * block_width, blocks, stride, width, sums.data());
        std::copy(kb, kb + kw, kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + k) * kw);
        if (after_update && k >= 1) output(b, k - 1) = sums[mo.o()] * inv_n;  // z.h_k/N
        if (!after_update) output(b, k) = sums[mo.o()] * inv_n;  // y_k = z.phi(h_k)/N
        if (k < T)
          std::copy(sums.begin(), sums.end(), moments.data() + (static_cast<std::size_t>(b) * T + k) * width);
        if (k == T) continue;  // the extra sweep of the after readout: no update
        // Euler step of the latent state (OF6): kappa' = kappa + dt(-kappa + drive).
        kb[0] += dt * (task.input(b, k) - kb[0]);
        for (int r = 0; r < R; ++r) kb[1 + r] += dt * (sums[mo.a(r)] * inv_n - kb[1 + r]);
        if (!after_update && k == T - 1)
          std::copy(kb, kb + kw, kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + T) * kw);
      }
    }
  }

  // The coefficients of OF9a (linear phi) from the records: the superposition lambda_{k,i} =
  // z_i C_k + v_i.B_k with B_T = 0, C_T = eps_{T-1} (after) or 0, B_k = (1-dt) B_{k+1} + beta_k,
  // C_k = (1-dt) C_{k+1} + s_k, s_k = eps_{k-1} (after) or eps_k (before); then the sums of
  // OF9 over steps and trials. Row layout of LinearGradientArgs.
  void superposition_coefficients(const Task& task) {
    const int R = model.rank, n = R + 1, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const double decay = 1 - model.dt;
    const bool after_update = after();
    const detail::RecordLayout rl{R};
    const std::size_t rw = rl.count(), kw = static_cast<std::size_t>(n);
    coefficients.assign(static_cast<std::size_t>(2 * n * n), 0.0);
    double* to_b = coefficients.data();          // rows m, u_r over (z, v_s)
    double* to_a = coefficients.data() + n * n;  // rows z, v_r over (m, u_s)
    std::vector<double> lam(static_cast<std::size_t>(n));  // (C, B_1..B_R) = lambda_{k+1}
    for (int b = 0; b < B; ++b) {
      std::fill(lam.begin(), lam.end(), 0.0);
      if (after_update) lam[0] = eps_last[b];
      const double* kt = kappa_end.data() + static_cast<std::size_t>(b) * kw;
      std::vector<double> kappa_next(kt, kt + kw);  // kappa_{k+1}
      for (int k = T - 1; k >= 0; --k) {
        const double* rec = records.data() + (static_cast<std::size_t>(b) * T + k) * rw;
        for (int s = 0; s < n; ++s) {
          to_b[s] += rec[rl.dtx()] * lam[s];                                   // d/dm
          for (int r = 0; r < R; ++r) to_b[(1 + r) * n + s] += rec[rl.dta(r)] * lam[s];  // d/du_r
        }
        const double* kz = after_update ? kappa_next.data() : rec;  // h_{k+1} or h_k for d/dz
        for (int s = 0; s < n; ++s) {
          to_a[s] += rec[rl.eps()] * kz[s];
          for (int r = 0; r < R; ++r) to_a[(1 + r) * n + s] += rec[rl.beta(r)] * rec[rl.kappa(s)];
        }
        // lambda_k: C_k = (1-dt) C_{k+1} + s_k, B_k = (1-dt) B_{k+1} + beta_k.
        lam[0] = decay * lam[0] + (after_update ? rec[rl.eps_before()] : rec[rl.eps()]);
        for (int r = 0; r < R; ++r) lam[1 + r] = decay * lam[1 + r] + rec[rl.beta(r)];
        for (int s = 0; s < n; ++s) kappa_next[s] = rec[rl.kappa(s)];
      }
    }
  }

  // The records of the gradient pass: the backward recursion of b_k = U^T lambda_k (OF8), with
  // P_k, q_k from the forward moments, then eps, beta, dt x, dt a/N per (trial, step).
  void backward(const Task& task) {
    const int R = model.rank, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const double dt = model.dt, inv_n = 1.0 / neurons;
    const bool after_update = after(), nonlinear = erf();
    const detail::MomentLayout mo = layout();
    const detail::RecordLayout rl{R};
    const std::size_t width = mo.count(), rw = rl.count(), kw = static_cast<std::size_t>(R + 1);
    const double* utv = constants.data();          // U^T V, row-major
    const double* utz = constants.data() + R * R;  // U^T z
    records.assign(static_cast<std::size_t>(B) * T * rw, 0.0);
    kappa_end.assign(static_cast<std::size_t>(B) * kw, 0.0);
    eps_last.assign(static_cast<std::size_t>(B), 0.0);
    eps.resize(static_cast<std::size_t>(T));
    bk.resize(R);
    bnext.resize(R);
    beta.resize(R);
    for (int b = 0; b < B; ++b) {
      for (int k = 0; k < T; ++k)
        eps[k] = 2 * task.weight(b, k) * (output(b, k) - task.target(b, k)) * inv_n;  // e_k/N
      eps_last[b] = eps[T - 1];
      const double* kt = kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + T) * kw;
      std::copy(kt, kt + kw, kappa_end.data() + b * kw);
      // b_T = U^T lambda_T: eps_{T-1} U^T z (after), 0 (before).
      for (int r = 0; r < R; ++r) bnext[r] = after_update ? eps[T - 1] * utz[r] : 0.0;
      for (int k = T - 1; k >= 0; --k) {
        const double* mk = moments.data() + (static_cast<std::size_t>(b) * T + k) * width;
        double* rec = records.data() + (static_cast<std::size_t>(b) * T + k) * rw;
        const double* kk = kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + k) * kw;
        for (std::size_t j = 0; j < kw; ++j) rec[rl.kappa(static_cast<int>(j))] = kk[j];
        rec[rl.dtx()] = dt * task.input(b, k);
        rec[rl.eps()] = eps[k];
        rec[rl.eps_before()] = k > 0 ? eps[k - 1] : 0.0;
        for (int r = 0; r < R; ++r) {
          rec[rl.dta(r)] = dt * mk[mo.a(r)] * inv_n;
          beta[r] = dt * bnext[r] * inv_n;  // beta_k = dt b_{k+1}/N
          rec[rl.beta(r)] = beta[r];
        }
        // b_k = (1 - dt) b_{k+1} + P_k beta_k + U^T(source_k) (OF8).
        for (int r = 0; r < R; ++r) {
          double acc = (1 - dt) * bnext[r];
          for (int s = 0; s < R; ++s) acc += (nonlinear ? mk[mo.p(r, s)] : utv[r * R + s]) * beta[s];
          if (after_update) acc += (k > 0 ? eps[k - 1] : 0.0) * utz[r];
          else acc += eps[k] * (nonlinear ? mk[mo.q(r)] : utz[r]);
          bk[r] = acc;
        }
        std::swap(bk, bnext);
      }
    }
    if (superpose) superposition_coefficients(task);
  }

  // The gradient pass, a parallel loop over the blocks (neurons are independent: no
  // reduction). `out` is the packed vectors themselves (update) or the gradient buffer.
  void gradient_pass(const Task& task, bool update, double lr, double* out) {
    const detail::GradientPassArgs args{model.rank,
                                        static_cast<int>(task.input.rows()),
                                        static_cast<int>(task.input.cols()),
                                        1 - model.dt,
                                        update,
                                        static_cast<double>(neurons) * lr,  // the rate N lr
                                        records.data(),
                                        kappa_end.data(),
                                        eps_last.data()};
    const std::size_t per_block = streams().block_doubles();
    parallel_for(chunks(), threads, [&](std::size_t lo, std::size_t hi) {
      const detail::BlockRun run{block(lo), hi - lo, per_block};
      if (superpose) {
        const detail::LinearGradientArgs linear{model.rank, coefficients.data(), update, args.step};
        detail::linear_gradient_pass(linear, run, out + lo * per_block);
      } else {
        detail::gradient_pass(erf(), !after(), args, run, out + lo * per_block);
      }
    });
  }

  // One epoch: the forward sweeps, the backward recursion, the gradient pass. `out` = nullptr:
  // forward only.
  void run(const Task& task, bool update, double lr, double* out) {
    validate(task);
    prepare(task);
    forward(task);
    if (out == nullptr) return;
    backward(task);
    gradient_pass(task, update, lr, out);
  }
};

NetworkTrainer::NetworkTrainer(const Model& model, const Network& net, NetworkOptions options)
    : impl_(std::make_unique<Impl>(model, net, options)) {}
NetworkTrainer::~NetworkTrainer() = default;
NetworkTrainer::NetworkTrainer(NetworkTrainer&&) noexcept = default;
NetworkTrainer& NetworkTrainer::operator=(NetworkTrainer&&) noexcept = default;

double NetworkTrainer::epoch(const Task& task, double lr) {
  require(lr >= 0 && std::isfinite(lr), "lr", lr, "lr >= 0 (finite)");
  impl_->run(task, true, lr, impl_->packed.get());
  return task_loss(task, impl_->output);
}

Eigen::MatrixXd NetworkTrainer::outputs(const Task& task) {
  impl_->run(task, false, 0.0, nullptr);
  return impl_->output;
}

double NetworkTrainer::loss(const Task& task) { return task_loss(task, outputs(task)); }

double NetworkTrainer::gradient(const Task& task, Network& gradient) {
  Impl& m = *impl_;
  grow(m.gradient, m.gradient_capacity, m.blocks * m.streams().block_doubles());
  m.run(task, false, 0.0, m.gradient.get());
  gradient = m.unpack(m.gradient.get());
  return task_loss(task, m.output);
}

Network NetworkTrainer::network() const { return impl_->unpack(impl_->packed.get()); }

Eigen::MatrixXd NetworkTrainer::gram() const { return overlaps::gram(network()); }

}  // namespace learndyn::fast::overlaps
