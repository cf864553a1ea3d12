#include "view/port_item.hpp"

#include <QCursor>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "view/node_item.hpp"
#include "view/node_style.hpp"

namespace sluice::editor::view {

PortItem::PortItem(NodeItem* node, const model::PortInfo& info, bool isInput, int index)
  : QGraphicsItem(node), node_(node), info_(info), isInput_(isInput), index_(index) {
  setAcceptHoverEvents(true);
  setCursor(QCursor(isInput ? Qt::ArrowCursor : Qt::CrossCursor));
  QString tip = (isInput ? "input port '" : "output port '") + info.name + "'";
  if (!info.help.isEmpty()) tip += "\n" + info.help;
  if (!isInput) tip += "\nDrag to an input port to connect.";
  setToolTip(tip);
}

qreal PortItem::radius() const {
  return (info_.isErrors || info_.isLate) ? style::smallPortRadius : style::portRadius;
}

QRectF PortItem::boundingRect() const {
  const qreal r = style::portHitRadius + 1;
  return QRectF(-r, -r, 2 * r, 2 * r);
}

QPainterPath PortItem::shape() const {
  QPainterPath p;
  p.addEllipse(QPointF(0, 0), style::portHitRadius, style::portHitRadius);
  return p;
}

void PortItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  // Zoomed out a port is under a pixel or two: 1500 antialiased ellipses a
  // frame for nothing. A hovered or highlighted port still shows.
  if (!hovered_ && highlight_ == 0
      && QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform())
           < style::detailLod)
    return;
  QColor fill = info_.isErrors ? style::errorsPortColor()
                : info_.isLate ? style::latePortColor()
                               : style::dataPortColor();
  qreal r = radius();
  if (hovered_ || highlight_ != 0) r += 2;
  QPen pen(Qt::white, 1.5);
  if (highlight_ > 0) pen = QPen(QColor(0x2e, 0x7d, 0x32), 3);
  if (highlight_ < 0) pen = QPen(QColor(0xd3, 0x2f, 0x2f), 3);
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setPen(pen);
  painter->setBrush(fill);
  painter->drawEllipse(QPointF(0, 0), r, r);
}

QString PortItem::endpoint() const { return node_->id() + "." + info_.name; }

void PortItem::setHighlight(int h) {
  if (h == highlight_) return;
  highlight_ = h;
  update();
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
  hovered_ = true;
  update();
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
  hovered_ = false;
  update();
}

} // namespace sluice::editor::view
