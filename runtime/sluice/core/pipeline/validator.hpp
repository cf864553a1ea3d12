#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/pipeline/document.hpp"
#include "sluice/core/registry.hpp"

namespace sluice::core::pipeline {

/// One problem in a pipeline, named by place: the node (and param, and the
/// 1-based column inside an expression), or the edge.
struct diagnostic {
  std::string node;         ///< node id, or "" for document-level problems
  std::string param;        ///< param name, or ""
  std::size_t position = 0; ///< column inside the param's expression, or 0
  std::string edge;         ///< "a -> b.port" for edge problems, or ""
  std::string message;

  /// "node 'f': param 'where' at column 7: unknown field 'pricee'",
  /// "edge 'gen -> nope': unknown node 'nope'", or the bare message.
  std::string to_string() const;
};

enum class partition_kind { forward, rebalance, broadcast, hash };

struct resolved_edge {
  std::size_t from_node = 0; ///< index into checked_pipeline::nodes
  std::size_t from_port = 0; ///< output index; == outputs.size() for "errors"
  std::size_t to_node = 0;
  std::size_t to_port = 0; ///< input index
  std::int64_t capacity = default_edge_capacity;
  partition_kind partition = partition_kind::forward;
  std::string hash_field;    ///< for partition_kind::hash
  int hash_field_index = -1; ///< its index in the edge's schema
  schema_ptr schema;         ///< of the records on this edge
};

struct resolved_node {
  const node_spec* spec = nullptr;
  const descriptor* desc = nullptr;
  /// The data output ports of this node: desc->outputs, or for kinds with
  /// dynamic outputs the ports its params name. `errors` comes after them.
  std::vector<port_spec> outputs;
  std::vector<schema_ptr> input_schemas;  ///< per input port; null if unconnected
  std::vector<schema_ptr> output_schemas; ///< per output port, then the errors port
  /// The node's bound config (null if it could not be bound): the planner
  /// creates every instance from it.
  bound_ptr bound;
};

/// A document with every kind, param, port, edge and schema checked.
/// When `errors` is empty, `nodes` and `edges` are complete and `order` is a
/// topological order (sources first) that the planner can use directly.
struct checked_pipeline {
  pipeline_document doc;
  std::vector<resolved_node> nodes; ///< same order as doc.nodes
  std::vector<resolved_edge> edges; ///< same order as doc.edges
  std::vector<std::size_t> order;
  std::vector<diagnostic> errors;

  checked_pipeline() = default;
  /// A copy re-points every `resolved_node::spec` into its own `doc`; a move
  /// keeps them valid (the node buffer moves along).
  checked_pipeline(const checked_pipeline& other);
  checked_pipeline& operator=(const checked_pipeline& other);
  checked_pipeline(checked_pipeline&&) = default;
  checked_pipeline& operator=(checked_pipeline&&) = default;

  bool ok() const { return errors.empty(); }
};

/// The most instances one node may have. Each instance is an actor with its
/// own operator and, on an edge that is not `forward`, a channel to every
/// downstream instance: past a few hundred that costs more than any machine
/// this runs on has cores to give back.
inline constexpr std::int64_t max_parallelism = 256;

/// Checks everything `sluice validate` reports, collecting every error it
/// can find (not just the first): unknown kind, missing/unknown/ill-typed
/// param, bad expression (with position), dangling or duplicate edge,
/// nonexistent port, unconnected input, cycle, schema mismatch, bad
/// parallelism/capacity/partition/on_error. The editor calls this too.
checked_pipeline check(pipeline_document doc, const registry& reg);

} // namespace sluice::core::pipeline
