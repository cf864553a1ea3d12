// PropertyPanel with no node or edge selected: the pipeline's own settings.
#include "view/property_panel.hpp"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>

#include "model/pipeline_model.hpp"

namespace sluice::editor::view {

QString PropertyPanel::countsText() const {
  const int nodes = static_cast<int>(model_.document().nodes.size());
  const int edges = static_cast<int>(model_.document().edges.size());
  return (nodes == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes)) + QStringLiteral(", ")
         + (edges == 1 ? tr("1 edge") : tr("%1 edges").arg(edges));
}

void PropertyPanel::buildPipelineForm(QFormLayout* layout) {
  QWidget* form = form_;
  layout->addRow(new QLabel("<b>" + tr("Pipeline") + "</b>", form));

  auto* name = new QLineEdit(model_.pipelineName(), form);
  name->setObjectName("pipeline:name");
  name->setPlaceholderText(tr("named after its file when first saved"));
  connect(name, &QLineEdit::textEdited, this, [this](const QString& text) {
    selfEdit_ = true;
    model_.setPipelineName(text);
    selfEdit_ = false;
  });
  layout->addRow(tr("name"), name);

  auto* description = new QPlainTextEdit(model_.pipelineDescription(), form);
  description->setObjectName("pipeline:description");
  description->setTabChangesFocus(true);
  description->setFixedHeight(description->fontMetrics().lineSpacing() * 5);
  connect(description, &QPlainTextEdit::textChanged, this, [this, description] {
    selfEdit_ = true;
    model_.setPipelineDescription(description->toPlainText());
    selfEdit_ = false;
  });
  layout->addRow(tr("description"), description);

  counts_ = new QLabel(countsText(), form);
  counts_->setObjectName("pipeline:counts");
  counts_->setStyleSheet("color: #616161;");
  layout->addRow(tr("contents"), counts_);

  auto* hint = new QLabel(tr("Select one node to edit its properties."), form);
  hint->setWordWrap(true);
  hint->setStyleSheet("color: #757575;");
  layout->addRow(hint);
}

} // namespace sluice::editor::view
