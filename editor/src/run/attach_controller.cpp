#include "run/attach_controller.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace sluice::editor::run {

namespace {

constexpr std::size_t maxHistory = 300; // five minutes at one frame a second

} // namespace

struct AttachController::Impl {
  QNetworkAccessManager network;
  QTimer timer;
  QUrl base;
  quint64 session = 0; ///< replies of an earlier attach are ignored
  nlohmann::json pipeline;
  std::deque<observe::metrics_frame> history;
  bool metricsInFlight = false;
  bool healthInFlight = false;

  QUrl url(const QString& path) const {
    QUrl u = base;
    u.setPath(u.path().chopped(u.path().endsWith('/') ? 1 : 0) + path);
    return u;
  }
};

AttachController::AttachController(QObject* parent)
  : MetricsFeed(parent), d(std::make_unique<Impl>()) {
  qRegisterMetaType<sluice::observe::metrics_frame>();
  qRegisterMetaType<sluice::editor::run::RunState>();
  d->timer.setInterval(1000);
  QObject::connect(&d->timer, &QTimer::timeout, this, &AttachController::poll);
}

AttachController::~AttachController() = default;

void AttachController::setPollInterval(int ms) { d->timer.setInterval(std::max(1, ms)); }
QUrl AttachController::baseUrl() const { return d->base; }
const nlohmann::json& AttachController::pipelineInfo() const { return d->pipeline; }
const std::deque<observe::metrics_frame>& AttachController::history() const { return d->history; }

namespace {

/// GETs `url` and calls `done(json)` or `failed(message)` on the GUI thread.
void getJson(QNetworkAccessManager& network, QObject* context, const QUrl& url,
             std::function<void(const nlohmann::json&)> done,
             std::function<void(const QString&)> failed) {
  QNetworkRequest request(url);
  request.setTransferTimeout(5000);
  QNetworkReply* reply = network.get(request);
  QObject::connect(reply, &QNetworkReply::finished, context, [reply, url, done, failed] {
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
      failed(QObject::tr("cannot read %1: %2").arg(url.toString(), reply->errorString()));
      return;
    }
    auto body = reply->readAll();
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(body.constData(), body.constData() + body.size());
    } catch (const std::exception& e) {
      failed(
        QObject::tr("%1 did not answer JSON: %2").arg(url.toString(), QString::fromUtf8(e.what())));
      return;
    }
    done(j);
  });
}

} // namespace

void AttachController::attach(const QUrl& base) {
  stopPolling();
  d->base = base;
  d->history.clear();
  d->pipeline = nullptr;
  auto session = ++d->session;
  setState(RunState::Starting);
  auto stale = [this, session] { return session != d->session; };
  auto failed = [this, stale](const QString& m) {
    if (!stale()) fail(m);
  };
  getJson(
    d->network, this, d->url(QStringLiteral("/api/pipeline")),
    [this, stale, failed](const nlohmann::json& j) {
      if (stale()) return;
      if (!j.is_object() || !j.contains("document") || !j["document"].is_object()) {
        fail(
          tr("%1 is not a Sluice run: /api/pipeline has no \"document\"").arg(d->base.toString()));
        return;
      }
      d->pipeline = j;
      // In the file's own layout (the reply's key order is lost in parsing).
      std::string text;
      try {
        text = core::pipeline::pipeline_document::from_json(j["document"]).dump();
      } catch (const std::exception&) {
        text = j["document"].dump(2) + "\n"; // the model will say what is wrong
      }
      Q_EMIT pipelineReceived(QString::fromStdString(text));
      getJson(
        d->network, this, d->url(QStringLiteral("/api/metrics/history")),
        [this, stale](const nlohmann::json& frames) {
          if (stale()) return;
          if (frames.is_array()) {
            for (const auto& f : frames) {
              try {
                addFrame(observe::frame_from_json(f), false);
              } catch (const std::exception& e) {
                Q_EMIT logMessage(
                  tr("skipped a history frame: %1").arg(QString::fromUtf8(e.what())));
              }
            }
          }
          setState(RunState::Running);
          if (!d->history.empty()) Q_EMIT frameSampled(d->history.back());
          poll();
          d->timer.start();
        },
        failed);
    },
    failed);
}

void AttachController::detach() {
  stopPolling();
  // Watching ends here (the run itself goes on): the window's Run and Stop
  // follow the state, so it must not stay Running.
  if (state() == RunState::Starting || state() == RunState::Running) setState(RunState::Stopped);
}

void AttachController::stopPolling() {
  ++d->session;
  d->timer.stop();
  d->metricsInFlight = d->healthInFlight = false;
}

void AttachController::fail(const QString& message) {
  d->timer.stop();
  ++d->session;
  Q_EMIT runError({}, message);
  setState(RunState::Failed);
}

void AttachController::addFrame(const observe::metrics_frame& frame, bool announce) {
  // About one frame a second in the history, as the in-process sampler keeps.
  if (d->history.empty() || frame.t_seconds - d->history.back().t_seconds >= 0.95)
    d->history.push_back(frame);
  while (d->history.size() > maxHistory) d->history.pop_front();
  if (announce) Q_EMIT frameSampled(frame);
}

void AttachController::poll() {
  auto session = d->session;
  auto stale = [this, session] { return session != d->session; };
  auto failed = [this, stale](const QString& m) {
    if (stale()) return;
    d->metricsInFlight = d->healthInFlight = false;
    fail(tr("lost the run at %1: %2").arg(d->base.toString(), m));
  };
  if (!d->metricsInFlight) {
    d->metricsInFlight = true;
    getJson(
      d->network, this, d->url(QStringLiteral("/api/metrics")),
      [this, stale](const nlohmann::json& j) {
        if (stale()) return;
        d->metricsInFlight = false;
        try {
          addFrame(observe::frame_from_json(j), true);
        } catch (const std::exception& e) {
          fail(tr("%1/api/metrics: not a metrics frame: %2")
                 .arg(d->base.toString(), QString::fromUtf8(e.what())));
        }
      },
      failed);
  }
  if (!d->healthInFlight) {
    d->healthInFlight = true;
    getJson(
      d->network, this, d->url(QStringLiteral("/api/health")),
      [this, stale](const nlohmann::json& j) {
        if (stale()) return;
        d->healthInFlight = false;
        auto status = j.is_object() ? j.value("status", std::string()) : std::string();
        if (status == "running" || status.empty()) return;
        d->timer.stop();
        ++d->session;
        if (status == "failed") {
          auto error = QString::fromStdString(j.value("error", std::string()));
          Q_EMIT runError(failingNode(error), error);
          setState(RunState::Failed);
        } else {
          setState(status == "finished" ? RunState::Finished : RunState::Stopped);
        }
      },
      failed);
  }
}

} // namespace sluice::editor::run
