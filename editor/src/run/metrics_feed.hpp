#pragma once

#include <QObject>
#include <QString>

#include <deque>

#include "model/core_headers.hpp"

namespace sluice::editor::run {

Q_NAMESPACE

/// Where a watched run is. Idle before start; Starting while an in-process
/// run is being built (off the GUI thread) or an attach fetches the
/// pipeline; then Running until it ends one of the last three ways.
enum class RunState { Idle, Starting, Running, Finished, Stopped, Failed };
Q_ENUM_NS(RunState)

/// "idle", "starting", "running", "finished", "stopped", "failed".
QString runStateName(RunState state);

/// A live source of metrics frames, in process (RunController) or from a
/// headless run's HTTP endpoint (AttachController): what the canvas and
/// the metrics dock listen to. Signals are emitted on the GUI thread.
class MetricsFeed : public QObject {
  Q_OBJECT

public:
  using QObject::QObject;

  RunState state() const { return state_; }
  /// Frames of the last minutes, oldest first (about one per second).
  virtual const std::deque<observe::metrics_frame>& history() const = 0;

signals:
  /// A new sample, at least once a second while running, plus a last one
  /// when the run ends.
  void frameSampled(const sluice::observe::metrics_frame& frame);
  void statusChanged(sluice::editor::run::RunState state);
  /// The run failed: `node` is the failing node's id when the message names
  /// one (else ""), `message` the whole text.
  void runError(const QString& node, const QString& message);
  /// A warning of the run (bad records on unconnected error ports, ...).
  void logMessage(const QString& line);

protected:
  void setState(RunState state);

private:
  RunState state_ = RunState::Idle;
};

/// The node id a failure message names ("node 'parse' (transform.map): ..."),
/// or "".
QString failingNode(const QString& message);

} // namespace sluice::editor::run

Q_DECLARE_METATYPE(sluice::observe::metrics_frame)
