#pragma once

#include <QDockWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace sluice::editor::run {
class TapSession;
}

namespace sluice::editor::view {

/// The tap on the selected edge of a live run (run::TapSession): the
/// edge's name and state, its schema, the downstream watermark, the queue
/// fill and the tap's counters above a table of the latest records (newest
/// at the bottom, followed while the view is scrolled to the end). Pause
/// stops adding rows, Clear empties the table, and the filter line
/// reopens the tap with an expression (a refused one shows in red under
/// it). Closing the dock closes the tap.
class TapDock : public QDockWidget {
  Q_OBJECT

public:
  explicit TapDock(QWidget* parent = nullptr);

  run::TapSession* session() const { return session_; }
  /// Shows the dock on the edge and taps it (the session opens the tap
  /// only while the run is live).
  void showEdge(const QString& from, const QString& to);

  QLabel* titleLabel() const { return title_; }
  QLabel* stateLabel() const { return state_; }
  QLabel* schemaLabel() const { return schema_; }
  QLabel* watermarkLabel() const { return watermark_; }
  QProgressBar* queueBar() const { return queue_; }
  QLabel* countersLabel() const { return counters_; }
  QLineEdit* filterEdit() const { return filter_; }
  QLabel* errorLabel() const { return error_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* clearButton() const { return clear_; }
  QTableView* table() const { return table_; }

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void refresh();

  run::TapSession* session_;
  QLabel* title_;
  QLabel* state_;
  QLabel* schema_;
  QLabel* watermark_;
  QProgressBar* queue_;
  QLabel* counters_;
  QLineEdit* filter_;
  QLabel* error_;
  QPushButton* pause_;
  QPushButton* clear_;
  QTableView* table_;
  bool follow_ = true; ///< keep the newest row in view
  QString queueColor_;
  QString shownEdge_; ///< the edge the filter line was last set for
};

} // namespace sluice::editor::view
