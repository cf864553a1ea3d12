#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "sluice/exec/instance_emitter.hpp"
#include "sluice/exec/node_setup.hpp"
#include "sluice/exec/output_router.hpp"

namespace sluice::exec {

/// One instance of one node: runs its operator under the credit protocol.
///
/// Inputs arrive as messages on slots and queue there (at most the slot's
/// capacity, because upstream only sends within credit). The instance takes
/// queued elements one at a time, round-robin over slots, while its outputs
/// are not blocked; each consumed batch's records go back upstream as credit
/// (coalesced to half the capacity). When an output has no credit, it stops
/// consuming, so credit stops flowing upstream: that is backpressure.
/// Sources poll their operator instead, whenever they have credit.
/// Ends when every input has ended (or a source has finished or was
/// stopped), the operator has flushed, and every output has sent its
/// end-of-stream.
class node_actor : public caf::event_based_actor {
public:
  node_actor(caf::actor_config& cfg, std::shared_ptr<node_setup> setup);

  caf::behavior make_behavior() override;
  void on_exit() override;

private:
  struct in_element {
    enum class kind { data, watermark, eos };
    kind what;
    core::batch_ptr data;
    core::timestamp time;
    bool replayed = false; ///< restored from a checkpoint: no credit to return
  };
  struct in_slot {
    in_slot_spec spec;
    std::deque<in_element> queue;
    std::int64_t unreturned = 0;
    core::timestamp watermark = core::min_timestamp;
    bool ended = false;
    bool idle = false;
    std::int64_t last_data_ns = 0; ///< context clock, for idle detection
    std::uint64_t queued_rows = 0; ///< data records waiting in `queue`
  };
  /// A checkpoint this instance has snapshotted but whose barrier has not
  /// yet arrived on every input: what still arrives before it is recorded.
  struct open_checkpoint {
    std::uint64_t id = 0;
    checkpoint::node_part part;
    std::vector<bool> barrier_seen; ///< per slot
  };

  void start();
  void enqueue_input(std::uint32_t slot, in_element e);
  void pump();
  void pump_source();
  void pump_inputs();
  /// Applies a poll result; false if the instance must stop pumping.
  bool apply(core::poll_result r);
  void consume(in_slot& slot);
  /// Hands one batch of `slot` to the operator, then returns its credit.
  void process_batch(in_slot& slot, core::batch_ptr b, bool replayed = false);
  /// Input may go to the operator right now (nothing waits, nothing blocks).
  bool takes_input_now() const;
  void return_credit(in_slot& slot, bool force);
  void advance_watermark();
  void begin_finish();
  void try_finish();
  void after_callback();
  void schedule_poll();
  void schedule_operator_timer(std::int64_t ns);
  void check_idle_inputs();
  template <class F>
  void guarded(F&& f);
  void fail(const std::string& message);
  /// Charges the period since `period_since_` (if any) at `now` and starts
  /// a period of `kind` (instance_metrics::pending_*; 0 = idle).
  void switch_period(std::int64_t now, std::int64_t kind);
  void publish_queued(in_slot& slot);

  // Checkpoints (docs/ARCHITECTURE.md §10).
  /// The first barrier `id` (or a source's trigger): snapshot now, record
  /// what is queued, send the barrier on every output.
  void begin_checkpoint(std::uint64_t id);
  void on_barrier(std::uint32_t slot, std::uint64_t id);
  /// Element `e` arrives on `slot`: while a checkpoint waits for that slot's
  /// barrier, it belongs to the checkpoint too.
  void record_arrival(std::uint32_t slot, const in_element& e);
  /// Every input has delivered the barrier: hand the part to the run.
  void finish_checkpoint_if_complete();
  void replay_restored_part();

  std::shared_ptr<node_setup> setup_;
  std::optional<output_router> router_;
  std::optional<instance_emitter> emitter_;
  std::vector<in_slot> slots_;
  std::size_t next_slot_ = 0;
  std::size_t queued_ = 0;
  core::timestamp watermark_ = core::min_timestamp;
  core::batch_ptr current_; ///< the batch being processed, for error reports
  bool started_ = false;
  bool poll_scheduled_ = false; ///< an immediate poll message is on its way
  bool waiting_ = false;        ///< the operator asked to wait for a timer
  bool needs_poll_ = false;     ///< the operator holds output: poll before input
  bool flush_scheduled_ = false;
  bool stop_requested_ = false;
  bool inputs_ended_ = false;
  bool finishing_ = false;
  bool closed_ = false;
  /// The period running between (or during) handlers: 0 idle, or
  /// instance_metrics::pending_busy / pending_backpressured since `period_since_`.
  std::int64_t period_kind_ = 0;
  std::int64_t period_since_ = 0;
  /// Steady-clock time the earliest pending operator timer fires, or max.
  std::int64_t timer_due_ns_ = INT64_MAX;
  std::int64_t idle_timeout_ns_ = 0;
  bool polls_after_batch_ = false; ///< the operator asked for poll() after each batch
  std::optional<open_checkpoint> checkpoint_;
  std::uint64_t last_checkpoint_ = 0; ///< the newest checkpoint begun here
  std::size_t last_state_bytes_ = 0;  ///< the size of the last operator snapshot
};

} // namespace sluice::exec
