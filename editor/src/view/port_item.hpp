#pragma once

#include <QGraphicsItem>
#include <QString>

#include "model/pipeline_model.hpp"

namespace sluice::editor::view {

class NodeItem;

/// A port drawn on a node's edge: inputs on the left, outputs on the right.
/// `errors` and `late` outputs are smaller and red/orange. The port only
/// draws itself and tells where it is; the scene does the dragging (as
/// QtNodes' NodeGraphicsObject delegates to its scene).
class PortItem : public QGraphicsItem {
public:
  enum { Type = UserType + 2 };

  PortItem(NodeItem* node, const model::PortInfo& info, bool isInput, int index);

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  QPainterPath shape() const override; ///< the generous hit area
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  NodeItem* node() const { return node_; }
  const QString& name() const { return info_.name; }
  const model::PortInfo& info() const { return info_; }
  bool isInput() const { return isInput_; }
  int index() const { return index_; }
  /// "node.port", as model.connect() takes it.
  QString endpoint() const;
  /// Where edges attach, in scene coordinates.
  QPointF anchor() const { return scenePos(); }
  /// Highlight while a draft connection hovers: 0 none, 1 accepted, -1 refused.
  void setHighlight(int h);

protected:
  void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
  void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
  qreal radius() const;

  NodeItem* node_;
  model::PortInfo info_;
  bool isInput_;
  int index_;
  int highlight_ = 0;
  bool hovered_ = false;
};

} // namespace sluice::editor::view
