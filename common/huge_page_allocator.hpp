// An allocator for arrays that are made together and first touched in one go, such as the NTK
// linearisation's eleven factor arrays of 0.4-1.2 MB each: each is below the 2 MB huge-page
// size, so on its own it takes 4 KB pages and one first-touch fault per page (~1,400 faults,
// ~1.7 us each on the benchmark machine, for the benchmark GRU's 5.6 MB). Here arrays of 64 KB
// or more are cut one after the other from shared regions of whole 2 MB pages, advised as
// transparent-huge-page candidates like LargeBuffer's blocks: a few 2 MB faults instead
// (docs/ntk.md, "Cold start, fourth round"). Smaller arrays go to operator new.
//
// A region is unmapped when its last array is freed, except the region being cut from if it
// has the default 8 MB: that one is reused from its start (a sweep that builds and drops one
// small linearisation after another touches its pages once). Stateless and interchangeable (any two allocators compare
// equal): the regions are process-wide, behind one mutex, taken only for arrays of 64 KB or more.
// Under AddressSanitizer every array is its own allocation (red zones kept).
#pragma once

#include <cstddef>
#include <limits>
#include <new>

namespace learndyn {

namespace detail {
// `bytes` (>= kHugeArenaMinimum) from the shared regions, 64-byte aligned; throws std::bad_alloc.
void* huge_arena_allocate(std::size_t bytes);
void huge_arena_free(void* p, std::size_t bytes);
// False in an AddressSanitizer build of this library, where every array is its own allocation.
bool huge_arena_active();
inline constexpr std::size_t kHugeArenaMinimum = std::size_t(64) << 10;
}  // namespace detail

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_alloc();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < detail::kHugeArenaMinimum) return static_cast<T*>(::operator new(bytes));
    return static_cast<T*>(detail::huge_arena_allocate(bytes));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < detail::kHugeArenaMinimum) return ::operator delete(p);
    detail::huge_arena_free(p, bytes);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

}  // namespace learndyn
