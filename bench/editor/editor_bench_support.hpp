#pragma once

// What the parts of the editor benchmark share (editor_bench.cpp says what
// each measures): the documents it opens and runs, and how it times frames
// and CPU. A benchmark prints figures and asserts nothing.

#include "model/core_headers.hpp" // before Qt: core's emitter::emit vs Qt's macro
#include "view/runtime_headers.hpp"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QWheelEvent>
#include <QWindow>

#include <nlohmann/json.hpp>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "app/main_window.hpp"
#include "model/pipeline_model.hpp"
#include "run/run_controller.hpp"
#include "view/metrics_dock.hpp"
#include "view/pipeline_scene.hpp"
#include "view/pipeline_view.hpp"

namespace sluice::editor_bench {

using sluice::editor::app::MainWindow;
using sluice::editor::run::RunState;
using sluice::editor::view::PipelineView;
using json = nlohmann::json;

inline const QSize viewportSize(1600, 1000);

// --- documents (documents.cpp) ---------------------------------------------

/// About `total` nodes in groups: a generator fanning out into three
/// branches, each a chain of filter/map (one with a tumbling window) ending in
/// sink.null. The last group is cut short so the total is exact.
json bigPipeline(int total);
/// `total` nodes (a multiple of 5) that keep running: rate-limited unbounded
/// generators, each into filter -> map -> filter|map -> sink.null.
json livePipeline(int total, double ratePerSource);
/// Writes `doc` and checks it with the validator `sluice validate` uses.
bool writeValid(const json& doc, const std::string& path);

// --- measuring (measuring.cpp) ---------------------------------------------

double threadCpuSeconds();
double msSince(const QElapsedTimer& t);

struct Stats {
  double median = 0, p95 = 0, max = 0;
};
Stats stats(std::vector<double> v);

/// Counts paint events of one widget (to know a frame was really drawn).
class PaintCounter : public QObject {
public:
  explicit PaintCounter(QWidget* w) : QObject(w) { w->installEventFilter(this); }
  int count = 0;

protected:
  bool eventFilter(QObject*, QEvent* e) override {
    if (e->type() == QEvent::Paint) ++count;
    return false;
  }
};

/// Runs the event loop until `done` or `timeoutMs`; false on timeout.
bool spinUntil(const std::function<bool()>& done, int timeoutMs);
void spinFor(int ms);
/// Resizes the window so the canvas viewport is exactly `want`.
void sizeViewport(MainWindow& w, QSize want);
void row(const std::string& label, const std::string& figure, const std::string& target,
         const char* verdict);
std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0);

// --- the three measurements -------------------------------------------------

void benchOpen(const sluice::core::registry& registry, const QString& dir, int nodes);
void benchFrames(const sluice::core::registry& registry, const QString& dir, int nodes, int steps);
void benchLive(const sluice::core::registry& registry, const QString& dir, int nodes, int seconds);

} // namespace sluice::editor_bench
