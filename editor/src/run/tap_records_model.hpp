#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include <deque>
#include <string>
#include <vector>

namespace sluice::editor::run {

/// The latest records of a tapped edge as a table: one column per schema
/// field, oldest row first and the newest at the bottom (as a debug sidebar
/// appends them), at most maxRows() rows: when more arrive, the oldest go.
/// The vertical header numbers the records in the order they arrived.
class TapRecordsModel : public QAbstractTableModel {
  Q_OBJECT

public:
  explicit TapRecordsModel(QObject* parent = nullptr);

  /// The columns ("name", "type" pairs); rows are cleared when they change.
  void setFields(const QStringList& names, const QStringList& types);
  /// Records as JSON objects, oldest first. A record that is not a JSON
  /// object is shown whole in the first column.
  void append(const std::vector<std::string>& records);
  void clear();

  int maxRows() const { return maxRows_; }
  void setMaxRows(int rows);
  const QStringList& fieldNames() const { return names_; }
  /// The text of a cell (the JSON value; strings without quotes).
  QString cell(int row, int column) const;
  /// Records appended since the fields were set (rows dropped included).
  qint64 appended() const { return appended_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

private:
  struct Row {
    qint64 number = 0;
    QStringList cells;
    std::vector<bool> isNull;
    QString json;
  };
  void trim();

  QStringList names_;
  QStringList types_;
  std::deque<Row> rows_;
  qint64 appended_ = 0;
  int maxRows_ = 500;
};

} // namespace sluice::editor::run
