#include <learndyn/common/npz.hpp>

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <vector>

#include <learndyn/common/input_error.hpp>

namespace learndyn {

namespace {

static_assert(std::endian::native == std::endian::little, "the ZIP fields are read as little-endian");

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
constexpr std::uint32_t k32 = 0xffffffffu;
constexpr std::uint16_t k16 = 0xffffu;
constexpr std::size_t kLocalHeaderSize = 30, kCentralHeaderSize = 46, kEndSize = 22;
constexpr std::size_t kZip64EndSize = 56, kZip64LocatorSize = 20;
// Deflate emits at least 2 bits per 258-byte match: no stream expands by more than 1032:1
// (zlib's technical notes); a declared size beyond that is corrupt.
constexpr std::size_t kMaxDeflateRatio = 1032;

std::string offset_text(std::size_t offset) { return "byte " + std::to_string(offset); }

// Little-endian fields of a byte range, each read bounds-checked against the whole archive.
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& file) : bytes_(bytes), file_(file) {}
  std::uint64_t field(std::size_t offset, std::size_t width, const std::string& what) const {
    if (offset > bytes_.size() || bytes_.size() - offset < width)
      throw InputError(file_, offset_text(offset), "truncated archive: " + what + " runs past the end of the file");
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[offset + i])) << (8 * i);
    return v;
  }
  std::uint16_t u16(std::size_t offset, const std::string& what) const {
    return static_cast<std::uint16_t>(field(offset, 2, what));
  }
  std::uint32_t u32(std::size_t offset, const std::string& what) const {
    return static_cast<std::uint32_t>(field(offset, 4, what));
  }
  std::uint64_t u64(std::size_t offset, const std::string& what) const { return field(offset, 8, what); }
  std::string_view range(std::size_t offset, std::size_t size, const std::string& what) const {
    if (offset > bytes_.size() || bytes_.size() - offset < size)
      throw InputError(file_, offset_text(offset), "truncated archive: " + what + " runs past the end of the file");
    return bytes_.substr(offset, size);
  }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::string_view bytes_;
  const std::string& file_;
};

struct Entry {
  std::string name;  // member name, with ".npy"
  std::size_t central_offset = 0;
  std::uint16_t flags = 0, method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, uncompressed = 0, local_offset = 0;
  std::size_t data_offset = 0;
};

// The ZIP64 extended-information extra field: the 64-bit values of the 32-bit fields set to
// 0xffffffff, in the order uncompressed, compressed, offset (APPNOTE 4.5.3).
void read_zip64_extra(std::string_view extra, std::size_t extra_offset, const std::string& file,
                      const std::string& where, std::uint64_t* uncompressed, std::uint64_t* compressed,
                      std::uint64_t* offset) {
  std::size_t pos = 0;
  bool seen = false;
  while (pos < extra.size()) {
    if (extra.size() - pos < 4)
      throw InputError(file, where + ", " + offset_text(extra_offset + pos), "truncated extra field");
    const auto id = static_cast<std::uint16_t>(static_cast<unsigned char>(extra[pos]) |
                                               static_cast<unsigned char>(extra[pos + 1]) << 8);
    const std::size_t size = static_cast<unsigned char>(extra[pos + 2]) | static_cast<unsigned char>(extra[pos + 3]) << 8;
    if (extra.size() - pos - 4 < size)
      throw InputError(file, where + ", " + offset_text(extra_offset + pos), "extra field runs past its record");
    if (id == kZip64ExtraId) {
      if (seen) throw InputError(file, where + ", " + offset_text(extra_offset + pos), "two ZIP64 extra fields");
      seen = true;
      std::size_t at = pos + 4;
      for (std::uint64_t* value : {uncompressed, compressed, offset}) {
        if (value == nullptr || *value != k32) continue;
        if (at + 8 > pos + 4 + size)
          throw InputError(file, where + ", " + offset_text(extra_offset + pos), "ZIP64 extra field too short");
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(extra[at + i])) << (8 * i);
        *value = v;
        at += 8;
      }
    }
    pos += 4 + size;
  }
  for (const std::uint64_t* value : {uncompressed, compressed, offset})
    if (value != nullptr && *value == k32)
      throw InputError(file, where, "a size or offset is 0xffffffff without a ZIP64 extra field");
}

std::string hex32(std::uint32_t v) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

std::string member_position(const Entry& e) { return "member " + e.name; }

std::string inflate_member(std::string_view compressed, std::size_t size, const Entry& e, const std::string& file) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw InputError(file, member_position(e), "zlib could not start");
  std::string out;
  // Grown as the data arrive, up to the declared size: a corrupt size costs no memory.
  out.reserve(std::min<std::size_t>(size, std::size_t{1} << 24));
  char buffer[1 << 16];
  std::size_t fed = 0;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (z.avail_in == 0 && fed < compressed.size()) {
      const std::size_t chunk = std::min<std::size_t>(compressed.size() - fed, std::numeric_limits<uInt>::max());
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + fed));
      z.avail_in = static_cast<uInt>(chunk);
      fed += chunk;
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = sizeof buffer - z.avail_out;
    if (status != Z_OK && status != Z_STREAM_END && !(status == Z_BUF_ERROR && produced > 0)) {
      const std::string message = z.msg != nullptr ? z.msg : status == Z_BUF_ERROR ? "truncated" : "error";
      inflateEnd(&z);
      throw InputError(file, member_position(e), "corrupt deflate data (" + message + ")");
    }
    if (produced > size - out.size()) {
      inflateEnd(&z);
      throw InputError(file, member_position(e), "inflates to more than the " + std::to_string(size) + " bytes it declares");
    }
    out.append(buffer, produced);
    if (status == Z_BUF_ERROR && produced == 0) break;
  }
  const bool ended = status == Z_STREAM_END, all_read = fed == compressed.size() && z.avail_in == 0;
  inflateEnd(&z);
  if (!ended) throw InputError(file, member_position(e), "deflate data end before the stream does (truncated member)");
  if (!all_read) throw InputError(file, member_position(e), "bytes after the end of the deflate stream");
  if (out.size() != size)
    throw InputError(file, member_position(e), "inflates to " + std::to_string(out.size()) + " bytes; it declares " + std::to_string(size));
  return out;
}

// The message of an InputError without its "file:position: " prefix.
std::string bare_message(const InputError& e) {
  const std::string what = e.what();
  const std::size_t prefix = e.file().size() + (e.position().empty() ? 0 : 1 + e.position().size()) + 2;
  return prefix <= what.size() ? what.substr(prefix) : what;
}

void put16(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 2; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put32(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t crc32_of(std::string_view data) {
  return static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

}  // namespace

bool valid_array_name(std::string_view name) {
  if (name.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (part.find('\\') != std::string_view::npos || part.find('\0') != std::string_view::npos) return false;
    if (end == name.size()) return true;
    start = end + 1;
  }
}

std::map<std::string, NpyArray> parse_npz(std::string_view bytes, const std::string& file) {
  const Reader r(bytes, file);
  // End of central directory: the last 22 bytes, or earlier by the length of a comment.
  if (bytes.size() < kEndSize)
    throw InputError(file, offset_text(0), "not a ZIP (.npz) archive: " + std::to_string(bytes.size()) + " bytes, too short for its end record");
  std::size_t end = std::string_view::npos;
  const std::size_t lowest = bytes.size() - kEndSize - std::min<std::size_t>(bytes.size() - kEndSize, k16);
  for (std::size_t at = bytes.size() - kEndSize + 1; at-- > lowest;)
    if (r.u32(at, "end record") == kEndSignature && at + kEndSize + r.u16(at + 20, "comment length") == bytes.size()) {
      end = at;
      break;
    }
  if (end == std::string_view::npos)
    throw InputError(file, offset_text(bytes.size()), "not a ZIP (.npz) archive: no end-of-central-directory record (truncated?)");
  const std::string at_end = offset_text(end);
  if (r.u16(end + 4, "end record") != 0 || r.u16(end + 6, "end record") != 0)
    throw InputError(file, at_end, "multi-disk archives are not supported");
  std::uint64_t count = r.u16(end + 10, "end record");
  if (count != r.u16(end + 8, "end record")) throw InputError(file, at_end, "the entry counts of the end record disagree");
  std::uint64_t directory_size = r.u32(end + 12, "end record");
  std::uint64_t directory_offset = r.u32(end + 16, "end record");
  std::size_t directory_limit = end;  // the central directory ends where the end records begin
  if (count == k16 || directory_size == k32 || directory_offset == k32) {
    if (end < kZip64LocatorSize || r.u32(end - kZip64LocatorSize, "ZIP64 locator") != kZip64LocatorSignature)
      throw InputError(file, at_end, "the end record needs ZIP64 fields but no ZIP64 locator precedes it");
    const std::size_t locator = end - kZip64LocatorSize;
    if (r.u32(locator + 4, "ZIP64 locator") != 0 || r.u32(locator + 16, "ZIP64 locator") != 1)
      throw InputError(file, offset_text(locator), "multi-disk archives are not supported");
    const std::uint64_t record = r.u64(locator + 8, "ZIP64 locator");
    if (record > locator || locator - record < kZip64EndSize)
      throw InputError(file, offset_text(locator), "the ZIP64 end record offset " + std::to_string(record) + " is out of place");
    const std::string at_record = offset_text(record);
    if (r.u32(record, "ZIP64 end record") != kZip64EndSignature)
      throw InputError(file, at_record, "no ZIP64 end record where the locator points");
    if (r.u32(record + 16, "ZIP64 end record") != 0 || r.u32(record + 20, "ZIP64 end record") != 0)
      throw InputError(file, at_record, "multi-disk archives are not supported");
    count = r.u64(record + 32, "ZIP64 end record");
    if (count != r.u64(record + 24, "ZIP64 end record")) throw InputError(file, at_record, "the entry counts of the ZIP64 end record disagree");
    directory_size = r.u64(record + 40, "ZIP64 end record");
    directory_offset = r.u64(record + 48, "ZIP64 end record");
    directory_limit = static_cast<std::size_t>(record);
  }
  if (directory_offset > directory_limit || directory_size != directory_limit - directory_offset)
    throw InputError(file, at_end, "the central directory (offset " + std::to_string(directory_offset) + ", " +
                                       std::to_string(directory_size) + " bytes) does not end where the end record begins");
  if (count > directory_size / kCentralHeaderSize)
    throw InputError(file, at_end, std::to_string(count) + " entries cannot fit in a central directory of " +
                                       std::to_string(directory_size) + " bytes");

  std::vector<Entry> entries;
  entries.reserve(static_cast<std::size_t>(count));
  std::size_t pos = static_cast<std::size_t>(directory_offset);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    Entry e;
    e.central_offset = pos;
    const std::string where = "central entry at " + offset_text(pos);
    if (r.u32(pos, "central directory") != kCentralSignature) throw InputError(file, where, "not a central directory entry");
    e.flags = r.u16(pos + 8, "central directory");
    e.method = r.u16(pos + 10, "central directory");
    e.crc = r.u32(pos + 16, "central directory");
    e.compressed = r.u32(pos + 20, "central directory");
    e.uncompressed = r.u32(pos + 24, "central directory");
    const std::size_t name_length = r.u16(pos + 28, "central directory");
    const std::size_t extra_length = r.u16(pos + 30, "central directory");
    const std::size_t comment_length = r.u16(pos + 32, "central directory");
    std::uint64_t disk = r.u16(pos + 34, "central directory");
    e.local_offset = r.u32(pos + 42, "central directory");
    const std::size_t record = kCentralHeaderSize + name_length + extra_length + comment_length;
    if (pos + record > directory_limit) throw InputError(file, where, "runs past the central directory");
    e.name = std::string(r.range(pos + kCentralHeaderSize, name_length, "member name"));
    const std::string member = "member " + e.name;
    read_zip64_extra(r.range(pos + kCentralHeaderSize + name_length, extra_length, "extra field"),
                     pos + kCentralHeaderSize + name_length, file, member, &e.uncompressed, &e.compressed, &e.local_offset);
    if (disk != 0 && disk != k16) throw InputError(file, member, "multi-disk archives are not supported");
    if (e.flags & 0x0041) throw InputError(file, member, "encrypted members are not supported");
    if (e.method != 0 && e.method != 8)
      throw InputError(file, member, "compression method " + std::to_string(e.method) +
                                         " is not supported (np.savez stores, np.savez_compressed deflates)");
    if (e.name.size() <= 4 || e.name.compare(e.name.size() - 4, 4, ".npy") != 0)
      throw InputError(file, member, "is not an .npy array (an .npz holds only <name>.npy members)");
    if (!valid_array_name(std::string_view(e.name).substr(0, e.name.size() - 4)))
      throw InputError(file, member, "is not a valid array name (empty, '.' or '..' parts, '\\\\' or NUL)");
    if (e.method == 0 && e.compressed != e.uncompressed)
      throw InputError(file, member, "is stored but declares " + std::to_string(e.compressed) + " compressed and " +
                                         std::to_string(e.uncompressed) + " uncompressed bytes");
    if (e.method == 8 && e.uncompressed / kMaxDeflateRatio > e.compressed + 1)
      throw InputError(file, member, "declares " + std::to_string(e.uncompressed) + " bytes from " +
                                         std::to_string(e.compressed) + " deflated ones; deflate cannot expand that much");
    if (e.uncompressed > kMaxArrayBytes - total)
      throw InputError(file, member, "the members declare more than the " + std::to_string(kMaxArrayBytes) + " bytes accepted");
    total += e.uncompressed;
    entries.push_back(std::move(e));
    pos += record;
  }
  if (pos != directory_limit) throw InputError(file, offset_text(pos), "bytes between the central directory and the end record");

  // Local headers: each member's data lies before the central directory and before the next
  // member's header (no overlap: every byte belongs to one member).
  std::vector<Entry*> by_offset;
  for (Entry& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) { return a->local_offset < b->local_offset; });
  for (std::size_t k = 0; k < by_offset.size(); ++k) {
    Entry& e = *by_offset[k];
    const std::string member = "member " + e.name;
    const std::uint64_t limit = k + 1 < by_offset.size() ? by_offset[k + 1]->local_offset : directory_offset;
    if (e.local_offset > limit || limit - e.local_offset < kLocalHeaderSize)
      throw InputError(file, member, "local header at " + offset_text(e.local_offset) + " overlaps another member or the central directory");
    const auto at = static_cast<std::size_t>(e.local_offset);
    if (r.u32(at, "local header") != kLocalSignature)
      throw InputError(file, member, "no local header at " + offset_text(at));
    const std::uint16_t flags = r.u16(at + 6, "local header");
    const std::uint16_t method = r.u16(at + 8, "local header");
    const std::uint32_t crc = r.u32(at + 14, "local header");
    std::uint64_t compressed = r.u32(at + 18, "local header");
    std::uint64_t uncompressed = r.u32(at + 22, "local header");
    const std::size_t name_length = r.u16(at + 26, "local header");
    const std::size_t extra_length = r.u16(at + 28, "local header");
    if (r.range(at + kLocalHeaderSize, name_length, "local header name") != e.name)
      throw InputError(file, member, "the local header at " + offset_text(at) + " names another member");
    if (method != e.method || (flags & 0x0041) != (e.flags & 0x0041))
      throw InputError(file, member, "the local header at " + offset_text(at) + " disagrees with the central directory");
    if (!(flags & 0x0008)) {  // sizes and CRC in the local header (no data descriptor)
      read_zip64_extra(r.range(at + kLocalHeaderSize + name_length, extra_length, "local extra field"),
                       at + kLocalHeaderSize + name_length, file, member, &uncompressed, &compressed, nullptr);
      if (crc != e.crc || compressed != e.compressed || uncompressed != e.uncompressed)
        throw InputError(file, member, "the local header at " + offset_text(at) + " disagrees with the central directory on CRC or sizes");
    }
    const std::uint64_t data = e.local_offset + kLocalHeaderSize + name_length + extra_length;
    if (data > limit || limit - data < e.compressed)
      throw InputError(file, member, "data at " + offset_text(data) + " (" + std::to_string(e.compressed) +
                                         " bytes) overlap another member or the central directory");
    e.data_offset = static_cast<std::size_t>(data);
  }

  std::map<std::string, NpyArray> arrays;
  for (const Entry& e : entries) {
    const std::string name = e.name.substr(0, e.name.size() - 4);
    if (arrays.count(name) != 0) throw InputError(file, "member " + e.name, "appears twice");
    const std::string_view stored = bytes.substr(e.data_offset, static_cast<std::size_t>(e.compressed));
    std::string inflated;
    if (e.method == 8) inflated = inflate_member(stored, static_cast<std::size_t>(e.uncompressed), e, file);
    const std::string_view npy = e.method == 8 ? std::string_view(inflated) : stored;
    const std::uint32_t crc = crc32_of(npy);
    if (crc != e.crc)
      throw InputError(file, "member " + e.name, "CRC-32 mismatch (data " + hex32(crc) + ", declared " + hex32(e.crc) + ")");
    try {
      arrays.emplace(name, parse_npy(npy, e.name));
    } catch (const InputError& inner) {
      throw InputError(file, "member " + e.name + (inner.position().empty() ? "" : ", " + inner.position()), bare_message(inner));
    }
  }
  return arrays;
}

std::string serialize_npz(const std::map<std::string, NpyArray>& arrays, bool force_zip64) {
  std::string out, directory;
  for (const auto& [name, array] : arrays) {
    if (!valid_array_name(name)) throw std::invalid_argument("serialize_npz: invalid array name '" + name + "'");
    const std::string member = name + ".npy";
    if (member.size() > k16) throw std::invalid_argument("serialize_npz: array name longer than 65531 bytes");
    const std::string data = serialize_npy(array);
    const std::uint32_t crc = crc32_of(data);
    const std::uint64_t offset = out.size(), size = data.size();
    const bool big_size = force_zip64 || size >= k32, big_offset = force_zip64 || offset >= k32;
    const bool utf8 = std::any_of(member.begin(), member.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    const std::uint16_t version = big_size || big_offset ? 45 : 20;
    const std::uint16_t flags = utf8 ? 0x0800 : 0;
    // Local header: sizes in its ZIP64 extra field when they do not fit 32 bits.
    put32(out, kLocalSignature);
    put16(out, version);
    put16(out, flags);
    put16(out, 0);       // stored
    put16(out, 0);       // 00:00
    put16(out, 0x0021);  // 1980-01-01
    put32(out, crc);
    put32(out, big_size ? k32 : size);
    put32(out, big_size ? k32 : size);
    put16(out, member.size());
    put16(out, big_size ? 20 : 0);
    out += member;
    if (big_size) {
      put16(out, kZip64ExtraId);
      put16(out, 16);
      put64(out, size);
      put64(out, size);
    }
    out += data;
    // Central entry.
    const std::size_t extra = (big_size ? 16 : 0) + (big_offset ? 8 : 0);
    put32(directory, kCentralSignature);
    put16(directory, 0x0300 | version);  // made by: Unix
    put16(directory, version);
    put16(directory, flags);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0x0021);
    put32(directory, crc);
    put32(directory, big_size ? k32 : size);
    put32(directory, big_size ? k32 : size);
    put16(directory, member.size());
    put16(directory, extra == 0 ? 0 : extra + 4);
    put16(directory, 0);                 // comment
    put16(directory, 0);                 // disk
    put16(directory, 0);                 // internal attributes
    put32(directory, 0600u << 16);       // external: a regular file, rw-------
    put32(directory, big_offset ? k32 : offset);
    directory += member;
    if (extra != 0) {
      put16(directory, kZip64ExtraId);
      put16(directory, extra);
      if (big_size) {
        put64(directory, size);
        put64(directory, size);
      }
      if (big_offset) put64(directory, offset);
    }
  }
  const std::uint64_t directory_offset = out.size(), directory_size = directory.size(), count = arrays.size();
  out += directory;
  const bool zip64 = force_zip64 || count >= k16 || directory_offset >= k32 || directory_size >= k32;
  if (zip64) {
    const std::uint64_t record = out.size();
    put32(out, kZip64EndSignature);
    put64(out, kZip64EndSize - 12);
    put16(out, 0x032d);
    put16(out, 45);
    put32(out, 0);
    put32(out, 0);
    put64(out, count);
    put64(out, count);
    put64(out, directory_size);
    put64(out, directory_offset);
    put32(out, kZip64LocatorSignature);
    put32(out, 0);
    put64(out, record);
    put32(out, 1);
  }
  put32(out, kEndSignature);
  put16(out, 0);
  put16(out, 0);
  put16(out, zip64 ? k16 : count);
  put16(out, zip64 ? k16 : count);
  put32(out, zip64 ? k32 : directory_size);
  put32(out, zip64 ? k32 : directory_offset);
  put16(out, 0);
  return out;
}

}  // namespace learndyn
