#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "sluice/core/operator.hpp"
#include "sluice/ops/window/group_states.hpp"

namespace sluice::ops::window {

/// Builds a window's output records (key fields, window_start, window_end,
/// aggregates) column by column. A run of rows is appended as keys, then
/// bounds, then results (append_results ends the run); rows keep the order
/// they were appended in. Batches hold at most max_rows rows (what an edge
/// takes without splitting): a caller appending a long run does it in
/// pieces of at most room() rows.
class result_writer {
public:
  static constexpr std::size_t max_rows = 4096;

  result_writer(core::schema_ptr output, std::size_t key_count);

  /// Rows the current batch still takes.
  std::size_t room() const { return max_rows - rows_; }

  /// Keys: rows [begin, end) of the key columns `keys`.
  void append_keys(const core::column* const* keys, std::size_t begin, std::size_t end);
  /// Keys: row `row` of the key columns `keys`.
  void append_key(const core::column* const* keys, std::size_t row);
  /// Keys: rows rows[0..n) of the key columns `keys`.
  void append_key_rows(const core::column* const* keys, const std::uint32_t* rows, std::size_t n);
  /// window_start / window_end for `n` rows.
  void append_bounds(core::timestamp start, core::timestamp end, std::size_t n);
  /// The aggregates of slots[0..n); ends the run of n rows.
  void append_results(const group_states& states, const std::uint32_t* slots, std::size_t n) {
    states.results(slots, n, agg_cols_.data());
    rows_ += n;
    if (rows_ >= max_rows) seal();
  }

  /// Emits every batch built so far on port 0.
  void flush(core::emitter& out);
  /// Nothing built and not yet flushed.
  bool empty() const { return rows_ == 0 && ready_.empty(); }

private:
  void seal();
  void reset_columns();

  core::schema_ptr output_;
  std::size_t key_count_;
  std::vector<std::shared_ptr<core::column>> cols_;
  std::vector<core::column*> agg_cols_;
  std::size_t rows_ = 0;
  std::size_t last_rows_ = 0; ///< size of the previous batch, to reserve
  std::vector<core::batch_ptr> ready_;
};

} // namespace sluice::ops::window
