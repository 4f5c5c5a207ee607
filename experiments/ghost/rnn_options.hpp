// The network, task and training options of `learndyn ghost rnn-*` and of
// learndyn.ghost.rnn_train, as given (text, exactly as typed; empty: the default), and the
// RunSpec they describe: the task's paper defaults (fast::ghost::default_run), then every given
// option, each checked with a message naming it. With the user's parameters (--weights, the
// Python `weights` dict) N, rank and the readout default to theirs, and options contradicting
// them are refused (require_weights_fit). One builder for the CLI and the Python package.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <learndyn/experiments/ghost/rnn_weights.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

struct RnnOptionText {
  std::string task = "da", neurons, rank, readout, timing, alpha, beta, kappa_th, confidence, lr, optimizer = "sgd",
              epochs, seed = "0", record_every, noise, init, input, delay, response, initial, initial_sigma, trials,
              change_epoch, changed_beta, changed_confidence, learned = "0.05",
              confidence_readout = "projected", changed_readout, learn_beta = "off";
};

// The run described by the options (epochs default to `default_epochs`); fast::ghost::validate'd.
// Throws ArgumentError naming the option (its CLI name without the dashes: N, kappa-th, ...).
fast::ghost::RunSpec run_spec_of(const RnnOptionText& o, long default_epochs);

// The user's parameters as the start of the run: refuses `init` (they replace the draw), reads
// them with `read` (read_rnn_weights of a file, weights_from_arrays of a dict), and defaults N,
// rank and (rank-one DA with W_out) the readout to theirs in `o`.
RnnWeights weights_with_defaults(RnnOptionText& o, const std::function<RnnWeights()>& read);

// run_spec_of, then, with weights, require_weights_fit.
fast::ghost::RunSpec run_spec_with_weights(const RnnOptionText& o, long default_epochs,
                                           const std::optional<RnnWeights>& weights);

// The `learned` threshold: > 0 and finite.
double learned_of(const RnnOptionText& o);

// The readout's name in reports: latent, sigmoid, tanh, confidence.
const char* readout_name(fast::ghost::RnnReadout r);

}  // namespace learndyn::experiments::ghost
