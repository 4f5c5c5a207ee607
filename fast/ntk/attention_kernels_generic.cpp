// The attention NTK kernels for any x86-64 CPU, and the run-time choice between them and the
// AVX2 build.
#define LEARNDYN_NTK_TARGET generic
#define LEARNDYN_NTK_TARGET_NAME "generic"
#include <learndyn/fast/ntk/attention_kernels-inl.hpp>

namespace learndyn::fast::ntk::detail {
namespace avx2 {
const AttentionKernels& target_attention_kernels();
}

const AttentionKernels& generic_attention_kernels() { return generic::target_attention_kernels(); }

const AttentionKernels& attention_kernels() {
#if (defined(__x86_64__) || defined(__i386__)) && !defined(LEARNDYN_NTK_NO_AVX2)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return avx2 ? avx2::target_attention_kernels() : generic_attention_kernels();
#else
  return generic_attention_kernels();
#endif
}

}  // namespace learndyn::fast::ntk::detail
