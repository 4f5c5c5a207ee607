#include <learndyn/oracle/ghost_rnn_cases.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/common/decimal.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/oracle/enclose.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
#include <learndyn/reference/ghost/rnn_model.hpp>
#ifdef LEARNDYN_HAS_ENCLOSURES
#include <learndyn/reference/ghost/enclosures.hpp>
#endif

namespace learndyn::oracle {
namespace rg = learndyn::reference::ghost;
namespace fg = learndyn::fast::ghost;

namespace {

// A run as `learndyn ghost rnn-train` builds it from these options, with the batch fixed over
// epochs (no noise; DCD/DMTS initial states r0 = tanh(0 z) = 0): the case is that network at
// epoch 0, i.e. exactly the doubles of its initial weights, inputs, targets and initial states.
struct RunText {
  fg::RnnTask task;
  std::string neurons, rank, seed;
};

struct FastRun {
  fg::RunSpec spec;
  fg::RnnNet net;
  fg::RnnBatch batch;
};

FastRun fast_run(const RunText& r) {
  const fg::RnnTask task = r.task;
  fg::RunSpec spec = fg::default_run(task, std::stoi(r.rank));
  spec.neurons = std::stoi(r.neurons);
  spec.seed = std::stoull(r.seed);
  spec.noise = 0;
  spec.initial_sigma = 0;
  fg::validate(spec);
  // The trainer's initial network and epoch-0 batch (fast/ghost/rnn.cpp, RnnTrainer).
  fg::RnnNet net = fg::random_net(spec.neurons, spec.rank, task == fg::RnnTask::da ? 0 : 1, spec.init, spec.seed);
  fg::RnnBatch batch = fg::make_batch(spec, 0);  // the draw only sets noise and r0, both off here
  return {spec, std::move(net), std::move(batch)};
}

template <class Real>
std::vector<Real> reference_values(const FastRun& run) {
  const rg::RnnGradient<Real> g =
      rg::rnn_gradient(to_reference<Real>(run.spec.config), to_reference<Real>(run.net), to_reference<Real>(run.batch));
  return {g.loss, rg::gradient_norm(g.gradient)};
}

// A_T of (R38): the largest over trials and k of prod_{j >= k} max(1, |J_j|_inf), J_j the step
// Jacobian (1 - alpha) I + alpha D_j W along the 50-digit trajectory (as tests/ghost/test_rnn_fast.cpp).
double amplification(const FastRun& run) {
  const rg::RnnConfig<real> rc = to_reference<real>(run.spec.config);
  const rg::RnnParams<real> rp = to_reference<real>(run.net);
  const rg::RnnBatch<real> rb = to_reference<real>(run.batch);
  const Eigen::MatrixXd W = rg::recurrent_matrix(rp).cast<double>();
  const double alpha = run.spec.config.alpha;
  double out = 1;
  for (Eigen::Index b = 0; b < run.batch.target.rows(); ++b) {
    const Eigen::MatrixXd r = rg::rnn_states(rc, rp, rb, static_cast<int>(b)).cast<double>();
    std::vector<double> norms;
    for (Eigen::Index k = 0; k + 1 < r.cols(); ++k) {
      // tanh(h_k) from the update r' = (1 - alpha) r + alpha tanh(h).
      const Eigen::VectorXd p = (r.col(k + 1) - (1 - alpha) * r.col(k)) / alpha;
      Eigen::MatrixXd J = alpha * (1 - p.array().square()).matrix().asDiagonal() * W;
      J.diagonal().array() += 1 - alpha;
      norms.push_back(std::max(1.0, J.cwiseAbs().rowwise().sum().maxCoeff()));
    }
    double product = 1;
    for (auto it = norms.rbegin(); it != norms.rend(); ++it) out = std::max(out, product *= *it);
  }
  return out;
}

// The fast path the trainer uses: the fused rank-one kernel for the rank-one latent DA network,
// the generic BPTT otherwise; with (R38)'s bounds on the loss and, through it, on the gradient's
// norm (C34).
std::vector<FastValue> fast_values(const FastRun& run) {
  fg::RnnNet gradient;
  const double loss = fg::rank_one_kernel_applies(run.spec.config, run.net, run.batch)
                          ? fg::rank_one_gradient(run.spec.config, run.net, run.batch, gradient)
                          : fg::rnn_gradient(run.spec.config, run.net, run.batch, gradient);
  const double norm = fg::gradient_norm(gradient);
  constexpr double u = 0x1p-53;
  const fg::RnnBatch& batch = run.batch;
  const double A = amplification(run);
  const double n_in = static_cast<double>(run.net.W_in.cols()), T = static_cast<double>(batch.target.cols());
  const double B = static_cast<double>(batch.target.rows()), N = static_cast<double>(run.net.b.size());
  const double factor = 64 * (N + n_in + T) * u;  // (R38)'s constant
  // |grad_fast - grad|_max <= X (|grad|_max + S); |grad|_max <= (|grad_fast|_max + X S) / (1 - X).
  const double X = factor * A * A;
  const double S = batch.scale * batch.target.cwiseAbs().sum() + batch.scale * B * T;
  double g_max = std::fabs(gradient.b_out), P = 1;
  const auto add = [&](const auto& m) {
    if (m.size() == 0) return;
    g_max = std::max(g_max, m.cwiseAbs().maxCoeff());
    P += static_cast<double>(m.size());
  };
  add(gradient.W), add(gradient.M), add(gradient.Nm), add(gradient.b), add(gradient.W_in), add(gradient.w_out);
  if (!(X < 0.5)) {
    // (R38) is stated for A_T <= 1e3; beyond, its first-order bound exceeds the value itself.
    const std::string reason = "A_T = " + format_significant(A, 3) + " over T = " + std::to_string(batch.target.cols()) +
                               " steps makes (R38) exceed 1/2 relative (stated for A_T <= 1e3)";
    return {{"loss", loss, no_bound(reason)}, {"gradient_norm", norm, no_bound(reason)}};
  }
  const double entry = X * ((g_max + X * S) / (1 - X) + S);
  return {{"loss", loss, absolute_bound(factor * A * batch.scale * B * T, "64(N+n_in+T)u A_T (L + c_L B T) (R38)", factor * A)},
          {"gradient_norm", norm,
           absolute_bound((std::sqrt(P) * entry + (P + 2) * u * norm) * (1 + 1e-12), "sqrt(P) (R38) + (P+2)u |g| (C34)")}};
}

CaseDefinition gradient_case(const RunText& r) {
  const std::string task = fg::rnn_task_name(r.task);
  const Inputs inputs{{"task", task}, {"N", r.neurons}, {"rank", r.rank}, {"seed", r.seed}};
  const std::string id = make_case_id("ghost_rnn.gradient", inputs);
  const std::string fixed_batch = r.task == fg::RnnTask::da ? "" : " --noise 0 --initial-sigma 0";
  const std::string command = "learndyn ghost rnn-train --task " + task + " --N " + r.neurons + " --rank " + r.rank +
                              " --seed " + r.seed + fixed_batch + " --epochs 1 --format json";
  const FastRun run = fast_run(r);
  return CaseDefinition{
      id, "ghost_rnn", "ghost_rnn.gradient",
      "loss (R9) and |dL/dtheta| over every parameter block by BPTT (R13-R16) of the task's paper-default rate RNN "
      "(readout, timings, loss scale, initialisation) with N units and rank K (0: full) at its seeded initial "
      "parameters, no noise, DCD/DMTS initial states 0: exactly the doubles the command builds (its epoch-0 row)",
      inputs, command,
      [=] {
        const auto compute = [&]<class Real>() { return reference_values<Real>(run); };
        std::vector<NamedValue> values = certify_named({"loss", "gradient_norm"}, compute);
        enclose_named(values, compute);  // the forward pass and BPTT on balls (R55)
        return values;
      },
      [=] { return fast_values(run); }};
}

}  // namespace

std::vector<CaseDefinition> ghost_rnn_cases(SuiteName suite) {
  std::vector<CaseDefinition> cases;
  cases.push_back(gradient_case({fg::RnnTask::da, "8", "1", "1"}));   // latent readout: the fused kernel
  cases.push_back(gradient_case({fg::RnnTask::da, "8", "0", "1"}));   // full rank, population sigmoid
  cases.push_back(gradient_case({fg::RnnTask::dcd, "8", "2", "1"}));  // tanh readout before the update
  cases.push_back(gradient_case({fg::RnnTask::dmts, "6", "0", "1"}));
  if (suite == SuiteName::full) {
    cases.push_back(gradient_case({fg::RnnTask::da, "100", "1", "0"}));  // the paper's Fig. 3 network
    cases.push_back(gradient_case({fg::RnnTask::dcd, "20", "0", "3"}));
    cases.push_back(gradient_case({fg::RnnTask::dmts, "16", "2", "2"}));
  }
  return cases;
}

}  // namespace learndyn::oracle
