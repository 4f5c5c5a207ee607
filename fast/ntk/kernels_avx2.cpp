// The NTK kernels built for x86-64-v3 (AVX2 + FMA): Eigen's GEMM is chosen at compile time, so
// this TU is compiled with -march=x86-64-v3 (fast/CMakeLists.txt) and only entered after a
// run-time CPU check (kernels_generic.cpp). Eigen lives in a renamed namespace here, so that
// none of its AVX2 template instantiations can be picked by the linker for the generic build.
// The sanitizer build (LEARNDYN_SANITIZE) forces EIGEN_MALLOC_ALREADY_ALIGNED=1 on learndyn_fast
// so that the generic TUs allocate as the uninstrumented ones do; this TU needs 32-byte blocks
// (AVX2) and, Eigen being renamed, shares no allocation with them: let Eigen choose here.
#undef EIGEN_MALLOC_ALREADY_ALIGNED
#define Eigen learndyn_eigen_avx2
// Every product through GEMM/GEMV: Eigen's coefficient-based path for small sizes chooses FMA
// packets or unfused scalar code by the destination's alignment, so a tiny model's result
// could depend on where a buffer lives (seen in the attention kernels: 1 vs 2 threads differed
// in the last bit). Safe because Eigen is renamed in this TU.
#define EIGEN_GEMM_TO_COEFFBASED_THRESHOLD 0
#define LEARNDYN_NTK_TARGET avx2
#define LEARNDYN_NTK_TARGET_NAME "avx2+fma"
#include <learndyn/fast/ntk/kernels-inl.hpp>
