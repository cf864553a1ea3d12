#include "sluice/core/pipeline/document.hpp"

#include "sluice/core/json_text.hpp"
#include "sluice/core/time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

namespace sluice::core::pipeline {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string json_kind(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

std::string join(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

/// Rejects keys of `obj` outside `known`; `where` is the object's own place
/// ("" at the top level, "nodes[2]", ...).
void reject_unknown_keys(const json& obj, const std::string& where,
                         std::initializer_list<const char*> known) {
  for (const auto& item : obj.items()) {
    bool found = false;
    for (const char* k : known) found = found || item.key() == k;
    if (!found) {
      auto place = where.empty() ? item.key() : where + "." + item.key();
      throw document_error(place, std::string(item.key().empty() ? "unknown key \"\" (an empty "
                                                                   "name)"
                                                                 : "unknown key")
                                    + " (known: " + join(known) + ")");
    }
  }
}

std::string get_string(const json& obj, const char* key, const std::string& where, bool required,
                       std::string fallback = {}) {
  auto place = where.empty() ? std::string(key) : where + "." + key;
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) throw document_error(place, "missing");
    return fallback;
  }
  if (!it->is_string()) throw document_error(place, "must be a string, got " + json_kind(*it));
  return it->get<std::string>();
}

std::int64_t get_integer(const json& obj, const char* key, const std::string& where,
                         std::int64_t fallback) {
  auto place = where + "." + key;
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_number_integer())
    throw document_error(place, "must be an integer, got " + json_kind(*it));
  if (it->is_number_unsigned()
      && it->get<std::uint64_t>()
           > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw document_error(place, "is too large");
  return it->get<std::int64_t>();
}

const json* get_array(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return nullptr;
  if (!it->is_array()) throw document_error(key, "must be an array, got " + json_kind(*it));
  return &*it;
}

node_spec node_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw document_error(where, "must be an object, got " + json_kind(j));
  reject_unknown_keys(j, where, {"id", "kind", "params", "parallelism", "on_error"});
  node_spec n;
  n.id = get_string(j, "id", where, true);
  n.kind = get_string(j, "kind", where, true);
  if (auto it = j.find("params"); it != j.end()) {
    if (!it->is_object())
      throw document_error(where + ".params", "must be an object, got " + json_kind(*it));
    n.params = *it;
  }
  n.parallelism = get_integer(j, "parallelism", where, 1);
  n.on_error = get_string(j, "on_error", where, false);
  return n;
}

edge_spec edge_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw document_error(where, "must be an object, got " + json_kind(j));
  reject_unknown_keys(j, where, {"from", "to", "capacity", "partition"});
  edge_spec e;
  e.from = endpoint::parse(get_string(j, "from", where, true));
  e.to = endpoint::parse(get_string(j, "to", where, true));
  if (e.from.node.empty()) throw document_error(where + ".from", "names no node");
  if (e.to.node.empty()) throw document_error(where + ".to", "names no node");
  e.capacity = get_integer(j, "capacity", where, default_edge_capacity);
  e.partition = get_string(j, "partition", where, false);
  return e;
}

json layout_from_json(const json& j) {
  if (!j.is_object()) throw document_error("layout", "must be an object, got " + json_kind(j));
  for (const auto& [id, pos] : j.items()) {
    auto place = "layout." + id;
    if (!pos.is_object())
      throw document_error(place, "must be an object {x, y}, got " + json_kind(pos));
    for (const char* axis : {"x", "y"})
      if (auto it = pos.find(axis); it != pos.end() && !it->is_number())
        throw document_error(place + "." + axis, "must be a number, got " + json_kind(*it));
  }
  return j;
}

std::int64_t duration_in(const json& j, const char* key, const std::string& where,
                         std::int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  auto place = where + "." + key;
  if (!it->is_string())
    throw document_error(place, "must be a duration such as \"10s\", got " + json_kind(*it));
  auto d = parse_duration(it->get<std::string>());
  if (!d || *d <= 0)
    throw document_error(place, "must be a positive duration such as \"500ms\", \"10s\" or "
                                "\"1m\", got \""
                                  + it->get<std::string>() + "\"");
  return *d;
}

checkpoint_spec checkpoint_from_json(const json& j) {
  if (!j.is_object())
    throw document_error("checkpoint", "must be an object {dir, interval}, got " + json_kind(j));
  reject_unknown_keys(j, "checkpoint", {"dir", "interval"});
  checkpoint_spec c;
  c.dir = get_string(j, "dir", "checkpoint", true);
  if (c.dir.empty()) throw document_error("checkpoint.dir", "must not be empty");
  c.interval_us = duration_in(j, "interval", "checkpoint", 0);
  if (c.interval_us) c.interval_text = j.at("interval").get<std::string>();
  return c;
}

restart_spec restart_from_json(const json& j) {
  if (!j.is_object())
    throw document_error("restart", "must be an object {strategy, delay, max_delay, attempts}, "
                                    "got "
                                      + json_kind(j));
  reject_unknown_keys(j, "restart", {"strategy", "delay", "max_delay", "attempts"});
  restart_spec r;
  r.written = j;
  r.strategy = get_string(j, "strategy", "restart", false);
  if (r.strategy.empty()) r.strategy = "fixed-delay";
  if (r.strategy != "none" && r.strategy != "fixed-delay" && r.strategy != "exponential")
    throw document_error("restart.strategy",
                         "must be none, fixed-delay or exponential, got \"" + r.strategy + "\"");
  r.delay_us = duration_in(j, "delay", "restart", r.delay_us);
  r.max_delay_us = duration_in(j, "max_delay", "restart", r.max_delay_us);
  if (r.max_delay_us < r.delay_us)
    throw document_error("restart.max_delay", "must not be shorter than restart.delay");
  auto attempts = get_integer(j, "attempts", "restart", r.attempts);
  if (attempts < 0 || attempts > 1000000)
    throw document_error("restart.attempts",
                         "must be 0 to 1000000, got " + std::to_string(attempts));
  r.attempts = static_cast<int>(attempts);
  return r;
}

} // namespace

endpoint endpoint::parse(const std::string& text) {
  auto dot = text.find('.');
  if (dot == std::string::npos) return {text, {}};
  return {text.substr(0, dot), text.substr(dot + 1)};
}

pipeline_document pipeline_document::from_json(const nlohmann::json& j) {
  if (!j.is_object())
    throw document_error("", "a pipeline must be a JSON object, got " + json_kind(j));
  reject_unknown_keys(
    j, "",
    {"schemaVersion", "name", "description", "nodes", "edges", "layout", "checkpoint", "restart"});

  pipeline_document doc;
  auto version = j.find("schemaVersion");
  if (version == j.end()) throw document_error("schemaVersion", "missing");
  if (!version->is_number_integer())
    throw document_error("schemaVersion", "must be an integer, got " + json_kind(*version));
  if (*version != current_schema_version)
    throw document_error("schemaVersion", "unsupported version " + version->dump()
                                            + " (this build reads version "
                                            + std::to_string(current_schema_version) + ")");
  doc.schema_version = current_schema_version;
  doc.name = get_string(j, "name", "", false);
  doc.description = get_string(j, "description", "", false);

  const json* nodes = get_array(j, "nodes");
  if (!nodes) throw document_error("nodes", "missing");
  for (std::size_t i = 0; i < nodes->size(); ++i)
    doc.nodes.push_back(node_from_json((*nodes)[i], "nodes[" + std::to_string(i) + "]"));

  if (const json* edges = get_array(j, "edges"))
    for (std::size_t i = 0; i < edges->size(); ++i)
      doc.edges.push_back(edge_from_json((*edges)[i], "edges[" + std::to_string(i) + "]"));

  if (auto it = j.find("checkpoint"); it != j.end()) doc.checkpoint = checkpoint_from_json(*it);
  if (auto it = j.find("restart"); it != j.end()) doc.restart = restart_from_json(*it);
  if (auto it = j.find("layout"); it != j.end()) doc.layout = layout_from_json(*it);
  return doc;
}

pipeline_document pipeline_document::parse(const std::string& text) {
  json j;
  try {
    j = parse_json_text(text);
  } catch (const json_text_error& e) {
    throw document_error(
      "line " + std::to_string(e.line()) + ", column " + std::to_string(e.column()), e.reason());
  }
  return from_json(j);
}

pipeline_document pipeline_document::load(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(file, ec);
  if (!ec && fs::is_directory(status))
    throw document_error(file.string(), "is a directory, not a pipeline file");
  if (!ec && fs::exists(status) && !fs::is_regular_file(status))
    throw document_error(file.string(), "is not a regular file (a FIFO, socket or device); a "
                                        "pipeline file is read whole, so it must be a file");
  if (!ec && fs::is_regular_file(status)) {
    auto size = fs::file_size(file, ec);
    if (!ec && size > max_file_bytes)
      throw document_error(file.string(), "is " + std::to_string(size) + " bytes; a pipeline file "
                                            + "may have at most " + std::to_string(max_file_bytes)
                                            + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw document_error(file.string(), std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

nlohmann::ordered_json pipeline_document::to_json() const {
  ordered_json out;
  out["schemaVersion"] = schema_version;
  out["name"] = name;
  out["description"] = description;

  auto nodes_json = ordered_json::array();
  for (const auto& n : nodes) {
    ordered_json j;
    j["id"] = n.id;
    j["kind"] = n.kind;
    // nlohmann::json keeps object keys sorted; the conversion keeps that order.
    j["params"] = ordered_json(n.params.is_null() ? json::object() : n.params);
    if (n.parallelism != 1) j["parallelism"] = n.parallelism;
    if (!n.on_error.empty()) j["on_error"] = n.on_error;
    nodes_json.push_back(std::move(j));
  }
  out["nodes"] = std::move(nodes_json);

  auto edges_json = ordered_json::array();
  for (const auto& e : edges) {
    ordered_json j;
    j["from"] = e.from.to_string();
    j["to"] = e.to.to_string();
    if (e.capacity != default_edge_capacity) j["capacity"] = e.capacity;
    if (!e.partition.empty()) j["partition"] = e.partition;
    edges_json.push_back(std::move(j));
  }
  out["edges"] = std::move(edges_json);

  if (!checkpoint.dir.empty()) {
    ordered_json c;
    c["dir"] = checkpoint.dir;
    if (!checkpoint.interval_text.empty()) c["interval"] = checkpoint.interval_text;
    out["checkpoint"] = std::move(c);
  }
  if (!restart.written.is_null()) out["restart"] = ordered_json(restart.written);
  if (layout.is_object() && !layout.empty()) out["layout"] = ordered_json(layout);
  return out;
}

std::string pipeline_document::dump() const { return to_json().dump(2) + "\n"; }

void pipeline_document::save(const std::filesystem::path& file) const {
  auto text = dump();
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  auto fail = [&] {
    throw document_error(file.string(), std::string("cannot write: ") + std::strerror(errno));
  };
  if (!out) fail();
  out << text;
  out.flush();
  if (!out) fail();
}

const node_spec* pipeline_document::find_node(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

node_spec* pipeline_document::find_node(const std::string& id) {
  for (auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

} // namespace sluice::core::pipeline
