#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/errors.hpp"

namespace sluice::ops {

/// Builds a property_spec in one expression:
///   prop("count", param_type::integer, "records to emit").def(1000000).min(0)
class prop {
public:
  prop(std::string name, core::param_type type, std::string help) {
    spec_.name = std::move(name);
    spec_.type = type;
    spec_.help = std::move(help);
  }
  prop& def(nlohmann::json v) {
    spec_.default_value = std::move(v);
    return *this;
  }
  prop& required() {
    spec_.required = true;
    return *this;
  }
  prop& min(double v) {
    spec_.min = v;
    return *this;
  }
  prop& max(double v) {
    spec_.max = v;
    return *this;
  }
  prop& choices(std::vector<std::string> c) {
    spec_.choices = std::move(c);
    return *this;
  }
  /// field, field_list, aggregate_list: the fields are of input port `port`.
  prop& input(std::size_t port) {
    spec_.input = port;
    return *this;
  }
  operator core::property_spec() const { return spec_; }

private:
  core::property_spec spec_;
};

/// The schema on input port `port` of the instance being built. Throws
/// param_error (param "") when the port is not connected: operators that
/// compute their output from the input cannot be built without it.
inline const core::schema_ptr& input_schema(const core::operator_context& ctx, std::size_t port,
                                            const std::string& port_name) {
  if (port >= ctx.inputs.size() || !ctx.inputs[port])
    throw core::param_error("", "input port '" + port_name + "' is not connected");
  return ctx.inputs[port];
}

} // namespace sluice::ops
