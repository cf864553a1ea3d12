#pragma once

#include <QPointF>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

#include "model/core_headers.hpp"

namespace sluice::editor::model {

/// A piece of a pipeline on the clipboard: nodes, the edges among them and
/// their layout, as readable JSON {"nodes": [...], "edges": [...],
/// "layout": {...}} in the file's own notation, so it pastes into a text
/// editor or a pipeline file as is.
struct ClipboardFragment {
  std::vector<core::pipeline::node_spec> nodes;
  std::vector<core::pipeline::edge_spec> edges;
  nlohmann::json layout = nlohmann::json::object();

  /// The nodes `ids` of `doc` (in document order), the edges with both ends
  /// among them, and their layout entries.
  static ClipboardFragment fromDocument(const core::pipeline::pipeline_document& doc,
                                        const QStringList& ids);
  /// Pretty-printed JSON (2 spaces, final newline).
  QString toText() const;
  /// Reads a fragment or a whole pipeline file. On bad input returns
  /// nothing and sets `error` (JSON syntax errors name line and column).
  /// Edges whose ends are not both among the nodes are dropped.
  static std::optional<ClipboardFragment> parse(const QString& text, QString* error);

  /// Gives every node an id `taken` does not hold ("filter" -> "filter_2"),
  /// rewriting edges and layout, and moves the nodes so the top-left one
  /// is at `at` (nodes without a position go below the others).
  void placeInto(const std::function<bool(const QString&)>& taken, QPointF at);
};

} // namespace sluice::editor::model
