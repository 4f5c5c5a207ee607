#include <learndyn/oracle/ghost_rnn_cases.hpp>

#include <string>
#include <utility>

#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/oracle/enclose.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
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

// The fast path the trainer uses: the fused rank-one kernel for the rank-one latent DA network,
// the generic BPTT otherwise.
std::vector<FastValue> fast_values(const FastRun& run) {
  fg::RnnNet gradient;
  const double loss = fg::rank_one_kernel_applies(run.spec.config, run.net, run.batch)
                          ? fg::rank_one_gradient(run.spec.config, run.net, run.batch, gradient)
                          : fg::rnn_gradient(run.spec.config, run.net, run.batch, gradient);
  return {{"loss", loss}, {"gradient_norm", fg::gradient_norm(gradient)}};
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
