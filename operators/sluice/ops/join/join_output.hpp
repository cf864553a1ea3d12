#pragma once

#include <cstddef>

#include "sluice/core/batch.hpp"
#include "sluice/core/operator.hpp"

namespace sluice::ops::join {

/// Collects joined records (the left fields, then the right fields) and
/// emits them on output port 0 in batches of at most `max_rows`. `L` and `R`
/// are anything with `col(i)` in the side's schema order (a batch, a
/// row_store).
class join_output {
public:
  join_output(core::schema_ptr s, std::size_t left_fields, std::size_t max_rows = 4096)
    : builder_(s), fields_(s->size()), left_fields_(left_fields), max_rows_(max_rows) {}

  template <class L, class R>
  void add(const L& left, std::size_t lr, const R& right, std::size_t rr, core::emitter& out) {
    for (std::size_t i = 0; i < left_fields_; ++i)
      builder_.column_at(i).append_from(left.col(i), lr);
    for (std::size_t i = left_fields_; i < fields_; ++i)
      builder_.column_at(i).append_from(right.col(i - left_fields_), rr);
    added(out);
  }

  /// A left record without a match: its right fields are null.
  template <class L>
  void add_left_only(const L& left, std::size_t lr, core::emitter& out) {
    for (std::size_t i = 0; i < left_fields_; ++i)
      builder_.column_at(i).append_from(left.col(i), lr);
    for (std::size_t i = left_fields_; i < fields_; ++i) builder_.column_at(i).append_null();
    added(out);
  }

  /// Nothing collected: true between callbacks, which all end with flush.
  bool empty() const { return pending_ == 0; }

  /// Emits what is collected, if anything.
  void flush(core::emitter& out) {
    if (pending_ == 0) return;
    pending_ = 0;
    out.emit(0, builder_.finish());
  }

private:
  void added(core::emitter& out) {
    if (++pending_ >= max_rows_) flush(out);
  }

  core::batch_builder builder_;
  std::size_t fields_;
  std::size_t left_fields_;
  std::size_t max_rows_;
  std::size_t pending_ = 0;
};

} // namespace sluice::ops::join
