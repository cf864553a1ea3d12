#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "operators/harness.hpp"
#include "operators/postgres/pg_test_util.hpp"
#include "operators/sink/two_phase_run.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using rows = std::vector<std::string>;

namespace {

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

rows ns(int first, int count) {
  rows out;
  for (int i = 0; i < count; ++i) out.push_back(std::to_string(first + i));
  return out;
}

core::operator_context context(bool checkpoints, core::schema_ptr input = keyed,
                               std::size_t instance = 0) {
  core::operator_context ctx;
  ctx.node_id = "store";
  ctx.inputs = {std::move(input)};
  ctx.checkpoints = checkpoints;
  ctx.instance = instance;
  return ctx;
}

nlohmann::json params_for(const std::string& table, const std::string& mode = "append") {
  nlohmann::json p = {{"url", shared_pg().url()}, {"table", table}, {"mode", mode}};
  if (mode == "upsert") p["key"] = {"k"};
  return p;
}

void feed(core::operator_base& op, const core::batch_ptr& b, recording_emitter& out) {
  op.on_batch_from(0, 0, b, out);
}

rows stored(const std::string& table) {
  return joined(shared_pg().query("SELECT n FROM " + table + " ORDER BY n"));
}

} // namespace

TEST_CASE("sink.postgres creates its table from the input schema and copies every type in") {
  auto s = core::make_schema({{"i", value_type::int64},
                              {"d", value_type::float64},
                              {"b", value_type::boolean},
                              {"s", value_type::string},
                              {"t", value_type::timestamp}});
  const auto table = fresh_table("types");
  auto op = make_operator("sink.postgres", params_for(table), context(false, s));
  recording_emitter out(0);
  op->open();
  feed(*op, make_batch(s, R"([[1, 1.5, true, "a'b\"c", "2026-03-04T05:06:07.123456Z"],
                         [-9223372036854775807, -0.25, false, "é ünïcode", "1970-01-01T00:00:00Z"],
                         [null, null, null, null, null]])"),
       out);
  op->close();
  CHECK(out.errors.empty());
  CHECK(
    joined(shared_pg().query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '" + table
      + "' ORDER BY ordinal_position"))
    == rows{"i|bigint", "d|double precision", "b|boolean", "s|text", "t|timestamp with time zone"});
  CHECK(joined(shared_pg().query("SELECT i, d, b, s, t FROM " + table + " ORDER BY i NULLS LAST"))
        == rows{"-9223372036854775807|-0.25|f|é ünïcode|1970-01-01 00:00:00+00",
                "1|1.5|t|a'b\"c|2026-03-04 05:06:07.123456+00", "||||"});
}

TEST_CASE("sink.postgres upserts on its key: the last record of a key wins, within a batch too") {
  const auto table = fresh_table("upsert");
  auto op = make_operator("sink.postgres", params_for(table, "upsert"), context(false));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 10, 3), out); // k0: 9, k1: 7, k2: 8
  feed(*op, numbers(10, 2, 3), out); // k1: 10, k2: 11
  op->close();
  CHECK(joined(shared_pg().query("SELECT k, n FROM " + table + " ORDER BY k"))
        == rows{"k0|9", "k1|10", "k2|11"});
  CHECK(shared_pg().value("SELECT count(*) FROM pg_index WHERE indrelid = '" + table
                          + "'::regclass AND indisprimary")
        == "1");
}

TEST_CASE("sink.postgres appends into an existing table of the right shape") {
  const auto table = fresh_table("existing");
  shared_pg().exec("CREATE TABLE " + table
                   + " (id serial, n bigint, k varchar(20), note text DEFAULT 'x')");
  auto op = make_operator("sink.postgres", params_for(table), context(false));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 4), out);
  op->close();
  CHECK(joined(shared_pg().query("SELECT id, k, n, note FROM " + table + " ORDER BY id"))
        == rows{"1|k0|0|x", "2|k1|1|x", "3|k2|2|x", "4|k3|3|x"});
}

TEST_CASE("sink.postgres upserts into an existing table, leaving its other columns to their "
          "defaults") {
  const auto table = fresh_table("existing_upsert");
  shared_pg().exec("CREATE TABLE " + table
                   + " (k varchar(10) PRIMARY KEY, n bigint, note text NOT NULL DEFAULT 'x')");
  auto op = make_operator("sink.postgres", params_for(table, "upsert"), context(false));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 4, 2), out);
  op->close();
  CHECK(joined(shared_pg().query("SELECT k, n, note FROM " + table + " ORDER BY k"))
        == rows{"k0|2|x", "k1|3|x"});
}

TEST_CASE("sink.postgres writes each record to the table its template names, creating each") {
  const auto stem = fresh_table("tpl");
  for (const char* mode : {"append", "upsert"}) {
    INFO(mode);
    auto p = params_for(stem + "_" + mode + "_{k}", mode);
    for (bool checkpoints : {false, true}) {
      auto op = make_operator("sink.postgres", p, context(checkpoints));
      recording_emitter out(0);
      op->open();
      feed(*op, numbers(0, 6, 2), out);
      if (checkpoints) {
        op->prepare_checkpoint(1);
        op->checkpoint_complete(1);
      }
      op->close();
      CHECK(out.errors.empty());
    }
    const std::string t = stem + "_" + mode + "_k";
    if (std::string(mode) == "append") {
      CHECK(stored(t + "0") == rows{"0", "0", "2", "2", "4", "4"});
      CHECK(stored(t + "1") == rows{"1", "1", "3", "3", "5", "5"});
    } else {
      CHECK(stored(t + "0") == rows{"4"});
      CHECK(stored(t + "1") == rows{"5"});
    }
  }
  CHECK(param_error_of("sink.postgres", params_for("t_{nope}"), keyed)->param() == "table");
  auto op = make_operator("sink.postgres", params_for("{k}"), context(false));
  recording_emitter out(0);
  op->open();
  feed(*op, make_batch(keyed, R"([["", 9]])"), out);
  op->close();
  REQUIRE(out.errors.size() == 1);
  CHECK_THAT(out.errors[0].reason, Catch::Contains("the table name is empty"));
}

TEST_CASE("sink.postgres fails at open on a table of another shape, naming the column") {
  const auto table = fresh_table("shape");
  shared_pg().exec("CREATE TABLE " + table + " (k text, n integer)");
  auto op = make_operator("sink.postgres", params_for(table), context(false));
  CHECK_THROWS_WITH(op->open(), Catch::Contains("another shape")
                                  && Catch::Contains("column 'n' is integer")
                                  && Catch::Contains("bigint"));
  const auto missing = fresh_table("shape");
  shared_pg().exec("CREATE TABLE " + missing + " (k text)");
  auto op2 = make_operator("sink.postgres", params_for(missing), context(false));
  CHECK_THROWS_WITH(op2->open(), Catch::Contains("no column 'n'"));
  const auto unkeyed = fresh_table("shape");
  shared_pg().exec("CREATE TABLE " + unkeyed + " (k text, n bigint)");
  auto op3 = make_operator("sink.postgres", params_for(unkeyed, "upsert"), context(false));
  CHECK_THROWS_WITH(op3->open(), Catch::Contains("unique index on exactly (k)"));
}

TEST_CASE("sink.postgres refuses bad params at bind, naming the param, without connecting") {
  auto url = "postgresql://nobody@127.0.0.1:1/none"; // nothing listens: bind must not care
  auto err = [&](nlohmann::json p) {
    auto e = param_error_of("sink.postgres", p, keyed);
    return e ? e->param() : std::string("(none)");
  };
  CHECK(err({{"url", url}, {"table", "t"}}) == "(none)");
  CHECK(err({{"url", "postgresql://host:notaport:x/db?=="}, {"table", "t"}}) == "url");
  CHECK(err({{"url", "host=a bogus_option=1"}, {"table", "t"}}) == "url");
  CHECK(err({{"url", url}, {"table", ""}}) == "table");
  CHECK(err({{"url", url}, {"table", "_sluice_commits"}}) == "table");
  CHECK(err({{"url", url}, {"table", "t"}, {"mode", "upsert"}}) == "key");
  CHECK(err({{"url", url}, {"table", "t"}, {"mode", "upsert"}, {"key", {"nope"}}}) == "key");
  CHECK(err({{"url", url}, {"table", "t"}, {"key", {"k"}}}) == "key");
  CHECK(err({{"url", url}, {"table", "t"}, {"mode", "merge"}}) == "mode");
  CHECK(err({{"url", url}, {"table", "t"}, {"reconnect_backoff", "soon"}}) == "reconnect_backoff");
}

TEST_CASE("rows PostgreSQL would refuse go to errors, naming the table and why") {
  const auto table = fresh_table("refused");
  auto op = make_operator("sink.postgres", params_for(table, "upsert"), context(false));
  recording_emitter out(0);
  op->open();
  feed(*op, make_batch(keyed, R"([["a", 1], [null, 2], ["b\u0000c", 3], ["d", 4]])"), out);
  op->close();
  REQUIRE(out.errors.size() == 2);
  CHECK_THAT(out.errors[0].reason,
             Catch::Contains(table) && Catch::Contains("key field 'k' is null"));
  CHECK_THAT(out.errors[1].reason, Catch::Contains("NUL byte"));
  CHECK(stored(table) == rows{"1", "4"});
}

TEST_CASE("sink.postgres logs in with the password param, read from the environment") {
  const auto table = fresh_table("password");
  nlohmann::json p = params_for(table);
  p["url"] = shared_pg().url("sluice_pw");
  p["password"] = {{"env", "SLUICE_TEST_PG_PASSWORD"}};
  ::setenv("SLUICE_TEST_PG_PASSWORD", "secret-pw", 1);
  {
    auto op = make_operator("sink.postgres", p, context(false));
    recording_emitter out(0);
    op->open();
    feed(*op, numbers(0, 2), out);
    op->close();
    CHECK(stored(table) == ns(0, 2));
  }
  ::setenv("SLUICE_TEST_PG_PASSWORD", "wrong", 1);
  auto op = make_operator("sink.postgres", p, context(false));
  // A refused login is not an outage: the run fails, and the message shows no password.
  CHECK_THROWS_WITH(op->open(),
                    Catch::Contains("password authentication failed") && !Catch::Contains("wrong"));
  ::unsetenv("SLUICE_TEST_PG_PASSWORD");
}

TEST_CASE("with checkpoints sink.postgres's rows stay invisible until their checkpoint completes") {
  const auto table = fresh_table("two_phase");
  auto op = make_operator("sink.postgres", params_for(table), context(true));
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 3), out);
  CHECK(stored(table).empty());
  op->prepare_checkpoint(1);
  core::snapshot_state(*op, "sink.postgres");
  feed(*op, numbers(3, 2), out);
  CHECK(stored(table).empty());
  op->checkpoint_complete(1);
  CHECK(stored(table) == ns(0, 3));
  CHECK(joined(shared_pg().query("SELECT node, instance, checkpoint, ended FROM _sluice_commits "
                                 "WHERE node = 'store'"))
        == rows{"store|0|1|f"});
  op->checkpoint_complete(1); // again: nothing changes
  CHECK(stored(table) == ns(0, 3));
  op->on_end_of_stream(out);
  op->close();
  CHECK(stored(table) == ns(0, 5));
  CHECK(shared_pg().value("SELECT ended FROM _sluice_commits WHERE node = 'store'") == "t");
}

TEST_CASE("a sink.postgres that crashes anywhere, restored each time, stores each row once") {
  auto batches = std::vector<core::batch_ptr>{};
  for (int i = 0; i < 12; ++i) batches.push_back(numbers(i * 3, 3, 7));
  for (const char* mode : {"append", "upsert"}) {
    for (std::size_t every : {1, 3}) {
      for (bool close_on_crash : {false, true}) {
        INFO(mode << " every " << every << (close_on_crash ? ", closed" : ""));
        const auto table = fresh_table("crash");
        const bool upsert = mode == std::string("upsert");
        auto bound = bind_operator("sink.postgres", params_for(table, mode), context(true));
        two_phase_plan plan;
        plan.every = every;
        plan.crash_after = {0, 4, 5, 9, 11};
        plan.close_on_crash = close_on_crash;
        plan.visible = [&](std::size_t n) {
          INFO("after " << n << " batches");
          const int records = static_cast<int>(n) * 3;
          if (!upsert) {
            CHECK(stored(table) == ns(0, records));
            return;
          }
          rows expected;
          for (int k = 0; k < 7 && k < records; ++k)
            expected.push_back("k" + std::to_string(k) + "|"
                               + std::to_string(k + (records - 1 - k) / 7 * 7));
          CHECK(joined(shared_pg().query("SELECT k, n FROM " + table + " ORDER BY k")) == expected);
        };
        recording_emitter out(0);
        CHECK(run_two_phase(*bound, context(true), "sink.postgres", batches, plan, out) == 5);
        CHECK(out.errors.empty());
      }
    }
  }
}

TEST_CASE("an append sink.postgres refuses to resume from a checkpoint older than what it "
          "committed") {
  const auto table = fresh_table("older");
  auto bound = bind_operator("sink.postgres", params_for(table), context(true));
  recording_emitter out(0);
  auto op = bound->create(context(true));
  op->open();
  feed(*op, numbers(0, 2), out);
  op->prepare_checkpoint(1);
  const auto first = core::snapshot_state(*op, "sink.postgres");
  feed(*op, numbers(2, 2), out);
  op->prepare_checkpoint(2);
  core::snapshot_state(*op, "sink.postgres");
  op->checkpoint_complete(2);
  op->close();
  auto again = bound->create(context(true));
  core::restore_state(*again, "sink.postgres", first);
  CHECK_THROWS_WITH(again->open(), Catch::Contains("checkpoint 2, a later one"));
}

TEST_CASE("while the server is away sink.postgres reports it, waits in on_batch, and writes once "
          "it is back") {
  const auto table = fresh_table("outage");
  core::operator_context ctx = context(false);
  nlohmann::json p = params_for(table);
  p["reconnect_backoff"] = "50ms";
  p["reconnect_backoff_max"] = "200ms";
  auto op = make_operator("sink.postgres", p, ctx);
  recording_emitter out(0);
  op->open();
  feed(*op, numbers(0, 2), out);
  CHECK(ctx.connector->read().up == 1);
  shared_pg().stop();
  std::thread restart([] {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    shared_pg().start();
  });
  feed(*op, numbers(2, 2), out); // blocks until the server is back
  restart.join();
  op->close();
  const auto seen = ctx.connector->read();
  CHECK(seen.up == 1);
  CHECK(seen.reconnects >= 1);
  CHECK_THAT(seen.last_error, Catch::Contains("127.0.0.1"));
  CHECK(stored(table) == ns(0, 4));
}
