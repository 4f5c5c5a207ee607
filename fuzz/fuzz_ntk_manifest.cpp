// NTK manifests: the JSON structure, the kinds, sizes, shapes and layouts (batch_first), the
// arrays of an "arrays" set and a golden case's expected values. The .npy and .npz reading
// have their own targets (fuzz_npy, fuzz_npz); here an array path "AxBxC" stands for an array
// of that shape (each dimension <= 64, rank <= 4), any other path for a missing file, and an
// "arrays" path "AxB,C,..." for a set holding an array of each listed shape under that
// name, so that inputs reach the shape checks without touching the file system.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <string>
#include <variant>

#include <learndyn/common/input_error.hpp>
#include <learndyn/experiments/ntk/manifest.hpp>
#include "fuzz/fuzz_target.hpp"

namespace {

learndyn::NpyArray array_named(const std::string& path) {
  learndyn::NpyArray a;
  std::size_t count = 1, k = 0;
  while (k < path.size() && a.shape.size() < 4) {
    std::size_t d = 0, digits = 0;
    for (; k < path.size() && path[k] >= '0' && path[k] <= '9' && digits < 3; ++k, ++digits) d = 10 * d + (path[k] - '0');
    if (digits == 0 || d > 64) break;
    a.shape.push_back(d);
    count *= d;
    if (k == path.size()) {
      a.data.assign(count, 0.25);
      return a;
    }
    if (path[k++] != 'x') break;
  }
  throw learndyn::InputError(path, "", "no such array");
}

// The set "AxB,C,...": each comma-separated shape an array named by it.
learndyn::ArraySet set_named(const std::string& path) {
  learndyn::ArraySet set{path, {}};
  std::size_t start = 0;
  while (start <= path.size() && set.arrays.size() < 16) {
    const std::size_t end = std::min(path.find(',', start), path.size());
    const std::string name = path.substr(start, end - start);
    set.arrays.emplace(name, array_named(name));
    start = end + 1;
  }
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view text) {
    namespace en = learndyn::experiments::ntk;
    namespace fn = learndyn::fast::ntk;
    using learndyn::fuzz::check;
    const en::ManifestProblem problem = en::parse_manifest(text, "fuzz.json", array_named, set_named);
    if (const auto* p = std::get_if<en::RecurrentProblem>(&problem)) {
      const fn::Shape& s = p->model.shape;
      check(p->model.theta.size() == static_cast<std::size_t>(fn::parameter_count(s)), "theta disagrees with the shape");
      check(p->inputs.batch >= 1 && p->inputs.steps >= 1, "empty batch or sequence");
      const std::size_t rows = static_cast<std::size_t>(p->inputs.batch) * p->inputs.steps;
      check(p->inputs.x.size() == rows * s.inputs, "x disagrees with (B, T, inputs)");
      check(p->inputs.h0.empty() || p->inputs.h0.size() == static_cast<std::size_t>(p->inputs.batch) * s.hidden,
            "h0 disagrees with (B, hidden)");
      check(p->target.empty() || p->target.size() == rows * s.hidden, "target disagrees with (B, T, hidden)");
      check(p->model.alpha > 0 && p->model.alpha <= 1, "alpha outside (0, 1]");
      check(p->golden.id.empty() == p->golden.expected.empty(), "a case without values or values without a case");
    } else {
      const auto& a = std::get<en::AttentionProblem>(problem);
      check(a.model.theta.size() == static_cast<std::size_t>(a.model.shape.parameter_count()),
            "theta disagrees with the shape");
      check(a.inputs.x.size() == static_cast<std::size_t>(a.inputs.batch) * a.inputs.steps * a.model.shape.inputs,
            "x disagrees with (B, T, inputs)");
    }
  });
}
