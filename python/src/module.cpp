// learndyn._core: the Python package's bindings over the C++ libraries. Every function here
// converts its arguments, calls the library the CLI calls, and converts the result back; the
// public API, its argument handling (exact numbers as decimal strings) and its docstrings are
// the Python modules in learndyn/.
//
// Errors: ArgumentError (a bad parameter) and InputError (a malformed document) become
// ValueError with the library's one-line message, which names the parameter and the allowed
// range; every other C++ exception becomes RuntimeError. The long computations (certified
// values at two precisions, the golden suite, the fast path over an array) run without the GIL.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <time.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/integer.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/npy.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/common/arrays.hpp>
#include <learndyn/experiments/ghost/rnn_options.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>
#include <learndyn/experiments/ghost/rnn_weights.hpp>
#include <learndyn/experiments/ntk/manifest.hpp>
#include <learndyn/experiments/ntk/metrics.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/fast/ntk/operators.hpp>
#include <learndyn/fast/overlaps/model.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/oracle/candidate.hpp>
#include <learndyn/oracle/check.hpp>
#include <learndyn/oracle/ghost_quantities.hpp>
#include <learndyn/oracle/golden.hpp>
#include <learndyn/oracle/suite.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

#ifndef LEARNDYN_VERSION
#error "LEARNDYN_VERSION is defined by python/CMakeLists.txt from the project version"
#endif

namespace py = pybind11;
namespace rg = learndyn::reference::ghost;
namespace fg = learndyn::fast::ghost;
namespace lo = learndyn::oracle;
namespace fn = learndyn::fast::ntk;
namespace en = learndyn::experiments::ntk;
namespace fo = learndyn::fast::overlaps;
namespace eo = learndyn::experiments::overlaps;
namespace eg = learndyn::experiments::ghost;
using learndyn::ArgumentError;
using learndyn::decimal_digits;
using learndyn::real;
using learndyn::real_hi;

namespace {

constexpr int kWorkingDigits = decimal_digits<real>;

// The same message as the CLI's --digits check.
void require_digits(int digits) {
  learndyn::require(digits >= 1 && digits <= kWorkingDigits, "digits", digits,
                    "an integer with 1 <= digits <= " + std::to_string(kWorkingDigits));
}

// The certified values as the CLI's --json report holds them: each quantity as a decimal
// string with `digits` significant digits, "certified_digits" (the least over the values) and
// "certified_digits_by_quantity"; the proved enclosures as the CLI's add_enclosures writes
// them (issue 18): "enclosure_by_quantity" ({quantity: [lo, hi] or None}), "proved_digits"
// (the least, None when no value is enclosed), "proved_digits_by_quantity" and, for values
// without one, "enclosure_note_by_quantity".
py::dict certified_dict(const std::vector<lo::NamedValue>& values, int digits) {
  py::dict out, by_quantity, enclosures, proved, notes;
  int least = kWorkingDigits;
  std::optional<int> least_proved;
  for (const lo::NamedValue& v : values) {
    out[py::str(v.name)] = learndyn::format_significant(v.value.value, digits);
    by_quantity[py::str(v.name)] = v.value.certified_digits;
    least = std::min(least, v.value.certified_digits);
    if (v.enclosure) {
      enclosures[py::str(v.name)] = py::list(py::make_tuple(v.enclosure->lo, v.enclosure->hi));
      proved[py::str(v.name)] = v.enclosure->proved_digits;
      least_proved = std::min(least_proved.value_or(v.enclosure->proved_digits), v.enclosure->proved_digits);
    } else {
      enclosures[py::str(v.name)] = py::none();
      notes[py::str(v.name)] = v.enclosure_note;
    }
  }
  out["certified_digits"] = least;
  out["certified_digits_by_quantity"] = by_quantity;
  out["enclosure_by_quantity"] = enclosures;
  out["proved_digits"] = least_proved ? py::object(py::int_(*least_proved)) : py::object(py::none());
  out["proved_digits_by_quantity"] = proved;
  if (!notes.empty()) out["enclosure_note_by_quantity"] = notes;
  out["digits"] = digits;
  out["working_precision_digits"] = kWorkingDigits;
  out["certifying_precision_digits"] = decimal_digits<real_hi>;
  return out;
}

py::dict critical_rate(const std::string& delay, const std::string& response, const std::string& normalise,
                       int digits) {
  require_digits(digits);
  const rg::Normalisation n = lo::parse_normalisation(normalise);
  std::vector<lo::NamedValue> values;
  {
    py::gil_scoped_release release;
    values = lo::critical_rate_quantities(lo::GhostTaskText{delay, response}, n);
  }
  py::dict out = certified_dict(values, digits);
  out["normalise"] = lo::normalisation_name(n);
  out["exponent_limit_Tr_proportional"] = rg::critical_rate_exponent_limit(n, rg::DelayScaling::proportional);
  out["exponent_limit_Tr_fixed"] = rg::critical_rate_exponent_limit(n, rg::DelayScaling::fixed_response);
  return out;
}

std::optional<lo::ReadoutText> readout_of(const std::optional<std::string>& beta,
                                          const std::optional<std::string>& x_th) {
  if (beta.has_value() != x_th.has_value())
    throw ArgumentError(beta ? "xth" : "beta", "(missing)", "beta and xth together, or neither (analytical limit)");
  if (!beta) return std::nullopt;
  return lo::ReadoutText{*beta, *x_th};
}

py::dict loss(const std::string& delay, const std::string& response, const std::string& eps,
              const std::optional<std::string>& beta, const std::optional<std::string>& x_th, int digits) {
  require_digits(digits);
  const std::optional<lo::ReadoutText> readout = readout_of(beta, x_th);
  std::vector<lo::NamedValue> values;
  {
    py::gil_scoped_release release;
    values = lo::loss_quantities(lo::GhostTaskText{delay, response}, eps, readout);
  }
  py::dict out = certified_dict(values, digits);
  out["model"] = readout ? "finite confidence (G21, G24)" : "analytical limit (G11, G14)";
  return out;
}

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// The fast path over an array of eps (any shape; read in place when it is a C-contiguous
// float64 array): loss and dL/deps as arrays of the same shape. Non-finite input or output is
// refused, naming the parameter, as `learndyn ghost scan` does.
py::tuple loss_fast(double delay, double response, const DoubleArray& eps, std::optional<double> beta,
                    std::optional<double> x_th) {
  const fg::DelayTask task{delay, response};
  fg::validate(task);
  const double eps_star = fg::optimal_scale(task);
  learndyn::require(std::isnormal(eps_star) && std::isfinite(10 * eps_star), "T", delay,
                    "about 1e-153 < T < 1e153 on the fast path (eps* a normal double); ghost.loss takes any T > 0");
  if (beta.has_value() != x_th.has_value())
    throw ArgumentError(beta ? "xth" : "beta", "(missing)", "beta and xth together, or neither (analytical limit)");
  std::optional<fg::Readout> readout;
  if (beta) {
    readout = fg::Readout{*beta, *x_th};
    fg::validate(*readout);
  }
  const std::size_t n = static_cast<std::size_t>(eps.size());
  std::vector<py::ssize_t> shape(eps.shape(), eps.shape() + eps.ndim());
  DoubleArray loss_out(shape), grad_out(shape);
  const double* in = eps.data();
  double* l = loss_out.mutable_data();
  double* g = grad_out.mutable_data();
  bool finite_input = true, finite_output = true;
  {
    py::gil_scoped_release release;
    finite_input = std::all_of(in, in + n, [](double x) { return std::isfinite(x); });
    if (finite_input) {
      if (readout)
        fg::finite_loss_and_gradient(task, *readout, in, n, l, g);
      else
        fg::analytic_loss_and_gradient(task, in, n, l, g);
      const auto finite = [](double x) { return std::isfinite(x); };
      finite_output = std::all_of(l, l + n, finite) && std::all_of(g, g + n, finite);
    }
  }
  learndyn::require(finite_input, "eps", "(an array with a NaN or inf)", "finite doubles");
  if (readout)
    learndyn::require(finite_output, "beta", *beta,
                      "beta and xth whose double-precision loss and gradient are finite at every eps "
                      "(ghost.loss takes any, at 50 digits)");
  else
    learndyn::require(finite_output, "T", delay,
                      "T and Tr whose double-precision loss and gradient are finite at every eps "
                      "(ghost.loss takes any, at 50 digits)");
  return py::make_tuple(loss_out, grad_out);
}

// `learndyn oracle generate --suite SUITE --digits DIGITS` as the JSON text it writes.
std::string golden_text(const std::string& suite, int digits) {
  const lo::SuiteName name = lo::parse_suite_name(suite);
  require_digits(digits);
  py::gil_scoped_release release;
  return lo::to_json_text(lo::evaluate_suite(name, digits, LEARNDYN_VERSION, false).golden);
}

std::string status_text(lo::CheckStatus status) { return lo::status_name(status); }

// `learndyn oracle check` on a golden document and a JSON candidate, both as text.
py::dict check(const std::string& golden_json, const std::string& golden_name, const std::string& candidate_json,
               const std::string& candidate_name, double rtol, double atol, bool allow_missing, bool allow_extra) {
  lo::CheckResult result;
  std::string table, failures_table;
  {
    py::gil_scoped_release release;
    const lo::GoldenSuite golden = lo::parse_golden(golden_json, golden_name);
    const std::vector<lo::CandidateValue> candidate = lo::parse_candidate_json(candidate_json, candidate_name);
    lo::CheckOptions options;
    options.rtol = rtol;
    options.atol = atol;
    options.allow_missing = allow_missing;
    options.allow_extra = allow_extra;
    result = lo::check_candidate(golden, candidate, options, candidate_name);
    table = lo::render_check_table(result);
    failures_table = lo::render_check_table(result, true);
  }
  py::list rows;
  for (const lo::CheckRow& r : result.rows) {
    py::dict row;
    row["case_id"] = r.case_id;
    row["quantity"] = r.quantity;
    row["expected"] = r.expected;
    row["got"] = r.got;
    row["relative_error"] = r.relative_error;
    row["digits_matched"] = r.digits_matched;
    row["certified_digits"] = r.certified_digits;
    // The golden value's proved digits where it carries an enclosure (C25), else None.
    row["proved_digits"] = r.proved_digits >= 0 ? py::object(py::int_(r.proved_digits)) : py::object(py::none());
    row["status"] = status_text(r.status);
    row["counts_as_failure"] = r.counts_as_failure;
    row["suggestion"] = r.suggestion;
    rows.append(row);
  }
  py::dict out;
  out["rows"] = rows;
  out["passed"] = result.passed;
  out["failed"] = result.failed;
  out["missing"] = result.missing;
  out["extra"] = result.extra;
  out["success"] = result.success;
  out["table"] = table;
  out["failures_table"] = failures_table;
  return out;
}


// ---- the NTK (learndyn.ntk) -----------------------------------------------------------------

// The manifest of experiments/ntk/manifest.hpp, with its arrays served from a dict of
// C-contiguous float64 arrays keyed by the path the manifest names (learndyn/ntk.py builds
// both from the user's model): the CLI's reader of a user's model, not a second one. The
// arrays are copied once, into the model's parameter vector and inputs, as from .npy files.
en::ManifestProblem problem_of(const std::string& manifest, const py::dict& arrays) {
  return en::parse_manifest(manifest, "model", [&](const std::string& path) {
    if (!arrays.contains(path)) throw learndyn::InputError("model", path, "no such array");
    const DoubleArray a = arrays[py::str(path)].cast<DoubleArray>();
    learndyn::NpyArray out;
    out.shape.assign(a.shape(), a.shape() + a.ndim());
    out.data.assign(a.data(), a.data() + a.size());
    learndyn::require(std::all_of(out.data.begin(), out.data.end(), [](double x) { return std::isfinite(x); }), path,
                      "(an array with a NaN or inf)", "finite values");
    return out;
  });
}

// The sizes a refused memory estimate names (experiments/ntk/metrics_memory.hpp), as the Python
// arguments that set them: the states and the softmax weights by x (and `states_by`, for the
// Operator's blocks v), the parameters by the model.
en::SizeNames python_size_names(const en::ManifestProblem& p, const std::string& states_by = "x",
                                const std::string& states_value = "") {
  int batch = 0, steps = 0, inputs = 0;
  std::string parameters;
  if (const auto* a = std::get_if<en::AttentionProblem>(&p)) {
    batch = a->inputs.batch, steps = a->inputs.steps, inputs = a->model.shape.inputs;
    parameters = "attention " + std::to_string(a->model.shape.attention) + ", mlp " + std::to_string(a->model.shape.mlp);
  } else {
    const auto& r = std::get<en::RecurrentProblem>(p);
    batch = r.inputs.batch, steps = r.inputs.steps, inputs = r.model.shape.inputs;
    parameters = "hidden " + std::to_string(r.model.shape.hidden);
  }
  const std::string x = "an array of shape (B, T, n_in) = (" + std::to_string(batch) + ", " + std::to_string(steps) +
                        ", " + std::to_string(inputs) + ")";
  return {states_by, states_value.empty() ? x : states_value, "model", parameters, "x", x};
}

// `learndyn ntk metrics --json` of the model, as JSON text (learndyn/ntk.py returns json.loads
// of it). A zero NTK_S (ratios NaN) is refused, naming the model.
std::string ntk_metrics(const std::string& manifest, const py::dict& arrays, const std::string& estimator,
                        long long sketch, long long residual, long long probes, long long top_k, long long threads,
                        long long seed, bool ranks, bool core_cosine, const std::string& precision) {
  const en::MetricsSettings settings =
      en::metrics_settings(estimator, sketch, residual, probes, top_k, threads, seed, ranks, core_cosine, precision);
  const en::ManifestProblem problem = problem_of(manifest, arrays);
  en::Json report;
  {
    py::gil_scoped_release release;
    report = en::problem_metrics(problem, settings, "python", python_size_names(problem));
  }
  learndyn::require(!en::has_nan(report), "model", "(a model whose NTK_S is zero)",
                    "a model whose NTK_S is not zero (its ratios came out NaN)");
  return report.dump();
}

// Wall-clock and process CPU seconds of a call (CLOCK_PROCESS_CPUTIME_ID: every thread's, as
// Python's time.process_time), for bench/python_overhead.py.
class CallTimer {
 public:
  CallTimer() : wall_(std::chrono::steady_clock::now()), cpu_(cpu_now()) {}
  std::pair<double, double> seconds() const {
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count(), cpu_now() - cpu_};
  }

 private:
  static double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  }
  std::chrono::steady_clock::time_point wall_;
  double cpu_;
};

// (wall, CPU) seconds per call of the C++ metrics alone (the problem already built, no
// conversion), for bench/python_overhead.py: the baseline of the Python call's overhead.
std::vector<std::pair<double, double>> time_ntk_metrics(const std::string& manifest, const py::dict& arrays, const std::string& estimator,
                                     long long sketch, long long residual, long long probes, long long threads,
                                     long long seed, int repeats) {
  const en::MetricsSettings settings =
      en::metrics_settings(estimator, sketch, residual, probes, 0, threads, seed, false);
  const en::ManifestProblem problem = problem_of(manifest, arrays);
  std::vector<std::pair<double, double>> seconds;
  py::gil_scoped_release release;
  for (int k = 0; k < repeats; ++k) {
    const CallTimer timer;
    const en::Json report = en::problem_metrics(problem, settings, "python", python_size_names(problem));
    seconds.push_back(timer.seconds());
    if (report.empty()) throw std::runtime_error("time_ntk_metrics: empty report");
  }
  return seconds;
}

using FortranArray = py::array_t<double, py::array::f_style | py::array::forcecast>;

// One of the matrix-free operators of a model (fast/ntk/operators.hpp, fast/ntk/attention.hpp)
// on blocks of state vectors: "ntk" (P K P*), "k", "core" (recurrent models: C_V (x) I_n),
// "p" (its adjoint is P*). A block is read in place when it is a Fortran-ordered (column-major)
// float64 array (a 1-D contiguous vector is one), and the result is written in place into a
// new Fortran-ordered array. Calls on one object are serialised (the operators share scratch
// buffers); the GIL is released while they run.
class NtkOperator {
 public:
  NtkOperator(const std::string& manifest, const py::dict& arrays, const std::string& part, long long threads)
      : problem_(problem_of(manifest, arrays)), part_(part) {
    learndyn::require(threads >= 0 && threads <= learndyn::kMaxThreads, "threads", threads, "an integer with 0 <= threads <= 256");
    const fn::NtkOptions options{static_cast<unsigned>(threads)};
    if (const auto* a = std::get_if<en::AttentionProblem>(&problem_))
      en::require_attention_size(a->model.shape, a->inputs.batch, a->inputs.steps);
    require_memory(1, "x", "");
    py::gil_scoped_release release;
    if (auto* a = std::get_if<en::AttentionProblem>(&problem_)) {
      learndyn::require(part == "ntk" || part == "k" || part == "p", "part", "'" + part + "'",
                        "ntk, k or p for the attention model (its core is K)");
      attention_ = std::make_unique<fn::AttentionNtk>(a->model, a->inputs, options);
      dimension_ = attention_->dimension();
      state_shape_ = {a->inputs.batch, a->inputs.steps, a->model.shape.state_size()};
    } else {
      learndyn::require(part == "ntk" || part == "k" || part == "core" || part == "p", "part", "'" + part + "'",
                        "ntk, k, core or p");
      const auto& r = std::get<en::RecurrentProblem>(problem_);
      recurrent_ = std::make_unique<fn::Ntk>(r.model, r.inputs, options);
      dimension_ = recurrent_->dimension();
      state_shape_ = {r.inputs.batch, r.inputs.steps, r.model.shape.hidden};
    }
  }

  // The working memory of applying the operator to m columns, within the budget: the metrics'
  // estimate with the block's in, out and the operator's two scratch blocks (held 5 m, widest m:
  // a "cosine" of m probes in metrics_memory.hpp's count).
  void require_memory(int m, const std::string& states_by, const std::string& states_value) const {
    en::MetricsWork work;
    work.estimator = en::MetricsWork::Estimator::none;
    work.cosine_probes = m;
    const en::SizeNames names = python_size_names(problem_, states_by, states_value);
    if (const auto* a = std::get_if<en::AttentionProblem>(&problem_))
      learndyn::require_memory_terms(
          en::kMetricsFixedBytes,
          en::attention_metrics_memory(a->model.shape, a->inputs.batch, a->inputs.steps, work, names));
    else {
      const auto& r = std::get<en::RecurrentProblem>(problem_);
      learndyn::require_memory_terms(
          en::kMetricsFixedBytes, en::recurrent_metrics_memory(r.model.shape, r.inputs.batch, r.inputs.steps, work, names));
    }
  }

  py::ssize_t dimension() const { return dimension_; }
  py::tuple state_shape() const { return py::make_tuple(state_shape_[0], state_shape_[1], state_shape_[2]); }
  std::string kernels() const { return attention_ ? attention_->kernel_name() : recurrent_->kernel_name(); }

  // A v (adjoint: A* v) for v of shape (N,) or (N, m).
  FortranArray apply(const FortranArray& v, bool adjoint) const {
    learndyn::require((v.ndim() == 1 || v.ndim() == 2) && v.shape(0) == dimension_, "v",
                      "an array of shape " + shape_text(v), "shape (N,) or (N, m) with N = " + std::to_string(dimension_));
    const py::ssize_t m = v.ndim() == 1 ? 1 : v.shape(1);
    learndyn::require(m >= 1 && m <= 100000, "v", "an array of " + std::to_string(m) + " columns",
                      "1 to 100000 columns");
    require_memory(static_cast<int>(m), "v", "a block of shape " + shape_text(v));
    std::vector<py::ssize_t> shape(v.shape(), v.shape() + v.ndim());
    FortranArray out(shape);
    const double* in = v.data();
    double* o = out.mutable_data();
    const bool finite = std::all_of(in, in + v.size(), [](double x) { return std::isfinite(x); });
    learndyn::require(finite, "v", "(an array with a NaN or inf)", "finite values");
    {
      py::gil_scoped_release release;
      const std::lock_guard<std::mutex> lock(mutex_);
      run(in, o, static_cast<int>(m), adjoint);
    }
    return out;
  }

  // (wall, CPU) seconds per call of the C++ apply alone on a block (bench/python_overhead.py).
  std::vector<std::pair<double, double>> time_apply(const FortranArray& v, int repeats) const {
    learndyn::require(v.ndim() == 2 && v.shape(0) == dimension_, "v", "(wrong shape)", "shape (N, m)");
    std::vector<double> out(static_cast<std::size_t>(v.size()));
    std::vector<std::pair<double, double>> seconds;
    py::gil_scoped_release release;
    const std::lock_guard<std::mutex> lock(mutex_);
    for (int k = 0; k < repeats; ++k) {
      const CallTimer timer;
      run(v.data(), out.data(), static_cast<int>(v.shape(1)), false);
      seconds.push_back(timer.seconds());
    }
    return seconds;
  }

 private:
  static std::string shape_text(const FortranArray& v) {
    std::string s = "(";
    for (py::ssize_t k = 0; k < v.ndim(); ++k) s += (k ? ", " : "") + std::to_string(v.shape(k));
    return s + (v.ndim() == 1 ? ",)" : ")");
  }

  void run(const double* in, double* out, int m, bool adjoint) const {
    if (attention_) {
      if (part_ == "ntk") attention_->apply_ntk(in, out, m);
      else if (part_ == "k") attention_->apply_k(in, out, m);
      else if (adjoint) attention_->apply_p_adjoint(in, out, m);
      else attention_->apply_p(in, out, m);
    } else {
      if (part_ == "ntk") recurrent_->apply_ntk(in, out, m);
      else if (part_ == "k") recurrent_->apply_k(in, out, m);
      else if (part_ == "core") recurrent_->apply_core(in, out, m);
      else if (adjoint) recurrent_->apply_p_adjoint(in, out, m);
      else recurrent_->apply_p(in, out, m);
    }
  }

  en::ManifestProblem problem_;
  std::string part_;
  std::unique_ptr<fn::Ntk> recurrent_;
  std::unique_ptr<fn::AttentionNtk> attention_;
  py::ssize_t dimension_ = 0;
  std::array<int, 3> state_shape_{};
  mutable std::mutex mutex_;
};

// ---- the overlap ODE (learndyn.overlaps) ----------------------------------------------------

// The paper's initialisation (proofs/overlaps.md O44), as `learndyn overlaps filter --seed` draws
// it: (z, m, U, V) with U, V of shape (N, R).
py::tuple overlaps_random_vectors(long long neurons, long long rank, long long seed) {
  learndyn::require(neurons >= 1 && neurons <= 10000000, "N", neurons, "an integer with 1 <= N <= 10000000");
  learndyn::require(rank >= 1 && rank <= fo::kMaxNetworkRank, "rank", rank,
                    "an integer with 1 <= rank <= " + std::to_string(fo::kMaxNetworkRank));
  learndyn::require(seed >= 0, "seed", seed, "an integer with 0 <= seed <= 9223372036854775807");
  fo::Network net;
  {
    py::gil_scoped_release release;
    net = fo::random_network(static_cast<int>(neurons), static_cast<int>(rank), static_cast<std::uint64_t>(seed));
  }
  return py::make_tuple(net.z, net.m, net.U, net.V);
}

// Sigma = C^T C / N of the vectors as the theory starts from it: every entry at 50 digits from
// the exact doubles and rounded once (experiments::overlaps::exact_gram, O45), as the CLI does.
Eigen::MatrixXd overlaps_gram(const Eigen::VectorXd& z, const Eigen::VectorXd& m, const Eigen::MatrixXd& U,
                              const Eigen::MatrixXd& V) {
  fo::Model model;
  model.rank = static_cast<int>(std::max<Eigen::Index>(U.cols(), 1));
  const fo::Network net{z, m, U, V};
  // Each array's finiteness first, naming it (fast::overlaps::validate names the whole
  // network), then the shapes and the rank.
  const char* names[] = {"z", "m", "U", "V"};
  const bool finite[] = {z.allFinite(), m.allFinite(), U.allFinite(), V.allFinite()};
  for (int k = 0; k < 4; ++k)
    learndyn::require(finite[k], names[k], "(an array with a NaN or inf)", "finite values");
  fo::validate(model, net);
  py::gil_scoped_release release;
  return learndyn::experiments::overlaps::exact_gram(net);
}

py::tuple overlaps_filter_task(double decay, double frequency, double amplitude, double dt, long long steps) {
  learndyn::require(steps >= 1 && steps <= 10000000, "T", steps, "an integer with 1 <= T <= 10000000");
  const fo::Task task = eo::filter_task(decay, frequency, amplitude, dt, static_cast<int>(steps));
  return py::make_tuple(task.input, task.target, task.weight);
}

fo::Model overlap_model(int rank, double dt, const std::string& activation) {
  learndyn::require(activation == "linear" || activation == "erf", "activation", "'" + activation + "'",
                    "linear or erf");
  return activation == "linear" ? fo::linear_model(rank, dt) : fo::erf_model(rank, dt);
}

// The overlap ODE from sigma0 for `epochs` epochs of one stepper (fast::overlaps::OverlapSolver,
// as `learndyn overlaps filter` runs it beside the network): at every recorded epoch e
// (experiments::overlaps::is_recorded: 0..every-1, every every-th, the last) Sigma_e and the
// loss L(Sigma_e), i.e. the loss before the epoch's step.
py::dict overlaps_trajectory(const Eigen::MatrixXd& sigma0, long long rank, double dt, const std::string& activation,
                             const Eigen::MatrixXd& input, const Eigen::MatrixXd& target, const Eigen::MatrixXd& weight,
                             double lr, long long epochs, const std::string& stepper, long long record_every) {
  learndyn::require(rank >= 1 && rank <= fo::kMaxOverlapRank, "rank", rank,
                    "an integer with 1 <= rank <= " + std::to_string(fo::kMaxOverlapRank) +
                        " (sigma of shape (2R+2, 2R+2))");
  const fo::Model model = overlap_model(static_cast<int>(rank), dt, activation);
  fo::validate(model);
  fo::validate_overlaps(sigma0, model.rank);
  learndyn::require(stepper == "exact_map" || stepper == "euler" || stepper == "rk4", "method", "'" + stepper + "'",
                    "exact_map, euler or rk4");
  const fo::Stepper step = stepper == "exact_map" ? fo::Stepper::exact_map
                         : stepper == "euler"     ? fo::Stepper::euler
                                                  : fo::Stepper::rk4;
  learndyn::require(lr >= 0 && std::isfinite(lr), "lr", lr, "lr >= 0 (finite)");
  learndyn::require(epochs >= 0 && epochs <= 100000000, "epochs", epochs, "an integer with 0 <= epochs <= 100000000");
  learndyn::require(record_every >= 1 && record_every <= 100000000, "record_every", record_every,
                    "an integer with 1 <= record_every <= 100000000");
  const std::vector<std::string> names = eo::overlap_names(model.rank, model.activation);
  const long long rows = std::min(record_every, epochs + 1) + (epochs >= record_every ? epochs / record_every : 0) +
                         (epochs >= record_every && epochs % record_every != 0 ? 1 : 0);
  const Eigen::Index d = sigma0.rows();
  const double per_row = 8.0 * static_cast<double>(d * d + static_cast<Eigen::Index>(names.size()) + 2);
  learndyn::require(static_cast<double>(rows) * per_row <= learndyn::memory_budget_bytes(), "epochs", epochs,
                    "epochs / record_every whose recorded trajectory fits in memory (raise record_every)");
  fo::Task task{input, target, weight};
  std::vector<long long> epoch_out;
  std::vector<double> loss_out, sigma_out, values_out;
  {
    py::gil_scoped_release release;
    fo::OverlapSolver solver(model, task);
    Eigen::MatrixXd sigma = sigma0;
    for (long long e = 0; e <= epochs; ++e) {
      const bool record = eo::is_recorded(e, record_every, epochs);
      Eigen::MatrixXd before;
      if (record) before = sigma;
      const double loss = e == epochs ? solver.loss(sigma) : solver.epoch(lr, step, sigma);
      if (!record) continue;
      epoch_out.push_back(e);
      loss_out.push_back(loss);
      for (Eigen::Index i = 0; i < d; ++i)  // row-major (E, d, d)
        for (Eigen::Index j = 0; j < d; ++j) sigma_out.push_back(before(i, j));
      const Eigen::VectorXd values = eo::overlap_values(before, model.rank, model.activation);
      values_out.insert(values_out.end(), values.data(), values.data() + values.size());
    }
  }
  const auto count = static_cast<py::ssize_t>(epoch_out.size());
  const auto k = static_cast<py::ssize_t>(names.size());
  py::array_t<double> sigma_array({count, static_cast<py::ssize_t>(d), static_cast<py::ssize_t>(d)});
  std::copy(sigma_out.begin(), sigma_out.end(), sigma_array.mutable_data());
  py::array_t<double> values_array({count, k});
  std::copy(values_out.begin(), values_out.end(), values_array.mutable_data());
  py::dict out;
  out["epoch"] = py::array_t<long long>(count, epoch_out.data());
  out["loss"] = py::array_t<double>(count, loss_out.data());
  out["sigma"] = sigma_array;
  out["overlaps"] = values_array;
  out["names"] = names;
  const std::vector<bool> visible = eo::overlap_visibility(model.rank, model.activation);
  out["visible"] = visible;
  return out;
}

// ---- the ghost-paper RNN (learndyn.ghost.rnn_train) -----------------------------------------

// The options of `learndyn ghost rnn-train` as text (learndyn/ghost.py formats the Python
// values; absent: the default), by their Python names.
eg::RnnOptionText rnn_option_text(const std::map<std::string, std::string>& options) {
  eg::RnnOptionText o;
  const std::map<std::string, std::string eg::RnnOptionText::*> fields{
      {"task", &eg::RnnOptionText::task}, {"N", &eg::RnnOptionText::neurons},
      {"rank", &eg::RnnOptionText::rank}, {"readout", &eg::RnnOptionText::readout},
      {"timing", &eg::RnnOptionText::timing}, {"alpha", &eg::RnnOptionText::alpha},
      {"beta", &eg::RnnOptionText::beta}, {"kappa_th", &eg::RnnOptionText::kappa_th},
      {"confidence", &eg::RnnOptionText::confidence}, {"lr", &eg::RnnOptionText::lr},
      {"optimizer", &eg::RnnOptionText::optimizer}, {"epochs", &eg::RnnOptionText::epochs},
      {"seed", &eg::RnnOptionText::seed}, {"record_every", &eg::RnnOptionText::record_every},
      {"noise", &eg::RnnOptionText::noise}, {"init", &eg::RnnOptionText::init},
      {"input", &eg::RnnOptionText::input}, {"delay", &eg::RnnOptionText::delay},
      {"response", &eg::RnnOptionText::response}, {"initial", &eg::RnnOptionText::initial},
      {"initial_sigma", &eg::RnnOptionText::initial_sigma}, {"trials", &eg::RnnOptionText::trials},
      {"change_epoch", &eg::RnnOptionText::change_epoch}, {"changed_beta", &eg::RnnOptionText::changed_beta},
      {"changed_confidence", &eg::RnnOptionText::changed_confidence}, {"learned", &eg::RnnOptionText::learned},
      {"confidence_readout", &eg::RnnOptionText::confidence_readout},
      {"changed_readout", &eg::RnnOptionText::changed_readout}, {"learn_beta", &eg::RnnOptionText::learn_beta}};
  for (const auto& [name, text] : options) {
    const auto it = fields.find(name);
    if (it == fields.end()) throw std::logic_error("rnn_option_text: no option " + name);
    o.*(it->second) = text;
  }
  return o;
}

// The arrays of a parameter dict (C-order float64 copies), as read_arrays gives a file's: the
// CLI's --weights reader (experiments/ghost/rnn_weights.hpp) then reads them, named "weights".
learndyn::ArraySet rnn_weight_arrays(const py::dict& weights) {
  learndyn::ArraySet set;
  set.file = "weights";
  for (const auto& [key, value] : weights) {
    if (!py::isinstance<py::str>(key)) throw py::type_error("weights: a dict with str keys (m, n, b, W_out, b_out, W_in)");
    const DoubleArray a = value.cast<DoubleArray>();
    learndyn::NpyArray out;
    out.shape.assign(a.shape(), a.shape() + a.ndim());
    out.data.assign(a.data(), a.data() + a.size());
    set.arrays[key.cast<std::string>()] = std::move(out);
  }
  return set;
}

py::dict npy_dict(const std::map<std::string, learndyn::NpyArray>& arrays) {
  py::dict out;
  for (const auto& [name, a] : arrays) {
    std::vector<py::ssize_t> shape(a.shape.begin(), a.shape.end());
    py::array_t<double> array(shape);
    std::copy(a.data.begin(), a.data.end(), array.mutable_data());
    out[py::str(name)] = array;
  }
  return out;
}

// An option's message under its Python name (the library names it as the CLI flag: kappa-th).
[[noreturn]] void rethrow_with_python_name(const ArgumentError& e) {
  std::string parameter = e.parameter();
  std::replace(parameter.begin(), parameter.end(), '-', '_');
  const std::string prefix = "invalid " + e.parameter();
  std::string message = e.what();
  if (message.compare(0, prefix.size(), prefix) == 0) message = "invalid " + parameter + message.substr(prefix.size());
  throw py::value_error(message);
}

// `learndyn ghost rnn-train` (the same options, RunSpec and run, experiments/ghost/rnn_train.hpp)
// from the seeded draw or the user's parameters: the learning curve's columns, the summary and
// the initial and final parameters in the authors' names (what --save-weights writes).
py::dict ghost_rnn_train(const std::map<std::string, std::string>& options, const std::optional<py::dict>& weights,
                         const std::string& track_every) {
  eg::RnnOptionText o = rnn_option_text(options);
  fg::RunSpec spec;
  eg::TrainSettings settings;
  try {
    std::optional<eg::RnnWeights> start;
    if (weights) {
      const learndyn::ArraySet set = rnn_weight_arrays(*weights);
      start = eg::weights_with_defaults(o, [&] { return eg::weights_from_arrays(set); });
    }
    spec = eg::run_spec_with_weights(o, 2000, start);
    settings.learned = eg::learned_of(o);
    settings.track_every = learndyn::parse_integer(track_every, "track_every", 0, 100000000);
    if (start) settings.start = start->net;
  } catch (const ArgumentError& e) {
    rethrow_with_python_name(e);
  }
  eg::TrainResult r;
  try {
    py::gil_scoped_release release;
    r = eg::run_rnn_train(spec, settings);
  } catch (const ArgumentError& e) {
    rethrow_with_python_name(e);
  }
  py::dict out;
  const learndyn::experiments::Table& t = r.curve;
  for (const std::string& c : t.columns) {
    const std::vector<double> values = t.column(c);
    if (c == "epoch") {
      std::vector<long long> epochs(values.begin(), values.end());
      out["epoch"] = py::array_t<long long>(static_cast<py::ssize_t>(epochs.size()), epochs.data());
    } else {
      out[py::str(c)] = py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
    }
  }
  out["final_loss"] = r.final_loss;
  out["min_loss"] = r.min_loss;
  out["first_learned_epoch"] = r.first_learned_epoch;
  out["learned_threshold"] = settings.learned;
  if (spec.rank == 1) {
    out["final_fixed_points"] = r.final_state.fixed_points;
    out["final_ghost_eps"] = r.final_state.ghost_eps;
    out["final_ghost_kappa"] = r.final_state.ghost_kappa;
  }
  if (spec.config.learn_beta) out["final_beta"] = r.final_beta;
  const bool readout = eg::has_population_readout(spec);
  out["initial"] = npy_dict(eg::weights_to_arrays(r.initial_net, readout, ""));
  out["final"] = npy_dict(eg::weights_to_arrays(r.final_net, readout, ""));
  py::dict inputs;
  inputs["task"] = fg::rnn_task_name(spec.task);
  inputs["N"] = spec.neurons;
  inputs["rank"] = spec.rank;
  inputs["readout"] = eg::readout_name(spec.config.readout);
  inputs["lr"] = spec.lr;
  inputs["epochs"] = spec.epochs;
  inputs["seed"] = spec.seed;
  out["inputs"] = inputs;
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "learndyn's C++ libraries (internal: use the learndyn.ghost, learndyn.ntk, learndyn.overlaps and learndyn.oracle modules)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::builtin_exception&) {
      throw;  // pybind11's own (cast errors, ...): its default translation
    } catch (const py::error_already_set&) {
      throw;
    } catch (const learndyn::ArgumentError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const learndyn::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  m.attr("version") = LEARNDYN_VERSION;
  m.attr("working_digits") = kWorkingDigits;
  // threads=None in the Python API: LEARNDYN_NUM_THREADS, else 0 (every core), as the CLI.
  m.def("threads_from_environment", [] { return learndyn::threads_from_environment(); });
  m.def("critical_rate", &critical_rate, py::arg("T"), py::arg("Tr"), py::arg("normalise"), py::arg("digits"));
  m.def("loss", &loss, py::arg("T"), py::arg("Tr"), py::arg("eps"), py::arg("beta"), py::arg("xth"),
        py::arg("digits"));
  m.def("loss_fast", &loss_fast, py::arg("T"), py::arg("Tr"), py::arg("eps").noconvert(false), py::arg("beta"),
        py::arg("xth"));
  m.def("ghost_rnn_train", &ghost_rnn_train, py::arg("options"), py::arg("weights"), py::arg("track_every"));
  m.def("nearest_id", &lo::nearest_id, py::arg("id"), py::arg("ids"));
  m.def("golden_text", &golden_text, py::arg("suite"), py::arg("digits"));
  m.def("check", &check, py::arg("golden_json"), py::arg("golden_name"), py::arg("candidate_json"),
        py::arg("candidate_name"), py::arg("rtol"), py::arg("atol"), py::arg("allow_missing"),
        py::arg("allow_extra"));
  m.def("ntk_metrics", &ntk_metrics, py::arg("manifest"), py::arg("arrays"), py::arg("estimator"), py::arg("sketch"),
        py::arg("residual"), py::arg("probes"), py::arg("top_k"), py::arg("threads"), py::arg("seed"),
        py::arg("ranks"), py::arg("core_cosine"), py::arg("precision") = "float64");
  m.def("time_ntk_metrics", &time_ntk_metrics, py::arg("manifest"), py::arg("arrays"), py::arg("estimator"),
        py::arg("sketch"), py::arg("residual"), py::arg("probes"), py::arg("threads"), py::arg("seed"),
        py::arg("repeats"));
  m.def("overlaps_random_vectors", &overlaps_random_vectors, py::arg("N"), py::arg("rank"), py::arg("seed"));
  m.def("overlaps_gram", &overlaps_gram, py::arg("z"), py::arg("m"), py::arg("U"), py::arg("V"));
  m.def("overlaps_filter_task", &overlaps_filter_task, py::arg("decay"), py::arg("frequency"), py::arg("amplitude"),
        py::arg("dt"), py::arg("T"));
  m.def("overlaps_trajectory", &overlaps_trajectory, py::arg("sigma0"), py::arg("rank"), py::arg("dt"),
        py::arg("activation"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("lr"),
        py::arg("epochs"), py::arg("stepper"), py::arg("record_every"));
  py::class_<NtkOperator>(m, "NtkOperator")
      .def(py::init<const std::string&, const py::dict&, const std::string&, long long>(), py::arg("manifest"),
           py::arg("arrays"), py::arg("part"), py::arg("threads"))
      .def_property_readonly("dimension", &NtkOperator::dimension)
      .def_property_readonly("state_shape", &NtkOperator::state_shape)
      .def_property_readonly("kernels", &NtkOperator::kernels)
      .def("apply", &NtkOperator::apply, py::arg("v"), py::arg("adjoint"))
      .def("time_apply", &NtkOperator::time_apply, py::arg("v"), py::arg("repeats"));
}
