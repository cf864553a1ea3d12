#pragma once

#include <cstdint>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::sink {

/// The rows sink.sqlite holds back when the run takes checkpoints: those
/// received since the last checkpoint, and those of each checkpoint that
/// has not completed yet, in the order they came. They are the sink's
/// state: a checkpoint's part holds its rows until they are committed, so
/// they are durable (the checkpoint store syncs the part) before the
/// checkpoint counts as written. Batches are kept by pointer, not copied.
class staged_rows {
public:
  /// Rows received since the last checkpoint.
  void add(core::batch_ptr b);
  /// Checkpoint `id` covers the rows received since the previous one.
  void seal(std::uint64_t id);
  /// The last checkpoint sealed (0: none).
  std::uint64_t last_sealed() const { return last_sealed_; }
  /// Whether no sealed checkpoint holds rows.
  bool nothing_sealed() const { return sealed_.empty(); }

  /// The batches checkpoints up to `id` cover, in order.
  std::vector<core::batch_ptr> sealed_up_to(std::uint64_t id) const;
  /// Every batch held, sealed or not, in order.
  std::vector<core::batch_ptr> all() const;
  /// Forgets the rows checkpoints up to `id` cover (committed).
  void drop_up_to(std::uint64_t id);
  /// Forgets every row (all committed).
  void clear();

  /// restore() refuses (core::state_error) rows of another schema than
  /// `input`, and sealed checkpoints out of order.
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r, const core::schema& input);

private:
  struct segment {
    std::uint64_t id = 0;
    std::vector<core::batch_ptr> batches;
  };

  std::vector<segment> sealed_;
  std::vector<core::batch_ptr> current_;
  std::uint64_t last_sealed_ = 0;
};

} // namespace sluice::ops::sink
