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
  /// The param shapes the operator's state (core::property_spec::shapes_state).
  prop& shapes_state() {
    spec_.shapes_state = true;
    return *this;
  }
  operator core::property_spec() const { return spec_; }

private:
  core::property_spec spec_;
};

/// A bound config whose create() calls `make(ctx)`. `make` is the config:
/// it captures, by value, everything bind checked and compiled, and builds
/// an instance from it (copying what each instance must own).
template <class Make>
class bound_by final : public core::bound_operator {
public:
  bound_by(std::vector<core::schema_ptr> outputs, Make make)
    : core::bound_operator(std::move(outputs)), make_(std::move(make)) {}
  core::operator_ptr create(const core::operator_context& ctx) const override { return make_(ctx); }

private:
  const Make make_;
};

/// What bind returns: `outputs` (one schema per data output port) and the
/// instance maker, e.g.
///   return bound({input}, [where, input](const core::operator_context&) {
///     return std::make_unique<filter>(where, input);
///   });
template <class Make>
core::bound_ptr bound(std::vector<core::schema_ptr> outputs, Make make) {
  return std::make_shared<const bound_by<Make>>(std::move(outputs), std::move(make));
}

/// The schema on input port `port` of the node being bound. Throws
/// param_error (param "") when the port is not connected: operators that
/// compute their output from the input cannot be bound without it.
inline const core::schema_ptr& input_schema(const core::bind_context& ctx, std::size_t port,
                                            const std::string& port_name) {
  if (port >= ctx.inputs.size() || !ctx.inputs[port])
    throw core::param_error("", "input port '" + port_name + "' is not connected");
  return ctx.inputs[port];
}

} // namespace sluice::ops
