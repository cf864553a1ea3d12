#include "view/edge_item.hpp"

#include <QGraphicsSceneHoverEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

#include "view/node_item.hpp"
#include "view/node_style.hpp"
#include "view/port_item.hpp"

namespace sluice::editor::view {

EdgeItem::EdgeItem(const model::PipelineModel& model, const model::EdgeKey& key, PortItem* from,
                   PortItem* to)
  : model_(model), key_(key), from_(from), to_(to) {
  setFlags(ItemIsSelectable);
  setAcceptHoverEvents(true);
  setZValue(0);
  from_->node()->attachEdge(this);
  to_->node()->attachEdge(this);
  updatePath();
}

EdgeItem::~EdgeItem() {
  from_->node()->detachEdge(this);
  to_->node()->detachEdge(this);
}

QPainterPath EdgeItem::bezier(QPointF a, QPointF b) {
  // Horizontal tangents at both ends; a backward edge loops out wide enough
  // to leave its nodes instead of cutting through them.
  const qreal dx = b.x() - a.x();
  qreal reach = std::max<qreal>(50, std::abs(dx) * 0.5);
  if (dx < 0) reach = std::max<qreal>(reach, 90 + std::abs(b.y() - a.y()) * 0.25);
  QPainterPath p(a);
  p.cubicTo(a + QPointF(reach, 0), b - QPointF(reach, 0), b);
  return p;
}

void EdgeItem::updatePath() {
  QPainterPath p = bezier(from_->anchor(), to_->anchor());
  // The middle of the cubic (where the fill bar sits), from its control
  // points: pointAtPercent() would walk the curve's length on every paint.
  const QPointF mid = p.elementCount() == 4
                        ? (QPointF(p.elementAt(0)) + 3 * QPointF(p.elementAt(1))
                           + 3 * QPointF(p.elementAt(2)) + QPointF(p.elementAt(3)))
                            / 8
                        : p.pointAtPercent(0.5);
  if (fill_ >= 0) prepareGeometryChange(); // the bar moves with the middle
  mid_ = mid;
  setPath(p);
}

QRectF EdgeItem::fillBarRect() const { return QRectF(mid_.x() - 18, mid_.y() - 5, 36, 10); }

QRectF EdgeItem::boundingRect() const {
  QRectF r = QGraphicsPathItem::boundingRect().adjusted(-4, -4, 4, 4);
  if (fill_ >= 0) r = r.united(fillBarRect().adjusted(-2, -2, 2, 2));
  return r;
}

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker s;
  s.setWidth(10); // easy to hover and click
  QPainterPath p = s.createStroke(path());
  if (fill_ >= 0) p.addRect(fillBarRect());
  return p;
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  // Zoomed far out the 2-unit pen is a fraction of a pixel: a thin
  // aliased line reads the same and costs much less, and the arrow head
  // is too small to see.
  const bool detailed =
    QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform())
    >= style::detailLod;
  painter->setRenderHint(QPainter::Antialiasing, detailed);
  const bool selected = option->state & QStyle::State_Selected;
  QColor c = from_->info().isErrors ? style::errorsPortColor()
             : from_->info().isLate ? style::latePortColor()
                                    : QColor(0x54, 0x6e, 0x7a);
  if (selected) c = QColor(0x19, 0x76, 0xd2);
  qreal w = selected || hovered_ ? 3.2 : 2.0;
  QPen pen(c, detailed ? w : 0); // 0: cosmetic, one pixel wide
  if (from_->info().isErrors || from_->info().isLate) pen.setStyle(Qt::DashLine);
  painter->setPen(pen);
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());

  // Arrow head at the input port (the path ends there).
  if (detailed) {
    const QPointF end = path().currentPosition();
    painter->setPen(Qt::NoPen);
    painter->setBrush(c);
    const QPointF head[] = {end + QPointF(-6, 0), end + QPointF(-13, -4.5),
                            end + QPointF(-13, 4.5)};
    painter->drawPolygon(head, 3);
  }

  if (fill_ >= 0) {
    QRectF bar = fillBarRect();
    painter->setPen(QPen(QColor(0x42, 0x42, 0x42), 1));
    painter->setBrush(Qt::white);
    painter->drawRect(bar);
    QRectF level = bar.adjusted(1, 1, -1, -1);
    level.setWidth(level.width() * std::clamp(fill_, 0.0, 1.0));
    painter->fillRect(level, style::queueFillColor(fill_));
  }
}

void EdgeItem::setFill(double fill) {
  if (fill == fill_) return;
  prepareGeometryChange();
  fill_ = fill;
  update();
}

void EdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
  // Asked lazily: the schema depends on the whole document.
  QString schema = model_.edgeSchemaText(key_);
  QString tip =
    key_.from + " → " + key_.to + "\n"
    + (schema.isEmpty() ? QStringLiteral("schema unknown") : QString(schema).replace(", ", "\n"));
  if (fill_ >= 0) tip += QString("\nqueue %1 % full").arg(int(fill_ * 100 + 0.5));
  setToolTip(tip);
  hovered_ = true;
  update();
}

void EdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
  hovered_ = false;
  update();
}

} // namespace sluice::editor::view
