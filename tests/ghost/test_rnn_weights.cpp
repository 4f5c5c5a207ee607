// --weights / --save-weights (experiments/ghost/rnn_weights.hpp, proofs/ghost_rnn.md R41): the
// scripts' layouts give the recurrence the scripts compute (x @ m @ n, x @ m, m (n . x)) as
// learndyn's W r, save -> load round-trips bit for bit through a file, a run started from the
// seeded parameters is the seeded run bit for bit (train, slow points, sweep), and a file that
// contradicts the run is refused naming the option.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <learndyn/common/arrays.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/experiments/ghost/rnn_sweep.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>
#include <learndyn/experiments/ghost/rnn_weights.hpp>
#include <learndyn/experiments/ghost/slow_points.hpp>
#include "support/refused_parameter.hpp"
#include "support/same_rnn_parameters.hpp"
#include "support/scratch_folder.hpp"

namespace {
namespace fg = learndyn::fast::ghost;
namespace eg = learndyn::experiments::ghost;
using learndyn::ArraySet;
using learndyn::NpyArray;

// Learndyn's recurrent drive W r of a net.
Eigen::VectorXd recurrence_of(const fg::RnnNet& net, const Eigen::VectorXd& r) {
  return net.rank == 0 ? Eigen::VectorXd(net.W * r) : Eigen::VectorXd(net.M * (net.Nm.transpose() * r));
}

// The two sides sum the same products in different orders (N K <= 25 terms of size <= 10):
// rounding is below 1e-14 (1 + |value|); a wrong layout is off by O(1).
bool same_drive(double got, double want) { return std::abs(got - want) <= 1e-14 * (1 + std::abs(want)); }

NpyArray counting_array(std::vector<std::size_t> shape, double start) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  NpyArray a{shape, {}};
  for (std::size_t i = 0; i < n; ++i) a.data.push_back(start + 0.25 * static_cast<double>(i) - 0.1 * static_cast<double>(i * i % 7));
  return a;
}

// x as a row vector times a C-order (rows x cols) array: the scripts' `x @ a`.
std::vector<double> row_times(const std::vector<double>& x, const NpyArray& a) {
  const std::size_t rows = a.shape[0], cols = a.shape[1];
  std::vector<double> out(cols, 0.0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) out[j] += x[i] * a.data[i * cols + j];
  return out;
}

TEST(GhostRnnWeights, ScriptLayoutsGiveTheScriptsRecurrence) {
  const std::size_t N = 5;
  const std::vector<double> x{0.3, -0.2, 0.5, 0.1, -0.4};
  const Eigen::VectorXd r = Eigen::Map<const Eigen::VectorXd>(x.data(), 5);
  const NpyArray b = counting_array({N}, 0.1);
  for (std::size_t K : {1u, 2u, 5u}) {  // RankKRNN: x @ m @ n
    ArraySet set{"k.npz", {{"m", counting_array({N, K}, -0.5)}, {"n", counting_array({K, N}, 0.2)}, {"b", b},
                           {"W_out", counting_array({N}, 0.0)}, {"b_out", counting_array({1}, 0.3)}}};
    const eg::RnnWeights w = eg::weights_from_arrays(set);
    EXPECT_EQ(w.net.rank, static_cast<int>(K));
    const std::vector<double> want = row_times(row_times(x, set.arrays["m"]), set.arrays["n"]);
    const Eigen::VectorXd got = recurrence_of(w.net, r);
    for (std::size_t j = 0; j < N; ++j) EXPECT_PRED2(same_drive, got(static_cast<Eigen::Index>(j)), want[j]) << K;
    EXPECT_EQ(w.net.b_out, set.arrays["b_out"].data[0]);
  }
  {  // full rank: x @ m
    ArraySet set{"f.npz", {{"m", counting_array({N, N}, -0.5)}, {"b", b}, {"W_out", b}, {"b_out", NpyArray{{}, {0.5}}}}};
    const eg::RnnWeights w = eg::weights_from_arrays(set);
    EXPECT_EQ(w.net.rank, 0);
    const std::vector<double> want = row_times(x, set.arrays["m"]);
    const Eigen::VectorXd got = recurrence_of(w.net, r);
    for (std::size_t j = 0; j < N; ++j) EXPECT_PRED2(same_drive, got(static_cast<Eigen::Index>(j)), want[j]);
  }
  {  // RankOneRNN: m * (n . x)
    ArraySet set{"1.npz", {{"m", counting_array({N}, -0.5)}, {"n", counting_array({N}, 0.2)}, {"b", b}}};
    const eg::RnnWeights w = eg::weights_from_arrays(set);
    EXPECT_EQ(w.net.rank, 1);
    EXPECT_FALSE(w.has_readout);
    double kappa = 0;
    for (std::size_t i = 0; i < N; ++i) kappa += set.arrays["n"].data[i] * x[i];
    const Eigen::VectorXd got = recurrence_of(w.net, r);
    for (std::size_t j = 0; j < N; ++j)
      EXPECT_PRED2(same_drive, got(static_cast<Eigen::Index>(j)), set.arrays["m"].data[j] * kappa);
  }
}

void expect_same_net(const fg::RnnNet& a, const fg::RnnNet& b, bool readout) {
  EXPECT_EQ(a.rank, b.rank);
  learndyn::testing::expect_same_rnn_parameters(a, b, readout);
}

fg::RunSpec small_run(fg::RnnTask task, int rank) {
  fg::RunSpec s = fg::default_run(task, rank);
  s.neurons = 6;
  s.epochs = 7;
  s.seed = 4;
  return s;
}

TEST(GhostRnnWeights, SaveLoadRoundTripsBitForBit) {
  const learndyn::testing::ScratchFolder scratch;
  for (const auto& [task, rank] : std::vector<std::pair<fg::RnnTask, int>>{
           {fg::RnnTask::da, 1}, {fg::RnnTask::da, 0}, {fg::RnnTask::da, 3}, {fg::RnnTask::dcd, 2}, {fg::RnnTask::dmts, 0}}) {
    fg::RunSpec s = small_run(task, rank);
    const eg::TrainResult r = eg::run_rnn_train(s, {});
    for (const std::string name : {"w.npz", "w_folder"}) {
      const std::string path = (scratch.path / name).string();
      eg::write_run_weights(path, s, r.initial_net, r.final_net);
      const ArraySet set = learndyn::read_arrays(path);
      const eg::RnnWeights final_w = eg::weights_from_arrays(set);  // no top-level names: final/
      EXPECT_EQ(final_w.group, "final/");
      const bool readout = eg::has_population_readout(s);
      EXPECT_EQ(final_w.has_readout, readout);
      expect_same_net(final_w.net, r.final_net, readout);
      ArraySet initial{path, {}};
      for (const auto& [k, a] : set.arrays)
        if (k.rfind("initial/", 0) == 0) initial.arrays[k.substr(8)] = a;
      expect_same_net(eg::weights_from_arrays(initial).net, r.initial_net, readout);
      EXPECT_NO_THROW(eg::require_weights_fit(s, final_w));
    }
  }
}

TEST(GhostRnnWeights, StartingFromTheSeededParametersIsTheSeededRun) {
  for (const auto& [task, rank] : std::vector<std::pair<fg::RnnTask, int>>{
           {fg::RnnTask::da, 1}, {fg::RnnTask::da, 0}, {fg::RnnTask::dcd, 2}, {fg::RnnTask::dmts, 0}}) {
    const fg::RunSpec s = small_run(task, rank);
    const eg::TrainResult seeded = eg::run_rnn_train(s, {0.05, rank == 1 ? 2 : 0});
    const eg::RnnWeights w =
        eg::weights_from_arrays({"w", eg::weights_to_arrays(seeded.initial_net, eg::has_population_readout(s), "")});
    eg::TrainSettings from_file{0.05, rank == 1 ? 2 : 0};
    from_file.start = w.net;
    const eg::TrainResult loaded = eg::run_rnn_train(s, from_file);
    ASSERT_EQ(loaded.curve.rows.size(), seeded.curve.rows.size());
    for (std::size_t k = 0; k < seeded.curve.rows.size(); ++k)
      for (std::size_t c = 0; c < seeded.curve.columns.size(); ++c) {
        const double a = seeded.curve.rows[k][c], b = loaded.curve.rows[k][c];
        EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << k << " " << c;
      }
    EXPECT_EQ(loaded.final_loss, seeded.final_loss);
    expect_same_net(loaded.final_net, seeded.final_net, eg::has_population_readout(s));

    eg::SlowPointSettings sp{{0, 3}, 41, 2};
    const eg::SlowPointResult sp_seeded = eg::run_rnn_slow_points(s, sp);
    sp.start = w.net;
    const eg::SlowPointResult sp_loaded = eg::run_rnn_slow_points(s, sp);
    ASSERT_EQ(sp_loaded.points.rows.size(), sp_seeded.points.rows.size());
    expect_same_net(sp_loaded.final_net, sp_seeded.final_net, eg::has_population_readout(s));

    eg::SweepSettings sw;
    sw.ranks.push_back(s);
    sw.lo = sw.hi = s.lr;
    sw.count = 1;
    sw.seeds = 1;  // seed 0, as the sweep numbers them
    fg::RunSpec s0 = s;
    s0.seed = 0;
    const eg::TrainResult seed0 = eg::run_rnn_train(s0, {});
    const eg::SweepResult sw_seeded = eg::run_rnn_sweep(sw);
    sw.start = seed0.initial_net;
    const eg::SweepResult sw_loaded = eg::run_rnn_sweep(sw);
    EXPECT_EQ(sw_loaded.runs.rows, sw_seeded.runs.rows);
    ASSERT_TRUE(sw_loaded.single_run_nets && sw_seeded.single_run_nets);
    expect_same_net(sw_seeded.single_run_nets->first, seed0.initial_net, true);
    expect_same_net(sw_loaded.single_run_nets->second, sw_seeded.single_run_nets->second, true);
  }
}

TEST(GhostRnnWeights, RunsThatContradictTheFileAreRefusedNamingTheOption) {
  const fg::RunSpec s = small_run(fg::RnnTask::da, 2);
  const eg::RnnWeights w = eg::weights_from_arrays({"w.npz", eg::weights_to_arrays(eg::run_rnn_train(s, {}).initial_net, true, "")});
  fg::RunSpec other = s;
  other.neurons = 7;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::require_weights_fit(other, w); }), "N");
  other = s;
  other.rank = 3;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::require_weights_fit(other, w); }), "rank");
  other = fg::default_run(fg::RnnTask::dcd, 2);
  other.neurons = 6;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::require_weights_fit(other, w); }), "task");
  eg::SweepSettings sw;
  sw.ranks = {s, small_run(fg::RnnTask::da, 1)};
  sw.start = w.net;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_sweep(sw); }), "ranks");
  // A missing parameter is an InputError naming the file and the array.
  ArraySet set{"w.npz", eg::weights_to_arrays(w.net, true, "")};
  set.arrays.erase("n");
  try {
    eg::weights_from_arrays(set);
    ADD_FAILURE() << "no error";
  } catch (const learndyn::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("w.npz:array 'n': is missing"), std::string::npos) << e.what();
  }
}

}  // namespace
