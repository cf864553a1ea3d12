#include "sluice/core/descriptor.hpp"

#include "sluice/core/secrets.hpp"

namespace sluice::core {

std::string_view name_of(param_type t) {
  switch (t) {
    case param_type::integer: return "integer";
    case param_type::number: return "number";
    case param_type::boolean: return "boolean";
    case param_type::string: return "string";
    case param_type::choice: return "choice";
    case param_type::duration: return "duration";
    case param_type::timestamp: return "timestamp";
    case param_type::expression: return "expression";
    case param_type::expression_map: return "expression_map";
    case param_type::string_list: return "string_list";
    case param_type::path: return "path";
    case param_type::json: return "json";
    case param_type::field: return "field";
    case param_type::field_list: return "field_list";
    case param_type::aggregate_list: return "aggregate_list";
    case param_type::secret: return "secret";
  }
  return "?";
}

const property_spec* descriptor::property(std::string_view name) const {
  for (const auto& p : properties)
    if (p.name == name) return &p;
  return nullptr;
}

int descriptor::input_index(std::string_view name) const {
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].name == name) return static_cast<int>(i);
  return -1;
}

int descriptor::output_index(std::string_view name) const {
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].name == name) return static_cast<int>(i);
  if (name == errors_port) return static_cast<int>(outputs.size());
  return -1;
}

nlohmann::json mask_secrets(const descriptor& d, const nlohmann::json& params) {
  nlohmann::json out = params;
  if (!out.is_object()) return out;
  for (const auto& p : d.properties)
    // A reference ({"env": ...}, {"file": ...}) names where the secret is,
    // not the secret: shown as it is, so a user sees which one is used.
    if (p.type == param_type::secret && out.contains(p.name) && !is_secret_reference(out[p.name]))
      out[p.name] = secret_mask;
  return out;
}

} // namespace sluice::core
