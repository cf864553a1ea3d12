#pragma once

#include <QWidget>

#include "view/runtime_headers.hpp"

class QLabel;
class QPlainTextEdit;

namespace sluice::editor::view {

/// An expression editor that compiles what is typed with core's expression
/// compiler against the node's input schema, and marks the error: a wavy
/// red underline from the error column to the end of that token, and the
/// message ("column 7: unknown field 'pricee'") below.
class ExpressionEdit : public QWidget {
  Q_OBJECT

public:
  explicit ExpressionEdit(QWidget* parent = nullptr);

  /// The schema to check against; null means unknown (input unconnected):
  /// then only the validator's diagnostics can be shown (setExternalError).
  void setSchema(core::schema_ptr schema);
  void setText(const QString& text);
  QString text() const;
  QPlainTextEdit* editor() const { return edit_; }
  QLabel* messageLabel() const { return message_; }

  /// 1-based column of the current error, 0 when the text compiles.
  int errorColumn() const { return errorColumn_; }
  QString errorMessage() const { return errorMessage_; }
  /// Shows an error found elsewhere (the validator) when there is no local
  /// schema to compile against.
  void setExternalError(int column, const QString& message);

  /// Checks `text` against `schema`: returns "" or the message, and the
  /// 1-based column in *column. Shared with the expression-map table.
  static QString check(const QString& text, const core::schema& schema, int* column);

signals:
  void textEdited(const QString& text);

private:
  void validate();
  void showError(int column, const QString& message);

  QPlainTextEdit* edit_;
  QLabel* message_;
  core::schema_ptr schema_;
  int errorColumn_ = 0;
  QString errorMessage_;
  bool settingText_ = false;
};

} // namespace sluice::editor::view
