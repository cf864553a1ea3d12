// `transform.map`: computes fields and drops fields. Every `set` expression
// sees the input record (not the fields set before it). A set field that
// exists replaces that column in place (its type may change); a new one is
// appended, in the object's key order. Unchanged columns are shared with the
// input batch, never copied. A record whose evaluation fails goes to the
// node's errors and is left out of the output.

#include <algorithm>

#include "sluice/core/expr/expression.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

namespace expr = core::expr;

/// Where each output column comes from: an input column (shared) or a `set`
/// expression.
struct map_plan {
  struct source {
    bool computed = false;
    std::size_t index = 0; ///< input column, or index into `exprs`
  };
  std::vector<source> sources;
  std::vector<expr::compiled_expression> exprs;
  core::schema_ptr output;
};

class map_op final : public core::simple_transform {
public:
  explicit map_op(map_plan plan) : plan_(std::move(plan)) {}

  void process(const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    expr::row_errors errors;
    std::vector<core::column_ptr> computed;
    computed.reserve(plan_.exprs.size());
    for (const auto& e : plan_.exprs) computed.push_back(e.evaluate(*b, &errors));

    std::vector<core::column_ptr> cols;
    cols.reserve(plan_.sources.size());
    for (const auto& s : plan_.sources)
      cols.push_back(s.computed ? computed[s.index] : b->col_ptr(s.index));
    auto result = std::make_shared<const core::batch>(plan_.output, std::move(cols), n);
    if (errors.empty()) {
      out.emit(0, std::move(result));
      return;
    }

    // A row may fail in several expressions: report it once, with the first
    // reason, in row order; then leave it out.
    std::vector<std::int32_t> reason(n, -1);
    for (std::size_t i = 0; i < errors.rows.size(); ++i)
      if (reason[errors.rows[i]] < 0) reason[errors.rows[i]] = static_cast<std::int32_t>(i);
    std::vector<std::uint32_t> keep;
    keep.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
      if (reason[r] < 0) keep.push_back(static_cast<std::uint32_t>(r));
      else out.error(*b, r, errors.reasons[static_cast<std::size_t>(reason[r])]);
    }
    out.emit_rows(0, result, keep);
  }

private:
  const map_plan plan_;
};

std::string field_list(const core::schema& s) {
  std::string out;
  for (const auto& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "none" : out;
}

map_plan make_plan(const core::params& p, const core::schema& input) {
  const auto& set = p.json("set");
  auto drop = p.strings("drop");
  if ((set.is_null() || set.empty()) && drop.empty())
    throw core::param_error("set", "give at least one of set or drop");

  for (const auto& name : drop) {
    if (input.index_of(name) < 0)
      throw core::param_error("drop",
                              "unknown field '" + name + "' (fields: " + field_list(input) + ")");
    if (set.is_object() && set.contains(name))
      throw core::param_error("drop", "field '" + name + "' is both set and dropped");
  }

  map_plan plan;
  std::vector<core::field> fields;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (std::find(drop.begin(), drop.end(), input.at(i).name) != drop.end()) continue;
    fields.push_back(input.at(i));
    plan.sources.push_back({false, i});
  }
  if (set.is_object()) {
    for (const auto& [name, text] : set.items()) {
      if (name.empty()) throw core::param_error("set", "a field name must not be empty");
      try {
        plan.exprs.push_back(expr::compiled_expression::compile(text.get<std::string>(), input));
      } catch (const expr::expression_error& e) {
        throw core::param_error("set", "field '" + name + "': " + e.what(), e.position());
      }
      auto type = plan.exprs.back().type();
      map_plan::source src{true, plan.exprs.size() - 1};
      auto at = std::find_if(fields.begin(), fields.end(),
                             [&n = name](const core::field& f) { return f.name == n; });
      if (at != fields.end()) {
        at->type = type;
        plan.sources[static_cast<std::size_t>(at - fields.begin())] = src;
      } else {
        fields.push_back({name, type});
        plan.sources.push_back(src);
      }
    }
  }
  plan.output = core::make_schema(std::move(fields));
  return plan;
}

} // namespace

core::descriptor map_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "transform.map";
  d.category = "transform";
  d.summary = "Computes new or replacing fields from expressions and drops fields";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "the input fields minus `drop`, with `set` fields replaced or appended"}};
  d.properties = {
    prop("set", param_type::expression_map,
         "field name -> expression over the input fields, e.g. {\"double\": \"value * 2\"}; "
         "an existing field is replaced in place, a new one appended"),
    prop("drop", param_type::field_list, "input fields to remove from the output"),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto plan = make_plan(p, *input_schema(ctx, 0, "in"));
    auto output = plan.output;
    return bound({output}, [plan = std::move(plan)](const core::operator_context&) {
      return std::make_unique<map_op>(plan);
    });
  };
  return d;
}

} // namespace sluice::ops::transform
