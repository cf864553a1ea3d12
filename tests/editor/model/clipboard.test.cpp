#include <catch2/catch.hpp>

#include <QUndoStack>

#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using Catch::Matchers::Contains;
using editor::model::EdgeKey;
using editor::model::PipelineModel;

TEST_CASE("copying nodes gives readable JSON with only the edges among them", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  auto text = model.copyFragment({"m", "f"});
  auto j = nlohmann::json::parse(text.toStdString());
  REQUIRE(j["nodes"].size() == 2);
  CHECK(j["nodes"][0]["id"] == "f"); // document order
  CHECK(j["edges"] == nlohmann::json::parse(R"([{"from": "f", "to": "m"}])"));
  CHECK(j["layout"].size() == 2);
  CHECK_THAT(text.toStdString(), Contains("\n    {\n      \"id\": \"f\",")); // pretty
}

TEST_CASE("pasting a copy gives the same params under new ids, as one undo step", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  auto before = dumpOf(model);
  int steps = model.undoStack()->count();
  auto text = model.copyFragment({"f", "m"});
  QString error;
  auto ids = model.pasteFragment(text, QPointF(100, 400), &error);
  CHECK(error.isEmpty());
  CHECK(ids == QStringList({"f_2", "m_2"}));
  CHECK(model.undoStack()->count() == steps + 1);
  CHECK(model.node("f_2")->params == model.node("f")->params);
  CHECK(model.node("m_2")->params == model.node("m")->params);
  CHECK(model.edges().back() == EdgeKey{"f_2", "m_2"});
  CHECK(model.position("f_2") == QPointF(100, 400));
  CHECK(model.position("m_2") == QPointF(340, 400));
  // Pasting again counts on.
  CHECK(model.pasteFragment(text, QPointF(0, 0)) == QStringList({"f_3", "m_3"}));
  model.undoStack()->undo();
  model.undoStack()->undo();
  CHECK(dumpOf(model) == before);
}

TEST_CASE("a whole pipeline file pastes with its ids renamed where they collide", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  auto file = readFile(std::string(SLUICE_SOURCE_DIR) + "/pipelines/quickstart.json");
  auto ids = model.pasteFragment(QString::fromStdString(file), QPointF(0, 300));
  CHECK(ids == QStringList({"readings", "high", "doubled", "out_2"}));
  CHECK(model.edges().back() == EdgeKey{"doubled", "out_2"});
  CHECK(model.position("readings") == QPointF(0, 300));
  CHECK(model.problems().empty());
}

TEST_CASE("pasting bad JSON says where it is wrong and changes nothing", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  auto before = dumpOf(model);
  QString error;
  CHECK(
    model.pasteFragment("{\n  \"nodes\": [\n    {\"id\": \"x\",}\n  ]\n}", {}, &error).isEmpty());
  CHECK_THAT(error.toStdString(), Contains("line 3, column"));
  CHECK(model.pasteFragment("[1, 2]", {}, &error).isEmpty());
  CHECK_THAT(error.toStdString(), Contains("\"nodes\""));
  CHECK(model.pasteFragment(R"({"nodes": [{"kind": "sink.null"}]})", {}, &error).isEmpty());
  CHECK_THAT(error.toStdString(), Contains("nodes[0].id: missing"));
  CHECK(dumpOf(model) == before);
}
