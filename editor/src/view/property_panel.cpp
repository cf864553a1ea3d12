#include "view/property_panel.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include "model/pipeline_model.hpp"
#include "view/property_context.hpp"
#include "view/property_editors.hpp"

namespace sluice::editor::view {

using model::EdgeKey;
using model::PipelineModel;

PropertyPanel::PropertyPanel(PipelineModel& model, QWidget* parent)
  : QDockWidget(tr("Properties"), parent), model_(model) {
  setObjectName("PropertyPanel");
  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  setWidget(scroll_);
  connect(&model_, &PipelineModel::nodeChanged, this, [this](const QString& id) {
    if (id == nodeId_ && !selfEdit_) rebuild();
  });
  connect(&model_, &PipelineModel::nodeRenamed, this,
          [this](const QString& from, const QString& to) {
            if (from != nodeId_) return;
            nodeId_ = to;
            rebuild();
          });
  connect(&model_, &PipelineModel::nodeRemoved, this, [this](const QString& id) {
    if (id == nodeId_) showNode({});
  });
  connect(&model_, &PipelineModel::documentReset, this, [this] { showNode({}); });
  connect(&model_, &PipelineModel::edgeRemoved, this, [this](const EdgeKey& e) {
    if (edge_ && *edge_ == e) showNode({});
  });
  connect(&model_, &PipelineModel::edgeChanged, this, [this](const EdgeKey& e) {
    if (edge_ && *edge_ == e && !selfEdit_) showEdge(e);
  });
  // Edges arriving change the input schema: field pickers get new fields.
  connect(&model_, &PipelineModel::edgeAdded, this, [this](const EdgeKey& e) {
    if (!selfEdit_ && e.to.section('.', 0, 0) == nodeId_) rebuild();
  });
  connect(&model_, &PipelineModel::problemsChanged, this, [this] {
    if (!problems_ || nodeId_.isEmpty()) return;
    QStringList lines;
    for (const core::pipeline::diagnostic& d : model_.problemsOf(nodeId_))
      lines << QString::fromStdString(d.to_string()).toHtmlEscaped();
    problems_->setText(lines.join("<br>"));
    problems_->setVisible(!lines.isEmpty());
  });
  // The pipeline form: its name and description, and how big it is.
  connect(&model_, &PipelineModel::pipelineInfoChanged, this, [this] {
    if (nodeId_.isEmpty() && !edge_ && !selfEdit_) rebuild();
  });
  for (auto signal : {&PipelineModel::nodeAdded, &PipelineModel::nodeRemoved})
    connect(&model_, signal, this, [this] {
      if (counts_) counts_->setText(countsText());
    });
  for (auto signal : {&PipelineModel::edgeAdded, &PipelineModel::edgeRemoved})
    connect(&model_, signal, this, [this] {
      if (counts_) counts_->setText(countsText());
    });
  showNode({});
}

QWidget* PropertyPanel::editorFor(const QString& name) const {
  return form_ ? form_->findChild<QWidget*>("param:" + name) : nullptr;
}

void PropertyPanel::showNode(const QString& id) {
  nodeId_ = id;
  edge_.reset();
  rebuild();
}

void PropertyPanel::showEdge(const EdgeKey& edge) {
  nodeId_.clear();
  edge_ = edge;
  QFormLayout* layout = nullptr;
  QWidget* form = startForm(&layout);
  buildEdgeForm(layout);
  scroll_->setWidget(form);
}

QWidget* PropertyPanel::startForm(QFormLayout** layout) {
  // The old form may be the sender of the signal that got us here (a
  // rename from its id field): delete it later, not now.
  if (form_) form_->deleteLater();
  scroll_->takeWidget();
  auto* form = new QWidget;
  form_ = form;
  problems_ = nullptr;
  counts_ = nullptr;
  // The form at the top, spare height below it (not spread between rows).
  auto* outer = new QVBoxLayout(form);
  *layout = new QFormLayout;
  outer->addLayout(*layout);
  outer->addStretch(1);
  (*layout)->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  (*layout)->setRowWrapPolicy(QFormLayout::WrapLongRows);
  return form;
}

void PropertyPanel::buildEdgeForm(QFormLayout* layout) {
  QWidget* form = form_;
  const EdgeKey key = *edge_;
  const core::pipeline::edge_spec* spec = nullptr;
  for (const core::pipeline::edge_spec& e : model_.document().edges)
    if (QString::fromStdString(e.from.to_string()) == key.from
        && QString::fromStdString(e.to.to_string()) == key.to)
      spec = &e;
  if (!spec) {
    layout->addRow(new QLabel(tr("Select one node to edit its properties."), form));
    return;
  }
  auto* title =
    new QLabel("<b>" + key.from.toHtmlEscaped() + " → " + key.to.toHtmlEscaped() + "</b>", form);
  layout->addRow(title);
  const QString schema = model_.edgeSchemaText(key);
  auto* fields = new QLabel(schema.isEmpty() ? tr("schema unknown") : schema, form);
  fields->setWordWrap(true);
  fields->setStyleSheet("color: #616161;");
  layout->addRow(tr("schema"), fields);

  auto* capacity = new QSpinBox(form);
  capacity->setObjectName("edge:capacity");
  capacity->setRange(1, 100000000);
  capacity->setValue(int(spec->capacity));
  capacity->setToolTip(tr("Records in flight on this edge, at most"));
  connect(capacity, &QSpinBox::valueChanged, this, [this, key](int v) {
    selfEdit_ = true;
    model_.setEdgeCapacity(key, v);
    selfEdit_ = false;
  });
  layout->addRow(tr("capacity"), capacity);

  // forward, rebalance, broadcast, or hash:<field> with a field picked.
  auto* partition = new QComboBox(form);
  partition->setObjectName("edge:partition");
  partition->setEditable(true);
  partition->addItem(QString());
  for (const char* p : {"forward", "rebalance", "broadcast"}) partition->addItem(p);
  for (const QString& f : model_.edgeSchemaText(key).split(", ", Qt::SkipEmptyParts))
    partition->addItem("hash:" + f.section(':', 0, 0).trimmed());
  partition->setEditText(QString::fromStdString(spec->partition));
  connect(partition, &QComboBox::editTextChanged, this, [this, key](const QString& text) {
    selfEdit_ = true;
    model_.setEdgePartition(key, text.trimmed());
    selfEdit_ = false;
  });
  layout->addRow(tr("partition"), partition);
}

void PropertyPanel::commitParam(const QString& name, const nlohmann::json& value) {
  selfEdit_ = true;
  model_.setParam(nodeId_, name, value);
  selfEdit_ = false;
}

void PropertyPanel::rebuild() {
  if (edge_) return showEdge(*edge_);
  QFormLayout* layout = nullptr;
  QWidget* form = startForm(&layout);

  const core::pipeline::node_spec* spec = nodeId_.isEmpty() ? nullptr : model_.node(nodeId_);
  if (!spec) {
    nodeId_.clear();
    buildPipelineForm(layout);
    scroll_->setWidget(form);
    return;
  }
  addGeneralRows(layout);

  const core::descriptor* desc = model_.descriptorOf(nodeId_);
  if (!desc) {
    scroll_->setWidget(form);
    return;
  }
  PropertyContext ctx;
  ctx.model = &model_;
  ctx.nodeId = nodeId_;
  ctx.inputSchema = inputSchemaOf(model_, nodeId_);
  for (int port = 0; port < int(desc->inputs.size()); ++port)
    ctx.inputFields << model_.inputFields(nodeId_, port);
  for (const core::property_spec& p : desc->properties) {
    const QString name = QString::fromStdString(p.name);
    PropertyContext c = ctx;
    c.commit = [this, name](const nlohmann::json& v) { commitParam(name, v); };
    auto it = spec->params.find(p.name);
    const nlohmann::json value = it != spec->params.end() ? *it : nlohmann::json();
    QWidget* editor = createPropertyEditor(p, value, c, form);
    auto* label = new QLabel(name + (p.required ? " *" : ""), form);
    label->setToolTip(QString::fromStdString(p.help));
    // Tables and text areas get the full width, under their label.
    const bool wide =
      p.type == core::param_type::expression || p.type == core::param_type::expression_map
      || p.type == core::param_type::aggregate_list || p.type == core::param_type::json;
    if (wide) {
      layout->addRow(label);
      layout->addRow(editor);
    } else {
      layout->addRow(label, editor);
    }
  }
  scroll_->setWidget(form);
}

void PropertyPanel::addGeneralRows(QFormLayout* layout) {
  QWidget* form = form_;
  const core::pipeline::node_spec* spec = model_.node(nodeId_);
  const core::descriptor* desc = model_.descriptorOf(nodeId_);

  auto* title = new QLabel(form);
  title->setWordWrap(true);
  title->setText("<b>" + QString::fromStdString(spec->kind).toHtmlEscaped() + "</b>"
                 + (desc ? "<br><span style='color:#616161'>"
                             + QString::fromStdString(desc->summary).toHtmlEscaped() + "</span>"
                         : QString()));
  layout->addRow(title);

  problems_ = new QLabel(form);
  problems_->setWordWrap(true);
  problems_->setStyleSheet("color: #c62828;");
  QStringList lines;
  for (const core::pipeline::diagnostic& d : model_.problemsOf(nodeId_))
    lines << QString::fromStdString(d.to_string()).toHtmlEscaped();
  problems_->setText(lines.join("<br>"));
  problems_->setVisible(!lines.isEmpty());
  // Below the fields, not above them: fixing a problem while typing must
  // not move the next field from under the mouse.
  if (auto* outer = qobject_cast<QVBoxLayout*>(form->layout())) outer->insertWidget(1, problems_);
  else layout->addRow(problems_);

  auto* id = new QLineEdit(nodeId_, form);
  id->setObjectName("node:id");
  connect(id, &QLineEdit::editingFinished, this, [this, id] {
    const QString wanted = id->text().trimmed();
    if (wanted.isEmpty() || wanted == nodeId_) return;
    const QString error = model_.renameNode(nodeId_, wanted);
    markInvalid(id, !error.isEmpty(), error);
  });
  layout->addRow(tr("id"), id);

  auto* parallelism = new QSpinBox(form);
  parallelism->setObjectName("node:parallelism");
  parallelism->setRange(1, 256);
  parallelism->setValue(int(spec->parallelism));
  connect(parallelism, &QSpinBox::valueChanged, this, [this](int v) {
    selfEdit_ = true;
    model_.setParallelism(nodeId_, v);
    selfEdit_ = false;
  });
  layout->addRow(tr("parallelism"), parallelism);

  auto* onError = new QComboBox(form);
  onError->setObjectName("node:on_error");
  onError->addItem(tr("(default: dead_letter)"), QString());
  for (const char* p : {"fail", "skip", "dead_letter"}) onError->addItem(p, QString(p));
  onError->setCurrentIndex(std::max(0, onError->findData(QString::fromStdString(spec->on_error))));
  connect(onError, &QComboBox::currentIndexChanged, this, [this, onError](int i) {
    selfEdit_ = true;
    model_.setOnError(nodeId_, onError->itemData(i).toString());
    selfEdit_ = false;
  });
  layout->addRow(tr("on_error"), onError);
}

} // namespace sluice::editor::view
