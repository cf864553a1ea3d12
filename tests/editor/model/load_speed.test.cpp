#include <catch2/catch.hpp>

#include <QElapsedTimer>

#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using editor::model::PipelineModel;

namespace {

/// 100 chains gen -> filter -> map -> filter -> sink: 500 nodes, 400 edges.
std::string bigPipeline() {
  nlohmann::json doc = {{"schemaVersion", 1},
                        {"nodes", nlohmann::json::array()},
                        {"edges", nlohmann::json::array()},
                        {"layout", nlohmann::json::object()}};
  for (int c = 0; c < 100; ++c) {
    auto id = [&](const char* stage) { return std::string(stage) + "_" + std::to_string(c); };
    doc["nodes"].push_back(
      {{"id", id("gen")}, {"kind", "source.generator"}, {"params", {{"count", 10}}}});
    doc["nodes"].push_back(
      {{"id", id("hi")}, {"kind", "transform.filter"}, {"params", {{"where", "value > 10"}}}});
    doc["nodes"].push_back({{"id", id("map")},
                            {"kind", "transform.map"},
                            {"params", {{"set", {{"twice", "value * 2"}}}}}});
    doc["nodes"].push_back(
      {{"id", id("lo")}, {"kind", "transform.filter"}, {"params", {{"where", "twice < 150"}}}});
    doc["nodes"].push_back({{"id", id("out")}, {"kind", "sink.null"}});
    const char* stages[] = {"gen", "hi", "map", "lo", "out"};
    for (int s = 0; s < 5; ++s) {
      doc["layout"][id(stages[s])] = {{"x", s * 240}, {"y", c * 120}};
      if (s > 0) doc["edges"].push_back({{"from", id(stages[s - 1])}, {"to", id(stages[s])}});
    }
  }
  return doc.dump(2);
}

} // namespace

TEST_CASE("a 500-node pipeline loads and checks completely", "[model][speed]") {
  auto text = QString::fromStdString(bigPipeline());
  PipelineModel model(registry());
  QElapsedTimer clock;
  clock.start();
  REQUIRE(model.loadText(text).isEmpty());
  auto ms = clock.elapsed();
  CHECK(model.nodeIds().size() == 500);
  CHECK(model.edges().size() == 400);
  INFO(problemText(model));
  CHECK(model.problems().empty());
  // Measured, not asserted (docs/ARCHITECTURE.md §9); shown with -s.
  std::printf("editor.model: 500-node load and check took %lld ms\n", static_cast<long long>(ms));
  clock.restart();
  model.setParam("hi_0", "where", "value > 11");
  std::printf("editor.model: one param edit with re-check took %lld ms\n",
              static_cast<long long>(clock.elapsed()));
  clock.restart();
  model.autoLayout();
  std::printf("editor.model: auto-layout of 500 nodes took %lld ms\n",
              static_cast<long long>(clock.elapsed()));
}
