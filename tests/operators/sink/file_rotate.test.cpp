#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_operator;
using sluice::test::make_transform;
using sluice::test::param_error_of;
using sluice::test::read_text;
using sluice::test::recording_emitter;
using sluice::test::temp_dir;

namespace {

std::filesystem::path test_root() { return std::filesystem::path(SLUICE_BINARY_DIR) / "test-tmp"; }

const core::schema_ptr numbered = core::make_schema({{"n", value_type::int64}});

// {"n":10}..{"n":10+count-1}: 9 bytes per record with its line end.
core::batch_ptr numbers(int first, int count) {
  std::string rows = "[";
  for (int i = 0; i < count; ++i) rows += (i ? ",[" : "[") + std::to_string(first + i) + "]";
  return make_batch(numbered, rows + "]");
}

void write_all(const nlohmann::json& params, const std::vector<core::batch_ptr>& batches,
               const core::schema_ptr& schema = numbered) {
  auto op = make_transform("sink.file", params, schema);
  recording_emitter out(0);
  op->open();
  for (const auto& b : batches) op->on_batch_from(0, 0, b, out);
  op->on_end_of_stream(out);
  op->close();
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

} // namespace

TEST_CASE("the file sink rotates a file that reaches the rotate size to path.1, path.2, ...") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  // 9-byte records, 20-byte files: a file is closed after its third record.
  write_all({{"path", path}, {"rotate", 20}}, {numbers(10, 4), numbers(14, 4)});
  CHECK(read_text(path + ".1") == "{\"n\":10}\n{\"n\":11}\n{\"n\":12}\n");
  CHECK(read_text(path + ".2") == "{\"n\":13}\n{\"n\":14}\n{\"n\":15}\n");
  CHECK(read_text(path) == "{\"n\":16}\n{\"n\":17}\n");
  CHECK(!exists(path + ".3"));
}

TEST_CASE("rotated CSV files each start with the header") {
  temp_dir dir(test_root());
  auto path = dir.file("out.csv");
  write_all({{"path", path}, {"format", "csv"}, {"rotate", "8B"}}, {numbers(10, 3)});
  CHECK(read_text(path + ".1") == "n\n10\n11\n");
  CHECK(read_text(path) == "n\n12\n"); // not full: stays at the path
  CHECK(!exists(path + ".2"));
}

TEST_CASE("rotation numbering goes on after rotated files that already exist") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  std::ofstream(path + ".7") << "old\n";
  write_all({{"path", path}, {"rotate", 9}}, {numbers(10, 2)});
  CHECK(read_text(path + ".7") == "old\n");
  CHECK(read_text(path + ".8") == "{\"n\":10}\n");
  CHECK(read_text(path) == "{\"n\":11}\n");
}

TEST_CASE("the rotate size takes bytes or a size with a unit") {
  auto ok = [](const nlohmann::json& v) {
    return !param_error_of("sink.file", {{"path", "x"}, {"rotate", v}}, numbered);
  };
  CHECK(ok(0));
  CHECK(ok(1048576));
  CHECK(ok("100MB"));
  CHECK(ok("64KB"));
  CHECK(ok("1.5 GiB"));
  CHECK(ok("512"));
  auto err = param_error_of("sink.file", {{"path", "x"}, {"rotate", "lots"}}, numbered);
  REQUIRE(err);
  CHECK(err->param() == "rotate");
  CHECK(param_error_of("sink.file", {{"path", "x"}, {"rotate", -1}}, numbered));
  CHECK(param_error_of("sink.file", {{"path", "x"}, {"rotate", "10XB"}}, numbered));
}

TEST_CASE("a rotate size in KB counts 1024 bytes per KB") {
  temp_dir dir(test_root());
  auto path = dir.file("out.jsonl");
  write_all({{"path", path}, {"rotate", "1KB"}}, {numbers(100, 250)}); // 10 bytes each
  CHECK(std::filesystem::file_size(path + ".1") == 1030);              // 103 records reach 1024
  CHECK(std::filesystem::file_size(path + ".2") == 1030);
  CHECK(std::filesystem::file_size(path) == 440);
}

TEST_CASE("CSV written by the file sink reads back unchanged, quotes and line breaks included") {
  temp_dir dir(test_root());
  auto path = dir.file("tricky.csv");
  auto s = core::make_schema({{"id", value_type::int64},
                              {"text", value_type::string},
                              {"x", value_type::float64},
                              {"at", value_type::timestamp},
                              {"ok", value_type::boolean}});
  auto b = make_batch(s, R"([[1, "comma, inside", 0.1, "2026-01-01T00:00:00.001Z", true],
                             [2, "say \"hi\"", -2.5e-7, "2026-01-01T00:00:00Z", false],
                             [3, "two\nlines\r\nand CRLF", 1e21, null, null],
                             [4, " spaces kept ", null, "2026-06-30T12:00:00Z", true],
                             [5, "\"", 3, "2026-06-30T12:00:00Z", false],
                             [null, "é ünïcode", 4, "2026-06-30T12:00:00Z", false]])");
  write_all({{"path", path}, {"format", "csv"}}, {b}, s);
  auto src = make_operator(
    "source.file", {{"path", path},
                    {"format", "csv"},
                    {"schema", {"id:int", "text:string", "x:double", "at:timestamp", "ok:bool"}}});
  recording_emitter out;
  while (src->poll(out, 100).what != core::poll_result::state::finished) {}
  std::vector<std::string> written;
  for (std::size_t r = 0; r < b->rows(); ++r) {
    written.emplace_back();
    core::append_json_record(*b, r, written.back());
  }
  CHECK(out.json_rows() == written);
  CHECK(out.errors.empty());
}
