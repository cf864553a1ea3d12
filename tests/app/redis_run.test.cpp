// Whole runs of `sluice run` against a real redis-server (Debian's, started
// by the test on loopback): the server stops for ten seconds in the middle
// of a run from one stream to another, starts again with its data, and
// every record arrives, exactly once with checkpoints, in bounded memory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/redis/redis_server.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::redis_server;
using sluice::test::rss_kb;
using sluice::test::wait_for;

fs::path fresh_dir(const std::string& name) { return sluice::test::fresh_dir("redis_run", name); }

/// source.redis (two instances) -> throttle -> sink.redis (a stream).
std::string pipeline(const redis_server& redis, int rate) {
  std::ostringstream p;
  p << R"({"schemaVersion": 1, "nodes": [
    {"id": "in", "kind": "source.redis", "parallelism": 2, "params": {"url": ")"
    << redis.url() << R"(", "stream": "in", "group": "run", "start": "earliest",
      "schema": {"n": "int"}, "metadata": [], "reconnect_backoff_max": "500ms"}},
    {"id": "pace", "kind": "transform.throttle", "params": {"rate": )"
    << rate << R"(}},
    {"id": "out", "kind": "sink.redis", "params": {"url": ")"
    << redis.url() << R"(", "stream": "out", "reconnect_backoff_max": "500ms"}}],
  "edges": [{"from": "in", "to": "pace"}, {"from": "pace", "to": "out"}]})";
  return p.str();
}

/// The `n` of every entry of `stream`.
std::multiset<std::string> values_of(redis_server& redis, const std::string& stream) {
  std::multiset<std::string> out;
  for (const auto& e : redis.xrange(stream))
    out.insert(e.fields.count("n") ? e.fields.at("n") : "-");
  return out;
}

std::multiset<std::string> expected(int n) {
  std::multiset<std::string> out;
  for (int i = 0; i < n; ++i) out.insert(std::to_string(i));
  return out;
}

} // namespace

TEST_CASE("a run from a Redis stream to a Redis stream rides out ten seconds without the server, "
          "every record arriving exactly once, in bounded memory") {
  redis_server redis;
  const int n = 20000;
  std::vector<std::vector<std::string>> adds;
  for (int i = 0; i < n; ++i) adds.push_back({"XADD", "in", "*", "n", std::to_string(i)});
  redis.pipelined(adds);
  auto base = fresh_dir("outage");
  auto file = base / "pipeline.json";
  std::ofstream(file) << pipeline(redis, 2000);
  child_process run({SLUICE_BIN, "run", "--quiet", "--checkpoint-dir", (base / "chk").string(),
                     "--checkpoint-interval", "500ms", file.string()},
                    (base / "run.log").string());
  // The outage starts once the sink has written something (a checkpoint
  // completed), well before the throttle lets everything through.
  REQUIRE(wait_for([&] { return redis.integer({"XLEN", "out"}) > 0; }, std::chrono::seconds(30)));
  INFO(run.output());
  REQUIRE(run.running());
  const long rss_before = rss_kb(run.pid());
  const auto written_before = redis.integer({"XLEN", "out"});
  redis.stop();
  long rss_peak = rss_before;
  for (int i = 0; i < 100; ++i) { // ten seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rss_peak = std::max(rss_peak, rss_kb(run.pid()));
  }
  redis.start();
  INFO(run.output());
  REQUIRE(run.running()); // the outage did not end the run
  const bool all = wait_for(
    [&] {
      return redis.integer({"XLEN", "out"}) >= n;
    },
    std::chrono::seconds(60));
  run.signal(SIGTERM);
  REQUIRE(run.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(all);
  CHECK(written_before < n); // the outage came in the middle of the run
  CHECK(values_of(redis, "out") == expected(n));
  // Every entry read was acknowledged, by both consumers.
  auto pending = redis.command({"XPENDING", "in", "run"});
  CHECK(pending->element[0]->integer == 0);
  INFO("rss before the outage " << rss_before << " kB, peak during it " << rss_peak << " kB");
  CHECK(rss_peak < rss_before + 200 * 1024); // what it holds is bounded by credit, not time
}

TEST_CASE("a run from a Redis stream to a Redis stream, killed five times, writes every record "
          "exactly once") {
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  redis_server redis;
  const int n = 20000;
  std::vector<std::vector<std::string>> adds;
  for (int i = 0; i < n; ++i) adds.push_back({"XADD", "in", "*", "n", std::to_string(i)});
  redis.pipelined(adds);
  auto base = fresh_dir("kills");
  auto file = base / "pipeline.json";
  std::ofstream(file) << pipeline(redis, 2000);
  const std::vector<std::string> argv{SLUICE_BIN,
                                      "run",
                                      "--quiet",
                                      "--checkpoint-dir",
                                      (base / "chk").string(),
                                      "--checkpoint-interval",
                                      "200ms",
                                      file.string()};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> wait_ms(400, 900);
  for (int kill = 0; kill < 5; ++kill) {
    child_process p(argv, (base / ("attempt-" + std::to_string(kill) + ".log")).string());
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    INFO("attempt " << kill << ":\n" << p.output());
    REQUIRE(p.running());
    p.signal(SIGKILL);
    REQUIRE(p.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  // A Redis source never ends: the last run is stopped with a savepoint
  // once every record is in the output stream.
  auto last_argv = argv;
  last_argv.erase(last_argv.begin() + 2); // not --quiet: its warnings go into the log
  child_process last(last_argv, (base / "last.log").string());
  const bool resumed =
    wait_for([&] { return last.output().find("resumed from checkpoint") != std::string::npos; },
             std::chrono::seconds(30));
  const bool all = wait_for(
    [&] {
      return redis.integer({"XLEN", "out"}) >= n;
    },
    std::chrono::seconds(60));
  last.signal(SIGTERM);
  INFO(last.output());
  REQUIRE(last.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(all);
  CHECK(resumed);
  CHECK(values_of(redis, "out") == expected(n));
}
