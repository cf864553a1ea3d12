#include "sluice/core/params.hpp"

#include "sluice/core/errors.hpp"
#include "sluice/core/secrets.hpp"

namespace sluice::core {

namespace {

std::string json_kind(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

std::string number_text(double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v)))
    return std::to_string(static_cast<std::int64_t>(v));
  return nlohmann::json(v).dump();
}

void check_range(const property_spec& spec, double v) {
  if (spec.min && v < *spec.min)
    throw param_error(spec.name,
                      "must be at least " + number_text(*spec.min) + ", got " + number_text(v));
  if (spec.max && v > *spec.max)
    throw param_error(spec.name,
                      "must be at most " + number_text(*spec.max) + ", got " + number_text(v));
}

// The shape the windows' make_aggregates reads, in its words, so a
// pipeline gets the same message whichever of the two finds the fault.
// Functions, extra members and whether fields exist stay with the operator.
void check_aggregate_list(const std::string& param, const nlohmann::json& v) {
  if (!v.is_array() || v.empty())
    throw param_error(param, param
                               + " must be a non-empty list of {\"fn\": ..., \"field\": "
                                 "..., \"as\": ...}, e.g. [{\"fn\": \"count\"}]");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& entry = v[i];
    auto fail = [&](const std::string& message) {
      throw param_error(param, param + "[" + std::to_string(i) + "]: " + message);
    };
    if (!entry.is_object())
      fail("must be an object like {\"fn\": \"sum\", \"field\": \"price\"}, got " + entry.dump());
    auto fn = entry.find("fn");
    if (fn == entry.end() || !fn->is_string()) fail("needs \"fn\", the function name");
    auto field = entry.find("field");
    if (field != entry.end() && !field->is_string())
      fail("\"field\" must be a string, got " + field->dump());
    auto as = entry.find("as");
    if (as != entry.end() && (!as->is_string() || as->get<std::string>().empty()))
      fail("\"as\" must be a non-empty string, got " + as->dump());
  }
}

void check_value(const property_spec& spec, const nlohmann::json& v) {
  auto expect = [&](bool ok, const char* what) {
    if (!ok) throw param_error(spec.name, std::string("must be ") + what + ", got " + json_kind(v));
  };
  switch (spec.type) {
    case param_type::integer:
      expect(v.is_number_integer(), "an integer");
      check_range(spec, v.get<double>());
      break;
    case param_type::number:
      expect(v.is_number(), "a number");
      check_range(spec, v.get<double>());
      break;
    case param_type::boolean: expect(v.is_boolean(), "a boolean"); break;
    case param_type::string:
    case param_type::path:
    case param_type::expression:
    case param_type::field: expect(v.is_string(), "a string"); break;
    case param_type::secret:
      expect(v.is_string() || is_secret_reference(v),
             "a string, {\"env\": \"VARIABLE\"} or {\"file\": \"/path\"}");
      break;
    case param_type::choice: {
      expect(v.is_string(), "a string");
      auto s = v.get<std::string>();
      bool found = false;
      std::string list;
      for (const auto& c : spec.choices) {
        found = found || c == s;
        list += (list.empty() ? "" : ", ") + c;
      }
      if (!found) throw param_error(spec.name, "must be one of " + list + ", got \"" + s + "\"");
      break;
    }
    case param_type::duration: {
      expect(v.is_string(), "a duration string such as \"10s\" or \"500ms\"");
      auto d = parse_duration(v.get<std::string>());
      if (!d)
        throw param_error(spec.name,
                          "\"" + v.get<std::string>()
                            + "\" is not a duration (use e.g. \"250ms\", \"10s\", \"5m\")");
      check_range(spec, static_cast<double>(*d) / 1e6);
      break;
    }
    case param_type::timestamp:
      expect(v.is_string(), "an ISO-8601 timestamp string");
      if (!parse_iso8601(v.get<std::string>()))
        throw param_error(spec.name,
                          "\"" + v.get<std::string>()
                            + "\" is not an ISO-8601 timestamp (e.g. \"2026-01-01T00:00:00Z\")");
      break;
    case param_type::expression_map:
      expect(v.is_object(), "an object of field name to expression");
      for (const auto& [k, e] : v.items())
        if (!e.is_string())
          throw param_error(spec.name, "expression for field '" + k + "' must be a string, got "
                                         + json_kind(e));
      break;
    case param_type::string_list:
    case param_type::field_list:
      expect(v.is_array(), "an array of strings");
      for (const auto& e : v)
        if (!e.is_string())
          throw param_error(spec.name, "must be an array of strings, but holds " + json_kind(e));
      break;
    case param_type::aggregate_list: check_aggregate_list(spec.name, v); break;
    case param_type::json: break;
  }
}

} // namespace

params::params(const std::vector<property_spec>& specs, const nlohmann::json& raw) {
  values_ = nlohmann::json::object();
  if (!raw.is_null() && !raw.is_object())
    throw param_error("", "params must be an object, got " + json_kind(raw));
  if (raw.is_object()) {
    for (const auto& [name, v] : raw.items()) {
      const property_spec* spec = nullptr;
      for (const auto& s : specs)
        if (s.name == name) spec = &s;
      if (!spec) {
        std::string known;
        for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
        throw param_error(
          name, std::string(name.empty() ? "unknown param with an empty name" : "unknown param")
                  + " (known: " + (known.empty() ? "none" : known) + ")");
      }
      check_value(*spec, v);
      values_[name] = v;
    }
  }
  for (const auto& s : specs) {
    if (values_.contains(s.name)) continue;
    if (s.required) throw param_error(s.name, "missing required param");
    if (!s.default_value.is_null()) values_[s.name] = s.default_value;
  }
}

bool params::has(const std::string& name) const { return values_.contains(name); }

const nlohmann::json& params::json(const std::string& name) const {
  static const nlohmann::json null_value;
  auto it = values_.find(name);
  return it == values_.end() ? null_value : *it;
}

std::int64_t params::integer(const std::string& name) const {
  return json(name).get<std::int64_t>();
}
double params::number(const std::string& name) const { return json(name).get<double>(); }
bool params::boolean(const std::string& name) const { return json(name).get<bool>(); }
std::string params::string(const std::string& name) const {
  const auto& v = json(name);
  return v.is_string() ? v.get<std::string>() : std::string{};
}
duration_us params::duration(const std::string& name) const {
  return parse_duration(json(name).get<std::string>()).value_or(0);
}
core::timestamp params::timestamp(const std::string& name) const {
  return parse_iso8601(json(name).get<std::string>()).value_or(0);
}
std::string params::secret(const std::string& name) const {
  const auto& v = json(name);
  if (v.is_null()) return {};
  try {
    return resolve_secret(v);
  } catch (const std::runtime_error& e) {
    throw param_error(name, e.what());
  }
}
std::vector<std::string> params::strings(const std::string& name) const {
  const auto& v = json(name);
  return v.is_array() ? v.get<std::vector<std::string>>() : std::vector<std::string>{};
}

} // namespace sluice::core
