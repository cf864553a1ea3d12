#pragma once

#include <vector>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/schema.hpp"
#include "sluice/core/time.hpp"

namespace sluice::ops::join {

/// What both joins share, resolved against the two input schemas.
struct join_spec {
  core::schema_ptr left;               ///< input port 0
  core::schema_ptr right;              ///< input port 1
  core::schema_ptr output;             ///< see joined_schema
  std::vector<std::size_t> left_keys;  ///< key columns, in `on` order
  std::vector<std::size_t> right_keys; ///< same length, same types
  std::size_t left_ts = 0;             ///< event-time column of each side
  std::size_t right_ts = 0;
  core::duration_us max_out_of_order = 0;
  core::duration_us idle_timeout = 0; ///< 0 = off
};

/// The properties both joins take: on, left_timestamp, right_timestamp,
/// max_out_of_order, idle_timeout.
std::vector<core::property_spec> join_properties();

/// The two input ports, `left` and `right`.
std::vector<core::port_spec> join_inputs();

/// Checks the shared params against the connected inputs; throws
/// param_error naming the param (`on` for an unknown field or a type
/// mismatch).
join_spec make_join_spec(const core::params& p, const core::bind_context& ctx);

/// The left fields, then the right fields. A name found on both sides is
/// prefixed on both: `left_<name>` and `right_<name>`. Throws param_error
/// (param "") if that still leaves a name twice.
core::schema_ptr joined_schema(const core::schema& left, const core::schema& right);

} // namespace sluice::ops::join
