#include <catch2/catch.hpp>

#include <filesystem>

#include "sluice/checkpoint/resume_plan.hpp"
#include "sluice/ops/builtin.hpp"

using namespace sluice;
using checkpoint::node_fate;

namespace {

/// generator -> window (tumbling, 10s) -> top (heavy hitters, k 5) -> out.
nlohmann::json base_pipeline() {
  return nlohmann::json::parse(R"J({
    "schemaVersion": 1,
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 1000}},
      {"id": "window", "kind": "window.tumbling",
       "params": {"size": "10s", "timestamp": "ts", "key": ["key"],
                  "aggregates": [{"fn": "count"}]}},
      {"id": "top", "kind": "synopsis.heavy_hitters", "params": {"key": "key", "k": 5}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "gen", "to": "window"}, {"from": "window", "to": "top"},
              {"from": "top", "to": "out"}]
  })J");
}

core::pipeline::checked_pipeline checked(const nlohmann::json& doc) {
  auto c = core::pipeline::check(core::pipeline::pipeline_document::from_json(doc),
                                 ops::builtin_registry());
  std::string errors;
  for (const auto& e : c.errors) errors += e.to_string() + "\n";
  INFO(errors);
  REQUIRE(c.ok());
  return c;
}

/// A checkpoint of a run of `doc`: every node holds 100 bytes per instance.
checkpoint::checkpoint_info taken_from(const nlohmann::json& doc, std::uint64_t id = 7) {
  checkpoint::checkpoint_info info;
  info.id = id;
  info.taken_ms = 1765116677000;
  info.duration_ms = 12;
  info.pipeline = doc;
  for (const auto& n : doc["nodes"]) {
    checkpoint::node_state s;
    s.id = n["id"];
    s.kind = n["kind"];
    s.parallelism = n.value("parallelism", 1);
    s.instance_bytes.assign(s.parallelism, 100);
    info.nodes.push_back(s);
  }
  return info;
}

nlohmann::json& node(nlohmann::json& doc, const std::string& id) {
  for (auto& n : doc["nodes"])
    if (n["id"] == id) return n;
  FAIL("no node " << id);
  throw std::logic_error("unreachable");
}

checkpoint::resume_plan plan(const nlohmann::json& before, const nlohmann::json& after,
                             const std::set<std::string>& reset = {}) {
  return checkpoint::plan_resume(taken_from(before), checked(after), reset);
}

node_fate fate(const checkpoint::resume_plan& p, const std::string& id) {
  const auto* n = p.find(id);
  REQUIRE(n);
  return n->fate;
}

std::string reasons(const checkpoint::resume_plan& p, const std::string& id) {
  const auto* n = p.find(id);
  REQUIRE(n);
  std::string out;
  for (const auto& r : n->reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

} // namespace

TEST_CASE("resuming the pipeline a checkpoint was taken from restores every node") {
  auto p = plan(base_pipeline(), base_pipeline());
  REQUIRE(p.nodes.size() == 4);
  for (const auto& n : p.nodes) {
    CHECK(n.fate == node_fate::restored);
    CHECK(n.state_bytes == 100);
  }
  CHECK_FALSE(p.refused());
  CHECK(p.reset_nodes().empty());
  CHECK(p.checkpoint_id == 7);
}

TEST_CASE("a node added since the checkpoint is new and a node taken out is removed") {
  auto after = base_pipeline();
  after["nodes"].push_back(
    {{"id", "high"}, {"kind", "transform.filter"}, {"params", {{"where", "count > 3"}}}});
  after["edges"] = nlohmann::json::parse(R"J([{"from": "gen", "to": "window"},
    {"from": "window", "to": "high"}, {"from": "high", "to": "out"}])J");
  auto& nodes = after["nodes"];
  nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                             [](const nlohmann::json& n) { return n["id"] == "top"; }),
              nodes.end());
  auto p = plan(base_pipeline(), after);
  CHECK(fate(p, "high") == node_fate::added);
  CHECK(p.find("high")->state_bytes == 0);
  CHECK(fate(p, "top") == node_fate::removed);
  CHECK(p.find("top")->kind == "synopsis.heavy_hitters");
  CHECK(fate(p, "window") == node_fate::restored);
  // Removed nodes come after the pipeline's own.
  CHECK(p.nodes.back().id == "top");
  CHECK_FALSE(p.refused());
}

TEST_CASE("a changed window size makes the window incompatible and the resume refused") {
  auto after = base_pipeline();
  node(after, "window")["params"]["size"] = "20s";
  auto p = plan(base_pipeline(), after);
  CHECK(fate(p, "window") == node_fate::incompatible);
  CHECK(reasons(p, "window") == "param 'size' changed from \"10s\" to \"20s\"");
  CHECK(fate(p, "gen") == node_fate::restored);
  CHECK(p.refused());
  CHECK(p.refused_nodes() == std::vector<std::string>{"window"});
}

TEST_CASE("every changed shaping param is named, in the order the kind declares them") {
  auto after = base_pipeline();
  node(after, "window")["params"]["key"] = {"key", "seq"};
  node(after, "window")["params"]["aggregates"] = {{{"fn", "sum"}, {"field", "value"}}};
  auto p = plan(base_pipeline(), after);
  CHECK(reasons(p, "window")
        == "param 'key' changed from [\"key\"] to [\"key\",\"seq\"]; param 'aggregates' changed "
           "from "
           "[{\"fn\":\"count\"}] to [{\"field\":\"value\",\"fn\":\"sum\"}]");
}

TEST_CASE("a param that only changes what happens next may change on resume") {
  auto after = base_pipeline();
  node(after, "window")["params"]["allowed_lateness"] = "5s";
  node(after, "window")["params"]["max_out_of_order"] = "1s";
  node(after, "gen")["params"]["count"] = 5000;
  node(after, "window")["on_error"] = "skip";
  auto p = plan(base_pipeline(), after);
  CHECK_FALSE(p.refused());
  CHECK(fate(p, "window") == node_fate::restored);
  CHECK(fate(p, "gen") == node_fate::restored);
}

TEST_CASE("shaping params compare by their effective values") {
  auto after = base_pipeline();
  // The default written out, the same duration in other units, the same
  // instant in another zone.
  node(after, "top")["params"]["k"] = 5;
  node(after, "window")["params"]["size"] = "10000ms";
  node(after, "window")["params"]["time"] = "event";
  node(after, "gen")["params"]["interval"] = "1ms";
  node(after, "gen")["params"]["start"] = "2026-01-01T01:00:00+01:00";
  auto p = plan(base_pipeline(), after);
  CHECK_FALSE(p.refused());

  // A value other than the default does count.
  node(after, "top")["params"]["k"] = 10;
  p = plan(base_pipeline(), after);
  CHECK(reasons(p, "top") == "param 'k' changed from 5 to 10");
}

TEST_CASE("a param set where it was absent is a change, named as not set before") {
  auto after = base_pipeline();
  node(after, "top")["params"]["counters"] = 500;
  auto p = plan(base_pipeline(), after);
  CHECK(reasons(p, "top") == "param 'counters' changed from (not set) to 500");
}

TEST_CASE("a node whose kind changed under the same id is incompatible") {
  auto after = base_pipeline();
  node(after, "window")["kind"] = "window.session";
  node(after, "window")["params"].erase("size");
  node(after, "window")["params"]["gap"] = "10s";
  auto p = plan(base_pipeline(), after);
  CHECK(fate(p, "window") == node_fate::incompatible);
  CHECK(reasons(p, "window") == "kind changed from window.tumbling to window.session");
}

TEST_CASE("a node whose parallelism changed is incompatible: state is kept per instance") {
  auto after = base_pipeline();
  node(after, "out")["parallelism"] = 3;
  auto p = plan(base_pipeline(), after);
  CHECK(fate(p, "out") == node_fate::incompatible);
  CHECK(reasons(p, "out") == "parallelism changed from 1 to 3: state is kept per instance");
  CHECK(fate(p, "top") == node_fate::restored);
}

TEST_CASE("a node fed by more channels than before is incompatible") {
  auto after = base_pipeline();
  node(after, "gen")["parallelism"] = 2;
  auto p = plan(base_pipeline(), after);
  CHECK(fate(p, "gen") == node_fate::incompatible);
  CHECK(fate(p, "window") == node_fate::incompatible);
  CHECK(reasons(p, "window")
        == "input 'in' has 2 channels per instance, had 1: progress and records in flight are "
           "kept per channel");
  CHECK(fate(p, "top") == node_fate::restored);
}

TEST_CASE("a node asked to be reset starts without its state and lifts the refusal") {
  auto after = base_pipeline();
  node(after, "top")["params"]["k"] = 10;
  auto p = plan(base_pipeline(), after, {"top", "window"});
  CHECK_FALSE(p.refused());
  CHECK(fate(p, "top") == node_fate::reset);
  CHECK(p.find("top")->incompatible());
  CHECK(fate(p, "window") == node_fate::reset);
  CHECK_FALSE(p.find("window")->incompatible());
  CHECK(p.reset_nodes() == std::set<std::string>{"top", "window"});
}

TEST_CASE("resetting a node the pipeline does not have is an error naming it") {
  try {
    plan(base_pipeline(), base_pipeline(), {"nope"});
    FAIL("no error");
  } catch (const checkpoint::resume_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("'nope'") && Catch::Contains("gen, window, top, out"));
  }
}

TEST_CASE("a checkpoint whose stored pipeline is damaged is an error naming the checkpoint") {
  auto info = taken_from(base_pipeline());
  info.pipeline = {{"schemaVersion", 1}};
  try {
    checkpoint::plan_resume(info, checked(base_pipeline()), {});
    FAIL("no error");
  } catch (const checkpoint::resume_error& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("checkpoint 7:") && Catch::Contains("nodes"));
  }
  info = taken_from(base_pipeline());
  info.nodes.push_back({"ghost", "sink.null", 1, {10}});
  CHECK_THROWS_WITH(checkpoint::plan_resume(info, checked(base_pipeline()), {}),
                    Catch::Contains("checkpoint 7") && Catch::Contains("'ghost'"));
}

TEST_CASE("the text report has one aligned line per node and says how to reset") {
  auto after = base_pipeline();
  node(after, "top")["params"]["k"] = 10;
  after["nodes"].push_back({{"id", "extra"}, {"kind", "sink.null"}});
  after["edges"].push_back({{"from", "window"}, {"to", "extra"}});
  auto before = base_pipeline();
  before["nodes"].push_back({{"id", "old_sink"}, {"kind", "sink.null"}});
  before["edges"].push_back({{"from", "gen"}, {"to", "old_sink"}});
  auto p = plan(before, after);
  CHECK(p.to_text()
        == "  gen       state restored\n"
           "  window    state restored\n"
           "  top       incompatible: param 'k' changed from 5 to 10 (use --reset-state top)\n"
           "  out       state restored\n"
           "  extra     new node (no state)\n"
           "  old_sink  node removed (state dropped)\n");
  p = plan(before, after, {"top", "out"});
  CHECK_THAT(p.to_text(),
             Catch::Contains("  top       state reset (param 'k' changed from 5 to 10)\n")
               && Catch::Contains("  out       state reset (asked)\n"));
}

TEST_CASE("the JSON report gives each node's status, reasons and state size") {
  auto after = base_pipeline();
  node(after, "top")["params"]["k"] = 10;
  auto j = plan(base_pipeline(), after).to_json();
  CHECK(j["checkpoint"] == 7);
  CHECK(j["refused"] == true);
  REQUIRE(j["nodes"].size() == 4);
  CHECK(j["nodes"][0]
        == nlohmann::json({{"id", "gen"},
                           {"kind", "source.generator"},
                           {"status", "restored"},
                           {"reasons", nlohmann::json::array()},
                           {"state_bytes", 100}}));
  CHECK(j["nodes"][2]["status"] == "incompatible");
  CHECK(j["nodes"][2]["reasons"][0] == "param 'k' changed from 5 to 10");
}

TEST_CASE("a restart resumes from the newest complete checkpoint unless the run finished") {
  auto dir = std::filesystem::path(SLUICE_BINARY_DIR) / "test-output" / "resume-point";
  std::filesystem::remove_all(dir);
  checkpoint::store s(dir);
  CHECK_FALSE(checkpoint::resume_point(s));
  for (std::uint64_t id : {1, 2}) {
    auto info = taken_from(base_pipeline(), id);
    for (const auto& n : info.nodes) s.write_part(id, n.id, 0, std::string(100, 'x'));
    s.complete(info);
  }
  s.write_part(3, "gen", 0, "incomplete"); // no metadata: not a checkpoint yet
  auto point = checkpoint::resume_point(s);
  REQUIRE(point);
  CHECK(point->id == 2);
  s.mark_finished(1765116680000, 2);
  CHECK_FALSE(checkpoint::resume_point(s));
  std::filesystem::remove_all(dir);
}
