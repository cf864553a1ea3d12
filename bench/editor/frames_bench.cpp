// 2. frames: pan and zoom frame times (editor_bench.cpp).

#include "editor/editor_bench_support.hpp"

namespace sluice::editor_bench {

struct FrameRun {
  std::vector<double> pan, zoom;       ///< wall ms per frame
  std::vector<double> panCpu, zoomCpu; ///< GUI-thread CPU ms per frame (load-independent)
  int missedPaints = 0;
};

/// One frame: `change` the view, then repaint the whole viewport now.
/// Returns the wall time; `cpuMs` gets the GUI thread's CPU time.
double frame(PipelineView* view, PaintCounter& paints, int& missed,
             const std::function<void()>& change, std::vector<double>* cpuMs = nullptr) {
  const int before = paints.count;
  QElapsedTimer t;
  t.start();
  const double cpu0 = threadCpuSeconds();
  change();
  view->viewport()->repaint();
  const double ms = msSince(t);
  if (cpuMs) cpuMs->push_back((threadCpuSeconds() - cpu0) * 1000);
  if (paints.count == before) ++missed;
  QCoreApplication::processEvents(); // anything posted (untimed; normally nothing left)
  return ms;
}

FrameRun panAndZoom(PipelineView* view, PaintCounter& paints, int steps) {
  FrameRun r;
  QScrollBar* h = view->horizontalScrollBar();
  QScrollBar* v = view->verticalScrollBar();
  for (int i = 0; i < 5; ++i) frame(view, paints, r.missedPaints, [] {}); // warm up
  // Pan: as a middle-drag does, 24 px right and 9 px down a frame, bouncing
  // off the ends of the scroll range.
  int dx = 24, dy = 9;
  for (int i = 0; i < steps / 2; ++i) {
    r.pan.push_back(frame(
      view, paints, r.missedPaints,
      [&] {
        if (h->value() + dx > h->maximum() || h->value() + dx < h->minimum()) dx = -dx;
        if (v->value() + dy > v->maximum() || v->value() + dy < v->minimum()) dy = -dy;
        h->setValue(h->value() + dx);
        v->setValue(v->value() + dy);
      },
      &r.panCpu));
  }
  // Zoom: one wheel notch a frame at the viewport's centre, 4 notches in,
  // 8 out, 8 in, ... (a triangle around the starting zoom).
  const QPointF at(view->viewport()->width() / 2.0, view->viewport()->height() / 2.0);
  int level = 0, dir = 1;
  for (int i = 0; i < steps - steps / 2; ++i) {
    if (level + dir > 4 || level + dir < -4) dir = -dir;
    level += dir;
    r.zoom.push_back(frame(
      view, paints, r.missedPaints,
      [&] {
        QWheelEvent e(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120 * dir),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(view->viewport(), &e);
      },
      &r.zoomCpu));
  }
  return r;
}

void benchFrames(const sluice::core::registry& registry, const QString& dir, int nodes, int steps) {
  const std::string path = (dir + "/frames.json").toStdString();
  if (!writeValid(bigPipeline(nodes), path)) return;
  MainWindow w(registry);
  w.resize(2200, 1300);
  w.show();
  spinUntil([&] { return w.windowHandle() && w.windowHandle()->isExposed(); }, 5000);
  sizeViewport(w, viewportSize);
  if (!w.openFile(QString::fromStdString(path), true)) {
    std::printf("frames: cannot open the generated file\n");
    return;
  }
  spinFor(100);
  w.view()->fitToView(); // scroll bars come and go with the document: size again
  sizeViewport(w, viewportSize);
  PipelineView* view = w.view();
  PaintCounter paints(view->viewport());
  const QSize vp = view->viewport()->size();
  std::printf("-- frames: %d nodes, canvas viewport %dx%d, each frame a synchronous repaint of "
              "the whole viewport (%d frames per zoom)\n",
              nodes, vp.width(), vp.height(), steps);

  auto report = [&](const FrameRun& r, const std::string& where) {
    struct Series {
      const char* name;
      const std::vector<double>& wall;
      const std::vector<double>& cpu;
    };
    for (const Series& x :
         {Series{"pan", r.pan, r.panCpu}, Series{"wheel zoom", r.zoom, r.zoomCpu}}) {
      const Stats s = stats(x.wall), c = stats(x.cpu);
      row("frame, " + std::string(x.name) + " " + where,
          fmt("median %.1f  p95 %.1f  max %.1f ms", s.median, s.p95, s.max), "p95 < 16.7 ms",
          s.p95 < 16.7 ? "met" : "MISSED");
      std::printf("    GUI-thread CPU per frame: median %.1f  p95 %.1f ms (%s on CPU time, "
                  "without the load of other processes)\n",
                  c.median, c.p95, c.p95 < 16.7 ? "met" : "missed");
    }
    if (r.missedPaints)
      std::printf("    (%d frames did not reach the viewport's paintEvent)\n", r.missedPaints);
  };

  w.view()->fitToView();
  const double fit = view->zoom();
  report(panAndZoom(view, paints, steps), fmt("at fit (%.0f %%)", fit * 100));

  w.view()->resetZoom();
  view->centerOn(w.scene()->contentRect().center());
  report(panAndZoom(view, paints, steps), "at 100 %");
}

} // namespace sluice::editor_bench
