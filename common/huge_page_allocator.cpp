// The shared regions of HugePageAllocator (common/huge_page_allocator.hpp).
#include <learndyn/common/huge_page_allocator.hpp>

#include <mutex>
#include <new>
#include <vector>

#include <learndyn/common/large_buffer.hpp>

namespace learndyn::detail {
namespace {

constexpr std::size_t kPage = kHugePage;
constexpr std::size_t kRegion = std::size_t(8) << 20;   // a region, unless one array needs more
constexpr std::size_t kAlign = 64;

struct Region {
  char* base = nullptr;
  std::size_t size = 0, used = 0, live = 0;  // bytes cut so far; arrays not yet freed
};

Region map_region(std::size_t size) {
  Region r;
  r.size = size;
  r.base = static_cast<char*>(map_huge_pages(size));  // as LargeBuffer's blocks
  return r;
}

void unmap_region(const Region& r) { unmap_huge_pages(r.base, r.size); }

struct Arena {
  std::mutex lock;
  std::vector<Region> regions;  // the last one is the one being cut from
};

Arena& arena() {
  static Arena* a = new Arena;  // never destroyed: arrays may be freed during static destruction
  return *a;
}

std::size_t rounded(std::size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

}  // namespace

// Under AddressSanitizer every array is an allocation of its own, so that it keeps its red
// zones (an overrun inside a shared region would go unseen).
#if defined(__SANITIZE_ADDRESS__)
bool huge_arena_active() { return false; }
void* huge_arena_allocate(std::size_t bytes) { return ::operator new(bytes, std::align_val_t(kAlign)); }
void huge_arena_free(void* p, std::size_t) { ::operator delete(p, std::align_val_t(kAlign)); }
#else
bool huge_arena_active() { return true; }
void* huge_arena_allocate(std::size_t bytes) {
  const std::size_t need = rounded(bytes);
  Arena& a = arena();
  std::lock_guard<std::mutex> guard(a.lock);
  if (a.regions.empty() || a.regions.back().size - a.regions.back().used < need) {
    const std::size_t size = need > kRegion ? (need + kPage - 1) / kPage * kPage : kRegion;
    a.regions.push_back(map_region(size));
  }
  Region& r = a.regions.back();
  void* p = r.base + r.used;
  r.used += need;
  ++r.live;
  return p;
}

void huge_arena_free(void* p, std::size_t) {
  Arena& a = arena();
  std::lock_guard<std::mutex> guard(a.lock);
  const char* c = static_cast<const char*>(p);
  for (std::size_t i = 0; i < a.regions.size(); ++i) {
    Region& r = a.regions[i];
    if (c < r.base || c >= r.base + r.size) continue;
    if (--r.live > 0) return;
    if (i + 1 == a.regions.size() && r.size <= kRegion) {
      r.used = 0;  // the region being cut from: start again at its beginning, pages kept
    } else {
      unmap_region(r);
      a.regions.erase(a.regions.begin() + static_cast<std::ptrdiff_t>(i));
    }
    return;
  }
}
#endif

}  // namespace learndyn::detail
