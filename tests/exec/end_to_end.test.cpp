#include <algorithm>

#include "run_helpers.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

std::string filter_map_pipeline(const std::string& out_path, int parallelism,
                                const std::string& partition) {
  std::string par = std::to_string(parallelism);
  return R"J({"schemaVersion": 1, "name": "e2e",
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 1000, "keys": 10}},
      {"id": "thirds", "kind": "transform.filter", "params": {"where": "seq % 3 = 0"},
       "parallelism": )J"
         + par + R"J(},
      {"id": "twice", "kind": "transform.map",
       "params": {"set": {"v2": "value * 2"}, "drop": ["key"]}, "parallelism": )J"
         + par + R"J(},
      {"id": "out", "kind": "sink.file", "params": {"path": ")J"
         + out_path + R"J("}}
    ],
    "edges": [
      {"from": "gen", "to": "thirds", "partition": ")J"
         + partition + R"J("},
      {"from": "thirds", "to": "twice"},
      {"from": "twice", "to": "out"}
    ]})J";
}

} // namespace

TEST_CASE("generator, filter, map and file sink produce exactly the expected lines") {
  auto dir = fresh_dir("e2e_exact");
  auto snap = run_to_end(filter_map_pipeline((dir / "out.jsonl").string(), 1, "forward"));
  auto lines = read_lines(dir / "out.jsonl");
  REQUIRE(lines.size() == 334);
  CHECK(lines[0] == R"J({"seq":0,"ts":"2026-01-01T00:00:00.000Z","value":0,"v2":0})J");
  CHECK(lines[1] == R"J({"seq":3,"ts":"2026-01-01T00:00:00.003Z","value":0.3,"v2":0.6})J");
  CHECK(lines[333] == R"J({"seq":999,"ts":"2026-01-01T00:00:00.999Z","value":99.9,"v2":199.8})J");

  auto gen = counts_of(snap, "gen");
  auto thirds = counts_of(snap, "thirds");
  auto twice = counts_of(snap, "twice");
  auto out = counts_of(snap, "out");
  CHECK(gen.out == 1000);
  CHECK(thirds.in == 1000);
  CHECK(thirds.out == 334);
  CHECK(thirds.filtered == 666);
  CHECK(twice.in == 334);
  CHECK(twice.out == 334);
  CHECK(out.in == 334);
}

TEST_CASE("every operator conserves records: in = out + filtered + errors") {
  auto dir = fresh_dir("e2e_conservation");
  auto snap = run_to_end(filter_map_pipeline((dir / "out.jsonl").string(), 1, "forward"));
  for (const auto& node : {"thirds", "twice"}) {
    auto c = counts_of(snap, node);
    INFO(node);
    CHECK(c.in == c.out + c.filtered + c.errors);
  }
  for (const auto& s : snap) CHECK(s.finished);
}

TEST_CASE(
  "the same pipeline at parallelism 1 and 4 with hash partitioning gives the same records") {
  auto dir = fresh_dir("e2e_parallel");
  run_to_end(filter_map_pipeline((dir / "p1.jsonl").string(), 1, "forward"));
  auto snap4 = run_to_end(filter_map_pipeline((dir / "p4.jsonl").string(), 4, "hash:key"));
  auto p1 = read_lines(dir / "p1.jsonl");
  auto p4 = read_lines(dir / "p4.jsonl");
  std::sort(p1.begin(), p1.end());
  std::sort(p4.begin(), p4.end());
  CHECK(p1.size() == 334);
  CHECK(p1 == p4);
  // hash partitioning really spread the work over the four instances
  std::size_t busy_instances = 0;
  for (const auto& s : snap4)
    if (s.node == "thirds" && s.records_in > 0) ++busy_instances;
  CHECK(busy_instances == 4);
}

TEST_CASE("a record that fails under on_error fail stops the run naming the node and the record") {
  std::string failure;
  run_to_end(R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 100}},
      {"id": "div", "kind": "transform.map", "params": {"set": {"q": "seq / (seq - 5)"}},
       "on_error": "fail"},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "div"}, {"from": "div", "to": "out"}]})J",
             exec::run_status::failed, &failure);
  CHECK_THAT(failure, Catch::Contains("node 'div'"));
  CHECK_THAT(failure, Catch::Contains("division by zero"));
  CHECK_THAT(failure, Catch::Contains(R"J("seq":5)J"));
}

TEST_CASE("bad records go to the errors port with their reason and the rest flows on") {
  auto dir = fresh_dir("e2e_dead_letter");
  auto snap = run_to_end(R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 100}},
      {"id": "div", "kind": "transform.map", "params": {"set": {"q": "seq / (seq - 5)"}}},
      {"id": "good", "kind": "sink.file", "params": {"path": ")J"
                         + (dir / "good.jsonl").string() + R"J("}},
      {"id": "bad", "kind": "sink.file", "params": {"path": ")J"
                         + (dir / "bad.jsonl").string() + R"J("}}],
    "edges": [{"from": "gen", "to": "div"}, {"from": "div", "to": "good"},
              {"from": "div.errors", "to": "bad"}]})J");
  auto good = read_lines(dir / "good.jsonl");
  auto bad = read_lines(dir / "bad.jsonl");
  CHECK(good.size() == 99);
  REQUIRE(bad.size() == 1);
  CHECK_THAT(bad[0], Catch::Contains(R"J("node":"div")J"));
  CHECK_THAT(bad[0], Catch::Contains("division by zero"));
  CHECK_THAT(bad[0], Catch::Contains(R"J(\"seq\":5)J"));
  auto div = counts_of(snap, "div");
  CHECK(div.in == 100);
  CHECK(div.out == 99);
  CHECK(div.errors == 1);
}

TEST_CASE("stopping an unbounded source drains every record it produced to the sink") {
  exec::pipeline_run run(checked(R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
      {"id": "keep", "kind": "transform.filter", "params": {"where": "true"}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "keep"}, {"from": "keep", "to": "out"}]})J"));
  while (counts_of(run.snapshot(), "out").in < 100000)
    REQUIRE(!run.wait_for(std::chrono::milliseconds(5)));
  run.stop();
  REQUIRE(run.wait_for(std::chrono::seconds(30)));
  CHECK(run.status() == exec::run_status::stopped);
  auto snap = run.snapshot();
  CHECK(counts_of(snap, "gen").out == counts_of(snap, "out").in);
  CHECK(counts_of(snap, "keep").in == counts_of(snap, "keep").out);
}
