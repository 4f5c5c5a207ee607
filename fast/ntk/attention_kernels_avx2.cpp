// The attention NTK kernels built for x86-64-v3 (AVX2 + FMA), entered only after a run-time
// CPU check (attention_kernels_generic.cpp); Eigen renamed as in kernels_avx2.cpp, for the same
// reasons (no AVX2 instantiation may reach the generic build; 32-byte blocks chosen by Eigen).
#undef EIGEN_MALLOC_ALREADY_ALIGNED
#define Eigen learndyn_eigen_attention_avx2
#define LEARNDYN_NTK_TARGET avx2
#define LEARNDYN_NTK_TARGET_NAME "avx2+fma"
#include "fast/ntk/attention_kernels-inl.hpp"
