#include "sluice/ops/join/join_spec.hpp"

#include <set>

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::join {

namespace {

using core::param_error;

std::string field_list(const core::schema& s) {
  std::string out;
  for (const auto& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "none" : out;
}

std::size_t field_of(const core::schema& s, const std::string& name, const char* side,
                     const std::string& param) {
  int i = s.index_of(name);
  if (i < 0)
    throw param_error(param, std::string("unknown ") + side + " field '" + name
                               + "' (fields: " + field_list(s) + ")");
  return static_cast<std::size_t>(i);
}

std::size_t timestamp_of(const core::params& p, const core::schema& s, const char* side,
                         const std::string& param) {
  auto name = p.string(param);
  auto i = field_of(s, name, side, param);
  if (s.at(i).type != core::value_type::timestamp)
    throw param_error(param, std::string(side) + " field '" + name + "' is "
                               + std::string(core::name_of(s.at(i).type)) + ", not a timestamp");
  return i;
}

void resolve_keys(const nlohmann::json& on, join_spec& spec) {
  if (!on.is_array() || on.empty())
    throw param_error("on", "must be a non-empty list of field names or [left, right] pairs");
  for (const auto& e : on) {
    std::string l, r;
    if (e.is_string()) {
      l = r = e.get<std::string>();
    } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
      l = e[0].get<std::string>();
      r = e[1].get<std::string>();
    } else {
      throw param_error("on", "each entry must be a field name or a [left_field, right_field] "
                              "pair, got "
                                + e.dump());
    }
    auto li = field_of(*spec.left, l, "left", "on");
    auto ri = field_of(*spec.right, r, "right", "on");
    auto lt = spec.left->at(li).type, rt = spec.right->at(ri).type;
    if (lt != rt)
      throw param_error("on", "left field '" + l + "' is " + std::string(core::name_of(lt))
                                + " but right field '" + r + "' is "
                                + std::string(core::name_of(rt)));
    spec.left_keys.push_back(li);
    spec.right_keys.push_back(ri);
  }
}

} // namespace

std::vector<core::property_spec> join_properties() {
  using core::param_type;
  return {
    prop("on", param_type::json,
         "equality keys: a list of field names present on both sides, or of "
         "[\"left_field\", \"right_field\"] pairs; the paired fields must have the same type")
      .required()
      .shapes_state(),
    prop("left_timestamp", param_type::field, "the event-time field of the left input")
      .def("ts")
      .shapes_state(),
    prop("right_timestamp", param_type::field, "the event-time field of the right input")
      .def("ts")
      .input(1)
      .shapes_state(),
    prop("max_out_of_order", param_type::duration,
         "how far behind the newest event time a record may arrive and still join")
      .def("0s"),
    prop("idle_timeout", param_type::duration,
         "an input channel silent this long stops holding event time back (\"0s\" = never)")
      .def("0s"),
  };
}

std::vector<core::port_spec> join_inputs() {
  return {{"left", "records with the left event-time field and keys"},
          {"right", "records with the right event-time field and keys"}};
}

join_spec make_join_spec(const core::params& p, const core::bind_context& ctx) {
  join_spec spec;
  spec.left = input_schema(ctx, 0, "left");
  spec.right = input_schema(ctx, 1, "right");
  resolve_keys(p.json("on"), spec);
  spec.left_ts = timestamp_of(p, *spec.left, "left", "left_timestamp");
  spec.right_ts = timestamp_of(p, *spec.right, "right", "right_timestamp");
  spec.max_out_of_order = p.duration("max_out_of_order");
  spec.idle_timeout = p.duration("idle_timeout");
  spec.output = joined_schema(*spec.left, *spec.right);
  return spec;
}

core::schema_ptr joined_schema(const core::schema& left, const core::schema& right) {
  std::vector<core::field> fields;
  fields.reserve(left.size() + right.size());
  for (const auto& f : left.fields())
    fields.push_back({right.index_of(f.name) < 0 ? f.name : "left_" + f.name, f.type});
  for (const auto& f : right.fields())
    fields.push_back({left.index_of(f.name) < 0 ? f.name : "right_" + f.name, f.type});
  std::set<std::string> seen;
  for (const auto& f : fields)
    if (!seen.insert(f.name).second)
      throw param_error("", "the joined output would have the field '" + f.name
                              + "' twice; rename a field upstream");
  return core::make_schema(std::move(fields));
}

} // namespace sluice::ops::join
