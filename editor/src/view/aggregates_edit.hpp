#pragma once

#include <QWidget>

#include <nlohmann/json.hpp>

#include <vector>

class QTableWidget;

namespace sluice::editor::view {

/// An aggregate_list param ([{fn, field, as}, ...]): one row per
/// aggregate, fn chosen from the aggregate functions, field from the input
/// fields (both still accept typing). Other keys of an entry (p, k) are kept.
class AggregatesEdit : public QWidget {
  Q_OBJECT

public:
  AggregatesEdit(const nlohmann::json& value, const QStringList& fields, QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }
  nlohmann::json value() const;

signals:
  void valueChanged();

private:
  void addRow(const nlohmann::json& entry);

  QTableWidget* table_;
  QStringList fields_;
  std::vector<nlohmann::json> extras_; ///< per row: keys other than fn/field/as
};

} // namespace sluice::editor::view
