// The manifest reader (experiments/ntk/manifest.hpp): arrays land in theta in the PyTorch
// order, and every fault names the file and the JSON path of the value at fault.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include <learndyn/common/input_error.hpp>
#include <learndyn/experiments/ntk/manifest.hpp>
#include "support/scratch_folder.hpp"

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

const char* const kRnn = R"({"model": "rnn_rate", "hidden": 2, "inputs": 1, "alpha": 0.5, "batch_first": true,
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
      R"({"model": "gru", "hidden": 2, "inputs": 2, "bias": false, "batch_first": true,
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
      R"({"model": "attention", "inputs": 3, "attention": 2, "mlp": 4, "outputs": 1, "batch_first": true,
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
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 0})", good), "m.json:$.hidden");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 1.5})", good), "m.json:$.hidden");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 1, "inputs": 1, "bias": 1})", good),
            "m.json:$.bias");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 1, "inputs": 1, "alpha": 0})", good),
            "m.json:$.alpha");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 1, "inputs": 1, "alpha": "1"})", good),
            "m.json:$.alpha");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 1, "inputs": 1, "weights": []})", good),
            "m.json:$.weights");
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "batch_first": true, "hidden": 1, "inputs": 1,
                               "weights": {"weight_ih_l0": 7, "weight_hh_l0": "wh"}})", good),
            "m.json:$.weights.weight_ih_l0");
  EXPECT_EQ(manifest_fault(R"({"model": "attention", "batch_first": true, "inputs": 1, "attention": 5000})", good),
            "m.json:$.attention");
}

// kRnn with `from` replaced by `to` (once).
std::string rnn_with(const std::string& from, const std::string& to) {
  std::string text = kRnn;
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(NtkManifest, TheLayoutIsStatedNeverGuessed) {
  const ManifestArrays good = rnn_arrays();
  try {
    en::parse_manifest(rnn_with(R"("batch_first": true,)", ""), "m.json", good.loader());
    ADD_FAILURE() << "a manifest without batch_first was read";
  } catch (const InputError& e) {
    EXPECT_EQ(e.position(), "$");
    EXPECT_NE(std::string(e.what()).find("missing required key \"batch_first\""), std::string::npos) << e.what();
  }
  EXPECT_EQ(manifest_fault(rnn_with(R"("batch_first": true)", R"("batch_first": 1)"), good), "m.json:$.batch_first");
  EXPECT_EQ(manifest_fault(rnn_with(R"("batch_first": true)", R"("batch_first": "true")"), good), "m.json:$.batch_first");
  // A misspelt key is refused at its own path, not ignored.
  EXPECT_EQ(manifest_fault(rnn_with(R"("batch_first": true)", R"("batch_first": true, "batchfirst": false)"), good),
            "m.json:$.batchfirst");
}

TEST(NtkManifest, TimeMajorInputsAndTargetAreReadAsTheirBatchFirstTwin) {
  // x (B, T, 1) = (3, 4, 1) holds 11..22 in rnn_arrays(); its time-major twin (T, B, 1) holds
  // x[b][t] at [t][b]; the same for the target (B, T, 2).
  const ManifestArrays batch_first = rnn_arrays();
  ManifestArrays time_major = rnn_arrays();
  const NpyArray& x = batch_first.arrays.at("x");
  const NpyArray& y = batch_first.arrays.at("y");
  NpyArray xt{{4, 3, 1}, std::vector<double>(12)}, yt{{4, 3, 2}, std::vector<double>(24)};
  for (std::size_t b = 0; b < 3; ++b)
    for (std::size_t t = 0; t < 4; ++t) {
      xt.data[t * 3 + b] = x.data[b * 4 + t];
      for (std::size_t i = 0; i < 2; ++i) yt.data[(t * 3 + b) * 2 + i] = y.data[(b * 4 + t) * 2 + i];
    }
  time_major.arrays["x"] = xt;
  time_major.arrays["y"] = yt;
  const auto a = std::get<en::RecurrentProblem>(en::parse_manifest(kRnn, "m.json", batch_first.loader()));
  const auto b = std::get<en::RecurrentProblem>(
      en::parse_manifest(rnn_with(R"("batch_first": true)", R"("batch_first": false)"), "m.json", time_major.loader()));
  EXPECT_EQ(b.inputs.batch, 3);
  EXPECT_EQ(b.inputs.steps, 4);
  EXPECT_EQ(a.inputs.x, b.inputs.x);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.inputs.h0, b.inputs.h0);  // torch's h_0 is (1, B, n) in both layouts
  // The batch-first arrays under "batch_first": false are (T, B) = (3, 4): h0's B = 3 no longer fits.
  EXPECT_EQ(manifest_fault(rnn_with(R"("batch_first": true)", R"("batch_first": false)"), batch_first), "m.json:$.h0");
}

TEST(NtkManifest, TimeMajorAttentionInputsAreReadAsTheirBatchFirstTwin) {
  ManifestArrays arrays;
  arrays.add("q", {2, 3}).add("k", {2, 3}).add("v", {2, 3}).add("w1", {4, 2}).add("b1", {4});
  arrays.add("w2", {1, 4}).add("b2", {1}).add("x", {2, 5, 3});
  ManifestArrays time_major = arrays;
  NpyArray& xt = time_major.arrays.at("x");
  xt.shape = {5, 2, 3};
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t t = 0; t < 5; ++t)
      for (std::size_t i = 0; i < 3; ++i) xt.data[(t * 2 + b) * 3 + i] = arrays.arrays.at("x").data[(b * 5 + t) * 3 + i];
  const std::string text = R"({"model": "attention", "inputs": 3, "attention": 2, "mlp": 4, "outputs": 1, "batch_first": true,
      "weights": {"W_q": "q", "W_k": "k", "W_v": "v", "W_1": "w1", "b_1": "b1", "W_2": "w2", "b_2": "b2"}, "x": "x"})";
  std::string time_major_text = text;
  time_major_text.replace(time_major_text.find("true"), 4, "false");
  const auto a = std::get<en::AttentionProblem>(en::parse_manifest(text, "m.json", arrays.loader()));
  const auto b = std::get<en::AttentionProblem>(en::parse_manifest(time_major_text, "m.json", time_major.loader()));
  EXPECT_EQ(b.inputs.batch, 2);
  EXPECT_EQ(b.inputs.steps, 5);
  EXPECT_EQ(a.inputs.x, b.inputs.x);
}

TEST(NtkManifest, StrictJsonNamesTheFileAndThePath) {
  const ManifestArrays good = rnn_arrays();
  EXPECT_EQ(manifest_fault(std::string(kRnn) + " x", good), "m.json:");                      // trailing bytes
  EXPECT_EQ(manifest_fault(std::string(kRnn) + "{}", good), "m.json:");                      // a second document
  EXPECT_EQ(manifest_fault(rnn_with(R"("alpha": 0.5)", R"("alpha": 1e999)"), good), "m.json:$.alpha");  // overflow
  EXPECT_EQ(manifest_fault(rnn_with(R"("hidden": 2)", R"("hidden": 99999999999999999999999)"), good), "m.json:$.hidden");
  EXPECT_EQ(manifest_fault(rnn_with(R"("bias_hh_l0": "bh")", R"("bias_hh_l0": "bh", "bias_hh_l0": "bh")"), good),
            "m.json:$.weights.bias_hh_l0");  // duplicate key inside "weights"
  EXPECT_EQ(manifest_fault(rnn_with(R"("bias_hh_l0": "bh")", R"("bias_hh_l0": "bh", "weight_ih_l1": "wi")"), good),
            "m.json:$.weights.weight_ih_l1");  // a second layer is not read silently
  EXPECT_EQ(manifest_fault(rnn_with(R"("alpha": 0.5,)", R"("alpha": 0.5, "bias": false,)"), good),
            "m.json:$.weights.bias_ih_l0");  // bias arrays of a model without biases
  EXPECT_EQ(manifest_fault(rnn_with(R"("x": "x")", R"("x": ["x"])"), good), "m.json:$.x");
  EXPECT_EQ(manifest_fault(rnn_with(R"("model": "rnn_rate",)", R"("model": "rnn_rate", "attention": 3,)"), good),
            "m.json:$.attention");
}

TEST(NtkManifest, ArraysAreNamedInsideTheArraysFile) {
  const ManifestArrays arrays = rnn_arrays();
  const std::string text = rnn_with(R"("batch_first": true,)", R"("batch_first": true, "arrays": "w.npz",)");
  const en::ArraySetLoader set = [&](const std::string& path) {
    EXPECT_EQ(path, "w.npz");
    return learndyn::ArraySet{path, arrays.arrays};
  };
  const en::ArrayLoader no_files = [](const std::string& path) -> NpyArray {
    throw InputError(path, "", "not a file of this test");
  };
  const auto a = std::get<en::RecurrentProblem>(en::parse_manifest(kRnn, "m.json", arrays.loader()));
  const auto b = std::get<en::RecurrentProblem>(en::parse_manifest(text, "m.json", no_files, set));
  EXPECT_EQ(a.model.theta, b.model.theta);
  EXPECT_EQ(a.inputs.x, b.inputs.x);
  try {
    en::parse_manifest(rnn_with(R"("x": "x")", R"("x": "inputs")").replace(0, 1, R"({"arrays": "w.npz",)"), "m.json",
                       no_files, set);
    ADD_FAILURE() << "a missing name was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.position(), "$.x");
    EXPECT_NE(std::string(e.what()).find("no array 'inputs' in w.npz"), std::string::npos) << e.what();
  }
  // Without a set loader (arrays given directly, e.g. from Python) "arrays" is refused.
  EXPECT_EQ(manifest_fault(text, arrays), "m.json:$.arrays");
}

TEST(NtkManifest, AGoldenCaseCarriesItsIdAndCertifiedValues) {
  const ManifestArrays arrays = rnn_arrays();
  const std::string golden = R"("case": "ntk.metrics.x=1", "expected": {"trace": {"value": "1.5e+01", "certified_digits": 49}},)";
  const auto p = std::get<en::RecurrentProblem>(
      en::parse_manifest(rnn_with(R"("alpha": 0.5,)", R"("alpha": 0.5, )" + golden), "m.json", arrays.loader()));
  EXPECT_EQ(p.golden.id, "ntk.metrics.x=1");
  ASSERT_EQ(p.golden.expected.size(), 1u);
  EXPECT_EQ(p.golden.expected[0].quantity, "trace");
  EXPECT_EQ(p.golden.expected[0].value, "1.5e+01");
  EXPECT_EQ(p.golden.expected[0].certified_digits, 49);
  EXPECT_EQ(manifest_fault(rnn_with(R"("alpha": 0.5,)", R"("alpha": 0.5, "case": "a b",)"), arrays), "m.json:$.case");
  EXPECT_EQ(manifest_fault(rnn_with(R"("alpha": 0.5,)", R"("alpha": 0.5, "case": "c", "expected": {"trace": {"value": "x", "certified_digits": 1}},)"), arrays),
            "m.json:$.expected.trace.value");
  EXPECT_EQ(manifest_fault(rnn_with(R"("alpha": 0.5,)", R"("alpha": 0.5, "case": "c",)"), arrays), "m.json:$");
}

TEST(NtkManifest, DuplicateKeysAndBadJsonAreRefusedNotResolved) {
  const ManifestArrays good = rnn_arrays();
  EXPECT_EQ(manifest_fault(R"({"model": "gru", "model": "rnn_rate"})", good), "m.json:$.model");
  EXPECT_EQ(manifest_fault("{not json", good), "m.json:");
  EXPECT_EQ(manifest_fault(kRnn, good), "");
}

TEST(NtkManifest, WrittenManifestsReadBackTheSameDoublesInBothFormats) {
  const ManifestArrays arrays = rnn_arrays();
  en::RecurrentProblem p = std::get<en::RecurrentProblem>(en::parse_manifest(kRnn, "m.json", arrays.loader()));
  p.golden = {"ntk.metrics.x=1", {{"trace", "1.5e+01", 49}}};
  const learndyn::testing::ScratchFolder scratch;
  const std::string root = scratch.path.string();
  for (const auto format : {en::ArrayFormat::npy, en::ArrayFormat::npz}) {
    const std::string dir = root + (format == en::ArrayFormat::npz ? "/npz" : "/npy");
    en::write_manifest(dir, p, format);
    const auto q = std::get<en::RecurrentProblem>(en::read_manifest(dir + "/model.json"));
    EXPECT_EQ(q.model.theta, p.model.theta);
    EXPECT_EQ(q.model.alpha, p.model.alpha);
    EXPECT_EQ(q.inputs.x, p.inputs.x);
    EXPECT_EQ(q.inputs.h0, p.inputs.h0);
    EXPECT_EQ(q.target, p.target);
    EXPECT_EQ(q.golden.id, p.golden.id);
    ASSERT_EQ(q.golden.expected.size(), 1u);
    EXPECT_EQ(q.golden.expected[0].value, "1.5e+01");
  }
}

TEST(NtkManifest, ReadManifestNamesAMissingFile) {
  EXPECT_THROW(en::read_manifest("no/such/manifest.json"), InputError);
}

}  // namespace
