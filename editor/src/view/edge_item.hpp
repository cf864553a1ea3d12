#pragma once

#include <QGraphicsPathItem>

#include "model/pipeline_model.hpp"

namespace sluice::editor::view {

class PortItem;

/// A connection drawn as a cubic bezier from an output port to an input
/// port. Hovering shows the schema on the edge; during a run a small bar at
/// its middle shows the queue fill in NiFi's colours.
class EdgeItem : public QGraphicsPathItem {
public:
  enum { Type = UserType + 3 };

  EdgeItem(const model::PipelineModel& model, const model::EdgeKey& key, PortItem* from,
           PortItem* to);
  ~EdgeItem() override;

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  QPainterPath shape() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  const model::EdgeKey& key() const { return key_; }
  PortItem* fromPort() const { return from_; }
  PortItem* toPort() const { return to_; }
  void updatePath();

  /// Queue fill 0..1 during a run; negative hides the bar.
  void setFill(double fill);
  double fill() const { return fill_; }

  /// The bezier both edges and draft connections use.
  static QPainterPath bezier(QPointF from, QPointF to);

protected:
  void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
  void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
  QRectF fillBarRect() const;

  const model::PipelineModel& model_;
  QPointF mid_; ///< the curve's point at t = 0.5, set with the path
  model::EdgeKey key_;
  PortItem* from_;
  PortItem* to_;
  double fill_ = -1;
  bool hovered_ = false;
};

} // namespace sluice::editor::view
