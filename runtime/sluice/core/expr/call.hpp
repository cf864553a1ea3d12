#pragma once

// A node for a function whose work is a kernel over its evaluated arguments:
// the functions of the language (lower, sqrt, extract, ...) are such kernels.

#include <functional>
#include <string>
#include <vector>

#include "sluice/core/expr/kernels.hpp"

namespace sluice::core::expr {

/// What a kernel sees: the arguments (columns or constants) of one batch and
/// the result column to fill, whose type is already set.
struct kernel_io {
  const std::vector<operand>& args;
  std::size_t rows;
  column& out;
  row_errors* errors;

  /// False where the row is already null (an argument is null, or a kernel
  /// made it null).
  bool valid(std::size_t i) const { return out.valid.empty() || out.valid[i] != 0; }
  void null_at(std::size_t i) { set_null(out, i, rows); }
  /// Makes row i null and reports it as a row error.
  void fail(std::size_t i, std::string reason) {
    null_at(i);
    report(errors, i, std::move(reason));
  }
};

using kernel_fn = std::function<void(kernel_io&)>;

enum class null_rule {
  propagate,     ///< the row is null where any argument is; out.valid is preset
  kernel_decides ///< out.valid starts empty; the kernel reads argument validity
};

/// A call of `kernel` on `args`. The kernel fills the storage of `result`'s
/// type for every row (any value on null rows; an empty string for a null
/// string row).
node_ptr make_call(value_type result, std::vector<node_ptr> args, kernel_fn kernel,
                   null_rule rule = null_rule::propagate);

/// values[i] = f(i) on the valid rows, T{} on the others.
template <class T, class F>
void fill_rows(kernel_io& io, std::vector<T>& values, F&& f) {
  values.assign(io.rows, T{});
  for (std::size_t i = 0; i < io.rows; ++i)
    if (io.valid(i)) values[i] = f(i);
}

/// For a string result: f(i, writer) adds row i's bytes on the valid rows;
/// null rows stay empty.
template <class F>
void fill_strings(kernel_io& io, std::size_t bytes_hint, F&& f) {
  string_writer w(io.out, io.rows, bytes_hint);
  for (std::size_t i = 0; i < io.rows; ++i) {
    if (io.valid(i)) f(i, w);
    w.end_row();
  }
}

/// Bytes of string argument `k` (0 for a constant), to size a result buffer.
inline std::size_t string_bytes(const kernel_io& io, std::size_t k) {
  const operand& o = io.args[k];
  return o.col ? o.col->bytes.size() : o.lit->s.size() * io.rows;
}

} // namespace sluice::core::expr
