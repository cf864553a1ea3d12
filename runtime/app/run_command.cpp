#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "commands.hpp"
#include "load_pipeline.hpp"
#include "run_summary.hpp"
#include "sluice/exec/pipeline_run.hpp"

namespace sluice::app {

namespace {

std::atomic<int> interrupts{0};

extern "C" void on_signal(int) { interrupts.fetch_add(1); }

struct progress_line {
  bool enabled;
  std::uint64_t last_in = 0, last_out = 0;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();

  void update(const std::vector<node_totals>& t, double elapsed) {
    if (!enabled) return;
    std::uint64_t in = 0, out = 0;
    for (const auto& n : t) {
      if (n.is_source) in += n.out;
      if (n.is_sink) out += n.in;
    }
    auto now = std::chrono::steady_clock::now();
    double dt = std::chrono::duration<double>(now - last).count();
    if (dt <= 0) return;
    std::fprintf(stderr, "\r\033[K%7.1f s   in %s rec/s   out %s rec/s   total in %s", elapsed,
                 human_count(static_cast<double>(in - last_in) / dt).c_str(),
                 human_count(static_cast<double>(out - last_out) / dt).c_str(),
                 human_count(static_cast<double>(in)).c_str());
    std::fflush(stderr);
    last_in = in;
    last_out = out;
    last = now;
  }

  void clear() {
    if (enabled) std::fprintf(stderr, "\r\033[K");
  }
};

} // namespace

int run_command(const run_args& args) {
  auto checked = load_checked(args.file);
  if (!checked) return exit_invalid;

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  std::unique_ptr<exec::pipeline_run> run;
  try {
    run = std::make_unique<exec::pipeline_run>(std::move(*checked));
  } catch (const std::exception& e) {
    std::cerr << args.file << ": error: " << e.what() << "\n";
    return exit_runtime_failure;
  }

  progress_line progress{!args.quiet && isatty(STDERR_FILENO) == 1};
  int handled_interrupts = 0;
  bool duration_reached = false;
  while (!run->wait_for(std::chrono::milliseconds(100))) {
    int n = interrupts.load();
    if (n > handled_interrupts) {
      handled_interrupts = n;
      if (n == 1) {
        progress.clear();
        std::cerr << "stopping: draining records in flight (Ctrl-C again to abort)\n";
        run->stop();
      } else {
        run->abort();
      }
    }
    if (!duration_reached && args.duration_s > 0 && elapsed() >= args.duration_s) {
      duration_reached = true;
      run->stop();
    }
    progress.update(totals_by_node(run->pipeline(), run->snapshot()), elapsed());
  }
  progress.clear();

  auto status = run->status();
  auto totals = totals_by_node(run->pipeline(), run->snapshot());
  double secs = elapsed();
  if (status == exec::run_status::failed) {
    std::cerr << args.file << ": error: " << run->failure() << "\n";
    run.reset();
    return exit_runtime_failure;
  }
  run.reset();
  if (!args.quiet) {
    std::cerr << format_summary(totals, secs);
    std::fprintf(stderr, "%s after %.2f s\n",
                 status == exec::run_status::stopped ? "stopped" : "finished", secs);
  }
  return exit_ok;
}

} // namespace sluice::app
