#pragma once

// Internal building blocks shared by the evaluators: an operand is either a
// column or a constant, and "readers" give both the same `r[i]` face so one
// templated loop serves column-column, column-constant and constant-column.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sluice/core/errors.hpp"
#include "sluice/core/expr/node.hpp"

namespace sluice::core::expr {

/// An evaluated child: `col` when it is computed per row, `lit` when it is a
/// constant (then `col` is null and nothing was materialised).
struct operand {
  column_ptr col;
  const scalar* lit = nullptr;
  bool has_nulls() const { return col && col->has_nulls(); }
  bool valid_at(std::size_t i) const { return !col || !col->is_null(i); }
};

inline operand evaluate_operand(const node& n, const batch& b, row_errors* errors) {
  if (const scalar* s = n.constant()) return {nullptr, s};
  return {n.evaluate(b, errors), nullptr};
}

/// Validity of `l op r`: empty when neither has nulls, else valid where both are.
std::vector<std::uint8_t> valid_in_both(const operand& l, const operand& r, std::size_t rows);

/// Validity of a call on all of `args`: empty when none has nulls, else valid
/// where every one is.
std::vector<std::uint8_t> valid_in_all(const std::vector<operand>& args, std::size_t rows);

/// Records that `row` failed (or throws record_error when `errors` is null).
inline void report(row_errors* errors, std::size_t row, const char* reason) {
  if (!errors) throw record_error(row, reason);
  errors->rows.push_back(static_cast<std::uint32_t>(row));
  errors->reasons.emplace_back(reason);
}

inline void report(row_errors* errors, std::size_t row, std::string reason) {
  if (!errors) throw record_error(row, reason);
  errors->rows.push_back(static_cast<std::uint32_t>(row));
  errors->reasons.push_back(std::move(reason));
}

/// Makes row `i` of `out` (a column of `rows` rows) null.
inline void set_null(column& out, std::size_t i, std::size_t rows) {
  if (out.valid.empty()) out.valid.assign(rows, 1);
  out.valid[i] = 0;
}

/// `'value'` for an error message, cut to 40 bytes.
std::string quoted_value(std::string_view v);

/// Appends rows to a string column's one byte buffer: `add` pieces, then
/// `end_row`. Amortised growth; nothing is allocated per row.
class string_writer {
public:
  string_writer(column& out, std::size_t rows, std::size_t bytes_hint = 0) : out_(out) {
    out_.offsets.reserve(rows + 1);
    out_.bytes.reserve(bytes_hint);
  }
  void add(std::string_view s) { out_.bytes.append(s.data(), s.size()); }
  void add(char c) { out_.bytes.push_back(c); }
  /// Closes the current row; throws std::length_error past 4 GiB per batch.
  void end_row() {
    if (out_.bytes.size() > UINT32_MAX)
      throw std::length_error("expression: strings exceed 4 GiB in one batch");
    out_.offsets.push_back(static_cast<std::uint32_t>(out_.bytes.size()));
  }

private:
  column& out_;
};

template <class T>
struct column_reader {
  const T* p;
  T operator[](std::size_t i) const { return p[i]; }
};

/// Reads an int64 column as double.
struct widening_reader {
  const std::int64_t* p;
  double operator[](std::size_t i) const { return static_cast<double>(p[i]); }
};

template <class T>
struct constant_reader {
  T v;
  T operator[](std::size_t) const { return v; }
};

/// Reads a bool column as 0/1 whatever non-zero byte it stores.
struct bool_reader {
  const std::uint8_t* p;
  std::uint8_t operator[](std::size_t i) const { return p[i] != 0; }
};

struct string_reader {
  const char* bytes;
  const std::uint32_t* offsets;
  std::string_view operator[](std::size_t i) const {
    return {bytes + offsets[i], offsets[i + 1] - offsets[i]};
  }
};

/// Calls f(reader) with a reader yielding T (std::int64_t or double) for a
/// numeric or timestamp operand; int64 columns are widened when T is double.
template <class T, class F>
void with_number_reader(const operand& o, F&& f) {
  static_assert(std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>);
  if (o.lit) {
    bool is_double = o.lit->type == value_type::float64;
    T v = is_double ? static_cast<T>(o.lit->d) : static_cast<T>(o.lit->i);
    f(constant_reader<T>{v});
  } else if (o.col->type() == value_type::float64) {
    if constexpr (std::is_same_v<T, double>) f(column_reader<double>{o.col->doubles.data()});
    else throw std::logic_error("expression: double column read as int");
  } else if constexpr (std::is_same_v<T, double>) {
    f(widening_reader{o.col->ints.data()});
  } else {
    f(column_reader<std::int64_t>{o.col->ints.data()});
  }
}

template <class F>
void with_bool_reader(const operand& o, F&& f) {
  if (o.lit) f(constant_reader<std::uint8_t>{o.lit->b ? std::uint8_t{1} : std::uint8_t{0}});
  else f(bool_reader{o.col->bools.data()});
}

/// Row i of a string operand (slower than a reader: for variadic calls).
inline std::string_view string_of(const operand& o, std::size_t i) {
  return o.lit ? std::string_view(o.lit->s) : o.col->string_at(i);
}

template <class F>
void with_string_reader(const operand& o, F&& f) {
  if (o.lit) f(constant_reader<std::string_view>{o.lit->s});
  else f(string_reader{o.col->bytes.data(), o.col->offsets.data()});
}

} // namespace sluice::core::expr
