// A user's own starting point for the overlap experiments (experiments/overlaps/user_inputs.hpp):
// the vectors' file and the Gram matrix read strictly, saved vectors read back bit for bit,
// runs from given vectors identical to the seeded runs that drew them, the theory alone from
// a Gram matrix identical to the theory beside the network, the exact start Sigma_0 (O45), and
// the nonlinear filter's network-vs-theory mismatch falling like N^-1/2 (E5).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/arrays.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/npy.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/overlaps/aba.hpp>
#include <learndyn/experiments/overlaps/equivalent.hpp>
#include <learndyn/experiments/overlaps/filter.hpp>
#include <learndyn/experiments/overlaps/networks.hpp>
#include <learndyn/experiments/overlaps/statistics.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>
#include "support/refused_parameter.hpp"
#include "support/scratch_folder.hpp"

namespace {
namespace ex = learndyn::experiments::overlaps;
namespace fo = learndyn::fast::overlaps;
namespace ro = learndyn::reference::overlaps;
using learndyn::ArraySet;
using learndyn::InputError;
using learndyn::NpyArray;

ex::FilterSettings small_filter(int rank) {
  ex::FilterSettings s = ex::filter_defaults(rank);
  s.neurons = 24;
  s.dt = 0.1;
  s.steps = 40;
  s.lr = 1e-2;
  s.epochs = 30;
  s.record_every = 5;
  s.seed = 11;
  return s;
}

bool same_network(const fo::Network& a, const fo::Network& b) {
  return a.z == b.z && a.m == b.m && a.U == b.U && a.V == b.V;
}

// The message of the InputError `f` throws ("(no error)" when it throws none).
std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- vectors in and out ---------------------------------------------------------------

// --save-vectors then --vectors: every value comes back bit for bit, from an .npz and from a
// folder, and initial/sigma is the exact Gram matrix of initial/ (O45).
TEST(OverlapsVectors, SavedVectorsReadBackBitForBit) {
  learndyn::testing::ScratchFolder scratch;
  for (int rank : {1, 3}) {
    const fo::Network initial = fo::random_network(17, rank, 5), final = fo::random_network(17, rank, 6);
    for (const std::string name : {"v.npz", "v_folder"}) {
      const std::string path = (scratch.path / (std::to_string(rank) + name)).string();
      ex::write_vectors(path, {{"initial/", &initial}, {"final/", &final}},
                        {{"initial/sigma", ex::matrix_array(ex::exact_gram(initial))}});
      const ArraySet set = learndyn::read_arrays(path);
      EXPECT_TRUE(same_network(ex::network_from_arrays(set, "initial/"), initial)) << path;
      EXPECT_TRUE(same_network(ex::network_from_arrays(set, "final/"), final)) << path;
      const NpyArray& sigma = learndyn::require_array(set, "initial/sigma", {2u * rank + 2, 2u * rank + 2});
      EXPECT_EQ(sigma.data, ex::matrix_array(ex::exact_gram(initial)).data);
    }
  }
}

// The file's layout: z, m (N,), u, v (N, R) in C order, row i holding neuron i's loadings;
// rank-1 u, v may also be (N,).
TEST(OverlapsVectors, ArraysMapToTheNetworksColumns) {
  ArraySet set{"w.npz", {}};
  set.arrays["z"] = NpyArray{{3}, {1, 2, 3}};
  set.arrays["m"] = NpyArray{{3}, {4, 5, 6}};
  set.arrays["u"] = NpyArray{{3, 2}, {1, 2, 3, 4, 5, 6}};
  set.arrays["v"] = NpyArray{{3, 2}, {7, 8, 9, 10, 11, 12}};
  const fo::Network net = ex::network_from_arrays(set);
  EXPECT_EQ(net.U(0, 1), 2);
  EXPECT_EQ(net.U(2, 0), 5);
  EXPECT_EQ(net.V(1, 1), 10);
  EXPECT_EQ(net.m(2), 6);
  set.arrays["u"] = NpyArray{{3}, {1, 2, 3}};
  set.arrays["v"] = NpyArray{{3}, {4, 5, 6}};
  const fo::Network one = ex::network_from_arrays(set);
  EXPECT_EQ(one.U.cols(), 1);
  EXPECT_EQ(one.V(2, 0), 6);
}

TEST(OverlapsVectors, InconsistentFilesAreInputErrorsNamingTheArray) {
  const auto with = [](std::map<std::string, NpyArray> changes, const std::vector<std::string>& drop = {}) {
    ArraySet set{"w.npz", {}};
    set.arrays["z"] = NpyArray{{4}, {1, 2, 3, 4}};
    set.arrays["m"] = NpyArray{{4}, {1, 2, 3, 4}};
    set.arrays["u"] = NpyArray{{4, 1}, {1, 2, 3, 4}};
    set.arrays["v"] = NpyArray{{4, 1}, {1, 2, 3, 4}};
    for (auto& [name, a] : changes) set.arrays[name] = a;
    for (const auto& name : drop) set.arrays.erase(name);
    return input_error_of([&] { ex::network_from_arrays(set); });
  };
  EXPECT_EQ(with({}), "(no error)");
  EXPECT_NE(with({}, {"v"}).find("array 'v': is missing"), std::string::npos);
  EXPECT_NE(with({{"m", NpyArray{{5}, {1, 2, 3, 4, 5}}}}).find("array 'm'"), std::string::npos);
  EXPECT_NE(with({{"z", NpyArray{{4, 1}, {1, 2, 3, 4}}}}).find("array 'z'"), std::string::npos);
  EXPECT_NE(with({{"v", NpyArray{{4, 2}, std::vector<double>(8, 1)}}}).find("array 'v'"), std::string::npos);
  EXPECT_NE(with({{"u", NpyArray{{4, 9}, std::vector<double>(36, 1)}},
                  {"v", NpyArray{{4, 9}, std::vector<double>(36, 1)}}}).find("rank R is 1..8"),
            std::string::npos);
  EXPECT_NE(with({{"z", NpyArray{{0}, {}}}}).find("N >= 1"), std::string::npos);
  // An option that contradicts the file names the option.
  const fo::Network net = fo::random_network(8, 2, 1);
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { ex::require_vectors_agree(net, "w.npz", 9, 0); }), "N");
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { ex::require_vectors_agree(net, "w.npz", 0, 1); }), "rank");
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { ex::require_vectors_agree(net, "w.npz", 8, 2); }), "");
}

// ---- the exact Gram matrix (O45) ------------------------------------------------------

// exact_gram is the Gram matrix of the doubles rounded once: equal, bit for bit, to the
// 100-digit Gram matrix rounded to double, also for vectors whose products cancel.
TEST(OverlapsVectors, ExactGramIsTheRoundedHundredDigitGram) {
  for (int seed = 0; seed < 5; ++seed) {
    fo::Network net = fo::random_network(1000 + 37 * seed, 2, static_cast<std::uint64_t>(seed));
    net.U.col(1) = net.z * 1e8 + net.U.col(1);  // z.u_2 large, z.v_1 small: cancellation in double sums
    net.V.col(0) *= 1e-3;
    const ro::Network<learndyn::real_hi> wide{net.z.cast<learndyn::real_hi>(), net.m.cast<learndyn::real_hi>(),
                                              net.U.cast<learndyn::real_hi>(), net.V.cast<learndyn::real_hi>()};
    const auto truth = ro::gram<learndyn::real_hi>(wide);
    const Eigen::MatrixXd sigma = ex::exact_gram(net);
    for (Eigen::Index i = 0; i < sigma.rows(); ++i)
      for (Eigen::Index j = 0; j < sigma.cols(); ++j)
        EXPECT_EQ(sigma(i, j), static_cast<double>(truth(i, j))) << i << "," << j << " seed " << seed;
  }
}

// ---- runs from the user's vectors -------------------------------------------------------

// --vectors with the vectors a seed draws is the seeded run, byte for byte (every activation
// and readout), and the result carries those vectors and the network's final ones.
TEST(OverlapsVectors, FilterFromTheSeededVectorsIsTheSeededRun) {
  for (int rank : {1, 2})
    for (const auto phi : {ro::Activation::linear, ro::Activation::erf, ro::Activation::tanh}) {
      ex::FilterSettings s = small_filter(rank);
      s.activation = phi;
      s.readout = phi == ro::Activation::linear ? ro::Readout::after_update : ro::Readout::before_update;
      if (phi == ro::Activation::tanh) s.epochs = 6;
      const ex::FilterResult seeded = ex::run_filter(s);
      s.vectors = fo::random_network(s.neurons, rank, s.seed);
      s.seed = 12345;  // unused with vectors
      const ex::FilterResult given = ex::run_filter(s);
      EXPECT_EQ(seeded.trajectory.columns, given.trajectory.columns);
      EXPECT_EQ(seeded.trajectory.rows, given.trajectory.rows) << "rank " << rank;
      EXPECT_TRUE(same_network(given.initial, *s.vectors));
      EXPECT_TRUE(same_network(given.final, seeded.final));
      EXPECT_FALSE(same_network(given.final, given.initial));
      EXPECT_EQ(given.sigma0, ex::exact_gram(*s.vectors));
    }
}

// --sigma0 with the exact Gram matrix of the seeded vectors is the seeded run's theory: every
// theory column (losses, Euler and direct overlaps) equal bit for bit; the exact map's
// overlaps are the network's to the E1 rounding bound.
TEST(OverlapsVectors, TheoryAloneFromTheSeededGramIsTheSeededTheory) {
  for (const auto phi : {ro::Activation::linear, ro::Activation::erf}) {
    ex::FilterSettings s = small_filter(1);
    s.activation = phi;
    const ex::FilterResult seeded = ex::run_filter(s);
    s.sigma0 = ex::exact_gram(fo::random_network(s.neurons, 1, s.seed));
    const ex::FilterResult alone = ex::run_filter(s);
    ASSERT_EQ(alone.trajectory.rows.size(), seeded.trajectory.rows.size());
    EXPECT_EQ(alone.trajectory.column("epoch"), seeded.trajectory.column("epoch"));
    for (const std::string c : {"loss_exact_map", "loss_euler", "loss_direct"})
      EXPECT_EQ(alone.trajectory.column(c), seeded.trajectory.column(c)) << c;
    for (const auto& name : seeded.overlap_names) {
      EXPECT_EQ(alone.trajectory.column("euler_" + name), seeded.trajectory.column("euler_" + name));
      EXPECT_EQ(alone.trajectory.column("direct_" + name), seeded.trajectory.column("direct_" + name));
      if (phi != ro::Activation::linear) continue;
      const auto exact = alone.trajectory.column("exact_" + name), network = seeded.trajectory.column(name);
      for (std::size_t i = 0; i < exact.size(); ++i) EXPECT_NEAR(exact[i], network[i], 1e-11) << name;
    }
    EXPECT_EQ(alone.summary.get("loss_exact_map_final"), seeded.summary.get("loss_exact_map_final"));
  }
}

TEST(OverlapsVectors, FilterRefusesContradictorySettings) {
  const auto bad = [](auto change) {
    ex::FilterSettings s = small_filter(1);
    change(s);
    return learndyn::testing::refused_parameter([&] { ex::run_filter(s); });
  };
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.vectors = fo::random_network(25, 1, 0); }), "N");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.vectors = fo::random_network(24, 2, 0); }), "rank");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.sigma0 = Eigen::MatrixXd::Identity(6, 6); }), "rank");
  EXPECT_EQ(bad([](ex::FilterSettings& s) {
              s.vectors = fo::random_network(24, 1, 0);
              s.sigma0 = Eigen::MatrixXd::Identity(4, 4);
            }),
            "sigma0");
}

// aba and equivalent from given vectors: the seeded runs' starts given as vectors give the
// seeded runs (aba's seeded start is theta2 of the seed's vectors; aba then uses the vectors
// as they are).
TEST(OverlapsVectors, AbaAndEquivalentFromTheSeededVectorsAreTheSeededRuns) {
  ex::AbaSettings a = ex::aba_defaults(ex::AbaOptimizer::sgd);
  a.neurons = 12;
  a.steps = 30;
  a.dt = 0.1;
  a.lr = 1e-2;
  a.phases = ex::parse_phases("A:20,B:10", a.decay_a, a.decay_b, 0.1, 2);
  a.seed = 3;
  const ex::AbaResult seeded = ex::run_aba(a);
  a.vectors = ex::equivalent_network(fo::random_network(12, 1, 3), std::sqrt(a.theta2_uu * 12), a.theta2_mu * 12);
  const ex::AbaResult given = ex::run_aba(a);
  EXPECT_EQ(seeded.trajectory.rows, given.trajectory.rows);
  EXPECT_EQ(seeded.phases.rows, given.phases.rows);
  EXPECT_TRUE(same_network(given.initial, *a.vectors));
  EXPECT_TRUE(same_network(given.final, seeded.final));

  ex::EquivalentSettings e;
  e.neurons = 20;
  e.steps = 30;
  e.dt = 0.1;
  e.lr = 1e-2;
  e.epochs = 10;
  e.seed = 4;
  const ex::EquivalentResult eq_seeded = ex::run_equivalent(e);
  e.vectors = fo::random_network(20, 1, 4);
  const ex::EquivalentResult eq_given = ex::run_equivalent(e);
  EXPECT_EQ(eq_seeded.trajectory.rows, eq_given.trajectory.rows);
  EXPECT_EQ(eq_seeded.outputs.rows, eq_given.outputs.rows);
  EXPECT_TRUE(same_network(eq_given.theta1_initial, *e.vectors));
  EXPECT_TRUE(same_network(eq_given.theta2_final, eq_seeded.theta2_final));
  e.vectors = fo::random_network(20, 2, 4);
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { ex::run_equivalent(e); }), "rank");
}

// ---- the Gram matrix of the theory alone (O46) ------------------------------------------

TEST(OverlapsSigma0, JsonAndNpyGiveTheSameMatrix) {
  const Eigen::MatrixXd sigma = ex::exact_gram(fo::random_network(9, 1, 2));
  std::string json = "[";
  for (Eigen::Index i = 0; i < 4; ++i) {
    json += i ? ",[" : "[";
    for (Eigen::Index j = 0; j < 4; ++j) {
      if (j) json += ",";
      json += learndyn::render_value(sigma(i, j));
    }
    json += "]";
  }
  json += "]";
  EXPECT_EQ(ex::parse_sigma0(json, "s.json"), sigma);
  EXPECT_EQ(ex::parse_sigma0(learndyn::serialize_npy(ex::matrix_array(sigma)), "s.npy"), sigma);
  EXPECT_EQ(ex::sigma_rank(sigma), 1);
}

// The Gram matrix of N < n vectors is singular; its rounding leaves eigenvalues of order
// -eps max|Sigma| that O46's tolerance accepts. A matrix that is no Gram matrix is refused.
TEST(OverlapsSigma0, RefusesWhatIsNoGramMatrix) {
  const Eigen::MatrixXd singular = ex::exact_gram(fo::random_network(3, 2, 8));  // rank 3 of 6
  EXPECT_EQ(input_error_of([&] { ex::parse_sigma0(learndyn::serialize_npy(ex::matrix_array(singular)), "s.npy"); }),
            "(no error)");
  const auto npy_error = [](const Eigen::MatrixXd& m) {
    return input_error_of([&] { ex::parse_sigma0(learndyn::serialize_npy(ex::matrix_array(m)), "s.npy"); });
  };
  Eigen::MatrixXd asymmetric = Eigen::MatrixXd::Identity(4, 4);
  asymmetric(0, 1) = 1e-10;
  EXPECT_NE(npy_error(asymmetric).find("not symmetric"), std::string::npos);
  Eigen::MatrixXd indefinite = Eigen::MatrixXd::Identity(4, 4);
  indefinite(0, 1) = indefinite(1, 0) = 1.5;
  EXPECT_NE(npy_error(indefinite).find("not positive semidefinite"), std::string::npos);
  EXPECT_NE(npy_error(Eigen::MatrixXd::Identity(5, 5)).find("expected a square (2R+2)"), std::string::npos);
  EXPECT_NE(npy_error(Eigen::MatrixXd::Identity(2, 2)).find("expected a square (2R+2)"), std::string::npos);
  EXPECT_NE(npy_error(Eigen::MatrixXd::Identity(4, 6)).find("has shape (4, 6)"), std::string::npos);
  EXPECT_NE(input_error_of([] { ex::parse_sigma0("[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,1]]", "s.json"); })
                .find("s.json:$[3]: has 3 entries"),
            std::string::npos);
  EXPECT_NE(input_error_of([] { ex::parse_sigma0("[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,\"1\"]]", "s.json"); })
                .find("s.json:$[3][3]: expected a number"),
            std::string::npos);
  EXPECT_NE(input_error_of([] { ex::parse_sigma0("{\"zm\": 1}", "s.json"); }).find("expected an array"),
            std::string::npos);
  EXPECT_NE(input_error_of([] { ex::parse_sigma0("[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1e999]]", "s.json"); }),
            "(no error)");
  EXPECT_NE(input_error_of([] { ex::parse_sigma0("", "s.json"); }), "(no error)");
}

// A Gram matrix may hold entries near the largest double: symmetrising it must not overflow
// (S + S^T would be infinite; S/2 + S^T/2 is not).
TEST(OverlapsSigma0, EntriesNearTheLargestDoubleStayFinite) {
  Eigen::MatrixXd big = Eigen::MatrixXd::Identity(4, 4);
  big(0, 0) = big(1, 1) = 1.7e308;
  const Eigen::MatrixXd sigma = ex::parse_sigma0(learndyn::serialize_npy(ex::matrix_array(big)), "s.npy");
  EXPECT_TRUE(sigma.allFinite());
  EXPECT_EQ(sigma, big);
}

// ---- the nonlinear filter: network vs mean-field theory ----------------------------------

// (E5 on the filter task) The erf and tanh networks against their mean-field theory (O9-O11)
// from the same Sigma_0: the error is a sampling fluctuation, O(N^-1/2) (proofs/overlaps.md §8),
// so the exponent fitted over N = 16..4096, 8 seeds each, lies within -1/2 +- 0.3 (E5's bound,
// its design: N = 16..4096, 8 seeds, a few epochs).
TEST(OverlapsFilter, NonlinearMismatchFallsLikeInverseSqrtN) {
  for (const auto phi : {ro::Activation::erf, ro::Activation::tanh}) {
    std::vector<double> log_n, log_gap;
    for (int n : {16, 64, 256, 1024, 4096})
      for (int seed = 0; seed < 8; ++seed) {
        ex::FilterSettings s = ex::filter_defaults(1);
        s.activation = phi;
        s.readout = ro::Readout::before_update;
        s.neurons = n;
        s.dt = 0.1;
        s.steps = 50;
        s.lr = 5e-3;
        s.epochs = 5;
        s.record_every = 5;
        s.seed = ex::derived_seed(20261206, static_cast<std::uint64_t>(8 * n + seed));
        const ex::FilterResult r = ex::run_filter(s);
        log_n.push_back(std::log(static_cast<double>(n)));
        log_gap.push_back(std::log(r.summary.get("max_gap_exact_map")));
      }
    const ex::LineFit fit = ex::fit_line(log_n, log_gap);
    EXPECT_LT(fit.slope, -0.2) << (phi == ro::Activation::erf ? "erf" : "tanh");
    EXPECT_GT(fit.slope, -0.8) << (phi == ro::Activation::erf ? "erf" : "tanh");
    std::cout << (phi == ro::Activation::erf ? "erf" : "tanh") << " filter: fitted slope " << fit.slope << " +- "
              << fit.slope_error << "\n";
  }
}

}  // namespace
