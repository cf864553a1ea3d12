#include "view/operator_mime.hpp"

#include <QMimeData>

namespace sluice::editor::view {

QMimeData* operatorMimeData(const QString& kind) {
  auto* data = new QMimeData;
  data->setData(operatorMimeType, kind.toUtf8());
  data->setText(kind);
  return data;
}

QString operatorKindFrom(const QMimeData* data) {
  if (!data || !data->hasFormat(operatorMimeType)) return {};
  return QString::fromUtf8(data->data(operatorMimeType));
}

} // namespace sluice::editor::view
