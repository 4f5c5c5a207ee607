// The attention-rank experiment (experiments/ntk/attention_rank.hpp; Figs. 6, 9) at a tiny
// size: one row per (attention, inputs, seed); with d_in = 1 the summed inputs' T x T Gram has
// rank one, so its participation ratio is 1 (N25); every temporal PR lies in [1, T] (N25); the
// summary is the rows' mean and sample s.d.; the table does not depend on the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ntk/attention_rank.hpp>

namespace {
namespace ex = learndyn::experiments::ntk;

ex::AttentionRankConfig tiny_attention() {
  ex::AttentionRankConfig c;
  c.inputs = {1, 3};
  c.attentions = {2, 4};
  c.seeds = {0, 1};
  c.mlp = 4;
  c.batch = 2;
  c.steps = 6;
  c.spatial = true;
  return c;
}

// Bit-for-bit equality, NaN ("not measured") equal to itself.
bool same_bits(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t r = 0; r < a.size(); ++r)
    if (a[r].size() != b[r].size() || std::memcmp(a[r].data(), b[r].data(), a[r].size() * sizeof(double)) != 0) return false;
  return true;
}

TEST(AttentionRank, RanksLieInOneToTAndTheRankOneInputsHavePrOne) {
  ex::AttentionRankConfig c = tiny_attention();
  c.threads = 1;
  const ex::AttentionRankResult one = ex::run_attention_rank(c);
  c.threads = 2;
  const ex::AttentionRankResult two = ex::run_attention_rank(c);
  EXPECT_TRUE(same_bits(one.rows.rows, two.rows.rows)) << "the table depends on the thread count";
  ASSERT_EQ(one.rows.rows.size(), 8u);
  for (std::size_t k = 0; k < one.rows.rows.size(); ++k) {
    if (one.rows.at(k, "inputs") == 1) {
      EXPECT_NEAR(one.rows.at(k, "temporal_rank_inputs"), 1.0, 1e-12);
    }
    for (const char* column : {"temporal_rank", "temporal_rank_K", "temporal_rank_inputs"}) {
      EXPECT_GE(one.rows.at(k, column), 1 - 1e-9) << column;
      EXPECT_LE(one.rows.at(k, column), 6 + 1e-9) << column;
    }
    EXPECT_GE(one.rows.at(k, "spatial_rank"), 1 - 1e-9);
    EXPECT_TRUE(std::isnan(one.rows.at(k, "overall_rank")));
  }
}

TEST(AttentionRank, SummaryIsTheMeanAndSampleSdOverSeeds) {
  const ex::AttentionRankResult r = ex::run_attention_rank(tiny_attention());
  ASSERT_EQ(r.summary.rows.size(), 4u);
  for (std::size_t g = 0; g < 4; ++g) {
    const double a = r.rows.at(2 * g, "temporal_rank"), b = r.rows.at(2 * g + 1, "temporal_rank");
    EXPECT_EQ(r.summary.at(g, "inputs"), r.rows.at(2 * g, "inputs"));
    EXPECT_EQ(r.summary.at(g, "attention"), r.rows.at(2 * g, "attention"));
    EXPECT_NEAR(r.summary.at(g, "temporal_rank_mean"), (a + b) / 2, 1e-14);
    EXPECT_NEAR(r.summary.at(g, "temporal_rank_sd"), std::fabs(a - b) / std::sqrt(2.0), 1e-7);
  }
}

TEST(AttentionRank, BadSettingsAreRefusedNamingTheParameter) {
  const auto refused = [](ex::AttentionRankConfig c) {
    try {
      ex::run_attention_rank(c);
    } catch (const learndyn::ArgumentError& e) {
      return e.parameter();
    }
    return std::string();
  };
  ex::AttentionRankConfig c = tiny_attention();
  c.inputs = {0, 2};
  EXPECT_EQ(refused(c), "inputs");
  c = tiny_attention();
  c.steps = 0;
  EXPECT_EQ(refused(c), "steps");
  c = tiny_attention();
  c.seeds.clear();
  EXPECT_EQ(refused(c), "seeds");
}

}  // namespace
