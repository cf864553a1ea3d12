// Runs one pipeline file in-process and prints what it cost:
//   sluice_bench FILE [--seconds N] [--label TEXT] [--format text|json]
//                [--checkpoint-dir DIR [--checkpoint-interval MS]] [--tap FROM TO]
// records/s (records the sources produced, divided by wall time), CPU
// seconds (user + system), peak RSS, and with --seconds the RSS sampled
// every second (to show memory stays flat under backpressure). With
// `--format json` the figures are one JSON object instead (for scripts).
// With --checkpoint-dir the run takes checkpoints (every second unless
// --checkpoint-interval says otherwise, in ms) and also prints how many
// completed, their mean and longest duration and their largest size.
// With --tap the edge FROM -> TO has a tap open for the whole run, read
// every 250 ms as the metrics endpoint would (default rate), and the
// figures add how many records it sampled: its cost is the difference to
// the same run without it.

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "sluice/core/pipeline/validator.hpp"
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/ops/builtin.hpp"

namespace {

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1e3; // ru_maxrss is in KiB
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: sluice_bench FILE [--seconds N] [--label TEXT] [--format text|json] "
                 "[--checkpoint-dir DIR [--checkpoint-interval MS]] [--tap FROM TO]\n";
    return 2;
  }
  std::string file = argv[1], label = file, tap_from, tap_to;
  double seconds = 0;
  bool json = false;
  std::string checkpoint_dir;
  long checkpoint_ms = 1000;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tap") == 0 && i + 2 < argc) {
      tap_from = argv[i + 1];
      tap_to = argv[i + 2];
      ++i;
      continue;
    }
    if (std::strcmp(argv[i], "--checkpoint-dir") == 0) checkpoint_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--checkpoint-interval") == 0) checkpoint_ms = std::stol(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
    else if (std::strcmp(argv[i], "--label") == 0) label = argv[i + 1];
    else if (std::strcmp(argv[i], "--format") == 0) json = std::strcmp(argv[i + 1], "json") == 0;
  }
  using namespace sluice;
  auto checked =
    core::pipeline::check(core::pipeline::pipeline_document::load(file), ops::builtin_registry());
  if (!checked.ok()) {
    for (const auto& e : checked.errors) std::cerr << file << ": " << e.to_string() << "\n";
    return 2;
  }
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  exec::run_options options;
  if (!checkpoint_dir.empty())
    options.checkpoints = exec::checkpoint_settings{
      checkpoint_dir, std::chrono::milliseconds(checkpoint_ms), std::nullopt, {}};
  exec::pipeline_run run(std::move(checked), options);
  std::shared_ptr<exec::edge_tap> tap;
  std::thread tap_reader;
  std::uint64_t tapped = 0;
  if (!tap_from.empty()) {
    try {
      tap = run.open_tap(tap_from, tap_to);
    } catch (const std::exception& e) {
      std::cerr << "--tap: " << e.what() << "\n";
      run.abort();
      return 2;
    }
    tap_reader = std::thread([&] {
      while (!tap->status().ended) {
        tapped += tap->take().records.size();
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    });
  }
  double peak_sampled = 0;
  int second = 0;
  std::string rss_series;
  while (!run.wait_for(std::chrono::milliseconds(1000))) {
    double now_rss = rss_mb();
    peak_sampled = std::max(peak_sampled, now_rss);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.0f", rss_series.empty() ? "" : " ", now_rss);
    rss_series += buf;
    if (seconds > 0 && ++second >= seconds) run.stop();
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  if (tap_reader.joinable()) tap_reader.join();
  if (run.status() == exec::run_status::failed) {
    std::cerr << "failed: " << run.failure() << "\n";
    return 1;
  }
  std::uint64_t produced = 0;
  for (const auto& s : run.snapshot())
    for (const auto& n : run.pipeline().nodes)
      if (n.spec->id == s.node && n.desc->is_source()) produced += s.records_out;
  auto chk = run.checkpoints();
  double mean_ms =
    chk.completed ? static_cast<double>(chk.total_duration_ms) / static_cast<double>(chk.completed)
                  : 0;
  if (json) {
    std::printf("{\"label\":\"%s\",\"records\":%llu,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
                "\"peak_rss_mb\":%.1f,\"checkpoints\":%llu,\"checkpoint_mean_ms\":%.1f,"
                "\"checkpoint_max_ms\":%lld,\"checkpoint_max_mb\":%.2f}\n",
                label.c_str(), static_cast<unsigned long long>(produced), wall, cpu, peak_rss_mb(),
                static_cast<unsigned long long>(chk.completed), mean_ms,
                static_cast<long long>(chk.max_duration_ms),
                static_cast<double>(chk.max_bytes) / 1e6);
    return 0;
  }
  std::printf("%-44s %12llu records  %7.2f s  %8.2f M records/s  cpu %6.2f s  peak rss %6.1f MB\n",
              label.c_str(), static_cast<unsigned long long>(produced), wall,
              static_cast<double>(produced) / wall / 1e6, cpu, peak_rss_mb());
  if (!rss_series.empty()) std::printf("    rss per second (MB): %s\n", rss_series.c_str());
  if (tap)
    std::printf("    tap %s: %llu records sampled of %llu seen\n", tap->name().c_str(),
                static_cast<unsigned long long>(tapped),
                static_cast<unsigned long long>(tap->take().seen));
  if (chk.enabled)
    std::printf("    checkpoints: %llu completed, mean %.1f ms, longest %lld ms, largest %.2f MB\n",
                static_cast<unsigned long long>(chk.completed), mean_ms,
                static_cast<long long>(chk.max_duration_ms),
                static_cast<double>(chk.max_bytes) / 1e6);
  return 0;
}
