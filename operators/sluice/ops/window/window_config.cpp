#include "sluice/ops/window/window_config.hpp"

#include <numeric>
#include <set>

#include "sluice/core/errors.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::window {

namespace {

using core::param_error;
using core::param_type;

std::string field_list(const core::schema& s) {
  std::string out;
  for (const auto& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

/// A `size`/`slide` value: a duration string (time) or an integer (records).
struct extent {
  std::int64_t value = 0;
  bool records = false;
};

extent parse_extent(const core::params& p, const std::string& name) {
  const auto& v = p.json(name);
  if (v.is_number_integer()) {
    auto n = v.get<std::int64_t>();
    if (n < 1) throw param_error(name, name + " must be at least 1 record, got " + v.dump());
    return {n, true};
  }
  if (v.is_string()) {
    auto d = core::parse_duration(v.get<std::string>());
    if (!d)
      throw param_error(name,
                        name + " must be a duration like \"10s\" or \"500ms\", got " + v.dump());
    if (*d <= 0) throw param_error(name, name + " must be longer than 0, got " + v.dump());
    return {*d, false};
  }
  throw param_error(name, name
                            + " must be a duration like \"10s\" (time windows) or an integer "
                              "(count windows), got "
                            + v.dump());
}

void check_aggregate_names(const window_config& c, const core::schema& input) {
  std::set<std::string> taken = {"window_start", "window_end"};
  for (int k : c.key_fields) taken.insert(input.at(static_cast<std::size_t>(k)).name);
  const auto& aggs = *c.aggregates;
  for (std::size_t i = 0; i < aggs.size(); ++i)
    if (taken.count(aggs[i]->name()))
      throw param_error("aggregates", "aggregates[" + std::to_string(i) + "]: output name '"
                                        + aggs[i]->name()
                                        + "' clashes with a key field or window_start/window_end "
                                          "(set \"as\")");
}

} // namespace

std::vector<core::port_spec> window_inputs() {
  return {{"in", "records holding the key, timestamp and aggregated fields"}};
}

std::vector<core::port_spec> window_outputs() {
  return {{"out", "one record per key and window: key fields, window_start, window_end, "
                  "then the aggregates"},
          {"late", "records too late for their window, unchanged (counted if unconnected)"}};
}

std::vector<core::property_spec> window_properties(window_shape shape) {
  std::vector<core::property_spec> props;
  switch (shape) {
    case window_shape::tumbling:
      props.push_back(prop("size", param_type::json,
                           "window length: a duration (\"10s\", \"500ms\", \"1m\") for time "
                           "windows, or an integer for count windows of that many records per key")
                        .required()
                        .shapes_state());
      break;
    case window_shape::sliding:
      props.push_back(prop("size", param_type::json,
                           "window length: a duration for time windows, or an integer (records "
                           "per key) for count windows")
                        .required()
                        .shapes_state());
      props.push_back(prop("slide", param_type::json,
                           "how far each window starts after the previous one, at most `size`; "
                           "same kind as size (duration or integer)")
                        .required()
                        .shapes_state());
      break;
    case window_shape::session:
      props.push_back(prop("gap", param_type::duration,
                           "records of a key closer than this share a session; a session is "
                           "[first ts, last ts + gap)")
                        .required()
                        .shapes_state());
      break;
  }
  props.push_back(
    prop("key", param_type::field_list, "fields to group by; empty = one group for all records")
      .def(nlohmann::json::array())
      .shapes_state());
  props.push_back(prop("aggregates", param_type::aggregate_list,
                       "list of {\"fn\": ..., \"field\": ..., \"as\": ...}; fn is one of count, "
                       "sum, avg, min, max, first, last, stddev, variance, count_distinct, "
                       "approx_count_distinct, approx_percentile (\"p\"), top_k (\"k\")")
                    .required()
                    .shapes_state());
  props.push_back(prop("time", param_type::choice,
                       "event: time from the `timestamp` field; processing: the arrival clock")
                    .def("event")
                    .choices({"event", "processing"})
                    .shapes_state());
  props.push_back(prop("timestamp", param_type::field,
                       "the event-time field (a timestamp); required for event time")
                    .shapes_state());
  props.push_back(prop("max_out_of_order", param_type::duration,
                       "how far behind the newest record a record may be and still count as "
                       "in order: progress = max event time seen - this")
                    .def("0s"));
  props.push_back(prop("allowed_lateness", param_type::duration,
                       "after a window is emitted, records this much later still update it and "
                       "emit a corrected result; later ones go to `late`")
                    .def("0s"));
  props.push_back(prop("idle_timeout", param_type::duration,
                       "an input channel silent this long stops holding event time back; "
                       "0s = never")
                    .def("0s"));
  return props;
}

window_config_ptr make_window_config(window_shape shape, const core::params& p,
                                     const core::bind_context& ctx) {
  const core::schema_ptr& input = input_schema(ctx, 0, "in");
  auto c = std::make_shared<window_config>();
  c->shape = shape;
  c->input = input;
  if (shape == window_shape::session) {
    c->gap = p.duration("gap");
    if (c->gap <= 0) throw param_error("gap", "gap must be longer than 0");
  } else {
    extent size = parse_extent(p, "size");
    extent slide = size;
    if (shape == window_shape::sliding) {
      slide = parse_extent(p, "slide");
      if (slide.records != size.records)
        throw param_error("slide", "slide must be of the same kind as size (both durations or "
                                   "both record counts)");
      if (slide.value > size.value)
        throw param_error("slide", "slide must not be larger than size");
      // A window is merged from size / gcd(size, slide) panes, and a record
      // lands in about size / slide windows: past this, a run does nothing
      // but merge (4294967296m over 20s validated, then hung).
      constexpr std::int64_t max_panes = 100000;
      auto panes = size.value / std::gcd(size.value, slide.value);
      if (panes > max_panes)
        throw param_error("slide", "a window would be merged from " + std::to_string(panes)
                                     + " panes of gcd(size, slide), more than "
                                     + std::to_string(max_panes)
                                     + ": make size a smaller multiple of slide");
    }
    c->count_based = size.records;
    c->size = size.value;
    c->slide = slide.value;
  }
  c->processing_time = p.string("time") == "processing";

  if (p.has("timestamp")) {
    c->ts_name = p.string("timestamp");
    c->ts_index = input->index_of(c->ts_name);
    if (c->ts_index < 0)
      throw param_error("timestamp", "no field '" + c->ts_name
                                       + "' in the input (fields: " + field_list(*input) + ")");
    auto t = input->at(static_cast<std::size_t>(c->ts_index)).type;
    if (t != core::value_type::timestamp)
      throw param_error("timestamp", "field '" + c->ts_name + "' is a "
                                       + std::string(core::name_of(t))
                                       + "; it must be a timestamp");
  } else if (c->count_based) {
    // Count windows need no event time: without a timestamp field their
    // window_start/window_end come from the arrival (processing-time) clock.
    c->processing_time = true;
  } else if (!c->processing_time) {
    throw param_error("timestamp", "event-time windows need 'timestamp', the event-time field "
                                   "(or set time to \"processing\")");
  }
  if (c->processing_time) c->ts_index = -1;

  std::set<std::string> seen;
  for (const auto& k : p.strings("key")) {
    int i = input->index_of(k);
    if (i < 0)
      throw param_error("key",
                        "no field '" + k + "' in the input (fields: " + field_list(*input) + ")");
    if (!seen.insert(k).second) throw param_error("key", "field '" + k + "' is listed twice");
    c->key_fields.push_back(i);
    c->key_types.push_back(input->at(static_cast<std::size_t>(i)).type);
  }

  c->max_out_of_order = p.duration("max_out_of_order");
  c->allowed_lateness = p.duration("allowed_lateness");
  c->idle_timeout = p.duration("idle_timeout");
  c->aggregates = std::make_shared<const aggregate::aggregate_list>(
    aggregate::make_aggregates(p.json("aggregates"), *input, "aggregates"));
  check_aggregate_names(*c, *input);

  std::vector<core::field> out;
  for (int k : c->key_fields) out.push_back(input->at(static_cast<std::size_t>(k)));
  out.push_back({"window_start", core::value_type::timestamp});
  out.push_back({"window_end", core::value_type::timestamp});
  for (const auto& a : *c->aggregates) out.push_back({a->name(), a->result_type()});
  c->output = core::make_schema(std::move(out));

  if (ctx.output_connected.size() > 1) c->late_connected = ctx.output_connected[1];
  return c;
}

} // namespace sluice::ops::window
