// The editor's performance goals, measured (prints figures, asserts nothing):
//   sluice_editor_bench [--nodes N] [--live-nodes N] [--seconds S] [--frames N]
//                       [--only open|frames|live] [--keep DIR]
//
// 1. open: a generated N-node pipeline (default 500; generators fanning into
//    chains of filter / map / window.tumbling / sink.null) is opened through
//    MainWindow::openFile, as `sluice-editor FILE` and File > Open do, until
//    the canvas has painted its first frame; without a layout (the editor
//    lays it out) and as the editor saves it (with one).
// 2. frames: with the canvas viewport at 1600x1000, pans (scroll bars, as a
//    middle-drag does) and wheel zooms (a QWheelEvent, 1 notch per frame), each
//    frame a synchronous repaint of the whole viewport; median, p95 and max at
//    fit-to-view and at 100 % zoom.
// 3. live: a 50-node pipeline of rate-limited generators (it runs until
//    stopped) is run with Run (F5) in the window, one node selected so the
//    metrics dock plots it; the GUI thread's CPU time
//    (CLOCK_THREAD_CPUTIME_ID) over S seconds of event loop (default 10), as
//    % of one core, sampling at 1 Hz (the editor's default) and at 10 Hz.
//
// Runs on the offscreen platform unless QT_QPA_PLATFORM is set. The editor's
// settings (recent files) go to a temporary XDG_CONFIG_HOME.

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

namespace {

using sluice::editor::MainWindow;
using sluice::editor::PipelineView;
using sluice::editor::RunState;
using json = nlohmann::json;

const QSize viewportSize(1600, 1000);

// --- documents ----------------------------------------------------------------

struct Doc {
  json nodes = json::array();
  json edges = json::array();
  int count = 0;
  std::string add(const std::string& prefix, const std::string& kind, json params) {
    std::string id = prefix + std::to_string(count++);
    json n = {{"id", id}, {"kind", kind}};
    if (!params.is_null()) n["params"] = std::move(params);
    nodes.push_back(std::move(n));
    return id;
  }
  void connect(const std::string& from, const std::string& to) {
    edges.push_back({{"from", from}, {"to", to}});
  }
};

json filterNode(int i) {
  static const char* wheres[] = {"value >= 10", "key != 'k0'", "value < 90 AND key != 'k1'",
                                 "value > 25.5"};
  return {{"where", wheres[i % 4]}};
}
json mapNode(int i) {
  if (i % 2 == 0) return {{"set", {{"v2", "value * 2"}}}};
  return {{"set", {{"value", "value + 1"}, {"big", "value > 50"}}}, {"drop", json::array({"seq"})}};
}
json windowNode() {
  return {{"size", "1s"},
          {"timestamp", "ts"},
          {"key", json::array({"key"})},
          {"aggregates", json::array({{{"fn", "count"}, {"as", "n"}},
                                      {{"fn", "avg"}, {"field", "value"}, {"as", "mean"}}})}};
}

/// About `total` nodes in groups: a generator fanning out into three
/// branches, each a chain of filter/map (one with a tumbling window) ending in
/// sink.null. The last group is cut short so the total is exact.
json bigPipeline(int total) {
  Doc d;
  // Branch shapes: f = filter, m = map, w = window (then a map of its output).
  const std::vector<std::string> shapes = {"fm", "mfw", "fwm", "ffm"};
  int group = 0;
  while (d.count < total) {
    const int left = total - d.count;
    if (left < 2) break; // cannot happen: groups end on a whole branch
    const std::string gen =
      d.add("gen_", "source.generator", {{"count", 1000000}, {"keys", 100 + group}, {"rate", 0}});
    for (int b = 0; b < 3 && total - d.count >= 1; ++b) {
      std::string shape = shapes[(group + b) % shapes.size()];
      // Cut the branch to what is left (its sink included); never leave
      // exactly one node over, which could only be a generator on its own.
      const int room = total - d.count - 1;
      if (int(shape.size()) > room) shape = shape.substr(0, std::size_t(room));
      if (room - int(shape.size()) == 1) shape += "f";
      std::string prev = gen;
      bool windowed = false;
      for (std::size_t k = 0; k < shape.size(); ++k) {
        std::string id;
        const int i = group * 7 + b * 3 + int(k);
        if (shape[k] == 'w' && !windowed) {
          id = d.add("win_", "window.tumbling", windowNode());
          windowed = true;
        } else if (shape[k] == 'm' || windowed) {
          // After a window the fields are key, window_start, window_end, n, mean.
          id = windowed ? d.add("map_", "transform.map", {{"set", {{"rate", "n / 1.0"}}}})
                        : d.add("map_", "transform.map", mapNode(i));
        } else {
          id = d.add("filter_", "transform.filter", filterNode(i));
        }
        d.connect(prev, id);
        prev = id;
      }
      const std::string sink = d.add("out_", "sink.null", nullptr);
      d.connect(prev, sink);
    }
    ++group;
  }
  return {{"schemaVersion", 1},
          {"name", "editor-bench-" + std::to_string(total)},
          {"description", "Generated by sluice_editor_bench: generators fanning out into "
                          "filter/map/window chains"},
          {"nodes", d.nodes},
          {"edges", d.edges}};
}

/// `total` nodes (a multiple of 5) that keep running: rate-limited unbounded
/// generators, each into filter -> map -> filter|map -> sink.null.
json livePipeline(int total, double ratePerSource) {
  Doc d;
  for (int g = 0; d.count + 5 <= total; ++g) {
    const std::string gen =
      d.add("gen_", "source.generator", {{"count", 0}, {"rate", ratePerSource}, {"keys", 50}});
    const std::string f = d.add("filter_", "transform.filter", filterNode(g));
    const std::string m = d.add("map_", "transform.map", mapNode(g));
    const std::string x = g % 2 ? d.add("filter_", "transform.filter", {{"where", "value < 99"}})
                                : d.add("map_", "transform.map", {{"set", {{"w", "value / 2"}}}});
    const std::string out = d.add("out_", "sink.null", nullptr);
    d.connect(gen, f);
    d.connect(f, m);
    d.connect(m, x);
    d.connect(x, out);
  }
  return {{"schemaVersion", 1},
          {"name", "editor-bench-live-" + std::to_string(total)},
          {"nodes", d.nodes},
          {"edges", d.edges}};
}

/// Writes `doc` and checks it with the validator `sluice validate` uses.
bool writeValid(const json& doc, const std::string& path) {
  std::ofstream(path) << doc.dump(2) << "\n";
  auto checked = sluice::core::check(sluice::core::pipeline_document::load(path),
                                     sluice::ops::builtin_registry());
  if (checked.ok()) return true;
  std::fprintf(stderr, "sluice_editor_bench: generated %s is not valid:\n", path.c_str());
  for (std::size_t i = 0; i < checked.errors.size() && i < 10; ++i)
    std::fprintf(stderr, "  %s\n", checked.errors[i].to_string().c_str());
  return false;
}

// --- measuring ----------------------------------------------------------------

double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

double msSince(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

struct Stats {
  double median = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p95 = v[std::size_t(std::ceil(0.95 * double(v.size()))) - 1];
  s.max = v.back();
  return s;
}

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
bool spinUntil(const std::function<bool()>& done, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeoutMs) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
  }
  return true;
}

void spinFor(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
  loop.exec();
}

/// Resizes the window so the canvas viewport is exactly `want`.
void sizeViewport(MainWindow& w, QSize want) {
  for (int i = 0; i < 6; ++i) {
    const QSize have = w.view()->viewport()->size();
    if (have == want) return;
    w.resize(w.size() + (want - have));
    spinFor(20);
  }
}

void row(const std::string& label, const std::string& figure, const std::string& target,
         const char* verdict) {
  std::printf("%-46s %-34s %-18s %s\n", label.c_str(), figure.c_str(), target.c_str(), verdict);
  std::fflush(stdout);
}

std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b, c, d);
  return buf;
}

// --- 1. open --------------------------------------------------------------------

/// Opens `path` in `w` (already shown) and waits for the canvas's next paint.
double openAndPaint(MainWindow& w, PaintCounter& paints, const QString& path) {
  const int before = paints.count;
  QElapsedTimer t;
  t.start();
  if (!w.openFile(path, true)) return -1;
  if (!spinUntil([&] { return paints.count > before; }, 20000)) return -1;
  return msSince(t);
}

void benchOpen(const sluice::core::registry& registry, const QString& dir, int nodes) {
  const std::string bare = (dir + "/big.json").toStdString();
  const json doc = bigPipeline(nodes);
  if (!writeValid(doc, bare)) return;
  std::printf("-- open: %d nodes, %zu edges, through MainWindow::openFile until the canvas "
              "has painted\n",
              nodes, doc["edges"].size());

  // Cold: what `sluice-editor big.json` does (main.cpp): the window, the
  // file, show, first paint.
  QElapsedTimer t;
  t.start();
  const double cpu0 = threadCpuSeconds();
  auto* w = new MainWindow(registry);
  w->resize(2200, 1300); // about a 1600x1000 canvas next to the docks
  const double built = msSince(t);
  const bool opened = w->openFile(QString::fromStdString(bare), true);
  const double afterOpen = msSince(t);
  auto* paints = new PaintCounter(w->view()->viewport());
  w->show();
  const bool painted = opened && spinUntil([&] { return paints->count > 0; }, 20000);
  const double cold = msSince(t);
  const double coldCpu = (threadCpuSeconds() - cpu0) * 1000;
  if (!painted) {
    row("start editor with the file", "FAILED (not opened or not painted)", "< 1000 ms", "");
    delete w;
    return;
  }
  row("start editor with the file (cold)", fmt("%.0f ms", cold), "< 1000 ms",
      cold < 1000 ? "met" : "MISSED");
  std::printf("    window %.0f ms, openFile %.0f ms (load, check, auto-layout, scene), "
              "show + first paint %.0f ms; GUI-thread CPU %.0f ms\n",
              built, afterOpen - built, cold - afterOpen, coldCpu);

  sizeViewport(*w, viewportSize);
  // The same file saved by the editor (with its layout).
  const QString laidOut = dir + "/big-laid-out.json";
  w->model().save(laidOut);

  auto series = [&](const QString& path, const std::string& label) {
    const int runs = 3;
    std::vector<double> v;
    for (int i = 0; i < runs; ++i) {
      w->openFile(dir + "/empty.json", true); // a different document in between
      spinFor(50);
      v.push_back(openAndPaint(*w, *paints, path));
    }
    if (*std::min_element(v.begin(), v.end()) < 0) {
      row(label, "FAILED", "< 1000 ms", "");
      return;
    }
    const Stats s = stats(v);
    const double worst = *std::max_element(v.begin(), v.end());
    const double best = *std::min_element(v.begin(), v.end());
    row(label, fmt("%.0f ms (%.0f runs %.0f-%.0f)", s.median, runs, best, worst), "< 1000 ms",
        worst < 1000      ? "met"
        : s.median < 1000 ? "met (median)"
                          : "MISSED");
  };
  std::ofstream((dir + "/empty.json").toStdString())
    << R"({"schemaVersion": 1, "name": "empty", "nodes": [], "edges": []})"
    << "\n";
  series(QString::fromStdString(bare), "File > Open, no layout (auto-layout)");
  series(laidOut, "File > Open, saved with layout");
  delete w;
}

// --- 2. frames --------------------------------------------------------------------

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

// --- 3. live --------------------------------------------------------------------

struct LiveResult {
  double cpuPercent = -1, seconds = 0;
  int frames = 0, paints = 0;
};

LiveResult liveRun(MainWindow& w, PaintCounter& paints, int intervalMs, int seconds) {
  LiveResult r;
  sluice::editor::RunController* run = w.runController();
  run->setSampleInterval(intervalMs);
  int frames = 0;
  auto c = QObject::connect(run, &sluice::editor::MetricsFeed::frameSampled,
                            [&](const sluice::observe::metrics_frame&) { ++frames; });
  w.action("run")->trigger();
  if (!spinUntil([&] { return run->state() == RunState::Running; }, 30000)) {
    std::printf("live: the run did not start (state %s)\n",
                qPrintable(sluice::editor::runStateName(run->state())));
    QObject::disconnect(c);
    return r;
  }
  spinFor(1500); // past start-up and the first frames
  const int frames0 = frames, paints0 = paints.count;
  QElapsedTimer wall;
  wall.start();
  const double cpu0 = threadCpuSeconds();
  spinFor(seconds * 1000);
  const double cpu = threadCpuSeconds() - cpu0;
  r.seconds = msSince(wall) / 1000;
  r.cpuPercent = 100 * cpu / r.seconds;
  r.frames = frames - frames0;
  r.paints = paints.count - paints0;
  QObject::disconnect(c);
  w.action("stop")->trigger();
  if (!spinUntil([&] { return !run->isActive(); }, 20000))
    std::printf("live: the run did not stop within 20 s\n");
  spinFor(200);
  return r;
}

void benchLive(const sluice::core::registry& registry, const QString& dir, int nodes, int seconds) {
  const std::string path = (dir + "/live.json").toStdString();
  const double rate = 20000;
  if (!writeValid(livePipeline(nodes, rate), path)) return;
  MainWindow w(registry);
  w.resize(2200, 1300);
  w.show();
  spinUntil([&] { return w.windowHandle() && w.windowHandle()->isExposed(); }, 5000);
  sizeViewport(w, viewportSize);
  if (!w.openFile(QString::fromStdString(path), true) || !w.model().problems().empty()) {
    std::printf("live: cannot open the generated file, or it has problems\n");
    return;
  }
  // As someone watching a run: canvas at fit, one node selected, its plot shown.
  w.scene()->selectNode("map_2");
  w.metricsDock()->raise();
  spinFor(300);
  PaintCounter paints(w.view()->viewport());
  std::printf("-- live view: %d nodes (%d generators at %.0f records/s each, unbounded), Run in "
              "the window, node map_2 plotted; GUI thread CPU over %d s\n",
              nodes, nodes / 5, rate, seconds);

  {
    const double cpu0 = threadCpuSeconds();
    QElapsedTimer t;
    t.start();
    spinFor(3000);
    const double pct = 100 * (threadCpuSeconds() - cpu0) / (msSince(t) / 1000);
    row("GUI thread, not running (idle editor)", fmt("%.2f %% of a core", pct), "", "");
  }
  for (int interval : {1000, 100}) {
    const LiveResult r = liveRun(w, paints, interval, seconds);
    if (r.cpuPercent < 0) continue;
    const std::string label = interval == 1000 ? "GUI thread, live run, 1 Hz samples"
                                               : "GUI thread, live run, 10 Hz samples";
    row(label, fmt("%.2f %% of a core", r.cpuPercent), "< 10 %",
        interval == 1000 ? (r.cpuPercent < 10 ? "met" : "MISSED") : "(headroom)");
    std::printf("    %d frames, %d canvas paints in %.1f s\n", r.frames, r.paints, r.seconds);
  }
}

/// Drops the offscreen platform's chatter; everything else goes to stderr.
void quietMessages(QtMsgType type, const QMessageLogContext&, const QString& text) {
  if (type == QtDebugMsg || text.contains("propagateSizeHints") || text.contains("XDG_RUNTIME_DIR"))
    return;
  std::fprintf(stderr, "%s\n", qPrintable(text));
}

} // namespace

int main(int argc, char** argv) {
  int nodes = 500, liveNodes = 50, seconds = 10, steps = 200;
  std::string only, keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--nodes") == 0) nodes = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--live-nodes") == 0) liveNodes = std::atoi(argv[i + 1]) / 5 * 5;
    else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--frames") == 0) steps = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    else if (std::strcmp(argv[i], "--keep") == 0) keep = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: sluice_editor_bench [--nodes N] [--live-nodes N] [--seconds S] "
                           "[--frames N] [--only open|frames|live] [--keep DIR]\n");
      return 2;
    }
  }
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QTemporaryDir tmp;
  if (!tmp.isValid()) return 1;
  // Recent files and other settings stay out of the user's configuration.
  qputenv("XDG_CONFIG_HOME", (tmp.path() + "/config").toLocal8Bit());
  qInstallMessageHandler(quietMessages);
  QApplication app(argc, argv);
  QApplication::setApplicationName("sluice-editor");
  QApplication::setOrganizationName("sluice");
  const QString dir = keep.empty() ? tmp.path() : QString::fromStdString(keep);
  QDir().mkpath(dir);
  const sluice::core::registry& registry = sluice::ops::builtin_registry();

  std::printf("Sluice editor benchmark (%s platform)\n", qPrintable(QApplication::platformName()));
  std::printf("%-46s %-34s %-18s %s\n", "", "measured", "target", "");
  if (only.empty() || only == "open") benchOpen(registry, dir, nodes);
  if (only.empty() || only == "frames") benchFrames(registry, dir, nodes, steps);
  if (only.empty() || only == "live") benchLive(registry, dir, liveNodes, seconds);
  return 0;
}
