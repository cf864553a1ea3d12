#pragma once

#include <cstddef>

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.dedupe`: drops a record whose key was already seen within
/// `within` of its time. `key` lists the key fields (empty = the whole
/// record); nulls compare equal to each other.
///
/// Time is event time from the `timestamp` field (a timestamp field; default
/// "ts"). If `timestamp` is not given and the input has no "ts" field, the
/// context's clock gives processing time instead (one time per batch).
///
/// A record at time t is a duplicate when its key was seen, by a kept or a
/// dropped record, at a time s with |t - s| <= within; each occurrence
/// refreshes the key's time (the latest one wins), so a key repeating at
/// intervals of at most `within` passes once. A key last seen before
/// (latest time seen on the input - within) is forgotten, exactly, whatever
/// the batch boundaries, so the output depends only on the record order.
/// Dropped records are counted as filtered; a record with a null time goes to
/// the node's errors. A batch with no duplicate is emitted without a copy.
///
/// State: one entry per key seen within `within` of the latest time;
/// forgotten keys are swept out once the table has doubled since the last
/// sweep, so it holds at most about twice the live keys (and at least 1024).
core::descriptor dedupe_descriptor();

/// Introspection implemented by the dedupe operator (for tests and metrics):
/// `dynamic_cast<const dedupe_state*>(op.get())`.
class dedupe_state {
public:
  virtual ~dedupe_state() = default;
  /// Key entries currently held in memory, forgotten ones not yet swept included.
  virtual std::size_t keys_held() const = 0;
};

} // namespace sluice::ops::transform
