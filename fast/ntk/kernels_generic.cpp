// The NTK kernels for any x86-64 CPU, and the run-time choice between them and the AVX2 build.
#define LEARNDYN_NTK_TARGET generic
#define LEARNDYN_NTK_TARGET_NAME "generic"
#include <learndyn/fast/ntk/kernels-inl.hpp>

namespace learndyn::fast::ntk::detail {
namespace avx2 {
const Kernels& target_kernels();
}

const Kernels& generic_kernels() { return generic::target_kernels(); }

const Kernels* avx2_kernels() {
#if (defined(__x86_64__) || defined(__i386__)) && !defined(LEARNDYN_NTK_NO_AVX2)
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok ? &avx2::target_kernels() : nullptr;
#else
  return nullptr;
#endif
}

const Kernels& kernels() {
  static const Kernels& chosen = avx2_kernels() ? *avx2_kernels() : generic_kernels();
  return chosen;
}

}  // namespace learndyn::fast::ntk::detail
