#include "sluice/ops/aggregate/sketch/value_key.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include <xxhash.h>

#include "sluice/core/record_format.hpp"

namespace sluice::ops {

namespace {

constexpr std::uint64_t null_hash = 0x9e3779b97f4a7c15ULL; // as core::hash_column

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

double normalized(double d) { return d == 0.0 ? 0.0 : d; }

} // namespace

std::uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::uint64_t hash_value(const core::column& c, std::size_t row) {
  if (c.is_null(row)) return null_hash;
  switch (c.type()) {
    case core::value_type::int64:
    case core::value_type::timestamp: return XXH3_64bits(&c.ints[row], sizeof(std::int64_t));
    case core::value_type::float64: {
      double d = normalized(c.doubles[row]);
      return XXH3_64bits(&d, sizeof d);
    }
    case core::value_type::boolean: return XXH3_64bits(&c.bools[row], 1);
    case core::value_type::string: return hash_bytes(c.string_at(row));
  }
  return null_hash;
}

void append_value_key(const core::column& c, std::size_t row, std::string& out) {
  if (c.is_null(row)) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
  switch (c.type()) {
    case core::value_type::int64:
    case core::value_type::timestamp: append_raw(out, c.ints[row]); break;
    case core::value_type::float64: append_raw(out, normalized(c.doubles[row])); break;
    case core::value_type::boolean: out.push_back(static_cast<char>(c.bools[row])); break;
    case core::value_type::string: {
      std::string_view s = c.string_at(row);
      append_raw(out, static_cast<std::uint32_t>(s.size()));
      out.append(s.data(), s.size());
      break;
    }
  }
}

void read_value_key(std::string_view& in, core::value_type t, core::column& out) {
  const bool valid = in.front() != '\0';
  in.remove_prefix(1);
  if (!valid) {
    out.append_null();
    return;
  }
  switch (t) {
    case core::value_type::int64:
    case core::value_type::timestamp: out.append_int(read_raw<std::int64_t>(in)); break;
    case core::value_type::float64: out.append_double(read_raw<double>(in)); break;
    case core::value_type::boolean:
      out.append_bool(in.front() != '\0');
      in.remove_prefix(1);
      break;
    case core::value_type::string: {
      const auto size = read_raw<std::uint32_t>(in);
      out.append_string(in.substr(0, size));
      in.remove_prefix(size);
      break;
    }
  }
}

void read_value_json(std::string_view& in, core::value_type t, std::string& out) {
  const bool valid = in.front() != '\0';
  in.remove_prefix(1);
  if (!valid) {
    out += "null";
    return;
  }
  char buffer[32];
  switch (t) {
    case core::value_type::int64: {
      auto r = std::to_chars(buffer, buffer + sizeof buffer, read_raw<std::int64_t>(in));
      out.append(buffer, r.ptr);
      break;
    }
    case core::value_type::timestamp:
      out.push_back('"');
      core::append_iso8601(read_raw<std::int64_t>(in), out);
      out.push_back('"');
      break;
    case core::value_type::float64: {
      const double d = read_raw<double>(in);
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      auto r = std::to_chars(buffer, buffer + sizeof buffer, d);
      out.append(buffer, r.ptr);
      break;
    }
    case core::value_type::boolean:
      out += in.front() != '\0' ? "true" : "false";
      in.remove_prefix(1);
      break;
    case core::value_type::string: {
      const auto size = read_raw<std::uint32_t>(in);
      out.push_back('"');
      core::append_json_escaped(in.substr(0, size), out);
      out.push_back('"');
      in.remove_prefix(size);
      break;
    }
  }
}

} // namespace sluice::ops
