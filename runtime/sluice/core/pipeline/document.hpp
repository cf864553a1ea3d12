#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::core::pipeline {

/// "node" or "node.port"; an empty port means the node's single/default port.
struct endpoint {
  std::string node;
  std::string port;
  std::string to_string() const { return port.empty() ? node : node + "." + port; }
  static endpoint parse(const std::string& text);
  friend bool operator==(const endpoint& a, const endpoint& b) {
    return a.node == b.node && a.port == b.port;
  }
};

constexpr std::int64_t default_edge_capacity = 8192;

struct edge_spec {
  endpoint from;
  endpoint to;
  std::int64_t capacity = default_edge_capacity; ///< records in flight, at most
  std::string partition; ///< "", "forward", "rebalance", "broadcast", "hash:<field>"
};

struct node_spec {
  std::string id;
  std::string kind;
  nlohmann::json params = nlohmann::json::object();
  std::int64_t parallelism = 1;
  std::string on_error; ///< "", "fail", "skip", "dead_letter" ("" = dead_letter)
};

/// Thrown by `pipeline_document::from_json` when the file's structure is
/// wrong (not an object, missing "nodes", unknown schemaVersion, a node
/// without an id, ...). `where` names the place: "nodes[2].kind", "edges[0]".
class document_error : public std::runtime_error {
public:
  document_error(std::string where, const std::string& message)
    : std::runtime_error(where.empty() ? message : where + ": " + message),
      where_(std::move(where)) {}
  const std::string& where() const { return where_; }

private:
  std::string where_;
};

/// `"checkpoint": {"dir": ..., "interval": "10s"}`: where and how often a run
/// takes checkpoints (docs/ARCHITECTURE.md §10). The command line wins.
struct checkpoint_spec {
  std::string dir;              ///< "" = no checkpoints
  std::int64_t interval_us = 0; ///< 0 = the default (10 s)
  std::string interval_text;    ///< as written, kept for saving
};

/// `"restart": {...}`: what a run does when an operator fails at run time.
struct restart_spec {
  std::string strategy = "none"; ///< none | fixed-delay | exponential
  std::int64_t delay_us = 1000000;
  std::int64_t max_delay_us = 60000000;
  int attempts = 10;
  nlohmann::json written; ///< the object as written (null: absent), kept for saving
};

/// A pipeline file, schema version 1 (docs/ARCHITECTURE.md §6), kept as written: the
/// document knows nothing of operator kinds; `check` (validator.hpp) does.
/// Saving is pretty-printed with a stable key order, so load + save of a
/// saved file is byte-identical and files diff well in git.
class pipeline_document {
public:
  static constexpr int current_schema_version = 1;

  int schema_version = current_schema_version;
  std::string name;
  std::string description;
  std::vector<node_spec> nodes;
  std::vector<edge_spec> edges;
  checkpoint_spec checkpoint;
  restart_spec restart;
  /// node id -> {"x": number, "y": number}; cosmetic, kept apart from meaning.
  nlohmann::json layout = nlohmann::json::object();

  /// Throws document_error.
  static pipeline_document from_json(const nlohmann::json& j);
  /// Parses text; a JSON syntax error becomes a document_error with line and column.
  static pipeline_document parse(const std::string& text);
  /// The largest pipeline file `load` reads (16 MiB; real ones are a few KB).
  static constexpr std::uintmax_t max_file_bytes = 16u << 20;

  /// Reads and parses a file; a missing file, a directory, a FIFO or other
  /// special file, and a file over max_file_bytes are document_errors too.
  static pipeline_document load(const std::filesystem::path& file);

  nlohmann::ordered_json to_json() const;
  /// Pretty-printed (2 spaces) with a final newline.
  std::string dump() const;
  void save(const std::filesystem::path& file) const;

  const node_spec* find_node(const std::string& id) const;
  node_spec* find_node(const std::string& id);
};

} // namespace sluice::core::pipeline
