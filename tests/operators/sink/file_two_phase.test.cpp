#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "../state_round_trip.hpp"
#include "two_phase_run.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
namespace fs = std::filesystem;

namespace Catch {
template <>
struct StringMaker<std::pair<const std::string, std::string>> {
  static std::string convert(const std::pair<const std::string, std::string>& p) {
    return p.first + ": " + ::Catch::Detail::stringify(p.second);
  }
};
} // namespace Catch

namespace {

fs::path test_root() { return fs::path(SLUICE_BINARY_DIR) / "test-tmp"; }

const core::schema_ptr numbered = core::make_schema({{"n", value_type::int64}});

// {"n":10}..: 9 bytes per record of two digits, with its line end.
core::batch_ptr numbers(int first, int count) {
  std::string rows = "[";
  for (int i = 0; i < count; ++i) rows += (i ? ",[" : "[") + std::to_string(first + i) + "]";
  return make_batch(numbered, rows + "]");
}

// Batch i holds `per_batch` records from 10 + i * per_batch on.
std::vector<core::batch_ptr> numbered_batches(int batches, int per_batch) {
  std::vector<core::batch_ptr> out;
  for (int i = 0; i < batches; ++i) out.push_back(numbers(10 + i * per_batch, per_batch));
  return out;
}

std::string lines(int first, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += "{\"n\":" + std::to_string(first + i) + "}\n";
  return out;
}

core::operator_context context(bool checkpoints) {
  core::operator_context ctx;
  ctx.inputs = {numbered};
  ctx.checkpoints = checkpoints;
  return ctx;
}

core::operator_ptr make_sink(const nlohmann::json& params, bool checkpoints = true) {
  return make_operator("sink.file", params, context(checkpoints));
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

// The visible files of `dir` (name -> content); hidden ones separately.
std::map<std::string, std::string> visible_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (name[0] != '.') out[name] = read_text(e.path().string());
  }
  return out;
}

std::vector<std::string> hidden_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (name[0] == '.') out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The files a run without checkpoints writes from the first `n` batches.
// Before the first checkpoint completes nothing is visible, not even a CSV
// header: the target is empty.
std::map<std::string, std::string>
written_without_checkpoints(nlohmann::json params, const std::vector<core::batch_ptr>& batches,
                            std::size_t n, const std::string& name = "out") {
  if (n == 0) return {{name, ""}};
  temp_dir dir(test_root());
  params["path"] = dir.file(name);
  auto op = make_sink(params, false);
  op->open();
  for (std::size_t i = 0; i < n; ++i) feed(*op, batches[i]);
  end(*op);
  return visible_files(dir.path());
}

TEST_CASE("with checkpoints the file sink's records stay invisible until their checkpoint "
          "completes") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto op = make_sink({{"path", path}});
  op->open();
  feed(*op, numbers(10, 2));
  CHECK(read_text(path).empty());
  op->prepare_checkpoint(1);
  core::snapshot_state(*op, "sink.file");
  CHECK(read_text(path).empty()); // sealed, not visible
  CHECK(hidden_files(dir.path())
        == std::vector<std::string>{".out.jsonl.1.pending", ".out.jsonl.2.inprogress"});
  feed(*op, numbers(12, 1));
  op->checkpoint_complete(1);
  CHECK(read_text(path) == lines(10, 2));
  op->checkpoint_complete(1); // again: nothing changes
  CHECK(read_text(path) == lines(10, 2));
  op->prepare_checkpoint(2);
  CHECK(read_text(path) == lines(10, 2));
  op->checkpoint_complete(2);
  CHECK(read_text(path) == lines(10, 3));
  end(*op);
  CHECK(read_text(path) == lines(10, 3));
  CHECK(hidden_files(dir.path()).empty());
}

TEST_CASE("a checkpoint that completes after the next was prepared commits only what it covers") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto op = make_sink({{"path", path}});
  op->open();
  feed(*op, numbers(10, 1));
  op->prepare_checkpoint(1);
  feed(*op, numbers(11, 1));
  op->prepare_checkpoint(2);
  feed(*op, numbers(12, 1));
  op->checkpoint_complete(1);
  CHECK(read_text(path) == lines(10, 1));
  op->checkpoint_complete(2);
  CHECK(read_text(path) == lines(10, 2));
  op->close(); // no end of stream: record 12 is not committed
  CHECK(read_text(path) == lines(10, 2));
  CHECK(hidden_files(dir.path()).empty());
}

TEST_CASE("a later checkpoint completing commits what an abandoned earlier one sealed") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto op = make_sink({{"path", path}});
  op->open();
  feed(*op, numbers(10, 1));
  op->prepare_checkpoint(3); // never completes
  feed(*op, numbers(11, 1));
  op->prepare_checkpoint(4);
  CHECK(read_text(path).empty());
  op->checkpoint_complete(4);
  CHECK(read_text(path) == lines(10, 2));
  op->close();
}

TEST_CASE("closing the file sink without end of stream commits nothing past the last complete "
          "checkpoint") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto op = make_sink({{"path", path}});
  op->open();
  feed(*op, numbers(10, 2));
  op->prepare_checkpoint(1);
  op->checkpoint_complete(1);
  feed(*op, numbers(12, 2));
  op->prepare_checkpoint(2);
  feed(*op, numbers(14, 2));
  op->close();
  CHECK(read_text(path) == lines(10, 2));
  // The sealed segment of checkpoint 2 stays for a restore of it; the
  // records after it are gone.
  CHECK(hidden_files(dir.path()) == std::vector<std::string>{".out.jsonl.2.pending"});
}

TEST_CASE("end of stream commits everything the file sink wrote, checkpoint or not") {
  temp_dir dir(test_root());
  for (const char* format : {"jsonl", "csv"}) {
    auto path = dir.file(std::string("out.") + format);
    auto op = make_sink({{"path", path}, {"format", format}});
    op->open();
    feed(*op, numbers(10, 2));
    op->prepare_checkpoint(1); // never completes
    feed(*op, numbers(12, 2));
    end(*op);
    CHECK(read_text(path) == (format == std::string("csv") ? "n\n10\n11\n12\n13\n" : lines(10, 4)));
  }
  CHECK(hidden_files(dir.path()).empty());
}

TEST_CASE("with checkpoints and no record the file sink still leaves an empty file, or a CSV "
          "header") {
  temp_dir dir(test_root());
  auto jsonl = make_sink({{"path", dir.file("a.jsonl")}});
  jsonl->open();
  jsonl->prepare_checkpoint(1);
  jsonl->checkpoint_complete(1);
  end(*jsonl);
  auto csv = make_sink({{"path", dir.file("b.csv")}, {"format", "csv"}});
  csv->open();
  end(*csv);
  CHECK(visible_files(dir.path())
        == std::map<std::string, std::string>{{"a.jsonl", ""}, {"b.csv", "n\n"}});
  CHECK(hidden_files(dir.path()).empty());
}

TEST_CASE("a file sink that crashed after prepare and before complete, restored, writes every "
          "record once") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto bound = bind_operator("sink.file", {{"path", path}}, context(true));
  std::string state1;
  {
    auto op = bound->create(context(true));
    op->open();
    feed(*op, numbers(10, 2));
    op->prepare_checkpoint(1);
    state1 = core::snapshot_state(*op, "sink.file");
    op->checkpoint_complete(1);
    feed(*op, numbers(12, 2));
    op->prepare_checkpoint(2); // the run dies before checkpoint 2 completes
    core::snapshot_state(*op, "sink.file");
    feed(*op, numbers(14, 2));
    SECTION("dropped unclosed (killed)") {}
    SECTION("closed without end of stream (failed)") { op->close(); }
  }
  CHECK(read_text(path) == lines(10, 2));
  auto op = bound->create(context(true));
  core::restore_state(*op, "sink.file", state1);
  op->open();
  CHECK(read_text(path) == lines(10, 2));
  // Only the new in-progress file is left of what the failed run wrote.
  CHECK(hidden_files(dir.path()).size() == 1);
  feed(*op, numbers(12, 2)); // the records after checkpoint 1, replayed
  feed(*op, numbers(14, 2));
  op->prepare_checkpoint(3);
  CHECK(read_text(path) == lines(10, 2));
  op->checkpoint_complete(3);
  CHECK(read_text(path) == lines(10, 6));
  feed(*op, numbers(16, 1));
  end(*op);
  CHECK(read_text(path) == lines(10, 7));
  CHECK(hidden_files(dir.path()).empty());
}

TEST_CASE("a file sink restored from a checkpoint it had not committed yet commits it in open") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto bound = bind_operator("sink.file", {{"path", path}}, context(true));
  std::string state2;
  {
    auto op = bound->create(context(true));
    op->open();
    feed(*op, numbers(10, 2));
    op->prepare_checkpoint(1);
    op->checkpoint_complete(1);
    feed(*op, numbers(12, 2));
    op->prepare_checkpoint(2);
    state2 = core::snapshot_state(*op, "sink.file");
    feed(*op, numbers(14, 1));
    // Checkpoint 2 completed in the store, but the run died before the sink
    // heard of it.
  }
  CHECK(read_text(path) == lines(10, 2));
  auto op = bound->create(context(true));
  core::restore_state(*op, "sink.file", state2);
  op->open();
  CHECK(read_text(path) == lines(10, 4));
  op->checkpoint_complete(2); // a late notice changes nothing
  CHECK(read_text(path) == lines(10, 4));
  feed(*op, numbers(14, 1));
  end(*op);
  CHECK(read_text(path) == lines(10, 5));
}

// The states a crash can leave a commit in, one step after another
// (staged_file.hpp): the segment after checkpoint 1 is sealed in
// .out.jsonl.2.pending, to be appended at byte 18 of `path`; with rotation
// it ends part 1 (path.1), and .out.jsonl.3.pending starts part 2.
enum class commit_step { none, torn, appended, renamed, pending_removed, all };

void crash_in_commit(const std::string& path, commit_step step, bool rotated) {
  auto pending = fs::path(path).parent_path() / ".out.jsonl.2.pending";
  auto sealed = read_text(pending.string());
  if (step >= commit_step::torn)
    std::ofstream(path, std::ios::app) << sealed.substr(0, step == commit_step::torn ? 5 : 100);
  if (step >= commit_step::renamed && rotated) fs::rename(path, path + ".1");
  if (step >= commit_step::pending_removed) fs::remove(pending);
  if (step >= commit_step::all && rotated)
    fs::rename(fs::path(path).parent_path() / ".out.jsonl.3.pending", path);
}

} // namespace

TEST_CASE("replaying a file sink's commit after a crash in the middle of it writes nothing twice") {
  for (bool rotated : {false, true}) {
    for (auto step : {commit_step::none, commit_step::torn, commit_step::appended,
                      commit_step::renamed, commit_step::pending_removed, commit_step::all}) {
      INFO((rotated ? "rotated, " : "") << "step " << static_cast<int>(step));
      temp_dir dir(test_root());
      auto path = dir.file("out.jsonl");
      nlohmann::json params = {{"path", path}};
      if (rotated) params["rotate"] = 20; // three records fill a part
      auto bound = bind_operator("sink.file", params, context(true));
      auto op = bound->create(context(true));
      op->open();
      feed(*op, numbers(10, 2));
      op->prepare_checkpoint(1);
      op->checkpoint_complete(1);
      feed(*op, numbers(12, 2));
      op->prepare_checkpoint(2);
      auto state2 = core::snapshot_state(*op, "sink.file");
      REQUIRE(read_text(path) == lines(10, 2));
      op.reset(); // the crash, in the middle of committing checkpoint 2:
      crash_in_commit(path, step, rotated);
      auto restored = bound->create(context(true));
      core::restore_state(*restored, "sink.file", state2);
      restored->open();
      auto committed = rotated ? std::map<std::string, std::string>{{"out.jsonl.1", lines(10, 3)},
                                                                    {"out.jsonl", lines(13, 1)}}
                               : std::map<std::string, std::string>{{"out.jsonl", lines(10, 4)}};
      CHECK(visible_files(dir.path()) == committed);
      CHECK(hidden_files(dir.path()).size() == 1); // the new in-progress file
      end(*restored);
      CHECK(visible_files(dir.path()) == committed);
    }
  }
}

TEST_CASE("a restored file sink cuts back what the failed run committed after its checkpoint") {
  // The sink reached end of stream and committed everything, then the run
  // failed elsewhere and is resumed from checkpoint 1: the records after it
  // come again.
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  for (int rotate : {0, 20}) {
    nlohmann::json params = {{"path", path}};
    if (rotate) params["rotate"] = rotate;
    auto bound = bind_operator("sink.file", params, context(true));
    std::string state1;
    {
      auto op = bound->create(context(true));
      op->open();
      feed(*op, numbers(10, 2));
      op->prepare_checkpoint(1);
      state1 = core::snapshot_state(*op, "sink.file");
      op->checkpoint_complete(1);
      feed(*op, numbers(12, 6));
      end(*op);
    }
    auto whole = visible_files(dir.path());
    CHECK(whole.size() == (rotate ? 3 : 1));
    auto op = bound->create(context(true));
    core::restore_state(*op, "sink.file", state1);
    op->open();
    CHECK(visible_files(dir.path())
          == std::map<std::string, std::string>{{"out.jsonl", lines(10, 2)}});
    feed(*op, numbers(12, 6));
    end(*op);
    CHECK(visible_files(dir.path()) == whole);
    fs::remove_all(dir.path());
    fs::create_directories(dir.path());
  }
}

TEST_CASE("with checkpoints a rotated part appears as a whole file when it is committed") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto op = make_sink({{"path", path}, {"rotate", 20}}); // three 9-byte records fill a part
  op->open();
  feed(*op, numbers(10, 4));
  CHECK_FALSE(fs::exists(path + ".1"));
  op->prepare_checkpoint(1);
  feed(*op, numbers(14, 3));
  CHECK(visible_files(dir.path()) == std::map<std::string, std::string>{{"out.jsonl", ""}});
  op->checkpoint_complete(1);
  CHECK(visible_files(dir.path())
        == std::map<std::string, std::string>{{"out.jsonl.1", lines(10, 3)},
                                              {"out.jsonl", lines(13, 1)}});
  op->prepare_checkpoint(2);
  op->checkpoint_complete(2);
  CHECK(visible_files(dir.path())
        == std::map<std::string, std::string>{{"out.jsonl.1", lines(10, 3)},
                                              {"out.jsonl.2", lines(13, 3)},
                                              {"out.jsonl", lines(16, 1)}});
  end(*op);
  CHECK(visible_files(dir.path())
        == written_without_checkpoints({{"rotate", 20}}, {numbers(10, 4), numbers(14, 3)}, 2,
                                       "out.jsonl"));
}

TEST_CASE("with checkpoints rotation numbering goes on after rotated files that already exist") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  std::ofstream(path + ".7") << "old\n";
  auto op = make_sink({{"path", path}, {"rotate", 9}});
  op->open();
  feed(*op, numbers(10, 2));
  end(*op);
  CHECK(read_text(path + ".7") == "old\n");
  CHECK(read_text(path + ".8") == lines(10, 1));
  CHECK(read_text(path) == lines(11, 1));
}

TEST_CASE("a file sink that crashes anywhere, restored each time, ends with the files of a run "
          "without checkpoints") {
  auto batches = numbered_batches(12, 3);
  struct variant {
    nlohmann::json params;
    std::size_t every;
  };
  for (const auto& v : {variant{{{"format", "jsonl"}}, 1}, variant{{{"format", "csv"}}, 2},
                        variant{{{"rotate", 20}}, 1}, variant{{{"rotate", 40}}, 3},
                        variant{{{"format", "csv"}, {"rotate", "16B"}}, 2}}) {
    for (bool close_on_crash : {false, true}) {
      INFO(v.params.dump() << " every " << v.every << (close_on_crash ? ", closed" : ""));
      temp_dir dir(test_root());
      auto params = v.params;
      params["path"] = dir.file("out");
      auto bound = bind_operator("sink.file", params, context(true));
      two_phase_plan plan;
      plan.every = v.every;
      plan.crash_after = {1, 4, 5, 9, 11};
      plan.close_on_crash = close_on_crash;
      plan.visible = [&](std::size_t n) {
        INFO("after " << n << " batches");
        CHECK(visible_files(dir.path()) == written_without_checkpoints(v.params, batches, n));
      };
      recording_emitter out(0);
      CHECK(run_two_phase(*bound, context(true), "sink.file", batches, plan, out) == 5);
      CHECK(hidden_files(dir.path()).empty());
    }
  }
}

TEST_CASE("file sink instances of a parallel node commit their own files") {
  temp_dir dir(test_root());
  std::vector<core::operator_ptr> ops;
  for (std::size_t i = 0; i < 2; ++i) {
    auto ctx = context(true);
    ctx.parallelism = 2;
    ctx.instance = i;
    ops.push_back(make_operator("sink.file", {{"path", dir.file("out.jsonl")}}, ctx));
    ops.back()->open();
    feed(*ops.back(), numbers(10 + static_cast<int>(i) * 10, 2));
    ops.back()->prepare_checkpoint(1);
  }
  ops[1]->checkpoint_complete(1);
  CHECK(visible_files(dir.path())
        == std::map<std::string, std::string>{{"out-0.jsonl", ""}, {"out-1.jsonl", lines(20, 2)}});
  ops[0]->checkpoint_complete(1);
  for (auto& op : ops) end(*op);
  CHECK(visible_files(dir.path())
        == std::map<std::string, std::string>{{"out-0.jsonl", lines(10, 2)},
                                              {"out-1.jsonl", lines(20, 2)}});
}

TEST_CASE("a file sink whose target lost committed bytes refuses to resume from a checkpoint") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto bound = bind_operator("sink.file", {{"path", path}}, context(true));
  auto op = bound->create(context(true));
  op->open();
  feed(*op, numbers(10, 3));
  op->prepare_checkpoint(1);
  op->checkpoint_complete(1);
  op->prepare_checkpoint(2);
  auto state = core::snapshot_state(*op, "sink.file");
  op->close();
  std::ofstream(path, std::ios::trunc) << "x\n";
  auto restored = bound->create(context(true));
  core::restore_state(*restored, "sink.file", state);
  CHECK_THROWS_WITH(restored->open(), Catch::Contains("the checkpoint committed 27"));
}

TEST_CASE("the file sink's state with checkpoints is refused without them, and when cut short") {
  temp_dir dir(test_root());
  nlohmann::json params = {{"path", dir.file("out.jsonl")}, {"rotate", 20}};
  auto op = make_sink(params);
  op->open();
  feed(*op, numbers(10, 4));
  op->prepare_checkpoint(1);
  auto state = core::snapshot_state(*op, "sink.file");
  auto bound = bind_operator("sink.file", params, context(true));
  auto again = bound->create(context(true));
  core::restore_state(*again, "sink.file", state);
  CHECK(core::snapshot_state(*again, "sink.file") == state);
  check_truncations_refused(*bound, context(true), "sink.file", state);
  auto without = make_sink(params, false);
  CHECK_THROWS_AS(core::restore_state(*without, "sink.file", state), core::state_error);
  feed(*op, numbers(14, 1));
  CHECK_THROWS_AS(core::snapshot_state(*op, "sink.file"), std::logic_error);
  op->close();
}

TEST_CASE("without checkpoints the file sink writes no hidden file and has no two phases") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  auto op = make_sink({{"path", path}}, false);
  op->open();
  feed(*op, numbers(10, 2));
  op->prepare_checkpoint(1); // not called without checkpoints; and changes nothing
  op->checkpoint_complete(1);
  end(*op);
  CHECK(read_text(path) == lines(10, 2));
  CHECK(hidden_files(dir.path()).empty());
}
