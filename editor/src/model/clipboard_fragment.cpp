#include "model/clipboard_fragment.hpp"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "model/node_ids.hpp"
#include "sluice/core/json_text.hpp"

namespace sluice::editor::model {

ClipboardFragment ClipboardFragment::fromDocument(const core::pipeline::pipeline_document& doc,
                                                  const QStringList& ids) {
  ClipboardFragment f;
  std::set<std::string> chosen;
  for (const auto& id : ids) chosen.insert(id.toStdString());
  for (const auto& n : doc.nodes)
    if (chosen.count(n.id)) f.nodes.push_back(n);
  for (const auto& e : doc.edges)
    if (chosen.count(e.from.node) && chosen.count(e.to.node)) f.edges.push_back(e);
  if (doc.layout.is_object())
    for (const auto& n : f.nodes)
      if (auto it = doc.layout.find(n.id); it != doc.layout.end()) f.layout[n.id] = *it;
  return f;
}

QString ClipboardFragment::toText() const {
  // The document's own serialisation, so nodes and edges read as in a file.
  core::pipeline::pipeline_document doc;
  doc.nodes = nodes;
  doc.edges = edges;
  doc.layout = layout;
  auto full = doc.to_json();
  nlohmann::ordered_json out;
  out["nodes"] = full["nodes"];
  out["edges"] = full["edges"];
  out["layout"] = nlohmann::ordered_json(layout.is_object() ? layout : nlohmann::json::object());
  return QString::fromStdString(out.dump(2) + "\n");
}

std::optional<ClipboardFragment> ClipboardFragment::parse(const QString& qtext, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return std::nullopt;
  };
  std::string text = qtext.toStdString();
  nlohmann::json j;
  try {
    j = core::parse_json_text(text);
  } catch (const core::json_text_error& e) {
    return fail(QStringLiteral("not pipeline JSON: %1").arg(QString::fromStdString(e.what())));
  }
  if (!j.is_object() || !j.contains("nodes"))
    return fail(QStringLiteral("not a pipeline fragment: expected an object with \"nodes\""));
  // A fragment is a pipeline file without the file's header; read it as one.
  if (!j.contains("schemaVersion"))
    j["schemaVersion"] = core::pipeline::pipeline_document::current_schema_version;
  core::pipeline::pipeline_document doc;
  try {
    doc = core::pipeline::pipeline_document::from_json(j);
  } catch (const std::exception& e) {
    return fail(QStringLiteral("not a pipeline fragment: %1").arg(QString::fromUtf8(e.what())));
  }
  ClipboardFragment f;
  std::set<std::string> ids;
  for (auto& n : doc.nodes) {
    if (!ids.insert(n.id).second) continue; // a duplicate id: keep the first
    f.nodes.push_back(std::move(n));
  }
  for (auto& e : doc.edges)
    if (ids.count(e.from.node) && ids.count(e.to.node)) f.edges.push_back(std::move(e));
  for (const auto& n : f.nodes)
    if (auto it = doc.layout.find(n.id); it != doc.layout.end()) f.layout[n.id] = *it;
  return f;
}

void ClipboardFragment::placeInto(const std::function<bool(const QString&)>& taken, QPointF at) {
  std::map<std::string, std::string> renamed;
  QSet<QString> fresh; // ids given in this paste
  for (auto& n : nodes) {
    auto id = uniqueId(QString::fromStdString(n.id),
                       [&](const QString& c) { return taken(c) || fresh.contains(c); });
    fresh.insert(id);
    renamed[n.id] = id.toStdString();
  }
  double minX = std::numeric_limits<double>::infinity(), minY = minX, maxY = -minX;
  auto coord = [](const nlohmann::json& p, const char* axis) {
    auto it = p.find(axis);
    return it != p.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  for (const auto& [id, p] : layout.items()) {
    minX = std::min(minX, coord(p, "x"));
    minY = std::min(minY, coord(p, "y"));
    maxY = std::max(maxY, coord(p, "y"));
  }
  if (!std::isfinite(minX)) minX = minY = maxY = 0;
  nlohmann::json placed = nlohmann::json::object();
  double nextY = maxY + 120; // below the placed ones
  if (layout.empty()) nextY = 0;
  for (auto& n : nodes) {
    QPointF p;
    if (auto it = layout.find(n.id); it != layout.end()) {
      p = QPointF(coord(*it, "x") - minX, coord(*it, "y") - minY);
    } else {
      p = QPointF(0, nextY - minY);
      nextY += 120;
    }
    p += at;
    n.id = renamed[n.id];
    placed[n.id] = {{"x", std::lround(p.x())}, {"y", std::lround(p.y())}};
  }
  for (auto& e : edges) {
    e.from.node = renamed[e.from.node];
    e.to.node = renamed[e.to.node];
  }
  layout = std::move(placed);
}

} // namespace sluice::editor::model
