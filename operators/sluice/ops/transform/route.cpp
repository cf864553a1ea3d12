// `transform.route`: sends each record to the output port of the route whose
// boolean predicate it satisfies; records matching no route go to `default`.
//
// `routes` is either an object {"port": "predicate", ...} or, to fix the
// order, an array [{"port": "...", "where": "..."}, ...]. JSON objects are
// unordered (pipeline params keep their keys sorted), so with the object
// form the routes are tried in alphabetical order of their port names.
// Port names use letters, digits, '_' and '-' and must not be `default` or
// `errors`.
//
// The output ports are dynamic (descriptor::dynamic_outputs): the route
// ports in route order, then `default`. `mode` "first" (default) sends a
// record to the first route it matches only; "all" sends it to every route
// it matches (so a record can be emitted more than once). False and null
// do not match. A record whose predicate evaluation fails goes to the
// node's errors and to no port: in "first" mode only if no earlier route
// matched it, in "all" mode whichever route failed. A record bound only for
// unconnected ports is counted as filtered. A batch bound entirely for one
// port is emitted as it is, without a copy.

#include <set>

#include "sluice/core/expr/expression.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

namespace expr = core::expr;

struct route_spec {
  std::string port;
  std::string where;
};

constexpr const char* default_port = "default";

bool valid_port_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || c == '-'))
      return false;
  return true;
}

/// The routes in evaluation order; throws param_error("routes").
std::vector<route_spec> parse_routes(const nlohmann::json& j) {
  std::vector<route_spec> routes;
  if (j.is_object()) {
    for (const auto& [port, where] : j.items()) {
      if (!where.is_string())
        throw core::param_error("routes", "the predicate of route '" + port + "' must be a string");
      routes.push_back({port, where.get<std::string>()});
    }
  } else if (j.is_array()) {
    for (const auto& r : j) {
      if (!r.is_object() || !r.contains("port") || !r.contains("where") || !r["port"].is_string()
          || !r["where"].is_string() || r.size() != 2)
        throw core::param_error("routes", "each array entry must be {\"port\": name, \"where\": "
                                          "predicate}, got "
                                            + r.dump());
      routes.push_back({r["port"].get<std::string>(), r["where"].get<std::string>()});
    }
  } else {
    throw core::param_error("routes", "must be an object of port name to predicate, or an "
                                      "array of {\"port\", \"where\"} objects");
  }
  if (routes.empty()) throw core::param_error("routes", "give at least one route");
  std::set<std::string> seen;
  for (const auto& r : routes) {
    if (!valid_port_name(r.port))
      throw core::param_error("routes",
                              "port name '" + r.port + "' must be letters, digits, '_' or '-'");
    if (r.port == default_port || r.port == core::errors_port)
      throw core::param_error("routes", "port name '" + r.port + "' is reserved");
    if (!seen.insert(r.port).second)
      throw core::param_error("routes", "port '" + r.port + "' is named twice");
  }
  return routes;
}

/// descriptor::output_names: the route ports then `default`; never throws.
std::vector<std::string> route_output_names(const nlohmann::json& params) {
  std::vector<std::string> names;
  if (params.is_object() && params.contains("routes")) {
    const auto& j = params["routes"];
    if (j.is_object())
      for (const auto& [port, where] : j.items()) names.push_back(port);
    else if (j.is_array())
      for (const auto& r : j)
        if (r.is_object() && r.contains("port") && r["port"].is_string())
          names.push_back(r["port"].get<std::string>());
  }
  names.emplace_back(default_port);
  return names;
}

class route_op final : public core::simple_transform {
public:
  route_op(std::vector<expr::compiled_expression> preds, bool all, std::vector<bool> connected)
    : preds_(std::move(preds)), all_(all), connected_(std::move(connected)) {
    if (connected_.size() != preds_.size() + 1) connected_.assign(preds_.size() + 1, true);
  }

  void process(const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    const std::size_t k = preds_.size();
    std::vector<core::column_ptr> masks(k);
    std::vector<expr::row_errors> errors(k);
    // failed_[r]: the first route whose evaluation failed on row r, or k.
    failed_.assign(n, static_cast<std::uint32_t>(k));
    reason_.assign(n, 0);
    for (std::size_t i = 0; i < k; ++i) {
      masks[i] = preds_[i].evaluate(*b, &errors[i]);
      for (std::size_t e = 0; e < errors[i].rows.size(); ++e) {
        auto r = errors[i].rows[e];
        if (failed_[r] == k) {
          failed_[r] = static_cast<std::uint32_t>(i);
          reason_[r] = static_cast<std::uint32_t>(e);
        }
      }
    }

    rows_.resize(k + 1);
    for (auto& r : rows_) r.clear();
    std::size_t dropped = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (all_ && failed_[r] < k) {
        out.error(*b, r, errors[failed_[r]].reasons[reason_[r]]);
        continue;
      }
      bool matched = false, delivered = false, failed = false;
      for (std::size_t i = 0; i < k; ++i) {
        if (!all_ && failed_[r] == i) {
          out.error(*b, r, errors[i].reasons[reason_[r]]);
          failed = true;
          break;
        }
        if (!matches(*masks[i], r)) continue;
        matched = true;
        if (connected_[i]) {
          rows_[i].push_back(static_cast<std::uint32_t>(r));
          delivered = true;
        }
        if (!all_) break;
      }
      if (failed) continue;
      if (!matched && connected_[k]) {
        rows_[k].push_back(static_cast<std::uint32_t>(r));
        delivered = true;
      }
      if (!delivered) ++dropped;
    }

    if (dropped) out.filtered(dropped);
    for (std::size_t p = 0; p <= k; ++p) {
      if (rows_[p].empty()) continue;
      if (rows_[p].size() == n) out.emit(p, b);
      else out.emit_rows(p, b, rows_[p]);
    }
  }

private:
  static bool matches(const core::column& mask, std::size_t r) {
    return mask.bools[r] != 0 && !mask.is_null(r);
  }

  const std::vector<expr::compiled_expression> preds_;
  const bool all_;
  std::vector<bool> connected_; ///< per output port, `default` last
  // scratch, no state between batches
  std::vector<std::vector<std::uint32_t>> rows_;
  std::vector<std::uint32_t> failed_, reason_;
};

} // namespace

core::descriptor route_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "transform.route";
  d.category = "transform";
  d.summary = "Sends each record to the port of the route whose predicate it matches";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{default_port, "records matching no route (one more port per route, named by "
                              "`routes`, comes before it)"}};
  d.dynamic_outputs = true;
  d.output_names = route_output_names;
  d.properties = {
    prop("routes", param_type::json,
         "port name -> boolean predicate, e.g. {\"alerts\": \"amount > 1000\"} (tried in "
         "alphabetical order of port names), or [{\"port\": \"alerts\", \"where\": \"...\"}, ...] "
         "(tried in that order); records matching none go to `default`")
      .required(),
    prop("mode", param_type::choice,
         "first: a record goes to the first route it matches; all: to every route it matches")
      .def("first")
      .choices({"first", "all"}),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    std::vector<expr::compiled_expression> preds;
    for (const auto& r : parse_routes(p.json("routes"))) {
      try {
        preds.push_back(expr::compiled_expression::compile(r.where, *input));
      } catch (const expr::expression_error& e) {
        throw core::param_error("routes", "route '" + r.port + "': " + e.what(), e.position());
      }
      if (preds.back().type() != core::value_type::boolean)
        throw core::param_error("routes", "route '" + r.port
                                            + "': the predicate must be boolean, got "
                                            + std::string(core::name_of(preds.back().type())));
    }
    std::vector<core::schema_ptr> outputs(preds.size() + 1, input);
    return bound(std::move(outputs),
                 [preds = std::move(preds), all = p.string("mode") == "all",
                  connected = ctx.output_connected](const core::operator_context&) {
                   return std::make_unique<route_op>(preds, all, connected);
                 });
  };
  return d;
}

} // namespace sluice::ops::transform
