#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using sluice::test::temp_dir;
using strings = std::vector<std::string>;

namespace {

const core::schema_ptr orders =
  core::make_schema({{"order", value_type::int64}, {"user_id", value_type::int64}});

const char* order_rows = R"([[100, 1], [101, 3], [102, 9], [103, null], [104, 2]])";

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct csv_fixture {
  temp_dir dir;
  std::string path = dir.file("users.csv");
  csv_fixture() {
    write(path, "id,name,age,score\r\n"
                "1,Ann,34,1.5\r\n"
                "2,\"Bob \"\"B\"\", Jr\",,2\r\n"
                "3,\"Cy\nLine\",51,3.25\r\n"
                "1,Duplicate,99,9\r\n");
  }
  nlohmann::json params(nlohmann::json extra = nlohmann::json::object()) const {
    nlohmann::json p = {{"path", path}, {"on", nlohmann::json::array({{"user_id", "id"}})}};
    p.update(extra);
    return p;
  }
};

recording_emitter run_lookup(const nlohmann::json& params, core::schema_ptr input = orders,
                             const char* rows = order_rows) {
  auto op = make_transform("transform.lookup", params, input);
  op->open();
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(input, rows), out);
  op->close();
  return out;
}

/// A SQLite database with a `users` table, built with the C API.
struct sqlite_fixture {
  temp_dir dir;
  std::string path = dir.file("users.db");
  sqlite_fixture() {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const char* sql =
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, score REAL, vip BOOLEAN, "
      "since TIMESTAMP, notes);"
      "CREATE TABLE other (x INT);"
      "INSERT INTO users VALUES (1, 'Ann', 1.5, 1, '2026-01-01T00:00:00Z', 'n1');"
      "INSERT INTO users VALUES (2, NULL, 2, 0, 1767225601000000, 7);"
      "INSERT INTO users VALUES (3, 'Cy', NULL, NULL, NULL, NULL);";
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    std::string error = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
    INFO(error);
  }
};

} // namespace

TEST_CASE("lookup enriches records from a CSV file, with nulls where nothing matches") {
  csv_fixture csv;
  auto out = run_lookup(csv.params());
  CHECK(out.json_rows()
        == strings{R"({"order":100,"user_id":1,"name":"Ann","age":34,"score":1.5})",
                   R"({"order":101,"user_id":3,"name":"Cy\nLine","age":51,"score":3.25})",
                   R"({"order":102,"user_id":9,"name":null,"age":null,"score":null})",
                   R"({"order":103,"user_id":null,"name":null,"age":null,"score":null})",
                   R"({"order":104,"user_id":2,"name":"Bob \"B\", Jr","age":null,"score":2})"});
  CHECK(out.filtered_count == 0);
  CHECK(out.errors.empty());
}

TEST_CASE("lookup infers CSV column types and knows its output schema before loading") {
  csv_fixture csv;
  auto op = make_transform("transform.lookup", csv.params(), orders);
  auto schemas = output_schemas_of("transform.lookup", csv.params(), {orders});
  REQUIRE(schemas.size() == 1);
  CHECK(schemas[0]->to_string() == "order:int, user_id:int, name:string, age:int, score:double");
  CHECK(sluice::test::descriptor_of("transform.lookup").blocking_io == false);
}

TEST_CASE("lookup shares the input columns with its output") {
  csv_fixture csv;
  auto op = make_transform("transform.lookup", csv.params(), orders);
  op->open();
  auto in = make_batch(orders, order_rows);
  recording_emitter out;
  op->on_batch_from(0, 0, in, out);
  REQUIRE(out.batches[0].size() == 1);
  CHECK(out.batches[0][0]->col_ptr(0) == in->col_ptr(0));
  CHECK(out.batches[0][0]->col_ptr(1) == in->col_ptr(1));
}

TEST_CASE("lookup uses the first of several table rows with the same key") {
  csv_fixture csv;
  auto out = run_lookup(csv.params({{"fields", {"name"}}}), orders, "[[1, 1]]");
  CHECK(out.json_rows() == strings{R"({"order":1,"user_id":1,"name":"Ann"})"});
}

TEST_CASE("lookup adds the listed fields with a prefix, keyed by a same-name field") {
  csv_fixture csv;
  auto s = core::make_schema({{"id", value_type::int64}, {"name", value_type::string}});
  nlohmann::json p = {
    {"path", csv.path}, {"on", {"id"}}, {"fields", {"name", "age"}}, {"prefix", "user_"}};
  auto out = run_lookup(p, s, R"([[2, "x"], [3, "y"]])");
  CHECK(out.json_rows()
        == strings{R"({"id":2,"name":"x","user_name":"Bob \"B\", Jr","user_age":null})",
                   R"({"id":3,"name":"y","user_name":"Cy\nLine","user_age":51})"});
}

TEST_CASE("lookup reads a key column as the type of the stream field it is paired with") {
  csv_fixture csv;
  auto s = core::make_schema({{"uid", value_type::string}});
  nlohmann::json p = {
    {"path", csv.path}, {"on", nlohmann::json::array({{"uid", "id"}})}, {"fields", {"age"}}};
  auto out = run_lookup(p, s, R"([["3"], ["03"]])");
  CHECK(out.json_rows() == strings{R"({"uid":"3","age":51})", R"({"uid":"03","age":null})"});
}

TEST_CASE("lookup takes column types from the schema param") {
  csv_fixture csv;
  auto out = run_lookup(csv.params({{"schema", {{"age", "double"}}}, {"fields", {"age"}}}), orders,
                        "[[1, 1]]");
  REQUIRE(out.batches[0].size() == 1);
  CHECK(out.batches[0][0]->fields().at(2).type == value_type::float64);
  CHECK(out.json_rows() == strings{R"({"order":1,"user_id":1,"age":34})"});
}

TEST_CASE("lookup drops unmatched records in unmatched mode drop, counting them") {
  csv_fixture csv;
  auto out = run_lookup(csv.params({{"unmatched", "drop"}, {"fields", {"name"}}}));
  CHECK(out.json_rows()
        == strings{R"({"order":100,"user_id":1,"name":"Ann"})",
                   R"({"order":101,"user_id":3,"name":"Cy\nLine"})",
                   R"({"order":104,"user_id":2,"name":"Bob \"B\", Jr"})"});
  CHECK(out.filtered_count == 2);
  CHECK(out.errors.empty());
}

TEST_CASE("lookup sends unmatched records to errors in unmatched mode error") {
  csv_fixture csv;
  auto out = run_lookup(csv.params({{"unmatched", "error"}, {"fields", {"name"}}}));
  CHECK(out.rows() == 3);
  REQUIRE(out.errors.size() == 2);
  CHECK(out.errors[0].row == 2);
  CHECK(out.errors[0].record == R"({"order":102,"user_id":9})");
  CHECK_THAT(out.errors[0].reason, Catch::Contains("no row of the lookup table"));
  CHECK(out.errors[1].row == 3);
  CHECK(out.filtered_count == 0);
}

TEST_CASE("lookup with no added fields keeps matching records only") {
  csv_fixture csv;
  auto out = run_lookup(csv.params({{"unmatched", "drop"}, {"fields", nlohmann::json::array()}}));
  CHECK(out.json_rows()
        == strings{R"({"order":100,"user_id":1})", R"({"order":101,"user_id":3})",
                   R"({"order":104,"user_id":2})"});
}

TEST_CASE("lookup enriches records from a SQLite table, with types from the declared ones") {
  sqlite_fixture db;
  nlohmann::json p = {
    {"path", db.path}, {"table", "users"}, {"on", nlohmann::json::array({{"user_id", "id"}})}};
  auto op = make_transform("transform.lookup", p, orders);
  CHECK(output_schemas_of("transform.lookup", p, {orders})[0]->to_string()
        == "order:int, user_id:int, name:string, score:double, vip:bool, since:timestamp, "
           "notes:string");
  op->open();
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(orders, order_rows), out);
  CHECK(
    out.json_rows()
    == strings{
      R"({"order":100,"user_id":1,"name":"Ann","score":1.5,"vip":true,"since":"2026-01-01T00:00:00.000Z","notes":"n1"})",
      R"({"order":101,"user_id":3,"name":"Cy","score":null,"vip":null,"since":null,"notes":null})",
      R"({"order":102,"user_id":9,"name":null,"score":null,"vip":null,"since":null,"notes":null})",
      R"({"order":103,"user_id":null,"name":null,"score":null,"vip":null,"since":null,"notes":null})",
      R"({"order":104,"user_id":2,"name":null,"score":2,"vip":false,"since":"2026-01-01T00:00:01.000Z","notes":"7"})"});
}

TEST_CASE("lookup from SQLite drops unmatched records in unmatched mode drop") {
  sqlite_fixture db;
  nlohmann::json p = {{"path", db.path},
                      {"table", "users"},
                      {"on", nlohmann::json::array({{"user_id", "id"}})},
                      {"fields", {"name"}},
                      {"unmatched", "drop"}};
  auto out = run_lookup(p);
  CHECK(out.json_rows()
        == strings{R"({"order":100,"user_id":1,"name":"Ann"})",
                   R"({"order":101,"user_id":3,"name":"Cy"})",
                   R"({"order":104,"user_id":2,"name":null})"});
  CHECK(out.filtered_count == 2);
}

TEST_CASE("a lookup naming a missing SQLite table is a param error listing the tables") {
  sqlite_fixture db;
  auto e = param_error_of("transform.lookup",
                          {{"path", db.path}, {"table", "people"}, {"on", "user_id"}}, orders);
  REQUIRE(e);
  CHECK(e->param() == "table");
  CHECK_THAT(e->what(), Catch::Contains("tables: other, users"));
}

TEST_CASE("a lookup whose file is missing or not a database is a param error naming path") {
  temp_dir dir;
  auto e =
    param_error_of("transform.lookup", {{"path", dir.file("none.csv")}, {"on", "user_id"}}, orders);
  REQUIRE(e);
  CHECK(e->param() == "path");
  e = param_error_of("transform.lookup",
                     {{"path", dir.file("none.db")}, {"table", "t"}, {"on", "user_id"}}, orders);
  REQUIRE(e);
  CHECK(e->param() == "path");
  write(dir.file("text.db"),
        "this is not a database, just some text that is long enough to look at");
  e = param_error_of("transform.lookup",
                     {{"path", dir.file("text.db")}, {"table", "t"}, {"on", "user_id"}}, orders);
  REQUIRE(e);
  CHECK(e->param() == "path");
  write(dir.file("empty.csv"), "");
  e = param_error_of("transform.lookup", {{"path", dir.file("empty.csv")}, {"on", "user_id"}},
                     orders);
  REQUIRE(e);
  CHECK(e->param() == "path");
}

TEST_CASE("lookup param errors name the param") {
  csv_fixture csv;
  auto param_of = [&](const nlohmann::json& extra) {
    auto e = param_error_of("transform.lookup", csv.params(extra), orders);
    REQUIRE(e);
    return e->param();
  };
  CHECK(param_of({{"on", {"nobody"}}}) == "on");
  CHECK(param_of({{"on", nlohmann::json::array({{"user_id", "nocolumn"}})}}) == "on");
  CHECK(param_of({{"on", 5}}) == "on");
  CHECK(param_of({{"on", nlohmann::json::array()}}) == "on");
  CHECK(param_of({{"fields", {"nocolumn"}}}) == "fields");
  CHECK(param_of({{"fields", {"name", "name"}}}) == "fields");
  CHECK(param_of({{"schema", {{"age", "float128"}}}}) == "schema");
  CHECK(param_of({{"schema", {{"nocolumn", "int"}}}}) == "schema");
  CHECK(param_of({{"schema", {{"id", "string"}}}}) == "schema");
  CHECK(param_of({{"unmatched", "ignore"}}) == "unmatched");
  CHECK(param_of({{"table", ""}}) == "table");

  auto clash = core::make_schema({{"user_id", value_type::int64}, {"name", value_type::string}});
  auto e = param_error_of("transform.lookup", csv.params(), clash);
  REQUIRE(e);
  CHECK(e->param() == "fields");
  CHECK_THAT(e->what(), Catch::Contains("'name' is already in the input"));
}

TEST_CASE("lookup fails to open on a value that does not fit the inferred type, naming the line") {
  temp_dir dir;
  std::string text = "id,n\n";
  for (int i = 0; i < 1000; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  text += "1000,many\n";
  write(dir.file("t.csv"), text);
  nlohmann::json params = {{"path", dir.file("t.csv")},
                           {"on", nlohmann::json::array({{"user_id", "id"}})}};
  auto user_ids = core::make_schema({{"user_id", value_type::int64}});
  auto schemas = output_schemas_of("transform.lookup", params, {user_ids});
  auto op2 = make_transform("transform.lookup", params, user_ids);
  CHECK(schemas[0]->to_string() == "user_id:int, n:int");
  try {
    op2->open();
    FAIL("open should throw");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("line 1002"));
    CHECK_THAT(e.what(), Catch::Contains("column 'n': 'many' is not of type int"));
  }
}
