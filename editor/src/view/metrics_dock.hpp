#pragma once

#include <QDockWidget>

#include <deque>
#include <limits>
#include <memory>

namespace sluice::observe {
struct metrics_frame;
}

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
class QLabel;

namespace sluice::editor::view {

/// A Qt Charts plot of one node over the last minutes: records in/out per
/// second (left axis) and busy / back-pressured ms per second (right axis).
/// Fed with the run's history when the node changes, then frame by frame.
/// With no node selected it plots the whole pipeline: records in from the
/// sources, out to the sinks, and the busiest node's busy time.
///
/// Above the plot, when the run takes checkpoints (or was restarted), a
/// line on the last checkpoint (id, time and age, duration, size, counts,
/// restarts) and one on state: the selected node's bytes in it, or every
/// node's, largest first (run/checkpoint_text.hpp).
class MetricsDock : public QDockWidget {
  Q_OBJECT

public:
  explicit MetricsDock(QWidget* parent = nullptr);

  /// The node to plot ("" = the whole pipeline); redraws from `history`
  /// and the newest frame seen (history keeps about one frame a second,
  /// so a run shorter than that would otherwise plot nothing).
  void setNode(const QString& id, const std::deque<observe::metrics_frame>& history);
  void addFrame(const observe::metrics_frame& frame);
  void clear();
  const QString& node() const { return node_; }
  int pointCount() const;
  QChartView* chartView() const { return view_; }
  /// The checkpoint lines, hidden when the run has none to show.
  QLabel* checkpointLabel() const { return checkpoints_; }

private:
  void append(const observe::metrics_frame& frame);
  void fitAxes();
  void updateTitle();
  void updateCheckpoints();

  QString node_;
  std::shared_ptr<const observe::metrics_frame> latest_; ///< newest frame added
  QLabel* checkpoints_;
  QChartView* view_;
  QChart* chart_;
  QLineSeries* in_;
  QLineSeries* out_;
  QLineSeries* busy_;
  QLineSeries* backpressured_;
  QValueAxis* time_;
  QValueAxis* rate_;
  QValueAxis* ms_;
  double window_ = 300; ///< seconds shown
  // The data extent the axes were last fitted to (NaN: not fitted).
  double timeFrom_ = std::numeric_limits<double>::quiet_NaN();
  double timeTo_ = std::numeric_limits<double>::quiet_NaN();
  double rateTop_ = std::numeric_limits<double>::quiet_NaN();
};

} // namespace sluice::editor::view
