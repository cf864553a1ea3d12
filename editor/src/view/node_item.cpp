#include "view/node_item.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

#include "run/resume_check.hpp"
#include "view/edge_item.hpp"
#include "view/node_style.hpp"
#include "view/port_item.hpp"

namespace sluice::editor::view {

namespace {
bool detailed(const QPainter* painter) {
  return QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform())
         >= style::detailLod;
}
} // namespace

/// The live part of a node during a run: the body filled by activity, the
/// rates and the busy / back-pressured / idle bar. Stacked behind the node
/// (whose face then draws no fill) and cached on its own, so a metrics
/// frame re-renders only this. Never hit: clicks, hovers and tooltips go
/// to the node.
class NodeItem::LiveFace : public QGraphicsItem {
public:
  explicit LiveFace(NodeItem* node) : QGraphicsItem(node), node_(node) {
    setFlag(ItemStacksBehindParent);
    setAcceptedMouseButtons(Qt::NoButton);
    setCacheMode(DeviceCoordinateCache);
    setVisible(false);
  }
  QRectF boundingRect() const override { return QRectF(0, 0, node_->width_, node_->height_); }
  QPainterPath shape() const override { return QPainterPath(); }
  void geometryChanged() { prepareGeometryChange(); }
  void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override {
    node_->paintLive(painter);
  }

private:
  NodeItem* node_;
};

NodeItem::NodeItem(const model::PipelineModel& model, const QString& id)
  : model_(model), resumeBadge_(run::ResumeBadge::None) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  setCacheMode(DeviceCoordinateCache);
  setZValue(1);
  liveFace_ = new LiveFace(this);
  rebuild(id);
}

void NodeItem::rebuild(const QString& id) {
  prepareGeometryChange();
  liveFace_->geometryChanged(); // it spans the body
  id_ = id;
  const core::pipeline::node_spec* spec = model_.node(id);
  kind_ = spec ? QString::fromStdString(spec->kind) : QString();
  const core::descriptor* desc = model_.descriptorOf(id);
  category_ = desc ? QString::fromStdString(desc->category) : QString();

  for (PortItem* p : inputs_) delete p;
  for (PortItem* p : outputs_) delete p;
  inputs_.clear();
  outputs_.clear();
  auto ins = model_.inputPorts(id);
  auto outs = model_.outputPorts(id);

  // Width: enough for the title and the widest port labels on both sides.
  QFontMetricsF title(style::titleFont()), port(style::portFont());
  qreal inW = 0, outW = 0;
  for (auto& p : ins) inW = std::max(inW, port.horizontalAdvance(p.name));
  for (auto& p : outs) outW = std::max(outW, port.horizontalAdvance(p.name));
  qreal w = std::max({style::nodeMinWidth, title.horizontalAdvance(id) + 36, inW + outW + 44});
  width_ = std::min(w, style::nodeMaxWidth);
  const std::size_t rows = std::max<std::size_t>({ins.size(), outs.size(), 1});
  height_ = style::headerHeight + rows * style::portRowHeight + 4 + style::liveRowHeight;

  for (std::size_t i = 0; i < ins.size(); ++i) {
    auto* p = new PortItem(this, ins[i], true, int(i));
    p->setPos(0, style::headerHeight + (i + 0.5) * style::portRowHeight + 2);
    inputs_.push_back(p);
  }
  for (std::size_t i = 0; i < outs.size(); ++i) {
    auto* p = new PortItem(this, outs[i], false, int(i));
    p->setPos(width_, style::headerHeight + (i + 0.5) * style::portRowHeight + 2);
    outputs_.push_back(p);
  }
  // Elide once here, not on every render of the face.
  title_ = title.elidedText(id, Qt::ElideMiddle, width_ - 20);
  const qreal labelWidth = width_ / 2 - 13;
  inLabels_.clear();
  outLabels_.clear();
  for (auto& p : ins) inLabels_.push_back(port.elidedText(p.name, Qt::ElideRight, labelWidth));
  for (auto& p : outs) outLabels_.push_back(port.elidedText(p.name, Qt::ElideLeft, labelWidth));
  liveFace_->update();
  updateToolTip();
  update();
}

QRectF NodeItem::boundingRect() const {
  // Room for the selection outline, the problem marker and the bottleneck badge.
  return QRectF(-4, -14, width_ + 8, height_ + 18);
}

PortItem* NodeItem::inputPort(const QString& name) const {
  if (name.isEmpty()) return inputs_.empty() ? nullptr : inputs_.front();
  for (PortItem* p : inputs_)
    if (p->name() == name) return p;
  return nullptr;
}

PortItem* NodeItem::outputPort(const QString& name) const {
  if (name.isEmpty()) return outputs_.empty() ? nullptr : outputs_.front();
  for (PortItem* p : outputs_)
    if (p->name() == name) return p;
  return nullptr;
}

void NodeItem::attachEdge(EdgeItem* e) { edges_.push_back(e); }

void NodeItem::detachEdge(EdgeItem* e) {
  edges_.erase(std::remove(edges_.begin(), edges_.end(), e), edges_.end());
}

void NodeItem::setProblems(const QStringList& problems) {
  if (problems == problems_) return;
  problems_ = problems;
  updateToolTip();
  update();
}

void NodeItem::setRuntimeError(const QString& message) {
  if (message == runtimeError_) return;
  runtimeError_ = message;
  updateToolTip();
  update();
}

void NodeItem::setLive(const NodeLive& live) {
  // The face shows only whether the node is live (its fill moves to the
  // live face) and the bottleneck border and badge: re-render it only
  // when those change, and the live face otherwise.
  const bool faceChanged = live.active != live_.active || live.bottleneck != live_.bottleneck
                           || live.serverDown != live_.serverDown;
  const bool tipChanged =
    live.serverError != live_.serverError || live.serverDown != live_.serverDown;
  live_ = live;
  if (tipChanged) updateToolTip();
  if (faceChanged) {
    update();
    liveFace_->setVisible(live_.active);
  }
  if (live_.active) liveFace_->update();
}

void NodeItem::setResumeBadge(run::ResumeBadge badge, const QString& detail) {
  if (badge == resumeBadge_ && detail == resumeDetail_) return;
  resumeBadge_ = badge;
  resumeDetail_ = detail;
  updateToolTip();
  update();
}

void NodeItem::updateToolTip() {
  QString tip = id_ + " (" + kind_ + ")";
  if (const core::descriptor* d = model_.descriptorOf(id_))
    tip += "\n" + QString::fromStdString(d->summary);
  if (resumeBadge_ != run::ResumeBadge::None)
    tip += "\n↺ resume: " + run::badgeText(resumeBadge_)
           + (resumeDetail_.isEmpty() ? QString() : " (" + resumeDetail_ + ")");
  for (const QString& p : problems_) tip += "\n⚠ " + p;
  if (!runtimeError_.isEmpty()) tip += "\n✖ runtime: " + runtimeError_;
  if (live_.serverDown)
    tip +=
      "\n✖ server down: " + (live_.serverError.isEmpty() ? "no connection yet" : live_.serverError);
  else if (!live_.serverError.isEmpty()) tip += "\nlast connector error: " + live_.serverError;
  setToolTip(tip);
}

QColor NodeItem::bodyColor() const {
  if (!live_.active) return QColor(0xfa, 0xfa, 0xfa);
  switch (live_.state) {
    case 1: { // busy: from idle blue to busy red by how busy
      double t = std::clamp(live_.busyMs / 1000.0, 0.0, 1.0);
      QColor a = style::idleColor(), b = style::busyColor();
      t = 0.35 + 0.65 * t;
      return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                              a.greenF() + (b.greenF() - a.greenF()) * t,
                              a.blueF() + (b.blueF() - a.blueF()) * t);
    }
    case 2: return style::backpressuredColor();
    case 3: return style::finishedColor();
    default: return style::idleColor();
  }
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setRenderHint(QPainter::TextAntialiasing);
  const QRectF body(0, 0, width_, height_);
  const bool selected = option->state & QStyle::State_Selected;

  // Body and border: selection blue, bottleneck thick dark red, problems red.
  const bool hasProblems = !problems_.isEmpty() || !runtimeError_.isEmpty();
  QPen border(QColor(0x90, 0x90, 0x90), 1.2);
  if (hasProblems) border = QPen(QColor(0xd3, 0x2f, 0x2f), 1.8);
  if (live_.bottleneck) border = QPen(QColor(0x8b, 0x00, 0x00), 3.5);
  if (selected) border = QPen(QColor(0x19, 0x76, 0xd2), 2.5);
  painter->setPen(border);
  // While live, the LiveFace behind this one fills the body by activity.
  painter->setBrush(live_.active ? QBrush(Qt::NoBrush) : QBrush(bodyColor()));
  painter->drawRoundedRect(body, style::cornerRadius, style::cornerRadius);

  QColor cat = style::categoryColor(category_);
  if (!detailed(painter)) {
    // Zoomed out, text is unreadable and costs most of a render (every
    // zoom step re-renders every node): the body, its category stripe and
    // the problem marker's disc.
    painter->fillRect(QRectF(0.6, 0.6, width_ - 1.2, 6), cat);
    if (hasProblems) {
      painter->setPen(Qt::NoPen);
      painter->setBrush(runtimeError_.isEmpty() ? QColor(0xe6, 0x51, 0x00)
                                                : QColor(0xc6, 0x28, 0x28));
      painter->drawEllipse(QPointF(width_ - 2, 2), 8, 8);
    }
    paintResumeBadge(painter, false);
    return;
  }

  // Header: category stripe, id (bold) and kind.
  painter->setPen(Qt::NoPen);
  painter->setBrush(cat);
  QPainterPath stripe;
  stripe.addRoundedRect(QRectF(0.6, 0.6, width_ - 1.2, 6), 3, 3);
  painter->drawPath(stripe);

  painter->setPen(QColor(0x21, 0x21, 0x21));
  painter->setFont(style::titleFont());
  painter->drawText(QRectF(10, 6, width_ - 20, 16), Qt::AlignLeft | Qt::AlignVCenter, title_);
  painter->setFont(style::kindFont());
  painter->setPen(cat.darker(115));
  painter->drawText(QRectF(10, 20, width_ - 20, 12), Qt::AlignLeft | Qt::AlignVCenter, kind_);

  painter->setPen(QPen(QColor(0xd0, 0xd0, 0xd0), 1));
  painter->drawLine(QPointF(1, style::headerHeight), QPointF(width_ - 1, style::headerHeight));

  // Port labels next to their ports.
  painter->setFont(style::portFont());
  const qreal labelWidth = width_ / 2 - 13;
  painter->setPen(style::dataPortColor());
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    painter->drawText(QRectF(11, inputs_[i]->y() - 8, labelWidth, 16),
                      Qt::AlignLeft | Qt::AlignVCenter, inLabels_[i]);
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    const PortItem* p = outputs_[i];
    QColor c = p->info().isErrors ? style::errorsPortColor()
               : p->info().isLate ? style::latePortColor()
                                  : style::dataPortColor();
    painter->setPen(c);
    painter->drawText(QRectF(width_ / 2 + 2, p->y() - 8, labelWidth, 16),
                      Qt::AlignRight | Qt::AlignVCenter, outLabels_[i]);
  }

  // Not live: the parallelism where the live row goes (during a run the
  // LiveFace draws that row).
  if (const core::pipeline::node_spec* spec = live_.active ? nullptr : model_.node(id_);
      spec && spec->parallelism > 1) {
    const QRectF liveRow(8, height_ - style::liveRowHeight, width_ - 16, style::liveRowHeight - 4);
    painter->setFont(style::kindFont());
    painter->setPen(QColor(0x75, 0x75, 0x75));
    painter->drawText(liveRow, Qt::AlignCenter, QString("× %1 instances").arg(spec->parallelism));
  }

  if (live_.bottleneck) {
    painter->setFont(style::kindFont());
    QRectF badge(width_ - 78, -12, 74, 14);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0x8b, 0x00, 0x00));
    painter->drawRoundedRect(badge, 4, 4);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, QStringLiteral("bottleneck"));
  }

  paintResumeBadge(painter, true);

  // Top-left, clear of the bottleneck badge; over a resume badge, which
  // matters less while the run cannot reach its server.
  if (live_.serverDown) {
    painter->setFont(style::kindFont());
    QRectF badge(4, -12, 78, 14);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0xc6, 0x28, 0x28));
    painter->drawRoundedRect(badge, 4, 4);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, QStringLiteral("server down"));
  }

  // Problem marker: a red disc with "!" on the top-right corner.
  if (hasProblems) {
    QPointF c(width_ - 2, 2);
    painter->setPen(QPen(Qt::white, 1.5));
    painter->setBrush(runtimeError_.isEmpty() ? QColor(0xe6, 0x51, 0x00)
                                              : QColor(0xc6, 0x28, 0x28));
    painter->drawEllipse(c, 8, 8);
    QFont f = style::titleFont();
    f.setPixelSize(12);
    painter->setFont(f);
    painter->drawText(QRectF(c.x() - 8, c.y() - 8, 16, 16), Qt::AlignCenter, "!");
  }
}

void NodeItem::paintResumeBadge(QPainter* painter, bool withText) const {
  if (resumeBadge_ == run::ResumeBadge::None) return;
  const QString text = run::badgeText(resumeBadge_);
  const QFont font = style::kindFont();
  const qreal w = QFontMetricsF(font).horizontalAdvance(text) + 12;
  const QRectF badge(4, -12, w, 14);
  painter->setPen(Qt::NoPen);
  painter->setBrush(style::resumeBadgeColor(resumeBadge_));
  painter->drawRoundedRect(badge, 4, 4);
  if (!withText) return;
  painter->setFont(font);
  painter->setPen(Qt::white);
  painter->drawText(badge, Qt::AlignCenter, text);
}

void NodeItem::paintLive(QPainter* painter) const {
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setRenderHint(QPainter::TextAntialiasing);
  // The body's fill, under the node's face (which draws its border).
  painter->setPen(Qt::NoPen);
  painter->setBrush(bodyColor());
  painter->drawRoundedRect(QRectF(0, 0, width_, height_), style::cornerRadius, style::cornerRadius);

  // Live row: rates and a bar of busy / back-pressured / idle time.
  const QRectF liveRow(8, height_ - style::liveRowHeight, width_ - 16, style::liveRowHeight - 4);
  if (detailed(painter)) { // zoomed out, the fill alone tells the activity
    painter->setFont(style::liveFont());
    painter->setPen(QColor(0x21, 0x21, 0x21));
    // Sources have no input and sinks no output worth a number.
    const QString in = "in " + style::shortRate(live_.inPerSecond) + "/s";
    const QString out = "out " + style::shortRate(live_.outPerSecond) + "/s";
    const QString text = inputs_.empty() ? out : category_ == "sink" ? in : in + "   " + out;
    painter->drawText(QRectF(liveRow.left(), liveRow.top() - 2, liveRow.width(), 13),
                      Qt::AlignCenter, text);
  }
  const QRectF bar(liveRow.left(), liveRow.bottom() - 3, liveRow.width(), 4);
  double total = std::max(1000.0, live_.busyMs + live_.backpressuredMs + live_.idleMs);
  qreal x = bar.left();
  auto segment = [&](double ms, QColor c) {
    qreal w = bar.width() * ms / total;
    painter->fillRect(QRectF(x, bar.top(), w, bar.height()), c);
    x += w;
  };
  segment(live_.busyMs, QColor(0xd3, 0x2f, 0x2f));
  segment(live_.backpressuredMs, QColor(0x61, 0x61, 0x61));
  segment(live_.idleMs, QColor(0x42, 0x7c, 0xc8));
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemPositionHasChanged)
    for (EdgeItem* e : edges_) e->updatePath();
  return QGraphicsItem::itemChange(change, value);
}

} // namespace sluice::editor::view
