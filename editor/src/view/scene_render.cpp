#include "view/scene_render.hpp"

#include <QGraphicsItem>
#include <QPainter>

#include <algorithm>

#include "view/pipeline_scene.hpp"

namespace sluice::editor::view {

QImage renderScene(PipelineScene& scene, qreal scale) {
  const QRectF source = scene.contentRect().adjusted(-10, -10, 10, 10);
  // Bound the image (a 500-node pipeline must not need gigabytes).
  const qreal maxSide = 12000;
  scale = std::min({scale, maxSide / source.width(), maxSide / source.height()});
  const QSize size(int(source.width() * scale + 0.5), int(source.height() * scale + 0.5));
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing
                         | QPainter::SmoothPixmapTransform);
  const QBrush background = scene.backgroundBrush();
  scene.setBackgroundBrush(Qt::white);
  const QList<QGraphicsItem*> selected = scene.selectedItems();
  scene.clearSelection(); // a picture of the pipeline, not of the editing state
  scene.render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), source, Qt::KeepAspectRatio);
  painter.end();
  for (QGraphicsItem* i : selected) i->setSelected(true);
  scene.setBackgroundBrush(background);
  return image;
}

} // namespace sluice::editor::view
