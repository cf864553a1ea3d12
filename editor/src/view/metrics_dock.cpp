#include "view/metrics_dock.hpp"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <limits>

#include "run/checkpoint_text.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

MetricsDock::MetricsDock(QWidget* parent) : QDockWidget(tr("Metrics"), parent) {
  setObjectName("MetricsDock");
  chart_ = new QChart;
  // Compact: the dock is short, and Qt Charts elides axis labels ("…")
  // as soon as the plot area gets too small for them.
  QFont small = chart_->titleFont();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  chart_->setTitleFont(small);
  chart_->legend()->setAlignment(Qt::AlignRight);
  chart_->legend()->setFont(small);
  chart_->setMargins(QMargins(2, 2, 2, 2));
  chart_->setBackgroundRoundness(0);

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
  time_->setLabelFormat("%.0f s");
  rate_ = new QValueAxis(chart_);
  rate_->setTitleText(tr("records/s"));
  rate_->setLabelFormat("%.0f");
  ms_ = new QValueAxis(chart_);
  ms_->setTitleText(tr("ms/s"));
  ms_->setRange(0, 1000);
  ms_->setLabelFormat("%.0f");
  for (QValueAxis* a : {time_, rate_, ms_}) {
    a->setLabelsFont(small);
    a->setTitleFont(small);
    a->setTickCount(a == time_ ? 6 : 5);
  }
  chart_->addAxis(time_, Qt::AlignBottom);
  chart_->addAxis(rate_, Qt::AlignLeft);
  chart_->addAxis(ms_, Qt::AlignRight);
  for (QLineSeries* s : {in_, out_, busy_, backpressured_}) s->attachAxis(time_);
  in_->attachAxis(rate_);
  out_->attachAxis(rate_);
  busy_->attachAxis(ms_);
  backpressured_->attachAxis(ms_);

  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  checkpoints_ = new QLabel(body);
  checkpoints_->setObjectName("checkpoints");
  checkpoints_->setWordWrap(true);
  checkpoints_->setTextFormat(Qt::PlainText);
  checkpoints_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  checkpoints_->setContentsMargins(6, 3, 6, 3);
  checkpoints_->setFont(small);
  checkpoints_->hide();
  view_ = new QChartView(chart_, body);
  view_->setRenderHint(QPainter::Antialiasing);
  view_->setMinimumHeight(180);
  layout->addWidget(checkpoints_);
  layout->addWidget(view_, 1);
  setWidget(body);
  updateTitle();
  fitAxes();
}

void MetricsDock::updateTitle() {
  chart_->setTitle(node_.isEmpty() ? tr("Whole pipeline: in from sources, out to sinks "
                                        "(select a node to plot it)")
                                   : node_);
}

namespace {
/// One point of the plot: the node's rates, or with `node` empty the
/// pipeline's (sources' output, sinks' input, the busiest node's times).
bool pointOf(const observe::metrics_frame& f, const QString& node, double& in, double& out,
             double& busy, double& backpressured) {
  in = out = busy = backpressured = 0;
  if (!node.isEmpty()) {
    for (const observe::node_rates& r : f.nodes)
      if (QString::fromStdString(r.node) == node) {
        in = r.records_in_per_second;
        out = r.records_out_per_second;
        busy = r.busy_ms_per_second;
        backpressured = r.backpressured_ms_per_second;
        return true;
      }
    return false;
  }
  if (f.nodes.empty()) return false;
  for (const observe::node_rates& r : f.nodes) {
    // Kinds are named by category: source.*, sink.*.
    if (r.kind.rfind("source.", 0) == 0) in += r.records_out_per_second;
    if (r.kind.rfind("sink.", 0) == 0) out += r.records_in_per_second;
    busy = std::max(busy, r.busy_ms_per_second);
    backpressured = std::max(backpressured, r.backpressured_ms_per_second);
  }
  return true;
}
} // namespace

int MetricsDock::pointCount() const { return int(in_->count()); }

void MetricsDock::clear() {
  for (QLineSeries* s : {in_, out_, busy_, backpressured_}) s->clear();
  latest_.reset();
  fitAxes();
  updateCheckpoints();
}

void MetricsDock::updateCheckpoints() {
  QStringList lines;
  if (latest_) {
    const observe::checkpoint_figures& c = latest_->checkpoints;
    for (const QString& line :
         {run::checkpointSummary(c, latest_->wall_ms), run::stateSummary(c, node_)})
      if (!line.isEmpty()) lines << line;
  }
  checkpoints_->setText(lines.join('\n'));
  checkpoints_->setVisible(!lines.isEmpty());
}

void MetricsDock::setNode(const QString& id, const std::deque<observe::metrics_frame>& history) {
  node_ = id;
  updateTitle();
  // Rebuild in one go: replace() repaints once instead of per point.
  QList<QPointF> in, out, busy, bp;
  auto add = [&](const observe::metrics_frame& f) {
    double i, o, b, p;
    if (!pointOf(f, id, i, o, b, p)) return;
    in << QPointF(f.t_seconds, i);
    out << QPointF(f.t_seconds, o);
    busy << QPointF(f.t_seconds, b);
    bp << QPointF(f.t_seconds, p);
  };
  for (const observe::metrics_frame& f : history) add(f);
  if (latest_ && (history.empty() || latest_->t_seconds > history.back().t_seconds)) add(*latest_);
  in_->replace(in);
  out_->replace(out);
  busy_->replace(busy);
  backpressured_->replace(bp);
  fitAxes();
  updateCheckpoints();
}

void MetricsDock::addFrame(const observe::metrics_frame& frame) {
  latest_ = std::make_shared<const observe::metrics_frame>(frame);
  append(frame);
  fitAxes();
  updateCheckpoints();
}

void MetricsDock::append(const observe::metrics_frame& f) {
  double i, o, b, p;
  if (pointOf(f, node_, i, o, b, p)) {
    in_->append(f.t_seconds, i);
    out_->append(f.t_seconds, o);
    busy_->append(f.t_seconds, b);
    backpressured_->append(f.t_seconds, p);
  }
  // Keep the last window only: the plot stays cheap however long the run.
  while (in_->count() > 0 && in_->at(0).x() < f.t_seconds - window_)
    for (QLineSeries* s : {in_, out_, busy_, backpressured_}) s->remove(0);
}

void MetricsDock::fitAxes() {
  if (in_->count() == 0) {
    time_->setRange(0, 60);
    rate_->setRange(0, 100);
    timeFrom_ = timeTo_ = rateTop_ = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  // From the first point shown (an attached run starts mid-way), at
  // least 5 s wide so the first seconds do not stretch across the plot;
  // round numbers on the ticks.
  const double first = in_->at(0).x();
  const double last = in_->at(in_->count() - 1).x();
  // Each range change re-lays the chart out, and setRange() then
  // applyNiceNumbers() changes it twice: only when the data's extent
  // changed since the last fit (NaN: none yet).
  const double to = std::max(last, first + 5.0);
  if (first != timeFrom_ || to != timeTo_) {
    timeFrom_ = first;
    timeTo_ = to;
    time_->setRange(first, to);
    time_->applyNiceNumbers();
  }
  double top = 1;
  for (QLineSeries* s : {in_, out_})
    for (const QPointF& p : s->points()) top = std::max(top, p.y());
  if (top != rateTop_) {
    rateTop_ = top;
    rate_->setRange(0, top * 1.1);
    rate_->applyNiceNumbers();
  }
}

} // namespace sluice::editor::view
