#pragma once

#include <QDockWidget>

#include <deque>

namespace sluice::observe {
struct metrics_frame;
}

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
class QLabel;

namespace sluice::editor {

/// A Qt Charts plot of one node over the last minutes: records in/out per
/// second (left axis) and busy / back-pressured ms per second (right axis).
/// Fed with the run's history when the node changes, then frame by frame.
class MetricsDock : public QDockWidget {
  Q_OBJECT

public:
  explicit MetricsDock(QWidget* parent = nullptr);

  /// The node to plot ("" = none); redraws from `history`.
  void setNode(const QString& id, const std::deque<observe::metrics_frame>& history);
  void addFrame(const observe::metrics_frame& frame);
  void clear();
  const QString& node() const { return node_; }
  int pointCount() const;
  QChartView* chartView() const { return view_; }

private:
  void append(const observe::metrics_frame& frame);
  void fitAxes();

  QString node_;
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
};

} // namespace sluice::editor
