#include "sluice/core/registry.hpp"

#include <stdexcept>

namespace sluice::core {

void registry::add(descriptor d) {
  if (find(d.kind)) throw std::logic_error("operator kind registered twice: " + d.kind);
  descriptors_.push_back(std::move(d));
}

const descriptor* registry::find(std::string_view kind) const {
  for (const auto& d : descriptors_)
    if (d.kind == kind) return &d;
  return nullptr;
}

nlohmann::json registry::catalog() const {
  auto ports = [](const std::vector<port_spec>& ps) {
    auto out = nlohmann::json::array();
    for (const auto& p : ps) out.push_back({{"name", p.name}, {"help", p.help}});
    return out;
  };
  auto out = nlohmann::json::array();
  for (const auto& d : descriptors_) {
    auto props = nlohmann::json::array();
    for (const auto& p : d.properties) {
      nlohmann::json j{
        {"name", p.name}, {"type", name_of(p.type)}, {"help", p.help}, {"required", p.required}};
      if (!p.default_value.is_null())
        j["default"] = p.type == param_type::secret ? nlohmann::json(secret_mask) : p.default_value;
      if (p.input != 0 && p.input < d.inputs.size()) j["input"] = d.inputs[p.input].name;
      if (p.min) j["min"] = *p.min;
      if (p.max) j["max"] = *p.max;
      if (!p.choices.empty()) j["choices"] = p.choices;
      j["shapes_state"] = p.shapes_state;
      props.push_back(std::move(j));
    }
    auto outputs = ports(d.outputs);
    outputs.push_back(
      {{"name", errors_port}, {"help", "records this node could not handle, with the reason"}});
    out.push_back({{"kind", d.kind},
                   {"category", d.category},
                   {"summary", d.summary},
                   {"inputs", ports(d.inputs)},
                   {"outputs", std::move(outputs)},
                   {"dynamic_outputs", d.dynamic_outputs},
                   {"properties", std::move(props)}});
  }
  return out;
}

} // namespace sluice::core
