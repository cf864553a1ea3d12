#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/operator.hpp"

namespace sluice::core {

class params;

/// The type of a property, as the validator checks it and the editor edits it.
enum class param_type {
  integer,        ///< JSON integer
  number,         ///< JSON number
  boolean,        ///< JSON bool
  string,         ///< JSON string
  choice,         ///< JSON string, one of `choices`
  duration,       ///< "10s", "500ms", "1m" (see parse_duration)
  timestamp,      ///< ISO-8601 string
  expression,     ///< expression string, checked against the input schema
  expression_map, ///< object: field name -> expression string
  string_list,    ///< array of strings
  path,           ///< file path string
  json,           ///< any JSON; the operator checks it
  field,          ///< string naming a field of the input (`property_spec::input`)
  field_list,     ///< array of strings, each naming a field of the input
  aggregate_list, ///< array of {"fn", "field", "as", ...} (windows); the operator checks fn
  secret,         ///< string never shown in full: catalog, messages and editor mask it
};

/// "integer", "number", ... as printed in the catalog.
std::string_view name_of(param_type t);

struct property_spec {
  std::string name;
  param_type type = param_type::string;
  std::string help;
  /// Used when the property is absent; null with `required` false means
  /// "absent is allowed and stays absent".
  nlohmann::json default_value = nullptr;
  bool required = false;
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> choices;
  /// field, field_list, aggregate_list: the input port whose schema holds
  /// the fields named (a join's right_timestamp names a field of `right`).
  /// Whether they exist is checked by the operator, against that schema.
  std::size_t input = 0;
  /// The param shapes the operator's state (a window's size, key fields and
  /// aggregates, a join's condition, a source's file or sequence): state
  /// taken with one value cannot be restored into an instance bound with
  /// another, so a resume with a changed value needs the node's state reset
  /// (checkpoint::plan_resume). Params that only change what happens next
  /// (lateness, rates, error policy) leave it false.
  bool shapes_state = false;
};

struct port_spec {
  std::string name;
  std::string help;
};

/// What bind returns: the node's immutable configuration (params checked,
/// expressions compiled, fields resolved) and its output schemas. Shared by
/// every instance of the node; create() may be called any number of times,
/// from any thread.
class bound_operator {
public:
  explicit bound_operator(std::vector<schema_ptr> outputs) : outputs_(std::move(outputs)) {}
  virtual ~bound_operator() = default;

  /// One schema per data output port, in port order (without `errors`).
  const std::vector<schema_ptr>& output_schemas() const { return outputs_; }
  /// A fresh running instance (not yet opened).
  virtual operator_ptr create(const operator_context& ctx) const = 0;

private:
  std::vector<schema_ptr> outputs_;
};

using bound_ptr = std::shared_ptr<const bound_operator>;

/// Checks params against the input schemas and returns the bound config;
/// throws param_error naming the property that is wrong (including
/// expression type errors). Pure: no I/O (see operator.hpp).
using bind_fn = std::function<bound_ptr(const params&, const bind_context&)>;

/// Everything the catalog, the validator, the runtime and the editor know of
/// an operator kind. `kind` is the string in pipeline files: stable forever.
struct descriptor {
  std::string kind;
  std::string category; ///< "source", "transform", "window", "sink", ...
  std::string summary;  ///< one line
  std::vector<port_spec> inputs;
  std::vector<port_spec> outputs; ///< without the implicit `errors` port
  std::vector<property_spec> properties;
  bind_fn bind;
  /// The operator blocks on I/O (files, sockets, database clients) in its
  /// callbacks: the runtime gives each instance its own thread instead of a
  /// slot on the cooperative scheduler.
  bool blocking_io = false;
  /// Output ports named by params (transform.route). When true, a node's data
  /// output ports are `output_names(params)` (the node's params as written in
  /// the pipeline file), in that order, instead of `outputs`, which then only
  /// documents the fixed ones for the catalog. `output_names` never throws:
  /// on bad params it returns what it can and bind reports the error.
  /// The operator's output_schemas() and the context's output_connected
  /// follow the same order.
  bool dynamic_outputs = false;
  std::function<std::vector<std::string>(const nlohmann::json& params)> output_names;

  /// The data output ports of a node with `params`: `outputs`, or the
  /// dynamic ones (help taken from `outputs` where a name matches).
  std::vector<port_spec> outputs_for(const nlohmann::json& params) const {
    if (!dynamic_outputs || !output_names) return outputs;
    std::vector<port_spec> out;
    for (auto& name : output_names(params)) {
      port_spec p{name, {}};
      for (const auto& fixed : outputs)
        if (fixed.name == name) p.help = fixed.help;
      out.push_back(std::move(p));
    }
    return out;
  }

  bool is_source() const { return inputs.empty(); }
  bool is_sink() const { return outputs.empty(); }
  const property_spec* property(std::string_view name) const;
  /// Index of an input/output port by name, or -1. "errors" is the output
  /// index outputs.size().
  int input_index(std::string_view name) const;
  int output_index(std::string_view name) const;
};

/// The name of the output port every node has for records it could not handle.
constexpr const char* errors_port = "errors";

/// Shown instead of the value of a `secret` param wherever params are
/// printed or served.
constexpr const char* secret_mask = "********";

/// `params` (a node's params as written) with the value of every param
/// that `d` declares `secret` replaced by secret_mask.
nlohmann::json mask_secrets(const descriptor& d, const nlohmann::json& params);

} // namespace sluice::core
