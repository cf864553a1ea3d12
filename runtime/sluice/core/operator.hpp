#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core {

/// Where an operator sends what it produces. Implemented by the runtime (one
/// per node instance) and by test harnesses. All calls are made from the
/// instance's own callbacks, never concurrently.
class emitter {
public:
  virtual ~emitter() = default;

  /// Sends `b` out of output port `port` (index into the descriptor's
  /// outputs). Empty batches are ignored. The runtime keeps batches in order
  /// per port and never drops one.
  virtual void emit(std::size_t port, batch_ptr b) = 0;

  /// Accounts for `n` input records the operator dropped on purpose (a
  /// filter's non-matching rows). Keeps `in = out + filtered + errors` true.
  virtual void filtered(std::size_t n) = 0;

  /// Row `row` of `b` could not be processed for `reason`. The node's
  /// `on_error` policy decides: `fail` throws (the run stops and names the
  /// node and the record), `skip` counts it, `dead_letter` (default) also
  /// sends it to the node's `errors` port, or logs a sample if unconnected.
  /// The operator must not emit that row itself.
  virtual void error(const batch& b, std::size_t row, const std::string& reason) = 0;

  /// Declares that no record with event time < `t` will follow on any output.
  virtual void watermark(timestamp t) = 0;

  /// Accounts for `n` input records that arrived too late and were dropped
  /// (counted, not emitted: a window whose `late` port is unconnected).
  virtual void late(std::size_t /*n*/) {}
};

/// What a `poll` call leaves behind; each state says what the runtime does next.
struct poll_result {
  enum class state {
    more,     ///< more output is ready now: poll again as soon as credit allows
    wait,     ///< nothing ready before `wait_ns` from now: poll again then,
              ///< and feed no new input meanwhile
    idle,     ///< holds nothing: feed input (the default for non-sources)
    finished, ///< a source has ended: the runtime sends end-of-stream
    timer,    ///< nothing to do now, but poll again after `wait_ns` while
              ///< input keeps flowing (processing-time windows, idle checks)
  };
  state what = state::idle;
  std::int64_t wait_ns = 0;

  static poll_result more() { return {state::more, 0}; }
  static poll_result wait(std::int64_t ns) { return {state::wait, ns}; }
  static poll_result idle() { return {state::idle, 0}; }
  static poll_result finished() { return {state::finished, 0}; }
  static poll_result timer(std::int64_t ns) { return {state::timer, ns}; }
};

/// What a factory knows about the instance it builds.
struct operator_context {
  std::string node_id;
  std::size_t instance = 0; ///< 0 .. parallelism-1
  std::size_t parallelism = 1;
  /// One schema per input port of the descriptor; null for an unconnected port.
  std::vector<schema_ptr> inputs;
  /// Per input port, how many channels (upstream edge instances) feed it;
  /// `on_batch_from` numbers them 0..n-1. Empty when the validator builds
  /// the operator (it never runs it).
  std::vector<std::size_t> input_channels;
  /// Per declared output port (without `errors`), whether an edge leaves it;
  /// empty = unknown. Lets an operator count instead of emitting to an
  /// unconnected optional port (a window's `late`).
  std::vector<bool> output_connected;
  std::shared_ptr<core::clock> clock = default_clock();
};

/// A source, transform, window or sink. Built by its descriptor's factory
/// with immutable, already checked configuration; state lives in members.
/// The runtime calls one instance from one actor, so no locking is needed.
/// Callbacks may throw `record_error` (one record failed) or anything else
/// (the operator failed: the run stops and names the node).
class operator_base {
public:
  virtual ~operator_base() = default;

  /// Schemas of the declared output ports, in descriptor order. Known from
  /// construction on: the validator and the editor read it without running.
  virtual std::vector<schema_ptr> output_schemas() const = 0;

  /// Acquires resources (opens files). Called once, on a running instance
  /// only; never by the validator.
  virtual void open() {}

  /// A batch arrived on input port `port`.
  virtual void on_batch(std::size_t /*port*/, const batch_ptr& /*b*/, emitter& /*out*/) {}

  /// The runtime's entry point for a batch: which of the port's channels it
  /// came from (see operator_context::input_channels). Operators that track
  /// event-time progress per input (windows, joins) override this one; the
  /// default forwards to on_batch.
  virtual void on_batch_from(std::size_t port, std::size_t /*channel*/, const batch_ptr& b,
                             emitter& out) {
    on_batch(port, b, out);
  }

  /// Channel `channel` of port `port` has ended (others may go on).
  virtual void on_input_ended(std::size_t /*port*/, std::size_t /*channel*/, emitter& /*out*/) {}

  /// If positive: a channel silent for this long (processing time, from the
  /// context's clock) is reported by `on_input_idle`, and stops holding the
  /// runtime's watermark back until it sends again.
  virtual std::int64_t idle_timeout_us() const { return 0; }

  /// Channel `channel` of port `port` sent nothing for idle_timeout_us().
  /// Its next batch (on_batch_from) makes it active again.
  virtual void on_input_idle(std::size_t /*port*/, std::size_t /*channel*/, emitter& /*out*/) {}

  /// The input watermark (minimum over live inputs) advanced to `wm`.
  /// Default: forward it.
  virtual void on_watermark(timestamp wm, emitter& out) { out.watermark(wm); }

  /// Every input has ended: flush what is held (open windows, buffers).
  virtual void on_end_of_stream(emitter& /*out*/) {}

  /// Produces output without new input, at most about `budget` records.
  /// Sources generate here; transforms that hold records (a throttle)
  /// release them here. Called after each on_batch and whenever the previous
  /// result asked for it.
  virtual poll_result poll(emitter& /*out*/, std::size_t /*budget*/) { return poll_result::idle(); }

  /// Releases resources and flushes output files. Called once at the end of
  /// a run, also when it stops early.
  virtual void close() {}
};

using operator_ptr = std::unique_ptr<operator_base>;

/// The schema of every node's `errors` port: node id, reason, and the
/// original record as a JSON object text.
schema_ptr error_schema();

} // namespace sluice::core
