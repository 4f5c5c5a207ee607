// The NTK kernels built for x86-64-v3 (AVX2 + FMA): Eigen's GEMM is chosen at compile time, so
// this TU is compiled with -march=x86-64-v3 (fast/CMakeLists.txt) and only entered after a
// run-time CPU check (kernels_generic.cpp). Eigen lives in a renamed namespace here, so that
// none of its AVX2 template instantiations can be picked by the linker for the generic build.
#define Eigen learndyn_eigen_avx2
#define LEARNDYN_NTK_TARGET avx2
#define LEARNDYN_NTK_TARGET_NAME "avx2+fma"
#include "fast/ntk/kernels-inl.hpp"
