#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "operators/harness.hpp"
#include "sluice/ops/text/text_values.hpp"

using namespace sluice;
using sluice::test::make_operator;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using sluice::test::temp_dir;
using state = core::poll_result::state;
using json = nlohmann::json;
using rows = std::vector<std::string>;

namespace {

std::filesystem::path test_root() { return std::filesystem::path(SLUICE_BINARY_DIR) / "test-tmp"; }

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

void append_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f << text;
}

// Polls until the source finishes; fails the test if it does not.
void drain(core::operator_base& op, recording_emitter& out, std::size_t budget = 1024) {
  for (int i = 0; i < 100000; ++i) {
    auto r = op.poll(out, budget);
    if (r.what == state::finished) return;
    REQUIRE(r.what == state::more);
  }
  FAIL("the source did not finish");
}

// Reads the whole source built from `params` and returns its records as JSON.
rows read_all(const json& params, recording_emitter& out) {
  auto op = make_operator("source.file", params);
  op->open();
  drain(*op, out);
  op->close();
  return out.json_rows();
}

std::string schema_of(const json& params) {
  return output_schemas_of("source.file", params).at(0)->to_string();
}

} // namespace

TEST_CASE("the file source reads JSON lines into the schema it is given, exactly") {
  temp_dir dir(test_root());
  auto path = dir.file("in.jsonl");
  write_file(path, R"({"id":1,"price":2.5,"ok":true,"name":"a\"b","at":"2026-01-01T00:00:00.001Z"}
{"name":"only name","extra":[1,2],"id":-3}
{"id":9223372036854775807,"price":7,"ok":false,"name":"é\n","at":"2026-01-01T01:00:00+01:00"}
)");
  recording_emitter out;
  json schema = {"id:int", "price:double", "ok:bool", "name:string", "at:timestamp"};
  auto got = read_all({{"path", path}, {"schema", schema}}, out);
  CHECK(
    got
    == rows{
      R"({"id":1,"price":2.5,"ok":true,"name":"a\"b","at":"2026-01-01T00:00:00.001Z"})",
      R"({"id":-3,"price":null,"ok":null,"name":"only name","at":null})",
      R"({"id":9223372036854775807,"price":7,"ok":false,"name":"é\n","at":"2026-01-01T00:00:00.000Z"})",
    });
  CHECK(out.errors.empty());
}

TEST_CASE("the file source infers int, double, bool, string and timestamp fields from JSON lines") {
  temp_dir dir(test_root());
  auto path = dir.file("in.jsonl");
  write_file(path, R"({"n":1,"x":1,"b":true,"s":"hello","t":"2026-03-01T10:00:00Z"}
{"n":2,"x":2.5,"b":false,"s":"2026-03-01","t":"2026-03-01T10:00:01.5Z","late":7}

{"n":3,"x":-4,"b":null,"s":"world","t":"2026-03-01"}
)");
  json params = {{"path", path}};
  CHECK(schema_of(params) == "n:int, x:double, b:bool, s:string, t:timestamp, late:int");
  recording_emitter out;
  CHECK(read_all(params, out)
        == rows{
          R"({"n":1,"x":1,"b":true,"s":"hello","t":"2026-03-01T10:00:00.000Z","late":null})",
          R"({"n":2,"x":2.5,"b":false,"s":"2026-03-01","t":"2026-03-01T10:00:01.500Z","late":7})",
          R"({"n":3,"x":-4,"b":null,"s":"world","t":"2026-03-01T00:00:00.000Z","late":null})",
        });
}

TEST_CASE("mixed kinds and nested values are inferred as strings holding their JSON text") {
  temp_dir dir(test_root());
  auto path = dir.file("in.jsonl");
  write_file(path, R"({"v":1,"o":{"a":[1, 2]},"z":null}
{"v":"one","o":[true],"z":null}
)");
  json params = {{"path", path}};
  CHECK(schema_of(params) == "v:string, o:string, z:string");
  recording_emitter out;
  CHECK(
    read_all(params, out)
    == rows{R"({"v":"1","o":"{\"a\":[1,2]}","z":null})", R"({"v":"one","o":"[true]","z":null})"});
}

TEST_CASE("schema inference looks at the first 1000 records only") {
  temp_dir dir(test_root());
  auto path = dir.file("in.jsonl");
  std::string text;
  for (int i = 0; i < 1000; ++i) text += R"({"v":)" + std::to_string(i) + "}\n";
  text += R"({"v":"text"})"
          "\n";
  write_file(path, text);
  CHECK(schema_of({{"path", path}}) == "v:int");
  recording_emitter out;
  CHECK(read_all({{"path", path}}, out).size() == 1000);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].reason == "line 1001: field 'v': expected int, got string");
}

TEST_CASE("a malformed line or a wrongly typed value goes to errors with file, line and reason") {
  temp_dir dir(test_root());
  auto path = dir.file("bad.jsonl");
  write_file(path, "{\"id\":1,\"price\":1.5}\n"
                   "{\"id\":2,\"price\":\n"
                   "{\"id\":3,\"price\":\"cheap\"}\n"
                   "[1,2]\n"
                   "{\"id\":4.5}\n"
                   "{\"id\":5,\"price\":2} trailing\n"
                   "{\"id\":6,\"price\":3}");
  recording_emitter out;
  auto got = read_all({{"path", path}, {"schema", {{"id", "int"}, {"price", "double"}}}}, out);
  CHECK(got == rows{R"({"id":1,"price":1.5})", R"({"id":6,"price":3})"});
  REQUIRE(out.errors.size() == 5);
  CHECK(out.errors[0].reason.rfind("line 2: malformed JSON", 0) == 0);
  CHECK(out.errors[0].record
        == R"({"file":")" + path + R"(","line":2,"text":"{\"id\":2,\"price\":"})");
  CHECK(out.errors[1].reason == "line 3: field 'price': expected double, got string");
  CHECK(out.errors[2].reason == "line 4: expected a JSON object, got array");
  CHECK(out.errors[3].reason == "line 5: field 'id': expected int, got double");
  CHECK(out.errors[4].reason.rfind("line 6: malformed JSON", 0) == 0);
}

TEST_CASE("the file source reads CSV with a header, RFC 4180 quoting and CRLF line ends") {
  temp_dir dir(test_root());
  auto path = dir.file("in.csv");
  write_file(path, "id,name,price,ok,at\r\n"
                   "1,plain,2.5,true,2026-01-01T00:00:00Z\r\n"
                   "2,\"comma, and \"\"quotes\"\"\",-1,false,2026-01-01T00:00:01.250Z\r\n"
                   "3,\"two\nlines\",,TRUE,\r\n"
                   "4,\"\",1e3,false,2026-01-02\r\n");
  json params = {{"path", path}, {"format", "csv"}};
  CHECK(schema_of(params) == "id:int, name:string, price:double, ok:bool, at:timestamp");
  recording_emitter out;
  CHECK(
    read_all(params, out)
    == rows{
      R"({"id":1,"name":"plain","price":2.5,"ok":true,"at":"2026-01-01T00:00:00.000Z"})",
      R"({"id":2,"name":"comma, and \"quotes\"","price":-1,"ok":false,"at":"2026-01-01T00:00:01.250Z"})",
      R"({"id":3,"name":"two\nlines","price":null,"ok":true,"at":null})",
      R"({"id":4,"name":"","price":1000,"ok":false,"at":"2026-01-02T00:00:00.000Z"})",
    });
  CHECK(out.errors.empty());
}

TEST_CASE("CSV columns are matched to schema fields by header name") {
  temp_dir dir(test_root());
  auto path = dir.file("in.csv");
  write_file(path, "b,ignored,a\n2,x,1\n4,y,3\n");
  recording_emitter out;
  auto got =
    read_all({{"path", path}, {"format", "csv"}, {"schema", {"a:int", "b:int", "c:string"}}}, out);
  CHECK(got == rows{R"({"a":1,"b":2,"c":null})", R"({"a":3,"b":4,"c":null})"});
}

TEST_CASE("bad CSV records go to errors with their line numbers while the rest is read") {
  temp_dir dir(test_root());
  auto path = dir.file("bad.csv");
  write_file(path, "id,v\n"
                   "1,a\n"
                   "2\n"
                   "x,b\n"
                   "\"multi\nline\"x,c\n"
                   "5,e\n"
                   "6,\"open\n");
  recording_emitter out;
  auto got = read_all({{"path", path}, {"format", "csv"}, {"schema", {"id:int", "v:string"}}}, out);
  CHECK(got == rows{R"({"id":1,"v":"a"})", R"({"id":5,"v":"e"})"});
  REQUIRE(out.errors.size() == 4);
  CHECK(out.errors[0].reason == "line 3: expected 2 fields as in the header, got 1");
  CHECK(out.errors[1].reason == R"(line 4: field 'id': expected int, got "x")");
  CHECK(out.errors[2].reason == "line 5: unexpected character after the closing quote of field 1");
  CHECK(out.errors[3].reason == "line 8: unterminated quoted field 2");
  CHECK(out.errors[3].record == R"({"file":")" + path + R"(","line":8,"text":"6,\"open\n"})");
}

TEST_CASE("a glob reads every matching file in sorted order") {
  temp_dir dir(test_root());
  write_file(dir.file("part-2.jsonl"), "{\"n\":3}\n{\"n\":4}\n");
  write_file(dir.file("part-1.jsonl"), "{\"n\":1}\n{\"n\":2}");
  write_file(dir.file("part-10.jsonl"), "{\"n\":5}\n");
  write_file(dir.file("other.jsonl"), "{\"n\":99}\n");
  recording_emitter out;
  auto got = read_all({{"path", dir.file("part-*.jsonl")}}, out);
  CHECK(got == rows{R"({"n":1})", R"({"n":2})", R"({"n":5})", R"({"n":3})", R"({"n":4})"});
}

TEST_CASE("parallel instances share the files of a glob") {
  temp_dir dir(test_root());
  for (int i = 0; i < 3; ++i)
    write_file(dir.file("f" + std::to_string(i) + ".jsonl"), "{\"n\":" + std::to_string(i) + "}\n");
  json params = {{"path", dir.file("f*.jsonl")}};
  rows all;
  for (std::size_t instance = 0; instance < 2; ++instance) {
    core::operator_context ctx;
    ctx.instance = instance;
    ctx.parallelism = 2;
    auto op = make_operator("source.file", params, ctx);
    recording_emitter out;
    drain(*op, out);
    for (auto& r : out.json_rows()) all.push_back(r);
  }
  CHECK(all == rows{R"({"n":0})", R"({"n":2})", R"({"n":1})"});
}

TEST_CASE("small budgets split the output into batches without losing a record") {
  temp_dir dir(test_root());
  auto path = dir.file("in.jsonl");
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  write_file(path, "\xEF\xBB\xBF" + text); // with a byte order mark
  auto op = make_operator("source.file", {{"path", path}});
  recording_emitter out;
  drain(*op, out, 3);
  CHECK(out.rows() == 10);
  CHECK(out.batches[0].size() == 4);
  CHECK(out.json_rows().front() == R"({"n":0})");
}

TEST_CASE("a missing file is a param error on path naming it, unless a schema is given") {
  temp_dir dir(test_root());
  auto path = dir.file("missing.jsonl");
  auto err = param_error_of("source.file", {{"path", path}});
  REQUIRE(err);
  CHECK(err->param() == "path");
  CHECK(std::string(err->what()).find(path) != std::string::npos);

  auto op = make_operator("source.file", {{"path", path}, {"schema", {{"a", "int"}}}});
  CHECK_THROWS_WITH(op->open(), Catch::Contains(path));
}

TEST_CASE("a bad schema param is a param error on schema") {
  auto err = param_error_of("source.file", {{"path", "x.jsonl"}, {"schema", {{"a", "integer!"}}}});
  REQUIRE(err);
  CHECK(err->param() == "schema");
  CHECK(std::string(err->what())
        == "field 'a': unknown type \"integer!\" (use int, double, bool, "
           "string or timestamp)");
  err = param_error_of("source.file", {{"path", "x.jsonl"}, {"schema", {"a"}}});
  REQUIRE(err);
  CHECK(err->param() == "schema");
  CHECK(param_error_of("source.file", {{"path", "x.jsonl"}, {"schema", json::object()}}));
}

TEST_CASE("in follow mode the source waits at end of file and picks up appended lines") {
  temp_dir dir(test_root());
  auto path = dir.file("log.jsonl");
  write_file(path, "{\"n\":1}\n");
  auto op = make_operator(
    "source.file",
    {{"path", path}, {"follow", true}, {"schema", {{"n", "int"}}}, {"poll_interval", "50ms"}});
  op->open();
  recording_emitter out;
  auto r = op->poll(out, 100);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns == 50000000);
  CHECK(out.json_rows() == rows{R"({"n":1})"});

  append_file(path, "{\"n\":2}\n{\"n\":");
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.json_rows() == rows{R"({"n":1})", R"({"n":2})"}); // the half line waits

  append_file(path, "3}\n");
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.json_rows() == rows{R"({"n":1})", R"({"n":2})", R"({"n":3})"});
  op->close();
}

TEST_CASE("in follow mode the source waits for a file that does not exist yet") {
  temp_dir dir(test_root());
  auto path = dir.file("later.jsonl");
  auto op =
    make_operator("source.file", {{"path", path}, {"follow", true}, {"schema", {{"n", "int"}}}});
  op->open();
  recording_emitter out;
  CHECK(op->poll(out, 100).what == state::wait);
  write_file(path, "{\"n\":1}\n");
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.json_rows() == rows{R"({"n":1})"});
}

TEST_CASE("in follow mode a truncated file is read again from its start") {
  temp_dir dir(test_root());
  auto path = dir.file("log.jsonl");
  write_file(path, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  auto op =
    make_operator("source.file", {{"path", path}, {"follow", true}, {"schema", {{"n", "int"}}}});
  recording_emitter out;
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.rows() == 3);
  write_file(path, "{\"n\":9}\n"); // truncated in place, shorter than before
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.json_rows() == rows{R"({"n":1})", R"({"n":2})", R"({"n":3})", R"({"n":9})"});
}

TEST_CASE("in follow mode a rotated file is read out and the new file is read from its start") {
  temp_dir dir(test_root());
  auto path = dir.file("log.jsonl");
  write_file(path, "{\"n\":1}\n");
  auto op =
    make_operator("source.file", {{"path", path}, {"follow", true}, {"schema", {{"n", "int"}}}});
  recording_emitter out;
  CHECK(op->poll(out, 100).what == state::wait);
  // The writer adds a last line (without a line end), then rotates.
  append_file(path, "{\"n\":2}\n{\"n\":3}");
  std::filesystem::rename(path, path + ".1");
  CHECK(op->poll(out, 100).what == state::wait); // mid-rotation: no file at the path
  write_file(path, "{\"n\":4}\n");
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.json_rows() == rows{R"({"n":1})", R"({"n":2})", R"({"n":3})", R"({"n":4})"});
  append_file(path, "{\"n\":5}\n");
  CHECK(op->poll(out, 100).what == state::wait);
  CHECK(out.rows() == 5);
  CHECK(out.errors.empty());
}

TEST_CASE("a record error in a followed file names the line within the current file") {
  temp_dir dir(test_root());
  auto path = dir.file("log.jsonl");
  write_file(path, "{\"n\":1}\n");
  auto op =
    make_operator("source.file", {{"path", path}, {"follow", true}, {"schema", {{"n", "int"}}}});
  recording_emitter out;
  op->poll(out, 100);
  std::filesystem::rename(path, path + ".1");
  write_file(path, "{\"n\":2}\nnot json\n");
  op->poll(out, 100);
  CHECK(out.rows() == 2);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].reason.rfind("line 2: malformed JSON", 0) == 0);
}

TEST_CASE("the cached timestamp parser agrees with parse_iso8601") {
  ops::text::timestamp_parser parse;
  for (const char* text :
       {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z", "2026-01-01T23:59:59.123456Z",
        "2026-01-01T23:59:59.1234567Z", "2026-01-02T00:00:00Z", "2026-01-01T00:00:00.Z",
        "2026-01-01T24:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00+02:00",
        "2026-01-01 10:00:00Z", "2026-01-01", "1969-12-31T23:59:59.999Z", "2026-01-01T1a:00:00Z",
        "20260101T00:00:00.000Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.00xZ"}) {
    INFO(text);
    CHECK(parse(text) == core::parse_iso8601(text));
  }
}
