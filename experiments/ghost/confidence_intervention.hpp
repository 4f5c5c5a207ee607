// Paper Fig. 8C: full-rank DCD networks trained by Adam at a high rate (a no-learning zone), then,
// at the intervention epoch, their readout's confidence fixed to c by the confidence readout
// (Eq. 40, R8) with the public code's projection (R45) or the gradient through the norm (R8a);
// scored by the public code's accuracy (R47). The protocol: proofs/ghost_rnn.md R49.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

struct ConfidenceInterventionOptions {
  // c of the readout after the intervention; +infinity: no intervention (the tanh readout goes on).
  std::vector<double> confidences = {0.1, 0.5, 1, 3, std::numeric_limits<double>::infinity()};
  long epochs_before = 10000, epochs_after = 10000;  // the intervention at epoch epochs_before
  long seeds = 100;                                  // seeds 0..seeds-1 per c
  double lr = 0.1;                                   // Adam
  int neurons = 100;
  int trials = 10;       // per class (B = 20)
  double noise = 1e-3;   // s.d. inside tanh
  long record_every = 200;
  fast::ghost::ConfidenceReadout readout = fast::ghost::ConfidenceReadout::projected;
  unsigned threads = 0;  // 0: every core (results do not depend on it)

  // The public code's protocol (100 seeds, 10,000 + 10,000 epochs: hours on 2 cores) and a
  // quick one of about a minute on 2 cores (4 seeds, 600 + 600 epochs, the same network).
  static ConfidenceInterventionOptions paper();
  static ConfidenceInterventionOptions quick();
};

struct ConfidenceInterventionResult {
  std::vector<fast::ghost::RunSpec> specs;  // per c (in order), seeds 0..seeds-1
  // confidence (a label: the c as text, "inf" for none; the value is its index in
  // options.confidences), epoch, mean_accuracy, sem_accuracy, mean_loss, sem_loss over seeds:
  // the accuracy (R47) and loss of each recorded epoch's forward pass.
  Table curves;
  // confidence, accuracy_before (mean over seeds at the last recorded epoch before the
  // intervention), peak_mean_accuracy (the largest mean over the recorded epochs after it),
  // final_mean_accuracy, sem_final_accuracy (the last recorded epoch), perfect_fraction (the
  // seeds with accuracy 1 at some recorded epoch after the intervention).
  Table summary;
};

// Throws ArgumentError naming the parameter on bad settings (confidences > 0, seeds >= 1,
// epochs >= 1, lr > 0, ...), and naming lr when a run diverges.
ConfidenceInterventionResult run_fig8c(const ConfidenceInterventionOptions& options);

// A confidence as the tables label it: "inf" or the value at 6 significant digits.
std::string confidence_label(double c);

}  // namespace learndyn::experiments::ghost
