// The default golden suite as generated: well-formed, deterministic, certified, and wired to
// the right fast-path values.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "oracle/golden.hpp"
#include "oracle/suite.hpp"

namespace {
namespace o = learndyn::oracle;

const o::SuiteResult& default_suite() {
  static const o::SuiteResult result = o::evaluate_suite(o::SuiteName::standard, 50, "test", true);
  return result;
}

TEST(Suite, CaseIdsAreValidAndUnique) {
  std::set<std::string> ids;
  for (const o::GoldenCase& c : default_suite().golden.cases) {
    EXPECT_TRUE(o::is_valid_case_id(c.id)) << c.id;
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_FALSE(c.values.empty()) << c.id;
    EXPECT_EQ(c.command.rfind("learndyn ", 0), 0u) << c.id;
  }
}

// What the reference certifies on this suite (proofs/common.md §1): the closed forms agree on
// all 50 digits between the precisions; the quadrature of the finite-confidence loss on 46+;
// a GD run below eps_nr on 44 (its last steps divide by a loss slope near zero). A drop below
// 40 means a reference computation lost accuracy.
TEST(Suite, EveryValueIsCertifiedToAtLeast40Digits) {
  for (const o::GoldenCase& c : default_suite().golden.cases)
    for (const o::GoldenValue& v : c.values) EXPECT_GE(v.certified_digits, 40) << c.id << " " << v.quantity;
}

TEST(Suite, GenerationIsDeterministic) {
  const o::SuiteResult again = o::evaluate_suite(o::SuiteName::standard, 50, "test", false);
  EXPECT_EQ(o::to_json_text(again.golden), o::to_json_text(default_suite().golden));
}

TEST(Suite, FewerDigitsAreThePrefixRounded) {
  const o::SuiteResult short_suite = o::evaluate_suite(o::SuiteName::standard, 10, "test", false);
  const o::GoldenValue& v = short_suite.golden.cases.front().values.front();
  EXPECT_EQ(v.value.substr(0, 11), default_suite().golden.cases.front().values.front().value.substr(0, 11));
  EXPECT_LE(v.certified_digits, 10);
}

// A wiring check, not an accuracy test (tests/ghost/ holds the fast path's tight bounds): a
// fast value attached to the wrong quantity or case would be off by O(1). The loosest stated
// bound among these quantities is the GD running forward error, about 1e-10 relative here.
TEST(Suite, AuditFindsTheFastPathCloseToTheReference) {
  const o::Audit& audit = default_suite().audit;
  ASSERT_FALSE(audit.rows.empty());
  std::set<std::string> kinds;
  for (const o::AuditRow& r : audit.rows) {
    kinds.insert(r.kind);
    EXPECT_GT(r.cases, 0);
    EXPECT_LE(r.worst_relative_error, 1e-9) << r.kind << " " << r.quantity << " at " << r.worst_case;
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"ghost.critical_rate", "ghost.loss", "ghost.finite_loss", "ghost.gd"}));
}

}  // namespace
