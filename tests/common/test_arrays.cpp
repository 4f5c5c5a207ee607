// Array files (.npy writer, .npz archives, folders of .npy files): checked against NumPy
// itself. NumPy writes the files the reader must accept (np.save, np.savez,
// np.savez_compressed; float32, float64, Fortran order) and reads back with np.load what
// learndyn writes; the malformed archives are NumPy's or ours with bytes changed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include <learndyn/common/arrays.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/npy.hpp>
#include <learndyn/common/npz.hpp>

#include "support/scratch_folder.hpp"

namespace arrays_test {

namespace fs = std::filesystem;
using learndyn::ArraySet;
using learndyn::InputError;
using learndyn::NpyArray;

// The test values: element i (C order) of every array is (i + 1) / 8 - 2, exact in float32 too.
double value_at(std::size_t i) { return (static_cast<double>(i) + 1) / 8.0 - 2; }

NpyArray test_array(std::vector<std::size_t> shape) {
  NpyArray a{std::move(shape), {}};
  std::size_t n = 1;
  for (const std::size_t d : a.shape) n *= d;
  for (std::size_t i = 0; i < n; ++i) a.data.push_back(value_at(i));
  return a;
}

// A fresh empty folder for one test (tests/support/scratch_folder.hpp).
class ArraysTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (scratch_.path / name).string(); }

  // Runs `code` with NumPy imported as np and the test's folder as the working directory;
  // true if it exits 0 (an assertion in it fails the test).
  bool python(const std::string& code) const {
    const std::string script = path("script.py");
    std::ofstream(script) << "import os, sys, zipfile\nimport numpy as np\nos.chdir(sys.argv[1])\n" << code << "\n";
    const std::string command = std::string(LEARNDYN_NUMPY_PYTHON) + " '" + script + "' '" + scratch_.path.string() + "'";
    return std::system(command.c_str()) == 0;
  }

  std::string read_bytes(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void write_bytes(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }

  // The error message reading `name` gives, or "no error".
  std::string read_error(const std::string& name) const {
    try {
      learndyn::read_arrays(path(name));
    } catch (const InputError& e) {
      return std::string(e.what()).substr(scratch_.path.string().size() + 1);
    }
    return "no error";
  }

  learndyn::testing::ScratchFolder scratch_;
};

// The Python expression of the test values in `shape` (C order), as float64.
const char* kPythonValues = "def values(*shape):\n    return ((np.arange(int(np.prod(shape))) + 1) / 8 - 2).reshape(shape)\n";

TEST_F(ArraysTest, NpyWriterMatchesNumpyByteForByte) {
  // Scalars, empty and long dimensions, headers past 64 bytes, and the last shape's header
  // exactly at a multiple of 64 before padding (NumPy then pads a full 64 bytes).
  const std::vector<std::vector<std::size_t>> shapes = {
      {}, {0}, {1}, {3}, {2, 3}, {4, 1, 2}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {123456789, 0}, {2, 3, 4, 5, 1, 2},
      {0, 1, 1, 1, 10, 10, 10, 10, 10, 10, 10, 10}};
  std::string code = kPythonValues;
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    std::string tuple = "(";
    for (const std::size_t d : shapes[k]) tuple += std::to_string(d) + ",";
    code += "np.save('numpy_" + std::to_string(k) + ".npy', values" + tuple + "))\n";
  }
  ASSERT_TRUE(python(code));
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    SCOPED_TRACE("shape " + learndyn::shape_text(shapes[k]));
    EXPECT_EQ(learndyn::serialize_npy(test_array(shapes[k])), read_bytes("numpy_" + std::to_string(k) + ".npy"));
  }
}

TEST_F(ArraysTest, NumpyArchivesAndFoldersReadInEveryDtypeAndOrder) {
  ASSERT_TRUE(python(std::string(kPythonValues) + R"(
arrays = {'m': values(5), 'W': values(3, 4), 'initial/n': values(2, 3, 2), 's': values()}
def variants(a):
    return {'f8c': a, 'f4c': a.astype(np.float32), 'f8f': np.array(a, order='F'),
            'f4f': np.array(a.astype(np.float32), order='F')}
for kind, convert in [('f8c', 0), ('f4c', 1), ('f8f', 2), ('f4f', 3)]:
    converted = {k: list(variants(v).values())[convert] for k, v in arrays.items()}
    assert kind[2] == 'c' or converted['W'].flags['F_CONTIGUOUS']
    np.savez(kind + '.npz', **converted)
    np.savez_compressed(kind + '_compressed.npz', **converted)
    os.makedirs(kind + '_folder/initial')
    for k, v in converted.items():
        np.save(kind + '_folder/' + k + '.npy', v)
)"));
  for (const std::string kind : {"f8c", "f4c", "f8f", "f4f"})
    for (const std::string suffix : {".npz", "_compressed.npz", "_folder"}) {
      SCOPED_TRACE(kind + suffix);
      const ArraySet set = learndyn::read_arrays(path(kind + suffix));
      ASSERT_EQ(set.arrays.size(), 4u);
      EXPECT_EQ(learndyn::require_array(set, "m", {5}).data, test_array({5}).data);
      EXPECT_EQ(learndyn::require_array(set, "W", {3, 4}).data, test_array({3, 4}).data);
      EXPECT_EQ(learndyn::require_array(set, "initial/n", {2, 3, 2}).data, test_array({2, 3, 2}).data);
      EXPECT_EQ(learndyn::require_array(set, "s", {}).data, test_array({}).data);
    }
}

// Written to a stream that cannot seek, zipfile puts each member's CRC and sizes in a data
// descriptor after its data (flag bit 3) and leaves them zero in the local header.
TEST_F(ArraysTest, ArchivesWithDataDescriptorsRead) {
  ASSERT_TRUE(python(std::string(kPythonValues) + R"(
class Unseekable:
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def flush(self): self.f.flush()
    def read(self, n=-1): raise OSError("write-only")  # np.savez takes only objects with read()
for name, save in [('dd.npz', np.savez), ('dd_compressed.npz', np.savez_compressed)]:
    with open(name, 'wb') as f:
        save(Unseekable(f), a=values(3, 2), b=values(4))
    assert all(i.flag_bits & 8 for i in zipfile.ZipFile(name).infolist())
)"));
  for (const std::string name : {"dd.npz", "dd_compressed.npz"}) {
    const ArraySet set = learndyn::read_arrays(path(name));
    EXPECT_EQ(learndyn::require_array(set, "a", {3, 2}).data, test_array({3, 2}).data) << name;
    EXPECT_EQ(learndyn::require_array(set, "b", {4}).data, test_array({4}).data) << name;
  }
}

TEST_F(ArraysTest, NumpyReadsWhatLearndynWrites) {
  const std::map<std::string, NpyArray> arrays = {
      {"m", test_array({5})}, {"W", test_array({3, 4})}, {"final/n", test_array({2, 3, 2})}, {"s", test_array({})}};
  learndyn::write_arrays(path("w.npz"), arrays);
  learndyn::write_arrays(path("w_folder"), arrays);
  write_bytes("w64.npz", learndyn::serialize_npz(arrays, true));
  ASSERT_TRUE(python(std::string(kPythonValues) + R"(
expected = {'m': values(5), 'W': values(3, 4), 'final/n': values(2, 3, 2), 's': values()}
for archive in ['w.npz', 'w64.npz']:
    with np.load(archive) as f:
        assert sorted(f.files) == sorted(expected), f.files
        for k, v in expected.items():
            assert f[k].dtype == np.float64 and f[k].shape == v.shape and (f[k] == v).all(), k
    assert zipfile.ZipFile(archive).testzip() is None
for k, v in expected.items():
    a = np.load('w_folder/' + k + '.npy')
    assert a.shape == v.shape and (a == v).all(), k
)"));
}

TEST_F(ArraysTest, WriteThenReadReturnsTheSameArrays) {
  const std::map<std::string, NpyArray> arrays = {{"a", test_array({7, 1})}, {"deep/er/b", test_array({0, 3})},
                                                  {"rnn.weight_ih_l0", test_array({6, 2})}};
  for (const std::string target : {"r.npz", "r_folder", "r_folder_again/"}) {
    learndyn::write_arrays(path(target), arrays);
    const ArraySet set = learndyn::read_arrays(path(target));
    ASSERT_EQ(set.arrays.size(), arrays.size());
    for (const auto& [name, a] : arrays) {
      EXPECT_EQ(set.arrays.at(name).shape, a.shape) << name;
      EXPECT_EQ(set.arrays.at(name).data, a.data) << name;
    }
  }
  // The ZIP64 form reads the same.
  const auto zip64 = learndyn::parse_npz(learndyn::serialize_npz(arrays, true), "z.npz");
  EXPECT_EQ(zip64.at("deep/er/b").shape, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(zip64.at("a").data, arrays.at("a").data);
}

TEST_F(ArraysTest, RewritingAnArrayFolderReplacesItWhole) {
  learndyn::write_arrays(path("f"), {{"old", test_array({2})}, {"sub/x", test_array({1})}});
  learndyn::write_arrays(path("f"), {{"new", test_array({3})}});
  const ArraySet set = learndyn::read_arrays(path("f"));
  ASSERT_EQ(set.arrays.size(), 1u);
  EXPECT_EQ(set.arrays.count("new"), 1u);
  EXPECT_FALSE(fs::exists(path("f.partial")));
  EXPECT_FALSE(fs::exists(path("f.previous.partial")));
}

TEST_F(ArraysTest, AFolderHoldingOtherFilesIsNeverReplaced) {
  fs::create_directories(path("precious"));
  std::ofstream(path("precious/notes.txt")) << "mine";
  EXPECT_THROW(learndyn::write_arrays(path("precious"), {{"a", test_array({1})}}), InputError);
  EXPECT_TRUE(fs::exists(path("precious/notes.txt")));
  EXPECT_FALSE(fs::exists(path("precious/a.npy")));
  // A manifest beside the arrays is ignored when reading.
  learndyn::write_arrays(path("model"), {{"a", test_array({2})}});
  std::ofstream(path("model/manifest.json")) << "{}";
  EXPECT_EQ(learndyn::read_arrays(path("model")).arrays.size(), 1u);
}

TEST_F(ArraysTest, InvalidArraysAreRefusedBeforeAnythingIsWritten) {
  NpyArray nan = test_array({2, 2});
  nan.data[3] = std::numeric_limits<double>::quiet_NaN();
  for (const std::string target : {"bad.npz", "bad_folder"}) {
    try {
      learndyn::write_arrays(path(target), {{"ok", test_array({1})}, {"w", nan}});
      ADD_FAILURE() << "NaN written";
    } catch (const InputError& e) {
      EXPECT_EQ(e.position(), "array 'w', flat element 3");
    }
    EXPECT_THROW(learndyn::write_arrays(path(target), {{"../escape", test_array({1})}}), InputError);
    EXPECT_THROW(learndyn::write_arrays(path(target), {{"a//b", test_array({1})}}), InputError);
    EXPECT_THROW(learndyn::write_arrays(path(target), {{"a", NpyArray{{2, 2}, {1, 2, 3}}}}), InputError);
    EXPECT_THROW(learndyn::write_arrays(path(target), {}), InputError);
    EXPECT_FALSE(fs::exists(path(target)));
    EXPECT_FALSE(fs::exists(path(target + ".partial")));
  }
}

TEST_F(ArraysTest, RequireArrayNamesTheFileTheArrayAndBothShapes) {
  learndyn::write_arrays(path("w.npz"), {{"initial/m", test_array({3, 4})}, {"n", test_array({4})}});
  const ArraySet set = learndyn::read_arrays(path("w.npz"));
  const auto message = [&](const std::string& name, const std::vector<std::size_t>& shape) -> std::string {
    try {
      learndyn::require_array(set, name, shape);
    } catch (const InputError& e) {
      return std::string(e.what()).substr(scratch_.path.string().size() + 1);
    }
    return "no error";
  };
  EXPECT_EQ(message("initial/m", {3, 4}), "no error");
  EXPECT_EQ(message("initial/m", {3, learndyn::kAnyDimension}), "no error");
  EXPECT_EQ(message("initial/m", {4, 3}), "w.npz:array 'initial/m': has shape (3, 4); expected (4, 3)");
  EXPECT_EQ(message("n", {4, 1}), "w.npz:array 'n': has shape (4,); expected (4, 1)");
  EXPECT_EQ(message("b", {learndyn::kAnyDimension}), "w.npz:array 'b': is missing (the file holds: initial/m, n)");
}

TEST_F(ArraysTest, NaNInANumpyArchiveIsRefusedNamingMemberAndElement) {
  ASSERT_TRUE(python("a = np.ones((2, 3)); a[1, 2] = np.nan\nnp.savez_compressed('nan.npz', ok=np.ones(2), w=a)"));
  EXPECT_EQ(read_error("nan.npz"), "nan.npz:member w.npy, element (1, 2): is NaN");
}

TEST_F(ArraysTest, MemberThatIsNotNpyIsRefused) {
  ASSERT_TRUE(python("np.savez('x.npz', a=np.ones(2))\nwith zipfile.ZipFile('x.npz', 'a') as z:\n    z.writestr('notes.txt', 'hi')"));
  EXPECT_EQ(read_error("x.npz"), "x.npz:member notes.txt: is not an .npy array (an .npz holds only <name>.npy members)");
}

TEST_F(ArraysTest, DuplicateMemberIsRefused) {
  ASSERT_TRUE(python(
      "import warnings\nwarnings.simplefilter('ignore')\nnp.savez('d.npz', a=np.ones(2))\n"
      "with zipfile.ZipFile('d.npz', 'a') as z:\n    z.writestr('a.npy', z.read('a.npy'))"));
  EXPECT_EQ(read_error("d.npz"), "d.npz:member a.npy: appears twice");
}

TEST_F(ArraysTest, TruncatedArchivesAreRefused) {
  const std::string good = learndyn::serialize_npz({{"a", test_array({4})}, {"b", test_array({2, 2})}});
  for (const std::size_t keep : {std::size_t{0}, std::size_t{10}, good.size() / 2, good.size() - 1}) {
    SCOPED_TRACE(keep);
    EXPECT_THROW(learndyn::parse_npz(std::string_view(good).substr(0, keep), "t.npz"), InputError);
  }
  // The front of the archive cut away: the central directory points past the bytes left.
  EXPECT_THROW(learndyn::parse_npz(std::string_view(good).substr(100), "t.npz"), InputError);
  ASSERT_TRUE(python("np.savez_compressed('c.npz', a=np.arange(1000.0))\ndata = open('c.npz', 'rb').read()\n"
                     "open('cut.npz', 'wb').write(data[:100] + data[-200:])"));
  EXPECT_NE(read_error("cut.npz"), "no error");
}

TEST_F(ArraysTest, BadCrcIsRefused) {
  std::string bytes = learndyn::serialize_npz({{"a", test_array({4})}});
  bytes[bytes.find("\x93NUMPY") + 70] ^= 1;  // one bit of the data
  EXPECT_EQ([&] {
    try {
      learndyn::parse_npz(bytes, "c.npz");
    } catch (const InputError& e) {
      return e.position();
    }
    return std::string("no error");
  }(), "member a.npy");
  ASSERT_TRUE(python("np.savez_compressed('z.npz', a=np.arange(1000.0))\n"
                     "with zipfile.ZipFile('z.npz') as z:\n    info = z.getinfo('a.npy')\n"
                     "data = bytearray(open('z.npz', 'rb').read())\n"
                     "central = data.rindex(b'PK\\x01\\x02')\nlocal = 0\n"
                     "for at in (local + 14, central + 16):\n    data[at] ^= 0x40\n"
                     "open('z_crc.npz', 'wb').write(data)"));
  EXPECT_EQ(read_error("z.npz"), "no error");
  EXPECT_NE(read_error("z_crc.npz").find("CRC-32 mismatch"), std::string::npos) << read_error("z_crc.npz");
}

TEST_F(ArraysTest, OversizeDeclaredSizesAreRefusedBeforeAllocating) {
  // A deflated member declaring far more than deflate can produce from its bytes.
  ASSERT_TRUE(python("np.savez_compressed('z.npz', a=np.arange(10.0))\n"
                     "data = bytearray(open('z.npz', 'rb').read())\n"
                     "for at in (data.rindex(b'PK\\x01\\x02') + 24, 22):\n    data[at:at + 4] = (0xfffffff0).to_bytes(4, 'little')\n"
                     "open('big.npz', 'wb').write(data)"));
  EXPECT_NE(read_error("big.npz").find("deflate cannot expand that much"), std::string::npos) << read_error("big.npz");
  // A ZIP64 stored member declaring 2^40 bytes.
  std::string bytes = learndyn::serialize_npz({{"a", test_array({4})}}, true);
  const std::size_t central = bytes.rfind("PK\x01\x02");
  const std::size_t extra = central + 46 + 5;  // after the name "a.npy"
  for (const std::size_t at : {extra + 4, extra + 12})
    for (int i = 0; i < 8; ++i) bytes[at + i] = i == 5 ? 1 : 0;
  try {
    learndyn::parse_npz(bytes, "big64.npz");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bytes accepted"), std::string::npos) << e.what();
  }
}

TEST_F(ArraysTest, PathsThatHoldNoArraysAreNamed) {
  EXPECT_EQ(read_error("missing.npz"), "missing.npz: does not exist");
  fs::create_directories(path("empty"));
  EXPECT_EQ(read_error("empty"), "empty: holds no .npy array");
  write_bytes("single.npy", learndyn::serialize_npy(test_array({2})));
  EXPECT_EQ(read_error("single.npy"), "single.npy: is a single .npy file; give an .npz archive or a folder of .npy files");
  write_bytes("text.npz", "not a zip at all, but long enough to hold an end record");
  EXPECT_NE(read_error("text.npz").find("not a ZIP"), std::string::npos);
}

}  // namespace arrays_test
