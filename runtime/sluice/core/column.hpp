#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/value_type.hpp"

namespace sluice::core {

/// One typed column of a batch. Exactly one storage vector is used, chosen by
/// the type: `ints` for int64 and timestamp, `doubles` for float64, `bools` for
/// boolean (one byte each), and `bytes` + `offsets` for strings (row i is
/// bytes[offsets[i], offsets[i+1]), so offsets has size()+1 entries).
/// `valid` is empty when no row is null; otherwise valid[i] == 0 marks a null.
/// Columns are built once and then shared read-only (`column_ptr`).
class column {
public:
  explicit column(value_type t) : type_(t) {
    if (t == value_type::string) offsets.push_back(0);
  }

  value_type type() const { return type_; }
  std::size_t size() const;

  bool is_null(std::size_t row) const { return !valid.empty() && valid[row] == 0; }
  bool has_nulls() const { return !valid.empty(); }

  std::string_view string_at(std::size_t row) const {
    return {bytes.data() + offsets[row], offsets[row + 1] - offsets[row]};
  }

  void reserve(std::size_t rows, std::size_t string_bytes = 0);

  /// Appends; for strings use append_string. Marks the row valid.
  void append_int(std::int64_t v) {
    ints.push_back(v);
    mark_valid();
  }
  void append_double(double v) {
    doubles.push_back(v);
    mark_valid();
  }
  void append_bool(bool v) {
    bools.push_back(v ? 1 : 0);
    mark_valid();
  }
  void append_string(std::string_view s) {
    bytes.append(s.data(), s.size());
    offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    mark_valid();
  }
  /// Appends a null row (a zero value plus a cleared validity bit).
  void append_null();

  /// Appends row `row` of `other` (same type).
  void append_from(const column& other, std::size_t row);

  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint8_t> bools;
  std::string bytes;
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint8_t> valid;

private:
  void mark_valid() {
    if (!valid.empty()) valid.push_back(1);
  }
  value_type type_;
};

using column_ptr = std::shared_ptr<const column>;

/// Rows of `src` whose index is listed in `rows`, in that order.
column gather(const column& src, const std::vector<std::uint32_t>& rows);

/// Rows [begin, end) of `src`.
column slice(const column& src, std::size_t begin, std::size_t end);

/// `a` followed by `b` (same type).
void append_all(column& a, const column& b);
/// `a` followed by the rows of `src` listed in `rows`, in that order.
void append_rows(column& a, const column& src, const std::vector<std::uint32_t>& rows);

} // namespace sluice::core
