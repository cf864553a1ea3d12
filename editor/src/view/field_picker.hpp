#pragma once

#include <QComboBox>
#include <QWidget>

class QLineEdit;
class QToolButton;

namespace sluice::editor::view {

/// A single field name: an editable combo offering the input fields while
/// accepting any text (the schema may not be known yet).
class FieldPicker : public QComboBox {
  Q_OBJECT

public:
  FieldPicker(const QStringList& fields, const QString& value, QWidget* parent = nullptr);
};

/// A list of strings (field names for field_list params): comma-separated
/// text, plus a menu of the input fields to tick on and off.
class FieldListEdit : public QWidget {
  Q_OBJECT

public:
  FieldListEdit(const QStringList& fields, const QStringList& value, QWidget* parent = nullptr);

  QStringList values() const;
  QLineEdit* lineEdit() const { return edit_; }
  /// Opens the menu of fields; disabled when there are none.
  QToolButton* pickButton() const { return button_; }

signals:
  void valuesChanged(const QStringList& values);

private:
  void toggle(const QString& field, bool on);

  QLineEdit* edit_;
  QToolButton* button_;
};

} // namespace sluice::editor::view
