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

#include "editor/editor_bench_support.hpp"

namespace {

using namespace sluice::editor_bench;

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