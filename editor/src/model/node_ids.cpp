#include "model/node_ids.hpp"

namespace sluice::editor::model {

namespace {

bool idChar(QChar c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || c == '-';
}

} // namespace

QString baseIdForKind(const QString& kind) {
  QString tail = kind.mid(kind.lastIndexOf('.') + 1);
  QString out;
  for (QChar c : tail) out += idChar(c) ? c : QChar('_');
  return out.isEmpty() ? QStringLiteral("node") : out;
}

QString uniqueId(const QString& wanted, const std::function<bool(const QString&)>& taken) {
  if (!taken(wanted)) return wanted;
  QString stem = wanted;
  int underscore = stem.lastIndexOf('_');
  if (underscore > 0 && underscore + 1 < stem.size()) {
    bool digits = true;
    for (int i = underscore + 1; i < stem.size(); ++i) digits = digits && stem[i].isDigit();
    if (digits) stem.truncate(underscore);
  }
  for (int n = 2;; ++n) {
    QString candidate = stem + '_' + QString::number(n);
    if (!taken(candidate)) return candidate;
  }
}

bool isValidNodeId(const QString& id) {
  if (id.isEmpty()) return false;
  for (QChar c : id)
    if (!idChar(c)) return false;
  return true;
}

} // namespace sluice::editor::model
