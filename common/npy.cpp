#include <learndyn/common/npy.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <learndyn/common/input_error.hpp>
#include <learndyn/common/text_file.hpp>

namespace learndyn {

namespace {

// The data are copied byte for byte into doubles/floats: right only on a little-endian host
// (every machine we build for); a big-endian port would need byte swaps here.
static_assert(std::endian::native == std::endian::little, "parse_npy assumes a little-endian host");

constexpr std::string_view kMagic = "\x93NUMPY";

std::uint32_t little_endian(std::string_view bytes, std::size_t offset, std::size_t width) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return v;
}

// The header is a Python dict literal, e.g. {'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }. A small strict reader of exactly that grammar.
class HeaderReader {
 public:
  HeaderReader(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail("expected a quoted string");
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) fail("unterminated string");
    const std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}})
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    fail("expected True or False");
  }
  std::size_t integer() {
    skip_space();
    std::size_t v = 0, digits = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (v > (std::numeric_limits<std::size_t>::max() - 9) / 10) fail("dimension too large");
      v = v * 10 + static_cast<std::size_t>(text_[pos_++] - '0');
      ++digits;
    }
    if (digits == 0) fail("expected a non-negative integer dimension");
    accept('L');  // Python 2 long suffix, written by old NumPy
    return v;
  }
  std::vector<std::size_t> shape() {
    expect('(');
    std::vector<std::size_t> dims;
    while (!accept(')')) {
      dims.push_back(integer());
      if (dims.size() > 32) fail("more than 32 dimensions");
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }
  bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(file_, "header byte " + std::to_string(pos_), message);
  }

 private:
  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

Header parse_header(std::string_view text, const std::string& file) {
  HeaderReader r(text, file);
  Header h;
  bool seen[3] = {false, false, false};
  r.expect('{');
  while (!r.accept('}')) {
    const std::string key = r.quoted();
    r.expect(':');
    const int index = key == "descr" ? 0 : key == "fortran_order" ? 1 : key == "shape" ? 2 : -1;
    if (index < 0) r.fail("unknown header key '" + key + "'");
    if (seen[index]) r.fail("duplicate header key '" + key + "'");
    seen[index] = true;
    if (index == 0) h.descr = r.quoted();
    if (index == 1) h.fortran_order = r.boolean();
    if (index == 2) h.shape = r.shape();
    if (!r.accept(',')) {
      r.expect('}');
      break;
    }
  }
  if (!r.at_end()) r.fail("trailing characters after the header dict");
  if (!(seen[0] && seen[1] && seen[2])) r.fail("the header needs 'descr', 'fortran_order' and 'shape'");
  return h;
}

std::size_t element_count(const std::vector<std::size_t>& shape, const std::string& file) {
  std::size_t n = 1;
  for (const std::size_t d : shape) {
    if (d != 0 && n > kMaxNpyElements / d)
      throw InputError(file, "header", "more than " + std::to_string(kMaxNpyElements) + " elements");
    n *= d;
  }
  if (n > kMaxNpyElements) throw InputError(file, "header", "more than " + std::to_string(kMaxNpyElements) + " elements");
  return n;
}

// Index (i0, i1, ...) of the C-order element `flat`, for messages.
std::string index_text(std::size_t flat, const std::vector<std::size_t>& shape) {
  std::vector<std::size_t> index(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    index[k] = flat % shape[k];
    flat /= shape[k];
  }
  std::string s = "element (";
  for (std::size_t k = 0; k < index.size(); ++k) s += (k ? ", " : "") + std::to_string(index[k]);
  return s + ")";
}

// C-order position of the Fortran-order element `f`.
std::size_t c_order_index(std::size_t f, const std::vector<std::size_t>& shape) {
  std::size_t c = 0, stride = 1;
  std::vector<std::size_t> index(shape.size());
  for (std::size_t k = 0; k < shape.size(); ++k) {
    index[k] = f % shape[k];
    f /= shape[k];
  }
  for (std::size_t k = shape.size(); k-- > 0;) {
    c += index[k] * stride;
    stride *= shape[k];
  }
  return c;
}

}  // namespace

NpyArray parse_npy(std::string_view bytes, const std::string& file) {
  if (bytes.size() < 8 || bytes.substr(0, 6) != kMagic)
    throw InputError(file, "byte 0", "not a NumPy .npy file (missing the \\x93NUMPY magic)");
  const unsigned major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3)
    throw InputError(file, "byte 6", "unsupported .npy format version " + std::to_string(major));
  const std::size_t width = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + width) throw InputError(file, "byte 8", "truncated header length");
  const std::size_t header_length = little_endian(bytes, 8, width);
  const std::size_t data_offset = 8 + width + header_length;
  if (data_offset > bytes.size())
    throw InputError(file, "byte 8", "header length " + std::to_string(header_length) + " runs past the end of the file");
  const Header h = parse_header(bytes.substr(8 + width, header_length), file);
  std::size_t item = 0;
  if (h.descr == "<f8") item = 8;
  else if (h.descr == "<f4") item = 4;
  else
    throw InputError(file, "header", "dtype '" + h.descr + "' is not supported; save float64 ('<f8') or float32 ('<f4')");
  NpyArray a;
  a.shape = h.shape;
  const std::size_t n = element_count(h.shape, file);
  const std::size_t expected = n * item;
  if (bytes.size() - data_offset != expected)
    throw InputError(file, "byte " + std::to_string(data_offset),
                     "data holds " + std::to_string(bytes.size() - data_offset) + " bytes; the header's shape and dtype need " +
                         std::to_string(expected));
  a.data.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = bytes.data() + data_offset + i * item;
    double v;
    if (item == 8) {
      std::memcpy(&v, p, 8);
    } else {
      float f;
      std::memcpy(&f, p, 4);
      v = f;
    }
    const std::size_t c = h.fortran_order ? c_order_index(i, h.shape) : i;
    if (!std::isfinite(v)) throw InputError(file, index_text(c, h.shape), "is " + std::string(std::isnan(v) ? "NaN" : "infinite"));
    a.data[c] = v;
  }
  return a;
}

std::string serialize_npy(const NpyArray& a) {
  if (a.shape.size() > 32) throw std::invalid_argument("serialize_npy: more than 32 dimensions");
  std::size_t n = 1;
  std::string dims;
  for (const std::size_t d : a.shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) throw std::invalid_argument("serialize_npy: shape overflows");
    n *= d;
    dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  }
  if (n != a.data.size()) throw std::invalid_argument("serialize_npy: the shape does not match the number of values");
  if (a.shape.size() == 1) dims += ',';  // Python's repr of a 1-tuple: (3,)
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
  // NumPy's GROWTH_AXIS_MAX_DIGITS (21): room to rewrite the first dimension in place.
  if (!a.shape.empty()) header.append(21 - std::to_string(a.shape[0]).size(), ' ');
  // Magic (6) + version (2) + length (2) + header + '\n' padded to a multiple of 64; NumPy pads
  // by 1 to 64 spaces (a full 64 when the rest is already aligned).
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string out(kMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char*>(a.data.data()), a.data.size() * sizeof(double));
  return out;
}

NpyArray read_npy(const std::string& path) {
  return parse_npy(read_text_file(path, kMaxNpyElements * 8 + (1 << 20)), path);
}

}  // namespace learndyn
