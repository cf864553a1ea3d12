#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "operators/harness.hpp"
#include "operators/postgres/pg_test_util.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using rows = std::vector<std::string>;

namespace {

core::operator_context context(const std::string& node, bool checkpoints = false) {
  core::operator_context ctx;
  ctx.node_id = node;
  ctx.checkpoints = checkpoints;
  return ctx;
}

nlohmann::json cdc_params(const std::string& table) {
  return {{"url", shared_pg().url()},
          {"mode", "cdc"},
          {"tables", {table}},
          {"schema", nlohmann::json::array({"id:int", "name:string", "score:double"})},
          {"reconnect_backoff", "50ms"},
          {"reconnect_backoff_max", "200ms"}};
}

// Polls until `n` records came out (or 20 s passed); the records as JSON.
rows poll_until(core::operator_base& op, recording_emitter& out, std::size_t n,
                std::size_t budget = 1024) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.rows() < n && std::chrono::steady_clock::now() < until) {
    auto r = op.poll(out, budget);
    if (r.what == core::poll_result::state::wait)
      std::this_thread::sleep_for(
        std::chrono::nanoseconds(std::min<std::int64_t>(r.wait_ns, 50000000)));
  }
  return out.json_rows();
}

// Polls for a while and says whether anything more came out.
bool nothing_more(core::operator_base& op, recording_emitter& out) {
  const auto before = out.rows();
  for (int i = 0; i < 20; ++i) {
    op.poll(out, 1024);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out.rows() == before;
}

} // namespace

TEST_CASE("source.postgres in cdc mode streams inserts, updates and deletes with their op") {
  const auto table = fresh_table("cdc");
  shared_pg().exec("CREATE TABLE " + table
                   + " (id bigint PRIMARY KEY, name text, score double precision, extra int)");
  auto ctx = context(table);
  auto op = make_operator("source.postgres", cdc_params(table), ctx);
  op->open();
  CHECK(ctx.connector->read().up == 1);
  shared_pg().exec("INSERT INTO " + table + " VALUES (1, 'a', 1.5, 7), (2, 'b', NULL, 8)");
  shared_pg().exec("UPDATE " + table + " SET name = 'a2' WHERE id = 1");
  shared_pg().exec("DELETE FROM " + table + " WHERE id = 2");
  recording_emitter out;
  CHECK(poll_until(*op, out, 4)
        == rows{R"({"id":1,"name":"a","score":1.5,"op":"insert"})",
                R"({"id":2,"name":"b","score":null,"op":"insert"})",
                R"({"id":1,"name":"a2","score":1.5,"op":"update"})",
                R"({"id":2,"name":null,"score":null,"op":"delete"})"});
  op->close();
  CHECK(
    shared_pg().value("SELECT count(*) FROM pg_publication WHERE pubname = 'sluice_" + table + "'")
    == "1");
  CHECK(shared_pg().value("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'sluice_"
                          + table + "'")
        == "pgoutput");
  shared_pg().exec("SELECT pg_drop_replication_slot('sluice_" + table + "')");
}

TEST_CASE("source.postgres in cdc mode reads every type, with the table and position as metadata") {
  const auto table = fresh_table("types");
  shared_pg().exec("CREATE TABLE " + table
                   + " (i bigint, d double precision, b boolean, s text, t timestamptz)");
  auto p = cdc_params(table);
  p["schema"] = nlohmann::json::array({"i:int", "d:double", "b:bool", "s:string", "t:timestamp"});
  p["metadata"] = {"table", "position"};
  auto op = make_operator("source.postgres", p, context(table));
  op->open();
  shared_pg().exec("INSERT INTO " + table
                   + " VALUES (-5, 0.25, true, 'x''y', '2026-03-04 05:06:07.123456+00'), (NULL, "
                     "NULL, false, '', NULL)");
  recording_emitter out;
  auto got = poll_until(*op, out, 2);
  REQUIRE(got.size() == 2);
  CHECK_THAT(
    got[0],
    Catch::StartsWith(
      R"({"i":-5,"d":0.25,"b":true,"s":"x'y","t":"2026-03-04T05:06:07.123Z","op":"insert","table":")"
      + table + R"(","position":")"));
  CHECK_THAT(got[1],
             Catch::StartsWith(R"({"i":null,"d":null,"b":false,"s":"","t":null,"op":"insert")"));
  op->close();
  shared_pg().exec("SELECT pg_drop_replication_slot('sluice_" + table + "')");
}

TEST_CASE("source.postgres in cdc mode resumes from its checkpoint: nothing lost, nothing twice, "
          "also inside a transaction") {
  const auto table = fresh_table("resume");
  shared_pg().exec("CREATE TABLE " + table
                   + " (id bigint PRIMARY KEY, name text, score double precision)");
  auto bound = bind_operator("source.postgres", cdc_params(table), context(table, true));
  auto op = bound->create(context(table, true));
  op->open();
  shared_pg().exec("INSERT INTO " + table + " SELECT g, 'n' || g, g FROM generate_series(1, 3) g");
  shared_pg().exec("INSERT INTO " + table + " SELECT g, 'n' || g, g FROM generate_series(4, 8) g");
  recording_emitter out;
  poll_until(*op, out, 5, 1); // budget 1: stops inside the second transaction
  REQUIRE(out.rows() >= 5);
  const auto first = out.rows();
  op->prepare_checkpoint(1);
  const auto state = core::snapshot_state(*op, "source.postgres");
  op->checkpoint_complete(1);
  op->close(); // a crash: what came after the checkpoint is read again
  shared_pg().exec("INSERT INTO " + table + " SELECT g, 'n' || g, g FROM generate_series(9, 10) g");
  auto again = bound->create(context(table, true));
  core::restore_state(*again, "source.postgres", state);
  again->open();
  recording_emitter rest;
  poll_until(*again, rest, 10 - first);
  CHECK(nothing_more(*again, rest));
  auto all = out.json_rows();
  for (const auto& r : rest.json_rows()) all.push_back(r);
  rows want;
  for (int i = 1; i <= 10; ++i)
    want.push_back("{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i)
                   + "\",\"score\":" + std::to_string(i) + ",\"op\":\"insert\"}");
  CHECK(all == want);
  again->close();
  shared_pg().exec("SELECT pg_drop_replication_slot('sluice_" + table + "')");
}

TEST_CASE("source.postgres sends a value that does not fit its field to errors, naming the table") {
  const auto table = fresh_table("bad");
  shared_pg().exec("CREATE TABLE " + table + " (id text, name text, score double precision)");
  auto op = make_operator("source.postgres", cdc_params(table), context(table));
  op->open();
  shared_pg().exec("INSERT INTO " + table
                   + " VALUES ('1', 'a', 1), ('two', 'b', 2), ('3', 'c', 3)");
  recording_emitter out;
  poll_until(*op, out, 2);
  CHECK(nothing_more(*op, out));
  CHECK(out.rows() == 2);
  REQUIRE(out.errors.size() == 1);
  CHECK_THAT(out.errors[0].reason, Catch::Contains(table) && Catch::Contains("field 'id'")
                                     && Catch::Contains("'two' is not a int"));
  CHECK_THAT(out.errors[0].record, Catch::Contains("\"text\":\"two\""));
  op->close();
  shared_pg().exec("SELECT pg_drop_replication_slot('sluice_" + table + "')");
}

TEST_CASE("source.postgres refuses bad params at bind, naming the param, without connecting") {
  const std::string url = "postgresql://nobody@127.0.0.1:1/none";
  auto err = [&](nlohmann::json p, std::size_t parallelism = 1) -> std::string {
    try {
      core::bind_context ctx;
      ctx.node_id = "n";
      ctx.parallelism = parallelism;
      bind_operator("source.postgres", p, ctx);
    } catch (const core::param_error& e) {
      return e.param();
    }
    return "(none)";
  };
  const nlohmann::json schema = {{"id", "int"}};
  CHECK(err({{"url", url}, {"tables", {"t"}}, {"schema", schema}}) == "(none)");
  CHECK(err({{"url", url}, {"tables", {"t"}}, {"schema", schema}}, 2) == "mode");
  CHECK(err({{"url", url}, {"tables", {"t"}}}) == "schema");
  CHECK(err({{"url", url}, {"schema", schema}}) == "tables");
  CHECK(err({{"url", url}, {"tables", {"t"}}, {"schema", schema}, {"slot", "Bad-Slot"}}) == "slot");
  CHECK(err({{"url", url}, {"tables", {"t"}}, {"schema", {{"op", "string"}}}}) == "schema");
  CHECK(err({{"url", url}, {"mode", "poll"}, {"schema", schema}, {"column", "id"}}) == "query");
  CHECK(
    err(
      {{"url", url}, {"mode", "poll"}, {"schema", schema}, {"query", "SELECT 1"}, {"column", "id"}})
    == "query");
  CHECK(err({{"url", url},
             {"mode", "poll"},
             {"schema", schema},
             {"query", "SELECT * FROM t WHERE id > $1"}})
        == "column");
  CHECK(err({{"url", url},
             {"mode", "poll"},
             {"schema", schema},
             {"query", "SELECT * FROM t WHERE id > $1"},
             {"column", "x"}})
        == "column");
  CHECK(err({{"url", url},
             {"mode", "poll"},
             {"schema", schema},
             {"query", "SELECT * FROM t WHERE id > $1"},
             {"column", "id"},
             {"tables", {"t"}}})
        == "tables");
  CHECK(err({{"url", "host=x nonsense=1"}, {"tables", {"t"}}, {"schema", schema}}) == "url");
  CHECK(err({{"url", url}, {"tables", {"t"}}, {"schema", schema}, {"metadata", {"offset"}}})
        == "metadata");
}

TEST_CASE("source.postgres in poll mode reads new rows over an increasing column and resumes "
          "after its last value") {
  const auto table = fresh_table("polled");
  shared_pg().exec("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, v text, at timestamptz)");
  shared_pg().exec("INSERT INTO " + table
                   + " (v, at) SELECT 'v' || g, '2026-01-01T00:00:00Z'::timestamptz + g * interval "
                     "'1 second' FROM generate_series(1, 5) g");
  nlohmann::json p = {
    {"url", shared_pg().url()},
    {"mode", "poll"},
    {"schema", nlohmann::json::array({"id:int", "v:string", "at:timestamp"})},
    {"query", "SELECT id, v, at FROM " + table + " WHERE id > $1 ORDER BY id LIMIT 2"},
    {"column", "id"},
    {"interval", "50ms"}};
  auto bound = bind_operator("source.postgres", p, context("p"));
  auto op = bound->create(context("p"));
  op->open();
  recording_emitter out;
  auto got = poll_until(*op, out, 5);
  REQUIRE(got.size() == 5);
  CHECK(got[0] == R"({"id":1,"v":"v1","at":"2026-01-01T00:00:01.000Z"})");
  CHECK(got[4] == R"({"id":5,"v":"v5","at":"2026-01-01T00:00:05.000Z"})");
  CHECK(nothing_more(*op, out));
  const auto state = core::snapshot_state(*op, "source.postgres");
  op->close();
  shared_pg().exec("INSERT INTO " + table + " (v) VALUES ('v6')");
  auto again = bound->create(context("p"));
  core::restore_state(*again, "source.postgres", state);
  again->open();
  recording_emitter rest;
  CHECK(poll_until(*again, rest, 1) == rows{R"({"id":6,"v":"v6","at":null})"});
  CHECK(nothing_more(*again, rest));
}

TEST_CASE("source.postgres in cdc mode rides out a server restart: reported, resumed from the "
          "slot, nothing lost") {
  const auto table = fresh_table("restart");
  shared_pg().exec("CREATE TABLE " + table
                   + " (id bigint PRIMARY KEY, name text, score double precision)");
  // With checkpoints: nothing is confirmed to the server, so the stream
  // starts again from the slot's beginning, and the source skips what it
  // emitted, also of a transaction it was in the middle of.
  auto ctx = context(table, true);
  auto op = make_operator("source.postgres", cdc_params(table), ctx);
  op->open();
  shared_pg().exec("INSERT INTO " + table + " VALUES (1, 'a', 1)");
  shared_pg().exec("INSERT INTO " + table + " VALUES (3, 'c', 3), (4, 'd', 4)");
  recording_emitter out;
  poll_until(*op, out, 2, 1); // budget 1: stops inside the second transaction
  REQUIRE(out.rows() == 2);
  // Polled while the server stops, as in a run: a server shutting down
  // waits until its replication clients answered that they have its WAL.
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    shared_pg().stop();
    stopped = true;
  });
  while (!stopped) nothing_more(*op, out); // what libpq received may still come out
  stopper.join();
  nothing_more(*op, out);
  CHECK(ctx.connector->read().up == 0);
  shared_pg().start();
  shared_pg().exec("INSERT INTO " + table + " VALUES (2, 'b', 2)");
  poll_until(*op, out, 4);
  CHECK(nothing_more(*op, out));
  CHECK(out.json_rows()
        == rows{R"({"id":1,"name":"a","score":1,"op":"insert"})",
                R"({"id":3,"name":"c","score":3,"op":"insert"})",
                R"({"id":4,"name":"d","score":4,"op":"insert"})",
                R"({"id":2,"name":"b","score":2,"op":"insert"})"});
  CHECK(ctx.connector->read().up == 1);
  CHECK(ctx.connector->read().reconnects >= 1);
  op->close();
  shared_pg().exec("SELECT pg_drop_replication_slot('sluice_" + table + "')");
}
