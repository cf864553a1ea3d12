#include "sluice/core/pipeline/validator.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "sluice/core/errors.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/pipeline/closest_kind.hpp"
#include "sluice/core/pipeline/graph.hpp"

namespace sluice::core::pipeline {

checked_pipeline::checked_pipeline(const checked_pipeline& other)
  : doc(other.doc), nodes(other.nodes), edges(other.edges), order(other.order),
    errors(other.errors) {
  for (std::size_t i = 0; i < nodes.size() && i < doc.nodes.size(); ++i)
    if (nodes[i].spec) nodes[i].spec = &doc.nodes[i];
}

checked_pipeline& checked_pipeline::operator=(const checked_pipeline& other) {
  if (this != &other) *this = checked_pipeline(other);
  return *this;
}

namespace {

bool valid_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-';
  });
}

std::string port_list(const std::vector<port_spec>& ports, bool with_errors) {
  std::string out;
  for (const auto& p : ports) out += (out.empty() ? "" : ", ") + p.name;
  if (with_errors) out += (out.empty() ? "" : ", ") + std::string(errors_port);
  return out;
}

std::string quoted_schema(const schema_ptr& s) { return "{" + s->to_string() + "}"; }

/// The state of one `check` call; each step fills part of `out`.
class checker {
public:
  checker(checked_pipeline& out, const registry& reg) : out_(out), reg_(reg) {}

  void run() {
    const auto& doc = out_.doc;
    out_.nodes.resize(doc.nodes.size());
    out_.edges.resize(doc.edges.size());
    params_.resize(doc.nodes.size());
    built_.assign(doc.nodes.size(), false);
    bad_input_edge_.assign(doc.nodes.size(), false);
    edge_ok_.assign(doc.edges.size(), false);
    feeds_port_.assign(doc.edges.size(), false);
    for (std::size_t i = 0; i < doc.nodes.size(); ++i) check_node(i);
    for (std::size_t e = 0; e < doc.edges.size(); ++e) check_edge(e);
    order_nodes();
    check_unconnected_inputs();
    for (auto i : out_.order) bind_node(i);
    type_edges();
  }

private:
  void node_error(std::size_t i, std::string message, std::string param = {},
                  std::size_t position = 0) {
    diagnostic d;
    d.node = out_.doc.nodes[i].id;
    d.param = std::move(param);
    d.position = position;
    d.message = std::move(message);
    if (d.node.empty()) d.message = "nodes[" + std::to_string(i) + "]: " + d.message;
    out_.errors.push_back(std::move(d));
  }

  void edge_error(std::size_t e, std::string message) {
    const auto& spec = out_.doc.edges[e];
    diagnostic d;
    d.edge = spec.from.to_string() + " -> " + spec.to.to_string();
    d.message = std::move(message);
    out_.errors.push_back(std::move(d));
  }

  // Id, duplicates, parallelism, on_error, kind, and the params that need no schema.
  void check_node(std::size_t i) {
    const auto& spec = out_.doc.nodes[i];
    auto& node = out_.nodes[i];
    node.spec = &spec;
    if (spec.id.empty()) {
      node_error(i, "empty node id");
    } else {
      if (!valid_id(spec.id)) node_error(i, "invalid id: use only letters, digits, '_' and '-'");
      auto [it, fresh] = index_.emplace(spec.id, i);
      if (!fresh)
        node_error(i, "duplicate node id (also nodes[" + std::to_string(it->second) + "])");
    }
    if (spec.parallelism < 1)
      node_error(i, "parallelism must be at least 1, got " + std::to_string(spec.parallelism));
    else if (spec.parallelism > max_parallelism)
      node_error(i, "parallelism must be at most " + std::to_string(max_parallelism) + ", got "
                      + std::to_string(spec.parallelism));
    if (!spec.on_error.empty() && spec.on_error != "fail" && spec.on_error != "skip"
        && spec.on_error != "dead_letter")
      node_error(i,
                 "on_error must be one of fail, skip, dead_letter, got \"" + spec.on_error + "\"");

    node.desc = reg_.find(spec.kind);
    if (!node.desc) {
      auto hint = closest_kind(reg_, spec.kind);
      node_error(i, "unknown kind '" + spec.kind + "'"
                      + (hint.empty() ? std::string{} : " (did you mean '" + hint + "'?)"));
      return;
    }
    node.input_schemas.assign(node.desc->inputs.size(), nullptr);
    node.outputs = node.desc->outputs_for(spec.params);
    try {
      params_[i].emplace(node.desc->properties, spec.params);
    } catch (const param_error& err) {
      node_error(i, err.what(), err.param(), err.position());
    }
  }

  std::optional<std::size_t> find_node(std::size_t e, const std::string& id) {
    auto it = index_.find(id);
    if (it != index_.end()) return it->second;
    edge_error(e, "unknown node '" + id + "'");
    return std::nullopt;
  }

  // Output port of `from`: empty means the first declared output.
  std::optional<std::size_t> output_port(std::size_t e, std::size_t from, const std::string& name) {
    const auto& outputs = out_.nodes[from].outputs;
    const auto& id = out_.doc.nodes[from].id;
    if (name.empty()) {
      if (out_.nodes[from].desc->dynamic_outputs && outputs.size() > 1) {
        edge_error(e, "node '" + id + "' has several output ports named by its params; say which: '"
                        + id + ".<port>' (it has: " + port_list(outputs, true) + ")");
        return std::nullopt;
      }
      if (!outputs.empty()) return 0;
      edge_error(e, "node '" + id + "' has no data output; take its error records from '" + id + "."
                      + errors_port + "'");
      return std::nullopt;
    }
    for (std::size_t p = 0; p < outputs.size(); ++p)
      if (outputs[p].name == name) return p;
    if (name == errors_port) return outputs.size();
    edge_error(e, "node '" + id + "' has no output port '" + name
                    + "' (it has: " + port_list(outputs, true) + ")");
    return std::nullopt;
  }

  // Input port of `to`: empty means its only input.
  std::optional<std::size_t> input_port(std::size_t e, std::size_t to, const std::string& name) {
    const auto& desc = *out_.nodes[to].desc;
    const auto& id = out_.doc.nodes[to].id;
    if (desc.inputs.empty()) {
      edge_error(e, "node '" + id + "' is a source and has no input ports");
      return std::nullopt;
    }
    if (name.empty()) {
      if (desc.inputs.size() == 1) return 0;
      edge_error(e, "node '" + id + "' has several input ports (" + port_list(desc.inputs, false)
                      + "): name one, e.g. '" + id + "." + desc.inputs[0].name + "'");
      return std::nullopt;
    }
    int p = desc.input_index(name);
    if (p >= 0) return static_cast<std::size_t>(p);
    edge_error(e, "node '" + id + "' has no input port '" + name
                    + "' (it has: " + port_list(desc.inputs, false) + ")");
    return std::nullopt;
  }

  void check_partition(std::size_t e) {
    const auto& spec = out_.doc.edges[e];
    auto& edge = out_.edges[e];
    const std::string& p = spec.partition;
    if (p.empty() || p == "forward") edge.partition = partition_kind::forward;
    else if (p == "rebalance") edge.partition = partition_kind::rebalance;
    else if (p == "broadcast") edge.partition = partition_kind::broadcast;
    else if (p.rfind("hash:", 0) == 0 && p.size() > 5) {
      edge.partition = partition_kind::hash;
      edge.hash_field = p.substr(5);
    } else {
      edge_error(e, "unknown partition \"" + p
                      + "\" (use forward, rebalance, broadcast or hash:<field>)");
    }
  }

  // Nodes, ports, capacity, partition, duplicates.
  void check_edge(std::size_t e) {
    const auto& spec = out_.doc.edges[e];
    auto& edge = out_.edges[e];
    edge.capacity = spec.capacity;
    if (spec.capacity < 1)
      edge_error(e, "capacity must be at least 1, got " + std::to_string(spec.capacity));
    check_partition(e);

    auto from = find_node(e, spec.from.node);
    auto to = find_node(e, spec.to.node);
    if (from) edge.from_node = *from;
    if (to) edge.to_node = *to;

    // A port is checked when its node's kind is known; an edge naming a
    // wrong port is left out of the graph, so it causes no cycle report.
    std::optional<std::size_t> from_port, to_port;
    bool ports_fine = true;
    if (from && out_.nodes[*from].desc) {
      from_port = output_port(e, *from, spec.from.port);
      ports_fine = from_port.has_value();
    }
    if (to && out_.nodes[*to].desc) {
      to_port = input_port(e, *to, spec.to.port);
      if (!to_port) bad_input_edge_[*to] = true;
      ports_fine = ports_fine && to_port.has_value();
    }
    if (from && to && ports_fine) arcs_.emplace_back(*from, *to);
    if (from_port) edge.from_port = *from_port;
    if (to_port) {
      edge.to_port = *to_port;
      feeds_port_[e] = true;
    }
    if (!from_port || !to_port) return;

    auto key = std::make_tuple(*from, *from_port, *to, *to_port);
    auto [it, fresh] = seen_edges_.emplace(key, e);
    if (!fresh) {
      const auto& first = out_.doc.edges[it->second];
      edge_error(e, "duplicate edge (same ports as edges[" + std::to_string(it->second) + "] '"
                      + first.from.to_string() + " -> " + first.to.to_string() + "')");
      return;
    }
    edge_ok_[e] = true;
  }

  void order_nodes() {
    auto graph = order_graph(out_.doc.nodes.size(), arcs_);
    out_.order = std::move(graph.order);
    for (const auto& cycle : graph.cycles) {
      std::string path;
      for (auto v : cycle) path += out_.doc.nodes[v].id + " -> ";
      path += out_.doc.nodes[cycle.front()].id;
      node_error(cycle.front(), "is part of a cycle: " + path);
    }
  }

  void check_unconnected_inputs() {
    std::vector<std::vector<bool>> connected(out_.nodes.size());
    for (std::size_t i = 0; i < out_.nodes.size(); ++i)
      if (out_.nodes[i].desc) connected[i].assign(out_.nodes[i].desc->inputs.size(), false);
    for (std::size_t e = 0; e < out_.edges.size(); ++e)
      if (feeds_port_[e]) connected[out_.edges[e].to_node][out_.edges[e].to_port] = true;
    for (std::size_t i = 0; i < out_.nodes.size(); ++i) {
      if (!out_.nodes[i].desc || bad_input_edge_[i]) continue;
      for (std::size_t p = 0; p < connected[i].size(); ++p)
        if (!connected[i][p])
          node_error(i, "input port '" + out_.nodes[i].desc->inputs[p].name + "' is not connected");
    }
  }

  /// Gathers the input schemas of node `i` from its built upstream nodes;
  /// false if one is unknown or two edges into a port disagree.
  bool gather_inputs(std::size_t i) {
    auto& node = out_.nodes[i];
    std::vector<std::size_t> first_edge(node.input_schemas.size(), 0);
    bool ready = !bad_input_edge_[i];
    for (std::size_t e = 0; e < out_.edges.size(); ++e) {
      const auto& edge = out_.edges[e];
      if (!edge_ok_[e] || edge.to_node != i) continue;
      if (!built_[edge.from_node]) {
        ready = false;
        continue;
      }
      const auto& s = out_.nodes[edge.from_node].output_schemas[edge.from_port];
      auto& slot = node.input_schemas[edge.to_port];
      if (!slot) {
        slot = s;
        first_edge[edge.to_port] = e;
      } else if (*slot != *s) {
        const auto& first = out_.doc.edges[first_edge[edge.to_port]];
        edge_error(e, "its schema " + quoted_schema(s) + " differs from " + quoted_schema(slot)
                        + " on edge '" + first.from.to_string() + " -> " + first.to.to_string()
                        + "' into the same port '" + node.desc->inputs[edge.to_port].name + "'");
        ready = false;
      }
    }
    for (const auto& s : node.input_schemas) ready = ready && s != nullptr;
    return ready;
  }

  /// Binds node `i` once its inputs are known, which checks the params that
  /// need schemas and yields its output schemas. Never builds an operator.
  void bind_node(std::size_t i) {
    auto& node = out_.nodes[i];
    if (!node.desc || !params_[i] || !gather_inputs(i)) return;
    const auto& spec = out_.doc.nodes[i];
    if (!node.desc->bind) {
      node_error(i, "kind '" + spec.kind + "' has no bind function");
      return;
    }
    bind_context ctx;
    ctx.node_id = spec.id;
    ctx.parallelism = static_cast<std::size_t>(std::max<std::int64_t>(1, spec.parallelism));
    ctx.inputs = node.input_schemas;
    ctx.output_connected.assign(node.outputs.size(), false);
    for (const auto& edge : out_.edges)
      if (edge.from_node == i && edge.from_port < ctx.output_connected.size())
        ctx.output_connected[edge.from_port] = true;
    bound_ptr bound;
    try {
      bound = node.desc->bind(*params_[i], ctx);
    } catch (const param_error& err) {
      node_error(i, err.what(), err.param(), err.position());
      return;
    } catch (const std::exception& err) {
      node_error(i, std::string("cannot be bound: ") + err.what());
      return;
    }
    if (!bound) {
      node_error(i, "bind of kind '" + spec.kind + "' returned nothing");
      return;
    }
    auto outputs = bound->output_schemas();
    bool complete = outputs.size() == node.outputs.size()
                    && std::all_of(outputs.begin(), outputs.end(), [](const auto& s) { return s; });
    if (!complete) {
      node_error(i, "operator of kind '" + spec.kind + "' gave " + std::to_string(outputs.size())
                      + " output schemas for " + std::to_string(node.outputs.size())
                      + " output ports (or a null one)");
      return;
    }
    outputs.push_back(error_schema());
    node.output_schemas = std::move(outputs);
    node.bound = std::move(bound);
    built_[i] = true;
  }

  // Edge schemas and hash fields, where the upstream node was built.
  void type_edges() {
    for (std::size_t e = 0; e < out_.edges.size(); ++e) {
      auto& edge = out_.edges[e];
      if (!edge_ok_[e] || !built_[edge.from_node]) continue;
      edge.schema = out_.nodes[edge.from_node].output_schemas[edge.from_port];
      if (edge.partition != partition_kind::hash) continue;
      edge.hash_field_index = edge.schema->index_of(edge.hash_field);
      if (edge.hash_field_index < 0)
        edge_error(e, "partition \"hash:" + edge.hash_field + "\": no field '" + edge.hash_field
                        + "' in the edge's schema " + quoted_schema(edge.schema));
    }
  }

  checked_pipeline& out_;
  const registry& reg_;
  std::unordered_map<std::string, std::size_t> index_; ///< id -> first node with it
  std::vector<std::optional<params>> params_;          ///< per node, if they parsed
  std::vector<bool> built_;                            ///< per node: bound, outputs known
  std::vector<bool> bad_input_edge_;                   ///< per node: an edge into it names no port
  std::vector<bool> edge_ok_; ///< per edge: both ports resolved, not a duplicate
  /// per edge: its input port resolved, so that input counts as connected
  /// even when the upstream end is wrong (which is reported on its own)
  std::vector<bool> feeds_port_;
  std::vector<std::pair<std::size_t, std::size_t>> arcs_;
  /// (from node, from port, to node, to port) -> first edge with them
  std::map<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>, std::size_t> seen_edges_;
};

} // namespace

checked_pipeline check(pipeline_document doc, const registry& reg) {
  checked_pipeline out;
  out.doc = std::move(doc); // before any resolved_node::spec points into it
  checker(out, reg).run();
  return out;
}

} // namespace sluice::core::pipeline
