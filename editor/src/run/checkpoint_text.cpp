#include "run/checkpoint_text.hpp"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <utility>
#include <vector>

namespace sluice::editor::run {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("CheckpointText", text); }
} // namespace

QString byteSize(quint64 bytes) {
  return QLocale::c().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeSIFormat);
}

QString ageText(qint64 ms) {
  const double s = static_cast<double>(std::max<qint64>(ms, 0)) / 1000;
  if (s < 60) return tr("%1 s").arg(static_cast<qint64>(s));
  if (s < 3600) return tr("%1 min").arg(static_cast<qint64>(s / 60));
  return tr("%1 h").arg(s / 3600, 0, 'f', 1);
}

QString checkpointSummary(const observe::checkpoint_figures& c, qint64 nowMs) {
  const QString restarts = tr("restarts %1").arg(c.restarts);
  if (!c.enabled) return c.restarts > 0 ? tr("No checkpoints · %1").arg(restarts) : QString();
  const QString counts = tr("%1 completed, %2 abandoned").arg(c.completed).arg(c.abandoned);
  if (c.last_id == 0)
    return tr("Checkpoints on: none completed yet · %1 · %2").arg(counts, restarts);
  const QString at = QDateTime::fromMSecsSinceEpoch(c.last_completed_ms).toString("HH:mm:ss");
  const QString took =
    c.last_duration_ms < 1000
      ? tr("%1 ms").arg(c.last_duration_ms)
      : tr("%1 s").arg(static_cast<double>(c.last_duration_ms) / 1000, 0, 'f', 1);
  return tr("Checkpoint %1 at %2 (%3 ago) · took %4 · %5 · %6 · %7")
    .arg(QString::number(c.last_id), at, ageText(nowMs - c.last_completed_ms), took,
         byteSize(c.last_bytes), counts, restarts);
}

QString stateSummary(const observe::checkpoint_figures& c, const QString& node, int most) {
  if (!c.enabled || c.last_id == 0) return {};
  if (!node.isEmpty()) {
    auto it = c.state_bytes.find(node.toStdString());
    if (it == c.state_bytes.end())
      return tr("State of %1: not in checkpoint %2").arg(node).arg(c.last_id);
    return tr("State of %1: %2 in checkpoint %3")
      .arg(node, byteSize(it->second), QString::number(c.last_id));
  }
  std::vector<std::pair<std::string, std::uint64_t>> nodes(c.state_bytes.begin(),
                                                           c.state_bytes.end());
  // Largest first; equal sizes by name, so the line does not shuffle.
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (nodes.empty()) return {};
  const std::size_t shown = std::min(nodes.size(), static_cast<std::size_t>(std::max(most, 1)));
  QStringList parts;
  for (std::size_t i = 0; i < shown; ++i)
    parts << QString::fromStdString(nodes[i].first) + " " + byteSize(nodes[i].second);
  if (nodes.size() > shown) parts << tr("… %1 more").arg(nodes.size() - shown);
  return tr("State: %1").arg(parts.join(QStringLiteral(" · ")));
}

} // namespace sluice::editor::run
