#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sluice/core/batch.hpp"
#include "sluice/core/column.hpp"
#include "sluice/core/schema.hpp"

namespace sluice::core {

class operator_base;

/// The state of an operator could not be read back: a truncated or foreign
/// snapshot, another layout version, or a value of the wrong type. The
/// message names the byte offset and what was expected.
class state_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Writes an operator's state as a sequence of tagged values (see
/// docs/ARCHITECTURE.md §11). Every value carries a one-byte tag, and
/// numbers are fixed-width little-endian whatever the machine, so a snapshot
/// reads back on any host, and a reader that expects another layout stops at
/// the first value that differs instead of reading garbage.
class state_writer {
public:
  void i64(std::int64_t v);
  void u64(std::uint64_t v);
  void f64(double v);
  void boolean(bool v);
  void str(std::string_view v);
  /// What str(v) writes before v's bytes, for a v of `size` bytes that the
  /// caller writes itself (to put a large string where it already lies).
  void str_head(std::size_t size);
  /// A count of what follows (elements of a map, rows of a list).
  void count(std::size_t n);
  /// A whole batch: its schema, then each column's values and nulls.
  void batch(const core::batch& b);
  /// A single column (type, rows, values, nulls).
  void column(const core::column& c);

  const std::string& data() const { return out_; }
  std::string take() { return std::move(out_); }
  /// Makes room for `bytes` in all (a snapshot about as large as the last
  /// one then grows without copying itself).
  void reserve(std::size_t bytes) { out_.reserve(bytes); }

private:
  void tag(std::uint8_t t) { out_.push_back(static_cast<char>(t)); }
  void raw64(std::uint64_t v);
  void raw64_array(const void* values, std::size_t n);
  std::string out_;
};

/// Reads what a state_writer wrote, in the same order. Each call checks the
/// tag and throws state_error on a mismatch or on truncated input.
class state_reader {
public:
  explicit state_reader(std::string_view data) : in_(data) {}

  std::int64_t i64();
  std::uint64_t u64();
  double f64();
  bool boolean();
  std::string str();
  /// A count written by state_writer::count, at most `limit` and at most
  /// the bytes left (a corrupt count must not make the reader allocate
  /// without bound).
  std::size_t count(std::size_t limit = std::size_t{1} << 32);
  batch_ptr batch();
  core::column column();

  bool at_end() const { return pos_ == in_.size(); }
  std::size_t position() const { return pos_; }

private:
  void expect(std::uint8_t t);
  std::uint64_t raw64();
  std::string_view take(std::size_t n);
  [[noreturn]] void fail(const std::string& what) const;
  std::string_view in_;
  std::size_t pos_ = 0;
};

/// The whole snapshot of `op`: a header (format magic, `kind`, the
/// operator's state_version) and its state. Throws std::logic_error if the
/// operator keeps no state. `expected_bytes` (e.g. the last snapshot's size)
/// is reserved up front.
std::string snapshot_state(const operator_base& op, std::string_view kind,
                           std::size_t expected_bytes = 0);

/// Restores `op` (a fresh instance built from the same bound config) from
/// snapshot_state's output. Throws state_error naming what does not match:
/// another kind, another state version, or a damaged body.
void restore_state(operator_base& op, std::string_view kind, std::string_view snapshot);

} // namespace sluice::core
