#include <catch2/catch.hpp>

#include <filesystem>

#include "../state_round_trip.hpp"
#include "sqlite_reader.hpp"
#include "two_phase_run.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using rows = std::vector<std::string>;

namespace {

std::filesystem::path test_root() { return std::filesystem::path(SLUICE_BINARY_DIR) / "test-tmp"; }

const core::schema_ptr keyed =
  core::make_schema({{"k", value_type::string}, {"n", value_type::int64}});

// Rows ("k<n % keys>", n) for n in [first, first + count).
core::batch_ptr numbers(int first, int count, int keys = 1000) {
  std::string text = "[";
  for (int i = 0; i < count; ++i)
    text += (i ? ",[\"k" : "[\"k") + std::to_string((first + i) % keys) + "\","
            + std::to_string(first + i) + "]";
  return make_batch(keyed, text + "]");
}

// "n" for n in [first, first + count): what `SELECT n ... ORDER BY rowid` gives.
rows ns(int first, int count) {
  rows out;
  for (int i = 0; i < count; ++i) out.push_back(std::to_string(first + i));
  return out;
}

core::operator_context context(bool checkpoints, std::size_t instance = 0,
                               std::size_t parallelism = 1) {
  core::operator_context ctx;
  ctx.node_id = "store";
  ctx.inputs = {keyed};
  ctx.checkpoints = checkpoints;
  ctx.instance = instance;
  ctx.parallelism = parallelism;
  return ctx;
}

nlohmann::json append_to(const std::string& db) { return {{"path", db}, {"table", "t"}}; }

void feed(core::operator_base& op, const core::batch_ptr& b, recording_emitter& out) {
  op.on_batch_from(0, 0, b, out);
}

rows stored(const std::string& db) {
  return sqlite_reader(db).query("SELECT n FROM t ORDER BY rowid");
}

rows bookkeeping(const std::string& db) {
  return sqlite_reader(db).query("SELECT sink, checkpoint, ended FROM _sluice_checkpoints");
}

} // namespace

TEST_CASE("with checkpoints the sqlite sink's rows stay invisible until their checkpoint "
          "completes") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto op = make_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 3), out);
  CHECK(stored(db).empty());
  op->prepare_checkpoint(1);
  core::snapshot_state(*op, "sink.sqlite");
  CHECK(stored(db).empty());
  feed(*op, numbers(3, 2), out);
  op->checkpoint_complete(1);
  CHECK(stored(db) == ns(0, 3));
  CHECK(bookkeeping(db) == rows{"store.0/t|1|0"});
  op->checkpoint_complete(1); // again: nothing changes
  CHECK(stored(db) == ns(0, 3));
  op->prepare_checkpoint(2);
  CHECK(stored(db) == ns(0, 3));
  op->checkpoint_complete(2);
  CHECK(stored(db) == ns(0, 5));
  CHECK(bookkeeping(db) == rows{"store.0/t|2|0"});
  op->on_end_of_stream(out);
  op->close();
  CHECK(stored(db) == ns(0, 5));
  CHECK(out.errors.empty());
}

TEST_CASE("the sqlite sink holds no lock between checkpoints: other writers of the database go "
          "on") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto op = make_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 3), out);
  op->prepare_checkpoint(1);
  feed(*op, numbers(3, 3), out);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &other) == SQLITE_OK);
  CHECK(sqlite3_exec(other, "BEGIN IMMEDIATE; CREATE TABLE other (x); COMMIT", nullptr, nullptr,
                     nullptr)
        == SQLITE_OK);
  sqlite3_close(other);
  op->checkpoint_complete(1);
  CHECK(stored(db) == ns(0, 3));
  op->close();
}

TEST_CASE("a sqlite checkpoint that completes after the next was prepared commits only what it "
          "covers") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto op = make_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 2), out);
  op->prepare_checkpoint(1);
  feed(*op, numbers(2, 2), out);
  op->prepare_checkpoint(2);
  feed(*op, numbers(4, 2), out);
  op->checkpoint_complete(1);
  CHECK(stored(db) == ns(0, 2));
  op->checkpoint_complete(2);
  CHECK(stored(db) == ns(0, 4));
  op->close(); // no end of stream: rows 4 and 5 are not committed
  CHECK(stored(db) == ns(0, 4));
  CHECK(bookkeeping(db) == rows{"store.0/t|2|0"});
}

TEST_CASE("a sqlite sink that crashed after prepare and before complete, restored, writes every "
          "row once") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto bound = bind_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  std::string state1;
  {
    auto op = bound->create(context(true));
    op->open();
    feed(*op, numbers(0, 2), out);
    op->prepare_checkpoint(1);
    state1 = core::snapshot_state(*op, "sink.sqlite");
    op->checkpoint_complete(1);
    feed(*op, numbers(2, 2), out);
    op->prepare_checkpoint(2); // the run dies before checkpoint 2 completes
    core::snapshot_state(*op, "sink.sqlite");
    feed(*op, numbers(4, 2), out);
    SECTION("dropped unclosed (killed)") {}
    SECTION("closed without end of stream (failed)") { op->close(); }
  }
  CHECK(stored(db) == ns(0, 2));
  auto op = bound->create(context(true));
  core::restore_state(*op, "sink.sqlite", state1);
  op->open();
  CHECK(stored(db) == ns(0, 2)); // checkpoint 1's rows are not written again
  feed(*op, numbers(2, 2), out); // the records after checkpoint 1, replayed
  feed(*op, numbers(4, 2), out);
  op->prepare_checkpoint(3);
  CHECK(stored(db) == ns(0, 2));
  op->checkpoint_complete(3);
  CHECK(stored(db) == ns(0, 6));
  feed(*op, numbers(6, 1), out);
  op->on_end_of_stream(out);
  op->close();
  CHECK(stored(db) == ns(0, 7));
  CHECK(bookkeeping(db) == rows{"store.0/t|3|1"});
}

TEST_CASE("a sqlite sink restored from a checkpoint commits its rows in open unless the table "
          "holds them") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto bound = bind_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  auto op = bound->create(context(true));
  op->open();
  feed(*op, numbers(0, 2), out);
  op->prepare_checkpoint(1);
  op->checkpoint_complete(1);
  feed(*op, numbers(2, 2), out);
  op->prepare_checkpoint(2);
  auto state2 = core::snapshot_state(*op, "sink.sqlite");
  feed(*op, numbers(4, 1), out);
  SECTION("the run died before the sink heard checkpoint 2 completed") {}
  SECTION("the run died after the sink committed checkpoint 2") {
    op->checkpoint_complete(2);
    CHECK(stored(db) == ns(0, 4));
  }
  op.reset();
  auto restored = bound->create(context(true));
  core::restore_state(*restored, "sink.sqlite", state2);
  restored->open();
  CHECK(stored(db) == ns(0, 4));
  CHECK(bookkeeping(db) == rows{"store.0/t|2|0"});
  restored->checkpoint_complete(2); // a late notice changes nothing
  CHECK(stored(db) == ns(0, 4));
  feed(*restored, numbers(4, 1), out);
  restored->on_end_of_stream(out);
  restored->close();
  CHECK(stored(db) == ns(0, 5));
  CHECK(out.errors.empty());
}

TEST_CASE("end of stream commits every row the sqlite sink holds, and a resumed run writes none "
          "again") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto bound = bind_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  std::string state1;
  {
    auto op = bound->create(context(true));
    op->open();
    feed(*op, numbers(0, 2), out);
    op->prepare_checkpoint(1);
    state1 = core::snapshot_state(*op, "sink.sqlite");
    feed(*op, numbers(2, 2), out);
    op->prepare_checkpoint(2); // never completes
    feed(*op, numbers(4, 2), out);
    op->on_end_of_stream(out);
    op->close();
  }
  CHECK(stored(db) == ns(0, 6));
  CHECK(bookkeeping(db) == rows{"store.0/t|2|1"});
  // The run failed elsewhere after this sink ended, and resumes from
  // checkpoint 1: the records after it come again.
  auto op = bound->create(context(true));
  core::restore_state(*op, "sink.sqlite", state1);
  op->open();
  feed(*op, numbers(2, 4), out);
  op->prepare_checkpoint(3);
  op->checkpoint_complete(3);
  op->on_end_of_stream(out);
  op->close();
  CHECK(stored(db) == ns(0, 6));
}

TEST_CASE("a sqlite sink in append mode refuses to resume from a checkpoint older than what it "
          "committed") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  for (const char* mode : {"append", "upsert"}) {
    nlohmann::json params = {{"path", db}, {"table", mode}, {"mode", mode}, {"key", {"k"}}};
    auto bound = bind_operator("sink.sqlite", params, context(true));
    recording_emitter out(0);
    auto op = bound->create(context(true));
    op->open();
    feed(*op, numbers(0, 2), out);
    op->prepare_checkpoint(1);
    auto state1 = core::snapshot_state(*op, "sink.sqlite");
    op->checkpoint_complete(1);
    feed(*op, numbers(2, 2), out);
    op->prepare_checkpoint(2);
    op->checkpoint_complete(2);
    op->close();
    auto restored = bound->create(context(true));
    core::restore_state(*restored, "sink.sqlite", state1);
    if (mode == std::string("append")) {
      CHECK_THROWS_WITH(restored->open(), Catch::Contains("holds the rows of its checkpoint 2"));
      continue;
    }
    restored->open(); // upsert: writing the keys again is harmless
    feed(*restored, numbers(2, 2), out);
    restored->on_end_of_stream(out);
    restored->close();
    CHECK(sqlite_reader(db).query("SELECT n FROM upsert ORDER BY k") == ns(0, 4));
    CHECK(out.errors.empty());
  }
}

TEST_CASE("rows the database refuses in a commit go to errors at the next batch or at the end") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto op =
    make_operator("sink.sqlite", {{"path", db}, {"table", "t"}, {"key", {"k"}}}, context(true));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 3, 2), out); // k0 k1 k0: the second k0 is refused
  feed(*op, make_batch(keyed, R"([[null, 9]])"), out);
  REQUIRE(out.errors.size() == 1); // a null key is known at once
  CHECK(out.errors[0].reason == "key field 'k' is null");
  op->prepare_checkpoint(1);
  op->checkpoint_complete(1);
  CHECK(out.errors.size() == 1);
  feed(*op, numbers(3, 1, 2), out); // k1 again, refused at the end
  REQUIRE(out.errors.size() == 2);
  CHECK_THAT(out.errors[1].reason, Catch::Contains("UNIQUE constraint failed"));
  CHECK(out.errors[1].record == R"({"k":"k0","n":2})");
  op->on_end_of_stream(out);
  REQUIRE(out.errors.size() == 3);
  CHECK(out.errors[2].record == R"({"k":"k1","n":3})");
  op->close();
  CHECK(sqlite_reader(db).query("SELECT n FROM t ORDER BY n") == ns(0, 2));
}

TEST_CASE("a sqlite sink that crashes anywhere, restored each time, stores each row once") {
  auto batches = std::vector<core::batch_ptr>{};
  for (int i = 0; i < 12; ++i) batches.push_back(numbers(i * 3, 3, 7));
  for (const char* mode : {"append", "upsert"}) {
    for (std::size_t every : {1, 2, 3}) {
      for (bool close_on_crash : {false, true}) {
        INFO(mode << " every " << every << (close_on_crash ? ", closed" : ""));
        temp_dir dir(test_root());
        auto db = dir.file("store.db");
        nlohmann::json params = {{"path", db}, {"table", "t"}, {"mode", mode}};
        bool upsert = mode == std::string("upsert");
        if (upsert) params["key"] = {"k"};
        auto bound = bind_operator("sink.sqlite", params, context(true));
        two_phase_plan plan;
        plan.every = every;
        plan.crash_after = {0, 4, 5, 9, 11};
        plan.close_on_crash = close_on_crash;
        plan.visible = [&](std::size_t n) {
          INFO("after " << n << " batches");
          const int records = static_cast<int>(n) * 3;
          if (!upsert) {
            CHECK(stored(db) == ns(0, records));
            return;
          }
          // The last value of each of the 7 keys seen so far.
          rows expected;
          for (int k = 0; k < 7 && k < records; ++k)
            expected.push_back("k" + std::to_string(k) + "|"
                               + std::to_string(k + (records - 1 - k) / 7 * 7));
          CHECK(sqlite_reader(db).query("SELECT k, n FROM t ORDER BY k") == expected);
        };
        recording_emitter out(0);
        CHECK(run_two_phase(*bound, context(true), "sink.sqlite", batches, plan, out) == 5);
        CHECK(out.errors.empty());
      }
    }
  }
}

TEST_CASE("sqlite sink instances of a parallel node keep their own bookkeeping rows") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  std::vector<core::operator_ptr> ops;
  recording_emitter out(0);
  for (std::size_t i = 0; i < 2; ++i) {
    ops.push_back(make_operator("sink.sqlite", append_to(db), context(true, i, 2)));
    ops.back()->open();
    feed(*ops.back(), numbers(static_cast<int>(i) * 10, 2), out);
    ops.back()->prepare_checkpoint(1);
  }
  ops[1]->checkpoint_complete(1);
  CHECK(sqlite_reader(db).query("SELECT n FROM t ORDER BY n") == rows{"10", "11"});
  ops[0]->checkpoint_complete(1);
  for (auto& op : ops) op->close();
  CHECK(sqlite_reader(db).query("SELECT n FROM t ORDER BY n") == rows{"0", "1", "10", "11"});
  CHECK(sqlite_reader(db).query("SELECT sink, checkpoint FROM _sluice_checkpoints ORDER BY sink")
        == rows{"store.0/t|1", "store.1/t|1"});
}

TEST_CASE("a fresh sqlite sink with checkpoints forgets the bookkeeping of an earlier run") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  recording_emitter out(0);
  for (int run = 0; run < 2; ++run) {
    auto op = make_operator("sink.sqlite", append_to(db), context(true));
    op->open();
    feed(*op, numbers(run * 2, 2), out);
    op->on_end_of_stream(out); // ended = 1: a resumed run would write nothing
    op->close();
  }
  CHECK(stored(db) == ns(0, 4));
  CHECK(bookkeeping(db) == rows{"store.0/t|0|1"});
}

TEST_CASE("the sqlite sink's state holds the rows of checkpoints not yet complete") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto bound = bind_operator("sink.sqlite", append_to(db), context(true));
  recording_emitter out(0);
  auto op = bound->create(context(true));
  op->open();
  feed(*op, numbers(0, 2), out);
  op->prepare_checkpoint(1);
  feed(*op, numbers(2, 2), out);
  op->prepare_checkpoint(2);
  feed(*op, numbers(4, 2), out); // not sealed: also state
  auto state = core::snapshot_state(*op, "sink.sqlite");
  auto again = bound->create(context(true));
  core::restore_state(*again, "sink.sqlite", state);
  CHECK(core::snapshot_state(*again, "sink.sqlite") == state);
  check_truncations_refused(*bound, context(true), "sink.sqlite", state);
  op->checkpoint_complete(1);
  CHECK(core::snapshot_state(*op, "sink.sqlite").size() < state.size());
  op->close();
}

TEST_CASE("without checkpoints the sqlite sink keeps no state and no bookkeeping table") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto op = make_operator("sink.sqlite", append_to(db), context(false));
  CHECK(op->state_version() == 0);
  CHECK(make_operator("sink.sqlite", append_to(db), context(true))->state_version() == 1);
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 2), out);
  CHECK(stored(db) == ns(0, 2)); // each batch is committed as it comes
  op->prepare_checkpoint(1);     // not called without checkpoints; and changes nothing
  op->checkpoint_complete(1);
  op->on_end_of_stream(out);
  op->close();
  CHECK(
    sqlite_reader(db).query("SELECT name FROM sqlite_master WHERE name LIKE '_sluice%'").empty());
}

TEST_CASE("the sqlite sink refuses its bookkeeping table as the table to write") {
  auto e =
    param_error_of("sink.sqlite", {{"path", "x.db"}, {"table", "_sluice_checkpoints"}}, keyed);
  REQUIRE(e);
  CHECK(e->param() == "table");
}
