#include "view/field_picker.hpp"

#include <QHBoxLayout>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>

namespace sluice::editor::view {

FieldPicker::FieldPicker(const QStringList& fields, const QString& value, QWidget* parent)
  : QComboBox(parent) {
  setEditable(true);
  setInsertPolicy(QComboBox::NoInsert);
  addItems(fields);
  setEditText(value);
  if (fields.isEmpty())
    lineEdit()->setPlaceholderText(tr("field name (connect the input to pick)"));
}

FieldListEdit::FieldListEdit(const QStringList& fields, const QStringList& value, QWidget* parent)
  : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  edit_ = new QLineEdit(value.join(", "), this);
  edit_->setPlaceholderText(fields.isEmpty() ? tr("a, b, c") : tr("pick fields or type a, b"));
  button_ = new QToolButton(this);
  button_->setText(tr("Fields"));
  button_->setPopupMode(QToolButton::InstantPopup);
  // The menu arrow is drawn over the text's end ("Field"): leave room for it.
  button_->setMinimumWidth(button_->sizeHint().width() + button_->fontMetrics().height());
  button_->setEnabled(!fields.isEmpty());
  auto* menu = new QMenu(button_);
  for (const QString& f : fields) {
    QAction* a = menu->addAction(f);
    a->setCheckable(true);
    connect(a, &QAction::toggled, this, [this, f](bool on) { toggle(f, on); });
  }
  // Tick what the text names each time the menu opens.
  connect(menu, &QMenu::aboutToShow, this, [this, menu] {
    const QStringList now = values();
    for (QAction* a : menu->actions()) {
      QSignalBlocker block(a);
      a->setChecked(now.contains(a->text()));
    }
  });
  button_->setMenu(menu);
  layout->addWidget(edit_, 1);
  layout->addWidget(button_);
  connect(edit_, &QLineEdit::textEdited, this, [this] { Q_EMIT valuesChanged(values()); });
}

QStringList FieldListEdit::values() const {
  QStringList out;
  for (const QString& part : edit_->text().split(',')) {
    const QString t = part.trimmed();
    if (!t.isEmpty()) out << t;
  }
  return out;
}

void FieldListEdit::toggle(const QString& field, bool on) {
  QStringList now = values();
  if (on && !now.contains(field)) now << field;
  if (!on) now.removeAll(field);
  edit_->setText(now.join(", "));
  Q_EMIT valuesChanged(now);
}

} // namespace sluice::editor::view
