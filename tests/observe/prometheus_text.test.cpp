#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "observe/observe_helpers.hpp"
#include "sluice/observe/prometheus_text.hpp"

using namespace sluice;
using test::ms;

namespace {

/// The text of a frame of the chain pipeline, sampled at Unix time
/// 1700000001000 ms with `checkpoints`, rendered at `now_ms`.
std::string exposition(observe::checkpoint_figures checkpoints = test::checkpoints(1700000000000),
                       std::int64_t now_ms = 1700000003500) {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto slow = test::snap("slow", 0, 1000, 900, 990, 0, 1000);
  slow.watermark = 1700000000000000;
  slow.input_queues = {{0, 4096, 8192}};
  const auto& f = sampler.sample(
    {test::snap("gen", 0, 0, 1000, 50, 900, 1000), slow, test::snap("out", 0, 900, 0, 5, 0, 1000)},
    1000 * ms, 1700000001000, std::move(checkpoints));
  return observe::prometheus_text(f, observe::read_process_stats(), now_ms);
}

} // namespace

TEST_CASE("the Prometheus text has every family with its labels") {
  auto text = exposition();
  INFO(text);
  for (const auto* family :
       {"sluice_records_in_total", "sluice_records_out_total", "sluice_records_error_total",
        "sluice_records_late_total", "sluice_busy_seconds_total", "sluice_idle_seconds_total",
        "sluice_backpressured_seconds_total", "sluice_edge_queue_fill_ratio",
        "sluice_watermark_lag_seconds", "process_resident_memory_bytes",
        "process_cpu_seconds_total"})
    CHECK_THAT(text, Catch::Contains(std::string("# TYPE ") + family));
  CHECK_THAT(text, Catch::Contains("# TYPE sluice_records_in_total counter"));
  CHECK_THAT(text, Catch::Contains("# TYPE sluice_edge_queue_fill_ratio gauge"));
  CHECK_THAT(text, Catch::Contains(
                     R"(sluice_records_in_total{pipeline="chain",node="slow",instance="0"} 1000)"));
  CHECK_THAT(text, Catch::Contains(
                     R"(sluice_edge_queue_fill_ratio{pipeline="chain",from="gen",to="slow"} 0.5)"));
  CHECK_THAT(text,
             Catch::Contains(
               R"(sluice_busy_seconds_total{pipeline="chain",node="slow",instance="0"} 0.99)"));
  CHECK_THAT(text,
             Catch::Contains(
               R"(sluice_watermark_lag_seconds{pipeline="chain",node="slow",instance="0"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_bottleneck_info{pipeline="chain",node="slow"} 1)"));
}

TEST_CASE("the Prometheus text has the last checkpoint's figures, its age at the scrape") {
  auto text = exposition();
  INFO(text);
  for (const auto* typed :
       {"sluice_checkpoint_last_id gauge", "sluice_checkpoint_age_seconds gauge",
        "sluice_checkpoint_duration_seconds gauge", "sluice_checkpoint_size_bytes gauge",
        "sluice_checkpoints_completed_total counter", "sluice_checkpoints_abandoned_total counter",
        "sluice_state_bytes gauge", "sluice_restarts_total counter"})
    CHECK_THAT(text, Catch::Contains(std::string("# TYPE ") + typed));
  CHECK_THAT(text, Catch::Contains("# HELP sluice_checkpoint_age_seconds "));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoint_last_id{pipeline="chain"} 17)"
                                   "\n"));
  // completed at ...000, rendered at ...3500: the frame's own time (...1000) is not used
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoint_age_seconds{pipeline="chain"} 3.5)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoint_duration_seconds{pipeline="chain"} 0.012)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoint_size_bytes{pipeline="chain"} 1200000)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoints_completed_total{pipeline="chain"} 16)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoints_abandoned_total{pipeline="chain"} 1)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_state_bytes{pipeline="chain",node="slow"} 4096)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_state_bytes{pipeline="chain",node="gen"} 64)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_state_bytes{pipeline="chain",node="out"} 0)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_restarts_total{pipeline="chain"} 2)"
                                   "\n"));
}

TEST_CASE("a checkpoint that completed after the frame was sampled has age 0, not less") {
  auto text = exposition(test::checkpoints(1700000009000), 1700000003500);
  INFO(text);
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoint_age_seconds{pipeline="chain"} 0)"
                                   "\n"));
}

TEST_CASE("before the first checkpoint completes only its counters and id 0 are shown") {
  observe::checkpoint_figures c;
  c.enabled = true;
  c.abandoned = 1;
  auto text = exposition(c);
  INFO(text);
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoint_last_id{pipeline="chain"} 0)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoints_completed_total{pipeline="chain"} 0)"
                                   "\n"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_checkpoints_abandoned_total{pipeline="chain"} 1)"
                                   "\n"));
  CHECK_THAT(text, !Catch::Contains("sluice_checkpoint_age_seconds"));
  CHECK_THAT(text, !Catch::Contains("sluice_checkpoint_duration_seconds"));
  CHECK_THAT(text, !Catch::Contains("sluice_checkpoint_size_bytes"));
  CHECK_THAT(text, !Catch::Contains("sluice_state_bytes"));
}

TEST_CASE("a run without checkpoints shows only its restarts") {
  observe::checkpoint_figures c;
  c.restarts = 3;
  c.state_bytes = {{"slow", 1}}; // ignored: checkpoints are off
  auto text = exposition(c);
  INFO(text);
  CHECK_THAT(text, Catch::Contains(R"(sluice_restarts_total{pipeline="chain"} 3)"
                                   "\n"));
  CHECK_THAT(text, !Catch::Contains("sluice_checkpoint"));
  CHECK_THAT(text, !Catch::Contains("sluice_state_bytes"));
}

TEST_CASE("process metrics come from /proc/self") {
  auto p = observe::read_process_stats();
  CHECK(p.resident_bytes > 0);
  CHECK(p.cpu_seconds >= 0);
  CHECK(p.start_time_seconds > 1e9);
  CHECK(p.open_fds >= 3);
}

TEST_CASE("promtool accepts the Prometheus text") {
  if (access("/usr/bin/promtool", X_OK) != 0
      && std::system("command -v promtool > /dev/null 2>&1") != 0) {
    WARN("promtool not installed: skipped");
    return;
  }
  auto file = std::filesystem::path(SLUICE_BINARY_DIR) / "test-output" / "observe" / "metrics.txt";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << exposition();
  std::string cmd = "promtool check metrics < " + file.string() + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buf[1024];
  while (auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = pclose(pipe);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(out.empty());
}
