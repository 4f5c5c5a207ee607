// learndyn._core: the Python package's bindings over the C++ libraries. Every function here
// converts its arguments, calls the library the CLI calls, and converts the result back; the
// public API, its argument handling (exact numbers as decimal strings) and its docstrings are
// the Python modules in learndyn/.
//
// Errors: ArgumentError (a bad parameter) and InputError (a malformed document) become
// ValueError with the library's one-line message, which names the parameter and the allowed
// range; every other C++ exception becomes RuntimeError. The long computations (certified
// values at two precisions, the golden suite, the fast path over an array) run without the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
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
// "certified_digits_by_quantity".
py::dict certified_dict(const std::vector<lo::NamedValue>& values, int digits) {
  py::dict out, by_quantity;
  int least = kWorkingDigits;
  for (const lo::NamedValue& v : values) {
    out[py::str(v.name)] = learndyn::format_significant(v.value.value, digits);
    by_quantity[py::str(v.name)] = v.value.certified_digits;
    least = std::min(least, v.value.certified_digits);
  }
  out["certified_digits"] = least;
  out["certified_digits_by_quantity"] = by_quantity;
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

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "learndyn's C++ libraries (internal: use the learndyn.ghost and learndyn.oracle modules)";
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
  m.def("critical_rate", &critical_rate, py::arg("T"), py::arg("Tr"), py::arg("normalise"), py::arg("digits"));
  m.def("loss", &loss, py::arg("T"), py::arg("Tr"), py::arg("eps"), py::arg("beta"), py::arg("xth"),
        py::arg("digits"));
  m.def("loss_fast", &loss_fast, py::arg("T"), py::arg("Tr"), py::arg("eps").noconvert(false), py::arg("beta"),
        py::arg("xth"));
  m.def("nearest_id", &lo::nearest_id, py::arg("id"), py::arg("ids"));
  m.def("golden_text", &golden_text, py::arg("suite"), py::arg("digits"));
  m.def("check", &check, py::arg("golden_json"), py::arg("golden_name"), py::arg("candidate_json"),
        py::arg("candidate_name"), py::arg("rtol"), py::arg("atol"), py::arg("allow_missing"),
        py::arg("allow_extra"));
}
