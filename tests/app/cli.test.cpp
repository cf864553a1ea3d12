#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct result {
  int exit_code = -1;
  std::string output; ///< stdout and stderr together
};

result sluice(const std::string& args) {
  std::string cmd = std::string(SLUICE_BIN) + " " + args + " 2>&1";
  result r;
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::path(SLUICE_BINARY_DIR) / "test-output" / "cli";
  std::filesystem::create_directories(dir);
  auto file = dir / name;
  std::ofstream(file) << text;
  return file;
}

std::string out_dir() {
  return (std::filesystem::path(SLUICE_BINARY_DIR) / "test-output" / "cli").string();
}

} // namespace

TEST_CASE("sluice validate accepts the quickstart pipeline") {
  auto r = sluice("validate " SLUICE_SOURCE_DIR "/pipelines/quickstart.json");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("ok"));
}

TEST_CASE("sluice validate lists every error with its node and exits 2") {
  auto file = write_file("invalid.json", R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": -5}},
      {"id": "f", "kind": "transform.filter", "params": {"where": "valu > 3"}},
      {"id": "x", "kind": "no.such.kind"}],
    "edges": [{"from": "gen", "to": "f"}]})J");
  auto r = sluice("validate " + file.string());
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("'gen'") && Catch::Contains("count"));
  CHECK_THAT(r.output, Catch::Contains("no.such.kind"));
}

TEST_CASE("sluice validate names a file that does not exist and exits 2") {
  auto r = sluice("validate /nonexistent/pipeline.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("/nonexistent/pipeline.json"));
}

TEST_CASE("sluice validate and run refuse out-of-range numbers and deep nesting with exit 2 and "
          "the place") {
  auto huge =
    write_file("huge_number.json", R"J({"schemaVersion":1,"nodes":[],"edges":[],"x":1e400})J");
  std::string deep_text = R"J({"schemaVersion":1,"nodes":[],"edges":[],"layout":)J";
  for (int i = 0; i < 100000; ++i) deep_text += R"J({"a":)J";
  deep_text += "1" + std::string(100001, '}');
  auto deep = write_file("deep.json", deep_text);
  for (const char* command : {"validate ", "run --quiet "}) {
    auto r = sluice(command + huge.string());
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("line 1, column 46: number out of range"));
    r = sluice(command + deep.string());
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("line 1, column 366: nested deeper than 64 levels"));
  }
}

TEST_CASE("sluice operators --json prints the catalog with every built-in kind") {
  auto r = sluice("operators --json");
  REQUIRE(r.exit_code == 0);
  auto catalog = nlohmann::json::parse(r.output);
  std::vector<std::string> kinds;
  for (const auto& op : catalog) kinds.push_back(op["kind"]);
  for (const auto* k : {"source.generator", "transform.filter", "transform.map",
                        "transform.throttle", "sink.file", "sink.stdout", "sink.null"})
    CHECK(std::find(kinds.begin(), kinds.end(), k) != kinds.end());
}

TEST_CASE("sluice run writes the output and exits 0") {
  auto out = out_dir() + "/run.jsonl";
  auto file = write_file("run.json", R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 500}},
      {"id": "out", "kind": "sink.file", "params": {"path": ")J"
                                       + out + R"J("}}],
    "edges": [{"from": "gen", "to": "out"}]})J");
  auto r = sluice("run " + file.string());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("busy"));
  std::ifstream in(out);
  std::size_t lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  CHECK(lines == 500);
}

TEST_CASE("sluice run stops an unbounded pipeline after --duration and exits 0") {
  auto file = write_file("unbounded.json", R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 0, "rate": 1000}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "out"}]})J");
  auto r = sluice("run --quiet --duration 0.3 " + file.string());
  INFO(r.output);
  CHECK(r.exit_code == 0);
}

TEST_CASE("sluice run exits 1 naming the node when an operator fails") {
  auto file = write_file("failing.json", R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 100}},
      {"id": "div", "kind": "transform.map", "params": {"set": {"q": "10 / (seq - 7)"}},
       "on_error": "fail"},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "div"}, {"from": "div", "to": "out"}]})J");
  auto r = sluice("run " + file.string());
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("node 'div'") && Catch::Contains("\"seq\":7"));
}

TEST_CASE("sluice run exits 2 on an invalid pipeline and on bad arguments") {
  auto file = write_file("bad_edge.json", R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator"}],
    "edges": [{"from": "gen", "to": "nowhere"}]})J");
  CHECK(sluice("run " + file.string()).exit_code == 2);
  CHECK(sluice("run").exit_code == 2);
  CHECK(sluice("run --duration -1 " + file.string()).exit_code == 2);
  CHECK(sluice("frobnicate").exit_code == 2);
}

TEST_CASE("durations that are not finite numbers of seconds are refused with a short message") {
  auto file = write_file("for_durations.json", R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "out"}]})J");
  for (const char* bad : {"nan", "inf", "-1", "0", "1e400", "ten", "3s"}) {
    auto r = sluice(std::string("run --duration ") + bad + " " + file.string());
    INFO("--duration " << bad << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("--duration") && Catch::Contains(bad));
    CHECK(r.output.size() < 300); // no 309-digit limit printed
  }
  CHECK(sluice("run --linger nan --duration 0.1 " + file.string()).exit_code == 2);
}

TEST_CASE("sluice validate escapes control bytes and cuts huge values in what it prints") {
  std::string kind(10 * 1024 * 1024, 'k');
  auto file =
    write_file("hostile.json", "{\"schemaVersion\": 1, \"nodes\": [{\"id\": \"a\\u001b[2Jb\", "
                               "\"kind\": \"source.generator\"}, {\"id\": \"x\", \"kind\": \""
                                 + kind + "\"}], \"edges\": []}");
  auto r = sluice("validate " + file.string());
  CHECK(r.exit_code == 2);
  CHECK(r.output.find('\x1b') == std::string::npos);
  CHECK_THAT(r.output, Catch::Contains("a\\x1b[2Jb") && Catch::Contains("bytes left out"));
  CHECK(r.output.size() < 5000);
}

TEST_CASE("a directory or a FIFO as the pipeline file is refused with what it is") {
  auto dir = std::filesystem::path(out_dir()) / "a_directory";
  std::filesystem::create_directories(dir);
  auto r = sluice("validate " + dir.string());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("is a directory"));
  auto fifo = std::filesystem::path(out_dir()) / "a_fifo";
  std::filesystem::remove(fifo);
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  r = sluice("validate " + fifo.string()); // used to block forever
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("is not a regular file"));
}

TEST_CASE("an unknown command is named, with the list of commands") {
  auto r = sluice("frobnicate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("unknown command 'frobnicate'")
                         && Catch::Contains("run, top, tap, validate, operators and checkpoints"));
}

TEST_CASE("sluice --version prints the version") {
  auto r = sluice("--version");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("sluice 0."));
}
