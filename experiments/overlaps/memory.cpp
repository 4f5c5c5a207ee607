#include <learndyn/experiments/overlaps/memory.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <Eigen/Cholesky>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/experiments/overlaps/statistics.hpp>
#include <learndyn/experiments/overlaps/support.hpp>

namespace learndyn::experiments::overlaps {

MemorySettings memory_defaults() {
  MemorySettings s;
  s.task_a.dt = s.dt;
  s.task_a.t_max = s.t_max;
  s.task_a.batch = s.batch;
  s.task_a.wait_min = 1;
  s.task_a.wait_max = 2;
  s.task_a.input_amplitude = 2;
  s.task_a.target_amplitude = 1;
  s.task_b.dt = s.dt;
  s.task_b.t_max = s.t_max;
  s.task_b.batch = s.batch;
  s.task_c.sigma = paper_teacher_sigma();
  s.task_c.pulses.dt = s.dt;
  s.task_c.pulses.t_max = s.t_max;
  s.task_c.pulses.batch = s.batch;
  return s;
}

void validate(const MemorySettings& s) {
  require(s.pairs >= 2, "pairs", s.pairs, "pairs >= 2");
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(duration_steps(s.t_max, s.dt) >= 1, "t-max", s.t_max, "t_max >= dt");
  require(s.batch >= 1, "batch", s.batch, "batch >= 1");
  require(s.epochs_ab >= 0, "epochs-ab", s.epochs_ab, ">= 0");
  require(s.epochs_c >= 0, "epochs-c", s.epochs_c, ">= 0");
  require(s.lr_ab > 0 && std::isfinite(s.lr_ab), "lr-ab", s.lr_ab, "> 0");
  require(s.lr_drop >= 1 && std::isfinite(s.lr_drop), "lr-drop", s.lr_drop, ">= 1");
  require(s.lr_c > 0 && std::isfinite(s.lr_c), "lr-c", s.lr_c, "> 0");
  require(s.init_offdiagonal_sd >= 0 && s.init_norm_min > 0 && s.init_norm_max >= s.init_norm_min, "init",
          s.init_offdiagonal_sd, "sd >= 0, 0 < norm_min <= norm_max");
  require(s.splits >= 1, "splits", s.splits, ">= 1");
  require(s.train_pairs >= 1 && s.test_pairs >= 1 && s.train_pairs + s.test_pairs <= s.pairs, "train-pairs",
          s.train_pairs, "train_pairs, test_pairs >= 1 with train_pairs + test_pairs <= pairs");
  require(s.feature_noise >= 0 && std::isfinite(s.feature_noise), "feature-noise", s.feature_noise, ">= 0");
  require(s.penalty_c > 0 && std::isfinite(s.penalty_c), "penalty-c", s.penalty_c, "> 0");
  require(s.record_every >= 1, "record-every", s.record_every, ">= 1");
  require(s.task_c.sigma.rows() == 4 && s.task_c.sigma.cols() == 4, "teacher", static_cast<long>(s.task_c.sigma.rows()),
          "a 4 x 4 Sigma");
}

namespace {

// The public code's random start (E18), redrawn until positive definite (order z, v, m, u).
Eigen::MatrixXd initial_sigma(const MemorySettings& s, NormalStream& normals) {
  for (int attempt = 0; attempt < 100000; ++attempt) {
    double off[6];  // zm, zu, vm, vu, mu, zv (the public code's order of draws)
    for (double& x : off) x = std::fabs(s.init_offdiagonal_sd * normals.next());
    double norm[4];  // mm, uu, vv, zz
    for (double& x : norm) x = s.init_norm_min + (s.init_norm_max - s.init_norm_min) * normals.rng().uniform();
    Eigen::MatrixXd sigma(4, 4);
    sigma << norm[3], off[5], off[0], off[1],
             off[5], norm[2], off[2], off[3],
             off[0], off[2], norm[0], off[4],
             off[1], off[3], off[4], norm[1];
    Eigen::LLT<Eigen::MatrixXd> llt(sigma);
    if (llt.info() == Eigen::Success) return sigma;
  }
  throw ArgumentError("init", std::to_string(s.init_offdiagonal_sd), "settings that give a positive definite Sigma");
}

// One step of the overlap dynamics from the gradient matrix G: the exact map (O16), Euler
// (O17) or RK4 is not offered here (the solver's own RK4 needs the task inside the step).
void apply_step(const Eigen::MatrixXd& G, double lr, fo::Stepper stepper, Eigen::MatrixXd& sigma) {
  if (stepper == fo::Stepper::exact_map) {
    const Eigen::MatrixXd M = Eigen::MatrixXd::Identity(sigma.rows(), sigma.cols()) - lr * G;
    sigma = M * sigma * M;
  } else {
    const Eigen::MatrixXd GS = G * sigma;
    sigma -= lr * (GS + GS.transpose());
  }
  sigma = 0.5 * (sigma + sigma.transpose());
}

// A diverged Sigma is the rate's doing: the refusal names the phase's rate option (lr-ab or
// lr-c) and its value, so that the CLI exits 2 naming what the user can lower.
void check_finite(const Eigen::MatrixXd& sigma, int pair, int twin, long epoch, const char* rate, double lr) {
  if (sigma.allFinite()) return;
  throw ArgumentError(rate, render_value(lr),
                      "a rate at which the overlap dynamics stay finite (Sigma diverged at pair " +
                          std::to_string(pair) + ", twin " + (twin == 0 ? "A" : "B") + ", epoch " +
                          std::to_string(epoch) + "; lower it or use the exact map)");
}

// One epoch on `task`: the loss before the step, then the step at rate lr.
double epoch_on(const fo::Model& model, const fo::Task& task, double lr, fo::Stepper stepper, Eigen::MatrixXd& sigma) {
  fo::OverlapSolver solver(model, task);
  Eigen::MatrixXd G;
  const double loss = solver.gradient(sigma, G);
  apply_step(G, lr, stepper, sigma);
  return loss;
}

struct Twin {
  Eigen::MatrixXd sigma;
  double lr = 0;
  long drop_epoch = -1;
  double loss = 0;
  std::vector<std::vector<double>> rows;  // trajectory rows without the pair column
};

struct PairRun {
  Eigen::MatrixXd start, end_ab[2], end_c[2];
  Twin twin[2];
  double loss_ab[2] = {0, 0}, loss_c[2] = {0, 0};
};

void record(Twin& t, int twin, long epoch, int phase, double loss, const Eigen::MatrixXd& sigma) {
  std::vector<double> row{static_cast<double>(twin), static_cast<double>(epoch), static_cast<double>(phase), loss, t.lr};
  const Eigen::VectorXd v = overlap_values(sigma, 1, fo::Activation::erf);
  row.insert(row.end(), v.data(), v.data() + v.size());
  t.rows.push_back(std::move(row));
}

void run_pair(const MemorySettings& s, int pair, PairRun& run) {
  const fo::Model model = fo::erf_model(1, s.dt);
  NormalStream init(derived_seed(s.seed, 10 * static_cast<std::uint64_t>(pair)));
  run.start = initial_sigma(s, init);
  Rng stream_a(derived_seed(s.seed, 10 * static_cast<std::uint64_t>(pair) + 1));
  NormalStream stream_b(derived_seed(s.seed, 10 * static_cast<std::uint64_t>(pair) + 2));
  NormalStream stream_c(derived_seed(s.seed, 10 * static_cast<std::uint64_t>(pair) + 3));
  // Phase 1: twin 0 on A (flip-flop), twin 1 on B (decision making).
  for (int k = 0; k < 2; ++k) {
    Twin& t = run.twin[k];
    t.sigma = run.start;
    t.lr = s.lr_ab;
    for (long e = 0; e < s.epochs_ab; ++e) {
      const fo::Task task = k == 0 ? flip_flop(s.task_a, stream_a) : decision_making(s.task_b, stream_b);
      fo::OverlapSolver solver(model, task);
      Eigen::MatrixXd G;
      const Eigen::MatrixXd before = t.sigma;
      const double loss = solver.gradient(t.sigma, G);
      // The public code checks the loss before its update and lowers the rate for that update.
      if (t.drop_epoch < 0 && loss < s.drop_below) {
        t.lr /= s.lr_drop;
        t.drop_epoch = e;
      }
      if (e % s.record_every == 0) record(t, k, e, 0, loss, before);
      apply_step(G, t.lr, s.stepper, t.sigma);
      check_finite(t.sigma, pair, k, e + 1, "lr-ab", s.lr_ab);
      t.loss = loss;
    }
    run.end_ab[k] = t.sigma;
    run.loss_ab[k] = t.loss;
  }
  // Phase 2: both twins on C, the same batches.
  for (int k = 0; k < 2; ++k) run.twin[k].lr = s.lr_c;
  for (long e = 0; e <= s.epochs_c; ++e) {
    const long epoch = s.epochs_ab + e;
    const bool last = e == s.epochs_c;
    const fo::Task task = teacher_task(s.task_c, stream_c);
    for (int k = 0; k < 2; ++k) {
      Twin& t = run.twin[k];
      double loss;
      const Eigen::MatrixXd before = t.sigma;
      if (last) {
        loss = fo::overlap_loss(model, t.sigma, task);
      } else {
        loss = epoch_on(model, task, t.lr, s.stepper, t.sigma);
        check_finite(t.sigma, pair, k, epoch + 1, "lr-c", s.lr_c);
      }
      if (epoch % s.record_every == 0 || e == 0 || last) record(t, k, epoch, 1, loss, before);
      if (last) run.loss_c[k] = loss;
    }
  }
  for (int k = 0; k < 2; ++k) run.end_c[k] = run.twin[k].sigma;
}

// max over the chosen group of |twin A - twin B|.
double group_distance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const std::vector<bool>& visible, bool group) {
  const Eigen::VectorXd va = overlap_values(a, 1, fo::Activation::erf), vb = overlap_values(b, 1, fo::Activation::erf);
  double worst = 0;
  for (Eigen::Index i = 0; i < va.size(); ++i)
    if (visible[i] == group) worst = std::max(worst, std::fabs(va(i) - vb(i)));
  return worst;
}

// A random permutation of 0..n-1 (Fisher-Yates from the stream).
std::vector<int> permutation(int n, Rng& rng) {
  std::vector<int> p(n);
  std::iota(p.begin(), p.end(), 0);
  for (int i = n - 1; i > 0; --i) std::swap(p[i], p[static_cast<int>(rng.uniform() * (i + 1)) % (i + 1)]);
  return p;
}

}  // namespace

Decoding decode_history(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, bool keep_pairs,
                        const MemorySettings& s, std::uint64_t seed) {
  const int n = static_cast<int>(a.rows()), p = static_cast<int>(a.cols());
  require(b.rows() == n && b.cols() == p && n >= s.train_pairs + s.test_pairs, "pairs", n,
          "as many twins A as B, at least train_pairs + test_pairs");
  std::vector<double> accuracy;
  for (int run = 0; run < s.splits; ++run) {
    NormalStream normals(derived_seed(seed, static_cast<std::uint64_t>(run)));
    std::vector<int> train_a, train_b, test_a, test_b;
    if (keep_pairs) {  // both twins of a pair on the same side
      const std::vector<int> order = permutation(n, normals.rng());
      for (int i = 0; i < s.train_pairs + s.test_pairs; ++i) {
        (i < s.train_pairs ? train_a : test_a).push_back(order[i]);
        (i < s.train_pairs ? train_b : test_b).push_back(order[i]);
      }
    } else {  // stratified: the A and B samples split independently
      const std::vector<int> oa = permutation(n, normals.rng()), ob = permutation(n, normals.rng());
      for (int i = 0; i < s.train_pairs + s.test_pairs; ++i) {
        (i < s.train_pairs ? train_a : test_a).push_back(oa[i]);
        (i < s.train_pairs ? train_b : test_b).push_back(ob[i]);
      }
    }
    const int m = static_cast<int>(train_a.size() + train_b.size());
    Eigen::MatrixXd X(m, p);
    std::vector<int> labels;
    int row = 0;
    for (int i : train_a) {
      X.row(row++) = a.row(i);
      labels.push_back(0);
    }
    for (int i : train_b) {
      X.row(row++) = b.row(i);
      labels.push_back(1);
    }
    for (int r = 0; r < m; ++r)
      for (int c = 0; c < p; ++c) X(r, c) += s.feature_noise * normals.next();  // noise on training only
    const LogisticModel model = fit_logistic(X, labels, s.penalty_c);
    int correct = 0, total = 0;
    for (int i : test_a) {
      correct += predict(model, a.row(i).transpose()) == 0 ? 1 : 0;
      ++total;
    }
    for (int i : test_b) {
      correct += predict(model, b.row(i).transpose()) == 1 ? 1 : 0;
      ++total;
    }
    accuracy.push_back(static_cast<double>(correct) / total);
  }
  Decoding d;
  for (double x : accuracy) d.mean += x;
  d.mean /= static_cast<double>(accuracy.size());
  for (double x : accuracy) d.std += (x - d.mean) * (x - d.mean);
  d.std = std::sqrt(d.std / static_cast<double>(accuracy.size()));  // population s.d., as numpy's std
  return d;
}

void require_memory_run_memory(const MemorySettings& s, bool json_table) {
  validate(s);
  // The trajectory: every record_every-th epoch of both twins of every pair, 16 doubles a row,
  // held by the pair and then by the table, and rendered (~7 bytes a cell as CSV, ~100 as a
  // JSON document); one epoch's batch of trials per thread (~72 bytes a trial step). Measured:
  // 599 MB for 1.6e6 CSV rows, 1.44 GB for 8e5 JSON rows, 1.16 GB for 2 x 20000 x 400 trial steps.
  const double epochs = static_cast<double>(s.epochs_ab) + static_cast<double>(s.epochs_c);
  const double rows = 2.0 * s.pairs * (std::floor(epochs / static_cast<double>(s.record_every)) + 3);
  const double table = rows * 16 * (2 * 8 + (json_table ? 100 : 7));
  const unsigned threads = parallel_workers(static_cast<std::size_t>(s.pairs), s.threads);
  const double batches = threads * 72.0 * s.batch * static_cast<double>(duration_steps(s.t_max, s.dt));
  require_memory_terms(20e6, {{table, s.record_every > 1 ? "record-every" : "epochs-ab",  // 20 MB: the program
                               s.record_every > 1 ? render_value(s.record_every) : render_value(s.epochs_ab)},
                              {batches, "batch", render_value(s.batch)}});
}

MemoryResult run_memory(const MemorySettings& s) {
  validate(s);
  std::vector<PairRun> runs(s.pairs);
  Progress progress("overlaps memory", "pair", static_cast<double>(s.pairs));
  parallel_for_each(static_cast<std::size_t>(s.pairs), s.threads, [&](std::size_t i) {
    run_pair(s, static_cast<int>(i), runs[i]);
    progress.advance();
  });

  MemoryResult result;
  result.overlap_names = overlap_names(1, fo::Activation::erf);
  result.visible = overlap_visibility(1, fo::Activation::erf);
  result.trajectory.columns = {"pair", "twin", "epoch", "phase", "loss", "lr"};
  for (const auto& name : result.overlap_names) result.trajectory.columns.push_back(name);
  for (int i = 0; i < s.pairs; ++i)
    for (int k = 0; k < 2; ++k)
      for (auto& row : runs[i].twin[k].rows) {
        row.insert(row.begin(), static_cast<double>(i));
        result.trajectory.add_row(std::move(row));
      }

  result.pairs.columns = {"pair", "visible_distance_ab", "invisible_distance_ab", "visible_distance_c",
                          "invisible_distance_c", "loss_a_end", "loss_b_end", "loss_c_twin_a", "loss_c_twin_b",
                          "drop_epoch_a", "drop_epoch_b"};
  for (int i = 0; i < s.pairs; ++i) {
    const PairRun& r = runs[i];
    result.pairs.add_row({static_cast<double>(i), group_distance(r.end_ab[0], r.end_ab[1], result.visible, true),
                          group_distance(r.end_ab[0], r.end_ab[1], result.visible, false),
                          group_distance(r.end_c[0], r.end_c[1], result.visible, true),
                          group_distance(r.end_c[0], r.end_c[1], result.visible, false), r.loss_ab[0], r.loss_ab[1],
                          r.loss_c[0], r.loss_c[1], static_cast<double>(r.twin[0].drop_epoch),
                          static_cast<double>(r.twin[1].drop_epoch)});
  }

  // Features at the three times, split into the visible and invisible columns.
  result.decoding.columns = {"time", "features", "split", "accuracy_mean", "accuracy_std", "paper"};
  Summary& sum = result.summary;
  const char* time_names[] = {"start", "after_ab", "after_c"};
  for (int time = 0; time < 3; ++time) {
    for (int group = 0; group < 2; ++group) {
      const bool visible = group == 0;
      std::vector<int> cols;
      for (std::size_t c = 0; c < result.visible.size(); ++c)
        if (result.visible[c] == visible) cols.push_back(static_cast<int>(c));
      Eigen::MatrixXd a(s.pairs, cols.size()), b(s.pairs, cols.size());
      for (int i = 0; i < s.pairs; ++i) {
        const Eigen::MatrixXd& sa = time == 0 ? runs[i].start : time == 1 ? runs[i].end_ab[0] : runs[i].end_c[0];
        const Eigen::MatrixXd& sb = time == 0 ? runs[i].start : time == 1 ? runs[i].end_ab[1] : runs[i].end_c[1];
        const Eigen::VectorXd va = overlap_values(sa, 1, fo::Activation::erf), vb = overlap_values(sb, 1, fo::Activation::erf);
        for (std::size_t c = 0; c < cols.size(); ++c) {
          a(i, c) = va(cols[c]);
          b(i, c) = vb(cols[c]);
        }
      }
      for (int split = 0; split < 2; ++split) {
        const bool paper = (time == 0) == (split == 0);
        const Decoding d = decode_history(a, b, split == 0, s, derived_seed(s.seed, 1000 + 10 * time + 2 * group + split));
        result.decoding.add_row({static_cast<double>(time), static_cast<double>(group), static_cast<double>(split),
                                 d.mean, d.std, paper ? 1.0 : 0.0});
        if (paper)
          sum.add(std::string("decoding_") + (visible ? "visible_" : "invisible_") + time_names[time], d.mean);
      }
    }
  }
  const auto mean_of = [&](const char* column) {
    const auto v = result.pairs.column(column);
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  sum.add("mean_visible_distance_ab", mean_of("visible_distance_ab"));
  sum.add("mean_invisible_distance_ab", mean_of("invisible_distance_ab"));
  sum.add("mean_visible_distance_c", mean_of("visible_distance_c"));
  sum.add("mean_invisible_distance_c", mean_of("invisible_distance_c"));
  sum.add("mean_loss_a_end", mean_of("loss_a_end"));
  sum.add("mean_loss_b_end", mean_of("loss_b_end"));
  sum.add("mean_loss_c_end", 0.5 * (mean_of("loss_c_twin_a") + mean_of("loss_c_twin_b")));
  return result;
}

}  // namespace learndyn::experiments::overlaps
