// The manifest reader (experiments/ntk/manifest.hpp): arrays land in theta in the PyTorch
// order, and every fault names the file and the JSON path of the value at fault.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include <learndyn/common/input_error.hpp>
#include <learndyn/experiments/ntk/manifest.hpp>

namespace {

namespace en = learndyn::experiments::ntk;
namespace fn = learndyn::fast::ntk;
using learndyn::InputError;
using learndyn::NpyArray;

// Arrays by name, each filled with start, start + 1, ... so that the order in theta shows.
struct ManifestArrays {
  std::map<std::string, NpyArray> arrays;
  double next = 1;
  ManifestArrays& add(const std::string& name, std::vector<std::size_t> shape) {
    NpyArray a{shape, {}};
    std::size_t count = 1;
    for (std::size_t d : shape) count *= d;
    for (std::size_t k = 0; k < count; ++k) a.data.push_back(next++);
    arrays[name] = a;
    return *this;
  }
  en::ArrayLoader loader() const {
    return [this](const std::string& path) {
      const auto it = arrays.find(path);
      if (it == arrays.end()) throw InputError(path, "", "no such array");
      return it->second;
    };
  }
};

// The fault's position (file:path) of parsing `text`, or "" when it parses.
std::string manifest_fault(const std::string& text, const ManifestArrays& arrays) {
  try {
    en::parse_manifest(text, "m.json", arrays.loader());
  } catch (const InputError& e) {
    return e.file() + ":" + e.position();
  }
  return "";
}

const char* const kRnn = R"({"model": "rnn_rate", "hidden": 2, "inputs": 1, "alpha": 0.5,
  "weights": {"weight_ih_l0": "wi", "weight_hh_l0": "wh", "bias_ih_l0": "bi", "bias_hh_l0": "bh"},
  "x": "x", "h0": "h0", "target": "y"})";

ManifestArrays rnn_arrays() {
  ManifestArrays a;
  a.add("wi", {2, 1}).add("wh", {2, 2}).add("bi", {2}).add("bh", {2}).add("x", {3, 4, 1});
  a.add("h0", {1, 3, 2}).add("y", {3, 4, 2});
  return a;
}

TEST(NtkManifest, RecurrentManifestFillsThetaInTorchOrderAndTheInputs) {
  const ManifestArrays arrays = rnn_arrays();
  const auto problem = en::parse_manifest(kRnn, "m.json", arrays.loader());
  ASSERT_TRUE(std::holds_alternative<en::RecurrentProblem>(problem));
  const en::RecurrentProblem& p = std::get<en::RecurrentProblem>(problem);
  EXPECT_EQ(p.model.shape.kind, fn::ModelKind::rnn_rate);
  EXPECT_EQ(p.model.shape.hidden, 2);
  EXPECT_TRUE(p.model.shape.bias);
  EXPECT_EQ(p.model.alpha, 0.5);
  const std::vector<double> theta{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // wi, wh, bi, bh
  EXPECT_EQ(p.model.theta, theta);
  EXPECT_EQ(static_cast<int>(p.model.theta.size()), fn::parameter_count(p.model.shape));
  EXPECT_EQ(p.inputs.batch, 3);
  EXPECT_EQ(p.inputs.steps, 4);
  EXPECT_EQ(p.inputs.x.size(), 12u);
  EXPECT_EQ(p.inputs.h0.size(), 6u);
  EXPECT_EQ(p.target.size(), 24u);
  EXPECT_NO_THROW(fn::validate(p.model, p.inputs));
}

TEST(NtkManifest, GruWithoutBiasNeedsThreeGatesAndNoBiasArrays) {
  ManifestArrays arrays;
  arrays.add("wi", {6, 2}).add("wh", {6, 2}).add("x", {1, 5, 2});
  const auto problem = en::parse_manifest(
      R"({"model": "gru", "hidden": 2, "inputs": 2, "bias": false,
          "weights": {"weight_ih_l0": "wi", "weight_hh_l0": "wh"}, "x": "x"})",
      "m.json", arrays.loader());
  const en::RecurrentProblem& p = std::get<en::RecurrentProblem>(problem);
  EXPECT_EQ(p.model.shape.kind, fn::ModelKind::gru);
  EXPECT_FALSE(p.model.shape.bias);
  EXPECT_EQ(static_cast<int>(p.model.theta.size()), fn::parameter_count(p.model.shape));
  EXPECT_EQ(p.model.alpha, 1);
  EXPECT_TRUE(p.inputs.h0.empty());
}

TEST(NtkManifest, AttentionManifestFillsThetaInTheModelsOrder) {
  ManifestArrays arrays;
  arrays.add("q", {2, 3}).add("k", {2, 3}).add("v", {2, 3}).add("w1", {4, 2}).add("b1", {4});
  arrays.add("w2", {1, 4}).add("b2", {1}).add("x", {2, 5, 3});
  const auto problem = en::parse_manifest(
      R"({"model": "attention", "inputs": 3, "attention": 2, "mlp": 4, "outputs": 1,
          "weights": {"W_q": "q", "W_k": "k", "W_v": "v", "W_1": "w1", "b_1": "b1", "W_2": "w2", "b_2": "b2"},
          "x": "x"})",
      "m.json", arrays.loader());
  ASSERT_TRUE(std::holds_alternative<en::AttentionProblem>(problem));
  const en::AttentionProblem& p = std::get<en::AttentionProblem>(problem);
  ASSERT_EQ(static_cast<int>(p.model.theta.size()), p.model.shape.parameter_count());
  for (std::size_t k = 0; k < p.model.theta.size(); ++k) EXPECT_EQ(p.model.theta[k], k + 1.0);
  EXPECT_EQ(p.inputs.batch, 2);
  EXPECT_EQ(p.inputs.steps, 5);
  EXPECT_NO_THROW(fn::validate(p.model, p.inputs));
}

TEST(NtkManifest, EveryFaultNamesTheFileAndTheJsonPath) {
  const ManifestArrays good = rnn_arrays();
  ManifestArrays wrong_shape = rnn_arrays();
  wrong_shape.add("wh", {2, 3});
  EXPECT_EQ(manifest_fault(kRnn, wrong_shape), "m.json:$.weights.weight_hh_l0");
  ManifestArrays wrong_x = rnn_arrays();
  wrong_x.add("x", {3, 4, 2});
  EXPECT_EQ(manifest_fault(kRnn, wrong_x), "m.json:$.x");
  ManifestArrays wrong_h0 = rnn_arrays();
  wrong_h0.add("h0", {2, 3, 2});
  EXPECT_EQ(manifest_fault(kRnn, wrong_h0), "m.json:$.h0");
  ManifestArrays wrong_target = rnn_arrays();
  wrong_target.add("y", {3, 4, 1});
  EXPECT_EQ(manifest_fault(kRnn, wrong_target), "m.json:$.target");
  EXPECT_EQ(manifest_fault(R"({"model": "lstm"})", good), "m.json:$.model");
  EXPECT_EQ(manifest_fault(R"({"model": 3})", good), "m.json:$.model");
  EXPECT_EQ(manifest_fault(R"([1, 2])", good), "m.json:$");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "hidden": 0})", good), "m.json:$.hidden");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "hidden": 1.5})", good), "m.json:$.hidden");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "hidden": 1, "inputs": 1, "bias": 1})", good), "m.json:$.bias");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "hidden": 1, "inputs": 1, "alpha": 0})", good), "m.json:$.alpha");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "hidden": 1, "inputs": 1, "weights": []})", good), "m.json:$.weights");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "hidden": 1, "inputs": 1, "weights": {"weight_ih_l0": 7}})", good),
            "m.json:$.weights.weight_ih_l0");
  EXPECT_EQ(manifest_fault(R"({"model": "attention", "inputs": 1, "attention": 5000})", good), "m.json:$.attention");
}

TEST(NtkManifest, DuplicateKeysAndBadJsonAreRefusedNotResolved) {
  const ManifestArrays good = rnn_arrays();
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "model": "rnn_rate"})", good), "m.json:");
  EXPECT_EQ(manifest_fault("{not json", good), "m.json:");
  EXPECT_EQ(manifest_fault(kRnn, good), "");
}

TEST(NtkManifest, ReadManifestNamesAMissingFile) {
  EXPECT_THROW(en::read_manifest("no/such/manifest.json"), InputError);
}

}  // namespace
