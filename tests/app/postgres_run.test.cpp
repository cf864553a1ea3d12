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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/child_process.hpp"
#include "operators/postgres/pg_server.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::pg_server;

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::path(SLUICE_BINARY_DIR) / "test-output" / "postgres_run" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
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
