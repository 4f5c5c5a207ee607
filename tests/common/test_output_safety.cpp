// The shared guards of bad input and long runs: the atomic output file (through symbolic
// links, failing before work on an unwritable path), the memory budget's refusal, and the
// progress reporter's silence on short runs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/text_file.hpp>

#include "support/scratch_folder.hpp"

namespace {
namespace fs = std::filesystem;

using Folder = learndyn::testing::ScratchFolder;

std::string contents(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, WritesThroughASymbolicLinkAndKeepsTheLink) {
  Folder dir;
  fs::create_directory(dir.path / "data");
  std::ofstream(dir.path / "data" / "target.csv") << "old\n";
  fs::create_symlink("data/target.csv", dir.path / "link.csv");
  learndyn::write_file_atomically((dir.path / "link.csv").string(), "new\n");
  EXPECT_TRUE(fs::is_symlink(dir.path / "link.csv"));
  EXPECT_EQ(contents(dir.path / "data" / "target.csv"), "new\n");
  EXPECT_FALSE(fs::exists(dir.path / "data" / "target.csv.partial"));
}

TEST(AtomicFile, ADanglingLinkCreatesItsTarget) {
  Folder dir;
  fs::create_symlink("made.csv", dir.path / "link.csv");
  learndyn::write_file_atomically((dir.path / "link.csv").string(), "x\n");
  EXPECT_TRUE(fs::is_symlink(dir.path / "link.csv"));
  EXPECT_EQ(contents(dir.path / "made.csv"), "x\n");
}

TEST(AtomicFile, AnUnwritablePathFailsAtConstructionNamingThePath) {
  Folder dir;
  const std::string path = (dir.path / "missing" / "out.json").string();
  try {
    learndyn::AtomicFile file(path);
    FAIL() << "opened " << path;
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot write " + path + ": ", 0), 0u) << e.what();
  }
}

TEST(AtomicFile, DestroyedWithoutCommitLeavesNoFile) {
  Folder dir;
  { learndyn::AtomicFile file((dir.path / "out.txt").string()); }
  EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(MemoryBudget, ARefusalNamesTheOptionAndStatesTheEstimate) {
  ::setenv("LEARNDYN_MEMORY_BUDGET", "1e9", 1);
  EXPECT_NO_THROW(learndyn::require_memory(0.9e9, "points", "100"));
  try {
    learndyn::require_memory(2.5e9, "points", "100");
    FAIL() << "accepted";
  } catch (const learndyn::ArgumentError& e) {
    EXPECT_EQ(e.parameter(), "points");
    EXPECT_EQ(std::string(e.what()),
              "invalid points = 100: allowed sizes whose estimated working memory (2.5 GB) fits in 1 GB");
  }
  ::unsetenv("LEARNDYN_MEMORY_BUDGET");
  EXPECT_LE(learndyn::memory_budget_bytes(), 8e9);
}

TEST(Progress, AShortRunPrintsNothing) {
  std::ostringstream sink;
  learndyn::set_progress_stream(&sink);
  {
    learndyn::Progress progress("test", "step", 1000, "1000 steps", 0.001);
    for (int i = 0; i <= 1000; ++i) progress.update(i);
  }
  learndyn::set_progress_stream(nullptr);
  EXPECT_EQ(sink.str(), "");
}

TEST(Progress, ALongRunIsAnnouncedUpFront) {
  std::ostringstream sink;
  learndyn::set_progress_stream(&sink);
  { learndyn::Progress progress("test", "step", 1e9, "1e+09 steps", 7200); }
  learndyn::set_progress_stream(nullptr);
  EXPECT_EQ(sink.str(), "learndyn: test: 1e+09 steps, estimated 2.0 h (progress follows on stderr)\n");
}

}  // namespace
