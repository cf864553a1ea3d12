#include "view/problems_dock.hpp"

#include <QListWidget>

#include "model/pipeline_model.hpp"

namespace sluice::editor::view {

ProblemsDock::ProblemsDock(model::PipelineModel& model, QWidget* parent)
  : QDockWidget(tr("Problems"), parent), model_(model) {
  setObjectName("ProblemsDock");
  list_ = new QListWidget(this);
  list_->setWordWrap(true);
  setWidget(list_);
  connect(&model_, &model::PipelineModel::problemsChanged, this, &ProblemsDock::refresh);
  connect(&model_, &model::PipelineModel::documentReset, this, &ProblemsDock::refresh);
  auto activate = [this](QListWidgetItem* item) {
    const QString id = item->data(Qt::UserRole).toString();
    if (!id.isEmpty()) Q_EMIT nodeActivated(id);
  };
  connect(list_, &QListWidget::itemClicked, this, activate);
  connect(list_, &QListWidget::itemActivated, this, activate);
  refresh();
}

void ProblemsDock::refresh() {
  list_->clear();
  for (const core::pipeline::diagnostic& d : model_.problems()) {
    auto* item = new QListWidgetItem(QString::fromStdString(d.to_string()), list_);
    item->setData(Qt::UserRole, QString::fromStdString(d.node));
    item->setForeground(QColor(0xc6, 0x28, 0x28));
  }
  const int n = int(model_.problems().size());
  setWindowTitle(n ? tr("Problems (%1)").arg(n) : tr("Problems"));
}

} // namespace sluice::editor::view
