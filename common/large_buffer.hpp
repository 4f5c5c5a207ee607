// A growable scratch buffer for the large probe blocks of the matrix-free operators (12 MB per
// block of 32 vectors at the NTK benchmark size), kept between calls. Its memory is not
// initialised (std::vector::resize zero-fills it: a memory pass for nothing), and a block of
// 2 MB or more is 2 MB-aligned and advised to the kernel as a transparent-huge-page candidate
// (madvise MADV_HUGEPAGE; Linux's default THP mode is "madvise"): the first touch then costs
// one fault per 2 MB instead of one per 4 KB page. On the benchmark machine 4 KB faults were
// the cold start's excess: a first 32-probe NTK block took 2x a warm one (docs/ntk.md,
// "Cold start"). The contents are lost when the buffer grows.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace learndyn {

template <class T>
class LargeBuffer {
 public:
  LargeBuffer() = default;
  LargeBuffer(const LargeBuffer&) = delete;
  LargeBuffer& operator=(const LargeBuffer&) = delete;
  LargeBuffer(LargeBuffer&& o) noexcept : data_(o.data_), capacity_(o.capacity_) {
    o.data_ = nullptr;
    o.capacity_ = 0;
  }
  ~LargeBuffer() { std::free(data_); }

  // At least `count` elements (uninitialised when the buffer grew); throws std::bad_alloc.
  T* get(std::size_t count) {
    if (count <= capacity_) return data_;
    constexpr std::size_t huge = std::size_t(2) << 20;
    const std::size_t bytes = count * sizeof(T);
    const std::size_t align = bytes >= huge ? huge : 64;
    const std::size_t rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align == huge) madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
    std::free(data_);
    data_ = static_cast<T*>(p);
    capacity_ = rounded / sizeof(T);
    return data_;
  }
  T* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

 private:
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace learndyn
