// PNG figures, drawn by gnuplot (Debian's gnuplot-nox, pngcairo terminal) from data the fast
// path computes. The PNG is written atomically; gnuplot missing is a clear error.
#pragma once

#include <string>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/analytic.hpp>

namespace learndyn::cli {

struct FigureRequest {
  fast::ghost::DelayTask task;
  std::vector<double> betas;
  double x_th;
  long points;
};

// Paper Fig. 2A / 8A: left, L/T against eps/eps* for each beta and the analytical limit;
// right, |dL/deps| normalised by its maximum over the grid, for each beta.
void write_ghost_figure(const FigureRequest& request, const std::string& png_path);

// s in single quotes for gnuplot (a quote inside becomes ''); throws ArgumentError naming
// `parameter` (the option that gave the path) for control characters, which a gnuplot string
// cannot hold.
std::string quoted(const std::string& s, const std::string& parameter = "figure");

// Runs gnuplot on `script` (which must `set output` to `output`); throws std::runtime_error
// when gnuplot is missing or fails. Shared by every figure.
void run_gnuplot(const std::string& script, const std::string& output);

// Moves the finished `partial` PNG to `png_path`: renamed over a regular file or a new name,
// copied into a device or FIFO (renaming would replace the node itself: as root, -o
// /dev/full became a file). On failure the partial file is removed and std::runtime_error
// names the path. Shared by every figure.
void install_png(const std::string& partial, const std::string& png_path);

// The accuracy audits' figure (`ghost rnn-audit`, `overlaps audit`), from their table: left,
// the relative parameter distance of float32, float64 and float64 with permuted units from the
// 50-digit run per epoch, on a log axis with the 1e-6 and 1e-2 horizons (and the float64 vs
// permuted noise floor when the table has it); right, the four runs' losses. `subject` names
// the run in the left title ("rank 1 DA, lr 0.02").
void write_audit_figure(const experiments::Table& t, const std::string& subject, const std::string& png);

}  // namespace learndyn::cli
