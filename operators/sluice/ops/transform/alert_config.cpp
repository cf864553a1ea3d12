#include "sluice/ops/transform/alert_config.hpp"

#include <algorithm>

#include "sluice/core/errors.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

using core::param_error;
using core::param_type;

const char* const fixed_fields[] = {"status", "since", "at", "message"};

bool is_fixed(const std::string& name) {
  return std::find(std::begin(fixed_fields), std::end(fixed_fields), name)
         != std::end(fixed_fields);
}

} // namespace

std::vector<core::property_spec> alert_properties() {
  return {
    prop("when", param_type::expression,
         "boolean expression over the input fields, e.g. temperature > 30; a record for which it "
         "is true matches (false or null: does not)")
      .required()
      .shapes_state(),
    prop("key", param_type::field_list,
         "fields that identify an alert instance, e.g. [\"device\"]; empty = one instance for "
         "all records")
      .def(nlohmann::json::array())
      .shapes_state(),
    prop("for", param_type::duration,
         "how long (event time) matches must go on before the alert fires; 0s = at the first "
         "match")
      .def("0s")
      .min(0),
    prop("resolve_after", param_type::duration,
         "a firing alert resolves (a pending one is dropped) once event time is this long past "
         "its last match")
      .def("5m")
      .min(0),
    prop("repeat", param_type::duration,
         "while firing, emit `firing` again this long after the last notification; 0s = never")
      .def("0s")
      .min(0),
    prop("message", param_type::string,
         "template of the message, e.g. \"temperature of {device} is {temperature}\" ({field}, "
         "{ts:%H:%M}), rendered from the alert's latest matching record")
      .required(),
    prop("labels", param_type::json,
         "object of label name -> template, e.g. {\"severity\": \"page\", \"room\": \"{room}\"}; "
         "each becomes a string field of the output")
      .def(nlohmann::json::object()),
    prop("timestamp", param_type::field, "the event-time field (a timestamp); default \"ts\"")
      .shapes_state(),
    prop("idle_timeout", param_type::duration,
         "an input channel silent this long stops holding event time back; 0s = never")
      .def("0s")
      .min(0),
  };
}

alert_config_ptr make_alert_config(const core::params& p, const core::bind_context& ctx) {
  const core::schema_ptr& input = input_schema(ctx, 0, "in");
  auto c = std::make_shared<alert_config>();
  c->input = input;

  try {
    c->when = core::expr::compiled_expression::compile(p.string("when"), *input);
  } catch (const core::expr::expression_error& e) {
    throw param_error("when", e.what(), e.position());
  }
  if (c->when.type() != core::value_type::boolean)
    throw param_error("when", "when must be a boolean expression, got "
                                + std::string(core::name_of(c->when.type())));

  std::vector<core::field> out{{"status", core::value_type::string}};
  for (const auto& name : p.strings("key")) {
    const int i = input->index_of(name);
    if (i < 0)
      throw param_error("key", "unknown field '" + name + "' (fields: " + input->to_string() + ")");
    const auto index = static_cast<std::size_t>(i);
    if (std::find(c->key_fields.begin(), c->key_fields.end(), index) != c->key_fields.end())
      throw param_error("key", "field '" + name + "' is listed twice");
    if (is_fixed(name))
      throw param_error("key", "key field '" + name
                                 + "' has the name of an output field (status, since, at, "
                                   "message): rename it upstream");
    c->key_fields.push_back(index);
    c->key_types.push_back(input->at(index).type);
    out.push_back(input->at(index));
  }
  out.push_back({"since", core::value_type::timestamp});
  out.push_back({"at", core::value_type::timestamp});
  out.push_back({"message", core::value_type::string});

  c->ts_name = p.has("timestamp") ? p.string("timestamp") : "ts";
  const int ts = input->index_of(c->ts_name);
  if (ts < 0)
    throw param_error("timestamp",
                      p.has("timestamp")
                        ? "unknown field '" + c->ts_name + "' (fields: " + input->to_string() + ")"
                        : "alerts run on event time: name the event-time field (the input has "
                          "no field 'ts'; fields: "
                            + input->to_string() + ")");
  c->ts_index = static_cast<std::size_t>(ts);
  if (input->at(c->ts_index).type != core::value_type::timestamp)
    throw param_error("timestamp", "field '" + c->ts_name + "' must be a timestamp, got "
                                     + std::string(core::name_of(input->at(c->ts_index).type)));

  c->timing.hold = p.duration("for");
  c->timing.resolve_after = p.duration("resolve_after");
  c->timing.repeat = p.duration("repeat");
  c->idle_timeout = p.duration("idle_timeout");
  if (c->timing.resolve_after <= 0)
    throw param_error("resolve_after", "resolve_after must be longer than 0");

  c->message = connect::record_template("message", p.string("message"), *input);

  const auto& labels = p.json("labels");
  if (!labels.is_object())
    throw param_error("labels",
                      "labels must be an object of name -> template, got " + labels.dump());
  for (const auto& item : labels.items()) { // nlohmann orders by name
    // Named copies: a lambda may not capture a structured binding in C++17.
    const std::string name = item.key();
    const auto& text = item.value();
    if (!text.is_string())
      throw param_error("labels",
                        "label '" + name + "' must be a string template, got " + text.dump());
    if (name.empty()) throw param_error("labels", "a label needs a name");
    if (std::any_of(out.begin(), out.end(), [&](const core::field& f) { return f.name == name; }))
      throw param_error("labels", "label '" + name
                                    + "' has the name of another output field (status, since, "
                                      "at, message or a key field)");
    c->label_names.push_back(name);
    try {
      c->labels.emplace_back("labels", text.get<std::string>(), *input);
    } catch (const param_error& e) {
      throw param_error("labels", "label '" + name + "': " + e.what());
    }
    out.push_back({name, core::value_type::string});
  }
  c->output = core::make_schema(std::move(out));
  return c;
}

} // namespace sluice::ops::transform
