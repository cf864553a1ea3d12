#include <catch2/catch.hpp>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>

#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using editor::model::PipelineModel;

namespace {

void writeText(const QString& path, const QString& text) {
  QFile f(path);
  REQUIRE(f.open(QIODevice::WriteOnly));
  f.write(text.toUtf8());
}

} // namespace

TEST_CASE("a pipeline's name and description are undoable edits that are saved", "[model][info]") {
  PipelineModel model(registry());
  QSignalSpy changed(&model, &PipelineModel::pipelineInfoChanged);
  model.setPipelineName("orders");
  model.setPipelineDescription("Orders per minute, by country");
  CHECK(model.pipelineName() == "orders");
  CHECK(model.document().description == "Orders per minute, by country");
  CHECK(model.isDirty());
  CHECK(changed.count() == 2);
  CHECK(model.undoStack()->count() == 2);

  model.undoStack()->undo();
  CHECK(model.pipelineDescription().isEmpty());
  CHECK(model.pipelineName() == "orders");
  model.undoStack()->undo();
  CHECK(model.pipelineName().isEmpty());
  CHECK_FALSE(model.isDirty());
  model.undoStack()->redo();
  model.undoStack()->redo();

  QTemporaryDir dir;
  const QString path = dir.filePath("somewhere.json");
  REQUIRE(model.save(path).isEmpty());
  PipelineModel reread(registry());
  REQUIRE(reread.load(path).isEmpty());
  CHECK(reread.pipelineName() == "orders");
  CHECK(reread.pipelineDescription() == "Orders per minute, by country");
}

TEST_CASE("typing a pipeline name is one undo step and setting the same name is none",
          "[model][info]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  model.setPipelineName("chain");
  CHECK(model.undoStack()->count() == 0);
  for (const char* typed : {"c", "ch", "chains"}) model.setPipelineName(typed);
  CHECK(model.undoStack()->count() == 1);
  model.undoStack()->undo();
  CHECK(model.pipelineName() == "chain");
}

TEST_CASE("an untitled pipeline without a name is named after its file when first saved",
          "[model][info]") {
  QTemporaryDir dir;
  PipelineModel model(registry());
  model.addNode("source.generator", {0, 0});
  const QString path = dir.filePath("click_counts.json");
  REQUIRE(model.save(path).isEmpty());
  CHECK(model.pipelineName() == "click_counts");
  CHECK(QString::fromStdString(readFile(path.toStdString())).contains(R"("name": "click_counts")"));
  CHECK_FALSE(model.isDirty());

  // Named once: saving elsewhere later keeps the name.
  REQUIRE(model.save(dir.filePath("copy.json")).isEmpty());
  CHECK(model.pipelineName() == "click_counts");

  // A name given by the user is kept.
  PipelineModel named(registry());
  named.setPipelineName("mine");
  REQUIRE(named.save(dir.filePath("other.json")).isEmpty());
  CHECK(named.pipelineName() == "mine");
}

TEST_CASE("a file without a name opened and saved unchanged keeps its bytes", "[model][info]") {
  QTemporaryDir dir;
  const QString path = dir.filePath("nameless.json");
  const QString text = QStringLiteral(
    "{\"schemaVersion\": 1, \"name\": \"\",\n \"nodes\": [{\"id\": \"gen\", \"kind\": "
    "\"source.generator\"}, {\"id\": \"out\", \"kind\": \"sink.null\"}],\n"
    " \"edges\": [{\"from\": \"gen\", \"to\": \"out\"}]}\n");
  writeText(path, text);
  PipelineModel model(registry());
  REQUIRE(model.load(path).isEmpty());
  REQUIRE(model.save(path).isEmpty());
  CHECK(readFile(path.toStdString()) == text.toStdString());
  CHECK(model.pipelineName().isEmpty());
}
