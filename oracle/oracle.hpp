// The oracle for C++ users: read a golden suite (written by `learndyn oracle generate`) and
// check the values your own code computes against it, for example from a GoogleTest:
//
//   const learndyn::oracle::GoldenSuite golden = learndyn::oracle::read_golden("golden.json");
//   const learndyn::oracle::CheckResult result = learndyn::oracle::check_values(
//       golden, {{"ghost.critical_rate.T100.none", "eta_c", my_eta_c}}, {.allow_missing = true});
//   EXPECT_TRUE(result.success) << learndyn::oracle::render_check_table(result);
//
// The rules are `learndyn oracle check`'s (oracle/check.hpp): a value passes when
// |got - expected| <= atol + max(rtol, 10^-c) |expected|, c the golden value's certified digits.
// Link learndyn::oracle (find_package(learndyn)).
#pragma once

#include <string>
#include <vector>

#include <learndyn/oracle/candidate.hpp>
#include <learndyn/oracle/check.hpp>
#include <learndyn/oracle/golden.hpp>

namespace learndyn::oracle {

// Reads and validates the golden suite at `path`; throws InputError naming the file and the
// position of a fault.
GoldenSuite read_golden(const std::string& path);

// One value computed by the caller, named as in the golden suite.
struct Value {
  std::string case_id;
  std::string quantity;
  double value = 0;
};

// check_candidate on `values`, each written exactly (the shortest decimal that reads back as
// the same double). Throws ArgumentError naming the value for a NaN or an infinity.
CheckResult check_values(const GoldenSuite& golden, const std::vector<Value>& values,
                         const CheckOptions& options = {});

}  // namespace learndyn::oracle
