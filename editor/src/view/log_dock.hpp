#pragma once

#include <QDockWidget>

class QPlainTextEdit;

namespace sluice::editor::view {

/// The run log: messages of in-process and attached runs, errors in red
/// with the node they came from.
class LogDock : public QDockWidget {
  Q_OBJECT

public:
  explicit LogDock(QWidget* parent = nullptr);

  void appendMessage(const QString& text);
  void appendError(const QString& node, const QString& message);
  void clear();
  QPlainTextEdit* text() const { return text_; }

private:
  void append(const QString& html);

  QPlainTextEdit* text_;
};

} // namespace sluice::editor::view
