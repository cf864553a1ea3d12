// End to end: `sluice run --metrics-port 0` and `sluice tap URL FROM TO`
// against it, both real processes talking over loopback. No timing
// asserts: every wait is bounded and ends as soon as its condition holds.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"

using namespace std::chrono_literals;
using sluice::test::child_process;

namespace {

/// An unbounded (or `count`) generator at 20000 records/s, a filter, a sink.
std::string pipeline_file(const std::filesystem::path& dir, std::int64_t count) {
  auto file = dir / "tapped.json";
  std::ofstream(file) << R"J({"schemaVersion": 1, "name": "tapped",
    "nodes": [
      {"id": "gen", "kind": "source.generator",
       "params": {"count": )J"
                      << count << R"J(, "rate": 20000, "keys": 10}},
      {"id": "thirds", "kind": "transform.filter", "params": {"where": "seq % 3 = 0"}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "thirds"}, {"from": "thirds", "to": "out"}]})J";
  return file.string();
}

/// `sluice run FILE --metrics-port 0 --quiet` and the URL it printed.
struct served_run {
  std::unique_ptr<child_process> child;
  std::string url;

  served_run(const std::filesystem::path& dir, std::int64_t count,
             std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{SLUICE_BIN,       "run", pipeline_file(dir, count),
                                  "--metrics-port", "0",   "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child = std::make_unique<child_process>(argv, (dir / "run.log").string());
    std::regex printed(R"(metrics: (http://127\.0\.0\.1:\d+)/metrics)");
    bool found = sluice::test::wait_for(
      [&] {
        std::smatch m;
        auto text = child->output();
        if (!std::regex_search(text, m, printed)) return false;
        url = m[1];
        return true;
      },
      30s);
    INFO(child->output());
    REQUIRE(found);
  }
};

/// Runs `sluice tap ARGS...` to its end (at most 60 s); its exit code and output.
struct tap_result {
  int code = -1;
  std::string output;
};

tap_result tap(const std::filesystem::path& dir, const std::string& name,
               std::vector<std::string> args) {
  args.insert(args.begin(), {SLUICE_BIN, "tap"});
  child_process c(args, (dir / (name + ".log")).string());
  tap_result r;
  r.code = c.wait_exit(60s);
  r.output = c.output();
  return r;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] == '{') out.push_back(nlohmann::json::parse(line));
  return out;
}

} // namespace

TEST_CASE("sluice tap prints the records flowing on an edge as JSON lines and stops at --count") {
  auto dir = sluice::test::fresh_dir("tap", "json-" + std::to_string(getpid()));
  served_run run(dir, 0);
  auto r = tap(dir, "tap", {run.url, "thirds", "out", "--count", "5", "--json"});
  INFO(r.output);
  CHECK(r.code == 0);
  auto records = json_lines(r.output);
  REQUIRE(records.size() == 5);
  for (const auto& rec : records) {
    CHECK(rec["seq"].get<std::int64_t>() % 3 == 0);
    CHECK(rec.contains("key"));
  }
  CHECK_THAT(r.output, Catch::Contains("# tap thirds.") && Catch::Contains("seq int"));
}

TEST_CASE("sluice tap prints a table, with a filter the run applies") {
  auto dir = sluice::test::fresh_dir("tap", "table-" + std::to_string(getpid()));
  served_run run(dir, 0);
  auto r = tap(dir, "tap", {run.url, "gen", "thirds", "--count", "4", "--filter", "key = 'k7'"});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Catch::Contains("filter key = 'k7'"));
  std::regex header(R"(seq +ts +key +value)");
  std::regex row(R"(\d+ +\d{4}-\d\d-\d\dT[^ ]+ +k7 +[0-9.]+)");
  std::size_t headers = 0, rows = 0;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, header)) ++headers;
    if (std::regex_match(line, row)) ++rows;
  }
  CHECK(headers == 1);
  CHECK(rows == 4);
}

TEST_CASE("sluice tap names the edges when the one asked for does not exist") {
  auto dir = sluice::test::fresh_dir("tap", "unknown-" + std::to_string(getpid()));
  served_run run(dir, 0);
  auto r = tap(dir, "tap", {run.url, "gen", "out"});
  INFO(r.output);
  CHECK(r.code == 2);
  CHECK_THAT(r.output, Catch::Contains("no edge gen -> out") && Catch::Contains("-> thirds"));
  r = tap(dir, "tap-filter", {run.url, "gen", "thirds", "--filter", "seq +"});
  CHECK(r.code == 2);
  CHECK_THAT(r.output, Catch::Contains("filter 'seq +'"));
}

TEST_CASE("sluice tap says so when the run cannot be reached") {
  auto dir = sluice::test::fresh_dir("tap", "unreachable-" + std::to_string(getpid()));
  auto r = tap(dir, "tap", {"http://127.0.0.1:1", "a", "b"});
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("cannot connect"));
}

TEST_CASE("sluice tap exits when the run ends") {
  auto dir = sluice::test::fresh_dir("tap", "ends-" + std::to_string(getpid()));
  // About two seconds of records; the endpoint stays up a while after the
  // end, so the tap learns of it from the run (even one that started late).
  served_run run(dir, 40000, {"--linger", "30"});
  auto r = tap(dir, "tap", {run.url, "gen", "thirds", "--json"});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Catch::Contains("# the run has ended"));
}
