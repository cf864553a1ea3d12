#pragma once

// Helpers for the view tests: a model + scene + view on a small document,
// and mouse gestures in scene coordinates.

#include <QApplication>
#include <QGraphicsView>
#include <QTest>

#include <memory>

#include "model/pipeline_model.hpp"
#include "view/pipeline_scene.hpp"
#include "view/pipeline_view.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::test {

inline const core::registry& registry() { return ops::builtin_registry(); }

/// gen -> f -> out with a free map node `m` and a window `w`, all laid out.
inline QString canvasText() {
  return QStringLiteral(R"({
  "schemaVersion": 1,
  "name": "canvas",
  "description": "",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 100}},
    {"id": "f", "kind": "transform.filter", "params": {"where": "value > 10"}},
    {"id": "m", "kind": "transform.map", "params": {"set": {"twice": "value * 2"}}},
    {"id": "out", "kind": "sink.null"}
  ],
  "edges": [
    {"from": "gen", "to": "f"},
    {"from": "f", "to": "out"}
  ],
  "layout": {"gen": {"x": 0, "y": 0}, "f": {"x": 260, "y": 0}, "m": {"x": 260, "y": 200},
             "out": {"x": 540, "y": 0}}
}
)");
}

/// A model, its scene and a shown view at zoom 1 with the content visible.
struct Canvas {
  editor::model::PipelineModel model{registry()};
  std::unique_ptr<editor::view::PipelineScene> scene;
  std::unique_ptr<editor::view::PipelineView> view;

  explicit Canvas(const QString& text = canvasText()) {
    const QString error = model.loadText(text);
    if (!error.isEmpty()) throw std::runtime_error(error.toStdString());
    scene = std::make_unique<editor::view::PipelineScene>(model);
    view = std::make_unique<editor::view::PipelineView>(scene.get());
    view->resize(1200, 800);
    view->show();
    (void)QTest::qWaitForWindowExposed(view.get());
    view->centerOn(scene->contentRect().center());
  }
  ~Canvas() {
    view.reset();
    scene.reset();
  }

  QPoint at(QPointF scenePos) const { return view->mapFromScene(scenePos); }
  QWidget* viewport() const { return view->viewport(); }

  /// Press at `from`, move in steps, release at `to` (scene coordinates).
  void drag(QPointF from, QPointF to) {
    QTest::mousePress(viewport(), Qt::LeftButton, {}, at(from));
    for (int i = 1; i <= 4; ++i) QTest::mouseMove(viewport(), at(from + (to - from) * i / 4.0));
    QTest::mouseRelease(viewport(), Qt::LeftButton, {}, at(to));
  }
};

} // namespace sluice::test
