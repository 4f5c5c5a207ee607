#include "cli/figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>

namespace learndyn::cli {
namespace fg = learndyn::fast::ghost;
namespace fs = std::filesystem;

std::string quoted(const std::string& s, const std::string& parameter) {
  // gnuplot reads no escapes in single quotes, and a string cannot span lines.
  const auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  if (std::any_of(s.begin(), s.end(), control)) {
    std::string shown = s;  // the one-line message shows each control character as '?'
    std::replace_if(shown.begin(), shown.end(), control, '?');
    throw ArgumentError(parameter, "'" + shown + "'", "a path without control characters");
  }
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return out + "'";
}

namespace {

// s in single quotes for the shell (a quote inside becomes '\'').
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A private scratch folder, removed when the figure is done.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "learndyn-figure-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

void run_gnuplot(const std::string& script, const std::string& output) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    throw std::runtime_error("gnuplot not found: install Debian's gnuplot-nox (scripts/setup.sh does)");
  ScratchDir scratch;
  const fs::path script_path = scratch.path / "figure.gp";
  std::ofstream(script_path) << script;
  const std::string command = "gnuplot " + shell_quoted(script_path.string()) + " >" +
                              shell_quoted((scratch.path / "gnuplot.log").string()) + " 2>&1";
  if (std::system(command.c_str()) != 0 || !fs::exists(output)) {
    std::ifstream log(scratch.path / "gnuplot.log");
    std::stringstream text;
    text << log.rdbuf();
    std::error_code ignored;
    fs::remove(output, ignored);
    throw std::runtime_error("gnuplot failed: " + text.str());
  }
}

void write_ghost_figure(const FigureRequest& request, const std::string& png_path) {
  fg::validate(request.task);
  for (double b : request.betas)
    require(b > 0 && std::isfinite(b), "betas", b, "every beta > 0");
  require(request.x_th > 0 && std::isfinite(request.x_th), "xth", request.x_th,
          "xth > 0");
  const double eps_star = fg::optimal_scale(request.task);
  const long n = request.points;
  std::vector<double> eps(n);
  for (long i = 0; i < n; ++i) eps[i] = eps_star * (-1.0 + 3.0 * static_cast<double>(i) / static_cast<double>(n - 1));

  ScratchDir scratch;
  const fs::path data = scratch.path / "curves.dat";
  std::ofstream out(data);
  out.precision(17);
  std::vector<double> loss(n), grad(n);
  fg::analytic_loss_and_gradient(request.task, eps.data(), n, loss.data(), grad.data());
  for (long i = 0; i < n; ++i) out << eps[i] / eps_star << " " << loss[i] / request.task.delay << " 1\n";
  out << "\n\n";
  for (double beta : request.betas) {
    fg::finite_loss_and_gradient(request.task, fg::Readout{beta, request.x_th}, eps.data(), n,
                                 loss.data(), grad.data());
    // NaN curves made an empty plot (beta 1e308) or a bare "gnuplot failed" (xth 1e308).
    const auto finite = [](double x) { return std::isfinite(x); };
    require(std::all_of(loss.begin(), loss.end(), finite) && std::all_of(grad.begin(), grad.end(), finite),
            "betas", beta, "beta and xth whose double-precision loss and gradient are finite (xth = " +
                               render_value(request.x_th) + ")");
    double biggest = 0;
    for (double g : grad) biggest = std::max(biggest, std::fabs(g));
    for (long i = 0; i < n; ++i)
      out << eps[i] / eps_star << " " << loss[i] / request.task.delay << " "
          << (biggest > 0 ? std::fabs(grad[i]) / biggest : 0.0) << "\n";
    out << "\n\n";
  }
  out.close();

  const std::string partial = png_path + ".partial.png";
  std::ostringstream gp;
  gp << "set terminal pngcairo size 1400,560 font 'DejaVu Sans,11'\n"
     << "set output " << quoted(partial, "output") << "\n"
     << "set multiplot layout 1,2 title 'Ghost canonical model, T = " << request.task.delay
     << ", T_r = " << request.task.response << ", x_{th} = " << request.x_th << "'\n"
     << "set xlabel 'eps / eps*'\nset grid\nset key left top\n"
     << "set ylabel 'L / T'\n"
     << "plot " << quoted(data.string()) << " index 0 using 1:2 with lines lw 3 lc 'black' title 'analytical limit'";
  for (std::size_t b = 0; b < request.betas.size(); ++b)
    gp << ", '' index " << b + 1 << " using 1:2 with lines lw 2 lt " << b + 1 << " title 'beta = "
       << request.betas[b] << "'";
  gp << "\nset ylabel '|dL/deps| / max'\nset logscale y\nset format y '10^{%L}'\nset key right bottom\n"
     << "plot " << quoted(data.string()) << " index 1 using 1:($3>0?$3:1/0) with lines lw 2 lt 1 title 'beta = "
     << request.betas[0] << "'";
  // The same line type per beta in both panels (lt b+1), so one legend reads for both.
  for (std::size_t b = 1; b < request.betas.size(); ++b)
    gp << ", '' index " << b + 1 << " using 1:($3>0?$3:1/0) with lines lw 2 lt " << b + 1 << " title 'beta = "
       << request.betas[b] << "'";
  gp << "\nunset multiplot\n";
  run_gnuplot(gp.str(), partial);
  install_png(partial, png_path);
}

void install_png(const std::string& partial, const std::string& png_path) {
  std::error_code ec;
  const auto status = fs::status(png_path, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
    std::ifstream in(partial, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    fs::remove(partial, ec);
    write_file_atomically(png_path, bytes.str());  // in place, and a write error is reported
    return;
  }
  fs::rename(partial, resolve_symlinks(png_path), ec);  // a link stays; its target is replaced
  if (ec) {
    fs::remove(partial, ec);
    throw std::runtime_error("cannot write " + png_path);
  }
}

void write_audit_figure(const experiments::Table& t, const std::string& subject, const std::string& png) {
  const bool with_floor = std::find(t.columns.begin(), t.columns.end(), "parameter_distance_float64_vs_permuted") != t.columns.end();
  std::vector<std::string> columns{"epoch", "parameter_distance_float32", "parameter_distance_float64",
                                   "parameter_distance_float64_permuted", "loss_reference", "loss_float32",
                                   "loss_float64", "loss_float64_permuted"};
  if (with_floor) columns.push_back("parameter_distance_float64_vs_permuted");
  std::ostringstream gp;
  gp << datablock("d", t, columns);
  // Both keys below their panel in two rows within a fixed margin, so the panels keep the same
  // height and no key covers data; the horizons are labelled on their lines.
  gp << "set multiplot layout 1,2\nset xlabel 'epoch'\nset logscale y\nset format y '10^{%L}'\n"
     << "set bmargin 9\nset key at graph 0.5, graph -0.14 center top horizontal maxrows 4 samplen 3\n"
     << "set label 1 '1e-2 horizon' at graph 0.02, first 1e-2 offset 0, 0.6 font ',9' tc 'black'\n"
     << "set label 2 '1e-6 horizon' at graph 0.02, first 1e-6 offset 0, 0.6 font ',9' tc rgb '#666666'\n"
     << "set title 'relative parameter distance from the 50-digit run (" << subject << ")'\n"
     << "plot $d using 1:($2 > 0 ? $2 : NaN) with lines lw 2 lc rgb '#D55E00' title 'float32', "
     << "$d using 1:($3 > 0 ? $3 : NaN) with lines lw 2 lc rgb '#0072B2' title 'float64', "
     << "$d using 1:($4 > 0 ? $4 : NaN) with lines dt 2 lw 2 lc rgb '#009E73' title 'float64, units permuted'";
  if (with_floor) gp << ", $d using 1:($9 > 0 ? $9 : NaN) with lines lw 1 lc rgb '#999999' title 'noise floor: float64 vs permuted'";
  gp << ", 1e-6 with lines dt 2 lc rgb '#666666' notitle, 1e-2 with lines dt 2 lc 'black' notitle\n"
     << "unset label 1\nunset label 2\nset title 'loss'\n"
     << "plot $d using 1:5 with lines lw 3 lc 'black' title '50 digits', "
     << "$d using 1:6 with lines lw 2 lc rgb '#D55E00' title 'float32', "
     << "$d using 1:7 with lines dt 2 lw 2 lc rgb '#0072B2' title 'float64', "
     << "$d using 1:8 with lines dt 3 lw 2 lc rgb '#009E73' title 'float64, units permuted'\n"
     << "unset multiplot\n";
  write_png(gp.str(), png, 1400, 640);
}

}  // namespace learndyn::cli
