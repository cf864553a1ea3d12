#include "sluice/exec/pipeline_run.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "sluice/checkpoint/store.hpp"
#include "sluice/core/expr/expression.hpp"
#include "sluice/exec/allocator_tuning.hpp"
#include "sluice/exec/checkpoint_coordinator.hpp"
#include "sluice/exec/planner.hpp"
#include "sluice/exec/protocol.hpp"
#include "sluice/exec/run_shared.hpp"
#include "sluice/exec/tap_edges.hpp"
#include "sluice/exec/tap_point.hpp"

namespace sluice::exec {

namespace {

caf::actor_system_config& configure(caf::actor_system_config& cfg, const run_options& o) {
  auto threads =
    o.worker_threads ? o.worker_threads : std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", threads);
  // Let an actor handle a bounded number of messages before others get
  // the thread: keeps latency fair between stages.
  cfg.set("scheduler.max-throughput", 64);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  // Idle workers poll briefly, then sleep: a throttled or low-rate pipeline
  // must not keep both cores spinning between its few messages.
  cfg.set("work-stealing.moderate-poll-attempts", 50);
  cfg.add_message_type<core::batch_ptr>("sluice::batch_ptr");
  return cfg;
}

/// The parts of every instance to restore, read from checkpoint
/// `s.resume_from` of `s.dir`: nodes found there with the same kind and
/// parallelism, except those to reset.
restored_parts read_parts(const core::pipeline::checked_pipeline& p, const checkpoint_settings& s) {
  restored_parts out;
  if (!s.resume_from) return out;
  checkpoint::store store(s.dir, false);
  auto info = store.load(*s.resume_from);
  for (const auto& n : p.nodes) {
    const auto* saved = info.find_node(n.spec->id);
    if (!saved || saved->kind != n.spec->kind || s.reset_state.count(n.spec->id)
        || saved->parallelism != static_cast<std::size_t>(n.spec->parallelism))
      continue;
    auto& parts = out[n.spec->id];
    for (std::size_t i = 0; i < saved->parallelism; ++i) {
      try {
        parts.push_back(checkpoint::node_part::decode(store.read_part(info.id, n.spec->id, i)));
      } catch (const std::exception& e) {
        throw std::runtime_error("node '" + n.spec->id + "': checkpoint " + std::to_string(info.id)
                                 + ": " + e.what());
      }
    }
  }
  return out;
}

/// A filter's rows: those for which `expr` is true (not false, null or an
/// error). Runs on a producing instance's thread, so it never throws.
core::tap_row_filter row_filter(core::expr::compiled_expression expr) {
  return [expr = std::move(expr)](const core::batch& b, std::vector<std::uint32_t>& rows) {
    try {
      auto picked = b.select(rows);
      core::expr::row_errors errors;
      auto result = expr.evaluate(*picked, &errors);
      std::size_t kept = 0;
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (!result->is_null(i) && result->bools[i]) rows[kept++] = rows[i];
      rows.resize(kept);
    } catch (const std::exception&) {
      rows.clear();
    }
  };
}

} // namespace

struct pipeline_run::impl {
  core::pipeline::checked_pipeline pipeline;
  std::unique_ptr<checkpoint_coordinator> checkpoints;
  std::atomic<bool> killed{false}; ///< abort() or a savepoint: records were in flight
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  std::shared_ptr<run_shared> shared;
  std::vector<planned_instance> instances;
  /// Where each edge's taps attach, by edge index.
  std::vector<std::shared_ptr<tap_point>> taps;
  std::mutex stop_mutex;
  int stop_requests = 0;
  /// Guards `instances` against kill_all, which a failing instance calls on
  /// its own thread while the facade may be tearing the run down.
  std::mutex instances_mutex;

  void kill_all() {
    std::lock_guard<std::mutex> guard(instances_mutex);
    kill_all_locked();
  }
  void kill_all_locked() {
    for (auto& inst : instances) caf::anon_send_exit(inst.actor, caf::exit_reason::user_shutdown);
  }
};

pipeline_run::pipeline_run(core::pipeline::checked_pipeline pipeline, run_options options)
  : impl_(std::make_unique<impl>()) {
  if (!pipeline.ok())
    throw std::invalid_argument("pipeline_run needs a checked pipeline without errors");
  tune_allocator_for_batches();
  auto& d = *impl_;
  d.pipeline = std::move(pipeline);
  configure(d.cfg, options);
  d.system = std::make_unique<caf::actor_system>(d.cfg);
  std::size_t total = 0;
  for (const auto& n : d.pipeline.nodes) total += static_cast<std::size_t>(n.spec->parallelism);
  d.shared = std::make_shared<run_shared>(total, options.log);
  restored_parts restore;
  if (options.checkpoints) {
    const auto& cs = *options.checkpoints;
    restore = read_parts(d.pipeline, cs);
    checkpoint_coordinator::settings settings;
    settings.dir = cs.dir;
    settings.interval = cs.interval;
    checkpoint::store store(cs.dir);
    store.clear_finished();
    settings.first_id = store.next_id();
    settings.pipeline = nlohmann::json(d.pipeline.doc.to_json());
    for (const auto& n : d.pipeline.nodes)
      settings.nodes.push_back(
        {n.spec->id, n.spec->kind, static_cast<std::size_t>(n.spec->parallelism), {}});
    auto* raw = impl_.get();
    d.checkpoints = std::make_unique<checkpoint_coordinator>(
      std::move(settings), d.shared,
      [raw](std::uint64_t id) {
        std::lock_guard<std::mutex> guard(raw->instances_mutex);
        for (auto& inst : raw->instances)
          if (inst.setup->is_source) caf::anon_send(inst.actor, checkpoint_atom::value, id);
      },
      [raw](std::uint64_t id) {
        std::lock_guard<std::mutex> guard(raw->instances_mutex);
        for (auto& inst : raw->instances) caf::anon_send(inst.actor, committed_atom::value, id);
      },
      [raw] { return !raw->killed.load() && raw->shared->status() != run_status::failed; });
    d.shared->set_part_handler([raw](std::uint64_t id, const std::string& node,
                                     std::size_t instance, checkpoint::node_part part) {
      raw->checkpoints->add_part(id, node, instance, std::move(part));
    });
  }
  for (std::size_t k = 0; k < d.pipeline.edges.size(); ++k)
    d.taps.push_back(std::make_shared<tap_point>());
  d.instances = plan(*d.system, d.pipeline, options, d.shared, std::move(restore), d.taps);
  d.shared->set_abort([raw = impl_.get()] { raw->kill_all(); });
  // Downstream instances grant credit when they start; starting in
  // topological order (sources first) makes every upstream instance see
  // its `start` before any credit.
  for (auto& inst : d.instances) caf::anon_send(inst.actor, start_atom::value);
  if (d.checkpoints) d.checkpoints->start();
}

pipeline_run::~pipeline_run() {
  if (!impl_) return;
  stop();
  impl_->shared->wait();
  {
    // A failure ends the wait as soon as it is recorded, which is before the
    // failing instance has killed the others: without this, the handles
    // could be dropped first and an instance that never got its exit would
    // keep the actor system (and the process) alive forever.
    std::lock_guard<std::mutex> guard(impl_->instances_mutex);
    if (impl_->shared->status() == run_status::failed) impl_->kill_all_locked();
    impl_->instances.clear();
  }
  impl_->system.reset(); // waits for every actor to be done
  if (impl_->checkpoints) impl_->checkpoints->stop();
}

void pipeline_run::stop() {
  std::lock_guard<std::mutex> guard(impl_->stop_mutex);
  if (impl_->shared->ended()) return;
  if (impl_->stop_requests++ > 0) return;
  impl_->shared->stopping();
  for (auto& inst : impl_->instances)
    if (inst.setup->is_source) caf::anon_send(inst.actor, stop_atom::value);
}

bool pipeline_run::stop_with_savepoint(std::chrono::milliseconds timeout) {
  if (!impl_->checkpoints || impl_->shared->ended()) return false;
  if (!impl_->checkpoints->savepoint(timeout)) return false;
  // Complete: every sink has its commit message queued before the exit.
  impl_->killed = true;
  impl_->shared->stopping();
  impl_->kill_all();
  return true;
}

checkpoint_stats pipeline_run::checkpoints() const {
  return impl_->checkpoints ? impl_->checkpoints->stats() : checkpoint_stats{};
}

void pipeline_run::abort() {
  impl_->killed = true;
  impl_->shared->stopping();
  impl_->kill_all();
}

void pipeline_run::wait() { impl_->shared->wait(); }

bool pipeline_run::wait_for(std::chrono::milliseconds timeout) {
  return impl_->shared->wait_for(timeout);
}

run_status pipeline_run::status() const { return impl_->shared->status(); }

std::string pipeline_run::failure() const { return impl_->shared->failure(); }

std::vector<core::instance_snapshot> pipeline_run::snapshot() const {
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
               .count();
  std::vector<core::instance_snapshot> out;
  out.reserve(impl_->instances.size());
  for (const auto& inst : impl_->instances)
    out.push_back(core::snapshot_of(inst.setup->node_id, inst.instance, *inst.setup->metrics, now));
  return out;
}

const core::pipeline::checked_pipeline& pipeline_run::pipeline() const { return impl_->pipeline; }

std::vector<std::string> pipeline_run::tap_edges() const { return tap_edge_names(impl_->pipeline); }

std::shared_ptr<edge_tap> pipeline_run::open_tap(const std::string& from,
                                                 const std::string& to_node,
                                                 const tap_options& options) {
  auto k = find_tap_edge(impl_->pipeline, from, to_node);
  const auto& e = impl_->pipeline.edges[k];
  const auto& from_id = impl_->pipeline.nodes[e.from_node].spec->id;
  auto name = tap_edge_name(impl_->pipeline, k);
  auto port = name.substr(from_id.size() + 1, name.find(" -> ") - from_id.size() - 1);
  return open_tap(from_id, port, to_node, options);
}

std::shared_ptr<edge_tap> pipeline_run::open_tap(const std::string& from_node,
                                                 const std::string& from_port,
                                                 const std::string& to_node,
                                                 const tap_options& options) {
  auto& d = *impl_;
  auto k = find_tap_edge(d.pipeline, from_node, from_port, to_node);
  const auto& e = d.pipeline.edges[k];
  if (!std::isfinite(options.rate) || options.rate < 1 || options.rate > core::max_tap_rate)
    throw std::invalid_argument("the tap's rate must be 1 to "
                                + std::to_string(static_cast<int>(core::max_tap_rate))
                                + " records per second");
  core::tap_row_filter filter;
  if (!options.filter.empty()) {
    try {
      auto expr = core::expr::compiled_expression::compile(options.filter, *e.schema);
      if (expr.type() != core::value_type::boolean)
        throw core::expr::expression_error(1, "the filter must be true or false for a record, not "
                                                + std::string(core::name_of(expr.type())));
      filter = row_filter(std::move(expr));
    } catch (const core::expr::expression_error& err) {
      throw std::invalid_argument("filter '" + options.filter + "' at column "
                                  + std::to_string(err.position()) + ": " + err.what()
                                  + " (the edge's fields: " + e.schema->to_string() + ")");
    }
  }
  auto buffer = std::make_shared<core::tap_buffer>(options.rate, options.capacity, filter);
  std::vector<std::shared_ptr<core::instance_metrics>> downstream;
  for (const auto& inst : d.instances)
    if (inst.node == e.to_node) downstream.push_back(inst.setup->metrics);

  core::edge_tap::parts parts;
  auto name = tap_edge_name(d.pipeline, k);
  parts.from_node = from_node;
  parts.from_port = name.substr(from_node.size() + 1, name.find(" -> ") - from_node.size() - 1);
  parts.to_node = to_node;
  parts.schema = e.schema;
  parts.buffer = buffer;
  parts.filter = options.filter;
  parts.status = [downstream, k, shared = std::weak_ptr<run_shared>(d.shared)] {
    core::tap_status s;
    auto wm = core::max_timestamp;
    for (const auto& m : downstream) {
      wm = std::min(wm, m->watermark.load(std::memory_order_relaxed));
      for (const auto& q : m->input_queues) {
        if (q.edge != k) continue;
        s.queued += q.queued.load(std::memory_order_relaxed);
        s.capacity += q.capacity;
      }
    }
    if (!downstream.empty() && wm > core::min_timestamp && wm < core::max_timestamp)
      s.watermark = wm;
    auto run = shared.lock();
    s.ended = !run || run->ended();
    return s;
  };
  auto point = d.taps[k];
  parts.close = [point, raw = buffer.get()] { point->detach(raw); };
  point->attach(buffer);
  return std::make_shared<core::edge_tap>(std::move(parts));
}

} // namespace sluice::exec
