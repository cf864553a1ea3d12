#pragma once

#include <memory>

#include "model/core_headers.hpp"
#include "run/metrics_feed.hpp"

namespace sluice::editor::run {

/// Runs a pipeline in-process through exec::pipeline_run and samples it.
///
/// The GUI thread never waits for the run: building the run (which opens
/// every operator and may take a while or throw) and waiting for its end
/// happen on a worker thread; the GUI thread only takes snapshots on a
/// timer (cheap: one counter copy per instance) and turns them into
/// frames. A run that ended is destroyed off the GUI thread too.
///
/// Signals: statusChanged Starting -> Running -> Finished | Stopped |
/// Failed (or Starting -> Failed when the run cannot be built, with
/// runError naming the node); frameSampled every sample interval while
/// running and once more at the end, each with the run's checkpoints
/// (when the run options ask for them); logMessage for the run's warnings.
class RunController : public MetricsFeed {
  Q_OBJECT

public:
  explicit RunController(QObject* parent = nullptr);
  /// Stops a run still going and waits for it to drain (at most ~10 s,
  /// then aborts it).
  ~RunController() override;

  /// Milliseconds between samples; 1000 unless set (tests use less).
  void setSampleInterval(int ms);
  int sampleInterval() const;
  /// Options for the next start(); `log` is replaced by logMessage.
  void setRunOptions(const exec::run_options& options);
  const exec::run_options& runOptions() const;

  /// Starts running `pipeline`, which must be ok(). Returns false (and
  /// emits runError) if a run is still active or the pipeline has errors.
  bool start(const core::pipeline::checked_pipeline& pipeline);
  /// Graceful stop: sources end, records in flight drain; never blocks.
  void stop();
  /// Hard stop: records in flight are lost.
  void abort();
  bool isActive() const; ///< Starting or Running

  /// The frames of the current (or last) run.
  const std::deque<observe::metrics_frame>& history() const override;
  /// The newest frame (empty before the first sample).
  const observe::metrics_frame* latest() const;

  /// Opens a tap on the edge `from` ("NODE" or "NODE.PORT") -> `to` of the
  /// run while it is Running (exec::pipeline_run::open_tap); nullptr when
  /// no run is. Throws std::invalid_argument naming what is wrong (no such
  /// edge, a filter that does not compile or is not boolean).
  std::shared_ptr<exec::edge_tap> openTap(const std::string& from, const std::string& to,
                                          const exec::tap_options& options = {});

private:
  struct Impl;
  std::unique_ptr<Impl> d;

  void onStarted(quint64 generation, std::shared_ptr<exec::pipeline_run> run);
  void onStartFailed(quint64 generation, const QString& message);
  void onEnded(quint64 generation);
  void sampleNow();
};

} // namespace sluice::editor::run
