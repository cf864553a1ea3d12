#pragma once

// What source.http's server threads hand to its poll(): the records of
// each accepted request, in order, and the records of it that did not fit
// the schema. Bounded by a record count: a request that would overflow it
// is refused (the server answers 429), never queued, so memory stays
// bounded while the pipeline is slower than its clients.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::ops::http {

/// A line or element of a request that parsed but did not fit the schema.
struct rejected_record {
  std::size_t number = 0; ///< line or element
  std::string text;       ///< as sent (cut to a few KiB)
  std::string reason;
};

struct accepted_request {
  std::uint64_t id = 0;  ///< numbered from 1 per source instance, by the source
  std::uint64_t seq = 0; ///< in the source's spool (0 without one)
  std::string unit;      ///< "line" or "element"
  core::batch_ptr rows;  ///< may be null (every record rejected)
  std::vector<rejected_record> rejected;

  std::size_t records() const { return (rows ? rows->rows() : 0) + rejected.size(); }
};

class request_queue {
public:
  explicit request_queue(std::size_t max_records) : max_(max_records) {}

  enum class outcome { queued, full, too_large };
  /// Queues `r` unless that would hold more than the bound.
  outcome push(accepted_request& r);
  /// What push would answer for `records` records now (`queued`: it fits).
  /// With one pushing thread at a time, a push after `queued` succeeds.
  outcome fits(std::size_t records) const;
  /// Takes requests from the front until about `budget` records are taken
  /// (at least one request, if any).
  std::vector<accepted_request> take(std::size_t budget);

  std::size_t pending() const;
  std::size_t capacity() const { return max_; }

private:
  const std::size_t max_;
  mutable std::mutex mutex_;
  std::deque<accepted_request> queue_;
  std::size_t pending_ = 0; ///< records in queue_
};

} // namespace sluice::ops::http
