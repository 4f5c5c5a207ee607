// A counter-based stream of standard normals (proofs/common.md C18): normal k of the stream of
// key s is a pure function of (s, k), computed with +, -, *, /, sqrt and bit operations only
// (no libm), so the same key gives the same doubles on every platform, in any chunking, and the
// fill loops vectorise (both the fast path and the reference draw through this header).
//
// Pair j (normals 2j and 2j+1) takes the SplitMix64 outputs 2j and 2j+1 of key s, i.e.
// x = mix(s + (i+1) 0x9E3779B97F4A7C15) for i = 2j, 2j+1 (exactly Rng(s)'s outputs), turns
// them into a = (x_{2j} >> 12) 2^-52 and b = (x_{2j+1} >> 12) 2^-52 in [0, 1), and returns
// r cos(theta), r sin(theta) with r = sqrt(-2 log(1 - a)), theta = 2 pi (b - 1/2) (Box-Muller,
// both outputs), log, cos and sin being the polynomial evaluations written below.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace learndyn {

namespace normal_stream_detail {

inline constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;

inline std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// (x >> 12) 2^-52, exactly: the 52 high bits as the mantissa of a double in [1, 2), minus 1.
inline double unit(std::uint64_t x) {
  return std::bit_cast<double>((x >> 12) | 0x3FF0000000000000ull) - 1.0;
}

// log(v) for v in [2^-52, 1] (C18): v = 2^e m with m in [sqrt(1/2), sqrt 2), f = (m-1)/(m+1),
// log m = 2 atanh f = 2f + 2f s (1/3 + s/5 + ... + s^10/21), s = f^2 <= 0.0295 (the next term
// is below 2^-55 of 2f), plus e log 2 in two parts.
inline double log_unit(double v) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
  const std::uint64_t mantissa = bits & 0x000FFFFFFFFFFFFFull;
  double m = std::bit_cast<double>(mantissa | 0x3FF0000000000000ull);
  // The biased exponent as a double, exactly (2^52 + E as bits, minus 2^52).
  double e = std::bit_cast<double>((bits >> 52) | 0x4330000000000000ull) - 4503599627370496.0 - 1023.0;
  // big = 1.0 if m > sqrt 2 (mantissa bits above sqrt 2's, 0x6A09E667F3BCD), else 0.0: by an
  // integer borrow, not a comparison, so that the loop has no branch to if-convert.
  const std::uint64_t above = (0x6A09E667F3BCDull - mantissa) >> 63;
  const double big = std::bit_cast<double>((0 - above) & 0x3FF0000000000000ull);
  m *= 1.0 - 0.5 * big;  // exact: times 1 or 1/2
  e += big;
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;
  double p = 1.0 / 21;
  p = p * s + 1.0 / 19;
  p = p * s + 1.0 / 17;
  p = p * s + 1.0 / 15;
  p = p * s + 1.0 / 13;
  p = p * s + 1.0 / 11;
  p = p * s + 1.0 / 9;
  p = p * s + 1.0 / 7;
  p = p * s + 1.0 / 5;
  p = p * s + 1.0 / 3;
  const double two_f = f + f;
  return e * 0.6931471805599453 + (e * 2.3190468138462996e-17 + (two_f + two_f * s * p));
}

// cos and sin of 2 pi t for t in [-1/2, 1/2), reduced exactly by quarter turns: q = nearest
// integer to 4t, x = 2 pi (t - q/4) in [-pi/4, pi/4], Taylor polynomials to x^16 / x^15 (the
// next terms are below 5e-17), then rotated by q quarter turns (exact).
inline void cos_sin_turns(double t, double& c_out, double& s_out) {
  constexpr double kShift = 6755399441055744.0;  // 1.5 2^52: adding and subtracting rounds to an integer
  const double q = (4.0 * t + kShift) - kShift;
  const double x = (t - 0.25 * q) * 6.283185307179586;
  const double s = x * x;
  double sp = -1.0 / 1307674368000;
  sp = sp * s + 1.0 / 6227020800;
  sp = sp * s - 1.0 / 39916800;
  sp = sp * s + 1.0 / 362880;
  sp = sp * s - 1.0 / 5040;
  sp = sp * s + 1.0 / 120;
  sp = sp * s - 1.0 / 6;
  const double sn = x + x * s * sp;
  double cp = 1.0 / 20922789888000;
  cp = cp * s - 1.0 / 87178291200;
  cp = cp * s + 1.0 / 479001600;
  cp = cp * s - 1.0 / 3628800;
  cp = cp * s + 1.0 / 40320;
  cp = cp * s - 1.0 / 720;
  cp = cp * s + 1.0 / 24;
  cp = cp * s - 0.5;
  const double cs = 1.0 + s * cp;
  // q in {-2, ..., 2}: rotate (cs, sn) by q quarter turns with cos(q pi/2) = 1 - |q| and
  // sin(q pi/2) = q (2 - |q|), each in {-1, 0, 1}: every product below is exact, and one of
  // each pair of terms is zero.
  const double aq = std::fabs(q), cq = 1.0 - aq, sq = q * (2.0 - aq);
  c_out = cq * cs - sq * sn;
  s_out = sq * cs + cq * sn;
}

// r_j^2 = -2 log(1 - a_j) (before the square root), cos and sin of theta_j for the pairs
// j = first .. first + count - 1 of key `key` (normal_stream.cpp: elementwise, compiled without
// FMA contraction and cloned per x86-64 level, every clone giving the same bits).
void pair_block(std::uint64_t key, std::uint64_t first, std::size_t count, double* r2, double* c,
                double* s);

}  // namespace normal_stream_detail

class NormalStream {
 public:
  explicit NormalStream(std::uint64_t key) : key_(key) {}

  // The next n normals z_k of the stream into out[0..n), each as fl(scale * z_k).
  void fill(double* out, std::size_t n, double scale = 1.0) {
    namespace d = normal_stream_detail;
    constexpr std::size_t kBlock = 64;  // pairs per block
    alignas(64) double rr[kBlock], cc[kBlock], ss[kBlock];
    std::size_t done = 0;
    while (done < n) {
      const std::uint64_t first = position_ / 2;  // the pair holding the next normal
      const std::size_t offset = static_cast<std::size_t>(position_ % 2);
      const std::size_t pairs = std::min<std::size_t>(kBlock, (n - done + offset + 1) / 2);
      d::pair_block(key_, first, pairs, rr, cc, ss);
      // Apart: std::sqrt's errno branch would keep the loop above from vectorising.
      for (std::size_t i = 0; i < pairs; ++i) rr[i] = std::sqrt(rr[i]);
      if (offset == 0 && n - done >= 2 * pairs) {  // whole pairs: a vectorised interleave
        double* o = out + done;
        for (std::size_t i = 0; i < pairs; ++i) {
          o[2 * i] = scale * (rr[i] * cc[i]);
          o[2 * i + 1] = scale * (rr[i] * ss[i]);
        }
        done += 2 * pairs;
        position_ += 2 * pairs;
        continue;
      }
      for (std::size_t i = 0; i < pairs; ++i)
        for (std::size_t h = (i == 0 ? offset : 0); h < 2 && done < n; ++h) {
          out[done++] = scale * (rr[i] * (h ? ss[i] : cc[i]));
          ++position_;
        }
    }
  }

  // The number of normals drawn so far.
  std::uint64_t position() const { return position_; }

 private:
  std::uint64_t key_;
  std::uint64_t position_ = 0;
};

}  // namespace learndyn
