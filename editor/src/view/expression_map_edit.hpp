#pragma once

#include <QWidget>

#include <nlohmann/json.hpp>

#include "view/runtime_headers.hpp"

class QTableWidget;

namespace sluice::editor::view {

/// An `expression_map` param (field -> expression): a two-column table with
/// add/remove; each expression is checked against the input schema and a
/// bad one is shown red with "column N: message" as its tooltip.
class ExpressionMapEdit : public QWidget {
  Q_OBJECT

public:
  ExpressionMapEdit(const nlohmann::json& value, core::schema_ptr schema,
                    QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }
  nlohmann::json value() const;

signals:
  void valueChanged();

private:
  void addRow(const QString& field, const QString& expression);
  void checkRow(int row);

  QTableWidget* table_;
  core::schema_ptr schema_;
  bool loading_ = false;
};

} // namespace sluice::editor::view
