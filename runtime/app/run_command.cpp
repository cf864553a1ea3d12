#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <unistd.h>

#include "checkpoint_choice.hpp"
#include "commands.hpp"
#include "load_pipeline.hpp"
#include "run_summary.hpp"
#include "sluice/core/printable.hpp"
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/observe/metrics_frame.hpp"
#include "sluice/observe/metrics_server.hpp"
#include "sluice/observe/top_table.hpp"
#include "terminal.hpp"

namespace sluice::app {

namespace {

std::atomic<int> interrupts{0};   ///< SIGINT (and `q` in --top)
std::atomic<int> terminations{0}; ///< SIGTERM

extern "C" void on_interrupt(int) { interrupts.fetch_add(1); }
extern "C" void on_terminate(int) { terminations.fetch_add(1); }

/// The run of this command, replaced when a restart strategy restarts it.
/// The metrics endpoint reads through it from its own threads.
struct current_run {
  mutable std::mutex mutex;
  std::shared_ptr<exec::pipeline_run> run;
  std::atomic<std::uint64_t> restarts{0};
  /// The checkpoints of the runs before `run`: counted on across restarts,
  /// and the last one they completed, until `run` completes one.
  exec::checkpoint_stats earlier;

  std::shared_ptr<exec::pipeline_run> get() const {
    std::lock_guard<std::mutex> guard(mutex);
    return run;
  }
  void set(std::shared_ptr<exec::pipeline_run> r) {
    std::lock_guard<std::mutex> guard(mutex);
    if (run && r) {
      // A restart: the ended run's checkpoints become earlier ones.
      auto ended = run->checkpoints();
      earlier.enabled = earlier.enabled || ended.enabled;
      earlier.completed += ended.completed;
      earlier.abandoned += ended.abandoned;
      if (ended.last_id > 0) {
        earlier.last_id = ended.last_id;
        earlier.last_completed_ms = ended.last_completed_ms;
        earlier.last_duration_ms = ended.last_duration_ms;
        earlier.last_bytes = ended.last_bytes;
        earlier.state_bytes = std::move(ended.state_bytes);
      }
    }
    run = std::move(r);
  }

  /// The checkpoints of this command's runs as the metrics show them.
  observe::checkpoint_figures checkpoints() const {
    std::shared_ptr<exec::pipeline_run> r;
    exec::checkpoint_stats before;
    {
      std::lock_guard<std::mutex> guard(mutex);
      r = run;
      before = earlier;
    }
    auto now = r ? r->checkpoints() : exec::checkpoint_stats{};
    const auto& last = now.last_id > 0 ? now : before;
    observe::checkpoint_figures f;
    f.enabled = now.enabled || before.enabled;
    f.last_id = last.last_id;
    f.last_completed_ms = last.last_completed_ms;
    f.last_duration_ms = last.last_duration_ms;
    f.last_bytes = last.last_bytes;
    f.state_bytes = last.state_bytes;
    f.completed = before.completed + now.completed;
    f.abandoned = before.abandoned + now.abandoned;
    f.restarts = restarts.load();
    return f;
  }
};

/// The wait before restart number `attempt` (1-based).
std::chrono::milliseconds restart_delay(const core::pipeline::restart_spec& r, int attempt) {
  std::int64_t us = r.delay_us;
  if (r.strategy == "exponential")
    for (int k = 1; k < attempt && us < r.max_delay_us; ++k) us = std::min(us * 2, r.max_delay_us);
  return std::chrono::milliseconds(us / 1000);
}

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

const char* status_name(exec::run_status s) {
  switch (s) {
    case exec::run_status::running: return "running";
    case exec::run_status::finished: return "finished";
    case exec::run_status::stopped: return "stopped";
    case exec::run_status::failed: return "failed";
  }
  return "running";
}

/// `--top`: the live table for the run this process runs, from in-process
/// frames (the endpoint's when there is one, else a sampler of its own).
struct top_view {
  std::unique_ptr<terminal> term;
  std::optional<observe::metrics_sampler> sampler;
  observe::top_header header;
  std::chrono::steady_clock::time_point next = std::chrono::steady_clock::now();

  void draw(const current_run& current, observe::metrics_server* server, bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && now < next && !term->resized()) return;
    if (now >= next) next = now + std::chrono::seconds(1);
    observe::metrics_frame frame;
    auto run = current.get();
    if (server) {
      frame = server->latest();
    } else {
      if (!sampler) sampler.emplace(run->pipeline());
      frame = sampler->sample(run->snapshot(), observe::steady_now_ns(), observe::wall_now_ms(),
                              current.checkpoints());
    }
    header.status = status_name(run->status());
    auto [w, h] = term->size();
    term->draw(observe::render_top(frame, header, w, h, true));
  }
};

} // namespace

int run_command(const run_args& args) {
  auto checked = load_checked(args.file);
  if (!checked) return exit_invalid;
  auto choice = choose_checkpoints(args.file, args.checkpoints, *checked, args.quiet);
  if (!choice.ok) return exit_invalid;
  const bool checkpoints_on = choice.settings.has_value();
  const auto restart = checked->doc.restart;

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_terminate);

  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto start_run = [&](std::optional<exec::checkpoint_settings> settings) {
    exec::run_options options;
    options.checkpoints = std::move(settings);
    return std::make_shared<exec::pipeline_run>(*checked, options);
  };
  current_run current;
  std::shared_ptr<exec::pipeline_run> run;
  try {
    run = start_run(choice.settings);
  } catch (const std::exception& e) {
    std::cerr << args.file << ": error: " << core::printable(e.what()) << "\n";
    return exit_runtime_failure;
  }
  current.set(run);

  // The endpoint lives until this function returns: after the run has
  // ended it still serves the final counters (and --linger keeps it longer).
  std::unique_ptr<observe::metrics_server> server;
  if (args.metrics_port >= 0) {
    observe::server_options options;
    options.bind = args.metrics_bind;
    options.port = args.metrics_port;
    auto* c = &current;
    observe::run_source source{
      [c] { return c->get()->snapshot(); },
      [c] {
        auto r = c->get();
        return observe::run_health{status_name(r->status()), r->failure()};
      },
      [c] { return c->checkpoints(); },
      [c](const observe::tap_request& r) { return c->get()->open_tap(r.from, r.to, r.options); }};
    try {
      server =
        std::make_unique<observe::metrics_server>(run->pipeline(), std::move(source), options);
    } catch (const std::exception& e) {
      std::cerr << args.file << ": error: " << e.what() << "\n";
      run->abort();
      run.reset();
      return exit_runtime_failure;
    }
    std::cerr << "metrics: " << server->url() << "/metrics (Prometheus), " << server->url()
              << "/api/metrics (JSON); watch with: sluice top " << server->url()
              << " (an edge's records: sluice tap " << server->url() << " FROM TO)" << std::endl;
  }

  top_view top;
  if (args.top) {
    if (terminal::available()) {
      top.term = std::make_unique<terminal>();
      top.header.source = args.file;
      top.header.keys = checkpoints_on ? "q stop with a savepoint" : "q stop the run";
    } else {
      std::cerr << "warning: --top needs a terminal; showing the progress line instead\n";
    }
  }
  progress_line progress{!top.term && !args.quiet && isatty(STDERR_FILENO) == 1};
  int handled_interrupts = 0;
  bool duration_reached = false;
  bool aborted = false; // a second Ctrl-C: records in flight are dropped
  auto stop_gracefully = [&] {
    progress.clear();
    if (top.term)
      top.header.message = "stopping: draining records in flight (Ctrl-C again to abort)";
    else std::cerr << "stopping: draining records in flight (Ctrl-C again to abort)\n";
    run->stop();
  };
  bool savepoint_taken = false;
  int restarts = 0;
  auto stop_with_savepoint = [&] {
    progress.clear();
    std::cerr << "stopping: taking a savepoint\n";
    if (run->stop_with_savepoint(std::chrono::seconds(60))) {
      savepoint_taken = true;
      return;
    }
    std::cerr << "the savepoint could not complete (a source had ended); draining instead\n";
    run->stop();
  };
  for (;;) {
    while (!run->wait_for(std::chrono::milliseconds(100))) {
      bool quit_key = false;
      if (top.term) {
        int key = top.term->read_key(std::chrono::milliseconds(0));
        quit_key = key == 'q' || key == 'Q';
      }
      if ((quit_key || terminations.load() > 0) && checkpoints_on && !savepoint_taken
          && handled_interrupts == 0) {
        // SIGTERM or q: a final checkpoint, then stop without draining.
        handled_interrupts = 1;
        stop_with_savepoint();
        continue;
      }
      if (quit_key && interrupts.load() == 0) interrupts.store(1);
      int n = interrupts.load() + (checkpoints_on ? 0 : terminations.load());
      if (n > handled_interrupts) {
        handled_interrupts = n;
        if (n == 1) {
          stop_gracefully();
        } else if (!aborted) {
          aborted = true;
          run->abort();
        }
      }
      if (!duration_reached && args.duration_s > 0 && elapsed() >= args.duration_s) {
        duration_reached = true;
        run->stop();
      }
      if (top.term) top.draw(current, server.get(), false);
      else progress.update(totals_by_node(run->pipeline(), run->snapshot()), elapsed());
    }
    // A failed run restarts (from the newest complete checkpoint, if any)
    // while its restart strategy allows.
    if (run->status() != exec::run_status::failed || restart.strategy == "none"
        || restarts >= restart.attempts || handled_interrupts > 0 || aborted)
      break;
    ++restarts;
    auto delay = restart_delay(restart, restarts);
    progress.clear();
    std::optional<exec::checkpoint_settings> settings;
    if (checkpoints_on) settings = resume_latest(*choice.settings);
    std::cerr << core::printable(args.file) << ": " << core::printable(run->failure())
              << "\nrestarting in " << core::format_duration(delay.count() * 1000) << " (restart "
              << restarts << " of " << restart.attempts << ") from "
              << (settings && settings->resume_from
                    ? "checkpoint " + std::to_string(*settings->resume_from)
                    : std::string("the beginning"))
              << "\n";
    auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until && interrupts.load() == 0
           && terminations.load() == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (interrupts.load() > 0 || terminations.load() > 0) break;
    try {
      auto next = start_run(settings);
      current.set(next);
      run = std::move(next);
      current.restarts.store(static_cast<std::uint64_t>(restarts));
    } catch (const std::exception& e) {
      std::cerr << args.file << ": error: restart " << restarts
                << " failed: " << core::printable(e.what()) << "\n";
      break;
    }
  }
  progress.clear();

  auto status = run->status();
  if (server) server->sample_now(); // the final counters, for whoever still asks
  if (server && args.linger_s > 0 && interrupts.load() == 0) {
    auto until = std::chrono::steady_clock::now()
                 + std::chrono::milliseconds(static_cast<std::int64_t>(args.linger_s * 1000));
    if (top.term)
      top.header.message =
        "the run has ended; serving its metrics until --linger expires (q quits)";
    else if (!args.quiet)
      std::cerr << "run " << status_name(status) << "; serving metrics for " << args.linger_s
                << " s more (Ctrl-C to exit)\n";
    while (std::chrono::steady_clock::now() < until && interrupts.load() == handled_interrupts) {
      if (top.term) {
        int key = top.term->read_key(std::chrono::milliseconds(100));
        if (key == 'q' || key == 'Q') break;
        top.draw(current, server.get(), false);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  top.term.reset(); // back to the normal screen before the summary

  auto totals = totals_by_node(run->pipeline(), run->snapshot());
  auto bottleneck = run_bottleneck(run->pipeline(), totals);
  double secs = elapsed();
  if (status == exec::run_status::failed) {
    std::cerr << core::printable(args.file) << ": error: " << core::printable(run->failure())
              << "\n";
    if (restarts > 0) std::cerr << "(after " << restarts << " restarts)\n";
    server.reset();
    current.set(nullptr);
    run.reset();
    return exit_runtime_failure;
  }
  server.reset();
  current.set(nullptr);
  run.reset();
  if (savepoint_taken) {
    if (!args.quiet) std::cerr << format_summary(totals, secs, bottleneck);
    std::cerr << "stopped with a savepoint after " << static_cast<long long>(secs)
              << " s; run the same command again to continue from it\n";
    return exit_ok;
  }
  if (aborted) {
    // Not a success: whatever was in flight between the nodes is lost.
    if (!args.quiet) std::cerr << format_summary(totals, secs, bottleneck);
    std::cerr << args.file << ": error: aborted by a second interrupt after "
              << static_cast<long long>(secs) << " s; records in flight were dropped\n";
    return exit_runtime_failure;
  }
  if (!args.quiet) {
    std::cerr << format_summary(totals, secs, bottleneck);
    std::fprintf(stderr, "%s after %.2f s\n",
                 status == exec::run_status::stopped ? "stopped" : "finished", secs);
  }
  return exit_ok;
}

} // namespace sluice::app
