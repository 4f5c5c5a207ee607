// The NTK_S metrics of a model (`learndyn ntk metrics`, learndyn.ntk.metrics in Python): trace,
// Frobenius norm and participation ratio by an estimator (exact, Hutchinson, Hutch++), the
// cosine with the core, and optionally the ranks, the top eigenvalues and the alignment with a
// target (proofs/ntk.md N22-N32). One report for every caller, so that the CLI and the Python
// package print the same numbers from the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <learndyn/experiments/ntk/manifest.hpp>
#include <learndyn/experiments/ntk/metrics_memory.hpp>
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::experiments::ntk {

using Json = oracle::Json;

struct MetricsSettings {
  std::string estimator = "hutch++";  // hutch++ | hutchinson | exact
  int sketch = 16, residual = 32;     // Hutch++ probes
  int probes = 64;                    // Hutchinson's probes, also the cosine's (at least 8)
  int top_k = 0;                      // Lanczos eigenvalues (0: none)
  bool ranks = false;                 // temporal, spatial and batch ranks
  // cos(NTK_S, core) (N26) on `probes` probes of its own (at least 8): as many extra NTK_S
  // matvecs as the estimate, and as many core matvecs, so it is asked for (--core-cosine);
  // without it the report has no core_cosine field.
  unsigned threads = 0;               // workers, 0..256 (0: every available core)
  std::uint64_t seed = 1;             // of the probes
  bool core_cosine = false;
  // Working precision of the NTK operators: "float64" or "float32" (every model;
  // proofs/ntk.md N52-N58, the attention model N68-N72). float32 adds "precision": "float32" to the report; float64 adds
  // nothing (the float64 reports keep their bytes).
  std::string precision = "float64";
};

// The settings from integers as a caller gives them (the Python package's keyword arguments);
// throws ArgumentError naming the field (estimator, sketch, residual, probes, top_k, threads,
// seed) and its allowed range, with the ranges of the CLI's options.
MetricsSettings metrics_settings(const std::string& estimator, long long sketch, long long residual,
                                 long long probes, long long top_k, long long threads, long long seed,
                                 bool ranks, bool core_cosine = false,
                                 const std::string& precision = "float64");
void validate(const MetricsSettings& s);  // the same checks

// What the metrics of these settings apply the NTK to (experiments/ntk/metrics_memory.hpp).
MetricsWork metrics_work(const MetricsSettings& s);

// Refused up front: B T (4 d_a + d_h + d_out) <= 5e7 states and B T^2 <= 5e7 softmax weights.
void require_attention_size(const fast::ntk::AttentionShape& shape, int batch, int steps);

// The report of `learndyn ntk metrics --json` (command, model with `source`, kernels, estimator,
// trace, frobenius, participation_ratio, core_cosine if asked for, ...). Validates the settings and the
// size: exact only for at most 4096 states; the estimated memory within the budget
// (metrics_memory.hpp), refused naming the size the caller's `names` give for the largest term.
Json recurrent_metrics(const RecurrentProblem& p, const MetricsSettings& s, const std::string& source,
                       const SizeNames& names);
Json attention_metrics(const AttentionProblem& p, const MetricsSettings& s, const std::string& source,
                       const SizeNames& names);
Json problem_metrics(const ManifestProblem& p, const MetricsSettings& s, const std::string& source,
                     const SizeNames& names);

// True if any number in the report is NaN (a zero NTK_S: its ratios are undefined).
bool has_nan(const Json& report);

}  // namespace learndyn::experiments::ntk
