#include "run/tap_session.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <nlohmann/json.hpp>

#include "run/attach_controller.hpp"
#include "run/run_controller.hpp"
#include "run/tap_records_model.hpp"
#include "sluice/observe/sse_parser.hpp"
#include "sluice/observe/tap_stream.hpp"

namespace sluice::editor::run {

using nlohmann::json;

struct TapSession::Impl {
  QPointer<MetricsFeed> feed;
  QString from, to, filter, error, edgeName, endReason;
  QStringList names, types;
  TapFigures figures;
  State state = State::Closed;
  bool paused = false;
  TapRecordsModel* model = nullptr;
  std::unique_ptr<observe::sse_parser> parser;

  // In process: the tap, read through the endpoint's event writer.
  std::shared_ptr<exec::edge_tap> tap;
  std::unique_ptr<observe::tap_stream> stream;
  QTimer timer;

  // Attached: the stream being read, and one being opened (a new filter)
  // that replaces it once the run says yes.
  QNetworkAccessManager network;
  QPointer<QNetworkReply> reply;
  QPointer<QNetworkReply> pending;

  bool live() const { return feed && feed->state() == RunState::Running; }

  static void drop(QPointer<QNetworkReply>& r) {
    if (!r) return;
    QNetworkReply* gone = r;
    r = nullptr;
    QObject::disconnect(gone, nullptr, nullptr, nullptr);
    gone->abort();
    gone->deleteLater();
  }
};

TapSession::TapSession(QObject* parent) : QObject(parent), d(std::make_unique<Impl>()) {
  d->model = new TapRecordsModel(this);
  d->timer.setInterval(250);
  connect(&d->timer, &QTimer::timeout, this, &TapSession::poll);
}

TapSession::~TapSession() { closeTap(); }

TapSession::State TapSession::state() const { return d->state; }
bool TapSession::paused() const { return d->paused; }
bool TapSession::isTapping() const { return d->tap || d->reply || d->pending; }
QString TapSession::from() const { return d->from; }
QString TapSession::to() const { return d->to; }
QString TapSession::edgeName() const {
  return !d->edgeName.isEmpty() ? d->edgeName
         : d->from.isEmpty()    ? QString()
                                : d->from + " -> " + d->to;
}
QStringList TapSession::fieldNames() const { return d->names; }
QStringList TapSession::fieldTypes() const { return d->types; }
QString TapSession::filter() const { return d->filter; }
QString TapSession::error() const { return d->error; }
QString TapSession::endReason() const { return d->endReason; }
const TapFigures& TapSession::figures() const { return d->figures; }
TapRecordsModel* TapSession::records() const { return d->model; }
MetricsFeed* TapSession::feed() const { return d->feed; }
std::shared_ptr<exec::edge_tap> TapSession::inProcessTap() const { return d->tap; }
void TapSession::setPollInterval(int ms) { d->timer.setInterval(std::max(1, ms)); }

void TapSession::setFeed(MetricsFeed* feed) {
  if (feed == d->feed) return;
  closeTap();
  if (d->feed) disconnect(d->feed, nullptr, this, nullptr);
  d->feed = feed;
  if (feed) connect(feed, &MetricsFeed::statusChanged, this, &TapSession::onFeedState);
  if (!d->from.isEmpty()) {
    d->state = State::Waiting;
    open(QString());
  }
  Q_EMIT changed();
}

void TapSession::setEdge(const QString& from, const QString& to) {
  if (from == d->from && to == d->to && d->state != State::Closed) return;
  closeTap();
  d->from = from;
  d->to = to;
  d->edgeName.clear();
  d->error.clear();
  d->endReason.clear();
  d->filter.clear(); // a filter is written against one edge's fields
  d->names.clear();
  d->types.clear();
  d->figures = {};
  d->model->setFields({}, {});
  d->state = from.isEmpty() ? State::Closed : State::Waiting;
  if (!from.isEmpty()) open(QString());
  Q_EMIT changed();
}

void TapSession::close() { setEdge({}, {}); }

bool TapSession::setFilter(const QString& expression) {
  const QString filter = expression.trimmed();
  if (d->from.isEmpty()) return false;
  if (!d->live()) {
    d->filter = filter; // used when the run is live again
    d->error.clear();
    Q_EMIT changed();
    return true;
  }
  const bool ok = open(filter);
  Q_EMIT changed();
  return ok;
}

void TapSession::setPaused(bool paused) {
  if (paused == d->paused) return;
  d->paused = paused;
  Q_EMIT changed();
}

void TapSession::clear() { d->model->clear(); }

bool TapSession::open(const QString& filter) {
  if (d->from.isEmpty() || !d->live()) return false;
  if (qobject_cast<RunController*>(d->feed.data())) return openInProcess(filter);
  if (qobject_cast<AttachController*>(d->feed.data())) {
    openAttached(filter);
    return true;
  }
  return false;
}

bool TapSession::openInProcess(const QString& filter) {
  auto* run = qobject_cast<RunController*>(d->feed.data());
  exec::tap_options options;
  options.filter = filter.toStdString();
  std::shared_ptr<exec::edge_tap> tap;
  try {
    tap = run->openTap(d->from.toStdString(), d->to.toStdString(), options);
  } catch (const std::invalid_argument& e) {
    d->error = QString::fromUtf8(e.what()); // the open tap, if any, goes on
    return false;
  }
  if (!tap) return false;
  closeTap();
  d->tap = tap;
  d->stream = std::make_unique<observe::tap_stream>(tap, std::chrono::milliseconds(200));
  d->parser = std::make_unique<observe::sse_parser>();
  d->filter = filter;
  d->error.clear();
  d->endReason.clear();
  d->state = State::Live;
  d->timer.start();
  poll(); // the schema, at once
  return true;
}

void TapSession::openAttached(const QString& filter) {
  auto* attach = qobject_cast<AttachController*>(d->feed.data());
  QUrl url = attach->baseUrl();
  url.setPath(url.path().chopped(url.path().endsWith('/') ? 1 : 0) + "/api/tap");
  // Percent-encoded by hand: a '+' in an expression must not become a space.
  QByteArray query =
    "from=" + QUrl::toPercentEncoding(d->from) + "&to=" + QUrl::toPercentEncoding(d->to);
  if (!filter.isEmpty()) query += "&filter=" + QUrl::toPercentEncoding(filter);
  url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
  QNetworkRequest request(url);
  request.setRawHeader("Accept", "text/event-stream");
  Impl::drop(d->pending);
  QNetworkReply* reply = d->network.get(request);
  d->pending = reply;
  if (!d->reply) d->state = State::Opening;

  auto statusOf = [reply] {
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  };
  connect(reply, &QNetworkReply::readyRead, this, [this, reply, filter, statusOf] {
    if (reply == d->pending && statusOf() == 200) {
      // The run said yes: this stream replaces the one being read.
      Impl::drop(d->reply);
      d->reply = reply;
      d->pending = nullptr;
      d->parser = std::make_unique<observe::sse_parser>();
      d->filter = filter;
      d->error.clear();
      d->endReason.clear();
      d->state = State::Live;
    }
    if (reply != d->reply) return; // an error's body: read when finished
    const QByteArray chunk = reply->readAll();
    const bool ended = read(std::string(chunk.constData(), std::size_t(chunk.size())));
    if (ended) closeTap();
    Q_EMIT changed();
  });
  connect(reply, &QNetworkReply::finished, this, [this, reply, statusOf] {
    if (reply == d->pending) {
      d->pending = nullptr;
      QString message = reply->errorString();
      const QByteArray body = reply->readAll();
      try {
        auto j = json::parse(body.constData(), body.constData() + body.size());
        if (j.is_object() && j.contains("error") && j["error"].is_string())
          message = QString::fromStdString(j["error"].get<std::string>());
      } catch (const std::exception&) {}
      d->error = statusOf()
                   ? tr("the run refused the tap (HTTP %1): %2").arg(statusOf()).arg(message)
                   : tr("cannot tap %1: %2").arg(reply->url().toString(), message);
      if (!d->reply) d->state = State::Waiting;
    } else if (reply == d->reply) {
      d->reply = nullptr;
      d->state = State::Ended;
      d->endReason =
        tr("the stream from the run ended: %1")
          .arg(reply->error() == QNetworkReply::NoError ? tr("closed") : reply->errorString());
    }
    reply->deleteLater();
    Q_EMIT changed();
  });
}

void TapSession::closeTap() {
  d->timer.stop();
  d->stream.reset(); // closes its tap
  if (d->tap) d->tap->close();
  d->tap.reset();
  Impl::drop(d->reply);
  Impl::drop(d->pending);
  d->parser.reset();
}

void TapSession::poll() {
  if (!d->stream) return;
  const bool ended = read(d->stream->next(false));
  if (ended || (d->stream && d->stream->done())) closeTap();
  Q_EMIT changed();
}

bool TapSession::read(const std::string& chunk) {
  if (!d->parser) return false;
  bool ended = false;
  auto onEvent = [this, &ended](const observe::sse_message& m) {
    json j;
    try {
      j = json::parse(m.data);
    } catch (const std::exception&) {
      return true; // not ours to judge; the next event may be fine
    }
    if (m.event == "schema" && j.is_object()) {
      d->edgeName = QString::fromStdString(j.value("edge", std::string()));
      QStringList names, types;
      if (j.contains("fields") && j["fields"].is_array())
        for (const auto& f : j["fields"]) {
          names << QString::fromStdString(f.value("name", std::string()));
          types << QString::fromStdString(f.value("type", std::string()));
        }
      d->names = names;
      d->types = types;
      d->model->setFields(names, types); // a new tap starts a new table
    } else if (m.event == "records" && j.is_array()) {
      if (d->paused) return true;
      std::vector<std::string> records;
      records.reserve(j.size());
      for (const auto& r : j) records.push_back(r.dump());
      d->model->append(records);
    } else if (m.event == "status" && j.is_object()) {
      TapFigures f;
      f.known = true;
      if (j.contains("watermark") && j["watermark"].is_number())
        f.watermark = j["watermark"].get<qint64>();
      if (j.contains("watermark_time") && j["watermark_time"].is_string())
        f.watermarkTime = QString::fromStdString(j["watermark_time"].get<std::string>());
      f.queued = j.value("queued", quint64(0));
      f.capacity = j.value("capacity", quint64(0));
      f.fill = j.value("queue_fill", 0.0);
      f.seen = j.value("seen", quint64(0));
      f.sampled = j.value("sampled", quint64(0));
      f.missed = j.value("missed", quint64(0));
      d->figures = f;
    } else if (m.event == "end") {
      ended = true;
      d->state = State::Ended;
      d->endReason =
        j.is_object() ? QString::fromStdString(j.value("reason", std::string())) : QString();
      return false;
    }
    return true;
  };
  try {
    d->parser->feed(chunk, onEvent);
  } catch (const std::exception& e) {
    d->error = tr("cannot read the tap: %1").arg(QString::fromUtf8(e.what()));
    ended = true;
    d->state = State::Ended;
  }
  return ended;
}

void TapSession::onFeedState(RunState state) {
  if (state == RunState::Running) {
    if (!d->from.isEmpty() && !isTapping()) {
      d->endReason.clear();
      d->state = State::Waiting;
      open(d->filter);
      Q_EMIT changed();
    }
    return;
  }
  if (state == RunState::Starting || state == RunState::Idle) return;
  // The run ended or is no longer watched: the last records, then closed.
  if (d->stream) read(d->stream->next(true));
  const bool wasTapped = isTapping() || d->state == State::Ended;
  closeTap();
  if (!d->from.isEmpty() && (wasTapped || d->state == State::Opening)) {
    d->state = State::Ended;
    d->endReason = state == RunState::Stopped && qobject_cast<AttachController*>(d->feed.data())
                     ? tr("detached from the run")
                     : tr("the run %1").arg(runStateName(state));
  } else if (!d->from.isEmpty()) {
    d->state = State::Waiting;
  }
  Q_EMIT changed();
}

} // namespace sluice::editor::run
