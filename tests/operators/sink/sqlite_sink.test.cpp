#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "operators/harness.hpp"
#include "sqlite_reader.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using sluice::test::temp_dir;
using rows = std::vector<std::string>;
using reader = sluice::test::sqlite_reader;

namespace {

std::filesystem::path test_root() { return std::filesystem::path(SLUICE_BINARY_DIR) / "test-tmp"; }

const core::schema_ptr mixed = core::make_schema({{"id", value_type::int64},
                                                  {"price", value_type::float64},
                                                  {"ok", value_type::boolean},
                                                  {"name", value_type::string},
                                                  {"at", value_type::timestamp}});

// Runs a sqlite sink over `batches` through its whole lifecycle.
void write_all(const nlohmann::json& params, const std::vector<core::batch_ptr>& batches,
               recording_emitter& out, const core::schema_ptr& schema = mixed) {
  auto op = make_transform("sink.sqlite", params, schema);
  op->open();
  for (const auto& b : batches) op->on_batch_from(0, 0, b, out);
  op->on_end_of_stream(out);
  op->close();
}

} // namespace

TEST_CASE("the sqlite sink appends records to a table it creates from the input schema") {
  temp_dir dir(test_root());
  auto db = dir.file("sub/folder/store.db");
  recording_emitter out(0);
  write_all({{"path", db}, {"table", "orders"}},
            {make_batch(mixed, R"([[1, 2.5, true, "it's", "2026-01-01T00:00:00.001Z"],
                                   [null, null, null, null, null]])"),
             make_batch(mixed, R"([[1, -0.5, false, "again", "2026-12-31T23:59:59.999999Z"]])")},
            out);
  reader r(db);
  CHECK(r.query("SELECT id, price, ok, name, at FROM orders ORDER BY rowid")
        == rows{"1|2.5|1|it's|2026-01-01T00:00:00.001Z", "NULL|NULL|NULL|NULL|NULL",
                "1|-0.5|0|again|2026-12-31T23:59:59.999Z"});
  CHECK(r.query("SELECT name, type, pk FROM pragma_table_info('orders')")
        == rows{"id|INTEGER|0", "price|REAL|0", "ok|INTEGER|0", "name|TEXT|0", "at|TEXT|0"});
  CHECK(r.query("SELECT typeof(id), typeof(price), typeof(ok), typeof(at) FROM orders LIMIT 1")
        == rows{"integer|real|integer|text"});
  CHECK(r.query("PRAGMA journal_mode") == rows{"wal"});
  CHECK(out.errors.empty());
}

TEST_CASE("the sqlite sink appends to a table that already exists") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"k", value_type::string}, {"n", value_type::int64}});
  recording_emitter out(0);
  write_all({{"path", db}, {"table", "t"}}, {make_batch(s, R"([["a", 1]])")}, out, s);
  write_all({{"path", db}, {"table", "t"}}, {make_batch(s, R"([["a", 2]])")}, out, s);
  CHECK(reader(db).query("SELECT k, n FROM t ORDER BY rowid") == rows{"a|1", "a|2"});
}

TEST_CASE("upserts keep one row per key with the latest values") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"page", value_type::string},
                              {"window_start", value_type::timestamp},
                              {"views", value_type::int64}});
  recording_emitter out(0);
  nlohmann::json params = {
    {"path", db}, {"table", "views"}, {"mode", "upsert"}, {"key", {"page", "window_start"}}};
  write_all(params,
            {make_batch(s, R"([["/a", "2026-01-01T00:00:00Z", 1], ["/b", "2026-01-01T00:00:00Z", 5],
                               ["/a", "2026-01-01T00:00:00Z", 2]])"),
             make_batch(s, R"([["/a", "2026-01-01T00:00:10Z", 7],
                               ["/b", "2026-01-01T00:00:00Z", 6]])")},
            out, s);
  // The same results again (a re-emitted window) change nothing.
  write_all(params, {make_batch(s, R"([["/a", "2026-01-01T00:00:10Z", 7]])")}, out, s);
  reader r(db);
  CHECK(r.query("SELECT page, window_start, views FROM views ORDER BY page, window_start")
        == rows{"/a|2026-01-01T00:00:00.000Z|2", "/a|2026-01-01T00:00:10.000Z|7",
                "/b|2026-01-01T00:00:00.000Z|6"});
  CHECK(r.query("SELECT name, pk FROM pragma_table_info('views') WHERE pk > 0")
        == rows{"page|1", "window_start|2"});
  CHECK(out.errors.empty());
}

TEST_CASE("an upsert into a table created without a key adds a unique index on the key") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"k", value_type::string}, {"n", value_type::int64}});
  recording_emitter out(0);
  write_all({{"path", db}, {"table", "t"}}, {make_batch(s, R"([["a", 1]])")}, out, s);
  write_all({{"path", db}, {"table", "t"}, {"mode", "upsert"}, {"key", {"k"}}},
            {make_batch(s, R"([["a", 2], ["b", 3]])")}, out, s);
  CHECK(reader(db).query("SELECT k, n FROM t ORDER BY k") == rows{"a|2", "b|3"});
}

TEST_CASE("records the database refuses go to errors and the rest is written") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"k", value_type::string}, {"n", value_type::int64}});
  recording_emitter out(0);
  SECTION("a null key in upsert mode") {
    write_all({{"path", db}, {"table", "t"}, {"mode", "upsert"}, {"key", {"k"}}},
              {make_batch(s, R"([["a", 1], [null, 2], ["b", 3]])")}, out, s);
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0].reason == "key field 'k' is null");
    CHECK(out.errors[0].record == R"({"k":null,"n":2})");
  }
  SECTION("a duplicate key in append mode") {
    write_all({{"path", db}, {"table", "t"}, {"key", {"k"}}},
              {make_batch(s, R"([["a", 1], ["a", 2], ["b", 3]])")}, out, s);
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0].row == 1);
    CHECK_THAT(out.errors[0].reason, Catch::Contains("UNIQUE constraint failed"));
  }
  CHECK(reader(db).query("SELECT k, n FROM t ORDER BY k") == rows{"a|1", "b|3"});
}

TEST_CASE("large batches give the same results as single rows, refused rows included") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"k", value_type::int64}, {"v", value_type::int64}});
  std::string text = "[";
  for (int i = 0; i < 200; ++i)
    text += (i ? ",[" : "[") + (i == 77 ? std::string("null") : std::to_string(i % 7)) + ","
            + std::to_string(i) + "]";
  auto b = make_batch(s, text + "]");
  recording_emitter out(0);
  SECTION("upsert: the last value of each key wins, a null key goes to errors") {
    write_all({{"path", db}, {"table", "t"}, {"mode", "upsert"}, {"key", {"k"}}}, {b}, out, s);
    CHECK(reader(db).query("SELECT k, v FROM t ORDER BY k")
          == rows{"0|196", "1|197", "2|198", "3|199", "4|193", "5|194", "6|195"});
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0].row == 77);
  }
  SECTION("append with a key: every repeated key goes to errors, in order") {
    write_all({{"path", db}, {"table", "t"}, {"key", {"k"}}}, {b}, out, s);
    CHECK(reader(db).query("SELECT k, v FROM t ORDER BY k")
          == rows{"0|0", "1|1", "2|2", "3|3", "4|4", "5|5", "6|6"});
    REQUIRE(out.errors.size() == 193);
    CHECK(out.errors[0].row == 7);
    CHECK(out.errors[70].row == 77);
    CHECK(out.errors[70].reason == "key field 'k' is null");
    CHECK(out.errors.back().row == 199);
  }
  SECTION("append without a key stores every row in order") {
    write_all({{"path", db}, {"table", "t"}}, {b}, out, s);
    auto got = reader(db).query("SELECT count(*), sum(v), count(k) FROM t");
    CHECK(got == rows{"200|19900|199"});
    CHECK(reader(db).query("SELECT v FROM t ORDER BY rowid LIMIT 1 OFFSET 150") == rows{"150"});
  }
}

TEST_CASE("a reader can query the table while the sink keeps writing (WAL)") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"n", value_type::int64}});
  auto op = make_transform("sink.sqlite", {{"path", db}, {"table", "t"}}, s);
  recording_emitter out(0);
  op->open();
  op->on_batch_from(0, 0, make_batch(s, "[[1], [2]]"), out);

  reader r(db);
  r.exec("BEGIN");
  CHECK(r.query("SELECT count(*) FROM t") == rows{"2"});     // a read transaction is open
  op->on_batch_from(0, 0, make_batch(s, "[[3], [4]]"), out); // and the writer is not blocked
  CHECK(r.query("SELECT count(*) FROM t") == rows{"2"});     // the reader keeps its snapshot
  r.exec("COMMIT");
  CHECK(r.query("SELECT count(*) FROM t") == rows{"4"});
  op->close();
}

TEST_CASE("names with quotes and spaces are quoted in SQL") {
  temp_dir dir(test_root());
  auto db = dir.file("store.db");
  auto s = core::make_schema({{"a \"b\"", value_type::int64}, {"select", value_type::string}});
  recording_emitter out(0);
  write_all({{"path", db}, {"table", "my \"table\""}, {"mode", "upsert"}, {"key", {"a \"b\""}}},
            {make_batch(s, R"([[1, "x"], [1, "y"]])")}, out, s);
  CHECK(reader(db).query(R"(SELECT "a ""b""", "select" FROM "my ""table""")") == rows{"1|y"});
}

TEST_CASE("the sqlite sink checks its params against the input schema") {
  auto s = core::make_schema({{"k", value_type::string}});
  nlohmann::json upsert = {{"path", "x.db"}, {"table", "t"}, {"mode", "upsert"}};
  auto err = param_error_of("sink.sqlite", upsert, s);
  REQUIRE(err);
  CHECK(err->param() == "key");
  upsert["key"] = {"nope"};
  err = param_error_of("sink.sqlite", upsert, s);
  REQUIRE(err);
  CHECK(err->param() == "key");
  CHECK(std::string(err->what()) == "no field 'nope' in the input (k:string)");
  CHECK(param_error_of("sink.sqlite", {{"path", "x.db"}}, s)->param() == "table");
  CHECK(!param_error_of("sink.sqlite", {{"path", "x.db"}, {"table", "t"}}, s));
}

TEST_CASE("a database that cannot be opened is an error naming its path") {
  temp_dir dir(test_root());
  std::ofstream(dir.file("a-file")) << "not a folder";
  auto db = dir.file("a-file/store.db");
  auto s = core::make_schema({{"k", value_type::string}});
  auto op = make_transform("sink.sqlite", {{"path", db}, {"table", "t"}}, s);
  CHECK_THROWS_WITH(op->open(), Catch::Contains(dir.file("a-file")));
}
