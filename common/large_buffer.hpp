// A growable scratch buffer for the large probe blocks of the matrix-free operators (12 MB per
// block of 32 vectors at the NTK benchmark size), kept between calls. Its memory is not
// initialised (std::vector::resize zero-fills it: a memory pass for nothing), and a block of
// 1 MB or more is rounded up to whole 2 MB pages, 2 MB-aligned and advised to the kernel as a
// transparent-huge-page candidate (madvise MADV_HUGEPAGE; Linux's default THP mode is
// "madvise"): the first touch then costs one fault per 2 MB instead of one per 4 KB page. From
// 1 MB, not 2: on the benchmark machine a 4 KB fault costs ~1.7 us and a 2 MB one ~0.2 ms
// (24 MB: 10.0 ms in 4 KB pages, 2.1 ms in 2 MB pages), so 1.4 MB of per-worker workspace is
// cheaper as one zeroed 2 MB page than as 350 small faults (docs/ntk.md "Cold start, fourth
// round"). On the benchmark machine 4 KB faults were
// the cold start's excess: a first 32-probe NTK block took 2x a warm one (docs/ntk.md,
// "Cold start"). The contents are lost when the buffer grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace learndyn {

namespace detail {
inline constexpr std::size_t kHugePage = std::size_t(2) << 20;

// `bytes` (a multiple of kHugePage) in a mapping of its own, 2 MB-aligned and advised as a
// huge-page candidate; throws std::bad_alloc. A mapping of its own: inside malloc's heap the
// advice would also reach the heap's top, which malloc trims and grows again around every
// GEMM's temporary blocks, and each regrowth would then fault (and zero) 2 MB pages: seen as a
// third of Hutch++'s time. Elsewhere than Linux, an aligned allocation.
inline void* map_huge_pages(std::size_t bytes) {
#if defined(__linux__)
  void* raw = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t end = start + bytes + kHugePage, used_end = aligned + bytes;
  if (end > used_end) munmap(reinterpret_cast<void*>(used_end), end - used_end);
#if defined(MADV_HUGEPAGE)
  madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // advice: failure is harmless
#endif
  return reinterpret_cast<void*>(aligned);
#else
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (!p) throw std::bad_alloc();
  return p;
#endif
}

inline void unmap_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__)
  munmap(p, bytes);
#else
  static_cast<void>(bytes);
  std::free(p);
#endif
}
}  // namespace detail

template <class T>
class LargeBuffer {
 public:
  LargeBuffer() = default;
  LargeBuffer(const LargeBuffer&) = delete;
  LargeBuffer& operator=(const LargeBuffer&) = delete;
  LargeBuffer(LargeBuffer&& o) noexcept : data_(o.data_), capacity_(o.capacity_), mapped_(o.mapped_) {
    o.data_ = nullptr;
    o.capacity_ = 0;
  }
  ~LargeBuffer() { release(); }

  // At least `count` elements (uninitialised when the buffer grew); throws std::bad_alloc.
  T* get(std::size_t count) {
    if (count <= capacity_) return data_;
    const std::size_t bytes = count * sizeof(T);
    release();
    if (bytes >= kHuge / 2 && !kSanitized) {
      data_ = static_cast<T*>(map_huge(bytes));
      mapped_ = true;
    } else {
      data_ = static_cast<T*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
      if (!data_) throw std::bad_alloc();
    }
    capacity_ = (bytes >= kHuge / 2 && !kSanitized ? (bytes + kHuge - 1) / kHuge * kHuge : (bytes + 63) / 64 * 64) / sizeof(T);
    return data_;
  }
  T* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

 private:
  static constexpr std::size_t kHuge = detail::kHugePage;
  // Under AddressSanitizer a block is a malloc block with red zones, not a mapping it cannot see.
#if defined(__SANITIZE_ADDRESS__)
  static constexpr bool kSanitized = true;
#else
  static constexpr bool kSanitized = false;
#endif
  static void* map_huge(std::size_t bytes) { return detail::map_huge_pages((bytes + kHuge - 1) / kHuge * kHuge); }
  void release() {
    if (!data_) return;
    if (mapped_) {
      detail::unmap_huge_pages(data_, capacity_ * sizeof(T));
    } else {
      std::free(data_);
    }
    data_ = nullptr;
    capacity_ = 0;
    mapped_ = false;
  }

  T* data_ = nullptr;
  std::size_t capacity_ = 0;
  bool mapped_ = false;
};

}  // namespace learndyn
