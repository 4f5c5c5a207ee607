// The catalogue of `learndyn reproduce` (experiments/reproduce.hpp, proofs/common.md C19-C22):
// one well-formed, unique id per panel; every panel that claims to be reproduced (or reproduced
// qualitatively) runs, with a quick protocol; every missing or schematic panel says why and
// refuses to run; the shardable entries give their sweep's canonical arguments; the refusals of
// check_request name the parameter. Tested on the catalogue itself (no run: the CLI test runs
// three of them).
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/reproduce.hpp>

namespace {

namespace rp = learndyn::experiments::reproduce;

bool has_protocol(const rp::Entry& e, const std::string& name) {
  for (const rp::Protocol& p : e.protocols)
    if (p.name == name) return true;
  return false;
}

TEST(ReproduceCatalogue, EveryIdIsWellFormedAndUnique) {
  std::set<std::string> seen;
  for (const rp::Entry& e : rp::catalogue()) {
    EXPECT_TRUE(rp::well_formed_id(e.id)) << e.id;
    EXPECT_TRUE(seen.insert(e.id).second) << "duplicate " << e.id;
  }
  EXPECT_GE(seen.size(), 60u);
  EXPECT_FALSE(rp::well_formed_id("Ghost/fig6a"));
  EXPECT_FALSE(rp::well_formed_id("ghost/fig06a"));
  EXPECT_FALSE(rp::well_formed_id("ghost/6a"));
  EXPECT_FALSE(rp::well_formed_id("ghost/fig6ab"));
}

TEST(ReproduceCatalogue, EveryReproducedPanelRunsWithAQuickAndAPaperProtocol) {
  long runnable = 0;
  for (const rp::Entry& e : rp::catalogue()) {
    const bool runs = e.status == rp::Status::reproduced || e.status == rp::Status::qualitatively;
    EXPECT_EQ(runs, static_cast<bool>(e.run)) << e.id;
    if (!runs) continue;
    ++runnable;
    EXPECT_TRUE(has_protocol(e, "quick")) << e.id;
    EXPECT_TRUE(has_protocol(e, "paper")) << e.id;
    EXPECT_EQ(e.protocols.front().name, "quick") << e.id << ": quick is the default, listed first";
    for (const rp::Protocol& p : e.protocols) EXPECT_GE(p.seeds, 1) << e.id << " " << p.name;
  }
  EXPECT_GE(runnable, 15);
}

TEST(ReproduceCatalogue, EveryOtherPanelSaysWhyAndRefusesToRun) {
  for (const rp::Entry& e : rp::catalogue()) {
    EXPECT_FALSE(e.description.empty()) << e.id;
    EXPECT_FALSE(e.reason.empty()) << e.id;
    if (e.run) continue;
    EXPECT_TRUE(e.protocols.empty()) << e.id;
    EXPECT_THROW(rp::check_request(e, rp::Request{}, false), learndyn::ArgumentError) << e.id;
  }
}

// No catalogue panel is missing any more, so the refusal of one is checked on a constructed entry:
// the CLI's one line names the id and says that the panel is missing, and why.
TEST(ReproduceCatalogue, AMissingPanelIsRefusedWithItsReason) {
  const rp::Entry e = rp::unavailable("ghost/fig99", rp::Status::missing, "a panel", "not yet implemented: a reason");
  try {
    rp::check_request(e, rp::Request{}, false);
    ADD_FAILURE() << "a missing panel ran";
  } catch (const learndyn::ArgumentError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("ghost/fig99"), std::string::npos) << what;
    EXPECT_NE(what.find("missing"), std::string::npos) << what;
    EXPECT_NE(what.find("not yet implemented: a reason"), std::string::npos) << what;
  }
}

TEST(ReproduceCatalogue, EachPaperHasReproducedPanels) {
  for (const std::string paper : {"ghost/", "overlaps/", "ntk/"}) {
    long n = 0;
    for (const rp::Entry& e : rp::catalogue()) n += e.id.rfind(paper, 0) == 0 && e.status == rp::Status::reproduced;
    EXPECT_GE(n, 1) << paper;
  }
}

TEST(ReproduceCatalogue, ShardableEntriesGiveTheirSweepsCanonicalArguments) {
  long shardable = 0;
  for (const rp::Entry& e : rp::catalogue()) {
    if (e.shard_command.empty()) continue;
    ++shardable;
    ASSERT_TRUE(static_cast<bool>(e.shard_arguments)) << e.id;
    rp::Request paper;
    paper.protocol = "paper";
    for (const std::string& a : e.shard_arguments(paper)) {
      EXPECT_EQ(a.rfind("--", 0), 0u) << e.id << ": " << a;
      EXPECT_NE(a.find('='), std::string::npos) << e.id << ": " << a;
    }
    EXPECT_NO_THROW(rp::check_request(e, paper, true)) << e.id;
    EXPECT_THROW(rp::check_request(e, rp::Request{}, true), learndyn::ArgumentError) << e.id << ": quick has no shards";
  }
  EXPECT_GE(shardable, 2);  // ghost/fig6a and ntk/fig5b at least
  EXPECT_FALSE(rp::find_entry("ghost/fig6a").shard_command.empty());
  EXPECT_FALSE(rp::find_entry("ntk/fig5b").shard_command.empty());
}

TEST(ReproduceCatalogue, BadRequestsNameTheirParameter) {
  const auto names = [](const auto& call, const std::string& parameter) {
    try {
      call();
    } catch (const learndyn::ArgumentError& e) {
      return std::string(e.what()).find(parameter) != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(names([] { rp::find_entry("ghost/fig99"); }, "id"));
  const rp::Entry& e = rp::find_entry("ghost/fig2a");
  rp::Request r;
  r.protocol = "slow";
  EXPECT_TRUE(names([&] { rp::check_request(e, r, false); }, "protocol"));
  r.protocol = "quick";
  r.seeds = 1001;
  EXPECT_TRUE(names([&] { rp::check_request(e, r, false); }, "seeds"));
  r.seeds = 3;  // the canonical model's curves have no seeds
  EXPECT_TRUE(names([&] { rp::check_request(e, r, false); }, "seeds"));
  EXPECT_NO_THROW(rp::check_request(rp::find_entry("ghost/fig6a"), r, false));
  r.seeds = 0;
  EXPECT_TRUE(names([&] { rp::check_request(e, r, true); }, "shard"));
}

TEST(ReproduceCatalogue, CommandLinesQuoteWhatTheShellWouldSplit) {
  EXPECT_EQ(rp::command_line({"ghost", "scan", "--points", "400"}), "learndyn ghost scan --points 400");
  EXPECT_EQ(rp::command_line({"a b", "it's"}), "learndyn 'a b' 'it'\\''s'");
  EXPECT_EQ(rp::number_argument(0.1), "0.1");
  EXPECT_EQ(rp::number_argument(3.0 / 19), "0.15789473684210525");
}

TEST(ReproduceCatalogue, TheCanonicalModelPanelRunsAndItsClaimsPass) {
  // ghost/fig2a is instant (analytical curves): its two stated numbers hold.
  const rp::Reproduction r = rp::find_entry("ghost/fig2a").run(rp::Request{});
  ASSERT_EQ(r.data.size(), 1u);
  EXPECT_EQ(r.data[0].table.rows.size(), 400u);
  ASSERT_EQ(r.claims.size(), 2u);
  for (const rp::Claim& c : r.claims) EXPECT_EQ(c.verdict, "pass") << c.quantity << ": " << c.measured;
  EXPECT_EQ(r.figure.panels.size(), 2u);
}

TEST(ReproduceCatalogue, TheGhostFigureCommandsAreWiredWithTheAuthorsProtocolsBesideLearndyns) {
  // Issue 15: each `ghost fig*` command is an entry's protocol (the authors' scripts beside
  // learndyn's own protocols for Figs. 6B and 8B).
  const std::vector<std::pair<std::string, std::string>> wired{
      {"ghost/fig4b", "quick"},       {"ghost/fig6b", "grid-quick"}, {"ghost/fig6b", "quick"},
      {"ghost/fig7c", "quick"},       {"ghost/fig7d", "quick"},      {"ghost/fig8b", "authors-quick"},
      {"ghost/fig8b", "smoke"},       {"ghost/fig8c", "smoke"},      {"overlaps/fig7", "quick"},
      {"ghost/fig5b", "quick"},      {"ntk/fig3b", "quick"}};
  for (const auto& [id, protocol] : wired) {
    const rp::Entry& e = rp::find_entry(id);
    EXPECT_NE(e.status, rp::Status::missing) << id;
    EXPECT_TRUE(has_protocol(e, protocol)) << id << " " << protocol;
  }
  // The DMTS sweep (Fig. 7A-B, R65) and the full-rank scripts' runs of Fig. 5 are entries too.
  for (const char* id : {"ghost/fig5a", "ghost/fig5c", "ghost/fig5d", "ghost/fig7a", "ghost/fig7b"}) {
    EXPECT_NE(rp::find_entry(id).status, rp::Status::missing) << id;
    EXPECT_TRUE(has_protocol(rp::find_entry(id), "paper")) << id;
  }
  // The smoke run of Fig. 8C (1 seed, 50 + 50 epochs): its two tables, each the command's.
  rp::Request q;
  q.protocol = "smoke";
  q.threads = 1;
  const rp::Reproduction r = rp::find_entry("ghost/fig8c").run(q);
  ASSERT_EQ(r.data.size(), 2u);
  for (const rp::DataFile& d : r.data) {
    ASSERT_GE(d.command.size(), 2u);
    EXPECT_EQ(d.command[0] + " " + d.command[1], "ghost fig8c");
    EXPECT_FALSE(d.table.rows.empty()) << d.file;
  }
  EXPECT_EQ(r.claims.size(), 4u);
}

}  // namespace
