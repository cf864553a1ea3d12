#include "sluice/core/key_hashing.hpp"

#include <xxhash.h>

namespace sluice::core {

namespace {

/// Mixes the hash of the next key field into `h` (order matters); the
/// multiply and shift spread it over every bit, low ones included, which the
/// hash tables index by.
inline std::uint64_t combine(std::uint64_t h, std::uint64_t next) {
  h ^= next + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

void combine_into(std::vector<std::uint64_t>& out, const std::vector<std::uint64_t>& next) {
  std::uint64_t* h = out.data();
  const std::uint64_t* g = next.data();
  for (std::size_t i = 0, n = out.size(); i < n; ++i) h[i] = combine(h[i], g[i]);
}

template <class Index>
void hash_fields(const batch& b, const std::vector<Index>& fields, std::vector<std::uint64_t>& out,
                 std::vector<std::uint64_t>& scratch) {
  if (fields.empty()) {
    out.assign(b.rows(), empty_key_hash);
    return;
  }
  hash_column(b.col(static_cast<std::size_t>(fields[0])), out);
  for (std::size_t k = 1; k < fields.size(); ++k) {
    hash_column(b.col(static_cast<std::size_t>(fields[k])), scratch);
    combine_into(out, scratch);
  }
}

template <typename T>
void append_raw(std::string& out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T read_raw(std::string_view& in) {
  T v;
  std::memcpy(&v, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return v;
}

} // namespace

void hash_keys(const column* const* cols, std::size_t count, std::size_t rows,
               std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch) {
  if (count == 0) {
    out.assign(rows, empty_key_hash);
    return;
  }
  hash_column(*cols[0], out);
  for (std::size_t k = 1; k < count; ++k) {
    hash_column(*cols[k], scratch);
    combine_into(out, scratch);
  }
}

void hash_keys(const batch& b, const std::vector<std::size_t>& fields,
               std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch) {
  hash_fields(b, fields, out, scratch);
}

void hash_keys(const batch& b, const std::vector<int>& fields, std::vector<std::uint64_t>& out,
               std::vector<std::uint64_t>& scratch) {
  hash_fields(b, fields, out, scratch);
}

void key_columns(const batch& b, const std::vector<int>& fields, std::vector<const column*>& out) {
  out.clear();
  for (int f : fields) out.push_back(&b.col(static_cast<std::size_t>(f)));
}

void append_value_key(const column& c, std::size_t row, std::string& out) {
  if (c.is_null(row)) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
  switch (c.type()) {
    case value_type::int64:
    case value_type::timestamp: append_raw(out, c.ints[row]); break;
    case value_type::float64: append_raw(out, canonical_double(c.doubles[row])); break;
    case value_type::boolean: out.push_back(c.bools[row] != 0 ? '\1' : '\0'); break;
    case value_type::string: {
      std::string_view s = c.string_at(row);
      append_raw(out, static_cast<std::uint32_t>(s.size()));
      out.append(s.data(), s.size());
      break;
    }
  }
}

void append_key(const batch& b, const std::vector<std::size_t>& fields, std::size_t row,
                std::string& out) {
  for (std::size_t f : fields) append_value_key(b.col(f), row, out);
}

void read_value_key(std::string_view& in, value_type t, column& out) {
  const bool valid = in.front() != '\0';
  in.remove_prefix(1);
  if (!valid) {
    out.append_null();
    return;
  }
  switch (t) {
    case value_type::int64:
    case value_type::timestamp: out.append_int(read_raw<std::int64_t>(in)); break;
    case value_type::float64: out.append_double(read_raw<double>(in)); break;
    case value_type::boolean:
      out.append_bool(in.front() != '\0');
      in.remove_prefix(1);
      break;
    case value_type::string: {
      const auto size = read_raw<std::uint32_t>(in);
      out.append_string(in.substr(0, size));
      in.remove_prefix(size);
      break;
    }
  }
}

bool encoded_key_fits(std::string_view bytes, const std::vector<value_type>& types) {
  for (value_type t : types) {
    if (bytes.empty() || static_cast<unsigned char>(bytes.front()) > 1) return false;
    const bool valid = bytes.front() != '\0';
    bytes.remove_prefix(1);
    if (!valid) continue;
    std::size_t size = 0;
    switch (t) {
      case value_type::int64:
      case value_type::timestamp:
      case value_type::float64: size = 8; break;
      case value_type::boolean:
        if (bytes.empty() || static_cast<unsigned char>(bytes.front()) > 1) return false;
        size = 1;
        break;
      case value_type::string:
        if (bytes.size() < sizeof(std::uint32_t)) return false;
        size = read_raw<std::uint32_t>(bytes);
        break;
    }
    if (bytes.size() < size) return false;
    bytes.remove_prefix(size);
  }
  return bytes.empty();
}

std::uint64_t hash_encoded_key(std::string_view bytes, const std::vector<value_type>& types) {
  std::uint64_t h = empty_key_hash;
  for (std::size_t k = 0; k < types.size(); ++k) {
    // The encoded value bytes are those hash_column hashes.
    const bool valid = bytes.front() != '\0';
    bytes.remove_prefix(1);
    std::size_t size = 0;
    if (valid) {
      switch (types[k]) {
        case value_type::int64:
        case value_type::timestamp:
        case value_type::float64: size = 8; break;
        case value_type::boolean: size = 1; break;
        case value_type::string: size = read_raw<std::uint32_t>(bytes); break;
      }
    }
    const std::uint64_t v = valid ? XXH3_64bits(bytes.data(), size) : null_value_hash;
    bytes.remove_prefix(size);
    h = k == 0 ? v : combine(h, v);
  }
  return h;
}

} // namespace sluice::core
