// `sluice run` with checkpoints: savepoints on SIGTERM, resuming, --fresh,
// --from-checkpoint, restart strategies (docs/ARCHITECTURE.md §10).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/child_process.hpp"

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::path(SLUICE_BINARY_DIR) / "test-output" / "checkpoint_commands" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// generator -> keyed tumbling count -> sink.file, paced by `rate`.
fs::path counting_pipeline(const fs::path& dir, const std::string& name, int count, int rate) {
  auto file = dir / (name + ".json");
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": )"
                      << count << R"(, "rate": )" << rate << R"(, "keys": 7}},
    {"id": "w", "kind": "window.tumbling", "params": {"size": "100ms", "timestamp": "ts",
      "key": ["key"], "aggregates": [{"fn": "count", "as": "n"}, {"fn": "sum", "field": "value", "as": "s"}]}},
    {"id": "out", "kind": "sink.file", "params": {"path": ")"
                      << (dir / (name + ".jsonl")).string() << R"("}}],
  "edges": [{"from": "gen", "to": "w"}, {"from": "w", "to": "out"}]})";
  return file;
}

std::vector<std::string> sorted_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

struct finished_run {
  int code;
  std::string output;
};

finished_run run(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv{SLUICE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  sluice::test::child_process p(argv, log.string());
  int code = p.wait_exit(std::chrono::seconds(60));
  return {code, p.output()};
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

} // namespace

TEST_CASE(
  "SIGTERM stops a checkpointed run with a savepoint, and the next start continues from it") {
  auto dir = fresh_dir("savepoint");
  auto reference = counting_pipeline(dir, "reference", 60000, 0);
  REQUIRE(run({"run", "--quiet", reference.string()}, dir / "reference.log").code == 0);
  auto want = sorted_lines(dir / "reference.jsonl");
  REQUIRE(want.size() > 100);

  auto file = counting_pipeline(dir, "stopped", 60000, 20000);
  std::vector<std::string> args{
    "run", file.string(), "--checkpoint-dir", (dir / "chk").string(), "--checkpoint-interval",
    "10s"};
  {
    std::vector<std::string> argv{SLUICE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    sluice::test::child_process p(argv, (dir / "first.log").string());
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    REQUIRE(p.running());
    p.signal(SIGTERM);
    int code = p.wait_exit(std::chrono::seconds(30));
    INFO(p.output());
    REQUIRE(code == 0);
    CHECK(p.output().find("stopped with a savepoint") != std::string::npos);
  }
  // It did not drain: the rest of the stream is still to come.
  auto before = sorted_lines(dir / "stopped.jsonl").size();
  CHECK(before < want.size() / 2);

  auto second = run(args, dir / "second.log");
  INFO(second.output);
  REQUIRE(second.code == 0);
  CHECK(second.output.find("resumed from checkpoint 1 taken") != std::string::npos);
  CHECK(second.output.find("(savepoint)") != std::string::npos);
  CHECK(sorted_lines(dir / "stopped.jsonl") == want);
}

TEST_CASE("a finished run is not resumed again, and --fresh starts it over") {
  auto dir = fresh_dir("finished");
  auto file = counting_pipeline(dir, "p", 20000, 40000);
  std::vector<std::string> args{"run",
                                "--quiet",
                                file.string(),
                                "--checkpoint-dir",
                                (dir / "chk").string(),
                                "--checkpoint-interval",
                                "50ms"};
  REQUIRE(run(args, dir / "first.log").code == 0);
  auto once = sorted_lines(dir / "p.jsonl");

  auto again = run(args, dir / "again.log");
  INFO(again.output);
  CHECK(again.code == 2);
  CHECK(again.output.find("finished") != std::string::npos);
  CHECK(again.output.find("--fresh") != std::string::npos);

  args.push_back("--fresh");
  REQUIRE(run(args, dir / "fresh.log").code == 0);
  CHECK(sorted_lines(dir / "p.jsonl") == once);
}

TEST_CASE(
  "a checkpoint named by --from-checkpoint must exist, and the checkpoint flags need a directory") {
  auto dir = fresh_dir("flags");
  auto file = counting_pipeline(dir, "p", 1000, 0);
  auto missing = run(
    {"run", file.string(), "--checkpoint-dir", (dir / "chk").string(), "--from-checkpoint", "42"},
    dir / "missing.log");
  INFO(missing.output);
  CHECK(missing.code == 2);
  CHECK(missing.output.find("checkpoint 42") != std::string::npos);
  CHECK(missing.output.find("does not exist") != std::string::npos);

  auto no_dir = run({"run", file.string(), "--fresh"}, dir / "no_dir.log");
  CHECK(no_dir.code == 2);
  CHECK(no_dir.output.find("--checkpoint-dir") != std::string::npos);

  auto bad = run({"run", file.string(), "--checkpoint-dir", (dir / "chk").string(),
                  "--checkpoint-interval", "soon"},
                 dir / "bad.log");
  CHECK(bad.code == 2);
  CHECK(bad.output.find("'soon'") != std::string::npos);
}

TEST_CASE("a run that keeps failing is restarted as often as its strategy says, then exits 1") {
  auto dir = fresh_dir("restarts");
  auto file = dir / "failing.json";
  std::ofstream(file) << R"J({"schemaVersion": 1,
    "restart": {"strategy": "fixed-delay", "delay": "50ms", "attempts": 3},
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 100000}},
      {"id": "m", "kind": "transform.map", "on_error": "fail",
       "params": {"set": {"x": "1000 / (seq - 50000)"}}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "m"}, {"from": "m", "to": "out"}]})J";
  auto r = run({"run", "--quiet", file.string()}, dir / "failing.log");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(count_of(r.output, "restarting in 50ms") == 3);
  CHECK(r.output.find("restart 3 of 3") != std::string::npos);
  CHECK(r.output.find("(after 3 restarts)") != std::string::npos);
}

TEST_CASE("a run without a restart strategy fails at once, as before") {
  auto dir = fresh_dir("no_restart");
  auto file = dir / "failing.json";
  std::ofstream(file) << R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 100000}},
      {"id": "m", "kind": "transform.map", "on_error": "fail",
       "params": {"set": {"x": "1000 / (seq - 50000)"}}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "m"}, {"from": "m", "to": "out"}]})J";
  auto r = run({"run", "--quiet", file.string()}, dir / "failing.log");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(count_of(r.output, "restarting") == 0);
}

TEST_CASE("checkpoints complete while a slow sink back-pressures the whole pipeline") {
  // The throttle lets 200 records a second through, and each edge holds
  // 8192: a barrier that waited behind the queued records (aligned) would
  // need minutes per edge. Barriers overtake them, so checkpoints complete.
  auto dir = fresh_dir("backpressure");
  auto file = dir / "slow.json";
  std::ofstream(file) << R"({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
      {"id": "w", "kind": "window.tumbling", "params": {"size": 10, "key": ["key"],
        "aggregates": [{"fn": "count", "as": "n"}]}},
      {"id": "slow", "kind": "transform.throttle", "params": {"rate": 200}},
      {"id": "out", "kind": "sink.file", "params": {"path": ")"
                      << (dir / "out.jsonl").string() << R"("}}],
    "edges": [{"from": "gen", "to": "w"}, {"from": "w", "to": "slow"},
              {"from": "slow", "to": "out"}]})";
  std::vector<std::string> argv{SLUICE_BIN,
                                "run",
                                "--quiet",
                                file.string(),
                                "--checkpoint-dir",
                                (dir / "chk").string(),
                                "--checkpoint-interval",
                                "500ms"};
  sluice::test::child_process p(argv, (dir / "run.log").string());
  std::this_thread::sleep_for(std::chrono::seconds(4));
  REQUIRE(p.running());
  p.signal(SIGKILL);
  p.wait_exit(std::chrono::seconds(10));
  std::size_t complete = 0;
  for (const auto& entry : fs::directory_iterator(dir / "chk"))
    if (fs::exists(entry.path() / "_metadata.json")) ++complete;
  INFO(p.output());
  CHECK(complete >= 2);
}

TEST_CASE("an edited pipeline resumes with a report per node, refusing an incompatible node until "
          "it is reset") {
  auto dir = fresh_dir("edited");
  auto file = counting_pipeline(dir, "p", 200000, 20000);
  std::vector<std::string> args{"run", file.string(), "--checkpoint-dir", (dir / "chk").string()};
  {
    std::vector<std::string> argv{SLUICE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    sluice::test::child_process p(argv, (dir / "first.log").string());
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    p.signal(SIGTERM);
    REQUIRE(p.wait_exit(std::chrono::seconds(30)) == 0);
  }
  // The window's size shapes its state: another size cannot take it over.
  {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find("\"100ms\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 7, "\"200ms\"");
    std::ofstream(file, std::ios::trunc) << text;
  }
  auto refused = run(args, dir / "refused.log");
  INFO(refused.output);
  CHECK(refused.code == 2);
  CHECK(refused.output.find("gen") != std::string::npos);
  CHECK(refused.output.find("state restored") != std::string::npos);
  CHECK(refused.output.find("incompatible") != std::string::npos);
  CHECK(refused.output.find("--reset-state w") != std::string::npos);

  args.insert(args.end(), {"--reset-state", "w"});
  auto reset = run(args, dir / "reset.log");
  INFO(reset.output);
  CHECK(reset.code == 0);
  CHECK(reset.output.find("resumed from checkpoint") != std::string::npos);
}
