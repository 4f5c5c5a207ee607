// .npy reading: files laid out as NumPy writes them (format 1.0, header padded with spaces to
// a multiple of 64 bytes and ended by '\n'), and every malformation named with its position.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <learndyn/common/input_error.hpp>
#include <learndyn/common/npy.hpp>

namespace {
using learndyn::InputError;
using learndyn::parse_npy;

// The bytes NumPy's np.save writes for `values` (given in file order) with this header.
std::string npy_bytes(const std::string& dict, const std::vector<double>& values, bool f32 = false,
                      int major = 1) {
  std::string header = dict;
  const std::size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  const std::size_t length = header.size();
  out += static_cast<char>(length & 0xff);
  out += static_cast<char>((length >> 8) & 0xff);
  if (major != 1) out += std::string(2, '\0');
  out += header;
  for (const double v : values) {
    if (f32) {
      const float f = static_cast<float>(v);
      out.append(reinterpret_cast<const char*>(&f), 4);
    } else {
      out.append(reinterpret_cast<const char*>(&v), 8);
    }
  }
  return out;
}

std::string fault_position(const std::string& bytes) {
  try {
    parse_npy(bytes, "w.npy");
  } catch (const InputError& e) {
    return e.position();
  }
  return "no error";
}

TEST(Npy, ReadsCOrderFloat64) {
  const auto a = parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                                     {1, 2, 3, 4, 5, 6}),
                           "w.npy");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(a.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, FortranOrderIsReturnedInCOrder) {
  // The 2 x 3 matrix [[1,2,3],[4,5,6]] stored column by column.
  const auto a = parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                                     {1, 4, 2, 5, 3, 6}),
                           "w.npy");
  EXPECT_EQ(a.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, Float32ScalarsAndVersion2) {
  const auto v = parse_npy(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", {0.5, -2, 1e-3}, true),
                           "w.npy");
  EXPECT_EQ(v.data[2], static_cast<double>(1e-3f));
  const auto s = parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", {7}), "w.npy");
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.data, std::vector<double>{7});
  const auto w = parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", {3}, false, 2), "w.npy");
  EXPECT_EQ(w.data, std::vector<double>{3});
}

TEST(Npy, MalformationsNameTheirPosition) {
  const std::string good = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", {1, 2, 3, 4});
  EXPECT_EQ(fault_position(good), "no error");
  EXPECT_EQ(fault_position("PK\x03\x04 a zip"), "byte 0");
  std::string v9 = good;
  v9[6] = 9;
  EXPECT_EQ(fault_position(v9), "byte 6");
  const std::size_t data_offset = good.size() - 4 * sizeof(double);
  EXPECT_EQ(data_offset % 64, 0u);                                                 // NumPy's alignment
  EXPECT_EQ(fault_position(good.substr(0, good.size() - 1)), "byte " + std::to_string(data_offset));  // data short
  EXPECT_EQ(fault_position(good.substr(0, 30)), "byte 8");                // header cut
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(fault_position(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", {1, 2, 3, 4, 5, nan})),
            "element (1, 2)");
  EXPECT_EQ(fault_position(npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", {1, 2, 3, 4, 5, -INFINITY})),
            "element (1, 2)");
  EXPECT_EQ(fault_position(npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", {1})), "header");
  EXPECT_EQ(fault_position(npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", {1})), "header");
  EXPECT_EQ(fault_position(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", {})),
            "header");
  EXPECT_NE(fault_position(npy_bytes("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", {1})),
            "no error");
  EXPECT_NE(fault_position(npy_bytes("{'descr': '<f8', 'shape': (1,), }", {1})), "no error");
  EXPECT_NE(fault_position(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", {1})), "no error");
}

// Any shape of rank <= 4 and any finite data, written in either order, reads back in C order.
RC_GTEST_PROP(Npy, RandomArraysRoundTrip, ()) {
  const auto shape = *rc::gen::container<std::vector<std::size_t>>(*rc::gen::inRange(0, 5), rc::gen::inRange<std::size_t>(0, 5));
  std::size_t n = 1;
  for (const std::size_t d : shape) n *= d;
  const auto values = *rc::gen::container<std::vector<double>>(n, rc::gen::map(rc::gen::inRange(-1000000, 1000000), [](int k) { return k / 1024.0; }));
  std::string dims;
  for (const std::size_t d : shape) dims += std::to_string(d) + ", ";
  const bool fortran = *rc::gen::arbitrary<bool>();
  // File order for Fortran: the transposed traversal of the C-order values.
  std::vector<double> file(n);
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t rest = c, f = 0, stride = 1;
    std::vector<std::size_t> index(shape.size());
    for (std::size_t k = shape.size(); k-- > 0;) {
      index[k] = rest % shape[k];
      rest /= shape[k];
    }
    for (std::size_t k = 0; k < shape.size(); ++k) {
      f += index[k] * stride;
      stride *= shape[k];
    }
    file[fortran ? f : c] = values[c];
  }
  const auto a = parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': " + std::string(fortran ? "True" : "False") +
                                         ", 'shape': (" + dims + "), }",
                                     file),
                           "w.npy");
  RC_ASSERT(a.shape == shape);
  RC_ASSERT(a.data == values);
}

}  // namespace
