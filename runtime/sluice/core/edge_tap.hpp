#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "sluice/core/schema.hpp"
#include "sluice/core/tap_buffer.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core {

/// How to tap an edge (exec::pipeline_run::open_tap).
struct tap_options {
  double rate = default_tap_rate; ///< records per second at most (1..max_tap_rate)
  std::size_t capacity = 512;     ///< sampled records kept until taken
  /// An expression (operators/docs/expressions.md) over the edge's schema;
  /// only rows for which it is true are sampled. Empty: every row.
  std::string filter;
};

/// The edge's state as a tap sees it.
struct tap_status {
  /// The downstream node's watermark (the minimum over its instances); none
  /// before any watermark arrived or without event time.
  std::optional<timestamp> watermark;
  std::uint64_t queued = 0;   ///< records waiting in the edge's input queues
  std::uint64_t capacity = 0; ///< the most that can wait there (capacity per channel, summed)
  double fill() const { return capacity ? static_cast<double>(queued) / capacity : 0.0; }
  bool ended = false; ///< the run has ended: nothing more will flow
};

/// An open tap on one edge of a live run (docs/ARCHITECTURE.md §7): the
/// latest records flowing on it, sampled, with its schema, the downstream
/// watermark and the queue fill. Made by the run (exec::pipeline_run::
/// open_tap); every member is thread-safe, and the tap stays usable after
/// the run is gone (it reports `ended`). Closing it, or dropping the last
/// reference, stops the sampling; when an edge's last tap closes, the
/// producers are back to one relaxed atomic load per batch.
class edge_tap {
public:
  struct parts {
    std::string from_node, from_port, to_node;
    schema_ptr schema;
    std::shared_ptr<tap_buffer> buffer;
    std::string filter;
    std::function<tap_status()> status;
    std::function<void()> close; ///< detaches the buffer from the edge; called once
  };
  explicit edge_tap(parts p) : p_(std::move(p)) {}
  ~edge_tap() { close(); }
  edge_tap(const edge_tap&) = delete;
  edge_tap& operator=(const edge_tap&) = delete;

  const std::string& from_node() const { return p_.from_node; }
  /// The output port's name ("errors" for the error records).
  const std::string& from_port() const { return p_.from_port; }
  const std::string& to_node() const { return p_.to_node; }
  /// "FROM.PORT -> TO"
  std::string name() const { return p_.from_node + "." + p_.from_port + " -> " + p_.to_node; }
  const schema_ptr& schema() const { return p_.schema; }
  const std::string& filter() const { return p_.filter; }
  double rate() const { return p_.buffer->rate(); }

  /// The sampled records not taken yet (the newest `max`), as JSON objects,
  /// oldest first, with the tap's counters.
  tap_records take(std::size_t max = SIZE_MAX) { return p_.buffer->take(max); }
  tap_status status() const { return p_.status ? p_.status() : tap_status{}; }

  /// Stops sampling; take() still returns what was sampled before.
  void close() {
    std::function<void()> f;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      f = std::move(p_.close);
      p_.close = nullptr;
      closed_ = true;
    }
    if (f) f();
  }
  bool closed() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return closed_;
  }

private:
  parts p_;
  mutable std::mutex mutex_;
  bool closed_ = false;
};

} // namespace sluice::core
