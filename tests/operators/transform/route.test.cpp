#include <catch2/catch.hpp>

#include "operators/harness.hpp"
#include "sluice/core/pipeline/validator.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using strings = std::vector<std::string>;

namespace {

const core::schema_ptr payments = core::make_schema(
  {{"amount", value_type::int64}, {"d", value_type::int64}, {"user", value_type::string}});

const char* rows =
  R"([[5000, 1, "a"], [500, 1, "b"], [5, 1, "c"], [null, 1, "d"], [2000, 0, "e"]])";

// Alphabetical: `alerts` is tried before `big`.
const nlohmann::json by_name = {{"big", "amount > 100"}, {"alerts", "amount > 1000"}};

recording_emitter run_route(const nlohmann::json& params, const char* input = rows) {
  auto op = make_transform("transform.route", params, payments);
  recording_emitter out(3);
  op->on_batch_from(0, 0, make_batch(payments, input), out);
  return out;
}

std::vector<std::string> users(const recording_emitter& out, std::size_t port) {
  std::vector<std::string> v;
  for (const auto& b : out.batches.at(port))
    for (std::size_t r = 0; r < b->rows(); ++r) v.emplace_back(b->col(2).string_at(r));
  return v;
}

} // namespace

TEST_CASE("route sends each record to the first matching route, tried in port name order") {
  auto out = run_route({{"routes", by_name}});
  CHECK(users(out, 0) == strings{"a", "e"}); // alerts
  CHECK(users(out, 1) == strings{"b"});      // big
  CHECK(users(out, 2) == strings{"c", "d"}); // default: no match, and null
  CHECK(out.json_rows(0)[0] == R"({"amount":5000,"d":1,"user":"a"})");
  CHECK(out.filtered_count == 0);
  CHECK(out.errors.empty());
}

TEST_CASE("route in the array form tries the routes in the order given") {
  nlohmann::json routes = nlohmann::json::array({{{"port", "big"}, {"where", "amount > 100"}},
                                                 {{"port", "alerts"}, {"where", "amount > 1000"}}});
  auto out = run_route({{"routes", routes}});
  CHECK(users(out, 0) == strings{"a", "b", "e"}); // big catches everything above 100
  CHECK(users(out, 1).empty());
  CHECK(users(out, 2) == strings{"c", "d"});
}

TEST_CASE("route in mode all sends a record to every route it matches") {
  auto out = run_route({{"routes", by_name}, {"mode", "all"}});
  CHECK(users(out, 0) == strings{"a", "e"});
  CHECK(users(out, 1) == strings{"a", "b", "e"});
  CHECK(users(out, 2) == strings{"c", "d"});
}

TEST_CASE("route emits a batch bound entirely for one port without a copy") {
  auto op = make_transform("transform.route", {{"routes", by_name}}, payments);
  auto in = make_batch(payments, R"([[1, 1, "x"], [2, 1, "y"]])");
  recording_emitter out(3);
  op->on_batch_from(0, 0, in, out);
  CHECK(out.batches[0].empty());
  CHECK(out.batches[1].empty());
  REQUIRE(out.batches[2].size() == 1);
  CHECK(out.batches[2][0] == in);
}

TEST_CASE("route sends a record whose predicate fails to errors, unless an earlier route matched") {
  nlohmann::json routes = nlohmann::json::array({{{"port", "big"}, {"where", "amount > 1000"}},
                                                 {{"port", "ratio"}, {"where", "amount / d > 1"}}});
  auto first = run_route({{"routes", routes}});
  // e (2000, d = 0) matches `big` first, so the failing division is never reached.
  CHECK(users(first, 0) == strings{"a", "e"});
  CHECK(users(first, 1) == strings{"b", "c"});
  CHECK(users(first, 2) == strings{"d"});
  CHECK(first.errors.empty());

  auto all = run_route({{"routes", routes}, {"mode", "all"}});
  REQUIRE(all.errors.size() == 1);
  CHECK(all.errors[0].row == 4);
  CHECK_THAT(all.errors[0].reason, Catch::Contains("division by zero"));
  CHECK(users(all, 0) == strings{"a"}); // the failing record goes to no port
  CHECK(users(all, 1) == strings{"a", "b", "c"});

  nlohmann::json failing_first =
    nlohmann::json::array({{{"port", "ratio"}, {"where", "amount / d > 1"}},
                           {{"port", "big"}, {"where", "amount > 1000"}}});
  auto out = run_route({{"routes", failing_first}});
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].record == R"({"amount":2000,"d":0,"user":"e"})");
  CHECK(users(out, 0) == strings{"a", "b", "c"});
  CHECK(users(out, 1).empty());
  CHECK(5 == out.rows(0) + out.rows(1) + out.rows(2) + out.errors.size());
}

TEST_CASE("route counts records bound only for unconnected ports as filtered") {
  core::operator_context ctx;
  ctx.inputs = {payments};
  ctx.output_connected = {true, false, false}; // alerts, big, default
  auto op =
    sluice::test::make_operator("transform.route", {{"routes", by_name}, {"mode", "all"}}, ctx);
  recording_emitter out(3);
  op->on_batch_from(0, 0, make_batch(payments, rows), out);
  CHECK(users(out, 0) == strings{"a", "e"});
  CHECK(out.batches[1].empty());
  CHECK(out.batches[2].empty());
  CHECK(out.filtered_count == 3); // b, c, d: a and e reached `alerts`
}

TEST_CASE("route declares its ports from its params, default last") {
  const auto& d = sluice::test::descriptor_of("transform.route");
  CHECK(d.dynamic_outputs);
  REQUIRE(d.output_names);
  CHECK(d.output_names({{"routes", by_name}}) == strings{"alerts", "big", "default"});
  nlohmann::json routes =
    nlohmann::json::array({{{"port", "z"}, {"where", "true"}}, {{"port", "a"}, {"where", "true"}}});
  CHECK(d.output_names({{"routes", routes}}) == strings{"z", "a", "default"});
  CHECK(d.output_names({{"routes", 7}}) == strings{"default"}); // never throws
  CHECK(d.output_names(nlohmann::json::object()) == strings{"default"});
  auto ports = d.outputs_for({{"routes", by_name}});
  REQUIRE(ports.size() == 3);
  CHECK(ports[2].name == "default");
  CHECK_FALSE(ports[2].help.empty());

  auto schemas = output_schemas_of("transform.route", {{"routes", by_name}}, {payments});
  REQUIRE(schemas.size() == 3);
  for (const auto& s : schemas) CHECK(*s == *payments);
}

TEST_CASE("a bad route predicate is a param error naming routes, the route and the position") {
  auto e = param_error_of("transform.route", {{"routes", {{"alerts", "amount > 'x'"}}}}, payments);
  REQUIRE(e);
  CHECK(e->param() == "routes");
  CHECK_THAT(e->what(), Catch::StartsWith("route 'alerts': "));
  CHECK(e->position() > 0);

  e = param_error_of("transform.route", {{"routes", {{"alerts", "amont > 1"}}}}, payments);
  REQUIRE(e);
  CHECK(e->position() == 1);

  e = param_error_of("transform.route", {{"routes", {{"alerts", "amount + 1"}}}}, payments);
  REQUIRE(e);
  CHECK(e->param() == "routes");
  CHECK(std::string(e->what()) == "route 'alerts': the predicate must be boolean, got int");
}

TEST_CASE("route rejects bad port names, empty routes and bad shapes, naming routes") {
  auto error_for = [](const nlohmann::json& routes) {
    auto e = param_error_of("transform.route", {{"routes", routes}}, payments);
    REQUIRE(e);
    CHECK(e->param() == "routes");
    return std::string(e->what());
  };
  CHECK_THAT(error_for({{"default", "true"}}), Catch::Contains("reserved"));
  CHECK_THAT(error_for({{"errors", "true"}}), Catch::Contains("reserved"));
  CHECK_THAT(error_for({{"a.b", "true"}}), Catch::Contains("letters, digits"));
  CHECK_THAT(error_for(nlohmann::json::object()), Catch::Contains("at least one"));
  CHECK_THAT(error_for("amount > 1"), Catch::Contains("must be an object"));
  CHECK_THAT(error_for({{"a", 1}}), Catch::Contains("must be a string"));
  CHECK_THAT(error_for(nlohmann::json::array({{{"port", "a"}}})),
             Catch::Contains("each array entry"));
  nlohmann::json twice = nlohmann::json::array(
    {{{"port", "a"}, {"where", "true"}}, {{"port", "a"}, {"where", "false"}}});
  CHECK_THAT(error_for(twice), Catch::Contains("named twice"));

  auto e = param_error_of("transform.route", {{"routes", by_name}, {"mode", "some"}}, payments);
  REQUIRE(e);
  CHECK(e->param() == "mode");
  CHECK(param_error_of("transform.route", nlohmann::json::object(), payments)->param() == "routes");
}

TEST_CASE("a pipeline validates edges from the route's named ports and rejects unknown ones") {
  auto doc = core::pipeline::pipeline_document::from_json(nlohmann::json::parse(R"({
    "schemaVersion": 1,
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 10}},
      {"id": "r", "kind": "transform.route", "params": {"routes": {"high": "value > 50", "even": "seq % 2 = 0"}}},
      {"id": "a", "kind": "sink.null"},
      {"id": "b", "kind": "sink.null"}
    ],
    "edges": [
      {"from": "gen", "to": "r"},
      {"from": "r.high", "to": "a"},
      {"from": "r.default", "to": "b"}
    ]})"));
  auto checked = core::pipeline::check(doc, ops::builtin_registry());
  REQUIRE(checked.errors.empty());
  const auto& r = checked.nodes[1];
  REQUIRE(r.outputs.size() == 3);
  CHECK(r.outputs[0].name == "even");
  CHECK(r.outputs[1].name == "high");
  CHECK(r.outputs[2].name == "default");
  CHECK(checked.edges[1].from_port == 1);
  CHECK(checked.edges[2].from_port == 2);

  doc.edges[1].from.port = "nope";
  checked = core::pipeline::check(doc, ops::builtin_registry());
  REQUIRE(checked.errors.size() == 1);
  CHECK_THAT(checked.errors[0].message, Catch::Contains("(it has: even, high, default, errors)"));

  doc.edges[1].from.port = "";
  checked = core::pipeline::check(doc, ops::builtin_registry());
  REQUIRE(checked.errors.size() == 1);
  CHECK_THAT(checked.errors[0].message, Catch::Contains("say which: 'r.<port>'"));
}
