#pragma once

#include <QString>

class QMimeData;

namespace sluice::editor::view {

/// The drag payload from the palette to the canvas: the operator kind as
/// UTF-8 under this mime type.
inline constexpr const char* operatorMimeType = "application/x-sluice-operator";

/// New mime data carrying `kind` (the caller owns it).
QMimeData* operatorMimeData(const QString& kind);
/// The kind in `data`, or "" when it is not a palette drag.
QString operatorKindFrom(const QMimeData* data);

} // namespace sluice::editor::view
