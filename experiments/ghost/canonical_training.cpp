#include <learndyn/experiments/ghost/canonical_training.hpp>

#include <algorithm>
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

std::vector<double> log_spaced_rates(double lo, double hi, long count) {
  std::vector<double> rates;
  for (long i = 0; i < count; ++i)
    rates.push_back(count == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(count - 1)));
  return rates;
}

CanonicalTrainingResult run_canonical_training(const CanonicalTrainingOptions& o) {
  fg::validate(o.task);
  require(!o.rates.empty(), "eta", "''", "at least one rate");
  for (double eta : o.rates) require(eta > 0 && std::isfinite(eta), "eta", eta, "a finite rate > 0");
  require(!o.starts.empty(), "runs", 0, ">= 1");
  require(o.epochs >= 0 && o.epochs <= 100000000, "epochs", o.epochs, "0..10^8");
  require(o.record_every >= 1 && o.record_every <= 100000000, "record-every", o.record_every, "1..10^8");
  fg::GradientDescentBatch batch{o.task, o.scale, {}, {}};
  for (double eta : o.rates)
    for (double eps0 : o.starts) {
      batch.rates.push_back(eta);
      batch.eps0.push_back(eps0);
    }
  const fg::GradientDescentResult res = fg::run_gradient_descent(batch, o.epochs, o.record_every, o.threads);
  const std::size_t runs = o.starts.size(), records = res.records;
  for (std::size_t j = 0; j < batch.rates.size(); ++j)
    for (std::size_t k = 0; k < records; ++k)
      require(std::isfinite(res.eps_history[j * records + k]), "eta", batch.rates[j],
              "a rate whose GD steps stay finite in double (eps overflowed; ghost train --reference has no such limit)");
  CanonicalTrainingResult out;
  out.runs.columns = {"eta", "run", "epoch", "eps", "loss"};
  out.runs.integer_columns = {"run", "epoch"};
  out.by_rate.columns = {"eta", "epoch", "mean_loss", "sem_loss", "stuck_fraction"};
  out.by_rate.integer_columns = {"epoch"};
  out.stuck_epoch = res.stuck_epoch;
  const double nr = fg::point_of_no_return(o.task);
  for (std::size_t i = 0; i < o.rates.size(); ++i) {
    for (std::size_t r = 0; r < runs; ++r) {
      const std::size_t j = i * runs + r;
      for (std::size_t k = 0; k < records; ++k) {
        const long epoch = std::min<long>(static_cast<long>(k) * o.record_every, o.epochs);
        out.runs.add_row({o.rates[i], static_cast<double>(r), static_cast<double>(epoch), res.eps_history[j * records + k],
                          res.loss_history[j * records + k]});
      }
    }
    // (G35) the mean and the standard error of the recorded loss over the runs of this rate.
    for (std::size_t k = 0; k < records; ++k) {
      double sum = 0, stuck = 0;
      for (std::size_t r = 0; r < runs; ++r) {
        sum += res.loss_history[(i * runs + r) * records + k];
        stuck += res.eps_history[(i * runs + r) * records + k] < nr;
      }
      const double mean = sum / static_cast<double>(runs);
      double squares = 0;
      for (std::size_t r = 0; r < runs; ++r) {
        const double d = res.loss_history[(i * runs + r) * records + k] - mean;
        squares += d * d;
      }
      const double sem = runs > 1 ? std::sqrt(squares / static_cast<double>(runs - 1) / static_cast<double>(runs)) : 0.0;
      const long epoch = std::min<long>(static_cast<long>(k) * o.record_every, o.epochs);
      out.by_rate.add_row({o.rates[i], static_cast<double>(epoch), mean, sem, stuck / static_cast<double>(runs)});
    }
  }
  return out;
}

}  // namespace learndyn::experiments::ghost
