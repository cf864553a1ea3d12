// Whole runs of `sluice run` against a private PostgreSQL 15 server
// (started by the test on loopback): with the server stopped for ten
// seconds in the middle of the run, every record arrives exactly once, in
// bounded memory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/kafka/mock_cluster.hpp"
#include "operators/postgres/pg_server.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::lines_of;
using sluice::test::mock_cluster;
using sluice::test::pg_server;
using sluice::test::rss_kb;
using sluice::test::wait_for;

fs::path fresh_dir(const std::string& name) {
  return sluice::test::fresh_dir("postgres_run", name);
}

} // namespace

TEST_CASE("a run into PostgreSQL rides out ten seconds without the server, writing every record "
          "exactly once, in bounded memory") {
  pg_server pg;
  const int n = 30000;
  auto base = fresh_dir("outage");
  auto file = base / "pipeline.json";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": )"
                      << n << R"(, "rate": 2000, "keys": 10}},
    {"id": "out", "kind": "sink.postgres", "params": {"url": ")"
                      << pg.url() << R"(", "table": "events",
      "reconnect_backoff": "100ms", "reconnect_backoff_max": "1s"}}],
  "edges": [{"from": "gen", "to": "out"}]})";
  child_process run({SLUICE_BIN, "run", "--quiet", "--checkpoint-dir", (base / "chk").string(),
                     "--checkpoint-interval", "500ms", file.string()},
                    (base / "run.log").string());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  REQUIRE(run.running());
  const long before = std::stol(pg.value("SELECT count(*) FROM events"));
  const long rss_before = rss_kb(run.pid());
  pg.stop();
  long rss_peak = rss_before;
  for (int i = 0; i < 100; ++i) { // ten seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rss_peak = std::max(rss_peak, rss_kb(run.pid()));
  }
  INFO(run.output());
  REQUIRE(run.running()); // the outage did not end the run
  pg.start();
  REQUIRE(run.wait_exit(std::chrono::seconds(90)) == 0);
  CHECK(before > 0); // the outage came in the middle of the run
  CHECK(pg.value("SELECT count(*) FROM events") == std::to_string(n));
  CHECK(pg.value("SELECT count(DISTINCT seq) FROM events") == std::to_string(n));
  CHECK(pg.value("SELECT min(seq) || '-' || max(seq) FROM events") == "0-" + std::to_string(n - 1));
  INFO("rss before the outage " << rss_before << " kB, peak during it " << rss_peak << " kB");
  CHECK(rss_peak < rss_before + 200 * 1024); // what it holds is bounded by credit, not time
}

TEST_CASE("the example Kafka -> window -> PostgreSQL upsert keeps a row per key and minute") {
  const fs::path example =
    fs::path(SLUICE_SOURCE_DIR) / "pipelines" / "connectors" / "kafka_window_postgres.json";
  const fs::path golden =
    fs::path(SLUICE_SOURCE_DIR) / "tests" / "pipelines" / "connectors" / "kafka_window_postgres";
  mock_cluster kafka;
  kafka.create_topic("events", 1);
  kafka.produce("events", lines_of(golden / "input.jsonl"));
  pg_server pg;
  pg.exec("CREATE ROLE sluice LOGIN PASSWORD 'example-pw'");
  pg.exec("CREATE DATABASE sluice OWNER sluice");
  // The example as it is, pointed at the test's brokers and server.
  auto doc = nlohmann::json::parse(std::ifstream(example));
  for (auto& node : doc["nodes"]) {
    if (node["kind"] == "source.kafka") node["params"]["brokers"] = kafka.bootstraps();
    if (node["kind"] == "sink.postgres") node["params"]["url"] = pg.url("sluice", "sluice");
  }
  auto base = fresh_dir("example");
  std::ofstream(base / "pipeline.json") << doc.dump(2);
  ::setenv("PGPASSWORD", "example-pw", 1); // the example reads it from the environment
  child_process run({SLUICE_BIN, "run", (base / "pipeline.json").string()},
                    (base / "run.log").string());
  // The last event (minute 5) closes the windows of minutes 0 to 2: once
  // their 7 rows are in, every event was read; SIGINT ends the source, and
  // end of stream flushes the window still open.
  auto count = [&] {
    try {
      return pg.query_in("sluice", "SELECT count(*) FROM key_totals").at(0).at(0);
    } catch (const std::exception&) {
      return std::string("0");
    }
  };
  INFO(run.output());
  CHECK(wait_for([&] { return count() == "7"; }, std::chrono::seconds(30)));
  run.signal(SIGINT);
  REQUIRE(run.wait_exit(std::chrono::seconds(30)) == 0);
  ::unsetenv("PGPASSWORD");
  std::vector<std::string> got;
  for (const auto& row :
       pg.query_in("sluice", "SELECT key, window_start, window_end, events, total FROM "
                             "key_totals ORDER BY key, window_start")) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + row[i];
    got.push_back(line);
  }
  CHECK(got == lines_of(golden / "expected.txt"));
}

TEST_CASE("a run from PostgreSQL changes to a PostgreSQL table rides out ten seconds without the "
          "server: every change arrives exactly once") {
  pg_server pg;
  pg.exec("CREATE TABLE src (id bigint PRIMARY KEY, v text)");
  auto base = fresh_dir("cdc_outage");
  auto file = base / "pipeline.json";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "changes", "kind": "source.postgres", "params": {"url": ")"
                      << pg.url() << R"(", "tables": ["src"], "schema": ["id:int", "v:string"],
      "reconnect_backoff": "100ms", "reconnect_backoff_max": "1s"}},
    {"id": "copy", "kind": "sink.postgres", "params": {"url": ")"
                      << pg.url() << R"(", "table": "dst",
      "reconnect_backoff": "100ms", "reconnect_backoff_max": "1s"}}],
  "edges": [{"from": "changes", "to": "copy"}]})";
  child_process run({SLUICE_BIN, "run", "--checkpoint-dir", (base / "chk").string(),
                     "--checkpoint-interval", "500ms", file.string()},
                    (base / "run.log").string());
  auto count = [&] {
    try {
      return std::stol(pg.value("SELECT count(*) FROM dst"));
    } catch (const std::exception&) {
      return 0L;
    }
  };
  // The slot exists once the source has opened; changes before it are not streamed.
  REQUIRE(wait_for([&] { return pg.value("SELECT count(*) FROM pg_replication_slots") == "1"; },
                   std::chrono::seconds(30)));
  for (int t = 0; t < 20; ++t) // 20 transactions of 500 rows
    pg.exec("INSERT INTO src SELECT g, 'v' || g FROM generate_series(" + std::to_string(t * 500)
            + ", " + std::to_string(t * 500 + 499) + ") g");
  pg.exec("UPDATE src SET v = 'changed' WHERE id < 100");
  CHECK(wait_for([&] { return count() > 0; }, std::chrono::seconds(30)));
  pg.stop();
  std::this_thread::sleep_for(std::chrono::seconds(10));
  INFO(run.output());
  REQUIRE(run.running()); // the outage did not end the run
  pg.start();
  for (int t = 20; t < 30; ++t)
    pg.exec("INSERT INTO src SELECT g, 'v' || g FROM generate_series(" + std::to_string(t * 500)
            + ", " + std::to_string(t * 500 + 499) + ") g");
  pg.exec("DELETE FROM src WHERE id >= 14900");
  const long want = 15000 + 100 + 100;
  CHECK(wait_for([&] { return count() >= want; }, std::chrono::seconds(60)));
  run.signal(SIGTERM);
  REQUIRE(run.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(count() == want);
  CHECK(pg.value("SELECT count(*) FROM (SELECT DISTINCT id, v, op FROM dst) d")
        == std::to_string(want));
  CHECK(pg.value("SELECT count(*) FROM dst WHERE op = 'update' AND v = 'changed'") == "100");
  CHECK(pg.value("SELECT count(*) FROM dst WHERE op = 'delete'") == "100");
}

TEST_CASE(
  "a run into PostgreSQL, killed four times and resumed, writes every record exactly once") {
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  pg_server pg;
  const int n = 20000;
  auto base = fresh_dir("kills");
  auto file = base / "pipeline.json";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": )"
                      << n << R"(, "rate": 5000, "keys": 10}},
    {"id": "out", "kind": "sink.postgres", "params": {"url": ")"
                      << pg.url() << R"(", "table": "events", "mode": "append"}}],
  "edges": [{"from": "gen", "to": "out"}]})";
  const std::vector<std::string> argv{
    SLUICE_BIN, "run",        "--checkpoint-dir", (base / "chk").string(), "--checkpoint-interval",
    "200ms",    file.string()};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> wait_ms(600, 1200);
  for (int kill = 0; kill < 4; ++kill) {
    child_process p(argv, (base / ("attempt-" + std::to_string(kill) + ".log")).string());
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    INFO("attempt " << kill << ":\n" << p.output());
    REQUIRE(p.running());
    p.signal(SIGKILL);
    REQUIRE(p.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  child_process last(argv, (base / "last.log").string());
  INFO(last.output());
  REQUIRE(last.wait_exit(std::chrono::seconds(60)) == 0);
  CHECK(last.output().find("resumed from checkpoint") != std::string::npos);
  CHECK(pg.value("SELECT count(*) FROM events") == std::to_string(n));
  CHECK(pg.value("SELECT count(DISTINCT seq) FROM events") == std::to_string(n));
}
