#pragma once

#include <QDockWidget>

class QListWidget;

namespace sluice::editor::model {
class PipelineModel;
}

namespace sluice::editor::view {

/// Every validator problem of the document; activating one names its node
/// (the main window selects it and centres the view on it).
class ProblemsDock : public QDockWidget {
  Q_OBJECT

public:
  explicit ProblemsDock(model::PipelineModel& model, QWidget* parent = nullptr);
  QListWidget* list() const { return list_; }

signals:
  void nodeActivated(const QString& id);

private:
  void refresh();

  model::PipelineModel& model_;
  QListWidget* list_;
};

} // namespace sluice::editor::view
