#include <learndyn/experiments/ghost/rnn_options.hpp>

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/integer.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

namespace {

template <class Enum>
Enum parse_choice(const std::string& text, const std::string& parameter,
                  const std::vector<std::pair<std::string, Enum>>& choices) {
  std::string names;
  for (const auto& [name, value] : choices) {
    if (name == text) return value;
    names += (names.empty() ? "" : " | ") + name;
  }
  throw ArgumentError(parameter, "'" + text + "'", names);
}

double parse_double(const std::string& text, const std::string& parameter) {
  return parse_decimal<double>(text, parameter);
}

int parse_int(const std::string& text, const std::string& parameter, long lo, long hi) {
  return static_cast<int>(parse_integer(text, parameter, lo, hi));
}

}  // namespace

fg::RunSpec run_spec_of(const RnnOptionText& o, long default_epochs) {
  const fg::RnnTask task = parse_choice<fg::RnnTask>(
      o.task, "task", {{"da", fg::RnnTask::da}, {"dcd", fg::RnnTask::dcd}, {"dmts", fg::RnnTask::dmts}});
  const int rank = o.rank.empty() ? 1 : parse_int(o.rank, "rank", 0, 4096);
  fg::RunSpec s = fg::default_run(task, rank);
  s.epochs = default_epochs;
  if (!o.neurons.empty()) s.neurons = parse_int(o.neurons, "N", 1, 4096);
  if (!o.readout.empty())
    s.config.readout = parse_choice<fg::RnnReadout>(
        o.readout, "readout",
        {{"latent", fg::RnnReadout::latent}, {"sigmoid", fg::RnnReadout::sigmoid},
         {"tanh", fg::RnnReadout::tanh}, {"confidence", fg::RnnReadout::confidence}});
  if (!o.timing.empty())
    s.config.timing = parse_choice<fg::ReadoutTiming>(
        o.timing, "timing", {{"after", fg::ReadoutTiming::after_update}, {"before", fg::ReadoutTiming::before_update}});
  if (!o.alpha.empty()) s.config.alpha = parse_double(o.alpha, "alpha");
  if (!o.beta.empty()) s.config.beta = parse_double(o.beta, "beta");
  s.config.learn_beta = parse_choice<bool>(o.learn_beta, "learn-beta", {{"off", false}, {"on", true}});
  if (!o.kappa_th.empty()) s.config.kappa_th = parse_double(o.kappa_th, "kappa-th");
  if (!o.confidence.empty()) s.config.confidence = parse_double(o.confidence, "confidence");
  s.config.confidence_readout = parse_choice<fg::ConfidenceReadout>(
      o.confidence_readout, "confidence-readout",
      {{"projected", fg::ConfidenceReadout::projected}, {"differentiated", fg::ConfidenceReadout::differentiated}});
  if (!o.init.empty())
    s.init = parse_choice<fg::RnnInit>(o.init, "init", {{"gaussian", fg::RnnInit::gaussian}, {"xavier", fg::RnnInit::xavier},
                                                         {"lowrank", fg::RnnInit::lowrank}});
  if (!o.input.empty()) s.input_steps = parse_int(o.input, "input", 0, 100000);
  if (!o.delay.empty()) s.delay_steps = parse_int(o.delay, "delay", 1, 100000);
  if (!o.response.empty()) s.response_steps = parse_int(o.response, "response", 1, 100000);
  if (!o.initial.empty()) s.initial_value = parse_double(o.initial, "initial");
  if (!o.noise.empty()) s.noise = parse_double(o.noise, "noise");
  if (!o.initial_sigma.empty()) s.initial_sigma = parse_double(o.initial_sigma, "initial-sigma");
  if (!o.trials.empty()) s.trials_per_class = parse_int(o.trials, "trials", 1, 10000);
  s.seed = static_cast<std::uint64_t>(parse_integer(o.seed, "seed", 0, 9223372036854775807L));
  if (!o.lr.empty()) s.lr = parse_double(o.lr, "lr");
  s.optimizer = parse_choice<fg::Optimizer>(o.optimizer, "optimizer", {{"sgd", fg::Optimizer::sgd}, {"adam", fg::Optimizer::adam}});
  if (!o.epochs.empty()) s.epochs = parse_integer(o.epochs, "epochs", 0, 100000000);
  if (!o.record_every.empty()) s.record_every = parse_integer(o.record_every, "record-every", 1, 100000000);
  if (!o.change_epoch.empty()) s.change_epoch = parse_integer(o.change_epoch, "change-epoch", 0, 100000000);
  s.changed_beta = s.config.beta;
  s.changed_confidence = s.config.confidence;
  if (!o.changed_beta.empty()) s.changed_beta = parse_double(o.changed_beta, "changed-beta");
  if (!o.changed_confidence.empty()) s.changed_confidence = parse_double(o.changed_confidence, "changed-confidence");
  if (!o.changed_readout.empty())
    s.changed_readout = parse_choice<fg::RnnReadout>(
        o.changed_readout, "changed-readout",
        {{"sigmoid", fg::RnnReadout::sigmoid}, {"tanh", fg::RnnReadout::tanh}, {"confidence", fg::RnnReadout::confidence}});
  fg::validate(s);
  return s;
}

RnnWeights weights_with_defaults(RnnOptionText& o, const std::function<RnnWeights()>& read) {
  require(o.init.empty(), "init", o.init, "no --init with --weights (the file gives the initial parameters)");
  RnnWeights w = read();
  if (o.neurons.empty()) o.neurons = std::to_string(w.neurons());
  if (o.rank.empty()) o.rank = std::to_string(w.net.rank);
  // A file with W_out reads out through it (Eq. 48, the scripts' rank-K and full-rank networks);
  // the task's default readout is kept where it already uses W_out.
  if (o.readout.empty() && w.has_readout && o.task == "da" && w.net.rank == 1) o.readout = "sigmoid";
  return w;
}

fg::RunSpec run_spec_with_weights(const RnnOptionText& o, long default_epochs, const std::optional<RnnWeights>& w) {
  const fg::RunSpec s = run_spec_of(o, default_epochs);
  if (w) require_weights_fit(s, *w);
  return s;
}

double learned_of(const RnnOptionText& o) {
  const double x = parse_double(o.learned, "learned");
  require(x > 0 && std::isfinite(x), "learned", x, "> 0 (finite)");
  return x;
}

const char* readout_name(fg::RnnReadout r) {
  switch (r) {
    case fg::RnnReadout::latent: return "latent";
    case fg::RnnReadout::sigmoid: return "sigmoid";
    case fg::RnnReadout::tanh: return "tanh";
    case fg::RnnReadout::confidence: return "confidence";
  }
  return "?";
}

}  // namespace learndyn::experiments::ghost
