// make_aggregates: checks the shape of each `aggregates` entry, resolves its
// field and default output name, and hands it to the function's maker.
#include "sluice/ops/aggregate/aggregate.hpp"

#include <set>

#include "sluice/core/errors.hpp"
#include "sluice/ops/aggregate/exact_aggregates.hpp"
#include "sluice/ops/aggregate/sketch_aggregates.hpp"

namespace sluice::ops::aggregate {

namespace {

using maker_fn = std::unique_ptr<aggregate_function> (*)(const aggregate_entry&);

std::unique_ptr<aggregate_function> make_approx_distinct_entry(const aggregate_entry& e) {
  return make_approx_count_distinct(e.spec, e.input, e.name, e.input_index, e.where);
}
std::unique_ptr<aggregate_function> make_approx_percentile_entry(const aggregate_entry& e) {
  return make_approx_percentile(e.spec, e.input, e.name, e.input_index, e.where);
}
std::unique_ptr<aggregate_function> make_top_k_entry(const aggregate_entry& e) {
  return make_top_k(e.spec, e.input, e.name, e.input_index, e.where);
}

struct function_info {
  const char* name;
  bool needs_field;
  const char* extra; ///< the one extra member it takes ("p", "k"), or ""
  maker_fn make;
};

// The catalog of aggregate functions, in the order the docs list them.
const function_info functions[] = {
  {"count", false, "", make_count},
  {"sum", true, "", make_sum},
  {"avg", true, "", make_avg},
  {"min", true, "", make_min},
  {"max", true, "", make_max},
  {"first", true, "", make_first},
  {"last", true, "", make_last},
  {"stddev", true, "", make_stddev},
  {"variance", true, "", make_variance},
  {"count_distinct", true, "", make_count_distinct},
  {"approx_count_distinct", true, "", make_approx_distinct_entry},
  {"approx_percentile", true, "p", make_approx_percentile_entry},
  {"top_k", true, "k", make_top_k_entry},
};

const function_info* find_function(const std::string& name) {
  for (const auto& f : functions)
    if (name == f.name) return &f;
  return nullptr;
}

std::string known_list() {
  std::string s;
  for (const auto& f : functions) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

std::string field_list(const core::schema& input) {
  std::string s;
  for (const auto& f : input.fields()) s += (s.empty() ? "" : ", ") + f.name;
  return s;
}

std::string article_name(core::value_type t) {
  std::string n(core::name_of(t));
  bool vowel = n[0] == 'i'; // "an int"
  return (vowel ? "an " : "a ") + n;
}

} // namespace

void aggregate_entry::fail(const std::string& message) const {
  throw core::param_error(param, where + ": " + message);
}

void aggregate_entry::require_field() const {
  if (input_index < 0) fail(fn + " needs a 'field'");
}

void aggregate_entry::require_number() const {
  require_field();
  const auto& f = field();
  if (!core::is_numeric(f.type))
    fail(fn + " needs a number field, '" + f.name + "' is " + article_name(f.type));
}

aggregate_list make_aggregates(const nlohmann::json& list, const core::schema& input,
                               const std::string& param) {
  if (!list.is_array() || list.empty())
    throw core::param_error(param, param
                                     + " must be a non-empty list of {\"fn\": ..., \"field\": "
                                       "..., \"as\": ...}, e.g. [{\"fn\": \"count\"}]");
  aggregate_list out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& spec = list[i];
    aggregate_entry e{spec, input, "", "", -1, param, param + "[" + std::to_string(i) + "]"};
    if (!spec.is_object())
      e.fail("must be an object like {\"fn\": \"sum\", \"field\": \"price\"}, got " + spec.dump());
    auto fn = spec.find("fn");
    if (fn == spec.end() || !fn->is_string()) e.fail("needs \"fn\", the function name");
    e.fn = fn->get<std::string>();
    const function_info* info = find_function(e.fn);
    if (!info) e.fail("unknown function '" + e.fn + "' (known: " + known_list() + ")");
    for (const auto& [member, value] : spec.items()) {
      if (member == "fn" || member == "field" || member == "as") continue;
      if (member == info->extra) continue;
      e.fail("unknown member '" + member + "' for " + e.fn);
    }
    std::string field_name;
    if (auto f = spec.find("field"); f != spec.end()) {
      if (!f->is_string()) e.fail("\"field\" must be a string, got " + f->dump());
      field_name = f->get<std::string>();
      e.input_index = input.index_of(field_name);
      if (e.input_index < 0)
        e.fail("no field '" + field_name + "' in the input (fields: " + field_list(input) + ")");
    } else if (info->needs_field) {
      e.require_field();
    }
    e.name = field_name.empty() ? e.fn : e.fn + "_" + field_name;
    if (auto as = spec.find("as"); as != spec.end()) {
      if (!as->is_string() || as->get<std::string>().empty())
        e.fail("\"as\" must be a non-empty string, got " + as->dump());
      e.name = as->get<std::string>();
    }
    if (!names.insert(e.name).second)
      e.fail("output name '" + e.name + "' is used twice (set \"as\")");
    out.push_back(info->make(e));
  }
  return out;
}

std::vector<std::string> aggregate_function_names() {
  std::vector<std::string> names;
  for (const auto& f : functions) names.emplace_back(f.name);
  return names;
}

} // namespace sluice::ops::aggregate
