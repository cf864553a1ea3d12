// 3. live: GUI-thread CPU of a running pipeline (editor_bench.cpp).

#include "editor/editor_bench_support.hpp"

namespace sluice::editor_bench {

struct LiveResult {
  double cpuPercent = -1, seconds = 0;
  int frames = 0, paints = 0;
};

LiveResult liveRun(MainWindow& w, PaintCounter& paints, int intervalMs, int seconds) {
  LiveResult r;
  sluice::editor::run::RunController* run = w.runController();
  run->setSampleInterval(intervalMs);
  int frames = 0;
  auto c = QObject::connect(run, &sluice::editor::run::MetricsFeed::frameSampled,
                            [&](const sluice::observe::metrics_frame&) { ++frames; });
  w.action("run")->trigger();
  if (!spinUntil([&] { return run->state() == RunState::Running; }, 30000)) {
    std::printf("live: the run did not start (state %s)\n",
                qPrintable(sluice::editor::run::runStateName(run->state())));
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

} // namespace sluice::editor_bench
