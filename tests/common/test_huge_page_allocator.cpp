// common/huge_page_allocator.hpp: arrays of 64 KB or more are cut from shared regions of whole
// 2 MB pages, one after the other; a region is given back when its last array is freed, except
// the 8 MB region being cut from, which is reused from its start.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include <learndyn/common/huge_page_allocator.hpp>

namespace {

using Array = std::vector<double, learndyn::HugePageAllocator<double>>;
constexpr std::uintptr_t kPage = std::uintptr_t(2) << 20;

std::uintptr_t address(const Array& a) { return reinterpret_cast<std::uintptr_t>(a.data()); }

TEST(HugePageAllocator, LargeArraysAreCutOneAfterAnotherFromTwoMegabytePages) {
  if (!learndyn::detail::huge_arena_active()) {
    // AddressSanitizer build: every array is an allocation of its own, with red zones between
    // them, so two arrays are never adjacent, and each holds what was written in it.
    Array a(100000, 2.0), b(100000, 3.0);
    EXPECT_NE(address(b), address(a) + 100000 * sizeof(double));
    EXPECT_EQ(a.back(), 2.0);
    EXPECT_EQ(b.front(), 3.0);
    return;
  }
  // 10 MB: more than a default region, so a region of its own (whole 2 MB pages, so exactly
  // 10 MB, filled), starting on a 2 MB boundary.
  Array big(10 * 131072, 1.0);
  EXPECT_EQ(address(big) % kPage, 0u);
  // Two arrays of 100,000 doubles (781.25 KB, a multiple of 64 bytes): the second follows the
  // first in one region, whose start is a 2 MB page.
  Array a(100000, 2.0), b(100000, 3.0);
  EXPECT_EQ(address(b), address(a) + 100000 * sizeof(double));
  EXPECT_EQ(address(a) % kPage, 0u) << "a fresh 8 MB region after the full 10 MB one";
  // The contents are each array's own.
  EXPECT_EQ(big.front(), 1.0);
  EXPECT_EQ(big.back(), 1.0);
  EXPECT_EQ(a.back(), 2.0);
  EXPECT_EQ(b.front(), 3.0);
  const std::uintptr_t first = address(a);
  a = Array();
  b = Array();
  // The region being cut from, now empty, is cut again from its start.
  Array c(100000, 4.0);
  EXPECT_EQ(address(c), first);
  EXPECT_EQ(c[99999], 4.0);
  // Below 64 KB an array is an ordinary allocation, not cut from the region.
  Array small(1000, 5.0);
  EXPECT_NE(address(small), first + 100000 * sizeof(double));
  EXPECT_EQ(small[999], 5.0);
}

// In every build, sanitized or not, the arrays hold what was written in them.
TEST(HugePageAllocator, AllocatorsCompareEqualAndCopyConvert) {
  learndyn::HugePageAllocator<double> d;
  learndyn::HugePageAllocator<float> f(d);
  EXPECT_TRUE(d == f);
  Array x(70000, 1.5);
  Array y = x;  // copies through the same allocator
  EXPECT_EQ(x, y);
  EXPECT_NE(x.data(), y.data());
}

}  // namespace
