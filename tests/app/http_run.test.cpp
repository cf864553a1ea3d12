// Whole runs of `sluice run` through HTTP: sink.http posting to a server in
// the test process (cpp-httplib) that goes away for ten seconds, and
// source.http taking posts from a client faster than the pipeline drains,
// and source.http killed repeatedly with checkpoints on (what it answered
// 200 survives in its spool). Every record arrives (at-least-once: counted
// distinct), in bounded memory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/free_port.hpp"
#include "operators/http/test_server.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::rss_kb;
using sluice::test::test_server;
using sluice::test::wait_for;

fs::path fresh_dir(const std::string& name) { return sluice::test::fresh_dir("http_run", name); }

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

} // namespace

TEST_CASE("a run into sink.http rides out ten seconds without its server, losing nothing, in "
          "bounded memory") {
  std::mutex mutex;
  std::set<std::int64_t> seen;
  std::size_t received = 0;
  test_server server([&](const httplib::Request& req, httplib::Response&) {
    auto records = nlohmann::json::parse(req.body);
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& r : records) seen.insert(r.at("seq").get<std::int64_t>());
    received += records.size();
  });
  const int n = 15000;
  auto base = fresh_dir("sink_outage");
  auto file = base / "pipeline.json";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": )"
                      << n << R"(, "rate": 1000}},
    {"id": "out", "kind": "sink.http", "params": {"url": ")"
                      << server.url("/ingest") << R"(", "batch": 200, "timeout": "2s", "retries": 0,
      "reconnect_backoff_max": "1s"}}],
  "edges": [{"from": "gen", "to": "out"}]})";
  child_process run({SLUICE_BIN, "run", "--quiet", file.string()}, (base / "run.log").string());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  REQUIRE(run.running());
  const long rss_before = rss_kb(run.pid());
  std::size_t before_outage = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    before_outage = seen.size();
  }
  server.stop();
  long rss_peak = rss_before;
  for (int i = 0; i < 100; ++i) { // ten seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rss_peak = std::max(rss_peak, rss_kb(run.pid()));
  }
  INFO(run.output());
  REQUIRE(run.running()); // the outage did not end the run
  server.start();
  CHECK(run.wait_exit(std::chrono::seconds(60)) == 0);
  std::lock_guard<std::mutex> lock(mutex);
  INFO("records before the outage " << before_outage << ", received " << received);
  CHECK(before_outage > 0);
  CHECK(before_outage < static_cast<std::size_t>(n)); // the outage was in the middle
  CHECK(seen.size() == static_cast<std::size_t>(n));
  CHECK(*seen.begin() == 0);
  CHECK(*seen.rbegin() == n - 1);
  CHECK(received >= static_cast<std::size_t>(n));
  INFO("rss before the outage " << rss_before << " kB, peak during it " << rss_peak << " kB");
  CHECK(rss_peak < rss_before + 200 * 1024); // what it holds is bounded by credit, not time
}

TEST_CASE("a run into sink.http with checkpoints, killed three times, delivers every record; "
          "a peer that drops repeated idempotency keys gets each exactly once") {
  std::mutex mutex;
  std::map<std::string, std::string> by_key; ///< Idempotency-Key -> first body
  std::vector<std::string> mismatched;       ///< keys repeated with another body
  std::multiset<std::int64_t> all;           ///< every record received
  std::size_t unkeyed = 0;
  test_server server([&](const httplib::Request& req, httplib::Response&) {
    auto records = nlohmann::json::parse(req.body);
    const std::string key = req.get_header_value("Idempotency-Key");
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& r : records) all.insert(r.at("seq").get<std::int64_t>());
    if (key.empty()) ++unkeyed;
    auto [it, fresh] = by_key.emplace(key, req.body);
    if (!fresh && it->second != req.body) mismatched.push_back(key);
  });
  const int n = 20000;
  auto base = fresh_dir("sink_kills");
  auto file = base / "pipeline.json";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": )"
                      << n << R"(, "rate": 4000}},
    {"id": "out", "kind": "sink.http", "params": {"url": ")"
                      << server.url("/ingest") << R"(", "batch": 300}}],
  "edges": [{"from": "gen", "to": "out"}]})";
  const std::vector<std::string> argv{SLUICE_BIN,
                                      "run",
                                      "--quiet",
                                      "--checkpoint-dir",
                                      (base / "chk").string(),
                                      "--checkpoint-interval",
                                      "200ms",
                                      file.string()};
  for (int kill = 0; kill < 3; ++kill) {
    child_process p(argv, (base / ("attempt-" + std::to_string(kill) + ".log")).string());
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    INFO("attempt " << kill << ":\n" << p.output());
    REQUIRE(p.running());
    p.signal(SIGKILL);
    REQUIRE(p.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  auto last_argv = argv;
  last_argv.erase(last_argv.begin() + 2); // not --quiet: it says where it resumed
  child_process last(last_argv, (base / "last.log").string());
  REQUIRE(last.wait_exit(std::chrono::seconds(60)) == 0);
  INFO(last.output());
  CHECK(last.output().find("resumed from checkpoint") != std::string::npos);
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(unkeyed == 0);
  CHECK(mismatched.empty());
  CHECK(std::set<std::int64_t>(all.begin(), all.end()).size() == static_cast<std::size_t>(n));
  INFO("received " << all.size() << " records for " << n);
  std::multiset<std::int64_t> deduplicated;
  for (const auto& [key, body] : by_key)
    for (const auto& r : nlohmann::json::parse(body))
      deduplicated.insert(r.at("seq").get<std::int64_t>());
  CHECK(deduplicated.size() == static_cast<std::size_t>(n));
  CHECK(std::set<std::int64_t>(deduplicated.begin(), deduplicated.end()).size()
        == static_cast<std::size_t>(n));
}

TEST_CASE("a client posting into source.http faster than the run drains gets 429 with "
          "Retry-After, retries, and every record arrives") {
  auto base = fresh_dir("source_backpressure");
  auto file = base / "pipeline.json";
  auto out = base / "out.jsonl";
  auto port_file = base / "port";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "in", "kind": "source.http", "params": {"path": "/ingest", "schema": {"n": "int"},
      "max_pending": 2000, "port_file": ")"
                      << port_file.string() << R"("}},
    {"id": "pace", "kind": "transform.throttle", "params": {"rate": 4000}},
    {"id": "out", "kind": "sink.file", "params": {"path": ")"
                      << out.string() << R"("}}],
  "edges": [{"from": "in", "to": "pace"}, {"from": "pace", "to": "out"}]})";
  child_process run({SLUICE_BIN, "run", file.string()}, (base / "run.log").string());
  REQUIRE(wait_for([&] { return fs::exists(port_file); }, std::chrono::seconds(20)));
  std::string port_text;
  std::ifstream(port_file) >> port_text;
  const int port = std::stoi(port_text);
  INFO(run.output());
  CHECK(run.output().find("source.http in listening on http://127.0.0.1:" + port_text + "/ingest")
        != std::string::npos);

  const int n = 30000, per_request = 500;
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(10));
  int refused = 0;
  std::set<std::string> retry_after;
  for (int from = 0; from < n; from += per_request) {
    std::string body = "[";
    for (int i = from; i < from + per_request; ++i)
      body += (i > from ? "," : "") + std::string("{\"n\":") + std::to_string(i) + "}";
    body += "]";
    for (;;) {
      auto res = client.Post("/ingest", body, "application/json");
      REQUIRE(res);
      if (res->status == 200) break;
      REQUIRE(res->status == 429);
      ++refused;
      retry_after.insert(res->get_header_value("Retry-After"));
      std::this_thread::sleep_for(
        std::chrono::seconds(std::stoi(res->get_header_value("Retry-After"))));
    }
  }
  CHECK(refused > 0);
  CHECK(retry_after == std::set<std::string>{"1"});
  // Every request was answered 200; once the source's queue is empty,
  // a stop drains what is in flight into the file.
  const bool taken = wait_for(
    [&] {
      auto health = client.Get("/ingest");
      return health && health->status == 200 && nlohmann::json::parse(health->body)["pending"] == 0;
    },
    std::chrono::seconds(60));
  CHECK(taken);
  run.signal(SIGINT);
  CHECK(run.wait_exit(std::chrono::seconds(30)) == 0);
  const auto lines = lines_of(out);
  std::set<std::string> distinct(lines.begin(), lines.end());
  CHECK(lines.size() == static_cast<std::size_t>(n)); // accepted once, delivered once
  CHECK(distinct.size() == static_cast<std::size_t>(n));
  CHECK(distinct.count("{\"n\":0}") == 1);
  CHECK(distinct.count("{\"n\":" + std::to_string(n - 1) + "}") == 1);
}

TEST_CASE("a run from source.http with checkpoints, killed three times with a full queue, loses "
          "no record it answered 200") {
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  auto base = fresh_dir("source_kills");
  auto file = base / "pipeline.json";
  auto out = base / "out.jsonl";
  const int port = sluice::test::free_port();
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "in", "kind": "source.http", "params": {"listen": "127.0.0.1:)"
                      << port << R"(", "path": "/ingest", "schema": {"n": "int"},
      "max_pending": 3000}},
    {"id": "pace", "kind": "transform.throttle", "params": {"rate": 3000}},
    {"id": "out", "kind": "sink.file", "params": {"path": ")"
                      << out.string() << R"("}}],
  "edges": [{"from": "in", "to": "pace"}, {"from": "pace", "to": "out"}]})";
  const std::vector<std::string> argv{
    SLUICE_BIN, "run",        "--checkpoint-dir", (base / "chk").string(), "--checkpoint-interval",
    "200ms",    file.string()};
  // The client posts 100 requests of 100 records, each until it gets 200
  // (connection refused while the run restarts, 429 while it is behind).
  const int n = 10000, per_request = 100;
  std::atomic<int> answered{0};
  std::thread client_thread([&] {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::milliseconds(500));
    client.set_read_timeout(std::chrono::seconds(5));
    for (int from = 0; from < n; from += per_request) {
      std::string body;
      for (int i = from; i < from + per_request; ++i) body += "{\"n\":" + std::to_string(i) + "}\n";
      for (int attempt = 0; attempt < 2000; ++attempt) {
        auto res = client.Post("/ingest", body, "application/x-ndjson");
        if (res && res->status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      answered = from + per_request;
    }
  });
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> wait_ms(700, 1200);
  for (int kill = 0; kill < 3; ++kill) {
    child_process p(argv, (base / ("attempt-" + std::to_string(kill) + ".log")).string());
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    INFO("attempt " << kill << ":\n" << p.output());
    REQUIRE(p.running());
    p.signal(SIGKILL);
    REQUIRE(p.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  child_process last(argv, (base / "last.log").string());
  client_thread.join();
  CHECK(answered == n);
  auto numbers = [&] {
    std::set<int> seen;
    for (const auto& line : lines_of(out))
      if (!line.empty()) seen.insert(nlohmann::json::parse(line).at("n").get<int>());
    return seen;
  };
  const bool all = wait_for([&] { return numbers().size() >= static_cast<std::size_t>(n); },
                            std::chrono::seconds(60));
  last.signal(SIGTERM);
  INFO(last.output());
  REQUIRE(last.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(all);
  std::set<int> expected;
  for (int i = 0; i < n; ++i) expected.insert(i);
  CHECK(numbers() == expected);
}
