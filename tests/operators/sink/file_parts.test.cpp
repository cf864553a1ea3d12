#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "operators/harness.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/sink/part_files.hpp"
#include "two_phase_run.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
namespace fs = std::filesystem;

namespace {

const core::schema_ptr events =
  core::make_schema({{"n", value_type::int64}, {"ts", value_type::timestamp}});

constexpr std::int64_t hour_us = 3600LL * 1000000;
constexpr std::int64_t day0 = 1767225600LL * 1000000; // 2026-01-01T00:00:00Z

// Records n = first.. with event time `n` minutes after `day0`.
core::batch_ptr minutes(int first, int count) {
  std::string rows = "[";
  for (int i = 0; i < count; ++i) {
    auto ts = day0 + static_cast<std::int64_t>(first + i) * 60 * 1000000;
    rows += (i ? ",[" : "[") + std::to_string(first + i) + ",\"" + core::format_iso8601(ts) + "\"]";
  }
  return make_batch(events, rows + "]");
}

core::operator_context context(bool checkpoints) {
  core::operator_context ctx;
  ctx.node_id = "lake";
  ctx.inputs = {events};
  ctx.checkpoints = checkpoints;
  return ctx;
}

void feed(core::operator_base& op, const core::batch_ptr& b) {
  recording_emitter out(0);
  op.on_batch_from(0, 0, b, out);
}

void end(core::operator_base& op) {
  recording_emitter out(0);
  op.on_end_of_stream(out);
  op.close();
}

/// The output of `command` (a decompressor run on a file).
std::string output_of(const std::string& command) {
  std::string out;
  std::FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

/// The text of a part, decompressed by the command-line tool its name says.
std::string part_text(const fs::path& p) {
  auto name = p.string();
  if (name.size() > 3 && name.substr(name.size() - 3) == ".gz")
    return output_of("gzip -dc '" + name + "'");
  if (name.size() > 4 && name.substr(name.size() - 4) == ".zst")
    return output_of("zstd -dcq '" + name + "'");
  return read_text(name);
}

/// Every visible file under `dir` (relative path -> text), and the hidden ones.
std::map<std::string, std::string> visible_parts(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string()[0] != '.')
      out[fs::relative(e.path(), dir).string()] = part_text(e.path());
  return out;
}

/// The `n` of every record in the visible parts, counted.
std::multiset<int> numbers_in(const fs::path& dir) {
  std::multiset<int> out;
  for (const auto& [name, text] : visible_parts(dir)) {
    std::size_t at = 0;
    while ((at = text.find("{\"n\":", at)) != std::string::npos) {
      at += 5;
      out.insert(std::stoi(text.substr(at)));
    }
  }
  return out;
}

std::multiset<int> range(int first, int count) {
  std::multiset<int> out;
  for (int i = 0; i < count; ++i) out.insert(first + i);
  return out;
}

} // namespace

TEST_CASE("sink.file puts each record in the part its event time names") {
  temp_dir dir;
  auto op = make_operator("sink.file",
                          {{"path", dir.file("out/dt={ts:%Y-%m-%d}/hour={ts:%H}/part-{n}.jsonl")}},
                          context(false));
  op->open();
  feed(*op, minutes(0, 150)); // 00:00 .. 02:29
  end(*op);
  auto parts = visible_parts(dir.path());
  REQUIRE(parts.size() == 3);
  CHECK(parts.count("out/dt=2026-01-01/hour=00/part-0.jsonl"));
  CHECK(parts.count("out/dt=2026-01-01/hour=01/part-1.jsonl"));
  CHECK(parts.count("out/dt=2026-01-01/hour=02/part-2.jsonl"));
  CHECK(parts["out/dt=2026-01-01/hour=02/part-2.jsonl"].rfind(
          "{\"n\":120,\"ts\":\"2026-01-01T02:00:00.000Z\"}\n", 0)
        == 0);
  CHECK(numbers_in(dir.path()) == range(0, 150));
}

TEST_CASE("sink.file writes gzip and zstd parts that the standard tools read") {
  for (std::string ext : {".jsonl.gz", ".jsonl.zst", ".csv.gz"}) {
    INFO(ext);
    temp_dir dir;
    nlohmann::json params = {{"path", dir.file("events" + ext)}};
    if (ext == ".csv.gz") params["format"] = "csv";
    auto op = make_operator("sink.file", params, context(false));
    op->open();
    for (int b = 0; b < 20; ++b) feed(*op, minutes(b * 500, 500));
    end(*op);
    auto parts = visible_parts(dir.path());
    REQUIRE(parts.size() == 1);
    std::string name = "events-0" + ext;
    REQUIRE(parts.count(name));
    if (ext == ".csv.gz") {
      CHECK(parts[name].rfind("n,ts\n0,2026-01-01T00:00:00.000Z\n", 0) == 0);
      CHECK(std::count(parts[name].begin(), parts[name].end(), '\n') == 10001);
    } else {
      CHECK(numbers_in(dir.path()) == range(0, 10000));
      // compressed: much smaller than the text
      CHECK(fs::file_size(dir.path() / name) < parts[name].size() / 4);
    }
  }
}

TEST_CASE("sink.file rolls a part that reaches `rotate` bytes, and never writes over a part") {
  temp_dir dir;
  auto params = nlohmann::json{{"path", dir.file("p/part-{n}.jsonl")}, {"rotate", 4000}};
  for (int run = 0; run < 2; ++run) { // the second run must not replace the first one's parts
    auto op = make_operator("sink.file", params, context(false));
    op->open();
    feed(*op, minutes(run * 1000, 1000));
    end(*op);
  }
  auto parts = visible_parts(dir.path());
  CHECK(parts.size() > 10);
  for (const auto& [name, text] : parts) CHECK(text.size() < 4000 + 100);
  CHECK(numbers_in(dir.path()) == range(0, 2000));
}

TEST_CASE("with checkpoints, parts are visible only once their checkpoint completes, exactly once "
          "across crashes") {
  std::vector<core::batch_ptr> batches;
  for (int b = 0; b < 12; ++b) batches.push_back(minutes(b * 40, 40)); // 40 minutes each
  for (std::set<std::size_t> crashes : {std::set<std::size_t>{}, {2}, {3, 7}, {0, 5, 10}, {11}}) {
    for (bool close_on_crash : {false, true}) {
      temp_dir dir;
      auto bound = bind_operator(
        "sink.file", {{"path", dir.file("lake/hour={ts:%H}/part-{n}.jsonl.zst")}}, context(true));
      two_phase_plan plan;
      plan.every = 2;
      plan.crash_after = crashes;
      plan.close_on_crash = close_on_crash;
      plan.visible = [&](std::size_t n) {
        INFO("after " << n << " batches, crashes " << crashes.size());
        CHECK(numbers_in(dir.path()) == range(0, static_cast<int>(n) * 40));
      };
      recording_emitter out(0);
      run_two_phase(*bound, context(true), "sink.file", batches, plan, out);
      CHECK(numbers_in(dir.path()) == range(0, 480));
    }
  }
}

TEST_CASE("a run restored after its end of stream takes back the parts that end made visible") {
  temp_dir dir;
  auto bound =
    bind_operator("sink.file", {{"path", dir.file("lake/{ts:%H}/p-{n}.jsonl")}}, context(true));
  auto op = bound->create(context(true));
  op->open();
  feed(*op, minutes(0, 90));
  op->prepare_checkpoint(1);
  auto state = core::snapshot_state(*op, "sink.file");
  op->checkpoint_complete(1);
  feed(*op, minutes(90, 90));
  end(*op); // commits 90..179, then the process dies before the run is recorded as done
  CHECK(numbers_in(dir.path()) == range(0, 180));
  auto again = bound->create(context(true));
  core::restore_state(*again, "sink.file", state);
  again->open();
  CHECK(numbers_in(dir.path()) == range(0, 90));
  feed(*again, minutes(90, 90));
  end(*again);
  CHECK(numbers_in(dir.path()) == range(0, 180));
}

TEST_CASE("a part path naming no field is refused, the param named") {
  auto err = param_error_of("sink.file", {{"path", "out/{day}/x.jsonl"}}, events);
  REQUIRE(err);
  CHECK(err->param() == "path");
  CHECK_THAT(err->what(), Catch::Contains("{day} names no field"));
}

TEST_CASE("a part name gets the instance and part number when its template lacks them") {
  using ops::sink::part_path_template;
  CHECK(part_path_template("out/x.jsonl.gz", 1) == "out/x-{n}.jsonl.gz");
  CHECK(part_path_template("out/x.jsonl.gz", 4) == "out/x-{instance}-{n}.jsonl.gz");
  CHECK(part_path_template("out/{ts:%H}/p-{instance}-{n}.csv", 4)
        == "out/{ts:%H}/p-{instance}-{n}.csv");
  CHECK(part_path_template("out.d/.hidden", 1) == "out.d/.hidden-{n}");
}
