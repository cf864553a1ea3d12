#include <catch2/catch.hpp>

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>

#include <filesystem>

#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using editor::model::PipelineModel;

namespace {

/// Example pipelines name their data relative to the repository root.
struct InSourceDir {
  QString previous = QDir::currentPath();
  InSourceDir() { QDir::setCurrent(SLUICE_SOURCE_DIR); }
  ~InSourceDir() { QDir::setCurrent(previous); }
};

std::vector<std::string> examplePipelines() {
  std::vector<std::string> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(SLUICE_SOURCE_DIR) / "pipelines"))
    if (entry.path().extension() == ".json") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// The text before the top-level "layout" key (or before the final brace
/// when there is none): what a layout-only change must leave alone.
std::string beforeLayout(const std::string& text) {
  auto at = text.find("\n  \"layout\"");
  if (at == std::string::npos) at = text.rfind("\n}");
  auto head = text.substr(0, at);
  if (!head.empty() && head.back() == ',') head.pop_back();
  return head;
}

} // namespace

TEST_CASE("every example pipeline opened and saved unchanged is byte-identical", "[model]") {
  auto files = examplePipelines();
  REQUIRE(files.size() >= 5);
  InSourceDir here;
  QTemporaryDir dir;
  for (const auto& file : files) {
    INFO(file);
    PipelineModel model(registry());
    REQUIRE(model.load(QString::fromStdString(file)).isEmpty());
    CHECK(model.problems().empty());
    auto target = dir.filePath("saved.json");
    REQUIRE(model.save(target).isEmpty());
    CHECK(readFile(target.toStdString()) == readFile(file));
    CHECK(model.filePath() == target);
  }
}

TEST_CASE("moving nodes of an example pipeline changes only its layout when saved", "[model]") {
  QTemporaryDir dir;
  for (const auto& file : examplePipelines()) {
    INFO(file);
    PipelineModel model(registry());
    REQUIRE(model.load(QString::fromStdString(file)).isEmpty());
    auto ids = model.nodeIds();
    model.moveNodes({{ids.front(), QPointF(33, 44)}, {ids.back(), QPointF(555, 66)}});
    CHECK(model.isDirty());
    auto original = readFile(file);
    // Moved back, it saves as it was.
    model.undoStack()->undo();
    CHECK(model.documentText().toStdString() == original);
    model.undoStack()->redo();
    auto target = dir.filePath("moved.json");
    REQUIRE(model.save(target).isEmpty());
    CHECK(!model.isDirty());
    auto saved = readFile(target.toStdString());
    CHECK(beforeLayout(saved) == beforeLayout(original));
    auto reread = core::pipeline::pipeline_document::parse(saved);
    CHECK(reread.layout[ids.front().toStdString()] == nlohmann::json({{"x", 33}, {"y", 44}}));
    CHECK(reread.layout[ids.back().toStdString()] == nlohmann::json({{"x", 555}, {"y", 66}}));
  }
}

TEST_CASE("a changed document is saved in the core's pretty format", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.load(QString(SLUICE_SOURCE_DIR) + "/pipelines/fraud_alerts.json").isEmpty());
  model.setParallelism("explain", 2);
  QTemporaryDir dir;
  auto target = dir.filePath("changed.json");
  REQUIRE(model.save(target).isEmpty());
  CHECK(readFile(target.toStdString()) == model.document().dump());
}

TEST_CASE("opening a broken file keeps the document and says where the problem is", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  CHECK(
    model.loadText("{\n  \"schemaVersion\": 1,\n  \"nodes\": [,]\n}").startsWith("line 3, column"));
  CHECK(model.load("/no/such/file.json").startsWith("cannot open /no/such/file.json"));
  CHECK(model.nodeIds().size() == 4);
  // A validation problem does not refuse the file.
  CHECK(
    model.loadText(R"({"schemaVersion": 1, "nodes": [{"id": "f", "kind": "transform.filter"}]})")
      .isEmpty());
  CHECK(!model.problems().empty());
}

TEST_CASE("a file without layout is drawn left to right without the file changing", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.load(QString(SLUICE_SOURCE_DIR) + "/pipelines/fraud_alerts.json").isEmpty());
  CHECK(!model.hasStoredPosition("payments"));
  CHECK(model.position("payments").x() < model.position("screen").x());
  CHECK(model.position("screen").x() < model.position("explain").x());
  CHECK(model.position("explain") != model.position("ok"));
  CHECK(model.documentText().toStdString()
        == readFile(std::string(SLUICE_SOURCE_DIR) + "/pipelines/fraud_alerts.json"));
  auto drawn = model.position("ok");
  QSignalSpy moved(&model, &PipelineModel::nodeMoved);
  model.moveNodes({{"ok", QPointF(5, 5)}});
  CHECK(model.hasStoredPosition("ok"));
  model.undoStack()->undo();
  CHECK(!model.hasStoredPosition("ok"));
  CHECK(model.position("ok") == drawn);
  REQUIRE(moved.count() == 2);
  CHECK(moved[1].at(1).toPointF() == drawn);
}
