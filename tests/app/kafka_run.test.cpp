// Whole runs of `sluice run` against Kafka (librdkafka's mock cluster,
// hosted by the test on loopback): killed and resumed, or with the brokers
// down for ten seconds, every record arrives exactly once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/kafka/mock_cluster.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::mock_cluster;
using sluice::test::rss_kb;
using sluice::test::wait_for;

fs::path fresh_dir(const std::string& name) { return sluice::test::fresh_dir("kafka_run", name); }

std::vector<std::string> numbered(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("{\"n\": " + std::to_string(i) + "}");
  return out;
}

/// source.kafka (two instances) -> throttle -> `sink` (a node's JSON).
std::string pipeline(const mock_cluster& kafka, int rate, const std::string& sink) {
  std::ostringstream p;
  p << R"({"schemaVersion": 1, "nodes": [
    {"id": "in", "kind": "source.kafka", "parallelism": 2, "params": {"brokers": ")"
    << kafka.bootstraps() << R"(", "topic": "in", "start": "earliest", "schema": {"n": "int"},
      "timestamp": "none", "discovery_interval": "200ms"}},
    {"id": "pace", "kind": "transform.throttle", "params": {"rate": )"
    << rate << R"(}},
    )"
    << sink << R"(],
  "edges": [{"from": "in", "to": "pace"}, {"from": "pace", "to": "out"}]})";
  return p.str();
}

std::multiset<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::multiset<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.insert(line);
  return lines;
}

std::multiset<std::string> expected(int n) {
  std::multiset<std::string> out;
  for (int i = 0; i < n; ++i) out.insert("{\"n\":" + std::to_string(i) + "}");
  return out;
}

} // namespace

/// The port of a run's metrics endpoint, from the line it prints.
int metrics_port(const child_process& run) {
  std::regex url(R"(metrics: http://127\.0\.0\.1:(\d+)/metrics)");
  std::smatch m;
  int port = 0;
  wait_for(
    [&] {
      auto text = run.output();
      if (!std::regex_search(text, m, url)) return false;
      port = std::stoi(m[1]);
      return true;
    },
    std::chrono::seconds(10));
  return port;
}

/// sluice_connector_up of node `in` in the run's /metrics: 1, 0, or -1
/// when it is not there.
int source_up(int port) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);
  auto r = http.Get("/metrics");
  if (!r || r->status != 200) return -1;
  std::smatch m;
  std::regex up(R"(sluice_connector_up\{[^}]*node="in"[^}]*\} (\d))");
  if (!std::regex_search(r->body, m, up)) return -1;
  return std::stoi(m[1]);
}

TEST_CASE("a run from Kafka to a file, killed five times, writes every message exactly once") {
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  mock_cluster kafka;
  kafka.create_topic("in", 4);
  const int n = 20000;
  kafka.produce("in", numbered(n));
  auto base = fresh_dir("kills");
  auto out = base / "out.jsonl";
  auto file = base / "pipeline.json";
  std::ofstream(file) << pipeline(kafka, 5000,
                                  R"({"id": "out", "kind": "sink.file", "params": {"path": ")"
                                    + out.string() + R"("}})");
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
  // A Kafka source never ends: the last run is stopped with a savepoint
  // once every message is in the file.
  auto last_argv = argv;
  last_argv.erase(last_argv.begin() + 2); // not --quiet: its warnings go into the log
  child_process last(last_argv, (base / "last.log").string());
  const bool all = wait_for([&] { return lines_of(out).size() >= static_cast<std::size_t>(n); },
                            std::chrono::seconds(60));
  last.signal(SIGTERM);
  INFO(last.output());
  REQUIRE(last.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(all);
  CHECK(last.output().find("resumed from checkpoint") != std::string::npos);
  CHECK(lines_of(out) == expected(n));
}

TEST_CASE("a run from Kafka to Kafka rides out ten seconds without brokers, losing nothing, in "
          "bounded memory") {
  mock_cluster kafka;
  kafka.create_topic("in", 4);
  kafka.create_topic("out", 2);
  const int n = 20000;
  kafka.produce("in", numbered(n));
  auto base = fresh_dir("outage");
  auto file = base / "pipeline.json";
  std::ofstream(file) << pipeline(kafka, 2000,
                                  R"({"id": "out", "kind": "sink.kafka", "params": {"brokers": ")"
                                    + kafka.bootstraps() + R"(", "topic": "out"}})");
  child_process run({SLUICE_BIN, "run", "--quiet", "--checkpoint-dir", (base / "chk").string(),
                     "--checkpoint-interval", "500ms", "--metrics-port", "0", file.string()},
                    (base / "run.log").string());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  REQUIRE(run.running());
  const int port = metrics_port(run);
  REQUIRE(port > 0);
  const long rss_before = rss_kb(run.pid());
  kafka.set_down(true);
  long rss_peak = rss_before;
  bool said_down = false;
  for (int i = 0; i < 100; ++i) { // ten seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rss_peak = std::max(rss_peak, rss_kb(run.pid()));
    if (i % 10 == 9 && !said_down) said_down = source_up(port) == 0;
  }
  kafka.set_down(false);
  INFO(run.output());
  REQUIRE(run.running()); // the outage did not end the run
  CHECK(said_down);       // /metrics told that the source had lost its brokers
  CHECK(wait_for([&] { return source_up(port) == 1; }, std::chrono::seconds(30)));
  std::vector<std::string> got;
  wait_for(
    [&] {
      got = kafka.consume("out", n, std::chrono::seconds(5));
      return got.size() >= static_cast<std::size_t>(n);
    },
    std::chrono::seconds(60));
  run.signal(SIGTERM);
  REQUIRE(run.wait_exit(std::chrono::seconds(30)) == 0);
  got = kafka.consume("out", n + 1, std::chrono::seconds(3));
  CHECK(std::multiset<std::string>(got.begin(), got.end()) == expected(n));
  INFO("rss before the outage " << rss_before << " kB, peak during it " << rss_peak << " kB");
  CHECK(rss_peak < rss_before + 200 * 1024); // what it holds is bounded by credit, not time
}
