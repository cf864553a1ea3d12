#pragma once

#include <QString>

#include <functional>

namespace sluice::editor::model {

/// The id a new node of `kind` starts from: the part after the last dot,
/// reduced to the characters a node id may hold ("transform.filter" ->
/// "filter").
QString baseIdForKind(const QString& kind);

/// `wanted` if `taken(wanted)` is false, else the first free "stem_N"
/// (N = 2, 3, ...), where stem is `wanted` without a trailing "_<digits>":
/// "filter" -> "filter_2", "filter_2" -> "filter_3".
QString uniqueId(const QString& wanted, const std::function<bool(const QString&)>& taken);

/// True if `id` is a valid node id (letters, digits, '_' and '-'), as the
/// validator demands.
bool isValidNodeId(const QString& id);

} // namespace sluice::editor::model
