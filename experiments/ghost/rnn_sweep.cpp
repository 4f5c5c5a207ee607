#include <learndyn/experiments/ghost/rnn_sweep.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/experiments/ghost/divergence.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>

namespace learndyn::experiments::ghost {

SweepResult run_rnn_sweep(const SweepSettings& o) {
  namespace fg = learndyn::fast::ghost;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  require(!o.ranks.empty(), "ranks", "''", "a comma-separated list");
  require(o.lo > 0 && o.hi >= o.lo && std::isfinite(o.hi), "rates", o.rates_text, "0 < lo <= hi");
  // The log spacing takes hi / lo: at 1e-3,1e308 or 1e-320,1e-3 it overflows, and the error
  // would name an lr = inf the user never gave.
  require(std::isnormal(o.lo) && std::isfinite(o.hi / o.lo), "rates", o.rates_text, "normal doubles with hi / lo finite");
  require(o.count >= 1, "rates", o.rates_text, "count >= 1");
  require(o.seeds >= 1, "seeds", o.seeds, ">= 1");
  require(o.learned > 0 && std::isfinite(o.learned), "learned", o.learned, "> 0 (finite)");
  require(o.curve_every >= 0, "curve-every", o.curve_every, ">= 0");
  if (o.start)
    require(o.ranks.size() == 1 && o.ranks.front().rank == o.start->rank, "ranks", o.ranks.size() == 1 ? std::to_string(o.ranks.front().rank) : "a list",
            std::to_string(o.start->rank) + " alone (every run starts from the --weights file, of that rank)");
  SweepResult out;
  for (const fg::RunSpec& base : o.ranks)
    for (long i = 0; i < o.count; ++i) {
      const double lr = o.count == 1 ? o.lo : o.lo * std::pow(o.hi / o.lo, double(i) / double(o.count - 1));
      for (long seed = 0; seed < o.seeds; ++seed) {
        fg::RunSpec s = base;
        s.lr = lr;
        s.seed = static_cast<std::uint64_t>(seed);
        s.record_every = o.curve_every > 0 ? o.curve_every : std::max<long>(1, s.epochs);
        fg::validate(s);
        out.specs.push_back(s);
      }
    }
  // The items (proofs/common.md C13): the runs in the order of `specs`; a run's result is a
  // function of its spec alone (train_run), so any subset trains to the same values.
  const std::vector<std::size_t> mine = sweep_select(o.sweep, out.specs.size(), [&](std::size_t i) {
    return "rank " + std::to_string(out.specs[i].rank) + ", lr " + render_value(out.specs[i].lr) + ", seed " +
           std::to_string(out.specs[i].seed);
  });
  std::vector<fg::RunSpec> todo;
  for (std::size_t i : mine) todo.push_back(out.specs[i]);
  if (!todo.empty()) {
    // Runs of one sweep differ only in rate and seed, except across ranks: check the largest.
    const auto largest = std::max_element(todo.begin(), todo.end(), [](const fg::RunSpec& a, const fg::RunSpec& b) {
      return fg::run_memory_bytes(a) < fg::run_memory_bytes(b);
    });
    const double concurrent = parallel_workers(todo.size(), o.threads);  // train_runs: one run a chunk
    require_run_memory(*largest, concurrent, static_cast<double>(todo.size()));
  }
  std::vector<fg::RunResult> trained;
  if (!todo.empty()) trained = fg::train_runs(todo, o.threads, o.start ? &*o.start : nullptr);
  for (std::size_t r = 0; r < trained.size(); ++r) require_finite_losses(trained[r], "rates", o.rates_text, todo[r].lr);
  std::vector<fg::RunResult> results(out.specs.size());
  for (std::size_t k = 0; k < mine.size(); ++k) results[mine[k]] = std::move(trained[k]);
  // What the assembly below reads of a run: its recorded epochs and losses, the final loss and
  // the least loss of every epoch.
  sweep_complete(
      o.sweep, results, mine,
      [](const fg::RunResult& r) {
        ItemRecord record;
        record.add("final_loss", {r.final_loss});
        record.add("min_loss", {r.min_loss});
        record.add("final_accuracy", {r.final_accuracy});
        record.add("epochs", std::vector<double>(r.epochs.begin(), r.epochs.end()));
        record.add("loss", r.loss);
        record.add("gradient_norm", r.gradient_norm);
        return record;
      },
      [](const ItemRecord& record, fg::RunResult& r) {
        r.final_loss = record.scalar("final_loss");
        r.min_loss = record.scalar("min_loss");
        r.final_accuracy = record.scalar("final_accuracy");
        for (double e : record.at("epochs")) r.epochs.push_back(static_cast<long>(e));
        r.loss = record.at("loss", static_cast<long>(r.epochs.size()));
        r.gradient_norm = record.at("gradient_norm", static_cast<long>(r.epochs.size()));
      });

  if (results.size() == 1 && !o.sweep) {
    // The seeded start is the one the trainer draws (a trainer that has run no epoch).
    out.single_run_nets.emplace(o.start ? *o.start : fg::RnnTrainer(out.specs[0]).net(), results[0].net);
  }
  out.runs.columns = {"rank", "lr", "seed", "final_loss", "min_loss", "learned", "final_accuracy"};
  out.runs.integer_columns = {"rank", "seed", "learned"};
  out.by_rate.columns = {"rank", "lr", "mean_final_loss", "sem_final_loss", "learned_fraction", "mean_final_accuracy",
                         "sem_final_accuracy"};
  out.by_rate.integer_columns = {"rank"};
  std::size_t j = 0;
  for (const fg::RunSpec& base : o.ranks) {
    double best = kNaN;
    for (long i = 0; i < o.count; ++i) {
      long ok = 0;
      double lr = 0, sum = 0, sum_sq = 0, acc = 0, acc_sq = 0;
      for (long seed = 0; seed < o.seeds; ++seed, ++j) {
        const fg::RunResult& r = results[j];
        sum += r.final_loss;
        sum_sq += r.final_loss * r.final_loss;
        acc += r.final_accuracy;
        acc_sq += r.final_accuracy * r.final_accuracy;
        lr = out.specs[j].lr;
        const bool good = r.final_loss < o.learned;
        ok += good;
        out.runs.add_row({double(base.rank), lr, double(seed), r.final_loss, r.min_loss, good ? 1.0 : 0.0, r.final_accuracy});
      }
      if (2 * ok >= o.seeds) best = lr;
      const double n = double(o.seeds), mean = sum / n;
      const double var = o.seeds > 1 ? std::max(0.0, (sum_sq - n * mean * mean) / (n - 1)) : kNaN;
      const double acc_mean = acc / n;
      const double acc_var = o.seeds > 1 ? std::max(0.0, (acc_sq - n * acc_mean * acc_mean) / (n - 1)) : kNaN;
      out.by_rate.add_row({double(base.rank), lr, mean, std::sqrt(var / n), double(ok) / n, acc_mean, std::sqrt(acc_var / n)});
    }
    out.critical_rate.emplace_back(base.rank, best);
  }

  out.curves.columns = {"rank", "lr", "seed", "epoch", "loss", "gradient_norm"};
  out.curves.integer_columns = {"rank", "seed", "epoch"};
  out.mean_curves.columns = {"rank", "epoch", "mean_loss"};
  out.mean_curves.integer_columns = {"rank", "epoch"};
  if (o.curve_every == 0) return out;
  for (std::size_t r = 0; r < results.size(); ++r)
    for (std::size_t k = 0; k < results[r].epochs.size(); ++k)
      out.curves.add_row({double(out.specs[r].rank), out.specs[r].lr, double(out.specs[r].seed),
                          double(results[r].epochs[k]), results[r].loss[k], results[r].gradient_norm[k]});
  const double first_rate = out.specs.front().lr;
  for (const fg::RunSpec& base : o.ranks) {
    std::map<long, std::pair<double, long>> mean;  // epoch -> (sum, count)
    for (std::size_t r = 0; r < results.size(); ++r) {
      if (out.specs[r].rank != base.rank || out.specs[r].lr != first_rate) continue;
      for (std::size_t k = 0; k < results[r].epochs.size(); ++k) {
        auto& m = mean[results[r].epochs[k]];
        m.first += results[r].loss[k];
        ++m.second;
      }
    }
    for (const auto& [epoch, m] : mean) out.mean_curves.add_row({double(base.rank), double(epoch), m.first / double(m.second)});
  }
  return out;
}

}  // namespace learndyn::experiments::ghost
