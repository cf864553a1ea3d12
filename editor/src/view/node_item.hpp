#pragma once

#include <QGraphicsItem>
#include <QString>
#include <QStringList>

#include <vector>

#include "model/pipeline_model.hpp"

namespace sluice::editor::run {
enum class ResumeBadge;
}

namespace sluice::editor::view {

class EdgeItem;
class PortItem;

/// What the live canvas shows on a node face during a run.
struct NodeLive {
  bool active = false;
  double inPerSecond = 0;
  double outPerSecond = 0;
  double busyMs = 0; ///< per second
  double backpressuredMs = 0;
  double idleMs = 0;
  int state = 0; ///< observe::activity as int: idle, busy, backpressured, finished
  bool bottleneck = false;
  /// A connector that has lost its server: a badge on the face and the
  /// reason in the tooltip (docs/ARCHITECTURE.md §12).
  bool serverDown = false;
  QString serverError;
};

/// One pipeline node: kind and id in the header, named ports (inputs left,
/// outputs right), a problem marker, and during a run a live face (in/s,
/// out/s, fill by activity with Flink's colours). Cached as a device
/// pixmap: repainted only when its text changes or a zoom step re-renders
/// it. During a run the live part (body fill and the rates row) is a child
/// item stacked behind the face with a cache of its own, so a metrics
/// frame repaints only that and the face (titles, port labels) stays
/// cached.
class NodeItem : public QGraphicsItem {
public:
  enum { Type = UserType + 1 };

  NodeItem(const model::PipelineModel& model, const QString& id);

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  const QString& id() const { return id_; }
  const QString& kind() const { return kind_; }
  /// Re-reads kind, ports and size from the model (after a change or rename).
  void rebuild(const QString& id);

  const std::vector<PortItem*>& inputs() const { return inputs_; }
  const std::vector<PortItem*>& outputs() const { return outputs_; }
  /// The port named `name`; "" = the node's first (default) port.
  PortItem* inputPort(const QString& name) const;
  PortItem* outputPort(const QString& name) const;

  void attachEdge(EdgeItem* e);
  void detachEdge(EdgeItem* e);
  const std::vector<EdgeItem*>& edges() const { return edges_; }

  /// Validator problems and runtime errors; shown as a marker with a tooltip.
  void setProblems(const QStringList& problems);
  void setRuntimeError(const QString& message);
  const QStringList& problems() const { return problems_; }
  const QString& runtimeError() const { return runtimeError_; }

  void setLive(const NodeLive& live);
  const NodeLive& live() const { return live_; }

  /// What resuming from the pipeline's checkpoint does to this node's
  /// state: a badge over the top-left corner ("state kept", "new", "will be
  /// reset"), `detail` (why it will be reset) in the tooltip. None: no badge.
  void setResumeBadge(run::ResumeBadge badge, const QString& detail = {});
  run::ResumeBadge resumeBadge() const { return resumeBadge_; }

protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
  class LiveFace;

  QColor bodyColor() const;
  void paintLive(QPainter* painter) const; ///< the LiveFace's content
  void paintResumeBadge(QPainter* painter, bool withText) const;
  void updateToolTip();

  const model::PipelineModel& model_;
  QString id_;
  QString kind_;
  QString category_;
  qreal width_ = 0;
  qreal height_ = 0;
  QString title_;                  ///< id_, elided to the width (laid out in rebuild)
  std::vector<QString> inLabels_;  ///< port names, elided, by inputs_ index
  std::vector<QString> outLabels_; ///< by outputs_ index
  LiveFace* liveFace_ = nullptr;   ///< child, shown while live_.active
  std::vector<PortItem*> inputs_;
  std::vector<PortItem*> outputs_;
  std::vector<EdgeItem*> edges_;
  QStringList problems_;
  QString runtimeError_;
  NodeLive live_;
  run::ResumeBadge resumeBadge_;
  QString resumeDetail_;
};

} // namespace sluice::editor::view
