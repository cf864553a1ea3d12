#include "run/tap_records_model.hpp"

#include <QBrush>
#include <QColor>

#include <nlohmann/json.hpp>

namespace sluice::editor::run {

TapRecordsModel::TapRecordsModel(QObject* parent) : QAbstractTableModel(parent) {}

void TapRecordsModel::setFields(const QStringList& names, const QStringList& types) {
  beginResetModel();
  names_ = names;
  types_ = types;
  rows_.clear();
  appended_ = 0;
  endResetModel();
}

void TapRecordsModel::clear() {
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  endResetModel();
}

void TapRecordsModel::setMaxRows(int rows) {
  maxRows_ = std::max(1, rows);
  trim();
}

void TapRecordsModel::append(const std::vector<std::string>& records) {
  if (records.empty()) return;
  // Only the newest maxRows_ of this batch can stay.
  std::size_t first =
    records.size() > std::size_t(maxRows_) ? records.size() - std::size_t(maxRows_) : 0;
  appended_ += qint64(first);
  std::vector<Row> fresh;
  fresh.reserve(records.size() - first);
  for (std::size_t i = first; i < records.size(); ++i) {
    Row row;
    row.number = ++appended_;
    row.json = QString::fromStdString(records[i]);
    row.cells.reserve(names_.size());
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(records[i]);
    } catch (const std::exception&) {
      j = nullptr;
    }
    if (!j.is_object()) {
      row.cells << row.json;
      row.isNull.push_back(false);
    } else {
      for (const QString& name : names_) {
        auto it = j.find(name.toStdString());
        if (it == j.end() || it->is_null()) {
          row.cells << QStringLiteral("null");
          row.isNull.push_back(true);
        } else {
          row.cells << QString::fromStdString(it->is_string() ? it->get<std::string>()
                                                              : it->dump());
          row.isNull.push_back(false);
        }
      }
      // A record too big to sample is replaced by {"tap_omitted_bytes": N}.
      if (j.size() == 1 && j.contains("tap_omitted_bytes") && !names_.isEmpty()) {
        row.cells[0] = tr("(a record of %1 bytes, not shown)")
                         .arg(QString::fromStdString(j["tap_omitted_bytes"].dump()));
        row.isNull[0] = false;
      }
    }
    fresh.push_back(std::move(row));
  }
  const int at = int(rows_.size());
  beginInsertRows({}, at, at + int(fresh.size()) - 1);
  for (auto& r : fresh) rows_.push_back(std::move(r));
  endInsertRows();
  trim();
}

void TapRecordsModel::trim() {
  if (int(rows_.size()) <= maxRows_) return;
  const int drop = int(rows_.size()) - maxRows_;
  beginRemoveRows({}, 0, drop - 1);
  rows_.erase(rows_.begin(), rows_.begin() + drop);
  endRemoveRows();
}

QString TapRecordsModel::cell(int row, int column) const {
  if (row < 0 || row >= int(rows_.size())) return {};
  const Row& r = rows_[std::size_t(row)];
  return column >= 0 && column < r.cells.size() ? r.cells[column] : QString();
}

int TapRecordsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(rows_.size());
}

int TapRecordsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : std::max<int>(1, int(names_.size()));
}

QVariant TapRecordsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(rows_.size())) return {};
  const Row& r = rows_[std::size_t(index.row())];
  switch (role) {
    case Qt::DisplayRole: return cell(index.row(), index.column());
    case Qt::ToolTipRole: return r.json;
    case Qt::ForegroundRole:
      if (index.column() < int(r.isNull.size()) && r.isNull[std::size_t(index.column())])
        return QBrush(QColor(0x9e, 0x9e, 0x9e));
      return {};
    default: return {};
  }
}

QVariant TapRecordsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    if (role == Qt::DisplayRole && section >= 0 && section < int(rows_.size()))
      return rows_[std::size_t(section)].number;
    return {};
  }
  if (section < 0 || section >= names_.size())
    return role == Qt::DisplayRole ? tr("record") : QVariant();
  if (role == Qt::DisplayRole) return names_[section];
  if (role == Qt::ToolTipRole)
    return section < types_.size() ? names_[section] + ": " + types_[section] : names_[section];
  return {};
}

} // namespace sluice::editor::run
