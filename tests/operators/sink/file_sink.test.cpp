#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::read_text;
using sluice::test::recording_emitter;
using sluice::test::temp_dir;

namespace {

const core::schema_ptr mixed = core::make_schema({{"id", value_type::int64},
                                                  {"price", value_type::float64},
                                                  {"ok", value_type::boolean},
                                                  {"name", value_type::string},
                                                  {"at", value_type::timestamp}});

// Runs a file sink over `batches` through its whole lifecycle.
void write_all(const std::string& path, const std::string& format,
               const std::vector<core::batch_ptr>& batches,
               const core::schema_ptr& schema = mixed) {
  auto op = make_transform("sink.file", {{"path", path}, {"format", format}}, schema);
  recording_emitter out(0);
  op->open();
  for (const auto& b : batches) op->on_batch_from(0, 0, b, out);
  op->on_end_of_stream(out);
  op->close();
}

} // namespace

TEST_CASE("the file sink writes one JSON object per line, fields in schema order") {
  temp_dir dir;
  auto b = make_batch(mixed, R"([[1, 2.5, true, "plain", "2026-01-01T00:00:00.001Z"],
                                [-7, 0.1, false, "", "1969-12-31T23:59:59.999Z"],
                                [null, null, null, null, null]])");
  write_all(dir.file("out.jsonl"), "jsonl", {b});
  CHECK(read_text(dir.file("out.jsonl"))
        == R"({"id":1,"price":2.5,"ok":true,"name":"plain","at":"2026-01-01T00:00:00.001Z"})"
           "\n"
           R"({"id":-7,"price":0.1,"ok":false,"name":"","at":"1969-12-31T23:59:59.999Z"})"
           "\n"
           R"({"id":null,"price":null,"ok":null,"name":null,"at":null})"
           "\n");
}

TEST_CASE("the file sink escapes strings in JSON lines") {
  temp_dir dir;
  auto s = core::make_schema({{"text", value_type::string}, {"x\"y", value_type::int64}});
  auto b = make_batch(s, R"([["quote \" backslash \\ tab \t newline \n bell \u0007 é", 1]])");
  write_all(dir.file("out.jsonl"), "jsonl", {b}, s);
  CHECK(read_text(dir.file("out.jsonl"))
        == "{\"text\":\"quote \\\" backslash \\\\ tab \\t newline \\n bell \\u0007 é\","
           "\"x\\\"y\":1}\n");
}

TEST_CASE("the file sink writes doubles in shortest round-trip form") {
  temp_dir dir;
  auto s = core::make_schema({{"v", value_type::float64}});
  core::batch_builder bb(s);
  for (double v :
       {1.0, 0.1, 1e21, -2.5e-7, 123456.789, std::nan(""), std::numeric_limits<double>::infinity()})
    bb.column_at(0).append_double(v);
  write_all(dir.file("out.jsonl"), "jsonl", {bb.finish()}, s);
  CHECK(read_text(dir.file("out.jsonl"))
        == "{\"v\":1}\n{\"v\":0.1}\n{\"v\":1e+21}\n{\"v\":-2.5e-07}\n{\"v\":123456.789}\n"
           "{\"v\":null}\n{\"v\":null}\n");
}

TEST_CASE("the file sink writes CSV with a header, RFC 4180 quoting and empty nulls") {
  temp_dir dir;
  auto b = make_batch(mixed, R"([[1, 2.5, true, "plain", "2026-01-01T00:00:00Z"],
                                [2, -0.5, false, "a,b", "2026-12-31T23:59:59.123456Z"],
                                [3, 1.0, true, "say \"hi\"", "2026-01-01T00:00:00Z"],
                                [4, 1.0, true, "two\nlines\r", "2026-01-01T00:00:00Z"],
                                [null, null, null, null, null]])");
  write_all(dir.file("out.csv"), "csv", {b});
  CHECK(read_text(dir.file("out.csv"))
        == "id,price,ok,name,at\n"
           "1,2.5,true,plain,2026-01-01T00:00:00.000Z\n"
           "2,-0.5,false,\"a,b\",2026-12-31T23:59:59.123Z\n"
           "3,1,true,\"say \"\"hi\"\"\",2026-01-01T00:00:00.000Z\n"
           "4,1,true,\"two\nlines\r\",2026-01-01T00:00:00.000Z\n"
           ",,,,\n");
}

TEST_CASE("the CSV header quotes field names that need it") {
  temp_dir dir;
  auto s = core::make_schema({{"a,b", value_type::int64}, {"c", value_type::int64}});
  write_all(dir.file("out.csv"), "csv", {make_batch(s, "[[1, 2]]")}, s);
  CHECK(read_text(dir.file("out.csv")) == "\"a,b\",c\n1,2\n");
}

TEST_CASE("a CSV file with no records still has its header") {
  temp_dir dir;
  write_all(dir.file("out.csv"), "csv", {});
  CHECK(read_text(dir.file("out.csv")) == "id,price,ok,name,at\n");
}

TEST_CASE("the file sink creates parent folders and replaces an existing file") {
  temp_dir dir;
  auto path = dir.file("a/b/c/out.jsonl");
  auto s = core::make_schema({{"n", value_type::int64}});
  write_all(path, "jsonl", {make_batch(s, "[[1], [2]]")}, s);
  CHECK(read_text(path) == "{\"n\":1}\n{\"n\":2}\n");
  write_all(path, "jsonl", {make_batch(s, "[[3]]")}, s);
  CHECK(read_text(path) == "{\"n\":3}\n");
}

TEST_CASE("the file sink writes many batches in order through its buffer") {
  temp_dir dir;
  auto gen = sluice::test::make_operator("source.generator", {{"count", 200000}});
  recording_emitter generated;
  while (gen->poll(generated, 4096).what != core::poll_result::state::finished) {}
  write_all(dir.file("big.jsonl"), "jsonl", generated.batches[0],
            generated.batches[0].front()->schema_of());
  auto text = read_text(dir.file("big.jsonl"));
  CHECK(std::count(text.begin(), text.end(), '\n') == 200000);
  auto last_line = text.substr(text.rfind('\n', text.size() - 2) + 1);
  CHECK(last_line
        == R"({"seq":199999,"ts":"2026-01-01T00:03:19.999Z","key":"k99","value":99.9})"
           "\n");
}

TEST_CASE("the file sink opens nothing before open()") {
  temp_dir dir;
  auto op = make_transform("sink.file", {{"path", dir.file("never.jsonl")}}, mixed);
  CHECK(output_schemas_of("sink.file", {{"path", dir.file("never.jsonl")}}, {mixed}).empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("never.jsonl")));
}

TEST_CASE("a file sink that cannot open its file names the path") {
  temp_dir dir;
  { std::ofstream(dir.file("plain-file")) << "x"; }
  auto path = dir.file("plain-file/sub/out.jsonl");
  auto op = make_transform("sink.file", {{"path", path}}, mixed);
  REQUIRE_THROWS_WITH(op->open(), Catch::Contains(dir.file("plain-file")));
}

TEST_CASE("file sink params are checked and errors name the param") {
  using sluice::test::param_error_of;
  CHECK(param_error_of("sink.file", nlohmann::json::object(), mixed)->param() == "path");
  CHECK(param_error_of("sink.file", {{"path", ""}}, mixed)->param() == "path");
  auto e = param_error_of("sink.file", {{"path", "x"}, {"format", "xml"}}, mixed);
  REQUIRE(e);
  CHECK(e->param() == "format");
  CHECK_THAT(e->what(), Catch::Contains("jsonl, csv"));
}

TEST_CASE("the stdout and null sinks are registered sinks with one input") {
  for (const auto& kind : {"sink.stdout", "sink.null", "sink.file"}) {
    const auto& d = sluice::test::descriptor_of(kind);
    CHECK(d.category == "sink");
    CHECK(d.is_sink());
    CHECK(d.input_index("in") == 0);
  }
  CHECK(sluice::test::descriptor_of("sink.stdout").property("format")->default_value == "jsonl");
  CHECK(sluice::test::param_error_of("sink.stdout", {{"format", "tsv"}})->param() == "format");
}

TEST_CASE("the null sink accepts and discards batches") {
  auto op = make_transform("sink.null", nlohmann::json::object(), mixed);
  recording_emitter out(0);
  op->open();
  op->on_batch_from(0, 0, make_batch(mixed, R"([[1, 2.5, true, "x", "2026-01-01T00:00:00Z"]])"),
                    out);
  op->on_end_of_stream(out);
  op->close();
  CHECK(out.errors.empty());
}
