// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/ghost/gradient_descent.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include <learndyn/fast/ghost/gradient_descent.hpp>

// Outside the per-target namespaces: one type shared by every dispatched target.
#ifndef LEARNDYN_FAST_GHOST_STEP_CONSTANTS
#define LEARNDYN_FAST_GHOST_STEP_CONSTANTS
namespace learndyn::fast::ghost {
struct StepConstants {
  double delay, total, response, eps_star, eps_nr, scale;
};
}  // namespace learndyn::fast::ghost
#endif

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::ghost {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The GD step of (G27) before the change of units, written with the very operations of the
// reference at double precision: g = pi / (4 eps sqrt(eps)) signed by (G14), then
// eps - (rate c) g. With -ffp-contract=off the results are bit-identical to
// reference::ghost::run_gradient_descent<double> (tests/ghost/test_fast_gradient_descent.cpp).
template <class D, class V>
HWY_INLINE V Step(D d, const StepConstants& k, V eps, V rate_times_scale) {
  const auto positive = hn::Gt(eps, hn::Zero(d));
  const auto safe = hn::IfThenElse(positive, eps, hn::Set(d, 1.0));
  const auto magnitude =
      hn::Div(hn::Set(d, 3.141592653589793), hn::Mul(hn::Mul(hn::Set(d, 4.0), safe), hn::Sqrt(safe)));
  auto g = hn::IfThenElseZero(hn::Ge(eps, hn::Set(d, k.eps_nr)), hn::Neg(magnitude));
  g = hn::IfThenElse(hn::Gt(eps, hn::Set(d, k.eps_star)), magnitude, g);
  return hn::Sub(eps, hn::Mul(rate_times_scale, g));
}

// Runs `count` runs (a multiple of Lanes, padded by the caller) for `epochs` steps, kBlock
// vectors at a time so that independent sqrt/div chains overlap. Writes final eps, the first
// epoch below eps_nr (-1 if none) and, if record_every > 0, the eps history. When
// `stop_at_first_stuck`, returns as soon as any run is stuck (checked every 32 epochs).
// Returns true when some run got stuck.
bool RunBlock(const StepConstants& k, const double* HWY_RESTRICT rate, double* HWY_RESTRICT eps,
              long* HWY_RESTRICT stuck_epoch, const std::size_t count, const long epochs,
              const long record_every, const std::size_t records, double* HWY_RESTRICT history,
              const bool stop_at_first_stuck) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  constexpr std::size_t kBlock = 4;
  bool any_stuck = false;
  for (std::size_t base = 0; base < count; base += kBlock * lanes) {
    const std::size_t vectors = std::min(kBlock, (count - base) / lanes);
    hn::Vec<decltype(d)> e[kBlock], rc[kBlock];
    hn::Mask<decltype(d)> stuck[kBlock];
    for (std::size_t v = 0; v < kBlock; ++v) {
      const std::size_t at = base + std::min(v, vectors - 1) * lanes;
      e[v] = hn::LoadU(d, eps + at);
      rc[v] = hn::Mul(hn::LoadU(d, rate + at), hn::Set(d, k.scale));
      stuck[v] = hn::Lt(e[v], hn::Set(d, k.eps_nr));
    }
    HWY_ALIGN double first[kBlock][HWY_MAX_BYTES / sizeof(double)];
    for (std::size_t v = 0; v < kBlock; ++v)
      hn::Store(hn::IfThenElse(stuck[v], hn::Zero(d), hn::Set(d, -1.0)), d, first[v]);
    std::size_t record = 0;
    for (long epoch = 0;; ++epoch) {
      if (record_every > 0 && (epoch % record_every == 0 || epoch == epochs)) {
        for (std::size_t v = 0; v < vectors; ++v) {
          HWY_ALIGN double l[HWY_MAX_BYTES / sizeof(double)];
          hn::Store(e[v], d, l);
          for (std::size_t j = 0; j < lanes; ++j)
            history[(base + v * lanes + j) * records + record] = l[j];
        }
        ++record;
      }
      if (epoch == epochs) break;
      for (std::size_t v = 0; v < kBlock; ++v) {
        e[v] = Step(d, k, e[v], rc[v]);
        const auto now = hn::AndNot(stuck[v], hn::Lt(e[v], hn::Set(d, k.eps_nr)));
        if (!hn::AllFalse(d, now)) {
          const auto f = hn::IfThenElse(now, hn::Set(d, static_cast<double>(epoch + 1)),
                                        hn::Load(d, first[v]));
          hn::Store(f, d, first[v]);
          stuck[v] = hn::Or(stuck[v], now);
        }
      }
      if (stop_at_first_stuck && (epoch & 31) == 31) {
        bool some = false;
        for (std::size_t v = 0; v < vectors; ++v) some = some || !hn::AllFalse(d, stuck[v]);
        if (some) return true;
      }
    }
    for (std::size_t v = 0; v < vectors; ++v) {
      hn::StoreU(e[v], d, eps + base + v * lanes);
      any_stuck = any_stuck || !hn::AllFalse(d, stuck[v]);
      for (std::size_t j = 0; j < lanes; ++j)
        stuck_epoch[base + v * lanes + j] = static_cast<long>(first[v][j]);
    }
    if (stop_at_first_stuck && any_stuck) return true;
  }
  return any_stuck;
}

std::size_t LaneCount() { return hn::Lanes(hn::ScalableTag<double>()); }

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::ghost
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <utility>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/threshold_search.hpp>

namespace learndyn::fast::ghost {

HWY_EXPORT(RunBlock);
HWY_EXPORT(LaneCount);

namespace {

StepConstants constants(const DelayTask& task, double scale) {
  return {task.delay, task.delay + task.response, task.response, optimal_scale(task),
          point_of_no_return(task), scale};
}

// Runs padded to a whole number of SIMD vectors; padding runs repeat the last run and their
// results are dropped.
struct PaddedRuns {
  std::size_t count;  // the caller's runs
  std::size_t lanes;
  std::vector<double> eps, rates;
  std::vector<long> stuck;
};

PaddedRuns pad_runs(const std::vector<double>& eps0, const std::vector<double>& rates) {
  PaddedRuns r{eps0.size(), HWY_DYNAMIC_DISPATCH(LaneCount)(), {}, {}, {}};
  const std::size_t padded = (r.count + r.lanes - 1) / r.lanes * r.lanes;
  for (std::size_t j = 0; j < padded; ++j) {
    r.eps.push_back(eps0[std::min(j, r.count - 1)]);
    r.rates.push_back(rates[std::min(j, r.count - 1)]);
  }
  r.stuck.assign(padded, -1);
  return r;
}

// The chunks of the thread layer: 64 SIMD vectors' worth of runs, by size only (proofs/common.md
// C16). Runs are independent lanes, so a run's result does not depend on its chunk either.
Chunking run_chunks(const PaddedRuns& runs) { return Chunking(runs.eps.size(), 64 * runs.lanes); }

void validate_runs(const GradientDescentBatch& batch, long epochs) {
  validate(batch.task);
  require(batch.rates.size() == batch.eps0.size(), "rates",
          std::to_string(batch.rates.size()) + " values",
          "as many rates as starting points (" + std::to_string(batch.eps0.size()) + ")");
  for (double rate : batch.rates)
    require(rate > 0 && std::isfinite(rate), "eta", rate, "eta > 0");
  for (double e : batch.eps0)
    require(std::isfinite(e), "eps0", e, "a finite number");
  require(batch.scale > 0 && std::isfinite(batch.scale), "scale",
          batch.scale, "scale > 0");
  require(epochs >= 0, "epochs", epochs, "epochs >= 0");
}

}  // namespace

std::size_t gradient_descent_records(long epochs, long record_every) {
  return record_every > 0 ? static_cast<std::size_t>(epochs / record_every + 1 + (epochs % record_every != 0)) : 0;
}

double gradient_descent_bytes(std::size_t runs, long epochs, long record_every) {
  const double padded = static_cast<double>(runs) + 64;
  return padded * (24.0 * static_cast<double>(gradient_descent_records(epochs, record_every)) + 48);
}

GradientDescentResult run_gradient_descent(const GradientDescentBatch& batch, long epochs,
                                           long record_every, unsigned threads) {
  validate_runs(batch, epochs);
  require(record_every >= 0, "record_every", record_every, "record_every >= 0");
  const std::size_t n = batch.eps0.size();
  PaddedRuns runs = pad_runs(batch.eps0, batch.rates);
  GradientDescentResult out;
  out.records = gradient_descent_records(epochs, record_every);
  std::vector<double> history(runs.eps.size() * out.records);
  const auto k = constants(batch.task, batch.scale);
  parallel_for(run_chunks(runs), threads, [&](std::size_t lo, std::size_t hi) {
    HWY_DYNAMIC_DISPATCH(RunBlock)(k, runs.rates.data() + lo, runs.eps.data() + lo,
                                   runs.stuck.data() + lo, hi - lo, epochs, record_every,
                                   out.records, history.data() + lo * out.records, false);
  });
  std::vector<double> eps = std::move(runs.eps);
  std::vector<long> stuck = std::move(runs.stuck);
  eps.resize(n);
  stuck.resize(n);
  history.resize(n * out.records);
  out.loss_history.resize(history.size());
  std::vector<double> unused(history.size());
  analytic_loss_and_gradient(batch.task, history.data(), history.size(), out.loss_history.data(),
                             unused.data());
  for (double& l : out.loss_history) l *= batch.scale;
  out.eps = std::move(eps);
  out.stuck_epoch = std::move(stuck);
  out.eps_history = std::move(history);
  return out;
}

bool any_run_gets_stuck(const DelayTask& task, double scale, double rate,
                        const std::vector<double>& starts, long epochs, unsigned threads) {
  require(!starts.empty(), "starts", "(empty)", "at least one starting point");
  GradientDescentBatch batch{task, scale, std::vector<double>(starts.size(), rate), starts};
  validate_runs(batch, epochs);
  PaddedRuns runs = pad_runs(batch.eps0, batch.rates);
  const auto k = constants(task, scale);
  std::atomic<bool> found{false};
  parallel_for(run_chunks(runs), threads, [&](std::size_t lo, std::size_t hi) {
    // Chunks left once a run got stuck are skipped: the answer is already known.
    if (found.load(std::memory_order_relaxed)) return;
    if (HWY_DYNAMIC_DISPATCH(RunBlock)(k, runs.rates.data() + lo, runs.eps.data() + lo, runs.stuck.data() + lo,
                                       hi - lo, epochs, 0, 0, nullptr, true))
      found.store(true, std::memory_order_relaxed);
  });
  return found.load();
}

Bracket numerical_critical_rate(const DelayTask& task, double scale,
                                const std::vector<double>& starts, long epochs, double rel_tol,
                                unsigned threads) {
  return bracket_threshold(
      [&](double rate) { return any_run_gets_stuck(task, scale, rate, starts, epochs, threads); },
      rel_tol);
}

}  // namespace learndyn::fast::ghost
#endif  // HWY_ONCE
