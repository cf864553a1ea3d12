#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoStack>

#include "view/aggregates_edit.hpp"
#include "view/edge_item.hpp"
#include "view/expression_edit.hpp"
#include "view/expression_map_edit.hpp"
#include "view/field_picker.hpp"
#include "view/json_edit.hpp"
#include "view/property_editors.hpp"
#include "view/property_panel.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::model;
using namespace sluice::editor::view;

namespace {
nlohmann::json param(const PipelineModel& m, const char* node, const char* name) {
  const auto& params = m.node(node)->params;
  auto it = params.find(name);
  return it == params.end() ? nlohmann::json() : *it;
}

QString windowText() {
  return QStringLiteral(R"({
    "schemaVersion": 1, "name": "w", "description": "",
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 100}},
      {"id": "w", "kind": "window.tumbling",
       "params": {"size": "10s", "timestamp": "ts", "key": ["key"],
                  "aggregates": [{"fn": "count", "as": "n"}]}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "gen", "to": "w"}, {"from": "w", "to": "out"}],
    "layout": {"gen": {"x": 0, "y": 0}, "w": {"x": 240, "y": 0}, "out": {"x": 480, "y": 0}}
  })");
}
/// A spec as an operator would declare it.
core::property_spec spec(const char* name, core::param_type type) {
  core::property_spec s;
  s.name = name;
  s.type = type;
  return s;
}

/// Builds the editor for `s` in `parent`; edits land in `*committed`.
QWidget* editorOf(const core::property_spec& s, QWidget* parent, nlohmann::json* committed,
                  const nlohmann::json& value = nullptr) {
  PropertyContext ctx;
  ctx.inputFields = {{"ts", "user", "amount"}, {"ts", "region"}};
  ctx.commit = [committed](const nlohmann::json& v) { *committed = v; };
  return createPropertyEditor(s, value, ctx, parent);
}
} // namespace

TEST_CASE("the editor of a param is chosen by its type, whatever its name", "[view][properties]") {
  QWidget parent;
  nlohmann::json committed;
  using core::param_type;

  // A field param named like nothing known still gets the field picker.
  auto* picker =
    qobject_cast<FieldPicker*>(editorOf(spec("pivot", param_type::field), &parent, &committed));
  REQUIRE(picker);
  CHECK(picker->count() == 3);
  CHECK(picker->itemText(1) == "user");
  picker->setEditText("amount");
  CHECK(committed == "amount");

  // Names that used to mean "fields" give plain editors when typed plainly.
  for (const char* name : {"key", "timestamp", "field", "by"}) {
    INFO(name);
    QWidget* w = editorOf(spec(name, param_type::string), &parent, &committed);
    CHECK(qobject_cast<QLineEdit*>(w));
    CHECK_FALSE(qobject_cast<QComboBox*>(w));
  }
  auto* columns = qobject_cast<FieldListEdit*>(
    editorOf(spec("fields", param_type::string_list), &parent, &committed));
  REQUIRE(columns);
  CHECK(columns->pickButton()->isHidden()); // not the input's fields: nothing to pick
  auto* anyJson = editorOf(spec("aggregates", param_type::json), &parent, &committed);
  CHECK(qobject_cast<JsonEdit*>(anyJson));

  // A field list of any name offers the input's fields to tick.
  auto* list = qobject_cast<FieldListEdit*>(
    editorOf(spec("partition", param_type::field_list), &parent, &committed));
  REQUIRE(list);
  CHECK_FALSE(list->pickButton()->isHidden());
  CHECK(list->pickButton()->isEnabled());
  REQUIRE(list->pickButton()->menu());
  CHECK(list->pickButton()->menu()->actions().size() == 3);
  list->lineEdit()->setText("user, ts");
  Q_EMIT list->lineEdit()->textEdited(list->lineEdit()->text());
  CHECK(committed == nlohmann::json({"user", "ts"}));

  // The aggregates table goes with the type, not the name "aggregates".
  auto* aggs = qobject_cast<AggregatesEdit*>(
    editorOf(spec("totals", param_type::aggregate_list), &parent, &committed,
             nlohmann::json::array({{{"fn", "sum"}, {"field", "amount"}}})));
  REQUIRE(aggs);
  CHECK(aggs->table()->rowCount() == 1);

  // A field of the second input offers that input's fields.
  auto right = spec("right_ts", param_type::field);
  right.input = 1;
  auto* rightPicker = qobject_cast<FieldPicker*>(editorOf(right, &parent, &committed));
  REQUIRE(rightPicker);
  CHECK(rightPicker->count() == 2);
  CHECK(rightPicker->itemText(1) == "region");
}

TEST_CASE("a secret param is edited in a password line that never shows it", "[view][properties]") {
  QWidget parent;
  nlohmann::json committed;
  auto token = spec("token", core::param_type::secret);
  token.default_value = "from-the-spec";
  auto* edit = qobject_cast<QLineEdit*>(editorOf(token, &parent, &committed, "hunter2"));
  REQUIRE(edit);
  CHECK(edit->echoMode() == QLineEdit::Password);
  CHECK(edit->text() == "hunter2"); // held, but drawn as dots
  CHECK_FALSE(edit->displayText().contains("hunter2"));
  CHECK_FALSE(edit->placeholderText().contains("from-the-spec"));
  CHECK_FALSE(edit->toolTip().contains("hunter2"));
  edit->setFocus();
  edit->selectAll();
  QTest::keyClicks(edit, "s3cret");
  CHECK(committed == "s3cret");
  edit->selectAll();
  QTest::keyClick(edit, Qt::Key_Backspace);
  CHECK(committed.is_null()); // empty and optional: back to the default
}

TEST_CASE("a join's right timestamp picker offers the right input's fields", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model
            .loadText(QStringLiteral(R"({
    "schemaVersion": 1, "name": "j", "description": "",
    "nodes": [
      {"id": "a", "kind": "source.generator", "params": {"count": 10}},
      {"id": "b", "kind": "source.generator", "params": {"count": 10}},
      {"id": "m", "kind": "transform.map", "params": {"set": {"region": "key"}}},
      {"id": "j", "kind": "join.window", "params": {"on": ["key"], "size": "10s"}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "a", "to": "j.left"}, {"from": "b", "to": "m"},
              {"from": "m", "to": "j.right"}, {"from": "j", "to": "out"}],
    "layout": {}
  })"))
            .isEmpty());
  PropertyPanel panel(model);
  panel.showNode("j");
  auto* left = qobject_cast<FieldPicker*>(panel.editorFor("left_timestamp"));
  auto* right = qobject_cast<FieldPicker*>(panel.editorFor("right_timestamp"));
  REQUIRE(left);
  REQUIRE(right);
  CHECK(left->findText("region") < 0);
  CHECK(right->findText("region") >= 0);
  CHECK(right->findText("ts") >= 0);
}

TEST_CASE("editing a spin box sets the param and undo restores it", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(test::canvasText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("gen");
  auto* count = qobject_cast<QSpinBox*>(panel.editorFor("count"));
  REQUIRE(count);
  CHECK(count->value() == 100);
  // The spec's range is applied (keys: 1..1000000).
  auto* keys = qobject_cast<QSpinBox*>(panel.editorFor("keys"));
  REQUIRE(keys);
  CHECK(keys->minimum() == 1);
  CHECK(keys->maximum() == 1000000);

  count->setValue(250);
  CHECK(param(model, "gen", "count") == 250);
  model.undoStack()->undo();
  CHECK(param(model, "gen", "count") == 100);
  // The panel follows the undo.
  auto* again = qobject_cast<QSpinBox*>(panel.editorFor("count"));
  REQUIRE(again);
  CHECK(again->value() == 100);
}

TEST_CASE("the panel is generated from the property specs", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(windowText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("w");
  CHECK(qobject_cast<QComboBox*>(panel.editorFor("time")));             // choice
  CHECK(qobject_cast<QLineEdit*>(panel.editorFor("max_out_of_order"))); // duration
  CHECK(qobject_cast<FieldPicker*>(panel.editorFor("timestamp")));      // field
  CHECK(qobject_cast<FieldListEdit*>(panel.editorFor("key")));          // fields
  CHECK(qobject_cast<AggregatesEdit*>(panel.editorFor("aggregates")));  // list
  // The field picker offers the input schema's fields.
  auto* ts = qobject_cast<FieldPicker*>(panel.editorFor("timestamp"));
  const QStringList fields = model.inputFields("w");
  REQUIRE_FALSE(fields.isEmpty());
  CHECK(ts->count() == fields.size());
  CHECK(ts->currentText() == "ts");
}

TEST_CASE("a bad duration shows red and is not written", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(windowText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("w");
  auto* edit = qobject_cast<QLineEdit*>(panel.editorFor("max_out_of_order"));
  REQUIRE(edit);
  edit->setFocus();
  QTest::keyClicks(edit, "5x");
  CHECK(edit->property("invalid").toBool());
  // "5" (seconds) was fine and written; "5x" is not.
  CHECK(param(model, "w", "max_out_of_order") == "5");
  edit->clear();
  QTest::keyClicks(edit, "5s");
  CHECK_FALSE(edit->property("invalid").toBool());
  CHECK(param(model, "w", "max_out_of_order") == "5s");
}

TEST_CASE("the expression editor marks the error position as you type", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(test::canvasText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("f");
  auto* expr = qobject_cast<ExpressionEdit*>(panel.editorFor("where"));
  REQUIRE(expr);
  CHECK(expr->errorColumn() == 0);

  expr->editor()->selectAll();
  QTest::keyClicks(expr->editor(), "value > 1 AND pricee < 3");
  CHECK(expr->errorColumn() == 15); // "pricee" starts at column 15
  CHECK(expr->errorMessage().contains("pricee"));
  CHECK(expr->messageLabel()->text().startsWith("column 15"));
  const auto marks = expr->editor()->extraSelections();
  REQUIRE(marks.size() == 1);
  CHECK(marks.front().cursor.selectionStart() == 14);
  CHECK(marks.front().cursor.selectedText() == "pricee");
  // The text went to the model (one undoable edit) and the validator agrees.
  CHECK(param(model, "f", "where") == "value > 1 AND pricee < 3");
  CHECK_FALSE(model.problemsOf("f").empty());

  QTest::keyClick(expr->editor(), Qt::Key_Backspace); // ...pricee < (still bad)
  expr->editor()->selectAll();
  QTest::keyClicks(expr->editor(), "value > 5");
  CHECK(expr->errorColumn() == 0);
  CHECK(expr->editor()->extraSelections().isEmpty());
  CHECK(model.problemsOf("f").empty());
}

TEST_CASE("the aggregates editor writes the list of {fn, field, as}", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(windowText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("w");
  auto* aggs = qobject_cast<AggregatesEdit*>(panel.editorFor("aggregates"));
  REQUIRE(aggs);
  CHECK(aggs->table()->rowCount() == 1);
  auto* add = aggs->findChild<QPushButton*>("addAggregate");
  REQUIRE(add);
  add->click();
  auto* fn = qobject_cast<QComboBox*>(aggs->table()->cellWidget(1, 0));
  auto* field = qobject_cast<QComboBox*>(aggs->table()->cellWidget(1, 1));
  REQUIRE(fn);
  REQUIRE(field);
  CHECK(fn->findText("sum") >= 0); // the aggregate functions are offered
  fn->setEditText("sum");
  field->setEditText("value");
  const auto list = param(model, "w", "aggregates");
  REQUIRE(list.size() == 2);
  CHECK(list[0] == nlohmann::json({{"fn", "count"}, {"as", "n"}}));
  CHECK(list[1] == nlohmann::json({{"fn", "sum"}, {"field", "value"}}));
}

TEST_CASE("renaming in the id field renames the node", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(test::canvasText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("f");
  auto* id = panel.form()->findChild<QLineEdit*>("node:id");
  REQUIRE(id);
  id->setText("big");
  Q_EMIT id->editingFinished();
  CHECK(model.node("big"));
  CHECK(panel.nodeId() == "big");
}

TEST_CASE("selecting an edge shows its capacity and partition", "[view][properties]") {
  test::Canvas c;
  PropertyPanel panel(c.model);
  QObject::connect(c.scene.get(), &PipelineScene::edgeSelected, &panel, &PropertyPanel::showEdge);
  c.scene->edgeItem({"gen", "f"})->setSelected(true);
  auto* capacity = panel.form()->findChild<QSpinBox*>("edge:capacity");
  REQUIRE(capacity);
  CHECK(capacity->value() == 8192);
  capacity->setValue(1000);
  CHECK(c.model.document().edges.front().capacity == 1000);
  c.model.undoStack()->undo();
  CHECK(c.model.document().edges.front().capacity == 8192);
  auto* partition = panel.form()->findChild<QComboBox*>("edge:partition");
  REQUIRE(partition);
  CHECK(partition->findText("hash:value") >= 0); // fields of the edge's schema
}

TEST_CASE("the expression-map table edits field -> expression and flags bad ones",
          "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(test::canvasText()).isEmpty());
  REQUIRE(model.connect("f.out", "m.in").isEmpty()); // m gets an input schema
  PropertyPanel panel(model);
  panel.showNode("m");
  auto* map = qobject_cast<ExpressionMapEdit*>(panel.editorFor("set"));
  REQUIRE(map);
  REQUIRE(map->table()->rowCount() == 1);
  map->table()->item(0, 1)->setText("value * 3");
  CHECK(param(model, "m", "set") == nlohmann::json({{"twice", "value * 3"}}));
  map->table()->item(0, 1)->setText("valu * 3");
  CHECK(map->table()->item(0, 1)->toolTip().startsWith("column 1:"));
}

TEST_CASE("the JSON fallback only writes valid JSON", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(windowText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode("w");
  auto* size = qobject_cast<JsonEdit*>(panel.editorFor("size"));
  REQUIRE(size);
  size->editor()->setPlainText("\"30s");
  CHECK_FALSE(size->isValid());
  CHECK(param(model, "w", "size") == "10s");
  size->editor()->setPlainText("\"30s\"");
  CHECK(size->isValid());
  CHECK(param(model, "w", "size") == "30s");
}
