#include "view/aggregates_edit.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

namespace {
QString text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                          : QString();
}
} // namespace

AggregatesEdit::AggregatesEdit(const nlohmann::json& value, const QStringList& fields,
                               QWidget* parent)
  : QWidget(parent), fields_(fields) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  table_ = new QTableWidget(0, 3, this);
  table_->setHorizontalHeaderLabels({tr("fn"), tr("field"), tr("as")});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->hide();
  table_->setMinimumHeight(120);
  auto* buttons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add"), this);
  auto* remove = new QPushButton(tr("Remove"), this);
  add->setObjectName("addAggregate");
  remove->setObjectName("removeAggregate");
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch();
  layout->addWidget(table_);
  layout->addLayout(buttons);

  if (value.is_array())
    for (const auto& entry : value) addRow(entry);

  connect(add, &QPushButton::clicked, this, [this] {
    addRow({{"fn", "count"}});
    Q_EMIT valueChanged();
  });
  connect(remove, &QPushButton::clicked, this, [this] {
    int row = table_->currentRow();
    if (row < 0) row = table_->rowCount() - 1;
    if (row < 0) return;
    table_->removeRow(row);
    extras_.erase(extras_.begin() + row);
    Q_EMIT valueChanged();
  });
}

void AggregatesEdit::addRow(const nlohmann::json& entry) {
  const int row = table_->rowCount();
  table_->insertRow(row);
  auto* fn = new QComboBox(table_);
  fn->setEditable(true);
  for (const std::string& name : ops::aggregate::aggregate_function_names())
    fn->addItem(QString::fromStdString(name));
  fn->setEditText(text(entry, "fn"));
  auto* field = new QComboBox(table_);
  field->setEditable(true);
  field->addItem(QString()); // count of rows needs no field
  field->addItems(fields_);
  field->setEditText(text(entry, "field"));
  auto* as = new QLineEdit(text(entry, "as"), table_);
  as->setPlaceholderText(tr("default name"));
  table_->setCellWidget(row, 0, fn);
  table_->setCellWidget(row, 1, field);
  table_->setCellWidget(row, 2, as);
  nlohmann::json extra = entry.is_object() ? entry : nlohmann::json::object();
  extra.erase("fn");
  extra.erase("field");
  extra.erase("as");
  extras_.push_back(extra);
  connect(fn, &QComboBox::editTextChanged, this, &AggregatesEdit::valueChanged);
  connect(field, &QComboBox::editTextChanged, this, &AggregatesEdit::valueChanged);
  connect(as, &QLineEdit::textEdited, this, &AggregatesEdit::valueChanged);
}

nlohmann::json AggregatesEdit::value() const {
  nlohmann::json out = nlohmann::json::array();
  for (int r = 0; r < table_->rowCount(); ++r) {
    nlohmann::json entry = nlohmann::json::object();
    auto* fn = static_cast<QComboBox*>(table_->cellWidget(r, 0));
    auto* field = static_cast<QComboBox*>(table_->cellWidget(r, 1));
    auto* as = static_cast<QLineEdit*>(table_->cellWidget(r, 2));
    entry["fn"] = fn->currentText().trimmed().toStdString();
    if (!field->currentText().trimmed().isEmpty())
      entry["field"] = field->currentText().trimmed().toStdString();
    if (!as->text().trimmed().isEmpty()) entry["as"] = as->text().trimmed().toStdString();
    for (auto it = extras_[r].begin(); it != extras_[r].end(); ++it) entry[it.key()] = it.value();
    out.push_back(entry);
  }
  return out;
}

} // namespace sluice::editor::view
