#include "sluice/exec/planner.hpp"

#include <algorithm>
#include <stdexcept>

#include "sluice/core/errors.hpp"
#include "sluice/core/state.hpp"
#include "sluice/exec/node_actor.hpp"

namespace sluice::exec {

namespace {

error_policy policy_of(const std::string& name) {
  if (name == "fail") return error_policy::fail;
  if (name == "skip") return error_policy::skip;
  return error_policy::dead_letter;
}

/// Per input port of node `idx`, how many channels feed each instance
/// (the same numbering `wire` gives them).
std::vector<std::size_t> channels_per_port(const core::pipeline::checked_pipeline& p,
                                           std::size_t idx) {
  std::vector<std::size_t> out(p.nodes[idx].desc->inputs.size(), 0);
  auto k = p.nodes[idx].spec->parallelism;
  for (const auto& e : p.edges) {
    if (e.to_node != idx) continue;
    auto m = p.nodes[e.from_node].spec->parallelism;
    bool one_to_one = e.partition == core::pipeline::partition_kind::forward && m == k;
    out[e.to_port] += one_to_one ? 1 : static_cast<std::size_t>(m);
  }
  return out;
}

std::vector<bool> connected_outputs(const core::pipeline::checked_pipeline& p, std::size_t idx) {
  std::vector<bool> out(p.nodes[idx].outputs.size(), false);
  for (const auto& e : p.edges)
    if (e.from_node == idx && e.from_port < out.size()) out[e.from_port] = true;
  return out;
}

core::operator_ptr build(const core::pipeline::checked_pipeline& p, std::size_t idx,
                         std::size_t instance, const run_options& options, const std::string* state,
                         std::shared_ptr<core::connector_status> connector) {
  const auto& n = p.nodes[idx];
  auto parallelism = static_cast<std::size_t>(n.spec->parallelism);
  core::operator_context ctx;
  ctx.input_channels = channels_per_port(p, idx);
  ctx.output_connected = connected_outputs(p, idx);
  ctx.node_id = n.spec->id;
  ctx.instance = instance;
  ctx.parallelism = parallelism;
  ctx.inputs = n.input_schemas;
  ctx.clock = options.clock ? options.clock : core::default_clock();
  ctx.checkpoints = options.checkpoints.has_value();
  if (options.checkpoints)
    ctx.spool_dir =
      (options.checkpoints->dir / "spool" / (n.spec->id + "." + std::to_string(instance))).string();
  ctx.connector = std::move(connector);
  try {
    if (!n.bound) throw std::logic_error("the node was not bound (the pipeline has errors)");
    auto op = n.bound->create(ctx);
    if (state && !state->empty()) {
      try {
        core::restore_state(*op, n.spec->kind, *state);
      } catch (const core::state_error& e) {
        throw std::runtime_error("instance " + std::to_string(instance)
                                 + " cannot restore its state from the checkpoint: " + e.what());
      }
    }
    op->open();
    return op;
  } catch (const core::param_error& e) {
    throw std::runtime_error("node '" + n.spec->id + "': param '" + e.param() + "': " + e.what());
  } catch (const std::exception& e) {
    throw std::runtime_error("node '" + n.spec->id + "' (" + n.spec->kind + "): " + e.what());
  }
}

void wire(const core::pipeline::resolved_edge& e, std::size_t edge_index,
          std::vector<planned_instance*>& from, std::vector<planned_instance*>& to) {
  const std::size_t m = from.size(), k = to.size();
  auto kind = e.partition;
  if (kind == core::pipeline::partition_kind::forward && m != k)
    kind = core::pipeline::partition_kind::rebalance;
  for (std::size_t i = 0; i < m; ++i) {
    auto& up = *from[i]->setup;
    out_link link;
    link.partition = kind;
    link.hash_field = e.hash_field_index;
    link.next = i; // spread the first batches of parallel upstreams
    for (std::size_t j = 0; j < k; ++j) {
      if (kind == core::pipeline::partition_kind::forward && j != i) continue;
      auto& down = *to[j]->setup;
      auto channel = static_cast<std::uint32_t>(up.channels.size());
      auto slot = static_cast<std::uint32_t>(down.slots.size());
      std::size_t channel_in_port = 0;
      for (const auto& s : down.slots) channel_in_port += s.port == e.to_port ? 1 : 0;
      out_channel c;
      c.target = to[j]->actor;
      c.target_node = down.node_id;
      c.target_instance = down.instance;
      c.slot = slot;
      c.capacity = e.capacity;
      up.channels.push_back(std::move(c));
      down.slots.push_back(
        {e.to_port, channel_in_port, from[i]->actor, channel, e.capacity, edge_index});
      link.channels.push_back(channel);
    }
    up.out_ports[e.from_port].push_back(std::move(link));
  }
}

} // namespace

std::vector<planned_instance> plan(caf::actor_system& sys,
                                   const core::pipeline::checked_pipeline& p,
                                   const run_options& options, std::shared_ptr<run_shared> shared,
                                   restored_parts restore) {
  std::vector<planned_instance> out;
  try {
    for (auto idx : p.order) {
      const auto& n = p.nodes[idx];
      auto parallelism = static_cast<std::size_t>(n.spec->parallelism);
      for (std::size_t i = 0; i < parallelism; ++i) {
        auto s = std::make_shared<node_setup>();
        s->node_id = n.spec->id;
        s->kind = n.spec->kind;
        s->instance = i;
        checkpoint::node_part* part = nullptr;
        if (auto it = restore.find(n.spec->id); it != restore.end() && i < it->second.size())
          part = &it->second[i];
        s->metrics = std::make_shared<core::instance_metrics>();
        s->op =
          build(p, idx, i, options, part ? &part->operator_state : nullptr, s->metrics->connector);
        if (part) {
          part->operator_state.clear();
          s->restored = std::move(*part);
        }
        s->is_source = n.desc->is_source();
        s->errors_port = n.outputs.size();
        s->out_ports.resize(n.outputs.size() + 1);
        s->on_error = policy_of(n.spec->on_error);
        s->shared = shared;
        s->batch_size = options.batch_size;
        s->max_delay = options.max_delay;
        s->clock = options.clock ? options.clock : core::default_clock();
        out.push_back({idx, i, std::move(s), caf::actor{}});
      }
    }
  } catch (...) {
    for (auto& inst : out) inst.setup->op->close();
    throw;
  }
  for (auto& inst : out) {
    if (p.nodes[inst.node].desc->blocking_io)
      inst.actor = sys.spawn<node_actor, caf::detached>(inst.setup);
    else inst.actor = sys.spawn<node_actor>(inst.setup);
  }

  std::vector<std::vector<planned_instance*>> by_node(p.nodes.size());
  for (auto& inst : out) by_node[inst.node].push_back(&inst);
  for (std::size_t k = 0; k < p.edges.size(); ++k)
    wire(p.edges[k], k, by_node[p.edges[k].from_node], by_node[p.edges[k].to_node]);
  // Per-channel queue counters, before any actor starts (readers may look
  // at them from any thread once the run exists; only `queued` changes).
  for (auto& inst : out) {
    auto& queues = inst.setup->metrics->input_queues;
    for (const auto& slot : inst.setup->slots) {
      auto& q = queues.emplace_back();
      q.edge = slot.edge;
      q.capacity = static_cast<std::uint64_t>(std::max<std::int64_t>(slot.capacity, 0));
    }
  }
  return out;
}

} // namespace sluice::exec
