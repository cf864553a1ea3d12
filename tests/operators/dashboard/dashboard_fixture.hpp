#pragma once

// What the dashboard tests share: sinks built as the planner builds them,
// and readings to feed them.

#include <string>

#include "../free_port.hpp"
#include "../harness.hpp"

namespace sluice::test {

inline const core::schema_ptr& dashboard_readings() {
  static const core::schema_ptr s = core::make_schema({{"ts", core::value_type::timestamp},
                                                       {"device", core::value_type::string},
                                                       {"temp", core::value_type::float64},
                                                       {"n", core::value_type::int64}});
  return s;
}

/// One reading: at `seconds` past 2026-01-01, device, temp, n.
inline core::batch_ptr reading(int seconds, const std::string& device, double temp, int n) {
  core::batch_builder b(dashboard_readings());
  b.column_at(0).append_int((1767225600LL + seconds) * 1000000);
  b.column_at(1).append_string(device);
  b.column_at(2).append_double(temp);
  b.column_at(3).append_int(n);
  return b.finish();
}

/// A sink.dashboard of node `id`, opened (it serves from now on).
inline core::operator_ptr open_dashboard(const std::string& id, nlohmann::json params) {
  core::operator_context ctx;
  ctx.node_id = id;
  ctx.inputs = {dashboard_readings()};
  auto op = make_operator("sink.dashboard", params, ctx);
  op->open();
  return op;
}

inline void feed(core::operator_base& op, const core::batch_ptr& b) {
  recording_emitter out;
  op.on_batch_from(0, 0, b, out);
}

inline void end_stream(core::operator_base& op) {
  recording_emitter out;
  op.on_end_of_stream(out);
}

} // namespace sluice::test
