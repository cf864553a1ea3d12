#include <catch2/catch.hpp>

#include <fstream>

#include "../state_round_trip.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_CASE("a generator restored from its position emits the rest of the sequence once") {
  core::operator_context ctx;
  ctx.output_connected = {true};
  auto [whole, resumed] =
    interrupted_and_whole_source("source.generator", {{"count", 10000}, {"keys", 13}}, ctx, 4);
  REQUIRE(whole.total_rows() == 10000);
  CHECK(resumed == whole);
}

TEST_CASE("a NEXMark source restored from its position continues with the same events") {
  core::operator_context ctx;
  ctx.output_connected = {true, true, true};
  nlohmann::json params = {
    {"events", 20000}, {"occasional_delay", "3s"}, {"prob_delayed_event", 0.3}};
  auto [whole, resumed] = interrupted_and_whole_source("source.nexmark", params, ctx, 7);
  REQUIRE(whole.total_rows() == 20000);
  CHECK(resumed == whole);
}

TEST_CASE("a file source restored mid-file reads on from the record where it stopped") {
  temp_dir dir;
  {
    std::ofstream a(dir.file("a.jsonl")), b(dir.file("b.jsonl"));
    for (int i = 0; i < 2500; ++i) a << R"({"n":)" << i << R"(,"s":"x)" << i << "\"}\n";
    a << "not json\n";
    for (int i = 0; i < 1500; ++i)
      b << R"({"n":)" << (10000 + i) << R"(,"s":"y"})"
        << "\n";
  }
  nlohmann::json params = {{"path", dir.file("*.jsonl")}, {"schema", {"n:int", "s:string"}}};
  core::operator_context ctx;
  for (std::size_t polls : {1u, 3u, 5u}) {
    auto [whole, resumed] = interrupted_and_whole_source("source.file", params, ctx, polls, 1000);
    REQUIRE(whole.total_rows() == 4000);
    REQUIRE(whole.errors.size() == 1);
    CHECK(resumed == whole);
  }
}

TEST_CASE("a CSV file source restored mid-file still maps columns by the header") {
  temp_dir dir;
  {
    std::ofstream f(dir.file("t.csv"));
    f << "s,n\n";
    for (int i = 0; i < 3000; ++i) f << "v" << i << "," << i << "\n";
  }
  nlohmann::json params = {
    {"path", dir.file("t.csv")}, {"format", "csv"}, {"schema", {"n:int", "s:string"}}};
  auto [whole, resumed] = interrupted_and_whole_source("source.file", params, {}, 2, 1000);
  REQUIRE(whole.total_rows() == 3000);
  CHECK(resumed == whole);
}

namespace {

/// A file source over `params`, polled `polls` times, then its snapshot.
std::string snapshot_after(const nlohmann::json& params, std::size_t polls) {
  auto bound = bind_operator("source.file", params, {});
  auto op = bound->create({});
  op->open();
  recording_emitter out;
  for (std::size_t i = 0; i < polls; ++i) op->poll(out, 100);
  auto snapshot = core::snapshot_state(*op, "source.file");
  op->close();
  return snapshot;
}

} // namespace

TEST_CASE("a file source refuses to resume in a file that was replaced since its checkpoint") {
  temp_dir dir;
  auto write = [&](int from) {
    std::ofstream f(dir.file("in.jsonl"), std::ios::trunc);
    for (int i = from; i < from + 1000; ++i) f << R"({"n":)" << i << "}\n";
  };
  write(0);
  nlohmann::json params = {{"path", dir.file("in.jsonl")}, {"schema", {"n:int"}}};
  auto snapshot = snapshot_after(params, 3);
  // Another file under the same name (a new inode), as long as the old one.
  std::filesystem::remove(dir.file("in.jsonl"));
  write(5000);
  auto bound = bind_operator("source.file", params, {});
  auto op = bound->create({});
  core::restore_state(*op, "source.file", snapshot);
  op->open();
  recording_emitter out;
  CHECK_THROWS_WITH(op->poll(out, 100), Catch::Contains("not the file the checkpoint read")
                                          && Catch::Contains("in.jsonl"));
}

TEST_CASE("a followed file rotated while the run was down is read from its start") {
  temp_dir dir;
  {
    std::ofstream f(dir.file("log.jsonl"));
    for (int i = 0; i < 1000; ++i) f << R"({"n":)" << i << "}\n";
  }
  nlohmann::json params = {
    {"path", dir.file("log.jsonl")}, {"schema", {"n:int"}}, {"follow", true}};
  auto snapshot = snapshot_after(params, 3);
  std::filesystem::rename(dir.file("log.jsonl"), dir.file("log.jsonl.1"));
  {
    std::ofstream f(dir.file("log.jsonl"));
    for (int i = 0; i < 50; ++i) f << R"({"n":)" << (9000 + i) << "}\n";
  }
  auto bound = bind_operator("source.file", params, {});
  auto op = bound->create({});
  core::restore_state(*op, "source.file", snapshot);
  op->open();
  recording_emitter out;
  for (int i = 0; i < 5; ++i) op->poll(out, 100);
  run_output got;
  got.take(out);
  REQUIRE(got.total_rows() == 50);
  op->close();
}
