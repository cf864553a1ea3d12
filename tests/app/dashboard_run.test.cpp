// `sluice run` serves the dashboards of its pipeline: headless Chromium
// opens them while the run lingers after its end and shows what was sent.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/dashboard/chromium.hpp"
#include "operators/free_port.hpp"

using namespace sluice::test;
namespace fs = std::filesystem;

TEST_CASE("a run serves its dashboards: Chromium shows the last records and the end of the "
          "stream while the run lingers") {
  auto base = fresh_dir("dashboard", "run");
  auto file = base / "pipeline.json";
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  // 500 records: seq 0..499, key k0..k4, value (seq % 1000) / 10
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "readings", "kind": "source.generator", "params": {"count": 500, "keys": 5}},
    {"id": "latest", "kind": "sink.dashboard",
     "params": {"listen": ")"
                      << listen << R"(", "title": "Latest readings", "history": 5}},
    {"id": "by_key", "kind": "sink.dashboard",
     "params": {"listen": ")"
                      << listen
                      << R"(", "title": "Value by key", "chart": "bar", "fields": ["value"]}}],
  "edges": [{"from": "readings", "to": "latest"}, {"from": "readings", "to": "by_key"}]})";
  child_process run({SLUICE_BIN, "run", file.string(), "--metrics-port", "0", "--linger", "60"},
                    (base / "run.log").string());
  REQUIRE(wait_for([&] { return run.output().find("serving metrics for") != std::string::npos; },
                   std::chrono::seconds(30)));
  const std::string log = run.output();
  INFO(log);
  CHECK(log.find("sink.dashboard latest serving on http://" + listen + "/d/latest")
        != std::string::npos);
  CHECK(log.find("sink.dashboard by_key serving on http://" + listen + "/d/by_key")
        != std::string::npos);

  const std::string table = dump_dom("http://" + listen + "/d/latest?seconds=1");
  INFO(table);
  CHECK(table.find("class=\"badge ended\"") != std::string::npos);
  CHECK(table.find("500 records") != std::string::npos);
  // the newest of the five rows kept: seq 499, key k4, value 49.9
  CHECK(table.find("<td class=\"num\">499</td>") != std::string::npos);
  CHECK(table.find("<td>k4</td><td class=\"num\">49.9</td>") != std::string::npos);
  CHECK(table.find("<td class=\"num\">494</td>") == std::string::npos); // beyond history

  const std::string bars = dump_dom("http://" + listen + "/d/by_key?seconds=1");
  INFO(bars);
  // the latest value per key: seq 495..499
  CHECK(bars.find("<td>k4</td><td class=\"num\">49.9</td>") != std::string::npos);
  CHECK(bars.find("<td>k0</td><td class=\"num\">49.5</td>") != std::string::npos);
}
