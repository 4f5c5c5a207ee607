#include <learndyn/experiments/ghost/slow_points.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/experiments/ghost/divergence.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_dynamics.hpp>

namespace learndyn::experiments::ghost {
namespace {
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;

// One full-space search (R26) on one core, for the estimate announced up front: damped Newton
// on q, each step a dense N x N factorisation and the classification's eigenvalues, O(N^3).
// Measured on the 2-core development machine (rank 0, DA, at epoch 0): 0.69 s a start at N = 256,
// 5.0 s at N = 512, i.e. ~4e-8 N^3 s (at N = 4096 about 45 min a start).
constexpr double kNewtonSecondsPerCube = 4e-8;
double newton_start_seconds(int n) { return kNewtonSecondsPerCube * std::pow(static_cast<double>(n), 3); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The states are read with a unit readout: the readout does not enter the dynamics.
rg::RnnParams<double> state_params(const fg::RnnNet& net) {
  rg::RnnParams<double> q = oracle::to_reference<double>(net);
  q.w_out = Eigen::VectorXd::Ones(q.b.size());
  return q;
}

rg::RnnConfig<double> state_config(const fg::RunSpec& s) {
  rg::RnnConfig<double> c;
  c.alpha = s.config.alpha;
  c.readout = rg::RnnReadout::sigmoid;
  return c;
}

Table latent_picture(const fg::RunSpec& s, const fg::RnnNet& net) {
  const rg::RnnParams<double> p = oracle::to_reference<double>(net);
  Table t;
  if (s.rank == 1) {
    t.columns = {"kappa", "flow"};
    const double w = p.Nm.col(0).lpNorm<1>() + 1;  // the search box (R30)
    for (int j = 0; j <= 400; ++j) {
      const double k = -w + 2 * w * j / 400.0;
      t.add_row({k, rg::latent_derivatives(p, k).f});
    }
    return t;
  }
  t.columns = {"trial", "kappa_1", "kappa_2"};
  t.integer_columns = {"trial"};
  const rg::RnnBatch<double> batch = oracle::to_reference<double>(fg::make_batch(s, s.seed + 1));
  const rg::RnnConfig<double> c = state_config(s);
  const rg::RnnParams<double> q = state_params(net);
  for (int b = 0; b < batch.target.rows(); ++b) {
    const Eigen::MatrixXd kappa = rg::latent_trajectory(c, q, batch, b);
    for (Eigen::Index k = 0; k < kappa.cols(); ++k) t.add_row({static_cast<double>(b), kappa(0, k), kappa(1, k)});
  }
  return t;
}

}  // namespace

Eigen::MatrixXd visited_states(const fg::RunSpec& s, const fg::RnnNet& net, int stride) {
  const rg::RnnBatch<double> batch = oracle::to_reference<double>(fg::make_batch(s, s.seed + 1));
  const rg::RnnConfig<double> c = state_config(s);
  const rg::RnnParams<double> q = state_params(net);
  std::vector<Eigen::VectorXd> starts;
  for (int b = 0; b < batch.target.rows(); ++b) {
    const Eigen::MatrixXd r = rg::rnn_states(c, q, batch, b);
    for (Eigen::Index k = 0; k < r.cols(); k += stride) starts.push_back(r.col(k));
  }
  Eigen::MatrixXd out(q.b.size(), static_cast<Eigen::Index>(starts.size()));
  for (std::size_t j = 0; j < starts.size(); ++j) out.col(static_cast<Eigen::Index>(j)) = starts[j];
  return out;
}

SlowPointResult run_rnn_slow_points(const fg::RunSpec& s, const SlowPointSettings& settings) {
  require(!settings.epochs.empty(), "at", "''", "a comma-separated list of epochs");
  require(std::is_sorted(settings.epochs.begin(), settings.epochs.end()) &&
              std::adjacent_find(settings.epochs.begin(), settings.epochs.end()) == settings.epochs.end(),
          "at", settings.epochs.front(), "epochs in increasing order");
  require(settings.grid >= 3 && settings.grid <= 4001, "points", settings.grid, "3..4001");
  require(settings.stride >= 1, "stride", settings.stride, ">= 1");
  require(settings.max_speed >= 0, "max-speed", settings.max_speed, ">= 0");
  fg::validate(s);
  require_run_memory(s, 1);
  SlowPointResult out;
  out.latent_search = s.rank >= 1 && s.rank <= 2;
  Table& t = out.points;
  t.columns = {"epoch", "kind", "speed", "flow_norm", "kappa_1", s.rank == 1 ? "flow" : "kappa_2", "lambda_1_re",
               "lambda_1_im", "lambda_2_re", "lambda_2_im", "max_re_other", "stable", "eps"};
  t.integer_columns = {"epoch", "stable"};
  std::vector<std::string> kinds;
  for (rg::PointKind k : {rg::PointKind::fixed_point, rg::PointKind::ghost, rg::PointKind::slow_point,
                          rg::PointKind::saddle, rg::PointKind::unconverged})
    kinds.push_back(rg::point_kind_name(k));
  t.label_columns = {{"kind", kinds}};
  fg::RnnTrainer trainer = settings.start ? fg::RnnTrainer(s, *settings.start) : fg::RnnTrainer(s);
  out.initial_net = trainer.net();
  const std::string lr_text = render_value(s.lr);
  require(settings.record_every >= 0, "record-every", settings.record_every, ">= 0");
  if (settings.record_every > 0) {
    out.curve.columns = {"epoch", "loss", "gradient_norm", "accuracy"};
    out.curve.integer_columns = {"epoch"};
  }
  if (settings.outputs) {
    out.outputs.columns = {"epoch", "class", "step", "output", "target", "key"};
    out.outputs.integer_columns = {"epoch", "class", "step", "key"};
  }
  Progress training("ghost rnn-slow-points", "training epoch", static_cast<double>(settings.epochs.back()));
  for (long e : settings.epochs) {
    while (trainer.epochs_done() < e) {  // a diverged net (NaN) would have no objects
      training.update(static_cast<double>(trainer.epochs_done()));
      const long epoch = trainer.epochs_done();
      const double loss = trainer.epoch();
      require_finite_loss(loss, "lr", lr_text, s.lr, trainer.epochs_done());
      if (settings.record_every > 0 && epoch % settings.record_every == 0)  // (R59)
        out.curve.add_row({static_cast<double>(epoch), loss, trainer.last_gradient_norm(), trainer.last_accuracy()});
    }
    if (settings.outputs) {  // (R60) the class means of the analysis batch's outputs, the run's readout
      const fg::RnnBatch fast_batch = fg::make_batch(s, s.seed + 1);
      const rg::RnnBatch<double> batch = oracle::to_reference<double>(fast_batch);
      const Eigen::MatrixXd y =
          rg::rnn_outputs(oracle::to_reference<double>(s.config), oracle::to_reference<double>(trainer.net()), batch);
      // Trial b belongs to class b mod classes; every trial of a class has the class's target.
      const int classes = fg::trials_of(s) / s.trials_per_class;
      for (int c = 0; c < classes; ++c)
        for (Eigen::Index k = 0; k < y.cols(); ++k) {
          double sum = 0;
          for (int b = c; b < y.rows(); b += classes) sum += y(b, k);
          out.outputs.add_row({static_cast<double>(e), static_cast<double>(c), static_cast<double>(k),
                               sum / static_cast<double>(s.trials_per_class), batch.target(c, k), static_cast<double>(10 * e + c)});
        }
    }
    const rg::RnnParams<double> p = oracle::to_reference<double>(trainer.net());
    auto options = rg::default_search_options<double>();
    std::vector<rg::DynamicalObject<double>> found;
    if (out.latent_search) {
      found = rg::find_latent_objects(p, Eigen::VectorXd(), settings.grid, options);
    } else {
      const Eigen::MatrixXd starts = visited_states(s, trainer.net(), settings.stride);
      const double starts_count = static_cast<double>(starts.cols());
      Progress progress("ghost rnn-slow-points", "Newton start", starts_count,
                        "epoch " + std::to_string(e) + ": " + render_count(starts_count) + " Newton searches in N = " +
                            std::to_string(s.neurons) + " dimensions",
                        starts_count * newton_start_seconds(s.neurons));
      options.on_start = [&](long done, long) { progress.update(static_cast<double>(done)); };
      found = rg::find_objects(p, starts, options);
    }
    if (out.latent_search) out.pictures.push_back(latent_picture(s, trainer.net()));
    EpochCounts n{e, 0, 0, 0};
    for (const auto& obj : found) {
      if (!(obj.speed <= settings.max_speed)) continue;
      n.fixed_points += obj.kind == rg::PointKind::fixed_point;
      n.ghosts += obj.kind == rg::PointKind::ghost;
      n.slow_points += obj.kind == rg::PointKind::slow_point;
      double eps = kNaN;
      if (s.rank == 1 && obj.kind != rg::PointKind::fixed_point) {
        const auto d = rg::latent_derivatives(p, obj.latent(0));
        eps = d.f * d.f2 / 2;  // (R32)
      }
      const auto lam = [&](std::size_t i, bool im) {
        return i < obj.eigenvalues.size() ? (im ? obj.eigenvalues[i].imag() : obj.eigenvalues[i].real()) : kNaN;
      };
      // Rank 1: the second latent column carries f(kappa), the flow at the point.
      const double second = obj.latent.size() > 1 ? obj.latent(1)
                            : s.rank == 1         ? rg::latent_derivatives(p, obj.latent(0)).f
                                                  : kNaN;
      // The largest real part of the eigenvalues other than the smallest in modulus: < 0 is
      // the transverse stability that separates a ghost from a slow point (R28).
      double max_re_other = -std::numeric_limits<double>::infinity();
      for (std::size_t i = 1; i < obj.eigenvalues.size(); ++i)
        max_re_other = std::max(max_re_other, obj.eigenvalues[i].real());
      t.add_row({static_cast<double>(e), static_cast<double>(static_cast<int>(obj.kind)), obj.speed, obj.flow_norm,
                 obj.latent.size() > 0 ? obj.latent(0) : kNaN, second, lam(0, false), lam(0, true), lam(1, false),
                 lam(1, true), max_re_other,
                 obj.kind == rg::PointKind::fixed_point ? (obj.stable ? 1.0 : 0.0) : kNaN, eps});
    }
    out.counts.push_back(n);
  }
  out.final_net = trainer.net();
  return out;
}

}  // namespace learndyn::experiments::ghost
