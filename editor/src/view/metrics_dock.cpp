#include "view/metrics_dock.hpp"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

#include "view/runtime_headers.hpp"

namespace sluice::editor {

MetricsDock::MetricsDock(QWidget* parent) : QDockWidget(tr("Metrics"), parent) {
  setObjectName("MetricsDock");
  chart_ = new QChart;
  chart_->setTitle(tr("Select a node to plot its metrics"));
  chart_->legend()->setAlignment(Qt::AlignBottom);
  chart_->setMargins(QMargins(4, 4, 4, 4));

  auto series = [this](const QString& name, QColor c, Qt::PenStyle s) {
    auto* l = new QLineSeries(chart_);
    l->setName(name);
    l->setPen(QPen(c, 2, s));
    chart_->addSeries(l);
    return l;
  };
  in_ = series(tr("in/s"), QColor(0x19, 0x76, 0xd2), Qt::SolidLine);
  out_ = series(tr("out/s"), QColor(0x2e, 0x7d, 0x32), Qt::SolidLine);
  busy_ = series(tr("busy ms/s"), QColor(0xd3, 0x2f, 0x2f), Qt::DashLine);
  backpressured_ = series(tr("back-pressured ms/s"), QColor(0x61, 0x61, 0x61), Qt::DashLine);

  time_ = new QValueAxis(chart_);
  time_->setTitleText(tr("seconds"));
  time_->setLabelFormat("%.0f");
  rate_ = new QValueAxis(chart_);
  rate_->setTitleText(tr("records/s"));
  rate_->setLabelFormat("%.0f");
  ms_ = new QValueAxis(chart_);
  ms_->setTitleText(tr("ms/s"));
  ms_->setRange(0, 1000);
  ms_->setLabelFormat("%.0f");
  chart_->addAxis(time_, Qt::AlignBottom);
  chart_->addAxis(rate_, Qt::AlignLeft);
  chart_->addAxis(ms_, Qt::AlignRight);
  for (QLineSeries* s : {in_, out_, busy_, backpressured_}) s->attachAxis(time_);
  in_->attachAxis(rate_);
  out_->attachAxis(rate_);
  busy_->attachAxis(ms_);
  backpressured_->attachAxis(ms_);

  view_ = new QChartView(chart_, this);
  view_->setRenderHint(QPainter::Antialiasing);
  view_->setMinimumHeight(180);
  setWidget(view_);
  fitAxes();
}

int MetricsDock::pointCount() const { return int(in_->count()); }

void MetricsDock::clear() {
  for (QLineSeries* s : {in_, out_, busy_, backpressured_}) s->clear();
  fitAxes();
}

void MetricsDock::setNode(const QString& id, const std::deque<observe::metrics_frame>& history) {
  node_ = id;
  chart_->setTitle(id.isEmpty() ? tr("Select a node to plot its metrics") : id);
  // Rebuild in one go: replace() repaints once instead of per point.
  QList<QPointF> in, out, busy, bp;
  for (const observe::metrics_frame& f : history)
    for (const observe::node_rates& r : f.nodes)
      if (QString::fromStdString(r.node) == id) {
        in << QPointF(f.t_seconds, r.records_in_per_second);
        out << QPointF(f.t_seconds, r.records_out_per_second);
        busy << QPointF(f.t_seconds, r.busy_ms_per_second);
        bp << QPointF(f.t_seconds, r.backpressured_ms_per_second);
      }
  in_->replace(in);
  out_->replace(out);
  busy_->replace(busy);
  backpressured_->replace(bp);
  fitAxes();
}

void MetricsDock::addFrame(const observe::metrics_frame& frame) {
  if (node_.isEmpty()) return;
  append(frame);
  fitAxes();
}

void MetricsDock::append(const observe::metrics_frame& f) {
  for (const observe::node_rates& r : f.nodes) {
    if (QString::fromStdString(r.node) != node_) continue;
    in_->append(f.t_seconds, r.records_in_per_second);
    out_->append(f.t_seconds, r.records_out_per_second);
    busy_->append(f.t_seconds, r.busy_ms_per_second);
    backpressured_->append(f.t_seconds, r.backpressured_ms_per_second);
  }
  // Keep the last window only: the plot stays cheap however long the run.
  while (in_->count() > 0 && in_->at(0).x() < f.t_seconds - window_)
    for (QLineSeries* s : {in_, out_, busy_, backpressured_}) s->remove(0);
}

void MetricsDock::fitAxes() {
  if (in_->count() == 0) {
    time_->setRange(0, 60);
    rate_->setRange(0, 100);
    return;
  }
  const double last = in_->at(in_->count() - 1).x();
  time_->setRange(std::max(0.0, last - window_), std::max(last, 10.0));
  double top = 1;
  for (QLineSeries* s : {in_, out_})
    for (const QPointF& p : s->points()) top = std::max(top, p.y());
  rate_->setRange(0, top * 1.1);
  rate_->applyNiceNumbers();
}

} // namespace sluice::editor
