// Highway's run-time entry points, with the library loaded on first use.
//
// The SIMD kernels of the ghost and overlaps paths are Highway's (hwy/, header-only), and their
// run-time dispatch calls five functions of the shared library libhwy: GetChosenTarget,
// SupportedTargets, AllocateAlignedBytes, FreeAlignedBytes and Abort. Debian 12's libhwy.so.1
// (1.0.3) also runs a static initialiser when it is loaded: its nanobenchmark measures the
// timer's resolution, 4.2 ms of CPU (an empty program linked with it: 4.6 ms against 0.4 ms,
// `perf stat -r 20`), in every process that links it, whether or not it ever dispatches a
// Highway kernel. The NTK never does, and that was ~15% of a `learndyn ntk metrics` process's
// fixed cost (docs/ntk.md, "Cold start"; proofs/common.md C26). So learndyn does not link
// libhwy: these definitions forward each call to the library opened with dlopen on the first
// call (thread-safe: a function-local static). The same library does the same work once it is
// loaded (CPU detection, target choice, aligned allocation), so every dispatch and every result
// is unchanged. A program that links libhwy itself as well (a test that sets the targets)
// shares the one loaded library: dlopen returns it, and dlsym finds its own definitions.
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include <hwy/aligned_allocator.h>
#include <hwy/base.h>
#include <hwy/targets.h>

#ifndef LEARNDYN_HWY_SONAME
#define LEARNDYN_HWY_SONAME "libhwy.so.1"
#endif

namespace {

struct Highway {
  hwy::ChosenTarget& (*get_chosen_target)();
  int64_t (*supported_targets)();
  void* (*allocate)(size_t, hwy::AllocPtr, void*);
  void (*free)(const void*, hwy::FreePtr, void*);
};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "learndyn: cannot load Highway (%s): %s\n", LEARNDYN_HWY_SONAME, what ? what : "unknown error");
  std::abort();
}

template <class F>
F symbol(void* library, const char* name) {
  void* p = dlsym(library, name);
  if (!p) fail(dlerror());
  return reinterpret_cast<F>(p);
}

const Highway& highway() {
  static const Highway h = [] {
    void* library = dlopen(LEARNDYN_HWY_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!library) fail(dlerror());
    return Highway{symbol<hwy::ChosenTarget& (*)()>(library, "_ZN3hwy15GetChosenTargetEv"),
                   symbol<int64_t (*)()>(library, "_ZN3hwy16SupportedTargetsEv"),
                   symbol<void* (*)(size_t, hwy::AllocPtr, void*)>(library, "_ZN3hwy20AllocateAlignedBytesEmPFPvS0_mES0_"),
                   symbol<void (*)(const void*, hwy::FreePtr, void*)>(library, "_ZN3hwy16FreeAlignedBytesEPKvPFvPvS2_ES2_")};
  }();
  return h;
}

}  // namespace

namespace hwy {

ChosenTarget& GetChosenTarget() { return highway().get_chosen_target(); }

int64_t SupportedTargets() { return highway().supported_targets(); }

void* AllocateAlignedBytes(size_t payload_size, AllocPtr alloc_ptr, void* opaque_ptr) {
  return highway().allocate(payload_size, alloc_ptr, opaque_ptr);
}

void FreeAlignedBytes(const void* aligned_pointer, FreePtr free_ptr, void* opaque_ptr) {
  // Highway frees a null pointer as a no-op; so does this, without loading the library.
  if (aligned_pointer == nullptr) return;
  highway().free(aligned_pointer, free_ptr, opaque_ptr);
}

// HWY_ASSERT's report: the message, then abort (what Highway's own Abort does).
void Abort(const char* file, int line, const char* format, ...) {
  char message[400];
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof message, format, args);
  va_end(args);
  std::fprintf(stderr, "Abort at %s:%d: %s\n", file, line, message);
  std::abort();
}

}  // namespace hwy
