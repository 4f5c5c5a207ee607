// The attention NTK kernels built for x86-64-v3 (AVX2 + FMA), entered only after a run-time
// CPU check (attention_kernels_generic.cpp); Eigen renamed as in kernels_avx2.cpp, for the same
// reasons (no AVX2 instantiation may reach the generic build; 32-byte blocks chosen by Eigen).
#undef EIGEN_MALLOC_ALREADY_ALIGNED
#define Eigen learndyn_eigen_attention_avx2
// Every product through GEMM/GEMV, never Eigen's coefficient-based path for small sizes: that
// path computes a destination coefficient with FMA packets or with unfused scalar code
// depending on the destination's address alignment, so a result would depend on where the
// probe block happens to live (found: 1 vs 2 threads differed in the last bit for a 2 x 5
// token model). GEMM and GEMV results do not depend on addresses. Safe only because Eigen is
// renamed in this TU (no instantiation is shared with other TUs).
#define EIGEN_GEMM_TO_COEFFBASED_THRESHOLD 0
#define LEARNDYN_NTK_TARGET avx2
#define LEARNDYN_NTK_TARGET_NAME "avx2+fma"
#include <learndyn/fast/ntk/attention_kernels-inl.hpp>
