// `sluice checkpoints DIR` and `sluice validate FILE --checkpoint-dir DIR`,
// on checkpoint directories written by hand with the store (no run needed).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sluice/checkpoint/store.hpp"

namespace fs = std::filesystem;

namespace {

struct result {
  int exit_code = -1;
  std::string output;
};

/// Runs `sluice ARGS`; `output` is stdout and stderr together, or stdout
/// alone with `stdout_only`.
result run_sluice(const std::string& args, bool stdout_only = false) {
  std::string cmd = std::string(SLUICE_BIN) + " " + args + (stdout_only ? " 2>/dev/null" : " 2>&1");
  result r;
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::path(SLUICE_BINARY_DIR) / "test-output" / "checkpoints" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// generator -> window (tumbling 10s) -> top (heavy hitters, k 5) -> out.
nlohmann::json pipeline(int top_k = 5, int out_parallelism = 2) {
  auto j = nlohmann::json::parse(R"J({
    "schemaVersion": 1,
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 1000}},
      {"id": "window", "kind": "window.tumbling",
       "params": {"size": "10s", "timestamp": "ts", "key": ["key"],
                  "aggregates": [{"fn": "count"}]}},
      {"id": "top", "kind": "synopsis.heavy_hitters", "params": {"key": "key"}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "gen", "to": "window"}, {"from": "window", "to": "top"},
              {"from": "top", "to": "out", "partition": "rebalance"}]
  })J");
  j["nodes"][2]["params"]["k"] = top_k;
  j["nodes"][3]["parallelism"] = out_parallelism;
  return j;
}

std::string write_pipeline(const fs::path& dir, const nlohmann::json& doc) {
  auto file = dir / "pipeline.json";
  std::ofstream(file) << doc.dump(2);
  return file.string();
}

/// Checkpoint `id` of a run of `doc` in `dir`: instance i of a node holds
/// (i + 1) * unit bytes.
void take(const fs::path& dir, std::uint64_t id, const nlohmann::json& doc, std::int64_t taken_ms,
          std::size_t unit, bool savepoint = false) {
  sluice::checkpoint::store s(dir);
  sluice::checkpoint::checkpoint_info info;
  info.id = id;
  info.taken_ms = taken_ms;
  info.duration_ms = 42;
  info.savepoint = savepoint;
  info.pipeline = doc;
  for (const auto& n : doc["nodes"]) {
    sluice::checkpoint::node_state st;
    st.id = n["id"];
    st.kind = n["kind"];
    st.parallelism = n.value("parallelism", 1);
    for (std::size_t i = 0; i < st.parallelism; ++i) {
      std::string bytes((i + 1) * unit, 'x');
      s.write_part(id, st.id, i, bytes);
      st.instance_bytes.push_back(bytes.size());
    }
    info.nodes.push_back(st);
  }
  s.complete(info);
}

constexpr std::int64_t dec7 = 1765116677000; // 2025-12-07 14:11:17 UTC

} // namespace

TEST_CASE("sluice checkpoints lists each checkpoint with its nodes' state and the restart point") {
  auto dir = fresh_dir("list");
  take(dir, 1, pipeline(), dec7, 100);
  take(dir, 2, pipeline(), dec7 + 60000, 2048, true);
  auto r = run_sluice("checkpoints " + dir.string());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("2025-12-07 14:11:17 UTC")
                         && Catch::Contains("2025-12-07 14:12:17 UTC") && Catch::Contains("42 ms"));
  // Checkpoint 1: 3 nodes of 100 B and out with 100 B + 200 B.
  CHECK_THAT(r.output, Catch::Contains("600 B"));
  CHECK_THAT(r.output, Catch::Contains("sink.null, 2 instances: 100 B, 200 B"));
  CHECK_THAT(r.output, Catch::Contains("sink.null, 2 instances: 2.0 KiB, 4.0 KiB"));
  CHECK_THAT(r.output, Catch::Contains("window.tumbling"));
  // The newest is the restart point, and is marked on its own line.
  auto marker = r.output.find("<- a restart resumes from here");
  REQUIRE(marker != std::string::npos);
  auto line_start = r.output.rfind('\n', marker) + 1;
  CHECK_THAT(r.output.substr(line_start, marker - line_start),
             Catch::StartsWith("   2  2025-12-07 14:12:17 UTC") && Catch::Contains("yes"));
  CHECK_THAT(r.output, Catch::EndsWith("a restart resumes from checkpoint 2\n"));
}

TEST_CASE("sluice checkpoints --json gives every checkpoint, node and the restart point") {
  auto dir = fresh_dir("json");
  take(dir, 3, pipeline(), dec7, 10);
  take(dir, 4, pipeline(), dec7 + 1000, 20);
  auto r = run_sluice("checkpoints --json " + dir.string(), true);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.output);
  REQUIRE(j["checkpoints"].size() == 2);
  const auto& c = j["checkpoints"][1];
  CHECK(c["id"] == 4);
  CHECK(c["taken_ms"] == dec7 + 1000);
  CHECK(c["taken"] == "2025-12-07 14:11:18 UTC");
  CHECK(c["duration_ms"] == 42);
  CHECK(c["bytes"] == 20 * 3 + 20 + 40);
  CHECK(c["savepoint"] == false);
  REQUIRE(c["nodes"].size() == 4);
  CHECK(c["nodes"][3]
        == nlohmann::json({{"id", "out"},
                           {"kind", "sink.null"},
                           {"parallelism", 2},
                           {"bytes", 60},
                           {"instance_bytes", {20, 40}}}));
  CHECK(j["restart_from"] == 4);
  CHECK(j["finished"].is_null());
  CHECK(j["dir"] == dir.string());
}

TEST_CASE(
  "sluice checkpoints says a finished run is not resumed, and a restart with none starts fresh") {
  auto dir = fresh_dir("finished");
  auto r = run_sluice("checkpoints " + dir.string());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("none")
                         && Catch::Contains("no complete checkpoint: a restart starts fresh"));

  take(dir, 1, pipeline(), dec7, 10);
  sluice::checkpoint::store(dir).mark_finished(dec7 + 5000, 1);
  r = run_sluice("checkpoints " + dir.string());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output,
             Catch::Contains("the run finished at 2025-12-07 14:11:22 UTC after "
                             "checkpoint 1: its output is complete, so a run will not resume it; "
                             "--fresh starts over"));
  CHECK_THAT(r.output, !Catch::Contains("<-"));
  auto j = nlohmann::json::parse(run_sluice("checkpoints --json " + dir.string(), true).output);
  CHECK(j["restart_from"].is_null());
  CHECK(j["finished"]["last_checkpoint"] == 1);
}

TEST_CASE("sluice checkpoints names a missing directory or damaged metadata and exits 2") {
  auto r = run_sluice("checkpoints /nonexistent/checkpoints");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("'/nonexistent/checkpoints'"));

  auto dir = fresh_dir("damaged");
  take(dir, 1, pipeline(), dec7, 10);
  auto meta = dir / "chk-000001" / "_metadata.json";
  REQUIRE(fs::exists(meta));
  std::ofstream(meta) << "{\"format\": 1, \"id\": ";
  r = run_sluice("checkpoints " + dir.string());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(meta.string()) && Catch::Contains("damaged"));
}

TEST_CASE("sluice validate --checkpoint-dir reports every node restored when nothing changed") {
  auto dir = fresh_dir("validate_same");
  auto file = write_pipeline(dir, pipeline());
  take(dir / "chk", 1, pipeline(), dec7, 10);
  take(dir / "chk", 2, pipeline(), dec7 + 1000, 10);
  auto r = run_sluice("validate " + file + " --checkpoint-dir " + (dir / "chk").string());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains(": ok (4 nodes, 3 edges)"));
  CHECK_THAT(r.output, Catch::Contains("resume from checkpoint 2 (taken 2025-12-07 14:11:18 UTC, "
                                       "60 B):"));
  CHECK_THAT(r.output, Catch::Contains("  gen     state restored\n"
                                       "  window  state restored\n"
                                       "  top     state restored\n"
                                       "  out     state restored\n"));
}

TEST_CASE("sluice validate --checkpoint-dir refuses an incompatible node with exit 2") {
  auto dir = fresh_dir("validate_refused");
  auto file = write_pipeline(dir, pipeline(10, 3));
  take(dir / "chk", 1, pipeline(), dec7, 10);
  auto r = run_sluice("validate " + file + " --checkpoint-dir " + (dir / "chk").string());
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output,
             Catch::Contains(
               "  top     incompatible: param 'k' changed from 5 to 10 (use --reset-state top)\n"));
  CHECK_THAT(r.output, Catch::Contains("  out     incompatible: parallelism changed from 2 to 3: "
                                       "state is kept per instance (use --reset-state out)"));
  CHECK_THAT(r.output, Catch::Contains("cannot resume: nodes 'top', 'out' are incompatible with "
                                       "the checkpoint; give --reset-state top --reset-state out "
                                       "to start them without their state"));
}

TEST_CASE("sluice validate --reset-state lets a resume reset incompatible nodes") {
  auto dir = fresh_dir("validate_reset");
  auto file = write_pipeline(dir, pipeline(10, 3));
  take(dir / "chk", 1, pipeline(), dec7, 10);
  auto chk = (dir / "chk").string();
  auto r = run_sluice("validate " + file + " --checkpoint-dir " + chk + " --reset-state top");
  CHECK(r.exit_code == 2); // out is still incompatible
  CHECK_THAT(r.output, Catch::Contains("cannot resume: node 'out' is incompatible"));

  r =
    run_sluice("validate --reset-state top --reset-state out " + file + " --checkpoint-dir " + chk);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("  top     state reset (param 'k' changed from 5 to 10)"));
  CHECK_THAT(r.output, Catch::Contains("  window  state restored"));
  CHECK_THAT(r.output, !Catch::Contains("cannot resume"));
}

TEST_CASE("sluice validate --reset-state naming no node of the pipeline is an error") {
  auto dir = fresh_dir("validate_unknown_reset");
  auto file = write_pipeline(dir, pipeline());
  take(dir / "chk", 1, pipeline(), dec7, 10);
  auto r = run_sluice("validate " + file + " --checkpoint-dir " + (dir / "chk").string()
                      + " --reset-state nope");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("error: cannot reset the state of 'nope'"));

  r = run_sluice("validate " + file + " --reset-state top");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("--checkpoint-dir"));
}

TEST_CASE("sluice validate --checkpoint-dir says a run starts fresh when there is nothing to "
          "resume") {
  auto dir = fresh_dir("validate_fresh");
  auto file = write_pipeline(dir, pipeline());
  fs::create_directories(dir / "chk");
  auto r = run_sluice("validate " + file + " --checkpoint-dir " + (dir / "chk").string());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("no complete checkpoint in ")
                         && Catch::Contains(": a run starts fresh"));

  take(dir / "chk", 1, pipeline(), dec7, 10);
  sluice::checkpoint::store(dir / "chk").mark_finished(dec7 + 1000, 1);
  r = run_sluice("validate " + file + " --checkpoint-dir " + (dir / "chk").string());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output,
             Catch::Contains("finished at") && Catch::Contains("a run will not resume it"));

  r = run_sluice("validate " + file + " --checkpoint-dir " + (dir / "nope").string());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains((dir / "nope").string()));
}
