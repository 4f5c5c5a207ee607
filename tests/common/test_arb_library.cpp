// Arb loaded on demand (common/arb_library.hpp, proofs/common.md C30): the table is the library's
// own functions, and a library that cannot serve it is refused in one line naming it and the
// package to install, before any Arb operation.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include <learndyn/common/interval.hpp>
// The table only: this file is compiled with the other enclosure tests in one translation unit,
// where Arb's names must stay Arb's.
#define LEARNDYN_ARB_LIBRARY_NO_REDIRECT
#include <learndyn/common/arb_library.hpp>
#undef LEARNDYN_ARB_LIBRARY_NO_REDIRECT

namespace {

// The message of load_arb_library(file)'s refusal ("" if it loaded).
std::string refusal(const char* file) {
  try {
    learndyn::detail::load_arb_library(file);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ArbLibrary, AMissingLibraryIsRefusedInOneLineNamingItAndThePackage) {
  const std::string message = refusal("libflint-arb-missing.so.0");
  EXPECT_NE(message.find("libflint-arb-missing.so.0"), std::string::npos) << message;
  EXPECT_NE(message.find("apt-get install libflint-arb2"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(ArbLibrary, ALibraryWithoutArbsFunctionsIsRefusedNamingTheMissingFunction) {
  // zlib: a library every Debian system has, with no Arb in it.
  const std::string message = refusal("libz.so.1");
  EXPECT_NE(message.find("undefined symbol"), std::string::npos) << message;
  EXPECT_NE(message.find("apt-get install libflint-arb2"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(ArbLibrary, TheTableIsTheLoadedLibrarysFunctions) {
  // Every pointer set, and arb_add through it computes: 1 + 2 = 3 exactly.
  const learndyn::detail::ArbLibrary& arb = learndyn::detail::arb_library();
#define LEARNDYN_EXPECT_SET(name) EXPECT_NE(arb.name, nullptr) << #name;
  LEARNDYN_ARB_FUNCTIONS(LEARNDYN_EXPECT_SET)
#undef LEARNDYN_EXPECT_SET
  const learndyn::interval one(1), two(2);
  learndyn::interval sum;
  arb.arb_add(static_cast<arb_ptr>(sum.raw()), static_cast<arb_srcptr>(one.raw()),
              static_cast<arb_srcptr>(two.raw()), 64);
  EXPECT_TRUE(sum.is_point());
  EXPECT_TRUE(sum == learndyn::interval(3));
}

}  // namespace
