#pragma once

// The operator contract (docs/ARCHITECTURE.md §5). Read this before writing
// an operator.
//
// Lifecycle, in the order the runtime uses it:
//   1. bind     descriptor::bind(params, bind_context): pure. Checks params,
//               compiles expressions, returns an immutable bound_operator with
//               the output schemas. No I/O (one exception: a source that
//               infers its schema may read a bounded, cached sample). The
//               validator and the editor call only this.
//   2. create   bound_operator::create(operator_context): one running
//               instance per parallel slot. Cheap; no I/O.
//   3. restore  (stateful shapes, when resuming) restore(state_reader) on
//               the fresh instance, before open().
//   4. open     acquire resources (files, connections), once.
//   5. run      the callbacks of the operator's shape (below), one at a time,
//               from one thread: no locks are needed.
//   6. snapshot (stateful shapes) snapshot(state_writer) between callbacks,
//               whenever the runtime asks; must not change what follows.
//               With checkpoints on, prepare_checkpoint(id) comes right
//               before the snapshot of checkpoint `id`, and
//               checkpoint_complete(id) once every instance of the run has
//               written its part of it: a sink with exactly-once output
//               seals what it wrote up to the barrier in the first and makes
//               it visible in the second (two-phase commit, §10).
//   7. end      on_end_of_stream once every input has ended: flush.
//   8. close    release resources, once, also when the run stops early.
//
// Shapes: an operator derives from exactly one of
//   source_operator    no inputs; poll() produces batches; its position is
//                      state.
//   simple_transform   one batch in, zero or more batches out; no state, no
//                      timers, no end-of-stream work. Watermarks pass it by.
//   stateful_operator  keyed state, event time, timers: every callback, and
//                      snapshot/restore of everything it holds.
//   sink_operator      consumes batches; no outputs but `errors`; may hold
//                      buffers (state) and flush at the end.
// The runtime calls nothing a shape did not ask for (no poll after a batch
// unless the operator polls, no watermark callback for a simple transform).
//
// An operator must never
//   - block in a callback, unless its descriptor says blocking_io;
//   - keep a pointer or reference into a batch it did not build after the
//     callback returns (keep the batch_ptr, or copy the rows);
//   - modify a batch it received (batches are shared read-only);
//   - emit a row it reported through emitter::error;
//   - keep state anywhere but in what snapshot() writes (stateful shapes).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/core/connector_status.hpp"
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

  /// Sends rows `rows` of `b` (in that order) out of `port`: what a filter
  /// keeps. The runtime copies them once, straight into the batch it sends,
  /// instead of a selected copy that is copied again when small batches are
  /// merged. `rows` may be reused once this returns.
  virtual void emit_rows(std::size_t port, const batch_ptr& b,
                         const std::vector<std::uint32_t>& rows) {
    if (!rows.empty()) emit(port, b->select(rows));
  }

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

/// What bind knows about a node: everything the validator can tell without
/// running it. Operators compute their output schemas from this.
struct bind_context {
  std::string node_id;
  std::size_t parallelism = 1;
  /// One schema per input port of the descriptor; null for an unconnected port.
  std::vector<schema_ptr> inputs;
  /// Per declared output port (without `errors`), whether an edge leaves it;
  /// empty = unknown. Lets an operator count instead of emitting to an
  /// unconnected optional port (a window's `late`).
  std::vector<bool> output_connected;
};

/// What create knows about the running instance it makes.
struct operator_context : bind_context {
  std::size_t instance = 0; ///< 0 .. parallelism-1
  /// Per input port, how many channels (upstream edge instances) feed it;
  /// `on_batch_from` numbers them 0..n-1.
  std::vector<std::size_t> input_channels;
  std::shared_ptr<core::clock> clock = default_clock();
  /// The run takes checkpoints: sinks hold back output until the checkpoint
  /// that covers it completes (prepare_checkpoint / checkpoint_complete).
  /// False: sinks write as records arrive, as without checkpoints.
  bool checkpoints = false;
  /// With checkpoints, a folder of this instance's own under the checkpoint
  /// directory (`DIR/spool/<node>.<instance>`) that survives a crash: where
  /// a source keeps what it acknowledged but no checkpoint covers yet
  /// (connect::spool, docs/ARCHITECTURE.md §12). Empty without checkpoints.
  /// Not created until the operator uses it.
  std::string spool_dir;
  /// Where a connector reports its link to its server (up/down, reconnects,
  /// last error; docs/ARCHITECTURE.md §12). The runtime shares it with the
  /// instance's metrics; harnesses get a fresh one. Thread-safe.
  std::shared_ptr<connector_status> connector = std::make_shared<connector_status>();
};

class state_writer;
class state_reader;

/// The interface the runtime drives. Operators never derive from it
/// directly: they derive from one of the shapes below, which implement it.
/// Callbacks may throw `record_error` (one record failed) or anything else
/// (the operator failed: the run stops and names the node).
class operator_base {
public:
  enum class shape_kind { source, simple_transform, stateful, sink };

  virtual ~operator_base() = default;
  virtual shape_kind shape() const = 0;

  /// Acquires resources (opens files). Once, on a running instance only.
  virtual void open() {}
  /// Releases resources and flushes output. Once, also when a run stops early.
  virtual void close() {}

  /// A batch arrived on input port `port` from channel `channel` of that port
  /// (see operator_context::input_channels).
  virtual void on_batch_from(std::size_t /*port*/, std::size_t /*channel*/, const batch_ptr& /*b*/,
                             emitter& /*out*/) {}
  /// Channel `channel` of port `port` has ended (others may go on).
  virtual void on_input_ended(std::size_t /*port*/, std::size_t /*channel*/, emitter& /*out*/) {}
  /// If positive: a channel silent for this long (processing time) is
  /// reported by on_input_idle and stops holding the watermark back.
  virtual std::int64_t idle_timeout_us() const { return 0; }
  virtual void on_input_idle(std::size_t /*port*/, std::size_t /*channel*/, emitter& /*out*/) {}
  /// The input watermark (minimum over live inputs) advanced to `wm`.
  virtual void on_watermark(timestamp wm, emitter& out) { out.watermark(wm); }
  /// Every input has ended: flush what is held.
  virtual void on_end_of_stream(emitter& /*out*/) {}
  /// Produces output without new input. Sources generate here; stateful
  /// operators that asked for it (polls_after_batch) release timed output.
  virtual poll_result poll(emitter& /*out*/, std::size_t /*budget*/) { return poll_result::idle(); }
  /// Whether the runtime calls poll() after every batch (and when a timer
  /// it returned fires). False for everything but timer-driven operators.
  virtual bool polls_after_batch() const { return false; }

  /// The layout version of this operator's state; 0 when it keeps none.
  /// Bump it whenever snapshot() writes something different.
  virtual std::uint32_t state_version() const { return 0; }
  /// Writes everything the operator holds; restore() on a fresh instance
  /// of the same bound config must make it behave as this one would.
  virtual void snapshot(state_writer& /*out*/) const {}
  virtual void restore(state_reader& /*in*/) {}

  /// Checkpoint `id` is being taken: called right before snapshot(), with
  /// checkpoints on only. A two-phase sink flushes and seals what it wrote
  /// since the last checkpoint (durable, not yet visible) and lists it in
  /// the state snapshot() then writes.
  virtual void prepare_checkpoint(std::uint64_t /*id*/) {}
  /// Every instance has written its part of checkpoint `id` (and of every
  /// earlier one): a two-phase sink makes what it sealed up to `id` visible.
  /// Must be idempotent: after a crash, restore() hands the sink the same
  /// sealed parts again, and it commits them in open(), since a run only
  /// ever restores a complete checkpoint. May throw (the run fails).
  virtual void checkpoint_complete(std::uint64_t /*id*/) {}
};

/// A source: no inputs. poll() produces up to about `budget` records per call
/// and says when to call again (poll_result). Its read position is state.
class source_operator : public operator_base {
public:
  shape_kind shape() const final { return shape_kind::source; }
  poll_result poll(emitter& out, std::size_t budget) override = 0;

private:
  using operator_base::on_batch_from;
};

/// One input port; each batch in gives zero or more batches out, at once.
/// No state between batches, no timers, no end-of-stream work: the runtime
/// forwards watermarks and end of stream itself. (filter, map, flatten,
/// route, union, lookup.)
class simple_transform : public operator_base {
public:
  shape_kind shape() const final { return shape_kind::simple_transform; }
  virtual void process(const batch_ptr& b, emitter& out) = 0;

private:
  void on_batch_from(std::size_t, std::size_t, const batch_ptr& b, emitter& out) final {
    process(b, out);
  }
  void on_watermark(timestamp wm, emitter& out) final { out.watermark(wm); }
  void on_end_of_stream(emitter&) final {}
  poll_result poll(emitter&, std::size_t) final { return poll_result::idle(); }
  bool polls_after_batch() const final { return false; }
};

/// Keyed state, event time, timers. Has every callback; must write all it
/// holds in snapshot() and read it back in restore().
class stateful_operator : public operator_base {
public:
  shape_kind shape() const final { return shape_kind::stateful; }

  /// A batch on input `port`; operators that track progress per channel
  /// override on_batch_from instead.
  virtual void on_batch(std::size_t /*port*/, const batch_ptr& /*b*/, emitter& /*out*/) {}
  void on_batch_from(std::size_t port, std::size_t /*channel*/, const batch_ptr& b,
                     emitter& out) override {
    on_batch(port, b, out);
  }

  std::uint32_t state_version() const override = 0;
  void snapshot(state_writer& out) const override = 0;
  void restore(state_reader& in) override = 0;
};

/// Consumes batches; has no data outputs (only `errors`). What it buffers
/// before writing is state; on_end_of_stream flushes it.
class sink_operator : public operator_base {
public:
  shape_kind shape() const final { return shape_kind::sink; }
  virtual void on_batch(std::size_t port, const batch_ptr& b, emitter& out) = 0;

private:
  void on_batch_from(std::size_t port, std::size_t, const batch_ptr& b, emitter& out) final {
    on_batch(port, b, out);
  }
  void on_watermark(timestamp, emitter&) final {}
  poll_result poll(emitter&, std::size_t) final { return poll_result::idle(); }
  bool polls_after_batch() const final { return false; }
};

using operator_ptr = std::unique_ptr<operator_base>;

/// The schema of every node's `errors` port: node id, reason, and the
/// original record as a JSON object text.
schema_ptr error_schema();

} // namespace sluice::core
