// Deterministic random numbers: the same seed gives the same stream, bit for bit, on every
// platform (std::normal_distribution is implementation-defined, so it is not used).
#pragma once

#include <cmath>
#include <cstdint>

namespace learndyn {

// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator with a full period and good
// equidistribution, more than enough to draw starting points and probes.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Standard normal by Box-Muller (one of the pair is discarded: simplicity over speed).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t state_;
};

}  // namespace learndyn
