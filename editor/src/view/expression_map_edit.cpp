#include "view/expression_map_edit.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "view/expression_edit.hpp"

namespace sluice::editor::view {

ExpressionMapEdit::ExpressionMapEdit(const nlohmann::json& value, core::schema_ptr schema,
                                     QWidget* parent)
  : QWidget(parent), schema_(std::move(schema)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  table_ = new QTableWidget(0, 2, this);
  table_->setHorizontalHeaderLabels({tr("field"), tr("expression")});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->setMinimumHeight(110);
  auto* buttons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add"), this);
  auto* remove = new QPushButton(tr("Remove"), this);
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch();
  layout->addWidget(table_);
  layout->addLayout(buttons);

  loading_ = true;
  if (value.is_object())
    for (auto it = value.begin(); it != value.end(); ++it)
      addRow(QString::fromStdString(it.key()),
             it.value().is_string() ? QString::fromStdString(it.value().get<std::string>())
                                    : QString::fromStdString(it.value().dump()));
  loading_ = false;

  connect(add, &QPushButton::clicked, this, [this] {
    addRow(QString("field_%1").arg(table_->rowCount() + 1), QString());
    Q_EMIT valueChanged();
  });
  connect(remove, &QPushButton::clicked, this, [this] {
    int row = table_->currentRow();
    if (row < 0) row = table_->rowCount() - 1;
    if (row < 0) return;
    table_->removeRow(row);
    Q_EMIT valueChanged();
  });
  connect(table_, &QTableWidget::cellChanged, this, [this](int row, int) {
    if (loading_) return;
    checkRow(row);
    Q_EMIT valueChanged();
  });
}

void ExpressionMapEdit::addRow(const QString& field, const QString& expression) {
  const bool was = loading_;
  loading_ = true;
  int row = table_->rowCount();
  table_->insertRow(row);
  table_->setItem(row, 0, new QTableWidgetItem(field));
  table_->setItem(row, 1, new QTableWidgetItem(expression));
  checkRow(row);
  loading_ = was;
}

void ExpressionMapEdit::checkRow(int row) {
  QTableWidgetItem* item = table_->item(row, 1);
  if (!item || !schema_) return;
  const bool was = loading_;
  loading_ = true; // colouring the cell emits cellChanged too
  int column = 0;
  const QString message = ExpressionEdit::check(item->text(), *schema_, &column);
  const bool bad = !item->text().trimmed().isEmpty() && !message.isEmpty();
  item->setBackground(bad ? QColor(0xff, 0xd7, 0xd7) : QColor(Qt::transparent));
  item->setToolTip(bad ? QString("column %1: %2").arg(column).arg(message) : QString());
  loading_ = was;
}

nlohmann::json ExpressionMapEdit::value() const {
  nlohmann::json out = nlohmann::json::object();
  for (int r = 0; r < table_->rowCount(); ++r) {
    QTableWidgetItem* f = table_->item(r, 0);
    QTableWidgetItem* e = table_->item(r, 1);
    if (!f || f->text().trimmed().isEmpty()) continue;
    out[f->text().trimmed().toStdString()] = e ? e->text().toStdString() : std::string();
  }
  return out;
}

} // namespace sluice::editor::view
