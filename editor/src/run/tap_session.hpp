#pragma once

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

#include "run/metrics_feed.hpp"

namespace sluice::editor::run {

class TapRecordsModel;

/// What the newest `status` of a tap said about its edge.
struct TapFigures {
  bool known = false;              ///< a status has arrived
  std::optional<qint64> watermark; ///< µs since the epoch (downstream node)
  QString watermarkTime;           ///< ISO-8601, "" without a watermark
  quint64 queued = 0;              ///< records waiting in the edge's queues
  quint64 capacity = 0;            ///< the most that can wait there
  double fill = 0;                 ///< queued / capacity
  quint64 seen = 0;                ///< records that flowed since the tap opened
  quint64 sampled = 0;             ///< of those, sampled
  quint64 missed = 0;              ///< sampled but dropped before they were read
};

/// One tap on one edge of the watched run (docs/ARCHITECTURE.md §8): the
/// in-process run (RunController::openTap, read every pollInterval on the
/// GUI thread) or an attached one (GET /api/tap, a Server-Sent Events
/// stream read as it arrives). Both are read the same way: the in-process
/// tap is turned into the endpoint's events by observe::tap_stream.
///
/// A tap is open only while an edge is set and the run is Running: setting
/// an edge opens it, close() or a run that ends closes it (the state then
/// says Ended and why). Another edge closes the old tap first. A new
/// filter reopens the tap with it; one the run refuses leaves the open tap
/// as it was and sets error(). Paused taps stay open (the counters go on)
/// but add no rows.
class TapSession : public QObject {
  Q_OBJECT

public:
  enum class State {
    Closed,  ///< no edge
    Waiting, ///< an edge, but no live run to tap
    Opening, ///< asked the attached run; no answer yet
    Live,    ///< records flow
    Ended    ///< the run ended (or was detached) while tapped
  };
  Q_ENUM(State)

  explicit TapSession(QObject* parent = nullptr);
  ~TapSession() override;

  /// The run taps open on: a RunController, an AttachController, or none.
  void setFeed(MetricsFeed* feed);
  MetricsFeed* feed() const;
  /// Taps the edge from `from` ("NODE" or "NODE.PORT") to `to`, without a
  /// filter; the same edge again changes nothing.
  void setEdge(const QString& from, const QString& to);
  /// Closes the tap and forgets the edge.
  void close();
  /// Reopens the tap with `expression` ("" = every record): false (and
  /// error() says why) when the run refuses it. Attached runs answer later:
  /// true then means asked, and error() is set when the answer comes.
  bool setFilter(const QString& expression);
  void setPaused(bool paused);
  /// Empties the table; the tap stays open.
  void clear();
  /// Milliseconds between reads of an in-process tap; 250 unless set.
  void setPollInterval(int ms);

  State state() const;
  bool paused() const;
  /// A tap is open now (in process) or its stream is (attached).
  bool isTapping() const;
  QString from() const;
  QString to() const;
  /// "FROM.PORT -> TO" once the tap answered, else "FROM -> TO".
  QString edgeName() const;
  QStringList fieldNames() const;
  QStringList fieldTypes() const;
  /// The filter of the open tap ("" = none).
  QString filter() const;
  /// Why the last open or filter failed ("" = it did not).
  QString error() const;
  /// Why the tap ended ("the run has ended", ...).
  QString endReason() const;
  const TapFigures& figures() const;
  TapRecordsModel* records() const;
  /// The tap open on the in-process run, if any (tests check it is closed).
  std::shared_ptr<exec::edge_tap> inProcessTap() const;

signals:
  /// Anything but the rows changed: state, schema, figures, error, filter.
  void changed();

private:
  struct Impl;
  std::unique_ptr<Impl> d;

  bool open(const QString& filter);
  bool openInProcess(const QString& filter);
  void openAttached(const QString& filter);
  void closeTap();
  void poll();
  void onFeedState(RunState state);
  /// Feeds stream text to the parser; true when `end` came.
  bool read(const std::string& chunk);
};

} // namespace sluice::editor::run
