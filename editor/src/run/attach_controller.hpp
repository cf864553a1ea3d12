#pragma once

#include <QUrl>

#include <memory>

#include <nlohmann/json.hpp>

#include "run/metrics_feed.hpp"

namespace sluice::editor::run {

/// Watches a headless `sluice run` through its HTTP endpoint
/// (observe::metrics_server): fetches GET /api/pipeline once (the document
/// and each edge's schema), seeds the history from /api/metrics/history,
/// then polls /api/metrics and /api/health every second. All requests are
/// asynchronous; nothing waits on the GUI thread.
///
/// Errors (connection refused, an answer that is not the expected JSON)
/// are reported through runError with a message naming the URL, and the
/// state goes to Failed. When the run reports it ended, the state follows
/// (Finished / Stopped / Failed) and polling stops.
class AttachController : public MetricsFeed {
  Q_OBJECT

public:
  explicit AttachController(QObject* parent = nullptr);
  ~AttachController() override;

  void setPollInterval(int ms); ///< 1000 unless set
  /// Starts watching the run at `base` ("http://127.0.0.1:9464").
  void attach(const QUrl& base);
  /// Stops polling; the history stays. A Starting or Running state becomes
  /// Stopped (the run goes on; this only stops watching it).
  void detach();
  QUrl baseUrl() const;

  /// The /api/pipeline answer: {"document": {...}, "edges": [...]}.
  const nlohmann::json& pipelineInfo() const;
  const std::deque<observe::metrics_frame>& history() const override;

signals:
  /// The run's pipeline file as JSON text, for PipelineModel::loadText.
  void pipelineReceived(const QString& documentJson);

private:
  struct Impl;
  std::unique_ptr<Impl> d;

  void poll();
  void stopPolling();
  void fail(const QString& message);
  void addFrame(const observe::metrics_frame& frame, bool announce);
};

} // namespace sluice::editor::run
