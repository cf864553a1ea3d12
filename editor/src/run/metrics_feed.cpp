#include "run/metrics_feed.hpp"

#include <QRegularExpression>

namespace sluice::editor::run {

QString runStateName(RunState state) {
  switch (state) {
    case RunState::Idle: return QStringLiteral("idle");
    case RunState::Starting: return QStringLiteral("starting");
    case RunState::Running: return QStringLiteral("running");
    case RunState::Finished: return QStringLiteral("finished");
    case RunState::Stopped: return QStringLiteral("stopped");
    case RunState::Failed: return QStringLiteral("failed");
  }
  return {};
}

void MetricsFeed::setState(RunState state) {
  if (state == state_) return;
  state_ = state;
  Q_EMIT statusChanged(state);
}

QString failingNode(const QString& message) {
  // exec words failures "node 'ID' (kind...): reason" and planner errors
  // "node 'ID': param ..."; the first such mention is the failing node.
  static const QRegularExpression re(QStringLiteral("node '([A-Za-z0-9_-]+)'"));
  auto match = re.match(message);
  return match.hasMatch() ? match.captured(1) : QString();
}

} // namespace sluice::editor::run
