// Timing helpers of the editor benchmark.

#include "editor/editor_bench_support.hpp"

namespace sluice::editor_bench {

double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

double msSince(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p95 = v[std::size_t(std::ceil(0.95 * double(v.size()))) - 1];
  s.max = v.back();
  return s;
}

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

std::string fmt(const char* f, double a, double b, double c, double d) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b, c, d);
  return buf;
}

} // namespace sluice::editor_bench
