#include "sluice/ops/aggregate/sketch/value_key.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "sluice/core/record_format.hpp"

namespace sluice::ops::aggregate::sketch {

namespace {

template <typename T>
T read_raw(std::string_view& in) {
  T v;
  std::memcpy(&v, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return v;
}

/// Bytes a value of type `t` takes after its validity byte, or 0 when they
/// are not all there (a key read back from a damaged snapshot).
std::size_t encoded_size(std::string_view in, core::value_type t) {
  switch (t) {
    case core::value_type::int64:
    case core::value_type::timestamp:
    case core::value_type::float64: return in.size() >= 8 ? 8 : 0;
    case core::value_type::boolean: return in.size() >= 1 ? 1 : 0;
    case core::value_type::string: {
      if (in.size() < 4) return 0;
      std::uint32_t size = 0;
      std::memcpy(&size, in.data(), 4);
      return in.size() - 4 >= size ? 4 + std::size_t{size} : 0;
    }
  }
  return 0;
}

} // namespace

void read_value_json(std::string_view& in, core::value_type t, std::string& out) {
  const bool valid = !in.empty() && in.front() != '\0';
  if (!in.empty()) in.remove_prefix(1);
  if (valid && encoded_size(in, t) == 0) in = {}; // cut short: shown as null
  if (!valid || in.empty()) {
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

} // namespace sluice::ops::aggregate::sketch
