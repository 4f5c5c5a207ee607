#include <learndyn/experiments/ghost/confidence_ablation.hpp>

#include <algorithm>
#include <functional>
#include <utility>
#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

ConfidenceAblationOptions ConfidenceAblationOptions::paper() { return {}; }

ConfidenceAblationOptions ConfidenceAblationOptions::quick() {
  ConfidenceAblationOptions o;
  o.seeds = 30;
  return o;
}

namespace {

// One seed: the accuracy and gradient norm of every epoch, first phase then each beta's.
struct SeedRun {
  std::vector<double> accuracy, gradient;              // first phase
  std::vector<std::vector<double>> after_acc, after_grad;  // per beta
};

double beta_at(const ConfidenceAblationOptions& o, long k) {
  return o.betas == 1 ? o.beta_lo : o.beta_lo * std::pow(o.beta_hi / o.beta_lo, double(k) / double(o.betas - 1));
}

}  // namespace

ConfidenceAblationResult run_fig8b_ablation(const ConfidenceAblationOptions& o) {
  require(o.seeds >= 1 && o.seeds <= 100000, "seeds", o.seeds, "1..100000");
  require(o.epochs >= 50, "epochs", o.epochs, ">= 50 (the selection reads the last 50)");
  require(o.epochs_after >= 1, "epochs-after", o.epochs_after, ">= 1");
  require(o.betas >= 1 && o.betas <= 1000, "betas", o.betas, "1..1000");
  require(o.beta_lo > 0 && o.beta_hi >= o.beta_lo && std::isfinite(o.beta_hi), "betas", o.beta_lo, "0 < lo <= hi");
  require(o.lr > 0 && std::isfinite(o.lr), "lr", o.lr, "> 0 (finite)");
  require(o.window >= 0 && o.window <= o.epochs, "window", o.window, "0..epochs");
  // (R50): the script's RankOneRNN: N(0, 1/N) m, n, b = 0, r0 = -0.3, the latent readout
  // sigmoid(beta (kappa - 1)) after the update, 20 + 20 steps, loss sum / 20, plain SGD.
  fg::RunSpec base = fg::default_run(fg::RnnTask::da, 1);
  base.neurons = o.neurons;
  base.lr = o.lr;
  fg::validate(base);
  const std::size_t seeds = static_cast<std::size_t>(o.seeds), B = static_cast<std::size_t>(o.betas);
  std::vector<SeedRun> runs(seeds);
  Progress progress("ghost fig8b", "seed", double(seeds));
  parallel_for_each(seeds, o.threads, [&](std::size_t s) {
    fg::RunSpec spec = base;
    spec.seed = s;
    spec.epochs = o.epochs;
    fg::RnnTrainer trainer(spec);
    SeedRun& r = runs[s];
    for (long e = 0; e < o.epochs; ++e) {
      trainer.epoch();
      r.accuracy.push_back(trainer.last_accuracy());
      r.gradient.push_back(trainer.last_gradient_norm());
    }
    const fg::RnnNet trained = trainer.net();
    for (std::size_t k = 0; k < B; ++k) {
      fg::RunSpec after = spec;
      after.config.beta = beta_at(o, static_cast<long>(k));
      after.epochs = o.epochs_after;
      fg::RnnTrainer t(after, trained);  // SGD has no state: a new trainer continues exactly
      std::vector<double> acc, grad;
      for (long e = 0; e < o.epochs_after; ++e) {
        t.epoch();
        acc.push_back(t.last_accuracy());
        grad.push_back(t.last_gradient_norm());
      }
      r.after_acc.push_back(acc);
      r.after_grad.push_back(grad);
    }
    progress.advance();
  });

  ConfidenceAblationResult out;
  for (std::size_t s = 0; s < seeds; ++s) {
    const std::vector<double>& a = runs[s].accuracy;
    const double late = *std::max_element(a.end() - 50, a.end());
    const double ever = *std::max_element(a.begin(), a.end());
    if (late <= 0.5 && ever > 0.5) out.stuck_seeds.push_back(static_cast<long>(s));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto stats = [&](const std::function<double(std::size_t)>& value) {
    const double n = double(out.stuck_seeds.size());
    if (n == 0) return std::pair<double, double>{nan, nan};
    double sum = 0, sq = 0;
    for (long s : out.stuck_seeds) sum += value(static_cast<std::size_t>(s));
    const double mean = sum / n;
    for (long s : out.stuck_seeds) sq += std::pow(value(static_cast<std::size_t>(s)) - mean, 2);
    return std::pair<double, double>{mean, n > 1 ? std::sqrt(sq / (n - 1) / n) : nan};  // s.e.m.
  };
  out.curves.columns = {"beta", "epoch", "mean_accuracy", "sem_accuracy", "mean_gradient_norm"};
  out.curves.integer_columns = {"epoch"};
  out.by_beta.columns = {"beta", "stuck_runs", "accuracy_before", "final_mean_accuracy", "sem_final_accuracy",
                         "recovered_fraction", "all_final_mean_accuracy"};
  out.by_beta.integer_columns = {"stuck_runs"};
  const std::size_t E = static_cast<std::size_t>(o.epochs), A = static_cast<std::size_t>(o.epochs_after);
  for (std::size_t k = 0; k < B; ++k) {
    const double beta = beta_at(o, static_cast<long>(k));
    for (std::size_t e = E - static_cast<std::size_t>(o.window); e < E + A; ++e) {
      const auto acc = stats([&](std::size_t s) { return e < E ? runs[s].accuracy[e] : runs[s].after_acc[k][e - E]; });
      const auto grad = stats([&](std::size_t s) { return e < E ? runs[s].gradient[e] : runs[s].after_grad[k][e - E]; });
      out.curves.add_row({beta, double(e), acc.first, acc.second, grad.first});
    }
    const auto before = stats([&](std::size_t s) { return runs[s].accuracy[E - 1]; });
    const auto last = stats([&](std::size_t s) { return runs[s].after_acc[k][A - 1]; });
    double recovered = 0, all = 0;
    for (long s : out.stuck_seeds) recovered += runs[static_cast<std::size_t>(s)].after_acc[k][A - 1] == 1;
    for (std::size_t s = 0; s < seeds; ++s) all += runs[s].after_acc[k][A - 1];
    out.by_beta.add_row({beta, double(out.stuck_seeds.size()), before.first, last.first, last.second,
                         out.stuck_seeds.empty() ? nan : recovered / double(out.stuck_seeds.size()), all / double(seeds)});
  }
  return out;
}

}  // namespace learndyn::experiments::ghost
