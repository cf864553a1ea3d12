#pragma once

// A small registry of fake operator kinds for the validator's tests: they do
// nothing at run time, but their factories check params and compute output
// schemas the way real operators do.
//
//   fake.source  no input; out {seq:int, key:string}; param count (integer >= 0)
//   fake.numbers no input; out {n:int}
//   fake.filter  in -> out (same schema); param where: "expression" whose
//                identifiers must be input fields (param_error with column)
//   fake.pick    in -> out {<field>}; param field (required): an input field
//   fake.split   in -> out, late (same schema)
//   fake.join    left, right -> out (left fields, then right fields)
//   fake.sink    in; no output
//   fake.broken  in -> out; its factory throws std::runtime_error

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/pipeline/document.hpp"
#include "sluice/core/registry.hpp"

namespace sluice::test {

using namespace sluice::core;
using namespace sluice::core::pipeline;

/// A bound node with given output schemas. The validator only binds: if it
/// ever created an operator, the test would fail here.
class fake_bound final : public bound_operator {
public:
  using bound_operator::bound_operator;
  operator_ptr create(const operator_context&) const override {
    throw std::logic_error("the validator created an operator");
  }
};

inline schema_ptr fake_source_schema() {
  static const schema_ptr s =
    make_schema({{"seq", value_type::int64}, {"key", value_type::string}});
  return s;
}

inline schema_ptr fake_numbers_schema() {
  static const schema_ptr s = make_schema({{"n", value_type::int64}});
  return s;
}

inline const schema_ptr& fake_input(const bind_context& ctx, std::size_t port) {
  if (port >= ctx.inputs.size() || !ctx.inputs[port])
    throw param_error("", "input port " + std::to_string(port) + " is not connected");
  return ctx.inputs[port];
}

/// Checks that every identifier in `text` names a field of `s`; throws
/// param_error(param, "unknown field 'x'", column of x).
inline void check_identifiers(const std::string& param, const std::string& text, const schema& s) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalpha(c) && c != '_') {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
      ++i;
    auto name = text.substr(start, i - start);
    if (s.index_of(name) < 0) throw param_error(param, "unknown field '" + name + "'", start + 1);
  }
}

inline property_spec make_prop(std::string name, param_type type, nlohmann::json def = nullptr,
                               bool required = false) {
  property_spec p;
  p.name = std::move(name);
  p.type = type;
  p.default_value = std::move(def);
  p.required = required;
  return p;
}

inline descriptor fake_descriptor(std::string kind, std::vector<std::string> inputs,
                                  std::vector<std::string> outputs) {
  descriptor d;
  d.kind = std::move(kind);
  d.category = inputs.empty() ? "source" : outputs.empty() ? "sink" : "transform";
  d.summary = "fake " + d.kind;
  for (auto& n : inputs) d.inputs.push_back({std::move(n), ""});
  for (auto& n : outputs) d.outputs.push_back({std::move(n), ""});
  return d;
}

inline registry make_fake_registry() {
  registry reg;

  auto source = fake_descriptor("fake.source", {}, {"out"});
  auto count = make_prop("count", param_type::integer, 10);
  count.min = 0;
  source.properties.push_back(count);
  source.bind = [](const params&, const bind_context&) -> bound_ptr {
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{fake_source_schema()});
  };
  reg.add(std::move(source));

  auto numbers = fake_descriptor("fake.numbers", {}, {"out"});
  numbers.bind = [](const params&, const bind_context&) -> bound_ptr {
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{fake_numbers_schema()});
  };
  reg.add(std::move(numbers));

  auto filter = fake_descriptor("fake.filter", {"in"}, {"out"});
  filter.properties.push_back(make_prop("where", param_type::expression, "true"));
  filter.bind = [](const params& p, const bind_context& ctx) -> bound_ptr {
    const auto& in = fake_input(ctx, 0);
    auto text = p.string("where");
    if (text != "true") check_identifiers("where", text, *in);
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{in});
  };
  reg.add(std::move(filter));

  auto pick = fake_descriptor("fake.pick", {"in"}, {"out"});
  pick.properties.push_back(make_prop("field", param_type::string, nullptr, true));
  pick.bind = [](const params& p, const bind_context& ctx) -> bound_ptr {
    const auto& in = fake_input(ctx, 0);
    auto name = p.string("field");
    int i = in->index_of(name);
    if (i < 0) throw param_error("field", "unknown field '" + name + "'", 1);
    auto out = make_schema({in->at(static_cast<std::size_t>(i))});
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{out});
  };
  reg.add(std::move(pick));

  auto split = fake_descriptor("fake.split", {"in"}, {"out", "late"});
  split.bind = [](const params&, const bind_context& ctx) -> bound_ptr {
    const auto& in = fake_input(ctx, 0);
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{in, in});
  };
  reg.add(std::move(split));

  auto join = fake_descriptor("fake.join", {"left", "right"}, {"out"});
  join.bind = [](const params&, const bind_context& ctx) -> bound_ptr {
    auto fields = fake_input(ctx, 0)->fields();
    for (const auto& f : fake_input(ctx, 1)->fields())
      if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{make_schema(fields)});
  };
  reg.add(std::move(join));

  auto sink = fake_descriptor("fake.sink", {"in"}, {});
  sink.bind = [](const params&, const bind_context& ctx) -> bound_ptr {
    fake_input(ctx, 0);
    return std::make_shared<const fake_bound>(std::vector<schema_ptr>{});
  };
  reg.add(std::move(sink));

  auto broken = fake_descriptor("fake.broken", {"in"}, {"out"});
  broken.bind = [](const params&, const bind_context&) -> bound_ptr {
    throw std::runtime_error("out of widgets");
  };
  reg.add(std::move(broken));

  return reg;
}

/// The registry every test shares (it is only read).
inline const registry& fake_registry() {
  static const registry reg = make_fake_registry();
  return reg;
}

} // namespace sluice::test
