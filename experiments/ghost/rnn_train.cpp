#include <learndyn/experiments/ghost/rnn_train.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/experiments/ghost/divergence.hpp>

namespace learndyn::experiments::ghost {

void require_run_memory(const fast::ghost::RunSpec& s, double concurrent, double kept_results) {
  // The terms the user controls: the states of the trials (--trials), the weights (--N), the
  // runs at once beyond the first (--threads), and for a sweep the finished runs it keeps
  // (--seeds). 10 MB: the program itself.
  fast::ghost::RunSpec one_trial = s;
  one_trial.trials_per_class = 1;
  const double run = fast::ghost::run_memory_bytes(s), single = fast::ghost::run_memory_bytes(one_trial);
  require_memory_terms(10e6, {{single, "N", render_value(s.neurons)},
                              {run - single, "trials", render_value(s.trials_per_class)},
                              {(concurrent - 1) * run, "threads", render_value(concurrent)},
                              {kept_results * fast::ghost::run_result_bytes(s), "seeds",
                               render_value(kept_results) + " runs kept"}});
}

TrainResult run_rnn_train(const fast::ghost::RunSpec& s, const TrainSettings& settings) {
  require(settings.learned > 0 && std::isfinite(settings.learned), "learned", settings.learned, "> 0 (finite)");
  require(settings.track_every == 0 || s.rank == 1, "track-every", settings.track_every, "0 unless rank 1");
  fast::ghost::validate(s);
  require_run_memory(s, 1);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  fast::ghost::RnnTrainer trainer = settings.start ? fast::ghost::RnnTrainer(s, *settings.start)
                                                   : fast::ghost::RnnTrainer(s);
  TrainResult out;
  out.initial_net = trainer.net();
  out.curve.columns = {"epoch", "loss", "gradient_norm", "fixed_points", "ghost_eps", "ghost_kappa", "accuracy"};
  out.curve.integer_columns = {"epoch", "fixed_points"};
  const std::string lr_text = render_value(s.lr);
  double min_loss = std::numeric_limits<double>::infinity();
  Progress progress("ghost rnn-train", "epoch", static_cast<double>(s.epochs));
  for (long e = 0; e < s.epochs; ++e) {
    progress.update(static_cast<double>(e));
    if (e == s.change_epoch) trainer.apply_change();
    const bool tracked = settings.track_every > 0 && e % settings.track_every == 0;
    RankOneState rs;
    if (tracked) rs = rank_one_state(trainer.net());  // before the update, like the loss
    const double loss = trainer.epoch();
    require_finite_loss(loss, "lr", lr_text, s.lr, e);
    min_loss = std::min(min_loss, loss);
    if (out.first_learned_epoch < 0 && loss < settings.learned) out.first_learned_epoch = e;
    if (e % s.record_every == 0 || e + 1 == s.epochs || tracked)
      out.curve.add_row({static_cast<double>(e), loss, trainer.last_gradient_norm(),
                         tracked ? static_cast<double>(rs.fixed_points) : kNaN, rs.ghost_eps, rs.ghost_kappa,
                         trainer.last_accuracy()});
  }
  require_finite_loss(trainer.loss(), "lr", lr_text, s.lr, s.epochs);
  out.final_loss = trainer.loss();
  out.final_accuracy = trainer.accuracy();
  out.final_beta = trainer.config().beta;
  out.min_loss = std::min(min_loss, out.final_loss);  // every epoch's loss and the final one, as RunResult
  if (s.rank == 1) out.final_state = rank_one_state(trainer.net());
  out.final_net = trainer.net();
  return out;
}

}  // namespace learndyn::experiments::ghost
