#include "sluice/core/column.hpp"

#include <cstring>

namespace sluice::core {

std::size_t column::size() const {
  switch (type_) {
    case value_type::int64:
    case value_type::timestamp: return ints.size();
    case value_type::float64: return doubles.size();
    case value_type::boolean: return bools.size();
    case value_type::string: return offsets.size() - 1;
  }
  return 0;
}

void column::reserve(std::size_t rows, std::size_t string_bytes) {
  switch (type_) {
    case value_type::int64:
    case value_type::timestamp: ints.reserve(rows); break;
    case value_type::float64: doubles.reserve(rows); break;
    case value_type::boolean: bools.reserve(rows); break;
    case value_type::string:
      offsets.reserve(rows + 1);
      bytes.reserve(string_bytes);
      break;
  }
}

void column::append_null() {
  if (valid.empty()) valid.assign(size(), 1);
  switch (type_) {
    case value_type::int64:
    case value_type::timestamp: ints.push_back(0); break;
    case value_type::float64: doubles.push_back(0); break;
    case value_type::boolean: bools.push_back(0); break;
    case value_type::string: offsets.push_back(static_cast<std::uint32_t>(bytes.size())); break;
  }
  valid.push_back(0);
}

void column::append_from(const column& other, std::size_t row) {
  if (other.is_null(row)) {
    append_null();
    return;
  }
  switch (type_) {
    case value_type::int64:
    case value_type::timestamp: append_int(other.ints[row]); break;
    case value_type::float64: append_double(other.doubles[row]); break;
    case value_type::boolean: append_bool(other.bools[row] != 0); break;
    case value_type::string: append_string(other.string_at(row)); break;
  }
}

namespace {

template <class T>
void gather_vec(const std::vector<T>& src, const std::vector<std::uint32_t>& rows,
                std::vector<T>& dst) {
  dst.resize(rows.size());
  T* out = dst.data();
  const T* in = src.data();
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = in[rows[i]];
}

} // namespace

column gather(const column& src, const std::vector<std::uint32_t>& rows) {
  column out(src.type());
  switch (src.type()) {
    case value_type::int64:
    case value_type::timestamp: gather_vec(src.ints, rows, out.ints); break;
    case value_type::float64: gather_vec(src.doubles, rows, out.doubles); break;
    case value_type::boolean: gather_vec(src.bools, rows, out.bools); break;
    case value_type::string: {
      std::size_t total = 0;
      for (auto r : rows) total += src.offsets[r + 1] - src.offsets[r];
      out.bytes.resize(total);
      out.offsets.resize(rows.size() + 1);
      char* dst = out.bytes.data();
      std::uint32_t pos = 0;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        auto b = src.offsets[rows[i]], e = src.offsets[rows[i] + 1];
        std::memcpy(dst + pos, src.bytes.data() + b, e - b);
        pos += e - b;
        out.offsets[i + 1] = pos;
      }
      break;
    }
  }
  if (src.has_nulls()) gather_vec(src.valid, rows, out.valid);
  return out;
}

column slice(const column& src, std::size_t begin, std::size_t end) {
  column out(src.type());
  switch (src.type()) {
    case value_type::int64:
    case value_type::timestamp:
      out.ints.assign(src.ints.begin() + begin, src.ints.begin() + end);
      break;
    case value_type::float64:
      out.doubles.assign(src.doubles.begin() + begin, src.doubles.begin() + end);
      break;
    case value_type::boolean:
      out.bools.assign(src.bools.begin() + begin, src.bools.begin() + end);
      break;
    case value_type::string: {
      auto b = src.offsets[begin], e = src.offsets[end];
      out.bytes.assign(src.bytes, b, e - b);
      out.offsets.resize(end - begin + 1);
      for (std::size_t i = begin; i <= end; ++i) out.offsets[i - begin] = src.offsets[i] - b;
      break;
    }
  }
  if (src.has_nulls()) out.valid.assign(src.valid.begin() + begin, src.valid.begin() + end);
  return out;
}

void append_rows(column& a, const column& src, const std::vector<std::uint32_t>& rows) {
  const std::size_t before = a.size();
  if (src.has_nulls() && !a.has_nulls()) a.valid.assign(before, 1);
  auto append = [&rows](auto& dst, const auto& in) {
    const std::size_t at = dst.size();
    dst.resize(at + rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) dst[at + i] = in[rows[i]];
  };
  switch (a.type()) {
    case value_type::int64:
    case value_type::timestamp: append(a.ints, src.ints); break;
    case value_type::float64: append(a.doubles, src.doubles); break;
    case value_type::boolean: append(a.bools, src.bools); break;
    case value_type::string: {
      std::size_t total = 0;
      for (auto r : rows) total += src.offsets[r + 1] - src.offsets[r];
      auto pos = static_cast<std::uint32_t>(a.bytes.size());
      a.bytes.resize(a.bytes.size() + total);
      char* dst = a.bytes.data();
      for (auto r : rows) {
        auto b = src.offsets[r], e = src.offsets[r + 1];
        std::memcpy(dst + pos, src.bytes.data() + b, e - b);
        pos += e - b;
        a.offsets.push_back(pos);
      }
      break;
    }
  }
  if (a.has_nulls()) {
    if (src.has_nulls()) append(a.valid, src.valid);
    else a.valid.resize(before + rows.size(), 1);
  }
}

void append_all(column& a, const column& b) {
  std::size_t before = a.size();
  if (b.has_nulls() && !a.has_nulls()) a.valid.assign(before, 1);
  switch (a.type()) {
    case value_type::int64:
    case value_type::timestamp: a.ints.insert(a.ints.end(), b.ints.begin(), b.ints.end()); break;
    case value_type::float64:
      a.doubles.insert(a.doubles.end(), b.doubles.begin(), b.doubles.end());
      break;
    case value_type::boolean: a.bools.insert(a.bools.end(), b.bools.begin(), b.bools.end()); break;
    case value_type::string: {
      auto base = static_cast<std::uint32_t>(a.bytes.size());
      a.bytes += b.bytes;
      for (std::size_t i = 1; i < b.offsets.size(); ++i) a.offsets.push_back(base + b.offsets[i]);
      break;
    }
  }
  if (a.has_nulls()) {
    if (b.has_nulls()) a.valid.insert(a.valid.end(), b.valid.begin(), b.valid.end());
    else a.valid.resize(before + b.size(), 1);
  }
}

} // namespace sluice::core
